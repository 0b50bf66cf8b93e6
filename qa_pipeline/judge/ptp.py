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
PTP_SCORER_VERSION = "ptp-rules-2"

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
    r"\b(?:can|could|may) (?:i|we|you)\s+(?:just\s+|maybe\s+|still\s+)?(?:do|pay|make|send|put|set|schedule|split|go|start|get)\b|"
    r"\b(?:let's|lets|let us)\s+(?:do|say|go with|make it|put|set|just do|schedule)\b|"
    r"\b(?:put|sign|set) me (?:down|up)\b|\bworks for me\b|\b(?:that|this|it) works\b|"
    r"\bi(?:'d| would) like to (?:pay|make|set|do|schedule)\b|"
    r"\b(?:i(?:'m| am)|i'll be) (?:paying|sending|making)\b|"
    r"\b(?:i|we) (?:can|could) do (?:that|it|this)\b|"
    r"\b(?:just|do|pay|make it|put|schedule|charge|run)\s+(?:the\s+)?(?:whole thing|full amount|whole amount|"
    r"balance|full balance|all of it|everything|it all|in full)\b|"
    r"\b(?:i|we) can do\b|\bi can\b|\bi could\b|\bdo-able\b|\bdoable\b|"
    r"\bill (?:pay|do|send|make|put)\b|\b(?:i|we)(?:'ll| will| can| could| want to| wanna) start\b|"
    r"\b(?:could|can) (?:i|we) start\b|\b(?:is|are|sounds|that's|thats) (?:good|fine|great|doable|perfect|ok|okay)\b|"
    r"\bcan (?:the|my) (?:first|1st) (?:one|payment)? ?be\b|\bi'll take\b|\bi will take\b|"
    r"\b(?:go ahead and|please|just)\s+(?:charge|run|take|put|process|debit|draft)\b|"
    r"\b(?:charge|debit|draft) (?:my|the|it)\b|"
    r"\b(?:i|we)\s+(?:just|really|only|definitely|probably|still|actually)\s+(?:want to|wanna|need to|"
    r"would like to|'d like to|am going to|'m going to|'m gonna|can|could|will)\s+(?:pay|make|send|do|take care|settle)\b",
    _F,
)
# words that take the commitment back: effort not promise, doubt, refusal
_HEDGE = re.compile(
    r"\b(?:i'?ll try|i will try|try to|trying to|try and|i might|might be able|not sure|"
    r"i don't know|idk|we'll see|we will see|hopefully|see if|depends|depending|no promises|"
    r"can't promise|cannot promise|won't promise|not promising|probably not|i doubt|"
    r"i wish|if i'm lucky|if i can|if i get|if i have|if they|if my|if the|if we|if i|"
    r"if it(?!'?s? (?:ok|okay|alright|all right|fine|possible|easier|good))|"
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
# an agent stating what it is setting up: "I'll put you down for", "so that's", "to confirm"
_SETS_UP = re.compile(
    r"\b(?:to confirm|confirming|so that'?s|so that is|so i have|i have you down|i've got you|"
    r"got you down|put you down|i'll put|i will put|i've put|i'll set|i've set|i'll schedule|"
    r"i'm scheduling|scheduled|i'll take|i'll run|i'm processing|set you up|sign you up|"
    r"i'll get that|i'll get you|deal\?)",
    _F,
)
# an agent telling what is owed or due, which an "okay" acknowledges without promising
_INFORMS_DUE = re.compile(
    r"\b(?:is|was|are|were|comes|falls) (?:due|owed|past due)\b|\bminimum\b|\bdue (?:on|by)\b", _F
)
_ASKS_TO_PAY = re.compile(
    r"\b(?:can you|could you|would you|will you|are you able|how about|what about|shall we)\b", _F
)
# an agent's question that puts a concrete offer on the table
_PROPOSAL = re.compile(
    r"\b(?:can you|could you|would you|will you|are you able|how about|what about|would .{0,40}work|"
    r"does .{0,40}work|is .{0,40}(?:ok|okay)|shall we|should we|i can set you up|i can do|"
    r"we can do|why don't we|let's)\b",
    _F,
)
_WHOLE_BALANCE = re.compile(
    r"\b(?:the whole thing|whole thing|full amount|whole amount|the balance|full balance|"
    r"in full|pay it off|the full|the total|the whole balance|"
    r"(?:pay|paying|do|cover|clear|put|charge|take|run)\s+(?:it all|all of it|everything|all of that|the whole|it)\b(?!\s+(?:with|by|in|over|to|back)\b))",
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
_RPC_RETURN = re.compile(
    r"\b(?:this is (?:him|her|me)|(?:he|she) just (?:got|came) (?:home|in)|speaking|"
    r"(?:hello|hi|hey),? (?:this is|it's|it is) (?!(?:his|her|their|the|a|about|not)\b)\w+)\b",
    _F,
)
_VERIFIED = re.compile(
    r"\b(?:you're verified|you are verified|you're all verified|that matches|thank you,? verified|"
    r"verified,? thank|identity (?:has been|is) verified)\b",
    _F,
)


@dataclass(slots=True)
class _Turn:
    index: int
    is_agent: bool
    text: str
    clean: str
    amounts: list[AmountMention] = field(default_factory=list)
    #: dates from today to MAX_DAYS_AHEAD
    dates: list[DateMention] = field(default_factory=list)
    #: every date, past ones too ("a payment of $146.30 on 7/2")
    all_dates: list[DateMention] = field(default_factory=list)


@dataclass(slots=True)
class _Offer:
    """What one customer turn offers: an amount, a date, and whether it is a commitment."""

    index: int
    amount: float | None
    day: date | None
    committed: bool

    @property
    def complete(self) -> bool:
        return self.amount is not None and self.day is not None


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
        all_dates = find_dates(clean, today)
        dates = [d for d in all_dates if today <= d.date <= horizon]
        out.append(
            _Turn(i, u.speaker == ROLE_AGENT, u.text, clean, find_amounts(clean), dates, all_dates)
        )
    return out


# a new clause starts at sentence ends, at "but", and where the speaker starts over with "i <modal>"
_CLAUSE_BREAK = re.compile(
    r"[.!?;]+\s+|,?\s+\b(?:but|though|although|except)\b\s+|\s+-\s+|"
    r"(?<!\bcan)(?<!\bcould)(?<!\bwould)(?<!\bshould)(?<!\bwill)(?<!\bdo)(?<!\bmay)(?<!\bdid)(?<!\bif)"
    r"(?<!\bwhen)(?<!\bso)(?<!\bthat)(?<!\bwhat)(?<!\bhow)"
    r"\s+(?=\b(?:i|we)(?:'ll| will| can| could| would| might| can't| cannot| won't| don't| do not|"
    r" have| got| get| am|'m| just| only)\b)",
    _F,
)


def _clauses(text: str) -> list[tuple[int, int]]:
    """Spans of the clauses of a turn: a commitment, a hedge and a refusal are judged per clause."""
    spans: list[tuple[int, int]] = []
    start = 0
    for m in _CLAUSE_BREAK.finditer(text):
        if m.start() > start:
            spans.append((start, m.start()))
        start = max(start, m.end())
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
        if re.search(
            r"\b(?:chapter|ch|section|page|room|gate|exit|route|number|no|#)\s*$",
            turn.clean[max(0, a.start - 12) : a.start],
            _F,
        ):
            continue  # "chapter thirteen" is a bankruptcy, not $13
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


def _plan_amount(turns: list[_Turn], before: int) -> float | None:
    """The instalment the agent last offered ("three monthly payments of $45", "$80/mo")."""
    for t in reversed(turns[max(0, before - 4) : before]):
        if not t.is_agent:
            continue
        for a in t.amounts:
            window = t.clean[max(0, a.start - 40) : a.start]
            if a.per_period or re.search(
                r"\b(?:payments?|installments?|instalments?) of\s*(?:about|around|just)?\s*$",
                window,
                _F,
            ):
                return a.value
    return None


def _asked_for_terms(turns: list[_Turn], index: int) -> bool:
    """Whether the agent's turn just before asked what the customer can pay, or when."""
    for t in reversed(turns[:index]):
        if not t.is_agent:
            return False
        return bool("?" in t.clean or _ASKS_TERMS.search(t.clean))
    return False


_ASKS_TERMS = re.compile(
    r"\b(?:what (?:amount|date|day|can you|could you|works|would work)|how much|when can you|"
    r"which (?:option|one|date|day)|options?|any of those|what works|you can (?:pay|do|split|schedule|choose|pick)|"
    r"we can (?:do|set|split|schedule)|or (?:do|split|pay|schedule)|give me (?:a|an|the|some) (?:date|amount|day|number)|"
    r"(?:a|an) (?:date|amount) (?:and|or) (?:a|an) (?:date|amount))\b",
    _F,
)
_PAST_PAYMENT = re.compile(r"\b(?:paid|sent|mailed|filed|made a payment|already)\b", _F)


def _customer_offer(turns: list[_Turn], t: _Turn) -> _Offer | None:
    """What a customer turn offers: the first payment's amount and date, and if it commits."""
    partial: _Offer | None = None
    partial_explicit = False
    committed_any = False
    after_condition = False
    for s, e in _clauses(t.clean):
        clause = t.clean[s:e]
        conditional_lead = after_condition
        # "If I get the job, I could pay $300 on the 15th": the condition binds the next clause
        after_condition = bool(_CONDITION_OPENS.match(clause)) and not _COMMIT.search(clause)
        if _HEDGE.search(clause) or conditional_lead:
            continue
        committed = bool(_COMMIT.search(clause))
        committed_any = committed_any or committed
        amounts = _payable_amounts(t, s, e)
        dates = [d for d in t.dates if s <= d.start < e]
        amount: float | None = None
        explicit = bool(amounts)
        if amounts:
            # a recurring "forty a month" is still the first payment's amount
            amount = amounts[0].value
        elif _WHOLE_BALANCE.search(clause):
            amount = _last_balance(turns, t.index)
        elif _HALF.search(clause):
            bal = _last_balance(turns, t.index)
            amount = None if bal is None else round(bal / 2, 2)
        elif _PLAN_CHOICE.search(clause):
            amount = _plan_amount(turns, t.index)
        day: date | None = None
        if dates:
            if amounts:
                # the date nearest the first amount: "85 tmrw and the rest next week"
                first = amounts[0].start
                day = min(dates, key=lambda d: (abs(d.start - first), d.start)).date
            else:
                day = dates[0].date
        if amount is None and day is None:
            continue
        if amount is not None and day is not None:
            short_answer = len(clause.split()) <= 12 and _asked_for_terms(turns, t.index)
            if (committed or short_answer) and not _PAST_PAYMENT.search(clause):
                return _Offer(t.index, amount, day, True)
        if partial is None:
            partial = _Offer(t.index, amount, day, committed)
            partial_explicit = explicit
        else:
            # an amount in one clause and its date in the next: "Seventy-five I can probably do.
            # My unemployment comes on the 15th."; a said amount beats one inferred from "the plan"
            take_new = amount is not None and (
                partial.amount is None or (explicit and not partial_explicit)
            )
            partial = _Offer(
                t.index,
                amount if take_new else partial.amount,
                partial.day if partial.day is not None else day,
                partial.committed or committed,
            )
            partial_explicit = partial_explicit or explicit
    if partial is None:
        return None
    # "Fifty. Fifty dollars. Friday." in answer to "give me a date and an amount"
    short_answer = len(t.clean.split()) <= 12 and _asked_for_terms(turns, t.index)
    partial.committed = partial.committed or committed_any or (partial.complete and short_answer)
    return partial


_CONDITION_OPENS = re.compile(
    r"^\W*(?:and |so |well |but )?(?:if|once|unless|as soon as|assuming|provided|in case)\b",
    _F,
)
_PLAN_CHOICE = re.compile(
    r"\b(?:\w+ (?:payments|installments|months)|(?:the )?(?:plan|monthly|payment plan)|first (?:one|payment))\b"
    r"(?:\s+(?:is|are|sounds|works|would work|would be))?",
    _F,
)
_RECEIVED = re.compile(
    r"\b(?:received|processed|processing|charging|charged|posted|went through|been applied|"
    r"i see .{0,30} (?:received|come in|came in)|i'm (?:running|taking)|"
    r"i've (?:run|charged|taken)|payment (?:is|was) (?:complete|successful|approved))\b",
    _F,
)


def _agent_statement(
    t: _Turn, prefer_amount: float | None, prefer_day: date | None, today: date
) -> tuple[float, date] | None:
    """The amount and date an agent turn states for a payment, if it states both."""
    amounts = _payable_amounts(t)
    if not amounts or not t.dates:
        return None
    if prefer_amount is not None:
        same = [a for a in amounts if abs(a.value - prefer_amount) < 0.006]
        if same:
            amounts = same
    # leave out the balance, the remaining amount and fees when something else is there
    paying = [
        a for a in amounts if not _BALANCE_CONTEXT.search(t.clean[max(0, a.start - 30) : a.start])
    ]
    amount = (paying or amounts)[0]
    if prefer_day is not None and any(d.date == prefer_day for d in t.dates):
        return amount.value, prefer_day
    # the date nearest the amount; a past one ("a payment of $146.30 on 7/2") is a report of
    # what happened, not a promise
    nearest = min(
        t.all_dates, key=lambda d: (d.weekday_agrees is False, abs(d.start - amount.start))
    )
    if nearest.date < today:
        return None
    return amount.value, nearest.date


def _is_third_party_call(turns: list[_Turn]) -> bool:
    """The person on the line is not the debtor, and the debtor never comes to the phone."""
    flagged_at: int | None = None
    for t in turns:
        if flagged_at is None:
            if not t.is_agent and _THIRD_PARTY.search(t.clean):
                flagged_at = t.index
            continue
        # the debtor takes the phone ("Hello, this is Angela") and is verified
        if (not t.is_agent and _RPC_RETURN.search(t.clean)) or (
            t.is_agent and _VERIFIED.search(t.clean)
        ):
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
    pending: _Offer | None = None  # the customer's latest offer, complete or not
    answered: set[int] = set()  # customer turns already read as a reply to an agent statement
    for t in turns:
        if not t.is_agent:
            offer = _customer_offer(turns, t)
            if offer is None:
                continue
            if offer.complete and offer.committed and t.index not in answered:
                nxt = _next_turn(turns, t.index, agent=True)
                if nxt is None or not _AGENT_REFUSES.search(nxt.clean):
                    candidates.append(
                        _Candidate(
                            offer.amount or 0.0,
                            offer.day or conv.call_date,
                            [t.index],
                            t.index,
                            0.8,
                            t.index,
                        )
                    )
            if pending is not None and t.index - pending.index <= 4 and not offer.complete:
                # "yeah, the 23rd": completes the offer made just before
                offer = _Offer(
                    pending.index if not offer.committed else t.index,
                    offer.amount if offer.amount is not None else pending.amount,
                    offer.day if offer.day is not None else pending.day,
                    offer.committed or pending.committed,
                )
            pending = offer
            continue
        stated = _agent_statement(
            t, pending.amount if pending else None, pending.day if pending else None, conv.call_date
        )
        if stated is None:
            continue
        reply = _next_turn(turns, t.index, agent=False)
        rejected = reply is not None and (
            _NO.search(reply.clean) is not None
            or (_HEDGE.search(reply.clean) is not None and _YES.search(reply.clean) is None)
        )
        accepted = reply is not None and not rejected and _YES.search(reply.clean) is not None
        reply_offer = _customer_offer(turns, reply) if reply is not None else None
        if reply_offer is not None and reply_offer.complete and reply_offer.committed:
            continue  # the customer answers with an offer of their own: that one counts
        gap = t.index - pending.index if pending is not None else 99
        strong = _RESTATE.search(t.clean) is not None
        question = _PROPOSAL.search(t.clean) is not None or t.clean.rstrip().endswith("?")
        is_restatement = pending is not None and (
            (pending.committed and (gap <= 3 or (strong and gap <= 8)))
            or (not pending.committed and strong and not question and gap <= 3)
            or (_RECEIVED.search(t.clean) is not None and gap <= 6)
        )
        if is_restatement and pending is not None:
            if rejected:
                continue
            evidence = [pending.index, t.index]
            last = t.index
            if accepted and reply is not None:
                evidence.append(reply.index)
                answered.add(reply.index)
                last = reply.index
            candidates.append(_Candidate(stated[0], stated[1], evidence, pending.index, 0.95, last))
        elif (
            accepted
            and reply is not None
            and (question or _SETS_UP.search(t.clean))
            and not (_INFORMS_DUE.search(t.clean) and not _ASKS_TO_PAY.search(t.clean))
        ):
            # the agent's own concrete proposal, answered with a clear yes ("the minimum
            # payment is $50 by the 15th" - "okay" is information acknowledged, not a promise)
            answered.add(reply.index)
            candidates.append(
                _Candidate(
                    stated[0], stated[1], [t.index, reply.index], reply.index, 0.85, reply.index
                )
            )
    if not candidates:
        return None
    best = max(candidates, key=lambda c: (c.last_index, c.confidence))
    return PromiseToPay(
        amount=round(best.amount, 2),
        date=best.day,
        evidence=sorted(set(best.evidence)),
        confidence=best.confidence,
    )


def _next_turn(turns: list[_Turn], index: int, *, agent: bool) -> _Turn | None:
    """The next turn of that side; for the customer, only before the agent speaks again."""
    for t in turns[index + 1 :]:
        if t.is_agent == agent:
            return t
        if not agent and t.is_agent:
            return None
    return None


def _is_question(t: _Turn) -> bool:
    return t.clean.rstrip().endswith("?") or _PROPOSAL.search(t.clean) is not None


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
        return ItemResult(
            False, [], 0.9, "No promise to pay was made, so there was nothing to confirm."
        )
    turns = _turns(conv)
    customer_turns = [i for i in ptp.evidence if 0 <= i < len(turns) and not turns[i].is_agent]
    anchor = min(customer_turns) if customer_turns else (min(ptp.evidence) if ptp.evidence else 0)
    amount_only: int | None = None
    date_only: int | None = None
    for t in turns:
        if not t.is_agent:
            continue
        # the agent's own proposal before the customer agreed is not a restatement of an
        # agreed promise; a statement that is part of the promise's evidence and asks nothing is
        if t.index < anchor and not (t.index in ptp.evidence and not _is_question(t)):
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
