//! Edits the link rules share: pointing a link at another note while it reads as before.
//!
//! A link's spans say where its target and anchor are; whether a wikilink has display text
//! follows from where the target ends (`[[Target|shown]]`), and whether a `|` must be escaped
//! from whether the link sits in a pipe table. No text of the note is needed.

use crate::finding::{Applicability, Edit, Fix};
use crate::model::{Link, LinkKind, Note, Span};

/// Whether a wikilink or embed has display text: its target ends before the closing `]]`.
fn has_display(link: &Link) -> bool {
    link.target_span.end() + 2 < link.span.end()
}

/// The separator of target and display text where the link is.
fn pipe(note: &Note, link: &Link) -> &'static str {
    if note.in_table(link.span) { "\\|" } else { "|" }
}

/// The edit that makes `link` name `target` (written as it goes in the link: a wikilink
/// target without `.md`, or a markdown link's href) and keeps what it shows: its anchor, and
/// its display text (the name written, for a wikilink without display text, when
/// `keep_display` asks for it). `None` when the link cannot be rewritten that way without the
/// note's text: a reference link, a front matter property, or a wikilink with an anchor and
/// no display text whose display must be kept.
pub fn retarget(note: &Note, link: &Link, target: &str, keep_display: bool) -> Option<Vec<Edit>> {
    if link.target_span == link.span || link.target_span.is_empty() {
        return None;
    }
    match link.kind {
        LinkKind::Markdown | LinkKind::Image => {
            let end = link
                .anchor_span()
                .map_or(link.target_span.end(), Span::start);
            Some(vec![Edit::new(
                Span::new(link.target_span.start(), end),
                target.to_string(),
            )])
        }
        LinkKind::Wiki | LinkKind::Embed => {
            if let Some(anchor) = link.anchor_span() {
                // The path ends where the anchor starts: a `\` of `\|` is after it.
                if keep_display && !has_display(link) && link.kind == LinkKind::Wiki {
                    return None;
                }
                return Some(vec![Edit::new(
                    Span::new(link.target_span.start(), anchor.start()),
                    target.to_string(),
                )]);
            }
            if has_display(link) {
                // In a table the target may end with the `\` of `\|`: replace up to the pipe.
                if note.in_table(link.span) {
                    return Some(vec![Edit::new(
                        Span::new(link.target_span.start(), link.target_span.end() + 1),
                        format!("{target}\\|"),
                    )]);
                }
                return Some(vec![Edit::new(link.target_span, target.to_string())]);
            }
            // An embed shows the note (or sizes the image) whatever follows the pipe.
            let replacement = if keep_display && link.kind == LinkKind::Wiki {
                format!("{target}{}{}", pipe(note, link), link.path)
            } else {
                target.to_string()
            };
            Some(vec![Edit::new(link.target_span, replacement)])
        }
        LinkKind::Property => None,
    }
}

/// A fix of several edits.
pub fn fix(message: String, edits: Vec<Edit>, applicability: Applicability) -> Fix {
    Fix {
        message: message.into(),
        edits,
        applicability,
    }
}
