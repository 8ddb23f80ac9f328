//! The docs hold together: the example workflows shown in docs/ are the files CI lints, word for
//! word; every link between README.md, CHANGELOG.md, docs/ and rules/ leads to a file and a
//! heading that exist (checked by vaultlint itself, and as relative paths the way GitHub reads
//! them); the rule index lists every rule with its default severity.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use std::path::{Path, PathBuf};

use assert_cmd::Command;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// README.md, CHANGELOG.md and every Markdown file in docs/ and rules/.
fn doc_files() -> Vec<PathBuf> {
    let mut files = vec![root().join("README.md"), root().join("CHANGELOG.md")];
    for dir in ["docs", "rules"] {
        for entry in std::fs::read_dir(root().join(dir)).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_some_and(|e| e == "md") {
                files.push(path);
            }
        }
    }
    files.sort();
    files
}

#[test]
fn github_actions_doc_shows_the_linted_example_workflows() {
    let doc = std::fs::read_to_string(root().join("docs/github-actions.md")).unwrap();
    for example in ["vaultlint-pr.yml", "vaultlint-sarif.yml"] {
        let text = std::fs::read_to_string(root().join("docs/examples").join(example)).unwrap();
        let block = format!("```yaml\n{}\n```", text.trim_end());
        assert!(
            doc.contains(&block),
            "docs/github-actions.md does not show docs/examples/{example} as it is"
        );
    }
}

/// What CI runs (.ci/run): the repository is the vault, so fixtures/ is indexed, but only the
/// docs are reported, and only by the link rules.
#[test]
fn vaultlint_finds_no_broken_link_or_anchor_in_the_docs() {
    let out = Command::cargo_bin("vaultlint")
        .unwrap()
        .current_dir(root())
        .args([
            "check",
            "README.md",
            "CHANGELOG.md",
            "docs",
            "rules",
            "--vault",
            ".",
            "--select",
            "broken-link,broken-anchor",
            "--color",
            "never",
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "broken links in the docs:\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// vaultlint resolves links the way Obsidian does, which forgives a path that GitHub does not
/// (`[Usage](usage.md)` in README.md finds docs/usage.md by its name). Here every local link
/// must name its file relative to the linking file.
#[test]
fn doc_links_are_paths_relative_to_their_file() {
    use pulldown_cmark::{Event, Options, Parser, Tag};
    let mut broken = Vec::new();
    for file in doc_files() {
        let text = std::fs::read_to_string(&file).unwrap();
        for event in Parser::new_ext(&text, Options::ENABLE_TABLES) {
            let dest = match event {
                Event::Start(Tag::Link { dest_url, .. } | Tag::Image { dest_url, .. }) => dest_url,
                _ => continue,
            };
            let path = dest.split('#').next().unwrap_or_default();
            let external = path.contains(':') || path.starts_with("//");
            if path.is_empty() || external {
                continue;
            }
            let target = file.parent().unwrap().join(percent_decode(path));
            if !target.exists() {
                broken.push(format!(
                    "{}: {dest}",
                    file.strip_prefix(root()).unwrap().display()
                ));
            }
        }
    }
    assert!(
        broken.is_empty(),
        "links to no file:\n{}",
        broken.join("\n")
    );
}

fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (bytes[i], hex) {
            (b'%', Some(byte)) => {
                out.push(byte);
                i += 3;
            }
            (byte, _) => {
                out.push(byte);
                i += 1;
            }
        }
    }
    String::from_utf8(out).unwrap()
}

/// docs/rules.md has a row for every rule `vaultlint rules` lists, with its default severity.
#[test]
fn rule_index_lists_every_rule_with_its_default_severity() {
    let index = std::fs::read_to_string(root().join("docs/rules.md")).unwrap();
    let out = Command::cargo_bin("vaultlint")
        .unwrap()
        .arg("rules")
        .output()
        .unwrap();
    let listing = String::from_utf8(out.stdout).unwrap();
    let mut rules = 0;
    for line in listing.lines().skip(1) {
        let mut words = line.split_whitespace();
        let (Some(id), Some(severity)) = (words.next(), words.next()) else {
            continue;
        };
        rules += 1;
        let link = format!("| [{id}](../rules/{id}.md)");
        let row = index
            .lines()
            .find(|row| row.starts_with(&link))
            .unwrap_or_else(|| panic!("docs/rules.md has no row for `{id}`"));
        let default = row.split('|').nth(2).unwrap_or_default().trim();
        assert!(
            default.starts_with(severity),
            "docs/rules.md gives `{id}` the default `{default}`, not `{severity}`"
        );
        assert!(
            root().join("rules").join(format!("{id}.md")).exists(),
            "rules/{id}.md is missing"
        );
    }
    assert!(rules > 0, "`vaultlint rules` listed no rule");
}
