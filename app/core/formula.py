"""How derivations are written: `4 × (3·3·3·30 + 3·3·30·30 + 30) = 4 × 8,940 = 35,760`."""

from collections.abc import Iterable
from functools import lru_cache
from gettext import NullTranslations

from app.core.translation import N_, current


def num(n: int) -> str:
    """Thousands separators, as Keras's summary prints counts."""
    return f"{n:,}"


def dot(factors: Iterable[int | str]) -> str:
    """A product written out: `3·3·3·30`."""
    return "·".join(map(str, factors))


def plus(terms: Iterable[str]) -> str:
    return " + ".join(t for t in terms if t)


# Element-wise work by kind, as the FLOP derivations list it.
_KINDS = {
    "bias adds": N_("{count} bias adds"),
    "sums": N_("{count} sums"),
    "gate sums": N_("{count} gate sums"),
    "gate norms": N_("{count} gate norms"),
    "activations": N_("{count} activations"),
    "cell update": N_("{count} cell update"),
    "reset product": N_("{count} reset product"),
    "output": N_("{count} output"),
    "peepholes": N_("{count} peepholes"),
}


def by_kind(counts: Iterable[tuple[str, int]]) -> str:
    """`4 bias adds + 4 gate sums + 3 cell update`: the non-zero counts, by kind."""
    return _by_kind(tuple(counts), current())


# A handful of flag combinations repeat over every layer: written once per language.
@lru_cache(maxsize=256)
def _by_kind(counts: tuple[tuple[str, int], ...], language: NullTranslations) -> str:
    return " + ".join(language.gettext(_KINDS[kind]).format(count=n) for kind, n in counts if n)
