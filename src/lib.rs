//! vaultlint: a linter for Markdown research vaults.
//!
//! The pipeline: [`vault::discover`] the vault, parse each note once into the [`model`], build one
//! [`index::VaultIndex`], run every enabled rule ([`rules`]) through the [`engine`], and render
//! the sorted [`finding::Finding`]s with [`report`].

pub mod cli;
pub mod config;
pub mod engine;
pub mod figures;
pub mod finding;
pub mod index;
pub mod model;
pub mod report;
pub mod rules;
pub mod vault;
