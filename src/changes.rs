//! `--changed-since REV`: what changed in the vault since a git revision, read by running
//! `git` (no git library: the `git` users have is the one that knows their repository).
//!
//! REV is compared with the working tree, uncommitted and untracked changes included:
//! `git diff -M --name-status REV` plus `git ls-files --others --exclude-standard`. In a pull
//! request checkout (the merge commit) against the base branch, that is exactly the pull
//! request's changes. Only REV's commit is needed, so a shallow checkout works once REV is
//! fetched. The vault may be a folder inside the repository.
//!
//! Owns which notes a changed-notes run reports, and the before/after facts `date-not-bumped`
//! needs; it does not decide severities or render anything.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use crate::discover::is_note;
use crate::index::{Resolution, VaultIndex};
use crate::model::{Note, ParseOptions};

/// What changed since a revision.
#[derive(Debug)]
pub struct Changes {
    /// The revision as the user wrote it, for messages.
    pub rev: String,
    /// Notes (vault paths) added, modified, copied or renamed since REV, or untracked.
    pub changed: BTreeSet<String>,
    /// Per note that existed at REV (under its old name, if renamed) and still exists: how it
    /// changed.
    pub revisions: BTreeMap<String, Revision>,
    /// Files (notes and attachments) deleted or renamed away since REV, as an index of their
    /// old paths: links are resolved against it to find the links those changes broke.
    gone: VaultIndex,
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
    pub fn collect(root: &Path, rev: &str, parse: &ParseOptions) -> Result<Changes, ChangesError> {
        let inside = git(root, &["rev-parse", "--is-inside-work-tree"])?;
        if !inside.status.success() || String::from_utf8_lossy(&inside.stdout).trim() != "true" {
            return Err(ChangesError::NotARepository(root.to_path_buf()));
        }
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

        let diff = checked(
            root,
            &[
                "-c",
                "core.quotePath=false",
                "diff",
                "--relative",
                "-M",
                "--name-status",
                "-z",
                "--no-ext-diff",
                &commit,
                "--",
            ],
        )?;
        let untracked = checked(root, &["ls-files", "--others", "--exclude-standard", "-z"])?;

        let mut changed = BTreeSet::new();
        let mut gone = Vec::new();
        let mut modified = Vec::new();
        for entry in parse_name_status(&String::from_utf8_lossy(&diff)) {
            match entry {
                Entry::Added(path) => {
                    changed.insert(path);
                }
                Entry::Modified(path) => {
                    modified.push((path.clone(), path.clone()));
                    changed.insert(path);
                }
                Entry::Deleted(path) => gone.push(path),
                Entry::Renamed { from, to } => {
                    modified.push((from.clone(), to.clone()));
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

        let mut revisions = BTreeMap::new();
        for (old_path, new_path) in modified {
            if !is_note(&new_path) || !is_note(&old_path) {
                continue;
            }
            let old = git(root, &["show", &format!("{commit}:./{old_path}")])?;
            if !old.status.success() {
                continue;
            }
            let (Ok(old), Ok(new)) = (
                String::from_utf8(old.stdout),
                std::fs::read_to_string(root.join(&new_path)),
            ) else {
                continue;
            };
            let before = Digest::of(&old_path, &old, parse);
            let after = Digest::of(&new_path, &new, parse);
            revisions.insert(
                new_path,
                Revision {
                    body_changed: before.body != after.body,
                    dates_changed: before.dates != after.dates,
                },
            );
        }

        gone.sort();
        gone.dedup();
        let (notes, files): (Vec<String>, Vec<String>) = gone.into_iter().partition(|p| is_note(p));
        let notes = notes
            .iter()
            .map(|p| Note::parse(p.as_str(), "", parse))
            .collect::<Vec<_>>();
        Ok(Changes {
            rev: rev.to_string(),
            changed,
            revisions,
            gone: VaultIndex::new(notes, files),
        })
    }

    /// True when a changed-notes run reports `note`: it changed, or one of its links leads
    /// nowhere now but named a file that was deleted or renamed since REV.
    pub fn touches(&self, note: &Note, index: &VaultIndex) -> bool {
        self.changed.contains(&*note.path)
            || note.links.iter().any(|link| {
                !link.is_same_note()
                    && index.resolve(&link.path, &note.path) == Resolution::Missing
                    && matches!(
                        self.gone.resolve(&link.path, &note.path),
                        Resolution::Note { .. } | Resolution::File(_)
                    )
            })
    }
}

/// One line of `git diff --name-status -z`.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Entry {
    Added(String),
    Modified(String),
    Deleted(String),
    Renamed { from: String, to: String },
}

/// Parses `git diff --name-status -z` output: `STATUS\0PATH\0`, or `R<score>\0OLD\0NEW\0` for
/// renames and copies. A copy is a new note; a type change counts as a modification.
fn parse_name_status(text: &str) -> Vec<Entry> {
    let mut out = Vec::new();
    let mut fields = text.split('\0');
    while let Some(status) = fields.next() {
        let Some(kind) = status.chars().next() else {
            continue;
        };
        let Some(path) = fields.next() else { break };
        let path = path.to_string();
        match kind {
            'R' | 'C' => {
                let Some(to) = fields.next() else { break };
                out.push(if kind == 'R' {
                    Entry::Renamed {
                        from: path,
                        to: to.to_string(),
                    }
                } else {
                    Entry::Added(to.to_string())
                });
            }
            'A' => out.push(Entry::Added(path)),
            'D' => out.push(Entry::Deleted(path)),
            _ => out.push(Entry::Modified(path)),
        }
    }
    out
}

/// What `date-not-bumped` compares between two versions of a note.
#[derive(Debug, PartialEq, Eq)]
struct Digest {
    dates: BTreeSet<String>,
    /// The body's lines, minus the lines holding an Updated marker, line endings normalised.
    body: Vec<String>,
}

impl Digest {
    fn of(path: &str, text: &str, parse: &ParseOptions) -> Digest {
        let note = Note::parse(path, text, parse);
        let marker_lines: Vec<usize> = note
            .dates
            .iter()
            .filter(|d| !d.is_field())
            .map(|d| d.span.start())
            .collect();
        let mut body = Vec::new();
        let mut offset = note.body_start;
        for line in text
            .get(note.body_start..)
            .unwrap_or("")
            .split_inclusive('\n')
        {
            let end = offset + line.len();
            if !marker_lines.iter().any(|at| (offset..end).contains(at)) {
                body.push(line.trim_end_matches(['\n', '\r']).to_string());
            }
            offset = end;
        }
        while body.last().is_some_and(|l| l.trim().is_empty()) {
            body.pop();
        }
        Digest {
            dates: note.dates.into_iter().map(|d| d.raw).collect(),
            body,
        }
    }
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
mod tests {
    use super::*;

    #[test]
    fn name_status() {
        let text =
            "A\0new.md\0M\0a b.md\0D\0old.md\0R087\0x.md\0dir/y.md\0C100\0s.md\0t.md\0T\0l.md\0";
        assert_eq!(
            parse_name_status(text),
            [
                Entry::Added("new.md".into()),
                Entry::Modified("a b.md".into()),
                Entry::Deleted("old.md".into()),
                Entry::Renamed {
                    from: "x.md".into(),
                    to: "dir/y.md".into()
                },
                Entry::Added("t.md".into()),
                Entry::Modified("l.md".into()),
            ]
        );
        assert_eq!(parse_name_status(""), []);
    }

    #[test]
    fn digest_leaves_out_updated_lines() {
        let p = ParseOptions::default();
        let d = |t: &str| Digest::of("N.md", t, &p);
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
    }
}
