#!/usr/bin/env bash
# The pre-commit hook, run by the real pre-commit against this repository: in a temporary git
# repository holding a vault, a staged note with a broken link fails the hook and the report is
# printed; once the link is fixed, the hook passes. Then the hook with `args: [--fix]`, as
# docs/integrations.md shows it: it fails the commit once, leaves the fixed note in the work tree,
# and passes once that note is staged.
# usage: .ci/pre-commit-test.sh PRE_COMMIT_EXECUTABLE
set -euo pipefail
pre_commit="$(realpath "$1")"
repo="$(cd "$(dirname "$0")/.." && pwd)"
tools="$repo/target/ci-tools"

# pre-commit clones this repository and `cargo install`s it (a release build). Keep its cache and
# the build folder under target/ so that a second run reuses them, and build without LTO: the
# test is about the hook, not about the speed of the binary.
export PRE_COMMIT_HOME="$tools/pre-commit-home"
export CARGO_TARGET_DIR="$tools/pre-commit-build"
export CARGO_PROFILE_RELEASE_LTO=false
export CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mkdir "$work/repo"
cd "$work/repo"
git init -q
git config user.name ci
git config user.email ci@example.invalid
# The vault is a folder of the repository: pre-commit passes paths relative to the repository
# root, and vaultlint finds the vault root by walking up to `.vaultlint.yaml`.
mkdir -p research/Actors
printf 'today: 2026-11-26\n' > research/.vaultlint.yaml
printf '# OpenAI\n\n*Updated 2026-11-01*\n\n## Funding\n\nRaised $6.6B in October 2024.\n' \
  > research/Actors/OpenAI.md
printf '# Sam Altman\n\nChief executive of [[OpenAi]] and an investor in [[Helion Energy]].\n' \
  > research/Actors/Sam\ Altman.md
git add -A

run_hook() {
  "$pre_commit" try-repo "$repo" vaultlint --files "research/Actors/Sam Altman.md" \
    > "$work/out.txt" 2>&1
}

echo "-- a staged note with a broken link: the hook must fail"
if run_hook; then
  cat "$work/out.txt"
  echo "pre-commit test: the hook passed on a broken link" >&2
  exit 1
fi
cat "$work/out.txt"
grep -q 'Link target `Helion Energy` does not match any note' "$work/out.txt" || {
  echo "pre-commit test: the hook failed without printing the report" >&2
  exit 1
}
if grep -q 'Link target `OpenAi`' "$work/out.txt"; then
  echo "pre-commit test: a link to an existing note (another case) was reported" >&2
  exit 1
fi

echo "-- the link fixed: the hook must pass"
printf '# Sam Altman\n\nChief executive of [[OpenAi]] and an investor in Helion Energy.\n' \
  > research/Actors/Sam\ Altman.md
git add -A
if ! run_hook; then
  cat "$work/out.txt"
  echo "pre-commit test: the hook failed on a clean note" >&2
  exit 1
fi
cat "$work/out.txt"

echo "-- args: [--fix]: the hook fixes the note, fails once, then passes"
# A config naming this repository at its commit, as a vault's own `.pre-commit-config.yaml`
# would name a release (try-repo takes no `args`).
rev="$(git -C "$repo" rev-parse HEAD)"
cat > .pre-commit-config.yaml <<CONFIG
repos:
  - repo: $repo
    rev: $rev
    hooks:
      - id: vaultlint
        args: [--fix]
CONFIG
printf -- '---\naliases: [OpenAI Inc]\n---\n# OpenAI\n\n*Updated 2026-11-01*\n' \
  > research/Actors/OpenAI.md
printf '# Sam Altman\n\nChief executive of [[OpenAI Inc]].\n' > research/Actors/Sam\ Altman.md
git add -A
run_fix_hook() {
  "$pre_commit" run --files "research/Actors/Sam Altman.md" > "$work/out.txt" 2>&1
}
if run_fix_hook; then
  cat "$work/out.txt"
  echo "pre-commit test: the --fix hook passed although it changed a note" >&2
  exit 1
fi
cat "$work/out.txt"
grep -q 'files were modified by this hook' "$work/out.txt" || {
  echo "pre-commit test: the --fix hook failed for another reason than fixing" >&2
  exit 1
}
grep -qF 'Chief executive of [[OpenAI|OpenAI Inc]].' research/Actors/Sam\ Altman.md || {
  cat research/Actors/Sam\ Altman.md
  echo "pre-commit test: the --fix hook did not leave the fixed note in the work tree" >&2
  exit 1
}
git add -A
if ! run_fix_hook; then
  cat "$work/out.txt"
  echo "pre-commit test: the --fix hook failed on the fixed note" >&2
  exit 1
fi
cat "$work/out.txt"
echo "pre-commit test: passed"
