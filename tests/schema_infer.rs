//! `vaultlint schema infer` on the sample vault: the printed schema is valid config, and once
//! pasted into the vault's config, `check` reports only the notes that really differ.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

mod common;

use std::path::Path;

use assert_cmd::Command;
use serde_json::Value as Json;
use serde_yaml::Value;

fn sample_vault() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/research-vault")
}

fn infer(args: &[&str]) -> (i32, String, String) {
    let out = Command::cargo_bin("vaultlint")
        .unwrap()
        .args(["schema", "infer"])
        .args(args)
        .output()
        .unwrap();
    (
        out.status.code().unwrap(),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

#[test]
fn inferred_actor_schema_flags_only_the_outlier() {
    let vault = sample_vault();
    let (code, yaml, stderr) = infer(&[vault.to_str().unwrap(), "--tag", "actor"]);
    assert_eq!(code, 0, "{stderr}");
    insta::assert_snapshot!(yaml);

    // The output parses, as YAML and as a config file.
    let inferred: Value = serde_yaml::from_str(&yaml).unwrap();
    let schemas = inferred["schemas"].clone();
    assert!(schemas.is_sequence());
    vaultlint::config::parse(
        Path::new("inferred.yaml"),
        std::sync::Arc::new(yaml.clone()),
    )
    .unwrap();

    // Pasted into a copy of the vault's config, in place of its schemas.
    let dir = tempfile::tempdir().unwrap();
    let copy = dir.path().join("vault");
    common::copy_dir(&vault, &copy);
    let config_path = copy.join(".vaultlint.yaml");
    let mut config: Value =
        serde_yaml::from_str(&std::fs::read_to_string(&config_path).unwrap()).unwrap();
    config["schemas"] = schemas;
    std::fs::write(&config_path, serde_yaml::to_string(&config).unwrap()).unwrap();

    let out = Command::cargo_bin("vaultlint")
        .unwrap()
        .arg("check")
        .arg(&copy)
        .args([
            "--select",
            "missing-section,missing-field",
            "--format",
            "json",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let doc: Json = serde_json::from_slice(&out.stdout).unwrap();
    let found: Vec<(String, String, String)> = doc["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["rule"].as_str().unwrap().to_string(),
                d["path"].as_str().unwrap().to_string(),
                d["message"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(
        found,
        [(
            "missing-section".to_string(),
            "Actors/Infrastructure/Databricks.md".to_string(),
            "Note of schema `actor` has no `Related` section".to_string()
        )]
    );
}

#[test]
fn folder_selection_names_the_schema_after_the_folder() {
    let vault = sample_vault();
    let (code, yaml, _) = infer(&[
        vault.to_str().unwrap(),
        "--folder",
        "People",
        "--threshold",
        "0.75",
    ]);
    assert_eq!(code, 0);
    assert!(
        yaml.contains("  - name: people\n    folders: [People]\n"),
        "{yaml}"
    );
    assert!(yaml.contains("- Background"), "{yaml}");
}

#[test]
fn usage_errors_exit_2() {
    let vault = sample_vault();
    let v = vault.to_str().unwrap();
    for args in [
        vec![v, "--tag", "no-such-tag"],
        vec![v, "--tag", "actor", "--threshold", "1.5"],
        vec![v, "--tag", "actor", "--threshold", "0"],
        vec![v],
        vec![v, "--tag", "actor", "--folder", "Actors"],
        vec!["/nonexistent/vault", "--tag", "actor"],
    ] {
        let (code, stdout, _) = infer(&args);
        assert_eq!(code, 2, "{args:?}");
        assert!(stdout.is_empty(), "{args:?}: {stdout}");
    }
}
