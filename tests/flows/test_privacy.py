"""Issue 7 through the main job: a call with a card read out in groups of four across turns, a
date of birth and an SSN leaves none of them in ANY column of ANY table or view of the warehouse,
while its script items there equal what the judge gives on the raw conversation.

Real flow (`prefect_test_harness`), real judge, real DuckDB; the recording for the audio
redaction case is a synthetic tone (its utterances come with the transcript, so no speech
recognition is needed to place the redacted spans).
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pytest
import soundfile

from flows.process_calls import run_process_calls
from qa_pipeline.cli import main
from qa_pipeline.config import PrivacySettings, Settings
from qa_pipeline.loading import load_conversation
from qa_pipeline.warehouse.privacy import raw_store_path, redacted_audio_dir
from qa_pipeline.warehouse.stages import judge_for

pytestmark = pytest.mark.usefixtures("prefect_harness")

TURNS = [
    ("agent", "Good afternoon, this is Dana with Summit Recovery. This call is recorded. Am I speaking with Carla Mendez?"),
    ("customer", "Yes, this is Carla."),
    ("agent", "Thanks, Carla. Can you verify your date of birth for me?"),
    ("customer", "It's March 3rd, 1986."),
    ("agent", "Thank you, that matches. Summit Recovery is a debt collector, this is an attempt to collect a debt, and any information obtained will be used for that purpose. Your balance with Northwind Bank is $612.40 and it's 45 days past due."),
    ("customer", "I lost my job in January. I can pay something today though."),
    ("agent", "I'm sorry to hear that, that sounds really stressful. Can I ask what's been happening since then?"),
    ("customer", "Just looking for work. I can do one fifty today."),
    ("agent", "We can take $150 today and set up a payment plan for the rest. I can send you a payment link, or take the card now."),
    ("customer", "Just take it now. It's a Visa. Four five three nine."),
    ("agent", "Four five three nine, go ahead."),
    ("customer", "One four eight eight."),
    ("agent", "One four eight eight."),
    ("customer", "Zero three four three. And six four six seven."),
    ("agent", "And the expiration date?"),
    ("customer", "Oh four twenty seven."),
    ("agent", "Thank you. So that's $150 today, March 2nd, 2026, on your Visa."),
    ("customer", "Do you need my whole social too? It's five one two, four four, six seven eight nine."),
    ("agent", "No, I don't need that, thank you. Thanks for your payment, Carla. Have a good day."),
]  # fmt: skip
TURN_S = 6.0
CARD = "4539148803436467"
SSN = "512446789"
_SEP = r"[\s,.\-/]*"


def _spoken(*words: str) -> str:
    return _SEP.join(words)


#: every rendering of the values: digits (bare, grouped), number words, the date as said
FORBIDDEN = [
    re.compile(p, re.IGNORECASE)
    for p in (
        *(rf"(?<![0-9a-z]){g}(?![0-9a-z])" for g in ("4539", "1488", "0343", "6467")),
        _spoken("four", "five", "three", "nine"),
        _spoken("one", "four", "eight", "eight"),
        _spoken("zero", "three", "four", "three"),
        _spoken("six", "four", "six", "seven"),
        r"forty[\s-]five[\s-]thirty[\s-]nine",
        r"(?<![0-9a-z])1986(?![0-9a-z])",
        r"nineteen[\s-]eighty[\s-]six",
        r"march\s+(?:3rd|3|third)",
        r"(?<![0-9])0?3/0?3/(?:19)?86(?![0-9])",
        r"(?<![0-9a-z])512(?![0-9a-z])",
        r"(?<![0-9a-z])6789(?![0-9a-z])",
        r"512[\s-]44[\s-]6789",
        _spoken("five", "one", "two"),
        _spoken("six", "seven", "eight", "nine"),
        _spoken("oh", "four", "twenty", "seven"),
    )
]


def _call_doc(**extra: Any) -> dict[str, Any]:
    return {
        "call_id": "ISSUE-7",
        "agent_id": "A-17",
        "account_id": "ACC-77",
        "channel": "voice",
        "started_at": "2026-03-02T14:05:00-05:00",
        "utterances": [
            {"speaker": s, "text": t, "start": i * TURN_S, "end": i * TURN_S + TURN_S - 1.0}
            for i, (s, t) in enumerate(TURNS)
        ],
        **extra,
    }


def _every_value(db: Path) -> list[tuple[str, str, str]]:
    """(relation, column, value) for every column of every table and view, cast to text."""
    out: list[tuple[str, str, str]] = []
    con = duckdb.connect(str(db), read_only=True)
    try:
        columns = con.execute(
            "SELECT table_name, column_name FROM information_schema.columns "
            "WHERE table_schema = 'main' ORDER BY table_name, ordinal_position"
        ).fetchall()
        assert {"utterances", "findings", "scorecards", "redactions", "v_violations_evidence"} <= {
            t for t, _ in columns
        }
        for table, column in columns:
            rows = con.execute(
                f'SELECT CAST("{column}" AS VARCHAR) FROM "{table}" WHERE "{column}" IS NOT NULL'
            ).fetchall()
            out.extend((table, column, v) for (v,) in rows)
    finally:
        con.close()
    return out


def _leaks(db: Path) -> list[str]:
    leaks = []
    for table, column, value in _every_value(db):
        digits = re.sub(r"\D", "", value)
        if CARD in digits or SSN in digits:
            leaks.append(f"{table}.{column}: digits of the card or SSN")
        leaks += [f"{table}.{column}: {p.pattern}" for p in FORBIDDEN if p.search(value)]
    return leaks


def _script_in_warehouse(db: Path) -> dict[str, tuple[bool, list[int]]]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        rows = con.execute(
            "SELECT item_id, passed, evidence FROM v_current_findings WHERE kind = 'script'"
        ).fetchall()
    finally:
        con.close()
    return {item: (passed, list(evidence)) for item, passed, evidence in rows}


def test_the_forbidden_renderings_are_in_the_raw_call() -> None:
    """The scan below could fail: each pattern finds its value in the raw call."""
    raw = json.dumps(_call_doc()) + " 4539 1488 0343 6467 512-44-6789 03/03/1986"
    missing = [p.pattern for p in FORBIDDEN if not p.search(raw)]
    assert missing == [r"forty[\s-]five[\s-]thirty[\s-]nine", r"nineteen[\s-]eighty[\s-]six"]


def test_no_card_dob_or_ssn_anywhere_in_the_warehouse_and_script_items_as_judged_raw(
    tmp_path: Path, frozen_rubric: str, capsys: pytest.CaptureFixture[str]
) -> None:
    calls = tmp_path / "in"
    calls.mkdir()
    # the metadata carries a value too: free-text fields are kept, scrubbed
    doc = _call_doc(notes="caller gave card 4539 1488 0343 6467 and SSN 512-44-6789")
    (calls / "issue-7.json").write_text(json.dumps(doc), encoding="utf-8")
    db = tmp_path / "wh.duckdb"

    args = ["run", str(calls), "--warehouse", str(db), "--rubric", frozen_rubric]
    assert main([*args, "--no-progress"]) == 0
    out = capsys.readouterr().out
    assert "1 received, 1 judged, 0 failed" in out
    assert "stored text is redacted; raw text not kept" in out

    assert _leaks(db) == []
    raw = load_conversation(calls / "issue-7.json")
    judged_raw = judge_for(Settings(), frozen_rubric).score(raw)
    assert judged_raw.script["right_party_verification"].passed  # the scan is not vacuous
    assert _script_in_warehouse(db) == {
        k: (v.passed, list(v.evidence)) for k, v in judged_raw.script.items()
    }
    con = duckdb.connect(str(db), read_only=True)
    try:
        texts = [t for (t,) in con.execute("SELECT text FROM utterances ORDER BY idx").fetchall()]
        kinds = {k for (k,) in con.execute("SELECT DISTINCT kind FROM redactions").fetchall()}
        call = con.execute("SELECT text_redacted, n_redactions FROM calls").fetchone()
        spans = con.execute(
            "SELECT u.text, r.redacted_start_char, r.redacted_end_char, r.token "
            "FROM redactions r JOIN utterances u ON u.call_key = r.call_key "
            "AND u.idx = r.utterance_idx"
        ).fetchall()
    finally:
        con.close()
    assert len(texts) == len(TURNS)  # indexes unchanged: evidence points at the same turns
    assert "$612.40" in texts[4] and "[DOB]" in texts[3] and "[CARD]" in texts[9]
    assert {"CARD", "DOB", "SSN"} <= kinds
    assert call is not None and call[0] is True and call[1] == len(spans) > 0
    # each redaction's span in the stored text is exactly its token
    assert all(text[a:b] == token for text, a, b, token in spans)
    assert not raw_store_path(db).exists()  # raw text is kept only when the deployment says so
    assert not redacted_audio_dir(db).exists()


def _tone(path: Path, seconds: float, rate: int = 8000) -> None:
    t = np.arange(int(seconds * rate)) / rate
    soundfile.write(path, 0.3 * np.sin(2 * np.pi * 440.0 * t), rate)


def test_raw_text_apart_and_redacted_audio_then_rerun_adds_nothing(
    tmp_path: Path, frozen_rubric: str
) -> None:
    calls = tmp_path / "in"
    calls.mkdir()
    _tone(calls / "issue-7.wav", len(TURNS) * TURN_S)
    (calls / "issue-7.json").write_text(json.dumps(_call_doc(audio="issue-7.wav")))
    db = tmp_path / "wh.duckdb"
    settings = Settings(privacy=PrivacySettings(keep_raw_text=True, redact_audio=True))

    first = run_process_calls(calls, db, rubric=frozen_rubric, settings=settings)
    assert (first["judged"], first["failed"]) == (1, 0)
    assert _leaks(db) == []

    raw_db = raw_store_path(db)
    con = duckdb.connect(str(raw_db), read_only=True)
    try:
        raw_texts = [
            t for (t,) in con.execute("SELECT text FROM raw_utterances ORDER BY idx").fetchall()
        ]
    finally:
        con.close()
    assert raw_texts == [t for _, t in TURNS]

    con = duckdb.connect(str(db), read_only=True)
    try:
        (copy,) = con.execute("SELECT audio_redacted_path FROM calls").fetchone() or (None,)
        card_span = con.execute(
            "SELECT min(start_s), max(end_s) FROM redactions WHERE kind = 'CARD'"
        ).fetchone()
        counts = con.execute("SELECT count(*) FROM redactions").fetchone()
    finally:
        con.close()
    assert copy is not None and Path(copy).parent == redacted_audio_dir(db).resolve()
    original, rate = soundfile.read(calls / "issue-7.wav")
    redacted, copy_rate = soundfile.read(copy)
    assert card_span is not None and card_span[0] == 9 * TURN_S  # the customer's first group
    # a turn with no value sounds as before; the card's turns do not (beeped)
    quiet = slice(int(1.5 * copy_rate), int(2.5 * copy_rate))
    card = slice(int((9 * TURN_S + 1.0) * copy_rate), int((9 * TURN_S + 2.0) * copy_rate))
    assert np.allclose(_spectrum_peak(redacted[quiet], copy_rate), 440.0, atol=20)
    assert np.allclose(_spectrum_peak(redacted[card], copy_rate), 1000.0, atol=20)
    assert rate == 8000 and len(redacted) / copy_rate == pytest.approx(len(original) / rate)

    again = run_process_calls(calls, db, rubric=frozen_rubric, settings=settings)
    assert (again["judged"], again["skipped"]) == (0, 1)
    con = duckdb.connect(str(db), read_only=True)
    try:
        assert con.execute("SELECT count(*) FROM redactions").fetchone() == counts
    finally:
        con.close()
    con = duckdb.connect(str(raw_db), read_only=True)
    try:
        assert con.execute("SELECT count(*) FROM raw_utterances").fetchone() == (len(TURNS),)
    finally:
        con.close()


def _spectrum_peak(samples: np.ndarray, rate: int) -> float:
    mono = samples if samples.ndim == 1 else samples.mean(axis=1)
    spectrum = np.abs(np.fft.rfft(mono))
    return float(np.fft.rfftfreq(len(mono), 1 / rate)[int(np.argmax(spectrum))])
