//! The sample vault the README runs on: its human and JSON output are pinned, and the JSON is
//! checked against the contract's shape.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use assert_cmd::Command;
use serde_json::Value;

fn run(format: &str) -> (i32, String) {
    let out = Command::cargo_bin("vaultlint")
        .unwrap()
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args([
            "check",
            "fixtures/research-vault",
            "--color",
            "never",
            "--format",
            format,
        ])
        .output()
        .unwrap();
    (
        out.status.code().unwrap(),
        String::from_utf8(out.stdout).unwrap(),
    )
}

#[test]
fn human_output() {
    let (code, out) = run("human");
    assert_eq!(code, 1);
    insta::assert_snapshot!(out);
}

#[test]
fn json_output_matches_the_contract() {
    let (code, out) = run("json");
    assert_eq!(code, 1);
    let doc: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(doc["version"], 1);
    let mut errors = 0;
    let mut warnings = 0;
    for d in doc["diagnostics"].as_array().unwrap() {
        for key in ["rule", "severity", "path", "message"] {
            assert!(d[key].is_string(), "{key} in {d}");
        }
        for key in ["line", "column", "end_line", "end_column"] {
            assert!(d[key].as_u64().is_some_and(|n| n >= 1), "{key} in {d}");
        }
        assert!(d["help"].is_string() || d["help"].is_null());
        assert!(!d["path"].as_str().unwrap().contains('\\'));
        match d["severity"].as_str().unwrap() {
            "error" => errors += 1,
            "warning" => warnings += 1,
            other => panic!("severity {other}"),
        }
    }
    assert_eq!(doc["summary"]["errors"], errors);
    assert_eq!(doc["summary"]["warnings"], warnings);
    insta::assert_json_snapshot!(doc);
}
