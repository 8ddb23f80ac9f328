#!/usr/bin/env python3
"""vaultlint scaling benchmark: does any input cost more than its size? (Python 3 stdlib only)

    scale.py run --vaultlint BIN [--shapes "a b"] [--runs 3] [--threads 2] [--timeout 60]
                 [--slow 5] [--full] [--work DIR] [--time-bin /usr/bin/time] [--report FILE]
    scale.py gen SHAPE N DIR        write the vault of one shape and size (to profile it)
    scale.py list                   the shapes, their sizes and what they hold

For each input shape, a vault is generated at 4-5 doubling sizes: a small ordinary vault
(`genvault.py --notes 100`) plus the hostile note or notes of that shape. Each size is checked
with `vaultlint check DIR --format json --threads T`: one untimed warm-up run, then RUNS timed
runs (wall time median; peak RSS from GNU time's `%M`, median; CPU time from its `%U %S`,
shown to tell growth from a busy machine). A shape passes when every doubling costs at most
2.5x the time and 2.5x the memory of the size before. The `changed-since` shape also times a
full check of each vault and must stay within 1.2x of it.

A run over TIMEOUT seconds is killed (with its process group) and shown as `timeout`; the
shape fails and its larger sizes are skipped. A size whose warm-up takes SLOW seconds or more
is not repeated: the warm-up is its one sample (noise is small next to such times). A shape
that already failed a doubling is not run at larger sizes when the next one, growing at the
same rate, would take longer than TIMEOUT, or once one of its sizes took SLOW seconds or more:
its verdict is settled, and those sizes are shown as `skipped` (`--full` runs them all).

Exit status of `run`: 0 when every shape passes, 1 when one fails, 2 on a setup error.
"""

import argparse
import hashlib
import inspect
import os
import random
import shutil
import signal
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
GENVAULT = os.path.join(HERE, "genvault.py")

BASE_NOTES = 100  # the ordinary vault under every shape: ~0.36 MB, checked in ~20 ms
BOUND = 2.5  # allowed cost of one doubling, time and memory
CHANGED_BOUND = 1.2  # allowed --changed-since time against a full check of the same vault
NOISY = 0.05  # seconds: a smallest size faster than this is flagged as noisy


def log(*args):
    print(*args, file=sys.stderr, flush=True)


# ---------------------------------------------------------------- shapes
#
# A shape is a generator of (vault-relative path, text) pairs for size N, added to a copy of
# the ordinary vault. Sizes were chosen against a release build so that the smallest size takes
# about 0.1 s or more (the ordinary vault alone takes ~20 ms and 13 MiB: the hostile part must
# dominate, or a constant cost hides the growth) and the largest stays well under TIMEOUT when
# the cost is linear.

SHAPES = {}


class Shape:
    def __init__(self, name, sizes, title, gen, copies=1, git=False):
        self.name, self.sizes, self.title, self.gen = name, sizes, title, gen
        self.copies = copies  # the hostile note is written this many times (tiny per-note costs)
        self.git = git


def shape(name, sizes, title, copies=1, git=False):
    def register(gen):
        SHAPES[name] = Shape(name, sizes, title, gen, copies, git)
        return gen
    return register


def near_names():
    """Notes a broken `[[Link]]`, `[[Lnk 7]]` or `[[Other#...]]` is close to: every broken
    link below gets a "did you mean" search that finds candidates."""
    for name in ("Links", "Line", "Lint"):
        yield f"Names/{name}.md", f"# {name}\n\nA note whose name is close to `Link`.\n"
    for k in range(100):
        yield f"Names/Link {k}.md", f"# Link {k}\n\n## Details\n\nSee [[Link {(k + 1) % 100}]].\n"
    yield ("Names/Other.md",
           "# Other\n\n" + "".join(f"## Section {k}\n\nText.\n\n" for k in range(20)))


@shape("links-line", [25_000, 50_000, 100_000, 200_000, 400_000],
       "one line of N `word [[Link]]`, all broken, each with a did-you-mean "
       "(N = 400,000 is a 5.6 MB note)")
def gen_links_line(n):
    yield from near_names()
    yield "Hostile.md", "# Hostile\n\n" + "word [[Link]] " * n + "\n"


@shape("links-note", [25_000, 50_000, 100_000, 200_000, 400_000],
       "one note, N lines `Line k: see [[Link k%100]].`, all resolving")
def gen_links_note(n):
    yield from near_names()
    yield "Hostile.md", "# Hostile\n\n" + "".join(
        f"Line {k}: see [[Link {k % 100}]].\n" for k in range(n))


@shape("broken-note", [12_500, 25_000, 50_000, 100_000, 200_000],
       "one note, N lines `Line k: see [[Lnk k%100]].`, all broken, each one edit from a note")
def gen_broken_note(n):
    yield from near_names()
    yield "Hostile.md", "# Hostile\n\n" + "".join(
        f"Line {k}: see [[Lnk {k % 100}]].\n" for k in range(n))


@shape("headings", [25_000, 50_000, 100_000, 200_000, 400_000],
       "one note, N `## Hk` headings, each followed by a line linking `[[#H(k+1)]]` "
       "(the last one broken)")
def gen_headings(n):
    yield "Hostile.md", "# Hostile\n\n" + "".join(
        f"## H{k}\n\nNext: [[#H{k + 1}]]\n\n" for k in range(1, n + 1))


@shape("anchors-missing", [12_500, 25_000, 50_000, 100_000, 200_000],
       "one note, N lines alternating `[[#Nope k]]` and `[[Other#Missing k]]`: "
       "broken anchors, with 20 headings here and in Other to suggest")
def gen_anchors_missing(n):
    yield from near_names()
    head = "# Hostile\n\n" + "".join(f"## Part {k}\n\nText.\n\n" for k in range(20))
    yield "Hostile.md", head + "".join(
        f"See [[#Nope {k}]].\n" if k % 2 == 0 else f"See [[Other#Missing {k}]].\n"
        for k in range(n))


@shape("table-rows", [25_000, 50_000, 100_000, 200_000, 400_000],
       "one table of N rows `| Segment k | $kM | k% |` under a Total row that does not add up")
def gen_table_rows(n):
    rows = "".join(f"| Segment {k} | ${k % 900 + 1}M | {k % 97}% |\n" for k in range(n))
    yield "Hostile.md", ("# Hostile\n\n## Revenue by segment\n\n| Segment | Revenue | Share |\n"
                         "|---|---|---|\n" + rows + "| Total | $1M | 100% |\n")


@shape("table-columns", [6_250, 12_500, 25_000, 50_000, 100_000],
       "one table of N columns (`| Metric | FY0 | FY1 | ...`) and 4 rows of figures "
       "(Revenue twice, with other values)")
def gen_table_columns(n):
    header = "| Metric |" + "".join(f" FY{k} |" for k in range(n)) + "\n"
    rule = "|---|" + "---|" * n + "\n"
    rows = [
        "| Revenue |" + "".join(f" ${k % 900 + 1}M |" for k in range(n)) + "\n",
        "| Employees |" + "".join(f" {k % 5000 + 10} |" for k in range(n)) + "\n",
        "| Margin |" + "".join(f" {k % 90}% |" for k in range(n)) + "\n",
        "| Revenue |" + "".join(f" ${k % 900 + 2}M |" for k in range(n)) + "\n",
    ]
    yield "Hostile.md", "# Hostile\n\n## Results\n\n" + header + rule + "".join(rows)


FIGURE_SENTENCES = (
    "The company has a $4.5B valuation and $70M in revenue.",
    "The company has a $4.9B valuation and $90M in revenue.",
    "It has 600 employees.",
    "It has 750 employees.",
)


@shape("figures-line", [2_000, 4_000, 8_000, 16_000, 32_000],
       "one line of N figure sentences (`The company has a $4.5B valuation and $70M in "
       "revenue.`, with conflicting values)")
def gen_figures_line(n):
    text = " ".join(FIGURE_SENTENCES[k % 4] for k in range(n))
    yield "Hostile.md", "# Hostile\n\n" + text + "\n"


@shape("figures-note", [12_500, 25_000, 50_000, 100_000, 200_000],
       "one note, N lines of figure sentences (conflicting values)")
def gen_figures_note(n):
    yield "Hostile.md", "# Hostile\n\n" + "".join(
        f"- {FIGURE_SENTENCES[k % 4]}\n" for k in range(n))


@shape("suppressions", [12_500, 25_000, 50_000, 100_000, 200_000],
       "one note, N `%% vaultlint-disable-next-line broken-link %%` each over a broken link "
       "(every 8th over a line with nothing to hide: unused-suppression)")
def gen_suppressions(n):
    yield from near_names()
    yield "Hostile.md", "# Hostile\n\n" + "".join(
        "%% vaultlint-disable-next-line broken-link %%\n"
        + (f"Fine line {k}.\n" if k % 8 == 7 else f"See [[Lnk {k % 100}]] and [[Missing {k}]].\n")
        for k in range(n))


@shape("fm-keys", [62_500, 125_000, 250_000, 500_000, 1_000_000],
       "one note whose front matter holds N keys `kK: v`")
def gen_fm_keys(n):
    yield "Hostile.md", ("---\n" + "".join(f"k{k}: v\n" for k in range(n))
                         + "tags: [hostile]\n---\n# Hostile\n")


@shape("fm-nesting", [125_000, 250_000, 500_000, 1_000_000, 2_000_000],
       "one note whose front matter nests N block sequences (`key:` then `- - - ... x`)")
def gen_fm_nesting(n):
    yield "Hostile.md", "---\nkey:\n  " + "- " * n + "x\n---\n# Hostile\n"


@shape("fm-flow-nesting", [250, 500, 1000, 2000],
       "200 notes, each with front matter `key: [[[...x...]]]` nested N deep", copies=200)
def gen_fm_flow_nesting(n):
    for c in range(200):
        yield f"Nested/N{c}.md", f"---\nkey: {'[' * n}x{']' * n}\n---\n# N{c}\n"


@shape("same-name", [4_000, 8_000, 16_000, 32_000, 64_000],
       "N notes `F k/Same.md` (each linking `[[F k+1/Same]]`), and a note with 10 `[[Same]]`: "
       "ambiguous")
def gen_same_name(n):
    for k in range(n):
        yield f"Same/F {k}/Same.md", f"# Same {k}\n\nNext: [[F {(k + 1) % n}/Same]].\n"
    yield "Hub.md", "# Hub\n\n" + "".join(f"- [[Same]] {k}\n" for k in range(10))


@shape("aliases", [4_000, 8_000, 16_000, 32_000, 64_000],
       "N notes with `aliases: [Same]` (each linking the next), and a note with 10 `[[Same]]`")
def gen_aliases(n):
    for k in range(n):
        yield (f"Aliased/A {k}.md",
               f"---\naliases: [Same]\n---\n# A {k}\n\nNext: [[A {(k + 1) % n}]].\n")
    yield "Hub.md", "# Hub\n\n" + "".join(f"- [[Same]] {k}\n" for k in range(10))


LONG_WORDS = """amber basin cedar delta ember fjord glade harbor inlet juniper kestrel lagoon
meadow nectar orchard prairie quarry ridge summit thicket upland valley willow yarrow zephyr
anvil beacon cobalt dune estuary falcon granite heron ivory jasper lantern marble nimbus onyx
pebble quartz raven sable tundra umber vortex wren""".split()


@shape("long-names", [4_000, 8_000, 16_000, 32_000, 64_000],
       "N notes with ~200-character names of random words, each linking the next by name "
       "and once with a typo (broken, did-you-mean over N long names)")
def gen_long_names(n):
    rnd = random.Random(26)
    names = []
    for k in range(n):
        words = []
        while sum(len(w) + 1 for w in words) < 190:
            words.append(rnd.choice(LONG_WORDS))
        names.append(f"{' '.join(words)} {k}")
    for k, name in enumerate(names):
        nxt = names[(k + 1) % n]
        typo = nxt[:40] + nxt[41:]  # one character left out
        yield f"Long/{name}.md", f"# {k}\n\nNext: [[{nxt}]], misspelt [[{typo}]].\n"


@shape("deep-folders", [128, 256, 512, 1024],
       "100 folder chains N deep (`Deep/cC/d/d/.../d/Deep C.md`), each note linking the next "
       "by name and one missing note", copies=100)
def gen_deep_folders(n):
    # 1,024 levels of `d/` keep the longest path near 2 KB, well inside PATH_MAX (4,096).
    chain = "/".join(["d"] * n)
    for c in range(100):
        yield (f"Deep/c{c}/{chain}/Deep {c}.md",
               f"# Deep {c}\n\nNext: [[Deep {(c + 1) % 100}]], missing: [[Deeep {c} x]].\n")


@shape("changed-since", [125, 250, 500, 1_000, 2_000],
       "a 2,000-note git vault, N notes changed in the last commit: "
       "`check --changed-since HEAD~1` against a full check", git=True)
def gen_changed_since(n):
    return iter(())  # the vault is made by make_git_vault


CHANGED_VAULT_NOTES = 2_000


# ---------------------------------------------------------------- vaults

def generator_hash(sh):
    """What a shape's vaults depend on: its generator, the shared helpers and genvault.py.
    Editing the rest of this file keeps the vaults."""
    h = hashlib.sha256(sha(GENVAULT).encode())
    for part in (sh.gen, near_names, write_files, makedirs, make_git_vault):
        h.update(inspect.getsource(part).encode())
    h.update(repr((FIGURE_SENTENCES, LONG_WORDS, BASE_NOTES, CHANGED_VAULT_NOTES)).encode())
    return h.hexdigest()[:16]


def sha(*paths):
    h = hashlib.sha256()
    for p in paths:
        with open(p, "rb") as fh:
            h.update(fh.read())
    return h.hexdigest()[:16]


def genvault(notes, out, seed=1):
    subprocess.run([sys.executable, GENVAULT, "--notes", str(notes), "--out", out,
                    "--seed", str(seed), "--quiet"], check=True)


def stamp_ok(dirpath, want):
    try:
        with open(dirpath + ".stamp", encoding="utf-8") as fh:
            return fh.read() == want and os.path.isdir(dirpath)
    except OSError:
        return False


def write_stamp(dirpath, want):
    with open(dirpath + ".stamp", "w", encoding="utf-8") as fh:
        fh.write(want)


def base_vault(work):
    path = os.path.join(work, "base")
    want = f"genvault={sha(GENVAULT)} notes={BASE_NOTES} seed=1"
    if not stamp_ok(path, want):
        log(f"base: generating the ordinary vault ({BASE_NOTES} notes) ...")
        genvault(BASE_NOTES, path)
        write_stamp(path, want)
    return path


def makedirs(root, rel):
    """os.makedirs for any depth: one level at a time from an open folder (os.makedirs
    recurses once per level, and resolves ever longer paths)."""
    fd = os.open(root, os.O_RDONLY | os.O_DIRECTORY)
    try:
        for part in rel.split("/"):
            try:
                os.mkdir(part, dir_fd=fd)
            except FileExistsError:
                pass
            inner = os.open(part, os.O_RDONLY | os.O_DIRECTORY, dir_fd=fd)
            os.close(fd)
            fd = inner
    finally:
        os.close(fd)


def write_files(root, files):
    """Writes (path, text) pairs below root: the number of notes and their bytes."""
    made = set()
    notes = size = 0
    for rel, text in files:
        full = os.path.join(root, rel)
        folder = os.path.dirname(rel)
        if folder and folder not in made:
            makedirs(root, folder)
            made.add(folder)
        data = text.encode("utf-8")
        with open(full, "wb") as fh:
            fh.write(data)
        if rel.endswith(".md"):
            notes += 1
            size += len(data)
    return notes, size


def git(vault, *args):
    env = dict(os.environ, GIT_AUTHOR_NAME="bench", GIT_AUTHOR_EMAIL="bench@example.com",
               GIT_COMMITTER_NAME="bench", GIT_COMMITTER_EMAIL="bench@example.com",
               GIT_AUTHOR_DATE="2026-01-01T00:00:00Z", GIT_COMMITTER_DATE="2026-01-01T00:00:00Z")
    subprocess.run(["git", "-c", "init.defaultBranch=main", "-c", "commit.gpgsign=false",
                    *args], cwd=vault, env=env, check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def make_git_vault(path, n):
    """A CHANGED_VAULT_NOTES-note vault in git: one commit, then N notes edited (a line added
    to the body) and committed."""
    genvault(CHANGED_VAULT_NOTES, path)
    git(path, "init", "-q")
    git(path, "add", "-A")
    git(path, "commit", "-q", "-m", "vault")
    notes = sorted(notes_below(path))
    step = max(1, len(notes) // max(n, 1))
    for note in notes[::step][:n]:
        with open(note, "a", encoding="utf-8") as fh:
            fh.write("\nA line added since the last commit.\n")
    git(path, "add", "-A")
    git(path, "commit", "-q", "-m", f"edit {n} notes")


def make_vault(work, sh, n):
    """The vault of shape `sh` at size `n`, reused while the generators are unchanged."""
    path = os.path.join(work, "vaults", sh.name, f"n{n}")
    want = f"generator={generator_hash(sh)} shape={sh.name} n={n}"
    if stamp_ok(path, want):
        return path
    t0 = time.perf_counter()
    remove(path)
    for stale in (path + ".stamp", path + ".size"):
        if os.path.exists(stale):
            os.remove(stale)
    if sh.git:
        make_git_vault(path, n)
        size = vault_size(path)
    else:
        base = base_vault(work)
        shutil.copytree(base, path)
        base_notes, base_mb = vault_size(base)
        notes, written = write_files(path, sh.gen(n))
        size = (base_notes + notes, base_mb + written / 1e6)
    # Walking a deep vault again costs more than checking it: its size is kept.
    with open(path + ".size", "w", encoding="utf-8") as fh:
        fh.write(f"{size[0]} {size[1]}\n")
    write_stamp(path, want)
    log(f"{sh.name} {n}: generated in {time.perf_counter() - t0:.1f} s")
    return path


def notes_below(path):
    """Paths of the .md files below path, dot-folders skipped; iterative (os.walk recurses
    once per level)."""
    stack = [path]
    while stack:
        folder = stack.pop()
        with os.scandir(folder) as it:
            for e in it:
                if e.name.startswith("."):
                    continue
                if e.is_dir(follow_symlinks=False):
                    stack.append(e.path)
                elif e.name.endswith(".md"):
                    yield e.path


def vault_size(path):
    """(notes, MB of .md) below path: as recorded when it was made, else counted."""
    try:
        with open(path + ".size", encoding="utf-8") as fh:
            notes, mb = fh.read().split()
        return int(notes), float(mb)
    except (OSError, ValueError):
        pass
    n = total = 0
    for note in notes_below(path):
        n += 1
        total += os.path.getsize(note)
    return n, total / 1e6


def remove(path):
    """Removes a vault, however deep (shutil.rmtree recurses once per level)."""
    if os.path.lexists(path):
        subprocess.run(["rm", "-rf", "--", path], check=True)


# ---------------------------------------------------------------- measuring

class Sample:
    def __init__(self, secs, rc, rss_kb=None, cpu=None):
        self.secs, self.rc, self.rss_kb, self.cpu = secs, rc, rss_kb, cpu


def run_once(cmd, out_path, err_path, timeout, time_bin, cwd=None):
    """One run: wall seconds, exit code (None on timeout), and from GNU time the peak RSS in
    KB and the CPU seconds (user + system, child processes included); None when unknown."""
    rss_file = out_path + ".rss"
    full = [time_bin, "-f", "%M %U %S", "-o", rss_file, *cmd] if time_bin else list(cmd)
    with open(out_path, "wb") as out, open(err_path, "ab") as err:
        t0 = time.perf_counter()
        proc = subprocess.Popen(full, stdout=out, stderr=err, cwd=cwd, start_new_session=True)
        try:
            rc = proc.wait(timeout=timeout or None)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
            return Sample(time.perf_counter() - t0, None)
        secs = time.perf_counter() - t0
    rss = cpu = None
    if time_bin:
        try:
            # The last line; a "Command exited with non-zero status" line may come before.
            with open(rss_file, encoding="utf-8") as fh:
                kb, user, system = fh.read().splitlines()[-1].split()
            rss, cpu = int(kb), float(user) + float(system)
        except (OSError, ValueError, IndexError):
            pass
    return Sample(secs, rc, rss, cpu)


class Result:
    """The measurement of one command at one size."""

    def __init__(self):
        self.samples = []
        self.status = "ok"  # ok | timeout | fail (exit N)

    @property
    def secs(self):
        return statistics.median(s.secs for s in self.samples) if self.ok else None

    @property
    def rss_kb(self):
        v = [s.rss_kb for s in self.samples if s.rss_kb is not None]
        return statistics.median(v) if self.ok and v else None

    @property
    def cpu(self):
        v = [s.cpu for s in self.samples if s.cpu is not None]
        return statistics.median(v) if self.ok and v else None

    @property
    def ok(self):
        return self.status == "ok" and bool(self.samples)


def measure(cmd, res_dir, name, args, cwd=None):
    """Warm-up, then args.runs timed runs (or the warm-up alone when it is slow)."""
    r = Result()
    out, err = os.path.join(res_dir, name + ".out"), os.path.join(res_dir, name + ".err")
    for i in range(args.runs + 1):
        s = run_once(cmd, out, err, args.timeout, args.time_bin, cwd)
        if s.rc is None:
            r.status = f"timeout ({args.timeout:g} s)"
            return r
        if s.rc not in (0, 1):
            r.status = f"fail (exit {s.rc})"
            return r
        if i == 0:
            if s.secs < args.slow:
                continue  # warm-up
            r.samples.append(s)
            break
        r.samples.append(s)
    return r


def findings(path):
    """Number of diagnostics in a JSON report, counted without parsing it (it can be huge)."""
    try:
        with open(path, "rb") as fh:
            return fh.read().count(b'"rule":')
    except OSError:
        return None


# ---------------------------------------------------------------- formatting

def fmt_n(n):
    if n >= 1000 and n % 1000 == 0:
        return f"{n // 1000}k"
    if n >= 1000 and n % 100 == 0:
        return f"{n / 1000:g}k"
    return str(n)


def fmt_secs(v):
    if v is None:
        return "—"
    return f"{v:.3f}" if v < 10 else f"{v:.1f}"


def fmt_mib(kb):
    return "—" if kb is None else f"{kb / 1024:.0f}" if kb >= 10 * 1024 else f"{kb / 1024:.1f}"


def fmt_ratio(v):
    return "—" if v is None else f"{v:.2f}×"


def cell_of(res):
    return fmt_secs(res.secs) if res.ok else res.status.split(" (")[0]


def ratios(values):
    out = []
    for a, b in zip(values, values[1:]):
        out.append(b / a if a and b is not None and a > 0 else None)
    return out


# ---------------------------------------------------------------- the run

def run_shape(sh, args):
    res_root = os.path.join(args.work, "results", sh.name)
    os.makedirs(res_root, exist_ok=True)
    rows = []  # one dict per size
    stopped = None
    for n in sh.sizes:
        row = {"n": n}
        rows.append(row)
        if stopped:
            row["res"] = None
            row["skipped"] = stopped
            continue
        try:
            vault = make_vault(args.work, sh, n)
        except (OSError, subprocess.CalledProcessError) as e:
            log(f"error: {sh.name} {n}: generating the vault failed: {e}")
            r = Result()
            r.status = "generation failed"
            row["res"] = r
            stopped = "generation failed"
            continue
        row["notes"], row["mb"] = vault_size(vault)
        res_dir = os.path.join(res_root, f"n{n}")
        shutil.rmtree(res_dir, ignore_errors=True)
        os.makedirs(res_dir)
        base = [args.vaultlint, "check", vault, "--format", "json", "--threads", str(args.threads)]
        if sh.git:
            row["full"] = measure(base, res_dir, "full", args)
            cmd = base + ["--changed-since", "HEAD~1"]
        else:
            cmd = base
        r = measure(cmd, res_dir, "check", args)
        row["res"] = r
        row["findings"] = findings(os.path.join(res_dir, "check.out")) if r.ok else None
        extra = ""
        if sh.git and row["full"].ok and r.ok:
            extra = f", full check {fmt_secs(row['full'].secs)} s ({r.secs / row['full'].secs:.2f}×)"
        log(f"{sh.name} {fmt_n(n)}: {cell_of(r)}"
            + (" s" if r.ok else "")
            + (f", {fmt_mib(r.rss_kb)} MiB" if r.ok and r.rss_kb else "")
            + (f", {row['findings']:,} findings" if row.get("findings") is not None else "")
            + extra)
        if not r.ok:
            stopped = f"skipped ({fmt_n(n)} {r.status.split(' (')[0]})"
            continue
        # A shape that already failed a doubling keeps its verdict at larger sizes: they are
        # skipped once a size is slow, or when the next would time out at the same growth.
        prev = rows[-2]["res"] if len(rows) > 1 else None
        if not args.full and prev is not None and prev.ok:
            growth = r.secs / prev.secs
            failed = growth > BOUND or any(
                x > BOUND for x in ratios([row["res"].secs for row in rows]) if x is not None)
            projected = r.secs * max(growth, 2.0)
            if failed and (r.secs >= args.slow or (args.timeout and projected > args.timeout)):
                stopped = f"skipped (failed; next ≈ {projected:.0f} s)"

    times = [row["res"].secs if row["res"] and row["res"].ok else None for row in rows]
    mems = [row["res"].rss_kb if row["res"] and row["res"].ok else None for row in rows]
    cpus = [row["res"].cpu if row["res"] and row["res"].ok else None for row in rows]
    t_ratios, m_ratios, c_ratios = ratios(times), ratios(mems), ratios(cpus)
    problems = []
    for row in rows:
        if row["res"] is None:
            continue
        if not row["res"].ok:
            problems.append(f"{fmt_n(row['n'])}: {row['res'].status}")
    worst_t = max((x for x in t_ratios if x is not None), default=None)
    worst_m = max((x for x in m_ratios if x is not None), default=None)
    if worst_t is not None and worst_t > BOUND:
        problems.append(f"time ×{worst_t:.2f} per doubling")
        # Wall time over the bound where CPU time is not: other work on the machine, most
        # likely (a run waiting for the CPU takes longer without doing more).
        cpu_at = [c for t, c in zip(t_ratios, c_ratios) if t is not None and t > BOUND]
        if cpu_at and all(c is not None and c <= BOUND for c in cpu_at):
            problems.append(f"CPU time ×{max(cpu_at):.2f} there: the machine was busy? "
                            "run it again alone")
    if worst_m is not None and worst_m > BOUND:
        problems.append(f"memory ×{worst_m:.2f} per doubling")
    changed = None
    if sh.git:
        changed = [row["res"].secs / row["full"].secs
                   if row["res"] and row["res"].ok and row.get("full") and row["full"].ok
                   else None for row in rows]
        worst_c = max((x for x in changed if x is not None), default=None)
        if worst_c is not None and worst_c > CHANGED_BOUND:
            problems.append(f"--changed-since {worst_c:.2f}× a full check")
    measured = [t for t in times if t is not None]
    return {
        "shape": sh, "rows": rows, "times": times, "mems": mems,
        "t_ratios": t_ratios, "m_ratios": m_ratios, "c_ratios": c_ratios,
        "worst_t": worst_t, "worst_m": worst_m,
        "changed": changed, "problems": problems, "passed": not problems and len(measured) >= 2,
        "noisy": bool(measured) and measured[0] < NOISY,
    }


def summary_table(results, rss_known):
    lines = [
        "| shape | sizes (N) | time (s) | × per doubling | peak RSS (MiB) | × per doubling "
        "| worst | result |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for r in results:
        sh = r["shape"]
        sizes = " ".join(fmt_n(n) for n in sh.sizes)
        times = " · ".join(cell_of(row["res"]) if row["res"] else "skipped"
                           for row in r["rows"])
        mems = " · ".join(fmt_mib(m) for m in r["mems"]) if rss_known else "—"
        tr = " ".join(fmt_ratio(x).rstrip("×") for x in r["t_ratios"])
        mr = " ".join(fmt_ratio(x).rstrip("×") for x in r["m_ratios"]) if rss_known else "—"
        worst = []
        if r["worst_t"] is not None:
            worst.append(f"time {r['worst_t']:.2f}×")
        if r["worst_m"] is not None:
            worst.append(f"RSS {r['worst_m']:.2f}×")
        if r["changed"]:
            c = max((x for x in r["changed"] if x is not None), default=None)
            if c is not None:
                worst.append(f"vs full {c:.2f}×")
        if r["passed"]:
            verdict = "pass" + (" (noisy: < 50 ms)" if r["noisy"] else "")
        else:
            verdict = "**FAIL**: " + "; ".join(r["problems"] or ["too few sizes measured"])
        lines.append(f"| {sh.name} | {sizes} | {times} | {tr} | {mems} | {mr} | "
                     f"{', '.join(worst) or '—'} | {verdict} |")
    return lines


def detail_tables(results):
    lines = []
    for r in results:
        sh = r["shape"]
        lines += ["", f"### {sh.name}: {sh.title}", ""]
        head = "| N | notes / MB | findings | time | × | CPU time | × | peak RSS | × |"
        rule = "|---|---|---|---|---|---|---|---|---|"
        if sh.git:
            head += " full check | changed ÷ full |"
            rule += "---|---|"
        lines += [head, rule]
        for i, row in enumerate(r["rows"]):
            res = row["res"]
            if res is None:
                lines.append(f"| {fmt_n(row['n'])} | — | — | {row.get('skipped', '—')} | — | — | — | — | — |"
                             + (" — | — |" if sh.git else ""))
                continue
            size = (f"{row['notes']:,} / {row['mb']:.1f}" if "notes" in row else "—")
            tr = fmt_ratio(r["t_ratios"][i - 1]) if i else ""
            mr = fmt_ratio(r["m_ratios"][i - 1]) if i else ""
            cr = fmt_ratio(r["c_ratios"][i - 1]) if i else ""
            f = row.get("findings")
            line = (f"| {fmt_n(row['n'])} | {size} | {'—' if f is None else f'{f:,}'} | "
                    f"{cell_of(res)}{' s' if res.ok else ''}"
                    f"{'' if not res.ok or len(res.samples) > 1 else ' (1 run)'} | {tr} | "
                    f"{fmt_secs(res.cpu)}{' s' if res.cpu is not None else ''} | {cr} | "
                    f"{fmt_mib(res.rss_kb)}{' MiB' if res.rss_kb else ''} | {mr} |")
            if sh.git:
                full = row.get("full")
                c = r["changed"][i]
                line += (f" {cell_of(full)}{' s' if full and full.ok else ''} | "
                         f"{fmt_ratio(c)} |")
            lines.append(line)
    return lines


def cmd_run(args):
    if not os.access(args.vaultlint, os.X_OK):
        log(f"scale.py: {args.vaultlint} is not executable")
        return 2
    args.vaultlint = os.path.abspath(args.vaultlint)
    args.work = os.path.abspath(args.work)
    names = args.shapes.split() if args.shapes else list(SHAPES)
    unknown = [n for n in names if n not in SHAPES]
    if unknown:
        log(f"scale.py: unknown shape(s): {' '.join(unknown)}; known: {' '.join(SHAPES)}")
        return 2
    if any(SHAPES[n].git for n in names) and shutil.which("git") is None:
        log("scale.py: git is needed for the changed-since shape (apt-get install git)")
        return 2
    os.makedirs(args.work, exist_ok=True)
    try:
        base = base_vault(args.work)
    except (OSError, subprocess.CalledProcessError) as e:
        log(f"scale.py: generating the ordinary vault failed: {e}")
        return 2

    started = time.perf_counter()
    res_dir = os.path.join(args.work, "results", "base")
    shutil.rmtree(res_dir, ignore_errors=True)
    os.makedirs(res_dir)
    base_res = measure([args.vaultlint, "check", base, "--format", "json", "--threads",
                        str(args.threads)], res_dir, "check", args)
    log(f"base ({BASE_NOTES} notes): {cell_of(base_res)} s"
        + (f", {fmt_mib(base_res.rss_kb)} MiB" if base_res.rss_kb else ""))

    results = []
    for name in names:
        t0 = time.perf_counter()
        results.append(run_shape(SHAPES[name], args))
        log(f"{name}: done in {time.perf_counter() - t0:.0f} s")
    elapsed = time.perf_counter() - started

    version = subprocess.run([args.vaultlint, "--version"], capture_output=True,
                             text=True).stdout.strip() or "?"
    rss_known = args.time_bin is not None
    failed = [r["shape"].name for r in results if not r["passed"]]
    lines = [
        f"## vaultlint scaling benchmark — {version}",
        "",
        f"{os.cpu_count()} cores, `check DIR --format json --threads {args.threads}`, warm cache, "
        f"median of {args.runs} run{'s' if args.runs > 1 else ''} after a warm-up (one run when the warm-up takes "
        f"{args.slow:g} s or more), timeout {args.timeout:g} s, "
        f"{'peak RSS from GNU time' if rss_known else 'no peak RSS (GNU time missing)'}. "
        f"Every vault is the {BASE_NOTES}-note ordinary vault plus the shape "
        f"(alone: {fmt_secs(base_res.secs)} s, {fmt_mib(base_res.rss_kb)} MiB). "
        f"A shape passes when each doubling costs ≤ {BOUND}× time and ≤ {BOUND}× memory"
        f" (`changed-since` also ≤ {CHANGED_BOUND}× a full check). Total {elapsed:.0f} s.",
        "",
    ]
    lines += summary_table(results, rss_known)
    lines += ["", f"{len(results) - len(failed)} of {len(results)} shapes pass"
              + (f"; failing: {', '.join(failed)}." if failed else ".")]
    lines += detail_tables(results)
    text = "\n".join(lines) + "\n"
    print(text, end="")
    if args.report:
        os.makedirs(os.path.dirname(os.path.abspath(args.report)), exist_ok=True)
        with open(args.report, "w", encoding="utf-8") as fh:
            fh.write(text)
        log(f"\nreport: {args.report}; raw runs: {os.path.join(args.work, 'results')}/")
    return 1 if failed else 0


def cmd_gen(args):
    sh = SHAPES.get(args.shape)
    if sh is None:
        log(f"scale.py: unknown shape {args.shape}; known: {' '.join(SHAPES)}")
        return 2
    if os.path.exists(args.dir):
        log(f"scale.py: {args.dir} exists; give a new folder")
        return 2
    if sh.git:
        make_git_vault(args.dir, args.n)
    else:
        genvault(BASE_NOTES, args.dir)
        write_files(args.dir, sh.gen(args.n))
    notes, mb = vault_size(args.dir)
    log(f"{args.dir}: {notes:,} notes, {mb:.1f} MB")
    return 0


def cmd_list(_args):
    for sh in SHAPES.values():
        print(f"{sh.name:16} {' '.join(fmt_n(n) for n in sh.sizes):34} {sh.title}")
    return 0


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    run = sub.add_parser("run", help="generate, measure, report")
    run.add_argument("--vaultlint", required=True)
    run.add_argument("--shapes", default="")
    run.add_argument("--runs", type=int, default=3)
    run.add_argument("--threads", type=int, default=2)
    run.add_argument("--timeout", type=float, default=60)
    run.add_argument("--slow", type=float, default=5)
    run.add_argument("--full", action="store_true",
                     help="run every size of a failing shape too (up to the timeout)")
    run.add_argument("--work", default="target/bench/scale")
    run.add_argument("--time-bin", default=None)
    run.add_argument("--report", default=None)
    gen = sub.add_parser("gen", help="write one vault")
    gen.add_argument("shape")
    gen.add_argument("n", type=int)
    gen.add_argument("dir")
    sub.add_parser("list", help="list the shapes")
    args = ap.parse_args(argv[1:])
    if args.cmd == "run":
        if args.runs < 1:
            ap.error("--runs must be at least 1")
        return cmd_run(args)
    if args.cmd == "gen":
        return cmd_gen(args)
    return cmd_list(args)


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv))
    except KeyboardInterrupt:
        sys.exit(130)
    except Exception:  # a bug here is a setup error (2), not a failing shape (1)
        import traceback
        traceback.print_exc()
        sys.exit(2)
