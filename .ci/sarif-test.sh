#!/usr/bin/env bash
# Validates vaultlint's SARIF output with Microsoft's SARIF validator (npm package
# @microsoft/sarif-multitool): on the sample vault, and on a small vault with what the sample
# lacks (a warning, a path to percent-encode, a note that cannot be read). Any error or warning
# fails the check.
# usage: .ci/sarif-test.sh TOOLS_DIR VAULTLINT_BINARY
set -euo pipefail
tools="$(realpath "$1")"
vaultlint="$(realpath "$2")"
cd "$(dirname "$0")/.."

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
edge="$work/edge-vault"
mkdir -p "$edge/Actors" "$edge/x" "$edge/y"
printf 'today: 2026-11-26\n' > "$edge/.vaultlint.yaml"
printf '# Hugging Face\n\nSee [[Nope]] and [[B]], 50%% of it.\n' > "$edge/Actors/Hugging Face.md"
printf '# B\n' > "$edge/x/B.md"
printf '# B\n' > "$edge/y/B.md"
printf 'binary\0note\n' > "$edge/Bad.md"

failed=0
validate() { # NAME VAULT_DIR
  local sarif="$work/$1.sarif" code=0
  "$vaultlint" check "$2" --format sarif > "$sarif" || code=$?
  if [ "$code" -gt 2 ]; then
    echo "vaultlint exited $code on $2" >&2
    exit 1
  fi
  # The validator exits 0 whatever it finds: read both its console and its own SARIF log.
  (cd "$tools" && npx --no-install sarif-multitool validate "$sarif" \
    --output "$work/$1.validation.sarif" --log ForceOverwrite) | tee "$work/$1.console"
  if grep -Eq ': (error|warning) ' "$work/$1.console"; then
    failed=1
  fi
  node -e '
const log = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
const results = log.runs.flatMap((r) => r.results ?? []);
const bad = results.filter((r) => (r.level ?? "warning") !== "note" && r.level !== "none");
console.log(`${process.argv[2]}: ${bad.length} error(s) or warning(s)`);
process.exit(bad.length === 0 ? 0 : 1);
' "$work/$1.validation.sarif" "$1" || failed=1
}

validate research-vault fixtures/research-vault
validate edge-vault "$edge"
if [ "$failed" -ne 0 ]; then
  echo "SARIF validation failed" >&2
  exit 1
fi
echo "SARIF validation: passed"
