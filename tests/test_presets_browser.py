"""The gallery in real Chromium: a preset loads into the editor, the URL follows, and each
published figure sits beside ours with its badge."""

from __future__ import annotations

import re

import pytest
from conftest import PLAYWRIGHT_DEFAULT
from playwright.sync_api import expect


@pytest.fixture
def page(open_page):
    """The explorer on the seed model; console errors fail the test."""
    return open_page(viewport=PLAYWRIGHT_DEFAULT)


def test_loading_a_shi_et_al_row_puts_it_in_the_editor_and_the_url(page):
    page.locator("#gallery summary").click()
    row = page.locator("#preset-shi2015-convlstm9x9-1x1-128-1x1-128")
    expect(row.locator(".published")).to_have_text("11,550,224")
    expect(row.locator(".ours")).to_have_text("11,550,224")
    expect(row.locator(".badge")).to_have_text("exact")
    row.locator("a.preset-load").click()
    expect(page).to_have_url(re.compile(r"[?&]convention=peephole(&|$)"))
    expect(page).to_have_url(re.compile(r"recurrent_kernel_size=1(&|$)"))
    expect(page.locator("#total-params")).to_have_text("11,550,224")


def test_a_figure_that_differs_says_why_and_keeps_the_published_number(page):
    page.locator("#gallery summary").click()
    row = page.locator("#preset-openstl-convlstm-s-mmnist")
    first = row.locator("tbody tr").first
    expect(first.locator(".published")).to_have_text("15.0M")
    expect(first.locator(".ours")).to_have_text("15,083,520")
    expect(first.locator(".badge")).to_have_text("differs")
    expect(first.locator(".reason")).to_contain_text("rounds to 15.1M")
    expect(row.locator("tbody tr").nth(1).locator(".badge")).to_have_text(
        "within the published rounding"
    )


def test_the_gallery_speaks_chinese(page, live_server):
    page.goto(live_server + "/?lang=zh")
    page.locator("#gallery summary").click()
    expect(page.locator("#gallery summary")).to_have_text("已发表的架构")
    expect(page.locator("#preset-seed .badge")).to_have_text("完全一致")
