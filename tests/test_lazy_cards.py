"""A big model's page: later layer cards are folded and load their controls when opened.

Past `FULL_CARDS` cards, a card carries its typed values as hidden inputs (so any edit keeps
them), lists its fields' errors, and `GET /layer-controls` renders its controls (issue 14: the
controls of 1,024 cards were 17 MB of HTML and seconds of CPU).
"""

from __future__ import annotations

from urllib.parse import urlencode

from app import editor
from app.lazy_cards import FULL_CARDS
from app.pages import MAX_COST_RULES

# Past the folded cards and past the derivations written out (MAX_COST_RULES).
LAYERS = max(FULL_CARDS, MAX_COST_RULES) + 8
FOLDED = FULL_CARDS + 3


def big_model(**folded_layer: object) -> dict:
    layer = {
        "type": "ConvLSTM2D",
        "filters": 4,
        "kernel_size": 3,
        "padding": "same",
        "return_sequences": True,
    }
    layers = [dict(layer) for _ in range(LAYERS)]
    layers[FOLDED].update(folded_layer)
    return {"input_shape": [5, 8, 8, 3], "layers": layers}


def page_url(model: dict) -> str:
    return "/?" + urlencode(editor.query_items(editor.draft_from_body(model)), safe=",")


def test_the_first_cards_have_controls_and_later_ones_carry_their_values_hidden(http):
    html = http.get(page_url(big_model(filters=7, dropout=0.25))).text
    assert 'id="f-layers-0-filters"' in html
    assert f'id="f-layers-{FULL_CARDS - 1}-filters"' in html
    assert f'id="f-layers-{FOLDED}-filters"' not in html
    assert f'<input type="hidden" name="layers.{FOLDED}.filters" value="7">' in html
    assert f'<input type="hidden" name="layers.{FOLDED}.dropout" value="0.25">' in html
    assert f'hx-get="/layer-controls?index={FOLDED}&amp;lang=en"' in html


def test_a_folded_card_opens_with_every_control_and_its_values(http):
    response = http.get(
        "/layer-controls",
        params={
            "index": FOLDED,
            f"layers.{FOLDED}.type": "ConvLSTM2D",
            f"layers.{FOLDED}.filters": "7",
            f"layers.{FOLDED}.dropout": "0.25",
        },
    )
    assert response.status_code == 200
    html = response.text
    for control in editor.controls("ConvLSTM2D"):
        assert f'name="layers.{FOLDED}.{control.name}"' in html
    assert f'value="7" id="f-layers-{FOLDED}-filters"' in html
    assert f'value="0.25" id="f-layers-{FOLDED}-dropout"' in html


def test_a_folded_card_lists_the_errors_of_its_fields(http):
    html = http.get(page_url(big_model(kernel_size=0))).text
    assert f'id="f-layers-{FOLDED}-kernel_size"' not in html
    assert "<code>kernel_size</code>:" in html


def test_the_derivations_are_listed_for_the_first_layers_and_the_rest_are_pointed_to(http):
    html = http.get(page_url(big_model())).text
    assert f'id="cost-rules-{MAX_COST_RULES - 1}"' in html
    assert f'id="cost-rules-{MAX_COST_RULES}"' not in html
    assert f"the other {LAYERS - MAX_COST_RULES} layers" in html


def test_without_javascript_a_folded_cards_button_brings_the_page_back_with_it_whole(http):
    html = http.get(page_url(big_model(filters=7))).text
    assert f'<button type="submit" name="card" value="{FOLDED}" class="more-load">' in html
    form = {**dict(editor.query_items(editor.draft_from_body(big_model(filters=7))))}
    location = http.post("/", data={**form, "card": str(FOLDED)}, follow_redirects=False).headers[
        "location"
    ]
    assert location.endswith(f"&card={FOLDED}#layer-{FOLDED}")
    page = http.get(location.split("#")[0]).text
    assert f'value="7" id="f-layers-{FOLDED}-filters"' in page
    assert f'id="f-layers-{FOLDED + 1}-filters"' not in page  # the others stay folded
