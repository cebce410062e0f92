"""The DuckDB peer of `bin/sediment ingest-table` in bench/run-ingest-table-bench.

    python duckdb_ingest.py --input=FILE.csv --out=DIR

One statement, with the columns and types of bench/trades-csv.avsc (ts microseconds since the
epoch made a TIMESTAMP, as Sediment's timestamp-micros):

    COPY (SELECT make_timestamp(ts) AS ts, date, symbol, price, size
          FROM read_csv(FILE, header = true, columns = {...}))
    TO DIR (FORMAT parquet, PARTITION_BY (date), COMPRESSION snappy)

DuckDB uses every core (its default threads). Prints one line:
duckdb ingest: rows=N seconds=S threads=T version=V
"""

import sys
import time

import duckdb


def main(argv):
    args = dict(a[2:].split("=", 1) for a in argv if a.startswith("--") and "=" in a)
    if set(args) != {"input", "out"} or len(args) != len(argv):
        sys.exit("usage: duckdb_ingest.py --input=FILE.csv --out=DIR")
    con = duckdb.connect()
    t0 = time.perf_counter()
    rows = con.execute(
        "COPY (SELECT make_timestamp(ts) AS ts, date, symbol, price, size FROM read_csv(?, header = true,"
        " columns = {'ts': 'BIGINT', 'date': 'DATE', 'symbol': 'VARCHAR', 'price': 'DOUBLE', 'size': 'BIGINT'}))"
        " TO '" + args["out"].replace("'", "''") + "' (FORMAT parquet, PARTITION_BY (date), COMPRESSION snappy)",
        [args["input"]],
    ).fetchone()[0]
    seconds = time.perf_counter() - t0
    threads = con.execute("SELECT current_setting('threads')").fetchone()[0]
    print(f"duckdb ingest: rows={rows} seconds={seconds:.2f} threads={threads} version={duckdb.__version__}")


if __name__ == "__main__":
    main(sys.argv[1:])
