"""Costs over real HTTP: `POST /summary` carries them, `POST /sweep` answers the what-if."""

from app.schema import SEED_MODEL


def test_summary_carries_per_layer_and_total_costs(http):
    body = http.post("/summary", json=SEED_MODEL).json()
    assert body["layers"][0]["costs"]["macs"] == 855_360_000
    assert body["costs"]["macs"] == 17_876_160_000
    assert body["memory"]["weights"]["text"] == "2.84 MB"
    assert body["latency"]["text"].startswith("estimate: ")


def test_summary_follows_the_requested_convention(http):
    body = http.post("/summary", json={**SEED_MODEL, "convention": "pytorch"}).json()
    assert body["convention"] == "pytorch"
    assert body["total_params"] == 745_680 + 4 * (30 + 50 + 60 + 70)


def test_unknown_convention_is_a_422_naming_the_field(http):
    response = http.post("/summary", json={**SEED_MODEL, "convention": "tf"})
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "convention"]


def test_custom_device_without_bandwidth_is_a_422_naming_the_field(http):
    response = http.post("/summary", json={**SEED_MODEL, "device": "custom", "peak_tflops": 5})
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "bandwidth_gb_s"]


def test_sweep_of_filters_gives_one_point_per_value(http):
    body = http.post(
        "/sweep",
        json={"model": SEED_MODEL, "argument": "filters", "layer": 0, "values": [15, 30, 60]},
    ).json()
    assert [p["value"] for p in body["points"]] == [15, 30, 60]
    assert body["points"][1]["params"] == 745_680
    assert body["layer_name"] == "conv_lstm2d"


def test_sweep_answers_the_largest_batch_within_a_budget(http):
    body = http.post(
        "/sweep",
        json={
            "model": SEED_MODEL,
            "argument": "batch_size",
            "budget_mb": 1024,
            "fit": "batch_size",
        },
    ).json()
    assert body["fit"]["largest"] == 6
    assert body["fit"]["training"]["bytes"] <= 1024**3


def test_sweep_marks_values_keras_refuses_instead_of_failing(http):
    model = {**SEED_MODEL, "layers": [{**SEED_MODEL["layers"][0], "padding": "valid"}]}
    body = http.post(
        "/sweep", json={"model": model, "argument": "kernel_size", "values": [3, 41]}
    ).json()
    assert body["points"][0]["error"] is None
    assert "does not fit" in body["points"][1]["error"]


def test_sweep_of_a_missing_layer_is_a_422_naming_the_field(http):
    response = http.post("/sweep", json={"model": SEED_MODEL, "layer": 9})
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "layer"]


def test_sweep_of_an_invalid_model_blames_the_models_field(http):
    model = {
        **SEED_MODEL,
        "layers": [{**SEED_MODEL["layers"][0], "kernel_size": 99, "padding": "valid"}],
    }
    response = http.post("/sweep", json={"model": model})
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "model", "layers", 0, "kernel_size"]


def test_whatif_without_javascript_returns_the_page_with_the_chart(http):
    response = http.post(
        "/whatif?input_shape=15,40,40,3&layers.0.type=ConvLSTM2D&layers.0.filters=30"
        "&layers.0.kernel_size=3,3&layers.0.padding=same",
        data={"sweep.argument": "filters", "sweep.values": "10, 20, 30"},
    )
    assert response.status_code == 200
    assert response.text.count('class="whatif-panel"') == 3
    assert 'id="editor"' in response.text


def test_whatif_with_a_missing_layer_names_the_field_in_the_chart_region(http):
    response = http.post("/whatif", data={"sweep.layer": "7"}, headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert 'id="whatif-error"' in response.text
    assert "layer" in response.text
