"""What the PyTorch exporter writes with: tensors that know their layout, and the code so far.

Layout: a Keras tensor is channels last, (batch, time, *spatial, channels); torch's layers want
channels first. Each written tensor carries `perm`, the Keras axis that each of its torch axes
holds (`torch_tensor = keras_tensor.permute(perm)`), so a layer asks for the layout it needs
and a `permute` is written only where the layout changes: a ConvLSTM2D's (B, T, H, W, C) input
is (B, T, C, H, W) in torch, perm (0, 1, 4, 2, 3); a Dense works on whatever has the Keras
channel axis last.
"""

from __future__ import annotations

import builtins
from dataclasses import dataclass, field

from app.core.records import Shape
from app.interop.identifiers import fresh_identifier

Perm = tuple[int, ...]

# What a module attribute may not be called: `nn.Module`'s own public names (torch 2.13's
# `dir(nn.Module)`; tests/test_pytorch_code.py checks the list against the installed torch)
# and the class's constants. A layer named `forward` or `to` gets `forward_1`, `to_1`.
MODULE_NAMES = frozenset({
    "T_destination", "add_module", "apply", "bfloat16", "buffers", "call_super_init",
    "children", "compile", "cpu", "cuda", "double", "dump_patches", "eval", "extra_repr",
    "float", "forward", "get_buffer", "get_extra_state", "get_parameter", "get_submodule",
    "half", "ipu", "load_state_dict", "modules", "mtia", "named_buffers", "named_children",
    "named_modules", "named_parameters", "parameters", "register_backward_hook",
    "register_buffer", "register_forward_hook", "register_forward_pre_hook",
    "register_full_backward_hook", "register_full_backward_pre_hook",
    "register_load_state_dict_post_hook", "register_load_state_dict_pre_hook",
    "register_module", "register_parameter", "register_state_dict_post_hook",
    "register_state_dict_pre_hook", "requires_grad_", "set_extra_state", "set_submodule",
    "share_memory", "state_dict", "to", "to_empty", "train", "training", "type", "xpu",
    "zero_grad", "INPUT_AXES", "OUTPUT_AXES",
})  # fmt: skip
# What a local variable may not be called: the file's imports, helpers and Python's builtins.
LOCAL_NAMES = frozenset(
    {
        "self",
        "torch",
        "nn",
        "F",
        "same_pad",
        "linear",
        "ConvLSTM",
        "Recurrent",
        "Affine",
        "PReLU",
        "LoRA",
        "Model",
        *dir(builtins),
    }
)


def identity(rank: int) -> Perm:
    return tuple(range(rank))


def channels_at(rank: int, channel_axis: int, lead: int) -> Perm:
    """The Keras `channel_axis` moved to torch position `lead` (1, or 2 after a time axis)."""
    rest = [a for a in range(rank) if a != channel_axis]
    return (*rest[:lead], channel_axis, *rest[lead:])


def wrapped(head: str, call: str, width: int = 92) -> str:
    """`head + call`, one argument a line when it is longer than `width` (the call's own
    top-level commas; the arguments are numbers, tuples, names and plain string literals)."""
    if len(head) + len(call) <= width or not call.endswith(")") or "(" not in call:
        return head + call
    name, _, inner = call.partition("(")
    parts, depth, start = [], 0, 0
    for i, char in enumerate(inner[:-1]):
        depth += char in "([{"
        depth -= char in ")]}"
        if char == "," and depth == 0:
            parts.append(inner[start:i].strip())
            start = i + 1
    parts.append(inner[start:-1].strip())
    lines = [""]
    for part in parts:  # as many arguments a line as fit
        if lines[-1] and len(lines[-1]) + len(part) + 6 > width:
            lines.append("")
        lines[-1] += f"{part}, "
    return head + name + "(\n" + "".join(f"    {line.rstrip()}\n" for line in lines) + ")"


@dataclass(frozen=True)
class Tensor:
    """A variable of the written `forward`, with its Keras shape (batch axis first)."""

    var: str
    shape: Shape
    perm: Perm

    @property
    def rank(self) -> int:
        return len(self.shape)

    def axis(self, keras_axis: int) -> int:
        """The torch position of a Keras axis (negative counts from the end, as Keras does)."""
        return self.perm.index(keras_axis % self.rank)

    def torch_shape(self) -> Shape:
        return tuple(self.shape[a] for a in self.perm)


@dataclass
class Code:
    """The module being written: `__init__` lines, `forward` lines, helpers it needs."""

    init: list[str] = field(default_factory=list)
    forward: list[str] = field(default_factory=list)
    helpers: set[str] = field(default_factory=set)
    modules: dict[str, str] = field(default_factory=dict)  # layer key → `self.<attribute>`
    frozen_keys: set[str] = field(default_factory=set)  # layers Keras does not train
    _taken: set[str] = field(default_factory=lambda: set(LOCAL_NAMES))
    _attributes: set[str] = field(default_factory=lambda: set(MODULE_NAMES))
    # Pass 1 notes which layout each model input is first asked for; pass 2 starts there.
    wanted: dict[str, Perm] = field(default_factory=dict)
    inputs: set[str] = field(default_factory=set)

    def name(self, hint: str, taken: set[str] | None = None) -> str:
        """A fresh Python identifier like `hint` (`conv_lstm2d`, `enc[0][1]` → `enc_0_1`)."""
        return fresh_identifier(hint, self._taken if taken is None else taken)

    def module(self, key: str, hint: str, build: str) -> str:
        """`self.<hint>`, built once per layer: a shared layer's later calls reuse it."""
        if key not in self.modules:
            attribute = self.name(hint, self._attributes)
            self.init.append(wrapped(f"self.{attribute} = ", build))
            self.modules[key] = f"self.{attribute}"
        return self.modules[key]

    def frozen(self) -> list[str]:
        """The modules of layers built with `trainable=False` (wrapped ones included)."""
        return [
            attribute
            for key, attribute in self.modules.items()
            if any(key == k or key.startswith(k + "/") for k in self.frozen_keys)
        ]

    def let(self, hint: str, expression: str) -> str:
        variable = self.name(hint)
        self.forward.append(f"{variable} = {expression}")
        return variable

    def to(self, tensor: Tensor, perm: Perm) -> Tensor:
        """`tensor` in layout `perm`, permuted if it is not already."""
        if tensor.var in self.inputs:
            self.wanted.setdefault(tensor.var, perm)
        if tensor.perm == perm:
            return tensor
        order = tuple(tensor.perm.index(a) for a in perm)
        variable = self.let(tensor.var, f"{tensor.var}.permute{order}")
        return Tensor(variable, tensor.shape, perm)
