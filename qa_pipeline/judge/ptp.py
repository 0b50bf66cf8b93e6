"""Promise to pay: did the customer commit to a specific amount on a specific date?

labels.md's rules, as the code applies them:

- the CUSTOMER commits to an amount and a date ("I can do 200 on Friday"), or accepts the
  agent's concrete proposal with a clear yes ("can you do $150 on the 15th?" - "yes");
- a payment taken during the call is a promise dated the call day; "half now" means today;
- a split promise ("85 tomorrow and the rest next week") is its FIRST payment;
- not promises: "I'll try", an amount with no date, a date with no amount, "maybe next month",
  "once the insurance check comes", conditional or hypothetical talk, proposals the customer
  declines or leaves unanswered, anything said by a third party (spouse, roommate);
- the agent's restatement ("so that's $200 on Friday, January 23rd") fills in or corrects what
  the customer said loosely ("two hundred next friday"), unless the customer rejects it.

`ptp_confirmation` is the script item: the AGENT restates the agreed promise with BOTH the
amount and the date, after the customer agreed to it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, timedelta

from qa_pipeline.text.dates import DateMention, find_dates
from qa_pipeline.text.numbers import AmountMention, find_amounts
from qa_pipeline.types import ROLE_AGENT, Conversation, ItemResult, PromiseToPay

__all__ = ["PTP_SCORER_VERSION", "extract_ptp", "ptp_confirmation"]

#: stored with every scorecard's models so a changed rule set is traceable
PTP_SCORER_VERSION = "ptp-rules-1"

#: a promise further out than this is not a promise date (a date of birth, next year's renewal)
MAX_DAYS_AHEAD = 400

_F = re.IGNORECASE
_FILLERS = re.compile(r"\b(?:u+m+|u+h+|e+r+m+|h+m+|you know|i mean)\b[,.]?\s*", _F)

# the customer commits: "i can do", "i'll pay", "can we do", "let's do", "put me down for"
_COMMIT = re.compile(
    r"\b(?:i|we)\s*(?:'ll|’ll| will|'d|’d| would| can| could| should| am going to|'m going to|’m going to|"
    r"'m gonna|’m gonna| am gonna| gonna| wanna| want to| plan to| need to| have to| got to| gotta)"
    r"(?:\s+(?:probably|definitely|maybe|just|only|like|still|totally|prob|def|be able to|"
    r"at least|actually|really|for sure))*\s+"
    r"(?:do|pay|send|make|put|swing|manage|afford|handle|cover|give|get|take|set|go with|commit)\b|"
    r"\bcan (?:i|we|you)\s+(?:just\s+)?(?:do|pay|make|send|put|set|schedule|split|go)\b|"
    r"\b(?:let's|lets|let us)\s+(?:do|say|go with|make it|put|set|just do|schedule)\b|"
    r"\b(?:put|sign|set) me (?:down|up)\b|\bworks for me\b|\b(?:that|this|it) works\b|"
    r"\bi(?:'d| would) like to (?:pay|make|set|do|schedule)\b|"
    r"\b(?:i(?:'m| am)|i'll be) (?:paying|sending|making)\b|"
    r"\b(?:i|we) (?:can|could) do (?:that|it|this)\b|"
    r"\b(?:just|do|pay|make it|put|schedule|charge|run)\s+(?:the\s+)?(?:whole thing|full amount|whole amount|"
    r"balance|full balance|all of it|everything|it all|in full)\b|"
    r"\b(?:i|we) can do\b|\bi can\b|\bi could\b|\bdo-able\b|\bdoable\b",
    _F,
)
# words that take the commitment back: effort not promise, doubt, refusal
_HEDGE = re.compile(
    r"\b(?:i'?ll try|i will try|try to|trying to|try and|i might|might be able|not sure|"
    r"i don't know|idk|we'll see|we will see|hopefully|see if|depends|depending|no promises|"
    r"can't promise|cannot promise|won't promise|not promising|probably not|i doubt|"
    r"i wish|if i'm lucky|if i can|if i get|if i have|if it|if they|if my|if the|if we|"
    r"if there's|if things|if he|if she|once (?:the|my|i|it|they|he|she|we)|as soon as|"
    r"unless|assuming|supposing|hypothetically|in theory|what if|what would|would it help|"
    r"say i|suppose i|let's say i|eventually|someday|at some point|sometime|some time|"
    r"or so|ish|can't|cannot|can not|couldn't|won't|wont|not able|unable|no way|not gonna|"
    r"not going to|don't have|dont have|do not have|not paying|not doing|ain't)\b",
    _F,
)
# a clear yes to an agent's proposal
_YES = re.compile(
    r"^\s*(?:yes|yeah|yea|yep|yup|ya|yah|sure|ok|okay|k|kk|fine|alright|all right|deal|"
    r"sounds good|sounds fine|sounds right|that works|works for me|perfect|correct|"
    r"that's right|that's correct|thats right|right|let's do it|let's do that|do it|go ahead|"
    r"absolutely|definitely|great|good|cool|that's fine|that'?s good|mhm|uh huh|agreed|"
    r"of course|please do|that'll work|that will work)\b",
    _F,
)
_NO = re.compile(
    r"^\s*(?:no\b|nope|nah|not\b|i can't|i cannot|can't|that's not|that is not|wait|hold on|"
    r"actually no|that won't|that doesn't)",
    _F,
)
# an agent turning the customer's offer down
_AGENT_REFUSES = re.compile(
    r"^\s*(?:no\b|unfortunately|i'm sorry,? (?:but )?(?:i|we) can't|that's not (?:enough|going to work)|"
    r"that won't work|i can't (?:accept|take|do that|go that)|we can't (?:accept|take|do that))",
    _F,
)
# agent restatement cues
_RESTATE = re.compile(
    r"\b(?:to confirm|confirming|so that'?s|so that is|so i have|i have you down|i've got you|i got you|"
    r"i've got|i have|so i've|got you down|put you down|i'll put|i will put|i've put|i've set|"
    r"set up|scheduled|schedule|set for|i've processed|processed|posted|went through|approved|"
    r"authoriz|noted|so,? |okay,? |ok,? |alright,? |great,? |perfect,? |you're all set|"
    r"payment of|arrangement|first payment|your payment)",
    _F,
)
# an agent's question that puts a concrete offer on the table
_PROPOSAL = re.compile(
    r"\b(?:can you|could you|would you|will you|are you able|how about|what about|would .{0,40}work|"
    r"does .{0,40}work|is .{0,40}(?:ok|okay)|shall we|should we|i can set you up|i can do|"
    r"we can do|why don't we|let's)\b",
    _F,
)
_WHOLE_BALANCE = re.compile(
    r"\b(?:the whole thing|whole thing|full amount|whole amount|the balance|full balance|all of it|"
    r"everything|it all|in full|pay it off|the full|the total|the whole balance|all of that)\b",
    _F,
)
_HALF = re.compile(r"\bhalf\b", _F)
_BALANCE_CONTEXT = re.compile(
    r"\b(?:balance|owe|owed|owing|past due|outstanding|total|remaining|left|due|fees?|interest|"
    r"settle(?:ment)?|in full)\b",
    _F,
)
_THIRD_PARTY = re.compile(
    r"\b(?:(?:this is|i'm|i am|it's)\s+(?:his|her|their)\s+(?:wife|husband|roommate|room mate|mom|mother|"
    r"dad|father|son|daughter|brother|sister|partner|girlfriend|boyfriend|fiance|fiancee|friend|"
    r"neighbor|neighbour|caregiver|aunt|uncle|grandson|granddaughter|grandma|grandmother|"
    r"landlord|coworker|boss|assistant|nurse|attorney|lawyer)|"
    r"(?:he|she)(?:'s| is) not (?:home|here|in|available|around)|(?:he|she)(?:'s| is) (?:at work|out|away|sleeping|busy)|"
    r"wrong number|doesn't live here|does not live here|no one by that name|nobody by that name|"
    r"no this is (?:his|her)|not (?:him|her),? (?:this is|i'm))\b",
    _F,
)
_RPC_RETURN = re.compile(r"\b(?:this is (?:him|her|me)|(?:he|she) just (?:got|came) (?:home|in)|speaking)\b", _F)


@dataclass(slots=True)
class _Turn:
    index: int
    is_agent: bool
    text: str
    clean: str
    amounts: list[AmountMention] = field(default_factory=list)
    dates: list[DateMention] = field(default_factory=list)


@dataclass(slots=True)
class _Candidate:
    amount: float
    day: date
    evidence: list[int]
    anchor: int  # the customer's committing or accepting turn
    confidence: float
    last_index: int


def _clean(text: str) -> str:
    return re.sub(r"\s+", " ", _FILLERS.sub("", text.replace("’", "'"))).strip()


def _turns(conv: Conversation) -> list[_Turn]:
    today = conv.call_date
    horizon = today + timedelta(days=MAX_DAYS_AHEAD)
    out: list[_Turn] = []
    for i, u in enumerate(conv.utterances):
        clean = _clean(u.text)
        dates = [d for d in find_dates(clean, today) if today <= d.date <= horizon]
        out.append(_Turn(i, u.speaker == ROLE_AGENT, u.text, clean, find_amounts(clean), dates))
    return out


def _clauses(text: str) -> list[tuple[int, int]]:
    """Spans of the clauses of a turn: a commitment, a hedge and a refusal are judged per clause."""
    spans: list[tuple[int, int]] = []
    start = 0
    for m in re.finditer(r"[.!?;]+\s+|,?\s+\bbut\b\s+|\s+-\s+", text):
        spans.append((start, m.start()))
        start = m.end()
    spans.append((start, len(text)))
    return [(s, e) for s, e in spans if e > s]


def _payable_amounts(turn: _Turn, s: int = 0, e: int | None = None) -> list[AmountMention]:
    e = len(turn.clean) if e is None else e
    out = []
    for a in turn.amounts:
        if not (s <= a.start < e):
            continue
        if not a.has_currency and a.value < 10:
            continue
        out.append(a)
    return out


def _last_balance(turns: list[_Turn], before: int) -> float | None:
    """The amount owed as the agent last stated it before turn ``before``."""
    for t in reversed(turns[:before]):
        if not t.is_agent:
            continue
        for a in t.amounts:
            window = t.clean[max(0, a.start - 60) : a.start]
            if a.has_currency and _BALANCE_CONTEXT.search(window) and not a.per_period:
                return a.value
    return None


def _customer_offer(turns: list[_Turn], t: _Turn) -> tuple[float | None, date | None, bool]:
    """What a customer turn commits to: (amount, date, committed)."""
    best: tuple[float | None, date | None, bool] = (None, None, False)
    for s, e in _clauses(t.clean):
        clause = t.clean[s:e]
        committed = bool(_COMMIT.search(clause))
        amounts = _payable_amounts(t, s, e)
        dates = [d for d in t.dates if s <= d.start < e]
        if _HEDGE.search(clause):
            continue
        amount: float | None = None
        if amounts:
            # a recurring "forty a month" is still the first payment's amount
            amount = amounts[0].value
        elif _WHOLE_BALANCE.search(clause):
            amount = _last_balance(turns, t.index)
        elif _HALF.search(clause):
            bal = _last_balance(turns, t.index)
            amount = None if bal is None else round(bal / 2, 2)
        day: date | None = None
        if dates:
            if amounts:
                # the date nearest the first amount: "85 tmrw and the rest next week"
                first = amounts[0].start
                day = min(dates, key=lambda d: (abs(d.start - first), d.start)).date
            else:
                day = dates[0].date
        if amount is not None and day is not None:
            return amount, day, True
        if committed and (amount is not None or day is not None) and best == (None, None, False):
            best = (amount, day, True)
        elif (amount is not None or day is not None) and not best[2] and best == (None, None, False):
            best = (amount, day, False)
    # an amount in one clause and its date in the next: "Seventy-five I can probably do. My
    # unemployment comes on the 15th."
    if best[2] and (best[0] is None or best[1] is None):
        amount, day = best[0], best[1]
        if amount is None:
            ams = [a for a in _payable_amounts(t) if not _clause_hedged(t, a.start)]
            amount = ams[0].value if ams else None
        if day is None:
            ds = [d for d in t.dates if not _clause_hedged(t, d.start)]
            day = ds[0].date if ds else None
        best = (amount, day, True)
    return best


def _clause_hedged(t: _Turn, pos: int) -> bool:
    for s, e in _clauses(t.clean):
        if s <= pos < e:
            return bool(_HEDGE.search(t.clean[s:e]))
    return False


def _agent_statement(t: _Turn, prefer_amount: float | None, prefer_day: date | None) -> tuple[float, date] | None:
    """The amount and date an agent turn states for a payment, if it states both."""
    amounts = [a for a in _payable_amounts(t) if a.has_currency or a.value >= 10]
    if not amounts or not t.dates:
        return None
    if prefer_amount is not None:
        same = [a for a in amounts if abs(a.value - prefer_amount) < 0.006]
        if same:
            amounts = same
    # leave out the balance, the remaining amount and fees when something else is there
    paying = [a for a in amounts if not _BALANCE_CONTEXT.search(t.clean[max(0, a.start - 30) : a.start])]
    amount = (paying or amounts)[0]
    dates = t.dates
    if prefer_day is not None and any(d.date == prefer_day for d in dates):
        day = prefer_day
    else:
        # the date nearest the chosen amount; an agreeing "Friday, January 23rd" beats others
        day = min(dates, key=lambda d: (d.weekday_agrees is False, abs(d.start - amount.start))).date
    return amount.value, day


def _is_third_party_call(turns: list[_Turn]) -> bool:
    """The person on the line is not the debtor (and the debtor never comes to the phone)."""
    flagged_at: int | None = None
    for t in turns:
        if t.is_agent:
            continue
        if flagged_at is None and _THIRD_PARTY.search(t.clean):
            flagged_at = t.index
        elif flagged_at is not None and _RPC_RETURN.search(t.clean):
            return False
    return flagged_at is not None


def extract_ptp(conv: Conversation) -> PromiseToPay | None:
    """Find the customer's promise to pay in a conversation.

    Args:
        conv: a conversation whose speakers are ``agent`` and ``customer``.

    Returns:
        The promise (amount, resolved date, evidence = utterance indexes: the customer's
        commitment, the agent's restatement, the customer's acceptance), or ``None`` when
        nobody committed to both an amount and a date.
    """
    turns = _turns(conv)
    if not turns or _is_third_party_call(turns):
        return None
    candidates: list[_Candidate] = []
    pending: tuple[int, float | None, date | None] | None = None  # last customer commitment
    for t in turns:
        if not t.is_agent:
            amount, day, committed = _customer_offer(turns, t)
            if committed and amount is not None and day is not None:
                nxt = _next_turn(turns, t.index, agent=True)
                if nxt is None or not _AGENT_REFUSES.search(nxt.clean):
                    candidates.append(_Candidate(amount, day, [t.index], t.index, 0.8, t.index))
                pending = (t.index, amount, day)
            elif committed or amount is not None or day is not None:
                if pending is None or not (committed or _YES.search(t.clean)):
                    pending = (t.index, amount, day) if committed else pending
                else:
                    # "yeah the 23rd": completes or confirms the pending commitment
                    pi, pa, pd = pending
                    pending = (pi, amount if amount is not None else pa, day if day is not None else pd)
            # a clear yes to the agent's concrete proposal just before
            prev = _prev_turn(turns, t.index, agent=True)
            if prev is not None and _YES.search(t.clean) and not _HEDGE.search(t.clean) and not _NO.search(t.clean):
                stated = _agent_statement(prev, None, None)
                if stated is not None and _PROPOSAL.search(prev.clean) and not _restates_pending(pending, prev):
                    candidates.append(_Candidate(stated[0], stated[1], [prev.index, t.index], t.index, 0.85, t.index))
            continue
        # an agent turn that states an amount and a date
        pa = pending[1] if pending else None
        pd = pending[2] if pending else None
        stated = _agent_statement(t, pa, pd)
        if stated is None:
            continue
        reply = _next_turn(turns, t.index, agent=False)
        rejected = reply is not None and (_NO.search(reply.clean) is not None or bool(_HEDGE.search(reply.clean) and not _YES.search(reply.clean)))
        accepted = reply is not None and not rejected and _YES.search(reply.clean) is not None
        near_commitment = pending is not None and t.index - pending[0] <= 8
        if near_commitment and pending is not None and (_RESTATE.search(t.clean) or t.index - pending[0] <= 3):
            if rejected:
                continue
            evidence = [pending[0], t.index] + ([reply.index] if accepted and reply is not None else [])
            candidates.append(_Candidate(stated[0], stated[1], evidence, pending[0], 0.95, t.index))
        elif accepted and reply is not None:
            # the agent's own proposal, answered with a clear yes
            candidates.append(_Candidate(stated[0], stated[1], [t.index, reply.index], reply.index, 0.85, reply.index))
    if not candidates:
        return None
    best = max(candidates, key=lambda c: (c.last_index, c.confidence))
    return PromiseToPay(
        amount=round(best.amount, 2),
        date=best.day,
        evidence=sorted(set(best.evidence)),
        confidence=best.confidence,
    )


def _restates_pending(pending: tuple[int, float | None, date | None] | None, agent_turn: _Turn) -> bool:
    return pending is not None and agent_turn.index > pending[0]


def _next_turn(turns: list[_Turn], index: int, *, agent: bool) -> _Turn | None:
    for t in turns[index + 1 :]:
        if t.is_agent == agent:
            return t
        if agent and not t.is_agent:
            continue
        if not agent and t.is_agent:
            return None  # the agent spoke again before the customer answered
    return None


def _prev_turn(turns: list[_Turn], index: int, *, agent: bool) -> _Turn | None:
    for t in reversed(turns[:index]):
        if t.is_agent == agent:
            return t
        if agent and not t.is_agent:
            return None  # only the turn right before counts as "just before"
    return None


def ptp_confirmation(conv: Conversation, ptp: PromiseToPay | None) -> ItemResult:
    """Whether the agent restated the agreed promise with both amount and date.

    Args:
        conv: the conversation.
        ptp: the promise `extract_ptp` found (``None``: no promise, so nothing to confirm).

    Returns:
        ``passed`` with the restating agent utterance as evidence; ``False`` for "ok noted",
        "I'll set that up", the amount alone or the date alone.
    """
    if ptp is None:
        return ItemResult(False, [], 0.9, "No promise to pay was made, so there was nothing to confirm.")
    turns = _turns(conv)
    customer_turns = [i for i in ptp.evidence if 0 <= i < len(turns) and not turns[i].is_agent]
    anchor = min(customer_turns) if customer_turns else (min(ptp.evidence) if ptp.evidence else 0)
    amount_only: int | None = None
    date_only: int | None = None
    for t in turns[anchor:]:
        if not t.is_agent:
            continue
        has_amount = any(abs(a.value - ptp.amount) < 0.006 for a in _payable_amounts(t))
        has_date = any(d.date == ptp.date for d in t.dates)
        if has_amount and has_date:
            return ItemResult(
                True,
                [t.index],
                0.9,
                f"The agent restated the promise of ${ptp.amount:,.2f} on {ptp.date.isoformat()}.",
            )
        if has_amount and amount_only is None:
            amount_only = t.index
        if has_date and date_only is None:
            date_only = t.index
    if amount_only is not None:
        why = "The agent repeated the amount but not the date of the promise."
    elif date_only is not None:
        why = "The agent repeated the date but not the amount of the promise."
    else:
        why = "The agent never restated the promise's amount and date to the customer."
    return ItemResult(False, [], 0.8, why)
