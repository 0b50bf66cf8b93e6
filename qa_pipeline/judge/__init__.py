"""Judging a conversation against a rubric: script, empathy, violations, flags, reason.

    judge = Judge.from_settings(settings, rubric="collections-us")
    cards = judge.score_many(conversations)
"""

from qa_pipeline.judge.core import Judge

__all__ = ["Judge"]
