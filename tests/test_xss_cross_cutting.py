"""Hostile layer names travel through every route that shows them, and none is ever live markup.

Over real HTTP against the running server: HTML (the page, its htmx fragments, the import page)
and Markdown (rendered as HTML by most viewers) show the name escaped; every other output is
served with a non-HTML content type and `nosniff`, so no browser renders it as a page. Names
with '/' are refused by the schema: their error messages echo the name, and are checked too.
"""

from __future__ import annotations

import json
from urllib.parse import urlencode

import pytest
from markupsafe import escape

from app.schema import SEED_MODEL

PAYLOADS = [
    "<img src=x onerror=alert(1)>",
    '"><svg onload=alert(1)>',
    "'onmouseover='alert(1)",
    "<script>alert(1)</script>",  # has '/': the error paths echo it
]
TAGS = ("<img src=x", "<svg onload", "<script>alert")
# In HTML a quote can also break out of an attribute; Markdown text has no attributes to leave.
# (`"><svg onload` is caught by its tag.)
ATTRIBUTE_BREAKOUT = ("'onmouseover='",)
NOT_HTML_EXPORTS = ["text", "csv", "json", "keras-code", "pytorch-code"]


def _body(name: str) -> dict:
    return {**SEED_MODEL, "layers": [{**SEED_MODEL["layers"][0], "name": name}]}


def _fields(name: str) -> dict[str, str]:
    return {
        "input_shape": "15,40,40,3",
        "layers.0.type": "ConvLSTM2D",
        "layers.0.filters": "30",
        "layers.0.kernel_size": "3",
        "layers.0.padding": "same",
        "layers.0.name": name,
    }


def assert_inert(response, name: str) -> None:
    """HTML and Markdown show the name as text; anything else is not served as a page at all."""
    kind = response.headers["content-type"].split(";")[0]
    if kind in ("text/html", "text/markdown"):
        markers = TAGS + (ATTRIBUTE_BREAKOUT if kind == "text/html" else ())
        for marker in markers:
            assert marker not in response.text, f"{marker!r} reached the {kind} unescaped"
    else:
        assert response.headers["x-content-type-options"] == "nosniff"


@pytest.mark.parametrize("name", PAYLOADS)
def test_summary_answers_json_that_no_browser_sniffs_as_html(http, name):
    response = http.post("/summary", json=_body(name))
    assert response.status_code in (200, 422)
    assert response.headers["content-type"] == "application/json"
    assert response.headers["x-content-type-options"] == "nosniff"


@pytest.mark.parametrize("name", PAYLOADS)
def test_the_page_shows_a_hostile_name_escaped(http, name):
    response = http.get("/?" + urlencode(_fields(name)))
    assert response.headers["content-type"].startswith("text/html")
    assert_inert(response, name)
    assert str(escape(name)) in response.text  # as Jinja escapes it


@pytest.mark.parametrize("name", PAYLOADS)
def test_the_htmx_fragment_shows_a_hostile_name_escaped(http, name):
    response = http.post("/", data=_fields(name), headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert_inert(response, name)


@pytest.mark.parametrize("name", PAYLOADS)
def test_the_gate_diagrams_show_a_hostile_name_escaped(http, name):
    response = http.post("/", data=_fields(name), headers={"HX-Request": "true"})
    if "HX-Reswap" not in response.headers:  # a valid name: the diagrams come with the answer
        assert 'id="diagrams"' in response.text
    assert_inert(response, name)


@pytest.mark.parametrize("name", PAYLOADS)
def test_an_imported_keras_model_with_a_hostile_name_is_shown_escaped(http, name):
    keras_json = json.dumps(
        {
            "class_name": "Sequential",
            "config": {
                "layers": [
                    {"class_name": "InputLayer", "config": {"batch_shape": [None, 15, 40, 40, 3]}},
                    {
                        "class_name": "ConvLSTM2D",
                        "config": {
                            "name": name,
                            "filters": 30,
                            "kernel_size": [3, 3],
                            "padding": "same",
                        },
                    },
                ]
            },
        }
    )
    response = http.post("/import", data={"keras_json": keras_json}, follow_redirects=True)
    assert_inert(response, name)


@pytest.mark.parametrize("name", PAYLOADS)
def test_pasted_import_text_is_echoed_escaped_when_it_is_not_json(http, name):
    response = http.post("/import", data={"keras_json": name}, follow_redirects=True)
    assert response.status_code == 422
    assert_inert(response, name)


@pytest.mark.parametrize("name", PAYLOADS)
def test_the_markdown_export_escapes_a_hostile_name(http, name):
    assert_inert(http.post("/export/md", json=_body(name)), name)
    assert_inert(http.get("/download/md?" + urlencode(_fields(name))), name)


@pytest.mark.parametrize("name", PAYLOADS)
@pytest.mark.parametrize("export", NOT_HTML_EXPORTS)
def test_other_exports_are_never_served_as_html(http, export, name):
    for response in (
        http.post(f"/export/{export}", json=_body(name)),
        http.get(f"/download/{export}?" + urlencode(_fields(name))),
    ):
        assert not response.headers["content-type"].startswith("text/html")
        assert response.headers["x-content-type-options"] == "nosniff"


def test_in_chromium_a_hostile_name_typed_into_the_editor_stays_text(browser, live_server):
    """Loaded from a link, then typed again (htmx swap): no dialog, no injected element."""
    context = browser.new_context()
    page = context.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto(live_server + "/?" + urlencode(_fields(PAYLOADS[0])))
    field = page.locator('[name="layers.0.name"]')
    # The name sits under the first layer card's "More arguments".
    page.locator("details.more", has=field).locator("summary").click()
    field.fill(PAYLOADS[1])
    # The htmx update has landed when the page shows the new name somewhere outside the field.
    page.wait_for_function(
        "name => [...document.querySelectorAll('main *:not(input)')]"
        ".some(e => e.childElementCount === 0 && e.textContent.includes(name))",
        arg=PAYLOADS[1],
        timeout=10_000,
    )
    injected = page.evaluate(
        "document.querySelectorAll('img[src=\"x\"], svg[onload], [onerror], [onload]').length"
    )
    context.close()
    assert injected == 0
    assert dialogs == []
