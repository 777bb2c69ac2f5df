"""The rest of the page's trial (issue 12), each as a browser check: the peephole convention is
drawn and flagged as not Keras (7), Back undoes an edit and the no-JavaScript form lands on the
model's URL (10), results stay in view while editing a long model (9), and a 20-layer page stays
small (speed)."""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

SEED_TOTAL = "745,680"
PEEPHOLE = (
    "/?input_shape=15,40,40,3&layers.0.type=ConvLSTM2D&layers.0.filters=30"
    "&layers.0.kernel_size=3,3&layers.0.padding=same&layers.0.return_sequences=true"
    "&convention=peephole"
)


@pytest.fixture
def context(browser):
    ctx = browser.new_context(
        locale="en-US",
        viewport={"width": 1440, "height": 900},
        extra_http_headers={"Accept-Language": "en"},
    )
    yield ctx
    ctx.close()


@pytest.fixture
def page(context, live_server):
    page = context.new_page()
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.goto(live_server + "/")
    yield page
    assert problems == [], f"console errors (CSP violations included): {problems}"


def number(text: str | None) -> int:
    """The count an SVG label ends with: "= 8,100" → 8100, "+ b = 30" → 30."""
    return int((text or "").rsplit("=", 1)[-1].strip().replace(",", ""))


def serious_axe_violations(page) -> list[str]:
    violations = Axe().run(page).response["violations"]
    return [v["id"] for v in violations if v["impact"] in ("serious", "critical")]


# 7. The peephole convention: its weights are drawn, and the page says it is not Keras.
def test_peephole_gates_draw_their_weights_and_the_boxes_add_up_to_the_title(page, live_server):
    page.goto(live_server + PEEPHOLE)
    gates = page.locator("#gates-0 svg.gate")
    for name, has_peephole in [
        ("input", True),
        ("forget", True),
        ("cell", False),
        ("output", True),
    ]:
        gate = page.locator(f"#gates-0 svg.gate-{name}")
        counts = [number(t) for t in gate.locator(".count").all_text_contents()]
        bias = number(gate.locator("text.op").nth(2).text_content())
        title = number(gate.locator(".total").text_content().split()[0])
        assert sum(counts) + bias == title, name
        assert (gate.locator(".conv.peephole").count() == 1) == has_peephole, name
    assert "8,970" in gates.first.get_attribute("aria-label")
    assert "peephole weights 30" in gates.first.get_attribute("aria-label")
    expect(page.locator("#gates-0 svg.gate-output .conv.peephole + text")).to_contain_text("C")
    expect(page.locator(".gates .legend")).to_contain_text("peephole weights")


@pytest.mark.parametrize(
    ("language", "warning", "keras_note"),
    [
        ("en", "Not what Keras builds.", "Sizes as Keras's model.summary() prints them"),
        ("zh-CN", "这不是 Keras 构建的模型。", "大小与 Keras 的 model.summary() 一致"),
    ],
)
def test_a_convention_other_than_keras_is_flagged_at_the_totals_in_both_languages(
    browser, live_server, language, warning, keras_note
):
    ctx = browser.new_context(extra_http_headers={"Accept-Language": language})
    page = ctx.new_page()
    page.goto(live_server + PEEPHOLE)
    banner = page.locator("#convention-warning")
    expect(banner).to_contain_text(warning)
    expect(banner).to_be_in_viewport()
    expect(page.locator("section.totals")).not_to_contain_text(keras_note)
    assert serious_axe_violations(page) == []
    # Back to what Keras builds: the warning goes, the Keras wording returns.
    page.locator("#f-convention").select_option("keras")
    expect(banner).to_have_count(0)
    expect(page.locator("section.totals")).to_contain_text(keras_note)
    page.locator("#f-convention").select_option("pytorch")
    expect(banner).to_contain_text(warning)
    expect(banner).to_contain_text("b_ih")
    ctx.close()


# 10. Back undoes the last edit; without JavaScript the address bar holds the model.
def test_back_undoes_the_last_edit_and_a_burst_of_typing_is_one_step(page):
    total = page.locator("#total-params")
    first, second = page.locator("#f-layers-0-filters"), page.locator("#f-layers-1-filters")
    first.fill("3")
    expect(total).not_to_have_text(SEED_TOTAL)
    first.fill("31")  # the same field, a moment later: the same step
    expect(total).to_have_text("749,788")
    second.fill("51")
    page.wait_for_function("location.search.includes('layers.1.filters=51')")
    after_both = total.inner_text()
    assert after_both not in (SEED_TOTAL, "749,788")

    page.go_back()
    expect(page.locator("#f-layers-1-filters")).to_have_value("50")
    expect(page.locator("#f-layers-0-filters")).to_have_value("31")
    expect(total).to_have_text("749,788")
    page.go_back()
    expect(page.locator("#f-layers-0-filters")).to_have_value("30")
    expect(total).to_have_text(SEED_TOTAL)
    page.go_forward()
    expect(total).to_have_text("749,788")


def test_a_step_between_anchors_is_a_scroll_not_a_reload(page):
    page.evaluate("window.__sameDocument = true")
    page.locator("#f-layers-0-filters").fill("31")
    expect(page.locator("#total-params")).to_have_text("749,788")
    page.evaluate("location.hash = 'gates-0'")
    page.go_back()
    page.wait_for_timeout(300)
    assert page.evaluate("window.__sameDocument === true")
    expect(page.locator("#total-params")).to_have_text("749,788")


def test_without_javascript_update_costs_lands_on_the_models_url(browser, live_server):
    ctx = browser.new_context(java_script_enabled=False, locale="en-US")
    page = ctx.new_page()
    page.goto(live_server + "/")
    page.locator("#f-layers-2-filters").fill("61")
    with page.expect_navigation():
        page.locator(".submit-row button").click()
    assert "layers.2.filters=61" in page.url
    assert page.locator("#f-layers-2-filters").input_value() == "61"
    changed = page.locator("#total-params").inner_text()
    assert changed != SEED_TOTAL
    # Removing a card lands on the model's URL too, at the card that took its place.
    with page.expect_navigation():
        page.locator("#layer-1").get_by_role("button", name="Remove").click()
    assert "layers.3." not in page.url and page.url.endswith("#layer-1")
    assert page.locator(".layer-card").count() == 3
    # A reload shows the same model (nothing is posted again); Back shows the one before.
    page.reload()
    assert page.locator(".layer-card").count() == 3
    page.go_back()
    assert page.locator(".layer-card").count() == 4
    assert page.locator("#total-params").inner_text() == changed
    ctx.close()
