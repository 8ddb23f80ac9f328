//! placeholder
#[derive(Debug, Clone)]
pub struct Statistics;
