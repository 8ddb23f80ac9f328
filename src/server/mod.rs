//! `vaultlint server`: a Language Server Protocol server over stdio on one warm [`Session`].
//!
//! Owns the protocol: the handshake (position encoding, capabilities), the vault root found
//! from the workspace folder, indexing in the background with `$/progress` (`progress.rs`), the
//! message loop and the diagnostics it pushes for every open note on open, change and save.
//! The requests are answered in `requests.rs` (code actions in `actions.rs`, navigation in
//! `navigation.rs`), the notifications taken in `notifications.rs` (open documents, files
//! changed on disk, config reloads); `documents.rs` holds the buffers and positions,
//! `diagnostics.rs` turns findings into diagnostics. Every change to a file goes to the client as a workspace edit:
//! the server never writes one. A message it cannot handle is answered with an error (or, for
//! a notification, logged), never a crash.

use std::collections::{BTreeMap, BTreeSet};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};

use crossbeam_channel::{Receiver, select};
use lsp_server::{
    Connection, ErrorCode, Message, Notification, ProtocolError, Request, RequestId, Response,
};
use lsp_types::{
    ClientCapabilities, CodeActionKind, CodeActionOptions, CodeActionProviderCapability,
    CompletionOptions, DidChangeWatchedFilesRegistrationOptions, FileSystemWatcher, GlobPattern,
    HoverProviderCapability, InitializeParams, InitializeResult, LogMessageParams, MessageType,
    OneOf, PositionEncodingKind, PublishDiagnosticsParams, Registration, RegistrationParams,
    ResourceOperationKind, SaveOptions, ServerCapabilities, ServerInfo, TextDocumentSyncCapability,
    TextDocumentSyncKind, TextDocumentSyncOptions, TextDocumentSyncSaveOptions, Uri,
};
use serde::de::DeserializeOwned;

use crate::config::{self, ConfigError, LoadedConfig};
use crate::engine::{EditError, Selection, Session};
use crate::rules::settings::{Overrides, Settings};
use crate::vault::discover::relative_name;

mod actions;
mod diagnostics;
mod documents;
mod navigation;
mod notifications;
mod progress;
mod requests;

use actions::EditSupport;
use diagnostics::Shown;
use documents::{Document, Encoding, path_to_uri, uri_to_path};
use progress::Progress;

/// How the server runs.
#[derive(Debug, Clone, Copy)]
pub struct Options {
    /// Worker threads of the session.
    pub threads: usize,
}

/// A failure of the connection itself: the client went away mid-message, or broke the
/// protocol's handshake.
#[derive(Debug, thiserror::Error)]
pub enum ServerError {
    #[error("language server protocol: {0}")]
    Protocol(#[from] ProtocolError),
    #[error("language server I/O: {0}")]
    Io(#[from] std::io::Error),
}

/// Serves the client on stdin and stdout until it says `exit` or goes away.
pub fn run_stdio(options: Options) -> Result<(), ServerError> {
    let (connection, io_threads) = Connection::stdio();
    serve(&connection, options)?;
    drop(connection);
    match io_threads.join() {
        // A client that closes the pipe without a last message has simply gone.
        Err(err)
            if matches!(
                err.kind(),
                std::io::ErrorKind::UnexpectedEof
                    | std::io::ErrorKind::BrokenPipe
                    | std::io::ErrorKind::ConnectionReset
            ) =>
        {
            Ok(())
        }
        other => Ok(other?),
    }
}

/// Serves the client at the other end of `connection` (stdio, or an in-memory connection in
/// tests) from `initialize` to `exit`.
pub fn serve(connection: &Connection, options: Options) -> Result<(), ServerError> {
    let (id, params) = connection.initialize_start()?;
    let params: InitializeParams = serde_json::from_value(params).unwrap_or_default();
    let encoding = negotiate_encoding(&params.capabilities);
    let result = InitializeResult {
        capabilities: capabilities(encoding),
        server_info: Some(ServerInfo {
            name: "vaultlint".to_string(),
            version: Some(env!("CARGO_PKG_VERSION").to_string()),
        }),
    };
    let result = serde_json::to_value(result).unwrap_or_default();
    connection.initialize_finish(id, result)?;
    let mut server = Server::new(connection, &params, encoding, options);
    server.register_watchers(&params.capabilities);
    server.start();
    server.run()
}

/// The capabilities the server offers.
fn capabilities(encoding: Encoding) -> ServerCapabilities {
    ServerCapabilities {
        position_encoding: Some(match encoding {
            Encoding::Utf8 => PositionEncodingKind::UTF8,
            Encoding::Utf16 => PositionEncodingKind::UTF16,
        }),
        text_document_sync: Some(TextDocumentSyncCapability::Options(
            TextDocumentSyncOptions {
                open_close: Some(true),
                change: Some(TextDocumentSyncKind::FULL),
                save: Some(TextDocumentSyncSaveOptions::SaveOptions(SaveOptions {
                    include_text: Some(false),
                })),
                ..TextDocumentSyncOptions::default()
            },
        )),
        definition_provider: Some(OneOf::Left(true)),
        references_provider: Some(OneOf::Left(true)),
        hover_provider: Some(HoverProviderCapability::Simple(true)),
        completion_provider: Some(CompletionOptions {
            trigger_characters: Some(vec!["[".to_string(), "#".to_string(), "^".to_string()]),
            ..CompletionOptions::default()
        }),
        code_action_provider: Some(CodeActionProviderCapability::Options(CodeActionOptions {
            code_action_kinds: Some(vec![CodeActionKind::QUICKFIX]),
            ..CodeActionOptions::default()
        })),
        ..ServerCapabilities::default()
    }
}

/// UTF-8 when the client offers it, else the protocol's UTF-16.
fn negotiate_encoding(capabilities: &ClientCapabilities) -> Encoding {
    let offered = capabilities
        .general
        .as_ref()
        .and_then(|g| g.position_encodings.as_ref());
    if offered.is_some_and(|o| o.contains(&PositionEncodingKind::UTF8)) {
        Encoding::Utf8
    } else {
        Encoding::Utf16
    }
}

/// The vault root for the client's workspace folder: the nearest folder at or above it with a
/// `.vaultlint.yaml`, else with an `.obsidian/` folder, else the workspace folder itself.
pub fn vault_root(folder: &Path) -> PathBuf {
    let folder = std::path::absolute(folder).unwrap_or_else(|_| folder.to_path_buf());
    let up = |marker: &dyn Fn(&Path) -> bool| {
        folder
            .ancestors()
            .find(|d| marker(d))
            .map(Path::to_path_buf)
    };
    up(&|d| d.join(".vaultlint.yaml").is_file())
        .or_else(|| up(&|d| d.join(".obsidian").is_dir()))
        .unwrap_or(folder)
}

/// The workspace folder the client named (its first), else the current folder.
fn workspace_folder(params: &InitializeParams) -> PathBuf {
    #[allow(deprecated)]
    let root_uri = params.root_uri.as_ref();
    params
        .workspace_folders
        .as_ref()
        .and_then(|f| f.first())
        .map(|f| &f.uri)
        .or(root_uri)
        .and_then(uri_to_path)
        .or_else(|| std::env::current_dir().ok())
        .unwrap_or_else(|| PathBuf::from("."))
}

/// The settings of the vault at `root`: its `.vaultlint.yaml`, else the defaults.
fn load_settings(root: &Path) -> Result<Settings, ConfigError> {
    let path = root.join(".vaultlint.yaml");
    let loaded = if path.is_file() {
        config::load(&path)?
    } else {
        LoadedConfig::defaults()
    };
    Settings::new(loaded, &Overrides::default())
}

/// What the loop does after a message.
#[derive(Debug, PartialEq, Eq)]
enum Flow {
    Continue,
    Exit,
}

/// An error answered to a request.
type Failure = (ErrorCode, String);

struct Server<'c> {
    connection: &'c Connection,
    encoding: Encoding,
    root: PathBuf,
    options: Options,
    edits: EditSupport,
    shows_progress: bool,
    session: Option<Session>,
    /// The session being read in the background, when one is.
    loading: Option<Receiver<Result<Session, String>>>,
    /// How many sessions were started, for progress tokens.
    loads: usize,
    /// Messages held until a session is ready: requests (without a session) and files
    /// changed on disk (applied again to a session being read).
    waiting: Vec<Message>,
    /// Open documents by URI.
    docs: BTreeMap<String, Document>,
    /// What was last published for each open document, with the version it was for.
    shown: BTreeMap<String, (i32, Vec<Shown>)>,
    /// Open documents whose diagnostics must be published again.
    dirty: BTreeSet<String>,
    /// Whether a config error is shown on `.vaultlint.yaml`.
    config_error_shown: bool,
    /// Whether the client asked for `shutdown`: only `exit` is expected now.
    shut_down: bool,
    /// Whether the session is ready for edits (see [`Session::prepare_edits`]).
    prepared: bool,
}

impl<'c> Server<'c> {
    fn new(
        connection: &'c Connection,
        params: &InitializeParams,
        encoding: Encoding,
        options: Options,
    ) -> Server<'c> {
        let caps = &params.capabilities;
        let workspace_edit = caps
            .workspace
            .as_ref()
            .and_then(|w| w.workspace_edit.as_ref());
        let edits = EditSupport {
            document_changes: workspace_edit.and_then(|w| w.document_changes) == Some(true),
            // Resource operations exist only in `documentChanges`: a client that lists them
            // takes that form (Neovim 0.7 does without saying `documentChanges`).
            create: workspace_edit
                .and_then(|w| w.resource_operations.as_ref())
                .is_some_and(|ops| ops.contains(&ResourceOperationKind::Create)),
        };
        let shows_progress = caps
            .window
            .as_ref()
            .and_then(|w| w.work_done_progress)
            .unwrap_or(false);
        Server {
            connection,
            encoding,
            root: vault_root(&workspace_folder(params)),
            options,
            edits,
            shows_progress,
            session: None,
            loading: None,
            loads: 0,
            waiting: Vec::new(),
            docs: BTreeMap::new(),
            shown: BTreeMap::new(),
            dirty: BTreeSet::new(),
            config_error_shown: false,
            shut_down: false,
            prepared: false,
        }
    }

    /// Asks a client that can watch files for every change under the workspace.
    fn register_watchers(&self, caps: &ClientCapabilities) {
        let dynamic = caps
            .workspace
            .as_ref()
            .and_then(|w| w.did_change_watched_files.as_ref())
            .and_then(|d| d.dynamic_registration)
            .unwrap_or(false);
        if !dynamic {
            return;
        }
        let options = DidChangeWatchedFilesRegistrationOptions {
            watchers: vec![FileSystemWatcher {
                glob_pattern: GlobPattern::String("**/*".to_string()),
                kind: None,
            }],
        };
        let params = RegistrationParams {
            registrations: vec![Registration {
                id: "vaultlint/watch".to_string(),
                method: "workspace/didChangeWatchedFiles".to_string(),
                register_options: serde_json::to_value(options).ok(),
            }],
        };
        let request = Request::new(
            RequestId::from("vaultlint/watch".to_string()),
            "client/registerCapability".to_string(),
            params,
        );
        self.send(request.into());
    }

    /// Loads the settings and starts reading the vault (with the defaults and a diagnostic on
    /// the config when it does not load).
    fn start(&mut self) {
        let settings = match load_settings(&self.root) {
            Ok(settings) => settings,
            Err(err) => {
                self.show_config_error(&err);
                match Settings::new(LoadedConfig::defaults(), &Overrides::default()) {
                    Ok(settings) => settings,
                    Err(err) => {
                        self.log(MessageType::ERROR, format!("cannot start: {err}"));
                        return;
                    }
                }
            }
        };
        self.load(settings);
    }

    /// Reads the vault with `settings` on a thread of its own; the loop takes the session in
    /// when it is ready (and until then answers with the session it has, if any).
    fn load(&mut self, settings: Settings) {
        let (done, ready) = crossbeam_channel::bounded(1);
        self.loads += 1;
        let token = format!("vaultlint/index/{}", self.loads);
        let sender = self.shows_progress.then(|| self.connection.sender.clone());
        let root = self.root.clone();
        let threads = self.options.threads;
        std::thread::spawn(move || {
            let progress = Progress::begin(sender, &token, "Indexing the vault");
            let opened = catch_unwind(AssertUnwindSafe(|| {
                Session::open_watched(settings, &root, threads, &progress)
            }));
            let result = match opened {
                Ok(Ok(session)) => {
                    progress.end(format!("{} notes", session.index().notes().len()));
                    Ok(session)
                }
                Ok(Err(err)) => {
                    progress.end("failed".to_string());
                    Err(format!("cannot read the vault `{}`: {err}", root.display()))
                }
                Err(_) => {
                    progress.end("failed".to_string());
                    Err("reading the vault failed: a bug in vaultlint".to_string())
                }
            };
            let _ = done.send(result);
        });
        self.loading = Some(ready);
    }

    fn run(&mut self) -> Result<(), ServerError> {
        loop {
            let incoming = self.connection.receiver.clone();
            let loading = self
                .loading
                .clone()
                .unwrap_or_else(crossbeam_channel::never);
            select! {
                recv(incoming) -> message => match message {
                    Ok(message) => {
                        if self.handle(message)? == Flow::Exit {
                            return Ok(());
                        }
                    }
                    Err(_) => return Ok(()),
                },
                recv(loading) -> loaded => {
                    self.loading = None;
                    if let Ok(loaded) = loaded {
                        self.install(loaded)?;
                    }
                }
            }
            // Whatever else has come in is taken before diagnostics are worked out: a burst
            // of edits is checked once, on its last text.
            while let Ok(message) = self.connection.receiver.try_recv() {
                if self.handle(message)? == Flow::Exit {
                    return Ok(());
                }
            }
            self.publish();
            // Idle after the vault is read: what the first edit would make is made now.
            if !self.prepared
                && self.connection.receiver.is_empty()
                && let Some(session) = self.session.as_mut()
            {
                session.prepare_edits();
                self.prepared = true;
            }
        }
    }

    /// Takes in a session read in the background: the open buffers replace their files, every
    /// open note is checked again, and the messages held for it are handled.
    fn install(&mut self, loaded: Result<Session, String>) -> Result<(), ServerError> {
        let mut session = match loaded {
            Ok(session) => session,
            Err(message) => {
                self.log(MessageType::ERROR, message);
                return Ok(());
            }
        };
        for doc in self.docs.values() {
            let Some(path) = doc.path.as_deref().filter(|p| is_note(p)) else {
                continue;
            };
            let on_disk = std::fs::read_to_string(self.root.join(path)).ok();
            if on_disk.as_deref() != Some(doc.text.as_str()) {
                let _ = session.update(path, &doc.text);
            }
        }
        self.session = Some(session);
        self.prepared = false;
        self.dirty.extend(self.docs.keys().cloned());
        for message in std::mem::take(&mut self.waiting) {
            if self.handle(message)? == Flow::Exit {
                // `exit` is never held; a held message cannot end the loop.
                break;
            }
        }
        Ok(())
    }

    fn handle(&mut self, message: Message) -> Result<Flow, ServerError> {
        match message {
            Message::Request(request) => {
                if request.method == "shutdown" {
                    self.shut_down = true;
                    self.send(Response::new_ok(request.id, ()).into());
                    return Ok(Flow::Continue);
                }
                if self.shut_down {
                    let response = Response::new_err(
                        request.id,
                        ErrorCode::InvalidRequest as i32,
                        "the server is shutting down".to_string(),
                    );
                    self.send(response.into());
                    return Ok(Flow::Continue);
                }
                if self.session.is_none() && requests::is_known(&request.method) {
                    self.waiting.push(Message::Request(request));
                    return Ok(Flow::Continue);
                }
                let id = request.id.clone();
                let method = request.method.clone();
                let answer = catch_unwind(AssertUnwindSafe(|| self.request(request)))
                    .unwrap_or_else(|_| {
                        Err((
                            ErrorCode::InternalError,
                            format!("vaultlint failed on `{method}`: a bug in vaultlint"),
                        ))
                    });
                let response = match answer {
                    Ok(result) => Response::new_ok(id, result),
                    Err((code, message)) => Response::new_err(id, code as i32, message),
                };
                self.send(response.into());
            }
            Message::Notification(notification) => {
                if notification.method == "exit" {
                    return Ok(Flow::Exit);
                }
                let method = notification.method.clone();
                if catch_unwind(AssertUnwindSafe(|| self.notification(notification))).is_err() {
                    self.log(
                        MessageType::ERROR,
                        format!("vaultlint failed on `{method}`: a bug in vaultlint"),
                    );
                }
            }
            // Answers to the server's own requests (progress, registration): nothing to do.
            Message::Response(_) => {}
        }
        Ok(Flow::Continue)
    }

    /// Applies an edit to the session and marks the open notes whose findings it may change.
    fn edit(&mut self, change: impl FnOnce(&mut Session) -> Result<BTreeSet<String>, EditError>) {
        let Some(session) = self.session.as_mut() else {
            return;
        };
        match change(session) {
            Ok(affected) => {
                for (key, doc) in &self.docs {
                    if doc.path.as_ref().is_some_and(|p| affected.contains(p)) {
                        self.dirty.insert(key.clone());
                    }
                }
            }
            Err(err) => self.log(MessageType::WARNING, err.to_string()),
        }
    }

    /// Checks the open notes marked dirty and publishes their diagnostics.
    fn publish(&mut self) {
        if self.dirty.is_empty() {
            return;
        }
        let Some(session) = self.session.as_mut() else {
            return;
        };
        // Only notes are published: a document outside the vault has nothing to show, and
        // `.vaultlint.yaml` shows its own errors (see `show_config_error`).
        let dirty: Vec<String> = std::mem::take(&mut self.dirty)
            .into_iter()
            .filter(|k| {
                self.docs
                    .get(k)
                    .is_some_and(|d| d.path.as_deref().is_some_and(is_note))
            })
            .collect();
        let paths: BTreeSet<String> = dirty
            .iter()
            .filter_map(|k| self.docs.get(k).and_then(|d| d.path.clone()))
            .filter(|p| is_note(p))
            .collect();
        let run = catch_unwind(AssertUnwindSafe(|| session.check(Selection::Notes(&paths))));
        let Ok(run) = run else {
            self.log(
                MessageType::ERROR,
                "checking failed: a bug in vaultlint".to_string(),
            );
            return;
        };
        let mut per_note: BTreeMap<&str, Vec<Shown>> = BTreeMap::new();
        let texts = |path: &str| self.text_of(path);
        for key in &dirty {
            let Some(doc) = self.docs.get(key) else {
                continue;
            };
            let Some(path) = doc.path.as_deref() else {
                continue;
            };
            let shown: Vec<Shown> = run
                .findings
                .iter()
                .filter(|f| &*f.path == path)
                .map(|f| Shown {
                    diagnostic: diagnostics::of_finding(f, doc, self.encoding, &texts),
                    finding: Some(f.clone()),
                })
                .chain(
                    run.problems
                        .iter()
                        .filter(|p| p.path == path)
                        .map(|p| Shown {
                            diagnostic: diagnostics::of_problem(p, doc, self.encoding),
                            finding: None,
                        }),
                )
                .collect();
            per_note.insert(key.as_str(), shown);
        }
        let published: Vec<(String, i32, Uri, Vec<Shown>)> = dirty
            .iter()
            .filter_map(|key| {
                let doc = self.docs.get(key)?;
                let shown = per_note.remove(key.as_str()).unwrap_or_default();
                Some((key.clone(), doc.version, doc.uri.clone(), shown))
            })
            .collect();
        for (key, version, uri, shown) in published {
            let diagnostics = shown.iter().map(|s| s.diagnostic.clone()).collect();
            self.publish_to(uri, diagnostics, Some(version));
            self.shown.insert(key, (version, shown));
        }
    }

    fn publish_to(&self, uri: Uri, diagnostics: Vec<lsp_types::Diagnostic>, version: Option<i32>) {
        let params = PublishDiagnosticsParams {
            uri,
            diagnostics,
            version,
        };
        self.send(Notification::new("textDocument/publishDiagnostics".to_string(), params).into());
    }

    /// The URI and text of the note at vault path `path`: its buffer when open, else its file.
    fn text_of(&self, path: &str) -> Option<(Uri, String)> {
        if let Some(doc) = self.docs.values().find(|d| d.path.as_deref() == Some(path)) {
            return Some((doc.uri.clone(), doc.text.clone()));
        }
        let file = self.root.join(path);
        let bytes = std::fs::read(&file).ok()?;
        let text = String::from_utf8_lossy(&bytes).into_owned();
        Some((path_to_uri(&file)?, text))
    }

    /// The vault path of the file at `uri`; `None` outside the vault.
    fn vault_path(&self, uri: &Uri) -> Option<String> {
        let path = uri_to_path(uri)?;
        let relative = path.strip_prefix(&self.root).ok()?;
        relative_name(relative).filter(|p| !p.is_empty())
    }

    fn is_config(&self, uri: &Uri) -> bool {
        self.vault_path(uri).as_deref() == Some(".vaultlint.yaml")
    }

    fn send(&self, message: Message) {
        // A client that has gone away is noticed by the loop, on its next receive.
        let _ = self.connection.sender.send(message);
    }

    fn log(&self, typ: MessageType, message: String) {
        let params = LogMessageParams { typ, message };
        self.send(Notification::new("window/logMessage".to_string(), params).into());
    }

    fn log_bad(&self, method: String) {
        self.log(
            MessageType::WARNING,
            format!("`{method}` with parameters vaultlint cannot read"),
        );
    }
}

fn is_note(path: &str) -> bool {
    path.rsplit_once('.')
        .is_some_and(|(_, ext)| ext.eq_ignore_ascii_case("md"))
}

fn params<P: DeserializeOwned>(value: serde_json::Value) -> Result<P, Failure> {
    serde_json::from_value(value).map_err(|err| {
        (
            ErrorCode::InvalidParams,
            format!("invalid parameters: {err}"),
        )
    })
}
