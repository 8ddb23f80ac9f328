//! The `vaultlint placeholders` table: the notes a vault links to but has not written yet,
//! most wanted first. Which links are placeholders is the index's judgement
//! ([`crate::index::placeholder`]); this module only lays the list out for people.

use super::neutralise_line;
use crate::index::placeholder::Wanted;

/// The `vaultlint placeholders` table: links, target, and the first three notes linking.
/// Control characters in targets and paths are made visible, as in every report.
pub fn table(wanted: &[Wanted]) -> String {
    let clean = neutralise_line;
    if wanted.is_empty() {
        return "No placeholder links\n".to_string();
    }
    let width = wanted
        .iter()
        .map(|w| clean(&w.target).chars().count())
        .max()
        .unwrap_or(0)
        .max("target".len());
    let mut out = format!("{:>5}  {:width$}  linked from\n", "links", "target");
    for w in wanted {
        let shown: Vec<String> = w.from.iter().take(3).map(|p| clean(p)).collect();
        let mut from = shown.join(", ");
        if w.from.len() > 3 {
            from.push_str(&format!(" and {} more", w.from.len() - 3));
        }
        out.push_str(&format!(
            "{:>5}  {:width$}  {from}\n",
            w.links,
            clean(&w.target)
        ));
    }
    let links: usize = wanted.iter().map(|w| w.links).sum();
    let plural = |n: usize, word: &str| {
        if n == 1 {
            format!("{n} {word}")
        } else {
            format!("{n} {word}s")
        }
    };
    out.push_str(&format!(
        "{} not written yet, wanted by {}\n",
        plural(wanted.len(), "note"),
        plural(links, "link")
    ));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_shows_three_notes_then_a_count() {
        let w = |target: &str, links, from: &[&str]| Wanted {
            target: target.into(),
            links,
            from: from.iter().map(|s| s.to_string()).collect(),
        };
        let got = table(&[
            w("Later", 5, &["a.md", "b.md", "c.md", "d.md", "e.md"]),
            w("X\u{1b}", 1, &["a.md"]),
        ]);
        assert_eq!(
            got,
            "links  target   linked from\n    5  Later    a.md, b.md, c.md and 2 more\n    1  X\\u{1b}  a.md\n2 notes not written yet, wanted by 6 links\n"
        );
        assert_eq!(table(&[]), "No placeholder links\n");
    }
}
