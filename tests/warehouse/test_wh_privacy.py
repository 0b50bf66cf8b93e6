"""Redaction before storage at the warehouse's own door (no judge, no Prefect): whatever a caller
hands `Warehouse.store_batch`, only redacted text is written; raw text goes to the raw store only
when the call carries it; quotes and rationales lose the values they quote."""

from __future__ import annotations

import dataclasses
import json
from datetime import datetime, timedelta, timezone
from pathlib import Path

import duckdb
import pytest
from wh_builders import make_call, make_rubric

from qa_pipeline.text.redact import redact_conversation
from qa_pipeline.types import Conversation, ItemResult, Utterance, Violation
from qa_pipeline.warehouse import CallFailure, CallIdentity, JudgedCall, Warehouse
from qa_pipeline.warehouse.intake import discover_inputs, read_call
from qa_pipeline.warehouse.privacy import (
    protect,
    raw_store_path,
    redacted_audio_path,
    scrub_text,
)
from qa_pipeline.warehouse.sql import PACKAGED_SQL_DIR, SQL_DIR_ENV, sql_dir

EST = timezone(timedelta(hours=-5))
CARD_TURNS = [
    ("agent", "Can I have the card number please?"),
    ("customer", "Sure, it's four five three nine."),
    ("customer", "One four eight eight. Zero three four three."),
    ("customer", "Six four six seven."),
    ("agent", "And my SSN note says 512-44-6789, date of birth March 3rd, 1986."),
]
VALUES = ("four five three nine", "one four eight eight", "six four six seven", "512-44-6789")


def _card_call() -> JudgedCall:
    base = make_call(7)
    conv = dataclasses.replace(
        base.conversation,
        utterances=[Utterance(s, t, i * 4.0, i * 4.0 + 3.0) for i, (s, t) in enumerate(CARD_TURNS)],
        extra={"notes": "card 4539 1488 0343 6467 on file"},
    )
    sc = dataclasses.replace(
        base.scorecard,
        script={
            **base.scorecard.script,
            "payment_options": ItemResult(
                True, [1], 0.9, 'The customer says "Sure, it\'s four five three nine" (pays).'
            ),
        },
        violations=[
            Violation(
                "pressure_tactics",
                4,
                "my SSN note says 512-44-6789, date of",
                0.9,
                rationale="quoted 512-44-6789",
            )
        ],
    )
    return JudgedCall(base.identity, conv, sc)


def _all_text(db: Path) -> str:
    con = duckdb.connect(str(db), read_only=True)
    try:
        out = []
        for table, column in con.execute(
            "SELECT table_name, column_name FROM information_schema.columns "
            "WHERE table_schema = 'main'"
        ).fetchall():
            out += [
                str(v)
                for (v,) in con.execute(
                    f'SELECT CAST("{column}" AS VARCHAR) FROM "{table}"'
                ).fetchall()
            ]
        return "\n".join(out).lower()
    finally:
        con.close()


def test_an_unredacted_call_is_redacted_at_the_door(tmp_path: Path) -> None:
    wh = Warehouse.open(tmp_path / "wh.duckdb")
    rubric = make_rubric()
    run = wh.start_run(input="x", rubric=rubric)
    raw_call = _card_call()
    assert not raw_call.redacted
    res = wh.store_scorecards([raw_call], rubric=rubric, run_id=run)
    assert res.scorecards_added == 1
    text = _all_text(tmp_path / "wh.duckdb")
    for value in VALUES:
        assert value not in text, value
    assert "4539 1488" not in text and "1986" not in text
    assert "[card]" in text and "[ssn]" in text
    (quote,) = wh.query("SELECT quote FROM findings WHERE kind = 'violation'")[0]
    assert quote == "my SSN note says [SSN], date of"
    (rationale,) = wh.query("SELECT rationale FROM findings WHERE item_id = 'payment_options'")[0]
    assert rationale == 'The customer says "Sure, it\'s [CARD]" (pays).'
    assert wh.query("SELECT text_redacted, n_redactions > 0 FROM calls") == [(True, True)]
    assert not raw_store_path(tmp_path / "wh.duckdb").exists()


def test_raw_text_goes_apart_and_only_once(tmp_path: Path) -> None:
    db = tmp_path / "wh.duckdb"
    wh = Warehouse.open(db)
    rubric = make_rubric()
    run = wh.start_run(input="x", rubric=rubric)
    raw_call = _card_call()
    safe = protect(raw_call.conversation, raw_call.scorecard)
    judged = JudgedCall(
        raw_call.identity,
        safe.conversation,
        safe.scorecard,
        redacted=True,
        redactions=safe.redactions,
        raw_conversation=raw_call.conversation,
    )
    wh.store_scorecards([judged], rubric=rubric, run_id=run)
    wh.store_scorecards([judged], rubric=rubric, run_id=run)
    assert "four five three nine" not in _all_text(db)
    con = duckdb.connect(str(raw_store_path(db)), read_only=True)
    try:
        rows = con.execute("SELECT idx, text FROM raw_utterances ORDER BY idx").fetchall()
    finally:
        con.close()
    assert rows == [(i, t) for i, (_, t) in enumerate(CARD_TURNS)]
    stored = wh.query(
        "SELECT utterance_idx, kind, start_char, end_char FROM redactions ORDER BY 1, 3"
    )
    expected = [
        (r.utterance, r.kind, r.start_char, r.end_char)
        for r in redact_conversation(raw_call.conversation).redactions
    ]
    assert stored == expected and len(stored) >= 5


def test_scrub_text_redacts_a_quote_cut_through_a_value() -> None:
    conv = Conversation(
        "C",
        "A",
        "voice",
        datetime(2026, 3, 2, 10, tzinfo=EST),
        [
            Utterance("agent", "What's your social security number?"),
            Utterance("customer", "It's 512-44-6789 I think."),
        ],
    )
    result = redact_conversation(conv)
    assert (
        scrub_text('Said "It\'s 512-44" there.', result, conv, [1]) == 'Said "It\'s [SSN]" there.'
    )
    assert "6789" not in scrub_text("value 512-44-6789", result, conv)


def test_failure_messages_and_metadata_are_scrubbed(tmp_path: Path) -> None:
    wh = Warehouse.open(tmp_path / "wh.duckdb")
    rubric = make_rubric()
    run = wh.start_run(input="x", rubric=rubric)
    conv = _card_call().conversation
    failure = CallFailure(
        CallIdentity("F-1", "ab" * 32, "/in/f.json"),
        "judge",
        "ValueError",
        "ValueError: cannot parse 4539 1488 0343 6467",
        conv,
    )
    wh.store_batch([], [failure], rubric=rubric, run_id=run)
    ((message,),) = wh.query("SELECT message FROM errors")
    ((metadata,),) = wh.query("SELECT metadata FROM calls")
    assert message == "ValueError: cannot parse [CARD]"
    assert json.loads(metadata) == {"notes": "card [CARD] on file"}
    assert wh.query("SELECT count(*) FROM utterances") == [(0,)]


@pytest.mark.parametrize(
    ("key", "name"),
    [
        ("C-1@0123abcd", "C-1-0123abcd.wav"),
        ("../../etc/x@ff", "etc_x-ff.wav"),
        ("@ab", "call-ab.wav"),
    ],
)
def test_redacted_audio_names_stay_in_their_folder(tmp_path: Path, key: str, name: str) -> None:
    path = redacted_audio_path(tmp_path, key)
    assert path.name == name and path.parent == tmp_path


def test_a_link_out_of_the_input_folder_is_refused(tmp_path: Path) -> None:
    root = tmp_path / "in"
    root.mkdir()
    secret = tmp_path / "secret.json"
    secret.write_text(json.dumps({"call_id": "SECRET"}))
    (root / "a.json").symlink_to(secret)
    (result,) = [read_call(item) for item in discover_inputs(root)]
    assert isinstance(result, CallFailure)
    assert "outside the input folder" in result.message and "SECRET" not in result.message


def test_sql_ships_in_the_package_and_the_override_wins(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(SQL_DIR_ENV, raising=False)
    assert sql_dir() == PACKAGED_SQL_DIR
    assert PACKAGED_SQL_DIR.is_relative_to(Path(__import__("qa_pipeline").__file__).parent)
    assert (PACKAGED_SQL_DIR / "migrations" / "002_redaction.sql").is_file()
    monkeypatch.setenv(SQL_DIR_ENV, str(tmp_path))
    from qa_pipeline.errors import WarehouseError

    with pytest.raises(WarehouseError, match=SQL_DIR_ENV):
        sql_dir()
