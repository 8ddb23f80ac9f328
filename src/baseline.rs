//! placeholder
#[derive(Debug, Clone)]
pub struct Outcome;
