//! The requests the server answers: go to definition, references, completion, hover (through
//! `navigation.rs`) and code actions (`actions.rs`), each on an open document; anything else is
//! answered `MethodNotFound`, and bad parameters or positions `InvalidParams`.

use lsp_server::{ErrorCode, Request};
use lsp_types::{
    CodeActionParams, CompletionParams, GotoDefinitionParams, GotoDefinitionResponse, HoverParams,
    ReferenceParams, Uri,
};

use super::documents::Document;
use super::navigation::{self, Vault};
use super::{Failure, Server, actions, params};
use crate::engine::Session;

/// Requests the server answers (held until the vault is read).
pub(super) fn is_known(method: &str) -> bool {
    matches!(
        method,
        "textDocument/definition"
            | "textDocument/references"
            | "textDocument/completion"
            | "textDocument/hover"
            | "textDocument/codeAction"
    )
}

impl Server<'_> {
    pub(super) fn request(&mut self, request: Request) -> Result<serde_json::Value, Failure> {
        let json = |v: serde_json::Value| Ok(v);
        match request.method.as_str() {
            "textDocument/definition" => {
                let p: GotoDefinitionParams = params(request.params)?;
                let at = p.text_document_position_params;
                let found = self.navigate(&at.text_document.uri, |v, doc| {
                    navigation::definition(v, doc, at.position)
                })?;
                json(to_json(GotoDefinitionResponse::Array(found)))
            }
            "textDocument/references" => {
                let p: ReferenceParams = params(request.params)?;
                let at = p.text_document_position;
                let with_declaration = p.context.include_declaration;
                let found = self.navigate(&at.text_document.uri, |v, doc| {
                    navigation::references(v, doc, at.position, with_declaration)
                })?;
                json(to_json(found))
            }
            "textDocument/completion" => {
                let p: CompletionParams = params(request.params)?;
                let at = p.text_document_position;
                let found = self.navigate(&at.text_document.uri, |v, doc| {
                    navigation::completion(v, doc, at.position)
                })?;
                json(to_json(found))
            }
            "textDocument/hover" => {
                let p: HoverParams = params(request.params)?;
                let at = p.text_document_position_params;
                let found = self.navigate(&at.text_document.uri, |v, doc| {
                    navigation::hover(v, doc, at.position)
                })?;
                json(to_json(found))
            }
            "textDocument/codeAction" => {
                let p: CodeActionParams = params(request.params)?;
                let (doc, session) = self.open_doc(&p.text_document.uri)?;
                let key = p.text_document.uri.as_str();
                let (version, shown) = self
                    .shown
                    .get(key)
                    .map_or((doc.version, &[][..]), |(v, s)| (*v, s.as_slice()));
                if doc.offset(p.range.end, self.encoding).is_none() {
                    return Err(past_end(&p.text_document.uri));
                }
                let found = actions::code_actions(
                    doc,
                    shown,
                    version,
                    p.range,
                    session,
                    &self.root,
                    self.encoding,
                    self.edits,
                );
                json(to_json(found))
            }
            other => Err((
                ErrorCode::MethodNotFound,
                format!("vaultlint does not handle `{other}`"),
            )),
        }
    }

    /// The open document at `uri` and the session; an error when it is not open.
    fn open_doc(&self, uri: &Uri) -> Result<(&Document, &Session), Failure> {
        let doc = self.docs.get(uri.as_str()).ok_or_else(|| {
            (
                ErrorCode::InvalidParams,
                format!("`{}` is not open", uri.as_str()),
            )
        })?;
        let session = self.session.as_ref().ok_or_else(|| {
            (
                ErrorCode::ServerNotInitialized,
                "the vault is still being read".to_string(),
            )
        })?;
        Ok((doc, session))
    }

    /// Runs a navigation request on the open document at `uri`.
    fn navigate<T>(
        &self,
        uri: &Uri,
        work: impl FnOnce(&Vault<'_>, &Document) -> Result<T, String>,
    ) -> Result<T, Failure> {
        let (doc, session) = self.open_doc(uri)?;
        let texts = |path: &str| self.text_of(path);
        let vault = Vault {
            session,
            root: &self.root,
            encoding: self.encoding,
            texts: &texts,
        };
        work(&vault, doc).map_err(|message| (ErrorCode::InvalidParams, message))
    }
}

fn to_json(value: impl serde::Serialize) -> serde_json::Value {
    serde_json::to_value(value).unwrap_or_default()
}

fn past_end(uri: &Uri) -> Failure {
    (
        ErrorCode::InvalidParams,
        format!("a position past the end of `{}`", uri.as_str()),
    )
}
