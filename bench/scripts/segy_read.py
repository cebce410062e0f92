#!/usr/bin/python3
"""segy_read.py FILE REPEAT

The segyio peer of the decode benchmark: opens FILE (ignore_geometry) and times
f.trace.raw[:] (every trace's samples, decoded to float32 numpy), REPEAT times; prints the best
pass as "traces samples seconds MB/s" (MB/s = file bytes / 10^6 / seconds).
"""
import os
import sys
import time

import segyio


def main():
    path, repeat = sys.argv[1], int(sys.argv[2])
    size = os.path.getsize(path)
    best = float("inf")
    shape = None
    with segyio.open(path, ignore_geometry=True) as f:
        for _ in range(repeat):
            t0 = time.perf_counter()
            data = f.trace.raw[:]
            t = time.perf_counter() - t0
            shape = data.shape
            best = min(best, t)
            del data
    print("%d %d %.6f %.1f" % (shape[0], shape[0] * shape[1], best, size / best / 1e6))


if __name__ == "__main__":
    main()
