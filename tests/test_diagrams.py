"""The per-gate diagram's facts come from the core's records: C for W_x, F for W_h."""

from itertools import pairwise

from app.core.model import summarize
from app.diagrams import BAR_WIDTH, BAR_X, conv_lstm_views
from app.schema import SEED_MODEL, SummaryRequest

REQUEST = SummaryRequest.model_validate(SEED_MODEL)
VIEWS = conv_lstm_views(summarize(REQUEST).layers, REQUEST.layers)


def test_every_convlstm_layer_gets_a_diagram_with_four_gates():
    assert len(VIEWS) == 4
    assert [g.symbol for g in VIEWS[0].gates] == ["i", "f", "c̃", "o"]


def test_input_kernel_sees_c_channels_and_recurrent_kernel_sees_f():
    first = VIEWS[0].gates[0]
    assert first.input_kernel_shape == "3×3×3×30"
    assert first.recurrent_kernel_shape == "3×3×30×30"
    assert (first.input_kernel, first.recurrent_kernel, first.bias) == (810, 8100, 30)
    assert VIEWS[1].gates[0].input_kernel_shape == "3×3×30×50"


def test_gate_activations_are_sigmoid_except_the_cell_candidate():
    assert [g.activation for g in VIEWS[0].gates] == ["σ", "σ", "tanh", "σ"]


def test_the_state_and_grid_drop_batch_and_time():
    assert (VIEWS[0].input_step, VIEWS[0].state, VIEWS[0].grid) == ("40×40×3", "40×40×30", "40×40")
    assert VIEWS[3].state == "40×40×70"  # the last layer returns only its last step


def test_share_bar_segments_are_contiguous_and_fill_the_bar():
    segments = VIEWS[0].gates[0].segments
    assert segments[0].x == BAR_X
    for a, b in pairwise(segments):
        assert abs(a.x + a.width - b.x) < 0.02
    assert abs(sum(s.width for s in segments) - BAR_WIDTH) < 0.05


def test_valid_padding_and_strides_shrink_the_output_grid():
    body = {
        **SEED_MODEL,
        "layers": [{"type": "ConvLSTM2D", "filters": 8, "kernel_size": 3, "strides": 2}],
    }
    request = SummaryRequest.model_validate(body)
    (view,) = conv_lstm_views(summarize(request).layers, request.layers)
    assert (view.grid, view.strides, view.padding) == ("19×19", "2×2", "valid")
