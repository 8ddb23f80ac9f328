//! `check --statistics`: findings per rule, and the rule that took longest.
//!
//! Counts what is reported (after suppressions and the baseline), so the table is the to-do
//! list of the run: a function over the run as reported, which it never changes. Rendered as a
//! table in human output and under `summary.statistics` in JSON. Times are summed over notes
//! and threads, so they measure work, not wall time.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use crate::engine::Run;
use crate::finding::Severity;
use crate::rules;

/// Findings per rule, most first.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Statistics {
    pub rules: Vec<RuleStats>,
    /// The enabled rule that took longest, if any rule ran.
    pub slowest_rule: Option<Timing>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RuleStats {
    pub rule: &'static str,
    pub findings: usize,
    /// Findings `check --fix` repairs (safe fixes).
    pub fixable: usize,
    /// Findings only `check --fix --unsafe-fixes` repairs.
    pub unsafe_fixable: usize,
    /// Notes with at least one finding of the rule.
    pub notes: usize,
    pub errors: usize,
    pub warnings: usize,
    /// What the rule checks, from its documentation.
    pub summary: &'static str,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Timing {
    pub rule: &'static str,
    pub milliseconds: f64,
}

/// Counts the findings of `run` per rule.
pub fn compute(run: &Run) -> Statistics {
    let mut per_rule: BTreeMap<&'static str, (RuleStats, BTreeSet<&str>)> = BTreeMap::new();
    for f in &run.findings {
        let (stats, notes) = per_rule.entry(f.rule).or_insert_with(|| {
            let stats = RuleStats {
                rule: f.rule,
                findings: 0,
                fixable: 0,
                unsafe_fixable: 0,
                notes: 0,
                errors: 0,
                warnings: 0,
                summary: rules::find(f.rule).map_or("", |m| m.summary),
            };
            (stats, BTreeSet::new())
        });
        stats.findings += 1;
        match &f.diagnostic.fix {
            Some(fix) if fix.is_safe() => stats.fixable += 1,
            Some(_) => stats.unsafe_fixable += 1,
            None => {}
        }
        match f.severity {
            Severity::Error => stats.errors += 1,
            Severity::Warning => stats.warnings += 1,
        }
        notes.insert(&*f.path);
    }
    let mut rules: Vec<RuleStats> = per_rule
        .into_values()
        .map(|(mut stats, notes)| {
            stats.notes = notes.len();
            stats
        })
        .collect();
    rules.sort_by(|a, b| b.findings.cmp(&a.findings).then(a.rule.cmp(b.rule)));
    let slowest_rule = run
        .rule_times
        .iter()
        .max_by(|a, b| a.1.cmp(&b.1).then(b.0.cmp(a.0)))
        .map(|(rule, time)| Timing {
            rule,
            milliseconds: (time.as_secs_f64() * 1000.0 * 1000.0).round() / 1000.0,
        });
    Statistics {
        rules,
        slowest_rule,
    }
}

/// The human table: findings, notes, rule, what the rule checks; then the slowest rule.
pub fn table(stats: &Statistics) -> String {
    let mut out = String::new();
    if stats.rules.is_empty() {
        out.push_str("No findings\n");
    } else {
        let width = stats
            .rules
            .iter()
            .map(|r| r.rule.len())
            .max()
            .unwrap_or(0)
            .max("rule".len());
        out.push_str(&format!(
            "{:>8}  {:>7}  {:>5}  {:width$}  what to fix (`vaultlint explain RULE` says how)\n",
            "findings", "fixable", "notes", "rule"
        ));
        for r in &stats.rules {
            let fixable = match (r.fixable, r.unsafe_fixable) {
                (0, 0) => "-".to_string(),
                (safe, 0) => safe.to_string(),
                (safe, risky) => format!("{safe}+{risky}"),
            };
            out.push_str(&format!(
                "{:>8}  {:>7}  {:>5}  {:width$}  {}\n",
                r.findings, fixable, r.notes, r.rule, r.summary
            ));
        }
        if stats.rules.iter().any(|r| r.fixable + r.unsafe_fixable > 0) {
            out.push_str(
                "fixable: how many `check --fix` repairs; `N+M`: M more with `--unsafe-fixes`\n",
            );
        }
    }
    if let Some(t) = &stats.slowest_rule {
        out.push_str(&format!(
            "slowest rule: {} ({:.1} ms, summed over notes)\n",
            t.rule, t.milliseconds
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;
    use crate::finding::{Diagnostic, Finding};
    use crate::model::Span;

    fn finding(rule: &'static str, path: &str, severity: Severity) -> Finding {
        Finding {
            rule,
            severity,
            path: path.into(),
            diagnostic: Diagnostic::new(Span::new(0, 1), "m", "l"),
            at: None,
        }
    }

    #[test]
    fn counts_per_rule_most_first() {
        let run = Run {
            findings: vec![
                finding("stale-date", "a.md", Severity::Warning),
                finding("broken-link", "a.md", Severity::Error),
                finding("broken-link", "a.md", Severity::Warning),
                finding("broken-link", "b.md", Severity::Error),
            ],
            rule_times: vec![
                ("broken-link", Duration::from_micros(1500)),
                ("stale-date", Duration::from_micros(200)),
            ],
            ..Run::default()
        };
        let stats = compute(&run);
        let rows: Vec<(&str, usize, usize, usize, usize)> = stats
            .rules
            .iter()
            .map(|r| (r.rule, r.findings, r.notes, r.errors, r.warnings))
            .collect();
        assert_eq!(
            rows,
            [("broken-link", 3, 2, 2, 1), ("stale-date", 1, 1, 0, 1)]
        );
        assert_eq!(
            stats.slowest_rule,
            Some(Timing {
                rule: "broken-link",
                milliseconds: 1.5
            })
        );
        let table = table(&stats);
        assert!(
            table.starts_with("findings  fixable  notes  rule         what to fix"),
            "{table}"
        );
        assert!(table.ends_with("slowest rule: broken-link (1.5 ms, summed over notes)\n"));
    }
}
