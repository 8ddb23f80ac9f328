//! The vault on disk: which notes and attachments it holds ([`discover`]), which of them a
//! check reports ([`targets`]), what changed since a git revision ([`changes`]), and the bytes
//! of one note ([`read`]).
//!
//! The layer that touches the file system and git for the rest of the program. It knows the
//! index and the note model only to say which links a deletion broke and which dates a
//! change moved; it never checks or renders anything.

pub mod changes;
pub mod discover;
pub mod read;
pub mod renames;
pub mod targets;
#[cfg(unix)]
mod walk;
pub mod write;
