#!/usr/bin/env python3
"""Score a vaultlint JSON report against a vault's planted broken links.

    python3 bench/planted.py REPORT.json VAULT_DIR [--planted FILE] [--show N]
                             [--rules broken-link,broken-anchor] [--file NOTE]

REPORT.json is `vaultlint check VAULT --format json` output:
    {"version": 1, "diagnostics": [{"rule", "severity", "path", "line",
     "column", ...}], "summary": {...}}
VAULT_DIR/.planted.json (or --planted FILE) is written by the generators
(../shared/bench/genvault.py and bench/genvault.py): an object whose "broken"
list holds {"file", "line", "column", "kind", "link"[, "target"]}; a bare list
of such records is accepted too.

A planted break counts as found when a diagnostic of one of --rules sits on the
same file and line (one diagnostic per planted break; two breaks on one line
need two diagnostics).  Every other diagnostic of those rules is an extra (a
false positive).  Columns are compared for information only: at the link's
first character (counted in characters or in UTF-8 bytes), inside the link
text, or elsewhere.  --file NOTE scores a single-note run (pre-commit case): only
that note's planted breaks and that note's diagnostics are compared.  Prints one summary line first, then details.

Exit status: 0 when recall is 100% and there are no extras, 1 otherwise,
2 when an input cannot be read.
"""

import argparse
import json
import os
import signal
import sys
import unicodedata
from collections import Counter, defaultdict

DEFAULT_RULES = "broken-link,broken-anchor"


def fail(msg):
    print("planted: " + msg, file=sys.stderr)
    sys.exit(2)


def load_json(path, what):
    try:
        with open(path, encoding="utf-8") as fh:
            return json.load(fh)
    except OSError as e:
        fail("cannot read %s %s: %s" % (what, path, e.strerror))
    except ValueError as e:
        fail("%s %s is not valid JSON: %s" % (what, path, e))


def norm_path(p, vault_real):
    """Vault-relative, '/'-separated, NFC path for a report or planted path."""
    p = unicodedata.normalize("NFC", str(p).replace("\\", "/"))
    if os.path.isabs(p):
        return unicodedata.normalize("NFC", os.path.relpath(p, vault_real).replace(os.sep, "/"))
    while p.startswith("./"):
        p = p[2:]
    if os.path.exists(os.path.join(vault_real, p)):
        return p
    if os.path.exists(p):  # relative to the current directory, e.g. target/bench/v1k/X.md
        real = os.path.realpath(p)
        return unicodedata.normalize("NFC", os.path.relpath(real, vault_real).replace(os.sep, "/"))
    return p


def column_kind(vault, rel, p, col):
    """Where a diagnostic column falls relative to planted link p."""
    cc = int(p.get("column", 0))
    if col == cc:
        return "start"
    link = p.get("link", "")
    text = ""
    try:
        with open(os.path.join(vault, rel), encoding="utf-8") as fh:
            for i, text in enumerate(fh, 1):
                if i == int(p["line"]):
                    break
    except OSError:
        pass
    bc = len(text[:cc - 1].encode("utf-8")) + 1
    if col == bc:
        return "start-bytes"
    if isinstance(col, int) and (cc <= col < cc + len(link)
                                 or bc <= col < bc + len(link.encode("utf-8"))):
        return "inside"
    return "other"


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("report", help="vaultlint --format json output")
    ap.add_argument("vault", help="the vault that was checked")
    ap.add_argument("--planted", help="planted list (default VAULT/.planted.json)")
    ap.add_argument("--rules", default=DEFAULT_RULES,
                    help="comma-separated rules that count (default %s)" % DEFAULT_RULES)
    ap.add_argument("--file", help="only the planted breaks of this vault-relative note")
    ap.add_argument("--show", type=int, default=8, help="misses/extras to list (default 8)")
    a = ap.parse_args(argv)

    vault_real = os.path.realpath(a.vault)
    if not os.path.isdir(vault_real):
        fail("no vault folder %s" % a.vault)
    rules = {r.strip() for r in a.rules.split(",") if r.strip()}

    planted_doc = load_json(a.planted or os.path.join(a.vault, ".planted.json"), "planted list")
    planted = planted_doc.get("broken") if isinstance(planted_doc, dict) else planted_doc
    if not isinstance(planted, list):
        fail("planted list has no 'broken' list")
    only = norm_path(a.file, vault_real) if a.file else None
    if only:
        planted = [p for p in planted if norm_path(p["file"], vault_real) == only]

    report = load_json(a.report, "report")
    if not isinstance(report, dict) or not isinstance(report.get("diagnostics"), list):
        fail("report %s has no 'diagnostics' list" % a.report)
    if report.get("version") != 1:
        print("planted: warning: report version is %r, expected 1" % report.get("version"),
              file=sys.stderr)

    # diagnostics of the counted rules, grouped by (path, line)
    diags = defaultdict(list)
    other_rules = Counter()
    for d in report["diagnostics"]:
        if not isinstance(d, dict):
            fail("a diagnostic is not an object: %r" % (d,))
        if d.get("rule") not in rules:
            other_rules[str(d.get("rule"))] += 1
            continue
        try:
            key = (norm_path(d["path"], vault_real), int(d["line"]))
        except (KeyError, TypeError, ValueError):
            fail("diagnostic without a usable path/line: %r" % (d,))
        if only is None or key[0] == only:
            diags[key].append(d)

    found = Counter()
    total = Counter()
    misses = []
    rule_by_kind = defaultdict(Counter)
    col_kinds = Counter()
    for p in planted:
        kind = p.get("kind", "?")
        total[kind] += 1
        key = (norm_path(p["file"], vault_real), int(p["line"]))
        bucket = diags.get(key)
        if not bucket:
            misses.append(p)
            continue
        # prefer a diagnostic whose column points into the link, else the first one
        kinds = [column_kind(vault_real, key[0], p, d.get("column")) for d in bucket]
        best = min(range(len(bucket)), key=lambda i: (kinds[i] == "other", i))
        pick = bucket.pop(best)
        col_kinds[kinds[best]] += 1
        found[kind] += 1
        rule_by_kind[kind][pick.get("rule")] += 1
    extras = [d for bucket in diags.values() for d in bucket]

    n_planted = sum(total.values())
    n_found = sum(found.values())
    recall = 100.0 * n_found / n_planted if n_planted else 100.0
    ok = n_found == n_planted and not extras
    print("recall %d/%d (%.1f%%), extra %d  %s" % (n_found, n_planted, recall, len(extras),
                                                   "OK" if ok else "FAIL"))
    for kind in sorted(total):
        rules_seen = ", ".join("%s %d" % (r, n) for r, n in sorted(rule_by_kind[kind].items()))
        print("  %-26s %5d/%-5d %s" % (kind, found[kind], total[kind],
                                       ("(" + rules_seen + ")") if rules_seen else ""))
    if n_found:
        print("  columns of found breaks: %d at the link start (characters), %d at the link"
              " start (bytes), %d inside the link, %d elsewhere"
              % (col_kinds["start"], col_kinds["start-bytes"], col_kinds["inside"],
                 col_kinds["other"]))
    if other_rules:
        print("  other rules (not scored): " + ", ".join(
            "%s %d" % kv for kv in sorted(other_rules.items())))
    for p in misses[:a.show]:
        print("  MISSED %s:%s:%s %s %s" % (p["file"], p["line"], p.get("column", "?"),
                                          p.get("kind", "?"), p.get("link", p.get("target", ""))))
    for d in extras[:a.show]:
        print("  EXTRA  %s:%s:%s %s %s" % (d.get("path"), d.get("line"), d.get("column"),
                                          d.get("rule"), d.get("message", "")))
    return 0 if ok else 1


if __name__ == "__main__":
    signal.signal(signal.SIGPIPE, signal.SIG_DFL)
    sys.exit(main())
