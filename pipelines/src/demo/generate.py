#!/usr/bin/env python3
"""Writes the demo's sample data into pipelines/src/main/resources/demo/ (run once, committed).

Deterministic (fixed seed): trades as CSV (three days of three symbols) and weather-station
readings as JSON lines, each with a handful of realistically broken lines so the demo shows
quarantine at work. Usage: python3 pipelines/src/demo/generate.py
"""
import datetime as dt
import json
import os
import random

OUT = os.path.join(os.path.dirname(__file__), "..", "main", "resources", "demo")
rnd = random.Random(20260203)


def trades():
    px = {"BTCUSDT": 97250.0, "ETHUSDT": 2710.0, "SOLUSDT": 201.5}
    trade_id = 880000000
    for day in (2, 3, 4):
        date = dt.date(2026, 2, day)
        t = dt.datetime(2026, 2, day, tzinfo=dt.timezone.utc)
        rows = ["ts,date,symbol,side,price,size,trade_id"]
        for i in range(4000):
            t += dt.timedelta(milliseconds=rnd.randint(1, 40000))
            if t.date() != date:
                break
            sym = rnd.choice(list(px))
            px[sym] *= 1 + rnd.gauss(0, 0.0004)
            size = max(1, int(rnd.expovariate(1 / 40)))
            trade_id += 1
            ts = t.strftime("%Y-%m-%dT%H:%M:%S.") + f"{t.microsecond // 1000:03d}Z"
            rows.append(f"{ts},{date},{sym},{rnd.choice(['buy', 'sell'])},{px[sym]:.2f},{size},{trade_id}")
        # Broken lines, as exports from real systems have them.
        n = len(rows)
        if day == 2:
            rows.insert(n // 3, rows[n // 3].replace(rows[n // 3].split(",")[4], "n/a", 1))
            rows.insert(n // 2, '2026-02-02T11:00:00.000Z,2026-02-02,"BTCUSDT,buy,97000.10,3,1')
        if day == 3:
            r = rows[n // 4].split(",")
            r[5] = ""
            rows.insert(n // 4, ",".join(r))
            rows.insert(2 * n // 3, rows[2 * n // 3] + ",extra")
        if day == 4:
            rows.insert(n // 5, "2026-02-04 09:15,2026-02-04,ETHUSDT,sell,2701.55,12,999")
        with open(os.path.join(OUT, f"trades-{date}.csv"), "w") as f:
            f.write("\n".join(rows) + "\n")


def sensors():
    stations = {"ST01": 4.0, "ST02": -1.5, "ST03": 7.2, "ST04": 0.4}
    for part in (1, 2):
        t = dt.datetime(2026, 2, 2 + part, tzinfo=dt.timezone.utc)
        lines = []
        for i in range(1500):
            t += dt.timedelta(seconds=60)
            for st in stations:
                stations[st] += rnd.gauss(0, 0.05)
                rec = {
                    "station": st,
                    "ts": t.strftime("%Y-%m-%dT%H:%M:%SZ"),
                    "temperature_c": round(stations[st], 3),
                    "humidity_pct": None if rnd.random() < 0.01 else round(rnd.uniform(55, 95), 1),
                    "battery_v": round(3.7 - i * 0.0001 + rnd.gauss(0, 0.01), 3),
                }
                lines.append(json.dumps(rec, separators=(",", ":")))
        n = len(lines)
        if part == 1:
            lines.insert(n // 3, lines[n // 3][:-9])  # cut off mid-object
            bad = json.loads(lines[n // 2])
            bad["temperature_c"] = "warm"
            lines.insert(n // 2, json.dumps(bad, separators=(",", ":")))
        else:
            bad = json.loads(lines[n // 4])
            bad["firmware"] = "2.1.0"
            lines.insert(n // 4, json.dumps(bad, separators=(",", ":")))
        with open(os.path.join(OUT, f"sensors-part{part}.jsonl"), "w") as f:
            f.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    os.makedirs(OUT, exist_ok=True)
    trades()
    sensors()
