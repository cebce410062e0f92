"""The pandas peer of `bin/sediment ingest-table` in bench/run-ingest-table-bench.

    python pandas_ingest.py --input=FILE.csv --out=DIR

`read_csv` with the dtypes of bench/trades-csv.avsc (ts int64 microseconds, then made
datetime64[us, UTC] as Sediment's timestamp-micros; date, symbol strings; price float64; size
int64), then `to_parquet(DIR, partition_cols=["date"])` (pyarrow, Snappy): DIR/date=YYYY-MM-DD/.
Prints one line: pandas ingest: rows=N read_s=.. write_s=..
"""

import os
import sys
import time

import pandas as pd


def main(argv):
    args = dict(a[2:].split("=", 1) for a in argv if a.startswith("--") and "=" in a)
    if set(args) != {"input", "out"} or len(args) != len(argv):
        sys.exit("usage: pandas_ingest.py --input=FILE.csv --out=DIR")
    t0 = time.perf_counter()
    df = pd.read_csv(
        args["input"],
        dtype={"ts": "int64", "date": "str", "symbol": "str", "price": "float64", "size": "int64"},
    )
    df["ts"] = pd.to_datetime(df["ts"], unit="us", utc=True)
    t1 = time.perf_counter()
    df.to_parquet(args["out"], partition_cols=["date"], compression="snappy", index=False)
    t2 = time.perf_counter()
    print(f"pandas ingest: rows={len(df)} read_s={t1 - t0:.2f} write_s={t2 - t1:.2f} pandas={pd.__version__}")


if __name__ == "__main__":
    main(sys.argv[1:])
    # pyarrow 25's dataset writer threads can abort the interpreter at exit ("terminate called
    # without an active exception", exit 134) after the files are written and closed; the work is
    # done and flushed here, so leave without running the interpreter's teardown.
    sys.stdout.flush()
    os._exit(0)
