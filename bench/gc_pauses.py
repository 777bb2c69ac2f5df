"""The cyclic collector's pauses while the app serves seed summaries, with and without the
startup objects frozen (`gc.freeze()`, what `app.main`'s lifespan does).

    .venv/bin/python bench/gc_pauses.py [--requests 3000]

In process, through Starlette's TestClient: each variant runs in a fresh interpreter, sends one
warm-up summary, then `--requests` more, and records every collection with `gc.callbacks`.
A full (generation 2) collection stalls every request in flight for its whole length.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import ROOT, machine, ms, print_table

VARIANT = """
import gc, json, sys, time
from starlette.testclient import TestClient
from app.main import create_app
from app.schema import SEED_MODEL

client = TestClient(create_app())  # no lifespan: nothing frozen unless asked below
client.post("/summary", json=SEED_MODEL)
if sys.argv[2] == "frozen":
    gc.collect()
    gc.freeze()
started, pauses = [0.0], {0: [], 1: [], 2: []}

def record(phase, info):
    if phase == "start":
        started[0] = time.perf_counter()
    else:
        pauses[info["generation"]].append(time.perf_counter() - started[0])

gc.callbacks.append(record)
for _ in range(int(sys.argv[1])):
    client.post("/summary", json=SEED_MODEL)
gc.callbacks.remove(record)
print(json.dumps({"objects": len(gc.get_objects()) + gc.get_freeze_count(), "pauses": pauses}))
"""


def run(requests: int, variant: str) -> dict:
    out = subprocess.run(
        [sys.executable, "-c", VARIANT, str(requests), variant],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(out.stdout.splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=3000)
    args = parser.parse_args()
    rows = []
    for variant in ("collected", "frozen"):
        result = run(args.requests, variant)
        for generation, pauses in sorted(result["pauses"].items()):
            rows.append(
                [
                    variant,
                    generation,
                    len(pauses),
                    ms(max(pauses, default=0.0)),
                    ms(sum(pauses)),
                ]
            )
    print(f"Machine: {machine()}")
    print_table(
        f"Cyclic collections over {args.requests:,} seed summaries (about {result['objects']:,} "
        "objects alive)",
        ["startup objects", "generation", "collections", "longest", "total"],
        rows,
    )


if __name__ == "__main__":
    main()
