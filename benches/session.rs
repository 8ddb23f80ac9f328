//! The warm engine: re-checking one edited note in an open session of a 10,000-note vault.
//! `cargo bench --bench session` runs it.
//!
//! The vault is the project's benchmark vault, `bench/genvault.py --notes 10000` (seed 1),
//! generated into `target/bench/ours/v10k` when it is not there yet (as `bench/run.sh --ours`
//! does); `VAULTLINT_BENCH_VAULT=DIR` checks another vault instead. The session is opened once
//! (untimed, two threads); each sample hands the session a new text of one note, as an editor
//! would, then checks every note the edit names: the note and the notes that link to it.
//! `typical` edits the note with the median number of notes linking to it, `most_linked` the
//! one with the most. The two texts alternate (the original, then it with a sentence and a
//! broken link added), so every sample does the same work.

// Set-up, not a measurement: a failure must stop the run loudly.
#![allow(clippy::expect_used, clippy::print_stderr)]

use std::path::{Path, PathBuf};
use std::process::Command;

use divan::{Bencher, black_box};
use vaultlint::config::LoadedConfig;
use vaultlint::engine::{Selection, Session};
use vaultlint::rules::settings::{Overrides, Settings};

fn main() {
    divan::main();
}

/// The vault to open: `VAULTLINT_BENCH_VAULT`, else the generated v10k.
fn vault() -> PathBuf {
    if let Some(dir) = std::env::var_os("VAULTLINT_BENCH_VAULT") {
        return PathBuf::from(dir);
    }
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = root.join("target/bench/ours/v10k");
    if !dir.join(".planted.json").is_file() {
        let status = Command::new("python3")
            .arg(root.join("bench/genvault.py"))
            .args(["--notes", "10000", "--seed", "1", "--quiet", "--out"])
            .arg(&dir)
            .status();
        assert!(
            status.is_ok_and(|s| s.success()),
            "cannot generate the benchmark vault: bench/genvault.py needs python3"
        );
    }
    dir
}

fn open(dir: &Path) -> Session {
    let settings = Settings::new(
        LoadedConfig::defaults(),
        &Overrides {
            today: Some("2026-11-26".parse().expect("a valid date")),
            ..Overrides::default()
        },
    )
    .expect("the default settings are valid");
    Session::open(settings, dir, 2).expect("the benchmark vault can be walked")
}

/// `update` of one note and `check` of the notes it names.
#[divan::bench(args = ["typical", "most_linked"], sample_count = 50)]
fn update_and_check(bencher: Bencher, which: &str) {
    let dir = vault();
    let mut session = open(&dir);
    let notes: Vec<String> = session
        .index()
        .notes()
        .iter()
        .map(|n| n.path.to_string())
        .collect();
    // How many notes each edit names, by note: an update with the note's own text.
    let mut named: Vec<(usize, String)> = notes
        .iter()
        .filter_map(|path| {
            let text = std::fs::read_to_string(dir.join(path)).ok()?;
            let affected = session.update(path, &text).ok()?;
            Some((affected.len(), path.clone()))
        })
        .collect();
    named.sort();
    let (linked, path) = match which {
        "most_linked" => named.last(),
        _ => named.get(named.len() / 2),
    }
    .cloned()
    .expect("the vault has notes");
    assert!(linked > 1, "`{path}` must have notes linking to it");
    eprintln!("{which}: `{path}`, an edit names {linked} notes");
    let original = std::fs::read_to_string(dir.join(&path)).expect("the note can be read");
    let edited = format!("{original}\nA sentence added in the editor, see [[Nowhere yet]].\n");
    let mut texts = [original, edited].into_iter().cycle();
    bencher.bench_local(|| {
        let text = texts.next().unwrap_or_default();
        let affected = session
            .update(black_box(&path), black_box(&text))
            .expect("the note is in the vault");
        let run = session.check(Selection::Notes(&affected));
        black_box((affected.len(), run.findings.len()))
    });
}
