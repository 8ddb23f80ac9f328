//! `unreadable-note`: a note that could not be read or checked at all.
//!
//! The engine, not this rule, finds these: a file that is not UTF-8 text, holds NUL bytes, is
//! too large, cannot be opened, or vanishes during the run never becomes a note to check. The
//! rule is registered so the id is listed, documented and explained like every other; it is
//! always on, whatever `--select`, `--ignore` or the config say (as ripgrep always reports a
//! file it could not read), and it makes the exit code 2.

use serde_yaml::Value;

use super::{Rule, RuleMeta};
use crate::finding::Severity;

pub static META: RuleMeta = RuleMeta {
    id: ID,
    default_severity: Severity::Error,
    summary: "A note is not UTF-8 text, is too large, or cannot be read (always on; exit 2)",
    doc: include_str!("../../rules/unreadable-note.md"),
    build,
};

/// The rule id, for the engine's reports and the settings that refuse to turn it off.
pub const ID: &str = "unreadable-note";

struct UnreadableNote;

fn build(options: &Value) -> Result<Box<dyn Rule>, String> {
    super::no_options(options)?;
    Ok(Box::new(UnreadableNote))
}

/// Nothing to check on a parsed note: by then it was readable.
impl Rule for UnreadableNote {}
