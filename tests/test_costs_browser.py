"""The cost panels in real Chromium: the convention switch and the what-if chart."""

from __future__ import annotations

import re

import pytest
from conftest import PLAYWRIGHT_DEFAULT
from playwright.sync_api import expect


@pytest.fixture
def page(open_page):
    """The explorer on the seed model; console errors fail the test."""
    return open_page(viewport=PLAYWRIGHT_DEFAULT)


def test_switching_to_the_pytorch_convention_adds_the_recurrent_biases(page):
    page.select_option("#f-convention", "pytorch")
    expect(page.locator("#total-params")).to_have_text("746,520")
    expect(page.locator("#costs-summary .convention")).to_have_text("convention: pytorch")
    expect(page.locator("#layer-row-0 .formula")).to_contain_text("+ 30 + 30")


def test_switching_to_peepholes_and_back_restores_keras_numbers(page):
    page.select_option("#f-convention", "peephole")
    expect(page.locator("#total-params")).to_have_text("746,310")
    page.select_option("#f-convention", "keras")
    expect(page.locator("#total-params")).to_have_text("745,680")
    expect(page.locator("#total-macs")).to_have_text("17,876,160,000")


def test_the_convention_travels_in_the_url(page):
    page.select_option("#f-convention", "peephole")
    expect(page).to_have_url(re.compile(r"[?&]convention=peephole(&|$)"))


def test_the_whatif_chart_plots_params_macs_and_memory_against_filters(page):
    panels = page.locator("svg.whatif-panel")
    expect(panels).to_have_count(3)
    for key in ("params", "macs", "memory"):
        points = page.locator(f"#whatif-{key} polyline").get_attribute("points")
        assert len(points.split()) == 5
    expect(page.locator("#whatif-params circle.current")).to_have_count(1)
    expect(page.locator(".whatif-data tr.current th")).to_have_text("30")


def test_the_whatif_chart_answers_the_largest_batch_within_a_budget(page):
    expect(page.locator("svg.whatif-panel")).to_have_count(3)
    page.select_option("#sweep-argument", "batch_size")
    page.select_option("#sweep-fit", "batch_size")
    page.locator("#sweep-budget").fill("1024")
    page.locator("#whatif-form button[type=submit]").click()
    expect(page.locator("#whatif-fit")).to_contain_text("Largest batch_size within 1.00 GB")
    expect(page.locator("#whatif-fit")).to_contain_text(": 6 (")


def test_the_whatif_chart_follows_an_edit_of_the_model(page):
    expect(page.locator("svg.whatif-panel")).to_have_count(3)
    page.locator("#f-layers-0-filters").fill("40")
    expect(page.locator(".whatif-data tr.current th")).to_have_text("40")


def test_a_bad_sweep_value_is_named_not_a_failure(page):
    page.locator("#sweep-values").fill("8, lots")
    page.locator("#whatif-form button[type=submit]").click()
    expect(page.locator("#whatif-error")).to_contain_text("values")
