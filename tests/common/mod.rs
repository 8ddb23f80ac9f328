//! Helpers shared by the integration tests.

#![allow(
    dead_code,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing
)]

use std::path::Path;

use serde_json::Value;

/// Copies a folder tree (a fixture vault into a temporary folder).
pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// `(rule, path, line, column)` of every diagnostic of a `--format json` document.
pub fn diagnostic_rows(doc: &Value) -> Vec<(String, String, u64, u64)> {
    doc["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["rule"].as_str().unwrap().to_string(),
                d["path"].as_str().unwrap().to_string(),
                d["line"].as_u64().unwrap(),
                d["column"].as_u64().unwrap(),
            )
        })
        .collect()
}

/// The sections every page of `vaultlint report` has, by their ids.
pub const REPORT_SECTIONS: [&str; 6] = [
    "summary",
    "links",
    "freshness",
    "figures",
    "schemas",
    "all-findings",
];

/// Asserts that `page` (a report page, or the DOM a browser made of it) has every section.
pub fn assert_report_sections(page: &str) {
    for section in REPORT_SECTIONS {
        assert!(
            page.contains(&format!("<section id=\"{section}\">")),
            "no section {section}"
        );
    }
}

/// Runs git in `dir` with a config of its own (no system or global config, a fixed author,
/// `main` as the first branch) and returns its output, trimmed; fails the test when git does.
pub fn git(dir: &Path, args: &[&str]) -> String {
    let out = std::process::Command::new("git")
        .current_dir(dir)
        .args(["-c", "user.name=t", "-c", "user.email=t@example.invalid"])
        .args([
            "-c",
            "init.defaultBranch=main",
            "-c",
            "commit.gpgsign=false",
        ])
        .args(args)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap().trim().to_string()
}
