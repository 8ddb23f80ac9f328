//! The whole parse of a note: the note model, then its figures.
//!
//! Figure reading sits above the note model, so the model cannot call it: [`Note::parse`]
//! lives here, in an `impl Note` of figure reading's. It runs the model's parse
//! ([`Note::parse_all_but_figures`]) and reads the figures from what that parse found; every
//! caller that wants a note parsed whole calls it, and nothing else fills a note's figures.

use std::sync::Arc;

use super::extract;
use super::input::Input;
use super::value::Synonyms;
use crate::model::{DateOptions, Note};

/// What parsing needs from the configuration.
#[derive(Debug, Clone, Default)]
pub struct ParseOptions {
    /// Which Updated dates the note model reads.
    pub dates: DateOptions,
    /// Figure labels that mean the same metric (built-ins plus config `figures.synonyms`).
    pub synonyms: Synonyms,
}

impl ParseOptions {
    pub fn new(marker_words: &[String], date_fields: &[String]) -> Result<Self, regex::Error> {
        Ok(ParseOptions {
            dates: DateOptions::new(marker_words, date_fields)?,
            synonyms: Synonyms::default(),
        })
    }
}

impl Note {
    /// Parses `source`, the full text of the note at `path`: everything the model reads, and
    /// the figures the note states, quotes and sums.
    pub fn parse(path: impl Into<Arc<str>>, source: &str, options: &ParseOptions) -> Note {
        let (mut note, unkept) = Note::parse_all_but_figures(path, source, &options.dates);
        // `Cohere's valuation` is the note's own: figure reading knows the note's names.
        let mut names = vec![note.name().to_lowercase()];
        names.extend(note.aliases.iter().map(|a| a.to_lowercase()));
        let figures = extract::extract(&Input::new(
            source,
            note.body_start,
            &note.headings,
            &unkept.tables,
            &note.links,
            &unkept.skip,
            &options.synonyms,
            names,
        ));
        note.figures = figures.own.into();
        note.quoted_figures = figures.quoted.into();
        note.sum_claims = figures.sums.into();
        // Every note of the vault stays in memory until the end of the run.
        note.figures.shrink_to_fit();
        note.quoted_figures.shrink_to_fit();
        note.sum_claims.shrink_to_fit();
        note
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_whole_parse_is_the_model_and_its_figures() {
        let text = "---\naliases: [Acme Labs]\n---\n# Acme\n\nSee [[Cohere]].\n\n| Metric | Value |\n|---|---|\n| Valuation | $2B |\n\n| Lab | Valuation |\n|-|-|\n| [[Cohere]] | $4.5B |\n";
        let mut whole = Note::parse("Acme.md", text, &ParseOptions::default());
        let (model, unkept) = Note::parse_all_but_figures("Acme.md", text, &DateOptions::default());
        assert_eq!(unkept.tables.len(), 2);
        assert!(model.figures.is_empty() && model.quoted_figures.is_empty());
        let labels: Vec<&str> = whole.figures.iter().map(|f| f.label.as_str()).collect();
        assert_eq!(labels, ["valuation"]);
        assert_eq!(whole.quoted_figures.len(), 1);
        // Everything else is the model's, as the model reads it.
        assert_eq!(whole.links, model.links);
        assert_eq!(whole.aliases, model.aliases);
        // The index model keeps the note's own figures (other notes quote them) and those it
        // quotes, and drops its sum claims.
        whole.keep_for_index();
        assert!(whole.sum_claims.is_empty());
        assert_eq!((whole.figures.len(), whole.quoted_figures.len()), (1, 1));
    }
}
