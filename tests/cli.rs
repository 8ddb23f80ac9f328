//! The command line as users and scripts meet it: exit codes, formats, config errors, the
//! vault root, determinism.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use std::path::Path;

use assert_cmd::Command;
use predicates::prelude::*;
use serde_json::Value;

fn vaultlint() -> Command {
    let mut cmd = Command::cargo_bin("vaultlint").unwrap();
    cmd.env_remove("NO_COLOR");
    cmd
}

fn write(root: &Path, files: &[(&str, &str)]) {
    for (path, text) in files {
        let p = root.join(path);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }
}

fn vault(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), files);
    dir
}

fn check(dir: &Path, extra: &[&str]) -> assert_cmd::assert::Assert {
    let mut cmd = Command::cargo_bin("vaultlint").unwrap();
    cmd.arg("check")
        .arg(dir)
        .args(["--today", "2026-11-26"])
        .args(extra);
    if !extra.contains(&"--color") {
        cmd.args(["--color", "never"]);
    }
    cmd.assert()
}

#[test]
fn clean_vault_exits_0_with_summary() {
    let v = vault(&[("A.md", "# A\n\n[[B]]\n"), ("B.md", "# B\n")]);
    check(v.path(), &[])
        .code(0)
        .stdout("0 errors, 0 warnings in 2 notes\n");
}

#[test]
fn error_finding_exits_1() {
    let v = vault(&[("A.md", "[[Nope]]\n")]);
    check(v.path(), &[])
        .code(1)
        .stdout(predicate::str::contains(
            "Link target `Nope` does not match any note",
        ))
        .stdout(predicate::str::contains("A.md:1:3"))
        .stdout(predicate::str::ends_with("1 error, 0 warnings in 1 note\n"));
}

#[test]
fn warnings_alone_exit_0() {
    let v = vault(&[("A.md", "[[Dup]]\n"), ("x/Dup.md", ""), ("y/Dup.md", "")]);
    check(v.path(), &[])
        .code(0)
        .stdout(predicate::str::contains("0 errors, 1 warning in 3 notes"));
}

#[test]
fn json_follows_the_contract() {
    let v = vault(&[(
        "Actors/A.md",
        "---\naliases: [x]\n---\nSee [[Nope]] and [[#Missing]]\n",
    )]);
    let out = check(v.path(), &["--format", "json"])
        .code(1)
        .get_output()
        .stdout
        .clone();
    let doc: Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(doc["version"], 1);
    let diags = doc["diagnostics"].as_array().unwrap();
    assert_eq!(diags.len(), 2);
    let d = &diags[0];
    let keys: Vec<&str> = d.as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(
        keys,
        [
            "rule",
            "severity",
            "path",
            "line",
            "column",
            "end_line",
            "end_column",
            "message",
            "help",
            "fix"
        ]
    );
    // Nothing close to `Nope`: no fix (the field is there all the same).
    assert_eq!(d["fix"], Value::Null);
    assert_eq!(d["rule"], "broken-link");
    assert_eq!(d["severity"], "error");
    assert_eq!(d["path"], "Actors/A.md");
    assert_eq!(
        (d["line"].as_u64(), d["column"].as_u64()),
        (Some(4), Some(7))
    );
    assert_eq!(
        (d["end_line"].as_u64(), d["end_column"].as_u64()),
        (Some(4), Some(11))
    );
    assert_eq!(diags[1]["rule"], "broken-anchor");
    assert_eq!(
        doc["summary"],
        serde_json::json!({"notes": 1, "errors": 2, "warnings": 0})
    );
}

#[test]
fn columns_count_characters_and_skip_bom_with_crlf() {
    let v = vault(&[("A.md", "\u{feff}---\r\na: 1\r\n---\r\nÉté [[Nope]]\r\n")]);
    let out = check(v.path(), &["--format", "json"])
        .get_output()
        .stdout
        .clone();
    let doc: Value = serde_json::from_slice(&out).unwrap();
    let d = &doc["diagnostics"][0];
    assert_eq!(
        (d["line"].as_u64(), d["column"].as_u64()),
        (Some(4), Some(7))
    );
}

#[test]
fn bad_config_is_pointed_and_exits_2() {
    let v = vault(&[
        (".vaultlint.yaml", "rules:\n  brokn-link: off\n"),
        ("A.md", ""),
    ]);
    check(v.path(), &[])
        .code(2)
        .stderr(predicate::str::contains("Unknown rule `brokn-link`"))
        .stderr(predicate::str::contains(".vaultlint.yaml:2:3"));
    let v = vault(&[
        (".vaultlint.yaml", "today: 2026-11-26\nexclud: [x]\n"),
        ("A.md", ""),
    ]);
    check(v.path(), &[])
        .code(2)
        .stderr(predicate::str::contains("unknown field `exclud`"))
        .stderr(predicate::str::contains(".vaultlint.yaml:2:1"));
    let v = vault(&[
        (".vaultlint.yaml", "rules:\n  broken-link: loud\n"),
        ("A.md", ""),
    ]);
    check(v.path(), &[])
        .code(2)
        .stderr(predicate::str::contains("Invalid severity `loud`"));
    let v = vault(&[(".vaultlint.yaml", "rules: [\n"), ("A.md", "")]);
    check(v.path(), &[])
        .code(2)
        .stderr(predicate::str::contains("Invalid config"));
    let v = vault(&[
        (
            ".vaultlint.yaml",
            "rules:\n  broken-anchor: { markdown-slug: false }\n",
        ),
        ("A.md", ""),
    ]);
    check(v.path(), &[])
        .code(2)
        .stderr(predicate::str::contains(
            "Invalid options for `broken-anchor`",
        ))
        .stderr(predicate::str::contains("markdown-slug"));
}

#[test]
fn usage_errors_exit_2() {
    let v = vault(&[("A.md", "")]);
    check(v.path(), &["--select", "nope"])
        .code(2)
        .stderr(predicate::str::contains("Unknown rule `nope`"));
    check(v.path(), &["--format", "xml"]).code(2);
    vaultlint()
        .args(["check", "/nonexistent/vault"])
        .assert()
        .code(2);
    let mut cmd = Command::cargo_bin("vaultlint").unwrap();
    cmd.args(["check", "--today", "2026-13-01"])
        .arg(v.path())
        .assert()
        .code(2);
}

#[test]
fn config_severity_and_select_ignore() {
    let v = vault(&[
        (".vaultlint.yaml", "rules:\n  broken-link: warning\n"),
        ("A.md", "[[Nope]] [[#Gone]]\n"),
    ]);
    check(v.path(), &[])
        .code(1)
        .stdout(predicate::str::contains("1 error, 1 warning"));
    check(v.path(), &["--ignore", "broken-anchor"])
        .code(0)
        .stdout(predicate::str::contains("0 errors, 1 warning"));
    check(v.path(), &["--select", "broken-anchor"])
        .code(1)
        .stdout(predicate::str::contains("1 error, 0 warnings"));
    let v = vault(&[
        (".vaultlint.yaml", "rules:\n  broken-link: off\n"),
        ("A.md", "[[Nope]]\n"),
    ]);
    check(v.path(), &[]).code(0);
}

#[test]
fn exclude_skips_reporting_but_keeps_targets() {
    let v = vault(&[
        (".vaultlint.yaml", "exclude: [\"Templates/**\"]\n"),
        ("Templates/T.md", "[[{{title}}]] [[Nope]]\n"),
        ("A.md", "[[T]]\n"),
    ]);
    check(v.path(), &[])
        .code(0)
        .stdout("0 errors, 0 warnings in 1 note\n");
}

#[test]
fn note_files_are_reported_alone_with_the_whole_vault_indexed() {
    let v = vault(&[
        (".vaultlint.yaml", ""),
        ("Sub/A.md", "[[B]] [[Nope]]\n"),
        ("B.md", "[[Nope]]\n"),
    ]);
    let mut cmd = Command::cargo_bin("vaultlint").unwrap();
    cmd.current_dir(v.path().join("Sub"))
        .args(["check", "A.md", "--format", "json"])
        .assert()
        .code(1)
        .stdout(predicate::str::contains("\"path\": \"Sub/A.md\""))
        .stdout(predicate::str::contains("\"path\": \"B.md\"").not())
        .stdout(predicate::str::contains("\"notes\": 1"));
}

#[test]
fn quiet_prints_only_the_summary() {
    let v = vault(&[("A.md", "[[Nope]]\n")]);
    check(v.path(), &["--quiet"])
        .code(1)
        .stdout("1 error, 0 warnings in 1 note\n");
}

#[test]
fn color_always_and_never() {
    let v = vault(&[("A.md", "[[Nope]]\n")]);
    let colored = check(v.path(), &["--color", "always"])
        .get_output()
        .stdout
        .clone();
    assert!(String::from_utf8_lossy(&colored).contains('\u{1b}'));
    let plain = check(v.path(), &[]).get_output().stdout.clone();
    assert!(!String::from_utf8_lossy(&plain).contains('\u{1b}'));
}

#[test]
fn output_does_not_depend_on_thread_count() {
    let mut files = Vec::new();
    let texts: Vec<(String, String)> = (0..60)
        .map(|i| {
            (
                format!("F{}/N{i}.md", i % 7),
                format!(
                    "# N{i}\n[[N{}]] [[Missing{i}]] [[N{}#Nope]]\n",
                    i + 1,
                    i / 2
                ),
            )
        })
        .collect();
    for (p, t) in &texts {
        files.push((p.as_str(), t.as_str()));
    }
    let v = vault(&files);
    let one = check(v.path(), &["--threads", "1", "--format", "json"])
        .get_output()
        .stdout
        .clone();
    let four = check(v.path(), &["--threads", "4", "--format", "json"])
        .get_output()
        .stdout
        .clone();
    assert_eq!(one, four);
    let h1 = check(v.path(), &["--threads", "1"])
        .get_output()
        .stdout
        .clone();
    let h4 = check(v.path(), &["--threads", "4"])
        .get_output()
        .stdout
        .clone();
    assert_eq!(h1, h4);
}

#[test]
fn rules_and_explain() {
    let out = vaultlint()
        .arg("rules")
        .assert()
        .code(0)
        .get_output()
        .stdout
        .clone();
    let out = String::from_utf8(out).unwrap();
    for meta in vaultlint::rules::REGISTRY {
        assert!(out.contains(meta.id), "{} missing from `rules`", meta.id);
    }
    vaultlint()
        .args(["explain", "broken-link"])
        .assert()
        .code(0)
        .stdout(predicate::str::starts_with("# broken-link"));
    vaultlint().args(["explain", "nope"]).assert().code(2);
}

#[test]
fn unreadable_notes_do_not_stop_the_run() {
    let v = vault(&[("A.md", "[[Nope]]\n"), ("B.md", "")]);
    std::fs::write(v.path().join("Bin.md"), b"abc\xff\xfe").unwrap();
    check(v.path(), &["--format", "json"])
        .code(2)
        .stdout(predicate::str::contains(
            "not valid UTF-8 (first bad byte at offset 3)",
        ))
        .stdout(predicate::str::contains("Link target `Nope`"));
}

/// Issue 28: with custom marker words, date messages say the word the note used (or, where the
/// note has none, the first configured one), not "Updated".
#[test]
fn issue_28_date_messages_say_the_marker_word() {
    let v = vault(&[
        (
            ".vaultlint.yaml",
            "rules:\n  stale-date:\n    markers: [Reviewed, Last checked]\n    fields: [reviewed, last_checked]\n\
             schemas:\n  - name: actor\n    folders: [Actors]\n    require-updated: true\n",
        ),
        ("Stale.md", "# Stale\n\n*Reviewed 2025-01-01*\n"),
        ("Spaced.md", "# Spaced\n\n**last   checked:** 2025-01-01\n"),
        ("Field.md", "---\nlast_checked: 2025-01-01\n---\n# Field\n"),
        ("Future.md", "# Future\n\nReviewed: 2027-01-01\n"),
        ("Invalid.md", "# Invalid\n\n*Reviewed 2026-02-30*\n"),
        (
            "Conflict.md",
            "---\nreviewed: 2026-11-01\n---\n# Conflict\n\n*Reviewed 2026-11-02*\n",
        ),
        ("Actors/Undated.md", "# Undated\n"),
    ]);
    let out = check(v.path(), &["--format", "json"]).code(1);
    let doc: Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    let said: Vec<(String, String, String)> = doc["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["path"].as_str().unwrap().to_string(),
                d["message"].as_str().unwrap().to_string(),
                d["help"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect();
    let has = |path: &str, message: &str, help: &str| {
        assert!(
            said.iter()
                .any(|(p, m, h)| p == path && m == message && h.contains(help)),
            "no `{message}` (help with `{help}`) on {path} in {said:#?}"
        );
    };
    let set_today = "then set its Reviewed date to today (2026-11-26)";
    has("Stale.md", "Reviewed 694 days ago, limit 180", set_today);
    has(
        "Spaced.md",
        "Last checked 694 days ago, limit 180",
        "then set its Last checked date to today (2026-11-26)",
    );
    has(
        "Field.md",
        "Last checked 694 days ago, limit 180",
        "then set its Last checked date to today (2026-11-26)",
    );
    has(
        "Future.md",
        "Reviewed date 2027-01-01 is 36 days after today (2026-11-26)",
        "",
    );
    has(
        "Invalid.md",
        "Reviewed date `2026-02-30` is not a valid date: February 2026 has 28 days",
        "",
    );
    has(
        "Conflict.md",
        "Reviewed date 2026-11-02 disagrees with front matter `reviewed: 2026-11-01`",
        "",
    );
    has(
        "Actors/Undated.md",
        "Note has no Reviewed date, which schema `actor` requires",
        "Add a line such as `*Reviewed 2026-11-26*`",
    );
    assert!(
        !said
            .iter()
            .any(|(_, m, h)| m.contains("Updated") || h.contains("Updated")),
        "{said:#?}"
    );
}

/// Issue 28: a misspelt field type stops the run (exit 2) with the word pointed at in
/// `.vaultlint.yaml` and the types there are, not serde's "did not match any variant".
#[test]
fn issue_28_misspelt_field_type_is_a_pointed_config_error() {
    let v = vault(&[
        (
            ".vaultlint.yaml",
            "schemas:\n  - name: actor\n    fields:\n      website: url\n      founded: dat\n",
        ),
        ("A.md", ""),
    ]);
    check(v.path(), &[])
        .code(2)
        .stdout(predicate::str::is_empty())
        .stderr(predicate::str::contains(
            "Invalid config: schemas[0].fields.founded: unknown field type `dat`",
        ))
        .stderr(predicate::str::contains(".vaultlint.yaml:5:16"))
        // The help wraps at the terminal width: its first words only.
        .stderr(predicate::str::contains(
            "help: Field types are `date`, `list`, `url`, `text`, `number`, `boolean`",
        ))
        .stderr(predicate::str::contains("did not match any variant").not());
}
