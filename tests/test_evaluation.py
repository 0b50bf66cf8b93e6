"""The evaluation arithmetic: built from hand-made scorecards whose mistakes are known."""

from __future__ import annotations

from datetime import date

from qa_pipeline.evaluation import SCRIPT_ITEMS, _Report, compare, finish
from qa_pipeline.types import (
    FlagResult,
    ItemResult,
    PromiseToPay,
    ReasonResult,
    Scorecard,
    Violation,
)


def _labels(**over: object) -> dict[str, object]:
    base: dict[str, object] = {
        "non_payment_reason": "job_loss",
        "script": dict.fromkeys(SCRIPT_ITEMS, True),
        "empathy": {"acknowledgment": True},
        "violations": [],
        "flags": ["ptp"],
        "ptp": {"amount": 150.0, "date": "2026-01-15"},
    }
    base.update(over)
    return base


def _card(
    reason: str = "job_loss",
    missed: tuple[str, ...] = (),
    empathy: bool = True,
    violations: tuple[str, ...] = (),
    flags: tuple[str, ...] = ("ptp",),
    ptp: PromiseToPay | None = None,
) -> Scorecard:
    return Scorecard(
        call_id="C",
        rubric_id="r",
        rubric_version="1",
        non_payment_reason=ReasonResult(reason, 0.9),
        script={k: ItemResult(passed=k not in missed) for k in SCRIPT_ITEMS},
        empathy={"acknowledgment": ItemResult(passed=empathy)},
        violations=[Violation(v, 1, "q", 0.9) for v in violations],
        flags=[FlagResult(f) for f in flags],
        ptp=ptp,
        scores={},
    )


def test_perfect_scorecard_scores_one() -> None:
    report = _Report()
    compare(_card(ptp=PromiseToPay(150.0, date(2026, 1, 15))), _labels(), report, "C")
    h = finish(report)["headline"]
    assert h["non_payment_reason_accuracy"] == 1.0
    assert h["script_accuracy"] == 1.0
    assert h["ptp_exact_on_promises"] == 1.0
    assert finish(report)["errors"] == []


def test_missed_step_f1_treats_failed_steps_as_positives() -> None:
    report = _Report()
    gold_script = dict.fromkeys(SCRIPT_ITEMS, True) | {"closing": False, "greeting": False}
    # the judge finds one of the two missed steps and wrongly fails a third item
    card = _card(missed=("closing", "mini_miranda"), ptp=PromiseToPay(150.0, date(2026, 1, 15)))
    compare(card, _labels(script=gold_script), report, "C")
    result = finish(report)
    missed = result["script"]["missed_step"]
    assert missed["precision"] == 0.5 and missed["recall"] == 0.5
    assert result["headline"]["script_accuracy"] == round(7 / 9, 4)


def test_violations_and_clean_false_alarms() -> None:
    report = _Report()
    compare(
        _card(violations=("pressure_tactics",)),
        _labels(violations=[], ptp=None, flags=[]),
        report,
        "A",
    )
    compare(
        _card(violations=("threat_arrest_or_jail",), flags=()),
        _labels(violations=["threat_arrest_or_jail", "abusive_language"], ptp=None, flags=[]),
        report,
        "B",
    )
    result = finish(report)
    assert result["violations"]["clean_conversations"] == 1
    assert result["headline"]["clean_conversations_falsely_flagged"] == 1.0
    micro = result["violations"]["micro"]
    assert (micro["precision"], micro["recall"]) == (0.5, 0.5)
    assert {e["call_id"] for e in result["errors"]} == {"A", "B"}


def test_ptp_exact_and_invented() -> None:
    report = _Report()
    compare(_card(ptp=PromiseToPay(150.0, date(2026, 1, 16))), _labels(), report, "wrong-date")
    compare(
        _card(ptp=PromiseToPay(20.0, date(2026, 1, 16))),
        _labels(ptp=None, flags=[]),
        report,
        "invented",
    )
    h = finish(report)["headline"]
    assert h["ptp_exact_on_promises"] == 0.0
    assert h["ptp_invented_on_no_promise"] == 1.0


def test_empathy_balanced_accuracy() -> None:
    report = _Report()
    compare(_card(empathy=True), _labels(), report, "1")  # tp
    compare(_card(empathy=True), _labels(empathy={"acknowledgment": False}), report, "2")  # fp
    compare(_card(empathy=False), _labels(empathy={"acknowledgment": False}), report, "3")  # tn
    assert finish(report)["headline"]["empathy_balanced_accuracy"] == 0.75
