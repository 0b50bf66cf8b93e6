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
_HANDOVER = re.compile(r"^(hello |hi |yeah |yes )*(this is (him|her|he|she|me|\w+)|speaking|\w+ speaking)\b")


def debtor_turns(ctx: ConversationContext, rubric: Rubric, verification: Verification) -> set[int]:
    """Indexes of the customer turns spoken by the debtor.

    All customer turns are the debtor's unless one says it is someone else (the rubric's
    ``third_party_patterns``: "she's not home", "this is his wife", "wrong number"). From that
    turn on the speaker is a third party until a hand-over ("this is him") or until the
    customer passes verification.
    """
    cues = [re.compile(p) for p in rubric.third_party_patterns]
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
