"""Finding and reading the calls of a folder or manifest (no models, no Prefect)."""

from __future__ import annotations

import json
from pathlib import Path

from qa_pipeline.warehouse import CallFailure
from qa_pipeline.warehouse.intake import PreparedCall, discover_inputs, read_call

META = {"agent_id": "A-1", "channel": "voice", "started_at": "2026-03-02T10:00:00-05:00"}


def _write(path: Path, data: object) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data), encoding="utf-8")


def test_samples_layout_recordings_with_metadata_chats_and_bare_audio(tmp_path: Path) -> None:
    root = tmp_path / "samples"
    (root / "recordings").mkdir(parents=True)
    (root / "recordings" / "V-1.flac").write_bytes(b"fLaC fake audio one")
    _write(root / "recordings" / "V-1.json", {"call_id": "V-1", **META, "audio": "V-1.flac"})
    (root / "audio" / "elsewhere.ogg").parent.mkdir()
    (root / "audio" / "elsewhere.ogg").write_bytes(b"OggS two")
    _write(
        root / "meta" / "V-2.json", {"call_id": "V-2", **META, "audio": "../audio/elsewhere.ogg"}
    )
    (root / "bare.wav").write_bytes(b"RIFF three")
    (root / "broken.json").write_text("{")
    (root / "broken.mp3").write_bytes(b"ID3 belongs to broken.json")
    _write(
        root / "chats" / "T-1.json",
        {
            "call_id": "T-1",
            **META,
            "channel": "chat",
            "utterances": [{"speaker": "agent", "text": "Hello"}],
        },
    )
    (root / "README.md").write_text("what is here")
    (root / ".cache").mkdir()
    _write(root / ".cache" / "x.json", {"call_id": "hidden"})

    items = discover_inputs(root)
    kinds = sorted((Path(i.path).name, i.kind) for i in items)
    assert kinds == [
        ("T-1.json", "conversation"),
        ("V-1.json", "conversation"),
        ("V-2.json", "conversation"),
        ("bare.wav", "audio"),
        ("broken.json", "conversation"),
    ]
    read = {Path(i.path).name: read_call(i) for i in items}
    v1 = read["V-1.json"]
    assert isinstance(v1, PreparedCall) and v1.needs_audio
    assert v1.conversation.audio == (root / "recordings" / "V-1.flac").resolve()
    chat = read["T-1.json"]
    assert isinstance(chat, PreparedCall) and not chat.needs_audio
    bare = read["bare.wav"]
    assert isinstance(bare, PreparedCall) and bare.identity.call_id == "bare"
    broken = read["broken.json"]
    assert isinstance(broken, CallFailure) and broken.stage == "load"


def test_content_hash_covers_the_recording(tmp_path: Path) -> None:
    (tmp_path / "V-1.wav").write_bytes(b"RIFF first take")
    _write(tmp_path / "V-1.json", {"call_id": "V-1", **META, "audio": "V-1.wav"})
    [item] = discover_inputs(tmp_path)
    first = read_call(item)
    (tmp_path / "V-1.wav").write_bytes(b"RIFF re-encoded")
    second = read_call(item)
    assert isinstance(first, PreparedCall) and isinstance(second, PreparedCall)
    assert first.identity.call_id == second.identity.call_id
    assert first.identity.call_key != second.identity.call_key


def test_missing_recording_and_escaping_paths_are_one_error_each(tmp_path: Path) -> None:
    _write(tmp_path / "in" / "gone.json", {"call_id": "G", **META, "audio": "gone.wav"})
    (tmp_path / "outside.wav").write_bytes(b"RIFF")
    _write(tmp_path / "in" / "climb.json", {"call_id": "C", **META, "audio": "../outside.wav"})
    results = {Path(i.path).name: read_call(i) for i in discover_inputs(tmp_path / "in")}
    gone, climb = results["gone.json"], results["climb.json"]
    assert isinstance(gone, CallFailure) and "not there" in gone.message
    assert isinstance(climb, CallFailure) and "outside the input folder" in climb.message


def test_jsonl_manifest_bad_line_is_a_row_error(tmp_path: Path) -> None:
    (tmp_path / "rec.wav").write_bytes(b"RIFF")
    manifest = tmp_path / "calls.jsonl"
    manifest.write_text(
        json.dumps({"call_id": "M-1", **META, "audio": "rec.wav", "segment": "early"}) + "\n"
        "not json\n" + json.dumps({"call_id": "M-3", **META, "audio": "/etc/passwd"}) + "\n",
        encoding="utf-8",
    )
    results = [read_call(i) for i in discover_inputs(manifest)]
    ok, bad_line, escape = results
    assert isinstance(ok, PreparedCall) and ok.needs_audio and ok.conversation.segment == "early"
    assert isinstance(bad_line, CallFailure) and bad_line.stage == "manifest"
    assert "line 2" in bad_line.message
    assert isinstance(escape, CallFailure) and escape.stage == "manifest"
