"""The model picture as a user meets it: in the first screen, a box per layer call that takes
them to its card (mouse or keyboard, with or without JavaScript), following every edit, zoom,
SVG and PNG downloads, and no serious accessibility problem (axe) on a graph model."""

from __future__ import annotations

import re
from urllib.parse import urlencode

import pytest
from axe_playwright_python.sync_playwright import Axe
from picture_cases import HANDOFF, SHARED
from playwright.sync_api import expect

from app.editor import draft_from_body, query_items

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def url_of(body: dict) -> str:
    return "/?" + urlencode(query_items(draft_from_body(body)), safe=",")


@pytest.fixture
def page(open_page):
    return open_page(accept_downloads=True)


def boxes(page):
    return page.locator("#picture-scroll svg.model-picture a.node")


def active_id(page) -> str:
    return page.evaluate("document.activeElement && document.activeElement.id")


def test_the_picture_is_in_the_first_screen_on_a_desktop(page):
    first = boxes(page).first.bounding_box()
    assert first is not None and first["y"] + first["height"] < 900
    assert boxes(page).count() == 4


def test_clicking_a_box_focuses_its_layers_card(page):
    boxes(page).nth(2).click()
    expect(page.locator("#layer-2")).to_be_focused()
    assert page.url.endswith("#layer-2")


def test_enter_on_a_focused_box_focuses_its_layers_card(page):
    boxes(page).nth(1).focus()
    page.keyboard.press("Enter")
    expect(page.locator("#layer-1")).to_be_focused()


def test_a_box_leads_to_its_card_without_javascript(browser, live_server):
    ctx = browser.new_context(java_script_enabled=False, locale="en-US")
    page = ctx.new_page()
    page.goto(live_server + "/")
    page.locator("svg.model-picture a.node").nth(3).click()
    assert page.url.endswith("#layer-3")
    card = page.locator("#layer-3").bounding_box()
    assert card is not None and 0 <= card["y"] < 200  # scrolled to it
    ctx.close()


def test_the_picture_follows_every_edit(page):
    page.locator("#f-layers-0-filters").fill("31")
    first = boxes(page).first
    expect(first.locator(".shape")).to_have_text("(None, 15, 40, 40, 31)")
    expect(first).to_have_attribute("aria-label", re.compile("38,068 params"))


def test_the_switch_shows_mac_bars_and_edits_keep_it(page):
    page.locator("#metric-switch").get_by_role("link", name="MACs").click()
    expect(page.locator("#metric-switch strong")).to_have_text("MACs")
    assert "picture=macs" in page.url
    page.locator("#f-layers-3-filters").fill("71")
    expect(boxes(page).nth(3).locator(".shape")).to_have_text("(None, 40, 40, 71)")
    expect(page.locator("#metric-switch strong")).to_have_text("MACs")
    assert "picture=macs" in page.url


def test_zoom_changes_the_pictures_size(page):
    svg = page.locator("#picture-scroll svg")
    width = float(svg.get_attribute("width"))
    page.get_by_role("button", name="Zoom in").click()
    assert float(svg.get_attribute("width")) == pytest.approx(width * 1.25, abs=1)
    page.get_by_role("button", name="Zoom out").click()
    assert float(svg.get_attribute("width")) == pytest.approx(width, abs=1)


def test_the_picture_downloads_as_svg_and_png_named_after_the_model(page, live_server):
    page.goto(live_server + url_of(HANDOFF))
    with page.expect_download() as svg:
        page.get_by_role("link", name="SVG").click()
    assert svg.value.suggested_filename == "encoder_forecaster-params.svg"
    with page.expect_download() as png:
        page.get_by_role("button", name="PNG").click()
    assert png.value.suggested_filename == "encoder_forecaster-picture.png"
    with open(png.value.path(), "rb") as file:
        assert file.read(8) == PNG_MAGIC


def test_state_handoffs_are_dashed_and_shared_layers_marked(page, live_server):
    page.goto(live_server + url_of(HANDOFF))
    assert page.locator("svg.model-picture path.edge.state").count() == 2
    page.goto(live_server + url_of(SHARED))
    assert page.locator("svg.model-picture a.node.shared").count() == 2


@pytest.mark.parametrize(
    ("language", "width"), [("en", 1440), ("zh-CN", 1440), ("en", 390), ("zh-CN", 390)]
)
def test_a_graph_models_picture_has_no_serious_axe_violations(
    browser, live_server, language, width
):
    ctx = browser.new_context(
        viewport={"width": width, "height": 844}, extra_http_headers={"Accept-Language": language}
    )
    page = ctx.new_page()
    page.goto(live_server + url_of(SHARED))
    page.locator(".picture-text summary").click()  # the text alternative, open
    violations = Axe().run(page).response["violations"]
    bad = [
        (v["id"], v["impact"], len(v["nodes"]))
        for v in violations
        if v["impact"] in ("serious", "critical")
    ]
    assert bad == []
    ctx.close()
