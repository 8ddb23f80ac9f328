//! A benchmark client for `vaultlint server` (not a test; nothing here asserts a time).
//!
//! Starts the server binary on a vault, opens one note and measures: the time from `initialize`
//! to that note's first diagnostics (the vault indexed and checked), then, for a series of
//! `didChange` edits sent one at a time, the time from the notification to the
//! `publishDiagnostics` of the new version (typing on a line, and renaming a heading other
//! notes link to), and the server's peak memory. For comparison it times `vaultlint check` on
//! the same vault with `/usr/bin/time` when that is installed.
//!
//! ```text
//! python3 bench/genvault.py --notes 10000 --out target/bench/v10k --seed 1
//! cargo build --release
//! VAULT=target/bench/v10k cargo bench --bench server
//! ```
//! Environment: `VAULT` (required), `VAULTLINT` (default `target/release/vaultlint`),
//! `EDITS` (typing edits, default 200), `THREADS` (default 2), `PAUSE_MS` (between the first
//! diagnostics and the first edit, default 1000), `CHECK=0` (no `vaultlint check` run).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::print_stdout,
    clippy::print_stderr
)]

use std::io::{BufReader, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::process::{ChildStdout, Command, Stdio};
use std::time::{Duration, Instant};

use lsp_server::{Message, Notification, Request, RequestId};
use serde_json::{Value, json};

fn main() {
    let Some(vault) = std::env::var_os("VAULT").map(PathBuf::from) else {
        eprintln!(
            "benches/server.rs: set VAULT to a vault folder (see bench/genvault.py); skipped"
        );
        return;
    };
    let vault = std::path::absolute(&vault).unwrap();
    let binary = std::env::var("VAULTLINT").unwrap_or_else(|_| "target/release/vaultlint".into());
    let edits: usize = std::env::var("EDITS")
        .ok()
        .and_then(|e| e.parse().ok())
        .unwrap_or(200);
    let threads = std::env::var("THREADS").unwrap_or_else(|_| "2".into());
    let pause_ms: u64 = std::env::var("PAUSE_MS")
        .ok()
        .and_then(|e| e.parse().ok())
        .unwrap_or(1000);
    let compare = std::env::var("CHECK").map_or(true, |c| c != "0");
    let (path, text) = pick_note(&vault);
    println!(
        "vault: {} ; note: {path} ; threads: {threads}",
        vault.display()
    );

    let started = Instant::now();
    let mut child = Command::new(&binary)
        .args(["server", "--threads", &threads])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("the server starts");
    let pid = child.id();
    let mut input = BufWriter::new(child.stdin.take().unwrap());
    let mut output = BufReader::new(child.stdout.take().unwrap());
    let uri = file_uri(&vault.join(&path));
    let mut send = |m: Message| {
        m.write(&mut input).unwrap();
        input.flush().unwrap();
    };
    send(
        Request::new(
            RequestId::from(1),
            "initialize".into(),
            json!({"capabilities": {}, "workspaceFolders": [{"uri": file_uri(&vault), "name": "v"}]}),
        )
        .into(),
    );
    wait_for(&mut output, |m| matches!(m, Message::Response(_)));
    send(Notification::new("initialized".into(), json!({})).into());
    send(open(&uri, &text));
    wait_for(&mut output, |m| is_diagnostics(m, &uri, 1));
    let first = started.elapsed();
    println!("first diagnostics after initialize: {:.0} ms", ms(first));

    // A person reads the first diagnostics before typing: the server makes ready for edits
    // meanwhile (`Session::prepare_edits`), as it does when idle.
    std::thread::sleep(Duration::from_millis(pause_ms));

    let lines: Vec<&str> = text.lines().collect();
    let mut typing = Vec::new();
    let mut version = 1;
    for i in 0..edits {
        // Typing on the note's last line: one more character each time.
        let mut edited = lines.join("\n");
        edited.push_str(&format!("\n\nTyping {}", "x".repeat(i % 40)));
        version += 1;
        let sent = Instant::now();
        send(change(&uri, version, &edited));
        wait_for(&mut output, |m| is_diagnostics(m, &uri, version));
        typing.push(sent.elapsed());
    }
    let mut renames = Vec::new();
    let heading = lines.iter().position(|l| l.starts_with("## "));
    if let Some(at) = heading {
        for i in 0..edits / 10 {
            let mut edited: Vec<String> = lines.iter().map(|l| (*l).to_string()).collect();
            edited[at] = format!("{} {}", lines[at], i % 2);
            version += 1;
            let sent = Instant::now();
            send(change(&uri, version, &edited.join("\n")));
            wait_for(&mut output, |m| is_diagnostics(m, &uri, version));
            renames.push(sent.elapsed());
        }
    }
    report("didChange -> publishDiagnostics, typing", &mut typing);
    report(
        "didChange -> publishDiagnostics, heading renamed",
        &mut renames,
    );
    if let Some(peak) = peak_kb(pid) {
        println!("server peak memory (VmHWM): {} MB", peak / 1024);
    }
    send(Request::new(RequestId::from(2), "shutdown".into(), Value::Null).into());
    wait_for(&mut output, |m| matches!(m, Message::Response(_)));
    send(Notification::new("exit".into(), Value::Null).into());
    let _ = child.wait();

    if compare && Path::new("/usr/bin/time").exists() {
        let out = Command::new("/usr/bin/time")
            .args(["-f", "%e %M"])
            .arg(&binary)
            .args([
                "check",
                "--quiet",
                "--format",
                "json",
                "--threads",
                &threads,
            ])
            .arg(&vault)
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        if let Some((secs, kb)) = stderr.lines().last().and_then(|l| l.split_once(' ')) {
            let kb: u64 = kb.trim().parse().unwrap_or(0);
            println!("vaultlint check: {secs} s, peak memory {} MB", kb / 1024);
        }
    }
}

/// A note with links and a `## ` heading, from the middle of the vault's sorted notes.
fn pick_note(vault: &Path) -> (String, String) {
    let mut notes = Vec::new();
    let mut stack = vec![vault.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap().flatten() {
            let path = entry.path();
            let name = entry.file_name().to_string_lossy().to_string();
            if name.starts_with('.') {
                continue;
            }
            if path.is_dir() {
                stack.push(path);
            } else if name.ends_with(".md") {
                notes.push(path);
            }
        }
    }
    notes.sort();
    let middle = notes.len() / 2;
    let chosen = notes[middle..]
        .iter()
        .chain(&notes[..middle])
        .find_map(|p| {
            let text = std::fs::read_to_string(p).ok()?;
            (text.contains("[[") && text.contains("\n## ")).then_some((p, text))
        })
        .expect("a note with links and headings");
    let relative = chosen
        .0
        .strip_prefix(vault)
        .unwrap()
        .to_string_lossy()
        .to_string();
    (relative, chosen.1)
}

fn open(uri: &str, text: &str) -> Message {
    Notification::new(
        "textDocument/didOpen".into(),
        json!({"textDocument": {"uri": uri, "languageId": "markdown", "version": 1, "text": text}}),
    )
    .into()
}

fn change(uri: &str, version: i32, text: &str) -> Message {
    Notification::new(
        "textDocument/didChange".into(),
        json!({"textDocument": {"uri": uri, "version": version}, "contentChanges": [{"text": text}]}),
    )
    .into()
}

fn is_diagnostics(m: &Message, uri: &str, version: i32) -> bool {
    matches!(m, Message::Notification(n)
        if n.method == "textDocument/publishDiagnostics"
            && n.params["uri"] == uri
            && n.params["version"] == version)
}

fn wait_for(output: &mut BufReader<ChildStdout>, done: impl Fn(&Message) -> bool) {
    loop {
        let message = Message::read(output).unwrap().expect("the server answers");
        if done(&message) {
            return;
        }
    }
}

fn report(what: &str, times: &mut [Duration]) {
    if times.is_empty() {
        return;
    }
    times.sort();
    let at = |q: f64| times[((times.len() - 1) as f64 * q).round() as usize];
    println!(
        "{what}: n={} median {:.1} ms, p95 {:.1} ms, max {:.1} ms",
        times.len(),
        ms(at(0.5)),
        ms(at(0.95)),
        ms(times[times.len() - 1])
    );
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// Peak resident memory of process `pid`, in kB (Linux).
fn peak_kb(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

fn file_uri(path: &Path) -> String {
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
