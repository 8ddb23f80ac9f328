//! The typed model of a note, built in one parse: front matter, headings, links, tags, tables,
//! block ids, date markers, comments; and the figure types a note holds, which figure reading
//! (`src/figures/`, above the model) fills in. Rules read this model; they never parse text.

pub mod content;
pub mod date;
pub mod directive;
pub mod figure;
pub mod frontmatter;
pub mod line_index;
pub mod link;
pub mod markdown;
pub mod note;
pub mod scan;
pub mod span;
pub mod table_link;

pub use line_index::{LineCol, LineCursor, LineIndex};
pub use link::{Anchor, Chain, Link, LinkKind, WideLink};
pub use note::{DateOptions, Note};
pub use span::Span;
