//! Writing a note's new bytes: the one place vaultlint writes a note, for `check --fix`.
//!
//! A note is written whole and atomically: the new bytes go to a temporary file in the note's
//! own folder, which then takes the note's name, so a reader sees the old note or the new one,
//! never half of either. The note keeps its permissions. Nothing is written when the note is
//! no longer the bytes it was read as, when it is read-only, when any part of its path below
//! the vault root is a symbolic link, or when the path leads out of the vault.

use std::fs;
use std::io::Write;
use std::path::{Component, Path, PathBuf};

use super::read::{MAX_NOTE_BYTES, read_note};

/// Why a note was not written.
#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    #[error("the note changed on disk since it was read; it was not written")]
    Changed,
    #[error("the note is read-only; it was not written")]
    ReadOnly,
    #[error("`{0}` is a symbolic link; vaultlint does not write through links")]
    Symlink(String),
    #[error("the path leads outside the vault")]
    Outside,
    #[error("cannot write the note: {0}")]
    Io(#[from] std::io::Error),
}

/// Replaces the note at `path` (vault-relative, `/`-separated) below `root` with `new`, when
/// its bytes on disk are still `read`.
pub fn write_note(root: &Path, path: &str, read: &[u8], new: &[u8]) -> Result<(), WriteError> {
    let file = inside(root, path)?;
    let meta = fs::symlink_metadata(&file)?;
    if meta.permissions().readonly() {
        return Err(WriteError::ReadOnly);
    }
    let on_disk = read_note(&file, MAX_NOTE_BYTES).map_err(|_| WriteError::Changed)?;
    if on_disk != read {
        return Err(WriteError::Changed);
    }
    let folder = file.parent().ok_or(WriteError::Outside)?;
    let name = file
        .file_name()
        .ok_or(WriteError::Outside)?
        .to_string_lossy()
        .into_owned();
    let (temp, mut out) = temporary(folder, &name)?;
    let written = out
        .write_all(new)
        .and_then(|()| out.sync_all())
        .and_then(|()| fs::set_permissions(&temp, meta.permissions()));
    drop(out);
    let renamed = written.and_then(|()| fs::rename(&temp, &file));
    if let Err(err) = renamed {
        let _ = fs::remove_file(&temp);
        return Err(err.into());
    }
    Ok(())
}

/// The file of `path` below `root`, when every part of it is a plain name and none of the
/// folders on the way, nor the note, is a symbolic link.
fn inside(root: &Path, path: &str) -> Result<PathBuf, WriteError> {
    let mut at = root.to_path_buf();
    let relative = Path::new(path);
    let plain = relative
        .components()
        .all(|part| matches!(part, Component::Normal(_)));
    if path.is_empty() || !plain {
        return Err(WriteError::Outside);
    }
    for name in relative.components() {
        at.push(name);
        if fs::symlink_metadata(&at)?.file_type().is_symlink() {
            return Err(WriteError::Symlink(path.to_string()));
        }
    }
    Ok(at)
}

/// A new file next to the note, with a name no other file has (`.Note.md.vaultlint-<pid>-<n>`).
fn temporary(folder: &Path, name: &str) -> std::io::Result<(PathBuf, fs::File)> {
    let pid = std::process::id();
    let mut attempt = 0u32;
    loop {
        let temp = folder.join(format!(".{name}.vaultlint-{pid}-{attempt}"));
        match fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&temp)
        {
            Ok(file) => return Ok((temp, file)),
            Err(err) if err.kind() == std::io::ErrorKind::AlreadyExists && attempt < 100 => {
                attempt += 1;
            }
            Err(err) => return Err(err),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_the_new_bytes_and_leaves_no_temporary_file() {
        let dir = tempfile::tempdir().unwrap();
        fs::create_dir(dir.path().join("People")).unwrap();
        fs::write(dir.path().join("People/Ada.md"), "old\r\n").unwrap();
        write_note(dir.path(), "People/Ada.md", b"old\r\n", b"new\r\n").unwrap();
        assert_eq!(
            fs::read(dir.path().join("People/Ada.md")).unwrap(),
            b"new\r\n"
        );
        let names: Vec<_> = fs::read_dir(dir.path().join("People"))
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names.len(), 1, "{names:?}");
    }

    #[test]
    fn a_note_changed_since_it_was_read_is_not_written() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join("A.md"), "edited meanwhile\n").unwrap();
        let err = write_note(dir.path(), "A.md", b"as read\n", b"fixed\n").unwrap_err();
        assert!(matches!(err, WriteError::Changed), "{err}");
        assert_eq!(
            fs::read(dir.path().join("A.md")).unwrap(),
            b"edited meanwhile\n"
        );
    }

    #[test]
    fn paths_out_of_the_vault_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        for path in ["../A.md", "/etc/A.md", "", "a/../../A.md"] {
            let err = write_note(dir.path(), path, b"", b"x").unwrap_err();
            assert!(matches!(err, WriteError::Outside), "{path}: {err}");
        }
    }

    #[cfg(unix)]
    #[test]
    fn symlinks_are_never_followed() {
        let dir = tempfile::tempdir().unwrap();
        let elsewhere = tempfile::tempdir().unwrap();
        fs::write(elsewhere.path().join("A.md"), "x\n").unwrap();
        std::os::unix::fs::symlink(elsewhere.path(), dir.path().join("Linked")).unwrap();
        std::os::unix::fs::symlink(elsewhere.path().join("A.md"), dir.path().join("B.md")).unwrap();
        for path in ["Linked/A.md", "B.md"] {
            let err = write_note(dir.path(), path, b"x\n", b"y\n").unwrap_err();
            assert!(matches!(err, WriteError::Symlink(_)), "{path}: {err}");
        }
        assert_eq!(fs::read(elsewhere.path().join("A.md")).unwrap(), b"x\n");
    }

    #[cfg(unix)]
    #[test]
    fn permissions_are_kept_and_read_only_notes_refused() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let note = dir.path().join("A.md");
        fs::write(&note, "a\n").unwrap();
        fs::set_permissions(&note, fs::Permissions::from_mode(0o640)).unwrap();
        write_note(dir.path(), "A.md", b"a\n", b"b\n").unwrap();
        let mode = fs::metadata(&note).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o640);
        fs::set_permissions(&note, fs::Permissions::from_mode(0o444)).unwrap();
        let err = write_note(dir.path(), "A.md", b"b\n", b"c\n").unwrap_err();
        assert!(matches!(err, WriteError::ReadOnly), "{err}");
        assert_eq!(fs::read(&note).unwrap(), b"b\n");
    }
}
