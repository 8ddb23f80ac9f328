//! The note model: everything the rules need from one note, extracted in one parse.
//!
//! A `Note` keeps spans and the small facts rules read, not the text: findings are rendered by
//! re-reading the file, which keeps memory flat on large vaults.
//!
//! The whole parse, `Note::parse`, is figure reading's (`src/figures/parse.rs`): figure
//! reading sits above the model, so the model parses everything but the figures
//! ([`Note::parse_all_but_figures`]) and hands figure reading the parts it needs that the note
//! does not keep ([`Unkept`]).

use jiff::civil::Date;
use std::sync::Arc;

use thin_vec::ThinVec;

use super::content::{MentionScope, TextRuns};
use super::directive::{self, Directives};
use super::figure::{Figure, QuotedFigure, StatedFigure, SumClaim};
use super::frontmatter::{self, Frontmatter};
use super::line_index::LineCol;
use super::link::{Link, LinkKind, WideLink};
use super::markdown::{self, Heading, Table};
use super::scan::{self, BlockId, DateMarker, DateSource, SkipSet, Tag};
use super::span::Span;
use super::table_link::TablePipe;

/// What the note model needs from the configuration: which Updated dates it reads.
#[derive(Debug, Clone)]
pub struct DateOptions {
    /// Body "Updated" line pattern (see [`scan::marker_regex`]).
    pub marker: scan::MarkerPattern,
    /// The marker words it was built from, as configured (`Updated`, `Last updated`).
    pub marker_words: Vec<String>,
    /// Front matter keys that hold the Updated date.
    pub date_fields: Vec<String>,
    /// Where a whole parse keeps the note's plain text ([`Note::text_runs`]): nowhere unless
    /// a check against the vault reads it.
    pub mentions: MentionScope,
}

impl DateOptions {
    pub fn new(marker_words: &[String], date_fields: &[String]) -> Result<Self, regex::Error> {
        Ok(DateOptions {
            marker: scan::marker_regex(marker_words)?,
            marker_words: marker_words.to_vec(),
            date_fields: date_fields.to_vec(),
            mentions: MentionScope::NONE,
        })
    }
}

/// The default body marker words (`*Updated 2026-01-01*`, `Last updated: 2026-01-01`).
pub const DEFAULT_MARKERS: [&str; 2] = ["Updated", "Last updated"];
/// The default front matter keys that hold the Updated date.
pub const DEFAULT_DATE_FIELDS: [&str; 4] = ["updated", "last-updated", "last_updated", "modified"];

impl Default for DateOptions {
    fn default() -> Self {
        let words = DEFAULT_MARKERS.map(String::from);
        let fields = DEFAULT_DATE_FIELDS.map(String::from);
        #[allow(clippy::expect_used)]
        DateOptions::new(&words, &fields).expect("the default marker words form a valid pattern")
    }
}

/// What a whole parse found that the note does not keep, for reading its figures: the
/// tables (figures are read from their cells) and the ranges that are not content (code,
/// comments, math).
#[derive(Debug)]
pub struct Unkept {
    pub tables: Vec<Table>,
    pub skip: SkipSet,
}

/// The length of the byte order mark `source` starts with, if any.
fn bom_len(source: &str) -> usize {
    if source.starts_with('\u{feff}') { 3 } else { 0 }
}

/// The front matter of `source`, closed or not.
fn read_frontmatter(source: &str) -> Option<Frontmatter> {
    let base = bom_len(source);
    let text = source.get(base..).unwrap_or("");
    match frontmatter::split(text, base) {
        Some((span, body)) => Some(frontmatter::parse(source, span, body)),
        None => frontmatter::unclosed(text, base),
    }
}

/// One parsed note.
///
/// Its lists are [`ThinVec`]s, one word each and no allocation while empty: every note of
/// the vault stays in memory until the end of the run, and once its own checks have run most
/// of its lists are empty.
#[derive(Debug, Clone)]
pub struct Note {
    /// Vault-relative, `/`-separated path, as on disk (`Actors/Hugging Face.md`).
    pub path: Arc<str>,
    /// Length of the file in bytes.
    pub len: usize,
    pub frontmatter: Option<Box<Frontmatter>>,
    /// Where the body starts (after the BOM and front matter).
    pub body_start: usize,
    pub aliases: ThinVec<String>,
    /// Front matter tags first, then inline tags in order.
    pub tags: ThinVec<Tag>,
    /// Empty once the note is taken into the index, which keeps their texts and anchors.
    pub headings: ThinVec<Heading>,
    pub block_ids: ThinVec<BlockId>,
    pub links: ThinVec<Link>,
    /// Links inside `%% %%` and `<!-- -->` comments (not links to Obsidian).
    pub comment_links: ThinVec<Link>,
    /// Where the links written on one line outside ASCII sit, by offset, once the note's
    /// links have been placed ([`Link::record_place`]).
    pub wide_links: ThinVec<WideLink>,
    pub dates: ThinVec<DateMarker>,
    /// Suppression directives (`%% vaultlint-disable ... %%`, front matter `vaultlint:`).
    pub directives: Directives,
    /// Metrics the note states, in source order.
    pub figures: ThinVec<Figure>,
    /// The metrics the note states consistently, one per metric and period, as other notes'
    /// quotes are compared with them: what is kept of [`Note::figures`] once the note's own
    /// checks have run (see `inconsistent_figure::stated_figures`). Empty until then.
    pub stated: ThinVec<StatedFigure>,
    /// Metrics of other notes quoted in table rows that link to them.
    pub quoted_figures: ThinVec<QuotedFigure>,
    /// Where each quoted figure's span starts and ends, recorded while the text is in hand:
    /// the check that compares them with the quoted note runs once the text is dropped.
    pub quote_places: ThinVec<(Span, LineCol, LineCol)>,
    /// Table columns that claim to add up to a total.
    pub sum_claims: ThinVec<SumClaim>,
    /// Wikilinks a table row splits at an unescaped `|` (read as links all the same).
    pub table_pipes: ThinVec<TablePipe>,
    /// The header rows of tables that start right after a paragraph line.
    pub glued_tables: ThinVec<Span>,
    /// Where each pipe table is: a fix that writes a `|` into a link there escapes it (`\|`).
    /// Kept for the checks against the vault, which fix links.
    pub table_spans: ThinVec<Span>,
    /// Plain text in the places [`DateOptions::mentions`] names, kept for the check against
    /// the vault's names (parsed whole only; empty unless asked for).
    pub text_runs: TextRuns,
}

impl Note {
    /// Parses `source`, the full text of the note at `path`, except for its figures; with
    /// the parts figure reading needs that the note does not keep. Its figure lists are empty
    /// until figure reading fills them: `Note::parse` does both, and is what the rest of the
    /// program calls.
    pub fn parse_all_but_figures(
        path: impl Into<Arc<str>>,
        source: &str,
        options: &DateOptions,
    ) -> (Note, Unkept) {
        Note::parse_with(path, source, options, true)
    }

    /// Parses what other notes need of this one (names, headings, block ids, links,
    /// suppressions) and skips or drops what only its own checks read: figures and date
    /// markers (the larger part of parsing), front matter values, tags, comment links. For the notes a narrowed run (one file, `--changed-since`)
    /// indexes but does not report.
    pub fn parse_for_index(path: impl Into<Arc<str>>, source: &str, options: &DateOptions) -> Note {
        Note::parse_with(path, source, options, false).0
    }

    /// Reads only the names a note adds to the index, its aliases, from its front matter. The
    /// body is not parsed: no headings, block ids, links or suppressions. For the notes a
    /// narrowed run neither reports nor needs the anchors of.
    pub fn parse_names(path: impl Into<Arc<str>>, source: &str, options: &DateOptions) -> Note {
        let (mut note, _) = Note::parse_with(path, "", options, false);
        let base = if source.starts_with('\u{feff}') { 3 } else { 0 };
        let text = source.get(base..).unwrap_or("");
        if let Some((span, body)) = frontmatter::split(text, base) {
            note.aliases = frontmatter::parse(source, span, body).aliases().into();
            note.aliases.shrink_to_fit();
        }
        note.len = source.len();
        note
    }

    /// Where the body of `source` starts and its Updated dates (front matter fields, then body
    /// markers), as [`Note::parse`] reads them into [`Note::body_start`] and [`Note::dates`],
    /// without reading anything else: for comparing two versions of a note.
    pub fn dates_in(source: &str, options: &DateOptions) -> (usize, Vec<DateMarker>) {
        let frontmatter = read_frontmatter(source);
        let body_start = frontmatter
            .as_ref()
            .map_or(bom_len(source), |f| f.span.end());
        let mut dates = frontmatter
            .as_ref()
            .map(|fm| field_dates(source, fm, &options.date_fields))
            .unwrap_or_default();
        // The markdown pass only tells which marker lines sit in code or comments: it runs
        // when one could (issue 26).
        let markers = scan::date_markers(source, body_start, &SkipSet::default(), &options.marker);
        let spans: Vec<Span> = markers.iter().map(|d| d.span).collect();
        let skip = markdown::skip_ranges_for(source, body_start, &spans);
        dates.extend(markers.into_iter().filter(|d| !skip.overlaps(d.span)));
        (body_start, dates)
    }

    fn parse_with(
        path: impl Into<Arc<str>>,
        source: &str,
        options: &DateOptions,
        complete: bool,
    ) -> (Note, Unkept) {
        let shared: Arc<str> = path.into();
        let frontmatter = read_frontmatter(source);
        let body_start = frontmatter
            .as_ref()
            .map_or(bom_len(source), |f| f.span.end());
        let scope = if complete {
            options.mentions
        } else {
            MentionScope::NONE
        };
        let body = markdown::parse_body_with(source, body_start, scope);

        let mut tags = Vec::new();
        let mut links = Vec::new();
        let mut dates = Vec::new();
        let mut aliases = Vec::new();
        if let Some(fm) = &frontmatter {
            tags.extend(fm.tags().into_iter().map(|name| Tag {
                name,
                span: fm.span,
                is_inline: false,
            }));
            aliases = fm.aliases();
            for pl in fm.links(source) {
                let target = pl.inner.split('|').next().unwrap_or("");
                let target_span =
                    Span::new(pl.span.start() + 2, pl.span.start() + 2 + target.len());
                links.push(Link::from_target(
                    LinkKind::Property,
                    pl.span,
                    target_span,
                    target,
                ));
            }
            if complete {
                dates.extend(field_dates(source, fm, &options.date_fields));
            }
        }
        tags.extend(body.tags);
        // The body's links are most of them, and most notes have none in front matter: kept
        // where the parser put them.
        let links = if links.is_empty() {
            body.links
        } else {
            let mut all = ThinVec::with_capacity(links.len() + body.links.len());
            all.extend(links);
            all.extend(body.links);
            all
        };
        if complete {
            dates.extend(scan::date_markers(
                source,
                body_start,
                &body.skip,
                &options.marker,
            ));
        }

        let directives = directive::parse(
            source,
            &body.comments,
            &body.html_comments,
            frontmatter.as_ref(),
        );
        let mut note = Note {
            path: Arc::clone(&shared),
            len: source.len(),
            body_start,
            aliases: aliases.into(),
            tags: tags.into(),
            headings: body.headings.into(),
            block_ids: scan::block_ids(source, body_start, &body.skip).into(),
            links,
            comment_links: body.comment_links.into(),
            wide_links: ThinVec::new(),
            dates: dates.into(),
            directives,
            figures: ThinVec::new(),
            stated: ThinVec::new(),
            quoted_figures: ThinVec::new(),
            quote_places: ThinVec::new(),
            sum_claims: ThinVec::new(),
            table_pipes: body.table_pipes.into(),
            glued_tables: body.glued_tables.into(),
            table_spans: body.tables.iter().map(|t| t.span).collect(),
            text_runs: body.text_runs,
            frontmatter: frontmatter.map(Box::new),
        };
        if !complete {
            note.drop_note_local();
        }
        note.shrink_to_fit();
        let unkept = Unkept {
            tables: body.tables,
            skip: body.skip,
        };
        (note, unkept)
    }

    /// Drops what only the note's own checks read, once they have run: sum claims, date
    /// markers, split table links, glued tables, front matter and tags. Keeps what checks
    /// against the vault read: names, headings, block ids, links (in comments too),
    /// directives, its figures (other notes quote them), quoted figures and kept plain text.
    /// Every note of the vault stays in memory until the end of the run, as this model.
    pub fn keep_for_index(&mut self) {
        self.frontmatter = None;
        self.tags = ThinVec::new();
        self.dates = ThinVec::new();
        self.sum_claims = ThinVec::new();
        self.table_pipes = ThinVec::new();
        self.glued_tables = ThinVec::new();
    }

    /// Drops what only the note's own checks read, for a note parsed for the index only and
    /// never reported: [`Note::keep_for_index`], and its comment links too.
    fn drop_note_local(&mut self) {
        self.keep_for_index();
        self.comment_links = ThinVec::new();
        self.text_runs = TextRuns::default();
    }

    /// Gives back the room the lists grew into while parsing: every note of the vault stays
    /// in memory until the end of the run.
    fn shrink_to_fit(&mut self) {
        self.aliases.shrink_to_fit();
        self.tags.shrink_to_fit();
        self.headings.shrink_to_fit();
        self.block_ids.shrink_to_fit();
        self.links.shrink_to_fit();
        self.comment_links.shrink_to_fit();
        self.dates.shrink_to_fit();
        self.figures.shrink_to_fit();
        self.quoted_figures.shrink_to_fit();
        self.sum_claims.shrink_to_fit();
        self.table_pipes.shrink_to_fit();
        self.glued_tables.shrink_to_fit();
        self.table_spans.shrink_to_fit();
    }

    /// True when `span` lies inside a pipe table, where a `|` in a link is written `\|`.
    pub fn in_table(&self, span: Span) -> bool {
        self.table_spans.iter().any(|t| t.contains(span))
    }

    /// The note's name: its file name without `.md`.
    pub fn name(&self) -> &str {
        file_stem(&self.path)
    }

    /// The folder holding the note (`""` at the vault root).
    pub fn folder(&self) -> &str {
        self.path.rsplit_once('/').map_or("", |(dir, _)| dir)
    }

    /// The newest valid Updated date among the markers `keep` accepts, with the first marker
    /// that holds it.
    pub fn newest_date(&self, keep: impl Fn(&DateMarker) -> bool) -> Option<(&DateMarker, Date)> {
        let mut best: Option<(&DateMarker, Date)> = None;
        for marker in self.dates.iter().filter(|m| keep(m)) {
            let Ok(date) = marker.date else { continue };
            if best.is_none_or(|(_, b)| date > b) {
                best = Some((marker, date));
            }
        }
        best
    }

    /// Where whole-note findings are reported: the first heading, else the first body line.
    pub fn title_span(&self) -> Span {
        self.headings
            .first()
            .map(|h| h.span)
            .unwrap_or_else(|| Span::new(self.body_start, self.body_start))
    }

    /// Tag names, lower-cased, front matter and inline together.
    pub fn tag_names(&self) -> impl Iterator<Item = String> + '_ {
        self.tags.iter().map(|t| t.name.to_lowercase())
    }
}

fn file_stem(path: &str) -> &str {
    let file = path.rsplit('/').next().unwrap_or(path);
    file.strip_suffix(".md").unwrap_or(file)
}

/// Dates held by front matter keys, located at their value in the source.
fn field_dates(source: &str, fm: &Frontmatter, fields: &[String]) -> Vec<DateMarker> {
    let mut out = Vec::new();
    let yaml = source.get(fm.body.range()).unwrap_or("");
    for key in fields {
        let Some(value) = fm.get(key) else { continue };
        let Some(raw) = frontmatter::scalar_string(value) else {
            continue;
        };
        let raw = raw.trim().to_string();
        let span = locate_value(yaml, key, &raw)
            .map(|(s, e)| Span::new(fm.body.start() + s, fm.body.start() + e))
            .unwrap_or(fm.span);
        out.push(DateMarker::new(DateSource::Field(key.clone()), raw, span));
    }
    out
}

/// Finds `key: value` at the start of a line of the YAML text; returns the value's byte range.
fn locate_value(yaml: &str, key: &str, value: &str) -> Option<(usize, usize)> {
    let mut offset = 0;
    for line in yaml.split_inclusive('\n') {
        let here = offset;
        offset += line.len();
        let Some(rest) = line.strip_prefix(key) else {
            continue;
        };
        let Some(rest) = rest.trim_start().strip_prefix(':') else {
            continue;
        };
        let at = line.len() - rest.len();
        let Some(v) = rest.find(value) else {
            let trimmed = rest.trim();
            let s = here + at + rest.find(trimmed).unwrap_or(0);
            return Some((s, s + trimmed.len()));
        };
        return Some((here + at + v, here + at + v + value.len()));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Note {
        Note::parse_all_but_figures("Folder/My Note.md", text, &DateOptions::default()).0
    }

    #[test]
    fn whole_note() {
        let text = "---\naliases: [MN]\ntags: [actor]\nupdated: 2026-02-01\nrelated: \"[[Other]]\"\n---\n#ai\n\n# My Note\n\nSee [[Other#Sec]] ^blk\n\n*Updated 2026-01-01*\n";
        let n = parse(text);
        assert_eq!(n.name(), "My Note");
        assert_eq!(n.folder(), "Folder");
        assert_eq!(n.aliases, ["MN"]);
        assert_eq!(n.tag_names().collect::<Vec<_>>(), ["actor", "ai"]);
        assert_eq!(n.links.len(), 2);
        assert_eq!(n.links[0].kind, LinkKind::Property);
        assert_eq!(&text[n.links[0].target_span.range()], "Other");
        assert_eq!(n.block_ids[0].id, "blk");
        let dates: Vec<(&DateSource, &str)> = n
            .dates
            .iter()
            .map(|d| (&d.source, d.raw.as_str()))
            .collect();
        assert_eq!(
            dates,
            [
                (&DateSource::Field("updated".into()), "2026-02-01"),
                (&DateSource::Body("Updated".into()), "2026-01-01")
            ]
        );
        assert_eq!(&text[n.dates[0].span.range()], "2026-02-01");
        let newest = n.newest_date(|_| true).unwrap();
        assert_eq!(
            (newest.0.is_field(), newest.1),
            (true, jiff::civil::date(2026, 2, 1))
        );
        let body = n.newest_date(|m| !m.is_field()).unwrap();
        assert_eq!(body.1, jiff::civil::date(2026, 1, 1));
        assert_eq!(&text[n.title_span().range()], "# My Note\n");
    }

    #[test]
    fn reduced_models_keep_what_other_notes_read() {
        let text = "\u{feff}---\naliases: [MN, Mine]\n---\n# My Note\n\n## Funding\n\nSee [[Other#Sec]] and [[Gone]] ^blk\n\n| Metric | Value |\n|---|---|\n| Valuation | $2B |\n";
        let opts = DateOptions::default();
        let names = Note::parse_names("My Note.md", text, &opts);
        assert_eq!(names.aliases, ["MN", "Mine"]);
        assert_eq!(names.len, text.len());
        assert!(names.headings.is_empty() && names.links.is_empty() && names.block_ids.is_empty());
        assert!(
            Note::parse_names("x.md", "no front matter", &opts)
                .aliases
                .is_empty()
        );

        let (mut kept, _) = Note::parse_all_but_figures("My Note.md", text, &opts);
        assert!(kept.frontmatter.is_some());
        kept.keep_for_index();
        assert!(kept.frontmatter.is_none());
        assert_eq!(kept.aliases, ["MN", "Mine"]);
        assert_eq!(kept.links.len(), 2);
        assert_eq!(kept.block_ids[0].id, "blk");
        assert_eq!(kept.headings.len(), 2);
    }

    #[test]
    fn front_matter_date_forms() {
        let cases = [
            ("updated: 2026-01-01", "2026-01-01"),
            ("updated: \"2026-01-01\"", "2026-01-01"),
            ("updated: '2026-01-01'", "2026-01-01"),
            ("last-updated: 2026-01-01", "2026-01-01"),
            ("last_updated: 2026-01-01", "2026-01-01"),
            ("modified: 2026-01-01T10:00:00", "2026-01-01T10:00:00"),
            ("updated: \"{{date}}\"", "{{date}}"),
        ];
        for (line, want) in cases {
            let text = format!("---\n{line}\n---\n# T\n");
            let n = parse(&text);
            assert_eq!(n.dates.len(), 1, "{line}");
            assert_eq!(n.dates[0].raw, want, "{line}");
            assert_eq!(&text[n.dates[0].span.range()], want, "{line}");
        }
    }

    #[test]
    fn bom_and_crlf() {
        let text = "\u{feff}---\r\na: 1\r\n---\r\n[[X]]\r\n";
        let n = parse(text);
        assert!(n.frontmatter.as_ref().unwrap().error.is_none());
        assert_eq!(&text[n.links[0].span.range()], "[[X]]");
    }

    #[test]
    fn empty_and_odd_notes_do_not_panic() {
        for text in [
            "",
            "---",
            "---\n",
            "---\n---",
            "\u{feff}",
            "\r",
            "%%",
            "$",
            "[[",
            "| a |\n|-|\n| [[x\\|y]] |",
        ] {
            let _ = parse(text);
        }
    }
}
