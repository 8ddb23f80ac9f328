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
