//! The notifications the server takes: documents opened, changed, saved and closed; files
//! changed on disk; the config reloaded. None is answered: what cannot be read is logged.

use lsp_server::{Message, Notification};
use lsp_types::{
    DidChangeTextDocumentParams, DidChangeWatchedFilesParams, DidCloseTextDocumentParams,
    DidOpenTextDocumentParams, DidSaveTextDocumentParams, FileChangeType, MessageType,
};

use super::documents::{self, Document, path_to_uri};
use super::{Server, diagnostics, is_note, load_settings, params};
use crate::config::ConfigError;

impl Server<'_> {
    pub(super) fn notification(&mut self, notification: Notification) {
        match notification.method.as_str() {
            "textDocument/didOpen" => {
                let Ok(p) = params::<DidOpenTextDocumentParams>(notification.params) else {
                    return self.log_bad(notification.method);
                };
                let uri = p.text_document.uri;
                let path = self.vault_path(&uri);
                let doc = Document::new(
                    uri.clone(),
                    path.clone(),
                    p.text_document.version,
                    p.text_document.text,
                );
                let text = doc.text.clone();
                self.docs.insert(uri.as_str().to_string(), doc);
                self.dirty.insert(uri.as_str().to_string());
                if let Some(path) = path.filter(|p| is_note(p)) {
                    self.edit(|s| s.update(&path, &text));
                }
            }
            "textDocument/didChange" => {
                let Ok(p) = params::<DidChangeTextDocumentParams>(notification.params) else {
                    return self.log_bad(notification.method);
                };
                let key = p.text_document.uri.as_str().to_string();
                let encoding = self.encoding;
                let Some(doc) = self.docs.get_mut(&key) else {
                    return self.log(
                        MessageType::WARNING,
                        format!("change to `{key}`, which is not open"),
                    );
                };
                let mut text = doc.text.clone();
                for change in p.content_changes {
                    match change.range {
                        None => text = change.text,
                        Some(range) => {
                            let lines = documents::Lines::new(&text);
                            let start = lines.offset(&text, range.start, encoding);
                            let end = lines.offset(&text, range.end, encoding);
                            match (start, end) {
                                (Some(s), Some(e)) if s <= e => {
                                    text.replace_range(s..e, &change.text)
                                }
                                _ => {
                                    return self.log(
                                        MessageType::WARNING,
                                        format!("a change to `{key}` is past its end"),
                                    );
                                }
                            }
                        }
                    }
                }
                doc.set_text(p.text_document.version, text);
                let path = doc.path.clone();
                let text = doc.text.clone();
                self.dirty.insert(key);
                if let Some(path) = path.filter(|p| is_note(p)) {
                    self.edit(|s| s.update(&path, &text));
                }
            }
            "textDocument/didSave" => {
                let Ok(p) = params::<DidSaveTextDocumentParams>(notification.params) else {
                    return self.log_bad(notification.method);
                };
                if self.is_config(&p.text_document.uri) {
                    self.reload_config();
                } else {
                    self.dirty.insert(p.text_document.uri.as_str().to_string());
                }
            }
            "textDocument/didClose" => {
                let Ok(p) = params::<DidCloseTextDocumentParams>(notification.params) else {
                    return self.log_bad(notification.method);
                };
                let key = p.text_document.uri.as_str().to_string();
                let Some(doc) = self.docs.remove(&key) else {
                    return;
                };
                self.dirty.remove(&key);
                self.shown.remove(&key);
                self.publish_to(doc.uri.clone(), Vec::new(), None);
                // The file on disk is the note again.
                if let Some(path) = doc.path.filter(|p| is_note(p)) {
                    let on_disk = std::fs::read_to_string(self.root.join(&path)).ok();
                    if on_disk.as_deref() != Some(doc.text.as_str()) {
                        if self.root.join(&path).exists() {
                            self.edit(|s| s.reread(&path));
                        } else {
                            self.edit(|s| s.remove(&path));
                        }
                    }
                }
            }
            "workspace/didChangeWatchedFiles" => {
                if self.session.is_none() || self.loading.is_some() {
                    self.waiting
                        .push(Message::Notification(notification.clone()));
                }
                let Ok(p) = params::<DidChangeWatchedFilesParams>(notification.params) else {
                    return self.log_bad(notification.method);
                };
                self.files_changed(p);
            }
            // `initialized`, `$/cancelRequest`, `$/setTrace` and anything unknown: nothing to do.
            _ => {}
        }
    }

    /// Keeps the session in step with files changed on disk: notes read again or dropped
    /// (an open note's buffer wins over its file), the settings reloaded when the config
    /// changed, the vault read again when an attachment came or went.
    fn files_changed(&mut self, p: DidChangeWatchedFilesParams) {
        let mut read_again = false;
        for change in p.changes {
            if self.is_config(&change.uri) {
                self.reload_config();
                continue;
            }
            let Some(path) = self.vault_path(&change.uri) else {
                continue;
            };
            if path.split('/').any(|part| part.starts_with('.')) {
                continue;
            }
            if !is_note(&path) {
                read_again |= change.typ != FileChangeType::CHANGED;
                continue;
            }
            let is_open = self.docs.values().any(|d| d.path.as_deref() == Some(&path));
            if is_open && change.typ != FileChangeType::DELETED {
                continue;
            }
            if change.typ == FileChangeType::DELETED {
                if !is_open
                    && self
                        .session
                        .as_ref()
                        .is_some_and(|s| s.index().note_id(&path).is_some())
                {
                    self.edit(|s| s.remove(&path));
                }
            } else {
                self.edit(|s| s.reread(&path));
            }
        }
        if read_again && self.loading.is_none() {
            match load_settings(&self.root) {
                Ok(settings) => self.load(settings),
                Err(err) => self.show_config_error(&err),
            }
        }
    }

    /// Loads `.vaultlint.yaml` again: a config that does not load is shown on the file and the
    /// session goes on with the settings it has; one that loads replaces them.
    fn reload_config(&mut self) {
        match load_settings(&self.root) {
            Ok(settings) => {
                if self.config_error_shown {
                    self.config_error_shown = false;
                    if let Some(uri) = path_to_uri(&self.root.join(".vaultlint.yaml")) {
                        self.publish_to(uri, Vec::new(), None);
                    }
                }
                self.load(settings);
            }
            Err(err) => self.show_config_error(&err),
        }
    }

    pub(super) fn show_config_error(&mut self, err: &ConfigError) {
        let path = self.root.join(".vaultlint.yaml");
        let Some(uri) = path_to_uri(&path) else {
            return;
        };
        let text = match self.docs.get(uri.as_str()) {
            Some(doc) => doc.text.clone(),
            None => std::fs::read_to_string(&path).unwrap_or_default(),
        };
        let diagnostic = diagnostics::of_config_error(err, &text, self.encoding);
        self.config_error_shown = true;
        self.log(MessageType::ERROR, format!("config: {}", err.message));
        self.publish_to(uri, vec![diagnostic], None);
    }
}
