//! "Did you mean" suggestions: the closest names by edit distance.
//!
//! Used for broken links (note names, aliases, paths) and broken anchors (headings). Only
//! computed for findings, never for links that resolve.

/// Up to `max` candidates closest to `wanted` (case-insensitive), best first, within an edit
/// distance that grows with the length of `wanted` (1 for short names, at most 3).
pub fn closest<'a, I>(wanted: &str, candidates: I, max: usize) -> Vec<&'a str>
where
    I: IntoIterator<Item = &'a str>,
{
    let wanted = wanted.trim().to_lowercase();
    let wanted_len = wanted.chars().count();
    let limit = (wanted_len / 3).clamp(1, 3);
    let mut scored: Vec<(usize, &'a str)> = Vec::new();
    for candidate in candidates {
        let len = candidate.chars().count();
        if len.abs_diff(wanted_len) > limit {
            continue;
        }
        let lower = candidate.to_lowercase();
        if lower == wanted {
            continue;
        }
        let d = strsim::levenshtein(&wanted, &lower);
        if d <= limit {
            scored.push((d, candidate));
        }
    }
    scored.sort();
    scored.dedup_by(|a, b| a.1 == b.1);
    scored.into_iter().take(max).map(|(_, c)| c).collect()
}

/// Up to `max` candidates that contain `wanted` or are contained in it, as whole words
/// (`Funding history` → `Funding`), in their given order. A fallback when no candidate is
/// close by edit distance.
pub fn overlapping<'a, I>(wanted: &str, candidates: I, max: usize) -> Vec<&'a str>
where
    I: IntoIterator<Item = &'a str>,
{
    let words = |s: &str| -> Vec<String> {
        s.split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .map(str::to_lowercase)
            .collect()
    };
    let wanted = words(wanted);
    let contains = |outer: &[String], inner: &[String]| {
        !inner.is_empty() && outer.windows(inner.len()).any(|w| w == inner)
    };
    candidates
        .into_iter()
        .filter(|c| {
            let c_words = words(c);
            contains(&wanted, &c_words) || contains(&c_words, &wanted)
        })
        .take(max)
        .collect()
}

/// Formats names as `[[A]], [[B]] or [[C]]`.
pub fn or_list(names: &[String]) -> String {
    match names {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} or {last}", init.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn closest_table() {
        let names = [
            "NVIDIA",
            "Google",
            "Amazon",
            "Anthropic",
            "OpenAI",
            "Nvidia Labs",
        ];
        let cases: &[(&str, &[&str])] = &[
            ("NVDIA", &["NVIDIA"]),
            ("Gogle", &["Google"]),
            ("nvidia", &[]),
            ("Zebra", &[]),
            ("Anthropik", &["Anthropic"]),
            ("AI", &[]),
        ];
        for (wanted, want) in cases {
            assert_eq!(&closest(wanted, names.iter().copied(), 3), want, "{wanted}");
        }
    }

    #[test]
    fn overlapping_table() {
        let heads = ["Why OpenAI matters", "Funding", "Quick stats"];
        assert_eq!(
            overlapping("Funding history", heads.iter().copied(), 3),
            ["Funding"]
        );
        assert_eq!(
            overlapping("Quick", heads.iter().copied(), 3),
            ["Quick stats"]
        );
        assert!(overlapping("Fund", heads.iter().copied(), 3).is_empty());
    }

    #[test]
    fn or_list_table() {
        let s = |v: &[&str]| v.iter().map(|x| x.to_string()).collect::<Vec<_>>();
        assert_eq!(or_list(&s(&[])), "");
        assert_eq!(or_list(&s(&["a"])), "a");
        assert_eq!(or_list(&s(&["a", "b", "c"])), "a, b or c");
    }
}
