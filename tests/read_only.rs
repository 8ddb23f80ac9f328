//! vaultlint never writes to a vault unless asked to fix it (`check --fix`): a run leaves every
//! file's bytes and modification time, and the set of files and folders, exactly as they were.
//! The library source opens nothing for writing but the note writer of `--fix`.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use assert_cmd::Command;

/// Every entry under `root` (symlinks not followed): bytes and modification time of files,
/// link targets of symlinks, and folders.
fn snapshot(root: &Path) -> BTreeMap<PathBuf, (Vec<u8>, Option<SystemTime>)> {
    let mut out = BTreeMap::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let entry = entry.unwrap();
            let path = entry.path();
            let meta = std::fs::symlink_metadata(&path).unwrap();
            let rel = path.strip_prefix(root).unwrap().to_path_buf();
            let content = if meta.is_dir() {
                stack.push(path.clone());
                b"<dir>".to_vec()
            } else if meta.file_type().is_symlink() {
                std::fs::read_link(&path)
                    .unwrap()
                    .to_string_lossy()
                    .into_owned()
                    .into_bytes()
            } else {
                std::fs::read(&path).unwrap()
            };
            out.insert(rel, (content, meta.modified().ok()));
        }
    }
    out
}

#[test]
fn a_run_leaves_the_vault_untouched() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
    for vault in ["research-vault", "hostile", "unreadable-note/encodings"] {
        let vault = root.join(vault);
        let before = snapshot(&vault);
        assert!(!before.is_empty());
        for format in ["human", "json"] {
            for extra in [&[][..], &["--verbose"][..], &["--quiet"][..]] {
                Command::cargo_bin("vaultlint")
                    .unwrap()
                    .arg("check")
                    .arg(&vault)
                    .args(["--today", "2026-11-26", "--format", format])
                    .args(extra)
                    .assert()
                    .code(predicates::ord::le(2));
            }
        }
        let after = snapshot(&vault);
        assert_eq!(
            before.keys().collect::<Vec<_>>(),
            after.keys().collect::<Vec<_>>(),
            "{}: files appeared or vanished",
            vault.display()
        );
        for (path, state) in &before {
            assert!(
                after.get(path) == Some(state),
                "{}: {} changed",
                vault.display(),
                path.display()
            );
        }
    }
}

/// Calls that create, change or remove files. The library opens files only with
/// `std::fs::read`, `File::open` and `read_dir`; the only writes are to stdout and stderr.
const WRITES: &[&str] = &[
    "fs::write",
    "File::create",
    "OpenOptions",
    "fs::rename",
    "fs::copy",
    "remove_file",
    "remove_dir",
    "create_dir",
    "set_permissions",
    // `File::set_len(` (a progress bar's `set_length` is no write).
    "set_len(",
    "hard_link",
    "fs::symlink",
    "symlink_file",
    "symlink_dir",
    "set_modified",
    "set_times",
];

#[test]
fn the_source_never_writes_files() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut stack = vec![src];
    let mut checked = 0;
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            if path.extension().is_none_or(|e| e != "rs") {
                continue;
            }
            // The one writer: `vaultlint baseline` writes the baseline file it is asked for
            // (never a note); `check` reads it only.
            if path.file_name().is_some_and(|n| n == "baseline.rs") {
                continue;
            }
            // And `vaultlint report --output FILE` writes the report it is asked for (never a
            // note).
            if path.ends_with("cli/report.rs") {
                continue;
            }
            // And `check --fix` writes the notes it fixes, through the one note writer
            // (`tests/fix.rs` pins what it may write).
            if path.ends_with("vault/write.rs") {
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap();
            // Unit tests (the module at the end of a file) build temporary vaults.
            let code = text.split("#[cfg(test)]\nmod tests").next().unwrap();
            for call in WRITES {
                assert!(
                    !code.contains(call),
                    "{} calls `{call}`: vaultlint must not write files",
                    path.display()
                );
            }
            checked += 1;
        }
    }
    assert!(checked > 10);
}
