"""Where a `POST /summary` request's time goes, stage by stage, on one server under load.

    .venv/bin/python bench/api_stages.py [--duration 5] [--connections 32] [--rounds 2]

Serves `bench/stage_app.py` (the app plus routes that stop after reading, validating or
analysing the seed model, all answering with the same seed JSON) and runs `wrk` with one
worker on `/healthz`, each stage and `/summary`, in turn, `--rounds` times, keeping each
route's best round. The throughput of each stage relative to `/healthz`, and the time per
request each stage adds, show what reading, validation, the core and writing the JSON cost
under load. The last row, a route that only keeps the CPU busy for 100 µs, shows the latency
tail any such POST route gets from the server when it is saturated. Prints figures and ratios;
not a test.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app.schema import SEED_MODEL
from bench.common import machine, ms, print_table, server, us, wrk

STAGES = [
    ("GET /healthz", "/healthz", "the framework's floor"),
    ("read the body", "/bench/read", "+ receive 600 B, send the 16 KB answer"),
    ("+ validate", "/bench/validate", "+ pydantic-core validation"),
    ("+ summarize", "/bench/core", "+ the formula core (numbers)"),
    ("POST /summary", "/summary", "+ the JSON with its texts"),
    ("reference: spin 100 µs", "/bench/spin?us=100", "read the body, busy 100 µs, answer {}"),
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=float, default=5, help="seconds per wrk run")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()

    best: dict[str, float] = {}
    p99: dict[str, float] = {}
    with server(1, app="bench.stage_app:app") as srv:
        for _, path, _ in STAGES:  # warm every route once
            wrk(
                f"{srv.base}{path}",
                connections=4,
                duration=1,
                body=None if path == "/healthz" else SEED_MODEL,
            )
        for _ in range(args.rounds):
            for _, path, _ in STAGES:
                result = wrk(
                    f"{srv.base}{path}",
                    connections=args.connections,
                    duration=args.duration,
                    body=None if path == "/healthz" else SEED_MODEL,
                )
                if result.requests_per_s > best.get(path, 0):
                    best[path], p99[path] = result.requests_per_s, result.p99
    floor = best["/healthz"]
    rows, previous = [], None
    for label, path, what in STAGES:
        per_request = 1 / best[path]
        added = (
            "" if previous is None or path.startswith("/bench/spin") else us(per_request - previous)
        )
        rows.append(
            [
                label,
                what,
                f"{best[path]:,.0f}",
                f"{best[path] / floor:.2f}",
                us(per_request),
                added,
                ms(p99[path]),
            ]
        )
        previous = per_request
    print(f"Machine: {machine()}")
    print_table(
        f"Where /summary's time goes: wrk, 1 worker, {args.connections} connections, "
        f"{args.duration:g} s, best of {args.rounds} rounds",
        ["stage", "what it adds", "requests/s", "÷ /healthz", "per request", "added", "p99"],
        rows,
    )


if __name__ == "__main__":
    main()
