//! Front matter: finding the YAML block at the top of a note and parsing it.
//!
//! This is the only module that parses note YAML. It owns the split (a `---` line at byte 0 up
//! to the next `---` or `...` line, as Obsidian does), the parse through `serde_yaml`, and the
//! few properties the rest of vaultlint reads from it: aliases, tags, links held in property
//! values. It does not interpret dates or schema fields: rules read those from [`Frontmatter::value`].

use std::sync::LazyLock;

use regex::Regex;
use serde_yaml::Value;

use super::line_index::LineIndex;
use super::span::Span;

/// The parsed front matter of one note.
#[derive(Debug, Clone)]
pub struct Frontmatter {
    /// The whole block, fences included.
    pub span: Span,
    /// The YAML text between the fences.
    pub body: Span,
    /// The parsed mapping; `None` when the YAML did not parse or is not a mapping.
    pub value: Option<serde_yaml::Mapping>,
    /// Why it did not parse, if it did not.
    pub error: Option<FrontmatterError>,
    /// Where each top-level key and its value are written, in file order.
    pub entries: Vec<Entry>,
}

/// A top-level `key: value` of the front matter, located in the note.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub key: String,
    /// The key as written (quotes included).
    pub key_span: Span,
    /// The value: the rest of the key's line, or the indented lines below it (a block list);
    /// empty, just after the colon, when there is no value.
    pub value_span: Span,
}

/// A YAML problem, located in the note (not in the block).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FrontmatterError {
    pub kind: FrontmatterErrorKind,
    pub message: String,
    pub span: Span,
}

/// What kind of front matter problem it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FrontmatterErrorKind {
    /// The YAML does not parse; the message is the parser's.
    Syntax,
    /// It parses, but to a list or a scalar instead of `key: value` properties.
    NotAMap,
    /// The opening `---` has no closing one.
    Unclosed,
}

/// A `[[wikilink]]` written as a whole property value (`related: "[[Google]]"`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PropertyLink {
    pub key: String,
    /// The text between the brackets.
    pub inner: String,
    /// The span of `[[...]]` in the note.
    pub span: Span,
}

/// Splits the front matter block off `text`. `base` is the offset of `text` in the file
/// (3 after a BOM). Returns the block's span and the YAML body's span, both absolute.
pub fn split(text: &str, base: usize) -> Option<(Span, Span)> {
    let first_end = text.find('\n')?;
    let first = text.get(..first_end)?.trim_end_matches('\r');
    if first.trim_end() != "---" {
        return None;
    }
    let body_start = first_end + 1;
    let mut pos = body_start;
    while pos <= text.len() {
        let rest = text.get(pos..)?;
        let (line, next) = match rest.find('\n') {
            Some(i) => (rest.get(..i)?, pos + i + 1),
            None => (rest, text.len() + 1),
        };
        let line = line.trim_end_matches('\r').trim_end();
        if line == "---" || line == "..." {
            let block_end = next.min(text.len());
            return Some((
                Span::new(base, base + block_end),
                Span::new(base + body_start, base + pos),
            ));
        }
        pos = next;
    }
    None
}

/// A `---` first line followed by a `key:` line but no closing fence: Obsidian shows it as
/// text, and the note silently loses its properties. Reported as an error with an empty block
/// span, so the body still starts at the top. A note that merely opens with a `---` rule
/// followed by prose is left alone.
pub fn unclosed(text: &str, base: usize) -> Option<Frontmatter> {
    let mut lines = text.lines();
    if lines.next()?.trim_end() != "---" {
        return None;
    }
    let second = lines.next()?;
    let (key, _) = second.split_once(':')?;
    let looks_like_key = !key.is_empty()
        && key.len() <= 40
        && key
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '_' | '-' | ' '));
    if !looks_like_key {
        return None;
    }
    Some(Frontmatter {
        span: Span::new(base, base),
        body: Span::new(base, base),
        value: None,
        entries: Vec::new(),
        error: Some(FrontmatterError {
            kind: FrontmatterErrorKind::Unclosed,
            message: "Front matter is not closed: no `---` line ends it".to_string(),
            span: Span::new(base, base + 3),
        }),
    })
}

/// Deepest `[`/`{` nesting YAML is given to the parser with. The YAML scanner's time grows
/// with the square of the flow nesting depth (40,000 levels took 20 seconds; 200 notes of
/// 1,000 levels 0.8 s), and the parser refuses anything past 128 levels anyway; real front
/// matter nests two or three.
pub const MAX_FLOW_NESTING: usize = 128;

/// The offset of the first `[` or `{` that opens more than `limit` levels of flow nesting.
/// Counts brackets inside quoted strings too: harmless at a limit no real text reaches.
pub fn nesting_beyond(yaml: &str, limit: usize) -> Option<usize> {
    let mut depth = 0usize;
    for (i, b) in yaml.bytes().enumerate() {
        match b {
            b'[' | b'{' => {
                depth += 1;
                if depth > limit {
                    return Some(i);
                }
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    None
}

/// Parses the YAML of a block found by [`split`]. `source` is the whole file.
pub fn parse(source: &str, span: Span, body: Span) -> Frontmatter {
    let yaml = source.get(body.range()).unwrap_or("");
    if let Some(at) = nesting_beyond(yaml, MAX_FLOW_NESTING) {
        let start = body.start() + at;
        return Frontmatter {
            span,
            body,
            value: None,
            entries: Vec::new(),
            error: Some(FrontmatterError {
                kind: FrontmatterErrorKind::Syntax,
                message: format!(
                    "Front matter nests `[` or `{{` more than {MAX_FLOW_NESTING} levels deep"
                ),
                span: Span::new(start, start + 1),
            }),
        };
    }
    let parsed = match simple_mapping(yaml) {
        Some(map) => Ok(Value::Mapping(map)),
        None => serde_yaml::from_str::<Value>(yaml),
    };
    let (value, error) = match parsed {
        Ok(Value::Mapping(map)) => (Some(map), None),
        Ok(Value::Null) => (Some(serde_yaml::Mapping::new()), None),
        Ok(other) => (
            None,
            Some(FrontmatterError {
                kind: FrontmatterErrorKind::NotAMap,
                message: format!(
                    "Front matter is a {}, not a map of properties (`key: value` lines)",
                    kind_name(&other)
                ),
                span: body,
            }),
        ),
        Err(err) => (None, Some(locate_error(source, body, yaml, &err))),
    };
    Frontmatter {
        span,
        body,
        value,
        error,
        entries: entries(yaml, body.start()),
    }
}

/// The mapping of front matter written only in the plainest forms, which most notes use:
/// `key: word`, `key: [word, word]` and `key:` over `- word` lines, every key and word a plain
/// string to YAML (a word starts with a letter, or is a `2026-01-01` date, and is not `null`,
/// `true` and the like). The same mapping the YAML parser builds, without the parser; `None`
/// for anything else, which the parser reads.
fn simple_mapping(yaml: &str) -> Option<serde_yaml::Mapping> {
    if !yaml.bytes().all(|b| {
        b == b'\n' || is_simple_byte(b) || b == b',' || b == b'[' || b == b']' || b == b':'
    }) {
        return None;
    }
    let mut map = serde_yaml::Mapping::new();
    let mut lines = yaml.lines().peekable();
    while let Some(line) = lines.next() {
        let (key, rest) = line.split_once(':')?;
        let key = simple_word(key)?;
        let value = if rest.is_empty() {
            // A block list: `- word` lines, all indented alike.
            let mut items = Vec::new();
            let mut indent = None;
            while let Some(item) = lines.peek().and_then(|l| {
                let depth = l.len() - l.trim_start_matches(' ').len();
                let word = l.get(depth..)?.strip_prefix("- ")?;
                (indent.is_none() || indent == Some(depth)).then_some((depth, word))
            }) {
                indent = Some(item.0);
                items.push(Value::String(simple_word(item.1)?.to_owned()));
                lines.next();
            }
            if items.is_empty() {
                return None;
            }
            Value::Sequence(items)
        } else {
            let rest = rest.strip_prefix(' ')?;
            match rest.strip_prefix('[') {
                Some(flow) => {
                    let flow = flow.strip_suffix(']')?;
                    let items = if flow.is_empty() {
                        Vec::new()
                    } else {
                        flow.split(',')
                            .map(|w| {
                                simple_word(w.trim_matches(' '))
                                    .map(|w| Value::String(w.to_owned()))
                            })
                            .collect::<Option<Vec<_>>>()?
                    };
                    Value::Sequence(items)
                }
                None => Value::String(simple_word(rest)?.to_owned()),
            }
        };
        // A repeated key is an error for the parser to report.
        if map.insert(Value::String(key.to_owned()), value).is_some() {
            return None;
        }
    }
    (!map.is_empty()).then_some(map)
}

/// Bytes of a plain word: letters, digits, a space, `_`, `-`, `.`, `/`.
fn is_simple_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b' ' | b'_' | b'-' | b'.' | b'/')
}

/// `w` when YAML reads it as this very string: simple bytes, single inner spaces, and a
/// letter first (so never a number) or a `2026-01-01` date; not `null`, `true`, `no`, `~` ….
fn simple_word(w: &str) -> Option<&str> {
    let bytes = w.as_bytes();
    let first = *bytes.first()?;
    let date = bytes.len() == 10
        && bytes.iter().enumerate().all(|(i, b)| match i {
            4 | 7 => *b == b'-',
            _ => b.is_ascii_digit(),
        });
    let plain = first.is_ascii_alphabetic()
        && bytes.iter().all(|&b| is_simple_byte(b))
        && !w.ends_with(' ')
        && !w.contains("  ")
        && !w.contains(" -")
        && !w.contains("- ");
    const RESERVED: [&str; 9] = ["null", "true", "false", "yes", "no", "on", "off", "y", "n"];
    ((date || plain) && !RESERVED.iter().any(|r| w.eq_ignore_ascii_case(r))).then_some(w)
}

/// Top-level keys and their values in the YAML text, which starts at `offset` in the note.
/// A line scan, not a parse: it only locates what serde_yaml read, so findings about a key
/// can point at its line.
pub fn entries(yaml: &str, offset: usize) -> Vec<Entry> {
    let mut out: Vec<Entry> = Vec::new();
    let mut pos = 0;
    for raw in yaml.split_inclusive('\n') {
        let here = pos;
        pos += raw.len();
        let line = raw.trim_end_matches(['\n', '\r']);
        if line.trim().is_empty() || line.trim_start().starts_with('#') {
            continue;
        }
        let top_level = !line.starts_with([' ', '\t', '-']);
        if let Some(key_end) = key_end(line).filter(|_| top_level) {
            let key_text = line.get(..key_end).unwrap_or("");
            let key = key_text.trim().trim_matches(['"', '\'']).to_string();
            let after = line.get(key_end + 1..).unwrap_or("");
            let value = after.trim();
            let value_start = here + key_end + 1 + (after.len() - after.trim_start().len());
            let value_span = if value.is_empty() {
                Span::new(offset + here + key_end + 1, offset + here + key_end + 1)
            } else {
                Span::new(offset + value_start, offset + value_start + value.len())
            };
            out.push(Entry {
                key,
                key_span: Span::new(offset + here, offset + here + key_text.trim_end().len()),
                value_span,
            });
        } else if let Some(last) = out.last_mut() {
            // A continuation line (block list item, folded text) extends the last value.
            let lead = line.len() - line.trim_start().len();
            let start = offset + here + lead;
            let end = offset + here + line.trim_end().len();
            let from = if last.value_span.is_empty() {
                start
            } else {
                last.value_span.start()
            };
            last.value_span = Span::new(from, end);
        }
    }
    out
}

/// The byte index of the colon ending a `key:` at the start of `line`: followed by a space or
/// the end of the line, outside a quoted key.
fn key_end(line: &str) -> Option<usize> {
    let search_from = match line.chars().next() {
        Some(q @ ('"' | '\'')) => line.get(1..)?.find(q)? + 2,
        _ => 0,
    };
    let mut from = search_from;
    loop {
        let i = from + line.get(from..)?.find(':')?;
        let next = line.get(i + 1..)?.chars().next();
        if next.is_none_or(|c| c == ' ' || c == '\t') {
            return Some(i);
        }
        from = i + 1;
    }
}

impl Frontmatter {
    pub fn get(&self, key: &str) -> Option<&Value> {
        self.value.as_ref()?.get(key)
    }

    /// Where `key` is written, if it is a top-level key.
    pub fn entry(&self, key: &str) -> Option<&Entry> {
        self.entries.iter().find(|e| e.key == key)
    }

    /// The opening `---` line: where findings about the block as a whole point.
    pub fn fence_span(&self) -> Span {
        Span::new(
            self.span.start(),
            (self.span.start() + 3).min(self.span.end()),
        )
    }

    /// Values of a property that may be a list or a single string (`aliases`, `tags`).
    pub fn strings(&self, key: &str) -> Vec<String> {
        match self.get(key) {
            Some(Value::Sequence(items)) => items.iter().filter_map(scalar_string).collect(),
            Some(v) => scalar_string(v).into_iter().collect(),
            None => Vec::new(),
        }
    }

    /// Aliases: `aliases` or `alias`, list or string.
    pub fn aliases(&self) -> Vec<String> {
        let mut out = self.strings("aliases");
        out.extend(self.strings("alias"));
        out.retain(|a| !a.trim().is_empty());
        out
    }

    /// Tags from `tags`/`tag`: list items, or a string split on commas and spaces; `#` dropped.
    pub fn tags(&self) -> Vec<String> {
        let mut raw = self.strings("tags");
        raw.extend(self.strings("tag"));
        raw.iter()
            .flat_map(|t| t.split([',', ' ']))
            .map(|t| t.trim().trim_start_matches('#').to_string())
            .filter(|t| !t.is_empty())
            .collect()
    }

    /// Property values that are exactly one wikilink, located in the source.
    pub fn links(&self, source: &str) -> Vec<PropertyLink> {
        let Some(map) = &self.value else {
            return Vec::new();
        };
        let yaml = source.get(self.body.range()).unwrap_or("");
        let mut out = Vec::new();
        let mut search_from = 0;
        for (key, value) in map {
            let Some(key) = scalar_string(key) else {
                continue;
            };
            let items: Vec<&Value> = match value {
                Value::Sequence(items) => items.iter().collect(),
                v => vec![v],
            };
            for item in items {
                let Value::String(s) = item else { continue };
                let Some(caps) = WHOLE_WIKILINK.captures(s.trim()) else {
                    continue;
                };
                let Some(inner) = caps.get(1) else { continue };
                let needle = format!("[[{}]]", inner.as_str());
                // Locate the value in the YAML text; keys are visited in file order, so searching
                // on from the previous hit finds repeated values at their own place.
                let found = yaml
                    .get(search_from..)
                    .and_then(|rest| rest.find(&needle))
                    .map(|i| i + search_from)
                    .or_else(|| yaml.find(&needle));
                let Some(at) = found else { continue };
                search_from = at + needle.len();
                let start = self.body.start() + at;
                out.push(PropertyLink {
                    key: key.clone(),
                    inner: inner.as_str().to_string(),
                    span: Span::new(start, start + needle.len()),
                });
            }
        }
        out
    }
}

/// A scalar as text (strings, numbers, booleans); `None` for maps, lists and null.
pub fn scalar_string(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        Value::Tagged(t) => scalar_string(&t.value),
        _ => None,
    }
}

/// True for a value that says nothing: null, blank text, and lists or maps with nothing (or
/// only such values) in them. `0` and `false` are values.
pub fn is_blank(value: &Value) -> bool {
    match value {
        Value::Null => true,
        Value::String(s) => s.trim().is_empty(),
        Value::Sequence(items) => items.iter().all(is_blank),
        Value::Mapping(map) => map.is_empty(),
        Value::Tagged(t) => is_blank(&t.value),
        Value::Bool(_) | Value::Number(_) => false,
    }
}

fn kind_name(v: &Value) -> &'static str {
    match v {
        Value::Sequence(_) => "list",
        Value::String(_) => "single text value",
        Value::Number(_) => "number",
        Value::Bool(_) => "boolean",
        _ => "value of another kind",
    }
}

static WHOLE_WIKILINK: LazyLock<Regex> = LazyLock::new(|| {
    #[allow(clippy::expect_used)]
    Regex::new(r"^\[\[([^\[\]\n]+)\]\]$").expect("static regex is valid")
});

static YAML_POSITION: LazyLock<Regex> = LazyLock::new(|| {
    #[allow(clippy::expect_used)]
    Regex::new(r"at line (\d+) column (\d+)").expect("static regex is valid")
});

/// Turns a YAML error into a message and a one-character span in the note. The parser counts
/// lines from the start of the block; the message is rewritten to count from the note's first
/// line so that it agrees with the reported position.
fn locate_error(source: &str, body: Span, yaml: &str, err: &serde_yaml::Error) -> FrontmatterError {
    let note_index = LineIndex::new(source);
    let line_offset = note_index.line_col(source, body.start()).line - 1;
    let yaml_index = LineIndex::new(yaml);
    let offset = err
        .location()
        .and_then(|loc| {
            let start = yaml_index.line_start(loc.line())?;
            let line = yaml.get(start..)?;
            let col = line
                .char_indices()
                .nth(loc.column().saturating_sub(1))
                .map(|(i, _)| i)
                .unwrap_or(line.len());
            Some(start + col)
        })
        .unwrap_or(0)
        .min(yaml.len());
    let raw = err.to_string();
    let message = YAML_POSITION
        .replace_all(&raw, |caps: &regex::Captures<'_>| {
            let line = caps
                .get(1)
                .and_then(|m| m.as_str().parse::<usize>().ok())
                .unwrap_or(0);
            let col = caps.get(2).map_or("", |m| m.as_str());
            format!("at line {} column {col}", line + line_offset)
        })
        .into_owned();
    let start = body.start() + offset;
    let end = next_char_end(source, start).min(body.end().max(start));
    FrontmatterError {
        kind: FrontmatterErrorKind::Syntax,
        message: format!("Front matter is not valid YAML: {message}"),
        span: Span::new(start, end),
    }
}

fn next_char_end(source: &str, start: usize) -> usize {
    source
        .get(start..)
        .and_then(|rest| rest.chars().next())
        .filter(|c| *c != '\n' && *c != '\r')
        .map_or(start, |c| start + c.len_utf8())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fm(text: &str) -> Option<Frontmatter> {
        let (span, body) = split(text, 0)?;
        Some(parse(text, span, body))
    }

    /// The plain-form shortcut must build the parser's very mapping, or leave the text to it.
    fn shortcut_agrees(yaml: &str) -> Result<bool, String> {
        let Some(fast) = simple_mapping(yaml) else {
            return Ok(false);
        };
        match serde_yaml::from_str::<Value>(yaml) {
            Ok(Value::Mapping(map)) if map == fast => Ok(true),
            other => Err(format!("{yaml:?}: shortcut {fast:?}, parser {other:?}")),
        }
    }

    #[test]
    fn plain_front_matter_skips_the_parser_and_reads_the_same() {
        let read = [
            "aliases: [OE]\ntags: [actor, public]\n",
            "tags:\n  - a\n  - b c\nupdated: 2026-01-01\n",
            "tags:\n- a\n- b\ntype: company\n",
            "empty: []\nname: Hugging Face\nurl.path: a/b.c\n",
            "A: a\n",
        ];
        for yaml in read {
            assert_eq!(shortcut_agrees(yaml), Ok(true), "{yaml:?}");
        }
        let left = [
            "a: 12\n",
            "a: null\n",
            "a: True\n",
            "a: no\n",
            "a: ~\n",
            "a:\n",
            "a: b\na: c\n",
            "a: 'q'\n",
            "a: b # c\n",
            "a: [b, [c]]\n",
            "a: [b,]\n",
            "a: b: c\n",
            " a: b\n",
            "a: x - y\n",
            "\n",
            "a:\n  - b\n    - c\n",
            "a: .inf\n",
            "a: 2026-01-1\n",
        ];
        for yaml in left {
            assert_eq!(shortcut_agrees(yaml), Ok(false), "{yaml:?}");
        }
    }

    /// A word as front matter writes them: plain, or one YAML reads as something else.
    fn word() -> impl proptest::strategy::Strategy<Value = String> {
        use proptest::prelude::*;
        prop_oneof![
            "[a-zA-Z][a-zA-Z0-9._/-]{0,6}( [a-zA-Z0-9._/-]{1,5})?",
            proptest::sample::select(vec![
                "inf",
                "nan",
                "NaN",
                ".inf",
                "Infinity",
                "e5",
                "y",
                "Y",
                "yes",
                "No",
                "ON",
                "off",
                "null",
                "Null",
                "~",
                "TRUE",
                "false",
                "0x1F",
                "1e3",
                "12",
                "2026-01-01",
                "2026-1-01",
                "a - b",
                "a-",
                "-a",
                "a  b",
                " a",
                "a ",
                "",
                "a:b",
                "a,b",
                "[a]",
            ])
            .prop_map(str::to_owned),
        ]
    }

    fn entry() -> impl proptest::strategy::Strategy<Value = String> {
        use proptest::prelude::*;
        let words = proptest::collection::vec(word(), 0..4);
        (word(), 0..4usize, words, 0..3usize).prop_map(|(key, form, words, indent)| {
            let pad = " ".repeat(indent);
            match form {
                0 => format!("{key}: {}\n", words.first().map_or("", String::as_str)),
                1 => format!("{key}: [{}]\n", words.join(", ")),
                2 => format!("{key}: [{}]\n", words.join(",")),
                _ => {
                    let items: String = words.iter().map(|w| format!("{pad}- {w}\n")).collect();
                    format!("{key}:\n{items}")
                }
            }
        })
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(3000))]
        #[test]
        fn plain_front_matter_shortcut_agrees_on_any_entries(
            entries in proptest::collection::vec(entry(), 1..5)
        ) {
            let yaml: String = entries.concat();
            if let Err(e) = shortcut_agrees(&yaml) {
                proptest::prop_assert!(false, "{}", e);
            }
        }
    }

    #[test]
    #[allow(clippy::type_complexity)]
    fn split_table() {
        let cases: &[(&str, Option<(usize, usize, usize)>)] = &[
            ("---\na: 1\n---\nbody", Some((13, 4, 9))),
            ("---\r\na: 1\r\n---\r\nbody", Some((16, 5, 11))),
            ("---\na: 1\n...\n", Some((13, 4, 9))),
            ("---\n---\n", Some((8, 4, 4))),
            ("---\na: 1\n---", Some((12, 4, 9))),
            ("---\na: 1\n", None),
            ("text\n---\na: 1\n---\n", None),
            (" ---\na: 1\n---\n", None),
            ("", None),
        ];
        for &(text, want) in cases {
            let got = split(text, 0).map(|(s, b)| (s.end(), b.start(), b.end()));
            assert_eq!(got, want, "{text:?}");
        }
    }

    #[test]
    fn aliases_and_tags() {
        let f = fm("---\naliases: [HF, Hugging]\ntags: actor, ai/llm\n---\n").unwrap();
        assert_eq!(f.aliases(), ["HF", "Hugging"]);
        assert_eq!(f.tags(), ["actor", "ai/llm"]);
        let f = fm("---\nalias: One\ntags:\n  - '#x'\n  - y\n---\n").unwrap();
        assert_eq!(f.aliases(), ["One"]);
        assert_eq!(f.tags(), ["x", "y"]);
    }

    #[test]
    fn entries_table() {
        let yaml = "aliases: [A, B]\ntags:\n  - x\n  - y\n\"odd: key\": 1\nempty:\nurl: https://ex.org/a:b\n# note\nlast:   v  \r\n";
        let got: Vec<(String, &str, &str)> = entries(yaml, 0)
            .into_iter()
            .map(|e| {
                (
                    e.key,
                    &yaml[e.key_span.range()],
                    &yaml[e.value_span.range()],
                )
            })
            .collect();
        assert_eq!(
            got,
            [
                ("aliases".into(), "aliases", "[A, B]"),
                ("tags".into(), "tags", "- x\n  - y"),
                ("odd: key".into(), "\"odd: key\"", "1"),
                ("empty".into(), "empty", ""),
                ("url".into(), "url", "https://ex.org/a:b"),
                ("last".into(), "last", "v"),
            ]
        );
        let f = fm("---\nfounded: 2016\n---\n").unwrap();
        let e = f.entry("founded").unwrap();
        assert_eq!(e.value_span, Span::new(13, 17));
        assert_eq!(f.fence_span(), Span::new(0, 3));
    }

    #[test]
    fn blank_values_table() {
        let cases = [
            ("~", true),
            ("''", true),
            ("'  '", true),
            ("[]", true),
            ("['']", true),
            ("{}", true),
            ("0", false),
            ("false", false),
            ("[a]", false),
            ("text", false),
        ];
        for (yaml, want) in cases {
            let v: Value = serde_yaml::from_str(yaml).unwrap();
            assert_eq!(is_blank(&v), want, "{yaml}");
        }
    }

    #[test]
    fn empty_front_matter_is_an_empty_map() {
        let f = fm("---\n---\n").unwrap();
        assert!(f.error.is_none());
        assert!(f.value.unwrap().is_empty());
    }

    #[test]
    fn error_is_located_in_the_note() {
        let text = "---\ntitle: ok\naliases: [a, b\n---\nbody\n";
        let f = fm(text).unwrap();
        let err = f.error.unwrap();
        assert!(err.span.start() >= 4 && err.span.end() <= 30, "{err:?}");
        assert!(err.message.contains("line"), "{}", err.message);
    }

    #[test]
    fn non_mapping_is_an_error() {
        let f = fm("---\n- a\n- b\n---\n").unwrap();
        assert!(f.error.unwrap().message.contains("list"));
    }

    #[test]
    fn property_links() {
        let text = "---\nrelated: \"[[Google]]\"\nmore:\n  - \"[[A|x]]\"\n  - plain\n---\n";
        let f = fm(text).unwrap();
        let links = f.links(text);
        assert_eq!(links.len(), 2);
        assert_eq!(links[0].inner, "Google");
        assert_eq!(&text[links[0].span.range()], "[[Google]]");
        assert_eq!(links[1].inner, "A|x");
    }

    #[test]
    fn deep_flow_nesting_is_refused_before_parsing() {
        let deep = "[".repeat(50_000);
        let text = format!("---\na: {deep}\n---\n");
        let started = std::time::Instant::now();
        let f = fm(&text).unwrap();
        assert!(started.elapsed() < std::time::Duration::from_secs(5));
        let e = f.error.unwrap();
        assert!(e.message.contains("more than 128 levels"), "{}", e.message);
        assert_eq!(e.span.start(), 7 + 128);
        assert_eq!(nesting_beyond("a: [1, {b: [2]}]", 2), Some(11));
        assert_eq!(nesting_beyond("a: [1, {b: [2]}]", 3), None);
        assert_eq!(nesting_beyond("]]]][", 1), None);
    }

    #[test]
    fn alias_bomb_is_refused_quickly() {
        let mut y = String::from("---\na: &a [x,x,x,x,x,x,x,x,x]\n");
        for i in 0..12 {
            let prev = if i == 0 {
                "a".to_string()
            } else {
                format!("l{}", i - 1)
            };
            y.push_str(&format!("l{i}: &l{i} [*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev}]\n"));
        }
        y.push_str("---\n");
        let f = fm(&y).unwrap();
        assert!(f.error.is_some());
    }
}
