//! `vaultlint schema infer`: a schema (YAML for `.vaultlint.yaml`) drawn from the notes of
//! one kind.

use std::io::Write;
use std::process::ExitCode;

use miette::IntoDiagnostic;

use super::{InferArgs, default_threads, load_config, warn_skipped};
use crate::config::infer::{self, Selection};
use crate::engine;
use crate::rules::settings::{Overrides, Settings};

/// Runs `vaultlint schema infer`.
pub fn infer(args: InferArgs) -> miette::Result<ExitCode> {
    let root = args.path;
    let loaded = load_config(args.config.as_deref(), &root)?;
    let settings = Settings::new(loaded, &Overrides::default())?;
    let threads = default_threads();
    let (notes, problems) = engine::load_notes(&settings, &root, threads).into_diagnostic()?;
    warn_skipped(&problems);
    let mut selection = Selection {
        tags: args.tag.into_iter().collect(),
        folders: args.folder.into_iter().collect(),
        all_tags: args.all_tags,
        not_tags: args.not_tags,
        ..Selection::default()
    };
    for pair in &args.where_fields {
        let Some((key, values)) = pair.split_once('=').filter(|(k, _)| !k.trim().is_empty()) else {
            return Err(miette::miette!(
                help = "Write it as KEY=VALUE, e.g. `--where status=public`",
                "Invalid --where `{pair}`"
            ));
        };
        selection
            .where_fields
            .entry(key.trim().to_string())
            .or_default()
            .extend(values.split(',').map(|v| v.trim().to_string()));
    }
    if selection.is_empty() {
        return Err(miette::miette!(
            "Give --tag TAG, --folder DIR, --all-tags TAGS or --where KEY=VALUE"
        ));
    }
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
