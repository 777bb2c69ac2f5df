"""Choosing the page's language."""

from app.i18n import accepted, choose


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
