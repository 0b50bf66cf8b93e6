"""Judging a conversation against a rubric: script, empathy, violations, flags, reason."""
