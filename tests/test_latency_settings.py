"""Latency (trial item 11): the roofline is a lower bound; an efficiency and a per-step
overhead turn it into an estimate, in the API and on the page."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from app.core.model import summarize
from app.main import app
from app.schema import SEED_MODEL, SummaryRequest


def seconds(**settings) -> float:
    return summarize(SummaryRequest.model_validate({**SEED_MODEL, **settings})).latency.seconds


def test_the_defaults_are_the_roofline_lower_bound_unchanged():
    assert seconds() == seconds(efficiency=1, step_overhead_us=0)


def test_an_efficiency_divides_both_rates():
    assert seconds(efficiency=0.5) == pytest.approx(2 * seconds())


def test_an_overhead_is_paid_by_every_layer_at_every_time_step():
    layer_steps = 4 * 15  # the seed: four ConvLSTM2D layers over 15 frames
    assert seconds(step_overhead_us=10) == pytest.approx(seconds() + layer_steps * 10e-6)


def test_each_layers_row_adds_up_to_the_total():
    report = summarize(
        SummaryRequest.model_validate({**SEED_MODEL, "efficiency": 0.4, "step_overhead_us": 5})
    ).latency
    assert sum(row.seconds for row in report.layers) == pytest.approx(report.seconds)
    assert "0.4 × peak" in report.rule and "5 µs" in report.rule


@pytest.fixture(scope="module")
def client():
    with TestClient(app) as c:
        yield c


@pytest.mark.parametrize(
    ("field", "value"), [("efficiency", 0), ("efficiency", 1.5), ("step_overhead_us", -1)]
)
def test_out_of_range_settings_are_a_422_naming_the_field(client, field, value):
    response = client.post("/summary", json={**SEED_MODEL, field: value})
    assert response.status_code == 422
    assert field in str(response.json())


def test_the_page_says_lower_bound_and_an_estimate_once_set(client):
    page = client.get("/").text
    assert "Latency (roofline lower bound)" in page and "at least 1.84 ms" in page
    tuned = client.get(
        "/?input_shape=15,40,40,3&layers.0.type=ConvLSTM2D&layers.0.filters=30"
        "&layers.0.kernel_size=3,3&efficiency=0.5&step_overhead_us=5"
    ).text
    assert "Latency (roofline estimate)" in tuned and "estimate: " in tuned
    assert 'name="efficiency"' in tuned and 'value="0.5"' in tuned
