"""Memory and latency reports against cases derived by hand (no framework reports them).

Each test states the model, every intermediate number and the rule from `app/core/memory.py`
and `app/core/latency.py`, so a wrong factor anywhere (a batch size left out, a unit off by
1,000) changes a number that is written here independently of the code.
"""

from __future__ import annotations

import pytest

from app.core.model import summarize
from app.schema import SummaryRequest

# Dense(4) then Dense(2) on 8 features. Parameters: 8·4 + 4 = 36 and 4·2 + 2 = 10, 46 in all.
# Per sample: MACs 32 and 8; element-wise: the bias adds, 4 and 2; FLOPs 2·32 + 4 = 68 and
# 2·8 + 2 = 18. Working set (input + output): 8 + 4 = 12 and 4 + 2 = 6. Moved elements per
# step: the same 12 and 6. Saved for backward (no activation): the inputs, 8 and 4.
TWO_DENSE = {
    "input_shape": [8],
    "layers": [{"type": "Dense", "units": 4}, {"type": "Dense", "units": 2}],
}


def summary(**changes):
    return summarize(SummaryRequest.model_validate({**TWO_DENSE, **changes}))


def test_the_hand_counts_of_the_two_dense_model():
    result = summary()
    assert [layer.params for layer in result.layers] == [36, 10]
    assert [layer.costs.flops for layer in result.layers] == [68, 18]
    assert [layer.costs.working_elements for layer in result.layers] == [12, 6]
    assert [layer.costs.saved_elements for layer in result.layers] == [8, 4]


@pytest.mark.parametrize("batch", [1, 16])
def test_inference_memory_is_the_weights_plus_the_largest_working_set_of_the_batch(batch):
    """float32 (4 bytes): weights 46·4 = 184 B; the largest working set is the first layer's
    12 elements per sample, 12·B·4 bytes for the batch: 232 B at B = 1, 952 B at B = 16."""
    memory = summary(batch_size=batch).memory
    assert memory.weights.bytes == 184
    assert memory.peak_layer == "dense"
    assert memory.inference.bytes == 184 + 12 * batch * 4 == {1: 232, 16: 952}[batch]


@pytest.mark.parametrize(("optimizer", "slots"), [("sgd", 0), ("rmsprop", 1), ("adam", 2)])
def test_training_memory_is_weights_gradients_optimizer_state_and_saved_activations(
    optimizer, slots
):
    """B = 16, float16 (2 bytes): weights 46·2 = 92 B, gradients 92 B, `slots` × 92 B of
    optimizer state, activations (8 + 4)·16·2 = 384 B."""
    result = summary(batch_size=16, dtype="float16", optimizer=optimizer)
    memory = result.memory
    # Each layer's share: 8·16·2 = 256 B and 4·16·2 = 128 B.
    assert [layer.costs.saved.bytes for layer in result.layers] == [256, 128]
    assert memory.activations.bytes == 384
    assert memory.training.bytes == 92 + 92 + slots * 92 + 384


def test_compute_bound_latency_divides_the_batchs_flops_by_the_peak_in_tflops():
    """A custom device of 2 TFLOPS = 2·10¹² FLOP/s and a bandwidth too large to matter.
    B = 16: (68 + 18)·16 = 1,376 FLOPs, 1,376 / (2·10¹²) = 6.88·10⁻¹⁰ s."""
    latency = summary(batch_size=16, device="custom", peak_tflops=2, bandwidth_gb_s=1e6).latency
    assert latency.seconds == pytest.approx(6.88e-10)
    assert [row.bound for row in latency.layers] == ["compute", "compute"]


def test_memory_bound_latency_divides_the_bytes_moved_by_the_bandwidth_in_gb_s():
    """1 GB/s = 10⁹ B/s and a peak too large to matter. B = 16, float32: each layer reads its
    weights once and moves its activations for the batch: 36·4 + 12·16·4 = 912 B and
    10·4 + 6·16·4 = 424 B, 1,336 B in all: 1.336·10⁻⁶ s."""
    latency = summary(batch_size=16, device="custom", peak_tflops=1e6, bandwidth_gb_s=1).latency
    assert [row.memory_seconds_per_step for row in latency.layers] == pytest.approx(
        [912e-9, 424e-9]
    )
    assert latency.seconds == pytest.approx(1.336e-6)


def test_latency_of_a_recurrent_layer_is_per_step_time_times_the_steps():
    """SimpleRNN(2) over 5 steps of 3 features: per step g·U·(D + U) = 1·2·5 = 10 MACs and
    the bias add, the sum of the two products and the tanh of 2 units (6 FLOPs): 26 FLOPs per
    step and sample. At 1 TFLOPS with B = 4: 26·4 / 10¹² s per step, × 5 steps = 5.2·10⁻¹⁰ s."""
    result = summarize(
        SummaryRequest.model_validate(
            {
                "input_shape": [5, 3],
                "layers": [{"type": "SimpleRNN", "units": 2}],
                "batch_size": 4,
                "device": "custom",
                "peak_tflops": 1,
                "bandwidth_gb_s": 1e6,
            }
        )
    )
    assert result.layers[0].costs.flops_per_step == 26
    assert result.latency.seconds == pytest.approx(5.2e-10)


def test_a_published_device_reads_its_datasheet_peak():
    """The A100's float32 peak is 19.5 TFLOPS; the two-Dense model at B = 1 is compute
    bound there only if 86 / 19.5·10¹² exceeds its bytes over 2,039 GB/s: it does not, so the
    time is memory's: (144 + 48 + 40 + 24) B / 2.039·10¹² B/s."""
    latency = summary(device="nvidia-a100-sxm4-80gb").latency
    assert latency.peak_tflops == 19.5
    assert latency.seconds == pytest.approx(256 / 2.039e12)


# ConvLSTM1D(2 filters, kernel 3, 'same') on 4 steps of a 5-cell line with 1 channel:
# P = 5 cells, F = 2, P·F = 10. Parameters 4·(3·1·2 + 3·2·2 + 2) = 80.
CONV_LSTM = {
    "input_shape": [4, 5, 1],
    "layers": [{"type": "ConvLSTM1D", "filters": 2, "kernel_size": 3, "padding": "same"}],
}


def test_convlstm_inference_memory_holds_both_sequences_the_states_and_four_gate_maps():
    """Working set: the input sequence (4·5·1 = 20), the output (5·2 = 10, last step only),
    H and C and the four gate maps (6·P·F = 60): 90 elements. float32, B = 3:
    80·4 + 90·3·4 = 320 + 1,080 = 1,400 bytes."""
    result = summarize(SummaryRequest.model_validate({**CONV_LSTM, "batch_size": 3}))
    assert result.layers[0].params == 80
    assert result.layers[0].costs.working_elements == 90
    assert result.memory.inference.bytes == 1_400


def test_convlstm_memory_bound_latency_reads_the_weights_and_moves_one_steps_maps_per_step():
    """Each step reads the weights (80·4 = 320 B), X_t (C·P_in = 5) and writes or reads H, C
    and the previous H, C (4·P·F = 40): 45 elements, 180 B at B = 1. At 1 GB/s:
    (320 + 180) B / 10⁹ B/s = 5·10⁻⁷ s per step, × 4 steps = 2·10⁻⁶ s."""
    result = summarize(
        SummaryRequest.model_validate(
            {**CONV_LSTM, "device": "custom", "peak_tflops": 1e6, "bandwidth_gb_s": 1}
        )
    )
    assert result.layers[0].costs.moved_elements_per_step == 45
    assert result.latency.seconds == pytest.approx(2e-6)


# LSTM(3) on 4 steps of 2 features (last output only): parameters 4·(2·3 + 3·3 + 3) = 72.
LSTM = {"input_shape": [4, 2], "layers": [{"type": "LSTM", "units": 3}]}


def test_lstm_inference_memory_holds_the_sequence_its_output_states_and_gates():
    """Working set: input 4·2 = 8, output 3, h and c and the four gates (6·U = 18): 29.
    float32, B = 1: 72·4 + 29·4 = 404 bytes."""
    result = summarize(SummaryRequest.model_validate(LSTM))
    assert result.layers[0].costs.working_elements == 29
    assert result.memory.inference.bytes == 404


def test_lstm_memory_bound_latency_moves_x_t_and_reads_and_writes_both_states_per_step():
    """Per step: the weights (72·4 = 288 B), x_t (2) and h, c read and written (4·U = 12):
    14 elements, 56 B. At 1 GB/s: (288 + 56) · 4 steps = 1,376 B, 1.376·10⁻⁶ s."""
    result = summarize(
        SummaryRequest.model_validate(
            {**LSTM, "device": "custom", "peak_tflops": 1e6, "bandwidth_gb_s": 1}
        )
    )
    assert result.layers[0].costs.moved_elements_per_step == 14
    assert result.latency.seconds == pytest.approx(1.376e-6)


def test_bidirectional_inference_memory_runs_both_directions_side_by_side():
    """Bidirectional(LSTM(3)): two LSTMs of 72 parameters; each direction holds its own
    working set of 29 elements (as above), 58 in all. float32, B = 1: 144·4 + 58·4 = 808 B."""
    result = summarize(
        SummaryRequest.model_validate(
            {
                "input_shape": [4, 2],
                "layers": [{"type": "Bidirectional", "layer": {"type": "LSTM", "units": 3}}],
            }
        )
    )
    assert result.layers[0].params == 144
    assert result.memory.inference.bytes == 808


def test_a_nested_sequential_holds_one_of_its_layers_at_a_time():
    """Sequential([Dense(4), Dense(2)]) runs its layers in turn: its working set is the larger
    of theirs (12, not 12 + 6), so inference memory equals the flat model's: 232 bytes."""
    nested = summarize(
        SummaryRequest.model_validate(
            {"input_shape": [8], "layers": [{"type": "Sequential", "layers": TWO_DENSE["layers"]}]}
        )
    )
    assert nested.layers[0].costs.working_elements == 12
    assert nested.memory.inference.bytes == summary().memory.inference.bytes == 232


def test_efficiency_scales_the_peak_and_the_bandwidth():
    """At efficiency 0.5 the two-Dense model's compute-bound time doubles: 1,376 FLOPs /
    (0.5 · 2·10¹²) = 1.376·10⁻⁹ s; memory-bound (1 GB/s) 1,336 B / (0.5 · 10⁹) = 2.672·10⁻⁶ s."""
    compute = summary(
        batch_size=16, device="custom", peak_tflops=2, bandwidth_gb_s=1e6, efficiency=0.5
    ).latency
    memory = summary(
        batch_size=16, device="custom", peak_tflops=1e6, bandwidth_gb_s=1, efficiency=0.5
    ).latency
    assert compute.seconds == pytest.approx(1.376e-9)
    assert memory.seconds == pytest.approx(2.672e-6)


def test_step_overhead_is_paid_by_every_step_of_every_layer():
    """SimpleRNN(2) over 5 steps as above (26·4 / 10¹² s per step) plus 1 µs per step:
    (1.04·10⁻¹⁰ + 10⁻⁶) · 5 = 5.00052·10⁻⁶ s."""
    result = summarize(
        SummaryRequest.model_validate(
            {
                "input_shape": [5, 3],
                "layers": [{"type": "SimpleRNN", "units": 2}],
                "batch_size": 4,
                "device": "custom",
                "peak_tflops": 1,
                "bandwidth_gb_s": 1e6,
                "step_overhead_us": 1,
            }
        )
    )
    assert result.latency.seconds == pytest.approx(5.00052e-6)
