#!/usr/bin/env bash
# Installs what building, running and testing the app need, and nothing that is
# already there. Safe to run again and again: every step checks first.
#
#   bash scripts/setup.sh             everything (what scripts/test.sh needs)
#   bash scripts/setup.sh --app-only  only what building and running the app
#                                     needs (used by scripts/run.sh)
#   bash scripts/setup.sh --server-only  only what building and running the
#                                     central server needs: a C toolchain, Rust
#                                     and PostgreSQL (used by scripts/server.sh)
#
# What it may install, and why:
#   * Debian/Ubuntu packages (apt-get, via sudo when not root): the WebKitGTK,
#     GTK, tray, TLS, SVG and input libraries Tauri compiles against; Xvfb and
#     D-Bus to run the app without a screen. For the tests also WebKitWebDriver,
#     gnome-keyring, dunst, keyutils, ImageMagick and poppler-utils. For the
#     server and its tests (not with --app-only): postgresql, whose initdb,
#     pg_ctl and postgres binaries scripts/pg.sh runs to keep a cluster of its
#     own in a folder of the project's (Debian's package may also set up and
#     start its own system cluster on port 5432; nothing here uses that one).
#   * Node.js >= 20.19 with npm, when none is on PATH: from apt when the
#     distribution's package is new enough, else (last resort) nodejs.org.
#   * tauri-driver (crates.io, pinned; not with --app-only) into ~/.cargo/bin:
#     the WebDriver server for Tauri apps.
#   * .venv-e2e/ (not with --app-only): a Python virtualenv with the exact
#     packages pinned in tests/e2e/requirements.txt (selenium, pytest).
#   * ui/node_modules: `npm ci` from ui/package-lock.json.
# Rust itself is expected (rustup, with the toolchain pinned in
# rust-toolchain.toml); only when cargo is missing entirely does it try the
# official installer from sh.rustup.rs as a last resort.
set -euo pipefail

# shellcheck source=scripts/env.sh
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"

APP_ONLY=0
SERVER_ONLY=0
for arg in "$@"; do
  case "$arg" in
    --app-only) APP_ONLY=1 ;;
    --server-only) SERVER_ONLY=1 ;;
    -h | --help)
      sed -n '2,11p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
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
summary() {
  if ((${#INSTALLED[@]} == 0)); then
    say "done: everything was already in place"
  else
    say "done; installed:"
    printf '[setup]   - %s\n' "${INSTALLED[@]}"
  fi
}

# Minimum Node.js: Vite 8 needs ^20.19 or >= 22.12.
NODE_MIN="20.19"
# The Node.js fetched from nodejs.org as a last resort.
NODE_FALLBACK_VERSION="22.12.0"

SUDO=()
need_root() {
  if ((EUID != 0)) && ((${#SUDO[@]} == 0)); then
    command -v sudo >/dev/null 2>&1 || die "not root and no sudo: run as root: $*"
    SUDO=(sudo)
    say "(using sudo: you may be asked for your password)"
  fi
}
have_apt() { command -v dpkg-query >/dev/null 2>&1 && command -v apt-get >/dev/null 2>&1; }
APT_UPDATED=0
apt_update_once() {
  if ((APT_UPDATED == 0)); then
    say "apt-get update ..."
    "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq ||
      die "apt-get update failed (no network, or a broken apt source?)"
    APT_UPDATED=1
  fi
}
apt_install() { # returns non-zero when apt-get fails
  need_root "apt-get install $*"
  apt_update_once
  "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$@"
}
pkg_installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'; }

# --------------------------------------------------------------------------
# 1. System packages (Debian/Ubuntu)
# --------------------------------------------------------------------------
# package|why
APT_APP=(
  "build-essential|C compiler and make, for crates that build C code"
  "pkg-config|lets -sys crates find the system libraries below"
  "libwebkit2gtk-4.1-dev|WebKitGTK 4.1 + GTK 3: the web view Tauri uses on Linux"
  "libssl-dev|TLS for HTTP clients"
  "libayatana-appindicator3-dev|system tray support in Tauri"
  "librsvg2-dev|SVG icons in GTK"
  "libxdo-dev|keyboard shortcuts / menu accelerators in Tauri"
  "xvfb|virtual X screen: run the app without a display (tests, RUN_HEADLESS=1)"
  "xauth|used by xvfb-run"
  "dbus-x11|D-Bus sessions (dbus-run-session) for headless runs"
  "imagemagick|screenshots of the virtual screen (import)"
  "curl|downloads Rust or Node.js, only when those are missing"
  "ca-certificates|HTTPS for the downloads above"
)
APT_TEST=(
  "webkit2gtk-driver|WebKitWebDriver, which tauri-driver drives in the end-to-end tests"
  "xdotool|window inspection in end-to-end tests"
  "gnome-keyring|an OS keyring (Secret Service) for the tests"
  "libsecret-tools|secret-tool, to inspect the keyring in tests"
  "keyutils|kernel keyring (keyctl), the other Linux keyring backend"
  "dunst|a notification daemon, so desktop notifications can be tested"
  "libnotify-bin|notify-send, to check the notification service"
  "poppler-utils|pdftotext/pdftoppm, to check generated PDF reports"
  "python3-venv|the Python virtualenv for the end-to-end tests"
)
APT_SERVER=(
  "postgresql|PostgreSQL server binaries (initdb, pg_ctl): scripts/pg.sh runs the central server's database from them, for 'make server' and the server tests"
)
if ((SERVER_ONLY == 1)); then
  # The server needs only the C toolchain (and curl for a last-resort rustup).
  APT_PACKAGES=("${APT_SERVER[@]}")
  for entry in "${APT_APP[@]}"; do
    case "${entry%%|*}" in
      build-essential | pkg-config | curl | ca-certificates) APT_PACKAGES+=("$entry") ;;
    esac
  done
else
  APT_PACKAGES=("${APT_APP[@]}")
  if ((APP_ONLY == 0)); then APT_PACKAGES+=("${APT_TEST[@]}" "${APT_SERVER[@]}"); fi
fi

if have_apt; then
  apt_missing=()
  for entry in "${APT_PACKAGES[@]}"; do
    pkg_installed "${entry%%|*}" || apt_missing+=("$entry")
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
    apt_install "${names[@]}" || die "apt-get install failed for: ${names[*]}"
    INSTALLED+=("Debian packages: ${names[*]}")
  fi
else
  say "WARNING: no apt-get/dpkg here: only Debian and Ubuntu are scripted. Skipping system"
  say "         packages; install the equivalents yourself (README.md, 'Prerequisites')."
fi

# WebKitGTK wants a cache directory.
mkdir -p "$HOME/.cache"

# --------------------------------------------------------------------------
# 2. Rust toolchain (pinned by rust-toolchain.toml)
# --------------------------------------------------------------------------
toolchain="$(sed -n 's/^channel *= *"\(.*\)".*/\1/p' "$SO_ROOT/rust-toolchain.toml" 2>/dev/null || true)"
rust_help="install Rust with rustup (https://rustup.rs), then: rustup toolchain install ${toolchain:-stable} -c rustfmt -c clippy"
if ! command -v cargo >/dev/null 2>&1; then
  # Last resort, for a fresh developer machine: the official installer. It is
  # never reached where cargo is already installed (CI machines have it).
  say "Rust: cargo not found. Last resort: the official installer from https://sh.rustup.rs"
  if curl --proto '=https' --tlsv1.2 -sSf --connect-timeout 15 --max-time 300 https://sh.rustup.rs -o "${TMPDIR:-/tmp}/rustup-init.sh"; then
    sh "${TMPDIR:-/tmp}/rustup-init.sh" -y --profile minimal --default-toolchain none --no-modify-path ||
      die "the rustup installer failed; $rust_help"
    rm -f "${TMPDIR:-/tmp}/rustup-init.sh"
    # shellcheck disable=SC1091
    source "$HOME/.cargo/env"
    INSTALLED+=("rustup")
  else
    die "cargo is missing and https://sh.rustup.rs cannot be reached; $rust_help"
  fi
fi
if [[ -n "$toolchain" ]] && command -v rustup >/dev/null 2>&1; then
  if rustup toolchain list | grep -q "^$toolchain"; then
    say "Rust: toolchain $toolchain present (pinned in rust-toolchain.toml)"
  else
    say "Rust: installing toolchain $toolchain (pinned in rust-toolchain.toml) with rustfmt and clippy"
    rustup toolchain install "$toolchain" --profile minimal -c rustfmt -c clippy ||
      die "could not install Rust $toolchain (needs https://static.rust-lang.org); install it yourself: rustup toolchain install $toolchain -c rustfmt -c clippy"
    INSTALLED+=("Rust $toolchain")
  fi
fi
(cd "$SO_ROOT" && cargo --version >/dev/null) || die "cargo does not work in $SO_ROOT (see above); $rust_help"
for comp in fmt clippy; do
  (cd "$SO_ROOT" && cargo "$comp" --version >/dev/null 2>&1) ||
    die "cargo $comp does not work: rustup component add ${comp/fmt/rustfmt} --toolchain ${toolchain:-stable}"
done

if ((SERVER_ONLY == 1)); then
  summary
  exit 0
fi

# --------------------------------------------------------------------------
# 3. Node.js >= 20.19 with npm (Vite 8 needs it)
# --------------------------------------------------------------------------
version_ok() { # version_ok X.Y[.Z...]: is it >= NODE_MIN (20.19, or 22.12 on 22)?
  local major minor
  IFS=. read -r major minor _ <<<"$1"
  [[ "$major" =~ ^[0-9]+$ && "$minor" =~ ^[0-9]+$ ]] || return 1
  ((major > 22 || (major == 22 && minor >= 12) || (major == 20 && minor >= 19)))
}
node_ok() {
  command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1 || return 1
  version_ok "$(node -p 'process.versions.node' 2>/dev/null)"
}
if node_ok; then
  say "Node.js: $(node --version) with npm $(npm --version)"
else
  say "Node.js: need >= $NODE_MIN with npm; found $(node --version 2>/dev/null || echo 'none')"
  # a) the distribution's own package, when it is new enough
  if have_apt; then
    candidate="$(apt-cache show --no-all-versions nodejs 2>/dev/null | sed -n 's/^Version: //p' | head -1 || true)"
    candidate="${candidate#*:}" # drop an epoch
    if [[ -n "$candidate" ]] && version_ok "$candidate"; then
      say "Node.js: installing apt's nodejs $candidate"
      if apt_install nodejs; then
        hash -r
        # Debian's nodejs comes without npm (NodeSource's bundles it).
        if ! command -v npm >/dev/null 2>&1; then apt_install npm || true; fi
        hash -r
        if node_ok; then INSTALLED+=("Node.js $(node --version) (apt)"); fi
      fi
    else
      say "Node.js: apt's nodejs (${candidate:-none}) is too old"
    fi
  fi
  # b) last resort: the official build from nodejs.org, into the cache dir
  if ! node_ok; then
    case "$(uname -m)" in
      x86_64) node_arch=x64 ;;
      aarch64 | arm64) node_arch=arm64 ;;
      *) node_arch="" ;;
    esac
    node_dir="$SO_CACHE_DIR/node"
    url="https://nodejs.org/dist/v$NODE_FALLBACK_VERSION/node-v$NODE_FALLBACK_VERSION-linux-$node_arch.tar.xz"
    tmp="$(mktemp -d)"
    if [[ -n "$node_arch" ]] && say "Node.js: last resort: $url into $node_dir" &&
      curl -fsSL --connect-timeout 15 --max-time 600 "$url" -o "$tmp/node.tar.xz"; then
      rm -rf "$node_dir" && mkdir -p "$node_dir"
      tar -xJf "$tmp/node.tar.xz" -C "$node_dir" --strip-components=1
      export PATH="$node_dir/bin:$PATH" # env.sh adds it for later scripts
      if node_ok; then INSTALLED+=("Node.js $NODE_FALLBACK_VERSION (nodejs.org, in $node_dir)"); fi
    fi
    rm -rf "$tmp"
  fi
  node_ok || die "Node.js >= $NODE_MIN with npm is needed (22 LTS recommended) and could not be installed;
        install it yourself (https://nodejs.org/en/download) so that 'node' and 'npm' are on PATH, then re-run."
fi

# --------------------------------------------------------------------------
# 4. End-to-end test tools: tauri-driver and the Python virtualenv
# --------------------------------------------------------------------------
if ((APP_ONLY == 0)); then
  if [[ -x "$HOME/.cargo/bin/tauri-driver" ]] &&
    cargo install --list 2>/dev/null | grep -q "^tauri-driver v$SO_TAURI_DRIVER_VERSION:"; then
    say "tauri-driver $SO_TAURI_DRIVER_VERSION present"
  else
    say "installing tauri-driver $SO_TAURI_DRIVER_VERSION from crates.io (WebDriver server for Tauri apps; ~1 min)"
    # With the pinned toolchain (run from the project), built in cargo's own
    # temporary directory rather than the project's target dir.
    (cd "$SO_ROOT" && env -u CARGO_TARGET_DIR cargo install tauri-driver --locked --version "$SO_TAURI_DRIVER_VERSION") ||
      die "could not install tauri-driver $SO_TAURI_DRIVER_VERSION from crates.io"
    INSTALLED+=("tauri-driver $SO_TAURI_DRIVER_VERSION")
  fi
  if ! command -v WebKitWebDriver >/dev/null 2>&1 && [[ ! -x /usr/bin/WebKitWebDriver ]]; then
    say "WARNING: WebKitWebDriver not found (Debian package webkit2gtk-driver); the end-to-end tests will fail"
  fi

  command -v python3 >/dev/null 2>&1 || die "python3 is needed for the end-to-end tests"
  req="$SO_ROOT/tests/e2e/requirements.txt"
  stamp="$SO_VENV/.so-requirements.sha256"
  want="$( (sha256sum "$req" | cut -d' ' -f1; python3 --version) | tr '\n' ' ')"
  if [[ -x "$SO_VENV/bin/python" && -f "$stamp" && "$(cat "$stamp")" == "$want" ]]; then
    say "Python venv for the e2e tests up to date ($SO_VENV)"
  else
    say "creating the Python venv for the e2e tests in $SO_VENV (packages pinned in tests/e2e/requirements.txt)"
    python3 -m venv --clear "$SO_VENV" ||
      die "python3 -m venv failed (on Debian/Ubuntu: apt-get install python3-venv)"
    "$SO_VENV/bin/python" -m pip install --disable-pip-version-check -q -r "$req" ||
      die "pip could not install tests/e2e/requirements.txt (PyPI reachable?)"
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
else
  stamp="$ui/node_modules/.so-package-lock.sha256"
  want="$( (sha256sum "$ui/package-lock.json" | cut -d' ' -f1; node --version) | tr '\n' ' ')"
  if [[ -f "$stamp" && "$(cat "$stamp")" == "$want" ]]; then
    say "UI dependencies up to date (ui/node_modules)"
  else
    say "installing UI dependencies: npm ci in ui/ (exact versions from package-lock.json)"
    (cd "$ui" && npm ci --no-audit --no-fund) || die "npm ci failed in ui/ (npm registry reachable?)"
    printf '%s' "$want" >"$stamp"
    INSTALLED+=("ui/node_modules")
  fi
fi

summary
