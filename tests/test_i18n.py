"""Choosing the page's language; the Chinese catalog is complete, current and used by the page."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import httpx
import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

from app.i18n import ROOT, TRANSLATIONS, accepted, choose

ZH_CATALOG = TRANSLATIONS / "zh_Hans" / "LC_MESSAGES" / "messages.po"
SOURCES = ("app", "templates")  # what babel.cfg maps; skips .venv and node_modules


def test_accept_language_is_ranked_by_quality():
    assert accepted("en;q=0.5, zh-CN, fr;q=0") == ["zh-CN", "en"]


def test_an_explicit_choice_beats_the_cookie_and_the_header():
    assert choose("en", "zh", "zh-CN") == "en"
    assert choose(None, "zh", "en") == "zh"


def test_any_chinese_variant_gives_simplified_chinese():
    assert choose(None, None, "zh-CN,zh;q=0.9") == "zh"
    assert choose(None, None, "zh-Hans-CN") == "zh"


def test_unknown_or_missing_preferences_give_english():
    assert choose("xx", "yy", "fr, de") == "en"
    assert choose(None, None, "") == "en"


def _catalog():
    with ZH_CATALOG.open("rb") as po:
        return read_po(po)


def _source_messages() -> set[str]:
    """Every msgid `pybabel extract -F babel.cfg .` finds (README, "Languages")."""
    with (ROOT / "babel.cfg").open() as cfg:
        method_map, options_map = parse_mapping_cfg(cfg)
    found = extract_from_dir(
        ROOT,
        method_map,
        options_map,
        directory_filter=lambda path: Path(path).relative_to(ROOT).parts[0] in SOURCES,
    )
    return {
        message if isinstance(message, str) else message[0]
        for _file, _line, message, _comments, _context in found
    }


def test_the_chinese_catalog_has_no_untranslated_or_fuzzy_entries():
    catalog = _catalog()
    untranslated = [m.id for m in catalog if m.id and not m.string]
    fuzzy = [m.id for m in catalog if m.id and m.fuzzy]
    assert (untranslated, fuzzy) == ([], [])


def test_the_chinese_catalog_defines_each_message_once():
    """Babel keeps the last of two definitions silently; GNU msgfmt refuses the file. Branches
    that append translations of the same text make such pairs."""
    ids = [
        "".join(re.findall(r'"((?:[^"\\]|\\.)*)"', block))
        for block in re.findall(r'^msgid ((?:".*"\n)+)', ZH_CATALOG.read_text(), flags=re.M)
    ]
    repeated = sorted({i for i in ids if i and ids.count(i) > 1})
    assert repeated == []


def test_the_chinese_catalog_holds_every_text_of_the_templates_and_the_app():
    missing = _source_messages() - {m.id for m in _catalog() if m.id}
    assert not missing, "run the two pybabel commands of README, 'Languages', and translate"


class _Texts(HTMLParser):
    """Text nodes and labelling attributes inside the given regions, except where the page says
    `translate="no"` (units and names that stay English, as in the tools that print them)."""

    VOID = frozenset(
        {
            "area",
            "base",
            "br",
            "col",
            "embed",
            "hr",
            "img",
            "input",
            "link",
            "meta",
            "source",
            "track",
            "wbr",
        }
    )

    def __init__(self, regions: set[str]) -> None:
        super().__init__(convert_charrefs=True)
        self.regions, self.stack, self.texts = regions, [], []

    def _inside(self) -> bool:
        return bool(self.stack) and self.stack[-1]

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        inside = (self._inside() or attrs.get("id") in self.regions) and attrs.get(
            "translate"
        ) != "no"
        if inside:
            self.texts += [v for k, v in attrs.items() if k in ("aria-label", "placeholder") and v]
        if tag not in self.VOID:
            self.stack.append(inside)

    def handle_startendtag(self, tag, attrs):
        if self._inside() or dict(attrs).get("id") in self.regions:
            self.texts += [v for k, v in attrs if k in ("aria-label", "placeholder") and v]

    def handle_endtag(self, tag):
        if tag not in self.VOID and self.stack:
            self.stack.pop()

    def handle_data(self, data):
        text = " ".join(data.split())
        if text and self._inside():
            self.texts.append(text)


def _pattern(msgid: str) -> re.Pattern[str]:
    """A catalogued English text with its `%(name)s` placeholders standing for any value."""
    parts = re.split(r"%\(\w+\)s", " ".join(msgid.split()))
    return re.compile(".+?".join(re.escape(part) for part in parts))


# The results and costs (totals, tables, compute/memory/latency, downloads), the what-if chart
# and its form, the cost settings and the import box.
COST_REGIONS = {"results", "whatif", "cost-settings", "import-keras"}


@pytest.mark.usefixtures("live_server")
def test_the_chinese_page_shows_no_catalogued_english_text(live_server):
    # A fresh client: a `lang` cookie left by another test would outrank Accept-Language.
    response = httpx.get(live_server + "/", headers={"Accept-Language": "zh-CN"}, timeout=30)
    assert response.status_code == 200
    parser = _Texts(COST_REGIONS)
    parser.feed(response.text)
    assert len(parser.texts) > 100  # the regions were found
    english = [_pattern(m.id) for m in _catalog() if m.id and m.string != m.id]
    left = sorted({t for t in parser.texts for p in english if p.fullmatch(t)})
    assert left == []
