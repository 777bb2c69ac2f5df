"""Languages of the page: gettext catalogs (Babel) and one Jinja environment per language.

The language comes from `?lang=`, else the `lang` cookie, else `Accept-Language`, else English.
Catalogs live in `app/translations/<locale>/LC_MESSAGES/messages.po`; `make setup` compiles them.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

from babel.core import negotiate_locale
from babel.support import NullTranslations, Translations
from jinja2 import Environment, FileSystemLoader, select_autoescape

from app import presentation
from app.argument_help import help_for
from app.core import translation
from app.core.units import readable_seconds
from app.editor import FORM_CHOICES
from app.static_files import static_url

ROOT = Path(__file__).resolve().parent.parent
TRANSLATIONS = Path(__file__).resolve().parent / "translations"
TEMPLATES = ROOT / "templates"
COOKIE = "lang"


@dataclass(frozen=True)
class Language:
    code: str  # in URLs and the cookie
    tag: str  # BCP 47, for <html lang>
    locale: str  # Babel locale: catalog folder and number formats
    label: str  # its own name, shown in the switcher


LANGUAGES = {
    "en": Language("en", "en", "en", "English"),
    "zh": Language("zh", "zh-Hans", "zh_Hans", "简体中文"),
}
DEFAULT = "en"


def accepted(header: str) -> list[str]:
    """Language tags of an `Accept-Language` header, most wanted first (q=0 dropped)."""
    ranked = []
    for position, item in enumerate(header.split(",")):
        tag, _, params = item.strip().partition(";")
        quality = 1.0
        for param in params.split(";"):
            key, _, value = param.strip().partition("=")
            if key == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        if tag and tag != "*" and quality > 0:
            ranked.append((-quality, position, tag))
    return [tag for _, _, tag in sorted(ranked)]


def choose(query: str | None, cookie: str | None, accept_language: str) -> str:
    """The page's language code."""
    for explicit in (query, cookie):
        if explicit in LANGUAGES:
            return explicit
    wanted = [tag.replace("_", "-") for tag in accepted(accept_language)]
    return negotiate_locale(wanted, list(LANGUAGES), sep="-") or DEFAULT


@cache
def translations(code: str) -> NullTranslations:
    """The language's gettext catalog (English: the message ids themselves)."""
    return Translations.load(TRANSLATIONS, [LANGUAGES[code].locale])


def activate(code: str) -> None:
    """Make `code` the language of what the core writes for the rest of this request."""
    translation.activate(translations(code))


@cache
def environment(code: str) -> Environment:
    """Templates with this language's catalog installed and its number formats as filters."""
    language = LANGUAGES[code]
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(["html", "svg"]),
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
    )
    # The i18n extension adds this method to the environment at run time; jinja2's types don't
    # declare it.
    env.install_gettext_translations(translations(code), newstyle=True)  # type: ignore[attr-defined]
    locale = language.locale
    env.filters["count"] = lambda n: presentation.count(n, locale)
    env.filters["compact"] = lambda n: presentation.compact(n, locale)
    env.filters["size"] = lambda n: presentation.keras_size(n, locale)
    env.filters["shape"] = presentation.shape_text
    env.filters["seconds"] = readable_seconds
    env.globals["language"] = language
    env.globals["languages"] = LANGUAGES
    env.globals["static_url"] = static_url
    env.globals["help_for"] = help_for
    env.globals["choices"] = FORM_CHOICES
    return env
