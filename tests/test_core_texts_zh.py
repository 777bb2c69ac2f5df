"""Every sentence the core writes speaks the request's language (issue 10, §2).

The core writes its formulas, cost rules, "other tools would say", memory and latency rules,
notes and error messages through `app.core.translation`; the web layer activates the language
each request asks for. These tests read the core's msgids from its sources, then look for any
of them, still in English, on the Chinese page, its fragments, a graph model's page, the
exports and `POST /summary?lang=zh`.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import httpx
import pytest
from babel.messages.extract import extract_from_file
from babel.messages.pofile import read_po
from graph_cases import TWO_INPUTS_SHARED

from app import editor
from app.core import translation
from app.core.errors import SpecError
from app.core.model import summarize
from app.editor import query_items, seed_draft
from app.i18n import ROOT, TRANSLATIONS, translations
from app.interop.keras_import import compact
from app.language_middleware import is_api
from app.schema import SEED_MODEL, SummaryRequest

ZH_CATALOG = TRANSLATIONS / "zh_Hans" / "LC_MESSAGES" / "messages.po"
# Where the texts of results come from: the core, our headings of the exports, and the errors
# of the import, the downloads and the code exports (tests/test_interop_texts_zh.py).
TEXT_SOURCES = (
    *sorted((ROOT / "app" / "core").glob("*.py")),
    ROOT / "app/interop/reports.py",
    ROOT / "app/interop/keras_import.py",
    ROOT / "app/interop/keras_code.py",
    ROOT / "app/interop/torch_layers.py",
    ROOT / "app/interop/torch_recurrent.py",
    ROOT / "app/interop/torch_activations.py",
    ROOT / "app/interop_pages.py",
    ROOT / "app/json_guard.py",
    ROOT / "app/whatif_form.py",
)
HX = {"HX-Request": "true"}
PLACEHOLDER = re.compile(r"\{(\w*)\}")


@cache
def core_msgids() -> tuple[str, ...]:
    """Every msgid that `_()`/`N_()` marks in the core's sources (and the reports' headings)."""
    found: dict[str, None] = {}
    for path in TEXT_SOURCES:
        for _line, message, _comments, _context in extract_from_file("python", path):
            found[message if isinstance(message, str) else message[0]] = None
    return tuple(found)


@cache
def catalog() -> dict[str, str]:
    with ZH_CATALOG.open("rb") as po:
        return {m.id: m.string for m in read_po(po) if m.id and isinstance(m.id, str)}


def _english_words(msgid: str) -> list[str]:
    """Words of three letters or more (`non-trainable` is one word: `id="non-trainable-…"`
    on the page is no sentence)."""
    return [w for w in PLACEHOLDER.sub(" ", msgid).split() if len(re.findall("[A-Za-z]", w)) >= 3]


@cache
def english_fragments() -> tuple[tuple[str, str], ...]:
    """(msgid, its longest run of words between placeholders) for the core's sentences whose
    run has at least two words and which Chinese translates: on a Chinese page such a run of
    English words is evidence enough (a lone word such as `Type` is not)."""
    fragments = []
    for msgid in core_msgids():
        if catalog().get(msgid) == msgid:
            continue
        parts = PLACEHOLDER.split(" ".join(msgid.split()))[::2]
        longest = max(parts, key=lambda part: len(_english_words(part))).strip()
        if len(_english_words(longest)) >= 2:
            fragments.append((msgid, longest))
    return tuple(fragments)


def english_left(text: str) -> list[str]:
    """The core's English sentences found in `text` (HTML entities decoded)."""
    plain = " ".join(html.unescape(text).split())
    return sorted(msgid for msgid, fragment in english_fragments() if fragment in plain)


def strings(value: Any) -> Iterator[str]:
    """Every string of a JSON value."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from strings(item)


def json_texts(response: httpx.Response) -> str:
    return "\n".join(strings(response.json()))


def seed_form(**changes: str) -> dict[str, str]:
    return {**dict(query_items(seed_draft())), **changes}


def graph_query() -> str:
    draft = editor.draft_from_body(compact(SummaryRequest.model_validate(TWO_INPUTS_SHARED)))
    return urlencode(editor.query_items(draft), safe=",")


# A model whose JSON is over 2 KiB: its summary runs in the thread pool (app/json_route.py).
LARGE_MODEL = {
    "input_shape": [10, 16, 16, 3],
    "layers": [
        {
            "type": "ConvLSTM2D",
            "filters": 8,
            "kernel_size": 3,
            "padding": "same",
            "return_sequences": True,
            "name": f"convlstm_{i}",
        }
        for i in range(40)
    ],
}


# --- The catalog ---------------------------------------------------------------------------


def test_the_core_marks_its_sentences_for_translation():
    ids = core_msgids()
    assert len(ids) > 150
    assert "weights = params × {bytes} B" in ids  # memory rules
    assert "{type} needs at least one time step" in ids  # a SpecError


def test_every_sentence_the_core_writes_has_a_chinese_translation_with_the_same_placeholders():
    zh = catalog()
    missing = [m for m in core_msgids() if not zh.get(m)]
    assert missing == [], "run the two pybabel commands of README, 'Languages', and translate"
    changed = [
        m
        for m in core_msgids()
        if sorted(set(PLACEHOLDER.findall(m))) != sorted(set(PLACEHOLDER.findall(zh[m])))
    ]
    assert changed == []


def test_the_detector_finds_the_core_s_english_on_the_english_page(http):
    """Guards the tests below: on the English page the same patterns do match."""
    page = http.get("/", headers={"Accept-Language": "en"})
    assert len(english_left(page.text)) >= 10


# --- The core's language ---------------------------------------------------------------------


def test_the_core_writes_english_unless_a_language_is_active():
    request = SummaryRequest.model_validate(SEED_MODEL)
    assert summarize(request).memory.rules[0] == "weights = params × 4 B"  # type: ignore[union-attr]
    with translation.active(translations("zh")):
        chinese = summarize(request)
        assert chinese.memory.rules[0] == "权重 = 参数 × 4 B"  # type: ignore[union-attr]
        assert chinese.layers[0].costs.flop_formula.startswith("每步 2 × ")  # type: ignore[union-attr]
    assert translation.gettext("weights = params × {bytes} B") == "weights = params × {bytes} B"


def test_a_spec_error_is_raised_in_the_active_language():
    bad = {**SEED_MODEL, "layers": [{"type": "Reshape", "target_shape": [7, 7]}]}
    request = SummaryRequest.model_validate(bad)
    with translation.active(translations("zh")), pytest.raises(SpecError) as error:
        summarize(request)
    assert error.value.msg.startswith("target_shape [7, 7] 容纳 49 个值")
    with pytest.raises(SpecError) as english:
        summarize(request)
    assert english.value.msg.startswith("target_shape [7, 7] holds 49 values")


# --- Pages and fragments ---------------------------------------------------------------------


# Every layer's "How it is counted" drawn open, as its no-JS button asks (`rules=N`).
OPEN_RULES = "".join(f"&rules={index}" for index in range(8))


def test_the_chinese_seed_page_shows_no_english_sentence_of_the_core(http):
    page = http.get("/?lang=zh" + OPEN_RULES)
    assert page.status_code == 200
    assert "每步 2 × " in html.unescape(page.text)  # the FLOP derivations are there, in Chinese
    assert english_left(page.text) == []


def test_a_chinese_htmx_update_shows_no_english_sentence_of_the_core(http):
    response = http.post(
        "/", data=seed_form(**{"layers.0.filters": "31", "lang": "zh"}), headers=HX
    )
    assert response.status_code == 200
    assert 'id="results"' in response.text
    assert english_left(response.text) == []


def test_the_form_s_language_is_the_core_s_even_against_the_cookie(http):
    http.cookies.set("lang", "en")
    response = http.post("/cost-rule?index=0", data=seed_form(lang="zh"), headers=HX)
    assert "每步 2 × " in html.unescape(response.text)
    assert english_left(response.text) == []


def test_a_chinese_graph_model_page_shows_no_english_sentence_of_the_core(http):
    page = http.get("/?" + graph_query() + "&lang=zh" + OPEN_RULES)
    assert page.status_code == 200
    assert "19,205" in page.text
    assert english_left(page.text) == []


def test_a_spec_error_on_the_chinese_page_is_chinese(http):
    # 41×41 'valid' windows do not fit the 40×40 frames: the core refuses (a SpecError).
    form = seed_form(**{"layers.0.kernel_size": "41,41", "layers.0.padding": "valid", "lang": "zh"})
    response = http.post("/", data=form, headers=HX)
    assert response.status_code == 200
    text = html.unescape(response.text)
    assert "放不进 padding 为 'valid' 的 40×40 输入" in text
    assert "does not fit" not in text


# --- JSON and exports ------------------------------------------------------------------------


@pytest.mark.parametrize("body", [SEED_MODEL, TWO_INPUTS_SHARED, LARGE_MODEL])
def test_summary_in_chinese_has_no_english_sentence_of_the_core(http, body):
    assert len(json.dumps(LARGE_MODEL)) > 2048  # the thread pool's path
    response = http.post("/summary?lang=zh", json=body)
    assert response.status_code == 200
    texts = json_texts(response)
    assert "权重 = 参数 × " in texts
    assert english_left(texts) == []


def test_the_api_speaks_english_unless_asked_and_ignores_the_page_cookie(http):
    http.cookies.set("lang", "zh")
    rules = http.post("/summary", json=SEED_MODEL).json()["memory"]["rules"]
    assert rules[0] == "weights = params × 4 B"
    asked = http.post("/summary", json=SEED_MODEL, headers={"Accept-Language": "zh-CN,zh;q=0.9"})
    assert asked.json()["memory"]["rules"][0] == "权重 = 参数 × 4 B"


def test_the_language_ends_with_its_request(http):
    http.post("/summary?lang=zh", json=SEED_MODEL)
    after = http.post("/summary", json=SEED_MODEL).json()
    assert after["memory"]["rules"][0] == "weights = params × 4 B"
    assert english_left(json_texts(http.post("/summary", json=SEED_MODEL)))


def test_a_spec_error_from_the_api_is_chinese_when_asked(http):
    bad = {**SEED_MODEL, "layers": [{"type": "Reshape", "target_shape": [7, 7]}]}
    response = http.post("/summary?lang=zh", json=bad)
    assert response.status_code == 422
    assert response.json()["detail"][0]["msg"].startswith("target_shape [7, 7] 容纳 49 个值")


def test_a_sweep_in_chinese_writes_its_notes_in_chinese(http):
    """The sweep runs in the thread pool: the language travels there."""
    body = {"model": SEED_MODEL, "argument": "filters", "budget_mb": 0.001}
    response = http.post("/sweep?lang=zh", json=body)
    assert response.status_code == 200
    assert response.json()["fit"]["note"] == "即使 filters = 1 也超出预算"


@pytest.mark.parametrize("name", ["md", "csv", "json"])
def test_the_chinese_exports_have_no_english_sentence_of_the_core(http, name):
    response = http.post(f"/export/{name}?lang=zh", json=TWO_INPUTS_SHARED)
    assert response.status_code == 200
    assert english_left(response.text) == []
    if name == "md":
        assert "参数总数：19,205" in response.text and "| 连接到 |" in response.text


def test_a_download_from_the_chinese_page_is_chinese_and_varies_by_language(http):
    http.cookies.set("lang", "zh")
    query = urlencode(seed_form(), safe=",")
    chinese = http.get("/download/md?" + query)
    assert chinese.status_code == 200
    assert "参数总数：745,680" in chinese.text
    assert "Accept-Language" in chinese.headers["vary"]
    http.cookies.clear()
    english = http.get("/download/md?" + query, headers={"Accept-Language": "en"})
    assert "Total params: 745,680" in english.text
    assert english.headers["etag"] != chinese.headers["etag"]


def test_the_api_paths_are_the_routes_of_the_json_api():
    from app import api, interop_api

    paths = [route.path for r in (api.router, interop_api.router) for route in r.routes]  # type: ignore[attr-defined]
    assert paths and all(is_api(path.replace("{name}", "md")) for path in paths)
    assert not is_api("/") and not is_api("/download/md")


def test_text_sources_exist():
    assert all(Path(p).is_file() for p in TEXT_SOURCES)


def test_the_what_if_chart_in_the_form_s_language_writes_the_sweep_s_note_in_it(http):
    http.cookies.set("lang", "en")
    form = seed_form(**{"sweep.budget_mb": "0.001", "lang": "zh"})
    response = http.post("/whatif", data=form, headers=HX)
    assert response.status_code == 200
    assert "即使 filters = 1 也超出预算" in html.unescape(response.text)
    assert english_left(response.text) == []
