#!/usr/bin/env python3
"""Reference link checker for the benchmark vaults (Python 3.11+, stdlib only).

    python3 bench/refcheck.py VAULT > out.json

A slow, simple resolver used to validate the generators (every planted break is
reported, nothing else is) and bench/planted.py without needing vaultlint.  It
prints vaultlint's JSON contract:
    {"version": 1, "diagnostics": [{"rule", "severity", "path", "line",
     "column", "message", "target"}], "summary": {...}}
with rule "broken-link" (missing note, attachment or file) or "broken-anchor"
(missing heading, block or markdown fragment).  Paths are vault-relative,
line/column are 1-based, column counted in characters.

Rules it applies (Obsidian-like): frontmatter and fenced/inline code are
skipped; [[target#sub|shown]] and ![[...]] resolve by vault-relative path
(without .md) or by unique file name, case-insensitively; `\\|` inside tables is
an escaped alias bar; #^id needs a `^id` block marker in the target; #Heading
needs a heading with that text; markdown links resolve relative to the note,
percent-decoded, and their #fragment must be a GitHub-style slug of a heading.
It is a benchmark aid, not a spec.
"""

import json
import os
import re
import sys
import unicodedata
import urllib.parse

WIKI = re.compile(r"(!?)\[\[([^\[\]\n]+?)\]\]")
MDLINK = re.compile(r"(!?)\[((?:[^\[\]\n]|\[[^\[\]\n]*\])*)\]\(([^()\s]+)\)")
HEADING = re.compile(r"^ {0,3}(#{1,6})[ \t]+(.*?)(?:[ \t]+#+)?[ \t]*$")
BLOCK_END = re.compile(r"(?:^|\s)\^([A-Za-z0-9-]+)[ \t]*$")
FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
CODE_SPAN = re.compile(r"(`+)(?:(?!\1).)+?\1")


def nfc(s):
    return unicodedata.normalize("NFC", s)


def gh_slug(text):
    return "".join("-" if c == " " else c for c in text.lower() if c.isalnum() or c in "-_ ")


def body_lines(text):
    """Yield (lineno, line, in_code) with frontmatter lines marked as code."""
    lines = text.split("\n")
    start = 0
    if lines and lines[0].strip() == "---":
        for i in range(1, len(lines)):
            if lines[i].strip() in ("---", "..."):
                start = i + 1
                break
    fence = None
    for i, line in enumerate(lines):
        if i < start:
            yield i + 1, line, True
            continue
        m = FENCE.match(line)
        if fence:
            if m and m.group(1)[0] == fence[0] and len(m.group(1)) >= len(fence):
                fence = None
            yield i + 1, line, True
            continue
        if m:
            fence = m.group(1)
            yield i + 1, line, True
            continue
        yield i + 1, line, False


class Index:
    def __init__(self, root):
        self.root = root
        self.files = {}       # vault-relative path (lowercase) -> real relative path
        self.by_name = {}     # lowercase file name -> [paths]
        self.note_by_stem = {}  # lowercase note name (no .md) -> [paths]
        self.note_by_path = {}  # lowercase path without .md -> path
        self.meta = {}        # path -> (headings set, slugs set, blocks set)
        for d, dirs, fnames in os.walk(root):
            dirs[:] = sorted(x for x in dirs if not x.startswith("."))
            for fn in sorted(fnames):
                if fn.startswith("."):
                    continue
                rel = nfc(os.path.relpath(os.path.join(d, fn), root).replace(os.sep, "/"))
                self.files[rel.lower()] = rel
                self.by_name.setdefault(fn.lower(), []).append(rel)
                if fn.endswith(".md"):
                    self.note_by_stem.setdefault(nfc(fn[:-3]).lower(), []).append(rel)
                    self.note_by_path[rel[:-3].lower()] = rel

    def note_meta(self, rel):
        if rel not in self.meta:
            with open(os.path.join(self.root, rel), encoding="utf-8") as fh:
                text = fh.read()
            heads, slugs, blocks, seen = set(), set(), set(), {}
            for _, line, code in body_lines(text):
                if code:
                    continue
                m = HEADING.match(line)
                if m:
                    h = m.group(2).strip()
                    heads.add(h)
                    s = gh_slug(h)
                    n = seen.get(s, 0)
                    seen[s] = n + 1
                    slugs.add(s if n == 0 else "%s-%d" % (s, n))
                    continue
                b = BLOCK_END.search(line)
                if b:
                    blocks.add(b.group(1))
            self.meta[rel] = (heads, slugs, blocks)
        return self.meta[rel]

    def resolve_wiki(self, target):
        t = nfc(target.strip())
        low = t.lower()
        if low in self.note_by_path:
            return self.note_by_path[low]
        if low.endswith(".md") and low[:-3] in self.note_by_path:
            return self.note_by_path[low[:-3]]
        if low in self.files:
            return self.files[low]
        base = low.rsplit("/", 1)[-1]
        cands = self.note_by_stem.get(base[:-3] if base.endswith(".md") else base) \
            or self.by_name.get(base)
        if cands:
            if "/" in low:  # partial path: must end with it
                cands = [c for c in cands if c.lower().endswith("/" + low) or
                         c.lower()[:-3].endswith("/" + low)] or None
            if cands:
                return cands[0]
        return None


def check(root):
    idx = Index(root)
    diags = []
    notes = sorted(p for p in idx.files.values() if p.endswith(".md"))

    def add(rule, path, line, col, msg, target):
        diags.append({"rule": rule, "severity": "error", "path": path, "line": line,
                      "column": col, "message": msg, "target": target})

    n_links = 0
    for path in notes:
        with open(os.path.join(root, path), encoding="utf-8") as fh:
            text = fh.read()
        folder = os.path.dirname(path)
        for ln, line, code in body_lines(text):
            if code or ("[" not in line):
                continue
            masked = CODE_SPAN.sub(lambda m: " " * len(m.group(0)), line)
            for m in WIKI.finditer(masked):
                n_links += 1
                inner = m.group(2)
                col = m.start() + 1
                inner = inner.replace("\\|", "|")
                target = inner.split("|", 1)[0]
                file_part, _, sub = target.partition("#")
                if file_part.strip():
                    dest = idx.resolve_wiki(file_part)
                    if dest is None:
                        add("broken-link", path, ln, col, "no note or file named '%s'" % file_part,
                            target)
                        continue
                else:
                    dest = path
                if sub and dest.endswith(".md"):
                    heads, _, blocks = idx.note_meta(dest)
                    if sub.startswith("^"):
                        if sub[1:] not in blocks:
                            add("broken-anchor", path, ln, col, "no block ^%s in %s" % (sub[1:], dest),
                                target)
                    elif sub.split("#")[-1].strip() not in heads:
                        add("broken-anchor", path, ln, col, "no heading '%s' in %s" % (sub, dest),
                            target)
            for m in MDLINK.finditer(masked):
                href = m.group(3)
                if re.match(r"[A-Za-z][A-Za-z0-9+.-]*:", href) or href.startswith("<"):
                    continue
                n_links += 1
                col = m.start() + 1
                file_part, _, frag = href.partition("#")
                if file_part:
                    rel = os.path.normpath(os.path.join(folder, urllib.parse.unquote(file_part)))
                    rel = nfc(rel.replace(os.sep, "/"))
                    dest = idx.files.get(rel.lower())
                    if dest is None or rel.startswith("../"):
                        add("broken-link", path, ln, col, "no file %s" % rel, href)
                        continue
                else:
                    dest = path
                if frag and dest.endswith(".md"):
                    _, slugs, _ = idx.note_meta(dest)
                    if urllib.parse.unquote(frag).lower() not in slugs:
                        add("broken-anchor", path, ln, col, "no heading slug #%s in %s" % (frag, dest),
                            href)
    summary = {"files": len(notes), "links": n_links, "errors": len(diags), "warnings": 0}
    return {"version": 1, "diagnostics": diags, "summary": summary}


def main(argv):
    if len(argv) != 2 or argv[1].startswith("-"):
        print(__doc__.split("\n\n")[1], file=sys.stderr)
        return 2
    out = check(argv[1])
    json.dump(out, sys.stdout, ensure_ascii=False, indent=1)
    sys.stdout.write("\n")
    return 1 if out["diagnostics"] else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
