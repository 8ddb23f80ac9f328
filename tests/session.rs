//! A session kept current by edits reports what a session opened afresh on the edited vault
//! reports: over every fixture vault, each note is edited (headings dropped, a front matter
//! alias added, links and a heading added), renamed into another folder, and some removed; after
//! each edit the whole vault is checked both ways and compared, and the notes the edit did
//! not name as changed must report what they reported before it.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

mod common;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use vaultlint::config::{self, LoadedConfig};
use vaultlint::engine::{EditError, Run, Selection, Session};
use vaultlint::finding::Finding;
use vaultlint::rules::settings::{Overrides, Settings};

fn settings(root: &Path) -> Settings {
    let file = root.join(".vaultlint.yaml");
    let loaded = if file.is_file() {
        config::load(&file).unwrap()
    } else {
        LoadedConfig::defaults()
    };
    let overrides = Overrides {
        today: Some("2026-11-26".parse().unwrap()),
        ..Overrides::default()
    };
    Settings::new(loaded, &overrides).unwrap()
}

fn open(root: &Path) -> Session {
    Session::open(settings(root), root, 2).unwrap()
}

/// The fixture vaults: `fixtures/<rule>/<case>/`.
fn vaults() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
    let mut out = Vec::new();
    for rule in std::fs::read_dir(root).unwrap() {
        let rule = rule.unwrap().path();
        if !rule.is_dir() {
            continue;
        }
        for case in std::fs::read_dir(&rule).unwrap() {
            let case = case.unwrap().path();
            if case.is_dir() {
                out.push(case);
            }
        }
    }
    out.sort();
    out
}

fn notes(session: &Session) -> Vec<String> {
    session
        .index()
        .notes()
        .iter()
        .map(|n| n.path.to_string())
        .collect()
}

/// What a check says about one note.
fn of_note<'a>(run: &'a Run, path: &str) -> (Vec<&'a Finding>, Vec<String>) {
    (
        run.findings.iter().filter(|f| &*f.path == path).collect(),
        run.problems
            .iter()
            .filter(|p| p.path == path)
            .map(|p| p.message.clone())
            .collect(),
    )
}

/// Checks the session against a fresh one after an edit that named `affected`.
fn agree(dir: &Path, session: &mut Session, before: &Run, affected: &BTreeSet<String>, what: &str) {
    let kept = session.check(Selection::All);
    let fresh = open(dir).check(Selection::All);
    assert_eq!(kept.findings, fresh.findings, "{what}: findings differ");
    assert_eq!(kept.problems, fresh.problems, "{what}: problems differ");
    assert_eq!(kept.notes_indexed, fresh.notes_indexed, "{what}");
    // The notes the edit did not name report what they did before it.
    for path in notes(session) {
        if affected.contains(&path) {
            continue;
        }
        assert_eq!(
            of_note(before, &path),
            of_note(&fresh, &path),
            "{what}: `{path}` changed but the edit did not name it"
        );
    }
    // Checking the named notes alone gives their findings.
    let named = session.check(Selection::Notes(affected));
    let wanted: Vec<&Finding> = fresh
        .findings
        .iter()
        .filter(|f| affected.contains(&*f.path))
        .collect();
    assert_eq!(named.findings.iter().collect::<Vec<_>>(), wanted, "{what}");
}

/// Edited versions of a note's text.
fn edits(text: &str, other: &str) -> Vec<(&'static str, String)> {
    let without_headings: String = text
        .split_inclusive('\n')
        .filter(|l| !l.starts_with('#'))
        .collect();
    let with_alias = match text.strip_prefix("---\n") {
        Some(rest) => format!("---\naliases: [Zeta Alias]\n{rest}"),
        None => format!("---\naliases: [Zeta Alias]\n---\n{text}"),
    };
    let with_links = format!(
        "{text}\n\n## Added section\n\nSee [[{other}#Added section]], [[{other}#^nope]], [[Nowhere yet]] and [[Zeta Alias]].\n"
    );
    vec![
        ("headings dropped", without_headings),
        ("alias added", with_alias),
        ("links added", with_links),
    ]
}

fn write(dir: &Path, path: &str, text: &str) {
    let file = dir.join(path);
    std::fs::create_dir_all(file.parent().unwrap()).unwrap();
    std::fs::write(file, text).unwrap();
}

#[test]
fn edits_give_what_a_fresh_session_gives() {
    let mut edits_made = 0;
    for vault in vaults() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("vault");
        common::copy_dir(&vault, &dir);
        let mut session = open(&dir);
        let start = notes(&session);
        let name = |p: &str| {
            let file = p.rsplit('/').next().unwrap_or(p);
            file.strip_suffix(".md").unwrap_or(file).to_string()
        };
        // Two notes of each vault, the first and the last: every edit opens the vault afresh
        // to compare.
        let picked: BTreeSet<usize> = [0, start.len().saturating_sub(1)].into();
        for (k, path) in start.iter().enumerate() {
            if !picked.contains(&k) {
                continue;
            }
            let Ok(text) = std::fs::read_to_string(dir.join(path)) else {
                continue;
            };
            let other = start
                .get((k + 1) % start.len())
                .map_or_else(String::new, |p| name(p));
            for (what, edited) in edits(&text, &other) {
                let before = session.check(Selection::All);
                write(&dir, path, &edited);
                let affected = session.update(path, &edited).unwrap();
                assert!(affected.contains(path));
                agree(
                    &dir,
                    &mut session,
                    &before,
                    &affected,
                    &format!("{vault:?} {path}: {what}"),
                );
                edits_made += 1;
            }
            // Moved into a folder of its own, then back: names become (un)ambiguous.
            let moved = format!("Moved {k}/{}", path.rsplit('/').next().unwrap());
            let before = session.check(Selection::All);
            std::fs::create_dir_all(dir.join(format!("Moved {k}"))).unwrap();
            std::fs::rename(dir.join(path), dir.join(&moved)).unwrap();
            let affected = session.rename(path, &moved).unwrap();
            assert!(affected.contains(path) && affected.contains(&moved));
            agree(
                &dir,
                &mut session,
                &before,
                &affected,
                &format!("{vault:?} {path}: moved"),
            );
            // A new note at the old path: the name is now taken twice.
            let before = session.check(Selection::All);
            write(&dir, path, "# Again\n\nBack with [[Nowhere yet]].\n");
            let affected = session
                .update(path, "# Again\n\nBack with [[Nowhere yet]].\n")
                .unwrap();
            agree(
                &dir,
                &mut session,
                &before,
                &affected,
                &format!("{vault:?} {path}: re-added"),
            );
            edits_made += 2;
        }
        // Removed: every other one, two at most.
        for path in notes(&session).iter().step_by(2).take(2) {
            let before = session.check(Selection::All);
            std::fs::remove_file(dir.join(path)).unwrap();
            let affected = session.remove(path).unwrap();
            agree(
                &dir,
                &mut session,
                &before,
                &affected,
                &format!("{vault:?} {path}: removed"),
            );
            edits_made += 1;
        }
    }
    assert!(edits_made > 800, "{edits_made}");
}

#[test]
fn edits_that_cannot_apply_say_why() {
    let tmp = tempfile::tempdir().unwrap();
    write(tmp.path(), "A.md", "# A\n");
    let mut session = open(tmp.path());
    assert_eq!(
        session.remove("B.md"),
        Err(EditError::NoSuchNote("B.md".into()))
    );
    assert_eq!(
        session.update("image.png", "x"),
        Err(EditError::NotMarkdown("image.png".into()))
    );
    write(tmp.path(), "B.md", "# B\n");
    session.update("B.md", "# B\n").unwrap();
    assert_eq!(
        session.rename("A.md", "B.md"),
        Err(EditError::AlreadyANote("B.md".into()))
    );
}

#[test]
fn a_session_opened_for_one_check_takes_edits() {
    let tmp = tempfile::tempdir().unwrap();
    write(tmp.path(), "A.md", "# A\n\n## Part\n");
    write(tmp.path(), "B.md", "See [[A#Part]].\n");
    let targets =
        vaultlint::vault::targets::resolve(&[tmp.path().join("B.md")], Some(tmp.path())).unwrap();
    let request = vaultlint::engine::Request {
        targets: targets.clone(),
        threads: 1,
        time_rules: false,
    };
    let mut session = Session::open_for(settings(tmp.path()), &request).unwrap();
    assert!(
        session
            .check(Selection::Targets(&targets))
            .findings
            .is_empty()
    );
    // The heading goes: the note linking to it is named, and now reports the broken anchor.
    let affected = session.update("A.md", "# A\n").unwrap();
    assert_eq!(
        affected,
        BTreeSet::from(["A.md".to_string(), "B.md".to_string()])
    );
    let run = session.check(Selection::Notes(&affected));
    let rules: Vec<&str> = run.findings.iter().map(|f| f.rule).collect();
    assert_eq!(rules, ["broken-anchor"]);
}

#[test]
fn a_note_read_again_from_disk_gives_what_a_fresh_session_gives() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    write(dir, "A.md", "# A\n\n## Revenue\n");
    write(dir, "B.md", "# B\n\nSee [[A#Revenue]] and [[C]].\n");
    let mut session = open(dir);
    // Changed on disk: B's link to the heading breaks.
    let before = session.check(Selection::All);
    write(dir, "A.md", "# A\n\n## Income\n");
    let affected = session.reread("A.md").unwrap();
    assert!(
        affected.contains("A.md") && affected.contains("B.md"),
        "{affected:?}"
    );
    agree(dir, &mut session, &before, &affected, "A changed on disk");
    // Created on disk: B's link to C leads somewhere now.
    let before = session.check(Selection::All);
    write(dir, "C.md", "# C\n");
    let affected = session.reread("C.md").unwrap();
    assert!(affected.contains("B.md"), "{affected:?}");
    agree(dir, &mut session, &before, &affected, "C created on disk");
    // No longer text: a problem, as a fresh check reports it.
    let before = session.check(Selection::All);
    std::fs::write(dir.join("C.md"), b"# C \xff\n").unwrap();
    let affected = session.reread("C.md").unwrap();
    let run = session.check(Selection::Notes(&affected));
    assert!(
        run.problems.iter().any(|p| p.path == "C.md"),
        "{:?}",
        run.problems
    );
    agree(dir, &mut session, &before, &affected, "C no longer UTF-8");
    assert_eq!(
        session.reread("image.png"),
        Err(EditError::NotMarkdown("image.png".into()))
    );
}

#[test]
fn a_link_settled_when_the_vault_was_read_is_checked_again_when_its_target_changes() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    write(
        dir,
        "A.md",
        "# A\n\nSee [[B]] and [[C]], and [[B]] again.\n",
    );
    write(dir, "B.md", "# B\n");
    write(dir, "C.md", "# C\n");
    let mut session = open(dir);
    // The links lead to one note each: nothing to report, and the links are still known.
    let before = session.check(Selection::All);
    assert!(before.findings.is_empty(), "{:?}", before.findings);
    assert_eq!(session.linking_to("B.md"), ["A.md", "B.md"]);
    // B goes: A is named, and reports both of its links to B.
    std::fs::remove_file(dir.join("B.md")).unwrap();
    let affected = session.remove("B.md").unwrap();
    assert!(affected.contains("A.md"), "{affected:?}");
    agree(dir, &mut session, &before, &affected, "B removed");
    let run = session.check(Selection::Notes(&affected));
    let broken = run
        .findings
        .iter()
        .filter(|f| &*f.path == "A.md" && f.rule == "broken-link")
        .count();
    assert_eq!(broken, 2, "{:?}", run.findings);
    // A second C in a folder: A's link to C, settled until now, is named again.
    let before = session.check(Selection::All);
    write(dir, "Sub/C.md", "# C too\n");
    let affected = session.reread("Sub/C.md").unwrap();
    assert!(affected.contains("A.md"), "{affected:?}");
    agree(dir, &mut session, &before, &affected, "a second C");
}

#[test]
fn a_heading_naming_a_note_added_or_removed_is_read_again() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let deckers = "# Deckers\n\n**Revenue:** $4.3B\n\n## Hoka\n\n**Revenue:** $2.2B\n";
    let hoka = "# Hoka\n\n**Revenue:** $2.2B\n";
    write(dir, "Deckers.md", deckers);
    write(dir, "Notes.md", "# Notes\n\n## Plans\n\n**Revenue:** $1B\n");
    let conflicts = |session: &mut Session| {
        session
            .check(Selection::All)
            .findings
            .iter()
            .filter(|f| f.rule == "inconsistent-figure" && &*f.path == "Deckers.md")
            .count()
    };
    let mut session = open(dir);
    // No note `Hoka`: the section's revenue is the note's own, and conflicts with it.
    assert_eq!(conflicts(&mut session), 1);

    // Added: the section is about Hoka now.
    let before = session.check(Selection::All);
    write(dir, "Hoka.md", hoka);
    let affected = session.update("Hoka.md", hoka).unwrap();
    assert!(affected.contains("Deckers.md"), "{affected:?}");
    assert!(!affected.contains("Notes.md"), "{affected:?}");
    agree(dir, &mut session, &before, &affected, "Hoka added");
    assert_eq!(conflicts(&mut session), 0);

    // Removed: the conflict is back.
    let before = session.check(Selection::All);
    std::fs::remove_file(dir.join("Hoka.md")).unwrap();
    let affected = session.remove("Hoka.md").unwrap();
    assert!(affected.contains("Deckers.md"), "{affected:?}");
    agree(dir, &mut session, &before, &affected, "Hoka removed");
    assert_eq!(conflicts(&mut session), 1);

    // Created on disk, then renamed to another name and back.
    let before = session.check(Selection::All);
    write(dir, "Hoka.md", hoka);
    let affected = session.reread("Hoka.md").unwrap();
    agree(
        dir,
        &mut session,
        &before,
        &affected,
        "Hoka created on disk",
    );
    assert_eq!(conflicts(&mut session), 0);
    let renamed = |from: &str, to: &str, session: &mut Session| {
        let before = session.check(Selection::All);
        write(dir, to, hoka);
        std::fs::remove_file(dir.join(from)).unwrap();
        let affected = session.rename(from, to).unwrap();
        assert!(
            affected.contains("Deckers.md"),
            "{from} → {to}: {affected:?}"
        );
        agree(dir, session, &before, &affected, &format!("{from} → {to}"));
    };
    renamed("Hoka.md", "Brands/On.md", &mut session);
    assert_eq!(conflicts(&mut session), 1);
    renamed("Brands/On.md", "Brands/hoka.md", &mut session);
    assert_eq!(conflicts(&mut session), 0);

    // A note edited in the session is checked again as the session was given it, not as
    // its file reads.
    let buffer = deckers.replace("$2.2B", "$2.5B");
    session.update("Deckers.md", &buffer).unwrap();
    let before = session.check(Selection::All);
    std::fs::remove_file(dir.join("Brands/hoka.md")).unwrap();
    let affected = session.remove("Brands/hoka.md").unwrap();
    write(dir, "Deckers.md", &buffer);
    agree(
        dir,
        &mut session,
        &before,
        &affected,
        "edited, then Hoka removed",
    );
    assert_eq!(conflicts(&mut session), 1);
}
