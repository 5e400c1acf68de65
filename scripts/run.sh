#!/usr/bin/env bash
# Installs what is missing, builds the UI and the desktop app, and runs it:
# standalone, with its embedded SQLite database and demo data (no server).
#
#   bash scripts/run.sh [APP ARGS...]
#
# Environment:
#   SO_DATA_DIR=DIR   the app's data directory (database, documents); default:
#                     the OS app-data dir (~/.local/share/org.secondopinion.desktop)
#   RUN_HEADLESS=1    run on a virtual screen (Xvfb) instead: a quick smoke run
#                     that starts the app, waits RUN_SECONDS (default 20),
#                     saves a screenshot, stops it and fails if it crashed
#   SKIP_SETUP=1      do not run scripts/setup.sh first
set -euo pipefail

# shellcheck source=scripts/env.sh
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$SO_ROOT"

say() { printf '[run] %s\n' "$*"; }
die() {
  printf '[run] ERROR: %s\n' "$*" >&2
  exit 1
}

# --- inside the virtual screen (RUN_HEADLESS=1): started by the code below ---
if [[ "${1:-}" == "--headless-inner" ]]; then
  shift
  seconds="${RUN_SECONDS:-20}"
  shot="$SO_LOG_DIR/run-headless.png"
  applog="$SO_LOG_DIR/run-headless-app.log"
  mkdir -p "$SO_LOG_DIR"
  "$SO_APP_BINARY" "$@" >"$applog" 2>&1 &
  app=$!
  say "app started (pid $app) on DISPLAY=$DISPLAY; watching it for $seconds s (log: $applog)"
  alive() { # running, and not a zombie waiting to be reaped
    local state
    state="$(ps -o stat= -p "$1" 2>/dev/null)" && [[ -n "$state" && "$state" != Z* ]]
  }
  for ((i = 0; i < seconds; i++)); do
    if ! alive "$app" || grep -q 'panicked at' "$applog"; then
      kill "$app" 2>/dev/null || true
      rc=0
      wait "$app" || rc=$?
      grep -v '^ \{2,\}' "$applog" | tail -n 30 >&2
      die "the app failed or exited early (status $rc); its full log: $applog"
    fi
    sleep 1
  done
  if command -v import >/dev/null 2>&1; then
    import -window root "$shot" && say "screenshot of the virtual screen: $shot"
  fi
  kill "$app" 2>/dev/null || true
  wait "$app" 2>/dev/null || true
  say "headless smoke run ok: the app ran for $seconds s"
  exit 0
fi

# --- 1. prerequisites -------------------------------------------------------
if [[ "${SKIP_SETUP:-0}" != 1 ]]; then
  bash "$SO_ROOT/scripts/setup.sh" --app-only
fi

# --- 2. the UI (ui/dist is embedded into the app at compile time) -----------
ui_stale() {
  [[ -f "$SO_UI_DIST/index.html" ]] || return 0
  # Anything the build reads that is newer than the last build?
  [[ -n "$(find "$SO_UI_DIR/src" "$SO_UI_DIR/public" "$SO_UI_DIR/index.html" \
    "$SO_UI_DIR"/package*.json "$SO_UI_DIR"/vite.config.* "$SO_UI_DIR"/tsconfig*.json \
    -newer "$SO_UI_DIST/index.html" -print -quit 2>/dev/null)" ]]
}
if ui_stale; then
  say "building the UI (npm run build in ui/)"
  (cd "$SO_UI_DIR" && npm run --silent build)
else
  say "UI build up to date (ui/dist)"
fi

# --- 3. the app ---------------------------------------------------------------
# `--workspace --bin so-desktop`, not `-p so-desktop`: cargo picks the dependencies'
# features from the packages a command names, so only this builds them as the tests
# and scripts/test.sh do, and after those nothing is built again (crates/workspace-hack).
say "building the app: cargo build --workspace --bin so-desktop (the first build takes a few minutes)"
cargo build --workspace --bin so-desktop --locked
[[ -x "$SO_APP_BINARY" ]] || die "the build did not produce $SO_APP_BINARY"

if [[ -n "${SO_DATA_DIR:-}" ]]; then
  mkdir -p "$SO_DATA_DIR"
  SO_DATA_DIR="$(cd "$SO_DATA_DIR" && pwd)"
  export SO_DATA_DIR
  say "data directory: $SO_DATA_DIR (SO_DATA_DIR)"
else
  say "data directory: the OS app-data dir (set SO_DATA_DIR to use another)"
fi

# --- 4. run -------------------------------------------------------------------
if [[ "${RUN_HEADLESS:-0}" == 1 ]]; then
  command -v xvfb-run >/dev/null 2>&1 || die "RUN_HEADLESS=1 needs xvfb-run (apt package xvfb)"
  command -v dbus-run-session >/dev/null 2>&1 || die "RUN_HEADLESS=1 needs dbus-run-session (apt package dbus)"
  say "running headless on a virtual screen ($SO_XVFB_SCREEN)"
  so_headless bash "$SO_ROOT/scripts/run.sh" --headless-inner "$@"
  exit 0
fi

if [[ -z "${DISPLAY:-}" && -z "${WAYLAND_DISPLAY:-}" && "$(uname -s)" == Linux ]]; then
  die "no display (neither DISPLAY nor WAYLAND_DISPLAY is set); run it from a desktop session, or try RUN_HEADLESS=1"
fi
say "starting $SO_APP_BINARY"
exec "$SO_APP_BINARY" "$@"
