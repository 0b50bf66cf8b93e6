"""Normalisation for matching, with the map back to the original words."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from qa_pipeline.text.normalize import normalize, split_clauses


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Um, this call is, uh, recorded.", "this call is recorded"),
        ("this is an attempt to collect a net", "this is an attempt to collect a debt"),
        ("we are a dead collector", "we are a debt collector"),
        ("you're on a recorded lie", "you're on a recorded line"),
        ("I I I need the the balance", "i need the balance"),
        ("it was like two weeks ago you know", "it was two weeks ago"),
        ("I'd like to pay $1,850.40 on 3/20.", "i'd like to pay $1,850.40 on 3/20"),
    ],
)
def test_normalize(raw: str, expected: str) -> None:
    assert normalize(raw).text == expected


def test_quote_comes_from_the_original_text() -> None:
    n = normalize("Um, THIS call is RECORDED, okay?")
    i = n.text.index("recorded")
    assert n.quote(i, i + len("recorded")) == "RECORDED"


def test_long_unpunctuated_turn_is_split_into_windows() -> None:
    text = " ".join(["word"] * 10 + ["this", "is", "an", "attempt", "to", "collect", "a", "debt"] + ["more"] * 20)
    clauses = split_clauses(text)
    assert len(clauses) > 1
    assert any("attempt to collect a debt" in c.text for c in clauses)
    assert all(len(c.text.split()) <= 16 for c in clauses)


@given(st.text(max_size=200))
def test_offsets_always_point_into_the_original(text: str) -> None:
    n = normalize(text)
    assert len(n.offsets) == len(n.text)
    assert all(0 <= o < max(1, len(text)) for o in n.offsets)
