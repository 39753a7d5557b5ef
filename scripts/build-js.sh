#!/usr/bin/env bash
# Builds every JavaScript component under playbooks-src/js/ and
# playbooks-src/test-guests/ (a folder with an app.js) into
# playbooks-src/target/js/<name>.wasm.
#
# sdk-js/build.mjs bundles each app.js with the SDK and builds it with
# componentize-js; it installs its pinned npm packages with `npm ci` on
# first use. A folder whose moat.toml sets `kind = "connector"` is built for
# the connector world, every other one for the playbook world. A component
# newer than all of its inputs is not rebuilt.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
out_dir="$root/playbooks-src/target/js"

step() { printf '\n==> %s\n' "$*"; }
fail() { printf 'error: %s\n' "$*" >&2; exit 1; }

command -v node >/dev/null || fail "node is not installed; install Node.js 20 or later (Debian: apt-get install nodejs npm)"
command -v npm >/dev/null || fail "npm is not installed; install it (Debian: apt-get install npm)"
node_major=$(node -p 'process.versions.node.split(".")[0]')
[ "$node_major" -ge 20 ] || fail "node $(node --version) is too old; componentize-js needs Node.js 20 or later"

mkdir -p "$out_dir"
# Parallel test processes may run this script at once; one builds at a time.
exec 9>"$out_dir/build.lock"
flock 9

found=0
for app in playbooks-src/js/*/app.js playbooks-src/test-guests/*/app.js; do
    [ -e "$app" ] || continue
    found=1
    app_dir=$(dirname "$app")
    name=$(basename "$app_dir" | tr '-' '_')
    output="$out_dir/$name.wasm"
    world="moat:platform/playbook@0.1.0"
    if [ -f "$app_dir/moat.toml" ] && grep -Eq '^kind *= *"connector"' "$app_dir/moat.toml"; then
        world="moat:platform/connector@0.1.0"
    fi

    if [ -f "$output" ] && [ -z "$(find "$app_dir" sdk-js/src sdk-js/build.mjs sdk-js/package-lock.json wit \
            -newer "$output" -type f -print -quit)" ]; then
        step "$name.wasm is up to date"
        continue
    fi

    step "componentize-js: $app_dir -> $output ($world)"
    node sdk-js/build.mjs --entry "$app" --world "$world" --out "$output.tmp" \
        || fail "sdk-js/build.mjs could not build $app_dir"
    mv "$output.tmp" "$output"
done
[ "$found" = 1 ] || fail "no playbooks-src/js/*/app.js found"
