"""API throughput and latency under load: `POST /summary` (seed model) against `GET /healthz`.

    .venv/bin/python bench/api_load.py [--duration 10] [--connections 32] [--workers 1 2]

For each worker count, starts `uvicorn app.main:app` on a free loopback port and runs Debian's
`wrk` (one thread, `--connections` connections) first on `/healthz`, then on `/summary`, on the
same server. `/healthz` is the floor the framework and the server set; the ratio shows what our
validation, arithmetic and JSON cost on top. Targets: /summary ≥ 0.6 × /healthz requests/s,
/summary p99 < 20 ms. Prints figures and ratios; not a test.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app.schema import SEED_MODEL
from bench.common import machine, ms, print_table, server, wrk

TARGET_RATIO = 0.6
TARGET_P99_S = 20e-3


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=float, default=10, help="seconds per wrk run")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    args = parser.parse_args()

    rows, ratios = [], []
    for workers in args.workers:
        with server(workers) as srv:
            # A short warm-up so that every worker has built its validators and caches.
            wrk(f"{srv.base}/summary", connections=4, duration=1, body=SEED_MODEL)
            health = wrk(
                f"{srv.base}/healthz", connections=args.connections, duration=args.duration
            )
            summary = wrk(
                f"{srv.base}/summary",
                connections=args.connections,
                duration=args.duration,
                body=SEED_MODEL,
            )
        for name, result in (("GET /healthz", health), ("POST /summary (seed)", summary)):
            rows.append(
                [
                    workers,
                    name,
                    f"{result.requests_per_s:,.0f}",
                    ms(result.p50),
                    ms(result.p99),
                    f"{result.requests:,}",
                    result.errors,
                ]
            )
        ratio = summary.requests_per_s / health.requests_per_s
        ratios.append(
            [
                workers,
                f"{ratio:.2f}",
                f"≥ {TARGET_RATIO}",
                ms(summary.p99),
                ms(TARGET_P99_S),
                f"{summary.p99 / TARGET_P99_S:.2f}",
            ]
        )
    print(f"Machine: {machine()}")
    print_table(
        f"API under load: wrk, 1 thread, {args.connections} connections, "
        f"{args.duration:g} s per run, loopback",
        ["workers", "request", "requests/s", "p50", "p99", "requests", "errors"],
        rows,
    )
    print_table(
        "API: against the targets",
        [
            "workers",
            "/summary ÷ /healthz req/s",
            "target",
            "/summary p99",
            "target",
            "p99 ÷ target",
        ],
        ratios,
    )


if __name__ == "__main__":
    main()
