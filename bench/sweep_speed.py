"""How long the what-if takes next to one summary: a default sweep and a memory-budget search.

    .venv/bin/python bench/sweep_speed.py [--seconds 2]

`POST /sweep` (and the page's what-if chart) runs one `summarize` per value plus the base model;
with `budget_mb` it adds a doubling search and a bisection (about 2·log2(answer) summaries).
Prints figures and the ratio to one summary; not a test.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app.core.model import summarize
from app.core.sweep import sweep
from app.schema import SEED_MODEL, SummaryRequest, SweepRequest
from bench.common import machine, ms, print_table
from bench.core_speed import best_time, deep_model


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=2.0, help="time budget per case")
    args = parser.parse_args()
    rows = []
    models = (("seed (4 layers)", SEED_MODEL), ("100 ConvLSTM2D layers", deep_model(100)))
    for label, body in models:
        model = SummaryRequest.model_validate(body)
        one = best_time(lambda m=model: summarize(m), args.seconds)
        cases = {
            "default sweep of filters (5 values)": SweepRequest(model=model),
            "largest batch within 1 GB": SweepRequest(
                model=model, argument="batch_size", values=[1], budget_mb=1024, fit="batch_size"
            ),
            "largest filters within 1 GB": SweepRequest(model=model, values=[1], budget_mb=1024),
        }
        rows.append([label, "one summary", ms(one), "1.0×"])
        for name, request in cases.items():
            took = best_time(lambda r=request: sweep(r), args.seconds)
            rows.append([label, name, ms(took), f"{took / one:.1f}×"])
    print(f"Machine: {machine()}")
    print_table(
        "What-if next to one summary (best of rounds)",
        ["model", "case", "time", "vs one summary"],
        rows,
    )


if __name__ == "__main__":
    main()
