"""Import and downloads on the page, in real headless Chromium against the live server."""

from __future__ import annotations

import json

import pytest
from conftest import PLAYWRIGHT_DEFAULT
from playwright.sync_api import expect
from test_interop_http import KERAS_JSON

HOSTILE = "<img src=x onerror=window.__pwned=1>"


@pytest.fixture
def page(open_page):
    return open_page(viewport=PLAYWRIGHT_DEFAULT, accept_downloads=True)


def paste(page, text: str) -> None:
    page.locator("#import-keras summary").click()
    page.locator("#keras-json").fill(text)
    page.get_by_role("button", name="Load into the editor").click()
    page.wait_for_load_state()


def test_a_pasted_keras_model_loads_into_the_editor_with_its_names(page):
    model = json.loads(json.dumps(KERAS_JSON))
    model["config"]["layers"][1]["config"]["name"] = HOSTILE
    paste(page, json.dumps(model))
    assert page.locator("#total-params").inner_text() == "35,760"
    assert page.locator("#f-layers-0-filters").input_value() == "30"
    assert HOSTILE in page.locator("#results").inner_text()  # shown as text
    assert page.locator("#results img").count() == 0  # shown as text, never as an element
    assert "layers.0.name=" in page.url


def test_an_unsupported_model_shows_the_error_and_keeps_the_model_and_the_text(page):
    page.locator("#f-layers-0-filters").fill("31")
    expect(page.locator("#total-params")).to_have_text("749,788")
    broken = json.loads(json.dumps(KERAS_JSON))
    broken["config"]["layers"][1]["class_name"] = "GaussianNoise"
    paste(page, json.dumps(broken))
    assert "'encoder' (GaussianNoise)" in page.locator("#import-error").inner_text()
    assert json.loads(page.locator("#keras-json").input_value()) == broken
    assert page.locator("#f-layers-0-filters").input_value() == "31"  # the edit is not lost
    assert page.locator("#total-params").inner_text() == "749,788"


@pytest.mark.parametrize(
    ("label", "filename", "needle"),
    [
        ("Keras summary (.txt)", "sequential-summary.txt", " Total params: 749,788 (2.86 MB)"),
        ("Markdown (.md)", "sequential-summary.md", "- Total params: 749,788 (2.86 MB)"),
        ("CSV (.csv)", "sequential-summary.csv", "Total,,,749788,749788,0"),
        ("JSON (.json)", "sequential-summary.json", '"total_params": 749788'),
        ("Keras code (.py)", "sequential.py", "filters=31"),
        ("PyTorch code (.py)", "sequential_torch.py", "ConvLSTM(2, 3, 31, 3, padding='same'"),
    ],
)
def test_each_download_button_exports_the_model_on_screen(page, label, filename, needle):
    page.locator("#f-layers-0-filters").fill("31")
    expect(page.locator("#total-params")).to_have_text("749,788")
    with page.expect_download() as info:
        page.get_by_role("link", name=label).click()
    download = info.value
    assert download.suggested_filename == filename
    with open(download.path(), encoding="utf-8") as handle:
        assert needle in handle.read()
