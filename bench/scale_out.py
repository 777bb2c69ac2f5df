"""Capacity of `POST /summary` directly and behind the proxy, and latency at half of it, open-loop.

    .venv/bin/python bench/scale_out.py [--workers 1 2] [--capacity-seconds 5]
        [--seconds 10] [--connections 16] [--repeats 3] [--no-pin]

For 1 and 2 uvicorn workers, each directly and behind nginx with the shipped config
(deploy/nginx/, uvicorn with its behind-the-proxy limits), side by side in one run:
1. capacity: requests/s of the seed model under `wrk` with `--connections` connections;
2. latency at a constant offered load of half that capacity, measured open-loop
   (bench/open_loop.py: every request has a due time and its latency runs from it, so a stall
   is not hidden by the client slowing down). Target: p99 < 25 ms.
Each setup runs both `--repeats` times; the run with the median open-loop p99 is the row, and
the last column lists every run's p99 (a shared machine's noise moves single runs a lot).
One worker runs on a CPU of its own and the load generators on the others (`--no-pin`: all
share); two workers on two CPUs share them with the load generators.
Needs wrk and nginx (`make system-deps`). Prints Markdown tables for BENCHMARKS.md.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app.schema import SEED_MODEL
from bench.common import machine, ms, print_table, server, wrk
from bench.open_loop import open_loop
from bench.proxy import BEHIND_PROXY_ARGS, nginx_binary, proxy

TARGET_P99 = 0.025


def verdict(p99: float, errors: int, late_start: float) -> str:
    """Against the target, unless our own scheduler fell behind by more than the target itself
    (the client was starved of CPU: its figures then measure the machine, not the server)."""
    if late_start > TARGET_P99:
        return "no verdict: client starved"
    return "met" if p99 < TARGET_P99 and not errors else "missed"


def placement(workers: int, pin: bool) -> tuple[set[int], set[int]]:
    """(the app's CPUs, the client's): with `pin` and a CPU to spare, one worker gets CPUs of
    its own and the load generators (wrk, the open-loop client, nginx) the rest, so that the
    client's own lateness does not count as the server's. Otherwise all share all."""
    every = os.sched_getaffinity(0)
    if not pin or workers >= len(every):
        return every, every
    ordered = sorted(every)
    return set(ordered[:workers]), set(ordered[workers:])


@contextmanager
def target(workers: int, behind_proxy: bool, app_cpus: set[int]) -> Iterator[str]:
    """The base URL to load: uvicorn itself, or nginx in front of it."""
    if not behind_proxy:
        with server(workers, cpus=app_cpus) as app:
            yield app.base
        return
    with server(workers, extra_args=BEHIND_PROXY_ARGS, cpus=app_cpus) as app:
        port = app.base.rsplit(":", 1)[1]
        with proxy([f"127.0.0.1:{port}"]) as door:
            yield door.base


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--capacity-seconds", type=float, default=5)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument(
        "--repeats",
        type=int,
        default=3,
        help="capacity and open loop this many times per setup; the median open-loop p99 stands",
    )
    parser.add_argument(
        "--no-pin",
        dest="pin",
        action="store_false",
        help="let the app and the load generators share every CPU even when one is spare",
    )
    args = parser.parse_args()
    if nginx_binary() is None:
        raise SystemExit("nginx is missing: apt-get install nginx")

    body = json.dumps(SEED_MODEL).encode()
    capacity_rows, latency_rows, placements = [], [], []
    every = os.sched_getaffinity(0)
    for workers in args.workers:
        app_cpus, client_cpus = placement(workers, args.pin)
        if app_cpus != client_cpus:
            placements.append(
                f"{workers} worker{'s' if workers > 1 else ''}: the app on CPU "
                f"{','.join(map(str, sorted(app_cpus)))}; wrk, nginx and the open-loop client "
                f"on CPU {','.join(map(str, sorted(client_cpus)))}"
            )
        os.sched_setaffinity(0, client_cpus)  # what this process starts inherits it
        for behind_proxy in (False, True):
            label = f"{workers} worker{'s' if workers > 1 else ''}, " + (
                "through nginx" if behind_proxy else "direct"
            )
            runs = []
            with target(workers, behind_proxy, app_cpus) as base:
                url = f"{base}/summary"
                wrk(url, connections=args.connections, duration=1, body=SEED_MODEL)  # warm-up
                for _ in range(args.repeats):
                    capacity = wrk(
                        url,
                        connections=args.connections,
                        duration=args.capacity_seconds,
                        body=SEED_MODEL,
                    )
                    rate = capacity.requests_per_s / 2
                    runs.append(
                        (capacity, rate, open_loop(url, body, rate=rate, duration=args.seconds))
                    )
            # The run whose open-loop p99 is the median of the repeats stands for the setup.
            runs.sort(key=lambda run: run[2].quantile(0.99))
            capacity, rate, result = runs[len(runs) // 2]
            capacity_rows.append(
                [
                    label,
                    f"{capacity.requests_per_s:,.0f}",
                    ms(capacity.p50),
                    ms(capacity.p99),
                    capacity.errors,
                ]
            )
            p99 = result.quantile(0.99)
            latency_rows.append(
                [
                    label,
                    f"{rate:,.0f}",
                    len(result.latencies),
                    ms(result.quantile(0.5)),
                    ms(p99),
                    ms(result.quantile(0.999)),
                    ", ".join(f"{n} × {kind}" for kind, n in result.error_kinds.items()) or "0",
                    ms(result.late_start),
                    verdict(p99, result.errors, result.late_start),
                    " / ".join(ms(run[2].quantile(0.99)) for run in runs),
                ]
            )

    os.sched_setaffinity(0, every)
    print(f"Machine: {machine()}")
    for line in placements or ["every setup: the app and the load generators share every CPU"]:
        print(f"CPUs: {line}")
    print_table(
        f"Capacity: POST /summary (seed model), wrk, {args.connections} connections, "
        f"{args.capacity_seconds:g} s",
        ["setup", "requests/s", "p50", "p99", "errors"],
        capacity_rows,
    )
    print_table(
        f"Open loop at half capacity, {args.seconds:g} s, median of {args.repeats} runs: "
        f"latency from each request's due time (target p99 < {TARGET_P99 * 1e3:.0f} ms)",
        [
            "setup",
            "offered req/s",
            "answered",
            "p50",
            "p99",
            "p99.9",
            "errors",
            "client lateness",
            "target",
            "p99 of each run",
        ],
        latency_rows,
    )


if __name__ == "__main__":
    main()
