"""Load and validate conversation JSON (contract.md's input).

A bad file gives one `ConversationError` that names the file and the field, never a traceback:
the caller records it for that call and the batch goes on.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable, Iterator
from datetime import datetime
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from qa_pipeline.errors import ConversationError, InputError
from qa_pipeline.types import Conversation, Utterance

#: a conversation JSON larger than this is refused before it is read (a call transcript is
#: tens of kilobytes; hundreds of megabytes is a mistake or an attack)
MAX_CONVERSATION_BYTES = 20 * 1024 * 1024
MAX_UTTERANCES = 20_000
MAX_TEXT_CHARS = 20_000


class _UtteranceIn(BaseModel):
    model_config = ConfigDict(extra="ignore")

    speaker: str = Field(min_length=1, max_length=64)
    text: str = Field(max_length=MAX_TEXT_CHARS)
    start: float | None = None
    end: float | None = None

    @field_validator("start", "end")
    @classmethod
    def _finite_non_negative(cls, v: float | None) -> float | None:
        if v is not None and (not math.isfinite(v) or v < 0):
            raise ValueError("must be a finite number of seconds >= 0")
        return v

    @field_validator("speaker")
    @classmethod
    def _strip_speaker(cls, v: str) -> str:
        v = v.strip()
        return v.lower() if v.lower() in ("agent", "customer") else v


class _ConversationIn(BaseModel):
    model_config = ConfigDict(extra="allow")

    call_id: str = Field(min_length=1, max_length=200)
    agent_id: str = Field(min_length=1, max_length=200)
    channel: Literal["voice", "chat"]
    started_at: datetime
    account_id: str | None = Field(default=None, max_length=200)
    segment: str | None = Field(default=None, max_length=200)
    days_past_due: int | None = Field(default=None, ge=0, le=100_000)
    audio: str | None = Field(default=None, max_length=4096)
    utterances: list[_UtteranceIn] | None = Field(default=None, max_length=MAX_UTTERANCES)

    @field_validator("started_at")
    @classmethod
    def _needs_offset(cls, v: datetime) -> datetime:
        if v.tzinfo is None or v.utcoffset() is None:
            raise ValueError(
                "has no UTC offset; give the customer's local time with its offset, "
                "e.g. 2026-03-02T14:05:00-05:00 (calling hours are judged in local time)"
            )
        return v

    @field_validator("call_id", "agent_id", mode="before")
    @classmethod
    def _ids_as_text(cls, v: Any) -> Any:
        # ids are often numeric in exports; keep them, but as text
        return str(v) if isinstance(v, int) and not isinstance(v, bool) else v

    @field_validator("call_id", "agent_id", "account_id")
    @classmethod
    def _printable_id(cls, v: str | None) -> str | None:
        # ids end up in file names, terminal tables and SQL filters: no control characters,
        # and no lone surrogates (valid JSON escapes that cannot be written as UTF-8)
        if v is None:
            return v
        if any(ord(c) < 32 or ord(c) == 127 for c in v):
            raise ValueError("must not contain control characters")
        try:
            v.encode("utf-8")
        except UnicodeEncodeError:
            raise ValueError("is not valid Unicode text") from None
        return v


def _field_path(loc: tuple[int | str, ...]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _describe(err: ValidationError) -> str:
    first = err.errors()[0]
    where = _field_path(tuple(first["loc"])) or "the document"
    kind = first["type"]
    if kind == "missing":
        return f"field '{where}' is missing"
    msg = first["msg"].removeprefix("Value error, ")
    return f"field '{where}' {msg}" if kind == "value_error" else f"field '{where}': {msg}"


def conversation_from_dict(
    data: Any, *, source: Path | None = None, audio_root: Path | None = None
) -> Conversation:
    """Validate a parsed conversation document and build a `Conversation`.

    Args:
        data: the parsed JSON.
        source: the file it came from (named in errors; ``audio`` resolves against its folder).
        audio_root: a folder the ``audio`` path must stay inside (defaults to the file's folder).

    Raises:
        ConversationError: naming the file and the first bad field.
    """
    if not isinstance(data, dict):
        raise ConversationError(
            f"expected a JSON object with call_id, agent_id, channel, started_at and "
            f"utterances, got {type(data).__name__}",
            path=source,
        )
    try:
        doc = _ConversationIn.model_validate(data)
    except ValidationError as exc:
        raise ConversationError(_describe(exc), path=source) from None

    audio_path: Path | None = None
    if doc.audio:
        base = source.parent if source is not None else Path.cwd()
        try:
            audio_path = resolve_inside(
                doc.audio, base, audio_root or base, what="audio", source=source
            )
        except InputError as exc:
            raise ConversationError(exc.message, path=source) from None

    utterances = [
        Utterance(speaker=u.speaker, text=u.text, start=u.start, end=u.end)
        for u in doc.utterances or []
    ]
    if not utterances and audio_path is None:
        raise ConversationError(
            "has no utterances and no audio; give 'utterances' or an 'audio' recording to transcribe",
            path=source,
        )
    for i, u in enumerate(utterances):
        if u.start is not None and u.end is not None and u.end < u.start:
            raise ConversationError(
                f"field 'utterances[{i}]' ends ({u.end}) before it starts ({u.start})", path=source
            )
    known = set(_ConversationIn.model_fields)
    extra = {k: v for k, v in data.items() if k not in known}
    return Conversation(
        call_id=doc.call_id,
        agent_id=doc.agent_id,
        channel=doc.channel,
        started_at=doc.started_at,
        utterances=utterances,
        account_id=doc.account_id,
        segment=doc.segment,
        days_past_due=doc.days_past_due,
        audio=audio_path,
        source_path=source,
        extra=extra,
    )


def resolve_inside(
    relative: str, base: Path, root: Path, *, what: str, source: Path | None = None
) -> Path:
    """Resolve ``relative`` against ``base`` and refuse a result outside ``root``.

    Input files name other files (a conversation its recording, a manifest its rows); a path
    that climbs out with ``..`` or points somewhere absolute must not reach the rest of the disk.
    """
    candidate = Path(relative)
    resolved = (candidate if candidate.is_absolute() else base / candidate).resolve()
    root_resolved = root.resolve()
    if not resolved.is_relative_to(root_resolved):
        raise InputError(
            f"{what} path '{relative}' points outside the input folder {root_resolved}; "
            "keep recordings inside the folder you give the pipeline",
            path=source,
        )
    return resolved


def read_json_file(path: Path, *, max_bytes: int | None = None) -> Any:
    """Read a JSON file with a size guard and a clear message on every failure."""
    max_bytes = MAX_CONVERSATION_BYTES if max_bytes is None else max_bytes
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise ConversationError(f"cannot be read ({exc.strerror})", path=path) from None
    if size > max_bytes:
        raise ConversationError(
            f"is {size / 1e6:.1f} MB, larger than the {max_bytes / 1e6:.0f} MB limit for one "
            "conversation; split it or check that it is really a conversation file",
            path=path,
        )
    try:
        raw = path.read_bytes()
        return json.loads(raw.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise ConversationError("is not UTF-8 text", path=path) from None
    except json.JSONDecodeError as exc:
        raise ConversationError(
            f"is not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})", path=path
        ) from None
    except RecursionError:
        raise ConversationError("is nested too deeply to be a conversation", path=path) from None
    except OSError as exc:
        raise ConversationError(f"cannot be read ({exc.strerror})", path=path) from None


def load_conversation(path: str | Path, *, audio_root: Path | None = None) -> Conversation:
    """Load one conversation JSON file.

    Raises:
        ConversationError: the file is unreadable, not JSON, or fails validation.
    """
    p = Path(path)
    return conversation_from_dict(read_json_file(p), source=p, audio_root=audio_root)


#: where a truncated or malformed file still names its call: ``"call_id": "C-1"`` near the top
_CALL_ID_FIELD = re.compile(r'"call_id"\s*:\s*(?:"([^"\\\x00-\x1f]{1,200})"|(\d{1,30})\b)')


def call_id_hint(path: Path) -> str:
    """The best call id for an error line when the file itself cannot be judged.

    A truncated export often still names its call near the top, so the id is read from the
    first 64 KiB without parsing the whole document; the file name stands in otherwise.
    """
    try:
        with path.open("rb") as fh:
            head = fh.read(64 * 1024).decode("utf-8-sig", errors="replace")
        m = _CALL_ID_FIELD.search(head)
        if m:
            hint = m.group(1) or m.group(2)
            hint.encode("utf-8")
            if hint.isprintable():
                return hint
    except (OSError, UnicodeError):  # a hint only: the real error is reported by the caller
        pass
    return path.stem


def iter_conversation_paths(paths: Iterable[str | Path]) -> Iterator[Path]:
    """Expand files and folders into conversation JSON paths, in the order given.

    Folders are searched recursively for ``*.json`` in sorted order, so the output order is
    stable from run to run.
    """
    for raw in paths:
        p = Path(raw)
        if p.is_dir():
            yield from sorted(q for q in p.rglob("*.json") if q.is_file())
        else:
            yield p
