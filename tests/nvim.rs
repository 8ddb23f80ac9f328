//! `vaultlint server` with a real client: headless Neovim (its built-in LSP client, 0.7 or
//! later) opens a note with a broken link, waits for the diagnostic, applies the "Suppress"
//! code action and sees the finding go (`tests/nvim/code_action.lua`).
//!
//! Neovim comes from `.ci/run` (`apt-get install neovim`), which sets
//! `VAULTLINT_REQUIRE_NVIM=1` so that CI fails rather than skips without it. Elsewhere the
//! test skips, saying so, when no `nvim` is on the PATH (or at `$VAULTLINT_NVIM`).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn nvim() -> Option<PathBuf> {
    if let Some(path) = std::env::var_os("VAULTLINT_NVIM") {
        return Some(PathBuf::from(path));
    }
    let dirs = std::env::var_os("PATH")?;
    std::env::split_paths(&dirs)
        .map(|dir| dir.join("nvim"))
        .find(|p| p.is_file())
}

#[test]
fn neovim_shows_the_finding_and_suppresses_it() {
    let Some(nvim) = nvim() else {
        assert!(
            std::env::var_os("VAULTLINT_REQUIRE_NVIM").is_none(),
            "VAULTLINT_REQUIRE_NVIM is set but no nvim was found"
        );
        eprintln!(
            "skipped: no nvim on the PATH (install it with `apt-get install neovim`, or set VAULTLINT_NVIM)"
        );
        return;
    };
    let vault = tempfile::tempdir().unwrap();
    std::fs::create_dir(vault.path().join(".obsidian")).unwrap();
    std::fs::create_dir(vault.path().join("Notes")).unwrap();
    std::fs::write(vault.path().join("Acme.md"), "# Acme\n\n## Revenue\n").unwrap();
    let deal = "# Deal\n\nSee [[Acme#Revenue]] and [[Nowhere]].\n";
    std::fs::write(vault.path().join("Notes/Deal.md"), deal).unwrap();
    let home = tempfile::tempdir().unwrap();
    let out = vault.path().join("steps.txt");
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/nvim/code_action.lua");

    let mut child = Command::new(&nvim)
        .args(["--headless", "--clean", "-n", "-c"])
        .arg(format!("luafile {}", script.display()))
        .env("VAULTLINT", env!("CARGO_BIN_EXE_vaultlint"))
        .env("VAULT", vault.path())
        .env("NOTE", "Notes/Deal.md")
        .env("OUT", &out)
        // Neovim keeps its state and logs under these: in the test's own folder.
        .env("HOME", home.path())
        .env("XDG_STATE_HOME", home.path())
        .env("XDG_CACHE_HOME", home.path())
        .env("XDG_DATA_HOME", home.path())
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(120);
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break Some(status);
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            break None;
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let steps_text = std::fs::read_to_string(&out).unwrap_or_default();
    let steps: BTreeMap<&str, &str> = steps_text
        .lines()
        .filter_map(|l| l.split_once('='))
        .collect();
    assert!(
        status.is_some_and(|s| s.success()) && steps.get("done") == Some(&"ok"),
        "neovim did not finish (status {status:?}): {steps_text}"
    );
    assert_eq!(steps["diagnostics"], "1", "{steps_text}");
    assert_eq!(steps["code"], "broken-link", "{steps_text}");
    assert_eq!(steps["line"], "2", "{steps_text}");
    assert!(
        steps["actions"].contains("Suppress `broken-link` on this line"),
        "{steps_text}"
    );
    assert!(
        steps["actions"].contains("Create note `Nowhere`"),
        "{steps_text}"
    );
    assert_eq!(
        steps["line1"], "%% vaultlint-disable-next-line broken-link %%",
        "{steps_text}"
    );
    assert_eq!(steps["after"], "0", "{steps_text}");
    assert_eq!(steps.get("server_exit"), Some(&"0"), "{steps_text}");
    // The edit is in the buffer only: the server never writes the file.
    assert_eq!(
        steps["modified_on_disk"], "See [[Acme#Revenue]] and [[Nowhere]].",
        "{steps_text}"
    );
    assert_eq!(
        std::fs::read_to_string(vault.path().join("Notes/Deal.md")).unwrap(),
        deal
    );
}
