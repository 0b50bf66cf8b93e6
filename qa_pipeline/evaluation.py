"""Measure the judge against labelled conversations.

A labelled conversation is conversation JSON with a ``labels`` object shaped like the spec's
examples (non_payment_reason, script, empathy, violations, flags, ptp). `evaluate` scores every
file with a `Judge` and compares, label by label; the report is a plain dict written as JSON.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from qa_pipeline.loading import conversation_from_dict, iter_conversation_paths, read_json_file
from qa_pipeline.rubric import FLAG_IDS, REASON_IDS, SCRIPT_IDS, VIOLATION_IDS
from qa_pipeline.types import Conversation, Scorecard

# labels.md's ids, defined once with the rubric schema that enforces them
SCRIPT_ITEMS = SCRIPT_IDS
REASONS = REASON_IDS


@dataclass
class LabelledConversation:
    conversation: Conversation
    labels: dict[str, Any]
    path: Path


@dataclass
class _Counts:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    tn: int = 0

    def add(self, truth: bool, pred: bool) -> None:
        if truth and pred:
            self.tp += 1
        elif pred:
            self.fp += 1
        elif truth:
            self.fn += 1
        else:
            self.tn += 1

    def summary(self) -> dict[str, float | int]:
        p = self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0
        r = self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0
        f1 = 2 * p * r / (p + r) if p + r else 0.0
        n = self.tp + self.fp + self.fn + self.tn
        return {
            "precision": round(p, 4),
            "recall": round(r, 4),
            "f1": round(f1, 4),
            "support": self.tp + self.fn,
            "accuracy": round((self.tp + self.tn) / n, 4) if n else 0.0,
        }


@dataclass
class _Report:
    n: int = 0
    reason_correct: int = 0
    reason_counts: dict[str, _Counts] = field(default_factory=dict)
    reason_confusion: Counter[tuple[str, str]] = field(default_factory=Counter)
    script_correct: int = 0
    script_total: int = 0
    missed: _Counts = field(default_factory=_Counts)
    script_items: dict[str, _Counts] = field(default_factory=dict)
    empathy: _Counts = field(default_factory=_Counts)
    violations: _Counts = field(default_factory=_Counts)
    violation_ids: dict[str, _Counts] = field(default_factory=dict)
    clean: int = 0
    clean_flagged: int = 0
    flags: _Counts = field(default_factory=_Counts)
    flag_ids: dict[str, _Counts] = field(default_factory=dict)
    ptp_with: int = 0
    ptp_exact: int = 0
    ptp_without: int = 0
    ptp_invented: int = 0
    errors: list[dict[str, Any]] = field(default_factory=list)


def load_labelled(paths: Sequence[str | Path]) -> list[LabelledConversation]:
    """Load every labelled conversation under ``paths`` (files or folders)."""
    out = []
    for path in iter_conversation_paths(paths):
        data = read_json_file(path)
        labels = data.pop("labels", None) if isinstance(data, dict) else None
        if labels is None:
            continue
        out.append(LabelledConversation(conversation_from_dict(data, source=path), labels, path))
    return out


def _prf_dict(counts: dict[str, _Counts]) -> dict[str, dict[str, float | int]]:
    return {k: v.summary() for k, v in sorted(counts.items())}


def compare(card: Scorecard, labels: dict[str, Any], report: _Report, call_id: str) -> None:
    """Add one conversation's comparison to the report."""
    report.n += 1
    mistakes: list[str] = []

    gold_reason = labels["non_payment_reason"]
    pred_reason = card.non_payment_reason.label
    report.reason_correct += gold_reason == pred_reason
    report.reason_confusion[(gold_reason, pred_reason)] += 1
    for r in REASONS:
        report.reason_counts.setdefault(r, _Counts()).add(gold_reason == r, pred_reason == r)
    if gold_reason != pred_reason:
        mistakes.append(f"reason: gold {gold_reason}, judged {pred_reason}")

    for item in SCRIPT_ITEMS:
        gold = bool(labels["script"][item])
        result = card.script.get(item)
        pred = bool(result.passed) if result is not None else False
        report.script_total += 1
        report.script_correct += gold == pred
        report.missed.add(not gold, not pred)
        report.script_items.setdefault(item, _Counts()).add(not gold, not pred)
        if gold != pred:
            mistakes.append(f"script.{item}: gold {gold}, judged {pred}")

    gold_emp = bool(labels["empathy"]["acknowledgment"])
    emp = card.empathy.get("acknowledgment")
    pred_emp = bool(emp.passed) if emp is not None else False
    report.empathy.add(gold_emp, pred_emp)
    if gold_emp != pred_emp:
        mistakes.append(f"empathy: gold {gold_emp}, judged {pred_emp}")

    gold_v = set(labels["violations"])
    pred_v = {v.id for v in card.violations}
    for v in VIOLATION_IDS:
        report.violations.add(v in gold_v, v in pred_v)
        report.violation_ids.setdefault(v, _Counts()).add(v in gold_v, v in pred_v)
    if not gold_v:
        report.clean += 1
        report.clean_flagged += bool(pred_v)
    if gold_v != pred_v:
        mistakes.append(f"violations: gold {sorted(gold_v)}, judged {sorted(pred_v)}")

    gold_f = set(labels["flags"])
    pred_f = set(card.flag_ids)
    for f in FLAG_IDS:
        report.flags.add(f in gold_f, f in pred_f)
        report.flag_ids.setdefault(f, _Counts()).add(f in gold_f, f in pred_f)
    if gold_f != pred_f:
        mistakes.append(f"flags: gold {sorted(gold_f)}, judged {sorted(pred_f)}")

    gold_ptp = labels.get("ptp")
    pred_ptp = card.ptp.to_dict() if card.ptp is not None else None
    if gold_ptp:
        report.ptp_with += 1
        exact = (
            pred_ptp is not None
            and abs(float(pred_ptp["amount"]) - float(gold_ptp["amount"])) < 0.005
            and pred_ptp["date"] == gold_ptp["date"]
        )
        report.ptp_exact += exact
        if not exact:
            mistakes.append(f"ptp: gold {gold_ptp}, judged {pred_ptp}")
    else:
        report.ptp_without += 1
        report.ptp_invented += pred_ptp is not None
        if pred_ptp is not None:
            mistakes.append(f"ptp: gold none, judged {pred_ptp}")

    if mistakes:
        report.errors.append({"call_id": call_id, "mistakes": mistakes})


def _balanced_accuracy(c: _Counts) -> float:
    tpr = c.tp / (c.tp + c.fn) if c.tp + c.fn else 0.0
    tnr = c.tn / (c.tn + c.fp) if c.tn + c.fp else 0.0
    return round((tpr + tnr) / 2, 4)


def _ratio(a: int, b: int) -> float:
    return round(a / b, 4) if b else 0.0


def finish(report: _Report) -> dict[str, Any]:
    """The report as a JSON-ready dict: headline figures first, then per label."""
    return {
        "conversations": report.n,
        "headline": {
            "non_payment_reason_accuracy": _ratio(report.reason_correct, report.n),
            "script_accuracy": _ratio(report.script_correct, report.script_total),
            "script_missed_step_f1": report.missed.summary()["f1"],
            "empathy_balanced_accuracy": _balanced_accuracy(report.empathy),
            "violation_f1": report.violations.summary()["f1"],
            "clean_conversations_falsely_flagged": _ratio(report.clean_flagged, report.clean),
            "flags_f1": report.flags.summary()["f1"],
            "ptp_exact_on_promises": _ratio(report.ptp_exact, report.ptp_with),
            "ptp_invented_on_no_promise": _ratio(report.ptp_invented, report.ptp_without),
        },
        "non_payment_reason": {
            "per_label": _prf_dict(report.reason_counts),
            "confusions": [
                {"gold": g, "judged": p, "count": n}
                for (g, p), n in report.reason_confusion.most_common()
                if g != p
            ],
        },
        "script": {
            "missed_step": report.missed.summary(),
            "per_item_missed_step": _prf_dict(report.script_items),
        },
        "empathy": report.empathy.summary(),
        "violations": {
            "micro": report.violations.summary(),
            "per_id": _prf_dict(report.violation_ids),
            "clean_conversations": report.clean,
            "clean_falsely_flagged": report.clean_flagged,
        },
        "flags": {"micro": report.flags.summary(), "per_id": _prf_dict(report.flag_ids)},
        "ptp": {
            "with_promise": report.ptp_with,
            "exact": report.ptp_exact,
            "without_promise": report.ptp_without,
            "invented": report.ptp_invented,
        },
        "errors": report.errors,
    }


def evaluate(
    items: Sequence[LabelledConversation],
    score_many: Callable[[Sequence[Conversation]], list[Scorecard]],
) -> dict[str, Any]:
    """Score labelled conversations and compare them with their labels."""
    report = _Report()
    cards = score_many([i.conversation for i in items])
    for item, card in zip(items, cards, strict=True):
        compare(card, item.labels, report, item.conversation.call_id)
    return finish(report)


def format_report(result: dict[str, Any], *, show_labels: bool = True) -> str:
    """A terminal summary of a report."""
    h = result["headline"]
    lines = [f"conversations: {result['conversations']}", ""]
    width = max(len(k) for k in h)
    lines += [f"  {k:<{width}}  {v:.3f}" for k, v in h.items()]
    if show_labels:
        lines += ["", f"  {'label':<40} {'prec':>6} {'recall':>6} {'f1':>6} {'support':>7}"]
        sections = [
            ("reason", result["non_payment_reason"]["per_label"]),
            ("missed", result["script"]["per_item_missed_step"]),
            ("violation", result["violations"]["per_id"]),
            ("flag", result["flags"]["per_id"]),
            ("empathy", {"acknowledgment": result["empathy"]}),
        ]
        for prefix, table in sections:
            for label, s in table.items():
                lines.append(
                    f"  {prefix + ':' + label:<40} {s['precision']:>6.3f} {s['recall']:>6.3f} "
                    f"{s['f1']:>6.3f} {s['support']:>7}"
                )
    return "\n".join(lines)
