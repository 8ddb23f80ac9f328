//! `$/progress` reports while the vault is indexed: begin, a report per percent of the notes
//! read, end. Sent only when the client said it shows work-done progress.

use std::sync::atomic::{AtomicUsize, Ordering};

use crossbeam_channel::Sender;
use lsp_server::{Message, Notification, Request, RequestId};
use lsp_types::{
    NumberOrString, ProgressParams, ProgressParamsValue, WorkDoneProgress, WorkDoneProgressBegin,
    WorkDoneProgressCreateParams, WorkDoneProgressEnd, WorkDoneProgressReport,
};

use crate::engine::Observer;

/// One piece of work shown to the client (the indexing of the vault).
pub struct Progress {
    sender: Option<Sender<Message>>,
    token: NumberOrString,
    total: AtomicUsize,
    read: AtomicUsize,
    /// The last percentage reported.
    shown: AtomicUsize,
}

impl Progress {
    /// Asks the client to show work `token` and begins it; `sender: None` shows nothing.
    pub fn begin(sender: Option<Sender<Message>>, token: &str, title: &str) -> Progress {
        let token = NumberOrString::String(token.to_string());
        let progress = Progress {
            sender,
            token,
            total: AtomicUsize::new(0),
            read: AtomicUsize::new(0),
            shown: AtomicUsize::new(0),
        };
        if let Some(sender) = &progress.sender {
            let create = Request::new(
                RequestId::from(format!(
                    "vaultlint/progress/{token}",
                    token = token_text(&progress.token)
                )),
                "window/workDoneProgress/create".to_string(),
                WorkDoneProgressCreateParams {
                    token: progress.token.clone(),
                },
            );
            let _ = sender.send(create.into());
        }
        progress.send(WorkDoneProgress::Begin(WorkDoneProgressBegin {
            title: title.to_string(),
            cancellable: Some(false),
            message: Some("finding notes".to_string()),
            percentage: Some(0),
        }));
        progress
    }

    /// Ends the work, saying how it went.
    pub fn end(&self, message: String) {
        self.send(WorkDoneProgress::End(WorkDoneProgressEnd {
            message: Some(message),
        }));
    }

    fn send(&self, value: WorkDoneProgress) {
        let Some(sender) = &self.sender else { return };
        let params = ProgressParams {
            token: self.token.clone(),
            value: ProgressParamsValue::WorkDone(value),
        };
        let _ = sender.send(Notification::new("$/progress".to_string(), params).into());
    }
}

impl Observer for Progress {
    fn walked(&self, notes: usize) {
        self.total.store(notes, Ordering::Relaxed);
    }

    fn read(&self) {
        let read = self.read.fetch_add(1, Ordering::Relaxed) + 1;
        let total = self.total.load(Ordering::Relaxed).max(1);
        let percent = (read * 100 / total).min(99);
        if percent > self.shown.fetch_max(percent, Ordering::Relaxed) {
            self.send(WorkDoneProgress::Report(WorkDoneProgressReport {
                cancellable: Some(false),
                message: Some(format!("{read}/{total} notes")),
                percentage: u32::try_from(percent).ok(),
            }));
        }
    }

    fn checking(&self) {
        self.send(WorkDoneProgress::Report(WorkDoneProgressReport {
            cancellable: Some(false),
            message: Some("checking links".to_string()),
            percentage: Some(99),
        }));
    }
}

fn token_text(token: &NumberOrString) -> String {
    match token {
        NumberOrString::Number(n) => n.to_string(),
        NumberOrString::String(s) => s.clone(),
    }
}
