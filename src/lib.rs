//! vaultlint: a linter for Markdown research vaults.
//!
//! The pipeline: walk the vault and read its notes ([`vault`]), parse each note once into the
//! [`model`] (its figures read by [`figures`]), build one [`index::VaultIndex`], run every
//! enabled rule ([`rules`]) through the [`engine`], and render the sorted
//! [`finding::Finding`]s with [`report`]. The commands of the binary are in [`cli`].
//!
//! The modules are layers. Top first: `cli`, `server`, `report`, `engine`, `rules`, `vault`, `index`,
//! `figures`, `config`, `finding`, `model`; each imports only from itself and the layers after
//! it (`tests/layers.rs` fails otherwise). `docs/how-it-works.md` says what each owns.

pub mod cli;
pub mod config;
pub mod engine;
pub mod figures;
pub mod finding;
pub mod index;
pub mod model;
pub mod report;
pub mod rules;
pub mod server;
pub mod vault;
