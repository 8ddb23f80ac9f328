//! `--changed-since REV` on real git repositories: which notes are reported, `date-not-bumped`,
//! shallow clones, and the errors.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

mod common;

use std::collections::BTreeSet;
use std::path::Path;

use assert_cmd::Command;
use predicates::prelude::*;
use serde_json::Value;

use common::git;

fn write(root: &Path, path: &str, text: &str) {
    let p = root.join(path);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, text).unwrap();
}

/// Every note carries a link to `Nowhere`, so every reported note has a finding and the set of
/// paths with `broken-link` findings is the set of reported notes.
fn note(title: &str, date: &str, body: &str) -> String {
    format!("# {title}\n\n*Updated {date}*\n\n{body}\n\nSee also [[Nowhere]].\n")
}

/// A repository whose vault is the folder `vault/` (paths must be mapped), with the base
/// commit tagged `base` and these changes since: one note added and committed, one untracked,
/// one edited with its date bumped, one edited without (uncommitted), one renamed, one
/// deleted, and untouched notes linking to the renamed and deleted ones.
fn repository() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let repo = dir.path();
    git(repo, &["init", "-q"]);
    write(repo, "README.md", "not part of the vault\n");
    write(repo, "vault/.vaultlint.yaml", "today: 2026-11-26\n");
    let v = |p: &str| format!("vault/{p}");
    write(
        repo,
        &v("Kept.md"),
        &note("Kept", "2026-01-01", "Unchanged."),
    );
    write(
        repo,
        &v("Untouched.md"),
        &note("Untouched", "2026-01-01", "Links to [[Kept]] only."),
    );
    write(
        repo,
        &v("Bumped.md"),
        &note("Bumped", "2026-01-01", "Revenue was $1M."),
    );
    write(
        repo,
        &v("Stale.md"),
        &note("Stale", "2026-01-01", "Headcount was 40."),
    );
    write(
        repo,
        &v("Topics/Old Name.md"),
        &note("Old Name", "2026-01-01", "A topic note."),
    );
    write(
        repo,
        &v("Gone.md"),
        &note("Gone", "2026-01-01", "About to be deleted."),
    );
    write(
        repo,
        &v("Linker.md"),
        &note("Linker", "2026-01-01", "Depends on [[Gone]]."),
    );
    write(
        repo,
        &v("Rename Linker.md"),
        &note(
            "Rename Linker",
            "2026-01-01",
            "Depends on [[Old Name#Old Name]].",
        ),
    );
    git(repo, &["add", "-A"]);
    git(repo, &["commit", "-q", "-m", "base"]);
    git(repo, &["tag", "base"]);

    write(
        repo,
        &v("Added.md"),
        &note("Added", "2026-03-01", "A new note."),
    );
    write(
        repo,
        &v("Bumped.md"),
        &note("Bumped", "2026-03-01", "Revenue was $2M."),
    );
    git(
        repo,
        &["mv", "vault/Topics/Old Name.md", "vault/Topics/New Name.md"],
    );
    git(repo, &["rm", "-q", "vault/Gone.md"]);
    git(repo, &["add", "-A"]);
    git(repo, &["commit", "-q", "-m", "edits"]);

    // Uncommitted and untracked changes count too.
    write(
        repo,
        &v("Stale.md"),
        &note("Stale", "2026-01-01", "Headcount was 55."),
    );
    write(
        repo,
        &v("Draft.md"),
        &note("Draft", "2026-03-02", "Not yet added to git."),
    );
    dir
}

fn check_json(dir: &Path, args: &[&str]) -> (i32, Value) {
    let out = Command::cargo_bin("vaultlint")
        .unwrap()
        .current_dir(dir)
        .args(["check", "--format", "json"])
        .args(args)
        .output()
        .unwrap();
    let code = out.status.code().unwrap();
    assert!(
        code == 0 || code == 1,
        "exit {code}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    (code, serde_json::from_slice(&out.stdout).unwrap())
}

fn paths_with(doc: &Value, rule: &str) -> BTreeSet<String> {
    doc["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["rule"] == rule)
        .map(|d| d["path"].as_str().unwrap().to_string())
        .collect()
}

fn set(paths: &[&str]) -> BTreeSet<String> {
    paths.iter().map(|p| p.to_string()).collect()
}

#[test]
fn reports_changed_notes_and_notes_whose_links_broke() {
    let repo = repository();
    let (_, doc) = check_json(&repo.path().join("vault"), &["--changed-since", "base"]);
    assert_eq!(
        paths_with(&doc, "broken-link"),
        set(&[
            "Added.md",
            "Bumped.md",
            "Draft.md",
            "Linker.md",
            "Rename Linker.md",
            "Stale.md",
            "Topics/New Name.md",
        ])
    );
    assert_eq!(doc["summary"]["notes"], 7);
    // The links the rename and the deletion broke are reported in the untouched notes.
    let messages: Vec<&str> = doc["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["path"] == "Linker.md" || d["path"] == "Rename Linker.md")
        .map(|d| d["message"].as_str().unwrap())
        .collect();
    assert!(
        messages.iter().any(|m| m.contains("`Gone`")),
        "{messages:?}"
    );
    assert!(
        messages.iter().any(|m| m.contains("`Old Name")),
        "{messages:?}"
    );
}

#[test]
fn date_not_bumped_fires_only_on_the_edited_note_whose_date_stayed() {
    let repo = repository();
    let (code, doc) = check_json(&repo.path().join("vault"), &["--changed-since", "base"]);
    assert_eq!(code, 1);
    assert_eq!(paths_with(&doc, "date-not-bumped"), set(&["Stale.md"]));
    let d = doc["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["rule"] == "date-not-bumped")
        .unwrap();
    assert_eq!(d["severity"], "warning");
    assert_eq!(
        (d["line"].as_u64(), d["column"].as_u64()),
        (Some(3), Some(10))
    );
    assert_eq!(
        d["message"],
        "Note changed since `base` but its Updated date `2026-01-01` did not"
    );
}

#[test]
fn without_changed_since_every_note_is_reported() {
    let repo = repository();
    let (_, doc) = check_json(&repo.path().join("vault"), &[]);
    assert_eq!(doc["summary"]["notes"], 9);
    assert!(paths_with(&doc, "date-not-bumped").is_empty());
}

#[test]
fn named_files_and_changed_since_intersect() {
    let repo = repository();
    let vault = repo.path().join("vault");
    let (_, doc) = check_json(&vault, &["Stale.md", "Kept.md", "--changed-since", "base"]);
    assert_eq!(paths_with(&doc, "broken-link"), set(&["Stale.md"]));
}

#[test]
fn vault_given_from_the_repository_root() {
    let repo = repository();
    let (_, doc) = check_json(repo.path(), &["vault", "--changed-since", "HEAD"]);
    // Since HEAD: the uncommitted edit and the untracked note only.
    assert_eq!(
        paths_with(&doc, "broken-link"),
        set(&["Draft.md", "Stale.md"])
    );
    assert_eq!(paths_with(&doc, "date-not-bumped"), set(&["Stale.md"]));
}

#[test]
fn works_in_a_shallow_clone_once_the_revision_is_fetched() {
    let origin = repository();
    let dir = tempfile::tempdir().unwrap();
    let url = format!("file://{}", origin.path().display());
    git(dir.path(), &["clone", "-q", "--depth=1", &url, "clone"]);
    let clone = dir.path().join("clone");
    let vault = clone.join("vault");

    vaultlint_in(&vault)
        .args(["check", "--changed-since", "base"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("`base` is not a known revision"));

    git(
        &clone,
        &["fetch", "-q", "--depth=1", "origin", "tag", "base"],
    );
    let (_, doc) = check_json(&vault, &["--changed-since", "base"]);
    // The clone has the committed changes only (no uncommitted edit, no untracked draft).
    assert_eq!(
        paths_with(&doc, "broken-link"),
        set(&[
            "Added.md",
            "Bumped.md",
            "Linker.md",
            "Rename Linker.md",
            "Topics/New Name.md",
        ])
    );
    assert!(paths_with(&doc, "date-not-bumped").is_empty());
}

#[test]
fn errors_exit_2() {
    let repo = repository();
    vaultlint_in(&repo.path().join("vault"))
        .args(["check", "--changed-since", "no-such-rev"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "`no-such-rev` is not a known revision",
        ));
    // A revision that looks like an option is still only a revision.
    vaultlint_in(&repo.path().join("vault"))
        .args(["check", "--changed-since=--output=x"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("is not a known revision"));
    assert!(!repo.path().join("vault/x").exists());

    let plain = tempfile::tempdir().unwrap();
    write(plain.path(), "A.md", "# A\n");
    vaultlint_in(plain.path())
        .env("GIT_CEILING_DIRECTORIES", plain.path().parent().unwrap())
        .args(["check", "--changed-since", "HEAD"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("is not inside a git repository"));
}

fn vaultlint_in(dir: &Path) -> Command {
    let mut cmd = Command::cargo_bin("vaultlint").unwrap();
    cmd.current_dir(dir);
    cmd
}

/// Issue 26: the versions at REV of many edited notes are all read (through one git process),
/// whatever their names, and each is compared with its own version on disk.
#[test]
fn issue_26_many_edited_notes_are_each_compared_with_their_own_version() {
    let dir = tempfile::tempdir().unwrap();
    let repo = dir.path();
    git(repo, &["init", "-q"]);
    write(repo, ".vaultlint.yaml", "today: 2026-11-26\n");
    let names: Vec<String> = (0..300)
        .map(|i| match i % 3 {
            0 => format!("Plain {i}.md"),
            1 => format!("Ünïcode/Café {i}.md"),
            _ => format!("deep/er/Note-{i} (2024).md"),
        })
        .collect();
    for name in &names {
        write(repo, name, &note(name, "2026-01-01", "Revenue was $1M."));
    }
    git(repo, &["add", "-A"]);
    git(repo, &["commit", "-q", "-m", "base"]);
    // Even notes: edited, date kept. Odd notes: edited, date bumped.
    for (i, name) in names.iter().enumerate() {
        let date = if i % 2 == 0 {
            "2026-01-01"
        } else {
            "2026-11-01"
        };
        write(repo, name, &note(name, date, "Revenue was $2M."));
    }
    let flagged = not_bumped(repo);
    let expected: BTreeSet<String> = names.iter().step_by(2).cloned().collect();
    assert_eq!(flagged, expected);
}

/// Issue 26: an Updated line in code, a comment or math of a note's version at REV is no
/// date of it, though that version is read without a full markdown pass where nothing can
/// hide a date: a note edited with its real date kept is still flagged, and one whose real
/// date was bumped is not.
#[test]
fn issue_26_updated_lines_in_code_at_rev_are_not_dates() {
    let dir = tempfile::tempdir().unwrap();
    let repo = dir.path();
    git(repo, &["init", "-q"]);
    write(repo, ".vaultlint.yaml", "today: 2026-11-26\n");
    let old = "*Updated 2025-05-05*";
    let hiding = [
        ("Fenced", format!("```\n{old}\n```")),
        ("Tilde", format!("~~~\n{old}\n~~~")),
        ("Indented", format!("Text.\n\n    {old}\n\nMore.")),
        ("Comment", format!("%%\n{old}\n%%")),
        ("Html", format!("<!--\n{old}\n-->")),
        ("Math", format!("$$\n{old}\n$$")),
        ("Inline", format!("`code\n{old}\n` end")),
    ];
    for (name, hidden) in &hiding {
        for (suffix, _) in [("Kept", ()), ("Bumped", ())] {
            write(
                repo,
                &format!("{name} {suffix}.md"),
                &note(name, "2026-01-01", &format!("{hidden}\n\nRevenue was $1M.")),
            );
        }
    }
    git(repo, &["add", "-A"]);
    git(repo, &["commit", "-q", "-m", "base"]);
    for (name, hidden) in &hiding {
        for (suffix, date) in [("Kept", "2026-01-01"), ("Bumped", "2026-11-01")] {
            write(
                repo,
                &format!("{name} {suffix}.md"),
                &note(name, date, &format!("{hidden}\n\nRevenue was $2M.")),
            );
        }
    }
    let flagged = not_bumped(repo);
    let expected: BTreeSet<String> = hiding
        .iter()
        .map(|(name, _)| format!("{name} Kept.md"))
        .collect();
    assert_eq!(flagged, expected);
}

/// The notes `date-not-bumped` flags in `repo` since HEAD (the run must find nothing else).
fn not_bumped(repo: &Path) -> BTreeSet<String> {
    let out = Command::cargo_bin("vaultlint")
        .unwrap()
        .current_dir(repo)
        .args(["check", ".", "--changed-since", "HEAD", "--format", "json"])
        .args(["--select", "date-not-bumped"])
        .assert()
        .code(0);
    let doc: Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    doc["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["path"].as_str().unwrap().to_string())
        .collect()
}
