"""More of what the trial of the page found (issue 12): a Functional model with an unknown
time axis imports from the page, and a refused import shows its error where the user is (3);
a shared link to an invalid model keeps its error with JavaScript, and its What-if area says
why there is no chart without it (4)."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

FUNCTIONAL = (Path(__file__).parent / "fixtures" / "functional_unknown_time.json").read_text()
INVALID_LINK = "/?input_shape=15,40,40,3&layers.0.type=ConvLSTM2D&layers.0.filters=0"


@pytest.fixture
def page(open_page):
    return open_page()


def paste(page, text: str) -> None:
    page.locator("#import-keras summary").click()
    page.locator("#keras-json").fill(text)
    page.get_by_role("button", name="Load into the editor").click()
    page.wait_for_load_state()


# 3. Import from the page.
def test_a_functional_model_with_an_unknown_time_axis_imports_from_the_page(page, http):
    paste(page, FUNCTIONAL)
    expected = http.post(
        "/summary",
        content=http.post(
            "/import/keras", content=FUNCTIONAL, headers={"content-type": "application/json"}
        ).content,
        headers={"content-type": "application/json"},
    ).json()["total_params"]
    expect(page.locator("#total-params")).to_have_text(f"{expected:,}")
    assert page.locator("#f-inputs-0-shape").input_value() == "?,40,40,3"


def test_a_refused_import_shows_its_error_in_view_with_the_pasted_text_kept(page):
    text = FUNCTIONAL.replace('"ConvLSTM2D"', '"NoSuchLayer"', 1)
    paste(page, text)
    error = page.locator("#import-error")
    expect(error).to_contain_text("NoSuchLayer")
    expect(error).to_be_in_viewport()
    assert page.url.endswith("#import-keras")  # Tab from here goes to the pasted text
    assert page.locator("#keras-json").input_value() == text


# 4. A shared link to an invalid model.
def test_a_link_to_an_invalid_model_keeps_its_error_and_aria_invalid_with_javascript(
    page, live_server
):
    page.goto(live_server + INVALID_LINK)
    field = page.locator("#f-layers-0-filters")
    expect(field).to_have_attribute("aria-invalid", "true")
    page.wait_for_load_state("networkidle")  # whatever htmx does after loading has happened
    expect(field).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#err-layers-0-filters")).not_to_be_empty()
    expect(page.locator("#status")).to_contain_text("highlighted field")
    # An edit that is still invalid keeps the message; a valid one clears it and plots.
    page.locator("#f-layers-0-kernel_size").fill("3,3")
    page.wait_for_load_state("networkidle")
    expect(field).to_have_attribute("aria-invalid", "true")
    field.fill("8")
    expect(field).not_to_have_attribute("aria-invalid", "true")
    expect(page.locator("#whatif-params")).to_be_visible()


def test_without_javascript_an_invalid_links_what_if_says_why_there_is_no_chart(
    browser, live_server
):
    ctx = browser.new_context(
        java_script_enabled=False, extra_http_headers={"Accept-Language": "en"}
    )
    page = ctx.new_page()
    page.goto(live_server + INVALID_LINK)
    chart = page.locator("#whatif-chart")
    expect(chart).to_contain_text("Fix the model first")
    assert "Loading" not in chart.inner_text()
    expect(page.locator("#f-layers-0-filters")).to_have_attribute("aria-invalid", "true")
    ctx.close()


# 11. Latency says what it is, and takes an efficiency and a per-step overhead.
def test_latency_says_lower_bound_until_an_efficiency_makes_it_an_estimate(page):
    latency = page.locator("#latency")
    expect(page.locator("#latency-title")).to_have_text("Latency (roofline lower bound)")
    expect(latency).to_contain_text("at least 1.84 ms")
    page.locator("#f-efficiency").fill("0.5")
    expect(latency).to_contain_text("estimate: 3.68 ms")
    expect(page.locator("#latency-title")).to_have_text("Latency (roofline estimate)")
    page.locator("#f-step_overhead_us").fill("10")
    expect(latency).to_contain_text("estimate: 4.28 ms")  # + 60 layer steps × 10 µs
    page.wait_for_function("location.search.includes('step_overhead_us=10')")
    page.locator("#f-efficiency").fill("2")
    expect(page.locator("#err-efficiency")).not_to_be_empty()
    expect(page.locator("#f-efficiency")).to_have_attribute("aria-invalid", "true")


# 8. The what-if chart: a numeric x axis, y ticks with units, the budget marked, ranges.
def test_the_whatif_chart_takes_a_range_and_marks_the_budget(page):
    page.locator("#sweep-values").fill("16:128:16")
    page.locator("#sweep-budget").fill("300")
    page.locator("#whatif-form button[type=submit]").click()
    rows = page.locator(".whatif-data tbody th")
    expect(rows).to_have_count(8)
    expect(rows.first).to_have_text("16")
    fit = page.locator("#whatif-fit")
    expect(fit).to_contain_text("Largest filters within 300.00 MB")
    # The answer sits right under the form, above the chart.
    form_bottom = page.locator("#whatif-form").bounding_box()
    fit_box = fit.bounding_box()
    assert fit_box["y"] - (form_bottom["y"] + form_bottom["height"]) < 120
    expect(page.locator("#whatif-memory .budget line").first).to_be_attached()
    expect(page.locator("#whatif-memory .budget text")).to_have_text("budget 300 MB")
    labels = page.locator("#whatif-memory text.ytick").all_text_contents()
    assert labels[0] == "0 MB" and all(
        label.endswith("MB") or label.endswith("GB") for label in labels
    )
    xs = [float(c.get_attribute("cx")) for c in page.locator("#whatif-params circle").all()]
    gaps = [b - a for a, b in itertools.pairwise(xs)]
    assert max(gaps) - min(gaps) < 0.1  # evenly stepped values sit evenly: a numeric axis
    expect(page.locator("#whatif-chart .scale")).to_have_text("x axis: filters, linear scale")
    violations = Axe().run(page).response["violations"]
    assert [v["id"] for v in violations if v["impact"] in ("serious", "critical")] == []
