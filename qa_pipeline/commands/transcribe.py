"""`qa-pipeline transcribe AUDIO... -o DIR`: recordings in, one conversation JSON per recording out.

An argument may be a recording, a folder (searched for recordings), or a conversation JSON that
names ``audio`` and has no utterances (its call_id, agent_id, started_at... are kept). Each
output is ``DIR/<call_id>.json`` in contract.md's shape, utterances with ``start``/``end``.
A file that cannot be transcribed gets one error line on stderr and the others go on; the
command exits 1 when any failed.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

#: what a folder is searched for
AUDIO_SUFFIXES = frozenset(
    {".wav", ".mp3", ".flac", ".ogg", ".opus", ".m4a", ".aac", ".wma", ".webm", ".mp4", ".amr"}
)


def register(sub: Any) -> None:
    p = sub.add_parser(
        "transcribe",
        help="transcribe recordings into conversation JSON",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument(
        "paths", nargs="+", metavar="AUDIO", help="recordings, folders, or conversation JSON naming audio"
    )
    p.add_argument("-o", "--out", required=True, metavar="DIR", help="folder for the conversation JSON")
    p.add_argument("--no-progress", action="store_true", help="no progress bar on stderr")
    p.set_defaults(func=_run)


def _run(args: argparse.Namespace) -> int:
    from tqdm import tqdm

    from qa_pipeline.audio import AudioPipeline
    from qa_pipeline.config import load_settings
    from qa_pipeline.errors import InputError
    from qa_pipeline.loading import load_conversation

    settings = load_settings(args.config)
    pipeline = AudioPipeline.from_settings(settings)
    out_dir = Path(args.out)
    out_dir.mkdir(parents=True, exist_ok=True)
    inputs = list(_expand(args.paths))
    failed = 0
    bar = tqdm(inputs, unit="call", file=sys.stderr, disable=args.no_progress or None)
    for path in bar:
        bar.set_postfix_str(path.name[-40:], refresh=False)
        try:
            if path.suffix.lower() == ".json":
                template = load_conversation(path)
                if template.audio is None or template.utterances:
                    raise InputError(
                        "names no 'audio' or already has utterances; nothing to transcribe",
                        path=path,
                    )
                conv = pipeline.transcribe(template.audio, template=template)
            else:
                conv = pipeline.transcribe(path)
        except InputError as exc:
            failed += 1
            tqdm.write(f"qa-pipeline transcribe: {path}: error ({exc.stage}): {exc.message}", file=sys.stderr)
            continue
        target = out_dir / f"{_safe_name(conv.call_id)}.json"
        target.write_text(json.dumps(conversation_json(conv, out_dir), indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    bar.close()
    done = len(inputs) - failed
    print(f"transcribed {done} of {len(inputs)} recordings into {out_dir}", file=sys.stderr)
    return 1 if failed else 0


def conversation_json(conv: Any, out_dir: Path) -> dict[str, Any]:
    """contract.md's conversation shape, plus the audio stage's facts under ``audio_info``.

    ``audio`` is written relative to the output file only when the recording lies inside the
    output folder: the loader refuses paths that climb out of a conversation's folder, so an
    outside path would make the transcript itself unloadable. The recording's path is always
    in ``audio_info.path``. ``extra`` fields a template carried are kept.
    """
    doc: dict[str, Any] = conv.to_dict()
    doc.pop("audio", None)
    info: dict[str, Any] = {}
    if conv.audio is not None:
        audio = Path(conv.audio).resolve()
        info["path"] = str(audio)
        if audio.is_relative_to(out_dir.resolve()):
            doc["audio"] = audio.relative_to(out_dir.resolve()).as_posix()
    for key, value in conv.extra.items():
        if key == "audio" and isinstance(value, dict):
            info.update(value)
        elif key not in doc:
            doc[key] = value
    doc["audio_info"] = info
    return doc


def _expand(raw: list[str]) -> Iterator[Path]:
    for item in raw:
        p = Path(item)
        if p.is_dir():
            yield from sorted(q for q in p.rglob("*") if q.is_file() and q.suffix.lower() in AUDIO_SUFFIXES)
        else:
            yield p


def _safe_name(call_id: str) -> str:
    # a call id becomes a file name: keep it inside the output folder
    cleaned = "".join(c if c.isalnum() or c in "-_." else "_" for c in call_id).strip(".")
    return cleaned or "call"
