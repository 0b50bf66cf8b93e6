"""Who is speaking on the customer side: the debtor, or a third party?

``speaker: customer`` is any non-agent party (spouse, roommate, receptionist). What a non-debtor
says sets no non-payment reason and no dispute flag, so the judge needs to know which customer
turns are the debtor's.
"""

from __future__ import annotations

import re

from qa_pipeline.judge.context import ConversationContext
from qa_pipeline.judge.script import Verification
from qa_pipeline.rubric import Rubric

__all__ = ["debtor_turns"]

#: a hand-over to the debtor after a third party answered ("this is him", "hi this is dana")
_HANDOVER = re.compile(
    r"^(hello |hi |hey |yeah |yes )*(this is (him|her|he|she|me|\w+)|speaking|\w+ speaking)\b"
    # "hi it's gloria": only after a greeting, so "it's almost nine" is no hand-over
    r"|^(hello |hi |hey )+(it's|its|it is) \w+\b"
)

#: someone answering for the debtor (a receptionist, a colleague) besides the rubric's cues
_ANSWERING_FOR = re.compile(
    r"\b(he|she)('s| is) (with a (patient|client|customer)|in a meeting|on another (line|call)|at lunch|out of the office)\b"
    r"|\b(can|may) i (ask|tell (him|her)) (what|who)('s| is)? (it's |this is )?(regarding|calling)\b"
    r"|\bwhat (is )?(this|it) (is )?regarding\b|\bthank you for calling \w+( \w+)?'s (office|clinic)\b"
)


def debtor_turns(ctx: ConversationContext, rubric: Rubric, verification: Verification) -> set[int]:
    """Indexes of the customer turns spoken by the debtor.

    All customer turns are the debtor's unless one says it is someone else (the rubric's
    ``third_party_patterns``: "she's not home", "this is his wife", "wrong number"). From that
    turn on the speaker is a third party until a hand-over ("this is him") or until the
    customer passes verification.
    """
    cues = [re.compile(p) for p in rubric.third_party_patterns] + [_ANSWERING_FOR]
    customer = [u for u in ctx.utterances if not u.is_agent]
    first_cue = next((u.index for u in customer if any(p.search(u.norm.text) for p in cues)), None)
    if first_cue is None:
        return {u.index for u in customer}
    handover: int | None = None
    for u in customer:
        if u.index <= first_cue:
            continue
        if _HANDOVER.search(u.norm.text) or (verification.verified_at is not None and u.index >= verification.verified_at):
            handover = u.index
            break
    debtor = {u.index for u in customer if u.index < first_cue}
    # turns before the cue may already be the third party (they answered the phone); only
    # keep them when the debtor later comes on the line
    if handover is None:
        return set()
    debtor |= {u.index for u in customer if u.index >= handover}
    return debtor
