//! `broken-link`: a wikilink, embed or relative markdown link names a note or file that is not
//! in the vault (or a path outside it).

use serde_yaml::Value;

use super::{Context, Rule, RuleMeta};
use crate::finding::{Diagnostic, Severity};
use crate::index::Resolution;
use crate::model::{Link, LinkKind, Note};
use crate::placeholder;
use crate::suggest;

pub static META: RuleMeta = RuleMeta {
    id: "broken-link",
    default_severity: Severity::Error,
    summary: "A link names a note or file that is not in the vault",
    doc: include_str!("../../rules/broken-link.md"),
    build,
};

#[derive(Default, serde::Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct Options {
    #[serde(default)]
    placeholders: Placeholders,
}

/// What to do with links to notes not written yet (see `placeholder.rs`).
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
enum Placeholders {
    /// Report them like any broken link.
    #[default]
    Error,
    /// Report them as warnings.
    #[serde(alias = "warning")]
    Warn,
    /// Do not report them.
    Allow,
}

struct BrokenLink {
    placeholders: Placeholders,
}

fn build(options: &Value) -> Result<Box<dyn Rule>, String> {
    let options: Options = super::options(options)?;
    Ok(Box::new(BrokenLink {
        placeholders: options.placeholders,
    }))
}

impl Rule for BrokenLink {
    fn check_note(&self, cx: &Context<'_>, note: &Note, out: &mut Vec<Diagnostic>) {
        let Some(from_id) = cx.index.note_id(&note.path) else {
            return;
        };
        for link in &note.links {
            if link.is_same_note() {
                continue;
            }
            match cx.index.resolve(&link.path, &note.path) {
                Resolution::Note { .. } | Resolution::File(_) => {}
                Resolution::OutsideVault => out.push(
                    Diagnostic::new(
                        link.target_span,
                        format!("Link target `{}` points outside the vault", link.path),
                        "outside the vault",
                    )
                    .with_help("Links can only name notes and files inside the vault; vaultlint never opens the path"),
                ),
                Resolution::Missing
                    if self.placeholders != Placeholders::Error
                        && placeholder::is_placeholder(cx.index, link) =>
                {
                    if self.placeholders == Placeholders::Warn {
                        out.push(placeholder_link(link));
                    }
                }
                Resolution::Missing => out.push(missing(cx, from_id, link)),
            }
        }
    }
}

fn missing(cx: &Context<'_>, _from: usize, link: &Link) -> Diagnostic {
    let is_file = link.kind.is_embed() && has_extension(&link.path);
    let (what, label) = if is_file {
        ("file", "no file with this name")
    } else {
        ("note", "no note with this name")
    };
    let message = format!("Link target `{}` does not match any {what}", link.path);
    let diagnostic = Diagnostic::new(link.target_span, message, label);

    // An alias is not a link target in Obsidian: say which note has it.
    let alias_of = cx.index.notes_with_alias(&link.path);
    if let Some(note) = alias_of.first().and_then(|id| cx.index.note(*id)) {
        let rewrite = if link.kind.is_wiki_style() {
            format!("write `[[{}|{}]]`", note.name(), link.path)
        } else {
            format!("link to `{}` instead", note.path)
        };
        return diagnostic.with_help(format!(
            "`{}` is an alias of [[{}]], and aliases do not resolve links; {rewrite}",
            link.path,
            note.name()
        ));
    }

    let wanted = link.path.rsplit('/').next().unwrap_or(&link.path);
    let wanted = wanted.strip_suffix(".md").unwrap_or(wanted);
    let names: Vec<(&str, usize, bool)> = cx.index.names().collect();
    let close = suggest::closest(wanted, names.iter().map(|(n, _, _)| *n), 3);
    if close.is_empty() {
        let help = if link.kind == LinkKind::Markdown && !link.path.contains('.') {
            "Create the note, or fix the path (markdown links are resolved like wikilinks, `.md` optional)"
        } else {
            "Create the note, or fix the spelling"
        };
        return diagnostic.with_help(help);
    }
    // One suggestion per note: its name when that is close, else the closest alias.
    let mut shown: Vec<String> = Vec::new();
    let mut seen: Vec<usize> = Vec::new();
    for c in close {
        let Some(&(_, id, is_alias)) = names.iter().find(|(n, _, _)| *n == c) else {
            continue;
        };
        if seen.contains(&id) {
            continue;
        }
        let Some(note) = cx.index.note(id) else {
            continue;
        };
        seen.push(id);
        let name_is_close = !suggest::closest(wanted, [note.name()], 1).is_empty();
        shown.push(if is_alias && !name_is_close {
            format!("[[{}|{c}]]", note.name())
        } else {
            format!("[[{}]]", note.name())
        });
    }
    diagnostic.with_help(format!("did you mean {}?", suggest::or_list(&shown)))
}

/// A link to a note not written yet, with `placeholders: warn`: the engine makes it a warning.
fn placeholder_link(link: &Link) -> Diagnostic {
    Diagnostic::new(
        link.target_span,
        format!(
            "Link target `{}` is a placeholder: no note has this name yet",
            link.path
        ),
        "not written yet",
    )
    .with_help(
        "Write the note when its time comes; `vaultlint placeholders` lists the most-wanted ones",
    )
    .as_placeholder()
}

fn has_extension(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path);
    name.rsplit_once('.').is_some_and(|(stem, ext)| {
        !stem.is_empty() && !ext.is_empty() && ext.len() <= 5 && !ext.contains(' ')
    })
}
