//! The `vaultlint` binary: arguments in, report out, exit code 0 (clean), 1 (errors found, or
//! more warnings than `--max-warnings`) or 2 (usage, config or I/O failure).

// The binary is where output belongs: printing is allowed here and in `report/` only.
#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::io::{IsTerminal, Write};
use std::path::Path;
use std::process::ExitCode;

use clap::Parser;
use miette::IntoDiagnostic;

use vaultlint::cli::{
    BaselineArgs, CheckArgs, Cli, ColorChoice, Command, InferArgs, PlaceholdersArgs, SchemaCommand,
};
use vaultlint::config::infer::{self, Selection};
use vaultlint::config::{self, LoadedConfig};
use vaultlint::engine::{self, Request};
use vaultlint::index::placeholder;
use vaultlint::report::baseline::{self, Baseline};
use vaultlint::report::stats;
use vaultlint::report::{self, Extras, Format, HumanOptions};
use vaultlint::rules;
use vaultlint::rules::settings::{self, Overrides, Settings};
use vaultlint::vault::changes::Changes;
use vaultlint::vault::targets::{self, Targets};

/// Parsing a vault allocates many small, short-lived strings on every worker thread; mimalloc's
/// per-thread free lists serve them faster than the system allocator. Its v2 line keeps peak
/// memory on a 100,000-note vault near the system allocator's.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Check(args) => check(args),
        Command::Rules => list_rules(),
        Command::Explain { rule } => explain(&rule),
        Command::Baseline(args) => write_baseline(args),
        Command::Placeholders(args) => placeholders(args),
        Command::Schema {
            command: SchemaCommand::Infer(args),
        } => infer_schema(args),
    };
    match result {
        Ok(code) => code,
        Err(report) => {
            // The graphical renderer must not turn a config error into a crash.
            let rendered =
                std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| format!("{report:?}")))
                    .unwrap_or_else(|_| format!("Error: {report}"));
            eprintln!("{rendered}");
            ExitCode::from(2)
        }
    }
}

fn check(args: CheckArgs) -> miette::Result<ExitCode> {
    for list in [
        args.select.iter().flatten().collect::<Vec<_>>(),
        args.ignore.iter().collect(),
    ] {
        if let Some(bad) = settings::unknown_rule(list) {
            return Err(miette::miette!(
                help = format!("Known rules: {}", settings::known_rules()),
                "Unknown rule `{bad}` in --select or --ignore"
            ));
        }
    }
    if let Some(id) = settings::always_on_rule(&args.ignore) {
        return Err(miette::miette!(
            help =
                "A note that cannot be read is always reported (exit 2); exclude the file instead",
            "`{id}` cannot be ignored"
        ));
    }
    let targets =
        targets::resolve(&args.paths, args.vault.as_deref()).map_err(|e| miette::miette!("{e}"))?;
    for p in &targets.ignored {
        eprintln!("vaultlint: skipping `{}`: not a note (.md)", p.display());
    }
    let loaded = load_config(args.config.as_deref(), &targets.root)?;
    let overrides = Overrides {
        today: args.today,
        select: args.select.clone(),
        ignore: args.ignore.clone(),
    };
    let mut settings = Settings::new(loaded, &overrides)?;
    if let Some(rev) = &args.changed_since {
        let changes = Changes::collect(&targets.root, rev, &settings.parse)
            .map_err(|e| miette::miette!("{e}"))?;
        settings.changes = Some(changes);
    }
    let threads = args.threads.unwrap_or_else(default_threads);
    let request = Request {
        targets: targets.clone(),
        threads,
        time_rules: args.statistics,
    };
    let run = engine::run(&settings, &request).into_diagnostic()?;
    let mut extras = Extras::default();
    let run = match &args.baseline {
        Some(file) => {
            let recorded = Baseline::load(file).map_err(|e| error_chain(&e))?;
            let sources = report::Sources::new(&targets.root);
            let (run, outcome) = recorded.filter(run, &sources, |path, rule| {
                in_scope(&settings, &targets, path, rule)
            });
            extras.baseline = Some(outcome);
            run
        }
        None => run,
    };
    if args.statistics {
        extras.statistics = Some(stats::compute(&run));
    }

    let color = match args.color {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            std::io::stdout().is_terminal()
                && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
        }
    };
    let human = HumanOptions {
        color,
        quiet: args.quiet,
        verbose: args.verbose,
    };
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let written = report::write(
        &mut out,
        args.format,
        &targets.root,
        &run,
        &extras,
        human,
        threads,
    )
    .and_then(|()| out.flush());
    if let Err(err) = written
        && err.kind() != std::io::ErrorKind::BrokenPipe
    {
        return Err(miette::miette!("cannot write the report: {err}"));
    }
    if args.format == Format::Human && args.quiet && !run.problems.is_empty() {
        for p in &run.problems {
            eprintln!(
                "vaultlint: {}: {}",
                report::neutralise_line(&p.path),
                report::neutralise_line(&p.message)
            );
        }
    }

    if let Some(outcome) = extras.baseline
        && outcome.fixed > 0
        && args.format == Format::Human
    {
        eprintln!(
            "vaultlint: {} fixed since the baseline: run `vaultlint baseline --prune`",
            outcome.fixed
        );
    }

    let counts = report::counts(&run);
    let too_many_warnings = args.max_warnings.is_some_and(|max| counts.warnings > max);
    if too_many_warnings {
        eprintln!(
            "vaultlint: {} warnings, more than --max-warnings {}",
            counts.warnings,
            args.max_warnings.unwrap_or_default()
        );
    }
    Ok(if !run.problems.is_empty() {
        ExitCode::from(2)
    } else if counts.errors > 0 || too_many_warnings {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

fn list_rules() -> miette::Result<ExitCode> {
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
            meta.default_severity.as_str(),
            meta.summary
        );
    }
    Ok(ExitCode::SUCCESS)
}

fn explain(rule: &str) -> miette::Result<ExitCode> {
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

/// True when this run could have found a baseline entry for `rule` in the note at `path`.
fn in_scope(settings: &Settings, targets: &Targets, path: &str, rule: &str) -> bool {
    targets.selects(path) && !settings.exclude.is_match(path) && settings.is_on_for(rule, path)
}

/// An error with its causes, one after another.
fn error_chain(err: &dyn std::error::Error) -> miette::Report {
    let mut message = err.to_string();
    let mut source = err.source();
    while let Some(s) = source {
        message.push_str(&format!(": {s}"));
        source = s.source();
    }
    miette::miette!("{message}")
}

/// `vaultlint baseline`: the one command that writes a file, into the vault root unless
/// `--output` says otherwise.
fn write_baseline(args: BaselineArgs) -> miette::Result<ExitCode> {
    let targets = targets::resolve(&[args.path], None).map_err(|e| miette::miette!("{e}"))?;
    let loaded = load_config(args.config.as_deref(), &targets.root)?;
    let overrides = Overrides {
        today: args.today,
        ..Overrides::default()
    };
    let settings = Settings::new(loaded, &overrides)?;
    let threads = args.threads.unwrap_or_else(default_threads);
    let request = Request {
        targets: targets.clone(),
        threads,
        time_rules: false,
    };
    let run = engine::run(&settings, &request).into_diagnostic()?;
    let sources = report::Sources::new(&targets.root);
    let current = Baseline::from_findings(&run.findings, &sources);
    let output = args
        .output
        .unwrap_or_else(|| targets.root.join(baseline::DEFAULT_FILE));
    let shown = report::neutralise_line(&output.display().to_string());
    if args.prune {
        let recorded = Baseline::load(&output).map_err(|e| error_chain(&e))?;
        let kept = recorded.prune(&current);
        kept.save(&output).map_err(|e| error_chain(&e))?;
        eprintln!(
            "vaultlint: pruned {} from `{shown}`; {} remain",
            findings(recorded.findings().saturating_sub(kept.findings())),
            kept.findings()
        );
    } else {
        current.save(&output).map_err(|e| error_chain(&e))?;
        eprintln!(
            "vaultlint: recorded {} in `{shown}`; `vaultlint check --baseline {shown}` now reports only new ones",
            findings(current.findings())
        );
    }
    for p in &run.problems {
        eprintln!(
            "vaultlint: {}: {} (not checked, not in the baseline)",
            report::neutralise_line(&p.path),
            report::neutralise_line(&p.message)
        );
    }
    Ok(if run.problems.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(2)
    })
}

/// `1 finding`, `2 findings`.
fn findings(n: usize) -> String {
    if n == 1 {
        "1 finding".to_string()
    } else {
        format!("{n} findings")
    }
}

fn placeholders(args: PlaceholdersArgs) -> miette::Result<ExitCode> {
    let root = args.path;
    let loaded = load_config(args.config.as_deref(), &root)?;
    let settings = Settings::new(loaded, &Overrides::default())?;
    let threads = default_threads();
    let (index, problems) = engine::load_index(&settings, &root, threads).into_diagnostic()?;
    warn_skipped(&problems);
    let wanted = placeholder::list(&index, |path| !settings.exclude.is_match(path));
    let text = report::placeholders::table(&wanted);
    let mut out = std::io::stdout().lock();
    if let Err(err) = out.write_all(text.as_bytes()).and_then(|()| out.flush())
        && err.kind() != std::io::ErrorKind::BrokenPipe
    {
        return Err(miette::miette!("cannot write the list: {err}"));
    }
    Ok(ExitCode::SUCCESS)
}

fn infer_schema(args: InferArgs) -> miette::Result<ExitCode> {
    let root = args.path;
    let loaded = load_config(args.config.as_deref(), &root)?;
    let settings = Settings::new(loaded, &Overrides::default())?;
    let threads = default_threads();
    let (notes, problems) = engine::load_notes(&settings, &root, threads).into_diagnostic()?;
    warn_skipped(&problems);
    let selection = match (args.tag, args.folder) {
        (Some(tag), _) => Selection::Tag(tag),
        (None, Some(folder)) => Selection::Folder(folder),
        (None, None) => return Err(miette::miette!("Give --tag TAG or --folder DIR")),
    };
    let inferred = infer::infer(&notes, &selection, args.threshold, args.name.as_deref())
        .map_err(|e| {
            miette::miette!(
                help = "Check the spelling; tags are matched without `#`, folders relative to the vault root",
                "{e}"
            )
        })?;
    let mut out = std::io::stdout().lock();
    if let Err(err) = out
        .write_all(infer::to_yaml(&inferred).as_bytes())
        .and_then(|()| out.flush())
        && err.kind() != std::io::ErrorKind::BrokenPipe
    {
        return Err(miette::miette!("cannot write the schema: {err}"));
    }
    Ok(ExitCode::SUCCESS)
}

/// The config at `given`, else `.vaultlint.yaml` at the vault root, else the defaults.
fn load_config(given: Option<&Path>, root: &Path) -> miette::Result<LoadedConfig> {
    let found = root.join(".vaultlint.yaml");
    let path = given
        .map(Path::to_path_buf)
        .or_else(|| found.is_file().then_some(found));
    Ok(match path {
        Some(path) => config::load(&path)?,
        None => LoadedConfig::defaults(),
    })
}

/// One worker per core.
fn default_threads() -> usize {
    std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get)
}

/// Says on stderr which notes a command that runs no rule could not read.
fn warn_skipped(problems: &[engine::Problem]) {
    for p in problems {
        eprintln!(
            "vaultlint: skipping `{}`: {}",
            report::neutralise_line(&p.path),
            report::neutralise_line(&p.message)
        );
    }
}
