"""Summarises dkv bench --json lines as a markdown table, one row per case, in first-seen order.

    python3 scripts/bench-table.py RESULTS.jsonl FIELD...

A case is the values of FIELD... (a field a line lacks is blank); each row gives min / median /
max of throughput and p99 over the case's runs, and p50 and p99.9 of its median run.
"""
import json
import statistics
import sys

path, fields = sys.argv[1], sys.argv[2:]
rows = {}
for line in open(path):
    r = json.loads(line)
    rows.setdefault(tuple(str(r.get(f, "")) for f in fields), []).append(r)
print("| " + " | ".join(fields) + " | ops/s min / median / max | p50 ms (median run) "
      "| p99 ms min / median / max | p99.9 ms (median run) | errors |")
print("|" + "---|" * (len(fields) + 5))
for case, runs in rows.items():
    ops = sorted(r["opsPerSecond"] for r in runs)
    p99 = sorted(r["p99Ms"] for r in runs)
    mid = sorted(runs, key=lambda r: r["opsPerSecond"])[len(runs) // 2]
    print(f"| {' | '.join(case)} | {ops[0]} / {int(statistics.median(ops))} / {ops[-1]} "
          f"| {mid['p50Ms']:.2f} | {p99[0]:.2f} / {statistics.median(p99):.2f} / {p99[-1]:.2f} "
          f"| {mid['p999Ms']:.2f} | {sum(r['errors'] for r in runs)} |")
