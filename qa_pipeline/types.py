"""The data that flows through the pipeline: audio -> transcript -> scorecard.

Plain dataclasses, as faster-whisper keeps `Segment` and `Word`: options live apart from
results, and every result can be turned into the JSON of `contract.md` with `to_dict()`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any, Literal

Channel = Literal["voice", "chat"]
ROLE_AGENT = "agent"
ROLE_CUSTOMER = "customer"
ROLES = (ROLE_AGENT, ROLE_CUSTOMER)


@dataclass(slots=True)
class Word:
    """One recognised word with its time span (seconds from the start of the recording)."""

    text: str
    start: float
    end: float
    probability: float = 1.0


@dataclass(slots=True)
class Utterance:
    """One turn of a conversation.

    Attributes:
        speaker: ``agent`` or ``customer`` once roles are known; a raw diarization label
            (``SPEAKER_00``, ``ch1``) before.
        text: what was said or typed, as received (possibly redacted).
        start: seconds from the start of the recording; ``None`` for chats.
        end: seconds from the start of the recording; ``None`` for chats.
        words: word timings when the utterance came from speech recognition.
    """

    speaker: str
    text: str
    start: float | None = None
    end: float | None = None
    words: list[Word] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"speaker": self.speaker, "text": self.text}
        if self.start is not None:
            out["start"] = round(self.start, 3)
        if self.end is not None:
            out["end"] = round(self.end, 3)
        return out


@dataclass(slots=True)
class Conversation:
    """A call or chat between an agent and a customer (contract.md's input)."""

    call_id: str
    agent_id: str
    channel: Channel
    started_at: datetime
    utterances: list[Utterance]
    account_id: str | None = None
    segment: str | None = None
    days_past_due: int | None = None
    audio: Path | None = None
    source_path: Path | None = None
    #: fields of the input JSON this package does not interpret, kept for the warehouse
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def call_date(self) -> date:
        """The call's date in the customer's local time (what relative dates resolve against)."""
        return self.started_at.date()

    @property
    def speakers(self) -> list[str]:
        """Speaker labels in order of first appearance."""
        seen: dict[str, None] = {}
        for u in self.utterances:
            seen.setdefault(u.speaker, None)
        return list(seen)

    @property
    def has_raw_speakers(self) -> bool:
        return any(u.speaker not in ROLES for u in self.utterances)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "call_id": self.call_id,
            "agent_id": self.agent_id,
        }
        if self.account_id is not None:
            out["account_id"] = self.account_id
        if self.segment is not None:
            out["segment"] = self.segment
        if self.days_past_due is not None:
            out["days_past_due"] = self.days_past_due
        out["channel"] = self.channel
        out["started_at"] = self.started_at.isoformat()
        if self.audio is not None:
            out["audio"] = str(self.audio)
        out["utterances"] = [u.to_dict() for u in self.utterances]
        return out


@dataclass(slots=True)
class ItemResult:
    """The verdict on one script or empathy item.

    Attributes:
        passed: whether the agent performed the step.
        evidence: 0-based utterance indexes that support the verdict (where the step was
            performed; for a failed order constraint, where the violation of order happened).
        confidence: the judge's confidence in ``passed``, 0..1.
        rationale: one sentence a reviewer can read: why the judge decided so.
    """

    passed: bool
    evidence: list[int] = field(default_factory=list)
    confidence: float = 1.0
    rationale: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "passed": self.passed,
            "evidence": list(self.evidence),
            "confidence": round(self.confidence, 3),
            "rationale": self.rationale,
        }


@dataclass(slots=True)
class Violation:
    """One prohibited act found in a conversation, with the words that show it."""

    id: str
    utterance: int | None
    quote: str
    confidence: float
    statute: str = ""
    start: float | None = None
    end: float | None = None
    rationale: str = ""

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "id": self.id,
            "utterance": self.utterance,
            "quote": self.quote,
            "confidence": round(self.confidence, 3),
        }
        if self.statute:
            out["statute"] = self.statute
        if self.start is not None:
            out["start"] = self.start
        if self.end is not None:
            out["end"] = self.end
        if self.rationale:
            out["rationale"] = self.rationale
        return out


@dataclass(slots=True)
class FlagResult:
    """A flag raised on a conversation, with its evidence."""

    id: str
    evidence: list[int] = field(default_factory=list)
    confidence: float = 1.0
    rationale: str = ""


@dataclass(slots=True)
class ReasonResult:
    """The customer's main stated reason for not paying."""

    label: str
    confidence: float
    evidence: list[int] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "label": self.label,
            "confidence": round(self.confidence, 3),
            "evidence": list(self.evidence),
        }


@dataclass(slots=True)
class PromiseToPay:
    """The first payment the customer committed to, with amount and date."""

    amount: float
    date: date
    evidence: list[int] = field(default_factory=list)
    confidence: float = 1.0

    def to_dict(self) -> dict[str, Any]:
        return {
            "amount": round(float(self.amount), 2),
            "date": self.date.isoformat(),
            "evidence": list(self.evidence),
        }


@dataclass(slots=True)
class RoleAssignment:
    """Which raw speaker label is the agent, decided from what each speaker says."""

    agent_label: str
    confidence: float
    method: str
    labels: dict[str, str] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "agent": self.agent_label,
            "confidence": round(self.confidence, 3),
            "method": self.method,
            "labels": dict(self.labels),
        }


@dataclass(slots=True)
class Scorecard:
    """The judgement of one conversation against one rubric (contract.md's output)."""

    call_id: str
    rubric_id: str
    rubric_version: str
    non_payment_reason: ReasonResult
    script: dict[str, ItemResult]
    empathy: dict[str, ItemResult]
    violations: list[Violation]
    flags: list[FlagResult]
    ptp: PromiseToPay | None
    scores: dict[str, float]
    #: items a rubric adds beyond labels.md (for example ``sensitive_data_request``)
    extra_items: dict[str, ItemResult] = field(default_factory=dict)
    roles: RoleAssignment | None = None
    #: name -> version of every model and scorer that produced this scorecard
    models: dict[str, str] = field(default_factory=dict)

    @property
    def flag_ids(self) -> list[str]:
        return [f.id for f in self.flags]

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "call_id": self.call_id,
            "rubric": {"id": self.rubric_id, "version": self.rubric_version},
            "non_payment_reason": self.non_payment_reason.to_dict(),
            "script": {k: v.to_dict() for k, v in self.script.items()},
            "empathy": {k: v.to_dict() for k, v in self.empathy.items()},
            "violations": [v.to_dict() for v in self.violations],
            "flags": self.flag_ids,
            "ptp": None if self.ptp is None else self.ptp.to_dict(),
            "scores": {k: round(v, 4) for k, v in self.scores.items()},
        }
        if self.extra_items:
            out["extra_items"] = {k: v.to_dict() for k, v in self.extra_items.items()}
        if self.roles is not None:
            out["speaker_roles"] = self.roles.to_dict()
        if self.models:
            out["models"] = dict(self.models)
        return out


def error_record(call_id: str, message: str, stage: str = "load") -> dict[str, Any]:
    """The contract's line for a conversation that cannot be judged."""
    return {"call_id": call_id, "error": message, "stage": stage}
