//! Every note's bytes are read once per check: counted with `strace -e trace=openat` on a
//! small vault whose findings include those that used to send a report back to the file (a
//! broken link written outside ASCII, a broken heading link whose help lists the target's
//! headings, a figure quoted from another note, a fix whose edit is not the finding's span).
//! With `--format json` each note is opened once. With the human format a note is opened once
//! more only to show lines: its own findings', or the other place another note's finding
//! points to; on one thread or several, however the threads of the render interleave. Skipped where strace is not installed (or
//! not allowed to trace).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::process::Command;

const NOTES: [(&str, &str); 7] = [
    (
        "A.md",
        "# A\n\n## Part\n\nSee [[B]], [[Gone é]], [[B#Fundng]] and [[Ünïcode missing|shown]].\n\n*Updated 2020-01-01*\n",
    ),
    (
        "B.md",
        "---\naliases: [Bee]\n---\n# B\n\n## Funding\n\n| Metric | Value |\n|---|---|\n| Valuation | $2B |\n",
    ),
    (
        "Folder/C.md",
        "# C\n\n| Company | Valuation |\n|-|-|\n| [[B]] | $4.5B |\n",
    ),
    (
        "Folder/D é.md",
        "# D\r\n\r\nSee [[A#Part]] and [[A#^nope]].\r\n",
    ),
    ("E.md", "# E\n\nClean, with [[Folder/D é]].\n"),
    // A fix whose edit reaches past the finding (the `\|` of a link in a table): JSON places
    // the edit without reading the note again.
    (
        "F.md",
        "# F\n\n| Deal | Lead |\n|---|---|\n| Seed | [[Nortwind\\|NW]] |\n",
    ),
    ("Northwind.md", "# Northwind\n"),
];

fn strace_works() -> bool {
    Command::new("strace")
        .args(["-f", "-e", "trace=openat", "-o", "/dev/null", "true"])
        .status()
        .is_ok_and(|s| s.success())
}

/// How many times each note was opened by `vaultlint check` with `args`.
fn opens(vault: &Path, notes: &[String], args: &[&str]) -> BTreeMap<String, usize> {
    opens_of(vault, vault.to_str().unwrap(), notes, args)
}

/// How many times each note of `vault` was opened by `vaultlint check TARGET` with `args`.
fn opens_of(
    vault: &Path,
    target: &str,
    notes: &[String],
    args: &[&str],
) -> BTreeMap<String, usize> {
    let log = vault.parent().unwrap().join("strace.log");
    let status = Command::new("strace")
        .args(["-f", "-e", "trace=openat", "-o"])
        .arg(&log)
        .arg(assert_cmd::cargo::cargo_bin("vaultlint"))
        .arg("check")
        .arg(target)
        .args(["--today", "2026-11-26"])
        .args(args)
        .stdout(std::process::Stdio::null())
        .status()
        .unwrap();
    assert!(
        matches!(status.code(), Some(0 | 1)),
        "vaultlint check failed: {status}"
    );
    let log = std::fs::read_to_string(&log).unwrap();
    let mut counts: BTreeMap<String, usize> = notes.iter().map(|p| (p.clone(), 0)).collect();
    let by_path: BTreeMap<std::path::PathBuf, String> =
        notes.iter().map(|p| (vault.join(p), p.clone())).collect();
    for line in log.lines().filter(|l| !l.contains("= -1")) {
        let Some((_, rest)) = line.split_once(", \"") else {
            continue;
        };
        let Some((opened, _)) = rest.split_once('"') else {
            continue;
        };
        let opened = unescape(opened);
        if let Some(n) = by_path
            .get(Path::new(&opened))
            .and_then(|p| counts.get_mut(p))
        {
            *n += 1;
        }
    }
    counts
}

/// Whether a finding of the JSON report `doc` is on `path`.
fn shown_paths_contain(doc: &serde_json::Value, path: &str) -> bool {
    doc["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .any(|d| d["path"] == path)
}

/// A path as strace writes it: bytes outside printable ASCII as `\ooo` octal escapes.
fn unescape(written: &str) -> String {
    let mut bytes = Vec::new();
    let mut rest = written.as_bytes();
    while let Some((&b, tail)) = rest.split_first() {
        if b == b'\\' && tail.len() >= 3 && tail[..3].iter().all(u8::is_ascii_digit) {
            let octal = std::str::from_utf8(&tail[..3]).unwrap();
            bytes.push(u8::from_str_radix(octal, 8).unwrap());
            rest = &tail[3..];
        } else {
            bytes.push(b);
            rest = tail;
        }
    }
    String::from_utf8(bytes).unwrap()
}

#[test]
fn each_note_is_read_once_and_again_only_to_show_its_lines() {
    if !strace_works() {
        eprintln!("strace is not available: skipped");
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let vault = tmp.path().join("vault");
    for (path, text) in NOTES {
        let file = vault.join(path);
        std::fs::create_dir_all(file.parent().unwrap()).unwrap();
        std::fs::write(file, text).unwrap();
    }
    let output = assert_cmd::Command::cargo_bin("vaultlint")
        .unwrap()
        .arg("check")
        .arg(&vault)
        .args(["--today", "2026-11-26", "--format", "json"])
        .output()
        .unwrap();
    let doc: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let rules: BTreeSet<&str> = doc["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["rule"].as_str().unwrap())
        .collect();
    for rule in [
        "broken-link",
        "broken-anchor",
        "inconsistent-figure",
        "stale-date",
    ] {
        assert!(rules.contains(rule), "{rule} must fire: {rules:?}");
    }
    // F's fix replaces the link's target and the `\` of its `\|`: one column more than the
    // finding's own span.
    let f_fix = doc["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["path"] == "F.md" && d["rule"] == "broken-link")
        .expect("F's broken link is reported");
    let edit = &f_fix["fix"]["edits"][0];
    assert_eq!(edit["content"], "Northwind\\|", "{f_fix}");
    assert_eq!(
        (edit["line"].as_u64(), edit["column"].as_u64()),
        (f_fix["line"].as_u64(), f_fix["column"].as_u64()),
        "{f_fix}"
    );
    assert_eq!(
        edit["end_column"].as_u64(),
        f_fix["end_column"].as_u64().map(|c| c + 1),
        "{f_fix}"
    );
    assert!(!shown_paths_contain(&doc, "Northwind.md"));
    // The notes with findings, and the note a finding elsewhere points into: C quotes B's
    // valuation, and the human format shows B's line under C's finding.
    let mut shown: BTreeSet<String> = doc["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["path"].as_str().unwrap().to_string())
        .collect();
    shown.insert("B.md".into());
    assert!(!shown.contains("E.md"));

    let names: Vec<String> = NOTES.iter().map(|(p, _)| (*p).to_string()).collect();
    for threads in ["1", "2"] {
        let json = opens(&vault, &names, &["--format", "json", "--threads", threads]);
        for (path, n) in &json {
            assert_eq!(
                *n, 1,
                "`{path}` opened {n} times with --format json on {threads} threads: {json:?}"
            );
        }
        // A run on one note reads the others for what checking it needs, once: their names,
        // the headings its links name (D links to A's), the figures it quotes (C quotes B's).
        for one in &names {
            let target = vault.join(one);
            let target = target.to_str().unwrap();
            let vault_arg = vault.to_str().unwrap();
            let args = [
                "--vault",
                vault_arg,
                "--format",
                "json",
                "--threads",
                threads,
            ];
            let narrowed = opens_of(&vault, target, &names, &args);
            for (path, n) in &narrowed {
                assert_eq!(
                    *n, 1,
                    "`{path}` opened {n} times checking `{one}`: {narrowed:?}"
                );
            }
        }
        let human = opens(&vault, &names, &["--color", "never", "--threads", threads]);
        for (path, n) in &human {
            let most = 1 + usize::from(shown.contains(path));
            assert!(
                *n <= most,
                "`{path}` opened {n} times by the human format on {threads} threads: {human:?}"
            );
        }
    }
}

/// Notes with one finding between notes with many: while one thread renders a long note, the
/// others go through dozens of short ones. Each note is read to check it and once more to
/// show it, however many threads render.
#[test]
fn the_human_format_reads_a_note_once_to_show_it_on_any_number_of_threads() {
    if !strace_works() {
        eprintln!("strace is not available: skipped");
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let vault = tmp.path().join("vault");
    std::fs::create_dir_all(&vault).unwrap();
    let mut names = Vec::new();
    for i in 0..300 {
        let path = format!("N{i:03}.md");
        let broken = if i % 20 == 0 { 150 } else { 1 };
        let mut text = format!("# N{i:03}\n\n");
        for k in 0..broken {
            text.push_str(&format!("See [[Gone {i} {k}]].\n\n"));
        }
        std::fs::write(vault.join(&path), text).unwrap();
        names.push(path);
    }
    for threads in ["2", "3"] {
        let human = opens(&vault, &names, &["--color", "never", "--threads", threads]);
        let json = opens(&vault, &names, &["--format", "json", "--threads", threads]);
        for path in &names {
            assert_eq!(
                json[path], 1,
                "`{path}` with --format json on {threads} threads"
            );
            assert_eq!(
                human[path], 2,
                "`{path}` with the human format on {threads} threads"
            );
        }
    }
}
