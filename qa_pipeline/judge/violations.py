"""Violations: prohibited agent conduct, each with the words that show it.

Only the agent's words count (a customer swearing or mentioning the police is never an agent
violation). A pattern hit is dropped when it sits in negated or reassuring framing ("nobody is
going to sue you", "we would never call your employer"): the dependency parse says whether a
negation governs the matched word, and a short window before it catches what the parse misses.
One statement gets only its most specific id.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from qa_pipeline.judge.context import ConversationContext, UtteranceView
from qa_pipeline.judge.script import Verification
from qa_pipeline.rubric import Rubric, RubricItem
from qa_pipeline.types import Violation

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc

__all__ = ["SPECIFICITY", "Candidate", "find_candidates", "is_negated", "judge_violations"]

#: when one statement matches several ids, the most specific (earliest here) wins
SPECIFICITY = (
    "threat_arrest_or_jail",
    "threat_unintended_legal_action",
    "false_representation",
    "abusive_language",
    "pressure_tactics",
)
_NEG_WORDS = {"not", "n't", "never", "no", "nobody", "nothing", "none", "neither", "nor", "noone", "nowhere"}
#: speech recognition drops apostrophes ("dont", "cant"), so both spellings count
_NEG_PHRASE = re.compile(
    r"\b(no one|nobody|never|not|n't|no|nothing|won'?t|wouldn'?t|can'?t|cannot|don'?t|doesn'?t|didn'?t|isn'?t|aren'?t)\b"
)
#: conjunctions opening a subordinate clause that a main-clause negation does not govern
_SUBORDINATORS = {"if", "when", "because", "since", "unless", "once", "whenever", "cause", "cuz"}
#: verbs whose negation frames a threat rhetorically ("you don't want ...", "wouldn't want ...")
_RHETORICAL_HEADS = {"want", "wanna", "like", "need"}
_RHETORICAL = re.compile(r"\b(don't|do not|wouldn't|would not) (want|wanna|need)\b")
#: hypothetical, informational or reassuring framing around a legal word
_REASSURANCE = re.compile(
    r"\b(not (going to|gonna)|no plans? to|not (planning|trying) to|isn't (something|how)|that's not (something|how|what)|"
    r"you (can't|cannot|won't) (be|go)|don't (worry|do that)|nothing like that|i'm not (threatening|saying)|"
    r"no (one|body)('s| is)|we (never|would never|will never))\b"
)


@dataclass(slots=True)
class Candidate:
    """A pattern or embedding hit waiting for the negation check."""

    item_id: str
    utterance: UtteranceView
    clause_text: str
    clause_offset: int
    hit_offset: int
    quote: str
    confidence: float
    via_pattern: bool
    #: the matched words themselves carry a negation ("i can't hold the account"), so a
    #: negation around them is the offence, not a reassurance
    self_negated: bool = False


def find_candidates(ctx: ConversationContext, rubric: Rubric) -> list[Candidate]:
    """Pattern and embedding hits of the content violations in the agent's turns."""
    out: list[Candidate] = []
    for item_id, item in rubric.items.violations.items():
        if item_id in ("third_party_disclosure", "outside_calling_hours"):
            continue
        out.extend(_item_candidates(ctx, item_id, item))
    return out


def _item_candidates(ctx: ConversationContext, item_id: str, item: RubricItem) -> list[Candidate]:
    patterns, vetoes = item.compiled(), item.compiled_negative()
    out: list[Candidate] = []
    for u in ctx.utterances:
        if not u.is_agent:
            continue
        hits = ctx.pattern_hits(u, patterns, vetoes)
        for h in hits:
            lo, _hi = u.norm.original_span(h.start, h.end)
            clause = next((c for c in u.clauses if c.start <= lo < c.end), None)
            c_lo, c_hi = (clause.start, clause.end) if clause else (0, len(u.text))
            matched = u.norm.text[h.start : h.end]
            out.append(
                Candidate(
                    item_id, u, u.text[c_lo:c_hi], c_lo, lo, u.text[c_lo:c_hi].strip(), 0.9, True,
                    self_negated=bool(_NEG_PHRASE.search(matched)),
                )
            )
        if not hits and item.examples:
            score, ci = ctx.semantic(u, item)
            if ci >= 0 and score >= item.threshold:
                c = u.clauses[ci]
                out.append(
                    Candidate(item_id, u, u.text[c.start : c.end], c.start, c.start, u.text[c.start : c.end].strip(), score, False)
                )
    return out


def is_negated(doc: Doc, char_offset: int, normalized_before: str) -> bool:
    """Whether a negation or reassurance governs the word at ``char_offset`` of ``doc``.

    Args:
        doc: the parsed clause.
        char_offset: where the matched word starts in the clause.
        normalized_before: the normalised words just before the match (window check).
    """
    last_words = " ".join(normalized_before.split()[-2:])
    if _REASSURANCE.search(normalized_before) or (_NEG_PHRASE.search(last_words) and not _RHETORICAL.search(normalized_before[-40:])):
        return True
    token = next((t for t in doc if t.idx <= char_offset < t.idx + max(1, len(t.text))), None)
    if token is None:
        return False
    node = token
    for _ in range(6):  # the matched word and its heads up to the clause root
        # "you don't want the sheriff at your door" negates the wanting, not the threat
        if node.lemma_ in _RHETORICAL_HEADS or node.lower_ in _RHETORICAL_HEADS:
            break
        for child in node.children:
            if child.dep_ == "neg" or (child.lower_ in _NEG_WORDS and child.dep_ in ("det", "nsubj", "nsubjpass", "advmod", "dobj")):
                return True
        # a conditional or causal subordinate clause ("if you'd paid like an adult, we wouldn't
        # be talking") keeps its own polarity: the main clause's negation does not reach into it
        if node.dep_ == "advcl" and any(c.dep_ == "mark" and c.lower_ in _SUBORDINATORS for c in node.children):
            break
        if node.head is node:
            break
        node = node.head
    return False


def _keep_most_specific(found: list[Violation]) -> list[Violation]:
    """One id per offending turn: the most specific of those it matched."""
    by_statement: dict[int | None, list[Violation]] = {}
    for v in found:
        by_statement.setdefault(v.utterance, []).append(v)
    kept: list[Violation] = []
    for group in by_statement.values():
        ranked = sorted(group, key=lambda v: SPECIFICITY.index(v.id) if v.id in SPECIFICITY else len(SPECIFICITY))
        best = ranked[0]
        kept.append(best)
    return kept


def judge_violations(
    ctx: ConversationContext,
    rubric: Rubric,
    candidates: Sequence[Candidate],
    docs: Sequence[Doc],
    verification: Verification,
    debt_at: int | None,
) -> list[Violation]:
    """Decide the conversation's violations from its candidates (parsed) and the rules.

    Args:
        ctx: the conversation.
        rubric: the rubric (statutes, ids).
        candidates: content-violation hits from `find_candidates`.
        docs: the spaCy parse of each candidate's clause, same order.
        verification: where right-party verification happened.
        debt_at: the first agent turn that discusses the debt.
    """
    items = rubric.items.violations
    found: list[Violation] = []
    for cand, doc in zip(candidates, docs, strict=True):
        rel = cand.hit_offset - cand.clause_offset
        before_norm = cand.utterance.norm.text[: _norm_index(cand, cand.hit_offset)]
        if not cand.self_negated and is_negated(doc, rel, before_norm[-60:]):
            continue
        item = items[cand.item_id]
        found.append(
            Violation(
                id=cand.item_id,
                utterance=cand.utterance.index,
                quote=cand.quote,
                confidence=cand.confidence,
                statute=item.statute,
                start=ctx.conversation.utterances[cand.utterance.index].start,
                end=ctx.conversation.utterances[cand.utterance.index].end,
                rationale=f"The agent's words match {cand.item_id.replace('_', ' ')}: {item.description.split('.')[0].lower()}.",
            )
        )
    found = _keep_most_specific(found)

    conv = ctx.conversation
    if "third_party_disclosure" in items and debt_at is not None and (
        verification.verified_at is None or debt_at <= verification.verified_at
    ):
        utt = conv.utterances[debt_at]
        found.append(
            Violation(
                id="third_party_disclosure",
                utterance=debt_at,
                quote=utt.text.strip()[:200],
                confidence=0.85,
                statute=items["third_party_disclosure"].statute,
                start=utt.start,
                end=utt.end,
                rationale="The agent discussed the debt before the person was verified as the debtor.",
            )
        )
    hours = items.get("outside_calling_hours")
    if hours is not None and conv.channel == "voice":
        local = conv.started_at  # already in the customer's own offset
        if local.hour < 8 or local.hour >= 21:
            found.append(
                Violation(
                    id="outside_calling_hours",
                    utterance=None,
                    quote="",
                    confidence=1.0,
                    statute=hours.statute,
                    rationale=f"The call started at {local.strftime('%H:%M')} customer local time, outside 08:00-21:00.",
                )
            )
    # one finding per id: the first (earliest) instance, which the evidence points to
    seen: dict[str, Violation] = {}
    for v in sorted(found, key=lambda v: (v.utterance if v.utterance is not None else -1)):
        seen.setdefault(v.id, v)
    return list(seen.values())


def _norm_index(cand: Candidate, original_offset: int) -> int:
    offsets = cand.utterance.norm.offsets
    for i, o in enumerate(offsets):
        if o >= original_offset:
            return i
    return len(offsets)


def parse_candidates(nlp: Language, candidates: Sequence[Candidate], batch_size: int = 64) -> list[Doc]:
    """Parse every candidate clause in one batched spaCy call."""
    return list(nlp.pipe((c.clause_text for c in candidates), batch_size=batch_size))
