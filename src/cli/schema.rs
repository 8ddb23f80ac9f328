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
