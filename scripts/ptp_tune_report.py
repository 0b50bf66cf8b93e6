"""Measure promise-to-pay extraction and ptp_confirmation on the tune split of the corpus.

Prints the PTP exact-match rate (amount AND date) on conversations that hold a promise, the
invented-promise rate on those that hold none, ptp_confirmation accuracy, and every error
with its utterances. Never reads the held-out ``test`` split.

    .venv/bin/python scripts/ptp_tune_report.py [tests/data/corpus/tune] [--quiet]
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from qa_pipeline.judge.ptp import extract_ptp, ptp_confirmation
from qa_pipeline.loading import conversation_from_dict


def main(argv: list[str]) -> int:
    args = [a for a in argv if not a.startswith("--")]
    quiet = "--quiet" in argv
    folder = Path(args[0]) if args else Path("tests/data/corpus/tune")
    if folder.name == "test" or "test" in folder.parts[-1:]:
        print("refusing to read the held-out test split", file=sys.stderr)
        return 2
    with_ptp = exact = without = invented = conf_ok = total = 0
    for path in sorted(folder.glob("*.json")):
        data = json.loads(path.read_text())
        labels = data["labels"]
        conv = conversation_from_dict(data, source=path)
        got = extract_ptp(conv)
        conf = ptp_confirmation(conv, got)
        want = labels["ptp"]
        want_conf = labels["script"]["ptp_confirmation"]
        total += 1
        problems = []
        if want is None:
            without += 1
            if got is not None:
                invented += 1
                problems.append(f"invented {got.amount} {got.date} ev={got.evidence}")
        else:
            with_ptp += 1
            if (
                got is not None
                and abs(got.amount - want["amount"]) < 0.006
                and got.date.isoformat() == want["date"]
            ):
                exact += 1
            else:
                g = None if got is None else f"{got.amount} {got.date} ev={got.evidence}"
                problems.append(f"want {want['amount']} {want['date']} got {g}")
        if conf.passed == want_conf:
            conf_ok += 1
        else:
            problems.append(
                f"ptp_confirmation want {want_conf} got {conf.passed} ev={conf.evidence} ({conf.rationale})"
            )
        if problems:
            print(
                f"== {conv.call_id} {conv.channel} {conv.started_at:%Y-%m-%d %a}: "
                + "; ".join(problems)
            )
            if not quiet:
                for i, u in enumerate(conv.utterances):
                    print(f"   {i:2d} {u.speaker[:4]}: {u.text}")
    print()
    print(f"conversations: {total} (with a promise {with_ptp}, without {without})")
    if with_ptp:
        print(f"PTP exact match (amount and date): {exact}/{with_ptp} = {exact / with_ptp:.3f}")
    if without:
        print(f"invented promise: {invented}/{without} = {invented / without:.3f}")
    if total:
        print(f"ptp_confirmation accuracy: {conf_ok}/{total} = {conf_ok / total:.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
