//! `vaultlint rules`: every rule with its default severity and what it checks.

use std::io::Write;
use std::process::ExitCode;

use crate::rules;

/// Runs `vaultlint rules`.
pub fn run() -> miette::Result<ExitCode> {
    let mut out = std::io::stdout().lock();
    let width = rules::REGISTRY
        .iter()
        .map(|m| m.id.len())
        .max()
        .unwrap_or(0);
    let _ = writeln!(out, "{:width$}  {:8}  summary", "rule", "default");
    for meta in rules::REGISTRY {
        let _ = writeln!(
            out,
            "{:width$}  {:8}  {}",
            meta.id,
            if rules::is_on_by_default(meta.id) {
                meta.default_severity.as_str()
            } else {
                "off"
            },
            meta.summary
        );
    }
    Ok(ExitCode::SUCCESS)
}
