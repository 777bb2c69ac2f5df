"""The most expensive request of each kind, at the documented limits, and its CPU time.

    .venv/bin/python bench/worst_cases.py [--layers 1024]

Every case is a request an anonymous client can send: 1,024 layers (`MAX_LAYERS`), sizes at
their maximum, every argument spelled out, invalid values on every layer where errors cost more
than results. Each is sent once through the app in this process (no network) and timed in CPU
seconds of the whole process (the thread pool included). The target (issue 14) is under 1 s of
CPU each, growing linearly with the model. First, four of them run at once against one uvicorn
worker while `/healthz` is probed every 10 ms (target p99 < 100 ms). `tests/test_worst_cases.py`
sends the same requests with generous bounds. Prints two tables; not a test.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app.schema import MAX_DIM, MAX_LAYERS, MAX_SWEEP_LAYER_POINTS, MAX_SWEEP_POINTS

# As browsers and HTTP clients send them: compressing the answer is part of its cost.
GZIP = {"accept-encoding": "gzip, deflate"}
JSON = {**GZIP, "content-type": "application/json"}
FORM = {**GZIP, "content-type": "application/x-www-form-urlencoded"}
HTMX = {**FORM, "hx-request": "true"}


@dataclass(frozen=True)
class Case:
    """One request: method, path (with its query), headers and body."""

    label: str
    method: str
    path: str
    body: bytes = b""
    headers: dict[str, str] | None = None


def conv_lstm_model(layers: int = MAX_LAYERS) -> dict[str, Any]:
    """`layers` ConvLSTM3D layers with every argument spelled out, sizes at MAX_DIM where a
    valid model allows it (filters; the input's extent)."""
    layer = {
        "type": "ConvLSTM3D",
        "filters": MAX_DIM,
        "kernel_size": [3, 3, 3],
        "strides": [1, 1, 1],
        "padding": "same",
        "data_format": "channels_last",
        "dilation_rate": [1, 1, 1],
        "activation": "tanh",
        "recurrent_activation": "sigmoid",
        "use_bias": True,
        "kernel_initializer": "glorot_uniform",
        "recurrent_initializer": "orthogonal",
        "bias_initializer": "zeros",
        "unit_forget_bias": True,
        "dropout": 0.0,
        "recurrent_dropout": 0.0,
        "return_sequences": True,
        "return_state": False,
        "go_backwards": False,
        "stateful": False,
        "unroll": False,
        "trainable": True,
    }
    return {
        "input_shape": [MAX_DIM, MAX_DIM, MAX_DIM, MAX_DIM, 3],
        "layers": [{**layer, "name": f"layer_{i}"} for i in range(layers)],
        "batch_size": MAX_DIM,
    }


def page_fields(model: dict[str, Any]) -> list[tuple[str, str]]:
    """The editor's form fields (the page's URL) for a `SummaryRequest` body."""
    from app import editor

    return editor.query_items(editor.draft_from_body(model))


def keras_json(layers: int = MAX_LAYERS) -> dict[str, Any]:
    """`model.to_json()` of a Sequential of `layers` Dense layers, configs as Keras writes them."""
    dense = {
        "units": MAX_DIM,
        "activation": "relu",
        "use_bias": True,
        "kernel_initializer": {
            "module": "keras.initializers",
            "class_name": "GlorotUniform",
            "config": {"seed": None},
            "registered_name": None,
        },
        "bias_initializer": {
            "module": "keras.initializers",
            "class_name": "Zeros",
            "config": {},
            "registered_name": None,
        },
        "kernel_regularizer": None,
        "bias_regularizer": None,
        "kernel_constraint": None,
        "bias_constraint": None,
        "trainable": True,
        "dtype": "float32",
    }
    entries = [{"class_name": "InputLayer", "config": {"batch_shape": [None, MAX_DIM]}}]
    entries += [
        {
            "module": "keras.layers",
            "class_name": "Dense",
            "config": {**dense, "name": f"dense_{i}"},
            "registered_name": None,
        }
        for i in range(layers)
    ]
    return {"class_name": "Sequential", "config": {"name": "sequential", "layers": entries}}


def sweep_body(layers: int = MAX_LAYERS) -> dict[str, Any]:
    """The costliest sweep: as many values as the model's size allows, of the middle layer's
    filters, and a budget that the bisection only meets at 700 filters (every step of it runs).
    The input and the other layers' filters are small, or no filters fit any budget."""
    from app.core.model import summarize
    from app.schema import SummaryRequest

    model = {**conv_lstm_model(layers), "input_shape": [8, 8, 8, 8, 3], "batch_size": 1}
    model["layers"] = [{**layer, "filters": 8} for layer in model["layers"]]
    middle = layers // 2
    at_700 = {**model, "layers": list(model["layers"])}
    at_700["layers"][middle] = {**at_700["layers"][middle], "filters": 700}
    memory = summarize(SummaryRequest.model_validate(at_700)).memory
    assert memory is not None and memory.training is not None
    values = min(MAX_SWEEP_POINTS, MAX_SWEEP_LAYER_POINTS // layers)
    return {
        "model": model,
        "argument": "filters",
        "layer": middle,
        "values": list(range(1, values + 1)),
        "budget_mb": memory.training.bytes / 1024**2,
        "fit": "filters",
    }


def cases(layers: int = MAX_LAYERS) -> list[Case]:
    model = conv_lstm_model(layers)
    body = json.dumps(model).encode()
    fields = page_fields(model)
    query = urlencode(fields, safe=",")
    # Invalid on every layer: each needs `kernel_size`, each error must find its field.
    types_only = urlencode(
        [
            ("input_shape", "8,16,16,16,3"),
            *((f"layers.{i}.type", "ConvLSTM3D") for i in range(layers)),
        ]
    )
    bad_units = urlencode(
        [
            ("input_shape", "16"),
            *(
                kv
                for i in range(layers)
                for kv in ((f"layers.{i}.type", "Dense"), (f"layers.{i}.units", "x"))
            ),
        ]
    )
    sweep = sweep_body(layers)
    whatif = urlencode(
        {
            "sweep.argument": "filters",
            "sweep.layer": str(sweep["layer"]),
            "sweep.values": ",".join(str(v) for v in sweep["values"]),
            "sweep.budget_mb": repr(sweep["budget_mb"]),
            "sweep.fit": "filters",
        }
    )
    sweep_query = urlencode(page_fields(sweep["model"]), safe=",")
    return [
        Case("POST /summary, valid", "POST", "/summary", body, JSON),
        Case(
            "POST /summary, an error on every layer",
            "POST",
            "/summary",
            body.replace(b'"kernel_size": [3, 3, 3]', b'"kernel_size": [3, 3, 0]'),
            JSON,
        ),
        Case(
            "POST /sweep, the most values and a budget",
            "POST",
            "/sweep",
            json.dumps(sweep).encode(),
            JSON,
        ),
        Case("POST /export/keras-code", "POST", "/export/keras-code", body, JSON),
        Case("POST /export/csv", "POST", "/export/csv", body, JSON),
        Case(
            "POST /import/keras",
            "POST",
            "/import/keras",
            json.dumps(keras_json(layers)).encode(),
            JSON,
        ),
        Case("GET /, valid", "GET", f"/?{query}", headers=GZIP),
        Case("GET /, units=x on every Dense layer", "GET", f"/?{bad_units}", headers=GZIP),
        Case("POST /, only a type on every layer", "POST", "/", types_only.encode(), FORM),
        Case(
            "POST /, valid= carrying the whole model",
            "POST",
            "/",
            urlencode(
                {
                    "input_shape": "16",
                    "layers.0.type": "Dense",
                    "layers.0.units": "x",
                    "valid": query,
                }
            ).encode(),
            FORM,
        ),
        Case(
            "POST /whatif, the most values and a budget",
            "POST",
            f"/whatif?{sweep_query}",
            whatif.encode(),
            HTMX,
        ),
        Case("GET /download/csv", "GET", f"/download/csv?{query}", headers=GZIP),
        # The folded parts a page asks for when opened: each counts the whole model again.
        Case("POST /gate-figure", "POST", "/gate-figure?index=0", query.encode(), HTMX),
        Case(
            "POST /cost-rule, the last layer",
            "POST",
            f"/cost-rule?index={layers - 1}",
            query.encode(),
            HTMX,
        ),
        Case("POST /picture-table", "POST", "/picture-table", query.encode(), HTMX),
        Case("GET /picture.svg", "GET", f"/picture.svg?{query}", headers=GZIP),
    ]


async def _asgi(app: Any, case: Case) -> int:
    """Sends `case` straight to the ASGI app (no client, so no URL length limit); its status."""
    path, _, query = case.path.partition("?")
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": case.method,
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": query.encode(),
        "root_path": "",
        "client": ("127.0.0.1", 1),
        "server": ("127.0.0.1", 80),
        "headers": [(k.encode(), v.encode()) for k, v in (case.headers or {}).items()]
        + [(b"content-length", str(len(case.body)).encode())],
    }
    messages = [{"type": "http.request", "body": case.body, "more_body": False}]
    status: list[int] = []

    async def receive() -> dict[str, Any]:
        return messages.pop() if messages else {"type": "http.disconnect"}

    async def send(message: dict[str, Any]) -> None:
        if message["type"] == "http.response.start":
            status.append(message["status"])

    try:
        await app(scope, receive, send)
    except Exception:  # Starlette re-raises after sending its 500: the 500 is the answer
        if not status:
            raise
    return status[0]


def send(app: Any, case: Case) -> tuple[int, float]:
    """(status, CPU seconds of this process, all threads) of one request."""
    start = time.process_time()
    # On a thread of its own: a caller may already run an event loop (Playwright in the tests).
    with ThreadPoolExecutor(1) as thread:
        status = thread.submit(asyncio.run, _asgi(app, case)).result()
    return status, time.process_time() - start


# Four at once on one worker, by the wording; bodies only (a 100 KB URL is past what
# HTTP clients send).
CONCURRENT = (
    "POST /sweep, the most values and a budget",
    "POST /, only a type on every layer",
    "POST /summary, valid",
    "POST /, valid= carrying the whole model",
)


@dataclass(frozen=True)
class HealthUnderLoad:
    latencies: list[float]  # seconds, one per /healthz answered while the load ran
    statuses: list[int]  # of the worst-case requests
    seconds: float  # wall time of the load

    def quantile(self, q: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def healthz_under_load(base: str, layers: int = MAX_LAYERS, every: float = 0.01) -> HealthUnderLoad:
    """`/healthz` latencies, one probe every `every` seconds, while the CONCURRENT worst cases
    run at once against the server at `base`."""
    import threading

    import httpx

    chosen = [c for c in cases(layers) if c.label in CONCURRENT]
    statuses: list[int] = []
    latencies: list[float] = []

    def load(case: Case) -> None:
        with httpx.Client(base_url=base, timeout=120) as client:
            response = client.request(
                case.method, case.path, content=case.body, headers=case.headers
            )
            statuses.append(response.status_code)

    threads = [threading.Thread(target=load, args=(case,)) for case in chosen]
    start = time.perf_counter()
    for thread in threads:
        thread.start()
    with httpx.Client(base_url=base, timeout=30) as probe:
        while any(thread.is_alive() for thread in threads):
            sent = time.perf_counter()
            probe.get("/healthz").raise_for_status()
            latencies.append(time.perf_counter() - sent)
            time.sleep(every)
    for thread in threads:
        thread.join()
    return HealthUnderLoad(latencies, statuses, time.perf_counter() - start)


def _print_health(layers: int) -> None:
    from bench.common import ms, print_table, server

    with server(workers=1) as running:
        health = healthz_under_load(running.base, layers)
    print_table(
        f"GET /healthz on one worker while {len(CONCURRENT)} worst cases run at once "
        "(target p99 < 100 ms)",
        ["Worst cases", "Their statuses", "Wall time", "Probes", "p50", "p99", "max"],
        [
            (
                "; ".join(CONCURRENT),
                ", ".join(map(str, sorted(health.statuses))),
                f"{health.seconds:.2f} s",
                len(health.latencies),
                ms(health.quantile(0.5)),
                ms(health.quantile(0.99)),
                ms(max(health.latencies)),
            )
        ],
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--layers", type=int, default=MAX_LAYERS)
    parser.add_argument("--no-healthz", action="store_true", help="only the CPU table")
    args = parser.parse_args()
    from app.main import app
    from bench.common import machine, print_table

    print(machine())
    if not args.no_healthz:
        _print_health(args.layers)
    rows = []
    for case in cases(args.layers):
        status, seconds = send(app, case)
        rows.append(
            (
                case.label,
                f"{len(case.body) + len(case.path):,}",
                status,
                f"{seconds:.3f} s",
                "yes" if seconds < 1 else "NO",
            )
        )
    print_table(
        f"Worst cases at {args.layers:,} layers: CPU per request (target < 1 s)",
        ["Request", "Bytes", "Status", "CPU", "Under 1 s"],
        rows,
    )


if __name__ == "__main__":
    main()
