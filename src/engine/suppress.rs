//! Applying suppression directives once every rule ran, and reporting the directives that
//! hide nothing (`unused-suppression`).
//!
//! The directives themselves are read at parse time (`model/directive.rs`); this module only
//! matches findings against the ranges they cover. A finding is hidden when its span starts
//! inside a range that names its rule (or every rule).
//!
//! A directive is reported as unused only when it could have hidden something in this run:
//! one naming a rule that is not enabled (off in the config, off for the note by an override,
//! left out by `--select`/`--ignore`) is not judged, and a bare directive (every rule) is
//! judged only when the command line does not narrow the rules. Directives naming
//! `unused-suppression` itself are never reported, and are the only ones that hide
//! `unused-suppression` findings.

use std::collections::BTreeMap;

use crate::finding::{Applicability, Diagnostic, Finding, Fix};
use crate::index::VaultIndex;
use crate::index::suggest;
use crate::model::directive::{DirectiveProblem, Form, ProblemKind, Suppression};
use crate::model::{Note, Span};
use crate::rules;
use crate::rules::settings::Settings;
use crate::rules::unused_suppression::ID as UNUSED;

/// A note's suppressions as the bytes each rule is hidden over: per rule (and `None` for the
/// bare directives, which hide every rule), the union of their covers as sorted, disjoint
/// ranges. Whether a finding is hidden is then two binary searches, however many
/// suppressions overlap it (a front matter `disable` covers the whole note).
struct Covers<'n> {
    by_rule: BTreeMap<Option<&'n str>, Vec<(usize, usize)>>,
}

impl<'n> Covers<'n> {
    fn new(suppressions: impl IntoIterator<Item = &'n Suppression>) -> Covers<'n> {
        let mut by_rule: BTreeMap<Option<&'n str>, Vec<(usize, usize)>> = BTreeMap::new();
        for s in suppressions {
            let rule = s.rule.as_ref().map(|(id, _)| id.as_str());
            by_rule
                .entry(rule)
                .or_default()
                .push((s.covers.start(), s.covers.end()));
        }
        for ranges in by_rule.values_mut() {
            *ranges = merged(std::mem::take(ranges));
        }
        Covers { by_rule }
    }

    /// True when a suppression naming `rule`, or a bare one, hides a finding at `offset`.
    fn hide(&self, rule: &str, offset: usize) -> bool {
        let holds = |key: Option<&str>| {
            self.by_rule
                .get(&key)
                .is_some_and(|ranges| holds(ranges, offset))
        };
        holds(Some(rule)) || holds(None)
    }
}

/// Sorted, disjoint ranges covering what `ranges` cover (empty ones dropped).
fn merged(mut ranges: Vec<(usize, usize)>) -> Vec<(usize, usize)> {
    ranges.retain(|(start, end)| start < end);
    ranges.sort_unstable();
    let mut out: Vec<(usize, usize)> = Vec::with_capacity(ranges.len());
    for (start, end) in ranges {
        match out.last_mut() {
            Some(last) if start <= last.1 => last.1 = last.1.max(end),
            _ => out.push((start, end)),
        }
    }
    out
}

/// True when one of the sorted, disjoint `ranges` holds `offset`.
fn holds(ranges: &[(usize, usize)], offset: usize) -> bool {
    let before = ranges.partition_point(|(start, _)| *start <= offset);
    before
        .checked_sub(1)
        .and_then(|i| ranges.get(i))
        .is_some_and(|(_, end)| offset < *end)
}

/// The offsets of the findings a note's suppressions hid, sorted, per rule and all together:
/// a suppression hid something when one of its rule's (or, bare, any) lies in its cover.
#[derive(Default)]
struct Hidden {
    by_rule: BTreeMap<&'static str, Vec<usize>>,
    all: Vec<usize>,
}

impl Hidden {
    fn push(&mut self, rule: &'static str, offset: usize) {
        self.by_rule.entry(rule).or_default().push(offset);
        self.all.push(offset);
    }

    fn sort(&mut self) {
        for offsets in self.by_rule.values_mut() {
            offsets.sort_unstable();
        }
        self.all.sort_unstable();
    }

    /// True when `s` hid one of these findings (they must be sorted).
    fn used(&self, s: &Suppression) -> bool {
        let offsets = match &s.rule {
            Some((id, _)) => match self.by_rule.get(id.as_str()) {
                Some(offsets) => offsets,
                None => return false,
            },
            None => &self.all,
        };
        let from = offsets.partition_point(|&o| o < s.covers.start());
        offsets.get(from).is_some_and(|&o| o < s.covers.end())
    }
}

/// Removes the findings that directives hide from `findings`, and returns the
/// `unused-suppression` findings for the reported notes.
///
/// Linear in the findings and suppressions, up to sorting: a finding is matched against its
/// note's covers by binary search, and a suppression is judged used when a hidden finding of
/// its rule lies in its cover, found the same way.
pub(crate) fn apply<'a>(
    settings: &Settings,
    index: &'a VaultIndex,
    reported: &[bool],
    findings: &mut Vec<Finding>,
) -> Vec<Finding> {
    let has_directives =
        |n: &Note| !n.directives.suppressions.is_empty() || !n.directives.problems.is_empty();
    if !index.notes().iter().any(has_directives) {
        return Vec::new();
    }
    // Per note id: its covers, and the findings they hid.
    let mut seen: BTreeMap<usize, (Covers<'_>, Hidden)> = BTreeMap::new();
    findings.retain(|f| {
        let Some(id) = index.note_id(&f.path) else {
            return true;
        };
        let Some(note) = index.note(id) else {
            return true;
        };
        let suppressions = &note.directives.suppressions;
        if suppressions.is_empty() {
            return true;
        }
        let (covers, hidden) = seen
            .entry(id)
            .or_insert_with(|| (Covers::new(suppressions.iter()), Hidden::default()));
        let offset = f.diagnostic.span.start();
        if covers.hide(f.rule, offset) {
            hidden.push(f.rule, offset);
            return false;
        }
        true
    });
    for (_, hidden) in seen.values_mut() {
        hidden.sort();
    }

    let Some(active) = settings.rules.iter().find(|a| a.meta.id == UNUSED) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for (id, note) in index.notes().iter().enumerate() {
        if !reported.get(id).copied().unwrap_or(false) || !has_directives(note) {
            continue;
        }
        let Some(severity) = settings.severity_for(active, &note.path) else {
            continue;
        };
        let hidden = seen.get(&id).map(|(_, hidden)| hidden);
        // Whether each rule named is on for the note, asked once per rule: the settings
        // match path globs.
        let mut is_on: BTreeMap<&str, bool> = BTreeMap::new();
        let mut is_on_for = |id: &'a str| {
            *is_on
                .entry(id)
                .or_insert_with(|| settings.is_on_for(id, &note.path))
        };
        let mut diagnostics: Vec<Diagnostic> = Vec::new();
        for s in &note.directives.suppressions {
            let is_used = hidden.is_some_and(|h| h.used(s));
            if !is_used
                && let Some(d) = unused(settings, s, &note.directives.suppressions, &mut is_on_for)
            {
                diagnostics.push(d);
            }
        }
        diagnostics.extend(note.directives.problems.iter().map(problem));
        // Only suppressions naming `unused-suppression` hide its findings.
        let own = Covers::new(
            note.directives
                .suppressions
                .iter()
                .filter(|s| s.rule.as_ref().is_some_and(|(r, _)| r == UNUSED)),
        );
        for d in diagnostics {
            if !own.hide(UNUSED, d.span.start()) {
                out.push(Finding {
                    rule: active.meta.id,
                    severity,
                    path: note.path.clone(),
                    diagnostic: d,
                    at: None,
                });
            }
        }
    }
    out
}

/// The finding for a suppression that hid nothing, if it is to be judged.
/// `is_on_for` says whether a rule is on for the note.
fn unused<'s>(
    settings: &Settings,
    s: &'s Suppression,
    all: &[Suppression],
    is_on_for: &mut impl FnMut(&'s str) -> bool,
) -> Option<Diagnostic> {
    let span = s.report_span();
    let Some((id, _)) = &s.rule else {
        if settings.is_narrowed {
            return None;
        }
        return Some(
            Diagnostic::new(
                span,
                "Suppression of every rule hides nothing",
                "hides nothing",
            )
            .with_help(format!(
                "No finding {}; remove the comment",
                nothing_where(s.form)
            ))
            .with_fix_opt(removal(s, all)),
        );
    };
    if id == UNUSED {
        return None;
    }
    if rules::find(id).is_none() {
        let ids = rules::REGISTRY.iter().map(|m| m.id);
        let close = suggest::closest(id, ids, 1);
        let help = match close.first() {
            Some(c) => format!("did you mean `{c}`?"),
            None => "Run `vaultlint rules` for the rule ids".to_string(),
        };
        return Some(
            Diagnostic::new(
                span,
                format!("Unknown rule `{id}` in a suppression"),
                "no rule with this id",
            )
            .with_help(help),
        );
    }
    if !is_on_for(id) {
        return None;
    }
    let remove = if s.form == Form::File {
        format!("remove `{id}` from `vaultlint: {{disable: [...]}}`")
    } else {
        format!("remove `{id}` from the comment")
    };
    Some(
        Diagnostic::new(
            span,
            format!("Suppression of `{id}` hides nothing"),
            "hides nothing",
        )
        .with_help(format!(
            "No `{id}` finding {}; {remove}",
            nothing_where(s.form)
        ))
        .with_fix_opt(removal(s, all)),
    )
}

/// The fix for a suppression that hides nothing: its rule id out of a comment naming others,
/// else the comment (and its line, when nothing else is on it). Safe: it hid nothing. Only
/// for `disable-next-line` and `disable-line` comments: a range's `enable` would be left
/// alone, and front matter is the author's to edit.
fn removal(s: &Suppression, all: &[Suppression]) -> Option<Fix> {
    if !matches!(s.form, Form::NextLine | Form::Line) || s.span.is_empty() {
        return None;
    }
    let ids: Vec<Span> = all
        .iter()
        .filter(|o| o.span == s.span && o.form == s.form)
        .filter_map(|o| o.rule.as_ref().map(|(_, at)| *at))
        .collect();
    let Some((id, at)) = &s.rule else {
        return Some(remove_comment(s));
    };
    if ids.len() < 2 {
        return Some(remove_comment(s));
    }
    if at.is_empty() || !s.span.contains(*at) {
        return None;
    }
    let i = ids.iter().position(|o| o == at)?;
    // The id and the separator after it, or before it for the last one.
    let cut = match (ids.get(i + 1), i.checked_sub(1).and_then(|p| ids.get(p))) {
        (Some(next), _) if next.start > at.end => Span::new(at.start(), next.start()),
        (None, Some(prev)) if prev.end < at.start => Span::new(prev.end(), at.end()),
        _ => return None,
    };
    Some(Fix::new(
        format!("remove `{id}` from the comment"),
        cut,
        "",
        Applicability::Safe,
    ))
}

fn remove_comment(s: &Suppression) -> Fix {
    let span = if s.line.is_empty() { s.span } else { s.line };
    Fix::new("remove the comment", span, "", Applicability::Safe)
}

fn nothing_where(form: Form) -> &'static str {
    match form {
        Form::NextLine => "on the next line",
        Form::Line => "on this line",
        Form::Range => "in this range",
        Form::File => "in this note",
    }
}

fn problem(p: &DirectiveProblem) -> Diagnostic {
    match &p.kind {
        ProblemKind::UnknownDirective(word) => {
            let known = [
                "vaultlint-disable-next-line",
                "vaultlint-disable-line",
                "vaultlint-disable",
                "vaultlint-enable",
            ];
            let help = match suggest::closest(word, known, 1).first() {
                Some(c) => format!("did you mean `{c}`?"),
                None => format!(
                    "Directives are {}",
                    suggest::or_list(&known.map(|k| format!("`{k}`")))
                ),
            };
            Diagnostic::new(
                p.span,
                format!("Unknown directive `{word}`"),
                "not a vaultlint directive",
            )
            .with_help(help)
        }
        ProblemKind::StrayEnable(rule) => {
            let (enable, disable) = match rule {
                Some(id) => (
                    format!("vaultlint-enable {id}"),
                    format!("vaultlint-disable {id}"),
                ),
                None => (
                    "vaultlint-enable".to_string(),
                    "vaultlint-disable".to_string(),
                ),
            };
            Diagnostic::new(
                p.span,
                format!("`{enable}` ends no `{disable}` range"),
                "nothing to enable",
            )
            .with_help(
                "Remove the comment, or add the matching disable above it (a bare `vaultlint-disable` is ended by a bare `vaultlint-enable`)",
            )
        }
        ProblemKind::BadFrontmatter => Diagnostic::new(
            p.span,
            "Front matter `vaultlint` is not a list of rules to disable",
            "not understood",
        )
        .with_help("Write `vaultlint: {disable: [RULE, ...]}`"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Span;

    const RULES: [&str; 2] = ["rule-a", "rule-b"];

    fn suppression((start, len, rule): (usize, usize, usize)) -> Suppression {
        Suppression {
            form: Form::NextLine,
            rule: RULES.get(rule).map(|r| (r.to_string(), Span::new(0, 0))),
            span: Span::new(start, start),
            covers: Span::new(start, start + len),
            line: Span::default(),
        }
    }

    proptest::proptest! {
        /// Issue 26: what the covers hide, and which suppressions they mark used, is what a
        /// scan of every suppression for every finding finds.
        #[test]
        fn covers_hide_and_mark_what_a_scan_finds(
            spans in proptest::collection::vec((0usize..60, 0usize..30, 0usize..3), 0..20),
            found in proptest::collection::vec((0usize..100, 0usize..2), 0..20),
        ) {
            let suppressions: Vec<Suppression> = spans.iter().copied().map(suppression).collect();
            let covers = Covers::new(suppressions.iter());
            let mut hidden = Hidden::default();
            for &(offset, rule) in &found {
                let rule = RULES[rule];
                let want = suppressions.iter().any(|s| s.hides(rule, offset));
                proptest::prop_assert_eq!(covers.hide(rule, offset), want);
                if want {
                    hidden.push(rule, offset);
                }
            }
            hidden.sort();
            for s in &suppressions {
                let rule = s.rule.as_ref().map(|(id, _)| id.as_str());
                let want = found.iter().any(|&(offset, r)| {
                    let r = RULES[r];
                    rule.is_none_or(|id| id == r) && s.hides(r, offset)
                });
                proptest::prop_assert_eq!(hidden.used(s), want);
            }
        }
    }

    #[test]
    fn a_whole_note_cover_hides_without_marking_the_others() {
        let suppressions: Vec<Suppression> = [(0, 1000, 0), (10, 5, 1), (20, 5, 0), (30, 5, 2)]
            .into_iter()
            .map(suppression)
            .collect();
        let covers = Covers::new(suppressions.iter());
        assert!(covers.hide("rule-a", 999));
        assert!(!covers.hide("rule-b", 999));
        assert!(covers.hide("rule-b", 12));
        assert!(
            covers.hide("rule-b", 32),
            "a bare suppression hides every rule"
        );
        assert!(!covers.hide("rule-b", 1000));
        let mut hidden = Hidden::default();
        hidden.push("rule-a", 500);
        hidden.push("rule-b", 31);
        hidden.sort();
        let used: Vec<bool> = suppressions.iter().map(|s| hidden.used(s)).collect();
        assert_eq!(used, [true, false, false, true]);
    }
}
