# Sourced by the benchmark scripts: starts a fresh local 3-node cluster (./dkv dev) on BASE_PORT
# and stops it, and removes its data, when the script exits. Sets:
#   dkv      the command to run: ./dkv, or with DKV_JAR=path/to/dkv.jar (and JAVA_HOME set to a
#            JDK 21+) that jar, so a fixed build can be measured while the tree is edited
#   cluster  the three endpoints, for --cluster
#   dir      a scratch directory, removed at exit
#   bench_start_cluster BASE_PORT
# and defines cpu_ticks PID..., the CPU time (user + system) the processes used so far, in clock
# ticks (getconf CLK_TCK per second; fields 14 and 15 of /proc/PID/stat).
cpu_ticks() { for pid in "$@"; do cat "/proc/$pid/stat"; done | awk '{t += $14 + $15} END {print t}'; }
bench_start_cluster() {
  local base_port="$1"
  cluster="127.0.0.1:$((base_port + 1)),127.0.0.1:$((base_port + 2)),127.0.0.1:$((base_port + 3))"
  dir="$(mktemp -d)"
  if [ -n "${DKV_JAR:-}" ]; then
    dkv=("${JAVA_HOME:?set JAVA_HOME to a JDK 21 or newer}/bin/java" -XX:+UseZGC -Xss1m
         --enable-native-access=ALL-UNNAMED -jar "$DKV_JAR")
  else
    dkv=(./dkv)
  fi
  "${dkv[@]}" --version >/dev/null # build once, before anything is timed
  "${dkv[@]}" dev --nodes 3 --dir "$dir/data" --base-port "$base_port" >"$dir/dev.out" 2>&1 &
  dev_pid=$!
  # Under set -e a failing command would end the trap early: each is allowed to fail.
  trap 'kill -TERM "$dev_pid" 2>/dev/null || true; wait "$dev_pid" 2>/dev/null || true; rm -rf "$dir"' EXIT
  until grep -q "Ctrl-C stops" "$dir/dev.out"; do
    kill -0 "$dev_pid" 2>/dev/null || { cat "$dir/dev.out"; exit 1; }
    sleep 0.2
  done
}
