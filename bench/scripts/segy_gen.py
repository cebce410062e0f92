#!/usr/bin/python3
"""segy_gen.py OUT FORMAT TRACES SAMPLES SEED

Writes a SEG-Y rev 1 file with segyio.create: TRACES traces (an inline/crossline grid) of
SAMPLES samples at 2 ms, data sample format FORMAT (1 IBM float, 5 IEEE float), big-endian.
Traces are band-limited noise plus a few reflections, seeded. Used by bench/run-decode-bench.
"""
import sys

import numpy as np
import segyio


def main():
    out, fmt, traces, samples, seed = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
    xlines = 256
    ilines = (traces + xlines - 1) // xlines
    spec = segyio.spec()
    spec.format = fmt
    spec.samples = list(range(samples))
    spec.ilines = list(range(1, ilines + 1))
    spec.xlines = list(range(1, xlines + 1))
    spec.sorting = segyio.TraceSortingFormat.INLINE_SORTING
    rng = np.random.default_rng(seed)
    kernel = np.hanning(15)
    with segyio.create(out, spec) as f:
        f.bin[segyio.BinField.Interval] = 2000
        for i in range(ilines * xlines):
            noise = np.convolve(rng.standard_normal(samples), kernel, mode="same")
            refl = np.zeros(samples)
            refl[rng.integers(0, samples, 8)] = rng.standard_normal(8) * 20
            f.trace[i] = (noise + np.convolve(refl, np.hanning(31), mode="same")).astype(np.float32)
            f.header[i] = {
                segyio.TraceField.INLINE_3D: i // xlines + 1,
                segyio.TraceField.CROSSLINE_3D: i % xlines + 1,
                segyio.TraceField.TRACE_SEQUENCE_LINE: i + 1,
                segyio.TraceField.CDP: i + 1,
                segyio.TraceField.TRACE_SAMPLE_COUNT: samples,
                segyio.TraceField.TRACE_SAMPLE_INTERVAL: 2000,
            }
    print("segy_gen: %s: %d traces of %d samples, format %d" % (out, ilines * xlines, samples, fmt))


if __name__ == "__main__":
    main()
