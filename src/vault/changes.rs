//! `--changed-since REV`: what changed in the vault since a git revision, read by running
//! `git` (no git library: the `git` users have is the one that knows their repository).
//!
//! REV is compared with the working tree, uncommitted and untracked changes included:
//! `git diff -M --raw REV` plus `git ls-files --others --exclude-standard`. In a pull
//! request checkout (the merge commit) against the base branch, that is exactly the pull
//! request's changes. Only REV's commit is needed, so a shallow checkout works once REV is
//! fetched. The vault may be a folder inside the repository.
//!
//! The one thing read without git is a version at REV that git keeps as a loose object (a
//! zlib file named by its id, in the folder `git rev-parse --git-path objects` names): its
//! format is fixed, and reading it in-process costs less than a `git cat-file` answer. Git
//! is asked for every other object, and for a loose one whose file cannot be read.
//!
//! Owns which notes a changed-notes run reports, and the before/after facts `date-not-bumped`
//! needs; it does not decide severities or render anything.

use std::collections::{BTreeMap, BTreeSet};
use std::hash::{BuildHasher, Hash, Hasher};
use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use super::discover::is_note;
use super::read::MAX_NOTE_BYTES;
use super::renames::Renames;
use crate::figures::ParseOptions;
use crate::index::{Resolution, VaultIndex};
use crate::model::scan::DateMarker;
use crate::model::{DateOptions, Note};

/// What changed since a revision.
#[derive(Debug)]
pub struct Changes {
    /// The revision as the user wrote it, for messages.
    pub rev: String,
    /// Notes (vault paths) added, modified, copied or renamed since REV, or untracked.
    pub changed: BTreeSet<String>,
    /// Per note that existed at REV (under its old name, if renamed) and still exists, by its
    /// path now: what `date-not-bumped` compares of its version at REV, or where to read it.
    /// The version on disk is compared when the note is parsed for the check
    /// ([`Changes::revision`]), so that it is read and parsed once.
    before: BTreeMap<String, Before>,
    /// The repository's folder (for git), and the Updated dates the versions at REV are read
    /// for when their notes are checked.
    root: PathBuf,
    dates: DateOptions,
    /// Files (notes and attachments) deleted or renamed away since REV, as an index of their
    /// old paths: links are resolved against it to find the links those changes broke.
    gone: VaultIndex,
    /// Whether any file was deleted or renamed away: else no link can have broken without
    /// its note changing, and the notes that did not change need not be read for links.
    has_gone: bool,
    /// The notes git pairs as renamed (`broken-link` fixes links to their old names).
    pub renames: Renames,
}

/// The version at REV of a modified note.
#[derive(Debug)]
enum Before {
    /// Read through `git cat-file` while the changes were collected: its digest.
    Read(Digest),
    /// A loose object (its own zlib file in the repository's objects folder, as a commit
    /// writes it until git packs it), read and digested when its note is checked: on the
    /// check's own threads, while other notes are parsed, and only for a note that has an
    /// Updated date. `blob` is asked of git if the file cannot be read.
    Loose { blob: String, file: PathBuf },
}

/// How a note changed between REV and the working tree.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Revision {
    /// The body (after the front matter), Updated lines left out, differs.
    pub body_changed: bool,
    /// The set of Updated dates (front matter fields and body markers, as written) differs.
    pub dates_changed: bool,
}

/// Why the changes could not be read (exit 2).
#[derive(Debug, thiserror::Error)]
pub enum ChangesError {
    #[error("--changed-since needs the `git` command, which could not be run: {0}")]
    GitMissing(#[source] std::io::Error),
    #[error("--changed-since: the vault `{}` is not inside a git repository", .0.display())]
    NotARepository(PathBuf),
    #[error(
        "--changed-since: `{0}` is not a known revision (in a shallow clone, fetch it first, e.g. `git fetch --depth=1 origin {0}`)"
    )]
    UnknownRevision(String),
    #[error("--changed-since: `git {command}` failed: {stderr}")]
    Git { command: String, stderr: String },
}

impl Changes {
    /// Reads what changed in the vault at `root` since `rev`. `parse` reads the Updated dates
    /// of both versions of each modified note.
    /// `versions_before`: whether to read the version at REV of every modified note (for
    /// `date-not-bumped`; a run without that rule needs only which paths changed).
    pub fn collect(
        root: &Path,
        rev: &str,
        parse: &ParseOptions,
        versions_before: bool,
    ) -> Result<Changes, ChangesError> {
        // `--git-path objects` is where git keeps objects for this working tree (a linked
        // worktree's are in the main one's; `GIT_OBJECT_DIRECTORY` is honoured), relative to
        // the vault's folder.
        let inside = git(
            root,
            &[
                "rev-parse",
                "--is-inside-work-tree",
                "--git-path",
                "objects",
            ],
        )?;
        let answer = String::from_utf8_lossy(&inside.stdout);
        let mut lines = answer.lines();
        if !inside.status.success() || lines.next().map(str::trim) != Some("true") {
            return Err(ChangesError::NotARepository(root.to_path_buf()));
        }
        let objects = lines
            .next()
            .filter(|p| !p.is_empty())
            .map(|p| root.join(p))
            .filter(|p| p.is_dir());
        let verify = git(
            root,
            &[
                "rev-parse",
                "--verify",
                "--quiet",
                "--end-of-options",
                &format!("{rev}^{{commit}}"),
            ],
        )?;
        let commit = String::from_utf8_lossy(&verify.stdout).trim().to_string();
        if !verify.status.success() || commit.is_empty() {
            return Err(ChangesError::UnknownRevision(rev.to_string()));
        }

        // Untracked files are listed while git compares REV with the working tree.
        let ls_files = ["ls-files", "--others", "--exclude-standard", "-z"];
        let untracked = Command::new("git")
            .arg("-C")
            .arg(root)
            .args(ls_files)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(ChangesError::GitMissing)?;
        let diff = checked(
            root,
            &[
                "-c",
                "core.quotePath=false",
                "diff",
                "--relative",
                "-M",
                "--raw",
                "--no-abbrev",
                "-z",
                "--no-ext-diff",
                &commit,
                "--",
            ],
        )?;
        let untracked = untracked
            .wait_with_output()
            .map_err(ChangesError::GitMissing)?;
        if !untracked.status.success() {
            return Err(ChangesError::Git {
                command: ls_files.join(" "),
                stderr: String::from_utf8_lossy(&untracked.stderr)
                    .trim()
                    .to_string(),
            });
        }
        let untracked = untracked.stdout;

        let mut changed = BTreeSet::new();
        let mut renames = Renames::default();
        let mut gone = Vec::new();
        let mut modified = Vec::new();
        for entry in parse_raw(&String::from_utf8_lossy(&diff)) {
            match entry {
                Entry::Added(path) => {
                    changed.insert(path);
                }
                Entry::Modified { path, blob } => {
                    modified.push((path.clone(), path.clone(), blob));
                    changed.insert(path);
                }
                Entry::Deleted(path) => gone.push(path),
                Entry::Renamed { from, to, blob } => {
                    if is_note(&from) && is_note(&to) {
                        renames.push(from.clone(), to.clone());
                    }
                    modified.push((from.clone(), to.clone(), blob));
                    gone.push(from);
                    changed.insert(to);
                }
            }
        }
        for path in String::from_utf8_lossy(&untracked).split('\0') {
            if !path.is_empty() {
                changed.insert(path.to_string());
            }
        }
        changed.retain(|p| is_note(p));

        modified.retain(|(old, new, _)| versions_before && is_note(old) && is_note(new));
        // A version at REV that is a loose object is read when its note is checked. The
        // others (in packs, as in a clone) are read now for their dates as git sends them,
        // while git reads the next: no more than one old version per reader is held at a time.
        let mut before: BTreeMap<String, Before> = BTreeMap::new();
        let mut packed = Vec::new();
        for (_, new_path, blob) in modified {
            match objects.as_deref().and_then(|dir| loose_file(dir, &blob)) {
                Some(file) => {
                    before.insert(new_path, Before::Loose { blob, file });
                }
                None => packed.push((new_path, blob)),
            }
        }
        let blobs: Vec<&str> = packed.iter().map(|(_, blob)| blob.as_str()).collect();
        let digests = old_versions(root, &blobs, &|old: String| Digest::of(&old, &parse.dates))?;
        for (i, digest) in digests {
            if let Some((new_path, _)) = packed.get(i) {
                before.insert(new_path.clone(), Before::Read(digest));
            }
        }

        gone.sort();
        gone.dedup();
        let has_gone = !gone.is_empty();
        let (notes, files): (Vec<String>, Vec<String>) = gone.into_iter().partition(|p| is_note(p));
        let notes = notes
            .iter()
            .map(|p| Note::parse(p.as_str(), "", parse))
            .collect::<Vec<_>>();
        Ok(Changes {
            rev: rev.to_string(),
            changed,
            before,
            root: root.to_path_buf(),
            dates: parse.dates.clone(),
            gone: VaultIndex::new(notes, files),
            has_gone,
            renames,
        })
    }

    /// How `note` (parsed whole from `text`) changed since REV; `None` when it did not exist
    /// there, is not a modified note, or has no Updated date (nothing to bump, so its version
    /// at REV is not read).
    pub fn revision(&self, note: &Note, text: &str) -> Option<Revision> {
        if note.dates.is_empty() {
            return None;
        }
        let read;
        let before = match self.before.get(&*note.path)? {
            Before::Read(digest) => digest,
            Before::Loose { blob, file } => {
                read = self.read_loose(blob, file)?;
                &read
            }
        };
        let after = Digest::from_parts(text, note.body_start, &note.dates);
        Some(Revision {
            body_changed: before.body != after.body,
            dates_changed: before.dates != after.dates,
        })
    }

    /// The digest of the loose object `blob` in `file`; asked of git when the file cannot be
    /// read or inflated (packed meanwhile by a `git gc`, say). `None` when it is not UTF-8
    /// text, or git does not have it either.
    fn read_loose(&self, blob: &str, file: &Path) -> Option<Digest> {
        let text = match read_loose_blob(file) {
            Ok(text) => text,
            Err(_) => batch(&self.root, &[blob], 0, &|text| text)
                .ok()?
                .pop()
                .map(|(_, text)| text),
        }?;
        Some(Digest::of(&text, &self.dates))
    }

    /// Whether a note that did not change can still be reported: a file was deleted or
    /// renamed away, so its links must be read to find those that broke.
    pub fn may_break_links(&self) -> bool {
        self.has_gone
    }

    /// True when a changed-notes run reports `note`: it changed, or one of its links leads
    /// nowhere now but named a file that was deleted or renamed since REV.
    pub fn touches(&self, note: &Note, index: &VaultIndex) -> bool {
        self.changed.contains(&*note.path)
            || self.has_gone
                && note.links.iter().any(|link| {
                    !link.is_same_note()
                        && index.resolve(&link.path, &note.path) == Resolution::Missing
                        && matches!(
                            self.gone.resolve(&link.path, &note.path),
                            Resolution::Note { .. } | Resolution::File(_)
                        )
                })
    }
}

/// One entry of `git diff --raw -z`; `blob` is the object id of the version at REV.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Entry {
    Added(String),
    Modified {
        path: String,
        blob: String,
    },
    Deleted(String),
    Renamed {
        from: String,
        to: String,
        blob: String,
    },
}

/// Parses `git diff --raw --no-abbrev -z` output: `:MODE MODE OLD NEW STATUS\0PATH\0`, or
/// `...R<score>\0OLD\0NEW\0` for renames and copies. A copy is a new note; a type change
/// counts as a modification. The old object id is what `git cat-file` is asked for: no path
/// is looked up in REV's trees again.
fn parse_raw(text: &str) -> Vec<Entry> {
    let mut out = Vec::new();
    let mut fields = text.split('\0');
    while let Some(header) = fields.next() {
        let mut parts = header.split(' ');
        let (Some(_), Some(_), Some(blob), Some(_), Some(status)) = (
            parts.next(),
            parts.next(),
            parts.next(),
            parts.next(),
            parts.next(),
        ) else {
            continue;
        };
        let Some(kind) = status.chars().next() else {
            continue;
        };
        let Some(path) = fields.next() else { break };
        let (path, blob) = (path.to_string(), blob.to_string());
        match kind {
            'R' | 'C' => {
                let Some(to) = fields.next() else { break };
                out.push(if kind == 'R' {
                    Entry::Renamed {
                        from: path,
                        to: to.to_string(),
                        blob,
                    }
                } else {
                    Entry::Added(to.to_string())
                });
            }
            'A' => out.push(Entry::Added(path)),
            'D' => out.push(Entry::Deleted(path)),
            _ => out.push(Entry::Modified { path, blob }),
        }
    }
    out
}

/// What `date-not-bumped` compares between two versions of a note.
#[derive(Debug, PartialEq, Eq)]
struct Digest {
    dates: BTreeSet<String>,
    /// A hash of the body's lines, minus the lines holding an Updated marker and the blank
    /// lines at the end, line endings normalised: what is compared, without keeping the text.
    body: u64,
}

impl Digest {
    fn of(text: &str, options: &DateOptions) -> Digest {
        let (body_start, dates) = Note::dates_in(text, options);
        Digest::from_parts(text, body_start, &dates)
    }

    /// The digest of `text`, whose body starts at `body_start` and whose Updated dates are
    /// `dates`.
    fn from_parts(text: &str, body_start: usize, dates: &[DateMarker]) -> Digest {
        let mut markers: Vec<usize> = dates
            .iter()
            .filter(|d| !d.is_field())
            .map(|d| d.span.start())
            .collect();
        markers.sort_unstable();
        let mut markers = markers.into_iter().peekable();
        // Both digests are made in one run: any fixed seed does, and foldhash reads a long
        // line several times faster than the default SipHash.
        let mut hasher = foldhash::quality::FixedState::with_seed(0).build_hasher();
        // Blank lines seen since the last line hashed: hashed only if more text follows.
        let mut blanks: Vec<&str> = Vec::new();
        let mut offset = body_start;
        let body = text.get(body_start..).unwrap_or("");
        let mut from = 0;
        // The lines, each with its `\n` (found by memchr: faster than a char pattern).
        let lines = std::iter::from_fn(|| {
            let rest = body.get(from..).filter(|r| !r.is_empty())?;
            let len = memchr::memchr(b'\n', rest.as_bytes()).map_or(rest.len(), |at| at + 1);
            from += len;
            rest.get(..len)
        });
        for line in lines {
            let end = offset + line.len();
            let mut is_marker = false;
            while let Some(&at) = markers.peek().filter(|&&at| at < end) {
                is_marker |= at >= offset;
                markers.next();
            }
            offset = end;
            if is_marker {
                continue;
            }
            let line = line.trim_end_matches(['\n', '\r']);
            if line.trim().is_empty() {
                blanks.push(line);
                continue;
            }
            for blank in blanks.drain(..) {
                blank.hash(&mut hasher);
            }
            line.hash(&mut hasher);
        }
        Digest {
            dates: dates.iter().map(|d| d.raw.clone()).collect(),
            body: hasher.finish(),
        }
    }
}

/// Where git keeps `blob` as a loose object below `objects` (`ab/cdef…`), if the file is
/// there.
fn loose_file(objects: &Path, blob: &str) -> Option<PathBuf> {
    if blob.len() < 4 || !blob.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    let (folder, name) = blob.split_at(2);
    let file = objects.join(folder).join(name);
    file.is_file().then_some(file)
}

/// Reads a loose object: zlib data holding `blob <size>\0` and the bytes. `Ok(None)` when
/// it is an object but not a blob of UTF-8 text (as `git cat-file` answers are read); an
/// error when the file cannot be read or is not a whole object.
fn read_loose_blob(file: &Path) -> std::io::Result<Option<String>> {
    let invalid = |what: &str| std::io::Error::new(std::io::ErrorKind::InvalidData, what);
    let packed = std::fs::read(file)?;
    // A note over the size limit is not read from disk either; the header takes a few bytes.
    let limit = usize::try_from(MAX_NOTE_BYTES)
        .unwrap_or(usize::MAX)
        .saturating_add(64);
    let mut object = miniz_oxide::inflate::decompress_to_vec_zlib_with_limit(&packed, limit)
        .map_err(|_| invalid("not a zlib stream, or too large"))?;
    let end = object
        .iter()
        .take(64)
        .position(|&b| b == 0)
        .ok_or_else(|| invalid("no object header"))?;
    let header = object
        .get(..end)
        .and_then(|h| std::str::from_utf8(h).ok())
        .ok_or_else(|| invalid("bad header"))?;
    let (kind, size) = header
        .split_once(' ')
        .ok_or_else(|| invalid("bad header"))?;
    if size.parse::<usize>().ok() != Some(object.len() - end - 1) {
        return Err(invalid("size differs from the header"));
    }
    if kind != "blob" {
        return Ok(None);
    }
    object.drain(..=end);
    Ok(String::from_utf8(object).ok())
}

/// Reads the `i`th of the `blobs` (object ids) with `read`, as it arrives, for each that is
/// there, is a blob and is UTF-8; returns `(i, what read made of it)`, in no set order.
///
/// Git answers through `git cat-file --batch`: one process, or one per core for a long list
/// (each answering a run of the ids), so that the cost does not grow with a process per
/// changed note and git's reading of its objects is spread over the cores while nothing else
/// runs.
fn old_versions<T: Send>(
    root: &Path,
    blobs: &[&str],
    read: &(impl Fn(String) -> T + Sync),
) -> Result<Vec<(usize, T)>, ChangesError> {
    // A process costs a few milliseconds to start: worth it only for many objects.
    const PER_READER: usize = 256;
    let readers = std::thread::available_parallelism()
        .map_or(1, std::num::NonZeroUsize::get)
        .min(blobs.len().div_ceil(PER_READER))
        .max(1);
    if readers == 1 {
        return batch(root, blobs, 0, read);
    }
    let run = blobs.len().div_ceil(readers);
    std::thread::scope(|scope| {
        let batches: Vec<_> = blobs
            .chunks(run)
            .enumerate()
            .map(|(k, part)| scope.spawn(move || batch(root, part, k * run, read)))
            .collect();
        let mut out = Vec::with_capacity(blobs.len());
        for handle in batches {
            match handle.join() {
                Ok(part) => out.extend(part?),
                Err(_) => {
                    return Err(ChangesError::Git {
                        command: "cat-file --batch".into(),
                        stderr: "a reader of its answers stopped".into(),
                    });
                }
            }
        }
        Ok(out)
    })
}

/// One `git cat-file --batch` for `blobs`, the first being the `first`th of the whole list.
/// The requests are written from a second thread while the answers are read here: git
/// answers as it reads, and a pipe that fills up on either side would otherwise stop both.
fn batch<T>(
    root: &Path,
    blobs: &[&str],
    first: usize,
    read: &impl Fn(String) -> T,
) -> Result<Vec<(usize, T)>, ChangesError> {
    let mut out = Vec::new();
    if blobs.is_empty() {
        return Ok(out);
    }
    // An id is hex digits: anything else would break the one-request-a-line protocol.
    let askable = |blob: &str| !blob.is_empty() && blob.bytes().all(|b| b.is_ascii_hexdigit());
    let requests: String = blobs
        .iter()
        .filter(|blob| askable(blob))
        .map(|blob| format!("{blob}\n"))
        .collect();
    let mut child = Command::new("git")
        .arg("-C")
        .arg(root)
        .args(["cat-file", "--batch"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .map_err(ChangesError::GitMissing)?;
    let failed = |what: &str| ChangesError::Git {
        command: "cat-file --batch".into(),
        stderr: what.into(),
    };
    let (Some(mut stdin), Some(stdout)) = (child.stdin.take(), child.stdout.take()) else {
        return Err(failed("its pipes could not be opened"));
    };
    let writer = std::thread::spawn(move || stdin.write_all(requests.as_bytes()));
    let mut answers = BufReader::new(stdout);
    for (i, blob) in blobs.iter().enumerate() {
        if !askable(blob) {
            continue;
        }
        if let Some(text) = read_answer(&mut answers).map_err(|e| failed(&e.to_string()))? {
            out.push((first + i, read(text)));
        }
    }
    let written = writer.join();
    let status = child.wait().map_err(|e| failed(&e.to_string()))?;
    if !matches!(written, Ok(Ok(()))) || !status.success() {
        return Err(failed("it stopped before answering every path"));
    }
    Ok(out)
}

/// Reads one answer of `git cat-file --batch`: `<oid> blob <size>\n<bytes>\n`, or
/// `<request> missing\n` (or `ambiguous`) for an object that is not there.
fn read_answer(answers: &mut impl BufRead) -> std::io::Result<Option<String>> {
    let mut header = String::new();
    if answers.read_line(&mut header)? == 0 {
        return Err(std::io::Error::new(
            std::io::ErrorKind::UnexpectedEof,
            "no answer",
        ));
    }
    let mut fields = header.split_whitespace();
    let (Some(_), Some(kind), Some(size)) = (fields.next(), fields.next(), fields.next()) else {
        return Ok(None);
    };
    let Ok(size) = size.parse::<u64>() else {
        return Ok(None);
    };
    let mut bytes = Vec::new();
    answers.take(size).read_to_end(&mut bytes)?;
    let mut newline = [0u8; 1];
    answers.read_exact(&mut newline)?;
    if kind != "blob" || u64::try_from(bytes.len()).ok() != Some(size) {
        return Ok(None);
    }
    Ok(String::from_utf8(bytes).ok())
}

fn git(root: &Path, args: &[&str]) -> Result<Output, ChangesError> {
    Command::new("git")
        .arg("-C")
        .arg(root)
        .args(args)
        .output()
        .map_err(ChangesError::GitMissing)
}

/// Runs git and returns its stdout, or its stderr as the error.
fn checked(root: &Path, args: &[&str]) -> Result<Vec<u8>, ChangesError> {
    let out = git(root, args)?;
    if out.status.success() {
        Ok(out.stdout)
    } else {
        Err(ChangesError::Git {
            command: args.join(" "),
            stderr: String::from_utf8_lossy(&out.stderr).trim().to_string(),
        })
    }
}

#[cfg(test)]
impl Changes {
    /// The digest of the version at REV of the note at `path`, read as a check reads it.
    fn digest_before(&self, path: &str) -> Option<Digest> {
        match self.before.get(path)? {
            Before::Read(digest) => Some(Digest {
                dates: digest.dates.clone(),
                body: digest.body,
            }),
            Before::Loose { blob, file } => self.read_loose(blob, file),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Runs git in `root` as a test's author, with no signing and no automatic packing, and
    /// returns what it printed.
    fn git(root: &Path, args: &[&str]) -> String {
        let out = std::process::Command::new("git")
            .current_dir(root)
            .args(["-c", "user.name=t", "-c", "user.email=t@t"])
            .args(["-c", "commit.gpgsign=false", "-c", "gc.auto=0"])
            .args(args)
            .output()
            .unwrap();
        assert!(out.status.success(), "{args:?}");
        String::from_utf8(out.stdout).unwrap()
    }

    #[test]
    fn raw_entries() {
        let (o, z) = ("1".repeat(40), "0".repeat(40));
        let e = |status: &str, old: &str| format!(":100644 100644 {old} {z} {status}");
        let text = [
            e("A", &z),
            "new.md".into(),
            e("M", &o),
            "a b.md".into(),
            e("D", &o),
            "old.md".into(),
            e("R087", &o),
            "x.md".into(),
            "dir/y.md".into(),
            e("C100", &o),
            "s.md".into(),
            "t.md".into(),
            e("T", &o),
            "l.md".into(),
            String::new(),
        ]
        .join("\0");
        assert_eq!(
            parse_raw(&text),
            [
                Entry::Added("new.md".into()),
                Entry::Modified {
                    path: "a b.md".into(),
                    blob: o.clone()
                },
                Entry::Deleted("old.md".into()),
                Entry::Renamed {
                    from: "x.md".into(),
                    to: "dir/y.md".into(),
                    blob: o.clone()
                },
                Entry::Added("t.md".into()),
                Entry::Modified {
                    path: "l.md".into(),
                    blob: o.clone()
                },
            ]
        );
        assert_eq!(parse_raw(""), []);
    }

    #[test]
    fn digest_leaves_out_updated_lines() {
        let p = ParseOptions::default();
        let d = |t: &str| Digest::of(t, &p.dates);
        let base = d("# N\n\n*Updated 2026-01-01*\n\nText\n");
        let bumped = d("# N\n\n*Updated 2026-02-01*\n\nText\n");
        let edited = d("# N\n\n*Updated 2026-01-01*\n\nText, more\n");
        let crlf = d("# N\r\n\r\n*Updated 2026-01-01*\r\n\r\nText\r\n\r\n");
        let field = d("---\nupdated: 2026-01-01\n---\n# N\n\nText\n");
        let field_edited = d("---\nupdated: 2026-01-01\ntags: [x]\n---\n# N\n\nText\n");
        assert_eq!(base.body, bumped.body);
        assert_ne!(base.dates, bumped.dates);
        assert_ne!(base.body, edited.body);
        assert_eq!(base.dates, edited.dates);
        assert_eq!(base, crlf);
        // Front matter is not the body: editing tags does not ask for a new date.
        assert_eq!(field.body, field_edited.body);
        // Blank lines count inside the body, not at its end.
        assert_ne!(d("A\n\nB\n").body, d("A\n \nB\n").body);
        assert_eq!(d("A\nB\n").body, d("A\nB\n \n\n").body);
    }

    #[test]
    fn batch_answers_are_read_in_order() {
        let stream: &[u8] = b"e69d blob 5\nhello\nHEAD:./gone.md missing\n\
            a1b2 blob 2\n\xff\xfe\nc3d4 tree 3\nabc\nf00d blob 0\n\n";
        let mut answers = std::io::Cursor::new(stream);
        let mut next = || read_answer(&mut answers).unwrap();
        assert_eq!(next(), Some("hello".to_string()));
        assert_eq!(next(), None, "missing");
        assert_eq!(next(), None, "not UTF-8");
        assert_eq!(next(), None, "not a blob");
        assert_eq!(next(), Some(String::new()));
        assert!(read_answer(&mut answers).is_err(), "no more answers");
    }

    #[test]
    fn old_versions_are_read_only_when_asked() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        let run = |args: &[&str]| {
            git(root, args);
        };
        run(&["init", "-q"]);
        std::fs::write(root.join("A.md"), "# A\n\n*Updated 2026-01-01*\n\nText\n").unwrap();
        run(&["add", "A.md"]);
        run(&["commit", "-q", "-m", "a"]);
        std::fs::write(root.join("A.md"), "# A\n\n*Updated 2026-01-01*\n\nMore\n").unwrap();
        let p = ParseOptions::default();
        let without = Changes::collect(root, "HEAD", &p, false).unwrap();
        let with = Changes::collect(root, "HEAD", &p, true).unwrap();
        assert!(without.changed.contains("A.md") && with.changed.contains("A.md"));
        assert!(without.before.is_empty());
        assert!(with.before.contains_key("A.md"));
    }

    #[test]
    fn many_old_versions_are_read_by_several_readers_each_to_its_note() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        let git = |args: &[&str]| {
            git(root, args);
        };
        git(&["init", "-q"]);
        // More notes than one reader takes, each with its own dates, all edited since.
        let old = |k: usize| {
            format!(
                "# N{k}\n\n*Updated 2026-01-{:02}*\n\nText {k}\n",
                k % 28 + 1
            )
        };
        let count = 700;
        for k in 0..count {
            std::fs::write(root.join(format!("N{k}.md")), old(k)).unwrap();
        }
        git(&["add", "-A"]);
        git(&["commit", "-q", "-m", "a"]);
        for k in 0..count {
            std::fs::write(root.join(format!("N{k}.md")), format!("{}More\n", old(k))).unwrap();
        }
        let p = ParseOptions::default();
        let changes = Changes::collect(root, "HEAD", &p, true).unwrap();
        assert_eq!(changes.before.len(), count);
        for k in [0, 255, 256, 511, 512, count - 1] {
            assert_eq!(
                changes.digest_before(&format!("N{k}.md")),
                Some(Digest::of(&old(k), &p.dates)),
                "N{k}"
            );
        }
    }

    #[test]
    fn old_versions_read_alike_from_loose_objects_packs_and_git() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        let git = |args: &[&str]| git(root, args);
        git(&["init", "-q"]);
        let old = |name: &str| format!("# {name}\n\n*Updated 2026-01-01*\n\nText of {name}\n");
        for name in ["A", "B", "C"] {
            std::fs::write(root.join(format!("{name}.md")), old(name)).unwrap();
        }
        git(&["add", "-A"]);
        git(&["commit", "-q", "-m", "a"]);
        for name in ["A", "B", "C"] {
            let new = format!("{}More\n", old(name));
            std::fs::write(root.join(format!("{name}.md")), new).unwrap();
        }
        // Packed as well as loose; A's loose file then made unreadable: git still has it.
        git(&["repack", "-a", "-q"]);
        let blob = git(&["rev-parse", "HEAD:A.md"]);
        let loose = root
            .join(".git/objects")
            .join(&blob[..2])
            .join(blob[2..].trim());
        std::fs::remove_file(&loose).unwrap();
        std::fs::write(&loose, b"not zlib").unwrap();
        let p = ParseOptions::default();
        let want = |name: &str| Some(Digest::of(&old(name), &p.dates));
        let changes = Changes::collect(root, "HEAD", &p, true).unwrap();
        assert!(
            changes
                .before
                .values()
                .all(|b| matches!(b, Before::Loose { .. }))
        );
        for name in ["A", "B", "C"] {
            assert_eq!(changes.digest_before(&format!("{name}.md")), want(name));
        }
        // A note checked: its body changed, its date did not; one without a date is not read.
        let text = format!("{}More\n", old("B"));
        let note = Note::parse("B.md", &text, &p);
        let revision = changes.revision(&note, &text).unwrap();
        assert!(revision.body_changed && !revision.dates_changed);
        let undated = Note::parse("B.md", "# B\n\nMore\n", &p);
        assert_eq!(changes.revision(&undated, "# B\n\nMore\n"), None);
        // Once only in the pack, every version is read through git while collecting.
        git(&["prune-packed"]);
        let changes = Changes::collect(root, "HEAD", &p, true).unwrap();
        assert!(
            changes
                .before
                .values()
                .all(|b| matches!(b, Before::Read(_)))
        );
        for name in ["A", "B", "C"] {
            assert_eq!(changes.digest_before(&format!("{name}.md")), want(name));
        }
    }

    #[test]
    fn digest_of_a_note_of_many_markers_is_linear() {
        // 20,000 Updated lines between text lines: each line is matched against the markers
        // by a walk in order, not a search per line.
        let p = ParseOptions::default();
        let text = "*Updated 2026-01-01*\nText\n".repeat(20_000);
        let edited = format!("{text}More\n");
        let (a, b) = (Digest::of(&text, &p.dates), Digest::of(&edited, &p.dates));
        assert_eq!(a.dates, b.dates);
        assert_ne!(a.body, b.body);
        assert_eq!(a.body, Digest::of(&"Text\n".repeat(20_000), &p.dates).body);
    }
}
