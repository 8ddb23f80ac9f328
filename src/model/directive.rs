//! Suppression directives: `%% vaultlint-disable... %%` and `<!-- vaultlint-disable... -->`
//! comments, and front matter `vaultlint: {disable: [RULE]}`.
//!
//! Owns the syntax and the byte range each directive covers, computed here, at parse time,
//! while the text is at hand. Does not know which rule ids exist, nor which findings a
//! directive hides: the engine applies them after every rule ran (see `engine/suppress.rs`).
//!
//! The forms:
//! - `vaultlint-disable-next-line RULE[, RULE]`: the next line that is not blank and not only
//!   directive comments (so stacked directives all reach it);
//! - `vaultlint-disable-line RULE`: the line the comment ends on;
//! - `vaultlint-disable RULE` … `vaultlint-enable RULE`: from the end of the first comment to
//!   the start of the second, or to the end of the note when it is never enabled;
//! - no rule list means every rule (like a bare `# noqa`); a bare `vaultlint-enable` ends every
//!   open range, `vaultlint-enable RULE` only the ranges opened for `RULE`;
//! - anything after ` -- ` is a free reason (`%% vaultlint-disable-line broken-link -- stub %%`).

use std::collections::BTreeMap;

use serde_yaml::Value;
use thin_vec::ThinVec;

use super::frontmatter::{Frontmatter, scalar_string};
use super::line_index::LineIndex;
use super::scan::Comment;
use super::span::Span;

/// The directives of one note.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Directives {
    /// One entry per rule named by a directive (or one for a bare directive), in file order.
    pub suppressions: ThinVec<Suppression>,
    /// Directive comments that could not be understood.
    pub problems: ThinVec<DirectiveProblem>,
}

/// One rule (or every rule) switched off over a byte range.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Suppression {
    pub form: Form,
    /// The rule id as written with its span; `None` for every rule.
    pub rule: Option<(String, Span)>,
    /// The whole directive: the comment, or the front matter entry.
    pub span: Span,
    /// The bytes whose findings it hides: a finding is hidden when it starts inside.
    pub covers: Span,
    /// The directive's line, its line break included, when nothing else is written on it
    /// (removing the directive then removes the line); empty otherwise.
    pub line: Span,
}

impl Suppression {
    /// Where a finding about this suppression points: the rule id, else the directive.
    pub fn report_span(&self) -> Span {
        self.rule.as_ref().map_or(self.span, |(_, s)| *s)
    }

    /// True when it hides findings of `rule` starting at `offset`.
    pub fn hides(&self, rule: &str, offset: usize) -> bool {
        let covered = self.covers.start() <= offset && offset < self.covers.end();
        covered && self.rule.as_ref().is_none_or(|(id, _)| id == rule)
    }
}

/// The end of a range that runs to the end of the note: one past the last byte, so that an
/// empty span at the very end of the file is inside too.
fn to_end(source: &str) -> usize {
    source.len() + 1
}

/// How a suppression was written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Form {
    NextLine,
    Line,
    /// `vaultlint-disable` (with or without a matching `vaultlint-enable`).
    Range,
    /// Front matter `vaultlint: {disable: [...]}`.
    File,
}

/// A directive that means nothing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DirectiveProblem {
    pub span: Span,
    pub kind: ProblemKind,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProblemKind {
    /// `vaultlint-disabel`: a `vaultlint-` word that is no directive.
    UnknownDirective(String),
    /// `vaultlint-enable RULE` (or bare) with no open `vaultlint-disable` to end.
    StrayEnable(Option<String>),
    /// Front matter `vaultlint:` that is not `{disable: [RULE, ...]}`.
    BadFrontmatter,
}

/// Reads the directives of a note from its comments and front matter.
pub fn parse(
    source: &str,
    comments: &[Comment],
    html_comments: &[Span],
    frontmatter: Option<&Frontmatter>,
) -> Directives {
    let mut found: Vec<Raw> = Vec::new();
    let inners = comments.iter().map(|c| (c.span, c.inner)).chain(
        html_comments
            .iter()
            .filter_map(|s| comment_inner(source, *s)),
    );
    for (span, inner) in inners {
        if let Some(raw) = read(source, span, inner) {
            found.push(raw);
        }
    }
    found.sort_by_key(|r| r.span.start);

    let mut out = Directives::default();
    if let Some(fm) = frontmatter {
        file_level(source, fm, &mut out);
    }
    if found.is_empty() {
        return out;
    }
    let lines = LineIndex::new(source);
    let directive_spans: Vec<Span> = found.iter().map(|r| r.span).collect();
    let mut next = NextLine::default();
    let mut open = OpenRanges::default();
    for raw in found {
        match raw.word {
            Word::NextLine | Word::Line => {
                let covers = if raw.word == Word::Line {
                    line_of(source, &lines, raw.span.end().saturating_sub(1))
                } else {
                    next.covers(source, &lines, raw.span, &directive_spans)
                };
                let form = if raw.word == Word::Line {
                    Form::Line
                } else {
                    Form::NextLine
                };
                push_each(&mut out, form, raw.span, covers, raw.rules);
            }
            Word::Disable => {
                if raw.rules.is_empty() {
                    open.bare.push((None, raw.span, raw.span.end()));
                }
                for rule in raw.rules {
                    let id = rule.0.clone();
                    let at = raw.span.end();
                    open.named
                        .entry(id)
                        .or_default()
                        .push((Some(rule), raw.span, at));
                }
            }
            Word::Enable => {
                let names: Vec<Option<String>> = if raw.rules.is_empty() {
                    vec![None]
                } else {
                    raw.rules.into_iter().map(|(id, _)| Some(id)).collect()
                };
                for name in names {
                    let ended = open.end(name.as_deref());
                    if ended.is_empty() {
                        out.problems.push(DirectiveProblem {
                            span: raw.span,
                            kind: ProblemKind::StrayEnable(name),
                        });
                    }
                    for (rule, span, from) in ended {
                        out.suppressions.push(Suppression {
                            form: Form::Range,
                            rule,
                            span,
                            covers: Span::new(from, raw.span.start().max(from)),
                            line: Span::default(),
                        });
                    }
                }
            }
            Word::Unknown(word) => out.problems.push(DirectiveProblem {
                span: raw.span,
                kind: ProblemKind::UnknownDirective(word),
            }),
        }
    }
    for (rule, span, from) in open.end(None) {
        out.suppressions.push(Suppression {
            form: Form::Range,
            rule,
            span,
            covers: Span::new(from, to_end(source)),
            line: Span::default(),
        });
    }
    out.suppressions
        .sort_by_key(|s| (s.span.start, s.report_span().start));
    for s in &mut out.suppressions {
        s.line = alone_on_line(source, s.span);
    }
    out
}

/// The line holding `span`, its line break included, when nothing but blanks is written
/// beside the span on it; empty otherwise.
fn alone_on_line(source: &str, span: Span) -> Span {
    let (Some(before), Some(after)) = (source.get(..span.start()), source.get(span.end()..)) else {
        return Span::default();
    };
    let start = before.rfind('\n').map_or(0, |i| i + 1);
    let end = after
        .find('\n')
        .map_or(source.len(), |i| span.end() + i + 1);
    let blank = |t: &str| t.chars().all(|c| c == ' ' || c == '\t' || c == '\r');
    let rest = source
        .get(span.end()..end)
        .map_or("x", |r| r.strip_suffix('\n').unwrap_or(r));
    if blank(before.get(start..).unwrap_or("x")) && blank(rest) && !span.is_empty() {
        Span::new(start, end)
    } else {
        Span::default()
    }
}

/// An open `vaultlint-disable` range: the rule (or every rule), the directive, and where it
/// starts covering.
type Open = (Option<(String, Span)>, Span, usize);

/// The open `vaultlint-disable` ranges, the bare ones apart and the others by rule id: a
/// `vaultlint-enable RULE` finds its own without looking at the others, so that a note of
/// thousands of ranges stays linear.
#[derive(Default)]
struct OpenRanges {
    bare: Vec<Open>,
    named: BTreeMap<String, Vec<Open>>,
}

impl OpenRanges {
    /// Ends and returns the ranges a `vaultlint-enable` ends: those of `rule`, or every one
    /// when it is bare.
    fn end(&mut self, rule: Option<&str>) -> Vec<Open> {
        match rule {
            Some(id) => self.named.remove(id).unwrap_or_default(),
            None => {
                let mut ended = std::mem::take(&mut self.bare);
                ended.extend(std::mem::take(&mut self.named).into_values().flatten());
                ended
            }
        }
    }
}

/// The directive word.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Word {
    NextLine,
    Line,
    Disable,
    Enable,
    Unknown(String),
}

/// A directive comment before its range is worked out.
struct Raw {
    word: Word,
    span: Span,
    rules: Vec<(String, Span)>,
}

/// Reads a comment whose inner text starts with `vaultlint-`.
fn read(source: &str, span: Span, inner: Span) -> Option<Raw> {
    let text = source.get(inner.range())?;
    let lead = text.len() - text.trim_start().len();
    let text = text.trim_start();
    if !text.starts_with("vaultlint-") {
        return None;
    }
    let word_len = text.find(char::is_whitespace).unwrap_or(text.len());
    let (word, rest) = text.split_at(word_len);
    let word = match word {
        "vaultlint-disable-next-line" => Word::NextLine,
        "vaultlint-disable-line" => Word::Line,
        "vaultlint-disable" => Word::Disable,
        "vaultlint-enable" => Word::Enable,
        other => Word::Unknown(other.to_string()),
    };
    let base = inner.start() + lead + word_len;
    let mut rules = Vec::new();
    let mut at = 0;
    for part in rest.split([',', ' ', '\t', '\n', '\r']) {
        // A free reason after `--` is not a rule list.
        if part.starts_with("--") {
            break;
        }
        if !part.is_empty() {
            rules.push((
                part.to_string(),
                Span::new(base + at, base + at + part.len()),
            ));
        }
        at += part.len() + 1;
    }
    Some(Raw { word, span, rules })
}

fn push_each(
    out: &mut Directives,
    form: Form,
    span: Span,
    covers: Span,
    rules: Vec<(String, Span)>,
) {
    if rules.is_empty() {
        out.suppressions.push(Suppression {
            form,
            rule: None,
            span,
            covers,
            line: Span::default(),
        });
    }
    for rule in rules {
        out.suppressions.push(Suppression {
            form,
            rule: Some(rule),
            span,
            covers,
            line: Span::default(),
        });
    }
}

/// Front matter `vaultlint: {disable: [RULE, ...]}` (a single string works too).
fn file_level(source: &str, fm: &Frontmatter, out: &mut Directives) {
    let Some(value) = fm.get("vaultlint") else {
        return;
    };
    let span = fm.entry("vaultlint").map_or(fm.span, |e| {
        Span::new(e.key_span.start(), e.value_span.end().max(e.key_span.end()))
    });
    let ids: Option<Vec<String>> = match value {
        Value::Mapping(map) if map.len() == 1 => match map.get("disable") {
            Some(Value::Sequence(items)) => items.iter().map(scalar_string).collect(),
            Some(v @ Value::String(_)) => scalar_string(v).map(|s| vec![s]),
            _ => None,
        },
        _ => None,
    };
    let Some(ids) = ids else {
        out.problems.push(DirectiveProblem {
            span,
            kind: ProblemKind::BadFrontmatter,
        });
        return;
    };
    for id in ids {
        let id = id.trim().to_string();
        let rule_span = locate(source, span, &id).unwrap_or(span);
        out.suppressions.push(Suppression {
            form: Form::File,
            rule: Some((id, rule_span)),
            span,
            covers: Span::new(0, to_end(source)),
            line: Span::default(),
        });
    }
}

/// The span of `word` inside `within`, if written there verbatim.
fn locate(source: &str, within: Span, word: &str) -> Option<Span> {
    if word.is_empty() {
        return None;
    }
    let at = source.get(within.range())?.find(word)?;
    Some(Span::new(
        within.start() + at,
        within.start() + at + word.len(),
    ))
}

/// The `(comment, inner)` spans of an HTML comment block: between `<!--` and `-->`.
fn comment_inner(source: &str, span: Span) -> Option<(Span, Span)> {
    let text = source.get(span.range())?;
    let open = text.find("<!--")?;
    let start = span.start() + open + 4;
    let rest = source.get(start..span.end())?;
    let end = rest.find("-->").map_or(span.end(), |i| start + i);
    let close = rest.find("-->").map_or(span.end(), |i| start + i + 3);
    Some((Span::new(span.start() + open, close), Span::new(start, end)))
}

/// The line holding `offset`, line ending included.
fn line_of(source: &str, lines: &LineIndex, offset: usize) -> Span {
    let line = lines.line(offset);
    let start = lines.line_start(line).unwrap_or(0);
    let end = lines.line_start(line + 1).unwrap_or(source.len());
    Span::new(start, end)
}

/// Works out what `vaultlint-disable-next-line` directives cover, remembering the last run
/// of filler lines scanned: stacked directives all reach the same line, which is then found
/// once rather than once per directive.
#[derive(Default)]
struct NextLine {
    /// `(first, found)`: every line from `first` up to `found` (excluded) is filler, and
    /// `found` is not (`None`: filler to the end of the note).
    scanned: Option<(usize, Option<usize>)>,
}

impl NextLine {
    /// From the line after the one `span` ends on, through the first line that holds
    /// something besides blanks and directive comments (so that stacked directives all reach
    /// it, and a directive between them can itself be covered); to the end of the note when
    /// there is none.
    fn covers(&mut self, source: &str, lines: &LineIndex, span: Span, directives: &[Span]) -> Span {
        let line = lines.line(span.end().saturating_sub(1).max(span.start())) + 1;
        let Some(first) = lines.line_start(line) else {
            return Span::new(source.len(), source.len());
        };
        let found = match self.scanned {
            Some((from, found)) if from <= line && found.is_none_or(|f| line <= f) => found,
            _ => {
                let found = first_content_line(source, lines, line, directives);
                self.scanned = Some((line, found));
                found
            }
        };
        let end = found.map_or(source.len(), |f| {
            lines.line_start(f + 1).unwrap_or(source.len())
        });
        Span::new(first, end)
    }
}

/// The first line from `line` on that holds something besides blanks and directive comments.
fn first_content_line(
    source: &str,
    lines: &LineIndex,
    mut line: usize,
    directives: &[Span],
) -> Option<usize> {
    // `directives` are in order and do not overlap: the one that can hold a byte is the last
    // one starting at or before it.
    let in_directive = |at: usize| {
        let before = directives.partition_point(|d| d.start() <= at);
        before
            .checked_sub(1)
            .and_then(|i| directives.get(i))
            .is_some_and(|d| at < d.end())
    };
    while let Some(start) = lines.line_start(line) {
        let end = lines.line_start(line + 1).unwrap_or(source.len());
        let text = source.get(start..end).unwrap_or("");
        let is_filler = text
            .char_indices()
            .all(|(i, c)| c.is_whitespace() || in_directive(start + i));
        if !is_filler {
            return Some(line);
        }
        line += 1;
    }
    None
}

#[cfg(test)]
mod tests {
    use crate::model::{DateOptions, Note};

    use super::*;

    fn parse(text: &str) -> Directives {
        Note::parse_all_but_figures("n.md", text, &DateOptions::default())
            .0
            .directives
    }

    /// Each suppression as (rule or `*`, covered text).
    fn covered(text: &str) -> Vec<(String, String)> {
        parse(text)
            .suppressions
            .iter()
            .map(|s| {
                let rule = s
                    .rule
                    .as_ref()
                    .map_or("*".to_string(), |(id, _)| id.clone());
                let end = s.covers.end().min(text.len());
                let start = s.covers.start().min(end);
                (rule, text[start..end].to_string())
            })
            .collect()
    }

    fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect()
    }

    #[test]
    fn forms_and_what_they_cover() {
        let cases: &[(&str, &[(&str, &str)])] = &[
            (
                "%% vaultlint-disable-next-line broken-link %%\n[[X]]\nnext\n",
                &[("broken-link", "[[X]]\n")],
            ),
            (
                "%% vaultlint-disable-next-line broken-link, stale-date %%\n\n  \n[[X]]\n",
                &[
                    ("broken-link", "\n  \n[[X]]\n"),
                    ("stale-date", "\n  \n[[X]]\n"),
                ],
            ),
            (
                "<!-- vaultlint-disable-next-line broken-link -->\n[[X]]\n",
                &[("broken-link", "[[X]]\n")],
            ),
            (
                "%% vaultlint-disable-next-line %%\n[[X]]\n",
                &[("*", "[[X]]\n")],
            ),
            (
                "%% vaultlint-disable-next-line a %%\n%% vaultlint-disable-next-line b %%\n[[X]]\n",
                &[
                    ("a", "%% vaultlint-disable-next-line b %%\n[[X]]\n"),
                    ("b", "[[X]]\n"),
                ],
            ),
            ("%% vaultlint-disable-next-line a %%\n\n", &[("a", "\n")]),
            ("%% vaultlint-disable-next-line a %%", &[("a", "")]),
            (
                "see [[X]] %% vaultlint-disable-line a %%\nnext\n",
                &[("a", "see [[X]] %% vaultlint-disable-line a %%\n")],
            ),
            (
                "a\n%% vaultlint-disable a %%\nb\n%% vaultlint-enable a %%\nc\n",
                &[("a", "\nb\n")],
            ),
            ("a\n%% vaultlint-disable %%\nb\n", &[("*", "\nb\n")]),
            (
                "%% vaultlint-disable a, b %%x%% vaultlint-enable a %%y",
                &[("a", "x"), ("b", "x%% vaultlint-enable a %%y")],
            ),
            (
                "<!-- vaultlint-disable a -->\nb\n<!-- vaultlint-enable -->\nc",
                &[("a", "\nb\n")],
            ),
            (
                "%% vaultlint-disable-next-line broken-link -- written later %%\n[[X]]\n",
                &[("broken-link", "[[X]]\n")],
            ),
            (
                "---\nvaultlint: {disable: [stale-date, a]}\n---\nx",
                &[
                    (
                        "stale-date",
                        "---\nvaultlint: {disable: [stale-date, a]}\n---\nx",
                    ),
                    ("a", "---\nvaultlint: {disable: [stale-date, a]}\n---\nx"),
                ],
            ),
            (
                "---\nvaultlint:\n  disable: a\n---\nx",
                &[("a", "---\nvaultlint:\n  disable: a\n---\nx")],
            ),
            // Issue 26: ranges are ended by rule, whatever else is open around them.
            (
                "%% vaultlint-disable a %%x%% vaultlint-disable b %%y%% vaultlint-disable %%z%% vaultlint-enable b %%w%% vaultlint-enable %%v",
                &[
                    (
                        "a",
                        "x%% vaultlint-disable b %%y%% vaultlint-disable %%z%% vaultlint-enable b %%w",
                    ),
                    ("b", "y%% vaultlint-disable %%z"),
                    ("*", "z%% vaultlint-enable b %%w"),
                ],
            ),
            (
                "%% vaultlint-disable a %%x%% vaultlint-disable a %%y%% vaultlint-enable a %%z",
                &[("a", "x%% vaultlint-disable a %%y"), ("a", "y")],
            ),
            // Issue 26: stacked directives share the line they reach; one after it reaches
            // the next.
            (
                "%% vaultlint-disable-next-line a %%\n%% vaultlint-disable-next-line b %%\n\n[[X]]\n%% vaultlint-disable-next-line c %%\n[[Y]]\n",
                &[
                    ("a", "%% vaultlint-disable-next-line b %%\n\n[[X]]\n"),
                    ("b", "\n[[X]]\n"),
                    ("c", "[[Y]]\n"),
                ],
            ),
            (
                "x\n%% vaultlint-disable-next-line a %%\n%% vaultlint-disable-next-line b %%\n",
                &[("a", "%% vaultlint-disable-next-line b %%\n"), ("b", "")],
            ),
            // Not directives: ordinary comments, code, words that only look alike.
            ("%% a note to self %%\n`%% vaultlint-disable a %%`\n", &[]),
            ("```\n%% vaultlint-disable a %%\n```\n", &[]),
        ];
        for (text, want) in cases {
            assert_eq!(covered(text), pairs(want), "{text:?}");
        }
    }

    #[test]
    fn rule_spans_point_at_the_ids() {
        let text = "%% vaultlint-disable-next-line broken-link,  stale-date %%\nx\n";
        let d = parse(text);
        let ids: Vec<&str> = d
            .suppressions
            .iter()
            .map(|s| &text[s.report_span().range()])
            .collect();
        assert_eq!(ids, ["broken-link", "stale-date"]);
        let text = "---\nvaultlint: {disable: [stale-date]}\n---\n";
        let d = parse(text);
        assert_eq!(&text[d.suppressions[0].report_span().range()], "stale-date");
    }

    #[test]
    fn problems() {
        let cases: &[(&str, ProblemKind)] = &[
            (
                "%% vaultlint-disabel a %%\n",
                ProblemKind::UnknownDirective("vaultlint-disabel".into()),
            ),
            (
                "%% vaultlint-enable a %%\n",
                ProblemKind::StrayEnable(Some("a".into())),
            ),
            (
                "<!-- vaultlint-enable -->\n",
                ProblemKind::StrayEnable(None),
            ),
            (
                "%% vaultlint-disable %%\n%% vaultlint-enable a %%\n",
                ProblemKind::StrayEnable(Some("a".into())),
            ),
            ("---\nvaultlint: off\n---\n", ProblemKind::BadFrontmatter),
            (
                "---\nvaultlint: {enable: [a]}\n---\n",
                ProblemKind::BadFrontmatter,
            ),
        ];
        for (text, want) in cases {
            let d = parse(text);
            let kinds: Vec<&ProblemKind> = d.problems.iter().map(|p| &p.kind).collect();
            assert_eq!(kinds, [want], "{text:?}");
        }
    }

    proptest::proptest! {
        #[test]
        fn directives_never_panic_and_stay_in_bounds(
            text in "(%% vaultlint-(disable|enable|disable-next-line|disable-line|x)( [a-zé-]{0,6}){0,2} %%|<!-- vaultlint-disable a -->|---\nvaultlint: \\{disable: \\[a\\]\\}\n---\n|[a-zé \\[\\]`]{0,5}|\r?\n){0,12}"
        ) {
            let d = parse(&text);
            for s in &d.suppressions {
                proptest::prop_assert!(s.covers.end() <= text.len() + 1);
                proptest::prop_assert!(s.span.end() <= text.len());
                let r = s.report_span();
                proptest::prop_assert!(text.get(r.range()).is_some());
            }
            for p in &d.problems {
                proptest::prop_assert!(text.get(p.span.range()).is_some());
            }
        }
    }

    proptest::proptest! {
        /// Issue 26: a next-line directive covers what a scan from its own line finds, though
        /// stacked ones share one scan.
        #[test]
        fn next_line_covers_what_its_own_scan_finds(
            text in "(%% vaultlint-disable-next-line a %%|%% vaultlint-disable-line b %%|[ x]{0,2}|\r?\n){0,16}"
        ) {
            let lines = LineIndex::new(&text);
            let spans: Vec<Span> = parse(&text)
                .suppressions
                .iter()
                .filter(|s| s.form == Form::NextLine || s.form == Form::Line)
                .map(|s| s.span)
                .collect();
            for s in parse(&text).suppressions.iter().filter(|s| s.form == Form::NextLine) {
                let line = lines.line(s.span.end().saturating_sub(1)) + 1;
                let want = match lines.line_start(line) {
                    None => Span::new(text.len(), text.len()),
                    Some(first) => {
                        let found = first_content_line(&text, &lines, line, &spans);
                        let end = found.map_or(text.len(), |f| {
                            lines.line_start(f + 1).unwrap_or(text.len())
                        });
                        Span::new(first, end)
                    }
                };
                proptest::prop_assert_eq!(s.covers, want);
            }
        }
    }

    #[test]
    fn crlf_lines() {
        let text = "%% vaultlint-disable-next-line a %%\r\n\r\n[[X]]\r\nb";
        assert_eq!(covered(text), pairs(&[("a", "\r\n[[X]]\r\n")]));
    }
}
