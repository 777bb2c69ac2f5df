"""Whole numbers as typed into the page: ASCII digits only, and not too many of them.

`str.isdigit()` is true for `²` and `٣`, which `int()` refuses or reads unexpectedly, and `int()`
refuses more than 4,300 digits: both were 500s. Anything else stays text, so validation can
name the field it was typed into.
"""

from __future__ import annotations

import re

from app.json_guard import MAX_INT_DIGITS

_WHOLE = re.compile(r"[+-]?[0-9]+", re.ASCII)
# Python prints and parses integers up to this many digits (`sys.get_int_max_str_digits`); a
# longer one stays text. Between MAX_INT_DIGITS and this, `app.json_guard.check` names the field.
_PARSEABLE_DIGITS = 4000


def whole_number(text: str, max_digits: int = _PARSEABLE_DIGITS) -> int | None:
    """`text` (already stripped) as an int, or None if it is not one we read."""
    if len(text) > max_digits + 1 or not _WHOLE.fullmatch(text):
        return None
    return int(text)


def index(text: str, size: int) -> int | None:
    """A position in a list of `size` items (`remove:3`, `layers.3.type`), or None."""
    value = whole_number(text, max_digits=MAX_INT_DIGITS)
    return value if value is not None and text[0] not in "+-" and value < size else None
