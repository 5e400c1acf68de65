# shellcheck shell=bash
# Common environment for the project's scripts. Source it, don't run it:
#     source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
# Every variable below keeps a value that is already set in the environment.

SO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export SO_ROOT

# Cargo's build output lives outside the clone, in a persistent cache, so that a
# fresh clone (and CI) reuses earlier builds. Override by exporting CARGO_TARGET_DIR.
export SO_CACHE_DIR="${SO_CACHE_DIR:-$HOME/.cache/second-opinion}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$SO_CACHE_DIR/target}"

# rustup's and cargo install's binaries (tauri-driver) even in a non-login shell.
case ":$PATH:" in
  *":$HOME/.cargo/bin:"*) ;;
  *) export PATH="$HOME/.cargo/bin:$PATH" ;;
esac

# Node.js that setup.sh installed itself (only when the system has none >= 20.19).
if [[ -x "$SO_CACHE_DIR/node/bin/node" ]]; then
  case ":$PATH:" in
    *":$SO_CACHE_DIR/node/bin:"*) ;;
    *) export PATH="$SO_CACHE_DIR/node/bin:$PATH" ;;
  esac
fi

export SO_UI_DIR="$SO_ROOT/ui"
export SO_UI_DIST="$SO_UI_DIR/dist"
# Python virtualenv with selenium + pytest for the end-to-end tests (git-ignored).
export SO_VENV="${SO_VENV:-$SO_ROOT/.venv-e2e}"
# The debug build of the desktop app, driven by the end-to-end tests.
export SO_APP_BINARY="${SO_APP_BINARY:-$CARGO_TARGET_DIR/debug/so-desktop}"
# Screenshots and logs of the end-to-end tests.
export E2E_ARTIFACTS="${E2E_ARTIFACTS:-$SO_ROOT/tests/e2e/artifacts}"
# Full logs of each stage of scripts/test.sh (git-ignored).
export SO_LOG_DIR="${SO_LOG_DIR:-$SO_ROOT/.logs}"

# The exact tauri-driver that setup.sh installs (crates.io; newest stable 2.x).
export SO_TAURI_DRIVER_VERSION="2.1.0"

# The virtual screen used by headless runs and the end-to-end tests.
SO_XVFB_SCREEN="${SO_XVFB_SCREEN:-1280x800x24}"
export SO_XVFB_SCREEN

# so_headless CMD... : run CMD on a virtual X screen inside its own D-Bus
# session, with the gnome-keyring unlocked (tests/e2e/in-session.sh).
# CMD keeps this shell's stdout and stderr; what the session's own services
# (Xvfb, dbus-daemon and what it starts) print goes to
# $SO_LOG_DIR/headless-session.log, shown only when CMD fails.
so_headless() {
  local noise="$SO_LOG_DIR/headless-session.log" rc=0
  mkdir -p "$SO_LOG_DIR"
  : >"$noise"
  SO_CMD_FDS=1 xvfb-run -a -s "-screen 0 $SO_XVFB_SCREEN" \
    dbus-run-session -- bash "$SO_ROOT/tests/e2e/in-session.sh" "$@" \
    3>&1 4>&2 >>"$noise" 2>&1 || rc=$?
  if ((rc != 0)) && [[ -s "$noise" ]]; then
    echo "--- the headless session's own messages ($noise), last lines:" >&2
    grep -v 'Activating service\|Successfully activated\|fd limit' "$noise" | tail -n 15 >&2
  fi
  return "$rc"
}
