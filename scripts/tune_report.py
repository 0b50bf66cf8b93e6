"""Score every conversation of a labelled folder and print per-label figures and the errors.

    .venv/bin/python scripts/tune_report.py tests/data/corpus/tune [--rubric ID] [--errors]

For tuning the judge on the tune split only (never the held-out test split).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

from qa_pipeline.judge import Judge
from qa_pipeline.loading import load_conversation


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("paths", nargs="+")
    ap.add_argument("--rubric", default="collections-us")
    ap.add_argument("--errors", action="store_true")
    args = ap.parse_args()
    files = sorted(p for raw in args.paths for p in (Path(raw).glob("*.json") if Path(raw).is_dir() else [Path(raw)]))
    if any("corpus/test" in str(p) for p in files):
        print("refusing to tune on the held-out test split", file=sys.stderr)
        return 2
    judge = Judge.from_settings(rubric=args.rubric)
    convs = [load_conversation(p) for p in files]
    labels = [json.loads(p.read_text())["labels"] for p in files]
    cards = judge.score_many(convs)
    tp: Counter[str] = Counter()
    fp: Counter[str] = Counter()
    fn: Counter[str] = Counter()
    correct: Counter[str] = Counter()
    total: Counter[str] = Counter()
    errors: list[str] = []
    reason_ok = 0
    clean = falsely_flagged = 0
    for conv, lab, card in zip(convs, labels, cards, strict=True):
        d = card.to_dict()
        for kind in ("script", "empathy"):
            for k, want in lab[kind].items():
                got = d[kind][k]["passed"]
                total[k] += 1
                correct[k] += got == want
                # positive class for script: MISSED step
                if kind == "script":
                    if not want and not got:
                        tp["script_missed"] += 1
                    elif got and not want:
                        fn["script_missed"] += 1
                    elif want and not got:
                        fp["script_missed"] += 1
                if got != want:
                    ev = d[kind][k]["evidence"]
                    txt = " | ".join(conv.utterances[i].text[:160] for i in ev[:2])
                    errors.append(f"{conv.call_id} {k}: want {want} got {got} ev={ev} {d[kind][k]['rationale'][:120]} :: {txt}")
        for group, want_set, got_set in (
            ("violation", set(lab["violations"]), {v["id"] for v in d["violations"]}),
            ("flag", set(lab["flags"]), set(d["flags"])),
        ):
            for i in want_set & got_set:
                tp[f"{group}:{i}"] += 1
                tp[group] += 1
            for i in got_set - want_set:
                fp[f"{group}:{i}"] += 1
                fp[group] += 1
                quote = next((v["quote"][:150] for v in d["violations"] if v["id"] == i), "")
                errors.append(f"{conv.call_id} {group} FP {i} :: {quote}")
            for i in want_set - got_set:
                fn[f"{group}:{i}"] += 1
                fn[group] += 1
                errors.append(f"{conv.call_id} {group} FN {i}")
        if not lab["violations"]:
            clean += 1
            falsely_flagged += bool(d["violations"])
        r = d["non_payment_reason"]
        reason_ok += r["label"] == lab["non_payment_reason"]
        if r["label"] != lab["non_payment_reason"]:
            ev = r["evidence"]
            txt = " | ".join(conv.utterances[i].text[:200] for i in ev)
            errors.append(f"{conv.call_id} reason: want {lab['non_payment_reason']} got {r['label']} :: {txt}")
    n = len(files)
    print(f"{n} conversations")
    print(f"reason accuracy {reason_ok / n:.3f}")
    s_correct = sum(correct[k] for k in total if k != "acknowledgment")
    s_total = sum(total[k] for k in total if k != "acknowledgment")
    print(f"script accuracy {s_correct / s_total:.3f}")
    for k in sorted(total):
        print(f"  {k:28s} {correct[k]}/{total[k]}")

    def f1(key: str) -> str:
        p = tp[key] / (tp[key] + fp[key]) if tp[key] + fp[key] else 0.0
        r = tp[key] / (tp[key] + fn[key]) if tp[key] + fn[key] else 0.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        return f"P {p:.2f} R {r:.2f} F1 {f:.2f} (tp {tp[key]} fp {fp[key]} fn {fn[key]})"

    print("script missed-step", f1("script_missed"))
    print("violations", f1("violation"), f"clean falsely flagged {falsely_flagged}/{clean}")
    for k in sorted({k for k in list(tp) + list(fp) + list(fn) if k.startswith("violation:")}):
        print("  ", k, f1(k))
    print("flags", f1("flag"))
    for k in sorted({k for k in list(tp) + list(fp) + list(fn) if k.startswith("flag:")}):
        print("  ", k, f1(k))
    if args.errors:
        print("\nERRORS")
        for e in errors:
            print(e)
    return 0


if __name__ == "__main__":
    sys.exit(main())
