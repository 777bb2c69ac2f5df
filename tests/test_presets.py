"""The gallery: every preset reproduces the figures its source prints, as it declares; those
Keras can build agree with real Keras; OpenSTL's agree with their PyTorch cell under
`FlopCounterMode`; `GET /presets` serves them all."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from keras_reference import build, build_graph

from app.core.model import summarize
from app.main import app
from app.presets import BY_ID, PRESETS, agreement, presets_out
from app.schema import SummaryRequest

client = TestClient(app)

# Shi et al. 2015, Table 1 (Moving-MNIST), "Number of parameters", as printed.
SHI_TABLE_1 = {
    "FC-LSTM-2048-2048": 142_667_776,
    "ConvLSTM(5×5)-5×5-256": 13_524_496,
    "ConvLSTM(5×5)-5×5-128-5×5-128": 10_042_896,
    "ConvLSTM(5×5)-5×5-128-5×5-64-5×5-64": 7_585_296,
    "ConvLSTM(9×9)-1×1-128-1×1-128": 11_550_224,
    "ConvLSTM(9×9)-1×1-128-1×1-64-1×1-64": 8_830_480,
}


def total_params(request: dict[str, Any]) -> int:
    return summarize(SummaryRequest.model_validate(request)).total_params


@pytest.mark.parametrize("preset", presets_out(), ids=lambda p: p.id)
def test_every_published_figure_agrees_as_the_preset_declares(preset):
    for figure in preset.figures:
        assert figure.agreement == figure.expected, (figure.printed, figure.ours)
        if figure.expected == "exact":
            assert figure.ours == figure.value
        if figure.expected == "differs":
            assert figure.reason


def test_every_row_of_shi_et_al_table_1_is_reproduced_exactly():
    by_title = {p.title: p for p in PRESETS if p.citation.year == 2015}
    assert set(by_title) == set(SHI_TABLE_1)
    for title, published in SHI_TABLE_1.items():
        assert total_params(by_title[title].request) == published, title


def test_shi_et_al_counts_need_per_channel_peepholes_and_an_inputless_first_forecaster():
    # Peepholes of the cell state's full shape (16·16·F per gate), or a W_x on the first
    # forecaster layer, would each miss the published 13,524,496.
    request = BY_ID["shi2015-convlstm5x5-5x5-256"].request
    summary = summarize(SummaryRequest.model_validate(request))
    forecaster = next(r for r in summary.layers if r.name == "forecaster_1")
    assert [w.name for w in forecaster.weights] == [
        "recurrent_kernel",
        "bias",
        "input_peephole",
        "forget_peephole",
        "output_peephole",
    ]
    assert forecaster.params == 4 * (5 * 5 * 256 * 256 + 256) + 3 * 256
    encoder = next(r for r in summary.layers if r.name == "encoder_1")
    assert encoder.formula == (
        "4 × (5·5·16·256 + 5·5·256·256 + 256) = 4 × 1,741,056 + 3 × 256 (peepholes, one per "
        "channel) = 6,964,224 + 768 = 6,964,992"
    )


def test_names_encode_the_input_to_state_and_the_state_to_state_kernels_separately():
    request = BY_ID["shi2015-convlstm9x9-1x1-128-1x1-128"].request
    layers = summarize(SummaryRequest.model_validate(request)).layers
    encoder = next(r for r in layers if r.name == "encoder_1")
    shapes = {w.name: w.shape for w in encoder.weights}
    assert shapes["kernel"] == (9, 9, 16, 512)
    assert shapes["recurrent_kernel"] == (1, 1, 128, 512)


@pytest.mark.parametrize("preset", [p for p in PRESETS if not p.keras], ids=lambda p: p.id)
def test_presets_keras_cannot_build_are_refused_under_the_keras_convention(preset):
    response = client.post("/summary", json={**preset.request, "convention": "keras"})
    assert response.status_code == 422
    (error,) = response.json()["detail"]
    assert error["loc"][:2] == ["body", "layers"]
    assert error["loc"][-1] in ("recurrent_kernel_size", "input_to_state", "openstl_unused_convs")
    assert "Keras cannot build" in error["msg"]


@pytest.mark.parametrize("preset", [p for p in PRESETS if p.keras], ids=lambda p: p.id)
def test_presets_keras_can_build_match_real_keras_layer_by_layer(preset):
    request = preset.request
    graph = "inputs" in request
    theirs = build_graph(request).model if graph else build(request)
    assert theirs.error is None, theirs.error
    ours = summarize(SummaryRequest.model_validate(request))
    assert ours.total_params == theirs.total_params
    first_calls = [r for r in ours.layers if r.node_index in (None, 0)]
    assert theirs.layers is not None
    keras_layers = [
        layer
        for layer in theirs.layers
        if layer.params or not graph or not layer.name.startswith(("image", "input"))
    ]
    assert [r.params for r in first_calls] == [k.params for k in keras_layers][-len(first_calls) :]


def test_the_keras_io_example_takes_its_input_shape_from_keras_io():
    assert BY_ID["keras-io-next-frame"].request["inputs"] == [{"shape": [None, 64, 64, 1]}]


def test_agreement_is_exact_within_the_printed_rounding_or_differs():
    (s_params, _) = BY_ID["openstl-convlstm-s-mmnist"].figures
    assert agreement(s_params, 14_950_000) == "rounding"
    assert agreement(s_params, 15_083_520) == "differs"
    (shi,) = BY_ID["shi2015-convlstm5x5-5x5-256"].figures
    assert agreement(shi, 13_524_496) == "exact"
    assert agreement(shi, 13_524_497) == "differs"


def test_published_figures_are_kept_as_printed():
    printed = {p.id: [f.printed for f in p.figures] for p in PRESETS}
    assert printed["openstl-convlstm-s-mmnist"] == ["15.0M", "56.8G"]
    assert printed["openstl-convlstm-l-mmnist"] == ["33.8M", "127.0G"]
    assert printed["openstl-convlstm-s-taxibj"] == ["14.98M", "20.74G"]


def test_get_presets_over_http_lists_every_preset_with_ours_beside_the_published_figure():
    response = client.get("/presets")
    assert response.status_code == 200
    body = response.json()
    assert [p["id"] for p in body] == [p.id for p in PRESETS]
    assert len({p["id"] for p in body}) == len(body)
    for preset in body:
        assert {"id", "title", "citation", "location", "description", "request", "figures"} <= set(
            preset
        )
        assert {"authors", "venue", "year"} <= set(preset["citation"])
        for figure in preset["figures"]:
            assert figure["agreement"] in ("exact", "rounding", "differs")
            assert isinstance(figure["ours"], int)


def test_every_preset_request_is_a_valid_summary_request_over_http():
    for preset in PRESETS:
        response = client.post("/summary", json=preset.request)
        assert response.status_code == 200, (preset.id, response.text[:300])


def test_presets_are_documented_in_openapi():
    spec = client.get("/openapi.json").json()
    schema = spec["paths"]["/presets"]["get"]["responses"]["200"]["content"]["application/json"][
        "schema"
    ]
    assert schema["items"] == {"$ref": "#/components/schemas/PresetOut"}
    figure = spec["components"]["schemas"]["FigureResult"]["properties"]
    assert {"printed", "unit", "ours", "agreement", "reason"} <= set(figure)


# OpenSTL's model, written out in PyTorch as its code builds it (openstl/modules/
# convlstm_modules.py, openstl/models/convlstm_model.py), on the meta device: FlopCounterMode
# counts its convolutions without running them.
torch = pytest.importorskip("torch", reason="torch checks OpenSTL's figures")
from torch.utils.flop_counter import FlopCounterMode  # noqa: E402


class OpenSTLCell(torch.nn.Module):
    def __init__(self, in_channels: int, hidden: int, size: int = 5) -> None:
        super().__init__()
        conv = torch.nn.Conv2d
        pad = size // 2
        self.hidden = hidden
        self.conv_x = conv(in_channels, 4 * hidden, size, padding=pad, bias=False)
        self.conv_h = conv(hidden, 4 * hidden, size, padding=pad, bias=False)
        # Built, never called: the cell's forward does not use them.
        self.conv_o = conv(2 * hidden, hidden, size, padding=pad, bias=False)
        self.conv_last = conv(2 * hidden, hidden, 1, bias=False)

    def forward(self, x, h, c):
        i, f, g, o = torch.split(self.conv_x(x) + self.conv_h(h), self.hidden, dim=1)
        c = torch.sigmoid(f) * c + torch.sigmoid(i) * torch.tanh(g)
        return torch.sigmoid(o) * torch.tanh(c), c


class OpenSTLModel(torch.nn.Module):
    def __init__(self, channels: int, hidden: int) -> None:
        super().__init__()
        self.cells = torch.nn.ModuleList(
            OpenSTLCell(channels if i == 0 else hidden, hidden) for i in range(4)
        )
        self.conv_last = torch.nn.Conv2d(hidden, channels, 1, bias=False)

    def forward(self, frames):  # (batch, steps, channels, grid, grid)
        batch, steps, _, rows, cols = frames.shape
        zeros = frames.new_zeros(batch, self.cells[0].hidden, rows, cols)
        h, c = [zeros] * 4, [zeros] * 4
        for t in range(steps):
            net = frames[:, t]
            for i, cell in enumerate(self.cells):
                h[i], c[i] = cell(net, h[i], c[i])
                net = h[i]
            self.conv_last(h[-1])


@pytest.mark.parametrize(
    "preset_id, channels, hidden, steps, grid",
    [
        ("openstl-convlstm-s-mmnist", 16, 128, 19, 16),
        ("openstl-convlstm-l-mmnist", 16, 192, 19, 16),
        ("openstl-convlstm-s-taxibj", 8, 128, 7, 16),
    ],
)
def test_openstl_presets_count_what_their_pytorch_code_builds(
    preset_id, channels, hidden, steps, grid
):
    with torch.device("meta"):
        model = OpenSTLModel(channels, hidden)
        frames = torch.empty(1, steps, channels, grid, grid)
    counter = FlopCounterMode(display=False)
    with counter:
        model(frames)
    request = SummaryRequest.model_validate(BY_ID[preset_id].request)
    summary = summarize(request)
    assert summary.total_params == sum(p.numel() for p in model.parameters())
    assert summary.costs is not None
    assert 2 * summary.costs.macs == counter.get_total_flops()


def test_every_preset_text_shown_on_the_page_has_a_chinese_translation():
    from babel.messages.pofile import read_po

    path = "app/translations/zh_Hans/LC_MESSAGES/messages.po"
    with open(path, "rb") as catalog:
        translated = {m.id: m.string for m in read_po(catalog) if m.id and not m.fuzzy}
    for preset in PRESETS:
        texts = [preset.description] + [f.reason for f in preset.figures if f.reason]
        for text in texts:
            assert translated.get(text), (preset.id, text[:60])
