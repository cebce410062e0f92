"""Checks that the outputs of bench/run-ingest-table-bench hold the same rows.

    python ingest_check.py --rows=N NAME=DIR [NAME=DIR ...]

For each DIR (every *.parquet below it, hive-partitioned by date=...), counts per partition
directory: rows, sum of size, sum of price in cents and sum of ts in microseconds. Prints one
line per output and exits 1 unless all outputs agree and hold N rows in all.
"""

import sys

import duckdb


def summary(con, root):
    return con.execute(
        "SELECT regexp_extract(filename, '/date=([^/]+)/', 1) AS d, count(*), sum(size),"
        " sum(CAST(round(price * 100) AS BIGINT)), sum(epoch_us(ts))"
        " FROM read_parquet(?, hive_partitioning = false, filename = true, union_by_name = true)"
        " GROUP BY d ORDER BY d",
        [root.rstrip("/") + "/**/*.parquet"],
    ).fetchall()


def main(argv):
    rows = None
    outputs = []
    for a in argv:
        if a.startswith("--rows="):
            rows = int(a[7:])
        elif "=" in a and not a.startswith("--"):
            outputs.append(a.split("=", 1))
        else:
            sys.exit("usage: ingest_check.py --rows=N NAME=DIR [NAME=DIR ...]")
    if rows is None or not outputs:
        sys.exit("usage: ingest_check.py --rows=N NAME=DIR [NAME=DIR ...]")
    con = duckdb.connect()
    sums = {}
    for name, root in outputs:
        sums[name] = summary(con, root)
        total = sum(r[1] for r in sums[name])
        print(f"check {name}: {total} rows in {len(sums[name])} date partitions"
              f" ({', '.join(f'{r[0]}: {r[1]}' for r in sums[name])})")
    first = outputs[0][0]
    ok = True
    for name, _ in outputs:
        total = sum(r[1] for r in sums[name])
        if total != rows:
            print(f"check {name}: {total} rows, the CSV has {rows}")
            ok = False
        if sums[name] != sums[first]:
            print(f"check {name}: per-date rows or sums differ from {first}: {sums[name]} vs {sums[first]}")
            ok = False
    print("check: " + ("every output holds the same rows per date" if ok else "FAILED"))
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main(sys.argv[1:])
