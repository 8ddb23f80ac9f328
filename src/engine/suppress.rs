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

use crate::finding::{Diagnostic, Finding};
use crate::index::VaultIndex;
use crate::index::suggest;
use crate::model::Note;
use crate::model::directive::{DirectiveProblem, Form, ProblemKind, Suppression};
use crate::rules;
use crate::rules::settings::Settings;
use crate::rules::unused_suppression::ID as UNUSED;

/// Removes the findings that directives hide from `findings`, and returns the
/// `unused-suppression` findings for the reported notes.
/// A note's suppressions by the bytes they cover, so that a finding is matched against the
/// few that can hold it: a note of thousands of suppressions and findings stays linear.
struct Covers {
    /// Suppression indices, by where their cover starts.
    order: Vec<usize>,
    /// `(start, end)` of each cover in that order, and the largest end up to it.
    spans: Vec<(usize, usize, usize)>,
}

impl Covers {
    fn new(suppressions: &[Suppression]) -> Covers {
        let mut order: Vec<usize> = (0..suppressions.len()).collect();
        order.sort_by_key(|&i| suppressions.get(i).map(|s| s.covers.start()));
        let mut reach = 0;
        let spans = order
            .iter()
            .filter_map(|&i| suppressions.get(i))
            .map(|s| {
                reach = reach.max(s.covers.end());
                (s.covers.start(), s.covers.end(), reach)
            })
            .collect();
        Covers { order, spans }
    }

    /// The suppressions whose cover holds `offset`: among those starting at or before it,
    /// from the last back while an earlier one may still reach it.
    fn holding(&self, offset: usize) -> impl Iterator<Item = usize> + '_ {
        let before = self.spans.partition_point(|(start, _, _)| *start <= offset);
        (0..before)
            .rev()
            .map_while(move |k| {
                let (_, end, reach) = *self.spans.get(k)?;
                (reach > offset).then_some((k, end))
            })
            .filter(move |(_, end)| offset < *end)
            .filter_map(|(k, _)| self.order.get(k).copied())
    }
}

pub(crate) fn apply(
    settings: &Settings,
    index: &VaultIndex,
    reported: &[bool],
    findings: &mut Vec<Finding>,
) -> Vec<Finding> {
    let has_directives =
        |n: &Note| !n.directives.suppressions.is_empty() || !n.directives.problems.is_empty();
    if !index.notes().iter().any(has_directives) {
        return Vec::new();
    }
    // Per note id: which of its suppressions hid something, and where they lie.
    let mut used: BTreeMap<usize, (Vec<bool>, Covers)> = BTreeMap::new();
    findings.retain(|f| {
        let Some(id) = index.note_id(&f.path) else {
            return true;
        };
        let Some(note) = index.note(id) else {
            return true;
        };
        let suppressions = &note.directives.suppressions;
        let (marks, covers) = used
            .entry(id)
            .or_insert_with(|| (vec![false; suppressions.len()], Covers::new(suppressions)));
        let offset = f.diagnostic.span.start();
        let mut hidden = false;
        for i in covers.holding(offset) {
            if let (Some(s), Some(mark)) = (suppressions.get(i), marks.get_mut(i))
                && s.hides(f.rule, offset)
            {
                *mark = true;
                hidden = true;
            }
        }
        !hidden
    });

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
        let marks = used.get(&id).map(|(marks, _)| marks);
        let mut diagnostics: Vec<Diagnostic> = Vec::new();
        for (i, s) in note.directives.suppressions.iter().enumerate() {
            let is_used = marks.and_then(|m| m.get(i)).copied().unwrap_or(false);
            if !is_used && let Some(d) = unused(settings, note, s) {
                diagnostics.push(d);
            }
        }
        diagnostics.extend(note.directives.problems.iter().map(problem));
        for d in diagnostics {
            let start = d.span.start();
            let hidden = note.directives.suppressions.iter().any(|s| {
                s.rule.as_ref().is_some_and(|(r, _)| r == UNUSED) && s.hides(UNUSED, start)
            });
            if !hidden {
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
fn unused(settings: &Settings, note: &Note, s: &Suppression) -> Option<Diagnostic> {
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
            )),
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
    if !settings.is_on_for(id, &note.path) {
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
        )),
    )
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

    proptest::proptest! {
        /// Issue 26: the covers holding an offset are those a scan of every suppression finds.
        #[test]
        fn covers_hold_what_a_scan_finds(
            spans in proptest::collection::vec((0usize..60, 0usize..30), 0..20),
            offset in 0usize..100,
        ) {
            let suppressions: Vec<Suppression> = spans
                .iter()
                .map(|&(start, len)| Suppression {
                    form: Form::NextLine,
                    rule: None,
                    span: Span::new(start, start),
                    covers: Span::new(start, start + len),
                })
                .collect();
            let mut got: Vec<usize> = Covers::new(&suppressions).holding(offset).collect();
            got.sort_unstable();
            let want: Vec<usize> = (0..suppressions.len())
                .filter(|&i| suppressions[i].hides("any-rule", offset))
                .collect();
            proptest::prop_assert_eq!(got, want);
        }
    }
}
