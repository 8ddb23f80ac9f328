//! Runs every fixture case: `fixtures/<rule>/<case>/` is a tiny vault checked with only that
//! rule enabled. Notes named `ok-*.md` must produce no finding of the rule, notes named
//! `bad-*.md` at least one, and the human output is pinned by a snapshot. Only
//! `unreadable-note` cases may exit 2 (a note that cannot be read does that).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use assert_cmd::Command;
use serde_json::Value;

const TODAY: &str = "2026-11-26";

fn cases() -> Vec<(String, String, PathBuf)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
    let mut out = Vec::new();
    for rule in std::fs::read_dir(&root).unwrap() {
        let rule = rule.unwrap().path();
        let rule_id = rule.file_name().unwrap().to_string_lossy().to_string();
        if !rule.is_dir() || vaultlint::rules::find(&rule_id).is_none() {
            continue;
        }
        for case in std::fs::read_dir(&rule).unwrap() {
            let case = case.unwrap().path();
            if case.is_dir() {
                let name = case.file_name().unwrap().to_string_lossy().to_string();
                out.push((rule_id.clone(), name, case));
            }
        }
    }
    out.sort();
    out
}

fn notes(dir: &Path, prefix: &str, out: &mut Vec<String>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        if name.starts_with('.') {
            continue;
        }
        let rel = if prefix.is_empty() {
            name.clone()
        } else {
            format!("{prefix}/{name}")
        };
        if path.is_dir() {
            notes(&path, &rel, out);
        } else if name.ends_with(".md") {
            out.push(rel);
        }
    }
}

fn run(case: &Path, rule: &str, format: &str) -> String {
    let output = Command::cargo_bin("vaultlint")
        .unwrap()
        .args([
            "check", "--select", rule, "--today", TODAY, "--color", "never", "--format", format,
        ])
        .arg(case)
        .output()
        .unwrap();
    let code = output.status.code().unwrap();
    // A note that cannot be read makes the run exit 2; only its own rule's cases expect that.
    let allowed: &[i32] = if rule == "unreadable-note" {
        &[0, 1, 2]
    } else {
        &[0, 1]
    };
    assert!(
        allowed.contains(&code),
        "{}: exit {code}: {}",
        case.display(),
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).unwrap()
}

#[test]
fn fixture_cases_fire_and_stay_silent() {
    let all = cases();
    assert!(!all.is_empty(), "no fixture cases found");
    let mut failures = Vec::new();
    for (rule, case, dir) in &all {
        let json: Value = serde_json::from_str(&run(dir, rule, "json")).unwrap();
        let mut per_note: BTreeMap<String, usize> = BTreeMap::new();
        for d in json["diagnostics"].as_array().unwrap() {
            if d["rule"] == rule.as_str() {
                *per_note
                    .entry(d["path"].as_str().unwrap().to_string())
                    .or_default() += 1;
            }
        }
        let mut all_notes = Vec::new();
        notes(dir, "", &mut all_notes);
        let mut judged = 0;
        for note in &all_notes {
            let file = note.rsplit('/').next().unwrap();
            let found = per_note.get(note).copied().unwrap_or(0);
            if file.starts_with("ok-") {
                judged += 1;
                if found > 0 {
                    failures.push(format!(
                        "{rule}/{case}/{note}: expected silence, got {found} finding(s)"
                    ));
                }
            } else if file.starts_with("bad-") {
                judged += 1;
                if found == 0 {
                    failures.push(format!(
                        "{rule}/{case}/{note}: expected a finding, got none"
                    ));
                }
            }
        }
        if judged == 0 {
            failures.push(format!("{rule}/{case}: no ok-*.md or bad-*.md note"));
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}

#[test]
fn fixture_human_output_snapshots() {
    for (rule, case, dir) in cases() {
        let human = run(&dir, &rule, "human");
        insta::assert_snapshot!(format!("{rule}__{case}"), human);
    }
}

/// A run on one note (the pre-commit case) parses the other notes for the index only; it
/// must still report on that note exactly what a run on the whole vault reports on it, cross-
/// note figures included.
#[test]
fn one_note_runs_report_what_vault_runs_report() {
    let mut failures = Vec::new();
    let mut compared = 0;
    for (rule, case, dir) in cases() {
        if rule == "unreadable-note" {
            continue;
        }
        let whole: Value = serde_json::from_str(&run(&dir, &rule, "json")).unwrap();
        let mut all_notes = Vec::new();
        notes(&dir, "", &mut all_notes);
        for note in &all_notes {
            let output = Command::cargo_bin("vaultlint")
                .unwrap()
                .args([
                    "check", "--select", &rule, "--today", TODAY, "--format", "json",
                ])
                .arg(dir.join(note))
                .arg("--vault")
                .arg(&dir)
                .output()
                .unwrap();
            let one: Value = serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
                panic!(
                    "{rule}/{case}/{note}: {e}: {}",
                    String::from_utf8_lossy(&output.stderr)
                )
            });
            let of_note = |doc: &Value| -> Vec<Value> {
                doc["diagnostics"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .filter(|d| d["path"] == note.as_str())
                    .cloned()
                    .collect()
            };
            compared += 1;
            if of_note(&one) != of_note(&whole) {
                failures.push(format!(
                    "{rule}/{case}/{note}: one-note run differs\n  vault: {:?}\n  note:  {:?}",
                    of_note(&whole),
                    of_note(&one)
                ));
            }
        }
    }
    assert!(compared > 100, "only {compared} notes compared");
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}
