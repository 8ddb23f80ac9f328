//! The pulldown-cmark pass over a note's body: headings, links, tables, inline tags, and the
//! ranges that are not content (code, comments, math).
//!
//! One parse per note, with an explicit option list: tables, wikilinks, footnotes,
//! strikethrough, task lists, heading attributes. Not math (`$235M ... $161M` is money, not
//! a formula) and not YAML metadata blocks (front matter is split by hand, and the option
//! misreads `---` rules). Obsidian comments and math are masked here, after the parse, since
//! the parser does not know them.

use std::borrow::Cow;
use std::ops::Range;

use pulldown_cmark::{Event, LinkType, Options, Parser, Tag, TagEnd};
use thin_vec::ThinVec;

use super::content::{Holds, MentionScope, TextRuns};
use super::link::{Link, LinkKind, is_external};
use super::scan::{self, Comment, SkipSet};
use super::span::Span;
use super::table_link::{self, TablePipe};

/// A heading of any level, ATX or setext.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Heading {
    pub level: u8,
    /// The heading text as written, markers and attributes removed.
    pub text: String,
    /// The whole heading.
    pub span: Span,
    /// Whether its section (up to the next heading of the same or a higher level) holds
    /// content: text, lists, tables, code, quotes. Blank lines, `---` rules and comments do not
    /// count; a deeper subheading counts only when its own section has content.
    pub has_content: bool,
    /// The kinds of content its section holds, its subsections' included.
    pub holds: Holds,
    /// The header cells of each table in its section (subsections included), in order.
    pub columns: Vec<Vec<String>>,
}

/// A table cell: its text as written (trimmed) and where it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cell {
    pub text: String,
    pub span: Span,
}

/// A pipe table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Table {
    pub span: Span,
    pub header: Vec<Cell>,
    pub rows: Vec<Vec<Cell>>,
}

/// What the body pass found.
#[derive(Debug, Default)]
pub struct Body {
    pub headings: Vec<Heading>,
    /// In the container the note keeps: a note of 400,000 links is not copied into it.
    pub links: ThinVec<Link>,
    pub tables: Vec<Table>,
    pub tags: Vec<scan::Tag>,
    /// `%% ... %%` comments (also the carrier of suppressions).
    pub comments: Vec<Comment>,
    /// `<!-- ... -->` comments.
    pub html_comments: Vec<Span>,
    /// Links written inside `%% %%` and `<!-- -->` comments: not links to Obsidian, kept apart
    /// for `broken-link`'s `check-comments` option.
    pub comment_links: Vec<Link>,
    /// Code, comments and math: not content.
    pub skip: SkipSet,
    /// Wikilinks a table row splits at an unescaped `|` (also in `links`).
    pub table_pipes: Vec<TablePipe>,
    /// Tables that start on the line right after a paragraph line: the header row of each.
    pub glued_tables: Vec<Span>,
    /// Plain text in the places the pass was asked to keep (see [`parse_body_with`]).
    pub text_runs: TextRuns,
}

fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_WIKILINKS
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_HEADING_ATTRIBUTES
}

/// Parses the body of `source`, which starts at byte `start` (after front matter).
pub fn parse_body(source: &str, start: usize) -> Body {
    parse_body_with(source, start, MentionScope::NONE)
}

/// [`parse_body`], keeping the plain text that lies in the places of `scope` as
/// [`Body::text_runs`].
pub fn parse_body_with(source: &str, start: usize, scope: MentionScope) -> Body {
    let normalised = lone_cr_as_lf(source);
    parse_normalised(&normalised, start, scope)
}

/// [`parse_body`] on text whose line endings are already normalised. Comments are parsed
/// through here too, so the normalisation runs once per note, not once per comment.
fn parse_normalised(source: &str, start: usize, scope: MentionScope) -> Body {
    let body = source.get(start..).unwrap_or("");
    // One streaming pass. What is code, comment or math is known only at its end, so the
    // walker keeps everything and what lies in those ranges is dropped afterwards.
    let events = Parser::new_ext(body, options())
        .into_offset_iter()
        .map(|(e, r)| (e, r.start + start..r.end + start));

    let mut not_content = NotContent::default();
    let mut block_spans = Vec::new();
    let mut walker = Walker {
        source,
        out: Body::default(),
        links: Vec::new(),
        heading: None,
        table: None,
        code_depth: 0,
        text_run: None,
        hashes: memchr::memchr_iter(b'#', body.as_bytes())
            .map(|at| at + start)
            .collect(),
        next_hash: 0,
        blocks: Blocks {
            scope,
            ..Blocks::default()
        },
    };
    for (event, range) in events {
        if is_content_block(&event) {
            block_spans.push(Span::from(range.clone()));
        }
        not_content.see(&event, &range);
        walker.event(event, range);
    }
    walker.flush_text();
    let Masked {
        comments,
        html_comments,
        skip,
    } = not_content.mask(source, start);
    let comment_set = SkipSet::new(
        comments
            .iter()
            .map(|c| c.span)
            .chain(html_comments.iter().copied())
            .collect(),
    );
    let blocks: Vec<Span> = block_spans
        .into_iter()
        .filter(|s| has_text_outside(source, *s, &comment_set))
        .collect();

    let mut out = walker.out;
    let held = walker.blocks;
    out.headings.retain(|h| !skip.contains(h.span.start()));
    // A link inside code, a comment or math is not one; a link whose text holds a code span
    // (`[the `x` page](x.md)`) is.
    out.links
        .retain(|l| !skip.contains(l.span.start()) && !skip.overlaps(l.target_span));
    out.tables.retain(|t| !skip.contains(t.span.start()));
    out.table_pipes.retain(|p| !skip.overlaps(p.link));
    // The halves of a link a row splits are text to the parser: a `#` in them is no tag.
    let split = SkipSet::new(out.table_pipes.iter().map(|p| p.link).collect());
    out.tags
        .retain(|t| !skip.overlaps(t.span) && !split.overlaps(t.span));
    mark_content(&mut out.headings, &blocks);
    mark_holds(&mut out, &held, &skip);
    out.glued_tables = held
        .glued
        .into_iter()
        .filter(|(paragraph, _)| has_text_outside(source, *paragraph, &skip))
        .map(|(_, header)| header)
        .filter(|header| !skip.contains(header.start()))
        .collect();
    let runs: Vec<(Range<usize>, MentionScope)> = held
        .runs
        .into_iter()
        .filter(|(r, _)| {
            let span = Span::from(r.clone());
            !skip.overlaps(span) && !split.overlaps(span)
        })
        .collect();
    out.text_runs = TextRuns::new(source, &runs);
    let inners = comments.iter().map(|c| c.inner).chain(
        html_comments
            .iter()
            .flat_map(|c| html_comment_inners(source, *c)),
    );
    for inner in inners {
        // Offsets are absolute, so the comment's text is parsed as a body that starts at the
        // comment's start in the source cut at the comment's end.
        let Some(upto) = source.get(..inner.end()) else {
            continue;
        };
        out.comment_links
            .extend(parse_normalised(upto, inner.start(), MentionScope::NONE).links);
    }
    out.comment_links.sort_by_key(|l| l.span);
    out.comments = comments;
    out.html_comments = html_comments;
    out.skip = skip;
    out
}

/// What is not content in the body of `source` (from byte `start`): code, comments and math,
/// as [`parse_body`] records them in [`Body::skip`], and nothing else.
pub fn skip_ranges(source: &str, start: usize) -> SkipSet {
    let normalised = lone_cr_as_lf(source);
    let source = &*normalised;
    let body = source.get(start..).unwrap_or("");
    let mut not_content = NotContent::default();
    for (event, range) in Parser::new_ext(body, options()).into_offset_iter() {
        not_content.see(&event, &(range.start + start..range.end + start));
    }
    not_content.mask(source, start).skip
}

/// What [`skip_ranges`] would say of `spans` (in the body of `source`, from byte `start`),
/// without the markdown pass when it cannot matter: when no byte up to the end of the last
/// span's line can open code, a comment or math (no `` ` ``, `~~~`, `%%`, `<!--` or `$$`), and
/// no span's line holds a `$` or starts where indented code could (with a blank, a tab or
/// `>`), none of the spans is skipped and the set is empty. Otherwise it is the whole pass.
/// For the few Updated lines of a note's old version (`--changed-since`, issue 26).
pub fn skip_ranges_for(source: &str, start: usize, spans: &[Span]) -> SkipSet {
    let bytes = source.as_bytes();
    let Some(last) = spans.iter().map(|s| s.end()).max() else {
        return SkipSet::default();
    };
    let line_end = |at: usize| {
        bytes
            .get(at..)
            .and_then(|rest| memchr::memchr2(b'\n', b'\r', rest))
            .map_or(bytes.len(), |i| at + i)
    };
    let line_start = |at: usize| {
        bytes
            .get(start..at)
            .and_then(|before| memchr::memrchr2(b'\n', b'\r', before))
            .map_or(start, |i| start + i + 1)
    };
    let reach = line_end(last);
    let region = bytes.get(start.min(reach)..reach).unwrap_or(&[]);
    let opens = memchr::memchr(b'`', region).is_some()
        || [&b"~~~"[..], b"%%", b"<!--", b"$$"]
            .iter()
            .any(|needle| memchr::memmem::find(region, needle).is_some());
    let risky_line = |span: &Span| {
        let from = line_start(span.start());
        let line = bytes.get(from..line_end(span.start())).unwrap_or(&[]);
        line.first()
            .is_some_and(|b| b.is_ascii_whitespace() || *b == b'>')
            || memchr::memchr(b'$', line).is_some()
    };
    if opens || spans.iter().any(risky_line) {
        skip_ranges(source, start)
    } else {
        SkipSet::default()
    }
}

/// Widens a heading's text to cover one more of its events.
fn widen(text: &mut Option<Range<usize>>, range: &Range<usize>) {
    let r = text.get_or_insert(range.clone());
    r.start = r.start.min(range.start);
    r.end = r.end.max(range.end);
}

/// A heading's text from the range its events cover, trimmed.
fn heading_text(source: &str, range: Option<Range<usize>>) -> String {
    range
        .and_then(|r| source.get(r))
        .unwrap_or("")
        .trim()
        .to_string()
}

/// Collects, from the event stream, what is not content as the parser sees it: code and
/// `<!-- -->` comments. [`NotContent::mask`] adds what it does not see: `%% %%` comments
/// and math.
#[derive(Default)]
struct NotContent {
    code: Vec<Span>,
    html_comments: Vec<Span>,
    pending_html_block: Option<Range<usize>>,
}

/// The ranges that are not content, once the stream has ended.
struct Masked {
    comments: Vec<Comment>,
    html_comments: Vec<Span>,
    /// Code, comments and math.
    skip: SkipSet,
}

impl NotContent {
    #[inline(always)]
    fn see(&mut self, event: &Event<'_>, range: &Range<usize>) {
        match event {
            Event::Start(Tag::CodeBlock(_)) | Event::Code(_) => {
                self.code.push(Span::from(range.clone()));
            }
            Event::Start(Tag::HtmlBlock) => self.pending_html_block = Some(range.clone()),
            Event::Html(text) => {
                if let Some(block) = self.pending_html_block.take()
                    && text.trim_start().starts_with("<!--")
                {
                    self.html_comments.push(Span::from(block));
                }
            }
            Event::InlineHtml(text) if text.starts_with("<!--") => {
                self.html_comments.push(Span::from(range.clone()));
            }
            _ => {}
        }
    }

    fn mask(self, source: &str, start: usize) -> Masked {
        let code = SkipSet::new(self.code);
        let comments = scan::comments(source, start, &code);
        let mut not_content: Vec<Span> = code.spans().to_vec();
        not_content.extend(comments.iter().map(|c| c.span));
        not_content.extend(self.html_comments.iter().copied());
        let before_math = SkipSet::new(not_content.clone());
        not_content.extend(scan::math(source, start, &before_math));
        Masked {
            comments,
            html_comments: self.html_comments,
            skip: SkipSet::new(not_content),
        }
    }
}

/// The text between `<!--` and `-->` of each comment in an HTML span (a block may hold several).
fn html_comment_inners(source: &str, span: Span) -> Vec<Span> {
    let mut out = Vec::new();
    let text = source.get(span.range()).unwrap_or("");
    let mut from = 0;
    while let Some(open) = text.get(from..).and_then(|t| t.find("<!--")) {
        let start = from + open + 4;
        let end = text
            .get(start..)
            .and_then(|t| t.find("-->"))
            .map_or(text.len(), |e| start + e);
        out.push(Span::new(span.start() + start, span.start() + end));
        from = end;
    }
    out
}

/// `source` with every lone `\r` read as `\n`. A lone `\r` ends a line for CommonMark and for
/// the line index, but pulldown-cmark 0.13 with heading attributes does not end an ATX heading
/// there: `# Title\r[[Link]]` became one heading and the link was lost. Same length, so every
/// offset still points into the file.
fn lone_cr_as_lf(source: &str) -> Cow<'_, str> {
    let bytes = source.as_bytes();
    let lone = |i: &usize| bytes.get(i + 1) != Some(&b'\n');
    if !memchr::memchr_iter(b'\r', bytes).any(|i| lone(&i)) {
        return Cow::Borrowed(source);
    }
    let mut fixed = bytes.to_vec();
    for i in memchr::memchr_iter(b'\r', bytes).filter(lone) {
        if let Some(b) = fixed.get_mut(i) {
            *b = b'\n';
        }
    }
    // ASCII for ASCII: still UTF-8.
    String::from_utf8(fixed).map_or(Cow::Borrowed(source), Cow::Owned)
}

struct PendingLink<'a> {
    kind: LinkKind,
    range: Range<usize>,
    dest: pulldown_cmark::CowStr<'a>,
    inner_end: usize,
}

struct PendingHeading {
    level: u8,
    range: Range<usize>,
    text: Option<Range<usize>>,
}

struct PendingTable {
    span: Span,
    in_head: bool,
    header: Vec<Cell>,
    rows: Vec<Vec<Cell>>,
    row: Vec<Cell>,
}

struct Walker<'s, 'a> {
    source: &'s str,
    out: Body,
    links: Vec<PendingLink<'a>>,
    heading: Option<PendingHeading>,
    table: Option<PendingTable>,
    code_depth: usize,
    /// Contiguous text outside links and code, scanned for tags when it ends.
    text_run: Option<Range<usize>>,
    /// Where the body's `#` chars are, in order: found in one pass over the note, where a
    /// search of each run of text would cost a call per run.
    hashes: Vec<usize>,
    /// The first of [`Walker::hashes`] at or after the start of the last run scanned: runs
    /// come in order, so the next run's first `#` is found by stepping on from there.
    next_hash: usize,
    /// What the blocks hold, for sections, glued tables and mentions.
    blocks: Blocks,
}

/// What the walker gathers about blocks: where each kind of content starts, which tables
/// follow a paragraph line directly, and the plain text of the places asked for.
#[derive(Default)]
struct Blocks {
    /// Where plain text is kept ([`Body::text_runs`]).
    scope: MentionScope,
    /// Where content of each kind starts, in order.
    starts: Vec<(usize, Holds)>,
    /// Lists, quotes, footnotes and items open around the current event.
    containers: usize,
    /// The paragraph being read: where it starts, and whether it is the note's first one
    /// outside lists and quotes.
    paragraph: Option<(usize, bool)>,
    /// Whether a paragraph outside lists and quotes was seen.
    seen_paragraph: bool,
    /// Where the last paragraph ends and its span.
    last_paragraph: Option<Span>,
    /// Whether the current table row is the header.
    in_table_head: bool,
    in_table: bool,
    /// The place of the text run being read.
    run_place: MentionScope,
    /// (paragraph, header row) of each table glued to a paragraph.
    glued: Vec<(Span, Span)>,
    /// Where each kept run of plain text is, and its place.
    runs: Vec<(Range<usize>, MentionScope)>,
}

impl Blocks {
    /// The place text at this point lies in, or none (a heading's).
    fn place(&self, in_heading: bool) -> MentionScope {
        if in_heading {
            MentionScope::NONE
        } else if self.in_table && !self.in_table_head {
            MentionScope::TABLE_CELLS
        } else if self.in_table {
            MentionScope::NONE
        } else if self.paragraph.is_some_and(|(_, first)| first) {
            MentionScope::FIRST_PARAGRAPH
        } else {
            MentionScope::ELSEWHERE
        }
    }

    fn see(&mut self, source: &str, event: &Event<'_>, range: &Range<usize>) {
        match event {
            Event::Start(Tag::Paragraph) => {
                // A line of tags (`#actor #ai`) above the definition is not its first paragraph.
                let is_tags = source
                    .get(range.clone())
                    .is_some_and(|t| t.trim_start().starts_with('#'));
                let first = self.containers == 0 && !self.seen_paragraph && !is_tags;
                if first {
                    self.seen_paragraph = true;
                }
                self.paragraph = Some((range.start, first));
            }
            Event::End(TagEnd::Paragraph) => {
                self.paragraph = None;
                self.last_paragraph = Some(Span::from(range.clone()));
            }
            Event::Start(Tag::List(_)) => {
                self.starts.push((range.start, Holds::LIST));
                self.containers += 1;
            }
            Event::Start(Tag::BlockQuote(_) | Tag::FootnoteDefinition(_) | Tag::Item) => {
                self.containers += 1;
            }
            Event::End(
                TagEnd::List(_) | TagEnd::BlockQuote(_) | TagEnd::FootnoteDefinition | TagEnd::Item,
            ) => self.containers = self.containers.saturating_sub(1),
            Event::Start(Tag::Table(_)) => {
                self.starts.push((range.start, Holds::TABLE));
                self.in_table = true;
                // A paragraph that ends where the table starts ends on the line above it.
                if let Some(paragraph) = self.last_paragraph
                    && paragraph.end() == range.start
                {
                    let rest = source.get(range.clone()).unwrap_or("");
                    let line = rest.find(['\n', '\r']).unwrap_or(rest.len());
                    self.glued
                        .push((paragraph, Span::new(range.start, range.start + line)));
                }
            }
            Event::End(TagEnd::Table) => self.in_table = false,
            Event::Start(Tag::TableHead) => self.in_table_head = true,
            Event::End(TagEnd::TableHead) => self.in_table_head = false,
            _ => {}
        }
    }
}

impl<'a> Walker<'_, 'a> {
    fn event(&mut self, event: Event<'a>, range: Range<usize>) {
        self.blocks.see(self.source, &event, &range);
        if !matches!(event, Event::End(TagEnd::Link | TagEnd::Image)) {
            for link in &mut self.links {
                link.inner_end = link.inner_end.max(range.end);
            }
        }
        if let Some(h) = &mut self.heading
            && !matches!(event, Event::End(TagEnd::Heading(_)))
        {
            widen(&mut h.text, &range);
        }
        match event {
            Event::Text(ref text) if self.code_depth == 0 && self.links.is_empty() => {
                if self.blocks.paragraph.is_some() && !text.trim().is_empty() {
                    self.blocks.starts.push((range.start, Holds::TEXT));
                }
                let place = self.blocks.place(self.heading.is_some());
                match &mut self.text_run {
                    Some(run) if run.end == range.start && place == self.blocks.run_place => {
                        run.end = range.end;
                    }
                    _ => {
                        self.flush_text();
                        self.blocks.run_place = place;
                        self.text_run = Some(range);
                    }
                }
                return;
            }
            Event::Start(Tag::CodeBlock(_)) => self.code_depth += 1,
            Event::End(TagEnd::CodeBlock) => self.code_depth = self.code_depth.saturating_sub(1),
            Event::Start(Tag::Heading { level, .. }) => {
                self.heading = Some(PendingHeading {
                    level: level as u8,
                    range,
                    text: None,
                });
            }
            Event::End(TagEnd::Heading(_)) => self.finish_heading(),
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                ..
            }) => self.start_link(link_type, dest_url, range, false),
            Event::Start(Tag::Image {
                link_type,
                dest_url,
                ..
            }) => self.start_link(link_type, dest_url, range, true),
            Event::End(TagEnd::Link | TagEnd::Image) => self.finish_link(),
            Event::Start(Tag::Table(_)) => {
                self.table = Some(PendingTable {
                    span: Span::from(range),
                    in_head: false,
                    header: Vec::new(),
                    rows: Vec::new(),
                    row: Vec::new(),
                });
            }
            Event::Start(Tag::TableHead) => {
                if let Some(t) = &mut self.table {
                    t.in_head = true;
                }
                self.split_links(range);
            }
            Event::Start(Tag::TableRow) => self.split_links(range),
            Event::End(TagEnd::TableHead) => {
                if let Some(t) = &mut self.table {
                    t.in_head = false;
                    // Body rows have the header's cells (the parser pads or cuts them).
                    let width = t.row.len();
                    t.header = std::mem::replace(&mut t.row, Vec::with_capacity(width));
                }
            }
            Event::End(TagEnd::TableRow) => {
                if let Some(t) = &mut self.table {
                    let width = t.header.len();
                    let row = std::mem::replace(&mut t.row, Vec::with_capacity(width));
                    t.rows.push(row);
                }
            }
            Event::Start(Tag::TableCell) => {
                let cell = self.cell(range);
                if let Some(t) = &mut self.table {
                    t.row.push(cell);
                }
            }
            Event::End(TagEnd::Table) => {
                if let Some(t) = self.table.take() {
                    self.out.tables.push(Table {
                        span: t.span,
                        header: t.header,
                        rows: t.rows,
                    });
                }
            }
            _ => {}
        }
        self.flush_text();
    }

    /// Runs after every event that is not text: most of them have no run to flush.
    #[inline]
    fn flush_text(&mut self) {
        if self.text_run.is_some() {
            self.scan_text_run();
        }
    }

    fn scan_text_run(&mut self) {
        let Some(run) = self.text_run.take() else {
            return;
        };
        let place = self.blocks.run_place;
        // Text without a letter (`$5M`, `2013`, most figure cells) names no note: not kept.
        if self.blocks.scope.intersects(place)
            && let Some(text) = self.source.get(run.clone())
            && text.chars().any(char::is_alphabetic)
        {
            self.blocks.runs.push((run.clone(), place));
        }
        // Only a run with a `#` in it can hold a tag, and most runs have none.
        let mut first = self.next_hash;
        if first > 0
            && self
                .hashes
                .get(first - 1)
                .is_some_and(|&at| at >= run.start)
        {
            // A run before the last one (not seen in practice): search from the beginning.
            first = self.hashes.partition_point(|&at| at < run.start);
        } else {
            while self.hashes.get(first).is_some_and(|&at| at < run.start) {
                first += 1;
            }
        }
        self.next_hash = first;
        if self.hashes.get(first).is_some_and(|&at| at < run.end) {
            self.out
                .tags
                .extend(scan::inline_tags(self.source, Span::from(run)));
        }
    }

    fn cell(&self, range: Range<usize>) -> Cell {
        let raw = self.source.get(range.clone()).unwrap_or("");
        let trimmed = raw.trim_start_matches(|c: char| c == '|' || c.is_whitespace());
        let lead = raw.len() - trimmed.len();
        let text = trimmed.trim_end_matches(|c: char| c == '|' || c.is_whitespace());
        // A trailing `\` belongs to an escaped pipe (`\|`) only when the pipe follows it.
        let start = range.start + lead;
        Cell {
            text: text.to_string(),
            span: Span::new(start, start + text.len()),
        }
    }

    /// Reads the wikilinks the row at `range` splits at an unescaped `|`: the parser sees
    /// only the halves, in two cells (see [`table_link`]).
    fn split_links(&mut self, range: Range<usize>) {
        let row = self.source.get(range.clone()).unwrap_or("");
        // The row's first line, found byte-wise: every row of every table comes here.
        let row = row
            .get(..memchr::memchr2(b'\n', b'\r', row.as_bytes()).unwrap_or(row.len()))
            .unwrap_or("");
        if memchr::memmem::find(row.as_bytes(), b"[[").is_none() {
            return;
        }
        for pipe in table_link::split_links(row, range.start) {
            let kind = if pipe.is_embed {
                LinkKind::Embed
            } else {
                LinkKind::Wiki
            };
            let target = self.source.get(pipe.target.range()).unwrap_or("");
            self.out
                .links
                .push(Link::from_target(kind, pipe.link, pipe.target, target));
            self.out.table_pipes.push(pipe);
        }
    }

    fn finish_heading(&mut self) {
        let Some(h) = self.heading.take() else { return };
        let span = Span::from(h.range);
        let text = heading_text(self.source, h.text);
        self.out.headings.push(Heading {
            level: h.level,
            text,
            span,
            has_content: false,
            holds: Holds::default(),
            columns: Vec::new(),
        });
    }

    fn start_link(
        &mut self,
        link_type: LinkType,
        dest: pulldown_cmark::CowStr<'a>,
        range: Range<usize>,
        is_image: bool,
    ) {
        let kind = match (link_type, is_image) {
            (LinkType::WikiLink { .. }, false) => LinkKind::Wiki,
            (LinkType::WikiLink { .. }, true) => LinkKind::Embed,
            (LinkType::Autolink | LinkType::Email, _) => {
                // Never local: keep the stack balanced with a link nobody will report.
                LinkKind::Property
            }
            (_, false) => LinkKind::Markdown,
            (_, true) => LinkKind::Image,
        };
        let inner_end = range.start + 1;
        self.links.push(PendingLink {
            kind,
            range,
            dest,
            inner_end,
        });
    }

    fn finish_link(&mut self) {
        let Some(p) = self.links.pop() else { return };
        if p.kind == LinkKind::Property {
            return;
        }
        let span = Span::from(p.range.clone());
        let raw = self.source.get(p.range.clone()).unwrap_or("");
        let (target_rel, target_text): (usize, &str) = if p.kind.is_wiki_style() {
            // The range starts at the brackets (`[[`, or `![[` for an embed).
            let open = if raw.starts_with("[[") {
                0
            } else if raw.starts_with("![[") {
                1
            } else {
                let Some(open) = memchr::memmem::find(raw.as_bytes(), b"[[") else {
                    return;
                };
                open
            };
            let inner = raw.get(open + 2..).unwrap_or("");
            let inner = inner.strip_suffix("]]").unwrap_or(inner);
            // Obsidian does not link a `[[...]]` broken across lines.
            if memchr::memchr2(b'\n', b'\r', inner.as_bytes()).is_some() {
                return;
            }
            let target = memchr::memchr(b'|', inner.as_bytes())
                .and_then(|bar| inner.get(..bar))
                .unwrap_or(inner);
            (open + 2, target)
        } else {
            if is_external(&p.dest) || p.dest.is_empty() {
                return;
            }
            let text_end = p.inner_end.saturating_sub(p.range.start);
            match markdown_dest(raw, text_end) {
                Some((at, text)) => (at, text),
                None => (0, &*p.dest),
            }
        };
        let target_start = p.range.start + target_rel;
        let target_span = if target_rel == 0 {
            span
        } else {
            Span::new(target_start, target_start + target_text.len())
        };
        let mut link = Link::from_target(p.kind, span, target_span, target_text);
        if target_rel == 0 {
            // A reference link (`[t][ref]`): the destination is elsewhere in the note, so
            // findings point at the link as a whole.
            link.forget_anchor_span();
        }
        self.out.links.push(link);
    }
}

/// Blocks that make a section non-empty (their start events; nested ones are harmless).
fn is_content_block(event: &Event<'_>) -> bool {
    matches!(
        event,
        Event::Start(
            Tag::Paragraph
                | Tag::List(_)
                | Tag::Table(_)
                | Tag::CodeBlock(_)
                | Tag::BlockQuote(_)
                | Tag::HtmlBlock
                | Tag::FootnoteDefinition(_)
                | Tag::DefinitionList
        )
    )
}

/// True when `span` holds a non-blank character outside the comments in `comments`.
fn has_text_outside(source: &str, span: Span, comments: &SkipSet) -> bool {
    source.get(span.range()).is_some_and(|text| {
        text.char_indices()
            .any(|(i, c)| !c.is_whitespace() && !comments.contains(span.start() + i))
    })
}

/// Sets `has_content` on each heading from the starts of the content blocks (sorted): a
/// heading has content when a block starts between it and the next heading, or when one of
/// its deeper subheadings has.
fn mark_content(headings: &mut [Heading], blocks: &[Span]) {
    let own: Vec<bool> = headings
        .iter()
        .enumerate()
        .map(|(i, h)| {
            let next = headings.get(i + 1).map_or(usize::MAX, |n| n.span.start());
            let first = blocks.partition_point(|b| b.start() < h.span.end());
            blocks.get(first).is_some_and(|b| b.start() < next)
        })
        .collect();
    let levels: Vec<u8> = headings.iter().map(|h| h.level).collect();
    for (i, h) in headings.iter_mut().enumerate() {
        let mut section = levels
            .iter()
            .zip(&own)
            .skip(i + 1)
            .take_while(|(level, _)| **level > h.level);
        h.has_content = own.get(i).copied().unwrap_or(false) || section.any(|(_, o)| *o);
    }
}

/// Sets `holds` and `columns` on each heading: the kinds of content that start in its
/// section (up to the next heading of its level or a higher one), outside code and comments.
fn mark_holds(out: &mut Body, held: &Blocks, skip: &SkipSet) {
    let mut starts: Vec<(usize, Holds)> = held
        .starts
        .iter()
        .copied()
        .chain(out.links.iter().filter_map(|l| match l.kind {
            LinkKind::Embed => Some((l.span.start(), Holds::EMBED)),
            LinkKind::Wiki | LinkKind::Markdown => Some((l.span.start(), Holds::LINK)),
            LinkKind::Image | LinkKind::Property => None,
        }))
        .filter(|(at, _)| !skip.contains(*at))
        .collect();
    starts.sort_by_key(|(at, _)| *at);
    let ends: Vec<usize> = out
        .headings
        .iter()
        .enumerate()
        .map(|(i, h)| {
            out.headings
                .iter()
                .skip(i + 1)
                .find(|n| n.level <= h.level)
                .map_or(usize::MAX, |n| n.span.start())
        })
        .collect();
    for (h, end) in out.headings.iter_mut().zip(ends) {
        let from = h.span.end();
        let first = starts.partition_point(|(at, _)| *at < from);
        for (_, kind) in starts.iter().skip(first).take_while(|(at, _)| *at < end) {
            h.holds.insert(*kind);
        }
        h.columns = out
            .tables
            .iter()
            .filter(|t| t.span.start() >= from && t.span.start() < end)
            .map(|t| t.header.iter().map(|c| c.text.clone()).collect())
            .collect();
    }
}

/// Finds the destination of an inline markdown link in its raw text: after the `](` that
/// follows the link text, inside `<...>` or up to whitespace or `)`.
fn markdown_dest(raw: &str, text_end: usize) -> Option<(usize, &str)> {
    let from = text_end.saturating_sub(1).min(raw.len());
    let open = from + raw.get(from..)?.find("](")? + 2;
    let rest = raw.get(open..)?;
    let ws = rest.len() - rest.trim_start().len();
    let rest = rest.trim_start();
    if let Some(inner) = rest.strip_prefix('<') {
        let end = inner.find('>')?;
        return Some((open + ws + 1, inner.get(..end)?));
    }
    let end = rest
        .find(|c: char| c.is_whitespace() || c == ')')
        .unwrap_or(rest.len());
    Some((open + ws, rest.get(..end)?))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::link::Anchor;

    #[test]
    fn issue_30_sections_say_what_they_hold() {
        let text = "# T\n\n## Leadership\n\n| Role | Name |\n|---|---|\n| CEO | A |\n\n### Board\n\n- one\n\n## Media\n\n![[chart.png]]\n\n## Links\n\nSee [[Other]].\n\n## Code\n\n```\n| a | b |\n|---|---|\n```\n\n## Hidden\n\n%% [[x]] %%\n";
        let body = parse_body(text, 0);
        let by_name = |name: &str| body.headings.iter().find(|h| h.text == name).unwrap();
        let lead = by_name("Leadership");
        assert!(lead.holds.contains(Holds::TABLE) && lead.holds.contains(Holds::LIST));
        assert!(!lead.holds.contains(Holds::TEXT));
        assert_eq!(
            lead.columns,
            vec![vec!["Role".to_string(), "Name".to_string()]]
        );
        assert!(by_name("Board").holds.contains(Holds::LIST));
        assert!(!by_name("Board").holds.contains(Holds::TABLE));
        let media = by_name("Media").holds;
        assert!(media.contains(Holds::EMBED) && !media.contains(Holds::LINK));
        let links = by_name("Links").holds;
        assert!(links.contains(Holds::LINK) && links.contains(Holds::TEXT));
        assert_eq!(by_name("Code").holds, Holds::default());
        assert!(by_name("Code").columns.is_empty());
        assert_eq!(by_name("Hidden").holds, Holds::default());
    }

    #[test]
    fn issue_30_tables_glued_to_a_paragraph() {
        let cases = [
            ("Text\n| a | b |\n|---|---|\n", Some("| a | b |")),
            (
                "One\ntwo\n| a | b |\n|---|---|\n| 1 | 2 |\n",
                Some("| a | b |"),
            ),
            ("**Bold:**\n| a | b |\n|---|---|\n", Some("| a | b |")),
            ("Text\n\n| a | b |\n|---|---|\n", None),
            ("# H\n| a | b |\n|---|---|\n", None),
            ("- item\n| a | b |\n|---|---|\n", None),
            ("> quote\n| a | b |\n|---|---|\n", None),
            ("```\nText\n| a | b |\n|---|---|\n```\n", None),
            ("%% note %%\n| a | b |\n|---|---|\n", None),
            ("Text\r\n| a | b |\r\n|---|---|\r\n", Some("| a | b |")),
        ];
        for (text, want) in cases {
            let glued = parse_body(text, 0).glued_tables;
            let got = glued.first().map(|s| &text[s.range()]);
            assert_eq!(got, want, "{text:?}");
            assert!(glued.len() <= 1, "{text:?}");
        }
    }

    #[test]
    fn issue_30_text_runs_in_their_places() {
        let text = "#actor #ai\n\n# Title\n\n**Lumen** builds chips for Meta, see [[Meta|Meta]] and `Meta`.\n\nMore about Meta.\n\n| Name | Lead |\n|---|---|\n| Meta | %% Meta %% |\n\n- Meta item\n";
        let runs = |scope| {
            parse_body_with(text, 0, scope)
                .text_runs
                .iter()
                .map(|r| {
                    assert_eq!(&text[r.span().range()], r.text);
                    (r.place, r.text.to_string())
                })
                .collect::<Vec<_>>()
        };
        assert!(runs(MentionScope::NONE).is_empty());
        let cells = runs(MentionScope::TABLE_CELLS);
        assert_eq!(cells, [(MentionScope::TABLE_CELLS, "Meta".to_string())]);
        let first: Vec<String> = runs(MentionScope::FIRST_PARAGRAPH)
            .into_iter()
            .map(|(_, t)| t)
            .collect();
        // The `.` after the code span names nothing: not kept.
        assert_eq!(first.concat(), "Lumen builds chips for Meta, see  and ");
        let all: Vec<String> = runs(MentionScope::EVERYWHERE)
            .into_iter()
            .map(|(_, t)| t)
            .collect();
        let all = all.concat();
        assert!(all.contains("More about Meta.") && all.contains("Meta item"));
        assert!(!all.contains("Title") && !all.contains("Name") && !all.contains("%%"));
    }

    fn links(text: &str) -> Vec<(LinkKind, String, Option<Anchor>, String)> {
        parse_body(text, 0)
            .links
            .into_iter()
            .map(|l| {
                let t = text[l.target_span.range()].to_string();
                (l.kind, l.path, l.anchor, t)
            })
            .collect()
    }

    fn paths(text: &str) -> Vec<String> {
        links(text).into_iter().map(|l| l.1).collect()
    }

    #[test]
    fn link_forms() {
        let text = "[[Note]] [[Note.md]] [[Note|Disp]] [[Note#H]] [[#Local]] ![[img.png|100x145]] \
                    [t](Note%20Name.md) [t](<Note Name.md>) [t](Other.md#Heading) [t](#Heading) \
                    ![a](pic.png) [x](https://ex.org) <https://ex.org>\n";
        assert_eq!(
            paths(text),
            [
                "Note",
                "Note.md",
                "Note",
                "Note",
                "",
                "img.png",
                "Note Name.md",
                "Note Name.md",
                "Other.md",
                "",
                "pic.png"
            ]
        );
    }

    #[test]
    fn target_spans_are_exact() {
        let text = "x [[Note|Disp]] ![[Pic.png]] [t](A%20B.md#h)\n";
        let got: Vec<String> = links(text).into_iter().map(|l| l.3).collect();
        assert_eq!(got, ["Note", "Pic.png", "A%20B.md#h"]);
    }

    #[test]
    fn reference_links_point_at_the_link() {
        let text = "[t][r] [u](N.md#h)\n\n[r]: Other%20Note.md#Sec\n";
        let body = parse_body(text, 0);
        let got: Vec<(&str, Option<&str>)> = body
            .links
            .iter()
            .map(|l| (l.path.as_str(), l.anchor_span().map(|s| &text[s.range()])))
            .collect();
        assert_eq!(got, [("Other Note.md", None), ("N.md", Some("#h"))]);
        assert_eq!(&text[body.links[0].target_span.range()], "[t][r]");
    }

    #[test]
    fn table_escaped_pipe() {
        let text = "| a | b |\n|---|---|\n| [[Note\\|alias]] | 1 |\n";
        let body = parse_body(text, 0);
        assert_eq!(body.links.len(), 1);
        assert_eq!(body.links[0].path, "Note");
        assert_eq!(body.tables.len(), 1);
        assert_eq!(body.tables[0].header[0].text, "a");
        assert_eq!(body.tables[0].rows[0][1].text, "1");
        assert_eq!(body.tables[0].rows[0][0].text, "[[Note\\|alias]]");
    }

    #[test]
    fn issue_28_unescaped_pipe_links_in_tables_are_read() {
        let text = "| When | Who | Note |\n|---|---|---|\n\
                    | Dec 2025 | [[Innovative Signal Analysis|ISA]] | ![[chart.png|300]] |\n\
                    | Jan 2026 | [[Escaped\\|E]] | `[[In code|C]]` |\n\
                    | a | b | [[Plain]] |\n";
        let body = parse_body(text, 0);
        let got: Vec<(LinkKind, &str, &str)> = body
            .links
            .iter()
            .map(|l| (l.kind, l.path.as_str(), &text[l.span.range()]))
            .collect();
        assert_eq!(
            got,
            [
                (
                    LinkKind::Wiki,
                    "Innovative Signal Analysis",
                    "[[Innovative Signal Analysis|ISA]]"
                ),
                (LinkKind::Embed, "chart.png", "![[chart.png|300]]"),
                (LinkKind::Wiki, "Escaped", "[[Escaped\\|E]]"),
                (LinkKind::Wiki, "Plain", "[[Plain]]"),
            ]
        );
        let target = &body.links[0].target_span;
        assert_eq!(&text[target.range()], "Innovative Signal Analysis");
        let pipes: Vec<(&str, &str)> = body
            .table_pipes
            .iter()
            .map(|p| (&text[p.pipe.range()], &text[p.link.range()]))
            .collect();
        assert_eq!(
            pipes,
            [
                ("|", "[[Innovative Signal Analysis|ISA]]"),
                ("|", "![[chart.png|300]]")
            ]
        );
        // A header row the pipe gives one cell too many is no table row: the lines are a
        // paragraph, and the link in it an ordinary one, read once.
        let text = "| [[Note|N]] | b |\n|---|---|\n";
        let body = parse_body(text, 0);
        assert!(body.tables.is_empty() && body.table_pipes.is_empty());
        assert_eq!(paths(text), ["Note"]);
    }

    #[test]
    fn not_links() {
        let text = "`[[code]]` \\[[escaped]] %% [[hidden]] %% <!-- [[html]] -->\n\n```\n[[fenced]]\n```\n\n    [[indented]]\n\n$x [[math]]$ [[multi\nline]]\n";
        assert!(paths(text).is_empty(), "{:?}", paths(text));
    }

    #[test]
    fn links_in_comments_are_kept_apart() {
        let text = "%% see [[Hidden]] %% <!-- [[Html#H]] --> [[Live]]\n\n<!--\n[t](Other.md) `[[code]]`\n--> <!-- [[Second]] -->\n%%\n[[Block]]\n%%\n";
        let body = parse_body(text, 0);
        let live: Vec<&str> = body.links.iter().map(|l| l.path.as_str()).collect();
        assert_eq!(live, ["Live"]);
        let hidden: Vec<(&str, &str)> = body
            .comment_links
            .iter()
            .map(|l| (l.path.as_str(), &text[l.target_span.range()]))
            .collect();
        assert_eq!(
            hidden,
            [
                ("Hidden", "Hidden"),
                ("Html", "Html#H"),
                ("Other.md", "Other.md"),
                ("Second", "Second"),
                ("Block", "Block")
            ]
        );
    }

    #[test]
    fn money_is_not_math() {
        assert_eq!(paths("$235M and $161M with [[Live]]\n"), ["Live"]);
        assert_eq!(paths("$6.6B in 2024 ... [[X]] ... $40B\n"), ["X"]);
    }

    #[test]
    fn headings() {
        let text = "# Title\n\n## Why **it** matters ##\n\nSetext\n---\n\n```\n# not\n```\n%%\n## hidden\n%%\n## Attr {#id}\n";
        let h: Vec<(u8, String)> = parse_body(text, 0)
            .headings
            .into_iter()
            .map(|h| (h.level, h.text))
            .collect();
        assert_eq!(
            h,
            [
                (1, "Title".into()),
                (2, "Why **it** matters".into()),
                (2, "Setext".into()),
                (2, "Attr".into())
            ]
        );
    }

    #[test]
    fn section_content() {
        let cases: &[(&str, &[(&str, bool)])] = &[
            ("# T\n\ntext\n", &[("T", true)]),
            (
                "# T\n\n\n---\n\n## Next\n",
                &[("T", false), ("Next", false)],
            ),
            (
                "## A\n%% todo %%\n<!-- later -->\n## B\n- item\n",
                &[("A", false), ("B", true)],
            ),
            (
                "## A\n### Sub\n\nx\n## B\n",
                &[("A", true), ("Sub", true), ("B", false)],
            ),
            (
                "## A\n### Sub\n## B\n| a |\n|---|\n| 1 |\n",
                &[("A", false), ("Sub", false), ("B", true)],
            ),
            ("## A\n```\ncode\n```\n", &[("A", true)]),
            ("## A\n> quote\n", &[("A", true)]),
            ("## A\n%%\nhidden\n\nstill hidden\n%%\n", &[("A", false)]),
            (
                "# A\n## B\n# C\ntext\n",
                &[("A", false), ("B", false), ("C", true)],
            ),
            ("Setext\n---\nbody\n", &[("Setext", true)]),
        ];
        for (text, want) in cases {
            let got: Vec<(String, bool)> = parse_body(text, 0)
                .headings
                .into_iter()
                .map(|h| (h.text, h.has_content))
                .collect();
            let want: Vec<(String, bool)> = want.iter().map(|(t, c)| (t.to_string(), *c)).collect();
            assert_eq!(got, want, "{text:?}");
        }
    }

    #[test]
    fn tags_skip_code_and_links() {
        let text = "#actor #ai `#code` [#inlink](x.md) #123 text#no\n\n## Head #intag\n";
        let tags: Vec<String> = parse_body(text, 0)
            .tags
            .into_iter()
            .map(|t| t.name)
            .collect();
        assert_eq!(tags, ["actor", "ai", "intag"]);
    }

    #[test]
    fn lone_cr_ends_a_heading() {
        let text = "# Old Mac\r\rline two\r[[Gone]]\r";
        let body = parse_body(text, 0);
        assert_eq!(body.headings[0].text, "Old Mac");
        assert_eq!(&text[body.links[0].span.range()], "[[Gone]]");
        assert_eq!(lone_cr_as_lf("a\r\nb\rc\r"), "a\r\nb\nc\n");
        assert!(matches!(lone_cr_as_lf("a\r\nb"), Cow::Borrowed(_)));
    }

    #[test]
    fn offsets_are_absolute() {
        let text = "---\na: 1\n---\n[[Note]]\n";
        let body = parse_body(text, 13);
        assert_eq!(&text[body.links[0].span.range()], "[[Note]]");
    }

    /// Every line of `text` from `start`, as a span.
    fn line_spans(text: &str, start: usize) -> Vec<Span> {
        let mut out = Vec::new();
        let mut at = start;
        for line in text
            .get(start..)
            .unwrap_or("")
            .split_inclusive(['\n', '\r'])
        {
            let body = line.trim_end_matches(['\n', '\r']);
            if !body.is_empty() {
                out.push(Span::new(at, at + body.len()));
            }
            at += line.len();
        }
        out
    }

    /// Issue 26: the skip ranges worked out for a few lines say of them what the whole pass
    /// says, whether the pass ran or not.
    #[test]
    fn skip_ranges_for_lines_agree_with_the_whole_pass() {
        let cases = [
            "Updated 2026-01-01\n",
            "```\nUpdated 2026-01-01\n```\n",
            "~~~\nUpdated 2026-01-01\n~~~\n",
            "Text.\n\n    Updated 2026-01-01\n",
            "\tUpdated 2026-01-01\n",
            "> quote\n>     Updated 2026-01-01\n",
            "%% a comment\nUpdated 2026-01-01\n%%\n",
            "<!-- a comment\nUpdated 2026-01-01\n-->\n",
            "$$\nUpdated 2026-01-01\n$$\n",
            "`code\nUpdated 2026-01-01` after\n",
            "Updated 2026-01-01 $x$\n",
            "Updated 2026-01-01\n```\ncode after\n```\n",
            "Revenue was $4M and $5M.\nUpdated 2026-01-01\n",
        ];
        for text in cases {
            let whole = skip_ranges(text, 0);
            for span in line_spans(text, 0) {
                let some = skip_ranges_for(text, 0, &[span]);
                assert_eq!(
                    some.overlaps(span),
                    whole.overlaps(span),
                    "{text:?} at {:?}",
                    &text[span.range()]
                );
            }
        }
    }

    proptest::proptest! {
        #[test]
        fn skip_ranges_for_agree_with_the_whole_pass(
            text in "(Updated 2026-01-01|```|~~~|%%|<!--|-->|\\$\\$|\\$|`|> |    |\t|x|\r?\n){0,14}",
            start in 0usize..4,
        ) {
            let start = start.min(text.len());
            proptest::prop_assume!(text.is_char_boundary(start));
            let whole = skip_ranges(&text, start);
            let spans = line_spans(&text, start);
            let all = skip_ranges_for(&text, start, &spans);
            for &span in &spans {
                let one = skip_ranges_for(&text, start, &[span]);
                proptest::prop_assert_eq!(one.overlaps(span), whole.overlaps(span), "{:?}", span);
                proptest::prop_assert_eq!(all.overlaps(span), whole.overlaps(span), "{:?}", span);
            }
        }
    }
}
