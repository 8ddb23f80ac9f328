//! `broken-link`: a wikilink, embed or relative markdown link names a note or file that is not
//! in the vault (or a path outside it).

use std::collections::HashMap;

use serde::Deserialize;
use serde_yaml::Value;
use unicode_normalization::UnicodeNormalization;

use super::fixes;
use super::{Context, Rule, RuleMeta};
use crate::finding::{Applicability, Diagnostic, Severity};
use crate::index::placeholder;
use crate::index::suggest;
use crate::index::{NameOf, Resolution};
use crate::model::link::relative_href;
use crate::model::{Link, LinkKind, Note};

pub static META: RuleMeta = RuleMeta {
    id: "broken-link",
    default_severity: Severity::Error,
    summary: "A link names a note or file that is not in the vault",
    doc: include_str!("../../rules/broken-link.md"),
    build,
};

#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
struct Options {
    /// Also check links written inside `%% %%` and `<!-- -->` comments.
    check_comments: bool,
    /// What to do with links to notes not written yet.
    placeholders: Placeholders,
    /// What to do with a link naming an alias of exactly one note.
    alias_links: AliasLinks,
}

/// What to do with a link whose bare name is an alias of exactly one note: Obsidian does not
/// open it, some other tools that read the vault do.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
enum AliasLinks {
    /// Report it, with a safe fix (as Obsidian does not open it).
    #[default]
    Report,
    /// Accept it as a link to that note.
    Allow,
}

/// What to do with links to notes not written yet (see `index/placeholder.rs`).
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, Deserialize)]
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
    options: Options,
}

fn build(options: &Value) -> Result<Box<dyn Rule>, String> {
    Ok(Box::new(BrokenLink {
        options: super::options(options)?,
    }))
}

/// At most this many "did you mean" names.
const SUGGESTIONS: usize = 3;

impl Rule for BrokenLink {
    fn check_links(&self, cx: &Context<'_>, note: &Note, out: &mut Vec<Diagnostic>) {
        let in_comments: &[Link] = if self.options.check_comments {
            &note.comment_links
        } else {
            &[]
        };
        let resolutions = cx.resolutions(note);
        // Links in comments are resolved here: the other rules do not read them.
        let resolved = resolutions.iter().cloned().chain(
            in_comments
                .iter()
                .map(|link| cx.index.resolve(&link.path, &note.path)),
        );
        // A note that writes one missing target many times gets one help for it: the search
        // for close names runs once per target, not once per link.
        let mut helps: HashMap<(LinkKind, &str), Help> = HashMap::new();
        for (link, resolution) in note.links.iter().chain(in_comments).zip(resolved) {
            if link.is_same_note() {
                continue;
            }
            match resolution {
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
                    if self.options.placeholders != Placeholders::Error
                        && placeholder::is_placeholder(cx.index, link) =>
                {
                    if self.options.placeholders == Placeholders::Warn {
                        out.push(placeholder_link(link));
                    }
                }
                Resolution::Missing
                    if self.options.alias_links == AliasLinks::Allow
                        && alias_owner(cx, link).is_some() => {}
                Resolution::Missing => {
                    let help = helps
                        .entry((link.kind, link.path.as_str()))
                        .or_insert_with(|| help(cx, note, link));
                    out.push(missing(note, link, help));
                }
            }
        }
    }
}

fn missing(note: &Note, link: &Link, help: &Help) -> Diagnostic {
    let (what, label) = if is_file(link) {
        ("file", "no file with this name")
    } else {
        ("note", "no note with this name")
    };
    let message = format!("Link target `{}` does not match any {what}", link.path);
    let diagnostic = Diagnostic::new(link.target_span, message, label).with_help(help.text.clone());
    let fix = help
        .fix
        .as_ref()
        .and_then(|r| point_at(note, link, &r.target, r.keep_display, r.applicability));
    match fix {
        Some(fix) => diagnostic.with_fix(fix),
        None => diagnostic,
    }
}

/// A link that names a file other than a note (`chart.png`, `data.csv`).
fn is_file(link: &Link) -> bool {
    has_extension(&link.path) && !link.path.to_lowercase().ends_with(".md")
}

/// The help of a missing link and the fix it offers: what depends on the target as written
/// and the kind of link only, so that every link of a note writing the same target shares it.
struct Help {
    text: String,
    fix: Option<Retarget>,
}

/// A fix that makes a link name `target` (see [`point_at`]), before it is cut to one link's
/// place.
struct Retarget {
    target: String,
    keep_display: bool,
    applicability: Applicability,
}

impl Help {
    fn new(text: String, fix: Option<Retarget>) -> Help {
        Help { text, fix }
    }

    fn fixed(text: String, target: String, applicability: Applicability) -> Help {
        Help::new(
            text,
            Some(Retarget {
                target,
                keep_display: false,
                applicability,
            }),
        )
    }
}

/// The one note whose alias the link names, when exactly one note has it.
fn alias_owner(cx: &Context<'_>, link: &Link) -> Option<usize> {
    let written = link.path.strip_suffix(".md").unwrap_or(&link.path);
    cx.index.only_note_with_alias(written)
}

/// The fix that makes `link` name `target`; for a name the link was meant to write (an
/// alias), the display text is kept.
fn point_at(
    note: &Note,
    link: &Link,
    target: &str,
    keep_display: bool,
    applicability: Applicability,
) -> Option<crate::finding::Fix> {
    let edits = fixes::retarget(note, link, target, keep_display)?;
    Some(fixes::fix(
        format!("link to `{target}`"),
        edits,
        applicability,
    ))
}

/// The help line, the most specific hint first: an alias, a folder, an attachment written
/// without its extension, then the closest names; with a fix when there is one answer: safe
/// for the alias of exactly one note, unsafe for the one close name.
fn help(cx: &Context<'_>, note: &Note, link: &Link) -> Help {
    let is_file = is_file(link);
    let written = link.path.strip_suffix(".md").unwrap_or(&link.path);
    let wiki = link.kind.is_wiki_style();

    // With `--changed-since`: the note was renamed since the revision, as git pairs it.
    if let Some(now) = cx
        .settings
        .changes
        .as_ref()
        .and_then(|c| c.renames.renamed_to(&link.path))
        && let Some(id) = cx.index.note_id(now)
    {
        let target = if wiki {
            cx.index.unambiguous_target(id, &note.path)
        } else {
            relative_href(note.folder(), now)
        };
        let rev = cx.settings.changes.as_ref().map_or("", |c| c.rev.as_str());
        let shown = if wiki {
            link_text(link, &target)
        } else {
            format!("`{target}`")
        };
        return Help::fixed(
            format!("the note was renamed to `{now}` since {rev}; write {shown}"),
            target,
            Applicability::Safe,
        );
    }

    // An alias is not a link target in Obsidian: say which note has it.
    if let Some(owner) = cx
        .index
        .note_with_alias(written)
        .and_then(|id| cx.index.note(id))
    {
        let fix = alias_owner(cx, link).and_then(|id| {
            let target = if wiki {
                cx.index.unambiguous_target(id, &note.path)
            } else {
                relative_href(note.folder(), &cx.index.note(id)?.path)
            };
            Some(Retarget {
                target,
                keep_display: true,
                applicability: Applicability::Safe,
            })
        });
        let rewrite = if wiki {
            format!("write `[[{}|{written}]]`", owner.name())
        } else {
            format!(
                "link to `{}` instead",
                relative_href(note.folder(), &owner.path)
            )
        };
        return Help::new(
            format!("`{written}` is an alias of [[{}]]; {rewrite}", owner.name()),
            fix,
        );
    }

    if cx.index.is_folder(written) {
        return Help::new(
            format!("`{written}` is a folder; a link names a note or file, not a folder"),
            None,
        );
    }

    // Only `.md` may be left out: `[[Figure 1]]` does not find `Figure 1.png`.
    if !is_file
        && let Some(path) = cx
            .index
            .files_with_stem(written)
            .first()
            .and_then(|id| cx.index.file(*id))
    {
        let name = path.rsplit('/').next().unwrap_or(path);
        let (target, written) = if wiki {
            let target = file_target(cx, path, &note.path);
            (link_text(link, name), target)
        } else {
            let href = relative_href(note.folder(), path);
            (format!("`{href}`"), href)
        };
        return Help::fixed(
            format!("only `.md` may be left out of a link; write {target}"),
            written,
            Applicability::Unsafe,
        );
    }

    let wanted = written.rsplit('/').next().unwrap_or(written);
    let mut shown = suggestions(cx, note, link, wanted, false);
    if shown.is_empty() {
        // `Veil Edge Health old`, `Draft Veil Edge Health`: a name plus a word.
        let words: Vec<&str> = wanted.split_whitespace().collect();
        for fewer in [words.get(1..), words.get(..words.len().saturating_sub(1))]
            .into_iter()
            .flatten()
            .filter(|w| !w.is_empty() && w.len() < words.len())
        {
            shown.extend(suggestions(cx, note, link, &fewer.join(" "), true));
        }
    }
    if shown.is_empty()
        && is_file
        && let Some((stem, _)) = wanted.rsplit_once('.')
    {
        // `Scaling laws.txt` for the note `Scaling laws`.
        shown = suggestions(cx, note, link, stem, true);
    }
    if !shown.is_empty() {
        let texts: Vec<String> = shown.iter().map(|s| s.text.clone()).collect();
        let text = format!("did you mean {}?", suggest::or_list(&texts));
        return match shown.pop() {
            Some(one) if shown.is_empty() => Help::fixed(text, one.target, Applicability::Unsafe),
            _ => Help::new(text, None),
        };
    }
    let help = if is_file {
        "Add the file to the vault, or fix the name".to_string()
    } else if link.kind == LinkKind::Markdown {
        "Create the note, or fix the path (markdown links are resolved like wikilinks, `.md` optional)".to_string()
    } else {
        "Create the note, or fix the spelling".to_string()
    };
    Help::new(help, None)
}

/// A "did you mean" name: as the help shows it, and as the link would write it.
struct Suggestion {
    text: String,
    target: String,
}

/// "Did you mean" targets, one per note or file, written so that they resolve from `note`;
/// with `exact_only`, the one note or file named exactly `wanted`.
fn suggestions(
    cx: &Context<'_>,
    note: &Note,
    link: &Link,
    wanted: &str,
    exact_only: bool,
) -> Vec<Suggestion> {
    let close = if exact_only {
        cx.index.exact_names(wanted, 4 * SUGGESTIONS)
    } else {
        cx.index.closest_names(wanted, 4 * SUGGESTIONS)
    };
    let max = if exact_only { 1 } else { SUGGESTIONS };
    let mut shown: Vec<Suggestion> = Vec::new();
    let mut seen: Vec<NameOf> = Vec::new();
    for s in &close {
        // Group a note's name and aliases under the note.
        let key = match *s.value {
            NameOf::Alias(id) => NameOf::Note(id),
            other => other,
        };
        if seen.contains(&key) {
            continue;
        }
        seen.push(key);
        let path = cx.index.name_path(key);
        let (text, written) = if !link.kind.is_wiki_style() {
            let href = relative_href(note.folder(), path);
            (format!("`{href}`"), href)
        } else {
            let target = match key {
                NameOf::Note(id) | NameOf::Alias(id) => cx.index.unambiguous_target(id, &note.path),
                NameOf::File(_) => file_target(cx, path, &note.path),
            };
            // Only an alias is close: keep the words the author chose as the display text.
            let by_name = close.iter().any(|c| *c.value == key);
            let text = if by_name {
                link_text(link, &target)
            } else {
                link_text(link, &format!("{target}|{}", s.name))
            };
            (text, target.nfc().collect())
        };
        if !shown.iter().any(|s| s.text == text) {
            shown.push(Suggestion {
                text,
                target: written,
            });
        }
        if shown.len() == max {
            break;
        }
    }
    shown
}

/// `[[target]]`, or `![[target]]` for an embed; composed (NFC) whatever the file name's form.
fn link_text(link: &Link, target: &str) -> String {
    let target: String = target.nfc().collect();
    if link.kind == LinkKind::Embed {
        format!("![[{target}]]")
    } else {
        format!("[[{target}]]")
    }
}

/// An attachment's name when that alone finds it from `from`, else its vault path.
fn file_target(cx: &Context<'_>, path: &str, from: &str) -> String {
    let name = path.rsplit('/').next().unwrap_or(path);
    match cx.index.resolve(name, from) {
        Resolution::File(id) if cx.index.file(id) == Some(path) => name.to_string(),
        _ => path.to_string(),
    }
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
