"""Script adherence: did the agent perform each step of the call script?

Each step is judged from the rubric's patterns (over normalised text) and, where the rubric gives
examples, the best clause's embedding similarity. Verification is a rule: the agent asks for a
second identifier, the customer answers it, the agent does not reject the answer, and all this
happens before the agent first discusses the debt.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from qa_pipeline.judge.context import ConversationContext, UtteranceView
from qa_pipeline.rubric import Rubric, RubricItem
from qa_pipeline.text.normalize import normalize
from qa_pipeline.types import ROLE_AGENT, ItemResult

__all__ = [
    "Verification",
    "find_debt_discussion",
    "find_verification",
    "judge_generic",
    "judge_script",
]

# what a customer's answer to an identifier request looks like: digits, number words, a month,
# a street
_IDENTIFIER_ANSWER = re.compile(
    r"\d|\b(zero|oh|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|"
    r"fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|"
    r"seventy|eighty|ninety|hundred|january|february|march|april|may|june|july|august|"
    r"september|october|november|december|jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec|"
    r"street|st|avenue|ave|road|rd|drive|dr|lane|ln|court|ct|boulevard|blvd|way|place|circle)\b"
    # an identifier masked before it reached us ("it's [DOB]", "[SSN_LAST4]", "[REDACTED]",
    # "xxxx") is still an answer: redaction must not turn verification into a failure
    r"|\b(dob|ssn|ssn_last4|redacted|masked|x{4,})\b"
)


def _amount_spans(text: str) -> list[tuple[int, int, float, bool]]:
    """Money amounts in original text: (start, end, value, has_currency). Uses the number
    parser when it is installed; otherwise a digit-only fallback."""
    try:
        from qa_pipeline.text.numbers import find_amounts
    except ImportError:  # the number parser is another module; degrade to digits
        return [
            (m.start(), m.end(), float(m.group(1).replace(",", "")), True)
            for m in re.finditer(r"\$\s?(\d[\d,]*(?:\.\d+)?)", text)
        ]
    out = []
    for a in find_amounts(text):
        out.append((a.start, a.end, float(a.value), bool(a.has_currency)))
    return out


def find_debt_discussion(ctx: ConversationContext, rubric: Rubric) -> int | None:
    """Index of the first agent utterance that discusses the debt (the ``debt_discussion``
    anchor), or ``None``."""
    anchor = rubric.anchors["debt_discussion"]
    patterns = [re.compile(p) for p in anchor.patterns]
    vetoes = [re.compile(p) for p in anchor.negative_patterns]
    for u in ctx.utterances:
        if not u.is_agent:
            continue
        if ctx.pattern_hits(u, patterns, vetoes):
            return u.index
        if any(cur for *_, cur in _amount_spans(u.text)):
            return u.index
    return None


@dataclass(frozen=True, slots=True)
class Verification:
    """Where right-party verification happened, if it did."""

    verified_at: int | None
    request: int | None
    rejected_at: int | None = None


def find_verification(ctx: ConversationContext, item: RubricItem) -> Verification:
    """Find the customer's accepted answer giving a second identifier.

    A request is an agent utterance matching the item's patterns (date of birth, last four,
    address, ZIP); the answer is the first customer utterance after it that carries identifier
    content (digits, a month, a street), or a customer utterance that volunteers an identifier
    by name ("DOB 04/19/1984, ZIP 19103"). The agent's next utterance must not reject it (the
    item's negative patterns: "that doesn't match", "close enough"). The name is asked for in
    nearly every opening; the second identifier is what separates verification from a
    name-only "yeah this is john", so it is what this rule checks.
    """
    requests = item.compiled()
    rejections = item.compiled_negative()
    utts = ctx.utterances
    first_request: int | None = None
    rejected_at: int | None = None
    open_request = False
    for u in utts:
        if u.is_agent:
            if any(p.search(u.norm.text) for p in requests):
                open_request = True
                if first_request is None:
                    first_request = u.index
            continue
        text = u.norm.text
        has_content = bool(_IDENTIFIER_ANSWER.search(text))
        volunteered = has_content and any(p.search(text) for p in requests)
        if not has_content or not (open_request or volunteered):
            continue
        following = next((w for w in utts[u.index + 1 :] if w.speaker == ROLE_AGENT), None)
        if following is not None and any(p.search(following.norm.text) for p in rejections):
            rejected_at = following.index
            open_request = False
            continue
        return Verification(u.index, first_request if first_request is not None else u.index, rejected_at)
    return Verification(None, first_request, rejected_at)


def _semantic_pass(ctx: ConversationContext, u: UtteranceView, item: RubricItem) -> tuple[bool, float, str]:
    score, clause = ctx.semantic(u, item)
    if clause >= 0 and score >= item.threshold:
        return True, score, ctx.clause_quote(u, clause)
    return False, score, ""


def judge_generic(
    ctx: ConversationContext,
    item_id: str,
    item: RubricItem,
    *,
    utterances: list[UtteranceView] | None = None,
    use_embeddings: bool = True,
) -> ItemResult:
    """Pass when a pattern (with a required co-pattern, if any) or the embedding matches.

    Evidence is the first utterance that performs the step.
    """
    pool = utterances if utterances is not None else ctx.by_speaker(item.speaker)
    patterns, vetoes, requires = item.compiled(), item.compiled_negative(), item.compiled_requires()
    best_semantic: tuple[float, int, str] = (0.0, -1, "")
    for u in pool:
        hits = ctx.pattern_hits(u, patterns, vetoes)
        if hits and (not requires or any(r.search(u.norm.text) for r in requires)):
            return ItemResult(
                passed=True,
                evidence=[u.index],
                confidence=0.9,
                rationale=f"The {item.speaker} says \"{hits[0].quote}\" ({item.description.split('.')[0].lower()}).",
            )
        if use_embeddings and item.examples:
            ok, score, quote = _semantic_pass(ctx, u, item)
            if ok and score > best_semantic[0] and (not requires or any(r.search(u.norm.text) for r in requires)):
                best_semantic = (score, u.index, quote)
    if best_semantic[1] >= 0:
        score, index, quote = best_semantic
        return ItemResult(
            passed=True,
            evidence=[index],
            confidence=min(0.95, 0.5 + (score - item.threshold) * 2 + 0.1),
            rationale=f"\"{quote}\" is close in meaning to the rubric's examples of {item_id}.",
        )
    return ItemResult(
        passed=False,
        evidence=[],
        confidence=0.8,
        rationale=f"No {item.speaker} turn matches {item_id}: {item.description.split('.')[0].lower()}.",
    )


def _greeting(ctx: ConversationContext, item: RubricItem) -> ItemResult:
    # a greeting opens the conversation: the agent's first two turns
    opening = [u for u in ctx.utterances if u.is_agent][:2]
    return judge_generic(ctx, "greeting", item, utterances=opening, use_embeddings=False)


def _closing(ctx: ConversationContext, item: RubricItem) -> ItemResult:
    agent_turns = [u for u in ctx.utterances if u.is_agent]
    if not agent_turns:
        return ItemResult(False, [], 0.9, "The agent never speaks.")
    last_index = len(ctx.utterances) - 1
    # the sign-off is the agent's last turn, or the one before it when only the customer's
    # short reply and the agent's brief last word follow
    tail = [u for u in agent_turns[-2:] if last_index - u.index <= 3]
    result = judge_generic(ctx, "closing", item, utterances=tail, use_embeddings=False)
    if not result.passed:
        result.rationale = "The conversation ends without a polite sign-off from the agent."
    return result


#: words right before an amount that make it a payment, not the balance ("take $150")
_PAYMENT_LEAD = re.compile(
    r"\b(take|taking|pay|paying|paid|processed|process|charged|charge|run|running|payment of|payments of|"
    r"put|make|send|sending|half|first|second|installments? of|plan of|settle for|settle it for|"
    r"settlement of|settlement for|down|do|at least|minimum of|another|remaining)\s*$"
)


def _amounts_with_context(text: str) -> list[tuple[int, int, float, bool]]:
    try:
        from qa_pipeline.text.numbers import find_amounts
    except ImportError:
        return _amount_spans(text)
    return [(a.start, a.end, float(a.value), bool(a.has_currency)) for a in find_amounts(text) if not a.per_period]


def _balance(ctx: ConversationContext, item: RubricItem) -> ItemResult:
    """The agent states an amount owed: an amount (not a payment being taken or proposed)
    with a balance cue ("balance", "past due", "you owe") close before or after it."""
    cues, vetoes = item.compiled(), item.compiled_negative()
    for u in ctx.utterances:
        if not u.is_agent:
            continue
        for start, end, value, _currency in _amounts_with_context(u.text):
            if value < 1:
                continue
            lead = normalize(u.text[max(0, start - 30) : start]).text
            if _PAYMENT_LEAD.search(lead):
                continue
            window = normalize(u.text[max(0, start - 90) : min(len(u.text), end + 50)]).text
            if any(c.search(window) for c in cues) and not any(v.search(window) for v in vetoes):
                quote = u.text[max(0, start - 60) : end].strip()
                return ItemResult(True, [u.index], 0.9, f"The agent states the amount owed: \"...{quote}\".")
    return ItemResult(False, [], 0.8, "The agent never states the amount owed.")


def _verification(
    ctx: ConversationContext, item: RubricItem, debt_at: int | None
) -> tuple[ItemResult, Verification]:
    ver = find_verification(ctx, item)
    if ver.verified_at is None:
        why = (
            "The customer's answer did not match and the agent went on."
            if ver.rejected_at is not None
            else "The agent never verified a second identifier (date of birth, SSN digits, address, ZIP)."
        )
        return ItemResult(False, [ver.rejected_at] if ver.rejected_at is not None else [], 0.85, why), ver
    if debt_at is not None and debt_at <= ver.verified_at:
        return (
            ItemResult(
                False,
                [debt_at],
                0.85,
                f"The agent discussed the debt (turn {debt_at}) before the customer was verified (turn {ver.verified_at}).",
            ),
            ver,
        )
    return (
        ItemResult(
            True,
            [i for i in (ver.request, ver.verified_at) if i is not None],
            0.9,
            "The agent verified a second identifier before discussing the debt.",
        ),
        ver,
    )


def judge_script(
    ctx: ConversationContext, rubric: Rubric, debt_at: int | None
) -> tuple[dict[str, ItemResult], Verification]:
    """Judge every script item except ``ptp_confirmation`` (the promise-to-pay module's).

    Returns:
        The results by item id (in rubric order, ``ptp_confirmation`` left out) and the
        verification found (violations need it).
    """
    out: dict[str, ItemResult] = {}
    verification = Verification(None, None)
    for item_id, item in rubric.items.script.items():
        if item_id == "ptp_confirmation":
            continue
        if item_id == "greeting":
            out[item_id] = _greeting(ctx, item)
        elif item_id == "closing":
            out[item_id] = _closing(ctx, item)
        elif item_id == "balance_disclosure":
            out[item_id] = _balance(ctx, item)
        elif item_id == "right_party_verification":
            out[item_id], verification = _verification(ctx, item, debt_at)
        else:
            out[item_id] = judge_generic(ctx, item_id, item)
    return out, verification
