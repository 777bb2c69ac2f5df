"""One translator per Keras layer family: the PyTorch module and `forward` lines it writes.

A translator takes the layer's spec, the tensors it is called on (`torch_emit.Tensor`, which
know their layout) and a `Call`; it asks for the layout its torch layer needs (`code.to`),
registers the module once per layer (so a shared layer is one module) and returns the output
tensors, with Keras's shapes (from the core's analyser, under the `pytorch` convention) and
their torch layouts. Counts follow the core: each torch layer holds the weights Keras's does.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from app.core.conventions import using_convention
from app.core.errors import SpecError
from app.core.records import Shape
from app.core.registry import Namer, analyse, snake_case
from app.core.shapes import transpose_output_length
from app.core.translation import gettext as _
from app.interop.torch_activations import apply, uses_linear
from app.interop.torch_emit import Code, Perm, Tensor, channels_at, identity
from app.schema import LayerSpecBase


@dataclass(frozen=True)
class Call:
    """One call of a layer: where to write, the module key (a shared layer's calls share it),
    the attribute name to use, and the initial states it receives (graph models)."""

    code: Code
    key: str
    hint: str
    states: tuple[Tensor, ...] = ()

    def inner(self, suffix: str) -> Call:
        return Call(self.code, f"{self.key}/{suffix}", f"{self.hint}_{suffix}")


Translator = Callable[[Any, list[Tensor], Call], list[Tensor]]
TRANSLATORS: dict[str, Translator] = {}


def translates(*types: str) -> Callable[[Translator], Translator]:
    def register(fn: Translator) -> Translator:
        for name in types:
            TRANSLATORS[name] = fn
        return fn

    return register


def refuse(spec: LayerSpecBase, field: str, why: str) -> SpecError:
    return SpecError(
        (field,),
        _("{type} cannot be written as PyTorch code: {reason}").format(type=spec.type, reason=why),
    )


def translate(spec: LayerSpecBase, inputs: list[Tensor], call: Call) -> list[Tensor]:
    translator = TRANSLATORS.get(spec.type)
    if translator is None:
        raise SpecError(
            ("type",),
            _(
                "{type} has no PyTorch translation yet; the exported code would miss it, "
                "so nothing is exported"
            ).format(type=spec.type),
        )
    if not spec.trainable:
        call.code.frozen_keys.add(call.key)
    return translator(spec, inputs, call)


def output_shapes(spec: LayerSpecBase, received: Shape | list[Shape]) -> list[Shape]:
    """Keras's output shapes of `spec` on `received`, as the core computes them."""
    with using_convention("pytorch"):
        shape = analyse(spec, received, Namer(), 0).output_shape
    return shape if isinstance(shape, list) else [shape]


def emit(
    call: Call, module: str, arguments: str, shapes: list[Shape], perms: list[Perm]
) -> list[Tensor]:
    """`a, b = self.m(args)`: one variable per output."""
    names = [
        call.code.name(call.hint if len(shapes) == 1 else f"{call.hint}_{i}")
        for i in range(len(shapes))
    ]
    call.code.forward.append(f"{', '.join(names)} = {module}({arguments})")
    return [Tensor(n, s, p) for n, s, p in zip(names, shapes, perms, strict=True)]


def single(call: Call, expression: str, shape: Shape, perm: tuple[int, ...]) -> list[Tensor]:
    return [Tensor(call.code.let(call.hint, expression), shape, perm)]


def _tuple(values: Any) -> str:
    values = tuple(values)
    return repr(values[0]) if len(set(values)) == 1 else repr(values)


def _channels_first(spec: Any, x: Tensor, lead: int = 1) -> tuple[int, ...]:
    """The torch layout a conv-style layer needs: channels right after batch (and time)."""
    if getattr(spec, "data_format", None) == "channels_first":
        return identity(x.rank)
    return channels_at(x.rank, x.rank - 1, lead)


def _activate(call: Call, spec: Any, expression: str, dim: int) -> str:
    if uses_linear(spec.activation):
        return expression
    return apply(spec.activation, expression, dim)


# --- Convolutions --------------------------------------------------------------------------


def _padded(
    code: Code, spec: Any, x: str, kernel: Any, strides: Any, dilation: Any
) -> tuple[str, str]:
    """(the input expression, torch's `padding=` argument) for Keras's padding."""
    padding = getattr(spec, "padding", "valid")
    if padding == "valid":
        return x, "0"
    if padding == "causal":  # Conv1D: the whole d·(k − 1) before the sequence
        return f"F.pad({x}, ({dilation[0] * (kernel[0] - 1)}, 0))", "0"
    if all(s == 1 for s in strides):
        return x, '"same"'
    code.helpers.add("same_pad")
    return f"same_pad({x}, {tuple(kernel)}, {tuple(strides)}, {tuple(dilation)})", "0"


def _crop(before: int, after: int) -> str:
    """A slice dropping `before` and `after` elements, whatever the axis's size."""
    return f"{before or ''}:{-after if after else ''}"


def _lora(spec: Any, layer: str) -> str:
    rank = getattr(spec, "lora_rank", None)
    return layer if rank is None else f"LoRA({layer}, {rank})"


@translates("Conv1D", "Conv2D", "Conv3D")
def conv(spec: Any, inputs: list[Tensor], call: Call) -> list[Tensor]:
    code, r = call.code, spec.rank
    x = code.to(inputs[0], _channels_first(spec, inputs[0]))
    c = x.torch_shape()[1]
    k, s, d = spec.kernel_size, spec.strides, spec.dilation_rate
    source, padding = _padded(code, spec, x.var, k, s, d)
    layer = (
        f"nn.Conv{r}d({c}, {spec.filters}, {_tuple(k)}, stride={_tuple(s)}, "
        f"padding={padding}, dilation={_tuple(d)}, groups={spec.groups}, "
        f"bias={spec.use_bias})"
    )
    if spec.lora_rank is not None:
        code.helpers.add("LoRA")
    module = code.module(call.key, call.hint, _lora(spec, layer))
    (shape,) = output_shapes(spec, inputs[0].shape)
    return single(call, _activate(call, spec, f"{module}({source})", 1), shape, x.perm)


@translates("Conv1DTranspose", "Conv2DTranspose", "Conv3DTranspose")
def conv_transpose(spec: Any, inputs: list[Tensor], call: Call) -> list[Tensor]:
    """torch's transposed convolution gives (n − 1)·s + d·(k − 1) + 1 + output_padding per axis;
    Keras's length is that, or shorter by what 'same' crops (the larger half after)."""
    code, r = call.code, spec.rank
    x = code.to(inputs[0], _channels_first(spec, inputs[0]))
    c = x.torch_shape()[1]
    (shape,) = output_shapes(spec, inputs[0].shape)
    k, s, d = spec.kernel_size, spec.strides, spec.dilation_rate
    paddings = spec.output_padding or (None,) * r
    # Keras's length less torch's (n − 1)·s + d·(k − 1) + 1 does not depend on n: a probe
    # length serves when a size is unknown.
    gaps = [
        transpose_output_length(8, ki, si, spec.padding, pi, di) - (7 * si + di * (ki - 1) + 1)
        for ki, si, di, pi in zip(k, s, d, paddings, strict=True)
    ]
    extra = [max(g, 0) for g in gaps]  # grown with torch's output_padding (< stride)
    layer = (
        f"nn.ConvTranspose{r}d({c}, {spec.filters}, {_tuple(k)}, stride={_tuple(s)}, "
        f"output_padding={_tuple(extra)}, dilation={_tuple(d)}, bias={spec.use_bias})"
    )
    module = code.module(call.key, call.hint, layer)
    expression = f"{module}({x.var})"
    if any(g < 0 for g in gaps):  # 'same' crops: the smaller half before
        expression += "[:, :, " + ", ".join(_crop(-g // 2, -g - -g // 2) for g in gaps) + "]"
    return single(call, _activate(call, spec, expression, 1), shape, x.perm)


@translates("DepthwiseConv1D", "DepthwiseConv2D", "SeparableConv1D", "SeparableConv2D")
def depthwise(spec: Any, inputs: list[Tensor], call: Call) -> list[Tensor]:
    """A depthwise convolution is torch's Conv with groups = C and C·M outputs; a separable one
    is that (no bias) and a 1×1 Conv to `filters` (Keras's bias is the pointwise one)."""
    code, r = call.code, spec.rank
    x = code.to(inputs[0], _channels_first(spec, inputs[0]))
    c = x.torch_shape()[1]
    k, s, d, m = spec.kernel_size, spec.strides, spec.dilation_rate, spec.depth_multiplier
    source, padding = _padded(code, spec, x.var, k, s, d)
    separable = hasattr(spec, "filters")
    layer = (
        f"nn.Conv{r}d({c}, {c * m}, {_tuple(k)}, stride={_tuple(s)}, padding={padding}, "
        f"dilation={_tuple(d)}, groups={c}, bias={spec.use_bias and not separable})"
    )
    if separable:
        layer = (
            f"nn.Sequential({layer}, nn.Conv{r}d({c * m}, {spec.filters}, 1, bias={spec.use_bias}))"
        )
    module = code.module(call.key, call.hint, layer)
    (shape,) = output_shapes(spec, inputs[0].shape)
    return single(call, _activate(call, spec, f"{module}({source})", 1), shape, x.perm)


@translates("Dense")
def dense(spec: Any, inputs: list[Tensor], call: Call) -> list[Tensor]:
    """nn.Linear works on the last axis, as Dense does: only that axis's place matters."""
    code, x = call.code, inputs[0]
    if x.perm[-1] != x.rank - 1:
        x = code.to(x, identity(x.rank))
    layer = f"nn.Linear({x.shape[-1]}, {spec.units}, bias={spec.use_bias})"
    if spec.lora_rank is not None:
        code.helpers.add("LoRA")
    module = code.module(call.key, call.hint, _lora(spec, layer))
    (shape,) = output_shapes(spec, inputs[0].shape)
    return single(call, _activate(call, spec, f"{module}({x.var})", -1), shape, x.perm)


# --- Pooling, resampling, margins ----------------------------------------------------------


def _spatial_axes(spec: Any, x: Tensor) -> list[int]:
    """The Keras positions of a conv-style input's spatial axes."""
    first = 2 if getattr(spec, "data_format", None) == "channels_first" else 1
    return list(range(first, first + spec.rank))


@translates(*(f"{kind}Pooling{r}D" for kind in ("Max", "Average") for r in (1, 2, 3)))
def pooling(spec: Any, inputs: list[Tensor], call: Call) -> list[Tensor]:
    """'same' pads as Keras does; an average then divides by the window's real elements only
    (Keras's rule), the pooled ones of the padded input."""
    code, r = call.code, spec.rank
    x = code.to(inputs[0], _channels_first(spec, inputs[0]))
    pool, strides = spec.pool_size, spec.strides or spec.pool_size
    kind = "Max" if spec.type.startswith("Max") else "Avg"
    module = code.module(
        call.key, call.hint, f"nn.{kind}Pool{r}d({_tuple(pool)}, stride={_tuple(strides)})"
    )
    (shape,) = output_shapes(spec, inputs[0].shape)
    if spec.padding == "valid":
        return single(call, f"{module}({x.var})", shape, x.perm)
    code.helpers.add("same_pad")
    ones = (1,) * r
    if kind == "Max":
        padded = f"same_pad({x.var}, {pool}, {strides}, {ones}, float('-inf'))"
        return single(call, f"{module}({padded})", shape, x.perm)
    total = f"{module}(same_pad({x.var}, {pool}, {strides}, {ones}))"
    count = f"{module}(same_pad(torch.ones_like({x.var}[:, :1]), {pool}, {strides}, {ones}))"
    return single(call, f"{total} / {count}", shape, x.perm)


@translates(*(f"Global{kind}Pooling{r}D" for kind in ("Max", "Average") for r in (1, 2, 3)))
def global_pooling(spec: Any, inputs: list[Tensor], call: Call) -> list[Tensor]:
    x = inputs[0]
    dims = tuple(sorted(x.axis(a) for a in _spatial_axes(spec, x)))
    op = "amax" if "Max" in spec.type else "mean"
    (shape,) = output_shapes(spec, x.shape)
    expression = f"{x.var}.{op}(dim={dims}{', keepdim=True' if spec.keepdims else ''})"
    return single(call, expression, shape, x.perm if spec.keepdims else (0, 1))


@translates("UpSampling1D", "UpSampling2D", "UpSampling3D")
def upsampling(spec: Any, inputs: list[Tensor], call: Call) -> list[Tensor]:
    code, r = call.code, spec.rank
    mode = getattr(spec, "interpolation", "nearest")
    if mode not in ("nearest", "bilinear", "bicubic"):
        raise refuse(
            spec,
            "interpolation",
            _("torch has no '{mode}' resize; use nearest, bilinear or bicubic").format(mode=mode),
        )
    x = code.to(
        inputs[0],
        channels_at(inputs[0].rank, inputs[0].rank - 1, 1)
        if r == 1
        else _channels_first(spec, inputs[0]),
    )
    size = (spec.size,) if r == 1 else spec.size
    extra = ", align_corners=False" if mode != "nearest" else ""
    module = code.module(
        call.key, call.hint, f"nn.Upsample(scale_factor={_tuple(size)}, mode={mode!r}{extra})"
    )
    (shape,) = output_shapes(spec, inputs[0].shape)
    return single(call, f"{module}({x.var})", shape, x.perm)


@translates(*(f"{kind}{r}D" for kind in ("ZeroPadding", "Cropping") for r in (1, 2, 3)))
def margins(spec: Any, inputs: list[Tensor], call: Call) -> list[Tensor]:
    """`F.pad` / slicing of the spatial axes, wherever they are in torch."""
    x = inputs[0]
    axes = [1] if spec.type == "Cropping1D" else _spatial_axes(spec, x)
    (shape,) = output_shapes(spec, x.shape)
    by_axis = {x.axis(a): pair for a, pair in zip(axes, spec.margins, strict=True)}
    if spec.type.startswith("ZeroPadding"):
        pads: list[int] = []
        for position in range(x.rank - 1, min(by_axis) - 1, -1):
            pads += list(by_axis.get(position, (0, 0)))
        return single(call, f"F.pad({x.var}, {tuple(pads)})", shape, x.perm)
    index = [_crop(*by_axis[p]) if p in by_axis else ":" for p in range(max(by_axis) + 1)]
    return single(call, f"{x.var}[{', '.join(index)}]", shape, x.perm)


# --- Dropout, normalisation ----------------------------------------------------------------


@translates("Dropout")
def dropout(spec: Any, inputs: list[Tensor], call: Call) -> list[Tensor]:
    module = call.code.module(call.key, call.hint, f"nn.Dropout({spec.rate})")
    return single(call, f"{module}({inputs[0].var})", inputs[0].shape, inputs[0].perm)


@translates("SpatialDropout1D", "SpatialDropout2D", "SpatialDropout3D")
def spatial_dropout(spec: Any, inputs: list[Tensor], call: Call) -> list[Tensor]:
    """torch's Dropout{1,2,3}d drop whole channels of a channels-first input, as Keras's do."""
    x = call.code.to(inputs[0], _channels_first(spec, inputs[0]))
    module = call.code.module(call.key, call.hint, f"nn.Dropout{spec.rank}d({spec.rate})")
    return single(call, f"{module}({x.var})", x.shape, x.perm)


def _affine(call: Call, norm: str, shape: tuple[int, ...], scale: bool, center: bool) -> str:
    """`norm` followed by Keras's γ/β when only one of them is on (torch's `affine` is both)."""
    if scale == center:
        return norm
    call.code.helpers.add("Affine")
    return f"nn.Sequential({norm}, Affine({shape}, scale={scale}, center={center}))"


@translates("BatchNormalization")
def batch_normalization(spec: Any, inputs: list[Tensor], call: Call) -> list[Tensor]:
    """torch's BatchNorm normalises axis 1: Keras's `axis` goes there. γ, β are parameters;
    the moving mean and variance (Keras's non-trainable weights) are torch buffers."""
    if spec.renorm:
        raise refuse(spec, "renorm", _("torch's BatchNorm has no batch renormalization"))
    x = inputs[0]
    axis = spec.axis % x.rank
    x = call.code.to(x, channels_at(x.rank, axis, 1))
    c = x.shape[axis]
    nd = {2: 1, 3: 1, 4: 2, 5: 3}.get(x.rank, 1)
    both = spec.scale and spec.center
    norm = (
        f"nn.BatchNorm{nd}d({c}, eps={spec.epsilon}, momentum={1 - spec.momentum:.6g}, "
        f"affine={both})"
    )
    broadcast = (c, *([1] * (min(x.rank, 3 if x.rank > 5 else x.rank) - 2)))
    module = call.code.module(
        call.key, call.hint, _affine(call, norm, broadcast, spec.scale, spec.center)
    )
    source = f"{x.var}.flatten(2)" if x.rank > 5 else x.var
    expression = f"{module}({source})" + (f".view_as({x.var})" if x.rank > 5 else "")
    return single(call, expression, x.shape, x.perm)


@translates("LayerNormalization")
def layer_normalization(spec: Any, inputs: list[Tensor], call: Call) -> list[Tensor]:
    """torch's LayerNorm normalises the trailing axes: Keras's `axis` go last, in order."""
    x = inputs[0]
    given = spec.axis if isinstance(spec.axis, list) else [spec.axis]
    axes = sorted({a % x.rank for a in given})
    x = call.code.to(x, (*(a for a in x.perm if a not in axes), *axes))
    shape = tuple(x.shape[a] for a in axes)
    if not spec.scale and not spec.center:  # no weights: sizes read at run time (may be None)
        expression = f"F.layer_norm({x.var}, {x.var}.shape[-{len(axes)}:], eps={spec.epsilon})"
        return single(call, expression, x.shape, x.perm)
    affine = f"elementwise_affine={spec.scale}" + (
        ", bias=False" if spec.scale and not spec.center else ""
    )
    norm = f"nn.LayerNorm({shape}, eps={spec.epsilon}, {affine})"
    if spec.center and not spec.scale:
        call.code.helpers.add("Affine")
        norm = f"nn.Sequential({norm}, Affine({shape}, scale=False, center=True))"
    module = call.code.module(call.key, call.hint, norm)
    return single(call, f"{module}({x.var})", x.shape, x.perm)


@translates("GroupNormalization")
def group_normalization(spec: Any, inputs: list[Tensor], call: Call) -> list[Tensor]:
    x = inputs[0]
    axis = spec.axis % x.rank
    x = call.code.to(x, channels_at(x.rank, axis, 1))
    c = x.shape[axis]
    groups = c if spec.groups == -1 else spec.groups
    others = [d for a, d in enumerate(x.shape) if a not in (0, axis)]
    if c // groups == 1 and all(d == 1 for d in others):
        raise refuse(
            spec,
            "groups",
            _(
                "each group holds one value, which torch's GroupNorm "
                "refuses to normalise (Keras gives β); use fewer groups"
            ),
        )
    both = spec.scale and spec.center
    norm = f"nn.GroupNorm({groups}, {c}, eps={spec.epsilon}, affine={both})"
    broadcast = (c, *([1] * (x.rank - 2)))
    module = call.code.module(
        call.key, call.hint, _affine(call, norm, broadcast, spec.scale, spec.center)
    )
    return single(call, f"{module}({x.var})", x.shape, x.perm)


# --- Reshaping -----------------------------------------------------------------------------


@translates("Flatten")
def flatten(spec: Any, inputs: list[Tensor], call: Call) -> list[Tensor]:
    """Keras's element order: channels last (a channels_first Flatten moves them last first)."""
    x = inputs[0]
    (shape,) = output_shapes(spec, x.shape)
    if x.rank <= 2:
        return [Tensor(x.var, shape, (0, 1))]
    order = identity(x.rank)
    if spec.data_format == "channels_first":
        order = (0, *range(2, x.rank), 1)
    x = call.code.to(x, order)
    return single(call, f"{x.var}.flatten(1)", shape, (0, 1))


@translates("Reshape")
def reshape(spec: Any, inputs: list[Tensor], call: Call) -> list[Tensor]:
    x = call.code.to(inputs[0], identity(inputs[0].rank))
    (shape,) = output_shapes(spec, x.shape)
    target = ", ".join(str(d) for d in spec.target_shape)
    return single(call, f"{x.var}.reshape({x.var}.shape[0], {target})", shape, identity(len(shape)))


@translates("Permute")
def permute(spec: Any, inputs: list[Tensor], call: Call) -> list[Tensor]:
    x = call.code.to(inputs[0], identity(inputs[0].rank))
    (shape,) = output_shapes(spec, x.shape)
    return single(call, f"{x.var}.permute{(0, *spec.dims)}", shape, identity(len(shape)))


@translates("RepeatVector")
def repeat_vector(spec: Any, inputs: list[Tensor], call: Call) -> list[Tensor]:
    x = call.code.to(inputs[0], identity(inputs[0].rank))
    (shape,) = output_shapes(spec, x.shape)
    return single(call, f"{x.var}.unsqueeze(1).repeat(1, {spec.n}, 1)", shape, (0, 1, 2))


# --- Activations ---------------------------------------------------------------------------


@translates("Activation")
def activation(spec: Any, inputs: list[Tensor], call: Call) -> list[Tensor]:
    x = inputs[0]
    return single(call, apply(spec.activation, x.var, x.axis(-1)), x.shape, x.perm)


@translates("ReLU")
def relu(spec: Any, inputs: list[Tensor], call: Call) -> list[Tensor]:
    """Keras's ReLU: x from `threshold` up to `max_value`, slope·(x − threshold) below."""
    x = inputs[0]
    if spec.negative_slope == 0 and spec.threshold == 0:
        expression = f"torch.relu({x.var})"
    else:
        expression = (
            f"torch.where({x.var} >= {spec.threshold}, {x.var}, "
            f"{spec.negative_slope} * ({x.var} - {spec.threshold}))"
        )
    if spec.max_value is not None:
        expression = f"torch.clamp({expression}, max={spec.max_value})"
    return single(call, expression, x.shape, x.perm)


@translates("LeakyReLU")
def leaky_relu(spec: Any, inputs: list[Tensor], call: Call) -> list[Tensor]:
    x = inputs[0]
    return single(call, f"F.leaky_relu({x.var}, {spec.negative_slope})", x.shape, x.perm)


@translates("ELU")
def elu(spec: Any, inputs: list[Tensor], call: Call) -> list[Tensor]:
    x = inputs[0]
    return single(call, f"F.elu({x.var}, {spec.alpha})", x.shape, x.perm)


@translates("Softmax")
def softmax(spec: Any, inputs: list[Tensor], call: Call) -> list[Tensor]:
    x = inputs[0]
    if isinstance(spec.axis, int):
        return single(call, f"torch.softmax({x.var}, dim={x.axis(spec.axis)})", x.shape, x.perm)
    dims = tuple(sorted({x.axis(a) for a in spec.axis}))
    expression = f"torch.exp({x.var} - torch.logsumexp({x.var}, dim={dims}, keepdim=True))"
    return single(call, expression, x.shape, x.perm)


@translates("PReLU")
def prelu(spec: Any, inputs: list[Tensor], call: Call) -> list[Tensor]:
    """One slope per element (size 1 along `shared_axes`), laid out as the torch tensor is."""
    x = inputs[0]
    shared = spec.shared_axes
    shared = set() if shared is None else {shared} if isinstance(shared, int) else set(shared)
    shape = tuple(1 if a in shared else x.shape[a] for a in x.perm[1:])
    call.code.helpers.add("PReLU")
    module = call.code.module(call.key, call.hint, f"PReLU({shape})")
    return single(call, f"{module}({x.var})", x.shape, x.perm)


# --- Merges --------------------------------------------------------------------------------

_MERGES = {"Add": " + ", "Subtract": " - ", "Multiply": " * "}


@translates("Concatenate", "Add", "Subtract", "Multiply", "Average", "Maximum", "Minimum")
def merge(spec: Any, inputs: list[Tensor], call: Call) -> list[Tensor]:
    """torch.cat along Keras's axis; the element-wise merges as operators (inputs broadcast, as
    in Keras, once all are in one layout)."""
    code = call.code
    (shape,) = output_shapes(spec, [t.shape for t in inputs])
    same_rank = len({t.rank for t in inputs}) == 1
    perm = inputs[0].perm if same_rank else identity(len(shape))
    xs = [code.to(t, perm if same_rank else identity(t.rank)) for t in inputs]
    names = [t.var for t in xs]
    if spec.type == "Concatenate":
        dim = Tensor("", shape, perm).axis(spec.axis)
        return single(call, f"torch.cat([{', '.join(names)}], dim={dim})", shape, perm)
    if spec.type in _MERGES:
        return single(call, _MERGES[spec.type].join(names), shape, perm)
    if spec.type == "Average":
        return single(call, f"({' + '.join(names)}) / {len(names)}", shape, perm)
    op = "torch.maximum" if spec.type == "Maximum" else "torch.minimum"
    expression = names[0]
    for name in names[1:]:
        expression = f"{op}({expression}, {name})"
    return single(call, expression, shape, perm)


# --- Wrappers and nested models ------------------------------------------------------------


@translates("TimeDistributed")
def time_distributed(spec: Any, inputs: list[Tensor], call: Call) -> list[Tensor]:
    """The wrapped layer on (batch·time, ...): flatten the two leading axes, unflatten after."""
    code, x = call.code, inputs[0]
    if x.perm[:2] != (0, 1):
        x = code.to(x, identity(x.rank))
    flat = code.let(f"{call.hint}_steps", f"{x.var}.flatten(0, 1)")
    step = Tensor(flat, (None, *x.shape[2:]), (0, *(p - 1 for p in x.perm[2:])))
    inner_name = spec.layer.name or snake_case(spec.layer.type)
    (y,) = translate(spec.layer, [step], call.inner(inner_name))
    (shape,) = output_shapes(spec, x.shape)
    return single(
        call,
        f"{y.var}.unflatten(0, {x.var}.shape[:2])",
        shape,
        (0, 1, *(q + 1 for q in y.perm[1:])),
    )


@translates("Sequential")
def sequential(spec: Any, inputs: list[Tensor], call: Call) -> list[Tensor]:
    """A nested model: its layers in turn, as modules named `<model>_<layer>`."""
    namer = Namer()
    tensors = inputs
    for layer in spec.layers:
        tensors = translate(layer, tensors, call.inner(namer.name(layer)))
    return tensors
