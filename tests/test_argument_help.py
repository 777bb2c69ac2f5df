"""Every argument of every layer type has its own help, from its family module, in English and
简体中文 (issue 12, item 6): no ConvLSTM text on a Conv3D, no "see the Keras documentation"."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po
from fastapi.testclient import TestClient

import app.core.model  # registers every family's analyser, as the app does
from app.argument_help import help_for
from app.core.families import FAMILIES
from app.editor import controls, editable_types
from app.i18n import ROOT, TRANSLATIONS
from app.main import app

GENERIC = "Keras argument; see the Keras documentation."
MODEL_NAME = "The model's name, as Keras's summary prints it."
ZH_CATALOG = TRANSLATIONS / "zh_Hans" / "LC_MESSAGES" / "messages.po"
EVERY_CONTROL = [(t, c.name) for t in editable_types() for c in controls(t)]
HELP_TEXT = re.compile(r'<small id="help-layers-0-([\w.]+)" class="help">\s*(.*?)\s*</small>', re.S)


@pytest.fixture(scope="module")
def client():
    with TestClient(app) as test_client:
        yield test_client


def zh_catalog() -> dict[str, str]:
    """The Chinese catalog: msgid → msgstr, fuzzy entries left out."""
    with ZH_CATALOG.open("rb") as po:
        return {m.id: m.string for m in read_po(po) if m.id and not m.fuzzy}


@pytest.fixture(scope="module")
def zh() -> dict[str, str]:
    return zh_catalog()


def shown_help(client: TestClient, layer_type: str, lang: str) -> dict[str, str]:
    """Argument → the help a card of this type shows, as `GET /layer-controls` renders it."""
    page = client.get("/layer-controls", params={"layers.0.type": layer_type, "lang": lang})
    assert page.status_code == 200
    return {name: html.unescape(text) for name, text in HELP_TEXT.findall(page.text)}


def every_help_text() -> list[str]:
    return [
        text for family in FAMILIES for texts in family.help.values() for text in texts.values()
    ]


def test_every_control_of_every_type_has_its_own_help() -> None:
    missing = [
        (t, a) for t, a in EVERY_CONTROL if help_for(t, a) in (None, "", GENERIC, MODEL_NAME)
    ]
    assert not missing, "add these to the HELP at the end of their family module"


def test_help_covers_exactly_the_editable_types() -> None:
    assert {t for family in FAMILIES for t in family.help} == set(editable_types())


def test_conv3d_filters_are_not_described_as_convlstm_state_channels() -> None:
    conv, conv_lstm = help_for("Conv3D", "filters"), help_for("ConvLSTM3D", "filters")
    assert conv != conv_lstm
    assert "H_t" not in (conv or "") and "convolution" in (conv or "")


def test_batch_normalization_explains_its_own_arguments() -> None:
    assert "moving mean" in (help_for("BatchNormalization", "momentum") or "")
    assert "variance" in (help_for("BatchNormalization", "epsilon") or "")
    assert "β" in (help_for("BatchNormalization", "center") or "")
    assert "γ" in (help_for("BatchNormalization", "scale") or "")


def test_every_help_text_is_extracted_into_the_catalog_by_pybabel() -> None:
    """The texts are `N_("...")` literals, so `pybabel extract -F babel.cfg` collects them."""
    found = {
        message
        for _file, _line, message, _comments, _context in extract_from_dir(
            ROOT / "app" / "core", [("**.py", "python")]
        )
    }
    missing = set(every_help_text()) - found
    assert not missing


def test_help_texts_have_no_percent_sign() -> None:
    """Jinja's new-style gettext formats every text with `%`: a bare one would raise."""
    assert not [t for t in every_help_text() if "%" in t]


def test_the_chinese_catalog_translates_every_help(zh: dict[str, str]) -> None:
    untranslated = {help_for(t, a) for t, a in EVERY_CONTROL if not zh.get(help_for(t, a) or "")}
    assert not untranslated, "translate these in the zh_Hans messages.po"


@pytest.mark.parametrize("layer_type", editable_types())
def test_every_card_shows_its_types_help_in_english(client: TestClient, layer_type: str) -> None:
    shown = shown_help(client, layer_type, "en")
    assert shown == {c.name: help_for(layer_type, c.name) for c in controls(layer_type)}


@pytest.mark.parametrize("layer_type", ["ConvLSTM2D", "Conv3D", "BatchNormalization", "LSTM"])
def test_a_chinese_card_shows_the_chinese_help(
    client: TestClient, zh: dict[str, str], layer_type: str
) -> None:
    shown = shown_help(client, layer_type, "zh")
    assert shown == {c.name: zh[help_for(layer_type, c.name) or ""] for c in controls(layer_type)}


def test_the_chinese_page_of_a_batch_normalization_layer_shows_chinese_help(
    client: TestClient, zh: dict[str, str]
) -> None:
    page = client.get(
        "/",
        params={
            "input_shape": "15,40,40,3",
            "layers.0.type": "ConvLSTM2D",
            "layers.0.filters": "8",
            "layers.0.kernel_size": "3,3",
            "layers.0.padding": "same",
            "layers.0.return_sequences": "true",
            "layers.1.type": "BatchNormalization",
            "lang": "zh",
            "more": "1",  # its "More arguments" drawn open, as its no-JS button asks
        },
    ).text
    for argument in ("axis", "center", "scale", "momentum", "epsilon", "renorm"):
        chinese = zh[help_for("BatchNormalization", argument) or ""]
        assert f'<small id="help-layers-1-{argument}" class="help">{chinese}' in page
    assert zh[GENERIC] not in page and GENERIC not in page


def test_model_fields_keep_their_own_help(client: TestClient) -> None:
    page = client.get("/", params={"lang": "en"}).text
    assert "Shape of one sample without the batch axis" in page
    assert "Samples per batch; changes activation memory, not parameters." in page


def test_no_help_file_outside_the_family_modules_defines_layer_help() -> None:
    """One source per text: the page template keeps only the model's own fields."""
    template = (Path(ROOT) / "templates" / "partials" / "help.html").read_text()
    assert "Output channels F" not in template and '"filters"' not in template
