"""A sweep's shortcuts give what full summaries give, and its size is capped (issue 14).

`app.core.sweep` re-validates only the varied layer, summarises the model once for the batch
size, and bisects the fit over 1..MAX_DIM; each point must still equal `summarize` of the
changed model. The work is capped at MAX_SWEEP_LAYER_POINTS layers × values.
"""

from __future__ import annotations

import pytest

from app.core.model import summarize
from app.core.sweep import sweep, with_value
from app.schema import (
    MAX_SWEEP_LAYER_POINTS,
    MAX_SWEEP_POINTS,
    SEED_MODEL,
    SummaryRequest,
    SweepRequest,
)

SEED_LAYER = 0


def _full(argument: str, value: int) -> SummaryRequest:
    return SummaryRequest.model_validate(with_value(dict(SEED_MODEL), argument, SEED_LAYER, value))


@pytest.mark.parametrize("argument", ["filters", "kernel_size", "batch_size", "time_steps"])
def test_every_point_equals_the_summary_of_the_changed_model(argument):
    values = [1, 2, 3, 5, 8]
    result = sweep(
        SweepRequest(model=SEED_MODEL, argument=argument, layer=SEED_LAYER, values=values)
    )
    for point in result.points:
        try:
            full = summarize(_full(argument, point.value))
        except Exception as error:  # Keras refuses it: so must the point
            assert point.error, f"{argument}={point.value}: {error}"
            continue
        assert point.params == full.total_params
        assert point.macs == (full.costs.macs if full.costs else None)
        assert point.flops == (full.costs.flops if full.costs else None)
        assert point.training == (full.memory.training if full.memory else None)
        assert point.inference == (full.memory.inference if full.memory else None)


@pytest.mark.parametrize("fit", ["filters", "batch_size"])
def test_the_fit_is_the_largest_value_within_the_budget(fit):
    at_3 = summarize(_full(fit, 3)).memory.training.bytes
    result = sweep(
        SweepRequest(model=SEED_MODEL, layer=SEED_LAYER, budget_mb=at_3 / 1024**2, fit=fit)
    )
    assert result.fit.largest >= 3
    above = summarize(_full(fit, result.fit.largest + 1)).memory.training.bytes
    assert result.fit.training.bytes <= at_3 < above


def test_a_sweep_past_the_layers_times_values_cap_is_a_422_at_values(http):
    layers = 2 * MAX_SWEEP_LAYER_POINTS // MAX_SWEEP_POINTS  # 32 values allowed up to half
    model = {**SEED_MODEL, "layers": [SEED_MODEL["layers"][0]] * layers}
    model["layers"] = [{**layer, "name": f"l{i}"} for i, layer in enumerate(model["layers"])]
    response = http.post(
        "/sweep", json={"model": model, "values": list(range(1, MAX_SWEEP_POINTS + 1))}
    )
    assert response.status_code == 422, response.text
    detail = response.json()["detail"][0]
    assert detail["loc"][-1] == "values"
    assert f"{MAX_SWEEP_POINTS // 2} values" in detail["msg"]
