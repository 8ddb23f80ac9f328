//! Figure reading: the metrics a note states (valuation, total raised, employees …), the
//! figures it quotes from other notes and the sums its tables claim, read from the parts of a
//! parsed note; and the values themselves (money, counts, percentages), compared and summed.
//!
//! [`extract`] reads labelled figures from tables, bold labels and stated totals, with `text`
//! for the figures of running prose; [`value`] reads and compares quantities, with `quick` for
//! the plain figures read by hand.

pub mod extract;
mod quick;
mod text;
pub mod value;
