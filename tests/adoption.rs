//! Adopting vaultlint on an existing vault: `vaultlint placeholders`, `vaultlint baseline`
//! with `check --baseline`, and `check --statistics`.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use std::path::Path;

use assert_cmd::Command;

fn vault(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), files);
    dir
}

fn write(root: &Path, files: &[(&str, &str)]) {
    for (path, text) in files {
        let p = root.join(path);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }
}

fn vaultlint() -> Command {
    let mut cmd = Command::cargo_bin("vaultlint").unwrap();
    cmd.env_remove("NO_COLOR");
    cmd
}

#[test]
fn placeholders_lists_most_wanted_first_without_typos() {
    let v = vault(&[
        (".vaultlint.yaml", "exclude: [\"Templates/**\"]\n"),
        ("Google.md", "# Google\n"),
        (
            "A.md",
            "[[Quantum Networking]] [[Gogle]] [[Sovereign AI]]\n",
        ),
        (
            "B.md",
            "[[quantum networking]] [[Sovereign AI]] [[Sovereign AI]]\n",
        ),
        ("C.md", "[[Quantum Networking]]\n"),
        ("Templates/T.md", "[[Template Target]]\n"),
    ]);
    let out = vaultlint()
        .arg("placeholders")
        .arg(v.path())
        .assert()
        .code(0)
        .get_output()
        .stdout
        .clone();
    assert_eq!(
        String::from_utf8(out).unwrap(),
        "links  target              linked from\n    3  Quantum Networking  A.md, B.md, C.md\n    3  Sovereign AI        A.md, B.md\n2 notes not written yet, wanted by 6 links\n"
    );
}

fn check(dir: &Path, extra: &[&str]) -> assert_cmd::assert::Assert {
    let mut cmd = vaultlint();
    cmd.arg("check").arg(dir).args(["--color", "never"]);
    if !extra.contains(&"--today") {
        cmd.args(["--today", "2026-11-26"]);
    }
    cmd.args(extra).assert()
}

fn stdout(a: &assert_cmd::assert::Assert) -> String {
    String::from_utf8(a.get_output().stdout.clone()).unwrap()
}

fn stderr(a: &assert_cmd::assert::Assert) -> String {
    String::from_utf8(a.get_output().stderr.clone()).unwrap()
}

const NOTE: &str =
    "# Cohere\n\n*Updated 2025-01-10*\n\nSee [[Gone]] and [[Gone]] and [[Also gone]].\n";

#[test]
fn baseline_survives_edits_that_shift_lines_and_counts_fixes() {
    let v = vault(&[("Cohere.md", NOTE), ("Other.md", "# Other\n")]);
    let file = v.path().join(".vaultlint-baseline.json");
    let made = vaultlint()
        .arg("baseline")
        .arg(v.path())
        .args(["--today", "2026-11-26"])
        .assert()
        .code(0);
    assert!(
        stderr(&made).contains("recorded 4 findings"),
        "{}",
        stderr(&made)
    );
    let recorded: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
    let counts: Vec<u64> = recorded["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["count"].as_u64().unwrap())
        .collect();
    assert_eq!(counts.iter().sum::<u64>(), 4);
    assert!(counts.contains(&2), "two identical links share one entry");

    let baseline = ["--baseline", file.to_str().unwrap()];
    let a = check(v.path(), &baseline).code(0);
    assert_eq!(stdout(&a), "0 errors, 0 warnings in 2 notes\n");
    assert_eq!(stderr(&a), "");

    // Lines inserted above every finding, and a later day: nothing comes back.
    let shifted = format!(
        "# Cohere\n\nA new intro paragraph.\n\nAnother one.\n{}",
        &NOTE[9..]
    );
    write(v.path(), &[("Cohere.md", &shifted)]);
    let later = [
        "--baseline",
        file.to_str().unwrap(),
        "--today",
        "2026-12-24",
    ];
    let a = check(v.path(), &later).code(0);
    assert_eq!(stdout(&a), "0 errors, 0 warnings in 2 notes\n");

    // One of the two identical links fixed, and a new broken link: one fixed, one new.
    let edited = shifted.replacen("[[Gone]]", "[[Other]]", 1) + "\n[[Brand new]]\n";
    write(v.path(), &[("Cohere.md", &edited)]);
    let a = check(v.path(), &baseline).code(1);
    assert!(stdout(&a).contains("`Brand new`"), "{}", stdout(&a));
    assert!(stdout(&a).ends_with("1 error, 0 warnings in 2 notes\n"));
    assert_eq!(
        stderr(&a),
        "vaultlint: 1 fixed since the baseline: run `vaultlint baseline --prune`\n"
    );
    let json = check(v.path(), &[&baseline[..], &["--format", "json"]].concat()).code(1);
    let json: serde_json::Value = serde_json::from_slice(&json.get_output().stdout).unwrap();
    assert_eq!(
        json["summary"]["baseline"],
        serde_json::json!({"hidden": 3, "fixed": 1})
    );

    // --select leaves other rules' entries alone: they are not "fixed".
    let a = check(
        v.path(),
        &[&baseline[..], &["--select", "stale-date"]].concat(),
    )
    .code(0);
    assert_eq!(stderr(&a), "");

    // Pruning drops the fixed entry and adds nothing new.
    let pruned = vaultlint()
        .arg("baseline")
        .arg(v.path())
        .args(["--prune", "--today", "2026-11-26"])
        .assert()
        .code(0);
    assert!(
        stderr(&pruned).contains("pruned 1 finding from"),
        "{}",
        stderr(&pruned)
    );
    let a = check(v.path(), &baseline).code(1);
    assert_eq!(stderr(&a), "");
    assert!(stdout(&a).contains("`Brand new`"));
}

#[test]
fn a_missing_baseline_file_is_an_error() {
    let v = vault(&[("A.md", "# A\n")]);
    check(v.path(), &["--baseline", "/nonexistent/baseline.json"])
        .code(2)
        .stderr(predicates::str::contains("cannot read the baseline"));
}

#[test]
fn statistics_table_after_the_findings() {
    let v = vault(&[
        ("Google.md", "# Google\n"),
        (
            "A.md",
            "# A\n\n*Updated 2025-01-01*\n\n[[Gogle]] [[Nope]]\n",
        ),
        ("B.md", "# B\n\n[[Gone]]\n"),
    ]);
    let a = check(v.path(), &["--statistics", "--quiet"]).code(1);
    let out = stdout(&a);
    // Which rule was slowest, and how long it took, depends on the machine: the line must name
    // one of the rules that ran, with a time.
    let slowest = regex::Regex::new(r"slowest rule: ([a-z-]+) \(\d+\.\d ms").unwrap();
    let rule = &slowest.captures(&out).expect("a slowest-rule line")[1];
    let ran = Command::cargo_bin("vaultlint")
        .unwrap()
        .arg("rules")
        .output()
        .unwrap();
    assert!(
        String::from_utf8_lossy(&ran.stdout).contains(rule),
        "{rule}"
    );
    let out = slowest.replace(&out, "slowest rule: <rule> (<time> ms");
    insta::assert_snapshot!("statistics", out);

    let json = check(v.path(), &["--statistics", "--format", "json"]).code(1);
    let json: serde_json::Value = serde_json::from_slice(&json.get_output().stdout).unwrap();
    let stats = &json["summary"]["statistics"];
    assert_eq!(stats["rules"][0]["rule"], "broken-link");
    assert_eq!(stats["rules"][0]["findings"], 3);
    assert_eq!(stats["rules"][0]["notes"], 2);
    assert!(stats["slowest_rule"]["milliseconds"].is_number());
}
