"""`qa-pipeline transcribe`: one conversation JSON per recording, an error line per bad file."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import make_test_audio
import pytest

from qa_pipeline.cli import main
from qa_pipeline.loading import load_conversation


def test_transcribe_writes_conversations_and_reports_bad_files(
    tmp_path: Path,
    render: Callable[..., make_test_audio.RenderedCall],
    capsys: pytest.CaptureFixture[str],
) -> None:
    call = render("compliant", stereo=True)
    broken = tmp_path / "broken.wav"
    broken.write_bytes(b"RIFF\x00\x00")
    meta = tmp_path / "meta"
    meta.mkdir()
    recording = meta / "C-42.wav"
    recording.write_bytes(call.path.read_bytes())
    (meta / "C-42.json").write_text(
        json.dumps(
            {
                "call_id": "C-42",
                "agent_id": "A-7",
                "channel": "voice",
                "started_at": "2026-03-02T14:05:00-05:00",
                "audio": "C-42.wav",
            }
        ),
        encoding="utf-8",
    )
    out = tmp_path / "out"

    code = main(["transcribe", str(call.path), str(broken), str(meta / "C-42.json"), "-o", str(out), "--no-progress"])

    assert code == 1  # one input failed
    err = capsys.readouterr().err
    assert "broken.wav" in err and "error" in err
    assert "transcribed 2 of 3" in err
    plain = json.loads((out / f"{call.path.stem}.json").read_text(encoding="utf-8"))
    assert plain["channel"] == "voice" and plain["agent_id"] == "unknown"
    assert {u["speaker"] for u in plain["utterances"]} == {"agent", "customer"}
    assert all("start" in u and "end" in u for u in plain["utterances"])
    assert plain["audio_info"]["duration_s"] > 10
    templated = json.loads((out / "C-42.json").read_text(encoding="utf-8"))
    assert templated["agent_id"] == "A-7" and templated["started_at"] == "2026-03-02T14:05:00-05:00"
    # what transcribe writes loads back as a conversation (contract.md shape)
    conv = load_conversation(out / "C-42.json")
    assert conv.utterances and conv.utterances[0].start is not None
