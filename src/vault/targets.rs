//! Which vault a `check` is about, and which of its notes are reported.
//!
//! The contract: PATH is a vault folder (default `.`), or note files inside a vault; then the
//! root is the nearest folder above them holding `.vaultlint.yaml` or `.obsidian/`, else the
//! current folder. `--vault DIR` names the root outright, and then a folder PATH inside it
//! reports only the notes below that folder.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use super::discover::{find_vault_root, is_note, relative_name};

/// The vault root and the selection of reported notes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Targets {
    pub root: PathBuf,
    /// Note paths to report on (vault-relative); `None` with no `folders` means every note.
    pub files: Option<BTreeSet<String>>,
    /// Folders (vault-relative) whose notes are reported.
    pub folders: Vec<String>,
    /// Given paths that are not notes, passed over.
    pub ignored: Vec<PathBuf>,
}

/// Works out the vault root and selection. Errors are usage errors (exit 2).
pub fn resolve(paths: &[PathBuf], vault: Option<&Path>) -> Result<Targets, String> {
    let paths: Vec<PathBuf> = if paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        paths.to_vec()
    };
    for p in &paths {
        if !p.exists() {
            return Err(format!("`{}` does not exist", p.display()));
        }
    }
    let dirs: Vec<&PathBuf> = paths.iter().filter(|p| p.is_dir()).collect();
    let root = match vault {
        Some(v) => v.to_path_buf(),
        None if dirs.len() == paths.len() => {
            if dirs.len() > 1 {
                return Err(
                    "give one vault folder at a time (or --vault DIR and folders inside it)".into(),
                );
            }
            paths.first().cloned().unwrap_or_else(|| PathBuf::from("."))
        }
        None => {
            let first = paths
                .iter()
                .find(|p| p.is_file())
                .cloned()
                .unwrap_or_default();
            let parent = first.parent().map(Path::to_path_buf).unwrap_or_default();
            let parent = if parent.as_os_str().is_empty() {
                PathBuf::from(".")
            } else {
                parent
            };
            find_vault_root(&parent).unwrap_or_else(|| PathBuf::from("."))
        }
    };
    if !root.is_dir() {
        return Err(format!(
            "vault folder `{}` does not exist or is not a folder",
            root.display()
        ));
    }
    let abs_root =
        std::fs::canonicalize(&root).map_err(|e| format!("`{}`: {e}", root.display()))?;

    let mut files = BTreeSet::new();
    let mut folders = Vec::new();
    let mut ignored = Vec::new();
    let mut whole_vault = false;
    for p in &paths {
        let abs = std::fs::canonicalize(p).map_err(|e| format!("`{}`: {e}", p.display()))?;
        let Ok(rel) = abs.strip_prefix(&abs_root) else {
            return Err(format!(
                "`{}` is not inside the vault `{}`",
                p.display(),
                root.display()
            ));
        };
        let Some(rel) = relative_name(rel) else {
            return Err(format!("`{}`: path is not valid UTF-8", p.display()));
        };
        if p.is_dir() {
            if rel.is_empty() {
                whole_vault = true;
            } else {
                folders.push(rel);
            }
        } else if is_note(&rel) {
            files.insert(rel);
        } else {
            ignored.push(p.clone());
        }
    }
    let selective =
        !whole_vault && (!files.is_empty() || !folders.is_empty() || !ignored.is_empty());
    Ok(Targets {
        root,
        files: selective.then_some(files),
        folders: if selective { folders } else { Vec::new() },
        ignored,
    })
}

impl Targets {
    /// True when the note at `path` is to be reported (exclusion aside).
    pub fn selects(&self, path: &str) -> bool {
        match &self.files {
            None => true,
            Some(files) => {
                files.contains(path)
                    || self.folders.iter().any(|f| {
                        path.strip_prefix(f.as_str())
                            .is_some_and(|r| r.starts_with('/'))
                    })
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vault() -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir_all(root.join("v/Actors")).unwrap();
        std::fs::write(root.join("v/.vaultlint.yaml"), "").unwrap();
        std::fs::write(root.join("v/Actors/A.md"), "").unwrap();
        std::fs::write(root.join("v/B.md"), "").unwrap();
        std::fs::write(root.join("v/pic.png"), "").unwrap();
        dir
    }

    #[test]
    fn folder_is_the_vault() {
        let d = vault();
        let t = resolve(&[d.path().join("v")], None).unwrap();
        assert_eq!(t.root, d.path().join("v"));
        assert!(t.files.is_none());
        assert!(t.selects("Actors/A.md"));
    }

    #[test]
    fn files_find_their_vault() {
        let d = vault();
        let t = resolve(
            &[d.path().join("v/Actors/A.md"), d.path().join("v/pic.png")],
            None,
        )
        .unwrap();
        assert_eq!(
            std::fs::canonicalize(&t.root).unwrap(),
            std::fs::canonicalize(d.path().join("v")).unwrap()
        );
        assert!(t.selects("Actors/A.md"));
        assert!(!t.selects("B.md"));
        assert_eq!(t.ignored.len(), 1);
    }

    #[test]
    fn folder_inside_vault_with_vault_flag() {
        let d = vault();
        let v = d.path().join("v");
        let t = resolve(&[v.join("Actors")], Some(&v)).unwrap();
        assert!(t.selects("Actors/A.md"));
        assert!(!t.selects("B.md"));
    }

    #[test]
    fn errors() {
        let d = vault();
        assert!(resolve(&[d.path().join("nope.md")], None).is_err());
        let v = d.path().join("v");
        let outside = d.path().join("out.md");
        std::fs::write(&outside, "").unwrap();
        assert!(resolve(&[outside], Some(&v)).is_err());
    }
}
