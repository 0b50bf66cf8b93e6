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


#: a customer turn right after the agent's reason probe is the answer to it
PROBE_ANSWER_BONUS = 0.3


def judge_reason(
    ctx: ConversationContext, rubric: Rubric, debtor: set[int], probe_at: int | None = None
) -> ReasonResult:
    """Pick the debtor's main stated non-payment reason.

    Every reason stated (pattern hit, or embedding similarity above the floor) is a candidate
    scored by pattern (1) + similarity, with a bonus for the answer to the agent's reason probe.
    A stated reason that another stated reason ``overrides`` (rubric) drops out; the best of
    the rest wins.

    Args:
        ctx: the conversation.
        rubric: reasons with patterns, examples and overrides.
        debtor: indexes of the customer turns spoken by the debtor.
        probe_at: the agent turn that asked why (script item ``reason_probe``), if any.
    """
    turns = [u for u in ctx.utterances if u.index in debtor]
    answer_turns: set[int] = set()
    if probe_at is not None:
        answer_turns = {u.index for u in turns if u.index > probe_at}
        answer_turns = set(sorted(answer_turns)[:2])
    found: dict[str, tuple[float, int]] = {}
    by_pattern: set[str] = set()
    for reason_id, item in rubric.items.reasons.items():
        if reason_id == NONE_GIVEN:
            continue
        patterns, vetoes = item.compiled(), item.compiled_negative()
        threshold = max(item.threshold, SEMANTIC_ONLY_MIN) if "threshold" in item.model_fields_set else SEMANTIC_ONLY_MIN
        for u in turns:
            if vetoes and any(v.search(u.norm.text) for v in vetoes):
                continue  # "I know I owe it" rules a dispute out of the whole turn
            hit = bool(ctx.pattern_hits(u, patterns))
            sim, _ = ctx.semantic(u, item)
            if not hit and sim < threshold:
                continue
            score = (1.0 if hit else 0.0) + sim + (PROBE_ANSWER_BONUS if u.index in answer_turns else 0.0)
            # the earlier statement wins a tie: the customer's first explanation is the main one
            if reason_id not in found or score > found[reason_id][0] + 1e-6:
                found[reason_id] = (score, u.index)
            if hit:
                by_pattern.add(reason_id)
    # only a reason stated in so many words overrides another
    beaten = {o for r in by_pattern for o in rubric.items.reasons[r].overrides if o != r}
    remaining = {r: v for r, v in found.items() if r not in beaten} or found
    if not remaining:
        return ReasonResult(NONE_GIVEN, 0.7, [])
    label, (score, index) = max(remaining.items(), key=lambda kv: (kv[1][0], -kv[1][1]))
    confidence = min(0.95, 0.45 + 0.3 * score)
    return ReasonResult(label, round(confidence, 3), [index])
