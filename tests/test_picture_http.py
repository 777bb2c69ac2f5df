"""The model picture over HTTP: in the page and in every edit's answer, its MAC switch as a plain
link, and `/picture.svg` as a file named after the model."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from urllib.parse import urlencode

from picture_cases import HANDOFF, SHARED

from app.editor import draft_from_body, query_items, seed_draft

HX = {"HX-Request": "true"}
SVG = "{http://www.w3.org/2000/svg}"


def page_query(body: dict | None = None) -> str:
    draft = draft_from_body(body) if body else seed_draft()
    return urlencode(query_items(draft), safe=",")


def test_the_page_draws_one_linked_box_per_layer_call(http):
    page = http.get("/?" + page_query(SHARED)).text
    picture = page[page.index('<svg xmlns="http://www.w3.org/2000/svg" class="model-picture"') :]
    links = re.findall(
        r'<a class="node[^"]*" href="#layer-(\d+)"', picture[: picture.index("</svg>")]
    )
    assert links == ["0", "1", "2", "3", "4", "5"]
    assert 'id="layer-1" tabindex="-1"' in page  # the card each box links to
    assert "shared 2/2" in picture


def test_the_picture_comes_first_in_the_results(http):
    page = http.get("/").text
    results = page[page.index('<div id="results"') :]
    assert results.index('id="model-picture"') < results.index('id="totals-title"')


def test_every_edit_answers_with_the_new_picture(http):
    form = dict(query_items(seed_draft()))
    form["layers.0.filters"] = "31"
    answer = http.post("/", data=form, headers=HX).text
    assert 'id="model-picture"' in answer
    assert "params 38.1K" in answer  # 4 × (3·3·3·31 + 3·3·31·31 + 31) = 38,068
    assert "(None, 15, 40, 40, 31), 38,068 params" in answer
    assert "(None, 15, 40, 40, 31)" in answer


def test_the_metric_switch_is_a_link_and_edits_keep_it(http):
    page = http.get("/").text
    switch = re.search(r'<a href="(/\?[^"]*picture=macs#model-picture)">MACs</a>', page)
    assert switch is not None
    macs = http.get(switch.group(1).replace("&amp;", "&")).text
    assert '<strong aria-current="true">MACs</strong>' in macs
    assert '<input type="hidden" name="picture" value="macs">' in macs
    form = {**dict(query_items(seed_draft())), "picture": "macs"}
    response = http.post("/", data=form, headers=HX)
    assert response.headers["HX-Push-Url"].endswith("&picture=macs")
    assert '<strong aria-current="true">MACs</strong>' in response.text


def test_the_svg_download_is_a_standalone_file_named_after_the_model(http):
    response = http.get("/picture.svg?" + page_query(HANDOFF) + "&picture=macs")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("image/svg+xml")
    disposition = response.headers["content-disposition"]
    assert disposition == 'attachment; filename="encoder_forecaster-macs.svg"'
    root = ET.fromstring(response.text)
    assert root.tag == SVG + "svg"
    edges = root.findall(f".//{SVG}path[@class='edge state']")
    assert len(edges) == 2  # the encoder's h and c start the forecaster
    assert all(e.get("stroke-dasharray") for e in edges)
    assert root.find(f"{SVG}title").text == "encoder_forecaster"


def test_the_svg_download_says_why_a_model_is_invalid(http):
    response = http.get("/picture.svg?input_shape=15,40,40,3&layers.0.type=ConvLSTM2D")
    assert response.status_code == 422
    assert "layers.0.filters" in response.text


def test_the_picture_is_in_chinese_on_the_chinese_page(http):
    page = http.get("/", headers={"Accept-Language": "zh-CN"}).text  # ?lang= would set a cookie
    assert "模型图" in page
    svg = http.get("/picture.svg?" + page_query() + "&lang=zh").text
    assert "参数" in svg


def test_the_picture_as_a_table_is_written_out_when_first_opened(http):
    page = http.get("/?" + page_query(SHARED)).text
    assert '<p class="lazy-part" data-load="/picture-table" hx-include="#editor">' in page
    assert '<th scope="col">Receives</th>' not in page
    form = {**dict(query_items(draft_from_body(SHARED))), "picture": "macs"}
    table = http.post("/picture-table", data=form, headers=HX).text
    opened = http.get("/?" + page_query(SHARED) + "&picture=macs&table=0").text
    assert table.strip() in opened  # the table the page draws open, row for row
    assert '<th scope="col">Receives</th>' in table
    assert "shared, call 2 of 2" in table


def test_the_picture_table_stays_out_of_every_edits_answer(http):
    form = dict(query_items(seed_draft()))
    form["layers.0.filters"] = "31"
    answer = http.post("/", data=form, headers=HX).text
    assert 'data-load="/picture-table"' in answer and '<th scope="col">Receives</th>' not in answer


def test_without_javascript_the_tables_button_brings_the_page_back_with_it_open(http):
    form = {**dict(query_items(seed_draft())), "table": "0"}
    location = http.post("/", data=form, follow_redirects=False).headers["location"]
    assert location.endswith("&table=0#picture-text")
    page = http.get(location.split("#")[0]).text
    assert '<details id="picture-text" class="picture-text" open>' in page
    assert '<th scope="col">Receives</th>' in page


def test_an_invalid_model_leaves_the_tables_button_in_place(http):
    form = {**dict(query_items(seed_draft())), "layers.0.filters": "x"}
    response = http.post("/picture-table", data=form, headers=HX)
    assert response.text == "" and response.headers["HX-Reswap"] == "none"
