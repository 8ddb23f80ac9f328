//! Code actions on the findings shown in a note: each finding's fix (safe fixes preferred),
//! "Suppress `RULE` on this line", and "Create note `X`" for a link to a note that does not
//! exist. Every action is a workspace edit for the client to apply: the server never writes.

use std::collections::HashMap;
use std::path::Path;

use lsp_types::{
    CodeAction, CodeActionKind, CodeActionOrCommand, CreateFile, CreateFileOptions,
    DocumentChangeOperation, DocumentChanges, OneOf, OptionalVersionedTextDocumentIdentifier,
    Position, Range, ResourceOp, TextDocumentEdit, TextEdit, Uri, WorkspaceEdit,
};

use super::diagnostics::Shown;
use super::documents::{Document, Encoding, path_to_uri};
use crate::engine::Session;
use crate::index::Resolution;
use crate::model::{Link, Note};

/// What the client can apply.
#[derive(Debug, Clone, Copy, Default)]
pub struct EditSupport {
    /// `documentChanges` (versioned edits), rather than a map of edits per URI.
    pub document_changes: bool,
    /// Resource operations that create files.
    pub create: bool,
}

/// The actions for the findings of `doc` whose lines meet `range`. `shown` holds what was
/// published for the document at version `shown_version`: a fix's spans hold only for that
/// text, so fixes are offered only while the buffer is still that version.
#[allow(clippy::too_many_arguments)]
pub fn code_actions(
    doc: &Document,
    shown: &[Shown],
    shown_version: i32,
    range: Range,
    session: &Session,
    root: &Path,
    encoding: Encoding,
    support: EditSupport,
) -> Vec<CodeActionOrCommand> {
    let current = shown_version == doc.version;
    let note = doc
        .path
        .as_deref()
        .map(|path| Note::parse_for_index(path, &doc.text, &session.settings().parse.dates));
    let mut actions = Vec::new();
    for item in shown {
        let d = &item.diagnostic;
        let meets = d.range.start.line <= range.end.line && range.start.line <= d.range.end.line;
        let Some(finding) = item.finding.as_ref().filter(|_| meets && current) else {
            continue;
        };
        if let Some(fix) = &finding.diagnostic.fix {
            let edits = fix
                .edits
                .iter()
                .map(|e| TextEdit::new(doc.range(e.span, encoding), e.replacement.clone()))
                .collect();
            actions.push(action(
                fix.message.to_string(),
                d,
                fix.is_safe(),
                text_edit(doc, edits, support),
            ));
        }
        let Some(note) = &note else { continue };
        if let Some(edit) = suppression(doc, note, finding.diagnostic.span.start(), finding.rule) {
            actions.push(action(
                format!("Suppress `{}` on this line", finding.rule),
                d,
                false,
                text_edit(doc, vec![edit], support),
            ));
        }
        if finding.rule == "broken-link"
            && support.create
            && let Some(path) = missing_note(session, note, finding.diagnostic.span.start(), root)
            && let Some(uri) = path_to_uri(&root.join(&path))
        {
            let name = path.rsplit('/').next().unwrap_or(&path);
            let name = name.strip_suffix(".md").unwrap_or(name);
            let create = ResourceOp::Create(CreateFile {
                uri,
                options: Some(CreateFileOptions {
                    overwrite: Some(false),
                    ignore_if_exists: Some(true),
                }),
                annotation_id: None,
            });
            let edit = WorkspaceEdit {
                document_changes: Some(DocumentChanges::Operations(vec![
                    DocumentChangeOperation::Op(create),
                ])),
                ..WorkspaceEdit::default()
            };
            actions.push(action(format!("Create note `{name}`"), d, false, edit));
        }
    }
    actions
}

fn action(
    title: String,
    diagnostic: &lsp_types::Diagnostic,
    is_preferred: bool,
    edit: WorkspaceEdit,
) -> CodeActionOrCommand {
    CodeActionOrCommand::CodeAction(CodeAction {
        title,
        kind: Some(CodeActionKind::QUICKFIX),
        diagnostics: Some(vec![diagnostic.clone()]),
        edit: Some(edit),
        is_preferred: is_preferred.then_some(true),
        ..CodeAction::default()
    })
}

/// Edits of the open document, versioned when the client takes versioned edits.
fn text_edit(doc: &Document, edits: Vec<TextEdit>, support: EditSupport) -> WorkspaceEdit {
    if support.document_changes {
        WorkspaceEdit {
            document_changes: Some(DocumentChanges::Edits(vec![TextDocumentEdit {
                text_document: OptionalVersionedTextDocumentIdentifier {
                    uri: doc.uri.clone(),
                    version: Some(doc.version),
                },
                edits: edits.into_iter().map(OneOf::Left).collect(),
            }])),
            ..WorkspaceEdit::default()
        }
    } else {
        // `Uri` caches its parts inside, which clippy counts as a mutable key; the map is
        // built once and only serialised.
        #[allow(clippy::mutable_key_type)]
        let changes: HashMap<Uri, Vec<TextEdit>> = HashMap::from([(doc.uri.clone(), edits)]);
        WorkspaceEdit::new(changes)
    }
}

/// The line `%% vaultlint-disable-next-line RULE %%` above the line of byte `offset`,
/// indented as that line is. Not offered in the front matter (a comment would break the
/// YAML) nor inside a table's body (a line there would split the table).
fn suppression(doc: &Document, note: &Note, offset: usize, rule: &str) -> Option<TextEdit> {
    if rule == "unused-suppression" || offset < note.body_start {
        return None;
    }
    let line = doc.lines.line_of(offset);
    let text = doc.lines.line_text(&doc.text, line);
    let is_row = |t: &str| t.trim_start().starts_with('|');
    if is_row(text)
        && line
            .checked_sub(1)
            .is_some_and(|above| is_row(doc.lines.line_text(&doc.text, above)))
    {
        return None;
    }
    let indent: String = text
        .chars()
        .take_while(|c| *c == ' ' || *c == '\t')
        .collect();
    let end = doc.lines.line_end(&doc.text, line);
    let newline = if doc.text.get(end..end + 2) == Some("\r\n") {
        "\r\n"
    } else {
        "\n"
    };
    let at = Position::new(u32::try_from(line).ok()?, 0);
    Some(TextEdit::new(
        Range::new(at, at),
        format!("{indent}%% vaultlint-disable-next-line {rule} %%{newline}"),
    ))
}

/// The vault path a link at byte `offset` of `note` names when it leads to no note: where
/// Obsidian would create it (a path in the link from the vault root, or from the note for a
/// relative Markdown link; a bare name in the note's folder unless the vault's Obsidian
/// settings name another place for new notes). `None` for a link to an attachment.
fn missing_note(session: &Session, note: &Note, offset: usize, root: &Path) -> Option<String> {
    let link = note
        .links
        .iter()
        .find(|l| l.span.start() <= offset && offset < l.span.end().max(l.span.start() + 1))?;
    if link.path.is_empty()
        || session.index().resolve(&link.path, &note.path) != Resolution::Missing
    {
        return None;
    }
    new_note_path(link, note.folder(), &new_note_folder(root, note.folder()))
}

/// Where `link` (in a note in `from_folder`) would create its note; a bare name goes to
/// `bare_folder`.
fn new_note_path(link: &Link, from_folder: &str, bare_folder: &str) -> Option<String> {
    let target = link.path.trim();
    let file = target.rsplit('/').next().unwrap_or(target);
    if let Some((_, ext)) = file.rsplit_once('.')
        && is_attachment_extension(ext)
    {
        return None;
    }
    let relative = target.starts_with("./") || target.starts_with("../");
    let joined = if relative || (!link.kind.is_wiki_style() && !target.starts_with('/')) {
        join(from_folder, target)
    } else if target.contains('/') {
        target.trim_start_matches('/').to_string()
    } else {
        join(bare_folder, target)
    };
    let normal = crate::index::normalise(&joined)?.into_owned();
    if normal.is_empty() {
        return None;
    }
    let with_md = if normal.to_lowercase().ends_with(".md") {
        normal
    } else {
        format!("{normal}.md")
    };
    Some(with_md)
}

/// The folder new notes go to by Obsidian's settings (`.obsidian/app.json`:
/// `newFileLocation` `root`, `folder` with `newFileFolderPath`, or `current`, the default).
fn new_note_folder(root: &Path, current: &str) -> String {
    let settings = std::fs::read_to_string(root.join(".obsidian/app.json"))
        .ok()
        .and_then(|text| serde_json::from_str::<serde_json::Value>(&text).ok());
    let get = |key: &str| {
        settings
            .as_ref()
            .and_then(|s| s.get(key))
            .and_then(serde_json::Value::as_str)
            .map(str::to_string)
    };
    match get("newFileLocation").as_deref() {
        Some("root") => String::new(),
        Some("folder") => get("newFileFolderPath")
            .map(|f| f.trim_matches('/').to_string())
            .unwrap_or_default(),
        _ => current.to_string(),
    }
}

fn join(folder: &str, path: &str) -> String {
    if folder.is_empty() {
        path.to_string()
    } else {
        format!("{folder}/{path}")
    }
}

fn is_attachment_extension(ext: &str) -> bool {
    const ATTACHMENTS: &[&str] = &[
        "png", "jpg", "jpeg", "gif", "bmp", "svg", "webp", "avif", "pdf", "mp3", "wav", "m4a",
        "ogg", "flac", "webm", "mp4", "mov", "mkv", "ogv", "canvas", "base", "csv", "json", "txt",
        "zip", "docx", "xlsx", "pptx",
    ];
    ATTACHMENTS.contains(&ext.to_ascii_lowercase().as_str())
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use lsp_types::Uri;

    use super::*;
    use crate::config::LoadedConfig;
    use crate::finding::{Applicability, Diagnostic, Finding, Fix, Severity};
    use crate::model::{LinkKind, Span};
    use crate::rules::settings::{Overrides, Settings};

    #[test]
    #[allow(clippy::mutable_key_type)]
    fn every_fix_a_finding_carries_is_a_quick_fix_safe_ones_preferred() {
        let dir = tempfile::tempdir().unwrap();
        let text = "# Note\n\nA | B and [[Acme]]\n";
        std::fs::write(dir.path().join("Note.md"), text).unwrap();
        let settings = Settings::new(LoadedConfig::defaults(), &Overrides::default()).unwrap();
        let session = Session::open(settings, dir.path(), 1).unwrap();
        let uri: Uri = "file:///v/Note.md".parse().unwrap();
        let doc = Document::new(uri, Some("Note.md".to_string()), 3, text.to_string());
        let finding = |rule: &'static str, span: Span, fix: Fix| Finding {
            rule,
            severity: Severity::Error,
            path: Arc::from("Note.md"),
            diagnostic: Diagnostic::new(span, "m", "l").with_fix(fix),
            at: None,
        };
        let safe = Fix::new(
            "escape the pipe",
            Span::new(10, 11),
            "\\|",
            Applicability::Safe,
        );
        let risky = Fix::new(
            "link to `Acme Corp`",
            Span::new(23, 27),
            "Acme Corp",
            Applicability::Unsafe,
        );
        let shown: Vec<Shown> = [
            finding("unescaped-table-pipe", Span::new(10, 11), safe),
            finding("broken-link", Span::new(21, 29), risky),
        ]
        .into_iter()
        .map(|f| Shown {
            diagnostic: lsp_types::Diagnostic {
                range: doc.range(f.diagnostic.span, Encoding::Utf16),
                ..lsp_types::Diagnostic::default()
            },
            finding: Some(f),
        })
        .collect();
        let whole = Range::new(Position::new(0, 0), Position::new(3, 0));
        let support = EditSupport {
            document_changes: false,
            create: false,
        };
        let actions = code_actions(
            &doc,
            &shown,
            3,
            whole,
            &session,
            dir.path(),
            Encoding::Utf16,
            support,
        );
        let fixes: Vec<(String, Option<bool>, String)> = actions
            .iter()
            .filter_map(|a| match a {
                CodeActionOrCommand::CodeAction(a) => Some(a),
                CodeActionOrCommand::Command(_) => None,
            })
            .filter(|a| !a.title.starts_with("Suppress"))
            .map(|a| {
                let edits = a.edit.as_ref().unwrap().changes.as_ref().unwrap();
                let edit = &edits.values().next().unwrap()[0];
                (a.title.clone(), a.is_preferred, edit.new_text.clone())
            })
            .collect();
        assert_eq!(
            fixes,
            [
                ("escape the pipe".to_string(), Some(true), "\\|".to_string()),
                (
                    "link to `Acme Corp`".to_string(),
                    None,
                    "Acme Corp".to_string()
                ),
            ]
        );
        // Once the buffer has moved on from the checked text, its spans no longer hold.
        let stale = code_actions(
            &doc,
            &shown,
            2,
            whole,
            &session,
            dir.path(),
            Encoding::Utf16,
            support,
        );
        assert!(stale.is_empty());
    }

    fn link(kind: LinkKind, raw: &str) -> Link {
        Link::from_target(kind, Span::new(0, 1), Span::new(0, 1), raw)
    }

    #[test]
    fn a_suppression_goes_above_the_line_where_it_breaks_nothing() {
        let text = "---\ntags: [x]\n---\n# N\n\n  - item [[Gone]]\n\n| A | B |\n| - | - |\n| [[Gone]] | 1 |\r\nlast [[Gone]]\r\n";
        let uri: Uri = "file:///v/N.md".parse().unwrap();
        let doc = Document::new(uri, Some("N.md".to_string()), 1, text.to_string());
        let note = Note::parse_for_index("N.md", text, &crate::model::DateOptions::default());
        let at = |needle: &str| text.find(needle).unwrap();
        let insert = |offset| suppression(&doc, &note, offset, "broken-link");
        // In the front matter: a comment would break the YAML.
        assert_eq!(insert(at("tags")), None);
        // Indented as the list item is.
        let item = insert(at("[[Gone]]")).unwrap();
        assert_eq!(item.range.start, Position::new(5, 0));
        assert_eq!(
            item.new_text,
            "  %% vaultlint-disable-next-line broken-link %%\n"
        );
        // A table's header can take one above it; its body rows cannot.
        assert!(insert(at("| A |")).is_some());
        assert_eq!(insert(at("| [[Gone]]")), None);
        // Line endings as the note writes them.
        let last = insert(at("last")).unwrap();
        assert_eq!(
            last.new_text,
            "%% vaultlint-disable-next-line broken-link %%\r\n"
        );
        assert_eq!(
            suppression(&doc, &note, at("last"), "unused-suppression"),
            None
        );
    }

    #[test]
    fn obsidian_settings_say_where_new_notes_go() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(new_note_folder(dir.path(), "Deals"), "Deals");
        std::fs::create_dir(dir.path().join(".obsidian")).unwrap();
        let app = dir.path().join(".obsidian/app.json");
        std::fs::write(&app, r#"{"newFileLocation": "root"}"#).unwrap();
        assert_eq!(new_note_folder(dir.path(), "Deals"), "");
        std::fs::write(
            &app,
            r#"{"newFileLocation": "folder", "newFileFolderPath": "Inbox/"}"#,
        )
        .unwrap();
        assert_eq!(new_note_folder(dir.path(), "Deals"), "Inbox");
        std::fs::write(&app, "not json").unwrap();
        assert_eq!(new_note_folder(dir.path(), "Deals"), "Deals");
    }

    #[test]
    fn new_notes_go_where_obsidian_puts_them() {
        let wiki = |raw| new_note_path(&link(LinkKind::Wiki, raw), "Deals/2026", "Deals/2026");
        assert_eq!(wiki("Acme").as_deref(), Some("Deals/2026/Acme.md"));
        assert_eq!(wiki("Actors/Acme").as_deref(), Some("Actors/Acme.md"));
        assert_eq!(wiki("Acme.md").as_deref(), Some("Deals/2026/Acme.md"));
        assert_eq!(
            wiki("v1.2 plan").as_deref(),
            Some("Deals/2026/v1.2 plan.md")
        );
        assert_eq!(wiki("chart.png"), None);
        let md = |raw| new_note_path(&link(LinkKind::Markdown, raw), "Deals", "Deals");
        assert_eq!(md("../Actors/Acme.md").as_deref(), Some("Actors/Acme.md"));
        assert_eq!(md("../../Acme.md"), None);
        let at_root = new_note_path(&link(LinkKind::Wiki, "Acme"), "Deals", "");
        assert_eq!(at_root.as_deref(), Some("Acme.md"));
    }
}
