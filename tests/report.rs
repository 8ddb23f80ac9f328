//! `vaultlint report`: the JSON report of the fixture vaults (snapshots), the HTML page's
//! escaping of hostile note names and texts, its links to the notes, and the progress bar
//! (under a pseudo-terminal it appears, piped it does not).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use std::path::Path;
use std::process::Command as Process;

use assert_cmd::Command;
use serde_json::Value;

mod common;

fn vaultlint() -> Command {
    Command::cargo_bin("vaultlint").unwrap()
}

fn write(root: &Path, files: &[(&str, &str)]) {
    for (path, text) in files {
        let p = root.join(path);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }
}

/// The JSON report of a fixture vault.
fn json_report(vault: &str, args: &[&str]) -> Value {
    let out = vaultlint()
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(["report", vault, "--format", "json", "--today", "2026-11-26"])
        .args(args)
        .output()
        .unwrap();
    succeeded(&out);
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn json_report_of_the_sample_vault() {
    let doc = json_report("fixtures/research-vault", &[]);
    // The same findings as `check`, counted the same way.
    let check = vaultlint()
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(["check", "fixtures/research-vault", "--format", "json"])
        .output()
        .unwrap();
    let check: Value = serde_json::from_slice(&check.stdout).unwrap();
    assert_eq!(doc["summary"]["errors"], check["summary"]["errors"]);
    assert_eq!(doc["summary"]["warnings"], check["summary"]["warnings"]);
    assert_eq!(doc["summary"]["notes"], check["summary"]["notes"]);
    assert_eq!(
        doc["findings"].as_array().unwrap().len(),
        check["diagnostics"].as_array().unwrap().len()
    );
    insta::assert_json_snapshot!("report_research_vault", doc);
}

#[test]
fn json_report_of_the_hostile_vault() {
    insta::assert_json_snapshot!("report_hostile", json_report("fixtures/hostile", &[]));
}

#[test]
fn json_report_of_a_rule_fixture_with_selection() {
    // A fixture case of a link rule, narrowed to that rule: the other rules' findings go.
    let doc = json_report("fixtures/broken-link/basic", &["--select", "broken-link"]);
    let rules: Vec<&str> = doc["summary"]["rules"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["rule"].as_str().unwrap())
        .collect();
    assert_eq!(rules, vec!["broken-link"]);
    insta::assert_json_snapshot!("report_broken_link_basic", doc);
}

#[test]
fn the_baseline_says_how_many_recorded_findings_are_left() {
    let dir = tempfile::tempdir().unwrap();
    let vault = dir.path();
    write(
        vault,
        &[
            ("A.md", "See [[Gone]] and [[Lost]].\n"),
            ("B.md", "See [[A]].\n"),
        ],
    );
    vaultlint()
        .current_dir(vault)
        .args(["baseline", "."])
        .assert()
        .success();
    // One of the two recorded findings is fixed, and a new one comes.
    write(
        vault,
        &[
            ("A.md", "See [[Gone]] and [[B]].\n"),
            ("B.md", "See [[A]] and [[New]].\n"),
        ],
    );
    let out = vaultlint()
        .current_dir(vault)
        .args([
            "report",
            ".",
            "--format",
            "json",
            "--baseline",
            ".vaultlint-baseline.json",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["summary"]["baseline"]["left"], 1);
    assert_eq!(doc["summary"]["baseline"]["fixed"], 1);
    assert_eq!(doc["summary"]["baseline"]["recorded"], 2);
    let findings = doc["findings"].as_array().unwrap();
    assert_eq!(findings.len(), 1);
    assert_eq!(findings[0]["path"], "B.md");
}

/// A vault whose note names, headings, links and figures try to break out of the page.
fn hostile_vault(root: &Path) {
    write(
        root,
        &[
            (
                "<script>alert(1)</script>.md",
                "# \"><img src=x onerror=alert(2)>\n\nSee [[<b>missing</b>]] and [[Other#\"><svg onload=alert(3)>]].\n\n*Updated 2020-01-01*\n",
            ),
            (
                "Other.md",
                "# Other\n\nLinks to [[<script>alert(1)</script>]].\n\n| Metric | Value |\n|---|---|\n| Valuation | $5B |\n\n**<i>x</i>** $4B valuation.\n",
            ),
            (
                ".vaultlint.yaml",
                "schemas:\n  - name: \"<u>kind</u>\"\n    folders: [\"\"]\n    tags: [\"<x>\"]\n    required-sections: [\"<em>Quick</em>\"]\n",
            ),
        ],
    );
}

#[test]
fn the_page_shows_hostile_names_as_text() {
    let dir = tempfile::tempdir().unwrap();
    hostile_vault(dir.path());
    let out = vaultlint()
        .current_dir(dir.path())
        .args([
            "report",
            ".",
            "--output",
            "page.html",
            "--today",
            "2026-11-26",
        ])
        .output()
        .unwrap();
    succeeded(&out);
    let page = std::fs::read_to_string(dir.path().join("page.html")).unwrap();
    // The page's own script is the only one; no tag from a note survives as markup.
    assert_eq!(page.matches("<script").count(), 1, "{page}");
    for tag in [
        "<img",
        "<svg onload",
        "<b>missing",
        "<i>x",
        "<u>kind",
        "<em>Quick",
        "<x>",
    ] {
        assert!(!page.contains(tag), "`{tag}` is markup in the page");
    }
    // …but shows as text, escaped.
    assert!(
        page.contains("&lt;script&gt;alert(1)&lt;&#x2f;script&gt;.md"),
        "{page}"
    );
    assert!(page.contains("&lt;b&gt;missing&lt;&#x2f;b&gt;"));
    assert!(page.contains("&lt;u&gt;kind&lt;&#x2f;u&gt;"));
    // A link to the hostile note is an encoded path, not a way out of the attribute (the
    // template engine writes `/` as `&#x2f;` there too; the browser reads it as `/`).
    assert!(
        page.contains("href=\"%3Cscript%3Ealert%281%29%3C&#x2f;script%3E.md\""),
        "{page}"
    );
    assert!(!page.contains("href=\"<"));
}

#[test]
fn rows_link_to_the_notes_relative_to_the_page() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        &[
            ("vault/Sub/A note.md", "See [[Gone]].\n"),
            ("out/.keep", ""),
        ],
    );
    vaultlint()
        .current_dir(dir.path())
        .args(["report", "vault", "-q", "--output", "out/page.html"])
        .assert()
        .success()
        .stderr("");
    let page = std::fs::read_to_string(dir.path().join("out/page.html")).unwrap();
    assert!(
        page.contains("href=\"..&#x2f;vault&#x2f;Sub&#x2f;A%20note.md\""),
        "{page}"
    );
}

#[test]
fn the_page_needs_nothing_from_the_network() {
    let out = vaultlint()
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(["report", "fixtures/research-vault"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let page = String::from_utf8(out.stdout).unwrap();
    // Nothing is fetched: no URL, no external stylesheet, script or image; the policy forbids it.
    assert!(!page.contains("http:") && !page.contains("https:"));
    assert!(!page.contains("<link") && !page.contains("src="));
    assert!(page.contains("default-src 'none'"));
    common::assert_report_sections(&page);
    assert!(page.contains("@media (prefers-color-scheme: dark)"));
    assert!(page.contains("@media print"));
}

#[test]
fn a_report_that_cannot_be_written_exits_2() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), &[("A.md", "# A\n")]);
    vaultlint()
        .current_dir(dir.path())
        .args(["report", ".", "--output", "no/such/folder/page.html"])
        .assert()
        .code(2);
    vaultlint()
        .current_dir(dir.path())
        .args(["report", ".", "--select", "no-such-rule"])
        .assert()
        .code(2);
}

/// Runs `vaultlint ARGS` under a pseudo-terminal (the `script` command), with the progress bar
/// allowed from the first note; what the terminal showed, or `None` without `script`.
fn under_terminal(args: &str, no_color: bool) -> Option<String> {
    let script = ["/usr/bin/script", "/bin/script"]
        .into_iter()
        .find(|p| Path::new(p).exists())?;
    let bin = assert_cmd::cargo::cargo_bin("vaultlint");
    let mut cmd = Process::new(script);
    cmd.current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(["-qec", &format!("{} {args}", bin.display()), "/dev/null"])
        .env("VAULTLINT_PROGRESS_AFTER_MS", "0")
        .env("TERM", "xterm-256color")
        .env_remove("CLICOLOR")
        .env_remove("CLICOLOR_FORCE")
        .stdin(std::process::Stdio::null());
    if no_color {
        cmd.env("NO_COLOR", "1");
    } else {
        cmd.env_remove("NO_COLOR");
    }
    let out = cmd.output().unwrap();
    Some(String::from_utf8_lossy(&out.stdout).into_owned())
}

#[test]
fn the_progress_bar_shows_on_a_terminal_only() {
    let Some(shown) = under_terminal("check fixtures/research-vault", false) else {
        eprintln!("skipped: no `script` command to run vaultlint under a pseudo-terminal");
        return;
    };
    assert!(
        shown.contains("notes,"),
        "no progress bar on the terminal: {shown:?}"
    );
    assert!(
        shown.contains("/17 notes") || shown.contains("/18 notes"),
        "{shown:?}"
    );
    assert!(
        shown.contains("\u{1b}[36m"),
        "the bar is not coloured: {shown:?}"
    );

    // Plain with NO_COLOR: the bar, without colour.
    let plain = under_terminal("check fixtures/research-vault --color never", true).unwrap();
    assert!(plain.contains("notes,"), "{plain:?}");
    assert!(
        !plain.contains("\u{1b}[36m") && !plain.contains("\u{1b}[34m"),
        "{plain:?}"
    );

    // Never with --quiet, and `report` has it too.
    let quiet = under_terminal("check fixtures/research-vault --quiet", false).unwrap();
    assert!(!quiet.contains("notes,"), "{quiet:?}");
    let report = under_terminal(
        "report fixtures/research-vault --format json -o /dev/null",
        false,
    )
    .unwrap();
    assert!(report.contains("notes,"), "{report:?}");

    // Piped: nothing on stderr but what check always says.
    let out = vaultlint()
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("VAULTLINT_PROGRESS_AFTER_MS", "0")
        .args(["check", "fixtures/research-vault", "--format", "json"])
        .output()
        .unwrap();
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["summary"]["notes"], 17);
}

/// Asserts that a `report` run exited 0, showing its stderr if not.
fn succeeded(out: &std::process::Output) {
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
