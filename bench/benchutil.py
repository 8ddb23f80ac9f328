#!/usr/bin/env python3
"""Small helpers for bench/run.sh (Python 3 stdlib only).

    benchutil.py hf-sample HYPERFINE.json      -> "SECONDS EXIT_CODE" of its single run
    benchutil.py median FILE                   -> median of column 1 of FILE, or "-"
    benchutil.py max FILE                      -> maximum of column 1 of FILE, or "-"
    benchutil.py ratio FILE_A FILE_B           -> median of line-by-line B/A, or "-"
    benchutil.py secs VALUE                    -> "0.184 s" (or "—")
    benchutil.py mb KILOBYTES                  -> "23.4 MB" (or "—")
    benchutil.py size VAULT                    -> "1,000 / 3.6" (notes / MB of .md)
    benchutil.py pick-note VAULT               -> path of a note with planted breaks
    benchutil.py count REPORT.json             -> number of diagnostics, or "?"
"""

import json
import os
import statistics
import sys


def numbers(path):
    out = []
    try:
        with open(path, encoding="utf-8") as fh:
            for line in fh:
                parts = line.split()
                if parts:
                    try:
                        out.append(float(parts[0]))
                    except ValueError:
                        pass
    except OSError:
        pass
    return out


def main(argv):
    cmd, args = argv[1], argv[2:]
    if cmd == "hf-sample":
        with open(args[0], encoding="utf-8") as fh:
            r = json.load(fh)["results"][0]
        print("%.6f %d" % (r["times"][0], (r.get("exit_codes") or [0])[0] or 0))
    elif cmd == "median":
        v = numbers(args[0])
        print("%.6f" % statistics.median(v) if v else "-")
    elif cmd == "max":
        v = numbers(args[0])
        print("%.0f" % max(v) if v else "-")
    elif cmd == "ratio":
        a, b = numbers(args[0]), numbers(args[1])
        pairs = [y / x for x, y in zip(a, b) if x > 0]
        print("%.2f" % statistics.median(pairs) if pairs else "-")
    elif cmd == "secs":
        print("—" if args[0] in ("-", "") else "%.3f s" % float(args[0]))
    elif cmd == "mb":
        print("—" if args[0] in ("-", "") else "%.1f MB" % (float(args[0]) / 1024.0))
    elif cmd == "size":
        n = total = 0
        for d, dirs, files in os.walk(args[0]):
            dirs[:] = [x for x in dirs if not x.startswith(".")]
            for f in files:
                if f.endswith(".md"):
                    n += 1
                    total += os.path.getsize(os.path.join(d, f))
        print("{:,} / {:.1f}".format(n, total / 1e6))
    elif cmd == "pick-note":
        with open(os.path.join(args[0], ".planted.json"), encoding="utf-8") as fh:
            doc = json.load(fh)
        broken = doc["broken"] if isinstance(doc, dict) else doc
        print(broken[0]["file"] if broken else "")
    elif cmd == "count":
        try:
            with open(args[0], encoding="utf-8") as fh:
                print(len(json.load(fh)["diagnostics"]))
        except (OSError, ValueError, KeyError, TypeError):
            print("?")
    else:
        print(__doc__, file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
