"""`POST /summary?texts=false`: the same numbers as the full answer, without the texts.

The compact answer is the full one minus the texts written from the numbers (derivations,
other tools' counts, memory rules, the latency rule, readable sizes and times), checked on the
337 requests of `test_summary_json_unchanged` and every golden graph model.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from app.core.model import summary_json
from app.schema import SEED_MODEL, SummaryRequest
from tests.graph_cases import GOLDEN
from tests.test_summary_json_unchanged import CASES

TEXTS = {"formula", "mac_formula", "flop_formula", "saved_formula", "other_tools", "rules"}
TEXTS |= {"rule", "text"}
# Wrappers nest records (`layer`): their texts go too, at every depth.
WRAPPED = {
    "input_shape": [6, 16, 16, 3],
    "layers": [
        {
            "type": "Bidirectional",
            "layer": {"type": "ConvLSTM2D", "filters": 4, "kernel_size": 3},
        },
        {
            "type": "TimeDistributed",
            "layer": {"type": "TimeDistributed", "layer": {"type": "Dense", "units": 5}},
        },
    ],
}
REQUESTS = [case["request"] for case in CASES] + [*GOLDEN.values(), WRAPPED]


def without_texts(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: without_texts(v) for k, v in value.items() if k not in TEXTS}
    if isinstance(value, list):
        return [without_texts(v) for v in value]
    return value


@pytest.mark.parametrize("body", REQUESTS, ids=[str(i) for i in range(len(REQUESTS))])
def test_the_compact_answer_is_the_full_one_without_its_texts(body: dict) -> None:
    request = SummaryRequest.model_validate(body)
    full = json.loads(summary_json(request))
    compact = json.loads(summary_json(request, texts=False))
    assert compact == without_texts(full)


def test_texts_false_over_http_is_smaller_and_says_the_same(http):
    full = http.post("/summary", json=SEED_MODEL)
    compact = http.post("/summary", params={"texts": "false"}, json=SEED_MODEL)
    assert compact.status_code == 200
    assert len(compact.content) < len(full.content) / 2
    assert compact.json() == without_texts(full.json())
    assert http.post("/summary", params={"texts": "true"}, json=SEED_MODEL).content == (
        full.content
    )


def test_a_texts_value_that_is_not_a_boolean_is_a_422_at_the_query(http):
    response = http.post("/summary", params={"texts": "maybe"}, json=SEED_MODEL)
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["query", "texts"]
