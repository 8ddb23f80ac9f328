//! Reading a note's bytes: the one place vaultlint reads a note from disk, and the check that
//! the bytes are text it can parse.
//!
//! Owns the size bound, the UTF-8 check and the messages for notes that cannot be read. Does
//! not decide what an unreadable note means for a run: the engine records it as a problem,
//! the report renders a note without its lines.

use std::io::Read;
use std::path::Path;

use crate::model::{LineCol, LineIndex};

/// The largest note vaultlint reads. The Markdown parser's tree costs up to ~25 bytes per
/// byte of dense markup, so a bound on the note is the bound on memory; real notes stay far
/// below it (a long web clipping is a few hundred kilobytes).
pub const MAX_NOTE_BYTES: u64 = 16 * 1024 * 1024;

/// Why some bytes are not a note vaultlint can parse.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Undecodable {
    pub message: String,
    /// Byte offset of the first bad byte.
    pub offset: usize,
    /// Its line and column (the text before it is valid UTF-8).
    pub position: LineCol,
}

/// Reads a note's bytes, refusing files over `limit` before reading them (and files that grow
/// past it while being read). Opens for reading only.
pub fn read_note(path: &Path, limit: u64) -> Result<Vec<u8>, String> {
    let file = std::fs::File::open(path).map_err(|e| read_error(&e))?;
    let size = file.metadata().map_err(|e| read_error(&e))?.len();
    if size > limit {
        return Err(too_large(size, limit));
    }
    let mut bytes = Vec::with_capacity(usize::try_from(size).unwrap_or(0));
    file.take(limit.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(|e| read_error(&e))?;
    let read = u64::try_from(bytes.len()).unwrap_or(u64::MAX);
    if read > limit {
        return Err(too_large(read, limit));
    }
    Ok(bytes)
}

/// The message for an I/O error on a note, with the operating system's words.
pub fn read_error(err: &std::io::Error) -> String {
    match err.kind() {
        std::io::ErrorKind::NotFound => format!("Note vanished during the run: {err}"),
        std::io::ErrorKind::PermissionDenied => {
            format!("Cannot read note (permission denied): {err}")
        }
        _ => format!("Cannot read note: {err}"),
    }
}

fn too_large(size: u64, limit: u64) -> String {
    const MIB: f64 = 1024.0 * 1024.0;
    #[allow(clippy::cast_precision_loss)]
    let (size, limit) = (size as f64 / MIB, limit as f64 / MIB);
    format!("Note is {size:.1} MiB, over the {limit:.0} MiB vaultlint reads; it was not checked")
}

/// Turns a note's bytes into text: any valid UTF-8, NUL bytes included. Bytes that are not
/// UTF-8 are an error naming the first bad byte, by offset and by line and column; the error
/// calls the file binary when a NUL byte comes before that byte.
pub fn decode(bytes: Vec<u8>) -> Result<String, Undecodable> {
    // A NUL byte in valid UTF-8 is text (Obsidian opens it, and so does every editor): only
    // bytes that are not UTF-8 make a note unreadable.
    let err = match String::from_utf8(bytes) {
        Ok(text) => return Ok(text),
        Err(err) => err,
    };
    if let [0xff, 0xfe, ..] | [0xfe, 0xff, ..] = err.as_bytes() {
        return Err(undecodable(
            "",
            0,
            "Note is UTF-16 text (byte-order mark at offset 0), not UTF-8".into(),
        ));
    }
    let valid = err.utf8_error().valid_up_to();
    // The bytes before `valid_up_to` are UTF-8 by definition.
    let prefix = std::str::from_utf8(err.as_bytes().get(..valid).unwrap_or_default()).unwrap_or("");
    Err(match prefix.find('\0') {
        Some(at) => undecodable(prefix, at, binary(at)),
        None => undecodable(
            prefix,
            valid,
            format!("Note is not valid UTF-8 (first bad byte at offset {valid})"),
        ),
    })
}

fn binary(at: usize) -> String {
    format!("Note is binary, not text (NUL byte at offset {at})")
}

/// `text` holds at least the valid UTF-8 before `offset`.
fn undecodable(text: &str, offset: usize, message: String) -> Undecodable {
    let before = text.get(..offset).unwrap_or(text);
    Undecodable {
        message,
        offset,
        position: LineIndex::new(before).line_col(before, before.len()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decode_table() {
        let ok = |b: &[u8]| decode(b.to_vec()).unwrap();
        assert_eq!(ok(b""), "");
        assert_eq!(ok("caf\u{e9}\r\n".as_bytes()), "caf\u{e9}\r\n");
        // NUL is a character like any other in UTF-8 text.
        assert_eq!(ok(b"a\x00b\n"), "a\u{0}b\n");
        // (bytes, offset, line, column, message start)
        let bad: &[(&[u8], usize, usize, usize, &str)] = &[
            (b"abc\xff", 3, 1, 4, "Note is not valid UTF-8"),
            (b"a\nb\r\ncaf\xe9 x", 8, 3, 4, "Note is not valid UTF-8"),
            (b"\xef\xbb\xbfab\xc3", 5, 1, 3, "Note is not valid UTF-8"),
            (b"x\n\x00y\xfe", 2, 2, 1, "Note is binary"),
            (b"x\x00\xff", 1, 1, 2, "Note is binary"),
            (b"\xff\x00", 0, 1, 1, "Note is not valid UTF-8"),
            (b"\xc3\xa9\xc3\xa9\x00\xc3", 4, 1, 3, "Note is binary"),
            (b"\xff\xfe#\x00", 0, 1, 1, "Note is UTF-16 text"),
            (b"\xfe\xff\x00#", 0, 1, 1, "Note is UTF-16 text"),
        ];
        for (bytes, offset, line, column, start) in bad {
            let u = decode(bytes.to_vec()).unwrap_err();
            assert_eq!(u.offset, *offset, "{bytes:?}");
            assert_eq!(
                u.position,
                LineCol {
                    line: *line,
                    column: *column
                },
                "{bytes:?}"
            );
            assert!(u.message.starts_with(start), "{bytes:?}: {}", u.message);
            assert!(
                u.message.contains(&format!("offset {offset}")),
                "{bytes:?}: {}",
                u.message
            );
        }
    }

    #[test]
    fn read_errors_carry_the_os_message() {
        use std::io::{Error, ErrorKind};
        let gone = Error::from(ErrorKind::NotFound);
        assert!(read_error(&gone).starts_with("Note vanished during the run: "));
        let denied = Error::from_raw_os_error(13);
        let m = read_error(&denied);
        assert!(
            m.starts_with("Cannot read note (permission denied): "),
            "{m}"
        );
        assert!(m.contains("os error 13"), "{m}");
        let other = Error::other("disk on fire");
        assert_eq!(read_error(&other), "Cannot read note: disk on fire");
    }

    #[test]
    fn read_note_limits_and_vanishing() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.md");
        std::fs::write(&path, "0123456789").unwrap();
        assert_eq!(read_note(&path, 10).unwrap(), b"0123456789");
        let big = read_note(&path, 9).unwrap_err();
        assert!(big.starts_with("Note is 0.0 MiB, over the 0 MiB"), "{big}");
        std::fs::remove_file(&path).unwrap();
        let gone = read_note(&path, 10).unwrap_err();
        assert!(gone.starts_with("Note vanished during the run: "), "{gone}");
        assert!(gone.contains("os error 2"), "{gone}");
    }
}
