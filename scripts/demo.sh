#!/usr/bin/env bash
# Builds Moat and the example playbooks in Rust, Python and JavaScript, and
# starts `moat serve` on a fresh SQLite file. Then posts the bundled real
# alerts and a user-reported phishing e-mail, waits for the runs, and prints
# the resulting cases and what the stand-in EDR and chat received.
# Everything listens on 127.0.0.1 only.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

work=$(mktemp -d -t moat-demo.XXXXXX)
port=${MOAT_DEMO_PORT:-8080}
intel_port=${MOAT_DEMO_INTEL_PORT:-8081}
edr_port=${MOAT_DEMO_EDR_PORT:-8082}
server_pid=""
intel_pid=""
edr_pid=""
cleanup() {
    [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null || true
    [ -n "$intel_pid" ] && kill "$intel_pid" 2>/dev/null || true
    [ -n "$edr_pid" ] && kill "$edr_pid" 2>/dev/null || true
}
trap cleanup EXIT

# Stops the demo when something already listens on 127.0.0.1:PORT, naming
# the variable that picks another port.
require_free_port() {
    local port=$1 variable=$2
    if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
        echo "error: 127.0.0.1:$port is already in use; stop what listens there or set $variable to another port" >&2
        exit 1
    fi
}

# Waits until the process PID listens on 127.0.0.1:PORT, for at most 5 s.
wait_for_port() {
    local port=$1 pid=$2
    for _ in $(seq 1 50); do
        kill -0 "$pid" 2>/dev/null || break
        (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && return 0
        sleep 0.1
    done
    echo "error: the stand-in service on 127.0.0.1:$port did not start" >&2
    exit 1
}

echo "==> building (the first build compiles wasmtime and takes several minutes)"
rustup target add wasm32-wasip2 >/dev/null
(cd playbooks-src && cargo build --release --target-dir "$root/playbooks-src/target")
./scripts/build-python.sh
./scripts/build-js.sh
cargo build -p moat
moat="${CARGO_TARGET_DIR:-$root/target}/debug/moat"

echo "==> starting a stand-in reputation service on 127.0.0.1:$intel_port"
require_free_port "$port" MOAT_DEMO_PORT
require_free_port "$intel_port" MOAT_DEMO_INTEL_PORT
require_free_port "$edr_port" MOAT_DEMO_EDR_PORT
python3 scripts/fake_reputation.py "$intel_port" &
intel_pid=$!
wait_for_port "$intel_port" "$intel_pid"

echo "==> starting a stand-in EDR and chat webhook on 127.0.0.1:$edr_port"
python3 scripts/fake_edr_chat.py "$edr_port" "$work/edr-chat.jsonl" &
edr_pid=$!
wait_for_port "$edr_port" "$edr_pid"

echo "==> preparing playbooks in $work/playbooks"
mkdir -p "$work/playbooks"
for name in ids-alert-triage ssh-bruteforce threat-intel-http \
            python/phishing-triage js/contain-host js/edr-isolate; do
    folder="$work/playbooks/$(basename "$name")"
    mkdir -p "$folder"
    # Point the services at the stand-ins and the component paths at the builds.
    sed -e "s#https://reputation.example.com#http://127.0.0.1:$intel_port#g" \
        -e "s#https://edr.example.com#http://127.0.0.1:$edr_port#g" \
        -e "s#https://chat.example.com#http://127.0.0.1:$edr_port#g" \
        -e "s#component = \"\(\.\./\)*target#component = \"$root/playbooks-src/target#" \
        "playbooks-src/$name/moat.toml" > "$folder/moat.toml"
done

db="sqlite://$work/moat.db"
token=$("$moat" token create --role admin --name demo --database-url "$db")
"$moat" serve --listen "127.0.0.1:$port" --database-url "$db" --playbooks "$work/playbooks" 2> "$work/server.log" &
server_pid=$!
# The server listens once every component is compiled. The Python and
# JavaScript components take seconds each the first time; later starts
# load them from the compile cache.
echo "==> starting moat serve on 127.0.0.1:$port (compiling the components)"
for _ in $(seq 1 900); do
    curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break
    kill -0 "$server_pid" 2>/dev/null || { cat "$work/server.log" >&2; echo "error: moat serve exited" >&2; exit 1; }
    sleep 0.2
done
curl -fsS -X PUT -H "Authorization: Bearer $token" -H 'Content-Type: application/json' \
    -d '{"value": "demo-intel-key-0001"}' "http://127.0.0.1:$port/api/v1/secrets/intel_api_key"
curl -fsS -X PUT -H "Authorization: Bearer $token" -H 'Content-Type: application/json' \
    -d '{"value": "demo-edr-token-0001"}' "http://127.0.0.1:$port/api/v1/secrets/edr_api_token"
python3 -c '
import json, sys
raw = open(sys.argv[1], encoding="utf-8").read()
print(json.dumps({"title": "User reported phishing: invoice e-mail", "severity": "medium", "eml": raw}))
' tests/fixtures/email/phishing_openphish.eml > "$work/reported-phishing.json"

echo "==> posting alerts"
: > "$work/runs"
for file in tests/fixtures/alerts/suricata/alert-testmyids.eve.json \
            tests/fixtures/alerts/suricata/tls-fingerprint-alert.eve.json \
            tests/fixtures/alerts/wazuh/sshd-bruteforce.ndjson \
            tests/fixtures/alerts/elastic/malware-prevention.json \
            "$work/reported-phishing.json"; do
    printf '%s: ' "$file"
    curl -fsS -X POST -H "Authorization: Bearer $token" --data-binary "@$file" \
        "http://127.0.0.1:$port/api/v1/alerts" | python3 -c '
import json, sys
report = json.load(sys.stdin)
runs = [run for alert in report["alerts"] for run in alert["runs"]]
print(len(report["alerts"]), "stored,", len(runs), "runs queued")
for alert in report["alerts"]:
    if alert.get("not_triggered_reason"):
        print("  record", alert["index"], "starts no run:", alert["not_triggered_reason"])
with open(sys.argv[1], "a") as out:
    out.writelines(run + "\n" for run in runs)
' "$work/runs"
done

echo "==> waiting for the runs"
for run in $(cat "$work/runs"); do
    for _ in $(seq 1 150); do
        read -r playbook status < <(curl -fsS -H "Authorization: Bearer $token" "http://127.0.0.1:$port/api/v1/runs/$run" |
            python3 -c 'import json,sys; run = json.load(sys.stdin); print(run["playbook"], run["status"])')
        [ "$status" = succeeded ] || [ "$status" = failed ] && break
        sleep 0.2
    done
    echo "run $run ($playbook): $status"
done
echo "==> cases"
curl -fsS -H "Authorization: Bearer $token" "http://127.0.0.1:$port/api/v1/cases" | python3 scripts/print_cases.py "$port" "$token"
echo "==> what the stand-in EDR and chat received"
cat "$work/edr-chat.jsonl" 2>/dev/null || echo "(nothing)"
echo "server log: $work/server.log"
echo "the demo's database, key and logs stay in $work; remove it when done"
