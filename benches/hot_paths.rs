//! Micro-benchmarks of the hot paths: note parsing, index build, link resolution, figure
//! extraction and writing the report. `cargo bench` runs them all; `cargo bench -- resolve` runs one group.
//!
//! The inputs are built in memory by the small seeded generator at the end of this file, in the
//! shape of a research vault's notes: front matter with aliases and tags, `##` sections, metric
//! and funding tables, prose with figures, wikilinks with `#Heading` anchors, an Updated marker.
//! Nothing is read from disk but the report benchmark's notes, written to a temporary folder
//! first, so every run on every machine measures the same text.
//!
//! Sample counts are kept low so a run takes about 20 seconds once built, on a shared 2-core
//! machine. Each benchmark checks its input first (the figure variants differ in their figures,
//! every link of a resolution batch takes the path it is named after), so a change in the model
//! cannot silently turn a benchmark into a measure of something else.

use std::sync::{Arc, LazyLock};

use divan::counter::{BytesCount, ItemsCount};
use divan::{Bencher, black_box};
use rayon::prelude::*;
use vaultlint::config::LoadedConfig;
use vaultlint::engine::{self, Run};
use vaultlint::figures::ParseOptions;
use vaultlint::index::{AnchorCheck, Resolution, VaultIndex};
use vaultlint::model::{Link, LinkKind, Note, Span};
use vaultlint::report::{self, Extras, Format, HumanOptions};
use vaultlint::rules::REGISTRY;
use vaultlint::rules::settings::{Overrides, Settings};

fn main() {
    divan::main();
}

/// Sections in the large note (a long running-notes page, about 100 KB).
const LARGE_SECTIONS: usize = 240;
/// Sections in a typical note (about 4 KB, like a company or person page).
const TYPICAL_SECTIONS: usize = 10;
/// Links per resolution batch.
const BATCH: usize = 1_000;

static OPTIONS: LazyLock<ParseOptions> = LazyLock::new(ParseOptions::default);

/// The 10,000-note vault, parsed once and sorted by path as discovery would hand it over.
static VAULT: LazyLock<Vault> = LazyLock::new(|| Vault::generate(10_000));

/// The vault behind the resolution benchmarks.
static INDEX: LazyLock<VaultIndex> =
    LazyLock::new(|| VaultIndex::new(VAULT.notes.clone(), VAULT.files.clone()));

/// `Note::parse` on one note: text to model, front matter, pulldown pass, scans and figures.
#[divan::bench(args = ["typical", "large"], sample_count = 100)]
fn parse_note(bencher: Bencher, size: &str) {
    let sections = if size == "large" {
        LARGE_SECTIONS
    } else {
        TYPICAL_SECTIONS
    };
    let path = note_path(7);
    let text = note_text(7, 10_000, sections, true);
    bencher
        .counter(BytesCount::of_str(&text))
        .bench(|| Note::parse(black_box(path.as_str()), black_box(&text), &OPTIONS));
}

/// Figure extraction, as the difference between parsing a typical note and the same note with
/// every figure's digits blanked out (same length, same tables, links and headings; extraction
/// then finds nothing and skips those lines early).
#[divan::bench(args = ["with_figures", "without_figures"], sample_count = 100)]
fn figure_extraction(bencher: Bencher, variant: &str) {
    let figures = variant == "with_figures";
    let path = note_path(7);
    let text = note_text(7, 10_000, TYPICAL_SECTIONS, figures);
    let note = Note::parse(path.as_str(), &text, &OPTIONS);
    let found = note.figures.len() + note.quoted_figures.len() + note.sum_claims.len();
    assert_eq!(
        found > 0,
        figures,
        "the figure variants must differ in their figures only"
    );
    bencher
        .counter(BytesCount::of_str(&text))
        .bench(|| Note::parse(black_box(path.as_str()), black_box(&text), &OPTIONS));
}

/// `VaultIndex::new` over parsed notes (and one attachment per ten notes): paths, names,
/// aliases, folders, suggestion names, heading keys and slugs.
#[divan::bench(args = [1_000, 10_000], sample_count = 30)]
fn index_build(bencher: Bencher, notes: usize) {
    let vault = VAULT.subset(notes);
    bencher
        .counter(ItemsCount::new(notes))
        .with_inputs(|| (vault.notes.clone(), vault.files.clone()))
        .bench_values(|(notes, files)| VaultIndex::new(notes, files));
}

/// `VaultIndex::resolve_link` over a batch of 1,000 wikilinks in the 10,000-note vault, each
/// written in a random note, with the alias lookup `broken-link` makes when a path is missing.
/// `hit`: `[[Name]]`; `heading`: `[[Name#Funding]]`, anchor checked too; `alias`:
/// `[[ALIAS]]` (not a link target, found through the alias table); `miss`: no such name.
#[divan::bench(args = ["hit", "heading", "alias", "miss"], sample_count = 100)]
fn resolve(bencher: Bencher, kind: &str) {
    let index = &*INDEX;
    let batch = link_batch(index, kind);
    let expected = if kind == "miss" { 0 } else { batch.len() };
    assert_eq!(
        resolve_batch(index, &batch),
        expected,
        "every `{kind}` link must take the path it is named after"
    );
    bencher
        .counter(ItemsCount::new(batch.len()))
        .bench(|| resolve_batch(index, black_box(&batch)));
}

/// Writing a checked run's report: `human` draws every finding's snippet with miette,
/// `json` places every finding. 200 generated notes are written to a temporary folder (the
/// human report reads a note again to draw its findings, the others for a finding that was not
/// placed as the note was checked) and checked with every rule; most of their links lead
/// outside those 200 notes, so each note has findings.
#[divan::bench(args = ["human", "json"], sample_count = 20)]
fn report(bencher: Bencher, format: &str) {
    let format = match format {
        "human" => Format::Human,
        _ => Format::Json,
    };
    let checked = &*CHECKED;
    let findings = checked.run.findings.len();
    assert!(
        findings > checked.texts.len(),
        "the checked notes must have findings to report ({findings})"
    );
    let options = HumanOptions {
        color: false,
        quiet: false,
        verbose: false,
    };
    bencher.counter(ItemsCount::new(findings)).bench(|| {
        let mut out = Vec::new();
        report::write(
            &mut out,
            format,
            checked.dir.path(),
            &checked.run,
            &Extras::default(),
            options,
            1,
        )
        .map(|()| out.len())
    });
}

/// The notes behind the report benchmark, on disk, and their check.
struct Checked {
    dir: tempfile::TempDir,
    texts: Vec<(String, String)>,
    run: Run,
}

static CHECKED: LazyLock<Checked> = LazyLock::new(check_on_disk);

#[allow(clippy::expect_used)] // Set-up, not a measurement: a failure must stop the run loudly.
fn check_on_disk() -> Checked {
    let dir = tempfile::tempdir().expect("a temporary folder for the report benchmark");
    let texts: Vec<(String, String)> = (0..200)
        .map(|i| (note_path(i), note_text(i, 10_000, TYPICAL_SECTIONS, true)))
        .collect();
    for (path, text) in &texts {
        let file = dir.path().join(path);
        if let Some(folder) = file.parent() {
            std::fs::create_dir_all(folder).expect("the note's folder");
        }
        std::fs::write(&file, text).expect("the note");
    }
    let overrides = Overrides {
        today: "2026-11-26".parse().ok(),
        select: Some(REGISTRY.iter().map(|m| m.id.to_string()).collect()),
        ignore: Vec::new(),
    };
    let settings =
        Settings::new(LoadedConfig::defaults(), &overrides).expect("the default settings");
    let pairs: Vec<(&str, &str)> = texts
        .iter()
        .map(|(p, t)| (p.as_str(), t.as_str()))
        .collect();
    let run = engine::check_texts(&settings, &pairs, &[]);
    Checked { dir, texts, run }
}

/// Resolves every link as `broken-link` and `broken-anchor` would; counts the links that lead
/// to a note (and heading), directly or through an alias.
fn resolve_batch(index: &VaultIndex, batch: &[(usize, Arc<str>, Link)]) -> usize {
    let mut found = 0;
    for (from_id, from, link) in batch {
        let (resolution, anchor) = index.resolve_link(link, *from_id, from);
        found += match resolution {
            Resolution::Note { .. } => usize::from(anchor.is_none_or(|a| a == AnchorCheck::Found)),
            Resolution::Missing => usize::from(index.note_with_alias(&link.path).is_some()),
            Resolution::File(_) | Resolution::OutsideVault => 0,
        };
    }
    found
}

/// Links of one kind, each with the id and path of the note it is written in.
fn link_batch(index: &VaultIndex, kind: &str) -> Vec<(usize, Arc<str>, Link)> {
    let mut rng = Rng(SEED ^ 0xba7c);
    let count = index.notes().len();
    (0..BATCH)
        .filter_map(|_| {
            let from_id = rng.below(count);
            let from = index.note(from_id)?.path.clone();
            let to = rng.below(VAULT.size);
            let raw = match kind {
                "heading" => format!("{}#Funding", note_name(to)),
                "alias" => alias(to),
                "miss" => format!("{} Holdings", stem(to)),
                _ => note_name(to),
            };
            let span = Span::new(0, raw.len() + 4);
            let target = Span::new(2, raw.len() + 2);
            Some((
                from_id,
                from,
                Link::from_target(LinkKind::Wiki, span, target, &raw),
            ))
        })
        .collect()
}

/// Parsed notes and attachment paths, sorted by path.
struct Vault {
    /// How many notes the links of the generated notes point among.
    size: usize,
    notes: Vec<Note>,
    files: Vec<String>,
}

impl Vault {
    fn generate(size: usize) -> Vault {
        // Parsed in parallel: this is set-up, not a measurement.
        let mut notes: Vec<Note> = (0..size)
            .into_par_iter()
            .map(|i| {
                let text = note_text(i, size, TYPICAL_SECTIONS, true);
                Note::parse(note_path(i), &text, &OPTIONS)
            })
            .collect();
        notes.sort_by(|a, b| a.path.cmp(&b.path));
        let mut files: Vec<String> = (0..size)
            .step_by(10)
            .map(|i| format!("Assets/{} chart.png", stem(i)))
            .collect();
        files.sort();
        Vault { size, notes, files }
    }

    /// Every `n`-th note and file, for a smaller vault of `count` notes (still sorted).
    fn subset(&self, count: usize) -> Vault {
        let step = (self.notes.len() / count.max(1)).max(1);
        Vault {
            size: count,
            notes: self
                .notes
                .iter()
                .step_by(step)
                .take(count)
                .cloned()
                .collect(),
            files: self.files.iter().step_by(step).cloned().collect(),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// The note generator.

const SEED: u64 = 0x5eed_2026;
const FOLDERS: [&str; 4] = ["Actors", "Companies", "People", "Topics"];
const SYLLABLES: [&str; 16] = [
    "ka", "lo", "mi", "ne", "ru", "sa", "ti", "vo", "ba", "de", "fu", "go", "ha", "ji", "pe", "zu",
];
const SUFFIXES: [&str; 6] = ["Labs", "AI", "Capital", "Robotics", "Systems", "Bio"];
const TAGS: [&str; 8] = [
    "actor",
    "ai",
    "opensource",
    "usa",
    "europe",
    "private",
    "public",
    "robotics",
];
const INVESTORS: [&str; 6] = [
    "Sequoia",
    "Coatue",
    "Intel",
    "AMD",
    "Qualcomm",
    "Salesforce",
];
const ROUNDS: [&str; 5] = ["Seed", "Series A", "Series B", "Series C", "Series D"];
const FOCUS: [&str; 5] = ["Inference", "Training", "MLOps", "Distribution", "Hardware"];

/// SplitMix64: a tiny seeded generator, the same on every machine.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// A number in `0..n`.
    fn below(&mut self, n: usize) -> usize {
        usize::try_from(self.next() % n.max(1) as u64).unwrap_or(0)
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items.get(self.below(items.len())).copied().unwrap_or("")
    }
}

/// A pronounceable, digit-free word unique to `i` (four syllables: up to 65,536 notes).
fn stem(i: usize) -> String {
    let mut out = String::new();
    for shift in [12, 8, 4, 0] {
        out.push_str(SYLLABLES.get((i >> shift) & 15).copied().unwrap_or("ka"));
    }
    let mut chars = out.chars();
    chars
        .next()
        .map(|c| c.to_ascii_uppercase().to_string() + chars.as_str())
        .unwrap_or_default()
}

/// Note names; every 101st note repeats the previous note's name in another folder.
fn note_name(i: usize) -> String {
    let i = if i % 101 == 100 { i - 1 } else { i };
    format!(
        "{} {}",
        stem(i),
        SUFFIXES.get(i % 6).copied().unwrap_or("Labs")
    )
}

fn note_path(i: usize) -> String {
    let folder = FOLDERS.get(i % 4).copied().unwrap_or("Actors");
    format!("{folder}/{}.md", note_name(i))
}

fn alias(i: usize) -> String {
    stem(i).to_uppercase()
}

/// A figure as written, or (for the figure-free variant) the same text with its digits blanked.
fn fig(figures: bool, text: String) -> String {
    if figures {
        text
    } else {
        text.replace(|c: char| c.is_ascii_digit(), "x")
    }
}

fn money(rng: &mut Rng) -> String {
    match rng.below(3) {
        0 => format!("${}.{}B", 1 + rng.below(90), rng.below(10)),
        1 => format!("${}M", 5 + rng.below(900)),
        _ => format!("${},{:03}", 1 + rng.below(99), rng.below(1000)),
    }
}

fn count(rng: &mut Rng) -> String {
    format!("{},{:03}+", 1 + rng.below(200), rng.below(1000))
}

fn year(rng: &mut Rng) -> usize {
    2018 + rng.below(8)
}

/// A wikilink to another note of a vault of `vault` notes: plain, to a heading, or with a
/// display text.
fn wikilink(rng: &mut Rng, vault: usize) -> String {
    let to = note_name(rng.below(vault));
    match rng.below(4) {
        0 => format!("[[{to}#Funding]]"),
        1 => format!("[[{to}|{}]]", alias(rng.below(vault))),
        _ => format!("[[{to}]]"),
    }
}

fn push_line(out: &mut String, line: &str) {
    out.push_str(line);
    out.push('\n');
}

/// The text of note `i`: `sections` body sections (cycling through six kinds), then `## Related`.
fn note_text(i: usize, vault: usize, sections: usize, figures: bool) -> String {
    let mut rng = Rng(SEED ^ (i as u64).wrapping_mul(0x9e37_79b9));
    let name = note_name(i);
    let mut out = String::with_capacity(700 * (sections + 1));
    let tags: Vec<&str> = (0..3).map(|_| rng.pick(&TAGS)).collect();
    push_line(&mut out, "---");
    push_line(&mut out, &format!("aliases: [{}]", alias(i)));
    push_line(&mut out, &format!("tags: [{}]", tags.join(", ")));
    push_line(&mut out, "---");
    push_line(
        &mut out,
        &format!("#{} #{}", rng.pick(&TAGS), rng.pick(&TAGS)),
    );
    out.push('\n');
    let lead = fig(
        figures,
        format!(
            "**{name}** — a {} platform. {} valuation. {} customers.",
            rng.pick(&FOCUS).to_lowercase(),
            money(&mut rng),
            count(&mut rng)
        ),
    );
    push_line(&mut out, &lead);
    for s in 0..sections {
        // Repeated kinds in long notes get distinct headings: `## Funding (b)`.
        let round = s / 6;
        let suffix = match round {
            0 => String::new(),
            n => format!(" ({})", stem(n).to_lowercase()),
        };
        push_line(&mut out, "\n---\n");
        match s % 6 {
            0 => overview(&mut out, &mut rng, &suffix, figures),
            1 => funding(&mut out, &mut rng, &suffix, vault, figures),
            2 => revenue(&mut out, &mut rng, &suffix, vault, figures),
            3 => landscape(&mut out, &mut rng, &suffix, vault, figures),
            4 => position(&mut out, &mut rng, &suffix, vault, figures),
            _ => quick_stats(&mut out, &mut rng, &suffix, figures),
        }
        prose(&mut out, &mut rng, vault, figures);
    }
    push_line(
        &mut out,
        &format!(
            "\n*Updated 2026-{:02}-{:02}*",
            1 + rng.below(12),
            1 + rng.below(28)
        ),
    );
    push_line(&mut out, "\n---\n\n## Related\n");
    for _ in 0..6 {
        let link = wikilink(&mut rng, vault);
        push_line(&mut out, &format!("- {link} — {}", rng.pick(&FOCUS)));
    }
    out
}

/// A paragraph of commentary: two or three sentences, one with a figure, one with a link.
fn prose(out: &mut String, rng: &mut Rng, vault: usize, figures: bool) {
    const OPENERS: [&str; 4] = [
        "Adoption keeps widening beyond the original developer base",
        "Most of the growth comes from enterprise contracts rather than self-serve plans",
        "The open-source core stays free, while hosting and support carry the margin",
        "Analysts read the latest round as a bet on distribution, not on model quality",
    ];
    let figure = fig(
        figures,
        format!(
            "the team reported {} in bookings for {} and {} monthly active users",
            money(rng),
            year(rng),
            count(rng)
        ),
    );
    out.push('\n');
    push_line(
        out,
        &format!(
            "{}; {figure}. Compare {} for the same period.",
            rng.pick(&OPENERS),
            wikilink(rng, vault)
        ),
    );
}

fn overview(out: &mut String, rng: &mut Rng, suffix: &str, figures: bool) {
    push_line(out, &format!("## Why it matters{suffix}\n"));
    push_line(out, "| Metric | Value |\n|--------|-------|");
    for label in ["Valuation", "Total raised", "Employees", "Customers"] {
        let value = if label == "Employees" || label == "Customers" {
            count(rng)
        } else {
            money(rng)
        };
        push_line(out, &format!("| {label} | {} |", fig(figures, value)));
    }
}

fn funding(out: &mut String, rng: &mut Rng, suffix: &str, vault: usize, figures: bool) {
    push_line(out, &format!("## Funding{suffix}\n"));
    let amounts: Vec<usize> = (0..3).map(|_| 10 + rng.below(400)).collect();
    let total: usize = amounts.iter().sum();
    push_line(out, &fig(figures, format!("**${total}M total:**\n")));
    push_line(
        out,
        "| Round | Amount | Key investors |\n|-------|--------|---------------|",
    );
    for amount in amounts {
        let row = format!(
            "| {} | {} | {}, {} |",
            rng.pick(&ROUNDS),
            fig(figures, format!("${amount}M")),
            wikilink(rng, vault),
            rng.pick(&INVESTORS)
        );
        push_line(out, &row);
    }
}

fn revenue(out: &mut String, rng: &mut Rng, suffix: &str, vault: usize, figures: bool) {
    push_line(out, &format!("## Revenue model{suffix}\n"));
    let revenue = fig(
        figures,
        format!(
            "**Revenue:** ~{} ARR ({}), growing {}% YoY.",
            money(rng),
            year(rng),
            10 + rng.below(400)
        ),
    );
    push_line(out, &revenue);
    out.push('\n');
    let clients = fig(figures, count(rng));
    push_line(
        out,
        &format!(
            "**Enterprise clients:** {}, {} and {clients} companies, most on annual plans.",
            wikilink(rng, vault),
            wikilink(rng, vault)
        ),
    );
}

fn landscape(out: &mut String, rng: &mut Rng, suffix: &str, vault: usize, figures: bool) {
    push_line(out, &format!("## Competitive landscape{suffix}\n"));
    push_line(
        out,
        "| Platform | Focus | Valuation |\n|----------|-------|-----------|",
    );
    for _ in 0..3 {
        let row = format!(
            "| [[{}]] | {} | {} |",
            note_name(rng.below(vault)),
            rng.pick(&FOCUS),
            fig(figures, money(rng))
        );
        push_line(out, &row);
    }
}

fn position(out: &mut String, rng: &mut Rng, suffix: &str, vault: usize, figures: bool) {
    push_line(out, &format!("## Strategic position{suffix}\n"));
    push_line(out, "**Bull:**");
    push_line(
        out,
        "- Essential infrastructure, hosts models from all labs",
    );
    push_line(
        out,
        &format!("- Partners with {} on distribution", wikilink(rng, vault)),
    );
    let launch = fig(
        figures,
        format!("- Launched a {} developer kit in {}", money(rng), year(rng)),
    );
    push_line(out, &launch);
    push_line(out, "\n**Bear:**");
    push_line(out, "- Monetization unclear at scale");
    push_line(out, "- Cloud providers could compete ^risks");
}

fn quick_stats(out: &mut String, rng: &mut Rng, suffix: &str, figures: bool) {
    push_line(out, &format!("## Quick stats{suffix}\n"));
    push_line(out, "| Metric | Value |\n|--------|-------|");
    push_line(out, "| Ticker | Private |");
    for label in ["Valuation", "Total raised", "Headcount"] {
        let value = if label == "Headcount" {
            count(rng)
        } else {
            money(rng)
        };
        push_line(out, &format!("| {label} | {} |", fig(figures, value)));
    }
}
