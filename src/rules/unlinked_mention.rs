//! `unlinked-mention`: plain text that is exactly the name or an alias of another note of the
//! vault, not linked. Off by default.
//!
//! One Aho–Corasick automaton over every name and alias of the vault, built once per run, is
//! run over the text the model kept for the places asked for (table cells, the first
//! paragraph, or everywhere): one pass per text, not one search per name. Text and names are
//! compared as links are resolved: case ignored, composed and decomposed accents alike, an
//! accent never ignored. A match counts only as a whole word.

use aho_corasick::{AhoCorasick, MatchKind};
use rayon::prelude::*;
use serde::Deserialize;
use serde_yaml::Value;
use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::decompose_canonical;

use super::{Context, NoteDiagnostic, Rule, RuleMeta};
use crate::finding::{Applicability, Diagnostic, Fix, Severity};
use crate::index::VaultIndex;
use crate::model::content::{MentionScope, TextRun};
use crate::model::{Note, Span};

pub const ID: &str = "unlinked-mention";

pub static META: RuleMeta = RuleMeta {
    id: ID,
    default_severity: Severity::Warning,
    summary: "Text names another note of the vault exactly but does not link it (off by default)",
    doc: include_str!("../../rules/unlinked-mention.md"),
    build,
};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct Options {
    /// Names shorter than this (in characters) are not looked for.
    #[serde(default = "default_min_length")]
    min_length: usize,
    /// Names never reported: common words that are also note names.
    #[serde(default)]
    ignore: Vec<String>,
    /// Where to look.
    #[serde(default = "default_where", rename = "where")]
    places: Vec<Place>,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            min_length: default_min_length(),
            ignore: Vec::new(),
            places: default_where(),
        }
    }
}

fn default_min_length() -> usize {
    4
}

fn default_where() -> Vec<Place> {
    vec![Place::TableCells, Place::FirstParagraph]
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
enum Place {
    TableCells,
    FirstParagraph,
    Everywhere,
}

impl Options {
    fn scope(&self) -> MentionScope {
        self.places
            .iter()
            .fold(MentionScope::NONE, |scope, place| match place {
                Place::TableCells => scope.union(MentionScope::TABLE_CELLS),
                Place::FirstParagraph => scope.union(MentionScope::FIRST_PARAGRAPH),
                Place::Everywhere => MentionScope::EVERYWHERE,
            })
    }
}

struct UnlinkedMention {
    options: Options,
    /// The ignored names, folded.
    ignore: Vec<String>,
}

fn build(options: &Value) -> Result<Box<dyn Rule>, String> {
    let options: Options = super::options(options)?;
    if options.min_length == 0 {
        return Err("`min-length` must be at least 1".into());
    }
    if options.places.is_empty() {
        return Err(
            "`where` needs at least one of `table-cells`, `first-paragraph`, `everywhere`".into(),
        );
    }
    let ignore = options.ignore.iter().map(|w| fold(w.trim())).collect();
    Ok(Box::new(UnlinkedMention { options, ignore }))
}

/// Where the rule, built from `options`, reads text: what the parser must keep. Nothing for
/// options that do not build.
pub fn scope(options: &Value) -> MentionScope {
    super::options::<Options>(options).map_or(MentionScope::NONE, |o| o.scope())
}

impl Rule for UnlinkedMention {
    fn check_vault(&self, cx: &Context<'_>, reported: &[bool], out: &mut Vec<NoteDiagnostic>) {
        let Some(names) = Names::new(cx.index, &self.options, &self.ignore) else {
            return;
        };
        let scope = self.options.scope();
        let found: Vec<NoteDiagnostic> = cx
            .index
            .notes()
            .par_iter()
            .enumerate()
            .filter(|(id, note)| {
                reported.get(*id).copied().unwrap_or(false) && !note.text_runs.is_empty()
            })
            .flat_map_iter(|(id, note)| {
                let mut diagnostics = Vec::new();
                for run in note.text_runs.iter().filter(|r| scope.intersects(r.place)) {
                    names.mentions(cx.index, id, note, &run, &mut diagnostics);
                }
                diagnostics.into_iter().map(move |d| (id, d))
            })
            .collect();
        out.extend(found);
    }
}

/// The vault's names and aliases, folded, and the automaton that finds them.
struct Names {
    automaton: AhoCorasick,
    /// Per pattern: the notes it names, in index order.
    notes: Vec<Vec<usize>>,
}

impl Names {
    fn new(index: &VaultIndex, options: &Options, ignore: &[String]) -> Option<Names> {
        let mut by_key: std::collections::BTreeMap<String, Vec<usize>> = Default::default();
        for (id, note) in index.notes().iter().enumerate() {
            let names = std::iter::once(note.name()).chain(note.aliases.iter().map(String::as_str));
            for name in names {
                let name = name.trim();
                // A name of digits alone (`2024`) is a number in text, not a mention.
                if name.chars().count() < options.min_length
                    || !name.chars().any(char::is_alphabetic)
                {
                    continue;
                }
                let key = fold(name);
                if ignore.contains(&key) {
                    continue;
                }
                let ids = by_key.entry(key).or_default();
                if !ids.contains(&id) {
                    ids.push(id);
                }
            }
        }
        if by_key.is_empty() {
            return None;
        }
        let (keys, notes): (Vec<String>, Vec<Vec<usize>>) = by_key.into_iter().unzip();
        // The keys are folded (lower case); ASCII text is searched unfolded (see `mentions`).
        let automaton = AhoCorasick::builder()
            .match_kind(MatchKind::Standard)
            .ascii_case_insensitive(true)
            .build(&keys)
            .ok()?;
        Some(Names { automaton, notes })
    }

    /// Reports each unlinked mention in `run` of note `id`: at each place, the longest name
    /// that is a whole word there, then on after it.
    fn mentions(
        &self,
        index: &VaultIndex,
        id: usize,
        note: &Note,
        run: &TextRun<'_>,
        out: &mut Vec<Diagnostic>,
    ) {
        let text = run.text;
        // Most text is ASCII: the automaton ignores ASCII case itself, so such text is searched
        // as it is, with no folded copy and no offset map.
        let folded = (!text.is_ascii()).then(|| fold_mapped(text));
        let haystack = folded.as_ref().map_or(text, |(f, _)| f.as_str());
        let at = |offset: usize| match &folded {
            Some((_, map)) => map.get(offset).copied(),
            None => Some(offset),
        };
        let mut found: Vec<(usize, usize, usize)> = self
            .automaton
            .find_overlapping_iter(haystack)
            .filter_map(|m| {
                let start = at(m.start())?;
                let end = at(m.end())?;
                (is_whole_word(text, start, end) && !is_in_longer_name(text, start, end))
                    .then_some((start, end, m.pattern().as_usize()))
            })
            .collect();
        found.sort_by_key(|&(start, end, _)| (start, std::cmp::Reverse(end)));
        let mut after = 0;
        for (start, end, pattern) in found {
            if start < after {
                continue;
            }
            let Some(targets) = self.notes.get(pattern) else {
                continue;
            };
            after = end;
            // A note's own name is no mention of another note, nor are the names inside it
            // (`Low-latency manufacturing` in `Low-latency manufacturing standards`).
            if targets.contains(&id) {
                continue;
            }
            let Some(phrase) = text.get(start..end) else {
                continue;
            };
            let span = Span::new(run.start + start, run.start + end);
            out.push(diagnostic(index, note, run, span, phrase, targets));
        }
    }
}

fn diagnostic(
    index: &VaultIndex,
    note: &Note,
    run: &TextRun<'_>,
    span: Span,
    phrase: &str,
    targets: &[usize],
) -> Diagnostic {
    let Some(&first) = targets.first() else {
        return Diagnostic::new(span, format!("`{phrase}` is not linked"), "not linked");
    };
    let target = index.unambiguous_target(first, &note.path);
    let name = index.note(first).map_or("", Note::name);
    let pipe = if run.place == MentionScope::TABLE_CELLS {
        "\\|"
    } else {
        "|"
    };
    // The same text in another normal form (`Zu\u{308}rich`) links as it is written.
    let same = |a: &str, b: &str| a.nfc().eq(b.nfc());
    let link = if same(phrase, &target) {
        format!("[[{target}]]")
    } else {
        format!("[[{target}{pipe}{phrase}]]")
    };
    let message = if same(phrase, name) {
        format!("`{phrase}` names a note of the vault but is not linked")
    } else {
        format!("`{phrase}` names the note `{name}` but is not linked")
    };
    let help = if targets.len() > 1 {
        format!(
            "Link it to the note it means, e.g. `{link}` ({} notes go by this name); or add it to `ignore` if it is a common word here",
            targets.len()
        )
    } else {
        format!(
            "Link it: `{link}` (a safe fix); or add `{phrase}` to the rule's `ignore` if it is a common word here"
        )
    };
    let diagnostic = Diagnostic::new(span, message, "not linked").with_help(help);
    // Several notes go by the name: which one is meant is the author's call.
    if targets.len() > 1 {
        return diagnostic;
    }
    diagnostic.with_fix(Fix::new(
        format!("link to `{target}`"),
        span,
        link,
        Applicability::Safe,
    ))
}

/// Lower-cased, decomposed (NFD) text for matching: a name and a mention compare equal when
/// a link written with the mention would open the note.
fn fold(text: &str) -> String {
    fold_mapped(text).0
}

/// [`fold`], with the offset in `text` of each byte of the folded text (and of its end).
/// Folding works char by char, so every match in the folded text starts and ends at a char of
/// `text`.
fn fold_mapped(text: &str) -> (String, Vec<usize>) {
    let mut folded = String::with_capacity(text.len());
    let mut map = Vec::with_capacity(text.len() + 1);
    for (at, c) in text.char_indices() {
        if c.is_ascii() {
            folded.push(c.to_ascii_lowercase());
            map.push(at);
            continue;
        }
        let before = folded.len();
        for lower in c.to_lowercase() {
            decompose_canonical(lower, |d| folded.push(d));
        }
        map.resize(map.len() + (folded.len() - before), at);
    }
    map.push(text.len());
    (folded, map)
}

/// True when `text[start..end]` is a word of its own: not part of a longer word (`Meta` in
/// `Metaculus`, `meta-analysis`), a tag, a mention, a path, a domain name or a URL.
fn is_whole_word(text: &str, start: usize, end: usize) -> bool {
    let before = text.get(..start).and_then(|t| t.chars().next_back());
    let mut rest = text.get(end..).unwrap_or("").chars();
    let after = rest.next();
    let after_next = rest.next();
    let joins = |c: char| c.is_alphanumeric() || matches!(c, '_' | '-');
    if before.is_some_and(|c| joins(c) || matches!(c, '#' | '@' | '/' | '\\' | '.' | ':')) {
        return false;
    }
    if after.is_some_and(|c| joins(c) || c == '@') {
        return false;
    }
    // `meta.com`, `Meta/Llama`, `meta:x`: the word goes on past the punctuation.
    if after.is_some_and(|c| matches!(c, '.' | '/' | ':'))
        && after_next.is_some_and(char::is_alphanumeric)
    {
        return false;
    }
    // Inside a URL written as text.
    let token_start = text
        .get(..start)
        .and_then(|t| t.rfind(char::is_whitespace))
        .map_or(0, |i| i + 1);
    let token_end = text
        .get(end..)
        .and_then(|t| t.find(char::is_whitespace))
        .map_or(text.len(), |i| end + i);
    let token = text.get(token_start..token_end).unwrap_or("");
    !(token.contains("://") || token.starts_with("www."))
}

/// True when `text[start..end]` is part of a longer capitalised name: the word right before
/// or after it (one space away, or across ` & `) starts with a capital. `Holloway`, an alias
/// of `Alba Holloway`, in `Dario Holloway`; `Sequoia` in `Sequoia Capital`; `Desai` in
/// `Desai & Barros Capital`. A mention at the start of a sentence after a capitalised word
/// (`The Meta deal`) is lost with them: a missed mention costs less than a wrong one.
fn is_in_longer_name(text: &str, start: usize, end: usize) -> bool {
    let capital = |word: Option<&str>| {
        word.and_then(|w| w.chars().next())
            .is_some_and(char::is_uppercase)
    };
    let before = text.get(..start).unwrap_or("");
    let before = before
        .strip_suffix(" & ")
        .or_else(|| before.strip_suffix(' '))
        .map(|b| b.rsplit(char::is_whitespace).next().unwrap_or(""));
    let after = text.get(end..).unwrap_or("");
    let after = after
        .strip_prefix(" & ")
        .or_else(|| after.strip_prefix(' '))
        .map(|a| a.split(char::is_whitespace).next().unwrap_or(""));
    capital(before) || capital(after)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folding_maps_back_to_chars() {
        let text = "Café ÉCOLE x";
        let (folded, map) = fold_mapped(text);
        assert_eq!(folded, fold("cafe\u{301} e\u{301}cole x"));
        assert_eq!(map.len(), folded.len() + 1);
        assert_eq!(map.last(), Some(&text.len()));
        // Every mapped offset is a char boundary of the text.
        assert!(map.iter().all(|&at| text.is_char_boundary(at)));
        // NFC and NFD forms fold alike; an accent is kept.
        assert_eq!(fold("Zu\u{308}rich"), fold("ZÜRICH"));
        assert_ne!(fold("Zurich"), fold("Zürich"));
    }

    #[test]
    fn whole_word_table() {
        let cases = [
            ("Meta is big", 0, 4, true),
            ("see Meta.", 4, 8, true),
            ("Meta's model", 0, 4, true),
            ("(Meta)", 1, 5, true),
            ("Metaculus", 0, 4, false),
            ("meta-analysis", 0, 4, false),
            ("#meta", 1, 5, false),
            ("@meta", 1, 5, false),
            ("meta.com", 0, 4, false),
            ("https://x.org/Meta now", 14, 18, false),
            ("www.meta now", 4, 8, false),
            ("AMeta", 1, 5, false),
            ("élan Meta", 6, 10, true),
        ];
        for (text, start, end, want) in cases {
            assert_eq!(is_whole_word(text, start, end), want, "{text:?}");
        }
    }

    #[test]
    fn longer_name_table() {
        let cases = [
            ("Dario Holloway", 6, 14, true),
            ("Sequoia Capital led", 0, 7, true),
            ("Desai & Barros Capital", 0, 5, true),
            ("Barros & Desai", 9, 14, true),
            ("The Meta deal", 4, 8, true),
            ("sells to Meta and HF", 9, 13, false),
            ("Meta", 0, 4, false),
            ("Meta, Google", 0, 4, false),
            ("Meta 2024", 0, 4, false),
            ("by Meta.", 3, 7, false),
        ];
        for (text, start, end, want) in cases {
            assert_eq!(is_in_longer_name(text, start, end), want, "{text:?}");
        }
    }

    #[test]
    fn options_and_scope() {
        let value: Value = serde_yaml::from_str("{where: [everywhere]}").unwrap();
        assert_eq!(scope(&value), MentionScope::EVERYWHERE);
        assert_eq!(
            scope(&Value::Null),
            MentionScope::TABLE_CELLS.union(MentionScope::FIRST_PARAGRAPH)
        );
        for bad in [
            "{where: [tables]}",
            "{min-length: 0}",
            "{where: []}",
            "{ignor: [x]}",
        ] {
            let value: Value = serde_yaml::from_str(bad).unwrap();
            assert!(build(&value).is_err(), "{bad}");
        }
    }
}
