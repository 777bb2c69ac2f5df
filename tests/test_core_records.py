"""The core builds its records without validation (plain dataclasses): they must be what
validation would have built, down to the JSON (a float where the schema says float, tuples not
lists)."""

from __future__ import annotations

import json

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from app.core.errors import SpecError
from app.core.model import summarize
from app.core.records import Deferred, GateRecord, ModelSummary, dump_json, load_json
from app.schema import SEED_MODEL, SummaryRequest
from tests.strategies import valid_requests


def revalidated(summary: ModelSummary) -> ModelSummary:
    return load_json(ModelSummary, dump_json(summary))


def test_the_seed_summary_is_what_validation_builds() -> None:
    summary = summarize(SummaryRequest.model_validate(SEED_MODEL))
    again = revalidated(summary)
    assert again == summary


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    body=valid_requests(),
    convention=st.sampled_from(["keras", "pytorch", "peephole"]),
    time_steps=st.none() | st.integers(1, 5),
)
def test_any_summary_is_what_validation_builds(
    body: dict, convention: str, time_steps: int | None
) -> None:
    try:
        request = SummaryRequest.model_validate(
            {**body, "convention": convention, "time_steps": time_steps}
        )
        summary = summarize(request)
    except (ValidationError, SpecError):
        assume(False)
        return
    again = revalidated(summary)
    assert again == summary


def test_a_record_takes_the_defaults_it_was_not_given() -> None:
    gate = GateRecord(gate="input", input_kernel=1, recurrent_kernel=2, bias=3, total=6)
    assert gate.peephole == 0
    assert load_json(GateRecord, dump_json(gate)) == gate


def test_texts_written_on_demand_are_in_the_json() -> None:
    summary = summarize(SummaryRequest.model_validate(SEED_MODEL))
    layer = json.loads(dump_json(summary))["layers"][0]
    assert layer["costs"]["mac_formula"] == summary.layers[0].costs.mac_formula
    assert layer["costs"]["saved"] == {"bytes": 20_448_000, "text": "19.50 MB"}
    assert [t["tool"] for t in layer["costs"]["other_tools"]][-1] == "Keras"


def test_a_deferred_text_is_written_once() -> None:
    calls = []
    deferred = Deferred(lambda: calls.append(1) or "text")
    assert (deferred.get(), deferred.get()) == ("text", "text")
    assert calls == [1]
