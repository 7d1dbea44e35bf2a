#!/usr/bin/env python
"""Benchmark of the seasonal allocation engine (torg/booking/allocation/engine.py): a realistic round
of 2 000 applications over 300 resources (100 divisible halls: the whole and two halves), measured
without the database (the engine is a pure function; loading a round is a few queries).

    .venv/bin/python bench/allocation.py [--applications 2000] [--halls 100] [--runs 5] [--seed 1]

Prints the median time of a proposal and the share of sessions granted, granted on the first choice
and in a primary window; writes bench/results/allocation-<timestamp>.json. See docs/benchmarks.md.
"""

import argparse
import datetime
import json
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from torg.booking.allocation.engine import Claim, Resource, Window, allocate  # noqa: E402


def round_data(applications, halls, seed):
    rng = random.Random(seed)
    resources = []
    for h in range(halls):
        a, b = 10 * h + 1, 10 * h + 2
        resources += [Resource(10 * h, f"Hall {h}", (a, b), 60), Resource(a, f"Hall {h} A", (a,), 30),
                      Resource(b, f"Hall {h} B", (b,), 30)]
    claims = []
    for n in range(applications):
        area = rng.randrange(0, halls, 10)  # applicants ask for halls near them: clusters of ten
        near = [area + rng.randrange(10) for _ in range(3)]
        size = rng.choice([12, 16, 20, 24, 28, 40])
        choices = list(dict.fromkeys(10 * h if size > 30 else 10 * h + rng.choice([1, 2]) for h in near))
        sessions = rng.choice([1, 1, 2, 2, 3])
        days = rng.sample(range(5), min(5, sessions + 1))
        start = rng.choice([16, 17, 18]) * 60
        windows = [Window(d, start, start + 180) for d in days[:sessions]]
        windows += [Window(d, 18 * 60, 22 * 60, primary=False) for d in days[sessions:]]
        if rng.random() < 0.3:
            windows.append(Window(5, 10 * 60, 16 * 60, primary=False))
        claims.append(Claim(id=n, rung=rng.choices([1, 2, 3, 4], [5, 45, 40, 10])[0], submitted=rng.random(),
                            group_size=size, sessions=sessions, minutes=rng.choice([60, 90, 90, 120]),
                            choices=choices, windows=windows))
    return claims, resources


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--applications", type=int, default=2000)
    parser.add_argument("--halls", type=int, default=100)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    claims, resources = round_data(args.applications, args.halls, args.seed)
    times = []
    for _ in range(args.runs):
        t0 = time.perf_counter()
        outcomes = allocate(claims, resources, day_start=8 * 60, day_end=22 * 60)
        times.append(time.perf_counter() - t0)
    n = len(outcomes)
    granted = [o for o in outcomes if o.granted]
    result = {
        "applications": len(claims), "resources": len(resources), "sessions": n, "runs": args.runs,
        "median_seconds": round(statistics.median(times), 3), "max_seconds": round(max(times), 3),
        "granted_share": round(len(granted) / n, 3),
        "first_choice_share": round(sum(o.choice_rank == 1 for o in granted) / n, 3),
        "first_choice_primary_share": round(sum(o.choice_rank == 1 and o.primary for o in granted) / n, 3),
        "primary_window_share": round(sum(o.primary for o in granted) / n, 3),
    }
    for key, value in result.items():
        print(f"{key:28} {value}")
    out = ROOT / "bench" / "results"
    out.mkdir(parents=True, exist_ok=True)
    stamp = datetime.datetime.now(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")
    (out / f"allocation-{stamp}.json").write_text(json.dumps(result, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
