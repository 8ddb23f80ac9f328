//! `--format github` and `--format sarif`, and `--max-warnings`.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use std::path::Path;

use assert_cmd::Command;
use predicates::prelude::*;
use serde_json::Value;

fn write(root: &Path, files: &[(&str, &str)]) {
    for (path, text) in files {
        let p = root.join(path);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }
}

/// Runs `vaultlint check vault ARGS` from `dir`, the folder holding `vault/`.
fn run(dir: &Path, args: &[&str]) -> (i32, String) {
    let out = Command::cargo_bin("vaultlint")
        .unwrap()
        .current_dir(dir)
        .args(["check", "vault", "--today", "2026-11-26"])
        .args(args)
        .output()
        .unwrap();
    (
        out.status.code().unwrap(),
        String::from_utf8(out.stdout).unwrap(),
    )
}

/// A note whose name holds `,` and `:`, with a wikilink target holding `%0A::error::` and a
/// markdown link whose target decodes to a real newline (and CR) followed by `::warning`.
const HOSTILE: &str = "# Hostile\n\nSee [[%0A::error::forged wiki]] and [text](evil%0A::warning%20file=x::forged%0D.md).\n";

#[test]
fn github_annotations_cannot_be_injected() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        &[
            ("vault/.vaultlint.yaml", ""),
            ("vault/Hostile, part: 1.md", HOSTILE),
            ("vault/Dup/A.md", "[[B]]\n"),
            ("vault/x/B.md", ""),
            ("vault/y/B.md", ""),
        ],
    );
    let (code, out) = run(dir.path(), &["--format", "github"]);
    assert_eq!(code, 1);
    let lines: Vec<&str> = out.lines().collect();
    let (summary, commands) = lines.split_last().unwrap();
    assert_eq!(*summary, "2 errors, 1 warning in 4 notes");
    assert!(!summary.starts_with("::"));
    for line in commands {
        assert!(
            line.starts_with("::error file=vault/") || line.starts_with("::warning file=vault/"),
            "{line}"
        );
        // One command per line: the message holds no raw `::error`/`::warning` at a line start
        // and the properties end at the first `::`.
        let (props, _) = line[2..].split_once("::").unwrap();
        assert!(props.contains("title=vaultlint("), "{line}");
    }
    insta::assert_snapshot!(out);
}

#[test]
fn github_paths_are_vault_relative_when_the_vault_is_not_below_the_current_folder() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        &[("vault/.vaultlint.yaml", ""), ("vault/A.md", "[[Nope]]\n")],
    );
    let out = Command::cargo_bin("vaultlint")
        .unwrap()
        .current_dir(dir.path().join("vault"))
        .args(["check", "--format", "github"])
        .output()
        .unwrap();
    let out = String::from_utf8(out.stdout).unwrap();
    assert!(out.starts_with("::error file=A.md,line=1,col=3,"), "{out}");
}

#[test]
fn sarif_log_has_rules_and_located_results() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        &[
            ("vault/.vaultlint.yaml", ""),
            ("vault/Actors/Hugging Face.md", "# HF\n\nSee [[Nope]].\n"),
            ("vault/A.md", "[[B]]\n"),
            ("vault/x/B.md", ""),
            ("vault/y/B.md", ""),
        ],
    );
    std::fs::write(dir.path().join("vault/Bad.md"), b"bad \x00\xff byte\n").unwrap();
    let (code, out) = run(dir.path(), &["--format", "sarif"]);
    assert_eq!(code, 2);
    let log: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(log["version"], "2.1.0");
    assert!(log["$schema"].as_str().unwrap().contains("sarif-2.1.0"));
    let run = &log["runs"][0];
    assert_eq!(run["columnKind"], "unicodeCodePoints");
    let base = run["originalUriBaseIds"]["%SRCROOT%"]["uri"]
        .as_str()
        .unwrap();
    assert!(
        base.starts_with("file:///") && base.ends_with('/'),
        "{base}"
    );

    let driver = &run["tool"]["driver"];
    assert_eq!(driver["name"], "vaultlint");
    let rules = driver["rules"].as_array().unwrap();
    // Every rule once, `unreadable-note` included.
    assert_eq!(rules.len(), vaultlint::rules::REGISTRY.len());
    let mut ids: Vec<&str> = rules.iter().map(|r| r["id"].as_str().unwrap()).collect();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), rules.len());
    for (rule, meta) in rules.iter().zip(vaultlint::rules::REGISTRY) {
        assert_eq!(rule["id"], meta.id);
        assert_eq!(rule["help"]["markdown"], meta.doc);
        assert!(
            rule["shortDescription"]["text"]
                .as_str()
                .unwrap()
                .ends_with('.')
        );
        assert!(!rule["fullDescription"]["text"].as_str().unwrap().is_empty());
        assert_eq!(
            rule["defaultConfiguration"]["level"],
            meta.default_severity.as_str()
        );
    }

    let results = run["results"].as_array().unwrap();
    let summary: Vec<(String, String, String)> = results
        .iter()
        .map(|r| {
            let index = r["ruleIndex"].as_u64().unwrap() as usize;
            assert_eq!(rules[index]["id"], r["ruleId"]);
            let location = &r["locations"][0]["physicalLocation"];
            assert_eq!(location["artifactLocation"]["uriBaseId"], "%SRCROOT%");
            (
                r["ruleId"].as_str().unwrap().to_string(),
                r["level"].as_str().unwrap().to_string(),
                location["artifactLocation"]["uri"]
                    .as_str()
                    .unwrap()
                    .to_string(),
            )
        })
        .collect();
    let s = |a: &str, b: &str, c: &str| (a.to_string(), b.to_string(), c.to_string());
    assert_eq!(
        summary,
        [
            s("ambiguous-link", "warning", "vault/A.md"),
            s("broken-link", "error", "vault/Actors/Hugging%20Face.md"),
            s("unreadable-note", "error", "vault/Bad.md"),
        ]
    );
    let hf = &results[1];
    assert_eq!(
        hf["locations"][0]["physicalLocation"]["region"],
        serde_json::json!({"startLine": 3, "startColumn": 7, "endLine": 3, "endColumn": 11})
    );
    assert_eq!(
        hf["message"]["text"],
        "Link target `Nope` does not match any note. Create the note, or fix the spelling."
    );
}

#[test]
fn max_warnings() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        &[
            ("vault/.vaultlint.yaml", ""),
            ("vault/A.md", "[[B]] [[B]]\n"),
            ("vault/x/B.md", ""),
            ("vault/y/B.md", ""),
        ],
    );
    let check = |args: &[&str]| {
        let mut cmd = Command::cargo_bin("vaultlint").unwrap();
        cmd.current_dir(dir.path())
            .args(["check", "vault", "--color", "never"])
            .args(args);
        cmd.assert()
    };
    check(&[]).code(0);
    check(&["--max-warnings", "2"]).code(0);
    check(&["--max-warnings", "1"])
        .code(1)
        .stderr(predicate::str::contains(
            "2 warnings, more than --max-warnings 1",
        ));
    check(&["--max-warnings", "0", "--format", "json"]).code(1);
    // Errors exit 1 whatever the limit; a failure to check still exits 2.
    write(dir.path(), &[("vault/C.md", "[[Nope]]\n")]);
    check(&["--max-warnings", "10"]).code(1);
    std::fs::write(dir.path().join("vault/D.md"), b"\x00\xff").unwrap();
    check(&["--max-warnings", "0"]).code(2);
}
