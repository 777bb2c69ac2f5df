"""Python variable names for the code exports, made from Keras layer and tensor names."""

from __future__ import annotations

import keyword
import re


def fresh_identifier(hint: str, taken: set[str]) -> str:
    """An ASCII identifier like `hint` that is not in `taken` (which it joins):
    `enc[0][1]` → `enc_0_1`, `class` → `t_class`, a second `conv` → `conv_1`."""
    base = re.sub(r"\W+", "_", hint, flags=re.ASCII).strip("_") or "t"
    if base[0].isdigit() or keyword.iskeyword(base):
        base = "t_" + base
    candidate, n = base, 1
    while candidate in taken:
        candidate, n = f"{base}_{n}", n + 1
    taken.add(candidate)
    return candidate
