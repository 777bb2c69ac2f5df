"""`POST /summary?texts=false` (numbers only) against the full answer.

    .venv/bin/python bench/compact_answer.py [--seconds 5] [--connections 16]

Two tables: the answer's bytes and the CPU to write it, in process (`summary_json`, the median
of repeated runs), for the seed model and the 1,024-layer worst case of `bench/worst_cases.py`;
then capacity (requests/s) and latency of the seed model on one uvicorn worker under `wrk`, the
two answers one after the other. Needs wrk for the second table. Prints Markdown tables.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app.core.model import summary_json
from app.schema import SEED_MODEL, SummaryRequest
from bench.common import machine, ms, print_table, server, wrk
from bench.worst_cases import conv_lstm_model


def cpu(request: SummaryRequest, texts: bool, repeats: int) -> tuple[int, float]:
    """(bytes, median CPU seconds) of `summary_json` with or without the texts."""
    times, size = [], 0
    for _ in range(repeats):
        start = time.process_time()
        size = len(summary_json(request, texts=texts))
        times.append(time.process_time() - start)
    return size, statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=5)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    print(f"Machine: {machine()}")

    models = {
        "seed model (4 ConvLSTM2D)": (SEED_MODEL, args.repeats * 40),
        "1,024 ConvLSTM3D layers": (conv_lstm_model(), args.repeats),
    }
    rows = []
    for label, (body, repeats) in models.items():
        request = SummaryRequest.model_validate(body)
        full_bytes, full_cpu = cpu(request, True, repeats)
        numbers_bytes, numbers_cpu = cpu(request, False, repeats)
        rows.append(
            [
                label,
                f"{full_bytes:,}",
                f"{numbers_bytes:,}",
                ms(full_cpu),
                ms(numbers_cpu),
                f"{full_cpu / numbers_cpu:.2f}×",
            ]
        )
    print_table(
        "The answer in process: summary and its JSON (median CPU)",
        ["model", "full bytes", "texts=false bytes", "full CPU", "texts=false CPU", "speed-up"],
        rows,
    )

    rows = []
    with server(workers=1) as app:
        for label, path in (("full", "/summary"), ("texts=false", "/summary?texts=false")):
            url = app.base + path
            wrk(url, connections=args.connections, duration=1, body=SEED_MODEL)  # warm-up
            result = wrk(url, connections=args.connections, duration=args.seconds, body=SEED_MODEL)
            rows.append(
                [
                    label,
                    f"{result.requests_per_s:,.0f}",
                    ms(result.p50),
                    ms(result.p99),
                    result.errors,
                ]
            )
    print_table(
        f"POST /summary (seed model), one worker, wrk, {args.connections} connections, "
        f"{args.seconds:g} s",
        ["answer", "requests/s", "p50", "p99", "errors"],
        rows,
    )


if __name__ == "__main__":
    main()
