"""The language the core writes its sentences in: a `ContextVar` holding gettext catalogs.

The web layer activates a language for each request (`app.i18n`); anything else (tests, the CLI,
benchmarks) gets English, the msgids themselves. Texts are written when read (`Deferred`), so the
language must still be active where the JSON is dumped or the template rendered.

Sentences with numbers are written as `_("{count} slot(s) × …").format(count=…)`: the
placeholders are named so that translators can move them.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from gettext import NullTranslations

# `babel.support.Translations` is a `gettext.NullTranslations`; English writes the msgids.
ENGLISH = NullTranslations()
_ACTIVE: ContextVar[NullTranslations | None] = ContextVar("translations", default=None)


def current() -> NullTranslations:
    """The active catalogs (a cache of written texts keys on it)."""
    active = _ACTIVE.get()
    return ENGLISH if active is None else active


def gettext(message: str) -> str:
    """`message` in the active language (English, the msgid itself, without a lookup)."""
    active = _ACTIVE.get()
    return message if active is None else active.gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """The singular or plural form for `n`, in the active language."""
    return current().ngettext(singular, plural, n)


def N_(message: str) -> str:  # gettext's name for "extract now, translate where shown"
    """Marks a constant for extraction; `gettext` translates it where it is shown."""
    return message


def activate(translations: NullTranslations) -> None:
    """Make `translations` the language of the current context (a request's, a thread's)."""
    _ACTIVE.set(translations)


@contextmanager
def active(translations: NullTranslations) -> Iterator[None]:
    """`translations` for the duration of the block, then whatever was active before."""
    token = _ACTIVE.set(translations)
    try:
        yield
    finally:
        _ACTIVE.reset(token)
