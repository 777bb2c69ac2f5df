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


def _views(convention: str, **options: object):
    body = {
        **SEED_MODEL,
        "convention": convention,
        "layers": [{"type": "ConvLSTM2D", "filters": 30, "kernel_size": 3, **options}],
    }
    request = SummaryRequest.model_validate(body)
    return conv_lstm_views(summarize(request).layers, request.layers)


def test_under_every_convention_a_gates_boxes_add_up_to_its_title():
    cases = [
        ("keras", {}),
        ("pytorch", {}),
        ("peephole", {}),
        ("peephole", {"recurrent_kernel_size": 5, "gate_normalization": "layer"}),
        ("pytorch", {"input_to_state": False}),
    ]
    for convention, options in cases:
        (view,) = _views(convention, **options)
        for gate in view.gates:
            boxes = (gate.input_kernel, gate.recurrent_kernel, gate.bias, gate.peephole)
            assert sum(boxes) + gate.normalization == gate.total, (convention, options, gate.gate)


def test_peepholes_are_f_weights_on_i_f_and_o_looking_at_the_cell_state():
    (view,) = _views("peephole")
    by_gate = {g.symbol: g for g in view.gates}
    assert {s: g.peephole for s, g in by_gate.items()} == {"i": 30, "f": 30, "c̃": 0, "o": 30}
    assert by_gate["i"].total == 810 + 8100 + 30 + 30
    # Shi et al. 2015, eq. 3: i and f look at C_{t−1}; o at the new C_t.
    assert [by_gate[s].peephole_state for s in ("i", "f", "o")] == ["t−1", "t−1", "t"]
    assert sum(g.total for g in view.gates) == view.params
