//! `vaultlint report`: the health of a vault as data, one section each for the summary, the
//! links and their graph, freshness, figures, schemas and every finding. Worked out from the
//! engine's run (its findings) and the facts gathered while the check read each note
//! ([`facts`](super::facts)); `--format json` prints it as it is, the HTML page draws it
//! (`html.rs`). Every list is sorted, so the output never depends on threads.

use std::collections::{BTreeMap, HashMap};

use jiff::civil::Date;
use serde::Serialize;

use super::Sources;
use super::baseline::Outcome;
use super::facts::NoteFacts;
use crate::engine::Run;
use crate::finding::{Finding, Severity};
use crate::model::date::days_between;
use crate::model::{LineCol, Span};
use crate::rules::settings::Settings;
use crate::rules::unreadable_note;

/// How many entries the ranked lists (hubs, stalest notes…) keep.
const TOP: usize = 20;
/// Bars in each freshness histogram: four up to the max age, eight past it.
const BINS: usize = 12;
/// The max age when neither `stale-date` nor the schema sets one.
const DEFAULT_MAX_AGE: u32 = 180;

/// The whole report.
#[derive(Debug, Clone, Serialize)]
pub struct Health {
    pub version: u32,
    /// The vault folder's name.
    pub vault: String,
    pub today: String,
    pub summary: Summary,
    pub links: Links,
    pub freshness: Vec<Freshness>,
    pub stalest: Vec<Stale>,
    pub figures: Figures,
    pub schemas: Vec<SchemaHealth>,
    pub findings: Vec<Row>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Summary {
    /// Notes reported on.
    pub notes: usize,
    /// Notes in the vault.
    pub notes_in_vault: usize,
    /// Links written in the reported notes (links in comments aside).
    pub links: usize,
    /// Attachments in the vault.
    pub attachments: usize,
    pub errors: usize,
    pub warnings: usize,
    /// Findings per rule, most first.
    pub rules: Vec<RuleCount>,
    /// With `--baseline`: the recorded findings still there (hidden) and those fixed.
    pub baseline: Option<BaselineLeft>,
}

#[derive(Debug, Clone, Serialize)]
pub struct RuleCount {
    pub rule: String,
    pub errors: usize,
    pub warnings: usize,
    pub total: usize,
}

#[derive(Debug, Clone, Copy, Serialize)]
pub struct BaselineLeft {
    /// Recorded findings this run still finds (and the baseline hides).
    pub left: usize,
    /// Recorded findings gone since.
    pub fixed: usize,
    /// `left + fixed`.
    pub recorded: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct Links {
    pub total: usize,
    pub to_notes: usize,
    pub to_attachments: usize,
    pub broken: usize,
    pub ambiguous: usize,
    /// Broken and ambiguous links per folder, most first (folders without either left out).
    pub folders: Vec<FolderLinks>,
    /// Missing targets most notes link to.
    pub most_wanted: Vec<Wanted>,
    /// Notes no other reported note links to, by path.
    pub orphans: Vec<String>,
    /// Notes most other notes link to.
    pub hubs: Vec<Ranked>,
    /// Notes linking to the most other notes.
    pub connectors: Vec<Ranked>,
    pub per_note: PerNote,
    /// Share (0 to 1) of the notes that link to at least one other note.
    pub share_linking_out: f64,
    /// Share (0 to 1) of the notes at least one other note links to.
    pub share_linked_to: f64,
    pub components: Components,
}

#[derive(Debug, Clone, Serialize)]
pub struct FolderLinks {
    /// `""` for the vault root.
    pub folder: String,
    pub broken: usize,
    pub ambiguous: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct Wanted {
    pub target: String,
    /// Notes linking to it.
    pub notes: usize,
    /// The first few of them, by path.
    pub from: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Ranked {
    pub path: String,
    pub notes: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct PerNote {
    pub mean: f64,
    pub median: f64,
    pub max: usize,
}

/// The link graph's connected components, links taken both ways.
#[derive(Debug, Clone, Serialize)]
pub struct Components {
    pub count: usize,
    /// Notes in the largest.
    pub largest: usize,
    /// Notes linking to no note and linked to by none, by path.
    pub isolated: Vec<String>,
}

/// Note ages of one note type.
#[derive(Debug, Clone, Serialize)]
pub struct Freshness {
    /// The schema's name; `null` for the notes no schema matches.
    pub schema: Option<String>,
    pub max_age_days: u32,
    pub notes: usize,
    /// Notes without a valid Updated date.
    pub undated: usize,
    /// Notes more than `max_age_days` old.
    pub stale: usize,
    /// Notes dated after today.
    pub future: usize,
    /// Ages in days, `from` to `to` both included; the last bin is open (`to` is `null`).
    /// Four bins span the max age, which ends the fourth when it is a multiple of four.
    pub bins: Vec<Bin>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Bin {
    pub from: i64,
    pub to: Option<i64>,
    pub notes: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct Stale {
    pub path: String,
    pub updated: String,
    pub age_days: i64,
    pub max_age_days: u32,
}

#[derive(Debug, Clone, Serialize)]
pub struct Figures {
    pub conflicts: Vec<Conflict>,
    pub sums: Vec<SumMismatch>,
}

/// One metric given different values: every statement of it, side by side.
#[derive(Debug, Clone, Serialize)]
pub struct Conflict {
    pub metric: String,
    pub path: String,
    pub statements: Vec<Statement>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Statement {
    /// The value as written.
    pub value: String,
    /// What the finding says of it.
    pub label: String,
    pub path: String,
    pub line: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct SumMismatch {
    pub path: String,
    pub line: usize,
    pub message: String,
    /// The total as written.
    pub total: String,
    /// What the rows add up to (the finding's words).
    pub rows_label: String,
    /// The table's lines from the summed column's header on, as written.
    pub rows: Vec<String>,
}

/// One note type against its requirements.
#[derive(Debug, Clone, Serialize)]
pub struct SchemaHealth {
    pub schema: String,
    pub notes: usize,
    /// Notes meeting every requirement.
    pub conforming: usize,
    pub requirements: Vec<Requirement>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Requirement {
    /// `field` or `section`.
    pub kind: &'static str,
    pub name: String,
    /// Notes that have it.
    pub present: usize,
}

/// One finding, as the findings table shows it.
#[derive(Debug, Clone, Serialize)]
pub struct Row {
    pub rule: String,
    pub severity: &'static str,
    pub path: String,
    pub line: usize,
    pub column: usize,
    pub message: String,
    pub help: Option<String>,
}

/// What the report is drawn from.
pub struct Inputs<'a> {
    pub vault: String,
    pub settings: &'a Settings,
    pub run: &'a Run,
    pub facts: &'a [NoteFacts],
    pub attachments: usize,
    pub baseline: Option<Outcome>,
    /// Reads notes again for positions and the values findings point at.
    pub sources: &'a Sources,
}

/// Works out the report.
pub fn compute(input: &Inputs<'_>) -> Health {
    let run = input.run;
    let findings: Vec<Row> = rows(run, input.sources);
    Health {
        version: 1,
        vault: input.vault.clone(),
        today: input.settings.today.to_string(),
        summary: summary(input, &findings),
        links: links(input.facts, &run.findings),
        freshness: freshness(input.settings, input.facts),
        stalest: stalest(input.settings, input.facts),
        figures: figures(&run.findings, input.sources),
        schemas: schemas(input.settings, input.facts),
        findings,
    }
}

fn summary(input: &Inputs<'_>, rows: &[Row]) -> Summary {
    let mut by_rule: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
    for row in rows {
        let entry = by_rule.entry(&row.rule).or_default();
        if row.severity == Severity::Error.as_str() {
            entry.0 += 1;
        } else {
            entry.1 += 1;
        }
    }
    let mut rules: Vec<RuleCount> = by_rule
        .into_iter()
        .map(|(rule, (errors, warnings))| RuleCount {
            rule: rule.to_string(),
            errors,
            warnings,
            total: errors + warnings,
        })
        .collect();
    rules.sort_by(|a, b| b.total.cmp(&a.total).then_with(|| a.rule.cmp(&b.rule)));
    Summary {
        notes: input.run.notes_checked,
        notes_in_vault: input.run.notes_indexed,
        links: input.facts.iter().map(|f| f.links).sum(),
        attachments: input.attachments,
        errors: rules.iter().map(|r| r.errors).sum(),
        warnings: rules.iter().map(|r| r.warnings).sum(),
        rules,
        baseline: input.baseline.map(|b| BaselineLeft {
            left: b.hidden,
            fixed: b.fixed,
            recorded: b.hidden + b.fixed,
        }),
    }
}

fn links(facts: &[NoteFacts], findings: &[Finding]) -> Links {
    let mut folders: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
    for f in findings {
        let folder = f.path.rsplit_once('/').map_or("", |(dir, _)| dir);
        match f.rule {
            "broken-link" => folders.entry(folder).or_default().0 += 1,
            "ambiguous-link" => folders.entry(folder).or_default().1 += 1,
            _ => {}
        }
    }
    let broken = folders.values().map(|c| c.0).sum();
    let ambiguous = folders.values().map(|c| c.1).sum();
    let mut folders: Vec<FolderLinks> = folders
        .into_iter()
        .map(|(folder, (broken, ambiguous))| FolderLinks {
            folder: folder.to_string(),
            broken,
            ambiguous,
        })
        .collect();
    folders.sort_by(|a, b| {
        (b.broken + b.ambiguous)
            .cmp(&(a.broken + a.ambiguous))
            .then_with(|| a.folder.cmp(&b.folder))
    });

    // Missing targets, case-insensitively, shown as first written (in path order).
    let mut wanted: BTreeMap<String, (String, Vec<&str>)> = BTreeMap::new();
    for note in facts {
        for target in &note.missing {
            let entry = wanted
                .entry(target.to_lowercase())
                .or_insert_with(|| (target.clone(), Vec::new()));
            if entry.1.last() != Some(&note.path.as_str()) {
                entry.1.push(&note.path);
            }
        }
    }
    let mut most_wanted: Vec<Wanted> = wanted
        .into_values()
        .map(|(target, from)| Wanted {
            target,
            notes: from.len(),
            from: from.iter().take(5).map(|s| (*s).to_string()).collect(),
        })
        .collect();
    most_wanted.sort_by(|a, b| b.notes.cmp(&a.notes).then_with(|| a.target.cmp(&b.target)));
    most_wanted.truncate(TOP);

    // The graph over the reported notes.
    let id: HashMap<&str, usize> = facts
        .iter()
        .enumerate()
        .map(|(i, f)| (f.path.as_str(), i))
        .collect();
    let mut inbound = vec![0usize; facts.len()];
    let mut outbound = vec![0usize; facts.len()];
    let mut parent: Vec<usize> = (0..facts.len()).collect();
    for (from, note) in facts.iter().enumerate() {
        for target in &note.links_to {
            let Some(&to) = id.get(target.as_str()) else {
                continue;
            };
            if let Some(n) = inbound.get_mut(to) {
                *n += 1;
            }
            if let Some(n) = outbound.get_mut(from) {
                *n += 1;
            }
            union(&mut parent, from, to);
        }
    }
    let mut sizes: HashMap<usize, usize> = HashMap::new();
    for i in 0..facts.len() {
        *sizes.entry(find(&mut parent, i)).or_default() += 1;
    }
    let paths_where = |keep: &dyn Fn(usize) -> bool| -> Vec<String> {
        facts
            .iter()
            .enumerate()
            .filter(|(i, _)| keep(*i))
            .map(|(_, f)| f.path.clone())
            .collect()
    };
    let at = |v: &[usize], i: usize| v.get(i).copied().unwrap_or(0);
    let orphans = paths_where(&|i| at(&inbound, i) == 0);
    let isolated = paths_where(&|i| at(&inbound, i) == 0 && at(&outbound, i) == 0);
    let ranked = |counts: &[usize]| -> Vec<Ranked> {
        let mut r: Vec<Ranked> = facts
            .iter()
            .zip(counts)
            .filter(|(_, n)| **n > 0)
            .map(|(f, n)| Ranked {
                path: f.path.clone(),
                notes: *n,
            })
            .collect();
        r.sort_by(|a, b| b.notes.cmp(&a.notes).then_with(|| a.path.cmp(&b.path)));
        r.truncate(TOP);
        r
    };
    let mut written: Vec<usize> = facts.iter().map(|f| f.links).collect();
    written.sort_unstable();
    let share = |n: usize| {
        if facts.is_empty() {
            0.0
        } else {
            n as f64 / facts.len() as f64
        }
    };
    Links {
        total: written.iter().sum(),
        to_notes: facts.iter().map(|f| f.links_to.len()).sum(),
        to_attachments: facts.iter().map(|f| f.attachments).sum(),
        broken,
        ambiguous,
        folders,
        most_wanted,
        hubs: ranked(&inbound),
        connectors: ranked(&outbound),
        per_note: PerNote {
            mean: round2(share(written.iter().sum())),
            median: median(&written),
            max: written.last().copied().unwrap_or(0),
        },
        share_linking_out: round2(share(outbound.iter().filter(|n| **n > 0).count())),
        share_linked_to: round2(share(inbound.iter().filter(|n| **n > 0).count())),
        components: Components {
            count: sizes.len(),
            largest: sizes.values().copied().max().unwrap_or(0),
            isolated,
        },
        orphans,
    }
}

fn find(parent: &mut [usize], mut i: usize) -> usize {
    // Path halving: each step points a node at its grandparent.
    while let Some(&p) = parent.get(i) {
        if p == i {
            break;
        }
        let grand = parent.get(p).copied().unwrap_or(p);
        if let Some(slot) = parent.get_mut(i) {
            *slot = grand;
        }
        i = grand;
    }
    i
}

fn union(parent: &mut [usize], a: usize, b: usize) {
    let (ra, rb) = (find(parent, a), find(parent, b));
    if ra != rb
        && let Some(slot) = parent.get_mut(ra.max(rb))
    {
        *slot = ra.min(rb);
    }
}

fn median(sorted: &[usize]) -> f64 {
    let n = sorted.len();
    if n == 0 {
        return 0.0;
    }
    let mid = |i: usize| sorted.get(i).copied().unwrap_or(0) as f64;
    if n % 2 == 1 {
        mid(n / 2)
    } else {
        f64::midpoint(mid(n / 2 - 1), mid(n / 2))
    }
}

fn round2(v: f64) -> f64 {
    (v * 100.0).round() / 100.0
}

/// `stale-date`'s `max-age-days` from the config, else its default.
fn rule_max_age(settings: &Settings) -> u32 {
    settings
        .config
        .file
        .rules
        .get("stale-date")
        .and_then(|v| v.get("max-age-days"))
        .and_then(serde_yaml::Value::as_u64)
        .and_then(|d| u32::try_from(d).ok())
        .unwrap_or(DEFAULT_MAX_AGE)
}

/// The limit `stale-date` applies to a note: the smallest of its schemas', else the rule's.
fn limit_of(settings: &Settings, note: &NoteFacts) -> u32 {
    note.schemas
        .iter()
        .filter_map(|(i, _, _)| settings.schemas.get(*i)?.config.max_age_days)
        .min()
        .unwrap_or_else(|| rule_max_age(settings))
}

fn freshness(settings: &Settings, facts: &[NoteFacts]) -> Vec<Freshness> {
    let default = rule_max_age(settings);
    let mut groups: Vec<(Option<String>, u32, Vec<&NoteFacts>)> = settings
        .schemas
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let notes = facts
                .iter()
                .filter(|f| f.schemas.iter().any(|(j, _, _)| *j == i))
                .collect();
            (
                Some(s.name().to_string()),
                s.config.max_age_days.unwrap_or(default),
                notes,
            )
        })
        .collect();
    let untyped: Vec<&NoteFacts> = facts.iter().filter(|f| f.schemas.is_empty()).collect();
    if !untyped.is_empty() || groups.is_empty() {
        groups.push((None, default, untyped));
    }
    groups
        .into_iter()
        .map(|(schema, max_age, notes)| {
            let width = i64::from(max_age.div_ceil(4).max(1));
            let mut bins: Vec<Bin> = (0..BINS as i64)
                .map(|k| Bin {
                    from: if k == 0 { 0 } else { k * width + 1 },
                    to: (k + 1 < BINS as i64).then_some((k + 1) * width),
                    notes: 0,
                })
                .collect();
            let (mut undated, mut stale, mut future) = (0, 0, 0);
            for note in &notes {
                let Some(updated) = note.updated else {
                    undated += 1;
                    continue;
                };
                let age = days_between(updated, settings.today);
                if age < 0 {
                    future += 1;
                }
                if age > i64::from(max_age) {
                    stale += 1;
                }
                // Bins end on a multiple of the width, so a note exactly max-age days old
                // (not stale) stays left of the max-age line.
                let k = usize::try_from((age - 1).max(0) / width)
                    .unwrap_or(BINS)
                    .min(BINS - 1);
                if let Some(bin) = bins.get_mut(k) {
                    bin.notes += 1;
                }
            }
            Freshness {
                schema,
                max_age_days: max_age,
                notes: notes.len(),
                undated,
                stale,
                future,
                bins,
            }
        })
        .collect()
}

fn stalest(settings: &Settings, facts: &[NoteFacts]) -> Vec<Stale> {
    let mut dated: Vec<(i64, &NoteFacts, Date)> = facts
        .iter()
        .filter_map(|f| Some((days_between(f.updated?, settings.today), f, f.updated?)))
        .collect();
    dated.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.path.cmp(&b.1.path)));
    dated
        .into_iter()
        .take(TOP)
        .map(|(age, f, updated)| Stale {
            path: f.path.clone(),
            updated: updated.to_string(),
            age_days: age,
            max_age_days: limit_of(settings, f),
        })
        .collect()
}

fn figures(findings: &[Finding], sources: &Sources) -> Figures {
    let line = |path: &str, span: Span| sources.range(path, span).0.line;
    let value = |path: &str, span: Span| {
        sources
            .get(path)
            .and_then(|s| s.text.get(span.start()..span.end()).map(str::to_string))
            .unwrap_or_default()
    };
    // The findings of one conflict share the statement they disagree with.
    let mut conflicts: BTreeMap<(String, String, u32, u32), Conflict> = BTreeMap::new();
    let mut sums = Vec::new();
    for f in findings {
        let d = &f.diagnostic;
        match f.rule {
            "inconsistent-figure" => {
                let Some(reference) = d.related.first() else {
                    continue;
                };
                let ref_path = reference.path.clone().unwrap_or_else(|| f.path.to_string());
                let key = (
                    f.path.to_string(),
                    ref_path.clone(),
                    reference.span.start,
                    reference.span.end,
                );
                let conflict = conflicts.entry(key).or_insert_with(|| Conflict {
                    metric: first_quoted(&d.message).unwrap_or_default(),
                    path: f.path.to_string(),
                    statements: vec![Statement {
                        value: value(&ref_path, reference.span),
                        label: reference.label.clone(),
                        line: line(&ref_path, reference.span),
                        path: ref_path,
                    }],
                });
                conflict.statements.push(Statement {
                    value: value(&f.path, d.span),
                    label: d.label.to_string(),
                    path: f.path.to_string(),
                    line: line(&f.path, d.span),
                });
            }
            "sum-mismatch" => {
                let rows = d
                    .related
                    .first()
                    .map(|r| lines_of(sources, &f.path, r.span))
                    .unwrap_or_default();
                sums.push(SumMismatch {
                    path: f.path.to_string(),
                    line: line(&f.path, d.span),
                    message: d.message.to_string(),
                    total: value(&f.path, d.span),
                    rows_label: d
                        .related
                        .first()
                        .map(|r| r.label.clone())
                        .unwrap_or_default(),
                    rows,
                });
            }
            _ => {}
        }
    }
    Figures {
        conflicts: conflicts.into_values().collect(),
        sums,
    }
}

/// The table a span lies in, as written: its line, then every following line that is a row
/// of the same table (starts with `|`).
fn lines_of(sources: &Sources, path: &str, span: Span) -> Vec<String> {
    let Some(source) = sources.get(path) else {
        return Vec::new();
    };
    let text = source.text.as_str();
    let start = text
        .get(..span.start())
        .and_then(|t| t.rfind('\n'))
        .map_or(0, |i| i + 1);
    let Some(rest) = text.get(start..) else {
        return Vec::new();
    };
    let mut lines = rest.lines();
    let first = lines.next().map(|l| l.trim_end().to_string());
    first
        .into_iter()
        .chain(
            lines
                .take_while(|l| l.trim_start().starts_with('|'))
                .map(|l| l.trim_end().to_string()),
        )
        .collect()
}

/// The first text between backticks in a message: the metric a figure finding names.
fn first_quoted(message: &str) -> Option<String> {
    let (_, rest) = message.split_once('`')?;
    let (quoted, _) = rest.split_once('`')?;
    Some(quoted.to_string())
}

/// What one note meets of one schema: its required fields, then its required sections.
type Met<'a> = (&'a [bool], &'a [bool]);

fn schemas(settings: &Settings, facts: &[NoteFacts]) -> Vec<SchemaHealth> {
    settings
        .schemas
        .iter()
        .enumerate()
        .map(|(i, schema)| {
            let matched: Vec<Met<'_>> = facts
                .iter()
                .filter_map(|f| {
                    f.schemas
                        .iter()
                        .find(|(j, _, _)| *j == i)
                        .map(|(_, fields, sections)| (fields.as_slice(), sections.as_slice()))
                })
                .collect();
            let count =
                |pick: &dyn Fn(&Met<'_>) -> bool| matched.iter().filter(|m| pick(m)).count();
            let fields = schema
                .config
                .required_fields
                .iter()
                .enumerate()
                .map(|(k, name)| Requirement {
                    kind: "field",
                    name: name.clone(),
                    present: count(&|(f, _)| f.get(k).copied().unwrap_or(false)),
                });
            let sections = schema
                .config
                .required_sections
                .iter()
                .enumerate()
                .map(|(k, spec)| Requirement {
                    kind: "section",
                    name: spec.alternatives().join(" / "),
                    present: count(&|(_, s)| s.get(k).copied().unwrap_or(false)),
                });
            SchemaHealth {
                schema: schema.name().to_string(),
                notes: matched.len(),
                conforming: count(&|(f, s)| f.iter().all(|b| *b) && s.iter().all(|b| *b)),
                requirements: fields.chain(sections).collect(),
            }
        })
        .collect()
}

/// Every finding and every note that could not be checked, in output order.
fn rows(run: &Run, sources: &Sources) -> Vec<Row> {
    let mut rows: Vec<Row> = run
        .findings
        .iter()
        .map(|f| {
            let (start, _) = sources.place(f);
            Row {
                rule: f.rule.to_string(),
                severity: f.severity.as_str(),
                path: f.path.to_string(),
                line: start.line,
                column: start.column,
                message: f.diagnostic.message.to_string(),
                help: f.diagnostic.help.as_deref().map(str::to_string),
            }
        })
        .collect();
    for p in &run.problems {
        let at = p.position.unwrap_or(LineCol { line: 1, column: 1 });
        rows.push(Row {
            rule: unreadable_note::ID.to_string(),
            severity: Severity::Error.as_str(),
            path: p.path.clone(),
            line: at.line,
            column: at.column,
            message: p.message.clone(),
            help: Some(p.help().to_string()),
        });
    }
    rows.sort_by(|a, b| {
        (&a.path, a.line, a.column, &a.rule).cmp(&(&b.path, b.line, b.column, &b.rule))
    });
    rows
}

#[cfg(test)]
mod tests {
    use super::*;

    fn note(path: &str, links_to: &[&str]) -> NoteFacts {
        NoteFacts {
            path: path.into(),
            links: links_to.len(),
            links_to: links_to.iter().map(|s| (*s).to_string()).collect(),
            attachments: 0,
            missing: Vec::new(),
            updated: None,
            schemas: Vec::new(),
        }
    }

    #[test]
    fn the_graph_counts_components_orphans_and_hubs() {
        // A → B ← C form one component; D alone; E → F another; a link out of the report
        // (to X) is not an edge.
        let facts = vec![
            note("A.md", &["B.md", "X.md"]),
            note("B.md", &[]),
            note("C.md", &["B.md"]),
            note("D.md", &[]),
            note("E.md", &["F.md"]),
            note("F.md", &[]),
        ];
        let links = links(&facts, &[]);
        assert_eq!(links.components.count, 3);
        assert_eq!(links.components.largest, 3);
        assert_eq!(links.components.isolated, vec!["D.md"]);
        assert_eq!(links.orphans, vec!["A.md", "C.md", "D.md", "E.md"]);
        assert_eq!(
            links.hubs.first().map(|r| (&*r.path, r.notes)),
            Some(("B.md", 2))
        );
        assert_eq!(links.connectors.len(), 3);
        assert_eq!(links.share_linking_out, 0.5);
        assert_eq!(links.share_linked_to, 0.33);
        assert_eq!(links.per_note.max, 2);
        assert_eq!(links.per_note.median, 0.5);
    }

    #[test]
    fn most_wanted_counts_notes_case_insensitively() {
        let mut a = note("A.md", &[]);
        a.missing = vec!["Plan".into()];
        let mut b = note("B.md", &[]);
        b.missing = vec!["plan".into(), "Other".into()];
        let links = links(&[a, b], &[]);
        let wanted: Vec<(&str, usize)> = links
            .most_wanted
            .iter()
            .map(|w| (w.target.as_str(), w.notes))
            .collect();
        assert_eq!(wanted, vec![("Plan", 2), ("Other", 1)]);
    }

    #[test]
    fn quoted_metric_and_median() {
        assert_eq!(
            first_quoted("Figure `valuation` is $5B here").as_deref(),
            Some("valuation")
        );
        assert_eq!(first_quoted("no quote"), None);
        assert_eq!(median(&[1, 2, 3]), 2.0);
        assert_eq!(median(&[]), 0.0);
    }
}
