#!/usr/bin/env bash
# Builds Moat and the example playbooks, starts `moat serve` on a fresh
# SQLite file, posts the bundled real alerts, waits for the runs and prints
# the resulting cases. Everything listens on 127.0.0.1 only.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

work=$(mktemp -d -t moat-demo.XXXXXX)
port=${MOAT_DEMO_PORT:-8080}
intel_port=${MOAT_DEMO_INTEL_PORT:-8081}
server_pid=""
intel_pid=""
cleanup() {
    [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null || true
    [ -n "$intel_pid" ] && kill "$intel_pid" 2>/dev/null || true
}
trap cleanup EXIT

echo "==> building (the first build compiles wasmtime and takes several minutes)"
rustup target add wasm32-wasip2 >/dev/null
(cd playbooks-src && cargo build --release --target-dir "$root/playbooks-src/target")
cargo build -p moat
moat="${CARGO_TARGET_DIR:-$root/target}/debug/moat"

echo "==> starting a stand-in reputation service on 127.0.0.1:$intel_port"
python3 scripts/fake_reputation.py "$intel_port" &
intel_pid=$!

echo "==> preparing playbooks in $work/playbooks"
mkdir -p "$work/playbooks"
for name in ids-alert-triage ssh-bruteforce threat-intel-http; do
    mkdir -p "$work/playbooks/$name"
    sed -e "s#https://reputation.example.com#http://127.0.0.1:$intel_port#g" \
        -e "s#component = \"../target#component = \"$root/playbooks-src/target#" \
        "playbooks-src/$name/moat.toml" > "$work/playbooks/$name/moat.toml"
done

db="sqlite://$work/moat.db"
token=$("$moat" token create --role admin --name demo --database-url "$db")
"$moat" serve --listen "127.0.0.1:$port" --database-url "$db" --playbooks "$work/playbooks" 2> "$work/server.log" &
server_pid=$!
for _ in $(seq 1 100); do
    curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break
    sleep 0.2
done
curl -fsS -X PUT -H "Authorization: Bearer $token" -H 'Content-Type: application/json' \
    -d '{"value": "demo-intel-key-0001"}' "http://127.0.0.1:$port/api/v1/secrets/intel_api_key"

echo "==> posting alerts"
: > "$work/runs"
for file in tests/fixtures/alerts/suricata/alert-testmyids.eve.json \
            tests/fixtures/alerts/suricata/tls-fingerprint-alert.eve.json \
            tests/fixtures/alerts/wazuh/sshd-bruteforce.ndjson \
            tests/fixtures/alerts/elastic/malware-prevention.json; do
    printf '%s: ' "$file"
    curl -fsS -X POST -H "Authorization: Bearer $token" --data-binary "@$file" \
        "http://127.0.0.1:$port/api/v1/alerts" | python3 -c '
import json, sys
report = json.load(sys.stdin)
runs = [run for alert in report["alerts"] for run in alert["runs"]]
print(len(report["alerts"]), "stored,", len(runs), "runs queued")
with open(sys.argv[1], "a") as out:
    out.writelines(run + "\n" for run in runs)
' "$work/runs"
done

echo "==> waiting for the runs"
for run in $(cat "$work/runs"); do
    for _ in $(seq 1 150); do
        status=$(curl -fsS -H "Authorization: Bearer $token" "http://127.0.0.1:$port/api/v1/runs/$run" |
            python3 -c 'import json,sys; print(json.load(sys.stdin)["status"])')
        [ "$status" = succeeded ] || [ "$status" = failed ] && break
        sleep 0.2
    done
    echo "run $run: $status"
done
echo "==> cases"
curl -fsS -H "Authorization: Bearer $token" "http://127.0.0.1:$port/api/v1/cases" | python3 scripts/print_cases.py "$port" "$token"
echo "server log: $work/server.log"
