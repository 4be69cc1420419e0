#!/usr/bin/env bash
# Runs the benchmark matrix of docs/benchmarks.md against a fresh local 3-node cluster:
# put and get, 1 and 50 clients, recursive and iterative routing, each repeated REPEATS times,
# and prints one markdown row per case with min / median / max of throughput and p99.
#   scripts/bench-matrix.sh [SECONDS=10] [REPEATS=3]
# With DKV_JAR=path/to/dkv.jar (and JAVA_HOME set to a JDK 21+) it runs that jar instead of ./dkv,
# which rebuilds whenever a source changed: a fixed build can then be measured while the tree is edited.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-10}"
repeats="${2:-3}"
base_port=7700
cluster="127.0.0.1:7701,127.0.0.1:7702,127.0.0.1:7703"
dir="$(mktemp -d)"
results="$dir/results.jsonl"

if [ -n "${DKV_JAR:-}" ]; then
  dkv=("${JAVA_HOME:?set JAVA_HOME to a JDK 21 or newer}/bin/java" -XX:+UseZGC -Xss1m
       --enable-native-access=ALL-UNNAMED -jar "$DKV_JAR")
else
  dkv=(./dkv)
fi

"${dkv[@]}" --version >/dev/null # build once, before anything is timed
"${dkv[@]}" dev --nodes 3 --dir "$dir/data" --base-port "$base_port" >"$dir/dev.out" 2>&1 &
dev_pid=$!
trap 'kill -TERM "$dev_pid" 2>/dev/null; wait "$dev_pid" 2>/dev/null; rm -rf "$dir"' EXIT
until grep -q "Ctrl-C stops" "$dir/dev.out"; do
  kill -0 "$dev_pid" 2>/dev/null || { cat "$dir/dev.out"; exit 1; }
  sleep 0.2
done

# Fresh JVMs run interpreted code for the first seconds: warm the whole cluster once with a mixed
# load, then every case below still gets its own 5 s warm-up (dkv bench --warmup, default 5).
"${dkv[@]}" bench --cluster "$cluster" --op mixed --clients 50 --duration 20 --warmup 0 --json >/dev/null

for op in put get; do
  for clients in 1 50; do
    for routing in recursive iterative; do
      for _ in $(seq "$repeats"); do
        "${dkv[@]}" bench --cluster "$cluster" --op "$op" --clients "$clients" --routing "$routing" \
          --duration "$seconds" --keys 10000 --value-size 100 --json >>"$results"
      done
    done
  done
done

python3 - "$results" <<'PY'
import json, statistics, sys
rows = {}
for line in open(sys.argv[1]):
    r = json.loads(line)
    rows.setdefault((r["op"], r["clients"], r["routing"]), []).append(r)
print("| op | clients | routing | ops/s min / median / max | p50 ms (median run) | p99 ms min / median / max | p99.9 ms (median run) | errors |")
print("|---|---|---|---|---|---|---|---|")
for (op, clients, routing), runs in rows.items():
    ops = sorted(r["opsPerSecond"] for r in runs)
    p99 = sorted(r["p99Ms"] for r in runs)
    mid = sorted(runs, key=lambda r: r["opsPerSecond"])[len(runs) // 2]
    print(f"| {op} | {clients} | {routing} | {ops[0]} / {int(statistics.median(ops))} / {ops[-1]} "
          f"| {mid['p50Ms']:.2f} | {p99[0]:.2f} / {statistics.median(p99):.2f} / {p99[-1]:.2f} "
          f"| {mid['p999Ms']:.2f} | {sum(r['errors'] for r in runs)} |")
PY
