"""Redaction before storage: what the warehouse may hold of a judged call.

The judge reads the raw conversation in memory (verification and balance cues need the words as
said); what is stored is the redacted copy (`qa_pipeline.text.redact.redact_conversation`):
redacted utterance text, finding quotes redacted with the same spans (evidence still points at
the right words, utterance indexes never change), rationales and metadata scrubbed, and the
redaction records (kind, character span, time span; never the value). Raw text leaves this
module only when a deployment turns ``privacy.keep_raw_text`` on, and then only for the raw
store beside the warehouse (`raw_store_path`), never the warehouse analysts and the app read.

Everything here fails closed: a call that cannot be redacted is not stored, it becomes an error
row (stage ``redact``).
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

from qa_pipeline.text.redact import (
    Redaction,
    RedactionResult,
    redact_conversation,
    redact_quote,
    redact_text,
)
from qa_pipeline.types import (
    Conversation,
    FlagResult,
    ItemResult,
    ReasonResult,
    Scorecard,
    Violation,
)

__all__ = [
    "RAW_STORE_SUFFIX",
    "REDACTED_AUDIO_SUFFIX",
    "ProtectedCall",
    "protect",
    "raw_store_path",
    "redact_scorecard",
    "redacted_audio_dir",
    "redacted_audio_path",
    "scrub_text",
]

#: ``warehouse.duckdb`` -> ``warehouse.raw.duckdb``: raw text, only with keep_raw_text
RAW_STORE_SUFFIX = ".raw.duckdb"
#: ``warehouse.duckdb`` -> ``warehouse.redacted-audio/``: the only copies the app may play
REDACTED_AUDIO_SUFFIX = ".redacted-audio"

_QUOTED = re.compile(r"\"([^\"]{2,})\"|“([^”]{2,})”")
_UNSAFE_NAME = re.compile(r"[^A-Za-z0-9._-]+")


def raw_store_path(warehouse: str | Path) -> Path:
    """Where raw text is kept beside ``warehouse`` (``<stem>.raw.duckdb``)."""
    p = Path(warehouse)
    return p.with_name(p.stem + RAW_STORE_SUFFIX)


def redacted_audio_dir(warehouse: str | Path) -> Path:
    """The folder beside ``warehouse`` that holds the redacted recording copies."""
    p = Path(warehouse)
    return p.with_name(p.stem + REDACTED_AUDIO_SUFFIX)


def redacted_audio_path(folder: str | Path, call_key: str) -> Path:
    """The copy of one call content version: a file name safe on any file system.

    ``call_key`` is ``call_id@hash16``; a call id may hold any character (a slash, a colon),
    so it is reduced to a safe stem and the hash keeps two ids that reduce alike apart.
    """
    call_id, _, digest = call_key.rpartition("@")
    stem = _UNSAFE_NAME.sub("_", call_id).strip("._")[:80] or "call"
    return Path(folder) / f"{stem}-{digest or 'nohash'}.wav"


@dataclasses.dataclass(slots=True)
class ProtectedCall:
    """A judged call made fit for the warehouse.

    Attributes:
        conversation: the redacted conversation (text, word texts, metadata).
        scorecard: the scorecard judged on the raw text, its quotes and rationales redacted.
        redactions: what was taken out, per utterance (no values).
    """

    conversation: Conversation
    scorecard: Scorecard
    redactions: list[Redaction]


def protect(conversation: Conversation, scorecard: Scorecard) -> ProtectedCall:
    """Redact a conversation judged on its raw text, and the scorecard judged on it.

    Args:
        conversation: the raw conversation the judge read.
        scorecard: the judge's scorecard of it (verdicts, evidence indexes and scores are kept
            as they are: they were decided on the raw words).

    Returns:
        The redacted conversation and scorecard, and the redaction records.
    """
    result = redact_conversation(conversation)
    redacted = result.conversation
    extra = _scrub_value(redacted.extra, result, conversation)
    redacted = dataclasses.replace(redacted, extra=extra if isinstance(extra, dict) else {})
    return ProtectedCall(
        redacted, redact_scorecard(scorecard, conversation, result), list(result.redactions)
    )


def redact_scorecard(sc: Scorecard, raw: Conversation, result: RedactionResult) -> Scorecard:
    """The scorecard with every quote and rationale redacted with the conversation's spans.

    Verdicts, evidence indexes, confidences, scores, the promise to pay and the reason label
    are left exactly as judged on the raw text.
    """

    def item(r: ItemResult) -> ItemResult:
        return dataclasses.replace(r, rationale=scrub_text(r.rationale, result, raw, r.evidence))

    def violation(v: Violation) -> Violation:
        quote = v.quote
        if v.utterance is not None and 0 <= v.utterance < len(raw.utterances):
            quote = result.redact_quote(quote, v.utterance, raw.utterances[v.utterance].text)
        near = [] if v.utterance is None else [v.utterance]
        return dataclasses.replace(
            v,
            quote=scrub_text(quote, result, raw, near),
            rationale=scrub_text(v.rationale, result, raw, near),
        )

    def flag(f: FlagResult) -> FlagResult:
        return dataclasses.replace(f, rationale=scrub_text(f.rationale, result, raw, f.evidence))

    reason: ReasonResult = dataclasses.replace(sc.non_payment_reason)
    return dataclasses.replace(
        sc,
        non_payment_reason=reason,
        script={k: item(v) for k, v in sc.script.items()},
        empathy={k: item(v) for k, v in sc.empathy.items()},
        extra_items={k: item(v) for k, v in sc.extra_items.items()},
        violations=[violation(v) for v in sc.violations],
        flags=[flag(f) for f in sc.flags],
    )


def scrub_text(
    text: str,
    result: RedactionResult,
    raw: Conversation,
    near: Sequence[int] = (),
) -> str:
    """Redact a free text the judge wrote about the raw conversation (a rationale, a quote).

    Three passes, because a rationale may quote part of a turn, or a value on its own:
    quoted passages (``"..."``) found in a raw turn are redacted with that turn's spans (a quote
    cutting a value in half loses the half); any raw value still present is replaced by its
    token; shapes and cues (`redact_text`) catch the rest.

    Args:
        text: the text to scrub.
        result: the conversation's redaction.
        raw: the raw conversation.
        near: utterance indexes the text is about (searched first for its quotes).
    """
    if not text:
        return text
    order = [i for i in near if 0 <= i < len(raw.utterances)]
    order += [i for i in range(len(raw.utterances)) if i not in set(order)]

    def requote(m: re.Match[str]) -> str:
        quoted = m.group(1) if m.group(1) is not None else m.group(2)
        for i in order:
            original = raw.utterances[i].text
            if quoted in original:
                red = redact_quote(quoted, original, result.for_utterance(i))
                return m.group(0).replace(quoted, red)
        return m.group(0)

    out = _QUOTED.sub(requote, text)
    out = _replace_values(out, result, raw)
    scrubbed, _ = redact_text(out, call_date=raw.call_date)
    return scrubbed


def _replace_values(text: str, result: RedactionResult, raw: Conversation) -> str:
    values: dict[str, str] = {}
    for r in result.redactions:
        if r.utterance is None or not 0 <= r.utterance < len(raw.utterances):
            continue
        value = raw.utterances[r.utterance].text[r.start_char : r.end_char].strip()
        if value:
            values.setdefault(value, r.replacement)
    # longest first: "four five three nine one four" before "four five three nine"
    for value in sorted(values, key=len, reverse=True):
        text = re.sub(re.escape(value), values[value], text, flags=re.IGNORECASE)
    return text


def _scrub_value(value: Any, result: RedactionResult, raw: Conversation) -> Any:
    """Metadata the input carried beside the utterances (notes, custom fields), scrubbed."""
    if isinstance(value, str):
        return scrub_text(value, result, raw)
    if isinstance(value, dict):
        return {k: _scrub_value(v, result, raw) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_scrub_value(v, result, raw) for v in value]
    return value


def scrub_message(text: str, *, on: date | None = None) -> str:
    """An error or run message, scrubbed of anything that looks like a value (shape and cue).

    Error messages can echo input ("field 'notes': ... '4111 1111 1111 1111'"), and they are
    stored in the same warehouse.
    """
    if not text:
        return text
    scrubbed, _ = redact_text(text, call_date=on)
    return scrubbed


def scrub_metadata(value: Any, *, on: date | None = None) -> Any:
    """Metadata with no conversation to read it against (a failed call): shapes and cues only."""
    if isinstance(value, str):
        return scrub_message(value, on=on)
    if isinstance(value, dict):
        return {k: scrub_metadata(v, on=on) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [scrub_metadata(v, on=on) for v in value]
    return value
