//! `vaultlint report` in a real browser: headless Chromium opens the page of the sample vault
//! from disk, its DOM (after the page's script ran) shows every section and the vault's
//! counts, and it takes a screenshot.
//!
//! Chromium comes from `.ci/run` (`apt-get install chromium`), which sets
//! `VAULTLINT_REQUIRE_BROWSER=1` so that CI fails rather than skips without it. Elsewhere the
//! test skips, saying so, when no Chromium is on the PATH (or at `$CHROMIUM`).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use std::path::{Path, PathBuf};
use std::process::Command;

mod common;

fn chromium() -> Option<PathBuf> {
    if let Some(path) = std::env::var_os("CHROMIUM") {
        return Some(PathBuf::from(path));
    }
    let dirs = std::env::var_os("PATH")?;
    std::env::split_paths(&dirs)
        .flat_map(|dir| {
            ["chromium", "chromium-browser", "google-chrome"].map(|name| dir.join(name))
        })
        .find(|p| p.is_file())
}

/// Runs headless Chromium on `page` with `args`; its stdout.
fn browse(browser: &Path, page: &Path, args: &[&str]) -> String {
    let profile = tempfile::tempdir().unwrap();
    let out = Command::new(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--hide-scrollbars",
            "--window-size=1200,900",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .args(args)
        .arg(format!("file://{}", page.display()))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "chromium failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn the_sample_vault_report_in_chromium() {
    let Some(browser) = chromium() else {
        assert!(
            std::env::var_os("VAULTLINT_REQUIRE_BROWSER").is_none(),
            "VAULTLINT_REQUIRE_BROWSER is set but no Chromium was found"
        );
        eprintln!(
            "skipped: no Chromium on the PATH (install it with `apt-get install chromium`, or set CHROMIUM)"
        );
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let page = dir.path().join("report.html");
    let vault = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/research-vault");
    assert_cmd::Command::cargo_bin("vaultlint")
        .unwrap()
        .arg("report")
        .arg(&vault)
        .arg("--output")
        .arg(&page)
        .arg("--quiet")
        .assert()
        .success();

    let dom = browse(&browser, &page, &["--dump-dom"]);
    common::assert_report_sections(&dom);
    // The sample vault's figures, as `check` reports them: 17 notes, 6 errors, 2 warnings.
    for (what, count) in [
        ("notes", 17),
        ("errors", 6),
        ("warnings", 2),
        ("broken", 2),
        ("orphans", 0),
        ("components", 1),
    ] {
        assert!(
            dom.contains(&format!("data-count=\"{what}\">{count}<")),
            "{what} is not {count}"
        );
    }
    // Every finding is a row, and the script ran (it counts the rows it shows).
    assert_eq!(dom.matches("<tr data-severity=").count(), 8);
    assert!(dom.contains("<span id=\"shown\">8</span>"));
    // A histogram per note type, each with its max age marked.
    assert_eq!(dom.matches("<figure class=\"histogram\"").count(), 2);
    assert_eq!(dom.matches("class=\"limit\"").count(), 2);
    // The conflicting valuation, both statements side by side.
    assert!(dom.contains("$4.5B") && dom.contains("$5B"));

    let shot = dir.path().join("report.png");
    browse(
        &browser,
        &page,
        &[&format!("--screenshot={}", shot.display())],
    );
    let png = std::fs::read(&shot).unwrap();
    assert!(png.starts_with(b"\x89PNG\r\n\x1a\n"), "not a PNG");
    assert!(
        png.len() > 10_000,
        "a blank screenshot? {} bytes",
        png.len()
    );
}
