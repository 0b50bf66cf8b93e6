"""Flags: vulnerable customer, dispute (the promise-to-pay flag comes from the PTP module).

Flags come from the customer's words; a dispute only from the debtor's (a roommate saying "he
doesn't owe that" disputes nothing). A dispute also follows from the stated reason when that
reason is itself a dispute of the debt (already paid, identity theft, amount dispute).
"""

from __future__ import annotations

from qa_pipeline.judge.context import ConversationContext, UtteranceView
from qa_pipeline.rubric import Rubric, RubricItem
from qa_pipeline.types import FlagResult, ReasonResult

__all__ = ["DISPUTING_REASONS", "judge_flags"]

#: non-payment reasons that are disputes of the debt
DISPUTING_REASONS = frozenset({"dispute", "already_paid", "fraud_identity_theft"})


def _flag(ctx: ConversationContext, flag_id: str, item: RubricItem, turns: list[UtteranceView]) -> FlagResult | None:
    patterns, vetoes = item.compiled(), item.compiled_negative()
    for u in turns:
        hits = ctx.pattern_hits(u, patterns, vetoes)
        if hits:
            return FlagResult(flag_id, [u.index], 0.85, f"The customer says \"{hits[0].quote}\".")
    best: tuple[float, int, str] = (0.0, -1, "")
    if item.examples:
        for u in turns:
            score, ci = ctx.semantic(u, item)
            if ci >= 0 and score >= item.threshold and score > best[0]:
                best = (score, u.index, ctx.clause_quote(u, ci))
    if best[1] >= 0:
        return FlagResult(flag_id, [best[1]], round(best[0], 3), f"\"{best[2]}\" is close in meaning to the rubric's examples of {flag_id}.")
    return None


def judge_flags(
    ctx: ConversationContext, rubric: Rubric, debtor: set[int], reason: ReasonResult
) -> list[FlagResult]:
    """Raise the vulnerable-customer and dispute flags (not ``ptp``)."""
    flags: list[FlagResult] = []
    customer = [u for u in ctx.utterances if not u.is_agent]
    debtor_turns = [u for u in customer if u.index in debtor]
    for flag_id, item in rubric.items.flags.items():
        if flag_id == "ptp":
            continue
        # vulnerability may be told by a relative; a dispute only counts from the debtor
        turns = debtor_turns if flag_id == "dispute" else customer
        found = _flag(ctx, flag_id, item, turns)
        if found is None and flag_id == "dispute" and reason.label in DISPUTING_REASONS:
            found = FlagResult("dispute", list(reason.evidence), reason.confidence, f"The customer's reason ({reason.label}) disputes the debt.")
        if found is not None:
            flags.append(found)
    return flags
