#!/usr/bin/env bash
# Installs what building, running and testing the app need, and nothing that is
# already there. Safe to run again and again: every step checks first.
#
#   bash scripts/setup.sh             everything (what scripts/test.sh needs)
#   bash scripts/setup.sh --app-only  skip the end-to-end test tools
#                                     (tauri-driver, Python venv); used by run.sh
#
# What it may install, and why:
#   * Debian/Ubuntu packages (apt-get, via sudo when not root): the WebKitGTK,
#     GTK, tray, TLS, SVG and input libraries that Tauri compiles against; Xvfb,
#     D-Bus and WebKitWebDriver to run and drive the app without a screen; the
#     gnome-keyring, dunst and keyutils services the app talks to in tests;
#     poppler-utils and ImageMagick to check PDFs and screenshots.
#   * Rust: the toolchain pinned in rust-toolchain.toml (through rustup; rustup
#     itself from sh.rustup.rs only when cargo is missing entirely).
#   * Node.js 22 into ~/.cache/second-opinion/node, only when no Node.js >= 20.19
#     is on PATH.
#   * tauri-driver (crates.io, pinned) into ~/.cargo/bin: the WebDriver server for
#     Tauri apps.
#   * .venv-e2e/: a Python virtualenv with the exact packages pinned in
#     tests/e2e/requirements.txt (selenium, pytest).
#   * ui/node_modules: `npm ci` from ui/package-lock.json.
set -euo pipefail

# shellcheck source=scripts/env.sh
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"

APP_ONLY=0
for arg in "$@"; do
  case "$arg" in
    --app-only) APP_ONLY=1 ;;
    -h | --help)
      sed -n '2,9p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
      exit 0
      ;;
    *)
      echo "setup.sh: unknown argument: $arg (try --help)" >&2
      exit 2
      ;;
  esac
done

say() { printf '[setup] %s\n' "$*"; }
die() {
  printf '[setup] ERROR: %s\n' "$*" >&2
  exit 1
}
INSTALLED=()

# --------------------------------------------------------------------------
# 1. System packages (Debian/Ubuntu)
# --------------------------------------------------------------------------
# package|why
APT_PACKAGES=(
  "build-essential|C compiler and make, for crates that build C code"
  "pkg-config|lets -sys crates find the system libraries below"
  "libwebkit2gtk-4.1-dev|WebKitGTK 4.1 + GTK 3: the webview Tauri uses on Linux"
  "libssl-dev|TLS for HTTP clients"
  "libayatana-appindicator3-dev|system tray support in Tauri"
  "librsvg2-dev|SVG icons in GTK"
  "libxdo-dev|keyboard shortcuts / menu accelerators in Tauri"
  "xvfb|virtual X screen: run the app without a display (tests, RUN_HEADLESS=1)"
  "xauth|used by xvfb-run"
  "dbus-x11|D-Bus sessions (dbus-run-session) for headless runs"
  "webkit2gtk-driver|WebKitWebDriver, which tauri-driver drives"
  "xdotool|window inspection in end-to-end tests"
  "imagemagick|screenshots of the virtual screen (import) and image checks"
  "gnome-keyring|an OS keyring (Secret Service) for keyring tests"
  "libsecret-tools|secret-tool, to inspect the keyring in tests"
  "keyutils|kernel keyring (keyctl), the other Linux keyring backend"
  "dunst|a notification daemon, so desktop notifications can be tested"
  "libnotify-bin|notify-send, to check the notification service"
  "poppler-utils|pdftotext/pdftoppm, to check generated PDF reports"
  "python3-venv|the Python virtualenv for the end-to-end tests"
  "curl|downloads (rustup, Node.js) when those are missing"
  "ca-certificates|HTTPS for the downloads above"
)

apt_missing=()
if command -v dpkg-query >/dev/null 2>&1 && command -v apt-get >/dev/null 2>&1; then
  for entry in "${APT_PACKAGES[@]}"; do
    pkg="${entry%%|*}"
    if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed'; then
      apt_missing+=("$entry")
    fi
  done
  if ((${#apt_missing[@]} == 0)); then
    say "system packages: all ${#APT_PACKAGES[@]} present"
  else
    say "installing ${#apt_missing[@]} missing Debian package(s):"
    names=()
    for entry in "${apt_missing[@]}"; do
      printf '[setup]   %-30s %s\n' "${entry%%|*}" "${entry#*|}"
      names+=("${entry%%|*}")
    done
    SUDO=()
    if ((EUID != 0)); then
      command -v sudo >/dev/null 2>&1 || die "not root and no sudo: install these as root: ${names[*]}"
      SUDO=(sudo)
      say "(using sudo: you may be asked for your password)"
    fi
    export DEBIAN_FRONTEND=noninteractive
    say "apt-get update ..."
    "${SUDO[@]}" apt-get update -qq
    "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${names[@]}"
    INSTALLED+=("Debian packages: ${names[*]}")
  fi
else
  say "WARNING: no apt-get/dpkg here (not Debian/Ubuntu). Skipping system packages;"
  say "         install the equivalents yourself (see README.md, 'Prerequisites')."
fi

# WebKitGTK wants a cache directory.
mkdir -p "$HOME/.cache"

# --------------------------------------------------------------------------
# 2. Rust toolchain (pinned by rust-toolchain.toml)
# --------------------------------------------------------------------------
if ! command -v cargo >/dev/null 2>&1; then
  say "Rust: cargo not found; installing rustup from https://sh.rustup.rs (the Rust installer)"
  curl --proto '=https' --tlsv1.2 -sSf https://sh.rustup.rs |
    sh -s -- -y --profile minimal --default-toolchain none --no-modify-path
  # shellcheck disable=SC1091
  source "$HOME/.cargo/env"
  INSTALLED+=("rustup")
fi
toolchain="$(sed -n 's/^channel *= *"\(.*\)".*/\1/p' "$SO_ROOT/rust-toolchain.toml" 2>/dev/null || true)"
if [[ -n "$toolchain" ]] && command -v rustup >/dev/null 2>&1; then
  if rustup toolchain list | grep -q "^$toolchain"; then
    say "Rust: toolchain $toolchain present"
  else
    say "Rust: installing toolchain $toolchain (pinned in rust-toolchain.toml) with rustfmt and clippy"
    rustup toolchain install "$toolchain" --profile minimal -c rustfmt -c clippy
    INSTALLED+=("Rust $toolchain")
  fi
fi
(cd "$SO_ROOT" && cargo --version >/dev/null) || die "cargo does not work (see above)"

# --------------------------------------------------------------------------
# 3. Node.js >= 20.19 (Vite 7 needs it)
# --------------------------------------------------------------------------
node_ok() {
  command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1 || return 1
  node -e '
    const [a, b] = process.versions.node.split(".").map(Number);
    process.exit(a > 22 || (a === 22 && b >= 12) || (a === 20 && b >= 19) ? 0 : 1);'
}
if node_ok; then
  say "Node.js: $(node --version) with npm $(npm --version)"
else
  NODE_VERSION="22.12.0"
  case "$(uname -m)" in
    x86_64) node_arch=x64 ;;
    aarch64 | arm64) node_arch=arm64 ;;
    *) die "Node.js >= 20.19 is needed and no build is known for $(uname -m); install it yourself" ;;
  esac
  node_dir="$SO_CACHE_DIR/node"
  say "Node.js: none >= 20.19 on PATH ($(node --version 2>/dev/null || echo 'not found'));"
  say "         installing Node.js $NODE_VERSION from nodejs.org into $node_dir (Debian's own is too old)"
  tmp="$(mktemp -d)"
  curl -fsSL "https://nodejs.org/dist/v$NODE_VERSION/node-v$NODE_VERSION-linux-$node_arch.tar.xz" -o "$tmp/node.tar.xz"
  rm -rf "$node_dir" && mkdir -p "$node_dir"
  tar -xJf "$tmp/node.tar.xz" -C "$node_dir" --strip-components=1
  rm -rf "$tmp"
  export PATH="$node_dir/bin:$PATH" # env.sh adds it for later scripts
  node_ok || die "Node.js install in $node_dir does not work"
  INSTALLED+=("Node.js $NODE_VERSION")
fi

# --------------------------------------------------------------------------
# 4. End-to-end test tools: tauri-driver and the Python virtualenv
# --------------------------------------------------------------------------
if ((APP_ONLY == 0)); then
  if cargo install --list 2>/dev/null | grep -q "^tauri-driver v$SO_TAURI_DRIVER_VERSION:"; then
    say "tauri-driver $SO_TAURI_DRIVER_VERSION present"
  else
    say "installing tauri-driver $SO_TAURI_DRIVER_VERSION (WebDriver server for Tauri apps; ~1 min build)"
    # Build it in cargo's own temporary directory, not in the project's target dir.
    (cd "$HOME" && env -u CARGO_TARGET_DIR cargo install tauri-driver --locked --version "$SO_TAURI_DRIVER_VERSION")
    INSTALLED+=("tauri-driver $SO_TAURI_DRIVER_VERSION")
  fi
  if [[ -e /usr/bin/WebKitWebDriver ]] || command -v WebKitWebDriver >/dev/null 2>&1; then
    :
  else
    say "WARNING: WebKitWebDriver not found (package webkit2gtk-driver); the end-to-end tests will fail"
  fi

  req="$SO_ROOT/tests/e2e/requirements.txt"
  stamp="$SO_VENV/.so-requirements.sha256"
  want="$( (sha256sum "$req" | cut -d' ' -f1; python3 --version) | tr '\n' ' ')"
  if [[ -x "$SO_VENV/bin/python" && -f "$stamp" && "$(cat "$stamp")" == "$want" ]]; then
    say "Python venv for e2e tests up to date ($SO_VENV)"
  else
    say "creating the Python venv for the e2e tests in $SO_VENV (packages pinned in tests/e2e/requirements.txt)"
    python3 -m venv --clear "$SO_VENV"
    "$SO_VENV/bin/python" -m pip install --disable-pip-version-check -q -r "$req"
    "$SO_VENV/bin/python" -m pip check --disable-pip-version-check >/dev/null
    printf '%s' "$want" >"$stamp"
    INSTALLED+=("Python venv .venv-e2e")
  fi
fi

# --------------------------------------------------------------------------
# 5. UI dependencies
# --------------------------------------------------------------------------
ui="$SO_UI_DIR"
if [[ ! -f "$ui/package.json" ]]; then
  say "WARNING: $ui/package.json not found; skipping npm ci"
elif [[ ! -f "$ui/package-lock.json" ]]; then
  die "$ui/package-lock.json is missing: run 'npm install' in ui/ and commit the lock file"
elif [[ ! -f "$ui/node_modules/.package-lock.json" || "$ui/package-lock.json" -nt "$ui/node_modules/.package-lock.json" ]]; then
  say "installing UI dependencies: npm ci in ui/ (exact versions from package-lock.json)"
  (cd "$ui" && npm ci --no-audit --no-fund)
  INSTALLED+=("ui/node_modules")
else
  say "UI dependencies up to date (ui/node_modules)"
fi

if ((${#INSTALLED[@]} == 0)); then
  say "done: everything was already in place"
else
  say "done; installed:"
  printf '[setup]   - %s\n' "${INSTALLED[@]}"
fi
