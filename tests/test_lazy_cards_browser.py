"""A folded layer card in real Chromium: opening it loads its controls, and editing one of them
updates the totals like any other control (see tests/test_lazy_cards.py for the markup)."""

from __future__ import annotations

import pytest
from conftest import PLAYWRIGHT_DEFAULT
from playwright.sync_api import expect

from app.lazy_cards import FULL_CARDS
from tests.test_lazy_cards import FOLDED, big_model, page_url


@pytest.fixture
def page(open_page):
    return open_page(page_url(big_model(filters=7)), viewport=PLAYWRIGHT_DEFAULT)


def test_opening_a_folded_card_loads_its_controls_and_they_edit_the_model(page):
    card = page.locator(f"#layer-{FOLDED}")
    expect(card.locator(f"#f-layers-{FOLDED}-filters")).to_have_count(0)
    before = page.locator("#total-params").inner_text()
    card.locator("details.lazy-controls > summary").click()
    filters = card.locator(f"#f-layers-{FOLDED}-filters")
    expect(filters).to_have_value("7")
    expect(card.locator(f'[name="layers.{FOLDED}.filters"]')).to_have_count(1)
    filters.fill("9")
    expect(page.locator("#total-params")).not_to_have_text(before)
    assert FOLDED >= FULL_CARDS
