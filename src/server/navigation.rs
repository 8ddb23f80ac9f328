//! Moving around the vault from a note: go to the target of a link (the note, or the line of
//! its heading or block), the backlinks of a note or a heading, completion of link targets
//! after `[[` (names, aliases, headings, block ids) and a link's target on hover.
//!
//! Reads the session's index for names and links, and a target's text (its buffer when it is
//! open, else its file) for lines; changes nothing.

use std::path::Path;

use lsp_types::{
    CompletionItem, CompletionItemKind, CompletionList, CompletionTextEdit, Hover, HoverContents,
    Location, MarkupContent, MarkupKind, Position, Range, TextEdit,
};

use super::diagnostics::Texts;
use super::documents::{Document, Encoding, Lines, path_to_uri};
use crate::engine::Session;
use crate::index::{Resolution, fold, github_slug, heading_key};
use crate::model::{Anchor, Link, Note, Span};

/// The most names a completion offers; the list says it is incomplete past that, so the
/// client asks again as more is typed.
const MAX_COMPLETIONS: usize = 200;

/// Lines of the target a hover shows.
const HOVER_LINES: usize = 8;

/// What navigation reads: the session, how positions count, and the text of any note.
pub struct Vault<'a> {
    pub session: &'a Session,
    /// The vault's folder.
    pub root: &'a Path,
    pub encoding: Encoding,
    /// The URI and text of a note by vault path.
    pub texts: &'a Texts<'a>,
}

impl Vault<'_> {
    /// The note open in `doc`, parsed for its links and headings.
    fn parse(&self, path: &str, text: &str) -> Note {
        Note::parse_for_index(path, text, &self.session.settings().parse.dates)
    }

    /// The link of `note` under byte `offset`.
    fn link_at<'n>(&self, note: &'n Note, offset: usize) -> Option<&'n Link> {
        note.links
            .iter()
            .find(|l| l.span.start() <= offset && offset < l.span.end())
    }

    /// The notes a link leads to (several when its name is ambiguous), or an attachment's path.
    fn targets(&self, link: &Link, from: &str) -> Vec<String> {
        let index = self.session.index();
        let from_id = index.note_id(from).unwrap_or(usize::MAX);
        match index.link_target(link, from_id, from) {
            Resolution::Note { id, others } => std::iter::once(id)
                .chain(others)
                .filter_map(|id| index.note(id).map(|n| n.path.to_string()))
                .collect(),
            Resolution::File(id) => index.file(id).map(str::to_string).into_iter().collect(),
            Resolution::Missing | Resolution::OutsideVault => Vec::new(),
        }
    }

    /// Where in the note at `path` the anchor of `link` is: the heading's or block's span.
    fn anchor_span(&self, link: &Link, path: &str, text: &str) -> Option<Span> {
        let anchor = link.anchor.as_ref()?;
        let note = self.parse(path, text);
        match anchor {
            Anchor::Block(id) => note
                .block_ids
                .iter()
                .find(|b| b.id.eq_ignore_ascii_case(id))
                .map(|b| b.span),
            Anchor::Heading(chain) => {
                let last = chain.headings().last()?;
                let key = heading_key(last);
                let slug = github_slug(last);
                note.headings
                    .iter()
                    .find(|h| {
                        heading_key(&h.text) == key
                            || (!link.kind.is_wiki_style() && github_slug(&h.text) == slug)
                    })
                    .map(|h| h.span)
            }
        }
    }
}

/// Go to definition: the target of the link under `position`, at its heading or block when
/// the link names one. `Ok(empty)` off a link or for a link that leads nowhere.
pub fn definition(
    vault: &Vault<'_>,
    doc: &Document,
    position: Position,
) -> Result<Vec<Location>, String> {
    let (path, offset) = place(doc, position, vault.encoding)?;
    let note = vault.parse(path, &doc.text);
    let Some(link) = vault.link_at(&note, offset) else {
        return Ok(Vec::new());
    };
    let mut out = Vec::new();
    for target in vault.targets(link, path) {
        if !is_note(&target) {
            // An attachment: its file, not read.
            if let Some(uri) = path_to_uri(&vault.root.join(&target)) {
                out.push(Location::new(uri, Range::default()));
            }
            continue;
        }
        let Some((uri, text)) = (vault.texts)(&target) else {
            continue;
        };
        let range = match vault.anchor_span(link, &target, &text) {
            Some(span) => {
                let at = Lines::new(&text).position(&text, span.start(), vault.encoding);
                Range::new(at, at)
            }
            None => Range::default(),
        };
        out.push(Location::new(uri, range));
    }
    Ok(out)
}

/// References: the links to the heading under `position` (not the note's first heading), else
/// to the note itself.
pub fn references(
    vault: &Vault<'_>,
    doc: &Document,
    position: Position,
    include_declaration: bool,
) -> Result<Vec<Location>, String> {
    let (path, offset) = place(doc, position, vault.encoding)?;
    let note = vault.parse(path, &doc.text);
    let index = vault.session.index();
    let Some(id) = index.note_id(path) else {
        return Ok(Vec::new());
    };
    let line = doc.lines.line_of(offset);
    let heading = note
        .headings
        .iter()
        .enumerate()
        .find(|(_, h)| doc.lines.line_of(h.span.start()) == line)
        .filter(|(i, h)| !(*i == 0 && h.level == 1))
        .map(|(_, h)| h);
    let key = heading.map(|h| heading_key(&h.text));
    let mut out = Vec::new();
    if include_declaration {
        let span = heading.map_or(note.title_span(), |h| h.span);
        out.push(Location::new(
            doc.uri.clone(),
            doc.range(span, vault.encoding),
        ));
    }
    // The session keeps where each note's links lead, not every link: the notes that may
    // link here are parsed again from their text for the links themselves.
    for from_path in vault.session.linking_to(path) {
        let Some(from_id) = index.note_id(&from_path) else {
            continue;
        };
        let Some((uri, text)) = (vault.texts)(&from_path) else {
            continue;
        };
        let from = vault.parse(&from_path, &text);
        let spans: Vec<Span> = from
            .links
            .iter()
            .filter(|l| {
                let leads_here = matches!(
                    index.link_target(l, from_id, &from.path),
                    Resolution::Note { id: to, .. } if to == id
                );
                leads_here
                    && key.as_ref().is_none_or(|key| match &l.anchor {
                        Some(Anchor::Heading(chain)) => chain
                            .headings()
                            .last()
                            .is_some_and(|last| heading_key(last) == *key),
                        _ => false,
                    })
            })
            .map(|l| l.span)
            .collect();
        if spans.is_empty() {
            continue;
        }
        let lines = Lines::new(&text);
        for span in spans {
            out.push(Location::new(
                uri.clone(),
                lines.range(&text, span, vault.encoding),
            ));
        }
    }
    Ok(out)
}

/// Completion inside `[[…` before `position`: note names (and `Note|Alias` for aliases),
/// after `[[Note#` its headings, after `[[Note#^` its block ids. `None` elsewhere.
pub fn completion(
    vault: &Vault<'_>,
    doc: &Document,
    position: Position,
) -> Result<Option<CompletionList>, String> {
    let (path, offset) = place(doc, position, vault.encoding)?;
    let line_start = doc.lines.line_start(doc.lines.line_of(offset)).unwrap_or(0);
    let before = doc.text.get(line_start..offset).unwrap_or("");
    let Some(open) = before.rfind("[[") else {
        return Ok(None);
    };
    let typed = before.get(open + 2..).unwrap_or("");
    if typed.contains("]]") || typed.contains('|') {
        return Ok(None);
    }
    let typed_start = line_start + open + 2;
    let index = vault.session.index();
    let edit_from = |start: usize| {
        Range::new(
            doc.position(start, vault.encoding),
            doc.position(offset, vault.encoding),
        )
    };
    let item = |label: String, kind, filter: Option<String>, range: Range| CompletionItem {
        text_edit: Some(CompletionTextEdit::Edit(TextEdit::new(
            range,
            label.clone(),
        ))),
        filter_text: filter,
        label,
        kind: Some(kind),
        ..CompletionItem::default()
    };
    if let Some((name, anchor)) = typed.split_once('#') {
        let target = if name.is_empty() {
            index.note_id(path)
        } else {
            match index.resolve(name, path) {
                Resolution::Note { id, .. } => Some(id),
                _ => None,
            }
        };
        let Some(target) = target else {
            return Ok(None);
        };
        let anchor_start = typed_start + name.len() + 1;
        let items: Vec<CompletionItem> = match anchor.strip_prefix('^') {
            Some(_) => {
                let Some(note) = index.note(target) else {
                    return Ok(None);
                };
                let Some((_, text)) = (vault.texts)(&note.path) else {
                    return Ok(None);
                };
                let range = edit_from(anchor_start + 1);
                vault
                    .parse(&note.path, &text)
                    .block_ids
                    .iter()
                    .map(|b| item(b.id.clone(), CompletionItemKind::REFERENCE, None, range))
                    .collect()
            }
            None => {
                let range = edit_from(anchor_start);
                index
                    .headings(target)
                    .unwrap_or_default()
                    .into_iter()
                    .map(|h| item(h, CompletionItemKind::REFERENCE, None, range))
                    .collect()
            }
        };
        return Ok(Some(CompletionList {
            is_incomplete: false,
            items,
        }));
    }
    let wanted = fold(typed.trim());
    let range = edit_from(typed_start);
    let mut items = Vec::new();
    let mut is_incomplete = false;
    for (id, note) in index.notes().iter().enumerate() {
        if items.len() >= MAX_COMPLETIONS {
            is_incomplete = true;
            break;
        }
        let name_matches = fold(note.name()).contains(&wanted);
        let aliases: Vec<&String> = note
            .aliases
            .iter()
            .filter(|a| fold(a).contains(&wanted))
            .collect();
        if !name_matches && aliases.is_empty() {
            continue;
        }
        let target = index.unambiguous_target(id, path);
        let target = target.strip_suffix(".md").unwrap_or(&target).to_string();
        if name_matches {
            items.push(CompletionItem {
                detail: Some(note.path.to_string()),
                ..item(target.clone(), CompletionItemKind::FILE, None, range)
            });
        }
        for alias in aliases {
            items.push(CompletionItem {
                detail: Some(note.path.to_string()),
                ..item(
                    format!("{target}|{alias}"),
                    CompletionItemKind::FILE,
                    Some(alias.clone()),
                    range,
                )
            });
        }
    }
    Ok(Some(CompletionList {
        is_incomplete,
        items,
    }))
}

/// Hover on a link: the target's path and its first lines (from the heading or block the
/// link names).
pub fn hover(
    vault: &Vault<'_>,
    doc: &Document,
    position: Position,
) -> Result<Option<Hover>, String> {
    let (path, offset) = place(doc, position, vault.encoding)?;
    let note = vault.parse(path, &doc.text);
    let Some(link) = vault.link_at(&note, offset) else {
        return Ok(None);
    };
    let targets = vault.targets(link, path);
    let mut value = String::new();
    match targets.as_slice() {
        [] => value.push_str(&format!("No note or file `{}` in the vault", link.path)),
        [one] => {
            value.push_str(&format!("`{one}`"));
            if is_note(one)
                && let Some((_, text)) = (vault.texts)(one)
            {
                let start = match vault.anchor_span(link, one, &text) {
                    Some(span) => span.start(),
                    None => vault.parse(one, &text).body_start,
                };
                let lines: Vec<&str> = text
                    .get(start..)
                    .unwrap_or("")
                    .lines()
                    .skip_while(|l| l.trim().is_empty())
                    .take(HOVER_LINES)
                    .collect();
                if !lines.is_empty() {
                    value.push_str("\n\n---\n\n");
                    value.push_str(&lines.join("\n"));
                }
            }
        }
        several => {
            value.push_str("Several notes have this name:\n");
            for p in several {
                value.push_str(&format!("\n- `{p}`"));
            }
        }
    }
    Ok(Some(Hover {
        contents: HoverContents::Markup(MarkupContent {
            kind: MarkupKind::Markdown,
            value,
        }),
        range: Some(doc.range(link.span, vault.encoding)),
    }))
}

fn is_note(path: &str) -> bool {
    path.rsplit_once('.')
        .is_some_and(|(_, ext)| ext.eq_ignore_ascii_case("md"))
}

/// The vault path of `doc` and the byte offset of `position` in it; an error for a document
/// outside the vault or a position past its end.
fn place(doc: &Document, position: Position, encoding: Encoding) -> Result<(&str, usize), String> {
    let path = doc
        .path
        .as_deref()
        .ok_or_else(|| format!("`{}` is not a note of the vault", doc.uri.as_str()))?;
    let offset = doc.offset(position, encoding).ok_or_else(|| {
        format!(
            "Position {}:{} is past the end of `{}`",
            position.line,
            position.character,
            doc.uri.as_str()
        )
    })?;
    Ok((path, offset))
}
