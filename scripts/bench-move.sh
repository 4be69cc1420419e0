#!/usr/bin/env bash
# Moving partitions while a closed-loop load runs: a 3-node cluster (RF 3, Q 256) is filled with
# about KEYS keys of VALUE_SIZE bytes, a mixed load of CLIENTS clients runs for the whole test,
# a 4th node joins (dkv server --join) and, once it holds its share, is removed again (dkv cluster
# remove). Prints, as one JSON line, how long each move took, the replicas and keys it moved, and
# the load's throughput (median of its per-second samples) before, during and after each move.
#   JAVA_HOME=/path/to/jdk21+ scripts/bench-move.sh JAR [KEYS] [CLIENTS] [VALUE_SIZE]
set -euo pipefail
jar="$1"; keys="${2:-100000}"; clients="${3:-20}"; value_size="${4:-200}"
java="${JAVA_HOME:?set JAVA_HOME to a JDK 21 or newer}/bin/java"
dir="$(mktemp -d)"
cluster="127.0.0.1:7901,127.0.0.1:7902,127.0.0.1:7903"
jvm=("$java" -XX:+UseZGC --enable-native-access=ALL-UNNAMED -jar "$jar")
# Background processes are started as "${jvm[@]}" ... & so that $! is the JVM itself, which the
# cleanup stops; a shell function would put a subshell in between.
dkv() { "${jvm[@]}" "$@"; }
now() { date +%s.%N; }
cleanup() {
  [[ -n "${n4:-}" ]] && kill -TERM "$n4" 2>/dev/null || true
  [[ -n "${load:-}" ]] && kill -TERM "$load" 2>/dev/null || true
  [[ -n "${dev:-}" ]] && { kill -TERM "$dev" 2>/dev/null; wait "$dev" 2>/dev/null || true; }
  [[ -n "${KEEP:-}" ]] && echo "kept $dir" >&2 || rm -rf "$dir"
}
trap cleanup EXIT
# n4's state and partition count as n2 sees it, e.g. "up 192".
n4_state() {
  dkv cluster status --cluster 127.0.0.1:7902 --json 2>/dev/null | python3 -c '
import json, sys
for m in json.load(sys.stdin)["members"]:
    if m["node"] == "n4": print(m["state"], m["partitions"])'
}
await_n4() { # STATE PARTITIONS
  until [[ "$(n4_state)" == "$1 $2" ]]; do sleep 0.2; done
}

"${jvm[@]}" dev --nodes 3 --dir "$dir/data" --base-port 7900 >"$dir/dev.out" 2>&1 &
dev=$!
until grep -q "Ctrl-C stops" "$dir/dev.out"; do
  kill -0 "$dev" 2>/dev/null || { cat "$dir/dev.out"; exit 1; }
  sleep 0.2
done
dkv bench --cluster "$cluster" --op put --clients 50 --duration 30 --warmup 0 --keys "$keys" \
  --value-size "$value_size" --json >/dev/null
# The load's progress line (one per second, \r-separated), each stamped with the wall clock.
mkfifo "$dir/load.fifo"
python3 -u -c '
import sys, time
line = ""
for c in iter(lambda: sys.stdin.read(1), ""):
    if c in "\r\n":
        if line.strip():
            print("%.3f %s" % (time.time(), line.strip()), flush=True)
        line = ""
    else:
        line += c' <"$dir/load.fifo" >"$dir/load.samples" &
"${jvm[@]}" bench --cluster "$cluster" --op mixed --clients "$clients" --duration 3600 --warmup 0 \
  --keys "$keys" --value-size "$value_size" 2>"$dir/load.fifo" >"$dir/load.out" &
load=$!
until grep -q 'ops/s' "$dir/load.samples" 2>/dev/null; do sleep 0.2; done
load_start="$(now)"
sleep 30
join_start="$(now)"
"${jvm[@]}" server --node-id n4 --listen 127.0.0.1:7904 --data "$dir/n4" --join 127.0.0.1:7901 \
  >"$dir/n4.log" 2>&1 &
n4=$!
await_n4 up 192
join_end="$(now)"
sleep 30
remove_start="$(now)"
dkv cluster remove n4 --cluster 127.0.0.1:7902 >/dev/null
await_n4 removed 0
remove_end="$(now)"
sleep 30
kill -TERM "$load"; wait "$load" || true
load=
python3 - "$dir" "$load_start" "$join_start" "$join_end" "$remove_start" "$remove_end" <<'PY'
import glob, json, re, statistics, sys
d, t0, js, je, rs, re_ = sys.argv[1], *map(float, sys.argv[2:])
samples = []  # (wall clock, ops/s in the second before) from dkv bench's progress line
for line in open(d + "/load.samples", errors="replace"):
    m = re.match(r"([\d.]+) \[\s*\d+s\]\s+(\d+) ops/s", line)
    if m:
        samples.append((float(m.group(1)), int(m.group(2))))
def median(a, b):
    vals = [ops for t, ops in samples if a <= t < b]
    return int(statistics.median(vals)) if vals else None
def copied(pattern):
    total = 0
    for log in glob.glob(pattern):
        total += sum(int(n) for n in re.findall(r"copied (\d+) keys", open(log, errors="replace").read()))
    return total
print(json.dumps({
    "joinSeconds": round(je - js, 1), "removeSeconds": round(re_ - rs, 1),
    "replicasMovedByJoin": 192, "replicasMovedByRemove": 192, "idealFraction": "1/4 of 768",
    "keysCopiedByJoin": copied(d + "/n4.log"), "keysCopiedByRemove": copied(d + "/data/n*.log"),
    "opsBefore": median(t0, js), "opsDuringJoin": median(js, je),
    "opsBetween": median(je, rs), "opsDuringRemove": median(rs, re_), "opsAfter": median(re_, re_ + 30),
}))
PY
