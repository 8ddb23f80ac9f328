//! `vaultlint explain RULE`: a rule's documentation, from `rules/<rule-id>.md`.

use std::io::Write;
use std::process::ExitCode;

use crate::rules::{self, settings};

/// Runs `vaultlint explain`.
pub fn run(rule: &str) -> miette::Result<ExitCode> {
    let Some(meta) = rules::find(rule) else {
        return Err(miette::miette!(
            help = format!("Known rules: {}", settings::known_rules()),
            "Unknown rule `{rule}`"
        ));
    };
    let mut out = std::io::stdout().lock();
    let _ = out.write_all(meta.doc.as_bytes());
    Ok(ExitCode::SUCCESS)
}
