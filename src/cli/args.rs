//! The arguments of every command: `check`, `report`, `baseline`, `placeholders`, `rules`, `explain`,
//! `schema infer`.

use std::path::PathBuf;

use clap::{ArgGroup, Args, Parser, Subcommand, ValueEnum};
use jiff::civil::Date;

use crate::report::Format;

/// A fast linter for Markdown research vaults: broken links, drifting figures, stale dates,
/// note schemas.
#[derive(Debug, Parser)]
#[command(name = "vaultlint", version, about, long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check a vault, or some notes of it
    Check(CheckArgs),
    /// Draw the health of a vault on one HTML page (or print it as JSON)
    Report(ReportArgs),
    /// List every rule with its default severity
    Rules,
    /// Show a rule's documentation
    Explain {
        /// The rule id, e.g. broken-link
        rule: String,
    },
    /// Record today's findings so that `check --baseline` reports only new ones
    Baseline(BaselineArgs),
    /// List links to notes not written yet, most-wanted first
    Placeholders(PlaceholdersArgs),
    /// Run the language server (LSP over stdin and stdout) for an editor
    Server(ServerArgs),
    /// Work with note schemas
    Schema {
        #[command(subcommand)]
        command: SchemaCommand,
    },
}

#[derive(Debug, Args)]
pub struct ServerArgs {
    /// Talk over stdin and stdout (the only transport, and the default; accepted because
    /// editors' generic clients pass it)
    #[arg(long)]
    pub stdio: bool,
    /// Worker threads for indexing and checking (default: the number of cores)
    #[arg(long, value_name = "N")]
    pub threads: Option<usize>,
}

#[derive(Debug, Subcommand)]
pub enum SchemaCommand {
    /// Print a schema (YAML for `.vaultlint.yaml`) drawn from the notes of one kind
    Infer(InferArgs),
}

#[derive(Debug, Args)]
#[command(group(ArgGroup::new("selection").required(true).multiple(true).args(["tag", "folder", "all_tags", "where_fields"])))]
pub struct InferArgs {
    /// The vault folder
    #[arg(default_value = ".")]
    pub path: PathBuf,
    /// Use the notes carrying this tag (nested tags included)
    #[arg(long, value_name = "TAG")]
    pub tag: Option<String>,
    /// Use the notes under this folder (relative to the vault root; a glob works too)
    #[arg(long, value_name = "DIR", conflicts_with = "tag")]
    pub folder: Option<String>,
    /// Keep only the notes carrying every one of these tags (comma-separated)
    #[arg(long, value_name = "TAGS", value_delimiter = ',')]
    pub all_tags: Vec<String>,
    /// Leave out the notes carrying any of these tags (comma-separated)
    #[arg(long, value_name = "TAGS", value_delimiter = ',')]
    pub not_tags: Vec<String>,
    /// Keep only the notes whose front matter KEY holds VALUE (`--where status=public`;
    /// `status=public,listed` for any of them); repeat for several keys
    #[arg(long = "where", value_name = "KEY=VALUE")]
    pub where_fields: Vec<String>,
    /// Keep sections and fields present in at least this share of the notes (0 to 1)
    #[arg(long, default_value_t = 0.8, value_parser = parse_threshold)]
    pub threshold: f64,
    /// The schema's name (default: the tag or the folder's name)
    #[arg(long)]
    pub name: Option<String>,
    /// Config file, for `exclude` (default: `.vaultlint.yaml` at the vault root)
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct BaselineArgs {
    /// The vault folder
    #[arg(default_value = ".")]
    pub path: PathBuf,
    /// The baseline file (default: `.vaultlint-baseline.json` at the vault root)
    #[arg(long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Drop the entries that are fixed, and add nothing new
    #[arg(long)]
    pub prune: bool,
    /// Config file (default: `.vaultlint.yaml` at the vault root)
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// The date to check against, YYYY-MM-DD (default: config `today`, else the local date)
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_today)]
    pub today: Option<Date>,
    /// Worker threads (default: the number of cores)
    #[arg(long, value_name = "N")]
    pub threads: Option<usize>,
}

#[derive(Debug, Args)]
pub struct PlaceholdersArgs {
    /// The vault folder
    #[arg(default_value = ".")]
    pub path: PathBuf,
    /// Config file, for `exclude` (default: `.vaultlint.yaml` at the vault root)
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// A vault folder (default `.`), or note files inside a vault (only those are reported)
    pub paths: Vec<PathBuf>,
    /// The vault root (default: found from PATH by walking up to `.vaultlint.yaml` or `.obsidian/`)
    #[arg(long, value_name = "DIR")]
    pub vault: Option<PathBuf>,
    /// Config file (default: `.vaultlint.yaml` at the vault root)
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// The date to check against, YYYY-MM-DD (default: config `today`, else the local date)
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_today)]
    pub today: Option<Date>,
    /// Output format
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
    /// Check only these rules (comma-separated ids)
    #[arg(long, value_delimiter = ',', value_name = "RULE,...")]
    pub select: Option<Vec<String>>,
    /// Do not check these rules (comma-separated ids)
    #[arg(long, value_delimiter = ',', value_name = "RULE,...")]
    pub ignore: Vec<String>,
    /// Colour in human output (auto: when stdout is a terminal and NO_COLOR is unset)
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
    /// Print only the summary line (human format)
    #[arg(long, short)]
    pub quiet: bool,
    /// Also say what was skipped and why (human format)
    #[arg(long, short)]
    pub verbose: bool,
    /// Report only notes added or modified since the git revision REV (uncommitted and untracked
    /// changes included), and notes whose links a rename or deletion since REV broke
    #[arg(long, value_name = "REV")]
    pub changed_since: Option<String>,
    /// Exit 1 when there are more than N warnings (errors exit 1 whatever N is)
    #[arg(long, value_name = "N")]
    pub max_warnings: Option<usize>,
    /// Worker threads (default: the number of cores)
    #[arg(long, value_name = "N")]
    pub threads: Option<usize>,
    /// Report only findings that are not in this baseline (see `vaultlint baseline`)
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,
    /// After the findings, a table of findings per rule and the slowest rule
    #[arg(long)]
    pub statistics: bool,
    /// Apply the safe fixes to the notes, then report what is left
    #[arg(long)]
    pub fix: bool,
    /// With --fix or --diff, also apply the unsafe fixes (they can change what a note says)
    #[arg(long)]
    pub unsafe_fixes: bool,
    /// Print a unified diff of what --fix would change, and write nothing (exit 1 when the
    /// diff is not empty)
    #[arg(long)]
    pub diff: bool,
}

#[derive(Debug, Args)]
pub struct ReportArgs {
    /// A vault folder (default `.`), or note files inside a vault (only those are reported)
    pub paths: Vec<PathBuf>,
    /// Write the report to FILE (default: stdout)
    #[arg(long, short, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// html: one self-contained page; json: the same data for other tools
    #[arg(long, value_enum, default_value_t = ReportFormat::Html)]
    pub format: ReportFormat,
    /// The vault root (default: found from PATH by walking up to `.vaultlint.yaml` or `.obsidian/`)
    #[arg(long, value_name = "DIR")]
    pub vault: Option<PathBuf>,
    /// Config file (default: `.vaultlint.yaml` at the vault root)
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// The date to check against, YYYY-MM-DD (default: config `today`, else the local date)
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_today)]
    pub today: Option<Date>,
    /// Check only these rules (comma-separated ids)
    #[arg(long, value_delimiter = ',', value_name = "RULE,...")]
    pub select: Option<Vec<String>>,
    /// Do not check these rules (comma-separated ids)
    #[arg(long, value_delimiter = ',', value_name = "RULE,...")]
    pub ignore: Vec<String>,
    /// Report only notes added or modified since the git revision REV
    #[arg(long, value_name = "REV")]
    pub changed_since: Option<String>,
    /// Leave out the findings in this baseline, and say how many of them are left
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,
    /// Worker threads (default: the number of cores)
    #[arg(long, value_name = "N")]
    pub threads: Option<usize>,
    /// No progress bar, and no line saying where the report was written
    #[arg(long, short)]
    pub quiet: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ReportFormat {
    Html,
    Json,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

fn parse_threshold(s: &str) -> Result<f64, String> {
    match s.trim().parse::<f64>() {
        Ok(v) if v > 0.0 && v <= 1.0 => Ok(v),
        _ => Err("expected a share above 0 and at most 1, e.g. 0.8".to_string()),
    }
}

fn parse_today(s: &str) -> Result<Date, String> {
    crate::rules::settings::parse_date(s).map_err(|e| format!("expected YYYY-MM-DD: {e}"))
}
