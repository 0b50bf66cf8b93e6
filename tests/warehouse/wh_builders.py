"""Scorecards built by hand for the warehouse tests: the loader is tested apart from the judge
(the flow tests use the real judge)."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from pathlib import Path

from qa_pipeline.rubric import SCRIPT_IDS
from qa_pipeline.types import (
    Conversation,
    FlagResult,
    ItemResult,
    PromiseToPay,
    ReasonResult,
    Scorecard,
    Utterance,
    Violation,
)
from qa_pipeline.warehouse import CallIdentity, JudgedCall, RubricRef, Warehouse, content_hash

SCRIPT_ITEMS = SCRIPT_IDS
EST = timezone(timedelta(hours=-5))


def make_rubric(version: str = "1") -> RubricRef:
    items: dict[str, dict[str, object]] = {
        f"script/{i}": {
            "item_id": i,
            "kind": "script",
            "statute": None,
            "weight": 1.0,
            "auto_fail": False,
            "required": True,
        }
        for i in SCRIPT_ITEMS
    }
    items["empathy/acknowledgment"] = {
        "item_id": "acknowledgment",
        "kind": "empathy",
        "weight": 1.0,
        "auto_fail": False,
        "required": True,
    }
    items["violation/pressure_tactics"] = {
        "item_id": "pressure_tactics",
        "kind": "violation",
        "statute": "15 USC 1692d, 1692f",
        "weight": 1.0,
        "auto_fail": True,
        "required": None,
    }
    return RubricRef(
        id="test-rubric",
        version=version,
        source_sha256=f"sha-of-v{version}" * 4,
        yaml_text=f"id: test-rubric\nversion: {version}\n",
        items=items,
    )


def make_call(
    n: int,
    *,
    account: str = "ACC-1",
    started_at: datetime | None = None,
    channel: str = "voice",
    violation: bool = False,
    text_suffix: str = "",
) -> JudgedCall:
    call_id = f"C-{n:04d}"
    started = started_at or datetime(2026, 3, 2, 10, 0, tzinfo=EST) + timedelta(hours=n)
    utts = [
        Utterance("agent", f"Good morning, this is Sam with Northgate{text_suffix}.", 0.0, 2.5),
        Utterance("customer", "Hi, yes.", 2.6, 3.1),
        Utterance("agent", "Pay today or else, I can't hold this account.", 3.2, 6.0),
        Utterance("customer", "I lost my job last month.", 6.1, 8.0),
    ]
    conv = Conversation(
        call_id=call_id,
        agent_id=f"A-{n % 3}",
        channel=channel,  # type: ignore[arg-type]
        started_at=started,
        utterances=utts,
        account_id=account,
        segment="early",
        days_past_due=40,
    )
    script = {
        i: ItemResult(
            passed=(i != "closing"),
            evidence=[0] if i != "closing" else [],
            confidence=0.9,
            rationale=f"{i} seen",
        )
        for i in SCRIPT_ITEMS
    }
    violations = (
        [
            Violation(
                "pressure_tactics",
                2,
                "Pay today or else",
                0.92,
                statute="15 USC 1692d, 1692f",
                rationale="coercion",
            )
        ]
        if violation
        else []
    )
    sc = Scorecard(
        call_id=call_id,
        rubric_id="test-rubric",
        rubric_version="1",
        non_payment_reason=ReasonResult("job_loss", 0.8, [3]),
        script=script,
        empathy={"acknowledgment": ItemResult(False, [], 0.7, "no acknowledgement")},
        violations=violations,
        flags=[FlagResult("ptp", [3], 0.8, "promise")],
        ptp=PromiseToPay(150.0, date(2026, 3, 15), [3], 0.9),
        scores={"script_adherence": 8 / 9, "compliance": 0.0 if violation else 1.0},
        models={"judge": "test-0"},
    )
    ident = CallIdentity(
        call_id, content_hash([repr(conv.to_dict()).encode()]), f"/in/{call_id}.json"
    )
    return JudgedCall(ident, conv, sc)


def open_warehouse(folder: Path) -> Warehouse:
    return Warehouse.open(folder / "wh.duckdb", lock_timeout_s=20)


def counts(wh: Warehouse) -> dict[str, int]:
    out = {}
    for t in (
        "calls",
        "utterances",
        "scorecards",
        "findings",
        "errors",
        "rubric_versions",
        "model_versions",
    ):
        out[t] = wh.query(f"SELECT count(*) FROM {t}")[0][0]
    return out
