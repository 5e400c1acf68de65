#!/usr/bin/env bash
# A local PostgreSQL cluster in a folder of the project's: no system service, and
# nothing of it outside that folder (except as root, see below).
#
#   bash scripts/pg.sh start  [DIR] [PORT]  create it if needed (initdb), start it,
#                                           print its URL (the only line on stdout)
#   bash scripts/pg.sh stop   [DIR]         stop it (the data stays)
#   bash scripts/pg.sh status [DIR]         exit 0 when it runs
#   bash scripts/pg.sh url    [DIR]         the postgres:// URL of its database
#
# DIR defaults to .data/pg (git-ignored); PORT to the port it last ran on, else 55432.
# To start afresh: stop it and delete DIR.
#
# It listens on 127.0.0.1 only (no Unix socket) and wants a password: the superuser
# is `so`, with a random password kept in DIR/password (mode 600) and part of the URL.
# `start` also creates the database the URL names (SO_PG_DB, default second_opinion).
#
# As root: PostgreSQL refuses to run as root, so initdb, pg_ctl and the server run as
# the unprivileged `postgres` OS user (made by Debian's postgresql package; or
# SO_PG_OS_USER), through runuser. Its files must be reachable by that user: they go
# in DIR/cluster when it can reach DIR, else (say, under /root, mode 700) in its home,
# ~postgres/second-opinion/<hash of DIR>. DIR/cluster-dir records where.
#
# Environment:
#   SO_PG_DB=NAME     the database `start` creates and `url` names (second_opinion)
#   SO_PG_FAST=1      at creation: no fsync, no full-page writes. For throw-away test
#                     clusters only: a machine crash may corrupt such a cluster.
#   SO_PG_BINDIR=DIR  where initdb and pg_ctl are (default: `pg_config --bindir`,
#                     else the newest /usr/lib/postgresql/*/bin, else PATH)
#   SO_PG_OS_USER     the OS user the cluster runs as when started by root (postgres)
set -euo pipefail

SO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DEFAULT_PORT=55432
SUPERUSER=so

say() { printf '[pg] %s\n' "$*" >&2; }
die() {
  printf '[pg] ERROR: %s\n' "$*" >&2
  exit 1
}
usage() {
  sed -n '2,31p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2
  exit "${1:-2}"
}

cmd="${1:-}"
case "$cmd" in
  start | stop | status | url) ;;
  -h | --help) usage 0 ;;
  *) usage 2 ;;
esac
dir="${2:-$SO_ROOT/.data/pg}"
port_arg="${3:-}"
if [[ -n "$port_arg" && ! "$port_arg" =~ ^[0-9]+$ ]]; then
  die "PORT must be a number, got '$port_arg'"
fi
db="${SO_PG_DB:-second_opinion}"
[[ "$db" =~ ^[a-z_][a-z0-9_]*$ ]] || die "SO_PG_DB must be a plain lower-case name, got '$db'"

mkdir -p "$dir"
dir="$(cd "$dir" && pwd)"
# Every path below is absolute; `/` is a working directory any user may be in.
cd /

# --- who runs PostgreSQL ------------------------------------------------------
AS=()
if ((EUID == 0)); then
  os_user="${SO_PG_OS_USER:-postgres}"
  id -u "$os_user" >/dev/null 2>&1 ||
    die "running as root, and PostgreSQL will not run as root: it runs as the OS user '$os_user', which does not exist. Install PostgreSQL (bash scripts/setup.sh --server-only: Debian's package makes that user) or set SO_PG_OS_USER to an unprivileged user."
  command -v runuser >/dev/null 2>&1 || die "running as root needs runuser (Debian package util-linux)"
  AS=(runuser -u "$os_user" --)
fi

# --- the PostgreSQL binaries --------------------------------------------------
find_bindir() {
  local d
  if [[ -n "${SO_PG_BINDIR:-}" ]]; then
    printf '%s\n' "$SO_PG_BINDIR"
    return 0
  fi
  if command -v pg_config >/dev/null 2>&1 && d="$(pg_config --bindir 2>/dev/null)" &&
    [[ -x "$d/initdb" && -x "$d/pg_ctl" ]]; then
    printf '%s\n' "$d"
    return 0
  fi
  while read -r d; do
    if [[ -x "$d/initdb" && -x "$d/pg_ctl" ]]; then
      printf '%s\n' "$d"
      return 0
    fi
  done < <(compgen -G '/usr/lib/postgresql/*/bin' | sort -V -r)
  if d="$(command -v initdb 2>/dev/null)"; then
    d="$(dirname "$(readlink -f "$d")")"
    if [[ -x "$d/pg_ctl" ]]; then
      printf '%s\n' "$d"
      return 0
    fi
  fi
  return 1
}

need_bindir() {
  BIN="$(find_bindir)" ||
    die "PostgreSQL's server programs (initdb, pg_ctl) are not installed. On Debian/Ubuntu: bash scripts/setup.sh --server-only (or: sudo apt-get install postgresql); elsewhere install PostgreSQL and set SO_PG_BINDIR to its bin directory."
  [[ -x "$BIN/initdb" && -x "$BIN/pg_ctl" ]] || die "no initdb/pg_ctl in $BIN (SO_PG_BINDIR?)"
  PSQL="$BIN/psql"
  [[ -x "$PSQL" ]] || PSQL="$(command -v psql 2>/dev/null)" ||
    die "psql is not installed (Debian package postgresql-client)"
}

# --- where the cluster lives --------------------------------------------------
cluster_dir() {
  if [[ -f "$dir/cluster-dir" ]]; then
    cat "$dir/cluster-dir"
  elif ((EUID != 0)) || "${AS[@]}" test -x "$dir"; then
    printf '%s\n' "$dir/cluster"
  else
    local home key
    home="$(getent passwd "$os_user" | cut -d: -f6)"
    [[ -n "$home" && -d "$home" ]] ||
      die "'$os_user' cannot reach $dir, and has no home directory to keep the cluster in instead"
    key="$(printf '%s' "$dir" | sha256sum | cut -c1-16)"
    printf '%s\n' "$home/second-opinion/$key"
  fi
}

# Sets CLUSTER, DATA, LOG.
locate() {
  CLUSTER="$(cluster_dir)"
  DATA="$CLUSTER/data"
  LOG="$CLUSTER/server.log"
}

is_running() { [[ -f "$DATA/PG_VERSION" ]] && "${AS[@]}" "$BIN/pg_ctl" -D "$DATA" status >/dev/null 2>&1; }

running_port() { sed -n '4p' "$DATA/postmaster.pid" 2>/dev/null; }

init_cluster() {
  say "creating a PostgreSQL cluster in $CLUSTER (initdb)"
  mkdir -p "$CLUSTER"
  chmod 700 "$CLUSTER"
  if ((EUID == 0)); then
    chown "$os_user:" "$CLUSTER"
    [[ "$CLUSTER" == "$dir/cluster" ]] || chown "$os_user:" "$(dirname "$CLUSTER")"
  fi
  (
    umask 077
    od -An -tx1 -N24 /dev/urandom | tr -d ' \n' >"$dir/password"
  )
  local pwfile="$CLUSTER/.initdb-password" locale_args=(--no-locale)
  (umask 077 && cat "$dir/password" >"$pwfile")
  if ((EUID == 0)); then chown "$os_user:" "$pwfile"; fi
  # C.UTF-8: byte-order collation (fast, stable) with Unicode-aware lower().
  if locale -a 2>/dev/null | grep -qix 'c\.utf-\?8'; then locale_args=(--locale=C.UTF-8); fi
  if ! "${AS[@]}" "$BIN/initdb" -D "$DATA" -U "$SUPERUSER" --pwfile="$pwfile" \
    --auth=scram-sha-256 --encoding=UTF8 "${locale_args[@]}" >"$CLUSTER/initdb.log" 2>&1; then
    rm -f "$pwfile"
    cat "$CLUSTER/initdb.log" >&2
    die "initdb failed (log above: $CLUSTER/initdb.log)"
  fi
  rm -f "$pwfile"
  {
    echo
    echo "# --- written by scripts/pg.sh"
    echo "listen_addresses = '127.0.0.1'"
    echo "unix_socket_directories = ''"
    echo "max_connections = 200"
    if [[ "${SO_PG_FAST:-0}" == 1 ]]; then
      echo "# a throw-away test cluster (SO_PG_FAST=1): speed over durability"
      echo "fsync = off"
      echo "synchronous_commit = off"
      echo "full_page_writes = off"
    fi
  } >>"$DATA/postgresql.conf"
  printf '%s\n' "$CLUSTER" >"$dir/cluster-dir"
}

check_version() {
  local have want
  have="$(cat "$DATA/PG_VERSION")"
  # "pg_ctl (PostgreSQL) 15.18 (Debian ...)" -> 15
  want="$("$BIN/pg_ctl" --version | awk '{print $3}' | cut -d. -f1)"
  [[ -z "$want" || "$have" == "$want" ]] ||
    die "the cluster in $DATA was made by PostgreSQL $have, but the programs in $BIN are PostgreSQL $want. Stop it and delete $dir to start afresh."
}

url() {
  local port
  [[ -f "$dir/password" && -f "$dir/port" ]] || die "no cluster in $dir: run 'bash scripts/pg.sh start $dir' first"
  port="$(cat "$dir/port")"
  printf 'postgres://%s:%s@127.0.0.1:%s/%s\n' "$SUPERUSER" "$(cat "$dir/password")" "$port" "$db"
}

ensure_database() {
  local port="$1" q
  q=(env PGPASSWORD="$(cat "$dir/password")" PGCONNECT_TIMEOUT=10
    "$PSQL" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$port" -U "$SUPERUSER" -d postgres)
  if [[ "$("${q[@]}" -tAc "SELECT 1 FROM pg_database WHERE datname = '$db'")" != 1 ]]; then
    say "creating database $db"
    "${q[@]}" -c "CREATE DATABASE \"$db\"" >/dev/null 2>&1 ||
      [[ "$("${q[@]}" -tAc "SELECT 1 FROM pg_database WHERE datname = '$db'")" == 1 ]] ||
      die "could not create database $db"
  fi
}

case "$cmd" in
  start)
    need_bindir
    # One start at a time per cluster: parallel test processes all call this.
    exec 9>"$dir/lock"
    flock -w 300 9 || die "another 'pg.sh start' on $dir did not finish in 5 minutes"
    locate
    [[ -f "$DATA/PG_VERSION" ]] || init_cluster
    check_version
    port="${port_arg:-$(cat "$dir/port" 2>/dev/null || echo "$DEFAULT_PORT")}"
    if is_running; then
      running="$(running_port)"
      if [[ -n "$port_arg" && -n "$running" && "$running" != "$port_arg" ]]; then
        say "already running on port $running (not $port_arg): stop it first to change the port"
      fi
      port="${running:-$port}"
    else
      say "starting PostgreSQL on 127.0.0.1:$port (log: $LOG)"
      # 9>&-: the server must not inherit the lock.
      if ! "${AS[@]}" "$BIN/pg_ctl" -D "$DATA" -l "$LOG" -o "-p $port" -w -t 60 start \
        >/dev/null 9>&-; then
        tail -n 20 "$LOG" >&2 || true
        die "PostgreSQL did not start (is port $port taken? then pass another: pg.sh start $dir PORT)"
      fi
    fi
    printf '%s\n' "$port" >"$dir/port"
    ensure_database "$port"
    url
    ;;
  stop)
    need_bindir
    exec 9>"$dir/lock"
    flock -w 300 9 || die "another 'pg.sh' on $dir did not finish in 5 minutes"
    locate
    if is_running; then
      "${AS[@]}" "$BIN/pg_ctl" -D "$DATA" -m fast -w stop >/dev/null 9>&-
      say "stopped ($DATA)"
    else
      say "not running ($DATA)"
    fi
    ;;
  status)
    need_bindir
    locate
    if is_running; then
      say "running on 127.0.0.1:$(running_port) ($DATA)"
    else
      say "not running ($DATA)"
      exit 3
    fi
    ;;
  url)
    url
    ;;
esac
