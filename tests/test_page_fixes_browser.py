"""What a trial of the page found (issue 12, "Fix what the trial found"), each as a browser check:
readable per-layer formulas (1), a phone page that is not 18,000 px tall (2), Enter that
recomputes (5), focus after Remove and a focus ring that is not the error red (10)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

SEED_TOTAL = "745,680"
PHONE = {"width": 390, "height": 844}
FOCUS_RING = "rgb(15, 118, 110)"  # --focus, light theme
ERROR_RED = "rgb(179, 38, 30)"  # --error, light theme


@pytest.fixture
def page(open_page):
    return open_page()


def total(page):
    return page.locator("#total-params")


# 1. Formulas and other tools' counts get full-width panels, not a squeezed table cell.
def test_other_tools_counts_open_in_a_full_width_panel(page):
    section = page.locator(".layer-costs").bounding_box()
    page.locator("#cost-rules-0 > summary").click()
    tools = page.locator("#cost-rules-0 .other-tools")
    expect(tools).to_be_visible()
    assert tools.locator("li").count() >= 1
    formula = page.locator("#cost-rules-0 .mac-formula").bounding_box()
    assert formula["width"] > 0.6 * section["width"]
    scroller = page.locator(".layer-costs .table-scroll")
    assert scroller.evaluate("e => e.scrollWidth <= e.clientWidth")  # the numbers fit


def test_a_layers_row_links_to_its_panel_and_opens_it(page):
    page.locator("#layer-costs-2 th a").click()
    expect(page.locator("#cost-rules-2 .mac-formula")).to_be_visible()


def test_open_panels_stay_open_through_an_edit(page):
    page.locator("#cost-rules-1 > summary").click()
    page.locator("#f-layers-1-filters").fill("51")
    expect(page.locator("#cost-rules-1 .mac-formula")).to_contain_text("51")
    assert page.locator("#cost-rules-1").evaluate("d => d.open")


# 2. The seed page on a phone: under 6,000 px in both languages, no sideways scrolling.
@pytest.mark.parametrize("language", ["en", "zh-CN"])
def test_the_seed_page_on_a_phone_is_under_6000_px_and_never_scrolls_sideways(
    browser, live_server, language
):
    ctx = browser.new_context(viewport=PHONE, extra_http_headers={"Accept-Language": language})
    page = ctx.new_page()
    page.goto(live_server + "/")
    expect(total(page)).to_have_text(SEED_TOTAL)
    height = page.evaluate("document.documentElement.scrollHeight")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert height < 6000, height
    assert width <= PHONE["width"], width
    # Folded, not gone: the what-if and the gate diagrams open with a tap.
    page.locator("#whatif-fold > summary").click()
    expect(page.locator("#whatif-form")).to_be_visible()
    ctx.close()


def test_on_a_phone_the_picture_heads_the_results(browser, live_server):
    ctx = browser.new_context(viewport=PHONE, extra_http_headers={"Accept-Language": "en"})
    page = ctx.new_page()
    page.goto(live_server + "/")
    first = page.locator("#results > *").first
    assert first.get_attribute("id") == "model-picture"
    ctx.close()


# 5. Enter in a field recomputes; it never moves or removes a layer.
def test_enter_in_a_field_recomputes_and_leaves_the_layers_alone(page):
    field = page.locator("#f-layers-0-filters")
    # A value set without an input event: only Enter can send it.
    field.evaluate("e => { e.value = '31'; }")
    field.press("Enter")
    expect(total(page)).to_have_text("749,788")
    expect(page.locator(".layer-card")).to_have_count(4)
    assert page.locator("#f-layers-0-filters").input_value() == "31"
    assert page.locator("#f-layers-1-filters").input_value() == "50"
    assert page.evaluate("window.__sameDocument === true")


def test_enter_recomputes_without_javascript(browser, live_server):
    ctx = browser.new_context(java_script_enabled=False, locale="en-US")
    page = ctx.new_page()
    page.goto(live_server + "/")
    page.locator("#f-layers-2-filters").fill("61")
    with page.expect_navigation():
        page.locator("#f-layers-2-filters").press("Enter")
    assert page.locator(".layer-card").count() == 4
    assert page.locator("#f-layers-2-filters").input_value() == "61"
    assert page.locator("#f-layers-0-filters").input_value() == "30"
    assert total(page).inner_text() != SEED_TOTAL
    ctx.close()


# 10. Focus lands on a card after Remove, and the focus ring is not the error colour.
def test_after_remove_focus_moves_to_the_card_that_took_its_place(page):
    page.locator(".layer-card").nth(1).get_by_role("button", name="Remove").focus()
    page.keyboard.press("Enter")
    expect(page.locator(".layer-card")).to_have_count(3)
    expect(page.locator("#f-layers-1-filters")).to_be_focused()
    assert page.locator("#f-layers-1-filters").input_value() == "60"


def test_after_removing_the_last_layer_focus_moves_to_the_new_last(page):
    page.locator(".layer-card").nth(3).get_by_role("button", name="Remove").focus()
    page.keyboard.press("Enter")
    expect(page.locator(".layer-card")).to_have_count(3)
    expect(page.locator("#f-layers-2-filters")).to_be_focused()


def test_the_focus_ring_is_not_the_error_red(page):
    page.locator("#f-input_shape").focus()
    page.keyboard.press("Tab")  # keyboard focus, so :focus-visible applies
    colour = page.evaluate("getComputedStyle(document.activeElement).outlineColor")
    assert colour == FOCUS_RING
    assert colour != ERROR_RED
