"""What a run takes in: find the calls in a folder or manifest, read each one and name it.

A folder holds conversation JSON files (with utterances, or metadata naming an ``audio``
recording to transcribe) and recordings with no JSON at all. A manifest (CSV or JSONL) holds
one row of conversation metadata per call with an ``audio`` or ``transcript`` path. Every path
must stay inside the input root. Reading never raises for one bad call: it returns a
`CallFailure` that names the stage and the reason, and the run goes on.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from qa_pipeline.errors import ConversationError, InputError, ManifestError, QAPipelineError
from qa_pipeline.loading import (
    MAX_CONVERSATION_BYTES,
    call_id_hint,
    conversation_from_dict,
    read_json_file,
    resolve_inside,
)
from qa_pipeline.types import Conversation
from qa_pipeline.warehouse.rows import CallFailure, CallIdentity, content_hash

AUDIO_SUFFIXES = frozenset(
    {".wav", ".mp3", ".flac", ".ogg", ".opus", ".m4a", ".aac", ".wma", ".webm", ".mp4", ".amr"}
)
MANIFEST_SUFFIXES = frozenset({".csv", ".jsonl"})
MAX_MANIFEST_BYTES = 200 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class CallInput:
    """One call to process: a conversation JSON, a bare recording, or a manifest row."""

    kind: Literal["conversation", "audio", "manifest_row", "outside"]
    path: str
    root: str
    row: dict[str, Any] | None = None
    row_number: int | None = None

    @property
    def label(self) -> str:
        return f"{self.path}#{self.row_number}" if self.row_number is not None else self.path


@dataclass(slots=True)
class PreparedCall:
    """A call read and named; ``needs_audio`` when its utterances must come from its recording."""

    identity: CallIdentity
    conversation: Conversation
    needs_audio: bool = False
    extra: dict[str, Any] = field(default_factory=dict)


def discover_inputs(input_path: str | Path) -> list[CallInput]:
    """List the calls of a folder, a manifest or a single file, in a stable order.

    Raises:
        InputError: the input does not exist, or a manifest cannot be read at all.
    """
    p = Path(input_path)
    if p.is_dir():
        return _discover_folder(p)
    if not p.is_file():
        raise InputError("does not exist; give a folder of calls or a manifest", path=p)
    root = str(p.parent.resolve())
    suffix = p.suffix.lower()
    if suffix in MANIFEST_SUFFIXES:
        return list(_manifest_rows(p))
    if suffix in AUDIO_SUFFIXES:
        return [CallInput("audio", str(p.resolve()), root)]
    return [CallInput("conversation", str(p.resolve()), root)]


def _visible(path: Path, root: Path) -> bool:
    return not any(part.startswith(".") for part in path.relative_to(root).parts)


def _discover_folder(folder: Path) -> list[CallInput]:
    root = folder.resolve()
    files = sorted(q for q in root.rglob("*") if q.is_file() and _visible(q, root))
    outside = [q for q in files if not q.resolve().is_relative_to(root)]
    files = [q for q in files if q not in set(outside)]
    jsons = [q for q in files if q.suffix.lower() == ".json"]
    claimed: set[Path] = set()
    for j in jsons:
        # a recording beside a JSON of the same name belongs to it even when the JSON is
        # broken, so that a broken metadata file is one error, not an extra anonymous call
        claimed.update(j.with_suffix(s) for s in AUDIO_SUFFIXES)
        audio = _audio_reference(j)
        if audio is not None:
            claimed.add((j.parent / audio).resolve())
    out = [CallInput("conversation", str(j), str(root)) for j in jsons]
    out += [
        CallInput("audio", str(q), str(root))
        for q in files
        if q.suffix.lower() in AUDIO_SUFFIXES and q not in claimed
    ]
    # a link inside the folder to a file outside it is refused like a path that climbs out
    out += [CallInput("outside", str(q), str(root)) for q in outside]
    return out


def _audio_reference(path: Path) -> str | None:
    try:
        if path.stat().st_size > MAX_CONVERSATION_BYTES:
            return None  # refused when read; not worth reading here
        data = json.loads(path.read_bytes())
    except (OSError, ValueError, RecursionError):
        return None
    audio = data.get("audio") if isinstance(data, dict) else None
    return audio if isinstance(audio, str) else None


def _manifest_rows(path: Path) -> Iterator[CallInput]:
    root = str(path.parent.resolve())
    try:
        if path.stat().st_size > MAX_MANIFEST_BYTES:
            raise ManifestError(
                f"is larger than {MAX_MANIFEST_BYTES // 2**20} MB; split it", path=path
            )
        text = path.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise ManifestError(f"cannot be read ({exc.strerror})", path=path) from None
    except UnicodeDecodeError:
        raise ManifestError("is not UTF-8 text", path=path) from None
    if path.suffix.lower() == ".csv":
        reader = csv.DictReader(io.StringIO(text))
        if not reader.fieldnames or "call_id" not in reader.fieldnames:
            raise ManifestError(
                "needs a header row with at least call_id and an audio or transcript column",
                path=path,
            )
        for n, row in enumerate(reader, start=2):
            clean = {k: v for k, v in row.items() if k is not None and v not in (None, "")}
            yield CallInput("manifest_row", str(path.resolve()), root, clean, n)
        return
    for n, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except ValueError as exc:
            row = {"__invalid__": f"line {n} is not valid JSON ({exc})"}
        if not isinstance(row, dict):
            row = {"__invalid__": f"line {n} is not a JSON object"}
        yield CallInput("manifest_row", str(path.resolve()), root, row, n)


def read_call(item: CallInput) -> PreparedCall | CallFailure:
    """Read one call and compute its identity; a bad call gives a `CallFailure`.

    Raises:
        OSError: a transient I/O failure worth retrying (the flow's read task retries it).
    """
    try:
        if item.kind == "conversation":
            return _read_conversation(item)
        if item.kind == "audio":
            return _read_audio(item)
        if item.kind == "outside":
            raise InputError(
                f"is a link to {Path(item.path).resolve()}, outside the input folder "
                f"{item.root}; copy the file into the folder instead",
                path=item.path,
            )
        return _read_manifest_row(item)
    except QAPipelineError as exc:
        return _failure_for(item, exc)


def _failure_for(item: CallInput, exc: QAPipelineError) -> CallFailure:
    path = Path(item.path)
    if item.kind == "manifest_row":
        row = item.row or {}
        call_id = str(row.get("call_id") or f"{path.name}#row{item.row_number}")
        digest = content_hash([json.dumps(row, sort_keys=True, default=str).encode()])
    else:
        digest = _failure_digest(path, item)
        small = digest.startswith("file:")
        digest = digest.removeprefix("file:")
        call_id = call_id_hint(path) if item.kind == "conversation" and small else path.stem
    stage = exc.stage if isinstance(exc, InputError) else "load"
    return CallFailure(
        CallIdentity(call_id, digest, item.label), stage, type(exc).__name__, str(exc)
    )


def _failure_digest(path: Path, item: CallInput) -> str:
    """The content hash of an input that failed; ``file:``-prefixed when the file itself was
    hashed. A file outside the folder, or too big to be a conversation, is not read at all:
    its name, size and time stand in (the same file fails with the same key on a rerun)."""
    try:
        st = path.stat()
        if item.kind == "outside" or (
            item.kind == "conversation" and st.st_size > MAX_CONVERSATION_BYTES
        ):
            stamp = f"{item.path}\x00{st.st_size}\x00{st.st_mtime_ns}".encode()
            return content_hash([b"not read", stamp])
        return "file:" + content_hash([path])
    except OSError:
        return content_hash([b"unreadable", item.path.encode()])


def _read_conversation(item: CallInput) -> PreparedCall:
    path = Path(item.path)
    data = read_json_file(path)
    raw = path.read_bytes()
    conv = conversation_from_dict(data, source=path, audio_root=Path(item.root))
    parts: list[bytes | Path] = [raw]
    if conv.audio is not None:
        parts.append(_existing_audio(conv.audio, path))
    identity = CallIdentity(conv.call_id, content_hash(parts), item.label)
    return PreparedCall(identity, conv, needs_audio=not conv.utterances)


def _existing_audio(audio: Path, source: Path) -> Path:
    if not audio.is_file():
        raise ConversationError(
            f"names the recording '{audio.name}', which is not there; put it beside the JSON "
            "or fix the 'audio' path",
            path=source,
        )
    return audio


def _read_audio(item: CallInput) -> PreparedCall:
    from datetime import datetime

    path = Path(item.path)
    digest = content_hash([path])
    # started_at is the file's time until the audio pipeline says better; no metadata came
    started = datetime.fromtimestamp(path.stat().st_mtime).astimezone()
    conv = Conversation(
        call_id=path.stem,
        agent_id="unknown",
        channel="voice",
        started_at=started,
        utterances=[],
        audio=path,
        source_path=path,
        extra={"started_at_source": "file modification time"},
    )
    return PreparedCall(CallIdentity(path.stem, digest, item.label), conv, needs_audio=True)


def _read_manifest_row(item: CallInput) -> PreparedCall:
    try:
        return _manifest_row_call(item)
    except ManifestError:
        raise
    except InputError as exc:
        # a bad path or transcript named by a row is the manifest's error, reported as such
        raise ManifestError(f"{item.path}, row {item.row_number}: {exc}") from None


def _manifest_row_call(item: CallInput) -> PreparedCall:
    row = dict(item.row or {})
    manifest = Path(item.path)
    if "__invalid__" in row:
        raise ManifestError(str(row["__invalid__"]), path=manifest)
    root = Path(item.root)
    transcript = row.pop("transcript", None)
    parts: list[bytes | Path] = [json.dumps(row, sort_keys=True, default=str).encode()]
    if transcript:
        t_path = resolve_inside(
            str(transcript), manifest.parent, root, what="transcript", source=manifest
        )
        if not t_path.is_file():
            raise ManifestError(
                f"row {item.row_number}: transcript '{transcript}' is not there", path=manifest
            )
        doc = read_json_file(t_path)
        if not isinstance(doc, dict):
            raise ConversationError("is not a JSON object", path=t_path)
        # the manifest row's metadata wins over the transcript's (it is the system of record)
        data: dict[str, Any] = {**doc, **_typed(row)}
        source = t_path
        parts.append(t_path)
    elif row.get("audio"):
        data = _typed(row)
        source = manifest
    else:
        raise ManifestError(
            f"row {item.row_number} names neither an 'audio' recording nor a 'transcript'",
            path=manifest,
        )
    conv = conversation_from_dict(data, source=source, audio_root=root)
    if conv.audio is not None:
        parts.append(_existing_audio(conv.audio, manifest))
    identity = CallIdentity(conv.call_id, content_hash(parts), item.label)
    return PreparedCall(identity, conv, needs_audio=not conv.utterances)


def _typed(row: dict[str, Any]) -> dict[str, Any]:
    """CSV cells are text; turn the numeric ones back into numbers where the contract says so."""
    out = dict(row)
    dpd = out.get("days_past_due")
    if isinstance(dpd, str) and dpd.strip().lstrip("-").isdigit():
        out["days_past_due"] = int(dpd)
    return out
