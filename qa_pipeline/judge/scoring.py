"""The scorecard's scores, computed as the rubric file documents under ``scoring.formula``.

- ``script_adherence``: the weighted share of the required script items that apply and passed.
  An item with ``applies_when: ptp`` applies only when a promise to pay was made.
- ``compliance``: 0.0 when any auto-fail violation is found or an auto-fail script item fails;
  else 1 minus the weight of each distinct non-auto-fail violation and the ``compliance_weight``
  of each failed script item that applies (``applies_when: debt_discussed`` applies only when the
  agent discussed the debt), floored at 0.
"""

from __future__ import annotations

from qa_pipeline.rubric import Rubric, RubricItem
from qa_pipeline.types import ItemResult, Violation

__all__ = ["compute_scores"]


def _applies(item: RubricItem, *, has_ptp: bool, debt_discussed: bool) -> bool:
    if item.applies_when == "ptp":
        return has_ptp
    if item.applies_when == "debt_discussed":
        return debt_discussed
    return True


def compute_scores(
    rubric: Rubric,
    script: dict[str, ItemResult],
    violations: list[Violation],
    *,
    has_ptp: bool,
    debt_discussed: bool,
) -> dict[str, float]:
    """Script adherence and compliance for one conversation (both 0..1)."""
    total = passed = 0.0
    compliance = 1.0
    auto_failed = False
    for item_id, item in rubric.items.script.items():
        result = script.get(item_id)
        if result is None or not _applies(item, has_ptp=has_ptp, debt_discussed=debt_discussed):
            continue
        if item.required:
            total += item.weight
            passed += item.weight if result.passed else 0.0
        if not result.passed and item.required:
            compliance -= item.compliance_weight
            auto_failed |= item.auto_fail
    for vid in {v.id for v in violations}:
        vitem = rubric.items.violations.get(vid)
        if vitem is None:
            continue
        if vitem.auto_fail:
            auto_failed = True
        compliance -= vitem.weight
    return {
        "script_adherence": passed / total if total else 1.0,
        "compliance": 0.0 if auto_failed else max(0.0, compliance),
    }
