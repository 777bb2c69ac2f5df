"""`POST /summary` and `GET /healthz` over real HTTP against a running uvicorn."""

from app.schema import SEED_MODEL


def test_healthz_says_ok(http):
    response = http.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_seed_model_gives_the_blog_posts_totals(http):
    body = http.post("/summary", json=SEED_MODEL).json()
    assert [layer["params"] for layer in body["layers"]] == [35760, 144200, 237840, 327880]
    assert body["total_params"] == 745680


def test_seed_model_first_layer_formula_shows_the_arithmetic(http):
    layer = http.post("/summary", json=SEED_MODEL).json()["layers"][0]
    assert layer["formula"] == "4 × (3·3·3·30 + 3·3·30·30 + 30) = 4 × 8,940 = 35,760"


def _post_layers(http, layers, input_shape=(15, 40, 40, 3)):
    return http.post("/summary", json={"input_shape": list(input_shape), "layers": layers})


def test_unknown_argument_is_named_with_the_closest_valid_one(http):
    response = _post_layers(
        http, [{"type": "ConvLSTM2D", "filter": 30, "filters": 30, "kernel_size": 3}]
    )
    assert response.status_code == 422
    [error] = response.json()["detail"]
    assert error["loc"] == ["body", "layers", 0, "filter"]
    assert "did you mean 'filters'" in error["msg"]


def test_unknown_layer_type_suggests_the_supported_spelling(http):
    response = _post_layers(http, [{"type": "ConvLstm2D", "filters": 3, "kernel_size": 3}])
    [error] = response.json()["detail"]
    assert error["loc"] == ["body", "layers", 0, "type"]
    assert "did you mean 'ConvLSTM2D'" in error["msg"]


def test_kernel_larger_than_input_points_at_the_layers_kernel_size(http):
    layers = [
        {"type": "ConvLSTM2D", "filters": 4, "kernel_size": 3, "return_sequences": True},
        {"type": "ConvLSTM2D", "filters": 4, "kernel_size": 9},
    ]
    response = _post_layers(http, layers, input_shape=(5, 10, 10, 3))
    assert response.status_code == 422
    [error] = response.json()["detail"]
    assert error["loc"] == ["body", "layers", 1, "kernel_size"]
    assert "9×9 does not fit the 8×8 input with padding 'valid'" in error["msg"]


def test_wrong_rank_input_blames_the_model_input_shape(http):
    response = _post_layers(
        http, [{"type": "ConvLSTM2D", "filters": 4, "kernel_size": 3}], input_shape=(40, 40, 3)
    )
    [error] = response.json()["detail"]
    assert error["loc"] == ["body", "input_shape"]
    assert "expects 5-D input" in error["msg"]


def test_error_inside_a_wrapper_points_into_the_wrapped_layer(http):
    layers = [
        {
            "type": "TimeDistributed",
            "layer": {"type": "ConvLSTM1D", "filters": 2, "kernel_size": [3, 3]},
        }
    ]
    response = _post_layers(http, layers, input_shape=(5, 6, 8, 3))
    [error] = response.json()["detail"]
    assert error["loc"] == ["body", "layers", 0, "layer", "kernel_size"]


def test_a_string_where_a_number_belongs_is_rejected_not_coerced(http):
    response = _post_layers(http, [{"type": "ConvLSTM2D", "filters": "30", "kernel_size": 3}])
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "layers", 0, "filters"]


def test_false_is_not_accepted_as_zero_filters(http):
    response = _post_layers(http, [{"type": "ConvLSTM2D", "filters": False, "kernel_size": 3}])
    assert response.status_code == 422


def test_malformed_json_is_a_client_error(http):
    response = http.post(
        "/summary", content=b'{"input_shape": [1,', headers={"content-type": "application/json"}
    )
    assert response.status_code == 422


def test_absurd_dimension_is_refused_with_the_limit(http):
    response = _post_layers(http, [{"type": "ConvLSTM2D", "filters": 10**9, "kernel_size": 3}])
    assert response.status_code == 422
    assert response.json()["detail"][0]["msg"] == (
        "filters must be at most 1048576; received 1000000000"
    )


def test_duplicate_layer_names_are_refused_like_keras_does(http):
    layer = {
        "type": "ConvLSTM2D",
        "filters": 3,
        "kernel_size": 3,
        "padding": "same",
        "return_sequences": True,
        "name": "same_name",
    }
    response = _post_layers(http, [layer, layer])
    [error] = response.json()["detail"]
    assert error["loc"] == ["body", "layers", 1, "name"]


def test_openapi_docs_carry_the_seed_model_as_example(http):
    schema = http.get("/openapi.json").json()
    body = schema["paths"]["/summary"]["post"]["requestBody"]["content"]["application/json"]
    request_schema = schema["components"]["schemas"][body["schema"]["$ref"].split("/")[-1]]
    assert request_schema["examples"][0] == SEED_MODEL


def test_zero_time_steps_are_refused_in_plain_words(http):
    response = _post_layers(
        http, [{"type": "ConvLSTM2D", "filters": 3, "kernel_size": 3}], input_shape=(0, 40, 40, 3)
    )
    [error] = response.json()["detail"]
    assert error["loc"] == ["body", "input_shape", 0]
    assert error["msg"] == "input_shape[0] must be at least 1; received 0"


def test_a_slash_in_a_layer_name_is_refused_like_keras_does(http):
    response = _post_layers(
        http, [{"type": "ConvLSTM2D", "filters": 3, "kernel_size": 3, "name": "encoder/conv"}]
    )
    [error] = response.json()["detail"]
    assert error["loc"] == ["body", "layers", 0, "name"]
    assert "cannot contain '/'" in error["msg"]


def test_a_missing_argument_is_named_with_its_layer_type(http):
    response = _post_layers(http, [{"type": "ConvLSTM2D", "kernel_size": 3}])
    [error] = response.json()["detail"]
    assert error["loc"] == ["body", "layers", 0, "filters"]
    assert error["msg"] == "ConvLSTM2D needs 'filters'"
