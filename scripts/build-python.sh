#!/usr/bin/env bash
# Builds every Python component under playbooks-src/python/ and
# playbooks-src/test-guests/ (a folder with an app.py) into
# playbooks-src/target/python/<name>.wasm.
#
# Each component is built by componentize-py with the SDK in sdk-python/
# on the Python path. A folder whose moat.toml sets `kind = "connector"` is
# built for the `moat:python/connector` world in wit/python/python.wit,
# and every other folder for `moat:python/playbook`.
# componentize-py 0.25 links a wasi-libc that imports wasi:sockets, which
# Moat rejects, so the socket-deny component (playbooks-src/python/
# socket-deny) is plugged into those imports with `wasm-tools compose`.
# A component newer than all of its inputs is not rebuilt.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

COMPONENTIZE_PY_VERSION=0.25.1
WASM_TOOLS_VERSION=1.263.0
out_dir="$root/playbooks-src/target/python"
cargo=${CARGO:-cargo}

step() { printf '\n==> %s\n' "$*"; }
fail() { printf 'error: %s\n' "$*" >&2; exit 1; }

mkdir -p "$out_dir"
# Parallel test processes may run this script at once; one builds at a time.
exec 9>"$out_dir/build.lock"
flock 9

if [ "$(componentize-py --version 2>/dev/null)" != "componentize-py $COMPONENTIZE_PY_VERSION" ]; then
    step "installing componentize-py $COMPONENTIZE_PY_VERSION"
    python3 -m pip install --quiet "componentize-py==$COMPONENTIZE_PY_VERSION" \
        || fail "pip could not install componentize-py==$COMPONENTIZE_PY_VERSION"
    command -v componentize-py >/dev/null \
        || fail "componentize-py was installed but is not on PATH; add pip's script folder to PATH"
fi

if ! command -v wasm-tools >/dev/null; then
    step "installing wasm-tools $WASM_TOOLS_VERSION"
    "$cargo" install --locked wasm-tools --version "$WASM_TOOLS_VERSION" \
        || fail "cargo could not install wasm-tools $WASM_TOOLS_VERSION"
fi

step "building the socket-deny component"
(cd playbooks-src && env -u RUSTFLAGS -u CARGO_ENCODED_RUSTFLAGS -u CARGO_BUILD_TARGET \
    "$cargo" build --release --target wasm32-wasip2 -p socket-deny) \
    || fail "cargo could not build playbooks-src/python/socket-deny"
# wasm-tools compose names a definition after its file, which must be kebab case.
socket_deny="$out_dir/socket-deny.wasm"
built_socket_deny="playbooks-src/target/wasm32-wasip2/release/socket_deny.wasm"
# Copy only a changed file, so that its time stamp marks a real change.
cmp -s "$built_socket_deny" "$socket_deny" || cp "$built_socket_deny" "$socket_deny"

found=0
for app in playbooks-src/python/*/app.py playbooks-src/test-guests/*/app.py; do
    [ -e "$app" ] || continue
    found=1
    app_dir=$(dirname "$app")
    name=$(basename "$app_dir" | tr '-' '_')
    output="$out_dir/$name.wasm"
    world="moat:python/playbook@0.1.0"
    if [ -f "$app_dir/moat.toml" ] && grep -Eq '^kind *= *"connector"' "$app_dir/moat.toml"; then
        world="moat:python/connector@0.1.0"
    fi

    if [ -f "$output" ] && [ -z "$(find "$app_dir" sdk-python wit "$socket_deny" \
            -newer "$output" -type f -print -quit)" ]; then
        step "$name.wasm is up to date"
        continue
    fi

    step "componentize-py: $app_dir -> $output ($world)"
    started=$(date +%s)
    componentize-py --wit-path wit --wit-path wit/python \
        --world "$world" componentize app \
        --python-path "$app_dir" --python-path sdk-python \
        --output "$out_dir/$name.unplugged.wasm" \
        || fail "componentize-py could not build $app_dir"
    wasm-tools compose "$out_dir/$name.unplugged.wasm" --definitions "$socket_deny" \
        --output "$output.tmp" 2> "$out_dir/$name.compose.log" \
        || { cat "$out_dir/$name.compose.log" >&2; fail "wasm-tools compose could not plug socket-deny into $name"; }
    rm -f "$out_dir/$name.unplugged.wasm"

    if wasm-tools component wit "$output.tmp" | grep -q 'import wasi:sockets/'; then
        rm -f "$output.tmp"
        fail "$name still imports wasi:sockets after composition, so Moat would reject it"
    fi
    mv "$output.tmp" "$output"
    printf '%s: %s bytes in %s s\n' "$output" "$(stat -c %s "$output")" "$(( $(date +%s) - started ))"
done
[ "$found" = 1 ] || fail "no playbooks-src/python/*/app.py found"
