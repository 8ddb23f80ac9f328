//! `vaultlint server` with a real client: headless Neovim (its built-in LSP client, 0.7 or
//! later) opens a note with a broken link, waits for the diagnostic, applies a code action
//! ("Suppress", or the rule's own fix) and sees the finding go (`tests/nvim/code_action.lua`).
//!
//! Neovim comes from `.ci/run` (`apt-get install neovim`), which sets
//! `VAULTLINT_REQUIRE_NVIM=1` so that CI fails rather than skips without it. Elsewhere the
//! test skips, saying so, when no `nvim` is on the PATH (or at `$VAULTLINT_NVIM`).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

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

/// What the Lua script saw, one `key=value` a step.
struct Steps(String);

impl Steps {
    fn get(&self, key: &str) -> Option<&str> {
        self.0
            .lines()
            .filter_map(|l| l.split_once('='))
            .find(|(k, _)| *k == key)
            .map(|(_, v)| v)
    }

    fn at(&self, key: &str) -> &str {
        self.get(key)
            .unwrap_or_else(|| panic!("no step `{key}` in:\n{}", self.0))
    }
}

/// Opens `note` of `vault` in headless Neovim with `vaultlint server`, applies the first code
/// action whose title contains `action` to the first finding, and returns the steps seen;
/// `None` when Neovim is not installed (and not required).
#[allow(clippy::print_stderr)] // a skipped test says why
fn run_neovim(vault: &Path, note: &str, action: &str) -> Option<Steps> {
    let Some(nvim) = nvim() else {
        assert!(
            std::env::var_os("VAULTLINT_REQUIRE_NVIM").is_none(),
            "VAULTLINT_REQUIRE_NVIM is set but no nvim was found"
        );
        eprintln!(
            "skipped: no nvim on the PATH (install it with `apt-get install neovim`, or set VAULTLINT_NVIM)"
        );
        return None;
    };
    let home = tempfile::tempdir().unwrap();
    let out = home.path().join("steps.txt");
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/nvim/code_action.lua");

    let mut child = Command::new(&nvim)
        .args(["--headless", "--clean", "-n", "-c"])
        .arg(format!("luafile {}", script.display()))
        .env("VAULTLINT", env!("CARGO_BIN_EXE_vaultlint"))
        .env("VAULT", vault)
        .env("NOTE", note)
        .env("ACTION", action)
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
    let steps = Steps(std::fs::read_to_string(&out).unwrap_or_default());
    assert!(
        status.is_some_and(|s| s.success()) && steps.get("done") == Some("ok"),
        "neovim did not finish (status {status:?}): {}",
        steps.0
    );
    assert_eq!(steps.get("server_exit"), Some("0"), "{}", steps.0);
    Some(steps)
}

#[test]
fn neovim_shows_the_finding_and_suppresses_it() {
    let vault = tempfile::tempdir().unwrap();
    std::fs::create_dir(vault.path().join(".obsidian")).unwrap();
    std::fs::create_dir(vault.path().join("Notes")).unwrap();
    std::fs::write(vault.path().join("Acme.md"), "# Acme\n\n## Revenue\n").unwrap();
    let deal = "# Deal\n\nSee [[Acme#Revenue]] and [[Nowhere]].\n";
    std::fs::write(vault.path().join("Notes/Deal.md"), deal).unwrap();
    let Some(steps) = run_neovim(vault.path(), "Notes/Deal.md", "Suppress") else {
        return;
    };
    let all = &steps.0;
    assert_eq!(steps.at("diagnostics"), "1", "{all}");
    assert_eq!(steps.at("code"), "broken-link", "{all}");
    assert_eq!(steps.at("line"), "2", "{all}");
    assert!(
        steps
            .at("actions")
            .contains("Suppress `broken-link` on this line"),
        "{all}"
    );
    assert!(
        steps.at("actions").contains("Create note `Nowhere`"),
        "{all}"
    );
    assert_eq!(
        steps.at("line1"),
        "%% vaultlint-disable-next-line broken-link %%",
        "{all}"
    );
    assert_eq!(steps.at("after"), "0", "{all}");
    // The edit is in the buffer only: the server never writes the file.
    assert_eq!(
        steps.at("modified_on_disk"),
        "See [[Acme#Revenue]] and [[Nowhere]].",
        "{all}"
    );
    assert_eq!(
        std::fs::read_to_string(vault.path().join("Notes/Deal.md")).unwrap(),
        deal
    );
}

#[test]
fn neovim_applies_a_safe_fix_as_the_preferred_quick_fix() {
    // `[[Acme Inc]]` names an alias of exactly one note: the safe fix links to that note
    // and keeps the text the reader sees.
    let vault = tempfile::tempdir().unwrap();
    std::fs::create_dir(vault.path().join(".obsidian")).unwrap();
    std::fs::write(
        vault.path().join("Acme.md"),
        "---\naliases: [Acme Inc]\n---\n# Acme\n",
    )
    .unwrap();
    let deal = "# Deal\n\nBought by [[Acme Inc]] in 2025.\n";
    std::fs::write(vault.path().join("Deal.md"), deal).unwrap();
    let Some(steps) = run_neovim(vault.path(), "Deal.md", "link to `Acme`") else {
        return;
    };
    let all = &steps.0;
    assert_eq!(steps.at("diagnostics"), "1", "{all}");
    assert_eq!(steps.at("code"), "broken-link", "{all}");
    assert_eq!(steps.at("preferred"), "true", "{all}");
    assert_eq!(
        steps.at("line1"),
        "Bought by [[Acme|Acme Inc]] in 2025.",
        "{all}"
    );
    assert_eq!(steps.at("after"), "0", "{all}");
    assert_eq!(
        std::fs::read_to_string(vault.path().join("Deal.md")).unwrap(),
        deal
    );
}
