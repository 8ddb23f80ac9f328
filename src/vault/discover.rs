//! Discovery: which notes and attachments a vault holds, and where its root is.
//!
//! Walks in parallel, on Unix opening each folder from its parent's handle (see the `walk`
//! module): dot-folders (`.obsidian`, `.git`, `.trash`) and `.gitignore`d paths are
//! skipped, symlinks are not followed (a loop would never end, a link out of the vault would
//! read what is not the vault's; each is recorded as skipped, with where it leads). Notes are
//! `*.md` files; every other file is an attachment that links may name. The result is sorted,
//! so nothing downstream depends on walk order.

use std::path::{Path, PathBuf};
#[cfg(not(unix))]
use std::sync::Mutex;

/// What the walk found, as vault-relative `/`-separated paths, sorted.
#[derive(Debug, Default)]
pub struct Discovery {
    pub notes: Vec<String>,
    pub files: Vec<String>,
    /// Paths the walk could not use (symlinks, unreadable folders, names that are not UTF-8),
    /// with why.
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
    // To tell a symlink that leaves the vault from one that stays inside (for `--verbose`).
    let real_root = std::fs::canonicalize(root).unwrap_or_else(|_| root.to_path_buf());
    let mut found = walk(root, &real_root, threads);
    found.notes.sort();
    found.files.sort();
    found.skipped.sort();
    Ok(found)
}

/// The walk on Unix: each folder opened from its parent's handle (see [`super::walk`]).
#[cfg(unix)]
fn walk(root: &Path, real_root: &Path, threads: usize) -> Discovery {
    let mut found = Discovery::default();
    for entry in super::walk::walk(root, threads) {
        match entry {
            super::walk::Found::File(rel) => found.add_file(&rel),
            super::walk::Found::Symlink(rel) => {
                let why = symlink_reason(real_root, &root.join(&rel));
                found.skipped.push((display_name(&rel), why));
            }
            super::walk::Found::Error(why) => found.skipped.push((String::new(), why)),
        }
    }
    found
}

/// The walk elsewhere, by paths, with the `ignore` crate's parallel walker and the same rules.
#[cfg(not(unix))]
fn walk(root: &Path, real_root: &Path, threads: usize) -> Discovery {
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
                let rel = entry.path().strip_prefix(root).unwrap_or(entry.path());
                if entry.depth() > 0 && entry.path_is_symlink() {
                    let why = symlink_reason(real_root, entry.path());
                    if let Ok(mut f) = found.lock() {
                        f.skipped.push((display_name(rel), why));
                    }
                    return ignore::WalkState::Continue;
                }
                // Folders are walked; sockets, pipes and devices are never opened.
                if !entry.file_type().is_some_and(|t| t.is_file()) {
                    return ignore::WalkState::Continue;
                }
                let Ok(mut f) = found.lock() else {
                    return ignore::WalkState::Quit;
                };
                f.add_file(rel);
                ignore::WalkState::Continue
            })
        });
    found.into_inner().unwrap_or_else(|p| p.into_inner())
}

impl Discovery {
    /// A regular file at `rel` below the root: a note, an attachment, or a name to report.
    fn add_file(&mut self, rel: &Path) {
        match relative_name(rel) {
            Some(name) if is_note(&name) => self.notes.push(name),
            Some(name) => self.files.push(name),
            None => self.skipped.push((
                display_name(rel),
                "file name is not valid UTF-8".to_string(),
            )),
        }
    }
}

/// Why a symlink was passed over. Links are never followed (a loop would never end, a link
/// out of the vault would read what is not the vault's); this only says where one leads,
/// resolving the path without opening anything.
fn symlink_reason(real_root: &Path, link: &Path) -> String {
    match std::fs::canonicalize(link) {
        Ok(target) if target.starts_with(real_root) => "symbolic link, not followed".to_string(),
        Ok(_) => "symbolic link to a path outside the vault, not followed".to_string(),
        Err(err) => format!("symbolic link that does not resolve ({err}), not followed"),
    }
}

/// A vault-relative path for messages, `/`-separated, lossy where it is not UTF-8.
fn display_name(rel: &Path) -> String {
    relative_name(rel).unwrap_or_else(|| rel.to_string_lossy().replace('\\', "/"))
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

    #[cfg(unix)]
    #[test]
    fn symlinks_are_not_followed_and_say_why() {
        use std::os::unix::fs::symlink;
        let outside = tempfile::tempdir().unwrap();
        std::fs::write(outside.path().join("secret.md"), "[[x]]").unwrap();
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::write(root.join("A.md"), "a").unwrap();
        std::fs::create_dir(root.join("Sub")).unwrap();
        symlink(outside.path().join("secret.md"), root.join("Out.md")).unwrap();
        symlink(outside.path(), root.join("OutDir")).unwrap();
        symlink(root.join("A.md"), root.join("Inside.md")).unwrap();
        symlink(root, root.join("Sub/Loop")).unwrap();
        symlink(root.join("Self.md"), root.join("Self.md")).unwrap();
        let d = discover(root, 2).unwrap();
        assert_eq!(d.notes, ["A.md"]);
        assert!(d.files.is_empty());
        let why = |p: &str| {
            d.skipped
                .iter()
                .find(|(path, _)| path == p)
                .map(|(_, w)| w.as_str())
                .unwrap_or_else(|| panic!("{p} not in {:?}", d.skipped))
        };
        assert_eq!(
            why("Out.md"),
            "symbolic link to a path outside the vault, not followed"
        );
        assert_eq!(
            why("OutDir"),
            "symbolic link to a path outside the vault, not followed"
        );
        assert_eq!(why("Inside.md"), "symbolic link, not followed");
        assert_eq!(why("Sub/Loop"), "symbolic link, not followed");
        assert!(
            why("Self.md").starts_with("symbolic link that does not resolve"),
            "{}",
            why("Self.md")
        );
    }

    #[test]
    fn missing_root_is_an_error() {
        assert!(discover(Path::new("/nonexistent/vault"), 1).is_err());
    }
}
