//! A note's text as miette reads it for a snippet, with an index of its lines.
//!
//! miette's own `read_span` for a string walks the text byte by byte from its start to find the
//! lines around a label, once per label and per report: a note with a dozen findings was walked
//! a few dozen times, and on a vault with thousands of findings this walk was most of what the
//! human report cost. Here the walk starts at the first line miette will show, found in the
//! index; what it returns is what miette's walk returns, byte for byte and line for line.

use std::sync::Arc;

use miette::{MietteError, MietteSpanContents, SourceCode, SourceSpan, SpanContents};

/// A text for miette, with where each of its lines ends.
#[derive(Debug)]
pub(crate) struct Snippet {
    text: Arc<String>,
    /// Offsets of the text's `\n` chars, in order; `None` when it holds a `\r`, which miette
    /// also reads as a line break: such a text is walked from its start, as miette does.
    newlines: Option<Vec<usize>>,
}

impl Snippet {
    pub(crate) fn new(text: Arc<String>) -> Snippet {
        let bytes = text.as_bytes();
        let newlines = memchr::memchr(b'\r', bytes)
            .is_none()
            .then(|| memchr::memchr_iter(b'\n', bytes).collect());
        Snippet { text, newlines }
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
        let Some(newlines) = &self.newlines else {
            return bytes.read_span(span, context_lines_before, context_lines_after);
        };
        // miette shows the span's line and up to `context_lines_before` lines above it; its walk
        // over the lines above those only counts them. Walking from the first line shown, with
        // the lines above it added back, gives the same contents. An empty span's walk may end
        // on the byte before it: the walk starts on that byte's line at the latest.
        let start = span
            .offset()
            .min(span.offset().saturating_add(span.len()).saturating_sub(1));
        let line = newlines.partition_point(|&n| n < start);
        let first = line.saturating_sub(context_lines_before);
        let from = match first.checked_sub(1) {
            Some(i) => newlines.get(i).map_or(bytes.len(), |n| n + 1),
            None => 0,
        };
        let Some(rest) = bytes.get(from..) else {
            return bytes.read_span(span, context_lines_before, context_lines_after);
        };
        let moved = SourceSpan::new((span.offset() - from).into(), span.len());
        let inner = rest.read_span(&moved, context_lines_before, context_lines_after)?;
        let shown = SourceSpan::new((inner.span().offset() + from).into(), inner.span().len());
        Ok(Box::new(MietteSpanContents::new(
            inner.data(),
            shown,
            inner.line() + first,
            inner.column(),
            inner.line_count() + first,
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
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

    fn agrees(text: &str, offset: usize, len: usize, before: usize, after: usize) {
        let snippet = Snippet::new(Arc::new(text.to_string()));
        let span = SourceSpan::new(offset.into(), len);
        assert_eq!(
            read(&snippet, span, before, after),
            read(&text, span, before, after),
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
    fn a_text_with_a_carriage_return_is_walked_whole() {
        for text in ["a\r\nb\r\nc", "a\rb\nc", "\r"] {
            for offset in 0..=text.len() {
                agrees(text, offset, 1, 1, 1);
            }
        }
    }

    proptest! {
        #[test]
        fn reads_what_miette_reads_on_any_text(
            text in "([a-zé—\\- ]{0,6}\n{0,3}){0,12}",
            offset in 0usize..90,
            len in 0usize..12,
            before in 0usize..4,
            after in 0usize..4,
        ) {
            agrees(&text, offset, len, before, after);
        }
    }
}
