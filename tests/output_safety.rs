//! Output cannot be used against the reader: terminal control characters from note text or
//! file names never reach the terminal raw in human output, and JSON carries them escaped,
//! exactly (a round trip gives back the original text).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use std::path::Path;

use assert_cmd::Command;
use serde_json::Value;

const EVIL_NAME: &str = "Evil\u{1b}[2J\rname\u{202e}.md";

fn hostile_vault() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::write(
        root.join("Paint.md"),
        "# Paint\n\nRed \u{1b}[31malert\u{1b}[0m then [[Nope\u{1b}[31m]]\rover\u{7}written\n",
    )
    .unwrap();
    std::fs::write(root.join(EVIL_NAME), "# Evil\n\nSee [[Missing]].\n").unwrap();
    dir
}

fn run(root: &Path, format: &str) -> (i32, Vec<u8>) {
    let out = Command::cargo_bin("vaultlint")
        .unwrap()
        .arg("check")
        .arg(root)
        .args(["--today", "2026-11-26", "--format", format, "--color"])
        .arg(if format == "human" { "always" } else { "never" })
        .output()
        .unwrap();
    (out.status.code().unwrap(), out.stdout)
}

/// Colours are the only escape sequences vaultlint writes itself: `ESC [ digits ; m`.
fn strip_own_colours(text: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(i) = rest.find('\u{1b}') {
        out.push_str(&rest[..i]);
        let after = &rest[i + 1..];
        let len = after
            .strip_prefix('[')
            .and_then(|a| a.find(|c: char| !(c.is_ascii_digit() || c == ';')))
            .filter(|&n| after[1 + n..].starts_with('m'))
            .map(|n| n + 2);
        match len {
            Some(n) => rest = &after[n..],
            None => {
                out.push('\u{1b}');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(unix)]
#[test]
fn human_output_holds_no_terminal_controls_from_the_vault() {
    let v = hostile_vault();
    let (code, stdout) = run(v.path(), "human");
    assert_eq!(code, 1);
    let text = String::from_utf8(stdout).unwrap();
    let bare = strip_own_colours(&text);
    for bad in ['\u{1b}', '\r', '\u{7}', '\u{202e}'] {
        assert!(!bare.contains(bad), "{bad:?} reached the terminal:\n{bare}");
    }
    // The vault's sequences were not mistaken for ours and dropped: they are shown as text.
    assert!(!text.contains("\u{1b}[2J"), "{text}");
    assert!(
        bare.contains(r"Evil\u{1b}[2J\u{d}name\u{202e}.md"),
        "{bare}"
    );
    assert!(bare.contains(r"Link target `Nope\u{1b}[31m`"), "{bare}");
}

#[cfg(unix)]
#[test]
fn json_escapes_and_round_trips() {
    let v = hostile_vault();
    let (code, stdout) = run(v.path(), "json");
    assert_eq!(code, 1);
    let raw = String::from_utf8(stdout).unwrap();
    assert!(!raw.contains('\u{1b}') && !raw.contains('\r'), "{raw}");
    let doc: Value = serde_json::from_str(&raw).unwrap();
    let diagnostics = doc["diagnostics"].as_array().unwrap();
    let paths: Vec<&str> = diagnostics
        .iter()
        .map(|d| d["path"].as_str().unwrap())
        .collect();
    assert!(paths.contains(&EVIL_NAME), "{paths:?}");
    let paint = diagnostics
        .iter()
        .find(|d| d["path"] == "Paint.md")
        .unwrap();
    assert_eq!(
        paint["message"].as_str().unwrap(),
        "Link target `Nope\u{1b}[31m` does not match any note"
    );
    assert_eq!(
        (paint["line"].as_u64(), paint["column"].as_u64()),
        (Some(3), Some(27))
    );
    // Serialising what was read gives the same document back.
    assert_eq!(
        serde_json::from_str::<Value>(&serde_json::to_string(&doc).unwrap()).unwrap(),
        doc
    );
}

#[test]
fn lone_cr_line_numbers_agree_between_human_and_json() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("Mac.md"),
        "# Old Mac\r\rline two\r[[Gone]]\r",
    )
    .unwrap();
    let (_, json) = run(dir.path(), "json");
    let doc: Value = serde_json::from_slice(&json).unwrap();
    let d = &doc["diagnostics"][0];
    assert_eq!(
        (d["line"].as_u64(), d["column"].as_u64()),
        (Some(4), Some(3))
    );
    let human = Command::cargo_bin("vaultlint")
        .unwrap()
        .arg("check")
        .arg(dir.path())
        .args(["--color", "never"])
        .output()
        .unwrap();
    let text = String::from_utf8(human.stdout).unwrap();
    assert!(text.contains("[Mac.md:4:3]"), "{text}");
    assert!(text.contains(" 4 │ [[Gone]]"), "{text}");
}
