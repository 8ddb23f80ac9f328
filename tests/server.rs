//! `vaultlint server` over an in-memory connection: every request and notification it
//! handles, the error answers to bad ones, and that it stays up after them.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use std::path::{Path, PathBuf};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use lsp_server::{Connection, Message, Notification, Request, RequestId, Response, ResponseError};
use serde_json::{Value, json};
use vaultlint::server::{Options, serve};

/// How long a test waits for the server before it fails.
const PATIENCE: Duration = Duration::from_secs(60);

/// A response: its result or its error.
#[derive(Debug)]
struct Answer {
    result: Option<Value>,
    error: Option<ResponseError>,
}

struct Client {
    connection: Connection,
    server: Option<JoinHandle<()>>,
    next_id: i32,
    /// Notifications received while waiting for something else.
    held: Vec<Notification>,
    /// Requests the server sent (progress, registration), answered with `null`.
    asked: Vec<Request>,
    initialize_result: Value,
    root: PathBuf,
}

impl Client {
    /// A server on the vault at `root`, initialised with `capabilities`.
    fn start(root: &Path, capabilities: Value) -> Client {
        let (server_side, client_side) = Connection::memory();
        let server = std::thread::spawn(move || {
            serve(&server_side, Options { threads: 2 }).unwrap();
        });
        let mut client = Client {
            connection: client_side,
            server: Some(server),
            next_id: 0,
            held: Vec::new(),
            asked: Vec::new(),
            initialize_result: Value::Null,
            root: root.to_path_buf(),
        };
        let root_uri = uri(root);
        let response = client.request(
            "initialize",
            json!({
                "capabilities": capabilities,
                "workspaceFolders": [{"uri": root_uri, "name": "vault"}],
            }),
        );
        client.initialize_result = response.result.unwrap();
        client.notify("initialized", json!({}));
        client
    }

    /// Every capability the tests use, UTF-16 positions.
    fn full(root: &Path) -> Client {
        Client::start(root, capabilities(false))
    }

    fn notify(&self, method: &str, params: Value) {
        let n = Notification::new(method.to_string(), params);
        self.connection.sender.send(n.into()).unwrap();
    }

    fn request(&mut self, method: &str, params: Value) -> Answer {
        self.next_id += 1;
        let id = RequestId::from(self.next_id);
        let r = Request::new(id.clone(), method.to_string(), params);
        self.connection.sender.send(r.into()).unwrap();
        let deadline = Instant::now() + PATIENCE;
        loop {
            match self.receive(deadline) {
                Message::Response(r) if r.id == id => {
                    return match r.response_result {
                        Ok(result) => Answer {
                            result: Some(result),
                            error: None,
                        },
                        Err(error) => Answer {
                            result: None,
                            error: Some(error),
                        },
                    };
                }
                Message::Response(_) => {}
                Message::Notification(n) => self.held.push(n),
                Message::Request(r) => self.answer(r),
            }
        }
    }

    fn receive(&self, deadline: Instant) -> Message {
        let left = deadline.saturating_duration_since(Instant::now());
        self.connection
            .receiver
            .recv_timeout(left)
            .expect("the server answers in time")
    }

    fn answer(&mut self, request: Request) {
        let response = Response::new_ok(request.id.clone(), Value::Null);
        self.connection.sender.send(response.into()).unwrap();
        self.asked.push(request);
    }

    /// The next diagnostics published for `path` (vault-relative) that `accept` takes.
    fn diagnostics_where(&mut self, path: &str, accept: impl Fn(&[Value]) -> bool) -> Vec<Value> {
        let want = uri(&self.root.join(path));
        let deadline = Instant::now() + PATIENCE;
        let mut last = None;
        loop {
            let mut found = None;
            self.held.retain(|n| {
                if found.is_none()
                    && n.method == "textDocument/publishDiagnostics"
                    && n.params["uri"] == want
                {
                    found = Some(n.params["diagnostics"].as_array().unwrap().clone());
                    return false;
                }
                true
            });
            if let Some(found) = found {
                if accept(&found) {
                    return found;
                }
                last = Some(found);
                continue;
            }
            assert!(
                Instant::now() < deadline,
                "no accepted diagnostics for {path}; last: {last:?}"
            );
            match self.receive(deadline) {
                Message::Notification(n) => self.held.push(n),
                Message::Request(r) => self.answer(r),
                Message::Response(_) => {}
            }
        }
    }

    /// The next diagnostics published for `path`.
    fn diagnostics(&mut self, path: &str) -> Vec<Value> {
        self.diagnostics_where(path, |_| true)
    }

    fn open(&self, path: &str, text: &str) {
        self.notify(
            "textDocument/didOpen",
            json!({"textDocument": {
                "uri": uri(&self.root.join(path)), "languageId": "markdown",
                "version": 1, "text": text,
            }}),
        );
    }

    fn change(&self, path: &str, version: i32, text: &str) {
        self.notify(
            "textDocument/didChange",
            json!({
                "textDocument": {"uri": uri(&self.root.join(path)), "version": version},
                "contentChanges": [{"text": text}],
            }),
        );
    }

    fn at(&self, path: &str, line: u32, character: u32) -> Value {
        json!({
            "textDocument": {"uri": uri(&self.root.join(path))},
            "position": {"line": line, "character": character},
        })
    }

    fn stop(mut self) {
        let r = self.request("shutdown", Value::Null);
        assert!(r.error.is_none(), "{r:?}");
        self.notify("exit", Value::Null);
        self.server.take().unwrap().join().unwrap();
    }
}

fn capabilities(utf8: bool) -> Value {
    let encodings = if utf8 {
        json!(["utf-8", "utf-16"])
    } else {
        json!(["utf-16"])
    };
    json!({
        "general": {"positionEncodings": encodings},
        "window": {"workDoneProgress": true},
        "workspace": {
            "workspaceEdit": {"documentChanges": true, "resourceOperations": ["create"]},
            "didChangeWatchedFiles": {"dynamicRegistration": true},
        },
    })
}

fn uri(path: &Path) -> String {
    let mut out = String::from("file://");
    for b in path.to_str().unwrap().bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/".contains(&b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

const ACME: &str = "---\naliases: [Acme Corp]\n---\n# Acme\n\n## Revenue\n\nGrew fast. ^growth\n";
const DEAL: &str = "# Deal\n\nSee [[Acme#Revenue]] and [[Nowhere]].\n";

/// A vault with `Acme.md` and `Notes/Deal.md` (one link that works, one that does not).
fn vault() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join(".obsidian")).unwrap();
    std::fs::create_dir(dir.path().join("Notes")).unwrap();
    std::fs::write(dir.path().join("Acme.md"), ACME).unwrap();
    std::fs::write(dir.path().join("Notes/Deal.md"), DEAL).unwrap();
    std::fs::write(dir.path().join("chart.png"), [0x89, b'P', b'N', b'G', 0xff]).unwrap();
    dir
}

fn codes(diagnostics: &[Value]) -> Vec<&str> {
    diagnostics
        .iter()
        .map(|d| d["code"].as_str().unwrap())
        .collect()
}

/// Applies LSP text edits (UTF-16 positions; the tests' texts are ASCII) to `text`.
fn apply(text: &str, edits: &[Value]) -> String {
    let offset = |p: &Value| {
        let line = p["line"].as_u64().unwrap() as usize;
        let col = p["character"].as_u64().unwrap() as usize;
        let start: usize = text.split_inclusive('\n').take(line).map(str::len).sum();
        start + col
    };
    let mut edits: Vec<&Value> = edits.iter().collect();
    edits.sort_by_key(|e| std::cmp::Reverse(offset(&e["range"]["start"])));
    let mut out = text.to_string();
    for e in edits {
        let (s, t) = (offset(&e["range"]["start"]), offset(&e["range"]["end"]));
        out.replace_range(s..t, e["newText"].as_str().unwrap());
    }
    out
}

#[test]
fn initialize_offers_the_capabilities_and_indexes_with_progress() {
    let dir = vault();
    let mut client = Client::full(dir.path());
    let caps = &client.initialize_result["capabilities"];
    assert_eq!(caps["positionEncoding"], "utf-16");
    assert_eq!(caps["textDocumentSync"]["change"], 1);
    assert_eq!(caps["definitionProvider"], true);
    assert_eq!(caps["referencesProvider"], true);
    assert_eq!(caps["hoverProvider"], true);
    assert!(caps["completionProvider"]["triggerCharacters"].is_array());
    assert_eq!(client.initialize_result["serverInfo"]["name"], "vaultlint");
    client.open("Notes/Deal.md", DEAL);
    client.diagnostics("Notes/Deal.md");
    let methods: Vec<&str> = client.asked.iter().map(|r| r.method.as_str()).collect();
    assert!(
        methods.contains(&"window/workDoneProgress/create"),
        "{methods:?}"
    );
    assert!(
        methods.contains(&"client/registerCapability"),
        "{methods:?}"
    );
    let kinds: Vec<&str> = client
        .held
        .iter()
        .filter(|n| n.method == "$/progress")
        .map(|n| n.params["value"]["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds.first(), Some(&"begin"), "{kinds:?}");
    assert_eq!(kinds.last(), Some(&"end"), "{kinds:?}");
    client.stop();
}

#[test]
fn diagnostics_follow_the_buffer() {
    let dir = vault();
    let mut client = Client::full(dir.path());
    client.open("Notes/Deal.md", DEAL);
    let found = client.diagnostics("Notes/Deal.md");
    assert_eq!(codes(&found), ["broken-link"]);
    let d = &found[0];
    assert_eq!(d["source"], "vaultlint");
    assert_eq!(d["severity"], 1);
    assert_eq!(d["range"]["start"], json!({"line": 2, "character": 27}));
    assert!(
        d["message"].as_str().unwrap().contains('\n'),
        "help after the message: {d}"
    );

    // The buffer's text, not the file's.
    client.change("Notes/Deal.md", 2, "# Deal\n\nSee [[Acme#Nope]].\n");
    let found = client.diagnostics_where("Notes/Deal.md", |d| {
        !d.is_empty() && codes(d) != ["broken-link"]
    });
    assert_eq!(codes(&found), ["broken-anchor"]);
    client.change("Notes/Deal.md", 3, "# Deal\n\nSee [[Acme#Revenue]].\n");
    client.diagnostics_where("Notes/Deal.md", <[Value]>::is_empty);
    assert_eq!(
        std::fs::read_to_string(dir.path().join("Notes/Deal.md")).unwrap(),
        DEAL
    );
    client.stop();
}

#[test]
fn an_edit_refreshes_the_open_notes_it_affects() {
    let dir = vault();
    let mut client = Client::full(dir.path());
    client.open("Notes/Deal.md", DEAL);
    client.open("Acme.md", ACME);
    client.diagnostics_where("Notes/Deal.md", |d| codes(d) == ["broken-link"]);
    client.diagnostics("Acme.md");
    // The heading Deal links to is renamed in Acme's buffer: Deal's link breaks.
    client.change("Acme.md", 2, &ACME.replace("## Revenue", "## Income"));
    let found = client.diagnostics_where("Notes/Deal.md", |d| codes(d).contains(&"broken-anchor"));
    assert_eq!(codes(&found), ["broken-anchor", "broken-link"]);
    client.stop();
}

#[test]
fn code_actions_suppress_fix_and_create() {
    let dir = vault();
    let mut client = Client::full(dir.path());
    client.open("Notes/Deal.md", DEAL);
    let found = client.diagnostics("Notes/Deal.md");
    let range = found[0]["range"].clone();
    let uri = uri(&dir.path().join("Notes/Deal.md"));
    let r = client.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": uri}, "range": range, "context": {"diagnostics": found}}),
    );
    let actions = r.result.unwrap();
    let titles: Vec<&str> = actions
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["title"].as_str().unwrap())
        .collect();
    assert!(
        titles.contains(&"Suppress `broken-link` on this line"),
        "{titles:?}"
    );
    assert!(titles.contains(&"Create note `Nowhere`"), "{titles:?}");
    let create = actions
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["title"] == "Create note `Nowhere`")
        .unwrap();
    let op = &create["edit"]["documentChanges"][0];
    assert_eq!(op["kind"], "create");
    assert!(
        op["uri"].as_str().unwrap().ends_with("/Notes/Nowhere.md"),
        "{op}"
    );
    let suppress = actions
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["title"] == "Suppress `broken-link` on this line")
        .unwrap();
    let edit = &suppress["edit"]["documentChanges"][0];
    assert_eq!(edit["textDocument"]["version"], 1);
    let fixed = apply(DEAL, edit["edits"].as_array().unwrap());
    assert_eq!(
        fixed,
        "# Deal\n\n%% vaultlint-disable-next-line broken-link %%\nSee [[Acme#Revenue]] and [[Nowhere]].\n"
    );
    client.change("Notes/Deal.md", 2, &fixed);
    client.diagnostics_where("Notes/Deal.md", <[Value]>::is_empty);
    // Nothing was written: every change is the client's to make.
    assert!(!dir.path().join("Notes/Nowhere.md").exists());
    assert_eq!(
        std::fs::read_to_string(dir.path().join("Notes/Deal.md")).unwrap(),
        DEAL
    );
    client.stop();
}

#[test]
fn navigation_definition_references_completion_hover() {
    let dir = vault();
    let mut client = Client::full(dir.path());
    client.open("Notes/Deal.md", DEAL);
    client.diagnostics("Notes/Deal.md");

    let r = client.request("textDocument/definition", client.at("Notes/Deal.md", 2, 8));
    let found = r.result.unwrap();
    assert_eq!(found[0]["uri"], uri(&dir.path().join("Acme.md")));
    assert_eq!(
        found[0]["range"]["start"],
        json!({"line": 5, "character": 0})
    );
    let r = client.request("textDocument/definition", client.at("Notes/Deal.md", 0, 2));
    assert_eq!(r.result.unwrap(), json!([]));

    client.open("Acme.md", ACME);
    let r = client.request("textDocument/references", {
        let mut p = client.at("Acme.md", 5, 4);
        p["context"] = json!({"includeDeclaration": false});
        p
    });
    let found = r.result.unwrap();
    assert_eq!(found.as_array().unwrap().len(), 1, "{found}");
    assert_eq!(found[0]["uri"], uri(&dir.path().join("Notes/Deal.md")));
    assert_eq!(
        found[0]["range"]["start"],
        json!({"line": 2, "character": 4})
    );

    let typed = "# Deal\n\nSee [[Ac";
    client.change("Notes/Deal.md", 2, typed);
    let r = client.request("textDocument/completion", client.at("Notes/Deal.md", 2, 8));
    let labels: Vec<String> = r.result.unwrap()["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["label"].as_str().unwrap().to_string())
        .collect();
    assert!(labels.contains(&"Acme".to_string()), "{labels:?}");
    assert!(labels.contains(&"Acme|Acme Corp".to_string()), "{labels:?}");
    client.change("Notes/Deal.md", 3, "# Deal\n\nSee [[Acme#");
    let r = client.request("textDocument/completion", client.at("Notes/Deal.md", 2, 11));
    let items = r.result.unwrap()["items"].clone();
    let labels: Vec<&str> = items
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["label"].as_str().unwrap())
        .collect();
    assert_eq!(labels, ["Acme", "Revenue"]);
    client.change("Notes/Deal.md", 4, "# Deal\n\nSee [[Acme#^");
    let r = client.request("textDocument/completion", client.at("Notes/Deal.md", 2, 12));
    let items = r.result.unwrap()["items"].clone();
    assert_eq!(items[0]["label"], "growth");
    assert_eq!(
        items[0]["textEdit"]["range"]["start"],
        json!({"line": 2, "character": 12})
    );
    let r = client.request("textDocument/completion", client.at("Notes/Deal.md", 0, 3));
    assert_eq!(r.result.unwrap(), Value::Null);

    client.change("Notes/Deal.md", 5, "# Deal\n\n![[chart.png]]\n");
    let r = client.request("textDocument/definition", client.at("Notes/Deal.md", 2, 4));
    let found = r.result.unwrap();
    assert_eq!(
        found[0]["uri"],
        uri(&dir.path().join("chart.png")),
        "{found}"
    );
    let r = client.request("textDocument/hover", client.at("Notes/Deal.md", 2, 4));
    let value = r.result.unwrap()["contents"]["value"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(value, "`chart.png`");

    client.change("Notes/Deal.md", 6, DEAL);
    let r = client.request("textDocument/hover", client.at("Notes/Deal.md", 2, 8));
    let value = r.result.unwrap()["contents"]["value"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(value.starts_with("`Acme.md`"), "{value}");
    assert!(
        value.contains("## Revenue") && value.contains("Grew fast."),
        "{value}"
    );
    let r = client.request("textDocument/hover", client.at("Notes/Deal.md", 2, 30));
    let value = r.result.unwrap()["contents"]["value"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(value.contains("No note or file `Nowhere`"), "{value}");
    client.stop();
}

#[test]
fn utf8_positions_when_the_client_offers_them() {
    let dir = vault();
    let text = "# Deal\n\n😀 [[Nowhere]]\n";
    for (utf8, column) in [(true, 7), (false, 5)] {
        let mut client = Client::start(dir.path(), capabilities(utf8));
        let encoding = &client.initialize_result["capabilities"]["positionEncoding"];
        assert_eq!(encoding, if utf8 { "utf-8" } else { "utf-16" });
        client.open("Notes/Deal.md", text);
        let found = client.diagnostics("Notes/Deal.md");
        assert_eq!(
            found[0]["range"]["start"],
            json!({"line": 2, "character": column})
        );
        client.stop();
    }
}

#[test]
fn bad_requests_answer_errors_and_the_server_stays_up() {
    let dir = vault();
    let mut client = Client::full(dir.path());
    client.open("Notes/Deal.md", DEAL);
    client.diagnostics("Notes/Deal.md");
    let r = client.request("textDocument/formatting", json!({}));
    assert_eq!(r.error.unwrap().code, -32601);
    let r = client.request("textDocument/definition", client.at("Notes/Deal.md", 40, 0));
    let error = r.error.unwrap();
    assert_eq!(error.code, -32602);
    assert!(error.message.contains("past the end"), "{}", error.message);
    let r = client.request("textDocument/hover", json!({"nothing": true}));
    assert_eq!(r.error.unwrap().code, -32602);
    let r = client.request("textDocument/hover", client.at("Closed.md", 0, 0));
    assert_eq!(r.error.unwrap().code, -32602);
    let r = client.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": uri(&dir.path().join("Notes/Deal.md"))},
               "range": {"start": {"line": 99, "character": 0}, "end": {"line": 99, "character": 1}},
               "context": {"diagnostics": []}}),
    );
    assert_eq!(r.error.unwrap().code, -32602);
    // A notification it cannot read, and one it does not know: logged, never fatal.
    client.notify("textDocument/didChange", json!({"bad": 1}));
    client.notify("vaultlint/unknown", json!({}));
    let r = client.request("textDocument/hover", client.at("Notes/Deal.md", 2, 8));
    assert!(r.result.is_some());
    client.stop();
}

#[test]
fn files_changed_on_disk_keep_the_index_in_step() {
    let dir = vault();
    let mut client = Client::full(dir.path());
    client.open("Notes/Deal.md", DEAL);
    client.diagnostics_where("Notes/Deal.md", |d| codes(d) == ["broken-link"]);
    std::fs::write(dir.path().join("Notes/Nowhere.md"), "# Nowhere\n").unwrap();
    client.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": uri(&dir.path().join("Notes/Nowhere.md")), "type": 1}]}),
    );
    client.diagnostics_where("Notes/Deal.md", <[Value]>::is_empty);
    std::fs::remove_file(dir.path().join("Acme.md")).unwrap();
    client.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": uri(&dir.path().join("Acme.md")), "type": 3}]}),
    );
    let found = client.diagnostics_where("Notes/Deal.md", |d| !d.is_empty());
    assert_eq!(codes(&found), ["broken-link"]);
    // A note on disk that is not UTF-8: read again, opened (as the editor decoded it) and
    // closed (the file is the note again) without a crash.
    std::fs::write(dir.path().join("Bad.md"), b"# Bad \xff\xfe\n").unwrap();
    client.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": uri(&dir.path().join("Bad.md")), "type": 1}]}),
    );
    client.open("Bad.md", "# Bad \u{fffd}\u{fffd}\n");
    client.diagnostics("Bad.md");
    client.notify(
        "textDocument/didClose",
        json!({"textDocument": {"uri": uri(&dir.path().join("Bad.md"))}}),
    );
    let closed = client.diagnostics("Bad.md");
    assert!(closed.is_empty(), "closing clears: {closed:?}");
    let r = client.request("textDocument/hover", client.at("Notes/Deal.md", 2, 8));
    assert!(r.result.is_some());
    client.stop();
}

#[test]
fn a_config_edit_reloads_the_settings_and_a_bad_one_is_a_diagnostic() {
    let dir = vault();
    let mut client = Client::full(dir.path());
    client.open("Notes/Deal.md", DEAL);
    client.diagnostics_where("Notes/Deal.md", |d| codes(d) == ["broken-link"]);
    let config = dir.path().join(".vaultlint.yaml");
    let changed =
        || json!({"changes": [{"uri": uri(&dir.path().join(".vaultlint.yaml")), "type": 2}]});
    std::fs::write(&config, "rules:\n  broken-link: sometimes\n").unwrap();
    client.notify("workspace/didChangeWatchedFiles", changed());
    let found = client.diagnostics(".vaultlint.yaml");
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0]["severity"], 1);
    assert_eq!(found[0]["range"]["start"]["line"], 1, "{found:?}");
    // Still up, with the settings it had.
    let r = client.request("textDocument/hover", client.at("Notes/Deal.md", 2, 8));
    assert!(r.result.is_some());
    std::fs::write(&config, "rules:\n  broken-link: off\n").unwrap();
    client.notify("workspace/didChangeWatchedFiles", changed());
    assert!(client.diagnostics(".vaultlint.yaml").is_empty());
    client.diagnostics_where("Notes/Deal.md", <[Value]>::is_empty);
    client.stop();
}

#[test]
fn the_vault_root_is_found_from_the_workspace_folder() {
    let dir = vault();
    let sub = dir.path().join("Notes");
    assert_eq!(vaultlint::server::vault_root(&sub), dir.path());
    std::fs::write(sub.join(".vaultlint.yaml"), "").unwrap();
    // A config wins over an `.obsidian/` folder further up.
    assert_eq!(vaultlint::server::vault_root(&sub), sub);
    let bare = tempfile::tempdir().unwrap();
    assert_eq!(vaultlint::server::vault_root(bare.path()), bare.path());
}

#[test]
fn after_shutdown_only_exit_is_taken() {
    let dir = vault();
    let mut client = Client::full(dir.path());
    let r = client.request("shutdown", Value::Null);
    assert_eq!(r.result, Some(Value::Null));
    let r = client.request("textDocument/hover", client.at("Notes/Deal.md", 0, 0));
    assert_eq!(r.error.unwrap().code, -32600);
    client.notify("exit", Value::Null);
    client.server.take().unwrap().join().unwrap();
}

#[test]
fn a_conflict_shows_its_other_side_and_a_save_checks_again() {
    let dir = vault();
    let text = "**Lumen Health** — clinical copilots.\n\n**Revenue:** ~$70M ARR, growing fast.\n\n## Quick stats\n\n| Metric | Value |\n|--------|-------|\n| Revenue | $90M |\n";
    let mut client = Client::full(dir.path());
    client.open("Lumen.md", text);
    let found = client.diagnostics("Lumen.md");
    let conflict = found
        .iter()
        .find(|d| d["code"] == "inconsistent-figure")
        .unwrap_or_else(|| panic!("{found:?}"));
    let related = conflict["relatedInformation"].as_array().unwrap();
    assert!(!related.is_empty(), "{conflict}");
    assert_eq!(
        related[0]["location"]["uri"],
        uri(&dir.path().join("Lumen.md"))
    );
    let lines: Vec<u64> = [&conflict["range"], &related[0]["location"]["range"]]
        .iter()
        .map(|r| r["start"]["line"].as_u64().unwrap())
        .collect();
    assert!(lines.contains(&2) && lines.contains(&8), "{conflict}");
    client.notify(
        "textDocument/didSave",
        json!({"textDocument": {"uri": uri(&dir.path().join("Lumen.md"))}}),
    );
    let again = client.diagnostics("Lumen.md");
    assert_eq!(codes(&again), codes(&found));
    client.stop();
}
