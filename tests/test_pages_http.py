"""The page's HTML routes over real HTTP: full pages, htmx fragments, languages, static assets."""

import re
from urllib.parse import urlencode

from app.editor import query_items, seed_draft
from app.lazy_cards import FULL_CARDS

HX = {"HX-Request": "true"}


def seed_form(**changes: str) -> dict[str, str]:
    form = dict(query_items(seed_draft()))
    form.update(changes)
    return form


def test_the_page_opens_with_the_seed_total(http):
    response = http.get("/", headers={"Accept-Language": "en"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert '<span id="total-params" class="figure">745,680</span>' in response.text
    assert "(2.84 MB)" in response.text
    assert "4 × (3·3·3·30 + 3·3·30·30 + 30) = 4 × 8,940 = 35,760" in response.text


def test_the_page_loads_htmx_and_our_script_from_our_origin_only(http):
    page = http.get("/").text
    # Under its fingerprinted name (app/static_files.py); the plain name works too.
    htmx = r'<script src="/static/vendor/htmx\.min\.[0-9a-f]{12}\.js" defer></script>'
    assert re.search(htmx, page)
    assert "<script>" not in page and " onclick=" not in page and 'style="' not in page
    assert http.get("/static/vendor/htmx.min.js").status_code == 200
    assert http.get("/static/explorer.js").status_code == 200


def test_the_query_string_describes_the_model(http):
    query = urlencode(seed_form(**{"layers.0.filters": "31"}), safe=",")
    assert '<span id="total-params" class="figure">749,788</span>' in http.get("/?" + query).text


def test_a_post_without_htmx_sees_the_models_url_and_its_whole_page(http):
    response = http.post("/", data=seed_form(**{"layers.0.filters": "31"}))
    assert response.status_code == 303  # Post/Redirect/Get: the address bar holds the model
    assert response.headers["location"].startswith("/?input_shape=15,40,40,3&")
    assert "layers.0.filters=31" in response.headers["location"]
    page = http.get(response.headers["location"]).text
    assert page.lstrip().startswith("<!doctype html>")
    assert "749,788" in page


def test_a_post_without_htmx_keeps_the_language_and_lands_on_the_card_to_focus(http):
    form = {**seed_form(), "lang": "zh", "action": "remove:1"}
    location = http.post("/", data=form, headers={"Accept-Language": "en"}).headers["location"]
    assert location.endswith("&lang=zh#layer-1")
    assert "layers.3." not in location
    same = http.post("/", data=form, headers={"Accept-Language": "zh-CN"}).headers["location"]
    assert "lang=" not in same  # the browser would choose Chinese anyway


def test_a_post_without_htmx_whose_url_would_outgrow_a_proxy_gets_the_page_itself(http):
    form = {"input_shape": "8"}
    for n in range(600):  # a valid model whose URL is past MAX_URL_HEADER_BYTES
        form |= {f"layers.{n}.type": "Dense", f"layers.{n}.units": "4"}
        form[f"layers.{n}.name"] = f"dense_{n:04d}_".ljust(100, "x")
    response = http.post("/", data=form)
    assert response.status_code == 200 and "location" not in response.headers
    assert "dense_0599_" in response.text


def test_an_htmx_edit_returns_results_and_pushes_the_url(http):
    response = http.post("/", data=seed_form(**{"layers.0.filters": "31"}), headers=HX)
    assert "<!doctype" not in response.text
    assert 'id="results"' in response.text
    assert 'id="editor-fields"' not in response.text  # the field being typed in stays put
    # Every edit is a step Back undoes (the page folds a burst of typing into one).
    assert response.headers["HX-Push-Url"].startswith("/?input_shape=15,40,40,3&")
    assert "layers.0.filters=31" in response.headers["HX-Push-Url"]


def test_an_htmx_action_re_renders_the_layer_cards_and_pushes_the_url(http):
    response = http.post("/", data={**seed_form(), "action": "remove:0"}, headers=HX)
    assert 'id="editor-fields" hx-swap-oob="true"' in response.text
    assert "layers.3.type" not in response.headers["HX-Push-Url"]


def test_an_htmx_edit_with_an_error_keeps_the_results_and_names_the_field(http):
    response = http.post("/", data=seed_form(**{"layers.1.kernel_size": "3,3,3"}), headers=HX)
    assert response.status_code == 200
    assert response.headers["HX-Reswap"] == "none"
    assert 'id="results"' not in response.text
    assert '<p data-slot="err-layers-1-kernel_size">`kernel_size` must' in response.text
    assert 'class="status stale"' in response.text


def test_an_htmx_edit_with_an_error_pushes_a_url_that_brings_back_the_last_results(http):
    form = {**seed_form(**{"layers.0.filters": "0"}), "valid": urlencode(seed_form(), safe=",")}
    url = http.post("/", data=form, headers=HX).headers["HX-Push-Url"]
    assert "layers.0.filters=0" in url and "&valid=" in url
    page = http.get(url).text
    assert "745,680" in page and 'class="status stale"' in page


def test_a_no_js_post_with_an_error_shows_the_last_valid_results_as_out_of_date(http):
    valid = urlencode(seed_form(), safe=",")
    form = {**seed_form(**{"layers.0.filters": "0"}), "valid": valid}
    response = http.post("/", data=form)
    assert response.status_code == 303  # the address bar holds the typed model, not a bare /
    url = response.headers["location"]
    assert "layers.0.filters=0" in url and url.endswith("#f-layers-0-filters")
    page = http.get(url).text
    assert 'value="0" id="f-layers-0-filters"' in page
    assert 'aria-invalid="true"' in page
    assert "745,680" in page and 'class="status stale"' in page


def test_broken_fields_never_give_a_server_error(http):
    for form in (
        {"layers.0.type": "ConvLSTM2D"},
        {"layers.x.filters": "1"},
        {**seed_form(), "input_shape": "a,b"},
        {**seed_form(), "action": "up:99"},
        {**seed_form(), "action": "add", "new_type": "Nope"},
        {**seed_form(), "dtype": "float99", "batch_size": "-1"},
    ):
        assert http.post("/", data=form, headers=HX).status_code == 200
        assert http.post("/", data=form, follow_redirects=True).status_code == 200


def test_chinese_comes_from_accept_language(http):
    page = http.get("/", headers={"Accept-Language": "zh-CN,zh;q=0.9,en;q=0.8"}).text
    assert '<html lang="zh-Hans">' in page
    assert "总参数量" in page


def test_the_lang_parameter_switches_and_is_remembered_in_a_cookie(http):
    response = http.get("/?lang=zh", headers={"Accept-Language": "en"})
    assert '<html lang="zh-Hans">' in response.text
    assert response.cookies.get("lang") == "zh"
    http.cookies.clear()


def test_english_is_the_fallback_language(http):
    page = http.get("/", headers={"Accept-Language": "fr-FR, de;q=0.5"}).text
    assert '<html lang="en">' in page


def test_the_first_load_is_compressed(http):
    response = http.get("/", headers={"Accept-Encoding": "gzip"})
    assert response.headers["content-encoding"] == "gzip"


def test_a_valid_htmx_edit_brings_its_diagrams_and_asks_for_the_what_if_chart_after(http):
    response = http.post("/", data=seed_form(**{"layers.0.filters": "31"}), headers=HX)
    assert '<div id="diagrams" class="results diagrams" hx-swap-oob="true">' in response.text
    assert "3×3×31×31" in response.text
    assert response.headers["HX-Trigger-After-Settle"] == "refresh-whatif"


def test_an_invalid_htmx_edit_keeps_the_diagrams_on_screen(http):
    response = http.post("/", data=seed_form(**{"layers.0.filters": "x"}), headers=HX)
    assert response.headers["HX-Reswap"] == "none"
    assert 'id="diagrams"' not in response.text
    assert "HX-Trigger-After-Settle" not in response.headers


# Folded parts of the page are drawn when opened: by htmx (a route each) or by a view flag.
def test_the_page_draws_the_first_gate_figure_and_leaves_the_rest_to_be_asked_for(http):
    page = http.get("/").text
    assert page.count('class="gate-figure"') == 1
    assert 'data-load="/gate-figure?index=2"' in page
    assert 'data-load="/cost-rule?index=1"' in page and "mac-formula" not in page


def test_a_folded_gate_figure_and_a_cost_derivation_are_drawn_on_request(http):
    figure = http.post("/gate-figure?index=2", data=seed_form()).text
    assert 'id="gates-2-caption"' in figure and figure.count("<svg") == 5
    rule = http.post("/cost-rule?index=1", data=seed_form()).text
    assert "MACs: per step" in rule and "Other tools would say" in rule
    for route in ("/gate-figure?index=99", "/cost-rule?index=99"):
        missing = http.post(route, data=seed_form())
        assert missing.status_code == 200 and missing.headers["HX-Reswap"] == "none"
    invalid = http.post("/gate-figure?index=0", data=seed_form(**{"layers.0.filters": "0"}))
    assert invalid.headers["HX-Reswap"] == "none"


def test_view_flags_draw_folded_parts_open(http):
    query = urlencode(seed_form(), safe=",") + "&gates=2&rules=1&more=3"
    page = http.get("/?" + query).text
    assert 'id="gates-2" open' in page and 'id="gates-2-caption"' in page
    assert 'id="cost-rules-1" class="cost-rule" open' in page and "mac-formula" in page
    assert '<details class="more" open>' in page and 'id="f-layers-3-name"' in page
    assert 'id="f-layers-2-name"' not in page  # the other cards' "More arguments" stay folded


def test_a_folded_cards_more_arguments_keep_their_values_hidden(http):
    query = urlencode(seed_form(**{"layers.1.kernel_initializer": "he_normal"}), safe=",")
    page = http.get("/?" + query).text
    assert '<input type="hidden" name="layers.1.kernel_initializer" value="he_normal">' in page
    more = http.get(
        "/layer-controls",
        params={
            "index": 1,
            "part": "more",
            "layers.1.type": "ConvLSTM2D",
            "layers.1.kernel_initializer": "he_normal",
        },
    ).text
    assert 'value="he_normal" id="f-layers-1-kernel_initializer"' in more
    assert 'id="f-layers-1-filters"' not in more  # only the folded part


def test_without_javascript_a_draw_button_comes_back_to_its_part(http):
    for flag, anchor in (("gates", "#gates-2"), ("rules", "#cost-rules-2"), ("more", "#layer-2")):
        location = http.post("/", data={**seed_form(), flag: "2"}).headers["location"]
        assert location.endswith(f"&{flag}=2{anchor}")
    location = http.post("/", data={**seed_form(), "gallery": "0"}).headers["location"]
    assert location.endswith("&gallery=0#gallery")


def test_the_gallery_comes_when_opened_or_asked_for(http):
    assert 'id="preset-seed"' not in http.get("/").text
    assert (
        'data-load="/gallery-list?lang=en"' in http.get("/", headers={"Accept-Language": "en"}).text
    )
    entries = http.get("/gallery-list?lang=zh").text
    assert 'id="preset-seed"' in entries and "完全一致" in entries
    page = http.get("/?gallery=0").text
    assert '<details id="gallery" class="gallery" open>' in page and 'id="preset-seed"' in page


def test_without_javascript_a_card_added_past_the_full_cards_comes_whole(http):
    form = {"input_shape": "8"}
    for n in range(FULL_CARDS):
        form |= {f"layers.{n}.type": "Dense", f"layers.{n}.units": "4"}
    location = http.post("/", data={**form, "action": "add", "new_type": "Dense"}).headers[
        "location"
    ]
    assert location.endswith(f"&card={FULL_CARDS}#layer-{FULL_CARDS}")
    page = http.get(location.split("#")[0]).text
    assert f'id="f-layers-{FULL_CARDS}-units"' in page and " autofocus" in page
