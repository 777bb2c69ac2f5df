"""Compare two models in the browser: pin the model as A, edit B, see both side by side; the
pair is in the address bar, works without JavaScript, in Chinese and passes axe."""

from __future__ import annotations

from urllib.parse import urlencode

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from app import compare, editor


def serious(page) -> list[str]:
    violations = Axe().run(page).response["violations"]
    return [f"{v['id']}: {v['help']}" for v in violations if v["impact"] in ("serious", "critical")]


@pytest.fixture
def page(open_page):
    return open_page()


def test_pin_then_edit_b_shows_differences_and_keeps_the_pair_in_the_url(page):
    page.get_by_role("button", name="Pin as A and compare").click()
    totals = page.locator("#compare-totals tr[data-key=params]")
    expect(totals).to_contain_text("×1")
    assert "a.layers.0.filters=30" in page.url
    page.locator("#f-layers-0-filters").fill("40")
    expect(totals.locator(".diff")).to_have_text("+44,320")
    expect(totals.locator(".ratio")).to_have_text("×1.06")
    expect(page.locator("#compare-layer-table tbody tr").first).to_contain_text("+26,320")
    page.wait_for_function("location.search.includes('layers.0.filters=40')")
    assert "a.layers.0.filters=30" in page.url
    page.reload()  # the URL alone restores the pair
    expect(page.locator("#compare-totals tr[data-key=params] .diff")).to_have_text("+44,320")
    assert serious(page) == []
    page.get_by_role("button", name="Unpin A").click()
    expect(page.locator("#compare")).to_have_count(0)
    page.wait_for_function("!location.search.includes('a.layers')")


@pytest.mark.parametrize("language", ["en", "zh-CN"])
@pytest.mark.parametrize("width", [1440, 390])
def test_the_comparison_without_javascript_is_static_html_and_axe_clean(
    browser, live_server, language, width
):
    ctx = browser.new_context(
        java_script_enabled=False,
        viewport={"width": width, "height": 844},
        extra_http_headers={"Accept-Language": language},
    )
    page = ctx.new_page()
    page.goto(live_server + "/")
    page.locator("#pin button[value=pin]").click()  # a plain form post
    expect(page.locator("#compare-totals")).to_be_visible()
    page.locator("#f-layers-0-filters").fill("40")
    page.locator(".submit-row button").click()
    expect(page.locator("#compare-totals tr[data-key=params] .diff")).to_have_text("+44,320")
    assert page.locator("input[name='a.layers.0.filters']").get_attribute("value") == "30"
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    ctx.close()
    # axe needs JavaScript: the same server-rendered pair, checked with it on.
    ctx = browser.new_context(
        viewport={"width": width, "height": 844}, extra_http_headers={"Accept-Language": language}
    )
    page = ctx.new_page()
    b = dict(editor.query_items(editor.seed_draft()))
    b["layers.0.filters"] = "40"

    page.goto(
        live_server
        + "/?"
        + urlencode(list(b.items()))
        + "&"
        + urlencode(compare.pin_items(editor.seed_draft()))
    )
    expect(page.locator("#compare")).to_be_visible()
    assert serious(page) == []
    ctx.close()
