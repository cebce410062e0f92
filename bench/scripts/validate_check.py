"""Checks that Sediment and pandera keep the same rows in bench/run-validate-bench.

    python validate_check.py --pandera=FILE NAME=DIR [NAME=DIR ...]

FILE is pandera's valid.parquet, each DIR a Sediment lake's processed/bench/ directory. Rows are
told apart by `seq` (unique per row in bench.TradeRows). Prints, for each DIR, its valid rows and
how many `seq` are kept by only one side; exits 1 unless every DIR keeps exactly pandera's rows.
"""

import sys

import duckdb


def main(argv):
    pandera = None
    outputs = []
    for a in argv:
        if a.startswith("--pandera="):
            pandera = a[len("--pandera="):]
        elif "=" in a and not a.startswith("--"):
            outputs.append(a.split("=", 1))
        else:
            sys.exit("usage: validate_check.py --pandera=FILE NAME=DIR [NAME=DIR ...]")
    if pandera is None or not outputs:
        sys.exit("usage: validate_check.py --pandera=FILE NAME=DIR [NAME=DIR ...]")
    con = duckdb.connect()
    ok = True
    for name, root in outputs:
        files = root.rstrip("/") + "/**/*.parquet"
        rows = con.execute("SELECT count(*) FROM read_parquet(?)", [files]).fetchone()[0]
        only_s, only_p = (
            con.execute(
                "SELECT count(*) FROM (SELECT seq FROM read_parquet(?) EXCEPT ALL SELECT seq FROM read_parquet(?))",
                pair,
            ).fetchone()[0]
            for pair in ([files, pandera], [pandera, files])
        )
        print(f"same rows: {name} keeps {rows} rows; only {name}: {only_s}, only pandera: {only_p}")
        ok = ok and only_s == 0 and only_p == 0
    print("same rows: " + ("every Sediment run keeps exactly pandera's valid rows" if ok else "FAILED"))
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main(sys.argv[1:])
