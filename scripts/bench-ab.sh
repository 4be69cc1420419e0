#!/usr/bin/env bash
# Compares builds side by side on this noisy machine: for each round, each jar in turn gets a fresh
# 3-node cluster, a mixed warm-up (WARMUP_SECONDS, default 10), then put runs with 1 and with 50
# clients. Prints min / median / max per jar and client count, and the servers' CPU time per
# operation (user + system, from /proc/PID/stat of the three server processes), which the
# machine's other load disturbs far less than throughput.
#   JAVA_HOME=/path/to/jdk21+ [WARMUP_SECONDS=30] scripts/bench-ab.sh ROUNDS SECONDS JAR_A JAR_B [JAR...]
set -euo pipefail
rounds="$1"; seconds="$2"; shift 2
java="${JAVA_HOME:?set JAVA_HOME to a JDK 21 or newer}/bin/java"
results="$(mktemp)"
source "$(dirname "$0")/bench-lib.sh" # for cpu_ticks
hz="$(getconf CLK_TCK)"
cluster="127.0.0.1:7801,127.0.0.1:7802,127.0.0.1:7803"
for round in $(seq "$rounds"); do
  for jar in "$@"; do
    dir="$(mktemp -d)"
    "$java" -XX:+UseZGC --enable-native-access=ALL-UNNAMED -jar "$jar" dev --nodes 3 \
      --dir "$dir/data" --base-port 7800 >"$dir/dev.out" 2>&1 &
    dev=$!
    until grep -q "Ctrl-C stops" "$dir/dev.out"; do
      kill -0 "$dev" 2>/dev/null || { cat "$dir/dev.out"; exit 1; }
      sleep 0.2
    done
    "$java" -XX:+UseZGC -jar "$jar" bench --cluster "$cluster" --op mixed --clients 50 --duration "${WARMUP_SECONDS:-10}" \
      --warmup 0 --json >/dev/null
    servers="$(pgrep -P "$dev" | tr '\n' ' ')"
    for clients in 1 50; do
      before="$(cpu_ticks $servers)"
      run="$("$java" -XX:+UseZGC -jar "$jar" bench --cluster "$cluster" --op put --clients "$clients" \
        --duration "$seconds" --warmup 3 --json)"
      ticks=$(( $(cpu_ticks $servers) - before ))
      echo "{\"jar\":\"$jar\",\"round\":$round,\"cpuTicks\":$ticks,\"run\":$run}" >>"$results"
    done
    kill -TERM "$dev"; wait "$dev" || true
    rm -rf "$dir"
  done
done
python3 - "$results" "$hz" <<'PY'
import json, statistics, sys
hz = int(sys.argv[2])
rows = {}
for line in open(sys.argv[1]):
    d = json.loads(line); r = dict(d["run"], cpuTicks=d["cpuTicks"])
    rows.setdefault((r["clients"], d["jar"]), []).append(r)
for (clients, jar), runs in sorted(rows.items()):
    ops = sorted(r["opsPerSecond"] for r in runs)
    p50 = statistics.median(r["p50Ms"] for r in runs)
    p99 = sorted(r["p99Ms"] for r in runs)
    # the servers' CPU over the whole run (warm-up included), per request answered in it; jars
    # from before dkv bench reported warmupOps cannot be compared this way
    if all("warmupOps" in r for r in runs):
        cpu = sorted(r["cpuTicks"] / hz * 1e6 / (r["ops"] + r["warmupOps"]) for r in runs)
        cpu_text = f"{cpu[0]:.0f} / {statistics.median(cpu):.0f} / {cpu[-1]:.0f}"
    else:
        cpu_text = "n/a (the jar's dkv bench reports no warmupOps)"
    print(f"{jar}  clients={clients}  ops/s {ops[0]} / {int(statistics.median(ops))} / {ops[-1]}"
          f"  p50 {p50:.2f} ms  p99 {p99[0]:.2f} / {statistics.median(p99):.2f} / {p99[-1]:.2f} ms"
          f"  server CPU µs/op {cpu_text}")
PY
