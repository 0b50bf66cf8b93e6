"""`qa-pipeline score` over a folder of broken inputs: an error line for each, the good one scored.

Runs the command in-process (`qa_pipeline.cli.main`), with the real judge and models, so an
exception escaping the command fails the test the way a traceback would reach a user.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from qa_pipeline.cli import main

EXAMPLES = Path(__file__).resolve().parents[2].parent / "shared" / "spec" / "examples"
GOOD = {
    "call_id": "C-1",
    "agent_id": "A-1",
    "channel": "voice",
    "started_at": "2026-03-02T14:05:00-05:00",
    "utterances": [{"speaker": "agent", "text": "hi"}],
}

# name -> (bytes, the reason the error line must give)
BROKEN: dict[str, tuple[bytes, str]] = {
    "01-malformed.json": (b'{"call_id": "x", ', "is not valid JSON"),
    "02-zero-bytes.json": (b"", "is not valid JSON"),
    "03-binary.json": (bytes(range(256)) * 4, "is not UTF-8 text"),
    "04-nested.json": (b"[" * 50_000 + b"]" * 50_000, "nested too deeply"),
    "05-naive-time.json": (
        json.dumps({**GOOD, "started_at": "2026-03-02T14:05:00"}).encode(),
        "has no UTC offset",
    ),
    "06-missing-field.json": (
        json.dumps({k: v for k, v in GOOD.items() if k != "channel"}).encode(),
        "field 'channel' is missing",
    ),
    "07-wrong-type.json": (json.dumps({**GOOD, "utterances": {"a": 1}}).encode(), "utterances"),
    "08-audio-escapes.json": (
        json.dumps({**GOOD, "audio": "../../../etc/passwd"}).encode(),
        "points outside the input folder",
    ),
    "09-audio-absolute.json": (
        json.dumps({**GOOD, "audio": "/etc/shadow"}).encode(),
        "points outside the input folder",
    ),
}


def _score(
    folder: Path, capsys: pytest.CaptureFixture[str]
) -> tuple[int, list[dict[str, object]], str]:
    code = main(["score", str(folder), "--format", "jsonl"])
    out, err = capsys.readouterr()
    return code, [json.loads(line) for line in out.splitlines()], err


def test_a_folder_of_broken_inputs_runs_to_the_end(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for name, (data, _) in BROKEN.items():
        (tmp_path / name).write_bytes(data)
    shutil.copy(EXAMPLES / "ex-001.json", tmp_path / "10-good.json")
    code, lines, err = _score(tmp_path, capsys)
    assert code == 1  # some input failed, every line was still printed
    assert "Traceback" not in err
    assert len(lines) == len(BROKEN) + 1
    for line, (name, (_, reason)) in zip(lines, sorted(BROKEN.items()), strict=False):
        assert "error" in line, name
        assert reason in str(line["error"]), (name, line["error"])
        assert name in str(line["error"])  # the user learns which file
    assert lines[-1]["call_id"] == "EX-001" and "error" not in lines[-1]
    assert "script" in lines[-1]


def test_a_call_id_that_is_not_valid_unicode_does_not_end_the_batch(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    doc = json.dumps({**GOOD, "agent_id": 5.5}).replace('"C-1"', '"\\ud800"')
    (tmp_path / "1-surrogate.json").write_text(doc, encoding="utf-8")
    shutil.copy(EXAMPLES / "ex-001.json", tmp_path / "2-good.json")
    code, lines, _ = _score(tmp_path, capsys)
    assert code == 1
    assert len(lines) == 2 and lines[1]["call_id"] == "EX-001"


def test_a_binary_config_file_is_one_clear_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / "settings.yaml"
    config.write_bytes(b"\xed\xa0" + bytes(range(256)))
    shutil.copy(EXAMPLES / "ex-001.json", tmp_path / "good.json")
    code = main(["--config", str(config), "score", str(tmp_path / "good.json")])
    assert code == 2
    assert "settings.yaml" in capsys.readouterr().err


def test_a_config_with_python_tags_is_one_clear_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / "settings.yaml"
    config.write_text('asr: !!python/object/apply:os.system ["touch pwned"]\n', encoding="utf-8")
    shutil.copy(EXAMPLES / "ex-001.json", tmp_path / "good.json")
    code = main(["--config", str(config), "score", str(tmp_path / "good.json")])
    assert code == 2
    assert not (Path.cwd() / "pwned").exists()
    err = capsys.readouterr().err
    assert "settings.yaml" in err and "is not valid YAML" in err and "Traceback" not in err
