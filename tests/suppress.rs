//! Suppression comments, `unused-suppression` and per-path `overrides`, end to end: the
//! findings a directive covers disappear, and the ones it does not stay.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use std::path::Path;

use assert_cmd::Command;
use serde_json::Value;

fn vault(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (path, text) in files {
        let p = dir.path().join(path);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }
    dir
}

/// `(rule, path, line, severity)` of every finding.
fn findings(dir: &Path, extra: &[&str]) -> Vec<(String, String, u64, String)> {
    let out = Command::cargo_bin("vaultlint")
        .unwrap()
        .arg("check")
        .arg(dir)
        .args(["--today", "2026-11-26", "--format", "json"])
        .args(extra)
        .output()
        .unwrap();
    assert!(
        matches!(out.status.code(), Some(0 | 1)),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["rule"].as_str().unwrap().to_string(),
                d["path"].as_str().unwrap().to_string(),
                d["line"].as_u64().unwrap(),
                d["severity"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

fn f(rule: &str, path: &str, line: u64, severity: &str) -> (String, String, u64, String) {
    (rule.into(), path.into(), line, severity.into())
}

#[test]
fn every_form_hides_what_it_covers() {
    let v = vault(&[
        (
            "Next line.md",
            "# N\n\n%% vaultlint-disable-next-line broken-link %%\n\n[[Gone]]\n[[Still gone]]\n",
        ),
        (
            "Html.md",
            "# H\n\n<!-- vaultlint-disable-next-line broken-link -->\n[[Gone]]\n[[Still gone]]\n",
        ),
        (
            "Same line.md",
            "# S\n\n[[Gone]] %% vaultlint-disable-line broken-link %%\n[[Still gone]]\n",
        ),
        (
            "Range.md",
            "# R\n\n%% vaultlint-disable broken-link %%\n[[Gone]]\n\n[[Gone too]]\n%% vaultlint-enable broken-link %%\n[[Still gone]]\n",
        ),
        (
            "To the end.md",
            "# E\n\n[[Still gone]]\n<!-- vaultlint-disable broken-link -->\n[[Gone]]\n[[Gone too]]",
        ),
        (
            "Bare.md",
            "# B\n\n%% vaultlint-disable-next-line %%\n[[Gone]] *Updated 2020-01-01*\n[[Still gone]]\n",
        ),
        (
            "File.md",
            "---\nvaultlint: {disable: [broken-link]}\n---\n# F\n\n[[Gone]]\n[[Gone too]]\n",
        ),
        (
            "Other rule.md",
            "# O\n\n%% vaultlint-disable-next-line stale-date %%\n[[Still gone]] *Updated 2020-01-01*\n",
        ),
    ]);
    let got = findings(v.path(), &["--select", "broken-link,stale-date"]);
    assert_eq!(
        got,
        [
            f("broken-link", "Bare.md", 5, "error"),
            f("broken-link", "Html.md", 5, "error"),
            f("broken-link", "Next line.md", 6, "error"),
            f("broken-link", "Other rule.md", 4, "error"),
            f("broken-link", "Range.md", 8, "error"),
            f("broken-link", "Same line.md", 4, "error"),
            f("broken-link", "To the end.md", 3, "error"),
        ]
    );
}

#[test]
fn unused_suppressions_are_reported_when_they_could_have_hidden_something() {
    let v = vault(&[
        ("Target.md", "# Target\n"),
        (
            "A.md",
            "# A\n\n%% vaultlint-disable-next-line broken-link %%\n[[Target]]\n\n%% vaultlint-disable-next-line broken-link %%\n[[Gone]]\n\n%% vaultlint-disable-next-line %%\nplain\n",
        ),
        (
            "B.md",
            "---\nvaultlint: {disable: [stale-date]}\n---\n# B\n\n[[Target]]\n",
        ),
    ]);
    // Everything the config enables runs: both unused directives are reported.
    assert_eq!(
        findings(v.path(), &[]),
        [
            f("unused-suppression", "A.md", 3, "warning"),
            f("unused-suppression", "A.md", 9, "warning"),
            f("unused-suppression", "B.md", 2, "warning"),
        ]
    );
    // Rules left out of the run make their directives unjudged, and bare ones too.
    assert_eq!(
        findings(v.path(), &["--ignore", "broken-link"]),
        [f("unused-suppression", "B.md", 2, "warning")]
    );
    assert_eq!(findings(v.path(), &["--select", "unused-suppression"]), []);
    // And unused-suppression can be ignored like any rule.
    assert_eq!(findings(v.path(), &["--ignore", "unused-suppression"]), []);
}

#[test]
fn overrides_set_severity_per_path_in_order() {
    let config = "rules:\n  ambiguous-link: off\noverrides:\n  - files: [\"Daily/**\"]\n    rules: { stale-date: off, broken-link: warning }\n  - files: [\"Daily/Keep/**\"]\n    rules: { stale-date: error }\n  - files: [\"Actors/**\"]\n    rules: { ambiguous-link: error }\n";
    let stale = "*Updated 2020-01-01*\n[[Gone]]\n";
    let v = vault(&[
        (".vaultlint.yaml", config),
        ("Daily/2026-11-01.md", stale),
        ("Daily/Keep/Review.md", stale),
        ("Notes/Idea.md", stale),
        ("Actors/A.md", "[[Dup]]\n"),
        ("Notes/B.md", "[[Dup]]\n"),
        ("x/Dup.md", ""),
        ("y/Dup.md", ""),
    ]);
    assert_eq!(
        findings(v.path(), &[]),
        [
            f("ambiguous-link", "Actors/A.md", 1, "error"),
            f("broken-link", "Daily/2026-11-01.md", 2, "warning"),
            f("stale-date", "Daily/Keep/Review.md", 1, "error"),
            f("broken-link", "Daily/Keep/Review.md", 2, "warning"),
            f("stale-date", "Notes/Idea.md", 1, "warning"),
            f("broken-link", "Notes/Idea.md", 2, "error"),
        ]
    );
}

#[test]
fn a_rule_off_for_a_path_leaves_its_directives_unjudged() {
    let config = "overrides:\n  - files: [\"Daily/**\"]\n    rules: { broken-link: off }\n";
    let text = "%% vaultlint-disable-next-line broken-link %%\nplain\n";
    let v = vault(&[
        (".vaultlint.yaml", config),
        ("Daily/a.md", text),
        ("b.md", text),
    ]);
    assert_eq!(
        findings(v.path(), &[]),
        [f("unused-suppression", "b.md", 1, "warning")]
    );
}

#[test]
fn unknown_rule_in_overrides_is_a_config_error() {
    let v = vault(&[
        (
            ".vaultlint.yaml",
            "overrides:\n  - files: [\"Daily/**\"]\n    rules: { stale-dates: off }\n",
        ),
        ("a.md", "# A\n"),
    ]);
    Command::cargo_bin("vaultlint")
        .unwrap()
        .arg("check")
        .arg(v.path())
        .assert()
        .code(2)
        .stderr(predicates::str::contains(
            "Unknown rule `stale-dates` in `overrides`",
        ));
}
