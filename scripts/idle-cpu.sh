#!/usr/bin/env bash
# What a cluster at rest costs: a fresh 3-node cluster (./dkv dev, or DKV_JAR), left alone for
# 20 s, then the CPU time (user + system, /proc/PID/stat) its three servers use over 10 s.
#   [DKV_JAR=dkv.jar JAVA_HOME=/path/to/jdk21+] scripts/idle-cpu.sh
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/bench-lib.sh
bench_start_cluster 7800
servers="$(pgrep -f "io.dkv.cli.Main server --node-id n[0-9]+ --listen 127.0.0.1:780[0-9] " | tr '\n' ' ')"
sleep 20 # start-up and the directory's first elections are over
before="$(cpu_ticks $servers)"
sleep 10
echo "3 servers at rest: $(python3 -c "import sys; print(round(($(cpu_ticks $servers) - $before) / $(getconf CLK_TCK), 2))") s of CPU in 10 s"
