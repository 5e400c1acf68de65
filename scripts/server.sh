#!/usr/bin/env bash
# Runs the central server for development: starts the project's own PostgreSQL
# cluster (scripts/pg.sh, data in .data/pg) and so-server on it, with the demo
# accounts (every one with the password demo-password-2026: demo only) and the
# sandbox payment provider (its hosted page at /sandbox/pay/...; no money moves).
#
#   bash scripts/server.sh            (or: make server)
#
# Ctrl-C stops the server (gracefully); the cluster keeps running for the next
# start: `bash scripts/pg.sh stop` stops it, deleting .data/pg starts afresh.
#
# Environment:
#   SO_SERVER_ADDR=HOST:PORT  where the server listens (default 127.0.0.1:8787)
#   SO_SERVER_DEMO=0          no demo accounts (default 1)
#   SO_PAYMENT_PROVIDER=      no payment provider: no payments, as on a server
#                             configured without one (default sandbox)
#   SO_PG_DIR=DIR             the cluster's folder (default .data/pg)
#   SO_PG_PORT=PORT           the cluster's port (default 55432)
#   SO_LOG=FILTER             log filter, RUST_LOG syntax (default info,sqlx=warn)
#   SKIP_SETUP=1              do not install what is missing first
set -euo pipefail

# shellcheck source=scripts/env.sh
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$SO_ROOT"

say() { printf '[server] %s\n' "$*" >&2; }

if [[ "${SKIP_SETUP:-0}" != 1 ]]; then
  bash "$SO_ROOT/scripts/setup.sh" --server-only >&2
fi

pg_dir="${SO_PG_DIR:-$SO_ROOT/.data/pg}"
pg_port="${SO_PG_PORT:-55432}"
database_url="$(bash "$SO_ROOT/scripts/pg.sh" start "$pg_dir" "$pg_port")"

# `--workspace`, not `-p server`: the dependencies' features as the tests and
# scripts/test.sh build them, so after those nothing is built again
# (crates/workspace-hack). It builds only what so-server needs: no Tauri, no ui/dist.
say "building so-server (cargo build --workspace --bin so-server)"
cargo build --workspace --bin so-server --locked >&2
binary="$CARGO_TARGET_DIR/debug/so-server"

addr="${SO_SERVER_ADDR:-127.0.0.1:8787}"
demo="${SO_SERVER_DEMO:-1}"
payment_provider="${SO_PAYMENT_PROVIDER-sandbox}"
say "database: PostgreSQL on 127.0.0.1:$pg_port, data in $pg_dir (URL: bash scripts/pg.sh url)"
say "server:   http://$addr   (OpenAPI: http://$addr/v1/openapi.json)"
if [[ "$demo" == 1 ]]; then
  say "demo accounts: admin@demo.hospital, requester@demo.hospital, coordinator@demo.hospital,"
  say "               provider@demo.hospital (and the others of the desktop demo);"
  say "               password for all: demo-password-2026 (demo only)"
fi
if [[ -n "$payment_provider" ]]; then
  say "payments: the $payment_provider provider (SO_PAYMENT_PROVIDER)"
else
  say "payments: none (SO_PAYMENT_PROVIDER is empty)"
fi
say "logs are JSON lines on stdout; Ctrl-C stops the server"
DATABASE_URL="$database_url" SO_SERVER_ADDR="$addr" SO_SERVER_DEMO="$demo" \
  SO_PAYMENT_PROVIDER="$payment_provider" exec "$binary"
