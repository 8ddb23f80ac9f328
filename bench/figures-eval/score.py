#!/usr/bin/env python3
"""Precision and recall of the figure rules on a labelled corpus (Python 3.11+, stdlib only).

    python3 bench/figures-eval/score.py [--vaultlint BIN] [--vault DIR] [--labels FILE]

Runs `vaultlint check --format json` on the corpus (bench/figures-eval/vault by default) and
scores the findings of `inconsistent-figure` and `sum-mismatch` against labels.json: one entry
per planted contradiction, with the note, the rule and the lines where a finding about it may
sit (either side of a conflict, a total or its parts). A finding on one of those lines is a true
report; a label with no such finding is a miss; any other finding of the two rules is a false
report. Several findings on one label count once for recall and are not false reports.
Prints the misses and the false reports, then one line per rule and overall:
    rule  tp  fp  fn  precision  recall
Exit status 0; 2 when vaultlint fails.
"""

import argparse
import json
import os
import subprocess
import sys

RULES = ("inconsistent-figure", "sum-mismatch")
HERE = os.path.dirname(os.path.abspath(__file__))


def run(binary, vault):
    proc = subprocess.run(
        [binary, "check", "--format", "json", "--select", ",".join(RULES), vault],
        capture_output=True,
        text=True,
    )
    if proc.returncode not in (0, 1):
        sys.stderr.write(proc.stderr)
        sys.exit(2)
    return json.loads(proc.stdout)["diagnostics"]


def ratio(a, b):
    return a / b if b else 1.0


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--vaultlint", default=os.environ.get("VAULTLINT", "target/release/vaultlint"))
    ap.add_argument("--vault", default=os.path.join(HERE, "vault"))
    ap.add_argument("--labels", default=os.path.join(HERE, "labels.json"))
    args = ap.parse_args()

    with open(args.labels, encoding="utf-8") as f:
        labels = json.load(f)
    found = [d for d in run(args.vaultlint, args.vault) if d["rule"] in RULES]

    hit = [False] * len(labels)
    false = []
    for d in found:
        matched = False
        for i, lab in enumerate(labels):
            if lab["note"] == d["path"] and lab["rule"] == d["rule"] and d["line"] in lab["lines"]:
                hit[i] = matched = True
        if not matched:
            false.append(d)

    for i, lab in enumerate(labels):
        if not hit[i]:
            print(f"MISS  {lab['rule']:<20} {lab['note']}:{lab['lines'][0]}  {lab['what']}")
    for d in false:
        print(f"FALSE {d['rule']:<20} {d['path']}:{d['line']}  {d['message']}")

    print(f"\n{'rule':<20} {'tp':>3} {'fp':>3} {'fn':>3} {'precision':>9} {'recall':>6}")
    totals = [0, 0, 0]
    for rule in RULES + ("all",):
        if rule == "all":
            tp, fp, fn = totals
        else:
            mine = [i for i, lab in enumerate(labels) if lab["rule"] == rule]
            tp = sum(hit[i] for i in mine)
            fn = len(mine) - tp
            fp = sum(1 for d in false if d["rule"] == rule)
            totals = [totals[0] + tp, totals[1] + fp, totals[2] + fn]
        print(f"{rule:<20} {tp:>3} {fp:>3} {fn:>3} {ratio(tp, tp + fp):>9.2f} {ratio(tp, tp + fn):>6.2f}")


if __name__ == "__main__":
    main()
