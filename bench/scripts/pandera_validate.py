"""The pandera peer of `bin/sediment validate` in bench/run-validate-bench.

    python pandera_validate.py --input=DIR --out=DIR

Reads every Parquet file of DIR (bench.TradeRows' trades-*.parquet) with pandas `read_parquet`,
validates the frame with a pandera `DataFrameSchema` that states the 10 rules of
bench/validate-rules.yaml, `validate(lazy=True)` so every failure is collected, drops each row
that breaks an error rule and writes the valid rows with `to_parquet` (Snappy, as Sediment
writes them) to OUT/valid.parquet, the quarantined rows to OUT/quarantine.parquet and pandera's
failure cases (as strings) to OUT/failure_cases.parquet. Prints one line:

    pandera validate: rows=N valid=V quarantined=Q warned=W dataset_failures=[...] read_s=.. validate_s=.. write_s=..

The rules, one for one (a null passes every rule but not_null, as in Sediment's Checks):
    symbol   regex ^[A-Z]{3,10}$          Check.str_matches
    side     in [buy, sell]               Check.isin
    price    not_null                     nullable=False
    price    min 0 exclusive              Check.gt(0)
    price    max 1000000, severity warn   Check.le(1e6, raise_warning=True): warns, quarantines nothing
    size     min 1                        Check.ge(1)
    venue    length 1..8                  Check.str_length(1, 8)
    ts_event not_null                     nullable=False
    dataset  row_count min 1              DataFrame check len(df) >= 1
    dataset  completeness price >= 0.99   DataFrame check df.price.notna().mean() >= 0.99
Columns without a not_null rule are nullable=True, and no column has a dtype check (the rule file
has no type rule), so the schema checks exactly these ten rules. A failing dataset rule is
reported, not a reason to drop rows (Sediment's dataset rules quarantine no rows either).
`warned` counts valid rows above the warn bound (Sediment's "passed with warnings"); pandera
reports a warn rule as a SchemaWarning without counts, so this one count is a pandas expression.
"""

import os
import sys
import time
import warnings

import pandas as pd
import pandera
import pandera.pandas as pa


def schema():
    return pa.DataFrameSchema(
        {
            "symbol": pa.Column(checks=[pa.Check.str_matches(r"^[A-Z]{3,10}$")], nullable=True),
            "side": pa.Column(checks=[pa.Check.isin(["buy", "sell"])], nullable=True),
            "price": pa.Column(
                checks=[pa.Check.gt(0), pa.Check.le(1_000_000, raise_warning=True)],
                nullable=False,
            ),
            "size": pa.Column(checks=[pa.Check.ge(1)], nullable=True),
            "venue": pa.Column(checks=[pa.Check.str_length(1, 8)], nullable=True),
            "ts_event": pa.Column(nullable=False),
        },
        checks=[
            pa.Check(lambda df: len(df) >= 1, name="row_count"),
            pa.Check(lambda df: df["price"].notna().mean() >= 0.99, name="completeness"),
        ],
    )


def main(argv):
    args = dict(a[2:].split("=", 1) for a in argv if a.startswith("--") and "=" in a)
    if set(args) != {"input", "out"} or len(args) != len(argv):
        sys.exit("usage: pandera_validate.py --input=DIR --out=DIR")
    os.makedirs(args["out"], exist_ok=True)
    t0 = time.perf_counter()
    df = pd.read_parquet(args["input"])
    t1 = time.perf_counter()
    failure_cases = None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", pa.errors.SchemaWarning)
        try:
            schema().validate(df, lazy=True)
        except pa.errors.SchemaErrors as e:
            failure_cases = e.failure_cases
    if failure_cases is None:
        bad = pd.Index([], dtype="int64")
        dataset_failures = []
    else:
        rows = failure_cases["index"].notna()
        bad = pd.Index(failure_cases.loc[rows, "index"].astype("int64").unique())
        dataset_failures = sorted(failure_cases.loc[~rows, "check"].astype(str).unique())
    valid = df.drop(index=bad)
    quarantine = df.loc[bad]
    warned = int((valid["price"] > 1_000_000).sum())
    t2 = time.perf_counter()
    valid.to_parquet(os.path.join(args["out"], "valid.parquet"), compression="snappy", index=False)
    quarantine.to_parquet(os.path.join(args["out"], "quarantine.parquet"), compression="snappy")
    if failure_cases is not None:
        failure_cases.astype(str).to_parquet(os.path.join(args["out"], "failure_cases.parquet"))
    t3 = time.perf_counter()
    print(
        f"pandera validate: rows={len(df)} valid={len(valid)} quarantined={len(quarantine)}"
        f" warned={warned} dataset_failures={dataset_failures}"
        f" read_s={t1 - t0:.2f} validate_s={t2 - t1:.2f} write_s={t3 - t2:.2f}"
        f" pandas={pd.__version__} pandera={pandera.__version__}"
    )


if __name__ == "__main__":
    main(sys.argv[1:])
