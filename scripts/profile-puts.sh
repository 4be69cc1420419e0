#!/usr/bin/env bash
# Profiles a 3-node cluster under 50-client puts, once it is warm: a fresh cluster (./dkv dev, or
# DKV_JAR), a mixed warm-up of WARMUP_SECONDS (default 90), then a 20 s put run during which every
# server records JFR (settings=profile) and, from its 10th second, `perf record -a -g` samples the
# whole machine for 10 s. Writes OUTDIR/bench.json, OUTDIR/perf.data, OUTDIR/nPID.jfr and prints
# the CPU per thread name (perf report --sort comm).
#   JAVA_HOME=/path/to/jdk21+ [DKV_JAR=dkv.jar] scripts/profile-puts.sh OUTDIR
# JAVA_HOME must be the JDK that runs the servers: its jcmd starts their recordings.
set -euo pipefail
cd "$(dirname "$0")/.."
out="$(mkdir -p "$1" && cd "$1" && pwd)"
command -v perf >/dev/null || { echo "perf is missing: apt-get install linux-perf" >&2; exit 2; }
java_home="${JAVA_HOME:?set JAVA_HOME to the JDK 21+ that runs the servers}"
source scripts/bench-lib.sh
bench_start_cluster 7800
"${dkv[@]}" bench --cluster "$cluster" --op mixed --clients 50 --duration "${WARMUP_SECONDS:-90}" \
  --warmup 0 --json >/dev/null
for pid in $(pgrep -f "io.dkv.cli.Main server --node-id n[0-9]+ --listen 127.0.0.1:780[0-9] "); do
  "$java_home/bin/jcmd" "$pid" JFR.start settings=profile duration=20s filename="$out/n$pid.jfr" >/dev/null
done
(sleep 10; perf record -a -g -o "$out/perf.data" -- sleep 10 >/dev/null 2>&1) &
perf_pid=$!
"${dkv[@]}" bench --cluster "$cluster" --op put --clients 50 --duration 20 --warmup 0 \
  --keys 10000 --value-size 100 --json >"$out/bench.json" || true
wait "$perf_pid"
cat "$out/bench.json"
perf report -i "$out/perf.data" --sort comm --stdio --no-children -g none 2>/dev/null \
  | grep -v '^#' | grep -v '^$' | head -25
