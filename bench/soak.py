"""Soak: a minute of steady load on `POST /summary`, then errors and memory growth.

    .venv/bin/python bench/soak.py [--duration 60] [--connections 64] [--workers 2]

Starts `uvicorn app.main:app` on a free loopback port, warms it up, reads the resident memory
(RSS) of uvicorn and its workers, runs `wrk` with `--connections` connections for `--duration`
seconds on the seed model, then reads RSS again. Targets: zero errors (socket errors or
non-2xx answers), RSS growth under 10 %. Prints figures and ratios; not a test.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app.schema import SEED_MODEL
from bench.common import machine, ms, print_table, server, wrk

TARGET_GROWTH = 0.10


def mib(n: int) -> str:
    return f"{n / 2**20:.1f} MiB"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=float, default=60)
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()

    with server(args.workers) as srv:
        # Warm-up: caches, validators and allocator pools reach their working size first.
        wrk(
            f"{srv.base}/summary",
            connections=args.connections,
            duration=max(1, args.duration / 10),
            body=SEED_MODEL,
        )
        time.sleep(0.5)
        before = srv.rss_bytes()
        result = wrk(
            f"{srv.base}/summary",
            connections=args.connections,
            duration=args.duration,
            body=SEED_MODEL,
        )
        time.sleep(0.5)
        after = srv.rss_bytes()
    growth = (after - before) / before
    print(f"Machine: {machine()}")
    print_table(
        f"Soak: POST /summary (seed), {args.connections} connections, {args.duration:g} s, "
        f"{args.workers} workers",
        ["figure", "value", "target", "verdict"],
        [
            ["requests", f"{result.requests:,}", "", ""],
            ["requests/s", f"{result.requests_per_s:,.0f}", "", ""],
            ["p50 / p99 latency", f"{ms(result.p50)} / {ms(result.p99)}", "", ""],
            [
                "errors (socket + non-2xx)",
                result.errors,
                "0",
                "ok" if result.errors == 0 else "FAIL",
            ],
            ["RSS before → after", f"{mib(before)} → {mib(after)}", "", ""],
            [
                "RSS growth",
                f"{growth:+.1%}",
                f"< {TARGET_GROWTH:.0%}",
                "ok" if growth < TARGET_GROWTH else "FAIL",
            ],
        ],
    )


if __name__ == "__main__":
    main()
