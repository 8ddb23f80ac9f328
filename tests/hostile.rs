//! The hostile vault: `check` survives every odd input a vault can hold, in bounded time and
//! memory, reports each with the right rule, path, line and column, and never panics.
//!
//! `fixtures/hostile/` holds the small cases (empty note, front matter only or unterminated, a
//! BOM, CRLF and lone-CR line endings, tabs, a YAML alias bomb, ANSI escapes, links that climb
//! out of the vault). Big and odd files are made here, in a copy of it, at run time: a 50 MB
//! note and an 8 MB one, a 1 MB line, 10,000-deep lists and blockquotes, a 10,000-column table,
//! 50,000-deep YAML nesting, binary and Latin-1 notes, a file name holding an escape sequence
//! and a carriage return, symlink loops, symlinks out of the vault, and a named pipe.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::print_stderr
)]

mod common;

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use assert_cmd::Command;
use serde_json::Value;

/// Generous for a debug build on a busy machine; a release build takes a few seconds.
const TIME_LIMIT: Duration = Duration::from_secs(120);
const MEMORY_LIMIT_KB: u64 = 1024 * 1024;

const ODD_NAME: &str = "Odd \u{1b}[31mname\r.md";

struct Hostile {
    _dir: tempfile::TempDir,
    _outside: tempfile::TempDir,
    root: PathBuf,
    has_fifo: bool,
}

/// A note of `size` bytes of ordinary research prose (links, tags, figures, a table, code),
/// then `tail`.
fn long_note(size: usize, tail: &str) -> String {
    let block = "## Funding\n\nThe company raised $4.5B at a $30B valuation (see [[Index]] and \
                 [[BOM#BOM]]) #funding.\nRevenue grew to $1.2B in 2025, up from $400M; \
                 `code` and %%a comment%% stay out.\n\n| Year | Revenue |\n|---|---|\n| 2024 | \
                 $400M |\n| 2025 | $1.2B |\n\n";
    let mut text = String::with_capacity(size + tail.len() + block.len());
    text.push_str("# Long\n\n");
    while text.len() < size {
        text.push_str(block);
    }
    text.push_str(tail);
    text
}

fn build() -> Hostile {
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/hostile");
    let dir = tempfile::tempdir().unwrap();
    let outside = tempfile::tempdir().unwrap();
    let root = dir.path().join("vault");
    common::copy_dir(&fixtures, &root);
    let write = |name: &str, bytes: &[u8]| std::fs::write(root.join(name), bytes).unwrap();

    write("Huge.md", long_note(50 * 1024 * 1024, "").as_bytes());
    write(
        "Long.md",
        long_note(8 * 1024 * 1024, "\nThe end: [[Missing at the end]]\n").as_bytes(),
    );
    let mut line = "word ".repeat(200_000);
    line.push_str("[[Missing after a long line]]\n");
    write("Long line.md", line.as_bytes());
    write(
        "Deep lists.md",
        format!("{}x [[Missing in deep lists]]\n", "- ".repeat(10_000)).as_bytes(),
    );
    write(
        "Deep quotes.md",
        format!("{} x [[Missing in deep quotes]]\n", ">".repeat(10_000)).as_bytes(),
    );
    let mut staircase = String::new();
    for depth in 0..2_000 {
        let _ = writeln!(staircase, "{}- step", "  ".repeat(depth));
    }
    staircase.push_str("\n[[Missing after the staircase]]\n");
    write("Staircase.md", staircase.as_bytes());
    let columns = 10_000;
    let mut table = String::new();
    let _ = writeln!(
        table,
        "|{}|",
        (0..columns)
            .map(|i| format!("h{i}"))
            .collect::<Vec<_>>()
            .join("|")
    );
    let _ = writeln!(table, "|{}|", vec!["-"; columns].join("|"));
    let _ = writeln!(
        table,
        "|{}[[Missing in a wide table]]|",
        "c|".repeat(columns - 1)
    );
    write("Wide table.md", table.as_bytes());
    write(
        "Deep YAML.md",
        format!("---\na: {}\n---\n# Deep YAML\n", "[".repeat(50_000)).as_bytes(),
    );
    write("Binary.md", b"PK\x03\x04\x00\x00\xffbinary");
    write("Latin-1.md", b"# Caf\xe9\n");
    write(ODD_NAME, b"# Odd name\n\n[[Missing from odd name]]\n");

    #[cfg(not(unix))]
    let has_fifo = false;
    #[cfg(unix)]
    let has_fifo = {
        use std::os::unix::fs::symlink;
        std::fs::write(
            outside.path().join("secret.md"),
            "[[Never read, never reported]]\n",
        )
        .unwrap();
        symlink(outside.path().join("secret.md"), root.join("Outside.md")).unwrap();
        symlink(outside.path(), root.join("Outside folder")).unwrap();
        symlink("/etc/passwd", root.join("passwd.md")).unwrap();
        symlink(root.join("Loop.md"), root.join("Loop.md")).unwrap();
        std::fs::create_dir(root.join("Sub")).unwrap();
        symlink(&root, root.join("Sub/Back to root")).unwrap();
        symlink(root.join("Index.md"), root.join("Sub/Alias of index.md")).unwrap();
        // Opening a named pipe for reading blocks until a writer comes: it must never be opened.
        std::process::Command::new("mkfifo")
            .arg(root.join("Pipe.md"))
            .status()
            .is_ok_and(|s| s.success())
    };
    Hostile {
        _dir: dir,
        _outside: outside,
        root,
        has_fifo,
    }
}

fn check(root: &Path, extra: &[&str]) -> std::process::Output {
    Command::cargo_bin("vaultlint")
        .unwrap()
        .arg("check")
        .arg(root)
        .args(["--today", "2026-11-26", "--color", "never"])
        .args(extra)
        .timeout(TIME_LIMIT)
        .output()
        .unwrap()
}

/// Like [`check`], under `/usr/bin/time` when it is installed; also returns the peak resident
/// memory in KB.
fn check_measured(root: &Path, extra: &[&str]) -> (std::process::Output, Option<u64>) {
    let time = Path::new("/usr/bin/time");
    if !time.is_file() {
        eprintln!("memory not measured: /usr/bin/time is not installed");
        return (check(root, extra), None);
    }
    let report = root.parent().unwrap().join("rss.txt");
    let out = Command::new(time)
        .arg("-f")
        .arg("%M")
        .arg("-o")
        .arg(&report)
        .arg(assert_cmd::cargo::cargo_bin("vaultlint"))
        .arg("check")
        .arg(root)
        .args(["--today", "2026-11-26", "--color", "never"])
        .args(extra)
        .timeout(TIME_LIMIT)
        .output()
        .unwrap();
    let kb = std::fs::read_to_string(&report)
        .ok()
        .and_then(|t| t.trim().lines().last()?.trim().parse().ok());
    (out, kb)
}

#[test]
fn the_hostile_vault_is_checked_in_bounded_time_and_memory() {
    let v = build();
    let started = Instant::now();
    let (out, peak_kb) = check_measured(&v.root, &["--format", "json", "--threads", "2"]);
    let elapsed = started.elapsed();
    eprintln!("check took {elapsed:?}, peak memory {peak_kb:?} KB");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        elapsed < TIME_LIMIT,
        "took {elapsed:?} (killed at the limit): {stderr}"
    );
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    if let Some(kb) = peak_kb {
        assert!(kb < MEMORY_LIMIT_KB, "peak resident memory {kb} KB");
    }

    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    let got: Vec<(String, String, u64, u64)> = common::diagnostic_rows(&doc);
    let row = |rule: &str, path: &str, line: u64, column: u64| {
        (rule.to_string(), path.to_string(), line, column)
    };
    let long_lines = long_note(8 * 1024 * 1024, "").lines().count() as u64;
    // Sorted by path and position, the notes that could not be checked among the findings.
    let expected = vec![
        row("broken-link", "ANSI escapes.md", 5, 7),
        row("broken-link", "BOM.md", 4, 3),
        row("frontmatter-error", "Billion laughs.md", 2, 1),
        row("unreadable-note", "Binary.md", 1, 5),
        row("broken-link", "CRLF.md", 5, 7),
        row("frontmatter-error", "Deep YAML.md", 2, 132),
        row("broken-link", "Deep lists.md", 1, 20_005),
        row("broken-link", "Deep quotes.md", 1, 10_006),
        row("broken-link", "Escapes the vault.md", 3, 3),
        row("broken-link", "Escapes the vault.md", 5, 5),
        row("broken-link", "Escapes the vault.md", 7, 3),
        row("broken-link", "Escapes the vault.md", 7, 42),
        row("unreadable-note", "Huge.md", 1, 1),
        row("unreadable-note", "Latin-1.md", 1, 6),
        row("broken-link", "Lone CR.md", 5, 7),
        row("broken-link", "Long line.md", 1, 1_000_003),
        row("broken-link", "Long.md", long_lines + 2, 12),
        row("broken-link", ODD_NAME, 3, 3),
        row("broken-link", "Staircase.md", 2_002, 3),
        row("broken-link", "Tabs.md", 6, 27),
        row("frontmatter-error", "Unterminated front matter.md", 1, 1),
        row("broken-link", "Wide table.md", 3, 20_002),
    ];
    assert_eq!(got, expected);

    let by_path = |path: &str| -> Vec<&Value> {
        doc["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|d| d["path"] == path)
            .collect()
    };
    for d in by_path("Escapes the vault.md") {
        let message = d["message"].as_str().unwrap();
        assert!(message.ends_with("points outside the vault"), "{message}");
    }
    assert!(
        by_path("Huge.md")[0]["message"]
            .as_str()
            .unwrap()
            .starts_with("Note is 50.0 MiB, over the 16 MiB vaultlint reads")
    );
    assert!(
        by_path("Billion laughs.md")[0]["message"]
            .as_str()
            .unwrap()
            .contains("repetition limit exceeded")
    );
    // Reported: every note but the three that could not be read (symlinks and the pipe are
    // not notes).
    let notes = doc["summary"]["notes"].as_u64().unwrap();
    assert_eq!(notes, 19);
    assert!(!String::from_utf8_lossy(&out.stdout).contains("Never read"));
    if v.has_fifo {
        assert!(by_path("Pipe.md").is_empty());
    }

    verbose_says_which_symlinks_were_not_followed(&v);
}

/// Human output of the same vault: no panic, no huge line, symlinks named with why.
fn verbose_says_which_symlinks_were_not_followed(v: &Hostile) {
    let out = check(&v.root, &["--verbose"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    let stdout = String::from_utf8(out.stdout).unwrap();
    // Lines too long to show are reported by position, not printed.
    assert!(
        stdout.contains("Long line.md:1:1000003: Link target `Missing after a long line`"),
        "{stdout}"
    );
    assert!(
        stdout.lines().all(|l| l.len() < 2_000),
        "a huge line was printed"
    );
    if cfg!(not(unix)) {
        return;
    }
    for line in [
        "skipped Outside.md: symbolic link to a path outside the vault, not followed",
        "skipped Outside folder: symbolic link to a path outside the vault, not followed",
        "skipped passwd.md: symbolic link to a path outside the vault, not followed",
        "skipped Sub/Back to root: symbolic link, not followed",
        "skipped Sub/Alias of index.md: symbolic link, not followed",
        "skipped Loop.md: symbolic link that does not resolve (",
    ] {
        assert!(stdout.contains(line), "missing {line:?} in:\n{stdout}");
    }
    // The odd file name is shown escaped, never raw.
    assert!(stdout.contains(r"Odd \u{1b}[31mname\u{d}.md"), "{stdout}");
    assert!(!stdout.contains('\u{1b}') && !stdout.contains('\r'));
}

#[test]
fn a_hostile_config_is_a_pointed_error_not_a_hang() {
    let mut bomb =
        String::from("rules:\n  broken-link:\n    a: &a [\"lol\",\"lol\",\"lol\",\"lol\"]\n");
    let mut prev = "a".to_string();
    for level in 0..12 {
        let name = format!("l{level}");
        let refs = vec![format!("*{prev}"); 9].join(",");
        let _ = writeln!(bomb, "    {name}: &{name} [{refs}]");
        prev = name;
    }
    let deep = format!(
        "rules:\n  broken-link: {}{}\n",
        "[".repeat(100_000),
        "]".repeat(100_000)
    );
    let cases = [
        (bomb, "alias bomb", ".vaultlint.yaml:4:"),
        (deep, "nests too deeply", "column 144)"),
    ];
    for (config, help, place) in cases {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(".vaultlint.yaml"), &config).unwrap();
        std::fs::write(dir.path().join("A.md"), "# A\n").unwrap();
        let started = Instant::now();
        let out = Command::cargo_bin("vaultlint")
            .unwrap()
            .arg("check")
            .arg(dir.path())
            .timeout(Duration::from_secs(60))
            .output()
            .unwrap();
        assert!(started.elapsed() < Duration::from_secs(60));
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{stderr}");
        assert!(out.stdout.is_empty());
        assert!(stderr.contains(help), "{stderr}");
        assert!(stderr.contains(place), "{stderr}");
        assert!(!stderr.contains("panicked"), "{stderr}");
        assert!(
            stderr.lines().all(|l| l.len() < 2_000),
            "a huge line was printed"
        );
    }
}

/// Issue 26: notes whose cost grew with the square of their links, headings or findings. A
/// hang detector with a generous bound, not a timing: the scaling benchmark
/// (`bench/scale.sh`) measures how the cost grows.
#[test]
fn issue_26_notes_of_many_links_are_checked_in_bounded_time() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let write = |name: &str, text: &str| std::fs::write(root.join(name), text).unwrap();
    // 400,000 broken links on one line: 5.6 MB.
    write(
        "One line.md",
        &format!("{}\n", "word [[Link]] ".repeat(400_000)),
    );
    // 20,000 headings, each followed by a link to the next one (the last one is missing).
    let mut headings = String::new();
    for i in 0..20_000 {
        let _ = writeln!(headings, "## H{i}\n\nOn to [[#H{}]].\n", i + 1);
    }
    write("Headings.md", &headings);
    // 20,000 broken links, one per line, each asking for "did you mean".
    let mut lines = String::new();
    for i in 0..20_000 {
        let _ = writeln!(lines, "- [[Headingz {i}]]");
    }
    write("Lines.md", &lines);
    let started = Instant::now();
    let out = check(root, &["--format", "json", "--threads", "2"]);
    let elapsed = started.elapsed();
    eprintln!("check took {elapsed:?}");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        elapsed < TIME_LIMIT,
        "took {elapsed:?} (killed at the limit): {stderr}"
    );
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    let rows: Vec<(String, String, u64, u64)> = common::diagnostic_rows(&doc);
    let count = |path: &str, rule: &str| {
        rows.iter()
            .filter(|(r, p, _, _)| p == path && r == rule)
            .count()
    };
    assert_eq!(count("One line.md", "broken-link"), 400_000);
    assert_eq!(count("Headings.md", "broken-anchor"), 1);
    assert_eq!(count("Lines.md", "broken-link"), 20_000);
    assert_eq!(rows.len(), 420_001);
    // The last link of the long line is placed by its column.
    let last = rows
        .iter()
        .rfind(|(_, p, _, _)| p == "One line.md")
        .unwrap();
    assert_eq!((last.2, last.3), (1, 399_999 * 14 + 8));
}
