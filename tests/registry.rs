//! Every registered rule has its doc page and fixtures, and every doc names a registered rule.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use std::path::Path;

use vaultlint::rules::REGISTRY;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn every_rule_has_a_doc_and_fixtures() {
    for meta in REGISTRY {
        let doc = root().join("rules").join(format!("{}.md", meta.id));
        assert!(
            doc.is_file(),
            "rule `{}` has no rules/{}.md",
            meta.id,
            meta.id
        );
        assert_eq!(
            std::fs::read_to_string(&doc).unwrap(),
            meta.doc,
            "{}: embedded doc differs",
            meta.id
        );
        assert!(
            meta.doc.starts_with(&format!("# {}\n", meta.id)),
            "{}: doc must start with its id",
            meta.id
        );
        for section in [
            "## What it does",
            "## Why is this bad?",
            "## Example",
            "## Options",
        ] {
            assert!(
                meta.doc.contains(section),
                "{}: doc lacks `{section}`",
                meta.id
            );
        }
        let fixtures = root().join("fixtures").join(meta.id);
        assert!(
            fixtures.is_dir(),
            "rule `{}` has no fixtures/{}/",
            meta.id,
            meta.id
        );
    }
}

#[test]
fn every_doc_names_a_registered_rule() {
    for entry in std::fs::read_dir(root().join("rules")).unwrap() {
        let path = entry.unwrap().path();
        let id = path.file_stem().unwrap().to_string_lossy().to_string();
        assert!(
            REGISTRY.iter().any(|m| m.id == id),
            "rules/{id}.md documents no registered rule"
        );
    }
}

#[test]
fn rule_ids_are_unique_kebab_case() {
    let mut seen = std::collections::BTreeSet::new();
    for meta in REGISTRY {
        assert!(seen.insert(meta.id), "duplicate rule id {}", meta.id);
        assert!(
            meta.id.chars().all(|c| c.is_ascii_lowercase() || c == '-'),
            "{} is not kebab-case",
            meta.id
        );
    }
}
