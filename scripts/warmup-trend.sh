#!/usr/bin/env bash
# How a fresh cluster warms up: a fresh 3-node cluster (./dkv dev, or DKV_JAR), then RUNS
# back-to-back 50-client put runs of 20 s with no warm-up of their own. Prints one line per run:
# puts/s, p50 and p99 in ms, and node n1's Java heap as jcmd GC.heap_info reports it (used and
# committed capacity).
#   JAVA_HOME=/path/to/jdk21+ [DKV_JAR=dkv.jar] scripts/warmup-trend.sh [RUNS=6]
set -euo pipefail
cd "$(dirname "$0")/.."
runs="${1:-6}"
java_home="${JAVA_HOME:?set JAVA_HOME to the JDK 21+ that runs the servers}"
source scripts/bench-lib.sh
bench_start_cluster 7800
n1="$(pgrep -f "io.dkv.cli.Main server --node-id n1 --listen 127.0.0.1:7801 ")"
for run in $(seq "$runs"); do
  result="$("${dkv[@]}" bench --cluster "$cluster" --op put --clients 50 --duration 20 --warmup 0 \
    --keys 10000 --value-size 100 --json || true)"
  heap="$("$java_home/bin/jcmd" "$n1" GC.heap_info | grep -m1 -oE 'used [0-9]+M, capacity [0-9]+M')"
  python3 -c 'import json, sys; d = json.loads(sys.argv[1]); print(sys.argv[2], d["opsPerSecond"],
  "puts/s  p50", d["p50Ms"], "ms  p99", d["p99Ms"], "ms  n1 heap:", sys.argv[3])' "$result" "$run" "$heap"
done
