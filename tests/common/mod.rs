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
