//! The per-note pipeline on arbitrary bytes: the input is split at each `FF 00` pair of bytes
//! into up to four notes (0xFF never occurs in UTF-8, so the pair is a free separator, and a
//! NUL byte alone stays in its note, which is text), each is decoded as a note file is, and the
//! texts that decode go through `Note::parse`, the vault index and every registered rule. A panic anywhere, a rule that panics (caught by the engine and reported as a
//! problem), or a finding whose span or position is not inside its note is a crash.

#![no_main]

use std::sync::LazyLock;

use libfuzzer_sys::fuzz_target;
use vaultlint::config::LoadedConfig;
use vaultlint::engine;
use vaultlint::model::{LineIndex, Span};
use vaultlint::rules::REGISTRY;
use vaultlint::rules::settings::{Overrides, Settings};
use vaultlint::vault::read;

static SETTINGS: LazyLock<Settings> = LazyLock::new(|| {
    let overrides = Overrides {
        today: "2026-11-26".parse().ok(),
        select: Some(REGISTRY.iter().map(|m| m.id.to_string()).collect()),
        ignore: Vec::new(),
    };
    match Settings::new(LoadedConfig::defaults(), &overrides) {
        Ok(s) => s,
        Err(e) => panic!("default settings do not build: {e}"),
    }
});

const PATHS: &[&str] = &["A.md", "Sub/B.md", "Sub/A.md", "Über Ω.md"];
const FILES: &[&str] = &["img.png", "Sub/doc.pdf"];

fuzz_target!(|data: &[u8]| {
    let mut notes: Vec<(&str, String)> = Vec::new();
    for (part, path) in notes_of(data).zip(PATHS) {
        match read::decode(part.to_vec()) {
            Ok(text) => notes.push((path, text)),
            Err(bad) => assert!(bad.offset <= part.len(), "offset past the end"),
        }
    }
    let pairs: Vec<(&str, &str)> = notes.iter().map(|(p, t)| (*p, t.as_str())).collect();
    let run = engine::check_texts(&SETTINGS, &pairs, FILES);
    assert!(
        run.problems.is_empty(),
        "a rule panicked: {:?}",
        run.problems
    );
    let text_of = |path: &str| -> &str {
        match pairs.iter().find(|(p, _)| *p == path) {
            Some((_, t)) => t,
            None => panic!("finding on a note that does not exist: {path}"),
        }
    };
    for f in &run.findings {
        let text = text_of(&f.path);
        in_bounds(text, f.diagnostic.span);
        for r in &f.diagnostic.related {
            in_bounds(r.path.as_deref().map_or(text, text_of), r.span);
        }
    }
});

/// The parts of `data` between `FF 00` pairs.
fn notes_of(data: &[u8]) -> impl Iterator<Item = &[u8]> {
    let mut rest = Some(data);
    std::iter::from_fn(move || {
        let part = rest?;
        match part.windows(2).position(|w| w == [0xFF, 0]) {
            Some(at) => {
                rest = Some(&part[at + 2..]);
                Some(&part[..at])
            }
            None => {
                rest = None;
                Some(part)
            }
        }
    })
}

fn in_bounds(text: &str, span: Span) {
    assert!(
        span.start() <= span.end() && span.end() <= text.len(),
        "span {span:?} out of the note"
    );
    assert!(
        text.is_char_boundary(span.start()) && text.is_char_boundary(span.end()),
        "span {span:?} splits a character"
    );
    let lines = LineIndex::new(text);
    for offset in [span.start(), span.end()] {
        let at = lines.line_col(text, offset);
        assert!(
            at.line >= 1 && at.line <= lines.line_count(),
            "line {at:?} out of the note"
        );
        let chars = lines.line_text(text, offset).chars().count();
        assert!(
            at.column >= 1 && at.column <= chars + 1,
            "column {at:?} past its line"
        );
    }
}
