//! Wikilinks that a table row splits: `| Dec 2025 | [[Innovative Signal Analysis|ISA]] |`.
//!
//! A table's cells are split at every `|` not written `\|` before any inline is read, so the
//! parser sees two cells, `[[Innovative Signal Analysis` and `ISA]]`, and no link. Obsidian's
//! link index still records the link (and the row renders with an extra column). This scan
//! reads such links from the row's text, so that they are checked like any other, and says
//! where the pipe that splits each one is.
//!
//! Owns the scan of one row's text only; the walk over the note (`markdown.rs`) turns what it
//! finds into links, and code, comments and math are masked there as for every link.

use std::collections::{BTreeMap, VecDeque};

use super::span::Span;

/// A wikilink or embed whose `|` a table row splits at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TablePipe {
    /// The whole link, `!` and brackets included.
    pub link: Span,
    /// The target (`Innovative Signal Analysis`), before the first pipe.
    pub target: Span,
    /// The first `|` inside the link not written `\|`.
    pub pipe: Span,
    /// `![[...]]`.
    pub is_embed: bool,
    /// The link as written.
    pub text: Box<str>,
}

impl TablePipe {
    /// The link with every pipe not written `\|` escaped: what to write instead.
    pub fn escaped(&self) -> String {
        let mut out = String::with_capacity(self.text.len() + 2);
        for (i, c) in self.text.char_indices() {
            if c == '|' && !is_escaped(self.text.as_bytes(), i) {
                out.push('\\');
            }
            out.push(c);
        }
        out
    }
}

/// The wikilinks of a table row (`row`, one line starting at byte `base` of the note) that
/// hold a `|` not written `\|`, in order. Links in inline code (`` `[[A|B]]` ``) and
/// escaped brackets (`\[[A|B]]`) are not links; a link written `[[A\|B]]` is read by the parser
/// and left alone here.
pub fn split_links(row: &str, base: usize) -> Vec<TablePipe> {
    let bytes = row.as_bytes();
    let code = code_spans(bytes);
    let in_code = |at: usize| {
        let i = code.partition_point(|(_, end)| *end <= at);
        code.get(i).is_some_and(|(start, _)| *start <= at)
    };
    let mut out = Vec::new();
    let mut open: Option<usize> = None;
    let mut at = 0;
    while let Some(pair) = bytes.get(at..at + 2) {
        match pair {
            b"[[" if !in_code(at) && !is_escaped(bytes, at) => {
                // The last `[[` before a `]]` opens the link, as in Obsidian.
                open = Some(at);
                at += 2;
            }
            b"]]" if open.is_some() && !in_code(at) => {
                if let Some(link) = open.take().and_then(|o| split_link(row, o, at + 2, base)) {
                    out.push(link);
                }
                at += 2;
            }
            _ => at += 1,
        }
    }
    out
}

/// The link `row[open..end]` (`[[...]]`) when a pipe not written `\|` splits it.
fn split_link(row: &str, open: usize, end: usize, base: usize) -> Option<TablePipe> {
    let inner = row.get(open + 2..end.checked_sub(2)?)?;
    let pipe = inner
        .char_indices()
        .find(|&(i, c)| c == '|' && !is_escaped(inner.as_bytes(), i))
        .map(|(i, _)| i)?;
    let target = inner.get(..pipe)?;
    if target.trim().is_empty() {
        return None;
    }
    let is_embed = open
        .checked_sub(1)
        .and_then(|b| row.as_bytes().get(b))
        .is_some_and(|b| *b == b'!');
    let start = open - usize::from(is_embed);
    let inner_at = base + open + 2;
    Some(TablePipe {
        link: Span::new(base + start, base + end),
        target: Span::new(inner_at, inner_at + target.len()),
        pipe: Span::new(inner_at + pipe, inner_at + pipe + 1),
        is_embed,
        text: row.get(start..end)?.into(),
    })
}

/// Whether the byte at `at` follows an odd run of backslashes (`\|`, `\[`).
fn is_escaped(bytes: &[u8], at: usize) -> bool {
    let before = bytes.get(..at).unwrap_or_default();
    before.iter().rev().take_while(|b| **b == b'\\').count() % 2 == 1
}

/// The code spans of a row, as sorted byte ranges: a run of backticks up to the next run of
/// the same length. The row is read whole, as the cells are not split yet. Linear in the row:
/// each length's runs are taken in order, once.
fn code_spans(bytes: &[u8]) -> Vec<(usize, usize)> {
    let mut runs = Vec::new();
    let mut at = 0;
    while let Some(start) = bytes
        .get(at..)
        .and_then(|rest| memchr::memchr(b'`', rest))
        .map(|i| at + i)
    {
        let len = bytes.iter().skip(start).take_while(|b| **b == b'`').count();
        runs.push((start, len));
        at = start + len;
    }
    let mut by_len: BTreeMap<usize, VecDeque<usize>> = BTreeMap::new();
    for (start, len) in &runs {
        by_len.entry(*len).or_default().push_back(*start);
    }
    let mut out = Vec::new();
    let mut after = 0;
    for (start, len) in runs {
        let Some(same) = by_len.get_mut(&len) else {
            continue;
        };
        // Runs of this length up to this one can no longer close anything.
        while same.front().is_some_and(|s| *s <= start) {
            same.pop_front();
        }
        if start < after || is_escaped(bytes, start) {
            continue;
        }
        if let Some(close) = same.pop_front() {
            out.push((start, close + len));
            after = close + len;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A link found: as written, its target, its pipe, whether an embed, escaped.
    type Found<'a> = (&'a str, &'a str, &'a str, bool, String);

    fn found(row: &str) -> Vec<Found<'_>> {
        split_links(row, 0)
            .into_iter()
            .map(|p| {
                (
                    &row[p.link.range()],
                    &row[p.target.range()],
                    &row[p.pipe.range()],
                    p.is_embed,
                    p.escaped(),
                )
            })
            .collect()
    }

    #[test]
    fn split_links_table() {
        let link =
            |whole, target, embed, escaped: &str| (whole, target, "|", embed, escaped.to_string());
        let cases: &[(&str, Vec<Found<'_>>)] = &[
            (
                "| Dec 2025 | [[Innovative Signal Analysis|ISA]] | x |",
                vec![link(
                    "[[Innovative Signal Analysis|ISA]]",
                    "Innovative Signal Analysis",
                    false,
                    "[[Innovative Signal Analysis\\|ISA]]",
                )],
            ),
            (
                "| ![[chart.png|300]] | [[A#Head|a|b]] |",
                vec![
                    link(
                        "![[chart.png|300]]",
                        "chart.png",
                        true,
                        "![[chart.png\\|300]]",
                    ),
                    link("[[A#Head|a|b]]", "A#Head", false, "[[A#Head\\|a\\|b]]"),
                ],
            ),
            ("| [[Escaped\\|E]] | [[Plain]] |", vec![]),
            ("| `[[In code|C]]` | ``[[Also `code`|C]]`` |", vec![]),
            ("| \\[[Not a link|x]] | [[|empty]] | [[ |blank]] |", vec![]),
            ("| a | b | c |", vec![]),
            (
                "| \\`[[Live|L]]\\` | [[Outer [[Inner|I]] |",
                vec![
                    link("[[Live|L]]", "Live", false, "[[Live\\|L]]"),
                    link("[[Inner|I]]", "Inner", false, "[[Inner\\|I]]"),
                ],
            ),
            (
                "| `open [[After|A]] |",
                vec![link("[[After|A]]", "After", false, "[[After\\|A]]")],
            ),
            ("| [[Unclosed|U] |", vec![]),
            (
                "| [[Café|Ça]] |",
                vec![link("[[Café|Ça]]", "Café", false, "[[Café\\|Ça]]")],
            ),
        ];
        for (row, want) in cases {
            assert_eq!(&found(row), want, "{row:?}");
        }
    }

    #[test]
    fn offsets_are_absolute() {
        let row = "| [[A|B]] |";
        let p = &split_links(row, 100)[0];
        assert_eq!(
            (p.link, p.target, p.pipe),
            (
                Span::new(102, 109),
                Span::new(104, 105),
                Span::new(105, 106)
            )
        );
    }

    proptest::proptest! {
        #[test]
        fn spans_are_in_bounds_and_on_char_boundaries(row in "(\\[\\[|\\]\\]|\\||\\\\|`|!|a|é| ){0,30}") {
            for p in split_links(&row, 0) {
                for span in [p.link, p.target, p.pipe] {
                    proptest::prop_assert!(row.get(span.range()).is_some(), "{span:?} in {row:?}");
                }
                proptest::prop_assert_eq!(row.get(p.pipe.range()), Some("|"));
            }
        }
    }
}
