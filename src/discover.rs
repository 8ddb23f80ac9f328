//! Discovery: which notes and attachments a vault holds, and where its root is.
//!
//! Walks with the `ignore` crate (in parallel): dot-folders (`.obsidian`, `.git`, `.trash`) and
//! `.gitignore`d paths are skipped, symlinks are not followed. Notes are `*.md` files; every
//! other file is an attachment that links may name. The result is sorted, so nothing
//! downstream depends on walk order.

use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// What the walk found, as vault-relative `/`-separated paths, sorted.
#[derive(Debug, Default)]
pub struct Discovery {
    pub notes: Vec<String>,
    pub files: Vec<String>,
    /// Paths the walk could not use (unreadable folders, names that are not UTF-8), with why.
    pub skipped: Vec<(String, String)>,
}

/// Why discovery could not start.
#[derive(Debug, thiserror::Error)]
pub enum DiscoverError {
    #[error("vault folder `{0}` does not exist or is not a folder")]
    NotAFolder(PathBuf),
}

/// Walks the vault at `root`.
pub fn discover(root: &Path, threads: usize) -> Result<Discovery, DiscoverError> {
    if !root.is_dir() {
        return Err(DiscoverError::NotAFolder(root.to_path_buf()));
    }
    let found = Mutex::new(Discovery::default());
    ignore::WalkBuilder::new(root)
        .hidden(true)
        .git_ignore(true)
        .git_global(false)
        .git_exclude(true)
        .require_git(false)
        .ignore(true)
        .parents(false)
        .follow_links(false)
        .threads(threads)
        .build_parallel()
        .run(|| {
            let found = &found;
            Box::new(move |entry| {
                let entry = match entry {
                    Ok(e) => e,
                    Err(err) => {
                        if let Ok(mut f) = found.lock() {
                            f.skipped.push((String::new(), err.to_string()));
                        }
                        return ignore::WalkState::Continue;
                    }
                };
                if !entry.file_type().is_some_and(|t| t.is_file()) {
                    return ignore::WalkState::Continue;
                }
                let rel = entry.path().strip_prefix(root).unwrap_or(entry.path());
                let Ok(mut f) = found.lock() else {
                    return ignore::WalkState::Quit;
                };
                match relative_name(rel) {
                    Some(name) if is_note(&name) => f.notes.push(name),
                    Some(name) => f.files.push(name),
                    None => f.skipped.push((
                        rel.to_string_lossy().into_owned(),
                        "file name is not valid UTF-8".to_string(),
                    )),
                }
                ignore::WalkState::Continue
            })
        });
    let mut found = found.into_inner().unwrap_or_else(|p| p.into_inner());
    found.notes.sort();
    found.files.sort();
    found.skipped.sort();
    Ok(found)
}

/// A note is a `.md` file (case-insensitive extension).
pub fn is_note(path: &str) -> bool {
    path.rsplit_once('.')
        .is_some_and(|(_, ext)| ext.eq_ignore_ascii_case("md"))
}

/// The nearest folder at or above `start` holding `.vaultlint.yaml` or `.obsidian/`.
pub fn find_vault_root(start: &Path) -> Option<PathBuf> {
    let start = std::path::absolute(start).ok()?;
    start
        .ancestors()
        .find(|dir| dir.join(".vaultlint.yaml").is_file() || dir.join(".obsidian").is_dir())
        .map(Path::to_path_buf)
}

/// `a/b/c.md` from path components, or `None` if a component is not UTF-8.
pub fn relative_name(rel: &Path) -> Option<String> {
    let parts: Option<Vec<&str>> = rel
        .components()
        .filter_map(|c| match c {
            std::path::Component::Normal(s) => Some(s.to_str()),
            _ => None,
        })
        .collect();
    Some(parts?.join("/"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn walk_skips_dot_folders_and_gitignored() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        for p in [
            "A.md",
            "Sub/B.md",
            "pic.png",
            ".obsidian/x.md",
            ".trash/y.md",
            "ignored/z.md",
            "Up.MD",
        ] {
            let path = root.join(p);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, "x").unwrap();
        }
        std::fs::write(root.join(".gitignore"), "ignored/\n").unwrap();
        let d = discover(root, 2).unwrap();
        assert_eq!(d.notes, ["A.md", "Sub/B.md", "Up.MD"]);
        assert_eq!(d.files, ["pic.png"]);
    }

    #[test]
    fn missing_root_is_an_error() {
        assert!(discover(Path::new("/nonexistent/vault"), 1).is_err());
    }
}
