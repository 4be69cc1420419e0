#!/usr/bin/env bash
# Eventual namespaces beside the strong one, on one fresh local 3-node cluster: put and get with 1
# and 50 clients, for the strong namespace `default` and for an eventual namespace (N = 3) with
# W (puts) or R (gets) of 1, 2 and 3. The cases are interleaved, round after round, so that the
# machine's load affects all alike; prints one markdown row per case with min / median / max.
#   scripts/bench-eventual.sh [SECONDS=8] [ROUNDS=3]
# DKV_JAR=path/to/dkv.jar (with JAVA_HOME set to a JDK 21+) runs that jar instead of ./dkv.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-8}"
rounds="${2:-3}"
source scripts/bench-lib.sh
bench_start_cluster 7710
results="$dir/results.jsonl"
"${dkv[@]}" ns create ev --mode eventual --n 3 --w 2 --r 2 --cluster "$cluster" >/dev/null

# Warm every JVM once on both kinds of namespace; each case below also warms up for 3 s.
for ns in default ev; do
  "${dkv[@]}" bench --cluster "$cluster" --ns "$ns" --op mixed --clients 50 --duration 10 --warmup 0 \
    --json >/dev/null
done

for _ in $(seq "$rounds"); do
  for op in put get; do
    flag=$([ "$op" = put ] && echo --w || echo --r)
    for clients in 1 50; do
      for quorum in strong 1 2 3; do
        if [ "$quorum" = strong ]; then args=(--ns default); else args=(--ns ev "$flag" "$quorum"); fi
        # A run with failed requests exits 3 but still reports: its errors go in the table.
        "${dkv[@]}" bench --cluster "$cluster" "${args[@]}" --op "$op" --clients "$clients" \
          --duration "$seconds" --warmup 3 --keys 10000 --value-size 100 --json >>"$results" || true
      done
    done
  done
done

python3 scripts/bench-table.py "$results" op clients namespace w r
