#!/usr/bin/env bash
# Installs what is missing and runs every test, in stages, failing fast:
#
#   bash scripts/test.sh              all stages, in this order
#   bash scripts/test.sh ui rust      only the named stages (names below)
#
#   setup   scripts/setup.sh (system packages, tauri-driver, venv, npm ci)
#   fmt     cargo fmt --all -- --check
#   ui      npm run lint, typecheck, test, build (ui/dist, embedded by the app)
#   clippy  scripts/check-features.sh (the tests and the binaries share their
#           dependency builds), then
#           cargo clippy --workspace --all-targets --locked -- -D warnings
#   rust    cargo nextest run --workspace --locked (cargo test without nextest),
#           then the doc tests
#   keyring the OS-keyring test of the sync client's token store, inside a
#           D-Bus session with an unlocked gnome-keyring (so_headless)
#   app     cargo build --workspace --bins --locked: the app (so-desktop), and the
#           server (so-server) the e2e tests of server mode run
#   e2e     the real app driven through tauri-driver on a virtual screen
#           (pytest tests/e2e; screenshots in tests/e2e/artifacts)
#
# Each stage's full output is also in .logs/<stage>.log; a failure names it.
# CI runs this very script (.ci/run).
set -euo pipefail

# shellcheck source=scripts/env.sh
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$SO_ROOT"

ALL_STAGES=(setup fmt ui clippy rust keyring app e2e)
declare -A TITLES=(
  [setup]="setup: install what is missing"
  [fmt]="cargo fmt --check"
  [ui]="UI: lint, typecheck, unit tests, build"
  [clippy]="cargo clippy -D warnings"
  [rust]="Rust tests"
  [keyring]="the session token in the real OS keyring"
  [app]="build the desktop app (so-desktop)"
  [e2e]="end-to-end tests of the real app"
)

STAGES=()
for arg in "$@"; do
  case "$arg" in
    -h | --help)
      sed -n '2,19p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
      exit 0
      ;;
    *)
      [[ -n "${TITLES[$arg]:-}" ]] || {
        echo "test.sh: unknown stage '$arg' (stages: ${ALL_STAGES[*]})" >&2
        exit 2
      }
      STAGES+=("$arg")
      ;;
  esac
done
((${#STAGES[@]} > 0)) || STAGES=("${ALL_STAGES[@]}")

mkdir -p "$SO_LOG_DIR"
# The log directory ignores itself, so that it never shows up in git status.
[[ -f "$SO_LOG_DIR/.gitignore" ]] || printf '*\n' >"$SO_LOG_DIR/.gitignore"

# ----------------------------------------------------------------------------
# the stages
# ----------------------------------------------------------------------------
stage_setup() { bash "$SO_ROOT/scripts/setup.sh"; }

stage_fmt() { cargo fmt --all -- --check; }

stage_ui() {
  cd "$SO_UI_DIR"
  local step
  for step in lint typecheck test build; do
    echo "--- npm run $step"
    npm run --silent "$step"
  done
  [[ -f "$SO_UI_DIST/index.html" ]] || {
    echo "npm run build did not produce $SO_UI_DIST/index.html" >&2
    return 1
  }
}

need_ui_dist() {
  # tauri::generate_context! embeds ui/dist: nothing compiles src-tauri without it.
  [[ -f "$SO_UI_DIST/index.html" ]] || {
    echo "ui/dist is missing: run the 'ui' stage first (bash scripts/test.sh ui)" >&2
    return 1
  }
}

stage_clippy() {
  need_ui_dist
  bash "$SO_ROOT/scripts/check-features.sh"
  cargo clippy --workspace --all-targets --locked -- -D warnings
}

stage_rust() {
  need_ui_dist
  if cargo nextest --version >/dev/null 2>&1; then
    echo "--- cargo nextest run --workspace --locked"
    cargo nextest run --workspace --locked
    # nextest does not run doc tests.
    echo "--- cargo test --workspace --doc --locked"
    cargo test --workspace --doc --locked
  else
    echo "--- cargo-nextest not installed: cargo test --workspace --locked"
    cargo test --workspace --locked
  fi
}

stage_keyring() {
  # The one test that needs a Secret Service; `cargo test` elsewhere skips it (ignored).
  # `--workspace`, not `-p so-core`: the test binaries the rust stage built, not
  # another build of so-core's dependencies with other features.
  so_headless cargo test --workspace --locked --lib tokens:: -- --ignored
}

stage_app() {
  need_ui_dist
  # The e2e tests need both binaries. `--workspace`, as every script builds: the same
  # dependency features as the clippy and rust stages (scripts/check-features.sh), so
  # all their builds are reused (so-server too) and only so-desktop's own crate is
  # compiled; scripts/run.sh and scripts/server.sh then build nothing.
  cargo build --workspace --bins --locked
  [[ -x "$SO_APP_BINARY" ]] || {
    echo "the build did not produce $SO_APP_BINARY" >&2
    return 1
  }
  echo "app binary: $SO_APP_BINARY"
}

stage_e2e() {
  local missing=()
  [[ -x "$SO_APP_BINARY" ]] || missing+=("the app ($SO_APP_BINARY: run the 'app' stage)")
  [[ -x "$SO_VENV/bin/python" ]] || missing+=("the Python venv $SO_VENV (scripts/setup.sh)")
  command -v tauri-driver >/dev/null 2>&1 || missing+=("tauri-driver (scripts/setup.sh)")
  command -v WebKitWebDriver >/dev/null 2>&1 || [[ -x /usr/bin/WebKitWebDriver ]] ||
    missing+=("WebKitWebDriver (apt package webkit2gtk-driver)")
  command -v xvfb-run >/dev/null 2>&1 || missing+=("xvfb-run (apt package xvfb)")
  command -v dbus-run-session >/dev/null 2>&1 || missing+=("dbus-run-session (apt package dbus)")
  if ((${#missing[@]} > 0)); then
    printf 'missing: %s\n' "${missing[@]}" >&2
    return 1
  fi
  rm -rf "$E2E_ARTIFACTS"
  mkdir -p "$E2E_ARTIFACTS"
  so_headless "$SO_VENV/bin/python" -m pytest "$SO_ROOT/tests/e2e" -v -p no:cacheprovider
}

# ----------------------------------------------------------------------------
# running them
# ----------------------------------------------------------------------------
BOLD="" RESET="" RED="" GREEN=""
if [[ -t 1 ]]; then BOLD=$'\e[1m' RESET=$'\e[0m' RED=$'\e[31m' GREEN=$'\e[32m'; fi

TIMINGS=()
fmt_secs() { printf '%dm%02ds' $(($1 / 60)) $(($1 % 60)); }
summary() {
  ((${#TIMINGS[@]} > 0)) || return 0
  echo
  echo "${BOLD}stage timings${RESET}"
  printf '  %s\n' "${TIMINGS[@]}"
  printf '  %-8s %8s\n' total "$(fmt_secs $((SECONDS - T0)))"
}

T0=$SECONDS
n=0
for stage in "${STAGES[@]}"; do
  n=$((n + 1))
  log="$SO_LOG_DIR/$stage.log"
  echo
  echo "${BOLD}==================================================================${RESET}"
  echo "${BOLD}== [$n/${#STAGES[@]}] $stage: ${TITLES[$stage]}${RESET}"
  echo "${BOLD}==   log: $log${RESET}"
  echo "${BOLD}==================================================================${RESET}"
  start=$SECONDS
  set +e
  (set -e; "stage_$stage") 2>&1 | tee "$log"
  rc=${PIPESTATUS[0]}
  set -e
  took=$((SECONDS - start))
  if ((rc != 0)); then
    TIMINGS+=("$(printf '%-8s %8s  FAILED' "$stage" "$(fmt_secs "$took")")")
    summary
    echo
    echo "${RED}${BOLD}FAILED: stage '$stage' (exit $rc) after $(fmt_secs "$took")${RESET}"
    echo "${RED}${BOLD}        full log: $log${RESET}"
    if [[ "$stage" == e2e && -d "$E2E_ARTIFACTS" ]]; then
      echo "        e2e screenshots and logs: $E2E_ARTIFACTS"
    fi
    exit "$rc"
  fi
  TIMINGS+=("$(printf '%-8s %8s  ok' "$stage" "$(fmt_secs "$took")")")
  echo "${GREEN}-- $stage ok ($(fmt_secs "$took"))${RESET}"
done

summary
echo
echo "${GREEN}${BOLD}All stages passed: ${STAGES[*]}${RESET}"
if [[ " ${STAGES[*]} " == *" e2e "* ]]; then
  echo "e2e screenshots: $E2E_ARTIFACTS"
  find "$E2E_ARTIFACTS" -name '*.png' -printf '  %p\n' 2>/dev/null | sort
fi
