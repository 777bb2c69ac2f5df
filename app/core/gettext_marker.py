"""`N_`: marks a text for translation where it is defined, without translating it there.

The core knows no language; the page translates with the catalog when it shows the text. Babel's
extractor knows `N_` among its default keywords, so `pybabel extract` (babel.cfg) collects every
`N_("...")` literal into the catalog.
"""

from __future__ import annotations


def N_(text: str) -> str:  # gettext's name for "translate later"
    """The text itself: a no-op that only marks `text` as a message to extract."""
    return text
