"""The editor's form fields ⇄ a `SummaryRequest` body, and its edit actions."""

from dataclasses import replace
from urllib.parse import parse_qsl, urlencode

from hypothesis import given, settings
from hypothesis import strategies as st
from keras_reference import build

from app.core.errors import SpecError
from app.core.model import summarize
from app.editor import (
    LayerDraft,
    apply_action,
    controls,
    draft_from_body,
    draft_from_fields,
    field_key,
    focus_after,
    query_items,
    request_body,
    seed_draft,
    spec_errors,
    validate,
)
from app.schema import SEED_MODEL, SummaryRequest


def summary_of(draft):
    request, errors = validate(draft)
    assert errors == {}
    return summarize(request)


def test_the_seed_draft_is_the_seed_model():
    assert SummaryRequest.model_validate(
        request_body(seed_draft())
    ) == SummaryRequest.model_validate(SEED_MODEL)


def test_the_seed_url_names_only_what_differs_from_keras_defaults():
    query = urlencode(query_items(seed_draft()), safe=",")
    assert query.startswith("input_shape=15,40,40,3&layers.0.type=ConvLSTM2D&layers.0.filters=30")
    assert "strides" not in query and "use_bias" not in query
    assert "layers.3.return_sequences" not in query  # false is the default


@settings(deadline=None)  # pydantic validation of a whole model; CPU shared with other work
@given(
    filters=st.lists(st.integers(1, 99), min_size=1, max_size=5),
    kernel=st.integers(1, 5),
    padding=st.sampled_from(["same", "valid"]),
)
def test_a_model_survives_the_round_trip_through_its_url(filters, kernel, padding):
    body = {
        "input_shape": [4, 12, 12, 2],
        "layers": [
            {
                "type": "ConvLSTM2D",
                "filters": f,
                "kernel_size": [kernel, kernel],
                "padding": padding,
                "return_sequences": i < len(filters) - 1,
            }
            for i, f in enumerate(filters)
        ],
    }
    draft = draft_from_body(body)
    back = draft_from_fields(parse_qsl(urlencode(query_items(draft))))
    assert SummaryRequest.model_validate(request_body(back)) == SummaryRequest.model_validate(
        request_body(draft)
    )


def test_sizes_may_be_written_with_commas_x_or_spaces():
    for text in ("3,3", "3x3", "3×3", "3 3", "(3, 3)"):
        draft = draft_from_fields(
            [
                ("input_shape", "15,40,40,3"),
                ("layers.0.type", "ConvLSTM2D"),
                ("layers.0.filters", "30"),
                ("layers.0.kernel_size", text),
            ]
        )
        assert request_body(draft)["layers"][0]["kernel_size"] == [3, 3]


def test_unknown_sizes_in_the_input_shape_are_question_marks_or_none():
    draft = draft_from_fields(
        [("input_shape", "?,40,None,3"), ("layers.0.type", "Dense"), ("layers.0.units", "4")]
    )
    assert request_body(draft)["input_shape"] == [None, 40, None, 3]


def test_the_last_value_wins_so_a_checked_box_overrides_its_hidden_false():
    draft = draft_from_fields(
        [
            ("input_shape", "15,40,40,3"),
            ("layers.0.type", "ConvLSTM2D"),
            ("layers.0.use_bias", "false"),
            ("layers.0.use_bias", "true"),
        ]
    )
    assert request_body(draft)["layers"][0]["use_bias"] is True


def test_fields_without_a_layer_give_no_draft():
    assert draft_from_fields([("input_shape", "1,2")]) is None


def test_a_bad_value_is_kept_as_typed_and_blamed_on_its_field():
    draft = draft_from_fields(
        [
            ("input_shape", "15,40,40,3"),
            ("layers.0.type", "ConvLSTM2D"),
            ("layers.0.filters", "thirty"),
            ("layers.0.kernel_size", "3"),
        ]
    )
    assert draft.layers[0].values["filters"] == "thirty"
    request, errors = validate(draft)
    assert request is None
    assert list(errors) == ["layers.0.filters"]


def test_a_core_error_is_blamed_on_its_field():
    draft = seed_draft()
    error = SpecError(("layers", 2, "kernel_size"), "too big")
    assert spec_errors(draft, error) == {"layers.2.kernel_size": "too big"}


def test_error_locations_fall_back_to_the_enclosing_field():
    draft = seed_draft()
    assert field_key(draft, ["body", "layers", 1, "kernel_size", 0]) == "layers.1.kernel_size"
    assert field_key(draft, ["body", "layers", 1]) == "layers.1"
    assert field_key(draft, ["body", "input_shape", 2]) == "input_shape"
    assert field_key(draft, ["body", "mystery"]) == ""


def test_arguments_that_change_costs_come_first_and_the_rest_are_more():
    names = [c.name for c in controls("ConvLSTM2D") if c.primary]
    assert names[:3] == ["filters", "kernel_size", "strides"]
    assert "kernel_initializer" not in names


def test_adding_a_convlstm_after_a_last_step_layer_hands_it_the_sequence():
    draft = apply_action(seed_draft(), "add", "ConvLSTM2D")
    assert len(draft.layers) == 5
    assert draft.layers[3].values["return_sequences"] == "true"
    assert draft.layers[4] == LayerDraft(
        "ConvLSTM2D", {"filters": "32", "kernel_size": "3,3", "padding": "same"}
    )
    assert summary_of(draft).layers[4].params == 4 * (9 * 70 * 32 + 9 * 32 * 32 + 32)


def test_remove_duplicate_and_move_change_the_order_of_layers():
    seed = seed_draft()
    filters = lambda d: [layer.values["filters"] for layer in d.layers]  # noqa: E731
    assert filters(apply_action(seed, "remove:1")) == ["30", "60", "70"]
    assert filters(apply_action(seed, "duplicate:0")) == ["30", "30", "50", "60", "70"]
    assert filters(apply_action(seed, "up:1")) == ["50", "30", "60", "70"]
    assert filters(apply_action(seed, "down:3")) == ["30", "50", "60", "70"]
    assert apply_action(seed, "remove:9") == seed


def test_the_only_layer_cannot_be_removed():
    one = apply_action(apply_action(apply_action(seed_draft(), "remove:0"), "remove:0"), "remove:0")
    assert len(apply_action(one, "remove:0").layers) == 1


def test_duplicates_drop_the_name_keras_needs_unique():
    draft = draft_from_body(
        {"input_shape": [4], "layers": [{"type": "Dense", "units": 3, "name": "head"}]}
    )
    assert "name" not in apply_action(draft, "duplicate:0").layers[1].values


def test_focus_follows_the_layer_that_moved():
    draft = seed_draft()
    assert focus_after(draft, "down:0") == "down-1"
    assert focus_after(draft, "up:1") == "down-0"
    assert focus_after(draft, "down:2") == "up-3"
    assert focus_after(apply_action(draft, "add"), "add") == "layers-4-first"


# Per-axis (before, after) pairs: `;` between axes, `,` within one (README, "Page URLs").


def _layer_body(layer_type, name, text):
    draft = draft_from_fields(
        [("input_shape", "9,9,9,2"), ("layers.0.type", layer_type), (f"layers.0.{name}", text)]
    )
    return request_body(draft)["layers"][0][name]


def test_pairs_are_written_with_a_semicolon_between_axes():
    assert _layer_body("ZeroPadding2D", "padding", "1,2;3,4") == [[1, 2], [3, 4]]
    assert _layer_body("ZeroPadding2D", "padding", "1;2,3") == [1, [2, 3]]
    assert _layer_body("Cropping3D", "cropping", "0,1; 2 ;3x0") == [[0, 1], 2, [3, 0]]
    assert _layer_body("ZeroPadding2D", "padding", "1,2") == [1, 2]  # one value per axis
    assert _layer_body("Cropping2D", "cropping", "3") == 3
    assert _layer_body("ZeroPadding1D", "padding", "1,2") == [1, 2]  # (left, right)


def test_pairs_are_shown_the_way_they_are_typed():
    draft = draft_from_body(
        {
            "input_shape": [9, 9, 2],
            "layers": [
                {"type": "ZeroPadding2D", "padding": [[1, 2], [3, 4]]},
                {"type": "Cropping2D", "cropping": [1, [0, 2]]},
            ],
        }
    )
    assert [layer.values for layer in draft.layers] == [
        {"padding": "1,2;3,4"},
        {"cropping": "1;0,2"},
    ]
    assert [c.default for c in controls("Cropping3D") if c.name == "cropping"] == ["1,1;1,1;1,1"]


margin = st.integers(0, 3)
margin_forms = st.one_of(
    margin,
    st.lists(margin, min_size=2, max_size=2),
    st.lists(st.lists(margin, min_size=2, max_size=2), min_size=2, max_size=2),
    st.lists(margin | st.lists(margin, min_size=2, max_size=2), min_size=2, max_size=2),
)


@settings(deadline=None)
@given(
    padding=margin_forms,
    cropping=margin_forms,
    kind=st.sampled_from(["channels_last", "channels_first"]),
)
def test_every_padding_and_cropping_form_survives_the_round_trip_through_its_url(
    padding, cropping, kind
):
    body = {
        "input_shape": [4, 12, 12],
        "layers": [
            {"type": "ZeroPadding2D", "padding": padding, "data_format": kind},
            {"type": "Cropping2D", "cropping": cropping, "data_format": kind},
        ],
    }
    draft = draft_from_body(body)
    back = draft_from_fields(parse_qsl(urlencode(query_items(draft))))
    assert SummaryRequest.model_validate(request_body(back)) == SummaryRequest.model_validate(body)


def test_new_layer_types_can_be_added_and_give_keras_numbers():
    draft = draft_from_body(
        {
            "input_shape": [12, 12, 4],
            "layers": [{"type": "ZeroPadding2D", "padding": [[1, 0], [2, 3]]}],
        }
    )
    for layer_type in ("SeparableConv2D", "DepthwiseConv2D", "Cropping2D", "GroupNormalization"):
        draft = apply_action(draft, "add", layer_type)
    draft = replace(
        draft, layers=(*draft.layers[:-1], LayerDraft("GroupNormalization", {"groups": "-1"}))
    )
    summary = summary_of(draft)
    keras_model = build(request_body(draft))
    assert [(r.name, list(r.output_shape), r.params) for r in summary.layers] == [
        (k.name, k.output_shape, k.params) for k in keras_model.layers
    ]
    assert summary.layers[1].params == 3 * 3 * 4 + 4 * 32 + 32  # depthwise + pointwise + bias


def test_separable_controls_come_in_keras_order_with_depth_multiplier_primary():
    names = [c.name for c in controls("SeparableConv2D") if c.primary]
    assert names[:3] == ["filters", "kernel_size", "strides"]
    assert "depth_multiplier" in names and "pointwise_initializer" not in names


# The recurrent, reordering and activation layers: shown, typed back and summarized alike.

NEW_TYPE_MODELS = [
    {
        "input_shape": [None, 3],
        "layers": [
            {
                "type": "LSTM",
                "units": 4,
                "return_sequences": True,
                "recurrent_activation": "relu",
                "use_cudnn": False,
            },
            {"type": "GRU", "units": 3, "reset_after": False, "return_sequences": True},
            {"type": "SimpleRNN", "units": 2, "return_state": True, "dropout": 0.25},
        ],
    },
    {
        "input_shape": [6],
        "layers": [
            {"type": "RepeatVector", "n": 5},
            {"type": "Permute", "dims": [2, 1]},
            {"type": "PReLU", "shared_axes": [1]},
            {"type": "ReLU", "max_value": 6.5},
            {"type": "LeakyReLU", "negative_slope": 0.2},
            {"type": "ELU", "alpha": 2},
            {"type": "Softmax", "axis": [1, 2]},
        ],
    },
    {
        "input_shape": [4, 3],
        "layers": [{"type": "Permute", "dims": [1, 2]}, {"type": "PReLU", "shared_axes": 2}],
    },
]


def _same_summary(body, draft):
    request, errors = validate(draft)
    assert errors == {}
    assert summarize(request) == summarize(SummaryRequest.model_validate(body))


def test_new_layer_types_survive_the_form_and_the_url():
    for body in NEW_TYPE_MODELS:
        draft = draft_from_body(body)
        _same_summary(body, draft)
        _same_summary(body, draft_from_fields(parse_qsl(urlencode(query_items(draft)))))


def test_arguments_that_change_parameters_or_shapes_of_the_new_types_are_primary():
    primary = {
        t: {c.name for c in controls(t) if c.primary}
        for t in ("LSTM", "GRU", "Permute", "RepeatVector", "PReLU")
    }
    assert {"units", "return_sequences", "return_state", "recurrent_activation"} <= primary["LSTM"]
    assert "reset_after" in primary["GRU"]
    assert "dims" in primary["Permute"] and "n" in primary["RepeatVector"]
    assert "shared_axes" in primary["PReLU"]
    assert "use_cudnn" not in {c.name for c in controls("LSTM")}


def test_a_one_axis_permutation_stays_a_list():
    draft = draft_from_fields(
        [("input_shape", "4"), ("layers.0.type", "Permute"), ("layers.0.dims", "1")]
    )
    assert request_body(draft)["layers"][0]["dims"] == [1]


def test_adding_an_lstm_after_a_last_step_gru_hands_it_the_sequence():
    draft = draft_from_body({"input_shape": [5, 3], "layers": [{"type": "GRU", "units": 4}]})
    added = apply_action(draft, "add", "LSTM")
    assert added.layers[0].values["return_sequences"] == "true"
    assert summary_of(added).layers[1].params == 4 * (4 * 64 + 64 * 64 + 64)


def test_every_new_type_can_be_added_to_a_model_that_takes_it():
    for layer_type, shape in (
        ("RepeatVector", [6]),
        ("Permute", [4, 3]),
        ("ReLU", [3]),
        ("LeakyReLU", [3]),
        ("ELU", [3]),
        ("Softmax", [3]),
        ("PReLU", [3]),
        ("SimpleRNN", [5, 3]),
    ):
        draft = draft_from_body(
            {"input_shape": shape, "layers": [{"type": "Dropout", "rate": 0.1}]}
        )
        added = apply_action(draft, "add", layer_type)
        assert added.layers[-1].type == layer_type
        assert summary_of(added).layers[-1].type == layer_type


def test_an_unknown_input_size_is_shown_as_a_question_mark_and_read_back():
    draft = draft_from_body({"input_shape": [None, 3], "layers": [{"type": "LSTM", "units": 2}]})
    assert draft.input_shape == "?,3"
    assert request_body(draft)["input_shape"] == [None, 3]


def test_after_remove_focus_goes_to_the_card_in_its_place_or_the_new_last():
    draft = seed_draft()
    assert focus_after(apply_action(draft, "remove:1"), "remove:1") == "layers-1-first"
    assert focus_after(apply_action(draft, "remove:3"), "remove:3") == "layers-2-first"


def test_a_wrapped_layer_is_edited_as_its_json_and_survives_the_url() -> None:
    body = {
        "input_shape": [5, 8, 8, 3],
        "layers": [
            {
                "type": "TimeDistributed",
                "layer": {"type": "Conv2D", "filters": 4, "kernel_size": 3},
            },
            {"type": "Sequential", "layers": [{"type": "Flatten"}, {"type": "Dense", "units": 2}]},
        ],
    }
    draft = draft_from_body(body)
    assert draft.layers[0].values["layer"] == '{"type": "Conv2D", "filters": 4, "kernel_size": 3}'
    back = draft_from_fields(parse_qsl(urlencode(query_items(draft))))
    assert request_body(back)["layers"] == body["layers"]


def test_a_wrapped_layer_that_is_not_json_is_an_error_at_its_field() -> None:
    draft = draft_from_fields(
        [
            ("input_shape", "5,8,8,3"),
            ("layers.0.type", "TimeDistributed"),
            ("layers.0.layer", "{not json"),
        ]
    )
    request, errors = validate(draft)
    assert request is None and "layers.0.layer" in errors


def test_new_wrappers_and_nested_models_start_valid() -> None:
    for layer_type in ("TimeDistributed", "Sequential"):
        draft = apply_action(
            draft_from_body(
                {
                    "input_shape": [5, 8, 8, 3],
                    "layers": [
                        {
                            "type": "ConvLSTM2D",
                            "filters": 2,
                            "kernel_size": 3,
                            "return_sequences": True,
                        }
                    ],
                }
            ),
            "add",
            layer_type,
        )
        assert validate(draft)[1] == {}, layer_type
