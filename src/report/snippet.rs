//! A note's text as miette reads it for a snippet, with the note's line index.
//!
//! miette's own `read_span` for a string walks the text byte by byte from its start to find the
//! lines around a label, once per label and per report: a note with a dozen findings was walked
//! a few dozen times, and on a vault with thousands of findings this walk was most of what the
//! human report cost. Here the walk starts at the first line miette will show, found in the
//! note's [`LineIndex`](crate::model::LineIndex); what it returns is what miette's walk returns,
//! byte for byte and line for line.

use std::sync::Arc;

use miette::{MietteError, MietteSpanContents, SourceCode, SourceSpan, SpanContents};

use super::{Source, neutralise_shared};

/// A note's text neutralised for the terminal, with the note as read (for its lines).
#[derive(Debug)]
pub(crate) struct Snippet {
    text: Arc<String>,
    /// Neutralising keeps every line break where it is (a `\r` becomes a space before a `\n`,
    /// or a `\n`), so the note's line index is the neutralised text's too.
    source: Arc<Source>,
}

impl Snippet {
    pub(crate) fn new(source: Arc<Source>) -> Snippet {
        Snippet {
            text: neutralise_shared(&source.text),
            source,
        }
    }

    pub(crate) fn text(&self) -> &str {
        &self.text
    }
}

impl SourceCode for Snippet {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        context_lines_before: usize,
        context_lines_after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        let bytes = self.text.as_bytes();
        // miette shows the span's line and up to `context_lines_before` lines above it; its walk
        // over the lines above those only counts them. Walking from the first line shown, with
        // the lines above it added back, gives the same contents. An empty span's walk may end
        // on the byte before it: the walk starts on that byte's line at the latest.
        let start = span
            .offset()
            .min(span.offset().saturating_add(span.len()).saturating_sub(1));
        let lines = &self.source.lines;
        let first = lines
            .line(start)
            .saturating_sub(context_lines_before)
            .max(1);
        let Some((from, rest)) = lines
            .line_start(first)
            .and_then(|at| Some((at, bytes.get(at..)?)))
        else {
            return bytes.read_span(span, context_lines_before, context_lines_after);
        };
        let above = first - 1;
        let moved = SourceSpan::new((span.offset() - from).into(), span.len());
        let inner = rest.read_span(&moved, context_lines_before, context_lines_after)?;
        let shown = SourceSpan::new((inner.span().offset() + from).into(), inner.span().len());
        Ok(Box::new(MietteSpanContents::new(
            inner.data(),
            shown,
            inner.line() + above,
            inner.column(),
            inner.line_count() + above,
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::LineIndex;
    use crate::report::neutralise_source;
    use proptest::prelude::*;

    /// What a read returns: the bytes shown, the span's offset and length, line, column and
    /// line count.
    type Read = (Vec<u8>, usize, usize, usize, usize, usize);

    /// What each side returns for one call, in comparable form.
    fn read(
        source: &dyn SourceCode,
        span: SourceSpan,
        before: usize,
        after: usize,
    ) -> Result<Read, String> {
        // miette panics on some spans past the end; the renderer catches that, so the two
        // sides must agree on it too.
        let read = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            source.read_span(&span, before, after)
        }))
        .map_err(|_| "panicked".to_string())?;
        read.map(|c| {
            (
                c.data().to_vec(),
                c.span().offset(),
                c.span().len(),
                c.line(),
                c.column(),
                c.line_count(),
            )
        })
        .map_err(|e| e.to_string())
    }

    /// The snippet of a note read as `text` reads what miette reads in its neutralised text.
    fn agrees(text: &str, offset: usize, len: usize, before: usize, after: usize) {
        let source = Source {
            text: Arc::new(text.to_string()),
            lines: LineIndex::new(text),
        };
        let snippet = Snippet::new(Arc::new(source));
        let shown = neutralise_source(text);
        let span = SourceSpan::new(offset.into(), len);
        assert_eq!(
            read(&snippet, span, before, after),
            read(&shown.as_str(), span, before, after),
            "{text:?} at {offset}+{len}, {before} before, {after} after"
        );
    }

    #[test]
    fn reads_what_miette_reads() {
        let text = "# Acme\n\nline two\n\n| a | b |\n|---|---|\n| x | $4B |\nlast";
        for offset in 0..=text.len() + 2 {
            for len in 0..4 {
                for before in 0..3 {
                    for after in 0..3 {
                        agrees(text, offset, len, before, after);
                    }
                }
            }
        }
    }

    #[test]
    fn carriage_returns_and_controls_keep_the_lines() {
        for text in [
            "a\r\nb\r\nc",
            "a\rb\nc",
            "\r",
            "\u{feff}x\u{1b}[1m\n\u{85}y\u{2028}\rz",
        ] {
            for offset in 0..=text.len() {
                agrees(text, offset, 1, 1, 1);
            }
        }
    }

    proptest! {
        #[test]
        fn reads_what_miette_reads_on_any_text(
            text in "([a-zé—\\- ]{0,6}(\n|\r|\r\n|\u{1b}|\u{85}){0,3}){0,12}",
            offset in 0usize..90,
            len in 0usize..12,
            before in 0usize..4,
            after in 0usize..4,
        ) {
            agrees(&text, offset, len, before, after);
        }
    }
}
