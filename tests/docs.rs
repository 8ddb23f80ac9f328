//! The example workflows shown in docs/ are the files CI lints, word for word.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use std::path::Path;

#[test]
fn github_actions_doc_shows_the_linted_example_workflows() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let doc = std::fs::read_to_string(root.join("docs/github-actions.md")).unwrap();
    for example in ["vaultlint-pr.yml", "vaultlint-sarif.yml"] {
        let text = std::fs::read_to_string(root.join("docs/examples").join(example)).unwrap();
        let block = format!("```yaml\n{}\n```", text.trim_end());
        assert!(
            doc.contains(&block),
            "docs/github-actions.md does not show docs/examples/{example} as it is"
        );
    }
}
