#!/usr/bin/env bash
# Fails when the tests and the binaries would build a dependency with different
# features, that is twice (and everything above it too).
#
#   bash scripts/check-features.sh        (part of the clippy stage of scripts/test.sh)
#
# Cargo turns on the features the dev-dependencies ask for only in builds of tests,
# benchmarks and examples (`cargo nextest run`, `cargo clippy --all-targets`), not in
# `cargo build --workspace --bins`. Every such feature must therefore also be asked for
# by a normal dependency: on the workspace dependency in Cargo.toml when a crate of
# ours asks for it (tokio), else in crates/workspace-hack/Cargo.toml. This compares
# the features `cargo tree` resolves with and without the dev-dependencies.
set -euo pipefail

# shellcheck source=scripts/env.sh
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$SO_ROOT"

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

# One line per package and feature set: "name vX.Y.Z [(path)]|feat,feat".
resolve() {
  cargo tree --workspace --locked --prefix none --format '{p}|{f}' --edges "$1" |
    sed 's/ (\*)$//' | grep -v '^$' | sort -u
}
resolve normal,build >"$tmp/normal"
resolve normal,build,dev >"$tmp/dev"

# Only the packages the binaries build too; those only the tests use do not matter.
cut -d'|' -f1 "$tmp/normal" | sort -u >"$tmp/packages"
awk -F'|' 'NR == FNR { keep[$1] = 1; next } keep[$1]' "$tmp/packages" "$tmp/dev" >"$tmp/dev-shared"

# A feature set that the tests resolve and the binaries do not is a second build.
# (Not the other way round: `cargo tree` shows a package built for the host and for the
# target once when their features agree with the dev-dependencies, twice without.)
comm -23 "$tmp/dev-shared" "$tmp/normal" | cut -d'|' -f1 | sort -u >"$tmp/twice"
if [[ ! -s "$tmp/twice" ]]; then
  echo "features: the tests and the binaries build their $(wc -l <"$tmp/packages") shared packages with the same features"
  exit 0
fi

{
  echo "features: the tests would build these dependencies with other features than the binaries"
  echo "(so each of them, and all that depends on it, would be built twice):"
  while read -r package; do
    # The feature sets of the package in one resolution, one a line.
    sets() { awk -F'|' -v p="$package" '$1 == p { print ($2 == "" ? "(none)" : $2) }' "$1"; }
    # The features that only the dev-dependencies ask for.
    added="$(comm -13 <(sets "$tmp/normal" | tr , '\n' | sort -u) \
      <(sets "$tmp/dev-shared" | tr , '\n' | sort -u) | grep -vx '(none)' | paste -sd, -)"
    echo "  $package: ${added:-a different combination of the same features}"
    echo "    binaries: $(sets "$tmp/normal" | paste -sd' ' -)"
    echo "    tests:    $(sets "$tmp/dev-shared" | paste -sd' ' -)"
  done <"$tmp/twice"
  echo "Ask for them in a normal dependency: on the workspace dependency in Cargo.toml when one"
  echo "of our crates asks for them, else in crates/workspace-hack/Cargo.toml (see there why)."
  echo "Which dev-dependency asks: cargo tree --workspace -e features -i <package>"
} >&2
exit 1
