//! `broken-anchor`: the link's target exists but its `#Heading` or `#^block` does not (also
//! same-note `[[#Heading]]`).

use serde::Deserialize;
use serde_yaml::Value;

use super::{Context, Rule, RuleMeta};
use crate::finding::{Applicability, Diagnostic, Fix, Severity};
use crate::index::suggest;
use crate::index::{AnchorCheck, HeadingHints, Resolution, heading_key};
use crate::model::{Anchor, Link, Note};

pub static META: RuleMeta = RuleMeta {
    id: "broken-anchor",
    default_severity: Severity::Error,
    summary: "A link's #Heading or #^block does not exist in its target",
    doc: include_str!("../../rules/broken-anchor.md"),
    build,
};

#[derive(Debug, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
struct Options {
    /// Markdown-link fragments may also be GitHub-style heading slugs (`#revenue-model`).
    markdown_slugs: bool,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            markdown_slugs: true,
        }
    }
}

struct BrokenAnchor {
    options: Options,
}

fn build(options: &Value) -> Result<Box<dyn Rule>, String> {
    Ok(Box::new(BrokenAnchor {
        options: super::options(options)?,
    }))
}

impl Rule for BrokenAnchor {
    fn check_links(&self, cx: &Context<'_>, note: &Note, out: &mut Vec<Diagnostic>) {
        if cx.index.note_id(&note.path).is_none() {
            return;
        }
        let resolutions = cx.resolutions(note);
        for (link, resolution) in note.links.iter().zip(resolutions.iter()) {
            let Some(anchor) = &link.anchor else { continue };
            // Anchors on attachments (`doc.pdf#page=3`) are viewer options, not headings.
            let Resolution::Note { id, .. } = *resolution else {
                continue;
            };
            let slugs = self.options.markdown_slugs && !link.kind.is_wiki_style();
            let check = cx.index.check_anchor(id, anchor, slugs);
            let Some(target) = cx.index.note(id) else {
                continue;
            };
            let span = link.anchor_span().unwrap_or(link.target_span);
            let in_note = if link.is_same_note() {
                "this note".to_string()
            } else {
                format!("[[{}]]", target.name())
            };
            match check {
                AnchorCheck::Found => {}
                AnchorCheck::MissingHeading(heading) => {
                    let (help, pick) = match cx.index.heading_hints(id) {
                        Some(hints) => {
                            heading_help(link, anchor, &heading, &hints, &in_note, slugs)
                        }
                        // The file went away or changed beyond reading since it was indexed.
                        None => ("Fix the heading name".to_string(), None),
                    };
                    let diagnostic = Diagnostic::new(
                        span,
                        format!("Heading `{heading}` does not exist in {in_note}"),
                        "no heading with this text",
                    )
                    .with_help(help);
                    // One heading it can mean: a likely fix, which changes where the link
                    // leads, so not a safe one.
                    let fix = pick
                        .zip(link.anchor_span())
                        .filter(|_| matches!(anchor, Anchor::Heading(c) if c.len() == 1))
                        .map(|(anchor, at)| {
                            Fix::new(
                                format!("link to `{anchor}`"),
                                at,
                                anchor,
                                Applicability::Unsafe,
                            )
                        });
                    out.push(match fix {
                        Some(fix) => diagnostic.with_fix(fix),
                        None => diagnostic,
                    });
                }
                AnchorCheck::MissingBlock(block) => {
                    out.push(
                        Diagnostic::new(
                            span,
                            format!("Block `^{block}` does not exist in {in_note}"),
                            "no block with this id",
                        )
                        .with_help(format!(
                            "Add ` ^{block}` at the end of the paragraph you mean in {in_note}, or fix the id"
                        )),
                    );
                }
            }
        }
    }
}

/// The help for a missing heading, the most specific hint first, and the anchor to write
/// (`#` included) when there is one answer.
fn heading_help(
    link: &Link,
    anchor: &Anchor,
    heading: &str,
    hints: &HeadingHints,
    in_note: &str,
    slugs: bool,
) -> (String, Option<String>) {
    let key = heading_key(heading);
    let wanted_slug = heading.to_lowercase();
    // `#A#B` where `B` exists, but not inside `A`'s section.
    if let Anchor::Heading(chain) = anchor
        && chain.len() > 1
        && hints.has_key(&key)
    {
        return (
            format!(
                "`{heading}` is in {in_note}, but not inside the section of the heading before it in the link; fix the order of `#{}`, or link to `#{heading}` alone",
                chain.joined()
            ),
            None,
        );
    }
    // A GitHub slug where only heading text counts: wikilinks (Obsidian's rule), and markdown
    // links with `markdown-slugs: false`.
    if !slugs
        && let Some(h) = hints
            .with_slug(&wanted_slug)
            .find(|h| heading_key(h) != key)
    {
        let pick = written_anchor(link, h);
        let help = if link.kind.is_wiki_style() {
            format!(
                "`{heading}` is a GitHub-style slug; wikilinks match the heading text: write `{pick}`"
            )
        } else {
            format!(
                "`{heading}` is a GitHub-style slug, and `markdown-slugs` is off; write the heading text: `{pick}`"
            )
        };
        return (help, Some(pick));
    }
    let mut close = hints.closest(heading, 3);
    if close.is_empty() {
        close = hints.overlapping(heading, 3);
    }
    let headings = hints.texts();
    if !close.is_empty() {
        let names: Vec<String> = close
            .iter()
            .map(|h| format!("`#{}`", wikilink_heading(h)))
            .collect();
        let pick = match close.as_slice() {
            [one] => Some(written_anchor(link, one)),
            _ => None,
        };
        (format!("did you mean {}?", suggest::or_list(&names)), pick)
    } else if headings.is_empty() {
        (
            format!("{in_note} has no headings; link to the note itself or add the heading"),
            None,
        )
    } else {
        (
            format!("Fix the heading name{}", list_headings(headings)),
            None,
        )
    }
}

/// The anchor naming `heading` as `link` writes it, `#` included: the text for a wikilink,
/// with spaces percent-encoded for a markdown link.
fn written_anchor(link: &Link, heading: &str) -> String {
    let text = wikilink_heading(heading);
    if link.kind.is_wiki_style() {
        format!("#{text}")
    } else {
        format!("#{}", text.replace(' ', "%20"))
    }
}

/// A heading as it can be written after `#` in a wikilink: `#`, `|`, `^`, `[` and `]` would
/// end or split the link, and Obsidian ignores them when matching anyway.
fn wikilink_heading(text: &str) -> String {
    text.split(['#', '|', '^', '[', ']'])
        .flat_map(str::split_whitespace)
        .collect::<Vec<_>>()
        .join(" ")
}

fn list_headings(headings: &[String]) -> String {
    const SHOWN: usize = 6;
    if headings.is_empty() {
        return String::new();
    }
    let mut names: Vec<String> = headings
        .iter()
        .take(SHOWN)
        .map(|h| format!("`{h}`"))
        .collect();
    if headings.len() > SHOWN {
        names.push(format!("{} more", headings.len() - SHOWN));
    }
    format!("; its headings are {}", names.join(", "))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::figures::ParseOptions;
    use crate::index::VaultIndex;
    use crate::rules::settings::{Overrides, Settings};

    fn help_for(target: Note) -> Option<String> {
        let opts = ParseOptions::default();
        let source = Note::parse("Source.md", "See [[Target#Fundng]].\n", &opts);
        let index = VaultIndex::new(vec![source, target], Vec::new());
        let settings = Settings::new(
            crate::config::LoadedConfig::defaults(),
            &Overrides::default(),
        )
        .unwrap();
        let cx = Context::new(&index, &settings);
        let mut out = Vec::new();
        let rule = BrokenAnchor {
            options: Options::default(),
        };
        rule.check_links(&cx, index.note(0).unwrap(), &mut out);
        assert_eq!(out.len(), 1);
        let found = out.pop()?;
        let fix = found.fix.as_ref().map(|f| f.edits[0].replacement.clone());
        assert_eq!(fix.as_deref(), Some("#Funding"));
        found.help.map(|h| h.to_string())
    }

    #[test]
    fn the_help_names_the_headings_the_index_holds() {
        let text = "# Target\n\n## Funding\n";
        let held = Note::parse("Target.md", text, &ParseOptions::default());
        assert_eq!(help_for(held).as_deref(), Some("did you mean `#Funding`?"));
    }
}
