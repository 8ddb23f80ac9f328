//! The baseline: findings recorded once (`vaultlint baseline`) so that `check --baseline`
//! reports only new ones.
//!
//! An entry is keyed by (path, rule, fingerprint) and counts how many findings share the key,
//! so that two identical broken links in one note are two findings. The fingerprint hashes the
//! rule, the text under the finding's span and its message with every number masked, never a
//! line number: editing above a finding does not bring it back, and a `stale-date` finding
//! whose "days ago" grows every day stays the same entry. The hash is FNV-1a, written out here
//! so that it never changes between Rust versions.
//!
//! Owns the file format, matching and pruning: a function over the engine's run, which it
//! never changes. Reading note texts for the fingerprints is the caller's (see [`Sources`]);
//! writing the file is the `baseline` command's.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::Sources;
use crate::engine::Run;
use crate::finding::Finding;

/// The file `vaultlint baseline` writes at the vault root unless told otherwise.
pub const DEFAULT_FILE: &str = ".vaultlint-baseline.json";

/// Recorded findings.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Baseline {
    pub version: u32,
    /// Sorted by path, rule and fingerprint.
    pub entries: Vec<Entry>,
}

/// One kind of finding in one note, and how many there were.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    pub path: String,
    pub rule: String,
    pub fingerprint: String,
    pub count: usize,
    /// The first finding's message, for people reading the file; not used for matching.
    pub message: String,
}

/// What a baseline did to a check.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Outcome {
    /// Findings not reported because the baseline has them.
    pub hidden: usize,
    /// Baseline findings that are gone (fixed, or their note removed).
    pub fixed: usize,
}

/// A baseline file that cannot be read or written.
#[derive(Debug, thiserror::Error)]
pub enum BaselineError {
    #[error("cannot read the baseline `{}`", path.display())]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("`{}` is not a vaultlint baseline", path.display())]
    Parse {
        path: PathBuf,
        #[source]
        source: serde_json::Error,
    },
    #[error("cannot write the baseline `{}`", path.display())]
    Write {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

impl Baseline {
    /// Records `findings`; `sources` holds the texts of their notes.
    pub fn from_findings(findings: &[Finding], sources: &Sources) -> Baseline {
        let mut map: BTreeMap<(String, String, String), Entry> = BTreeMap::new();
        for f in findings {
            let key = key(f, sources);
            map.entry(key.clone())
                .and_modify(|e| e.count += 1)
                .or_insert_with(|| Entry {
                    path: key.0,
                    rule: key.1,
                    fingerprint: key.2,
                    count: 1,
                    message: f.diagnostic.message.to_string(),
                });
        }
        Baseline {
            version: 1,
            entries: map.into_values().collect(),
        }
    }

    pub fn load(path: &Path) -> Result<Baseline, BaselineError> {
        let text = std::fs::read_to_string(path).map_err(|source| BaselineError::Read {
            path: path.to_path_buf(),
            source,
        })?;
        serde_json::from_str(&text).map_err(|source| BaselineError::Parse {
            path: path.to_path_buf(),
            source,
        })
    }

    pub fn save(&self, path: &Path) -> Result<(), BaselineError> {
        let error = |source| BaselineError::Write {
            path: path.to_path_buf(),
            source,
        };
        let mut text =
            serde_json::to_string_pretty(self).map_err(|e| error(std::io::Error::other(e)))?;
        text.push('\n');
        std::fs::write(path, text).map_err(error)
    }

    /// Number of findings recorded (entries times their counts).
    pub fn findings(&self) -> usize {
        self.entries.iter().map(|e| e.count).sum()
    }

    /// The run as reported: `run` without the findings the baseline records; and what that
    /// hid, with the recorded findings that are gone. `in_scope(path, rule)` says whether this
    /// run could have found a recorded finding at all (its note reported, its rule on for the
    /// note); entries out of scope are neither matched nor counted as fixed.
    pub fn filter(
        &self,
        mut run: Run,
        sources: &Sources,
        in_scope: impl Fn(&str, &str) -> bool,
    ) -> (Run, Outcome) {
        let mut left: BTreeMap<(String, String, String), usize> = self
            .entries
            .iter()
            .map(|e| {
                (
                    (e.path.clone(), e.rule.clone(), e.fingerprint.clone()),
                    e.count,
                )
            })
            .collect();
        let mut hidden = 0;
        run.findings
            .retain(|f| match left.get_mut(&key(f, sources)) {
                Some(n) if *n > 0 => {
                    *n -= 1;
                    hidden += 1;
                    false
                }
                _ => true,
            });
        let fixed = left
            .iter()
            .filter(|((path, rule, _), _)| in_scope(path, rule))
            .map(|(_, n)| *n)
            .sum();
        (run, Outcome { hidden, fixed })
    }

    /// The entries still found in `current`, with counts no higher than today's: what
    /// `vaultlint baseline --prune` keeps. Never adds a finding.
    pub fn prune(&self, current: &Baseline) -> Baseline {
        let now: BTreeMap<(&str, &str, &str), usize> = current
            .entries
            .iter()
            .map(|e| {
                (
                    (e.path.as_str(), e.rule.as_str(), e.fingerprint.as_str()),
                    e.count,
                )
            })
            .collect();
        let entries = self
            .entries
            .iter()
            .filter_map(|e| {
                let n = now
                    .get(&(e.path.as_str(), e.rule.as_str(), e.fingerprint.as_str()))
                    .copied()
                    .unwrap_or(0)
                    .min(e.count);
                (n > 0).then(|| Entry {
                    count: n,
                    ..e.clone()
                })
            })
            .collect();
        Baseline {
            version: 1,
            entries,
        }
    }
}

/// `(path, rule, fingerprint)` of a finding.
fn key(f: &Finding, sources: &Sources) -> (String, String, String) {
    let source = sources.get(&f.path);
    let text = source
        .as_ref()
        .and_then(|s| s.text.get(f.diagnostic.span.range()))
        .unwrap_or("");
    (
        f.path.to_string(),
        f.rule.to_string(),
        fingerprint(f.rule, text, &f.diagnostic.message),
    )
}

/// A short, stable hash of what a finding is about: its rule, the text it points at
/// (surrounding blanks and line endings ignored) and its message with numbers masked.
pub fn fingerprint(rule: &str, span_text: &str, message: &str) -> String {
    let text: String = span_text.trim().replace("\r\n", "\n");
    let mut masked = String::with_capacity(message.len());
    let mut in_number = false;
    for c in message.chars() {
        if c.is_ascii_digit() {
            if !in_number {
                masked.push('#');
            }
            in_number = true;
        } else {
            masked.push(c);
            in_number = false;
        }
    }
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for part in [rule, "\0", &text, "\0", &masked] {
        for b in part.bytes() {
            hash ^= u64::from(b);
            hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
    }
    format!("{hash:016x}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fingerprint_ignores_numbers_in_the_message_not_in_the_text() {
        let fp = fingerprint;
        assert_eq!(
            fp(
                "stale-date",
                "2026-01-01",
                "Updated 300 days ago, limit 180"
            ),
            fp(
                "stale-date",
                "2026-01-01",
                "Updated 301 days ago, limit 180"
            ),
        );
        assert_ne!(
            fp("stale-date", "2026-01-01", "Updated 300 days ago"),
            fp("stale-date", "2026-01-02", "Updated 300 days ago"),
        );
        assert_ne!(fp("a", "x", "m"), fp("b", "x", "m"));
        assert_ne!(fp("a", "x", "m"), fp("a", "x", "n"));
        assert_eq!(fp("a", " x\r\ny ", "m"), fp("a", "x\ny", "m"));
        // Stable across versions: a known value.
        assert_eq!(
            fp(
                "broken-link",
                "[[X]]",
                "Link target `X` does not match any note"
            ),
            "097e8bb011c6baf7"
        );
    }

    fn entry(path: &str, fingerprint: &str, count: usize) -> Entry {
        Entry {
            path: path.into(),
            rule: "broken-link".into(),
            fingerprint: fingerprint.into(),
            count,
            message: String::new(),
        }
    }

    #[test]
    fn prune_keeps_what_is_still_found_never_more() {
        let old = Baseline {
            version: 1,
            entries: vec![
                entry("a.md", "1", 3),
                entry("a.md", "2", 1),
                entry("b.md", "1", 1),
            ],
        };
        let now = Baseline {
            version: 1,
            entries: vec![
                entry("a.md", "1", 2),
                entry("b.md", "1", 5),
                entry("c.md", "9", 1),
            ],
        };
        assert_eq!(
            old.prune(&now).entries,
            [entry("a.md", "1", 2), entry("b.md", "1", 1)]
        );
    }
}
