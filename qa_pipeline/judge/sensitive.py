"""``sensitive_data_request``: the agent asks for, or reads back, card data or a full SSN.

Card data belongs in the secure payment link or the IVR, where no agent hears it and no
recording keeps it (PCI-DSS); a full Social Security number is never needed to verify a debtor.
This rubric item (beyond labels.md) is found when the AGENT, in the open conversation:

- asks for a full card number, the card's security code (CVV) or a full SSN; or
- repeats one back: reads the card number (in one go or group by group over several turns), the
  CVV or the SSN aloud.

Not this item: asking for "the last four of your social" (ordinary verification), a card's last
four ("the Visa ending in 3309"), the expiry date alone, or sending the customer to the keypad,
the IVR or a payment link to enter the number ("please key your card number into the phone").

The detector reads the raw conversation (it redacts it itself to find the values) or an already
redacted one (then the tokens ``[CARD]``, ``[CVV]``, ``[SSN]`` in agent turns are the repeats).
Quotes in the findings always come from the redacted text, so the evidence never re-exposes
the value it reports.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal

from qa_pipeline.text.redact import (
    REDACTION_TOKEN,
    RedactionResult,
    redact_conversation,
    requested_kinds,
)
from qa_pipeline.text.spoken_digits import find_digit_groups
from qa_pipeline.types import ROLE_AGENT, Conversation, ItemResult, Violation

__all__ = [
    "ITEM_ID",
    "STATUTE",
    "SensitiveDataResult",
    "SensitiveFinding",
    "detect_sensitive_data_request",
]

ITEM_ID = "sensitive_data_request"
STATUTE = "PCI DSS v4.0 Req. 3.3.1, 3.4 (card data spoken and recorded); SSN not needed to verify"
#: how many card digits an agent must read back to have repeated the card number (a PAN is
#: 13-19 digits; reading back twelve or more leaves at most a group unsaid)
_REPEATED_CARD_DIGITS = 12
_KIND_OF: dict[str, Literal["card_number", "cvv", "ssn"]] = {
    "CARD": "card_number",
    "CVV": "cvv",
    "SSN": "ssn",
}
_WORDS = {
    "card_number": "a full card number",
    "cvv": "the card's security code",
    "ssn": "a full SSN",
}
# the agent sends the value to a secure channel, or says not to say it: not a request
_SECURE_CHANNEL = re.compile(
    r"\b(?:keypad|key pad|dial ?pad|key (?:it|them|in)|ivr|automated (?:system|line|payment)|"
    r"secure (?:link|line|portal|payment|system)|payment (?:link|portal)|(?:text|email|send) you a link|"
    r"online portal|pay online)\b"
)
# a question or an instruction to give something: "your SSN gets flagged" asks for nothing
_ASKING = re.compile(
    r"\?|\b(?:can|could|may) (?:i|we|you) (?:have|get|give|read|provide|confirm|verify|tell)|"
    r"\bwhat(?:'s| is| was) (?:your|the)\b|\b(?:give|read|tell|provide|confirm|verify) (?:me|us|your|the|it)\b|"
    r"\bi(?:'ll| will|'d| would)? need (?:your|the|you to|to (?:get|have|take|verify|confirm))\b|\bgo ahead\b|\blet me (?:have|get)\b|\bready\b"
)
_PARTIAL = re.compile(r"\b(?:last (?:four|4)|ending|ends in|first (?:four|six|4|6))\b")
_NEGATED = re.compile(
    r"\b(?:never|don't|do not|won't|will not|not going to|no need to|don't need|do not need|"
    r"please don't|please do not)\b[^.?!]{0,40}\b(?:ask|say|read|give|tell|share|need)\b"
)


@dataclass(frozen=True, slots=True)
class SensitiveFinding:
    """One agent turn that asks for or repeats sensitive data.

    Attributes:
        utterance: 0-based index of the agent's turn.
        kind: ``card_number``, ``cvv`` or ``ssn``.
        action: ``asked`` or ``repeated``.
        quote: the agent's words, REDACTED.
        confidence: 0..1.
        start: the turn's start in the recording (seconds), when known.
        end: the turn's end in the recording (seconds), when known.
    """

    utterance: int
    kind: Literal["card_number", "cvv", "ssn"]
    action: Literal["asked", "repeated"]
    quote: str
    confidence: float
    start: float | None = None
    end: float | None = None


@dataclass(slots=True)
class SensitiveDataResult:
    """The item's verdict and the turns behind it.

    Attributes:
        item: ``passed`` is True when the agent DID ask for or repeat sensitive data (the
            labels.md convention: true when the agent performed the act); ``evidence`` lists
            the turns.
        findings: each turn with its kind, action and redacted quote.
    """

    item: ItemResult
    findings: list[SensitiveFinding] = field(default_factory=list)

    def to_violations(self) -> list[Violation]:
        """The findings as violation records (``id`` = ``sensitive_data_request``), for a
        compliance page that lists violations."""
        return [
            Violation(
                id=ITEM_ID,
                utterance=f.utterance,
                quote=f.quote,
                confidence=f.confidence,
                statute=STATUTE,
                start=f.start,
                end=f.end,
                rationale=f"The agent {f.action} {_WORDS[f.kind]} in the conversation.",
            )
            for f in self.findings
        ]


def detect_sensitive_data_request(
    conv: Conversation, redaction: RedactionResult | None = None
) -> SensitiveDataResult:
    """Find an agent who asks for or repeats a full card number, a CVV or a full SSN.

    Args:
        conv: the conversation with agent/customer roles, raw or already redacted.
        redaction: ``redact_conversation(conv)`` when the caller already has it (saves a pass).

    Returns:
        The item result and the findings, in conversation order.
    """
    already_redacted = any(REDACTION_TOKEN.search(u.text) for u in conv.utterances)
    if redaction is None:
        redaction = redact_conversation(conv)
    redacted = redaction.conversation.utterances
    findings: list[SensitiveFinding] = []
    previous: list[str] = []
    for i, u in enumerate(conv.utterances):
        if u.speaker != ROLE_AGENT:
            continue
        asked = requested_kinds(u.text, previous)
        previous = asked
        low = u.text.lower()
        # a bare "card number" in a chat is a request; "security code 123" is a read-back
        is_request = _ASKING.search(low) or (
            len(low.split()) <= 6 and not redaction.for_utterance(i)
        )
        if asked and is_request and not _SECURE_CHANNEL.search(low) and not _NEGATED.search(low):
            for kind in asked:
                if kind == "CARD" and _PARTIAL.search(low):
                    continue  # "the last four of the card": truncated, allowed
                if kind in _KIND_OF:
                    findings.append(
                        _finding(i, _KIND_OF[kind], "asked", 0.85, redacted[i].text, u.start, u.end)
                    )

    # read-backs: an agent turn holding a card number, a CVV or an SSN
    card_turns: list[int] = []
    card_digits = 0
    for i, u in enumerate(conv.utterances):
        if u.speaker != ROLE_AGENT:
            continue
        if already_redacted:
            tokens = REDACTION_TOKEN.findall(u.text)
            kinds = [t.strip("[]") for t in tokens]
            if "CARD" in kinds:
                card_turns.append(i)
                card_digits += 16 * kinds.count("CARD")  # the value is gone: count it as whole
            spans: list[tuple[str, int]] = [(k, 0) for k in kinds if k in ("CVV", "SSN")]
        else:
            spans = []
            for r in redaction.for_utterance(i):
                if r.kind == "CARD":
                    n = sum(
                        len(g.digits) for g in find_digit_groups(u.text[r.start_char : r.end_char])
                    )
                    if i not in card_turns:
                        card_turns.append(i)
                    card_digits += n
                elif r.kind in ("CVV", "SSN"):
                    spans.append((r.kind, 0))
        for kind, _ in spans:
            findings.append(
                _finding(i, _KIND_OF[kind], "repeated", 0.8, redacted[i].text, u.start, u.end)
            )
    if card_digits >= _REPEATED_CARD_DIGITS:
        confidence = 0.7 if already_redacted else 0.9
        for i in card_turns:
            u = conv.utterances[i]
            findings.append(
                _finding(i, "card_number", "repeated", confidence, redacted[i].text, u.start, u.end)
            )

    findings.sort(key=lambda f: (f.utterance, f.action))
    if not findings:
        return SensitiveDataResult(
            ItemResult(
                False, [], 0.8, "The agent never asks for or reads back card data or a full SSN."
            ),
            [],
        )
    evidence = sorted({f.utterance for f in findings})
    first = findings[0]
    what = sorted({_WORDS[f.kind] for f in findings})
    return SensitiveDataResult(
        ItemResult(
            True,
            evidence,
            max(f.confidence for f in findings),
            f"The agent {first.action} {' and '.join(what)} in the conversation (turn {first.utterance}: "
            f'"{first.quote}") instead of using the secure payment link or IVR.',
        ),
        findings,
    )


def _finding(
    index: int,
    kind: Literal["card_number", "cvv", "ssn"],
    action: Literal["asked", "repeated"],
    confidence: float,
    quote: str,
    start: float | None,
    end: float | None,
) -> SensitiveFinding:
    return SensitiveFinding(index, kind, action, quote.strip(), confidence, start, end)
