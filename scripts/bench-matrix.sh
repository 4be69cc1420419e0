#!/usr/bin/env bash
# Runs the benchmark matrix of docs/benchmarks.md against a fresh local 3-node cluster:
# put and get, 1 and 50 clients, recursive and iterative routing, each repeated REPEATS times,
# and prints one markdown row per case with min / median / max of throughput and p99.
#   scripts/bench-matrix.sh [SECONDS=10] [REPEATS=3]
# With DKV_JAR=path/to/dkv.jar (and JAVA_HOME set to a JDK 21+) it runs that jar instead of ./dkv
# (scripts/bench-lib.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-10}"
repeats="${2:-3}"
source scripts/bench-lib.sh
bench_start_cluster 7700
results="$dir/results.jsonl"

# Fresh JVMs run interpreted code at first, and the servers' JIT compilers are still busy a minute
# into a load (docs/benchmarks.md): warm the whole cluster once with a mixed load for
# WARMUP_SECONDS (default 90), then every case below still gets its own 5 s warm-up (dkv bench
# --warmup, default 5) for the load generator's fresh JVM.
"${dkv[@]}" bench --cluster "$cluster" --op mixed --clients 50 --duration "${WARMUP_SECONDS:-90}" \
  --warmup 0 --json >/dev/null

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

python3 scripts/bench-table.py "$results" op clients routing
