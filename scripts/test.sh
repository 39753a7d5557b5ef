#!/usr/bin/env bash
# Runs every check CI runs: formatting, lints, the guest builds and all
# tests against SQLite and the PostgreSQL at 127.0.0.1:5432.
set -euo pipefail
cd "$(dirname "$0")/.."

export MOAT_TEST_POSTGRES_URL="${MOAT_TEST_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/test}"

step() { printf '\n==> %s\n' "$*"; }
fail() { printf 'error: %s\n' "$*" >&2; exit 1; }

step "installing the wasm32-wasip2 target"
rustup target add wasm32-wasip2 || fail "rustup could not install the wasm32-wasip2 target"
rustup component add rustfmt clippy || fail "rustup could not install rustfmt and clippy"

step "checking that PostgreSQL answers at 127.0.0.1:5432"
if ! (exec 3<>/dev/tcp/127.0.0.1/5432) 2>/dev/null; then
    fail "PostgreSQL is not reachable at 127.0.0.1:5432; the storage and end-to-end tests need it (start it, or set MOAT_TEST_POSTGRES_URL)"
fi

step "building the example and test components"
(cd playbooks-src && cargo build --release)

step "building the Python playbooks"
./scripts/build-python.sh || fail "scripts/build-python.sh could not build the Python playbooks"

step "building the JavaScript playbooks and connectors"
./scripts/build-js.sh || fail "scripts/build-js.sh could not build the JavaScript components"

step "cargo fmt --check"
cargo fmt --all -- --check
(cd playbooks-src && cargo fmt -- --check)

step "cargo clippy"
cargo clippy --workspace --all-targets -- -D warnings
(cd playbooks-src && cargo clippy --release -- -D warnings)

step "cargo test"
cargo test --workspace -- --test-threads 4
