"""Empathy: does the agent explicitly acknowledge the customer's situation or feelings?

A bare "okay" or a filler "I understand" before pushing on does not count; the rubric's
patterns and examples carry real acknowledgments, its hard negatives the fillers.
"""

from __future__ import annotations

from qa_pipeline.judge.context import ConversationContext
from qa_pipeline.judge.script import judge_generic
from qa_pipeline.rubric import Rubric
from qa_pipeline.types import ItemResult

__all__ = ["judge_empathy"]


def judge_empathy(ctx: ConversationContext, rubric: Rubric) -> dict[str, ItemResult]:
    """Judge every empathy item of the rubric over the agent's turns."""
    return {
        item_id: judge_generic(ctx, item_id, item, utterances=[u for u in ctx.utterances if u.is_agent])
        for item_id, item in rubric.items.empathy.items()
    }
