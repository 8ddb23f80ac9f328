//! `vaultlint report --output FILE.html`: the [`Health`] report as one self-contained page
//! (styles, SVG charts and the findings table's little script inline; nothing loaded from
//! anywhere), drawn by the template `templates/report.html`.
//!
//! The template engine escapes every value it prints (the template's name ends in `.html`),
//! so a note named `<script>…</script>.md` shows as text. Links to notes are relative to the
//! page, so they work when the page and the vault are opened from disk together.

use std::path::{Component, Path, PathBuf};

use minijinja::value::Serde;
use minijinja::{Environment, Value, context};
use serde::Serialize;

use super::health::Health;
use super::sarif::percent_encode as encode_path;

const TEMPLATE: &str = include_str!("../../templates/report.html");
/// How many paths the orphan and isolated lists show (the JSON report has them all).
const LIST_MAX: usize = 100;
/// How many folders the broken-links chart shows.
const FOLDERS_MAX: usize = 15;

/// A bar of the per-folder chart, in the shape the template's bar chart draws.
#[derive(Serialize)]
struct Bar<'a> {
    folder: &'a str,
    errors: usize,
    warnings: usize,
    total: usize,
}

/// Renders the page. `base` is the vault root as seen from the folder the page is written to
/// (see [`base_href`]).
pub fn render(health: &Health, base: &str) -> Result<String, minijinja::Error> {
    let mut env = Environment::new();
    env.add_filter("href", |path: &str| encode_path(path));
    env.add_filter("clip", |text: &str, max: usize| clip(text, max));
    env.add_template("report.html", TEMPLATE)?;
    let folder_bars: Vec<Bar<'_>> = health
        .links
        .folders
        .iter()
        .take(FOLDERS_MAX)
        .map(|f| Bar {
            folder: &f.folder,
            errors: f.broken,
            warnings: f.ambiguous,
            total: f.broken + f.ambiguous,
        })
        .collect();
    env.get_template("report.html")?.render(context! {
        h => Value::from(Serde(health)),
        base => base,
        folder_bars => Value::from(Serde(&folder_bars)),
        list_max => LIST_MAX,
        version => env!("CARGO_PKG_VERSION"),
    })
}

/// The vault root relative to the folder holding `page`, as an encoded href ending in `/`
/// (empty when they are the same folder). Both are made absolute against `cwd` first.
pub fn base_href(page: &Path, root: &Path, cwd: &Path) -> String {
    let absolute = |p: &Path| normalise(&cwd.join(p));
    let from = absolute(page.parent().unwrap_or(Path::new("")));
    let to = absolute(root);
    let from: Vec<Component<'_>> = from.components().collect();
    let to: Vec<Component<'_>> = to.components().collect();
    let common = from.iter().zip(&to).take_while(|(a, b)| a == b).count();
    let mut parts: Vec<String> = Vec::new();
    for _ in common..from.len() {
        parts.push("..".to_string());
    }
    for c in to.iter().skip(common) {
        parts.push(encode_path(&c.as_os_str().to_string_lossy()));
    }
    let mut href = parts.join("/");
    if !href.is_empty() {
        href.push('/');
    }
    href
}

/// `.` and `..` taken out of an absolute path, without touching the file system.
fn normalise(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

/// At most `max` characters of `text`, the last one `…` when it was cut.
fn clip(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let mut out: String = text.chars().take(max.saturating_sub(1)).collect();
    out.push('…');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_encoded_for_hrefs() {
        assert_eq!(encode_path("Actors/Scale AI.md"), "Actors/Scale%20AI.md");
        assert_eq!(
            encode_path("a#b?c%d\"<é>.md"),
            "a%23b%3Fc%25d%22%3C%C3%A9%3E.md"
        );
    }

    #[test]
    fn long_labels_are_clipped() {
        assert_eq!(clip("broken-link", 32), "broken-link");
        assert_eq!(clip("Actors/Infrastructure/Clouds", 10), "Actors/In…");
        assert_eq!(clip("éééé", 3), "éé…");
    }

    #[test]
    fn the_vault_is_found_from_the_page() {
        let cwd = Path::new("/work");
        assert_eq!(
            base_href(Path::new("out/r.html"), Path::new("vault"), cwd),
            "../vault/"
        );
        assert_eq!(
            base_href(Path::new("vault/r.html"), Path::new("vault"), cwd),
            ""
        );
        assert_eq!(
            base_href(Path::new("/tmp/r.html"), Path::new("./my vault/"), cwd),
            "../work/my%20vault/"
        );
        assert_eq!(base_href(Path::new("r.html"), Path::new("."), cwd), "");
    }
}
