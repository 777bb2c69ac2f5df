"""The argument help in real Chromium, in Chinese: a BatchNormalization card explains its own
arguments, and a Conv3D added with "Add layer" gets the convolution's help, not ConvLSTM's."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from app.argument_help import help_for
from tests.test_argument_help import zh_catalog

MODEL = (
    "/?input_shape=15,40,40,3&layers.0.type=ConvLSTM2D&layers.0.filters=8"
    "&layers.0.kernel_size=3,3&layers.0.padding=same&layers.0.return_sequences=true"
    "&layers.1.type=BatchNormalization&lang=zh"
)


@pytest.fixture
def zh() -> dict[str, str]:
    return zh_catalog()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(locale="zh-CN")
    page = context.new_page()
    problems: list[str] = []
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.goto(live_server + MODEL)
    yield page
    context.close()
    assert problems == []


def test_a_chinese_batch_normalization_card_explains_momentum_and_a_new_conv3d_its_filters(
    page, zh
):
    card = page.locator("#layer-1")
    card.locator("details.more > summary").click()
    momentum = page.locator("#help-layers-1-momentum")
    expect(momentum).to_be_visible()
    expect(momentum).to_have_text(zh[help_for("BatchNormalization", "momentum") or ""])

    page.select_option("#new-type", "Conv3D")
    page.locator('button[name="action"][value="add"]').click()
    expect(page.locator("#help-layers-2-filters")).to_have_text(
        zh[help_for("Conv3D", "filters") or ""]
    )
    assert "H_t" not in page.locator("#help-layers-2-filters").inner_text()
