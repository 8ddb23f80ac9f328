//! `ambiguous-link`: a bare name matches several notes and nothing in the link picks one.

use serde_yaml::Value;

use super::{Context, Rule, RuleMeta, fixes};
use crate::finding::{Applicability, Diagnostic, Severity};
use crate::index::Resolution;
use crate::model::Note;
use crate::model::link::relative_href;

pub static META: RuleMeta = RuleMeta {
    id: "ambiguous-link",
    default_severity: Severity::Warning,
    summary: "A bare note name matches several notes",
    doc: include_str!("../../rules/ambiguous-link.md"),
    build,
};

struct AmbiguousLink;

fn build(options: &Value) -> Result<Box<dyn Rule>, String> {
    super::no_options(options)?;
    Ok(Box::new(AmbiguousLink))
}

/// How many of the other notes of the name the help names.
const MAX_NAMED: usize = 5;

impl Rule for AmbiguousLink {
    fn check_links(&self, cx: &Context<'_>, note: &Note, out: &mut Vec<Diagnostic>) {
        let resolutions = cx.resolutions(note);
        for (link, resolution) in note.links.iter().zip(resolutions.iter()) {
            if link.is_same_note() {
                continue;
            }
            let Resolution::Note { id, others } = resolution else {
                continue;
            };
            if others.is_empty() {
                continue;
            }
            let id = *id;
            let Some(chosen) = cx.index.note(id) else {
                continue;
            };
            // The first few others by name; a name shared by hundreds of notes would
            // otherwise make every such finding list them all.
            let mut also: Vec<String> = others
                .iter()
                .take(MAX_NAMED)
                .filter_map(|o| cx.index.note(*o))
                .map(|n| format!("`{}`", n.path))
                .collect();
            if others.len() > MAX_NAMED {
                also.push(format!("{} more notes", others.len() - MAX_NAMED));
            }
            let target = if link.kind.is_wiki_style() {
                cx.index.unambiguous_target(id, &note.path)
            } else {
                relative_href(note.folder(), &chosen.path)
            };
            let pick = if link.kind.is_wiki_style() {
                format!("[[{target}]]")
            } else {
                target.clone()
            };
            // The note Obsidian opens today, named so that no other matches: what the link
            // does stays the same, and what it shows too.
            let fix = fixes::retarget(note, link, &target, true)
                .map(|edits| fixes::fix(format!("link to `{target}`"), edits, Applicability::Safe));
            let diagnostic = Diagnostic::new(
                    link.target_span,
                    format!("Link target `{}` matches {} notes", link.path, others.len() + 1),
                    "ambiguous name",
                )
                .with_help(format!(
                    "Obsidian opens `{}` (shortest path); {} also {}. Name the folder to choose, e.g. `{pick}`",
                    chosen.path,
                    also.join(", "),
                    if also.len() == 1 { "matches" } else { "match" }
                ));
            out.push(match fix {
                Some(fix) => diagnostic.with_fix(fix),
                None => diagnostic,
            });
        }
    }
}
