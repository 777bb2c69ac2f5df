"""How derivations are written: `4 × (3·3·3·30 + 3·3·30·30 + 30) = 4 × 8,940 = 35,760`."""

from collections.abc import Iterable


def num(n: int) -> str:
    """Thousands separators, as Keras's summary prints counts."""
    return f"{n:,}"


def dot(factors: Iterable[int | str]) -> str:
    """A product written out: `3·3·3·30`."""
    return "·".join(map(str, factors))


def plus(terms: Iterable[str]) -> str:
    return " + ".join(t for t in terms if t)
