#!/usr/bin/env python3
"""Median, p90 and p99 of fdatasync after a small append, in microseconds: what one fsync phase of
a dkv write costs on this disk (docs/benchmarks.md).  Usage: scripts/fsync-latency.py [DIR]"""
import os
import sys
import tempfile
import time

directory = sys.argv[1] if len(sys.argv) > 1 else "."
fd, path = tempfile.mkstemp(dir=directory, prefix="dkv-fsync-")
try:
    samples = []
    for _ in range(300):
        os.write(fd, b"x" * 200)
        start = time.perf_counter()
        os.fdatasync(fd)
        samples.append((time.perf_counter() - start) * 1e6)
    samples.sort()
    print(f"fdatasync of a 200-byte append, 300 times in {directory}: "
          f"p50 {samples[150]:.0f} us, p90 {samples[270]:.0f} us, p99 {samples[297]:.0f} us")
finally:
    os.close(fd)
    os.unlink(path)
