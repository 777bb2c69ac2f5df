"""Which ConvLSTM the user means: what Keras builds, PyTorch's two-bias habit, or Shi's peepholes.

- `keras` (default): one bias per gate, added to the input convolution (`keras.layers.ConvLSTM2D`).
- `pytorch`: the input and the recurrent convolutions each carry a bias, like `torch.nn.LSTM`'s
  `b_ih` and `b_hh`: 4F more parameters.
- `peephole`: Shi et al. 2015, eq. 3: W_ci ∘ C_{t−1}, W_cf ∘ C_{t−1} and W_co ∘ C_t enter the
  input, forget and output gates. Each W_c· is one weight per channel (F), broadcast over the
  grid: that is what the paper's own parameter counts (Table 1) imply; weights of the cell
  state's full shape would add 3·P·F and miss every row of the table.

Under `pytorch` and `peephole` a ConvLSTM layer may also use the papers' options (separate
state-to-state kernel, no input-to-state, gate normalisation, OpenSTL's unused convolutions); under
`keras` they are refused, since Keras cannot build them (`check_options` in `conv_lstm.py`).

The convention belongs to the whole walk over the model, so the walker sets it here and the
ConvLSTM analyser reads it; analysers keep the one signature every layer family (and the
wrappers, which call `analyse` recursively) shares. A `ContextVar` keeps concurrent requests apart.
"""

from __future__ import annotations

from contextvars import ContextVar
from typing import Literal, get_args

Convention = Literal["keras", "pytorch", "peephole"]

CONVENTIONS: tuple[Convention, ...] = get_args(Convention)

_current: ContextVar[Convention] = ContextVar("convention", default="keras")


def current_convention() -> Convention:
    return _current.get()


class using_convention:
    """`with using_convention("pytorch"): ...` sets the convention for the walk inside. A class:
    it runs on every request, and a generator-based context manager costs several times more."""

    __slots__ = ("_convention", "_token")

    def __init__(self, convention: Convention) -> None:
        self._convention = convention

    def __enter__(self) -> None:
        self._token = _current.set(self._convention)

    def __exit__(self, *exc: object) -> None:
        _current.reset(self._token)
