"""`qa-pipeline score PATH...`: judge conversations and print one scorecard per conversation.

Input order is kept; a conversation that cannot be judged gets an ``{"call_id", "error"}`` line
and the others still come out; the command exits 1 after printing every line when any failed
(contract.md).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any, TextIO

from qa_pipeline.errors import QAPipelineError
from qa_pipeline.types import Conversation, Scorecard, error_record

#: conversations judged together: spaCy and the embedder run batched over a chunk, and
#: memory stays bounded however many files are given
CHUNK = 64


def register(sub: Any) -> None:
    p = sub.add_parser(
        "score",
        help="judge conversation JSON files (or folders of them) and print scorecards",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("paths", nargs="+", metavar="PATH", help="conversation JSON files or folders")
    p.add_argument("--rubric", help="rubric id (rubrics/<id>.yaml) or a rubric YAML file")
    p.add_argument("--format", choices=("jsonl", "table"), default="jsonl")
    p.set_defaults(func=_run)


def _run(args: argparse.Namespace) -> int:
    from qa_pipeline.config import load_settings

    settings = load_settings(args.config)
    paths = list(_expand(args.paths))
    writer = _TableWriter(sys.stdout) if args.format == "table" else _JsonlWriter(sys.stdout)
    failed = 0
    for result in score_paths(paths, settings=settings, rubric=args.rubric):
        if isinstance(result, Scorecard):
            writer.scorecard(result)
        else:
            failed += 1
            writer.error(result)
    writer.close()
    return 1 if failed else 0


def _expand(raw: list[str]) -> Iterator[Path]:
    from qa_pipeline.loading import iter_conversation_paths

    yield from iter_conversation_paths(raw)


def score_paths(
    paths: list[Path], *, settings: Any = None, rubric: str | None = None
) -> Iterator[Scorecard | dict[str, Any]]:
    """Judge conversation files in order; yield a Scorecard or an error record for each.

    Models load once; conversations are judged in chunks so that spaCy and the embedder run
    batched. A conversation that names ``audio`` and has no utterances is transcribed first.
    """
    from qa_pipeline.judge import Judge
    from qa_pipeline.loading import call_id_hint, load_conversation

    judge = Judge.from_settings(settings, rubric=rubric or (settings.rubric if settings else None))
    audio_pipeline = None
    for start in range(0, len(paths), CHUNK):
        chunk = paths[start : start + CHUNK]
        slots: list[Conversation | dict[str, Any]] = []
        for path in chunk:
            try:
                conv = load_conversation(path)
                if not conv.utterances and conv.audio is not None:
                    if audio_pipeline is None:
                        from qa_pipeline.audio import AudioPipeline

                        audio_pipeline = AudioPipeline.from_settings(settings)
                    conv = audio_pipeline.transcribe(conv.audio, template=conv)
                    if not conv.utterances:
                        raise QAPipelineError("the recording holds no speech (silent audio)")
                slots.append(conv)
            except QAPipelineError as exc:
                slots.append(error_record(call_id_hint(path), str(exc), exc.stage))
        convs = [s for s in slots if isinstance(s, Conversation)]
        cards = iter(judge.score_many(convs)) if convs else iter(())
        for slot in slots:
            yield next(cards) if isinstance(slot, Conversation) else slot


def _json_line(record: dict[str, Any]) -> str:
    line = json.dumps(record, ensure_ascii=False)
    try:
        line.encode("utf-8")
    except UnicodeEncodeError:  # valid JSON that is not valid Unicode text: escape it
        line = json.dumps(record)
    return line + "\n"


class _JsonlWriter:
    def __init__(self, out: TextIO) -> None:
        self.out = out

    def scorecard(self, card: Scorecard) -> None:
        self.out.write(_json_line(card.to_dict()))
        self.out.flush()

    def error(self, record: dict[str, Any]) -> None:
        self.out.write(_json_line(record))
        self.out.flush()

    def close(self) -> None:
        pass


class _TableWriter:
    """A readable summary for a person at a terminal: one block per conversation."""

    def __init__(self, out: TextIO) -> None:
        self.out = out
        self.n = 0
        self.failed = 0
        self.violations = 0

    def scorecard(self, card: Scorecard) -> None:
        self.n += 1
        self.violations += len(card.violations)
        missed = [k for k, v in card.script.items() if not v.passed]
        empathy = "yes" if all(v.passed for v in card.empathy.values()) else "no"
        ptp = f"${card.ptp.amount:,.2f} on {card.ptp.date.isoformat()}" if card.ptp else "-"
        scores = "  ".join(f"{k} {v:.2f}" for k, v in card.scores.items())
        reason = card.non_payment_reason
        lines = [
            f"{card.call_id}  [{card.rubric_id} v{card.rubric_version}]  {scores}",
            f"  reason      {reason.label} ({reason.confidence:.2f})",
            f"  missed      {', '.join(missed) if missed else 'none'}",
            f"  empathy     {empathy}",
            f"  flags       {', '.join(card.flag_ids) or '-'}",
            f"  ptp         {ptp}",
        ]
        for v in card.violations:
            where = f"#{v.utterance}" if v.utterance is not None else "metadata"
            lines.append(f'  VIOLATION   {v.id} at {where}: "{_clip(v.quote)}"')
        self.out.write("\n".join(lines) + "\n\n")
        self.out.flush()

    def error(self, record: dict[str, Any]) -> None:
        self.failed += 1
        self.out.write(f"{record['call_id']}  ERROR: {record['error']}\n\n")
        self.out.flush()

    def close(self) -> None:
        self.out.write(
            f"{self.n} judged, {self.failed} failed, {self.violations} violations found\n"
        )


def _clip(text: str, width: int = 90) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"
