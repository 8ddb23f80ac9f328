//! Figure reading: the metrics a note states (valuation, total raised, employees …), the
//! figures it quotes from other notes and the sums its tables claim, read from the parts of a
//! parsed note; and the values themselves (money, counts, percentages), compared and summed.
//!
//! Sits above the note model: the figure types a note holds are the model's
//! ([`crate::model::figure`]); reading them is done here, by the whole parse of a note
//! ([`parse`]: `Note::parse` and its [`ParseOptions`]). [`extract`] reads labelled figures from
//! tables, bold labels and stated totals, with `text` for the figures of running prose, both
//! over one `input`. The values are read by hand, without patterns: `quantity` reads money,
//! counts and percentages (markers, bounds, ranges, scales, currencies, units) and `period`
//! the years, quarters and fiscal years that qualify them; [`value`] compares and sums
//! quantities and normalises labels.

pub mod extract;
mod input;
pub mod parse;
mod period;
mod quantity;
mod text;
pub mod value;
mod words;

pub use parse::ParseOptions;
