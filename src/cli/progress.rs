//! The progress bar `check` and `report` show on stderr while they read and check a vault
//! (`indicatif`): only when stderr is a terminal, not with `--quiet`, and only once the run has
//! taken about half a second, so that a quick run prints nothing. Plain (no colour) when
//! `NO_COLOR` is set. Never on stdout, which holds the report.

use std::io::IsTerminal;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::engine::Observer;

/// How long a run goes before the bar appears, unless `VAULTLINT_PROGRESS_AFTER_MS` says.
const AFTER: Duration = Duration::from_millis(500);

/// A progress bar fed by the engine's events; hidden until it is worth showing.
pub struct Progress {
    bar: ProgressBar,
    started: Instant,
    after: Duration,
    may_show: bool,
    shown: AtomicBool,
}

impl Progress {
    /// A bar that may show on stderr (not with `quiet`, nor when stderr is not a terminal).
    pub fn new(quiet: bool) -> Self {
        let plain = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
        let template = if plain {
            "{msg:<15} [{bar:30}] {pos}/{len} notes, {elapsed}"
        } else {
            "{spinner:.cyan} {msg:<15} [{bar:30.cyan/blue}] {pos}/{len} notes, {elapsed}"
        };
        let style = ProgressStyle::with_template(template)
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> ");
        let bar = ProgressBar::hidden();
        bar.set_style(style);
        bar.set_message("reading notes");
        let after = std::env::var("VAULTLINT_PROGRESS_AFTER_MS")
            .ok()
            .and_then(|ms| ms.parse().ok())
            .map_or(AFTER, Duration::from_millis);
        Progress {
            bar,
            started: Instant::now(),
            after,
            may_show: !quiet && std::io::stderr().is_terminal(),
            shown: AtomicBool::new(false),
        }
    }

    /// Takes the bar off the terminal.
    pub fn finish(&self) {
        self.bar.finish_and_clear();
    }

    fn show_if_slow(&self) {
        if !self.may_show
            || self.shown.load(Ordering::Relaxed)
            || self.started.elapsed() < self.after
        {
            return;
        }
        if !self.shown.swap(true, Ordering::Relaxed) {
            self.bar.set_draw_target(ProgressDrawTarget::stderr());
            self.bar.tick();
            self.bar.enable_steady_tick(Duration::from_millis(100));
        }
    }
}

impl Observer for Progress {
    fn walked(&self, notes: usize) {
        self.bar.set_length(notes as u64);
        self.show_if_slow();
    }

    fn read(&self) {
        self.bar.inc(1);
        self.show_if_slow();
    }

    fn checking(&self) {
        self.bar.set_message("checking links");
        self.show_if_slow();
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        self.finish();
    }
}
