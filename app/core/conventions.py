"""Which ConvLSTM the user means: what Keras builds, PyTorch's two-bias habit, or Shi's peepholes.

- `keras` (default): one bias per gate, added to the input convolution (`keras.layers.ConvLSTM2D`).
- `pytorch`: the input and the recurrent convolutions each carry a bias, like `torch.nn.LSTM`'s
  `b_ih` and `b_hh`: 4F more parameters.
- `peephole`: Shi et al. 2015, eq. 3: Hadamard weights W_ci, W_cf, W_co of the cell state's shape
  feed C_{t−1} into the input and forget gates and C_t into the output gate.

The convention belongs to the whole walk over the model, so the walker sets it here and the
ConvLSTM analyser reads it; analysers keep the one signature every layer family (and the
wrappers, which call `analyse` recursively) shares. A `ContextVar` keeps concurrent requests apart.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import get_args

from app.schema import Convention

CONVENTIONS: tuple[Convention, ...] = get_args(Convention)

_current: ContextVar[Convention] = ContextVar("convention", default="keras")


def current_convention() -> Convention:
    return _current.get()


@contextmanager
def using_convention(convention: Convention) -> Iterator[None]:
    token = _current.set(convention)
    try:
        yield
    finally:
        _current.reset(token)
