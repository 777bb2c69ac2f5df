"""The explorer page as a user meets it: real headless Chromium against the live uvicorn server.

The server sends its real Content-Security-Policy (no inline scripts), so every test here also
shows that the page works under it.
"""

from __future__ import annotations

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from conftest import PLAYWRIGHT_DEFAULT
from playwright.sync_api import expect

from app.core.model import summarize
from app.editor import apply_action, request_body, seed_draft
from app.schema import SummaryRequest

SEED_TOTAL = "745,680"


def total_of(draft) -> str:
    """The total the core gives for a draft, formatted as the English page shows it."""
    return f"{summarize(SummaryRequest.model_validate(request_body(draft))).total_params:,}"


@pytest.fixture
def page(open_page):
    return open_page(viewport=PLAYWRIGHT_DEFAULT)


def same_document(page) -> bool:
    return page.evaluate("window.__sameDocument === true")


def total(page):
    return page.locator("#total-params")


def cards(page):
    return page.locator(".layer-card")


def test_page_opens_with_the_seed_models_total(page):
    assert total(page).inner_text() == SEED_TOTAL
    assert cards(page).count() == 4


def test_typing_31_filters_in_layer_1_gives_749788_without_a_reload(page):
    field = page.locator("#f-layers-0-filters")
    field.click()
    page.keyboard.press("End")
    page.keyboard.press("Backspace")
    page.keyboard.type("1")
    expect(total(page)).to_have_text("749,788")
    assert same_document(page)
    assert page.evaluate("document.activeElement.id") == "f-layers-0-filters"
    assert page.evaluate("document.activeElement.selectionStart") == 2
    assert field.input_value() == "31"


def test_the_per_layer_formula_updates_with_the_numbers(page):
    page.locator("#f-layers-0-filters").fill("31")
    formula = page.locator("#layer-row-0 .formula")
    expected = "4 × (3·3·3·31 + 3·3·31·31 + 31) = 4 × 9,517 = 38,068"
    expect(formula).to_have_text(expected)


def test_the_gate_diagram_shows_the_recurrent_kernel_sees_f_channels(page):
    gate = page.locator("#gates-0 svg.gate-input")
    assert "3×3×30×30" in gate.inner_html()
    assert "F = 30 channels (not C = 3)" in gate.inner_html()
    assert "stride 1, padding same" in gate.inner_html()


def test_adding_a_layer_appends_a_convlstm_card_and_updates_the_totals(page):
    page.select_option("#new-type", "ConvLSTM2D")
    page.get_by_role("button", name="Add layer").click()
    expected = apply_action(seed_draft(), "add", "ConvLSTM2D")
    expect(cards(page)).to_have_count(5)
    expect(total(page)).to_have_text(total_of(expected))
    assert same_document(page)
    assert "layers.4.type=ConvLSTM2D" in page.url
    assert page.evaluate("document.activeElement.id") == "f-layers-4-filters"


def test_removing_a_layer_drops_its_card_and_recomputes(page):
    cards(page).nth(1).get_by_role("button", name="Remove").click()
    expected = apply_action(seed_draft(), "remove:1")
    expect(cards(page)).to_have_count(3)
    expect(total(page)).to_have_text(total_of(expected))
    assert page.locator("#f-layers-1-filters").input_value() == "60"


def test_moving_a_layer_down_with_the_keyboard_reorders_and_keeps_focus_on_it(page):
    page.locator("#down-0").focus()
    page.keyboard.press("Enter")
    expected = apply_action(seed_draft(), "down:0")
    expect(page.locator("#f-layers-1-filters")).to_have_value("30")
    assert page.locator("#f-layers-0-filters").input_value() == "50"
    assert total(page).inner_text() == total_of(expected)
    assert page.evaluate("document.activeElement.id") == "down-1"


def test_duplicating_a_layer_inserts_a_copy_after_it(page):
    cards(page).nth(0).get_by_role("button", name="Duplicate").click()
    expect(cards(page)).to_have_count(5)
    assert page.locator("#f-layers-1-filters").input_value() == "30"
    expected = apply_action(seed_draft(), "duplicate:0")
    assert total(page).inner_text() == total_of(expected)


def test_an_invalid_kernel_shows_an_inline_error_and_keeps_the_last_totals(page):
    field = page.locator("#f-layers-0-kernel_size")
    field.fill("3,3,3")
    error = page.locator("#err-layers-0-kernel_size")
    error.wait_for(state="visible")
    assert "kernel_size" in error.inner_text()
    assert field.get_attribute("aria-invalid") == "true"
    assert "err-layers-0-kernel_size" in field.get_attribute("aria-describedby")
    assert field.input_value() == "3,3,3"
    assert total(page).inner_text() == SEED_TOTAL
    expect(page.locator("#gates-0")).to_have_count(1)  # the diagrams stay too
    assert "Out of date" in page.locator("#status").inner_text()
    field.fill("3,3")
    error.wait_for(state="hidden")
    assert field.get_attribute("aria-invalid") is None
    assert page.locator("#status").inner_text().strip() == ""


def test_a_kernel_too_large_for_the_input_is_blamed_on_kernel_size(page):
    page.select_option("#f-layers-0-padding", "valid")
    page.locator("#f-layers-0-kernel_size").fill("41,41")
    error = page.locator("#err-layers-0-kernel_size")
    error.wait_for(state="visible")
    assert "does not fit" in error.inner_text()
    assert total(page).inner_text() == SEED_TOTAL


def test_reloading_the_pushed_url_restores_the_model(page):
    page.locator("#f-layers-0-filters").fill("31")
    page.locator("#f-layers-2-kernel_size").fill("5,5")
    page.wait_for_url(re.compile(r"layers\.2\.kernel_size=5,5"))
    # Let the diagrams' follow-up request finish, so the reload aborts nothing (a folded
    # figure is drawn when opened).
    page.locator("#gates-2 > summary").click()
    expect(page.locator("#gates-2 svg.gate-input .shape").first).to_have_text("5×5×50×60")
    shown = total(page).inner_text()
    page.reload()
    assert not same_document(page)
    assert page.locator("#f-layers-0-filters").input_value() == "31"
    assert page.locator("#f-layers-2-kernel_size").input_value() == "5,5"
    assert total(page).inner_text() == shown


def test_the_form_works_without_javascript(browser, live_server):
    ctx = browser.new_context(java_script_enabled=False, locale="en-US")
    page = ctx.new_page()
    page.goto(live_server + "/")
    page.locator("#f-layers-0-filters").fill("31")
    with page.expect_navigation():
        page.get_by_role("button", name="Update costs").click()
    assert total(page).inner_text() == "749,788"
    page.locator("#f-layers-0-kernel_size").fill("0")
    with page.expect_navigation():
        page.get_by_role("button", name="Update costs").click()
    assert page.locator("#f-layers-0-kernel_size").input_value() == "0"
    assert page.locator("#f-layers-0-kernel_size").get_attribute("aria-invalid") == "true"
    assert total(page).inner_text() == "749,788"
    with page.expect_navigation():
        page.locator(".layer-card").nth(3).get_by_role("button", name="Remove").click()
    assert page.locator(".layer-card").count() == 3
    ctx.close()


def test_chinese_is_chosen_from_accept_language_and_can_be_switched(browser, live_server):
    ctx = browser.new_context(locale="zh-CN", extra_http_headers={"Accept-Language": "zh-CN,zh"})
    page = ctx.new_page()
    page.goto(live_server + "/")
    assert page.get_attribute("html", "lang") == "zh-Hans"
    assert "参数" in page.locator(".totals").inner_text()
    assert total(page).inner_text() == SEED_TOTAL
    page.get_by_role("link", name="English").click()
    page.wait_for_load_state()
    assert page.get_attribute("html", "lang") == "en"
    page.goto(live_server + "/")  # the choice is remembered in a cookie
    assert page.get_attribute("html", "lang") == "en"
    ctx.close()


@pytest.mark.parametrize("language", ["en", "zh-CN"])
def test_no_serious_or_critical_axe_violations(browser, live_server, language):
    ctx = browser.new_context(extra_http_headers={"Accept-Language": language})
    page = ctx.new_page()
    page.goto(live_server + "/")
    page.locator("#f-layers-0-kernel_size").fill("3,3,3")  # include the error state
    page.locator("#err-layers-0-kernel_size").wait_for(state="visible")
    violations = Axe().run(page).response["violations"]
    bad = [
        (v["id"], v["impact"], len(v["nodes"]))
        for v in violations
        if v["impact"] in ("serious", "critical")
    ]
    assert bad == []
    ctx.close()


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_no_axe_contrast_violations_in_either_colour_scheme(browser, live_server, scheme):
    ctx = browser.new_context(color_scheme=scheme, extra_http_headers={"Accept-Language": "en"})
    page = ctx.new_page()
    page.goto(live_server + "/")
    result = Axe().run(page, options={"runOnly": ["color-contrast"]})
    assert [v["id"] for v in result.response["violations"]] == []
    ctx.close()


def test_the_gate_diagrams_follow_an_edit(page):
    page.locator("#gates-1 > summary").click()  # opened, it stays open and drawn through edits
    expect(page.locator("#gates-1 svg.gate-input .shape").first).to_have_text("3×3×30×50")
    page.locator("#f-layers-0-filters").fill("31")
    expect(page.locator("#gates-0 svg.gate-forget .shape").nth(1)).to_have_text("3×3×31×31")
    expect(page.locator("#gates-1 svg.gate-input .shape").first).to_have_text("3×3×31×50")


def test_the_back_button_returns_to_the_model_before_a_structural_edit(page):
    cards(page).nth(3).get_by_role("button", name="Remove").click()
    expect(cards(page)).to_have_count(3)
    page.go_back()
    expect(cards(page)).to_have_count(4)
    expect(total(page)).to_have_text(SEED_TOTAL)


def test_on_a_phone_the_total_stays_in_sight_and_the_page_stays_accessible(browser, live_server):
    ctx = browser.new_context(
        viewport={"width": 390, "height": 800},
        color_scheme="dark",
        extra_http_headers={"Accept-Language": "en"},
    )
    page = ctx.new_page()
    page.goto(live_server + "/")
    bar = page.locator(".total-bar")
    expect(bar).to_be_visible()
    expect(bar).to_contain_text("745,680")
    for pane in (".editor-pane", "#results", "#diagrams"):  # nothing of ours scrolls sideways
        box = page.locator(pane).bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 390
    page.locator("#f-layers-0-filters").fill("31")
    expect(bar).to_contain_text("749,788")
    violations = Axe().run(page).response["violations"]
    assert [v["id"] for v in violations if v["impact"] in ("serious", "critical")] == []
    ctx.close()
