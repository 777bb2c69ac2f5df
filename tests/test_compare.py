"""Compare two models: model "A" pinned in `a.` fields, B being edited; totals and layers side
by side with B − A and B ÷ A, as static HTML (no JavaScript needed)."""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlencode

import pytest
from fastapi.testclient import TestClient

from app import compare, editor
from app.core.model import summarize
from app.main import app
from app.schema import SEED_MODEL, SummaryRequest

SEED = editor.seed_draft()


def seed_query(**changes: str) -> str:
    items = dict(editor.query_items(SEED))
    items.update(changes)
    return urlencode(list(items.items()), safe=",")


def pair_query(b: str) -> str:
    return b + "&" + urlencode(compare.pin_items(SEED), safe=",")


@pytest.fixture(scope="module")
def client():
    with TestClient(app) as c:
        yield c


def post(client, items, **kwargs):
    return client.post(
        "/",
        content=urlencode(items),
        headers={"content-type": "application/x-www-form-urlencoded", **kwargs.pop("headers", {})},
    )


def text_of(html: str, element_id: str) -> str:
    start = html.index(f'id="{element_id}"')
    end = html.index("</table>", start)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html[start:end]))


def summary(body: dict):
    return summarize(SummaryRequest.model_validate(body))


def test_a_travels_as_bs_fields_under_the_a_prefix_and_is_read_back():
    items = compare.pin_items(SEED)
    assert items and all(key.startswith("a.") for key, _ in items)
    assert editor.query_items(compare.pinned_draft(items)) == editor.query_items(SEED)
    # B's own parser ignores A's fields: a pair's URL still opens B.
    b = editor.draft_from_fields(parse_qsl(pair_query(seed_query())))
    assert editor.query_items(b) == editor.query_items(SEED)


def test_totals_rows_give_the_difference_and_ratio_of_b_to_a():
    a = summary(SEED_MODEL)
    wider = {
        **SEED_MODEL,
        "layers": [{**SEED_MODEL["layers"][0], "filters": 40}, *SEED_MODEL["layers"][1:]],
    }
    b = summary(wider)
    rows = {row.key: row for row in compare.total_rows(a, b)}
    assert rows["params"].a == a.total_params and rows["params"].b == b.total_params
    assert rows["params"].difference == b.total_params - a.total_params
    assert rows["macs"].ratio == pytest.approx(b.costs.macs / a.costs.macs)
    assert rows["latency"].b == b.latency.seconds
    assert compare.difference(rows["params"], "en") == f"+{b.total_params - a.total_params:,}"
    assert compare.ratio(compare.Row("params", 0, 5)) == "—"  # nothing to divide by


def test_layers_correspond_by_name_else_by_position():
    a = summary(
        {
            "input_shape": [8],
            "layers": [
                {"type": "Dense", "units": 4, "name": "enc"},
                {"type": "Dense", "units": 2, "name": "x"},
            ],
        }
    )
    b = summary(
        {
            "input_shape": [8],
            "layers": [
                {"type": "Dense", "units": 3, "name": "y"},
                {"type": "Dense", "units": 6, "name": "enc"},
                {"type": "Dense", "units": 1, "name": "z"},
            ],
        }
    )
    pairs = compare.layer_pairs(a, b)
    named = [(p.a.name if p.a else None, p.b.name if p.b else None, p.by_name) for p in pairs]
    assert named == [("x", "y", False), ("enc", "enc", True), (None, "z", False)]
    assert pairs[1].params.difference == b.layers[1].params - a.layers[0].params


def test_a_pair_url_renders_the_comparison_without_javascript(client):
    html = client.get("/?" + pair_query(seed_query(**{"layers.0.filters": "40"}))).text
    totals = text_of(html, "compare-totals")
    assert "745,680 790,000 +44,320 ×1.06" in totals
    layers = text_of(html, "compare-layer-table")
    assert "35,760 62,080 +26,320" in layers
    # The pinned model rides in the form, and the page's own links keep the pair.
    assert 'name="a.layers.0.filters" value="30"' in html
    permalink = html.split('class="permalink" href="')[1].split('"')[0]
    assert "a.layers.0.filters=30" in permalink and "layers.0.filters=40" in permalink


def test_pin_and_unpin_are_form_actions(client):
    form = [*editor.query_items(SEED), ("action", "pin")]
    html = post(client, form).text
    assert 'id="compare"' in html and 'name="a.layers.0.type"' in html
    assert "×1" in text_of(html, "compare-totals")
    unpinned = post(
        client, [*editor.query_items(SEED), *compare.pin_items(SEED), ("action", "unpin")]
    ).text
    assert 'id="compare"' not in unpinned and 'name="a.layers.0.type"' not in unpinned


def test_htmx_edits_keep_a_in_the_url_and_compare_with_it(client):
    form = [*editor.query_items(SEED), *compare.pin_items(SEED)]
    form = [(k, "40" if k == "layers.0.filters" else v) for k, v in form]
    response = post(client, form, headers={"HX-Request": "true"})
    assert "a.layers.0.filters=30" in response.headers["HX-Push-Url"]
    assert "layers.0.filters=40" in response.headers["HX-Push-Url"]
    assert "+44,320" in response.text


def test_an_invalid_pinned_model_says_so_instead_of_comparing(client):
    bad = seed_query() + "&a.input_shape=15,40,40,3&a.layers.0.type=ConvLSTM2D&a.layers.0.filters=0"
    html = client.get("/?" + bad).text
    assert 'id="compare-error"' in html and "filters" in html.split('id="compare-error"')[1][:600]


def test_the_comparison_is_in_chinese_too(client):
    html = client.get("/?" + pair_query(seed_query()) + "&lang=zh").text
    assert 'id="compare"' in html and "Compare A (pinned)" not in html
