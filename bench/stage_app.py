"""The app with three extra routes that stop `POST /summary`'s work after one stage each.

Served only by `bench/api_stages.py`. Every stage route reads the body like `/summary` and
answers with the seed model's JSON, written once at import, so the response on the wire is the
same as `/summary`'s and only the work before it differs:

- `/bench/read`: read the body;
- `/bench/validate`: + validate it into a `SummaryRequest` (pydantic-core, from bytes);
- `/bench/core`: + `summarize()` (every number; the texts are not written).
`/summary` itself then adds writing the JSON with its texts.

`/bench/spin` is a reference, not a stage: it reads the body, keeps the CPU busy for `us`
microseconds (default 100) and answers `{}`: any route that holds the event loop that long.
"""

from __future__ import annotations

import time

from fastapi import Request, Response

from app.core.model import summarize
from app.core.records import dump_json
from app.main import create_app
from app.schema import SEED_MODEL, SummaryRequest

SEED_JSON = dump_json(summarize(SummaryRequest.model_validate(SEED_MODEL)))

app = create_app()


def _seed_json() -> Response:
    return Response(SEED_JSON, media_type="application/json")


@app.post("/bench/read", include_in_schema=False)
async def read(request: Request) -> Response:
    await request.body()
    return _seed_json()


@app.post("/bench/validate", include_in_schema=False)
async def validate(request: Request) -> Response:
    SummaryRequest.model_validate_json(await request.body())
    return _seed_json()


@app.post("/bench/core", include_in_schema=False)
async def core(request: Request) -> Response:
    summarize(SummaryRequest.model_validate_json(await request.body()))
    return _seed_json()


@app.post("/bench/spin", include_in_schema=False)
async def spin(request: Request, us: float = 100) -> Response:
    await request.body()
    end = time.perf_counter() + us * 1e-6
    while time.perf_counter() < end:
        pass
    return Response(b"{}", media_type="application/json")
