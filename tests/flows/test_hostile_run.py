"""Deliberately broken inputs through the main job (`qa-pipeline run` / `run_process_calls`).

A folder of broken conversation JSON, broken and silent recordings, a huge file and a link out
of the folder, next to good calls; then a manifest whose rows climb out of the input root or
point at absolute paths, next to good rows. Each run finishes; each bad input is ONE error row
with its stage and a message that names the file and holds no traceback; every good input is
stored. Real flow, real judge, real DuckDB (no speech model loads: every broken recording fails
at decoding, before the recogniser is needed).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import duckdb
import numpy as np
import pytest
import soundfile
from conftest import CORPUS

from flows.process_calls import run_process_calls
from qa_pipeline.loading import MAX_CONVERSATION_BYTES

pytestmark = pytest.mark.usefixtures("prefect_harness")

GOOD = ("CB-064", "CC-007")
_TRACEBACK = re.compile(r"Traceback \(most recent call last\)|File \"[^\"]+\", line \d+")


def _doc(call_id: str, **changes: object) -> bytes:
    data: dict[str, object] = {
        "call_id": call_id,
        "agent_id": "A-1",
        "channel": "chat",
        "started_at": "2026-03-02T14:05:00-05:00",
        "utterances": [{"speaker": "agent", "text": "hi, this is dana with summit recovery"}],
        **changes,
    }
    return json.dumps({k: v for k, v in data.items() if v is not None}).encode()


def _good(folder: Path) -> None:
    for call_id in GOOD:
        doc = json.loads((CORPUS / f"{call_id}.json").read_text(encoding="utf-8"))
        doc.pop("labels", None)
        (folder / f"{call_id}.json").write_text(json.dumps(doc), encoding="utf-8")


def _wav(seconds: float = 2.0, *, silent: bool = False, rate: int = 16_000) -> bytes:
    import io

    t = np.arange(int(rate * seconds)) / rate
    wave = np.zeros_like(t) if silent else 0.3 * np.sin(2 * np.pi * 300.0 * t)
    buf = io.BytesIO()
    soundfile.write(buf, wave, rate, format="WAV")
    return buf.getvalue()


#: file name -> (bytes, the stage its error row must name, words its message must hold)
BROKEN_FOLDER: dict[str, tuple[bytes, str, str]] = {
    "malformed.json": (b'{"call_id": "x", ', "load", "is not valid JSON"),
    "zero-bytes.json": (b"", "load", "is not valid JSON"),
    "binary-junk.json": (bytes(range(256)) * 8, "load", "is not UTF-8 text"),
    "missing-field.json": (_doc("B-MISSING", agent_id=None), "load", "'agent_id' is missing"),
    "naive-time.json": (
        _doc("B-NAIVE", started_at="2026-03-02T14:05:00"),
        "load",
        "has no UTC offset",
    ),
    "audio-climbs-out.json": (
        _doc("B-CLIMB", utterances=None, audio="../../etc/passwd"),
        "load",
        "points outside the input folder",
    ),
    "audio-absolute.json": (
        _doc("B-ABS", utterances=None, audio="/etc/passwd"),
        "load",
        "points outside the input folder",
    ),
    "zero.wav": (b"", "decode", "is empty (0 bytes)"),
    "truncated.wav": (_wav()[:20_000], "decode", "is truncated"),
    "random-bytes.mp3": (
        np.random.default_rng(7).bytes(6000),
        "decode",
        "is not a recording FFmpeg can read",
    ),
    "silent.wav": (_wav(silent=True), "decode", "silence"),
}


def _errors(db: Path) -> dict[str, list[tuple[str, str, str]]]:
    """source file name -> its error rows (stage, error type, message)."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        rows = con.execute("SELECT source_path, stage, error_type, message FROM errors").fetchall()
    finally:
        con.close()
    out: dict[str, list[tuple[str, str, str]]] = {}
    for source, stage, kind, message in rows:
        out.setdefault(Path(source.split("#")[0]).name + _row(source), []).append(
            (stage, kind, message)
        )
    return out


def _row(source: str) -> str:
    return "#" + source.split("#")[1] if "#" in source else ""


def _judged_ids(db: Path) -> set[str]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        rows = con.execute("SELECT call_id FROM scorecards WHERE is_current").fetchall()
    finally:
        con.close()
    return {r[0] for r in rows}


def test_a_folder_of_broken_inputs_runs_to_the_end(tmp_path: Path, frozen_rubric: str) -> None:
    drop = tmp_path / "drop"
    drop.mkdir()
    _good(drop)
    for name, (data, _, _) in BROKEN_FOLDER.items():
        (drop / name).write_bytes(data)
    with (drop / "huge.json").open("wb") as f:
        f.truncate(MAX_CONVERSATION_BYTES + 1)  # sparse: no disk is really used
    secret = tmp_path / "secret.json"  # outside the folder: must never be read
    secret.write_bytes(_doc("SECRET"))
    (drop / "link-out.json").symlink_to(secret)
    expected = {
        **{name: (stage, words) for name, (_, stage, words) in BROKEN_FOLDER.items()},
        "huge.json": ("load", "larger than the"),
        "link-out.json": ("load", "outside the input folder"),
    }
    db = tmp_path / "wh.duckdb"

    summary = run_process_calls(drop, db, rubric=frozen_rubric, batch_size=4)

    assert (summary["received"], summary["judged"], summary["failed"]) == (
        len(GOOD) + len(expected),
        len(GOOD),
        len(expected),
    )
    assert _judged_ids(db) == set(GOOD)
    errors = _errors(db)
    assert sorted(errors) == sorted(expected)
    for name, rows in errors.items():
        assert len(rows) == 1, (name, rows)  # one clear error row per bad input
        stage, _, message = rows[0]
        assert stage == expected[name][0], (name, rows)
        assert expected[name][1] in message, (name, message)
        assert name in message, (name, message)  # the user learns WHICH file
        assert not _TRACEBACK.search(message), (name, message)
        assert "SECRET" not in message
    con = duckdb.connect(str(db), read_only=True)
    try:
        failed_view = con.execute("SELECT count(*) FROM v_failed_calls").fetchone()
        runs = con.execute("SELECT status FROM runs").fetchall()
    finally:
        con.close()
    assert failed_view == (len(expected),) and runs == [("completed",)]


def test_a_manifest_whose_rows_climb_out_is_refused_row_by_row(
    tmp_path: Path, frozen_rubric: str
) -> None:
    root = tmp_path / "drop"
    (root / "transcripts").mkdir(parents=True)
    _good(root / "transcripts")
    (root / "transcripts" / "broken.json").write_bytes(b'{"call_id": ')
    (root / "tone.wav").write_bytes(_wav())
    secret = tmp_path / "secret.json"
    secret.write_bytes(_doc("SECRET"))
    header = "call_id,agent_id,channel,started_at,transcript,audio\n"
    when = "2026-03-02T14:05:00-05:00"
    rows = {
        2: f"{GOOD[0]},A-9,voice,{when},transcripts/{GOOD[0]}.json,",
        3: f"M-UP,A-9,voice,{when},../secret.json,",
        4: f"M-ABS,A-9,voice,{when},{secret},",
        5: f"M-AUDIO-UP,A-9,voice,{when},,../../etc/passwd",
        6: f"M-AUDIO-ABS,A-9,voice,{when},,/etc/passwd",
        7: f"M-SNEAKY,A-9,voice,{when},transcripts/../../secret.json,",
        8: f"M-BROKEN,A-9,voice,{when},transcripts/broken.json,",
        9: f"M-NEITHER,A-9,voice,{when},,",
        10: f"{GOOD[1]},A-9,chat,{when},transcripts/{GOOD[1]}.json,",
    }
    manifest = root / "manifest.csv"
    manifest.write_text(header + "\n".join(rows.values()) + "\n", encoding="utf-8")
    expected = {
        3: "points outside the input folder",
        4: "points outside the input folder",
        5: "points outside the input folder",
        6: "points outside the input folder",
        7: "points outside the input folder",
        8: "is not valid JSON",
        9: "names neither",
    }
    db = tmp_path / "wh.duckdb"

    summary = run_process_calls(manifest, db, rubric=frozen_rubric, batch_size=4)

    assert (summary["judged"], summary["failed"]) == (len(GOOD), len(expected))
    assert _judged_ids(db) == set(GOOD)
    errors = _errors(db)
    assert sorted(errors) == sorted(f"manifest.csv#{n}" for n in expected)
    for n, words in expected.items():
        (row,) = errors[f"manifest.csv#{n}"]
        stage, kind, message = row
        assert (stage, kind) == ("manifest", "ManifestError"), row
        assert words in message and not _TRACEBACK.search(message), row
        assert "SECRET" not in message
