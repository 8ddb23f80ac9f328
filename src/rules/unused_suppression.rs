//! `unused-suppression`: a suppression directive that hides nothing, names an unknown rule,
//! or cannot be understood.
//!
//! The rule has no check of its own: whether a directive hid something is only known once
//! every other rule ran and the engine applied the directives, so the engine's `suppress.rs`
//! produces its findings and stamps them with this rule's id and configured severity. Listing
//! it here gives it what every rule has: an id, a doc page, a severity users configure, and a
//! place in `--select`/`--ignore`.

use serde_yaml::Value;

use super::{Rule, RuleMeta};
use crate::finding::Severity;

pub static META: RuleMeta = RuleMeta {
    id: ID,
    default_severity: Severity::Warning,
    summary: "A suppression comment hides nothing or names an unknown rule",
    doc: include_str!("../../rules/unused-suppression.md"),
    build,
};

/// The rule id, for the engine, which reports directives hiding nothing under it.
pub const ID: &str = "unused-suppression";

struct UnusedSuppression;

fn build(options: &Value) -> Result<Box<dyn Rule>, String> {
    super::no_options(options)?;
    Ok(Box::new(UnusedSuppression))
}

impl Rule for UnusedSuppression {}
