"""The alternative users have today: build the model in Keras and read `model.summary()`.

    .venv/bin/python bench/keras_vs_api.py [--repeats 3] [--requests 50]

Times, for the blog post's seed model, a fresh Python process that imports Keras 3
(KERAS_BACKEND=numpy), builds the Sequential model and prints `model.summary()`, end to end, as a
user would run a script. Against it: one `POST /summary` round trip to a running server, on a
new connection each time (what a script calling the API pays). Both are medians. Prints figures
and the ratio; not a test.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app.schema import SEED_MODEL
from bench.common import PYTHON, machine, ms, print_table, server

# The seed model as a user writes it in Keras; the layer list comes from SEED_MODEL.
KERAS_SCRIPT = """
import json, sys
import keras
spec = json.loads(sys.argv[1])
model = keras.Sequential([keras.Input(shape=spec["input_shape"])] + [
    keras.layers.ConvLSTM2D(l["filters"], tuple(l["kernel_size"]), padding=l["padding"],
                            return_sequences=l["return_sequences"])
    for l in spec["layers"]
])
model.summary()
"""


def keras_once() -> float:
    start = time.perf_counter()
    subprocess.run(
        [PYTHON, "-c", KERAS_SCRIPT, json.dumps(SEED_MODEL)],
        env={**os.environ, "KERAS_BACKEND": "numpy"},
        check=True,
        capture_output=True,
        timeout=300,
    )
    return time.perf_counter() - start


def api_once(host: str, port: int, body: bytes) -> float:
    """Connect, send, read the whole answer, close (stdlib client: no client set-up to time)."""
    start = time.perf_counter()
    connection = http.client.HTTPConnection(host, port, timeout=30)
    connection.request("POST", "/summary", body, {"Content-Type": "application/json"})
    response = connection.getresponse()
    payload = response.read()
    connection.close()
    elapsed = time.perf_counter() - start
    assert response.status == 200 and json.loads(payload)["total_params"] == 745680
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3, help="fresh Keras processes")
    parser.add_argument("--requests", type=int, default=50, help="API round trips")
    args = parser.parse_args()

    keras_times = [keras_once() for _ in range(args.repeats)]
    with server(1) as srv:
        host, port = srv.base.removeprefix("http://").split(":")
        body = json.dumps(SEED_MODEL).encode()
        api_times = [api_once(host, int(port), body) for _ in range(args.requests)]
    keras_median, api_median = statistics.median(keras_times), statistics.median(api_times)
    print(f"Machine: {machine()}")
    print_table(
        "Seed model: Keras model.summary() in a fresh process vs one POST /summary",
        ["way", "median", "min", "runs"],
        [
            [
                "Keras 3 (numpy backend): import + build + summary()",
                ms(keras_median),
                ms(min(keras_times)),
                args.repeats,
            ],
            [
                "POST /summary round trip (new connection)",
                ms(api_median),
                ms(min(api_times)),
                args.requests,
            ],
            ["ratio Keras ÷ API", f"{keras_median / api_median:,.0f}×", "", ""],
        ],
    )


if __name__ == "__main__":
    main()
