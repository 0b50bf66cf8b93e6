"""Deliberately broken input through every public entry point: one clear error, no traceback.

Every broken file is built here, in the test's own folder: malformed and wrong-typed JSON,
naive time zones, huge and deeply nested files, binary junk named ``.json``, zero-byte,
truncated and fake audio, silent and 8 kHz audio, odd formats, manifest rows that climb out of
the input root, rubric YAML with ``!!python/object`` tags and bad configuration files.

Tests marked ``xfail(strict=True)`` are real defects in another module, reported to the lead
with the fix; they turn into failures (XPASS) the moment the fix lands, so the marker is
removed then.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np
import pytest
import soundfile

from qa_pipeline.audio.decode import SAMPLE_RATE, SilentAudioError, decode_audio
from qa_pipeline.config import load_settings
from qa_pipeline.errors import (
    AudioError,
    ConfigError,
    ConversationError,
    InputError,
    ManifestError,
    RubricError,
)
from qa_pipeline.loading import MAX_CONVERSATION_BYTES, load_conversation
from qa_pipeline.rubric import load_rubric
from qa_pipeline.warehouse.intake import discover_inputs, read_call
from qa_pipeline.warehouse.rows import CallFailure

GOOD = {
    "call_id": "C-1",
    "agent_id": "A-1",
    "channel": "voice",
    "started_at": "2026-03-02T14:05:00-05:00",
    "utterances": [{"speaker": "agent", "text": "hi this is dana with summit recovery"}],
}


def _doc(**changes: object) -> bytes:
    data = {**GOOD, **changes}
    return json.dumps({k: v for k, v in data.items() if v is not None}).encode()


# ---------------------------------------------------------------- conversation JSON

BROKEN_CONVERSATIONS: dict[str, tuple[bytes, str]] = {
    "malformed.json": (b'{"call_id": "x", ', "is not valid JSON"),
    "zero-bytes.json": (b"", "is not valid JSON"),
    "binary-junk.json": (bytes(range(256)) * 8, "is not UTF-8 text"),
    "utf16.json": (json.dumps(GOOD).encode("utf-16"), "is not UTF-8 text"),
    "a-list.json": (b"[1, 2, 3]", "expected a JSON object"),
    "nested-arrays.json": (b"[" * 100_000 + b"]" * 100_000, "nested too deeply"),
    "nested-objects.json": (b'{"a":' * 50_000 + b"1" + b"}" * 50_000, "nested too deeply"),
    "missing-field.json": (_doc(agent_id=None), "field 'agent_id' is missing"),
    "wrong-type-utterances.json": (_doc(utterances="hello"), "field 'utterances'"),
    "wrong-type-speaker.json": (
        _doc(utterances=[{"speaker": 1, "text": None}]),
        "field 'utterances[0].speaker'",
    ),
    "naive-time.json": (_doc(started_at="2026-03-02T14:05:00"), "has no UTC offset"),
    "bad-offset.json": (_doc(started_at="2026-03-02T14:05:00+25:00"), "field 'started_at'"),
    "nan-start.json": (
        b'{"call_id":"C","agent_id":"A","channel":"voice","started_at":"2026-03-02T14:05:00-05:00",'
        b'"utterances":[{"speaker":"agent","text":"hi","start":NaN}]}',
        "finite number of seconds",
    ),
    "huge-number.json": (_doc(days_past_due=10**400), "days_past_due"),
    "bool-id.json": (_doc(call_id=True), "field 'call_id'"),
    "no-utterances.json": (_doc(utterances=[]), "has no utterances and no audio"),
    "bad-channel.json": (_doc(channel="fax"), "field 'channel'"),
    "ends-before-start.json": (
        _doc(utterances=[{"speaker": "agent", "text": "hi", "start": 5.0, "end": 1.0}]),
        "ends (1.0) before it starts (5.0)",
    ),
}


@pytest.mark.parametrize("name", sorted(BROKEN_CONVERSATIONS))
def test_each_broken_conversation_gives_one_conversation_error(tmp_path: Path, name: str) -> None:
    data, message = BROKEN_CONVERSATIONS[name]
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(ConversationError) as info:
        load_conversation(path)
    assert message in str(info.value)
    assert str(path) in str(info.value)  # the user learns WHICH file


def test_a_huge_file_is_refused_before_it_is_read(tmp_path: Path) -> None:
    path = tmp_path / "huge.json"
    with path.open("wb") as f:
        f.truncate(MAX_CONVERSATION_BYTES + 1)  # sparse: no disk is really used
    with pytest.raises(ConversationError, match="larger than the"):
        load_conversation(path)


@pytest.mark.parametrize("audio", ["../../etc/passwd", "/etc/passwd", "sub/../../outside.wav"])
def test_audio_paths_outside_the_input_folder_are_refused(tmp_path: Path, audio: str) -> None:
    inside = tmp_path / "calls"
    inside.mkdir()
    path = inside / "c.json"
    path.write_bytes(_doc(audio=audio))
    with pytest.raises(InputError, match="points outside the input folder"):
        load_conversation(path)


def test_audio_outside_the_folder_is_a_conversation_error(tmp_path: Path) -> None:
    path = tmp_path / "c.json"
    path.write_bytes(_doc(audio="../../etc/passwd"))
    with pytest.raises(ConversationError):
        load_conversation(path)


# ---------------------------------------------------------------- settings YAML

BROKEN_CONFIGS: dict[str, tuple[bytes, str]] = {
    "python-tag.yaml": (
        b'asr: !!python/object/apply:os.system ["echo pwned"]\n',
        "could not determine a constructor",
    ),
    "python-object.yaml": (b"asr: !!python/object:qa_pipeline.config.Settings {}\n", "constructor"),
    "out-of-range.yaml": (b"asr:\n  beam_size: 0\n", "setting 'asr.beam_size'"),
    "unknown-setting.yaml": (b"nonsense: 1\n", "setting 'nonsense'"),
    "wrong-type.yaml": (b'asr:\n  beam_size: "lots"\n', "setting 'asr.beam_size'"),
    "a-list.yaml": (b"- a\n- b\n", "must be a YAML mapping"),
    "tab-indented.yaml": (b"asr:\n\tmodel: x\n", "is not valid YAML"),
    "null-section.yaml": (b"asr: null\n", "setting 'asr'"),
}


@pytest.mark.parametrize("name", sorted(BROKEN_CONFIGS))
def test_each_bad_config_gives_one_config_error(tmp_path: Path, name: str) -> None:
    data, message = BROKEN_CONFIGS[name]
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(ConfigError) as info:
        load_settings(path)
    assert message in str(info.value)


def test_a_missing_config_or_a_folder_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="cannot read"):
        load_settings(tmp_path / "nope.yaml")
    with pytest.raises(ConfigError, match="cannot read"):
        load_settings(tmp_path)


def test_a_binary_config_is_a_config_error(tmp_path: Path) -> None:
    path = tmp_path / "binary.yaml"
    path.write_bytes(b"\xcf\xff\xfe" + bytes(range(256)))
    with pytest.raises(ConfigError):
        load_settings(path)


def test_a_deeply_nested_config_is_a_config_error(tmp_path: Path) -> None:
    path = tmp_path / "deep.yaml"
    path.write_bytes(b"asr: " + b"[" * 5000 + b"]" * 5000 + b"\n")
    with pytest.raises(ConfigError):
        load_settings(path)


# ---------------------------------------------------------------- rubric YAML

BROKEN_RUBRICS: dict[str, tuple[bytes, str]] = {
    "python-tag.yaml": (
        b'id: x\nversion: 1\nitems: !!python/object/apply:os.system ["echo pwned"]\n',
        "could not determine a constructor",
    ),
    "python-name.yaml": (b"id: !!python/name:os.system\nversion: 1\n", "constructor"),
    "empty.yaml": (b"", "must be a YAML mapping"),
    "binary.yaml": (b"\x8d" + bytes(range(256)), "is not valid YAML"),
    "bad-regex.yaml": (
        b"id: x\nversion: 1\nitems: {script: {greeting: {description: d, patterns: ['(unclosed']}}}\n",
        "is not a valid regular expression",
    ),
    "no-items.yaml": (b"id: x\nversion: 1\n", "field 'items'"),
    "bad-id.yaml": (b"id: '../../etc'\nversion: 1\nitems: {}\n", "field 'id'"),
}


@pytest.mark.parametrize("name", sorted(BROKEN_RUBRICS))
def test_each_bad_rubric_gives_one_rubric_error(tmp_path: Path, name: str) -> None:
    data, message = BROKEN_RUBRICS[name]
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(RubricError) as info:
        load_rubric(path)
    assert message in str(info.value)


def test_an_unknown_rubric_id_lists_the_known_ones() -> None:
    with pytest.raises(RubricError, match="collections-us"):
        load_rubric("no-such-rubric")


def test_a_deeply_nested_rubric_is_a_rubric_error(tmp_path: Path) -> None:
    path = tmp_path / "deep.yaml"
    path.write_bytes(b"[" * 5000 + b"]" * 5000)
    with pytest.raises(RubricError):
        load_rubric(path)


# ---------------------------------------------------------------- audio


def _tone(
    path: Path,
    *,
    rate: int = 16_000,
    seconds: float = 2.0,
    channels: int = 1,
    fmt: str | None = None,
) -> Path:
    t = np.arange(int(rate * seconds)) / rate
    wave = 0.3 * np.sin(2 * np.pi * 300.0 * t)
    soundfile.write(path, np.stack([wave] * channels, axis=1), rate, format=fmt)
    return path


@pytest.fixture()
def good_wav(tmp_path: Path) -> bytes:
    return _tone(tmp_path / "good.wav", rate=8000).read_bytes()


@pytest.mark.parametrize(
    ("name", "make", "message"),
    [
        ("zero.wav", lambda good: b"", "is empty (0 bytes)"),
        ("truncated.wav", lambda good: good[: len(good) // 3], "is truncated"),
        ("header-only.wav", lambda good: good[:44], "is truncated"),
        ("random.mp3", lambda good: os.urandom(5000), "is not a recording FFmpeg can read"),
        ("text.wav", lambda good: b"hello world\n" * 10, "is not a recording FFmpeg can read"),
        (
            "junk.json.wav",
            lambda good: json.dumps(GOOD).encode(),
            "is not a recording FFmpeg can read",
        ),
    ],
)
def test_each_broken_recording_gives_one_audio_error(
    tmp_path: Path, good_wav: bytes, name: str, make: object, message: str
) -> None:
    path = tmp_path / name
    path.write_bytes(make(good_wav))  # type: ignore[operator]
    with pytest.raises(AudioError) as info:
        decode_audio(path)
    assert message in str(info.value)


def test_silent_audio_is_its_own_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "silent.wav"
    soundfile.write(path, np.zeros(SAMPLE_RATE * 2), SAMPLE_RATE)
    with pytest.raises(SilentAudioError, match="silence"):
        decode_audio(path)
    assert decode_audio(path, reject_silent=False).duration == pytest.approx(2.0)


def test_too_long_a_recording_is_refused(tmp_path: Path) -> None:
    path = _tone(tmp_path / "long.wav", seconds=3.0)
    with pytest.raises(AudioError, match="limit"):
        decode_audio(path, max_duration_s=1.0)


@pytest.mark.parametrize(
    ("name", "rate", "channels", "fmt"),
    [
        ("telephony-8k.wav", 8000, 1, None),
        ("odd-rate.flac", 22_050, 1, None),
        ("stereo-44k.ogg", 44_100, 2, "OGG"),
        ("six-channels.wav", 11_025, 6, None),
    ],
)
def test_odd_but_valid_recordings_decode_to_16k(
    tmp_path: Path, name: str, rate: int, channels: int, fmt: str | None
) -> None:
    audio = decode_audio(_tone(tmp_path / name, rate=rate, channels=channels, fmt=fmt))
    assert audio.sample_rate == SAMPLE_RATE and audio.source_rate == rate
    assert audio.duration == pytest.approx(2.0, abs=0.05)
    assert audio.channels == (2 if channels == 2 else 1)


def test_a_folder_or_missing_file_named_like_audio_is_an_audio_error(tmp_path: Path) -> None:
    (tmp_path / "folder.wav").mkdir()
    for p in (tmp_path / "folder.wav", tmp_path / "missing.wav"):
        with pytest.raises(AudioError, match="does not exist or is not a file"):
            decode_audio(p)


# ---------------------------------------------------------------- manifests


def test_manifest_rows_climbing_out_of_the_root_are_refused_and_good_rows_read(
    tmp_path: Path,
) -> None:
    root = tmp_path / "batch"
    root.mkdir()
    secret = tmp_path / "secret.json"  # outside the root: must never be read
    secret.write_bytes(_doc(call_id="SECRET"))
    (root / "good.json").write_bytes(_doc(call_id="GOOD"))
    _tone(root / "good.wav")
    manifest = root / "manifest.csv"
    manifest.write_text(
        "call_id,agent_id,channel,started_at,transcript,audio\n"
        "M-1,A-1,voice,2026-03-02T14:05:00-05:00,good.json,\n"
        "M-2,A-1,voice,2026-03-02T14:05:00-05:00,../secret.json,\n"
        f"M-3,A-1,voice,2026-03-02T14:05:00-05:00,{secret},\n"
        "M-4,A-1,voice,2026-03-02T14:05:00-05:00,,../../etc/passwd\n"
        "M-5,A-1,voice,2026-03-02T14:05:00-05:00,,/etc/passwd\n"
        "M-6,A-1,voice,2026-03-02T14:05:00-05:00,,good.wav\n",
        encoding="utf-8",
    )
    results = [read_call(item) for item in discover_inputs(manifest)]
    assert len(results) == 6
    failures = {r.identity.call_id: r for r in results if isinstance(r, CallFailure)}
    assert sorted(failures) == ["M-2", "M-3", "M-4", "M-5"]
    for failure in failures.values():
        assert failure.stage == "manifest"
        assert failure.error_type == ManifestError.__name__
        assert "points outside the input folder" in failure.message
        assert "SECRET" not in failure.message
    good = [r for r in results if not isinstance(r, CallFailure)]
    assert [g.conversation.call_id for g in good] == ["M-1", "M-6"]


def test_a_jsonl_manifest_with_broken_lines_reports_each_line(tmp_path: Path) -> None:
    manifest = tmp_path / "m.jsonl"
    manifest.write_text(
        '{"call_id": "J-1", "transcript": "nope.json"}\nnot json at all\n[1, 2]\n',
        encoding="utf-8",
    )
    results = [read_call(item) for item in discover_inputs(manifest)]
    assert all(isinstance(r, CallFailure) for r in results)
    messages = [r.message for r in results if isinstance(r, CallFailure)]
    assert "transcript 'nope.json' is not there" in messages[0]
    assert "line 2 is not valid JSON" in messages[1]
    assert "line 3 is not a JSON object" in messages[2]
