"""Turn calls, scorecards and failures into the warehouse's rows (pure, no database).

The loader appends these as Arrow tables, one per table per batch, never row by row.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import pyarrow as pa

from qa_pipeline.text.redact import Redaction
from qa_pipeline.types import Conversation, ItemResult, Scorecard

#: how many hex digits of the content hash go into a call_key (64 bits: collisions between two
#: versions of ONE call_id are not a practical concern)
_KEY_HASH_CHARS = 16
_HASH_CHUNK = 1 << 20


def content_hash(parts: Iterable[bytes | Path]) -> str:
    """SHA-256 over the bytes that make a call: its JSON, then its recording.

    A call's identity is its id plus this hash: the same file loaded twice is the same call,
    a corrected transcript or re-encoded recording is a new version of it.
    """
    h = hashlib.sha256()
    for part in parts:
        h.update(b"\x00")
        if isinstance(part, Path):
            with part.open("rb") as f:
                while chunk := f.read(_HASH_CHUNK):
                    h.update(chunk)
        else:
            h.update(part)
    return h.hexdigest()


@dataclass(frozen=True, slots=True)
class CallIdentity:
    """Who a call is: its id, the hash of its content, and where it came from."""

    call_id: str
    content_hash: str
    source_path: str = ""

    @property
    def call_key(self) -> str:
        return f"{self.call_id}@{self.content_hash[:_KEY_HASH_CHARS]}"


#: rubric sections (qa_pipeline.rubric) -> the finding kinds stored in the warehouse
_SECTION_KIND = {
    "script": "script",
    "empathy": "empathy",
    "violations": "violation",
    "flags": "flag",
    "reasons": "reason",
    "extra": "extra",
}


def item_key(kind: str, item_id: str) -> str:
    """Items are named by kind and id: labels.md reuses ids across kinds (``dispute``)."""
    return f"{kind}/{item_id}"


def _rubric_items(rubric: Any) -> list[tuple[str, str, Any]]:
    items = rubric.items
    if hasattr(items, "all"):
        return [(_SECTION_KIND.get(sec, sec), item_id, it) for sec, item_id, it in items.all()]
    return [(it.kind, item_id, it) for item_id, it in items.items()]


@dataclass(slots=True)
class RubricRef:
    """The rubric version a scorecard was judged under, as the warehouse records it."""

    id: str
    version: str
    source_sha256: str
    description: str = ""
    yaml_text: str = ""
    #: item_key(kind, id) -> kind, item_id, description, statute, weight, compliance_weight,
    #: auto_fail, required
    items: dict[str, dict[str, Any]] = field(default_factory=dict)

    def item(self, kind: str, item_id: str) -> dict[str, Any]:
        return self.items.get(item_key(kind, item_id), {})

    @classmethod
    def from_rubric(cls, rubric: Any, *, source: Path | None = None) -> RubricRef:
        """Describe a loaded `qa_pipeline.rubric.Rubric` for the warehouse.

        Args:
            rubric: the validated rubric (``id``, ``version``, ``source_sha256``, ``items``).
            source: its YAML file; its text is stored when its SHA-256 matches the rubric's,
                otherwise the validated rubric is stored as JSON.
        """
        yaml_text = ""
        if source is not None and source.is_file():
            raw = source.read_bytes()
            if hashlib.sha256(raw).hexdigest() == rubric.source_sha256:
                yaml_text = raw.decode("utf-8", errors="replace")
        if not yaml_text:
            yaml_text = json.dumps(rubric.model_dump(mode="json"), indent=1, sort_keys=True)
        items: dict[str, dict[str, Any]] = {}
        for kind, item_id, item in _rubric_items(rubric):
            items[item_key(kind, item_id)] = {
                "kind": kind,
                "item_id": item_id,
                "description": item.description,
                "statute": item.statute or None,
                "weight": float(item.weight),
                "compliance_weight": float(getattr(item, "compliance_weight", 0.0)),
                "auto_fail": bool(item.auto_fail),
                "required": bool(getattr(item, "required", True)),
            }
        return cls(
            id=rubric.id,
            version=str(rubric.version),
            source_sha256=rubric.source_sha256,
            description=getattr(rubric, "description", "") or "",
            yaml_text=yaml_text,
            items=items,
        )

    def scorecard_id(self, identity: CallIdentity) -> str:
        return f"{identity.call_key}|{self.id}|{self.version}|{self.source_sha256[:12]}"


@dataclass(slots=True)
class JudgedCall:
    """A call that made it through every stage.

    Attributes:
        identity: who the call is.
        conversation: what the warehouse stores of it: the REDACTED conversation once
            ``redacted`` is True (the flow redacts in its judge task); a raw one is redacted by
            `Warehouse.store_batch` before anything is written.
        scorecard: the judgement (decided on the raw text; quotes redacted with the text).
        redacted: whether ``conversation`` and ``scorecard`` are already redacted.
        redactions: what was taken out (kind and spans, never the value).
        raw_conversation: the unredacted conversation, only when the deployment keeps raw text
            (``privacy.keep_raw_text``); it goes to the raw store, never the warehouse.
        audio_redacted_path: the redacted copy of the recording (``privacy.redact_audio``).
        audio_redaction_error: why no redacted copy could be written (stored as an error row
            of stage ``redact_audio``; the call itself is judged).
    """

    identity: CallIdentity
    conversation: Conversation
    scorecard: Scorecard
    redacted: bool = False
    redactions: list[Redaction] = field(default_factory=list)
    raw_conversation: Conversation | None = None
    audio_redacted_path: str | None = None
    audio_redaction_error: str | None = None


@dataclass(slots=True)
class CallFailure:
    """A call that failed at one stage, with the sentence to store for it."""

    identity: CallIdentity
    stage: str
    error_type: str
    message: str
    #: what is known about the call despite the failure (metadata from the JSON or manifest)
    conversation: Conversation | None = None

    @property
    def error_id(self) -> str:
        raw = f"{self.identity.call_key}\x00{self.stage}\x00{self.message}"
        return hashlib.sha256(raw.encode()).hexdigest()[:32]


CALLS = pa.schema(
    [
        ("call_key", pa.string()),
        ("call_id", pa.string()),
        ("content_hash", pa.string()),
        ("agent_id", pa.string()),
        ("account_id", pa.string()),
        ("segment", pa.string()),
        ("days_past_due", pa.int32()),
        ("channel", pa.string()),
        ("started_at", pa.timestamp("us", tz="UTC")),
        ("started_at_local", pa.timestamp("us")),
        ("utc_offset_minutes", pa.int32()),
        ("call_date", pa.date32()),
        ("source_path", pa.string()),
        ("audio_path", pa.string()),
        ("duration_seconds", pa.float64()),
        ("n_utterances", pa.int32()),
        ("metadata", pa.string()),
        ("status", pa.string()),
        ("is_current", pa.bool_()),
        ("first_run_id", pa.string()),
        ("loaded_at", pa.timestamp("us", tz="UTC")),
        ("text_redacted", pa.bool_()),
        ("n_redactions", pa.int32()),
        ("audio_redacted_path", pa.string()),
    ]
)
UTTERANCES = pa.schema(
    [
        ("call_key", pa.string()),
        ("idx", pa.int32()),
        ("speaker", pa.string()),
        ("text", pa.string()),
        ("start_s", pa.float64()),
        ("end_s", pa.float64()),
    ]
)
SCORECARDS = pa.schema(
    [
        ("scorecard_id", pa.string()),
        ("call_key", pa.string()),
        ("call_id", pa.string()),
        ("rubric_id", pa.string()),
        ("rubric_version", pa.string()),
        ("rubric_sha256", pa.string()),
        ("run_id", pa.string()),
        ("judged_at", pa.timestamp("us", tz="UTC")),
        ("script_adherence", pa.float64()),
        ("compliance", pa.float64()),
        ("scores", pa.string()),
        ("non_payment_reason", pa.string()),
        ("reason_confidence", pa.float64()),
        ("reason_evidence", pa.list_(pa.int32())),
        ("ptp_amount", pa.float64()),
        ("ptp_date", pa.date32()),
        ("ptp_confidence", pa.float64()),
        ("ptp_evidence", pa.list_(pa.int32())),
        ("flags", pa.list_(pa.string())),
        ("n_violations", pa.int32()),
        ("role_agent_label", pa.string()),
        ("role_confidence", pa.float64()),
        ("role_method", pa.string()),
        ("models", pa.string()),
        ("scorecard", pa.string()),
        ("is_current", pa.bool_()),
    ]
)
FINDINGS = pa.schema(
    [
        ("finding_id", pa.string()),
        ("scorecard_id", pa.string()),
        ("call_key", pa.string()),
        ("call_id", pa.string()),
        ("rubric_id", pa.string()),
        ("rubric_version", pa.string()),
        ("kind", pa.string()),
        ("item_id", pa.string()),
        ("ordinal", pa.int32()),
        ("passed", pa.bool_()),
        ("present", pa.bool_()),
        ("evidence_utterance", pa.int32()),
        ("evidence", pa.list_(pa.int32())),
        ("quote", pa.string()),
        ("start_s", pa.float64()),
        ("end_s", pa.float64()),
        ("confidence", pa.float64()),
        ("rationale", pa.string()),
        ("statute", pa.string()),
        ("weight", pa.float64()),
        ("auto_fail", pa.bool_()),
        ("required", pa.bool_()),
    ]
)
REDACTIONS = pa.schema(
    [
        ("call_key", pa.string()),
        ("utterance_idx", pa.int32()),
        ("ordinal", pa.int32()),
        ("kind", pa.string()),
        ("token", pa.string()),
        ("start_char", pa.int32()),
        ("end_char", pa.int32()),
        ("redacted_start_char", pa.int32()),
        ("redacted_end_char", pa.int32()),
        ("start_s", pa.float64()),
        ("end_s", pa.float64()),
    ]
)
#: the raw store's one table (`qa_pipeline.warehouse.raw_store`)
RAW_UTTERANCES = pa.schema(
    [
        ("call_key", pa.string()),
        ("call_id", pa.string()),
        ("idx", pa.int32()),
        ("speaker", pa.string()),
        ("text", pa.string()),
        ("start_s", pa.float64()),
        ("end_s", pa.float64()),
        ("stored_at", pa.timestamp("us", tz="UTC")),
    ]
)
ERRORS = pa.schema(
    [
        ("error_id", pa.string()),
        ("run_id", pa.string()),
        ("call_id", pa.string()),
        ("call_key", pa.string()),
        ("content_hash", pa.string()),
        ("source_path", pa.string()),
        ("stage", pa.string()),
        ("error_type", pa.string()),
        ("message", pa.string()),
        ("occurred_at", pa.timestamp("us", tz="UTC")),
    ]
)


def _json(value: Any) -> str:
    return json.dumps(value, sort_keys=True, default=str)


def _call_row(
    identity: CallIdentity,
    conv: Conversation | None,
    *,
    status: str,
    run_id: str,
    now: datetime,
) -> dict[str, Any]:
    row: dict[str, Any] = {
        "call_key": identity.call_key,
        "call_id": identity.call_id,
        "content_hash": identity.content_hash,
        "source_path": identity.source_path or None,
        "status": status,
        "is_current": False,
        "first_run_id": run_id,
        "loaded_at": now,
    }
    if conv is None:
        return row
    offset = conv.started_at.utcoffset()
    audio_meta = conv.extra.get("audio") if isinstance(conv.extra.get("audio"), dict) else {}
    duration = (
        audio_meta.get("duration_seconds", audio_meta.get("duration")) if audio_meta else None
    )
    if duration is None and conv.utterances and conv.utterances[-1].end is not None:
        duration = max(u.end or 0.0 for u in conv.utterances)
    row.update(
        agent_id=conv.agent_id,
        account_id=conv.account_id,
        segment=conv.segment,
        days_past_due=conv.days_past_due,
        channel=conv.channel,
        started_at=conv.started_at,
        started_at_local=conv.started_at.replace(tzinfo=None),
        utc_offset_minutes=None if offset is None else int(offset.total_seconds() // 60),
        call_date=conv.call_date,
        audio_path=None if conv.audio is None else str(conv.audio),
        duration_seconds=None if duration is None else float(duration),
        n_utterances=len(conv.utterances),
        metadata=_json(conv.extra) if conv.extra else None,
    )
    return row


def _span(conv: Conversation, idx: int | None) -> tuple[float | None, float | None, str | None]:
    if idx is None or not 0 <= idx < len(conv.utterances):
        return None, None, None
    u = conv.utterances[idx]
    return u.start, u.end, u.text


def _item_rows(
    base: dict[str, Any],
    kind: str,
    items: dict[str, ItemResult],
    conv: Conversation,
    rubric: RubricRef,
) -> list[dict[str, Any]]:
    rows = []
    for item_id, result in items.items():
        first = result.evidence[0] if result.evidence else None
        start, end, text = _span(conv, first)
        meta = rubric.item(kind, item_id)
        rows.append(
            {
                **base,
                "finding_id": f"{base['scorecard_id']}|{kind}|{item_id}|0",
                "kind": kind,
                "item_id": item_id,
                "ordinal": 0,
                "passed": bool(result.passed),
                "present": None,
                "evidence_utterance": first,
                "evidence": list(result.evidence),
                "quote": text,
                "start_s": start,
                "end_s": end,
                "confidence": float(result.confidence),
                "rationale": result.rationale or None,
                "statute": meta.get("statute") or None,
                "weight": meta.get("weight"),
                "auto_fail": meta.get("auto_fail"),
                "required": meta.get("required"),
            }
        )
    return rows


def scorecard_rows(
    judged: JudgedCall, rubric: RubricRef, *, run_id: str, now: datetime
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """One scorecard row and its finding rows (one per script, empathy and extra item, one per
    violation and raised flag)."""
    sc, conv = judged.scorecard, judged.conversation
    scorecard_id = rubric.scorecard_id(judged.identity)
    models = dict(sc.models)
    audio_meta = conv.extra.get("audio")
    if isinstance(audio_meta, dict) and isinstance(audio_meta.get("models"), dict):
        models.update({str(k): str(v) for k, v in audio_meta["models"].items()})
    row = {
        "scorecard_id": scorecard_id,
        "call_key": judged.identity.call_key,
        "call_id": judged.identity.call_id,
        "rubric_id": rubric.id,
        "rubric_version": rubric.version,
        "rubric_sha256": rubric.source_sha256,
        "run_id": run_id,
        "judged_at": now,
        "script_adherence": sc.scores.get("script_adherence"),
        "compliance": sc.scores.get("compliance"),
        "scores": _json(sc.scores),
        "non_payment_reason": sc.non_payment_reason.label,
        "reason_confidence": float(sc.non_payment_reason.confidence),
        "reason_evidence": list(sc.non_payment_reason.evidence),
        "ptp_amount": None if sc.ptp is None else float(sc.ptp.amount),
        "ptp_date": None if sc.ptp is None else sc.ptp.date,
        "ptp_confidence": None if sc.ptp is None else float(sc.ptp.confidence),
        "ptp_evidence": None if sc.ptp is None else list(sc.ptp.evidence),
        "flags": sc.flag_ids,
        "n_violations": len(sc.violations),
        "role_agent_label": None if sc.roles is None else sc.roles.agent_label,
        "role_confidence": None if sc.roles is None else float(sc.roles.confidence),
        "role_method": None if sc.roles is None else sc.roles.method,
        "models": _json(models),
        "scorecard": _json(sc.to_dict()),
        "is_current": False,
    }
    base = {
        "scorecard_id": scorecard_id,
        "call_key": judged.identity.call_key,
        "call_id": judged.identity.call_id,
        "rubric_id": rubric.id,
        "rubric_version": rubric.version,
    }
    findings = _item_rows(base, "script", sc.script, conv, rubric)
    findings += _item_rows(base, "empathy", sc.empathy, conv, rubric)
    findings += _item_rows(base, "extra", sc.extra_items, conv, rubric)
    per_id: dict[str, int] = {}
    for v in sc.violations:
        ordinal = per_id[v.id] = per_id.get(v.id, -1) + 1
        u_start, u_end, _ = _span(conv, v.utterance)
        meta = rubric.item("violation", v.id)
        findings.append(
            {
                **base,
                "finding_id": f"{scorecard_id}|violation|{v.id}|{ordinal}",
                "kind": "violation",
                "item_id": v.id,
                "ordinal": ordinal,
                "passed": None,
                "present": True,
                "evidence_utterance": v.utterance,
                "evidence": [] if v.utterance is None else [v.utterance],
                "quote": v.quote,
                "start_s": v.start if v.start is not None else u_start,
                "end_s": v.end if v.end is not None else u_end,
                "confidence": float(v.confidence),
                "rationale": v.rationale or None,
                "statute": v.statute or meta.get("statute") or None,
                "weight": meta.get("weight"),
                "auto_fail": meta.get("auto_fail"),
                "required": None,
            }
        )
    for ordinal, flag in enumerate(sc.flags):
        first = flag.evidence[0] if flag.evidence else None
        start, end, text = _span(conv, first)
        findings.append(
            {
                **base,
                "finding_id": f"{scorecard_id}|flag|{flag.id}|{ordinal}",
                "kind": "flag",
                "item_id": flag.id,
                "ordinal": ordinal,
                "passed": None,
                "present": True,
                "evidence_utterance": first,
                "evidence": list(flag.evidence),
                "quote": text,
                "start_s": start,
                "end_s": end,
                "confidence": float(flag.confidence),
                "rationale": flag.rationale or None,
                "statute": None,
                "weight": None,
                "auto_fail": None,
                "required": None,
            }
        )
    return row, findings


def utterance_rows(identity: CallIdentity, conv: Conversation) -> list[dict[str, Any]]:
    return [
        {
            "call_key": identity.call_key,
            "idx": i,
            "speaker": u.speaker,
            "text": u.text,
            "start_s": u.start,
            "end_s": u.end,
        }
        for i, u in enumerate(conv.utterances)
    ]


def call_rows_for(
    judged: Sequence[JudgedCall], failed: Sequence[CallFailure], *, run_id: str, now: datetime
) -> list[dict[str, Any]]:
    """One calls row per judged call (redacted: its conversation is the redacted copy) and
    per failure (metadata only, scrubbed by shape: no dialogue is stored for a failed call)."""
    from qa_pipeline.warehouse.privacy import scrub_metadata

    rows = []
    for j in judged:
        row = _call_row(j.identity, j.conversation, status="judged", run_id=run_id, now=now)
        row.update(
            text_redacted=j.redacted,
            n_redactions=len(j.redactions) if j.redacted else None,
            audio_redacted_path=j.audio_redacted_path,
        )
        rows.append(row)
    for f in failed:
        row = _call_row(f.identity, f.conversation, status="failed", run_id=run_id, now=now)
        if row.get("metadata") and f.conversation is not None:
            row["metadata"] = _json(
                scrub_metadata(f.conversation.extra, on=f.conversation.call_date)
            )
        rows.append(row)
    return rows


def redaction_rows(judged: JudgedCall) -> list[dict[str, Any]]:
    """The redaction records of a call: kind, token, character spans (raw and stored text) and
    time span; never the value."""
    per_utt: dict[int, int] = {}
    rows = []
    for r in judged.redactions:
        if r.utterance is None:
            continue
        ordinal = per_utt[r.utterance] = per_utt.get(r.utterance, -1) + 1
        rows.append(
            {
                "call_key": judged.identity.call_key,
                "utterance_idx": r.utterance,
                "ordinal": ordinal,
                "kind": r.kind,
                "token": r.replacement,
                "start_char": r.start_char,
                "end_char": r.end_char,
                "redacted_start_char": r.redacted_start,
                "redacted_end_char": r.redacted_end,
                "start_s": r.start_s,
                "end_s": r.end_s,
            }
        )
    return rows


def raw_utterance_rows(judged: JudgedCall, *, now: datetime) -> list[dict[str, Any]]:
    """The raw text of a call, for the raw store only (empty unless raw text is kept)."""
    conv = judged.raw_conversation
    if conv is None:
        return []
    return [
        {
            "call_key": judged.identity.call_key,
            "call_id": judged.identity.call_id,
            "idx": i,
            "speaker": u.speaker,
            "text": u.text,
            "start_s": u.start,
            "end_s": u.end,
            "stored_at": now,
        }
        for i, u in enumerate(conv.utterances)
    ]


def error_rows(
    failed: Sequence[CallFailure], *, run_id: str, now: datetime
) -> list[dict[str, Any]]:
    """One error row per failure; messages are scrubbed (an error can echo its input)."""
    from qa_pipeline.warehouse.privacy import scrub_message

    return [
        {
            "error_id": f.error_id,
            "run_id": run_id,
            "call_id": f.identity.call_id,
            "call_key": f.identity.call_key,
            "content_hash": f.identity.content_hash,
            "source_path": f.identity.source_path or None,
            "stage": f.stage,
            "error_type": f.error_type,
            "message": scrub_message(f.message),
            "occurred_at": now,
        }
        for f in failed
    ]


def table(rows: list[dict[str, Any]], schema: pa.Schema) -> pa.Table:
    """An Arrow table with exactly ``schema``'s columns (missing keys become nulls)."""
    return pa.Table.from_pylist(rows, schema=schema)
