"""How fast the formula core analyses a model: the seed model and deep stacks.

    .venv/bin/python bench/core_speed.py [--seconds 2]

Times `summarize(request)` on an already-validated `SummaryRequest` (the core alone: every
number), then the same followed by writing its JSON (`records.dump_json`, which also writes the
texts the records compute when read: formulas, derivations, byte sizes), and separately the
pydantic validation of the JSON body, for the blog post's 4-layer model and for ConvLSTM2D
stacks of 250, 500 and 1,000 layers. Growth is linear when the time per layer stays flat.
Targets (on the core alone): seed < 100 µs, 1,000 layers < 20 ms. Prints figures and ratios;
not a test.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app.core.model import summarize
from app.core.records import dump_json
from app.schema import SEED_MODEL, SummaryRequest
from bench.common import machine, ms, print_table, us

TARGET_SEED_S = 100e-6
TARGET_1000_S = 20e-3


def deep_model(layers: int) -> dict:
    """`layers` ConvLSTM2D layers (return_sequences, 'same'), each feeding the next."""
    return {
        "input_shape": [8, 32, 32, 3],
        "layers": [
            {
                "type": "ConvLSTM2D",
                "filters": 8 + i % 32,
                "kernel_size": 3,
                "padding": "same",
                "return_sequences": True,
            }
            for i in range(layers)
        ],
    }


def best_time(fn: Callable[[], object], seconds: float) -> float:
    """Best of several rounds (each round long enough to time well), within `seconds`."""
    start = time.perf_counter()
    fn()
    once = max(time.perf_counter() - start, 1e-7)
    per_round = max(1, int(0.05 / once))
    best = float("inf")
    deadline = time.perf_counter() + seconds
    rounds = 0
    while rounds < 3 or (time.perf_counter() < deadline and rounds < 1000):
        t0 = time.perf_counter()
        for _ in range(per_round):
            fn()
        best = min(best, (time.perf_counter() - t0) / per_round)
        rounds += 1
    return best


def _time(seconds: float) -> str:
    return us(seconds) if seconds < 1e-3 else ms(seconds)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=2.0, help="time budget per model")
    args = parser.parse_args()

    models = [("seed (4 layers)", 4, SEED_MODEL)] + [
        (f"{n:,} ConvLSTM2D layers", n, deep_model(n)) for n in (250, 500, 1000)
    ]
    rows, results = [], {}
    for label, count, body in models:
        request = SummaryRequest.model_validate(body)
        core = best_time(lambda r=request: summarize(r), args.seconds)
        with_json = best_time(lambda r=request: dump_json(summarize(r)), args.seconds)
        validate = best_time(lambda b=body: SummaryRequest.model_validate(b), args.seconds / 2)
        results[count] = core
        rows.append([label, _time(core), us(core / count), _time(with_json), _time(validate)])
    print(f"Machine: {machine()}")
    print_table(
        "Core: summarize() on a validated request (best of rounds)",
        ["model", "core time", "per layer", "core + JSON with texts", "request validation"],
        rows,
    )
    growth = results[1000] / results[250]
    print_table(
        "Core: against the targets",
        ["figure", "value", "target", "ratio to target"],
        [
            [
                "seed model",
                _time(results[4]),
                _time(TARGET_SEED_S),
                f"{results[4] / TARGET_SEED_S:.2f}",
            ],
            [
                "1,000 layers",
                _time(results[1000]),
                _time(TARGET_1000_S),
                f"{results[1000] / TARGET_1000_S:.2f}",
            ],
            ["time(1,000) / time(250)", f"{growth:.2f}", "4.00 (linear)", f"{growth / 4:.2f}"],
        ],
    )


if __name__ == "__main__":
    main()
