//! Property tests of the whole per-note pipeline: random Markdown-ish text (built from the
//! fragments that make parsers stumble: `[[`, `|`, `%%`, `$`, `---`, tables, dates, money,
//! CR/LF, Unicode) and random bytes go through decoding, `Note::parse`, the vault index and
//! every registered rule. Whatever the input: no panic, every finding's span lies inside its
//! note on character boundaries, its line and column exist in the file, and the result does
//! not change from one run to the next.
//!
//! 256 cases per property by default; `PROPTEST_CASES=10000 cargo test --test
//! proptest_pipeline` runs more. Failing seeds are kept in `proptest-regressions/`.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use std::sync::LazyLock;

use proptest::prelude::*;
use vaultlint::config::LoadedConfig;
use vaultlint::engine::{self, Run};
use vaultlint::model::{LineIndex, Span};
use vaultlint::rules::REGISTRY;
use vaultlint::rules::settings::{Overrides, Settings};
use vaultlint::vault::read;

/// Every registered rule, selected, with default options.
static SETTINGS: LazyLock<Settings> = LazyLock::new(|| {
    let overrides = Overrides {
        today: Some("2026-11-26".parse().unwrap()),
        select: Some(REGISTRY.iter().map(|m| m.id.to_string()).collect()),
        ignore: Vec::new(),
    };
    Settings::new(LoadedConfig::defaults(), &overrides).unwrap()
});

const PATHS: &[&str] = &["A.md", "B.md", "Sub/A.md", "Sub/Deep/Note.md", "Über Ω.md"];
const FILES: &[&str] = &["img.png", "Sub/doc.pdf"];

const FRAGMENTS: &[&str] = &[
    "[[",
    "]]",
    "|",
    "\\|",
    "#",
    "^",
    "^block-1",
    "%%",
    "$",
    "$$",
    "---",
    "...",
    "`",
    "```",
    "~~~",
    "![[",
    "[",
    "]",
    "(",
    ")",
    "](",
    "<",
    ">",
    "<!--",
    "-->",
    "*",
    "_",
    "**",
    "\\",
    "- ",
    "1. ",
    "> ",
    "    ",
    "\t",
    " ",
    "\n",
    "\r\n",
    "\r",
    "\n\n",
    "A",
    "B",
    "Note",
    "Sub/",
    "../",
    "./",
    ".md",
    "#Heading",
    "#^blk",
    "Über Ω",
    "é",
    "e\u{301}",
    "日本語",
    "🙂",
    "\u{feff}",
    "\u{0}",
    "\u{1b}[31m",
    "\u{202e}",
    "\u{85}",
    "tags: [a, b]",
    "aliases: [A]",
    "aliases:\n  - ",
    "updated: 2026-01-01",
    "related: \"[[B]]\"",
    "key: [",
    "&a [x]",
    "*a",
    "*Updated 2026-02-30*",
    "Updated: 2026-13-45",
    "**Last updated:** 2025-01-01",
    "_Updated 2099-01-01_",
    "$4.5B",
    "$235M and $161M",
    "12.5%",
    "~1,200",
    "Revenue",
    "Total",
    "valued at",
    "| a | b |\n|---|---|\n| 1 | 2 |\n",
    "| Total | $3 |\n",
    "|---|",
    "#tag",
    "#nested/tag",
    "[x](B.md)",
    "[x](<Sub/A.md>)",
    "[x](https://example.com)",
    "[[A#Heading]]",
    "[[B|alias]]",
    "[[#Local]]",
    "[[Sub/A#^blk]]",
    "![[img.png|100]]",
    "# Heading\n",
    "## Quick stats\n",
    "Heading\n===\n",
    "{#id}",
    "[^1]",
    "[^1]: note\n",
];

/// Markdown-ish text: a random sequence of fragments and bits of arbitrary text.
fn markdownish() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        4 => proptest::sample::select(FRAGMENTS).prop_map(str::to_string),
        1 => any::<String>(),
        1 => "[a-zA-Z0-9 .,:-]{0,12}",
    ];
    (any::<bool>(), proptest::collection::vec(piece, 0..60)).prop_map(|(fm, pieces)| {
        let body = pieces.concat();
        if fm { format!("---\n{body}") } else { body }
    })
}

fn vault() -> impl Strategy<Value = Vec<(&'static str, String)>> {
    proptest::collection::vec((proptest::sample::select(PATHS), markdownish()), 1..=4)
}

/// The properties every run must have.
fn check(notes: &[(&str, String)]) -> Result<(), TestCaseError> {
    let pairs: Vec<(&str, &str)> = notes.iter().map(|(p, t)| (*p, t.as_str())).collect();
    let run = engine::check_texts(&SETTINGS, &pairs, FILES);
    // check_texts keeps the first note of a path, as a vault cannot hold two.
    let text_of =
        |path: &str| -> Option<&str> { pairs.iter().find(|(p, _)| *p == path).map(|(_, t)| *t) };
    prop_assert!(
        run.problems.is_empty(),
        "a rule panicked: {:?}",
        run.problems
    );
    for f in &run.findings {
        let text = text_of(&f.path);
        prop_assert!(text.is_some(), "finding on unknown note {}", f.path);
        let text = text.unwrap();
        in_bounds(text, f.diagnostic.span, &format!("{} {}", f.rule, f.path))?;
        for r in &f.diagnostic.related {
            let other = match &r.path {
                None => text,
                Some(p) => {
                    let t = text_of(p);
                    prop_assert!(t.is_some(), "related note {p} unknown");
                    t.unwrap()
                }
            };
            in_bounds(other, r.span, &format!("{} related {:?}", f.rule, r.path))?;
        }
        prop_assert!(!f.diagnostic.message.is_empty());
    }
    let again = engine::check_texts(&SETTINGS, &pairs, FILES);
    prop_assert_eq!(summary(&run), summary(&again), "not deterministic");
    Ok(())
}

fn summary(run: &Run) -> Vec<String> {
    run.findings.iter().map(|f| format!("{f:?}")).collect()
}

fn in_bounds(text: &str, span: Span, what: &str) -> Result<(), TestCaseError> {
    prop_assert!(
        span.start() <= span.end() && span.end() <= text.len(),
        "{what}: span {span:?} outside a note of {} bytes",
        text.len()
    );
    prop_assert!(
        text.is_char_boundary(span.start()) && text.is_char_boundary(span.end()),
        "{what}: span {span:?} splits a character in {text:?}"
    );
    let lines = LineIndex::new(text);
    for offset in [span.start(), span.end()] {
        let at = lines.line_col(text, offset);
        prop_assert!(
            at.line >= 1 && at.line <= lines.line_count(),
            "{what}: line {at:?}"
        );
        let line_chars = lines.line_text(text, offset).chars().count();
        prop_assert!(
            at.column >= 1 && at.column <= line_chars + 1,
            "{what}: column {at:?} on a line of {line_chars} characters"
        );
    }
    Ok(())
}

proptest! {
    #[test]
    fn markdownish_vaults_never_break_the_pipeline(notes in vault()) {
        check(&notes)?;
    }

    #[test]
    fn arbitrary_text_never_breaks_the_pipeline(text in any::<String>(), other in markdownish()) {
        check(&[("A.md", text), ("B.md", other)])?;
    }

    #[test]
    fn arbitrary_bytes_are_decoded_or_located(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
        match read::decode(bytes.clone()) {
            Ok(text) => {
                prop_assert_eq!(text.as_bytes(), &bytes[..]);
                check(&[("A.md", text)])?;
            }
            Err(bad) => {
                prop_assert!(bad.offset <= bytes.len());
                let before = std::str::from_utf8(&bytes[..bad.offset]);
                prop_assert!(before.is_ok(), "the bytes before the offset are not text");
                let before = before.unwrap();
                prop_assert_eq!(bad.position.line, LineIndex::new(before).line_count());
            }
        }
    }
}

/// Inputs the fuzzer (`fuzz/`) found or that once broke the pipeline, split as the fuzz target
/// splits them: at NUL bytes, into notes `A.md`, `Sub/B.md`, `Sub/A.md`, `Über Ω.md`.
#[test]
fn fuzz_regressions_stay_fixed() {
    let dir =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/regressions/note_pipeline");
    let mut count = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let data = std::fs::read(&path).unwrap();
        let paths = ["A.md", "Sub/B.md", "Sub/A.md", "Über Ω.md"];
        // Split as the fuzz target splits: at each `FF 00` pair (a NUL alone is text).
        let mut parts = Vec::new();
        let mut rest = data.as_slice();
        while let Some(at) = rest.windows(2).position(|w| w == [0xFF, 0]) {
            parts.push(&rest[..at]);
            rest = &rest[at + 2..];
        }
        parts.push(rest);
        let notes: Vec<(&str, String)> = parts
            .into_iter()
            .zip(paths)
            .filter_map(|(part, p)| read::decode(part.to_vec()).ok().map(|t| (p, t)))
            .collect();
        if let Err(e) = check(&notes) {
            panic!("{}: {e}", path.display());
        }
        count += 1;
    }
    assert!(count > 0, "no regression inputs in {}", dir.display());
}
