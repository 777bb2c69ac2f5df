"""Every request valid before graph models gives the same `/summary` JSON, byte for byte.

`fixtures/summary_json_before_graphs.jsonl` holds the seed model and 336 generated requests
(`strategies.valid_requests` as it was at commit fcee8e2, the last one without graph models)
with the sha256 of the JSON that commit's `summary_json` wrote for each.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from app.core.model import summary_json
from app.schema import SummaryRequest

CASES = [
    json.loads(line)
    for line in (Path(__file__).parent / "fixtures" / "summary_json_before_graphs.jsonl")
    .read_text()
    .splitlines()
]


@pytest.mark.parametrize("case", CASES, ids=[str(i) for i in range(len(CASES))])
def test_a_request_valid_before_graph_models_gives_the_same_json(case: dict) -> None:
    data = summary_json(SummaryRequest.model_validate(case["request"]))
    assert hashlib.sha256(data).hexdigest() == case["sha256"], data[:2000]
