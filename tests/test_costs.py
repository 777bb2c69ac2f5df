"""Costs: the seed model's figures, the counting rules' invariants, and the conventions."""

from __future__ import annotations

import copy

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from app.core.costs import has_rule
from app.core.errors import SpecError
from app.core.model import summarize
from app.schema import LAYER_SPECS, SEED_MODEL, SummaryRequest
from tests.strategies import valid_requests


def summary(**changes):
    return summarize(SummaryRequest.model_validate({**copy.deepcopy(SEED_MODEL), **changes}))


def test_seed_model_first_layer_macs_are_input_plus_recurrent_convolution_every_step():
    layer = summary().layers[0]
    # P·4F·K·C + P·4F·K·F per step: 1600·120·9·3 + 1600·120·9·30, 15 steps.
    assert layer.costs.macs_per_step == 5_184_000 + 51_840_000
    assert layer.costs.macs == 15 * 57_024_000


def test_seed_model_totals():
    costs = summary().costs
    assert costs.macs == 17_876_160_000
    assert costs.flops == 2 * 17_876_160_000 + costs.elementwise_flops


def test_convlstm_elementwise_is_17_per_output_element_and_step_with_bias():
    layer = summary().layers[0]
    assert layer.costs.elementwise_flops_per_step == 17 * 40 * 40 * 30


def test_training_flops_are_forward_plus_twice_the_matrix_work():
    costs = summary().layers[0].costs
    assert costs.backward_flops == 2 * 2 * costs.macs
    assert costs.training_flops == costs.flops + costs.backward_flops


def test_model_totals_are_plain_sums_of_the_layers():
    result = summary()
    assert result.costs.macs == sum(layer.costs.macs for layer in result.layers)
    assert result.memory.activations.bytes == sum(
        layer.costs.saved.bytes for layer in result.layers
    )


def test_unknown_time_axis_gives_per_step_costs_and_no_totals():
    result = summary(input_shape=[None, 40, 40, 3])
    assert result.layers[0].costs.macs_per_step == 57_024_000
    assert result.layers[0].costs.macs is None
    assert result.costs.macs is None
    assert "time_steps" in result.costs_note


def test_time_steps_stand_in_for_an_unknown_time_axis():
    assert summary(input_shape=[None, 40, 40, 3], time_steps=15).costs == summary().costs


def test_memory_in_keras_units():
    memory = summary().memory
    assert memory.weights.text == "2.84 MB"  # Keras: Total params: 745,680 (2.84 MB)
    assert memory.optimizer_state.bytes == 2 * memory.weights.bytes  # Adam: m and v


@settings(max_examples=25, deadline=None)
@given(st.integers(1, 40), st.integers(2, 5))
def test_costs_are_linear_in_time_steps_and_params_are_not(steps, factor):
    one = summary(input_shape=[steps, 12, 12, 3])
    many = summary(input_shape=[steps * factor, 12, 12, 3])
    assert many.costs.macs == factor * one.costs.macs
    assert many.costs.flops == factor * one.costs.flops
    assert many.memory.activations.bytes == factor * one.memory.activations.bytes
    assert many.total_params == one.total_params


@settings(max_examples=25, deadline=None)
@given(st.integers(1, 64), st.integers(2, 5))
def test_batch_costs_and_activations_are_linear_in_batch_and_params_are_not(batch, factor):
    one, many = summary(batch_size=batch), summary(batch_size=batch * factor)
    assert many.costs.batch_flops == factor * one.costs.batch_flops
    assert many.costs.macs == one.costs.macs  # per sample
    assert many.memory.activations.bytes == factor * one.memory.activations.bytes
    assert many.memory.weights == one.memory.weights


def test_pytorch_convention_adds_a_recurrent_bias_of_4f():
    keras, pytorch = summary(), summary(convention="pytorch")
    assert [p.params - k.params for k, p in zip(keras.layers, pytorch.layers, strict=True)] == [
        4 * 30,
        4 * 50,
        4 * 60,
        4 * 70,
    ]
    assert pytorch.layers[0].formula == "4 × (3·3·3·30 + 3·3·30·30 + 30 + 30) = 4 × 8,970 = 35,880"
    assert [w.name for w in pytorch.layers[0].weights][-1] == "recurrent_bias"


def test_peephole_convention_adds_one_weight_per_channel_and_gate_as_shi_et_al_count_them():
    # Shi et al. 2015, Table 1: each row's count is matched by F peephole weights per gate
    # (broadcast over the grid), not by weights of the cell state's full shape.
    layer = summary(convention="peephole").layers[0]
    peepholes = [w for w in layer.weights if w.name.endswith("_peephole")]
    assert [w.shape for w in peepholes] == [(30,)] * 3
    assert layer.params == 35_760 + 3 * 30
    assert [g.peephole for g in layer.gates] == [30, 30, 0, 30]
    assert layer.formula == (
        "4 × (3·3·3·30 + 3·3·30·30 + 30) = 4 × 8,940 + 3 × 30 (peepholes, one per channel) "
        "= 35,760 + 90 = 35,850"
    )


def test_conventions_share_the_convolutions_and_differ_in_elementwise_work():
    per_step = {c: summary(convention=c).layers[0].costs for c in ("keras", "pytorch", "peephole")}
    assert len({c.macs for c in per_step.values()}) == 1
    cells = 40 * 40 * 30
    assert per_step["pytorch"].elementwise_flops_per_step == 21 * cells
    assert per_step["peephole"].elementwise_flops_per_step == 23 * cells


def test_keras_convention_is_the_default_and_keeps_the_blog_posts_totals():
    assert summary().total_params == summary(convention="keras").total_params == 745_680


def test_other_tools_panel_explains_each_counter():
    tools = {t.tool: t for t in summary().layers[0].costs.other_tools}
    macs = 855_360_000
    assert tools["torch.utils.flop_counter"].reports == 2 * macs
    assert tools["fvcore"].reports == macs
    assert tools["ptflops"].reports == macs + 15 * 4 * 40 * 40 * 30
    assert tools["thop"].reports == macs
    assert tools["Keras"].reports is None


def test_latency_is_labelled_an_estimate_and_cites_its_source():
    latency = summary().latency
    assert latency.text.startswith("estimate: ")
    assert "datasheet" in latency.source


def test_custom_device_needs_its_figures():
    with pytest.raises(SpecError) as error:
        summary(device="custom", peak_tflops=10)
    assert error.value.loc == ("bandwidth_gb_s",)
    assert summary(device="custom", peak_tflops=10, bandwidth_gb_s=100).latency.peak_tflops == 10


def test_every_layer_type_has_a_counting_rule():
    assert all(has_rule(spec.model_construct()) for spec in LAYER_SPECS.values())


@settings(max_examples=60, deadline=None)
@given(st.data())
def test_every_valid_stack_gets_costs_whose_totals_are_sums(data):
    request = data.draw(valid_requests())
    try:
        result = summarize(SummaryRequest.model_validate({**request, "time_steps": 4}))
    except (SpecError, ValidationError):  # also stacks Keras refuses (the parity suite's job)
        assume(False)
    # A stack valid only while time is unknown (time_steps 4 crops a None axis to nothing) has
    # no costs, and says why.
    assume(result.costs_note is None)
    assert all(layer.costs is not None for layer in result.layers)
    assert result.costs.flops == sum(layer.costs.flops for layer in result.layers)
    assert result.memory.training.bytes >= result.memory.weights.bytes
