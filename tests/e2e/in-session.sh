#!/usr/bin/env bash
# Runs a command inside a headless session after preparing the desktop services
# the app talks to. Meant to be the first thing inside the D-Bus session:
#
#   xvfb-run -a -s "-screen 0 1280x800x24" dbus-run-session -- \
#       bash tests/e2e/in-session.sh COMMAND [ARGS...]
#
# (scripts/env.sh has this as the function `so_headless COMMAND...`.)
#
# It unlocks gnome-keyring's Secret Service with a throw-away password so that
# the OS keyring works. The keyring files go to a temporary directory, removed
# afterwards, so a developer's own keyring is never touched; set
# SO_KEYRING_DIR to keep them somewhere instead. Notifications need nothing
# here: D-Bus starts dunst on demand.
set -euo pipefail

# scripts/env.sh's so_headless sends the session's own output (dbus-daemon and
# the services it starts) to a log, and hands the real stdout and stderr over
# as fds 3 and 4: give them back to the command.
if [[ "${SO_CMD_FDS:-}" == 1 ]] && { true >&3 && true >&4; } 2>/dev/null; then
  exec 1>&3 2>&4 3>&- 4>&-
fi
unset SO_CMD_FDS

if (($# == 0)); then
  echo "usage: in-session.sh COMMAND [ARGS...]" >&2
  exit 2
fi
log() { printf '[in-session] %s\n' "$*" >&2; }

if [[ -z "${DBUS_SESSION_BUS_ADDRESS:-}" ]]; then
  log "WARNING: no D-Bus session (run me under dbus-run-session); keyring and notifications will not work"
fi
mkdir -p "$HOME/.cache" # WebKitGTK needs it

tmp_keyring=""
if [[ -n "${SO_KEYRING_DIR:-}" ]]; then
  keyring_home="$SO_KEYRING_DIR"
else
  tmp_keyring="$(mktemp -d "${TMPDIR:-/tmp}/so-keyring.XXXXXX")"
  keyring_home="$tmp_keyring"
fi
mkdir -p "$keyring_home"

if command -v gnome-keyring-daemon >/dev/null 2>&1 && [[ -n "${DBUS_SESSION_BUS_ADDRESS:-}" ]]; then
  # The daemon keeps its keyrings in $XDG_DATA_HOME/keyrings: only the daemon
  # gets the temporary XDG_DATA_HOME, the command below keeps the real one.
  if out="$(printf '%s' "${SO_KEYRING_PASSWORD:-pw}" |
    XDG_DATA_HOME="$keyring_home" gnome-keyring-daemon --unlock --components=secrets 2>&1)"; then
    # It prints e.g. GNOME_KEYRING_CONTROL=...; pass that on.
    while IFS= read -r line; do
      if [[ "$line" =~ ^[A-Z_]+=.*$ ]]; then export "${line?}"; fi
    done <<<"$out"
    log "gnome-keyring unlocked (Secret Service, keyrings in $keyring_home)"
  else
    log "WARNING: could not unlock gnome-keyring: $out"
  fi
else
  log "WARNING: gnome-keyring-daemon not available; keyring features will fail"
fi

rc=0
"$@" || rc=$?

if [[ -n "$tmp_keyring" ]]; then rm -rf "$tmp_keyring"; fi
exit "$rc"
