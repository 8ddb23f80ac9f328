//! `--format sarif`: a SARIF 2.1.0 log for GitHub code scanning and other SARIF viewers.
//!
//! One run; its driver lists every registered rule (id, summary, the first paragraph of "What it
//! does", the whole doc page as help), `unreadable-note` among them, so that a result's
//! `ruleIndex` means the same whatever was selected. Locations are relative to `%SRCROOT%`: the current
//! folder when the vault lies below it (a CI job runs from the repository root, so the paths
//! are repository paths), else the vault root. Columns count Unicode code points
//! (`columnKind`), as in every other format. Messages end with a period, as SARIF asks of
//! plain-text messages.

use std::io::{self, Write};

use serde_json::{Value, json};

use super::{Entry, FIRST, Positions, SarifBase, entries};
use crate::engine::Run;
use crate::finding::Severity;
use crate::rules::REGISTRY;

const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";
/// Where to learn about the tool: the package's repository or homepage when `Cargo.toml` names
/// one, else its documentation page.
const INFORMATION_URI: &str = first_non_empty(
    env!("CARGO_PKG_REPOSITORY"),
    first_non_empty(env!("CARGO_PKG_HOMEPAGE"), "https://docs.rs/vaultlint"),
);
const UNREADABLE: &str = crate::rules::unreadable_note::ID;
const UNREADABLE_HELP: &str = "Fix or remove the file; the rest of the vault was checked";

pub fn write(
    out: &mut dyn Write,
    run: &Run,
    positions: &Positions,
    base: &SarifBase,
) -> io::Result<()> {
    let results: Vec<Value> = entries(run, positions)
        .into_iter()
        .map(|entry| match entry {
            Entry::Finding(i, f) => {
                let (start, end) = positions.of(i);
                let mut result = json!({
                    "ruleId": f.rule,
                    "ruleIndex": rule_index(f.rule),
                    "level": level(f.severity),
                    "message": { "text": message(&f.diagnostic.message, f.diagnostic.help.as_deref()) },
                    "locations": [{
                        "physicalLocation": {
                            "artifactLocation": artifact(base, &f.path),
                            "region": {
                                "startLine": start.line,
                                "startColumn": start.column,
                                "endLine": end.line,
                                "endColumn": end.column,
                            }
                        }
                    }]
                });
                if let (Some(fix), Value::Object(map)) = (f.diagnostic.fix.as_deref(), &mut result)
                {
                    map.insert("fixes".into(), fixes(base, &f.path, fix, positions.edits(i)));
                }
                result
            }
            Entry::Problem(p) => {
                // Where the first bad byte is, when known, as in the JSON output.
                let at = p.position.unwrap_or(FIRST);
                json!({
                    "ruleId": UNREADABLE,
                    "ruleIndex": rule_index(UNREADABLE),
                    "level": "error",
                    "message": { "text": message(&p.message, Some(UNREADABLE_HELP)) },
                    "locations": [{
                        "physicalLocation": {
                            "artifactLocation": artifact(base, &p.path),
                            "region": {
                                "startLine": at.line,
                                "startColumn": at.column,
                                "endLine": at.line,
                                "endColumn": at.column,
                            },
                        }
                    }]
                })
            }
        })
        .collect();

    let rules: Vec<Value> = REGISTRY
        .iter()
        .map(|m| {
            let mut rule = descriptor(
                m.id,
                m.summary,
                &what_it_does(m.doc),
                m.doc,
                m.default_severity,
            );
            if !crate::rules::is_on_by_default(m.id)
                && let Some(config) = rule
                    .get_mut("defaultConfiguration")
                    .and_then(Value::as_object_mut)
            {
                config.insert("enabled".into(), json!(false));
            }
            rule
        })
        .collect();

    let mut run_object = json!({
        "tool": {
            "driver": {
                "name": "vaultlint",
                "informationUri": INFORMATION_URI,
                "version": env!("CARGO_PKG_VERSION"),
                "semanticVersion": env!("CARGO_PKG_VERSION"),
                "rules": rules,
            }
        },
        "columnKind": "unicodeCodePoints",
        "results": results,
    });
    if let (Some(abs), Value::Object(map)) = (&base.absolute, &mut run_object)
        && let Some(uri) = file_uri(abs)
    {
        map.insert(
            "originalUriBaseIds".into(),
            json!({ "%SRCROOT%": { "uri": uri } }),
        );
    }
    let log = json!({
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [run_object],
    });
    serde_json::to_writer_pretty(&mut *out, &log).map_err(io::Error::other)?;
    writeln!(out)
}

const fn first_non_empty<'a>(a: &'a str, b: &'a str) -> &'a str {
    if a.is_empty() { b } else { a }
}

/// A fix as SARIF 2.1.0 writes it: one artifact change with a replacement per edit.
fn fixes(
    base: &SarifBase,
    path: &str,
    fix: &crate::finding::Fix,
    places: &[(crate::model::LineCol, crate::model::LineCol)],
) -> Value {
    let replacements: Vec<Value> = fix
        .edits
        .iter()
        .zip(places)
        .map(|(edit, (start, end))| {
            json!({
                "deletedRegion": {
                    "startLine": start.line,
                    "startColumn": start.column,
                    "endLine": end.line,
                    "endColumn": end.column,
                },
                "insertedContent": { "text": edit.replacement },
            })
        })
        .collect();
    let safety = if fix.is_safe() { "safe" } else { "unsafe" };
    json!([{
        "description": { "text": sentence(&fix.message) },
        "artifactChanges": [{
            "artifactLocation": artifact(base, path),
            "replacements": replacements,
        }],
        "properties": { "applicability": safety },
    }])
}

fn rule_index(id: &str) -> usize {
    REGISTRY
        .iter()
        .position(|m| m.id == id)
        .unwrap_or(REGISTRY.len())
}

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
    }
}

fn descriptor(id: &str, summary: &str, full: &str, doc: &str, severity: Severity) -> Value {
    json!({
        "id": id,
        "shortDescription": { "text": sentence(summary) },
        "fullDescription": { "text": sentence(full) },
        "help": { "text": doc, "markdown": doc },
        "defaultConfiguration": { "level": level(severity) },
    })
}

fn artifact(base: &SarifBase, path: &str) -> Value {
    json!({
        "uri": percent_encode(&format!("{}{path}", base.prefix)),
        "uriBaseId": "%SRCROOT%",
    })
}

/// The finding's message and help as two sentences.
fn message(message: &str, help: Option<&str>) -> String {
    match help {
        Some(help) => format!("{} {}", sentence(message), sentence(help)),
        None => sentence(message),
    }
}

/// Ends `text` with a period unless it already ends a sentence.
fn sentence(text: &str) -> String {
    let text = text.trim();
    if text.ends_with(['.', '?', '!']) {
        text.to_string()
    } else {
        format!("{text}.")
    }
}

/// The first paragraph under `## What it does` in a rule's doc page, on one line.
pub fn what_it_does(doc: &str) -> String {
    let Some((_, rest)) = doc.split_once("## What it does\n") else {
        return String::new();
    };
    rest.lines()
        .skip_while(|l| l.trim().is_empty())
        .take_while(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .map(str::trim)
        .collect::<Vec<_>>()
        .join(" ")
}

/// A `file://` URI for an absolute folder, ending with `/` as SARIF requires of base URIs.
fn file_uri(abs: &std::path::Path) -> Option<String> {
    let parts: Option<Vec<&str>> = abs
        .components()
        .filter_map(|c| match c {
            std::path::Component::Normal(s) => Some(s.to_str()),
            _ => None,
        })
        .collect();
    let path = parts?.join("/");
    let path = percent_encode(&path);
    Some(if path.is_empty() {
        "file:///".to_string()
    } else {
        format!("file:///{path}/")
    })
}

/// Percent-encodes everything but unreserved characters and `/` (a relative URI reference).
pub(crate) fn percent_encode(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b'/') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodes_paths() {
        let cases = [
            ("Actors/Hugging Face.md", "Actors/Hugging%20Face.md"),
            ("Café.md", "Caf%C3%A9.md"),
            ("a#b?c%d.md", "a%23b%3Fc%25d.md"),
        ];
        for (input, want) in cases {
            assert_eq!(percent_encode(input), want);
        }
        assert_eq!(
            file_uri(std::path::Path::new("/home/me/my vault")).as_deref(),
            Some("file:///home/me/my%20vault/")
        );
    }

    #[test]
    fn sentences() {
        assert_eq!(sentence("No period"), "No period.");
        assert_eq!(sentence("did you mean [[X]]?"), "did you mean [[X]]?");
        assert_eq!(message("Bad", Some("Fix it")), "Bad. Fix it.");
    }

    #[test]
    fn first_paragraph_of_what_it_does() {
        let doc =
            "# x\n\n## What it does\nChecks links\nin notes.\n\n- more\n\n## Why is this bad?\n";
        assert_eq!(what_it_does(doc), "Checks links in notes.");
        for m in REGISTRY {
            assert!(!what_it_does(m.doc).is_empty(), "{}", m.id);
        }
    }
}
