"""The customer's main stated reason for not paying.

Every debtor turn is scored against every reason of the rubric: a pattern hit counts 1, plus
the best clause's embedding similarity to the reason's examples. The best-scoring reason wins;
``none_given`` when no turn states one (a vague "I just haven't gotten to it" is no reason).
"""

from __future__ import annotations

from qa_pipeline.judge.context import ConversationContext
from qa_pipeline.rubric import Rubric
from qa_pipeline.types import ReasonResult

__all__ = ["NONE_GIVEN", "judge_reason"]

NONE_GIVEN = "none_given"
#: similarity alone (no pattern) must reach this to name a reason
SEMANTIC_ONLY_MIN = 0.62


def judge_reason(ctx: ConversationContext, rubric: Rubric, debtor: set[int]) -> ReasonResult:
    """Pick the debtor's main stated non-payment reason.

    Args:
        ctx: the conversation.
        rubric: reasons with patterns and examples.
        debtor: indexes of the customer turns spoken by the debtor.
    """
    turns = [u for u in ctx.utterances if u.index in debtor]
    best: tuple[float, str, int] = (0.0, NONE_GIVEN, -1)
    for reason_id, item in rubric.items.reasons.items():
        if reason_id == NONE_GIVEN:
            continue
        patterns, vetoes = item.compiled(), item.compiled_negative()
        threshold = max(item.threshold, SEMANTIC_ONLY_MIN) if "threshold" in item.model_fields_set else SEMANTIC_ONLY_MIN
        for u in turns:
            hit = bool(ctx.pattern_hits(u, patterns, vetoes))
            sim, _ = ctx.semantic(u, item)
            if not hit and sim < threshold:
                continue
            score = (1.0 if hit else 0.0) + sim
            # the earlier statement wins a tie: the customer's first explanation is the main one
            if score > best[0] + 1e-6:
                best = (score, reason_id, u.index)
    if best[2] < 0:
        return ReasonResult(NONE_GIVEN, 0.7, [])
    score, label, index = best
    confidence = min(0.95, 0.45 + 0.3 * score)
    return ReasonResult(label, round(confidence, 3), [index])
