"""Writes the pyarrow fixtures of ParquetBatchPyarrowTest and their expected values.

Run with pyarrow (25.0.1 made the committed files):
    python make_fixture.py
Each file holds the same 2,500 rows as pyarrow writes them: every column nullable (OPTIONAL),
strings dictionary encoded, row groups of 1,000 rows (the last one 500), statistics; one file with
format-v1 data pages and Snappy, one with v2 data pages and ZSTD. expected.jsonl has one JSON
object per row: doubles as their 64-bit patterns (NaN, -0.0 exact), timestamps as microseconds
since the epoch, dates as days since the epoch.
"""
import datetime
import json
import math
import random
import struct

import pyarrow as pa
import pyarrow.parquet as pq

ROWS = 2500
rnd = random.Random(20261208)


def bits(x):
    return struct.unpack("<q", struct.pack("<d", x))[0]


ids, i32, f64, s, b, ts, d = [], [], [], [], [], [], []
specials = [0.0, -0.0, math.nan, math.inf, -math.inf, 5e-324, 1.7976931348623157e308]
words = ["", "XNAS", "ü€𝄞", "buy", "sell", "a" * 40]
for i in range(ROWS):
    ids.append(i * 7919 - 10_000_000)
    i32.append(None if i % 7 == 0 else rnd.randint(-2**31, 2**31 - 1))
    f64.append(None if i % 11 == 0 else specials[i % len(specials)] if i % 5 == 0 else rnd.uniform(-1e6, 1e6))
    s.append(None if i % 13 == 0 else words[rnd.randrange(len(words))] + ("" if i % 3 else str(i % 50)))
    b.append(None if i % 17 == 0 else rnd.random() < 0.5)
    ts.append(None if i % 19 == 0 else 1_770_076_800_000_000 + rnd.randrange(86_400_000_000))
    d.append(None if i % 23 == 0 else 20_000 + rnd.randrange(-30_000, 30_000))

table = pa.table(
    {
        "id": pa.array(ids, pa.int64()),
        "i32": pa.array(i32, pa.int32()),
        "f64": pa.array(f64, pa.float64()),
        "s": pa.array(s, pa.string()),
        "b": pa.array(b, pa.bool_()),
        "ts": pa.array(ts, pa.timestamp("us", tz="UTC")),
        "d": pa.array([None if x is None else datetime.date(1970, 1, 1) + datetime.timedelta(days=x) for x in d], pa.date32()),
    }
)
pq.write_table(table, "pyarrow-v1-snappy.parquet", row_group_size=1000, compression="snappy",
               data_page_version="1.0", data_page_size=4096)
pq.write_table(table, "pyarrow-v2-zstd.parquet", row_group_size=1000, compression="zstd",
               data_page_version="2.0", data_page_size=4096)
with open("expected.jsonl", "w", encoding="utf-8") as out:
    for i in range(ROWS):
        out.write(json.dumps({
            "id": ids[i], "i32": i32[i], "f64": None if f64[i] is None else bits(f64[i]),
            "s": s[i], "b": b[i], "ts": ts[i], "d": d[i]}, ensure_ascii=False) + "\n")
