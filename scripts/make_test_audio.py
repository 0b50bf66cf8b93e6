#!/usr/bin/env python
"""Render scripted collections calls to audio with espeak-ng, with a ground truth per word.

The agent and the customer get different espeak-ng voices (variant, speed and pitch), so that
speaker attribution can be measured on mono mixes too. Stereo files put the agent on the left
channel and the customer on the right, as contact-centre recorders do; mono files mix both.
Telephony rate (8 kHz) gets the telephone band (300-3400 Hz) and a little line noise.

Ground truth: each utterance's span in the file is exact (it is where the synthesized speech
was placed); word spans inside an utterance are spread in proportion to word length, which is
close enough to say whose turn a recognised word falls in.

Used by the tests (`tests/audio/conftest.py` imports it) and by `scripts/make_samples.py`.

    python scripts/make_test_audio.py tests/data/corpus/tune/CA-005.json -o /tmp/calls --stereo
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

ESPEAK_RATE = 22_050


@dataclass(frozen=True, slots=True)
class Voice:
    """An espeak-ng voice: ``name`` is ``language+variant`` (``en-us+m3``)."""

    name: str
    speed_wpm: int
    pitch: int


#: the default pair: a lower male agent voice, a faster-varying higher female customer voice
AGENT_VOICE = Voice("en-us+m3", 165, 35)
CUSTOMER_VOICE = Voice("en-us+f2", 150, 75)
#: alternative pairs, so that a sample set does not use one pair for every call
#: (the variants Whisper tiny.en understood best at 8 kHz; m7 and plain en-us were far worse)
VOICE_PAIRS: tuple[tuple[Voice, Voice], ...] = (
    (AGENT_VOICE, CUSTOMER_VOICE),
    (Voice("en-us+f3", 160, 60), Voice("en-us+m1", 150, 35)),
    (Voice("en-us+m1", 160, 40), Voice("en-us+f4", 150, 75)),
    (Voice("en-us+f4", 160, 65), Voice("en-us+m3", 150, 30)),
)


@dataclass(slots=True)
class Line:
    """One scripted turn."""

    role: str  # "agent" or "customer"
    text: str


@dataclass(slots=True)
class TruthWord:
    text: str
    start: float
    end: float
    role: str
    utterance: int


@dataclass(slots=True)
class RenderedCall:
    """A rendered recording and what was said in it, when, by whom."""

    path: Path
    sample_rate: int
    stereo: bool
    duration: float
    utterances: list[dict[str, Any]] = field(default_factory=list)
    words: list[TruthWord] = field(default_factory=list)

    @property
    def script_text(self) -> str:
        return " ".join(u["text"] for u in self.utterances)

    def role_at(self, t: float) -> str | None:
        """The role speaking at time ``t``, or the nearest turn's role within 1.5 s."""
        best: tuple[float, str] | None = None
        for u in self.utterances:
            if u["start"] <= t <= u["end"]:
                return str(u["speaker"])
            gap = min(abs(t - u["start"]), abs(t - u["end"]))
            if gap <= 1.5 and (best is None or gap < best[0]):
                best = (gap, str(u["speaker"]))
        return best[1] if best else None

    def to_json(self) -> dict[str, Any]:
        return {
            "path": str(self.path),
            "sample_rate": self.sample_rate,
            "stereo": self.stereo,
            "duration": round(self.duration, 3),
            "utterances": self.utterances,
            "words": [asdict(w) for w in self.words],
        }


def espeak_available() -> bool:
    return shutil.which("espeak-ng") is not None


def synthesize(text: str, voice: Voice) -> np.ndarray:
    """Speak ``text`` with espeak-ng; float32 samples at `ESPEAK_RATE`."""
    import soundfile as sf

    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "u.wav"
        subprocess.run(
            [
                "espeak-ng",
                "-v",
                voice.name,
                "-s",
                str(voice.speed_wpm),
                "-p",
                str(voice.pitch),
                "-w",
                str(out),
                "--",
                _speakable(text),
            ],
            check=True,
            capture_output=True,
        )
        samples, rate = sf.read(str(out), dtype="float32", always_2d=False)
    if rate != ESPEAK_RATE:
        samples = _resample(samples, rate, ESPEAK_RATE)
    return _trim(samples)


def render_call(
    lines: list[Line],
    out_path: str | Path,
    *,
    stereo: bool,
    sample_rate: int = 16_000,
    voices: tuple[Voice, Voice] = (AGENT_VOICE, CUSTOMER_VOICE),
    gap_s: tuple[float, float] = (0.35, 0.9),
    lead_in_s: float = 0.6,
    seed: int = 0,
    pad_to_s: float | None = None,
) -> RenderedCall:
    """Render a dialogue to an audio file (format from the extension) with its ground truth.

    Args:
        lines: the turns, in order.
        out_path: ``.wav``, ``.flac``, ``.ogg`` (Opus), ``.mp3`` or ``.m4a`` (AAC).
        stereo: agent on the left channel and customer on the right; else one mixed channel.
        sample_rate: 8000 gives the telephone band and line noise; 16000 or more stays clean.
        voices: (agent voice, customer voice).
        gap_s: the pause between turns is drawn uniformly from this range.
        lead_in_s: silence before the first turn.
        seed: seeds the pauses and the noise.
        pad_to_s: pad the end with silence (plus noise) up to this duration.
    """
    rng = np.random.default_rng(seed)
    out = Path(out_path)
    pieces: list[tuple[int, int, np.ndarray]] = []  # (channel, start sample, samples)
    utterances: list[dict[str, Any]] = []
    words: list[TruthWord] = []
    cursor = int(lead_in_s * ESPEAK_RATE)
    for i, line in enumerate(lines):
        voice = voices[0] if line.role == "agent" else voices[1]
        speech = synthesize(line.text, voice)
        if speech.size == 0:
            continue
        channel = 0 if line.role == "agent" else 1
        pieces.append((channel, cursor, speech))
        start = cursor / ESPEAK_RATE
        end = (cursor + speech.size) / ESPEAK_RATE
        utterances.append(
            {"speaker": line.role, "text": line.text, "start": round(start, 3), "end": round(end, 3)}
        )
        words.extend(_spread_words(line.text, start, end, line.role, len(utterances) - 1))
        del i
        cursor += speech.size + int(rng.uniform(*gap_s) * ESPEAK_RATE)
    total = cursor
    if pad_to_s is not None:
        total = max(total, int(pad_to_s * ESPEAK_RATE))
    mix = np.zeros((2, total), dtype=np.float32)
    for channel, start_sample, speech in pieces:
        mix[channel, start_sample : start_sample + speech.size] += speech * 0.7
    mix = np.stack([_resample(ch, ESPEAK_RATE, sample_rate) for ch in mix])
    if sample_rate <= 8_000:
        mix = _telephone(mix, sample_rate, rng)
    data = mix if stereo else mix.sum(axis=0, keepdims=True)
    data = np.clip(data, -1.0, 1.0)
    write_audio(data, sample_rate, out)
    return RenderedCall(
        path=out,
        sample_rate=sample_rate,
        stereo=stereo,
        duration=data.shape[1] / sample_rate,
        utterances=utterances,
        words=words,
    )


def render_long_call(out_path: str | Path, *, minutes: float, sample_rate: int = 8_000) -> float:
    """A long mono recording: the scripted calls back to back, with pauses, for ``minutes``.

    Used to check that an hour-long call transcribes without memory growth. Returns the
    duration in seconds.
    """
    import soundfile as sf

    out = Path(out_path)
    with tempfile.TemporaryDirectory() as tmp:
        parts = []
        for i, (name, lines) in enumerate(SCRIPTED_CALLS.items()):
            rendered = render_call(
                lines, Path(tmp) / f"{name}.wav", stereo=False, sample_rate=sample_rate, seed=i
            )
            data, _ = sf.read(str(rendered.path), dtype="float32")
            parts.append(data)
    pause = np.zeros(int(3.0 * sample_rate), dtype=np.float32)
    target = int(minutes * 60 * sample_rate)
    out.parent.mkdir(parents=True, exist_ok=True)
    written = 0
    with sf.SoundFile(str(out), "w", samplerate=sample_rate, channels=1, format="FLAC") as fh:
        i = 0
        while written < target:
            piece = np.concatenate([parts[i % len(parts)], pause])[: target - written]
            fh.write(piece)
            written += piece.size
            i += 1
    return written / sample_rate


def write_audio(samples: np.ndarray, sample_rate: int, path: Path) -> None:
    """Write ``(channels, n)`` float samples; the container and codec follow the extension."""
    import soundfile as sf

    path.parent.mkdir(parents=True, exist_ok=True)
    suffix = path.suffix.lower()
    frames = samples.T
    if suffix == ".wav":
        sf.write(str(path), frames, sample_rate, subtype="PCM_16")
    elif suffix == ".flac":
        sf.write(str(path), frames, sample_rate, subtype="PCM_16", format="FLAC")
    elif suffix in (".ogg", ".opus"):
        # Opus only runs at 8/12/16/24/48 kHz; libsndfile resamples nothing, so pick the rate
        sf.write(str(path), frames, sample_rate, format="OGG", subtype="OPUS")
    elif suffix == ".mp3":
        sf.write(str(path), frames, sample_rate, format="MP3", subtype="MPEG_LAYER_III")
    elif suffix == ".m4a":
        _write_aac(frames, sample_rate, path)
    else:
        raise ValueError(f"unsupported audio extension {suffix!r}")


def _write_aac(frames: np.ndarray, sample_rate: int, path: Path) -> None:
    import av

    channels = frames.shape[1]
    with av.open(str(path), mode="w", format="ipod") as container:
        stream = container.add_stream("aac", rate=sample_rate)
        stream.layout = "stereo" if channels == 2 else "mono"
        planar = np.ascontiguousarray(frames.T.astype(np.float32))
        step = 1024
        for i in range(0, planar.shape[1], step):
            chunk = np.ascontiguousarray(planar[:, i : i + step])
            frame = av.AudioFrame.from_ndarray(chunk, format="fltp", layout=stream.layout.name)
            frame.sample_rate = sample_rate
            for packet in stream.encode(frame):
                container.mux(packet)
        for packet in stream.encode(None):
            container.mux(packet)


def lines_from_conversation(doc: dict[str, Any]) -> list[Line]:
    """The turns of a conversation JSON (contract.md shape) as script lines."""
    return [
        Line(role=str(u["speaker"]), text=str(u["text"]))
        for u in doc.get("utterances", [])
        if str(u.get("speaker")) in ("agent", "customer") and str(u.get("text", "")).strip()
    ]


#: short scripted calls the tests render (a compliant call and a call with violations)
SCRIPTED_CALLS: dict[str, list[Line]] = {
    "compliant": [
        Line("agent", "Good afternoon, this is Greg calling from Pinecrest Receivables on a recorded line. Am I speaking with Alicia Grant?"),
        Line("customer", "Yes, this is Alicia."),
        Line("agent", "Thank you. For verification, can you please confirm your date of birth and zip code?"),
        Line("customer", "April nineteenth nineteen ninety, and the zip code is seven seven zero eight four."),
        Line("agent", "Thank you for confirming. This is an attempt to collect a debt, and any information obtained will be used for that purpose. Your balance is four hundred twelve dollars."),
        Line("customer", "I know. I lost my job last month and I have been struggling to keep up with the bills."),
        Line("agent", "I am sorry to hear that, I understand it is a difficult time. Would a payment plan help you?"),
        Line("customer", "Maybe. I could pay fifty dollars on Friday."),
        Line("agent", "Okay, so to confirm, you will pay fifty dollars this Friday by card. Is there anything else I can help you with today?"),
        Line("customer", "No, that is all. Thank you."),
        Line("agent", "Thank you for your time, have a good day."),
    ],
    "pressure": [
        Line("agent", "Hello, this is Mark with Summit Recovery. Am I speaking with Daniel Ross?"),
        Line("customer", "Yeah, who is this?"),
        Line("agent", "I need your date of birth to continue."),
        Line("customer", "March third, nineteen eighty five."),
        Line("agent", "You owe nine hundred dollars and it is seriously overdue. If you do not pay today we will take you to court and garnish your wages."),
        Line("customer", "I cannot pay that today, my hours got cut at work."),
        Line("agent", "That is not my problem. I will call your employer and tell them about this debt."),
        Line("customer", "Please do not do that. I can pay one hundred dollars on the fifteenth."),
        Line("agent", "Fine. One hundred dollars on the fifteenth."),
    ],
}


def _speakable(text: str) -> str:
    # espeak reads "$412.00" as "dollar four hundred twelve point zero zero"; say amounts as
    # people say them so that Whisper hears speech, not symbols
    def money(m: re.Match[str]) -> str:
        whole = m.group(1).replace(",", "")
        cents = m.group(2)
        said = f"{whole} dollars"
        if cents and cents != "00":
            said += f" and {int(cents)} cents"
        return said

    text = re.sub(r"\$(\d[\d,]*)(?:\.(\d{2}))?", money, text)
    return text.replace("&", " and ")


def _spread_words(text: str, start: float, end: float, role: str, utterance: int) -> list[TruthWord]:
    tokens = text.split()
    if not tokens:
        return []
    weights = np.array([len(t) + 1 for t in tokens], dtype=float)
    bounds = start + (end - start) * np.concatenate([[0.0], np.cumsum(weights) / weights.sum()])
    return [
        TruthWord(tok, round(float(bounds[i]), 3), round(float(bounds[i + 1]), 3), role, utterance)
        for i, tok in enumerate(tokens)
    ]


def _trim(samples: np.ndarray, threshold: float = 1e-3) -> np.ndarray:
    loud = np.flatnonzero(np.abs(samples) > threshold)
    if loud.size == 0:
        return samples[:0]
    return samples[loud[0] : loud[-1] + 1].astype(np.float32)


def _resample(samples: np.ndarray, src: int, dst: int) -> np.ndarray:
    if src == dst:
        return samples.astype(np.float32)
    from math import gcd

    from scipy.signal import resample_poly

    g = gcd(src, dst)
    return resample_poly(samples, dst // g, src // g).astype(np.float32)


def _telephone(mix: np.ndarray, rate: int, rng: np.random.Generator) -> np.ndarray:
    from scipy.signal import butter, sosfilt

    sos = butter(4, [300, min(3400, rate / 2 - 100)], btype="bandpass", fs=rate, output="sos")
    band = sosfilt(sos, mix, axis=1).astype(np.float32)
    noise = rng.normal(0.0, 10 ** (-55 / 20), size=band.shape).astype(np.float32)
    return band + noise


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "conversations", nargs="*", help="conversation JSON files (default: the built-in scripts)"
    )
    parser.add_argument("-o", "--out", required=True, help="output folder")
    parser.add_argument("--stereo", action="store_true", help="agent left, customer right")
    parser.add_argument("--rate", type=int, default=8000, help="sample rate (default 8000)")
    parser.add_argument("--format", default="wav", help="wav, flac, ogg, mp3 or m4a")
    args = parser.parse_args(argv)
    if not espeak_available():
        print("espeak-ng is not installed (apt-get install espeak-ng)", file=sys.stderr)
        return 1
    out_dir = Path(args.out)
    jobs: list[tuple[str, list[Line]]] = []
    if args.conversations:
        for name in args.conversations:
            doc = json.loads(Path(name).read_text(encoding="utf-8"))
            jobs.append((str(doc.get("call_id", Path(name).stem)), lines_from_conversation(doc)))
    else:
        jobs.extend(SCRIPTED_CALLS.items())
    for seed, (call_id, lines) in enumerate(jobs):
        rendered = render_call(
            lines,
            out_dir / f"{call_id}.{args.format}",
            stereo=args.stereo,
            sample_rate=args.rate,
            seed=seed,
        )
        (out_dir / f"{call_id}.truth.json").write_text(
            json.dumps(rendered.to_json(), indent=1), encoding="utf-8"
        )
        print(f"{rendered.path} {rendered.duration:.1f}s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
