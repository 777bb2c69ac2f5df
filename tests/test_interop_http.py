"""`POST /import/keras` and the `POST /export/<format>` routes over real HTTP."""

from __future__ import annotations

import json

import pytest

from app.schema import SEED_MODEL

# What Keras 3 writes for `Sequential([Input((15, 40, 40, 3)), ConvLSTM2D(30, 3, ...)])`,
# trimmed to the keys that matter; the differential tests feed the full output of to_json().
KERAS_JSON = {
    "module": "keras",
    "class_name": "Sequential",
    "config": {
        "name": "sequential",
        "trainable": True,
        "layers": [
            {
                "module": "keras.layers",
                "class_name": "InputLayer",
                "config": {
                    "batch_shape": [None, 15, 40, 40, 3],
                    "dtype": "float32",
                    "name": "input_layer",
                },
            },
            {
                "module": "keras.layers",
                "class_name": "ConvLSTM2D",
                "config": {
                    "name": "encoder",
                    "trainable": True,
                    "dtype": {
                        "module": "keras",
                        "class_name": "DTypePolicy",
                        "config": {"name": "float32"},
                    },
                    "filters": 30,
                    "kernel_size": [3, 3],
                    "padding": "same",
                    "return_sequences": True,
                    "zero_output_for_mask": False,
                },
            },
        ],
    },
}


def test_import_returns_a_spec_that_summary_accepts(http):
    spec = http.post("/import/keras", json=KERAS_JSON)
    assert spec.status_code == 200
    assert spec.json()["layers"][0]["name"] == "encoder"
    summary = http.post("/summary", json=spec.json())
    assert summary.json()["total_params"] == 35_760


def test_import_accepts_the_json_string_that_to_json_returns(http):
    spec = http.post("/import/keras", json=json.dumps(KERAS_JSON))
    assert spec.status_code == 200
    assert spec.json() == http.post("/import/keras", json=KERAS_JSON).json()


def test_an_unsupported_layer_is_a_422_naming_it(http):
    broken = json.loads(json.dumps(KERAS_JSON))
    broken["config"]["layers"][1]["class_name"] = "GaussianNoise"
    response = http.post("/import/keras", json=broken)
    assert response.status_code == 422
    (error,) = response.json()["detail"]
    assert error["loc"] == ["body", "config", "layers", 1, "class_name"]
    assert "'encoder' (GaussianNoise)" in error["msg"]


@pytest.mark.parametrize("body", ["{not json", 7, [1, 2], {"class_name": "Sequential"}])
def test_import_of_something_else_is_a_422_not_a_500(http, body):
    response = http.post("/import/keras", json=body)
    assert response.status_code == 422
    assert response.json()["detail"][0]["msg"]


@pytest.mark.parametrize(
    ("name", "media_type", "needle"),
    [
        ("text", "text/plain", " Total params: 745,680 (2.84 MB)"),
        ("md", "text/markdown", "- Total params: 745,680 (2.84 MB)"),
        ("csv", "text/csv", "Total,,,745680,745680,0"),
        ("json", "application/json", '"total_params": 745680'),
        ("keras-code", "text/x-python", "keras.layers.ConvLSTM2D("),
        ("pytorch-code", "text/x-python", "== 746,520"),
    ],
)
def test_each_export_route_downloads_its_format(http, name, media_type, needle):
    response = http.post(f"/export/{name}", json=SEED_MODEL)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith(media_type)
    assert response.headers["content-disposition"].startswith("attachment; filename=")
    assert needle in response.text


def test_an_invalid_spec_is_a_422_in_the_summary_routes_format(http):
    body = json.loads(json.dumps(SEED_MODEL))
    body["layers"][2]["kernel_size"] = [3, 3, 3, 3]
    exported = http.post("/export/md", json=body)
    summarized = http.post("/summary", json=body)
    assert exported.status_code == summarized.status_code == 422
    assert exported.json() == summarized.json()
    assert exported.json()["detail"][0]["loc"][:3] == ["body", "layers", 2]


def test_every_format_has_its_own_documented_route(http):
    paths = http.get("/openapi.json").json()["paths"]
    for name in ("text", "md", "csv", "json", "keras-code", "pytorch-code"):
        operation = paths[f"/export/{name}"]["post"]
        assert operation["summary"].startswith("Export: ")
        assert "422" in operation["responses"]
    assert "422" in paths["/import/keras"]["post"]["responses"]


def test_the_page_download_link_exports_the_model_in_its_query(http):
    response = http.get("/download/csv?input_shape=4,3&layers.0.type=Dense&layers.0.units=7")
    assert response.status_code == 200
    disposition = response.headers["content-disposition"]
    assert disposition == 'attachment; filename="sequential-summary.csv"'
    assert response.text.splitlines()[-1].startswith("Total,,,28,28,0,")


def test_a_page_download_link_with_an_invalid_model_is_a_422_that_says_why(http):
    response = http.get("/download/md?input_shape=4,3&layers.0.type=Dense&layers.0.units=x")
    assert response.status_code == 422
    assert "layers.0.units" in response.text
    assert http.get("/download/xml?input_shape=4,3").status_code == 404


# Keras builds it; torch has no lanczos3 resize (layer 1's `interpolation`).
TORCH_CANNOT_BUILD = {
    "input_shape": [6, 8, 8, 3],
    "layers": [
        {"type": "ConvLSTM2D", "filters": 4, "kernel_size": 3, "return_sequences": True},
        {"type": "TimeDistributed", "layer": {"type": "UpSampling2D", "interpolation": "lanczos3"}},
    ],
}


def test_pytorch_code_refuses_what_torch_cannot_build_naming_the_layer_and_field(http):
    """Nothing is dropped silently: a Keras option torch has no layer for is a 422 at it."""
    body = TORCH_CANNOT_BUILD
    response = http.post("/export/pytorch-code", json=body)
    assert response.status_code == 422
    (error,) = response.json()["detail"]
    assert error["loc"] == ["body", "layers", 1, "interpolation"]
    assert "UpSampling2D cannot be written as PyTorch code" in error["msg"]
    assert http.post("/export/keras-code", json=body).status_code == 200


def test_pytorch_code_refuses_an_activation_it_cannot_translate(http):
    body = {
        "input_shape": [4, 3],
        "layers": [{"type": "Dense", "units": 2, "activation": "sparsemax"}],
    }
    response = http.post("/export/pytorch-code", json=body)
    assert response.status_code == 422
    (error,) = response.json()["detail"]
    assert error["loc"] == ["body", "layers", 0, "activation"]
    assert "'sparsemax' has no PyTorch translation" in error["msg"]


def test_the_page_offers_pytorch_code_and_its_link_downloads_it(http):
    query = "input_shape=4,3&layers.0.type=Dense&layers.0.units=7"
    page = http.get(f"/?{query}")
    assert f'href="/download/pytorch-code?{query}' in page.text.replace("&amp;", "&")
    response = http.get(f"/download/pytorch-code?{query}")
    assert response.status_code == 200
    assert response.headers["content-disposition"] == 'attachment; filename="sequential_torch.py"'
    assert "nn.Linear(3, 7, bias=True)" in response.text


def test_a_page_download_that_torch_cannot_build_is_a_422_saying_why(http):
    query = "input_shape=4,3&layers.0.type=Dense&layers.0.units=7&layers.0.activation=sparsemax"
    response = http.get(f"/download/pytorch-code?{query}")
    assert response.status_code == 422
    assert "'sparsemax' has no PyTorch translation" in response.text


def test_downloads_are_named_after_the_model(http):
    query = "name=my%20net&input_shape=4,3&layers.0.type=Dense&layers.0.units=7"
    for name, filename in (
        ("csv", "my_net-summary.csv"),
        ("keras-code", "my_net.py"),
        ("pytorch-code", "my_net_torch.py"),
    ):
        response = http.get(f"/download/{name}?{query}")
        assert response.headers["content-disposition"] == f'attachment; filename="{filename}"'
