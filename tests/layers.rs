//! The layers of `src/` hold: a module imports only from its own layer and the layers below it,
//! so no two folders import each other, and the files of one folder form no import cycle.
//!
//! Every `.rs` file under `src/` belongs to the layer of its top-level folder (or is one, as
//! `finding.rs` is). The test reads each file, unit tests included, with comments and string
//! literals blanked out, finds every `crate::…` and `super::…` path (in `use` lines, in
//! `{…}` groups, and written inline in code) and checks where it leads against [`LAYERS`].
//! `main.rs` (the binary, which sees the library as `vaultlint::…`) and `lib.rs` (which only
//! declares the layers) belong to none.
//!
//! Inside one folder, the files other than `mod.rs` must not import each other in a cycle.
//! A folder's `mod.rs` is its front: it declares the folder's files and holds what they share,
//! so it is left out of that check.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// The layers, top first: each imports only from itself and the layers after it.
#[rustfmt::skip]
const LAYERS: &[&str] = &[
    "cli",     // arguments and one file per command; main.rs dispatches to them
    "server",  // the language server: protocol, open documents, diagnostics, actions, navigation
    "report",  // human, JSON, GitHub, SARIF; baseline filtering; statistics; tables
    "engine",  // the run: read, parse, index in parallel; check; suppressions; order
    "rules",   // the rule contract, the settings that build the rules, one file per rule
    "vault",   // discovery, targets, git changes, reading a note's bytes
    "index",   // the vault index, name table, resolution, suggestions, placeholders
    "figures", // figure reading, and the whole parse of a note that fills its figures
    "config",  // the config file, overrides, schemas, schema inference
    "finding", // the vocabulary of what rules report: Finding, Diagnostic, Severity
    "model",   // one note parsed once: front matter, markdown, links, dates, directives
];

/// One `crate::…` or `super::…` path in a file, resolved from the crate root.
#[derive(Debug, Clone)]
struct Reference {
    line: usize,
    /// As written (`crate::model::{Note, Span}` gives two references).
    written: String,
    /// From the crate root: `["model", "Note"]`.
    path: Vec<String>,
}

/// A source file and the references it holds.
#[derive(Debug)]
struct File {
    /// Relative to the repository (`src/model/note.rs`).
    shown: String,
    /// Its module path (`["model", "note"]`; a folder's `mod.rs` is the folder).
    module: Vec<String>,
    is_mod_rs: bool,
    references: Vec<Reference>,
}

#[test]
fn every_import_points_down() {
    let files = read_src();
    let mut problems = layer_problems(&files);
    problems.extend(folder_cycles(&files));
    assert!(
        problems.is_empty(),
        "the layers of src/ do not hold:\n\n{}\n\nThe layers, top first: {} (tests/layers.rs). \
         Each imports only from itself and the layers below it: move the code, or the type it \
         needs, to the layer where it belongs.\n",
        problems.join("\n"),
        LAYERS.join(" > ")
    );
}

#[test]
fn the_layers_are_the_folders_of_src() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut found = BTreeSet::new();
    for entry in std::fs::read_dir(&root).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_stem().unwrap().to_string_lossy().to_string();
        if path.is_dir() || (name != "main" && name != "lib" && is_rust(&path)) {
            found.insert(name);
        }
    }
    let listed: BTreeSet<String> = LAYERS.iter().map(|n| n.to_string()).collect();
    assert_eq!(
        found, listed,
        "every folder (or file) directly under src/ is one layer of LAYERS in tests/layers.rs"
    );
    // The scanner finds what it should: a test that saw no import would pass on anything.
    let files = read_src();
    let references: usize = files.iter().map(|f| f.references.len()).sum();
    assert!(files.len() > 50 && references > 300, "{references}");
}

#[test]
fn a_planted_upward_import_is_named_by_file_and_line() {
    let file = |shown: &str, module: &[&str], text: &str| File {
        shown: shown.into(),
        module: module.iter().map(|s| s.to_string()).collect(),
        is_mod_rs: shown.ends_with("mod.rs"),
        references: references(
            text,
            &module.iter().map(|s| s.to_string()).collect::<Vec<_>>(),
        ),
    };
    let files = [
        file(
            "src/model/note.rs",
            &["model", "note"],
            "//! See crate::engine.\nuse super::span::Span;\nuse crate::{\n    finding,\n    figures::{parse::ParseOptions, value},\n};\nfn f() { let s = \"crate::cli\"; crate::index::fold(s); }\n",
        ),
        file(
            "src/figures/value.rs",
            &["figures", "value"],
            "use super::quick::Plain;\nuse crate::model::Note;\n",
        ),
        file(
            "src/figures/quick.rs",
            &["figures", "quick"],
            "#[cfg(test)]\nmod tests {\n    use super::super::value::Found;\n}\n",
        ),
    ];
    let problems = layer_problems(&files);
    assert_eq!(problems.len(), 4, "{problems:#?}");
    assert!(problems[0].starts_with("src/model/note.rs:4: `crate::finding`: model may not"));
    assert!(problems[1].starts_with("src/model/note.rs:5: `crate::figures::parse::ParseOptions`"));
    assert!(problems[1].ends_with("and figures imports model back (src/figures/value.rs:2)"));
    assert!(problems[2].starts_with("src/model/note.rs:5: `crate::figures::value`"));
    assert!(problems[3].starts_with("src/model/note.rs:7: `crate::index::fold`"));
    let cycles = folder_cycles(&files);
    assert_eq!(cycles.len(), 1, "{cycles:#?}");
    assert!(cycles[0].contains("src/figures/quick.rs:3 `super::super::value::Found`"));
    assert!(cycles[0].contains("src/figures/value.rs:1 `super::quick::Plain`"));
}

fn rank(layer: &str) -> Option<usize> {
    LAYERS.iter().position(|n| *n == layer)
}

/// Every import of a layer above the importing file's own, with where the target layer
/// imports the file's layer back, if it does.
fn layer_problems(files: &[File]) -> Vec<String> {
    // Per pair of layers, the first place one imports the other.
    let mut first: BTreeMap<(String, String), String> = BTreeMap::new();
    for f in files {
        for r in &f.references {
            let (Some(from), Some(to)) = (f.module.first(), r.path.first()) else {
                continue;
            };
            if from != to && rank(to).is_some() {
                first
                    .entry((from.clone(), to.clone()))
                    .or_insert_with(|| format!("{}:{}", f.shown, r.line));
            }
        }
    }
    let mut out = Vec::new();
    for f in files {
        let Some(from) = f.module.first() else {
            continue;
        };
        let Some(own) = rank(from) else {
            out.push(format!("{}: `{from}` is in no layer of LAYERS", f.shown));
            continue;
        };
        for r in &f.references {
            let Some(to) = r.path.first() else { continue };
            let Some(target) = rank(to) else { continue };
            if target >= own {
                continue;
            }
            let mut problem = format!(
                "{}:{}: `{}`: {from} may not import {to}, a layer above it",
                f.shown, r.line, r.written
            );
            if let Some(back) = first.get(&(to.clone(), from.clone())) {
                let _ = write!(problem, ", and {to} imports {from} back ({back})");
            }
            out.push(problem);
        }
    }
    out
}

/// Cycles among the files of one folder (its `mod.rs` aside), each named with the import that
/// makes each step.
fn folder_cycles(files: &[File]) -> Vec<String> {
    // Edges between files of one folder, with the first reference that makes each.
    let mut edges = Edges::new();
    let siblings: BTreeSet<Vec<String>> = files
        .iter()
        .filter(|f| !f.is_mod_rs && f.module.len() == 2)
        .map(|f| f.module.clone())
        .collect();
    for f in files.iter().filter(|f| siblings.contains(&f.module)) {
        for r in &f.references {
            let Some(target) = r.path.get(..2) else {
                continue;
            };
            if target != f.module.as_slice() && siblings.contains(target) {
                edges
                    .entry(f.shown.clone())
                    .or_default()
                    .entry(shown_of(files, target))
                    .or_insert_with(|| format!("{}:{} `{}`", f.shown, r.line, r.written));
            }
        }
    }
    let mut out = Vec::new();
    let mut reported: BTreeSet<BTreeSet<String>> = BTreeSet::new();
    for start in edges.keys() {
        if let Some(cycle) = cycle_from(&edges, start) {
            let members: BTreeSet<String> = cycle.iter().cloned().collect();
            if !reported.insert(members) {
                continue;
            }
            let steps: Vec<&str> = cycle
                .iter()
                .zip(cycle.iter().cycle().skip(1))
                .map(|(a, b)| edges[a][b].as_str())
                .collect();
            out.push(format!(
                "files of one folder import each other in a cycle: {}",
                steps.join(" → ")
            ));
        }
    }
    out
}

fn shown_of(files: &[File], module: &[String]) -> String {
    files
        .iter()
        .find(|f| f.module == module && !f.is_mod_rs)
        .map_or_else(|| module.join("/"), |f| f.shown.clone())
}

/// Edges between files, each with the import that makes it.
type Edges = BTreeMap<String, BTreeMap<String, String>>;

/// A cycle through `start`, as the files along it, if there is one.
fn cycle_from(edges: &Edges, start: &str) -> Option<Vec<String>> {
    let mut path = vec![start.to_string()];
    let mut seen = BTreeSet::new();
    extend_to(edges, start, &mut path, &mut seen).then_some(path)
}

/// Extends `path` (depth first, each file once) until it leads back to `start`.
fn extend_to(
    edges: &Edges,
    start: &str,
    path: &mut Vec<String>,
    seen: &mut BTreeSet<String>,
) -> bool {
    let here = path.last().unwrap().clone();
    for next in edges.get(&here).into_iter().flat_map(|e| e.keys()) {
        if next == start {
            return true;
        }
        if seen.insert(next.clone()) {
            path.push(next.clone());
            if extend_to(edges, start, path, seen) {
                return true;
            }
            path.pop();
        }
    }
    false
}

/// Every `.rs` file under `src/` but the crate roots, sorted.
fn read_src() -> Vec<File> {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let src = repo.join("src");
    let mut paths: Vec<PathBuf> = Vec::new();
    let mut stack = vec![src.clone()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else if is_rust(&path) {
                paths.push(path);
            }
        }
    }
    paths.sort();
    paths
        .into_iter()
        .filter(|p| p.parent() != Some(&src) || !matches!(stem(p).as_str(), "main" | "lib"))
        .map(|path| {
            let rel = path.strip_prefix(&src).unwrap();
            let mut module: Vec<String> = rel
                .with_extension("")
                .components()
                .map(|c| c.as_os_str().to_string_lossy().to_string())
                .collect();
            let is_mod_rs = module.last().is_some_and(|m| m == "mod");
            if is_mod_rs {
                module.pop();
            }
            let text = std::fs::read_to_string(&path).unwrap();
            File {
                shown: path.strip_prefix(repo).unwrap().display().to_string(),
                references: references(&text, &module),
                module,
                is_mod_rs,
            }
        })
        .collect()
}

fn is_rust(path: &Path) -> bool {
    path.extension().is_some_and(|e| e == "rs")
}

fn stem(path: &Path) -> String {
    path.file_stem().unwrap().to_string_lossy().to_string()
}

/// The `crate::…` and `super::…` paths of a file whose module path is `module`. Code after
/// `#[cfg(test)]` is the file's `mod tests`, one module further down.
fn references(text: &str, module: &[String]) -> Vec<Reference> {
    let code: Vec<char> = blank_comments_and_strings(text).chars().collect();
    let tests_at = find(&code, "#[cfg(test)]").unwrap_or(code.len());
    let line_of = |at: usize| code[..at].iter().filter(|c| **c == '\n').count() + 1;
    let mut out = Vec::new();
    let mut i = 0;
    while i < code.len() {
        let starts_word = i == 0 || !is_ident(code[i - 1]) && code[i - 1] != '$';
        if !starts_word || !(at(&code, i, "crate::") || at(&code, i, "super::")) {
            i += 1;
            continue;
        }
        let start = i;
        let mut base: Vec<String> = Vec::new();
        if at(&code, i, "crate::") {
            i += "crate::".len();
        } else {
            base = module.to_vec();
            if start >= tests_at {
                base.push("tests".into());
            }
            while at(&code, i, "super::") {
                base.pop();
                i += "super::".len();
            }
        }
        let prefix: String = code[start..i].iter().collect();
        let (trees, end) = use_tree(&code, i);
        for (tree_start, tree) in trees {
            out.push(Reference {
                line: line_of(tree_start.max(start)),
                written: format!("{prefix}{}", tree.join("::")),
                path: base.iter().chain(&tree).cloned().collect(),
            });
        }
        i = end.max(i + 1);
    }
    out
}

/// The paths of a use tree starting at `i` (`model::{Note, span::Span}`, `index::fold`, `*`),
/// each with where it starts (for its line) and as its segments; and where the tree ends.
fn use_tree(chars: &[char], mut i: usize) -> (Vec<(usize, Vec<String>)>, usize) {
    i = skip_space(chars, i);
    if chars.get(i) == Some(&'{') {
        let mut out = Vec::new();
        i += 1;
        loop {
            i = skip_space(chars, i);
            match chars.get(i) {
                None => return (out, i),
                Some('}') => return (out, i + 1),
                Some(',') => i += 1,
                Some(_) => {
                    let (trees, end) = use_tree(chars, i);
                    if end == i {
                        // Not a path (`as name`, say): step over it.
                        i += 1;
                        continue;
                    }
                    out.extend(trees);
                    i = end;
                }
            }
        }
    }
    if chars.get(i) == Some(&'*') {
        return (vec![(i, vec!["*".into()])], i + 1);
    }
    let start = i;
    while chars.get(i).is_some_and(|c| is_ident(*c)) {
        i += 1;
    }
    if i == start {
        return (Vec::new(), i);
    }
    let name: String = chars[start..i].iter().collect();
    if at(chars, i, "::") {
        let (trees, end) = use_tree(chars, i + 2);
        let trees = trees
            .into_iter()
            .map(|(at, t)| {
                (
                    at.min(start),
                    std::iter::once(name.clone()).chain(t).collect(),
                )
            })
            .collect();
        return (trees, end);
    }
    (vec![(start, vec![name])], i)
}

fn find(chars: &[char], word: &str) -> Option<usize> {
    (0..chars.len()).find(|i| at(chars, *i, word))
}

fn skip_space(chars: &[char], mut i: usize) -> usize {
    while chars.get(i).is_some_and(|c| c.is_whitespace()) {
        i += 1;
    }
    i
}

fn at(chars: &[char], i: usize, word: &str) -> bool {
    word.chars()
        .enumerate()
        .all(|(k, w)| chars.get(i + k) == Some(&w))
}

fn is_ident(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// `text` with comments, string literals and char literals turned into spaces (line breaks
/// kept, so line numbers hold): a path named in prose or in a message is no import.
fn blank_comments_and_strings(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let blank = |out: &mut String, c: char| out.push(if c == '\n' { '\n' } else { ' ' });
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if at(&chars, i, "//") {
            while i < chars.len() && chars[i] != '\n' {
                blank(&mut out, chars[i]);
                i += 1;
            }
        } else if at(&chars, i, "/*") {
            let mut depth = 0;
            loop {
                if at(&chars, i, "/*") {
                    depth += 1;
                    out.push_str("  ");
                    i += 2;
                } else if at(&chars, i, "*/") {
                    depth -= 1;
                    out.push_str("  ");
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else if let Some(&c) = chars.get(i) {
                    blank(&mut out, c);
                    i += 1;
                } else {
                    break;
                }
            }
        } else if let Some((hashes, body)) = raw_string_at(&chars, i) {
            for _ in i..body {
                out.push(' ');
            }
            i = body;
            let close: String = std::iter::once('"')
                .chain("#".repeat(hashes).chars())
                .collect();
            while i < chars.len() && !at(&chars, i, &close) {
                blank(&mut out, chars[i]);
                i += 1;
            }
            for _ in 0..close.chars().count().min(chars.len().saturating_sub(i)) {
                out.push(' ');
                i += 1;
            }
        } else if c == '"' {
            out.push(' ');
            i += 1;
            while i < chars.len() && chars[i] != '"' {
                if chars[i] == '\\' {
                    blank(&mut out, chars[i]);
                    i += 1;
                }
                if let Some(&c) = chars.get(i) {
                    blank(&mut out, c);
                    i += 1;
                }
            }
            out.push(' ');
            i += 1;
        } else if let Some(end) = (c == '\'').then(|| char_literal_end(&chars, i)).flatten() {
            for &c in chars.get(i..end).unwrap_or(&[]) {
                blank(&mut out, c);
            }
            i = end;
        } else {
            out.push(c);
            i += 1;
        }
    }
    out
}

/// At `r"`, `r#"`, `br#"`, …: the number of `#` and where the string's body starts.
fn raw_string_at(chars: &[char], i: usize) -> Option<(usize, usize)> {
    if i > 0 && is_ident(chars[i - 1]) {
        return None;
    }
    let mut k = i;
    if chars.get(k) == Some(&'b') {
        k += 1;
    }
    if chars.get(k) != Some(&'r') {
        return None;
    }
    k += 1;
    let mut hashes = 0;
    while chars.get(k) == Some(&'#') {
        hashes += 1;
        k += 1;
    }
    (chars.get(k) == Some(&'"')).then_some((hashes, k + 1))
}

/// At a `'`: the end of a char literal (`'a'`, `'\n'`, `'\u{1b}'`) if it is one, not a
/// lifetime (`'a`, `'static`).
fn char_literal_end(chars: &[char], i: usize) -> Option<usize> {
    match chars.get(i + 1)? {
        '\\' => {
            // The escaped char, then to the closing quote (`'\''`, `'\u{1b}'`).
            let mut k = i + 3;
            while k < chars.len() && chars[k] != '\'' {
                k += 1;
            }
            Some(k + 1)
        }
        _ => (chars.get(i + 2) == Some(&'\'')).then_some(i + 3),
    }
}
