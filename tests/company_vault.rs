//! The company vault configuration/docs show: a vault's own rules (public and private
//! companies, analysts, tables, mentions) written as `.vaultlint.yaml`. The findings are pinned,
//! and docs/configuration.md shows the config and the report word for word.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use std::path::Path;

use assert_cmd::Command;

mod common;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn human() -> (i32, String) {
    let out = Command::cargo_bin("vaultlint")
        .unwrap()
        .current_dir(root())
        .args(["check", "fixtures/company-vault", "--color", "never"])
        .output()
        .unwrap();
    (
        out.status.code().unwrap(),
        String::from_utf8(out.stdout).unwrap(),
    )
}

#[test]
fn company_rules_findings() {
    let (code, out) = human();
    assert_eq!(code, 1);
    insta::assert_snapshot!(out);
}

#[test]
fn configuration_doc_shows_the_config_and_the_report() {
    let doc = std::fs::read_to_string(root().join("docs/configuration.md")).unwrap();
    let config =
        std::fs::read_to_string(root().join("fixtures/company-vault/.vaultlint.yaml")).unwrap();
    let block = format!("```yaml\n{}\n```", config.trim_end());
    assert!(
        doc.contains(&block),
        "docs/configuration.md does not show fixtures/company-vault/.vaultlint.yaml as it is"
    );
    let (_, out) = human();
    let block = format!("```text\n{}\n```", out.trim_end());
    assert!(
        doc.contains(&block),
        "docs/configuration.md does not show the company vault's report as it is"
    );
}

/// Each rule of the vault fires on the note planted for it, and the complete notes are silent.
#[test]
fn every_company_rule_fires_where_planted() {
    let out = Command::cargo_bin("vaultlint")
        .unwrap()
        .current_dir(root())
        .args(["check", "fixtures/company-vault", "--format", "json"])
        .output()
        .unwrap();
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let found: Vec<(String, String)> = common::diagnostic_rows(&doc)
        .into_iter()
        .map(|(rule, path, _, _)| (rule, path))
        .collect();
    let has = |rule: &str, path: &str| found.iter().any(|(r, p)| r == rule && p == path);
    assert!(has("missing-section", "Actors/Bolt Energy.md"));
    assert!(has("table-needs-blank-line", "Actors/Bolt Energy.md"));
    assert!(has("missing-section", "Actors/Nova Robotics.md"));
    assert!(has("forbidden-field", "Actors/Nova Robotics.md"));
    assert!(has("misplaced-note", "Actors/Sam Lee.md"));
    assert!(has("forbidden-field", "Actors/Sam Lee.md"));
    assert!(has("unlinked-mention", "Actors/Acme Corp.md"));
    for quiet in ["Actors/Kite Labs.md", "Analysts/Jane Roe.md"] {
        assert!(!found.iter().any(|(_, p)| p == quiet), "{quiet}: {found:?}");
    }
    assert!(
        !found
            .iter()
            .any(|(r, p)| r == "missing-section" && p == "Actors/Acme Corp.md")
    );
}
