"""Shared pieces of the layer families' counting rules (each rule lives in its family module).

One sample, forward pass; N_in / N_out are the elements of one sample's input / output.
- Conv: MACs = N_out·(C/groups)·K; transposed conv: MACs = P_in·C·K·F (every input element
  meets every kernel tap); Dense: MACs = N_in·units. Bias: N_out adds; activation: N_out.
  LoRA (Keras merges `kernel + a @ b` at every call): + prod(a)·columns(b) MACs.
- Pooling: max = window − 1 comparisons per output element; average = window − 1 adds and
  one division = window FLOPs. UpSampling: nearest copies (0); interpolation
  (2·taps − 1) per output element.
- Normalisation: subtract, scale by 1/σ (2), + γ (scale) + β (center) per element;
  LayerNormalization adds 3 per element for its per-sample mean and variance.
- Dropout, Flatten, Reshape: no FLOPs (dropout is the identity at inference).
Saved for backward: a layer with a kernel keeps its input; an activation keeps its output;
max pooling and normalisation keep their input; dropout keeps its mask (N_out elements).
Working set (inference): input + output.
"""

from __future__ import annotations

from app.core.costs import CostFacts, elements
from app.core.formula import dot, num
from app.core.keras_objects import is_linear
from app.core.records import LayerRecord, Shape
from app.core.shapes import known, prod, single
from app.core.spec_base import LayerSpecBase
from app.core.translation import gettext as _


def _channels(shape: Shape | list[Shape], spec: LayerSpecBase) -> int:
    """C of a one-tensor record from the walk with concrete sizes."""
    sizes = known(single(shape)[1:])
    return sizes[0] if getattr(spec, "data_format", None) == "channels_first" else sizes[-1]


def _nonlinear(activation: object) -> bool:
    """An activation layer object costs what its function costs: one FLOP per element."""
    return not is_linear(activation)


def _lora_macs(record: LayerRecord) -> int:
    weights = {w.name: w.shape for w in record.weights}
    if "lora_kernel_a" not in weights:
        return 0
    return prod(weights["lora_kernel_a"]) * weights["lora_kernel_b"][-1]


def _weighted(
    spec: LayerSpecBase, record: LayerRecord, macs: int, rule: str, factors: list[int]
) -> CostFacts:
    """Conv, transposed conv and Dense: MACs (`rule` = `factors` multiplied out), then bias and
    activation per output element."""
    n_in, n_out = elements(record.input_shape), elements(record.output_shape)
    lora = _lora_macs(record)
    bias = n_out if getattr(spec, "use_bias", False) else 0
    act = n_out if _nonlinear(getattr(spec, "activation", None)) else 0
    return CostFacts(
        macs=macs + lora,
        bias_adds=bias,
        elementwise=bias + act,
        saved=n_in + act,
        working=n_in + n_out,
        moved=n_in + n_out,
        texts=lambda: (
            f"{rule} = {dot(factors)}"
            + (_(" + LoRA merge {macs}").format(macs=num(lora)) if lora else "")
            + f" = {num(macs + lora)}",
            _("2 × {macs} + {bias} bias adds + {activations} activations = {flops}").format(
                macs=num(macs + lora),
                bias=num(bias),
                activations=num(act),
                flops=num(2 * (macs + lora) + bias + act),
            ),
            _("input {input} + activation output {output}").format(input=num(n_in), output=num(act))
            if act
            else _("input {input}").format(input=num(n_in)),
        ),
    )


def _elementwise(
    record: LayerRecord, per_output: int, rule: str, saved: int = 0, saved_rule: str = ""
) -> CostFacts:
    """A layer without matrix work: `per_output` FLOPs per output element."""
    n_in, n_out = elements(record.input_shape), elements(record.output_shape)
    return CostFacts(
        macs=0,
        elementwise=per_output * n_out,
        saved=saved,
        working=n_in + n_out,
        moved=n_in + n_out,
        texts=lambda: (
            _("no convolution or matrix product: 0"),
            f"{_(rule)}: {dot([per_output, n_out])} = {num(per_output * n_out)}"
            if per_output
            else f"{_(rule)}: 0",
            saved_rule or _("nothing: 0"),
        ),
    )
