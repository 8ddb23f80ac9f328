//! `check --fix`, `--unsafe-fixes` and `--diff`.
//!
//! Each `fixtures/fix/<case>/` holds a vault as it is (`before/`) and as `--fix` must leave it
//! (`after/`), with the command line's extra arguments in `args` (one a line). The diff
//! `--diff` prints is pinned by a snapshot; `--diff` writes nothing, and a second `--fix`
//! changes nothing. The other tests build their vaults: line endings and byte-order marks, a
//! read-only note, a note changed while the run holds it, the baseline, suppressions and
//! renames since a git revision.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use assert_cmd::Command;
use serde_json::Value;

use common::git;

use vaultlint::cli::fix::{self, FixOptions};
use vaultlint::config::{self, LoadedConfig};
use vaultlint::engine::{Request, Session};
use vaultlint::rules::settings::{Overrides, Settings};
use vaultlint::vault::targets;
use vaultlint::vault::write::WriteError;

const TODAY: &str = "2026-11-26";

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/fix")
}

/// Every file under `root` (dot files included), by path, with its bytes.
fn tree(root: &Path) -> BTreeMap<String, Vec<u8>> {
    fn walk(dir: &Path, prefix: &str, out: &mut BTreeMap<String, Vec<u8>>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let entry = entry.unwrap();
            let name = entry.file_name().to_string_lossy().into_owned();
            let rel = if prefix.is_empty() {
                name
            } else {
                format!("{prefix}/{name}")
            };
            if entry.file_type().unwrap().is_dir() {
                walk(&entry.path(), &rel, out);
            } else {
                out.insert(rel, std::fs::read(entry.path()).unwrap());
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(root, "", &mut out);
    out
}

fn vaultlint(vault: &Path, args: &[&str]) -> std::process::Output {
    Command::cargo_bin("vaultlint")
        .unwrap()
        .arg("check")
        .arg(vault)
        .args(["--today", TODAY, "--color", "never"])
        .args(args)
        .output()
        .unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn vault(notes: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join(".vaultlint.yaml"),
        format!("today: {TODAY}\n"),
    )
    .unwrap();
    for (path, text) in notes {
        let file = dir.path().join(path);
        std::fs::create_dir_all(file.parent().unwrap()).unwrap();
        std::fs::write(file, text).unwrap();
    }
    dir
}

#[test]
fn fix_cases_leave_their_after_files() {
    let mut cases: Vec<PathBuf> = std::fs::read_dir(fixtures())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    cases.sort();
    assert!(cases.len() >= 5, "{cases:?}");
    for case in cases {
        let name = case.file_name().unwrap().to_string_lossy().into_owned();
        let args: Vec<String> = std::fs::read_to_string(case.join("args"))
            .unwrap_or_default()
            .lines()
            .filter(|l| !l.trim().is_empty())
            .map(str::to_string)
            .collect();
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let tmp = tempfile::tempdir().unwrap();
        let work = tmp.path().join("vault");
        common::copy_dir(&case.join("before"), &work);
        let before = tree(&work);

        // --diff: the diff, and nothing written.
        let diff = vaultlint(&work, &[&["--diff"], &args[..]].concat());
        assert_eq!(
            diff.status.code(),
            Some(1),
            "{name}: {}",
            text(&diff.stderr)
        );
        assert_eq!(tree(&work), before, "{name}: --diff wrote to the vault");
        insta::assert_snapshot!(name.clone(), text(&diff.stdout));

        // --fix: the after files.
        let fixed = vaultlint(&work, &[&["--fix"], &args[..]].concat());
        assert!(
            matches!(fixed.status.code(), Some(0 | 1)),
            "{name}: {}",
            text(&fixed.stderr)
        );
        let after = tree(&case.join("after"));
        let now = tree(&work);
        assert_eq!(
            now.keys().collect::<Vec<_>>(),
            after.keys().collect::<Vec<_>>(),
            "{name}: files appeared or vanished"
        );
        for (path, bytes) in &after {
            assert_eq!(
                text(&now[path]),
                text(bytes),
                "{name}/{path} is not as after/ says"
            );
        }
        let stdout = text(&fixed.stdout);
        assert!(stdout.contains("Fixed "), "{name}: {stdout}");

        // A second run changes nothing, and --diff says so.
        let again = vaultlint(&work, &[&["--fix"], &args[..]].concat());
        assert!(
            text(&again.stdout).contains("Fixed 0 findings"),
            "{name}: {}",
            text(&again.stdout)
        );
        assert_eq!(tree(&work), now, "{name}: a second --fix changed the vault");
        let diff = vaultlint(&work, &[&["--diff"], &args[..]].concat());
        assert_eq!(diff.status.code(), Some(0), "{name}");
        assert_eq!(text(&diff.stdout), "", "{name}");
    }
}

#[test]
fn line_endings_byte_order_marks_and_final_newlines_are_kept() {
    let v = vault(&[
        ("Acme.md", "---\naliases: [AC]\n---\n# Acme\n"),
        (
            "Crlf.md",
            "\u{feff}# Crlf\r\nSee [[AC]].\r\nRevenue:\r\n| a |\r\n|---|\r\n| 1 |\r\n",
        ),
        ("Bare.md", "# Bare\n\nSee [[AC]] and [[AC|it]]"),
    ]);
    let out = vaultlint(v.path(), &["--fix"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stdout));
    assert_eq!(
        text(&std::fs::read(v.path().join("Crlf.md")).unwrap()),
        "\u{feff}# Crlf\r\nSee [[Acme|AC]].\r\nRevenue:\r\n\r\n| a |\r\n|---|\r\n| 1 |\r\n"
    );
    assert_eq!(
        text(&std::fs::read(v.path().join("Bare.md")).unwrap()),
        "# Bare\n\nSee [[Acme|AC]] and [[Acme|it]]"
    );
    assert!(
        text(&out.stdout).ends_with("Fixed 4 findings\n"),
        "{}",
        text(&out.stdout)
    );
}

#[cfg(unix)]
#[test]
fn a_read_only_note_is_not_written_and_the_exit_code_says_so() {
    use std::os::unix::fs::PermissionsExt;
    let v = vault(&[
        ("Acme.md", "---\naliases: [AC]\n---\n# Acme\n"),
        ("Locked.md", "# Locked\n\nSee [[AC]].\n"),
        ("Open.md", "# Open\n\nSee [[AC]].\n"),
    ]);
    let locked = v.path().join("Locked.md");
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o444)).unwrap();
    let out = vaultlint(v.path(), &["--fix"]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("`Locked.md`: the note is read-only"),
        "{stderr}"
    );
    assert_eq!(
        std::fs::read_to_string(&locked).unwrap(),
        "# Locked\n\nSee [[AC]].\n"
    );
    assert_eq!(
        std::fs::read_to_string(v.path().join("Open.md")).unwrap(),
        "# Open\n\nSee [[Acme|AC]].\n"
    );
    // The report is of the notes as they are on disk: the locked note's link is still broken,
    // and only the written note's fix is counted.
    let stdout = text(&out.stdout);
    assert!(stdout.contains("Locked.md:3:7"), "{stdout}");
    assert!(stdout.contains("Fixed 1 finding\n"), "{stdout}");
}

fn settings(root: &Path) -> Settings {
    let loaded =
        config::load(&root.join(".vaultlint.yaml")).unwrap_or_else(|_| LoadedConfig::defaults());
    let overrides = Overrides {
        today: Some(TODAY.parse().unwrap()),
        ..Overrides::default()
    };
    Settings::new(loaded, &overrides).unwrap()
}

#[test]
fn a_note_changed_during_the_run_is_not_written() {
    let v = vault(&[
        ("Acme.md", "---\naliases: [AC]\n---\n# Acme\n"),
        ("Busy.md", "# Busy\n\nSee [[AC]].\n"),
        ("Calm.md", "# Calm\n\nSee [[AC]].\n"),
    ]);
    let targets = targets::resolve(&[v.path().to_path_buf()], None).unwrap();
    let request = Request {
        targets: targets.clone(),
        threads: 2,
        time_rules: false,
    };
    let mut session = Session::open_for(settings(v.path()), &request).unwrap();
    let outcome = fix::apply(
        &mut session,
        &targets,
        FixOptions {
            unsafe_fixes: false,
        },
        &|_, _| Vec::new(),
    );
    assert_eq!(outcome.fixed, 2);
    // An editor saves the note after the fixes were worked out, before they are written.
    let busy = v.path().join("Busy.md");
    let refused = fix::write(&targets.root, &outcome.changed, &|path| {
        if path == "Busy.md" {
            std::fs::write(&busy, "# Busy\n\nSee [[AC]], edited.\n").unwrap();
        }
    });
    assert_eq!(refused.len(), 1);
    assert_eq!(refused[0].0, "Busy.md");
    assert!(matches!(refused[0].1, WriteError::Changed));
    assert_eq!(
        std::fs::read_to_string(&busy).unwrap(),
        "# Busy\n\nSee [[AC]], edited.\n"
    );
    assert_eq!(
        std::fs::read_to_string(v.path().join("Calm.md")).unwrap(),
        "# Calm\n\nSee [[Acme|AC]].\n"
    );
}

#[test]
fn suppressed_and_baseline_findings_are_not_fixed() {
    let v = vault(&[
        ("Acme.md", "---\naliases: [AC]\n---\n# Acme\n"),
        ("Old.md", "# Old\n\nSee [[AC]].\n"),
        (
            "Quiet.md",
            "# Quiet\n\n%% vaultlint-disable-next-line broken-link -- kept for the export %%\nSee [[AC]].\n",
        ),
    ]);
    let baseline = v.path().join("baseline.json");
    Command::cargo_bin("vaultlint")
        .unwrap()
        .args(["baseline", "--today", TODAY, "--output"])
        .arg(&baseline)
        .arg(v.path())
        .assert()
        .success();
    std::fs::write(v.path().join("New.md"), "# New\n\nSee [[AC]].\n").unwrap();
    let out = vaultlint(
        v.path(),
        &["--fix", "--baseline", baseline.to_str().unwrap()],
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stdout));
    let read = |p: &str| std::fs::read_to_string(v.path().join(p)).unwrap();
    assert_eq!(read("New.md"), "# New\n\nSee [[Acme|AC]].\n");
    assert_eq!(read("Old.md"), "# Old\n\nSee [[AC]].\n");
    assert!(read("Quiet.md").contains("\nSee [[AC]].\n"));
}

#[test]
fn only_the_notes_named_are_fixed() {
    let v = vault(&[
        ("Acme.md", "---\naliases: [AC]\n---\n# Acme\n"),
        ("A.md", "# A\n\nSee [[AC]].\n"),
        ("B.md", "# B\n\nSee [[AC]].\n"),
    ]);
    let out = Command::cargo_bin("vaultlint")
        .unwrap()
        .args(["check", "--today", TODAY, "--fix"])
        .arg(v.path().join("A.md"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stdout));
    let read = |p: &str| std::fs::read_to_string(v.path().join(p)).unwrap();
    assert_eq!(read("A.md"), "# A\n\nSee [[Acme|AC]].\n");
    assert_eq!(read("B.md"), "# B\n\nSee [[AC]].\n");
}

#[test]
fn json_and_sarif_carry_the_fixes() {
    let v = vault(&[
        ("Acme.md", "---\naliases: [AC]\n---\n# Acme\n"),
        ("Notes.md", "# Notes\n\nSee [[AC]] and [[Acme Crop]].\n"),
    ]);
    let json: Value =
        serde_json::from_slice(&vaultlint(v.path(), &["--format", "json"]).stdout).unwrap();
    let fixes: Vec<&Value> = json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| &d["fix"])
        .collect();
    assert_eq!(
        fixes[0],
        &serde_json::json!({
            "applicability": "safe",
            "message": "link to `Acme`",
            "edits": [{"line": 3, "column": 7, "end_line": 3, "end_column": 9, "content": "Acme|AC"}]
        })
    );
    assert_eq!(fixes[1]["applicability"], "unsafe");
    let sarif: Value =
        serde_json::from_slice(&vaultlint(v.path(), &["--format", "sarif"]).stdout).unwrap();
    let result = &sarif["runs"][0]["results"][0];
    let change = &result["fixes"][0]["artifactChanges"][0];
    assert_eq!(change["artifactLocation"]["uri"], "Notes.md");
    assert_eq!(
        change["replacements"][0],
        serde_json::json!({
            "deletedRegion": {"startLine": 3, "startColumn": 7, "endLine": 3, "endColumn": 9},
            "insertedContent": {"text": "Acme|AC"}
        })
    );
}

#[test]
fn links_to_a_note_renamed_since_the_revision_follow_it() {
    if std::process::Command::new("git")
        .arg("--version")
        .output()
        .is_err()
    {
        eprintln!("git is not available: skipped");
        return;
    }
    let v = vault(&[
        (
            "Topics/Old Name.md",
            "# Old Name\n\nA topic note with enough words for git to pair the rename.\n",
        ),
        ("Gone.md", "# Gone\n\nAbout to be deleted.\n"),
        (
            "Linker.md",
            "# Linker\n\nSee [[Old Name]], [[Old Name|the topic]] and [[Gone]].\n",
        ),
    ]);
    git(v.path(), &["init", "-q"]);
    git(v.path(), &["add", "-A"]);
    git(v.path(), &["commit", "-q", "-m", "base"]);
    git(v.path(), &["tag", "base"]);
    git(
        v.path(),
        &["mv", "Topics/Old Name.md", "Topics/New Name.md"],
    );
    git(v.path(), &["rm", "-q", "Gone.md"]);
    git(v.path(), &["commit", "-q", "-m", "rename"]);
    let out = vaultlint(v.path(), &["--changed-since", "base", "--fix"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stdout));
    assert_eq!(
        std::fs::read_to_string(v.path().join("Linker.md")).unwrap(),
        "# Linker\n\nSee [[New Name]], [[New Name|the topic]] and [[Gone]].\n"
    );
    assert!(
        text(&out.stdout).contains("Fixed 2 findings"),
        "{}",
        text(&out.stdout)
    );
}
