#!/usr/bin/python3
"""decode_table.py WORK

Prints the Markdown table of bench/run-decode-bench from WORK/jmh-*.json and WORK/peer-*.txt:
per file, ours (JMH reader with a new sample array per trace, reader into one reused
SampleBuffer, and the kernel) against the peer, and each ratio ours / peer.
"""
import json
import os
import sys

work = sys.argv[1]
rows = []


def jmh(name):
    p = os.path.join(work, "jmh-%s.json" % name)
    if not os.path.exists(p):
        return {}
    out = {}
    for r in json.load(open(p)):
        f = os.path.basename(r["params"]["file"])
        m = r["primaryMetric"]
        out[(r["benchmark"].rsplit(".", 1)[1], f)] = (m["score"], m["scoreError"])  # ms/op
    return out


def peer(f):
    p = os.path.join(work, "peer-%s.txt" % f)
    return open(p).read().split() if os.path.exists(p) else None


print("| file | unit | peer | ours: reader, new arrays | / peer | ours: reader, SampleBuffer | / peer | ours: kernel | / peer |")
print("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
segy = jmh("segy")
for f, label in (("ibm", "SEG-Y IBM float, 165 MB"), ("ieee", "SEG-Y IEEE float, 165 MB")):
    p = peer(f)
    if p is None:
        continue
    size = os.path.getsize(os.path.join(work, f + ".sgy"))
    pr = float(p[3])
    cells = []
    for b in ("reader", "readerInto", "kernel"):
        s = segy.get((b, f + ".sgy"))
        if s:
            v = size / 1e6 / (s[0] / 1e3)
            cells += ["%.0f" % v, "%.2f" % (v / pr)]
        else:
            cells += ["-", "-"]
    print("| %s (segyio `f.trace.raw[:]`) | MB/s | %.0f | %s |" % (label, pr, " | ".join(cells)))
mseed = jmh("mseed")
for f, label in (("steim2_4096", "miniSEED Steim-2, 4096-byte records"), ("steim1_512", "miniSEED Steim-1, 512-byte records")):
    p = peer(f)
    if p is None:
        continue
    samples = int(p[1])
    pr = float(p[3])
    cells = []
    for b in ("reader", "readerInto", "kernel"):
        s = mseed.get((b, f + ".mseed"))
        if s:
            v = samples / 1e6 / (s[0] / 1e3)
            cells += ["%.0f" % v, "%.2f" % (v / pr)]
        else:
            cells += ["-", "-"]
    print("| %s (libmseed `ms_readmsr`) | Msamples/s | %.0f | %s |" % (label, pr, " | ".join(cells)))
