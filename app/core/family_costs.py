"""Counting rules of the layer families other than ConvLSTM (which counts in `conv_lstm.py`).

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

from app.core.costs import CostContext, CostFacts, cost_facts, counts, elements
from app.core.formula import dot, num
from app.core.records import LayerRecord, Shape
from app.core.registry import Namer, analyse
from app.core.shapes import prod
from app.core.translation import N_
from app.core.translation import gettext as _
from app.schema import (
    ActivationSpec,
    AveragePooling1DSpec,
    AveragePooling2DSpec,
    AveragePooling3DSpec,
    BatchNormalizationSpec,
    BidirectionalSpec,
    Conv1DSpec,
    Conv1DTransposeSpec,
    Conv2DSpec,
    Conv2DTransposeSpec,
    Conv3DSpec,
    Conv3DTransposeSpec,
    DenseSpec,
    DropoutSpec,
    FlattenSpec,
    GlobalAveragePooling1DSpec,
    GlobalAveragePooling2DSpec,
    GlobalAveragePooling3DSpec,
    GlobalMaxPooling1DSpec,
    GlobalMaxPooling2DSpec,
    GlobalMaxPooling3DSpec,
    LayerNormalizationSpec,
    LayerSpecBase,
    MaxPooling1DSpec,
    MaxPooling2DSpec,
    MaxPooling3DSpec,
    ReshapeSpec,
    SpatialDropout1DSpec,
    SpatialDropout2DSpec,
    SpatialDropout3DSpec,
    TimeDistributedSpec,
    UpSampling1DSpec,
    UpSampling2DSpec,
    UpSampling3DSpec,
)

_TAPS = {"nearest": 1, "area": 1, "bilinear": 4, "bicubic": 16, "lanczos3": 36, "lanczos5": 100}


def _channels(shape: Shape, spec: LayerSpecBase) -> int:
    return shape[1] if getattr(spec, "data_format", None) == "channels_first" else shape[-1]  # type: ignore[return-value]


def _nonlinear(activation: object) -> bool:
    return activation not in (None, "linear")


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


@counts(Conv1DSpec, Conv2DSpec, Conv3DSpec)
def conv_costs(spec: Conv2DSpec, record: LayerRecord, context: CostContext) -> CostFacts:
    n_out, k = elements(record.output_shape), prod(spec.kernel_size)
    c = _channels(record.input_shape, spec) // spec.groups
    return _weighted(spec, record, n_out * c * k, "N_out·(C/g)·K", [n_out, c, k])


@counts(Conv1DTransposeSpec, Conv2DTransposeSpec, Conv3DTransposeSpec)
def conv_transpose_costs(
    spec: Conv2DTransposeSpec, record: LayerRecord, context: CostContext
) -> CostFacts:
    n_in, k = elements(record.input_shape), prod(spec.kernel_size)
    return _weighted(spec, record, n_in * k * spec.filters, "N_in·K·F", [n_in, k, spec.filters])


@counts(DenseSpec)
def dense_costs(spec: DenseSpec, record: LayerRecord, context: CostContext) -> CostFacts:
    n_in = elements(record.input_shape)
    return _weighted(spec, record, n_in * spec.units, "N_in·units", [n_in, spec.units])


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


@counts(MaxPooling1DSpec, MaxPooling2DSpec, MaxPooling3DSpec)
def max_pooling_costs(
    spec: MaxPooling2DSpec, record: LayerRecord, context: CostContext
) -> CostFacts:
    n_in = elements(record.input_shape)
    window = prod(spec.pool_size)
    return _elementwise(
        record,
        window - 1,
        N_("window − 1 comparisons per output"),
        n_in,
        _("input {input} (where the maxima were)").format(input=num(n_in)),
    )


@counts(AveragePooling1DSpec, AveragePooling2DSpec, AveragePooling3DSpec)
def average_pooling_costs(
    spec: AveragePooling2DSpec, record: LayerRecord, context: CostContext
) -> CostFacts:
    window = prod(spec.pool_size)
    return _elementwise(record, window, N_("window − 1 adds + 1 division per output"))


@counts(GlobalMaxPooling1DSpec, GlobalMaxPooling2DSpec, GlobalMaxPooling3DSpec)
def global_max_costs(spec: LayerSpecBase, record: LayerRecord, context: CostContext) -> CostFacts:
    n_in = elements(record.input_shape)
    window = n_in // _channels(record.input_shape, spec)
    return _elementwise(
        record,
        window - 1,
        N_("cells − 1 comparisons per channel"),
        n_in,
        _("input {input} (where the maxima were)").format(input=num(n_in)),
    )


@counts(GlobalAveragePooling1DSpec, GlobalAveragePooling2DSpec, GlobalAveragePooling3DSpec)
def global_average_costs(
    spec: LayerSpecBase, record: LayerRecord, context: CostContext
) -> CostFacts:
    window = elements(record.input_shape) // _channels(record.input_shape, spec)
    return _elementwise(record, window, N_("cells − 1 adds + 1 division per channel"))


@counts(UpSampling1DSpec, UpSampling2DSpec, UpSampling3DSpec)
def up_sampling_costs(spec: LayerSpecBase, record: LayerRecord, context: CostContext) -> CostFacts:
    taps = _TAPS[getattr(spec, "interpolation", "nearest")]
    return _elementwise(record, 2 * taps - 1 if taps > 1 else 0, N_("2·taps − 1 per output"))


@counts(BatchNormalizationSpec, LayerNormalizationSpec)
def normalization_costs(
    spec: LayerSpecBase, record: LayerRecord, context: CostContext
) -> CostFacts:
    n_in = elements(record.input_shape)
    per = 2 + int(spec.scale) + int(spec.center)  # type: ignore[attr-defined]
    rule = "x − μ, ÷ σ" + (", × γ" if spec.scale else "") + (", + β" if spec.center else "")  # type: ignore[attr-defined]
    if isinstance(spec, LayerNormalizationSpec):
        per, rule = per + 3, rule + _(", mean and variance (3)")
    return _elementwise(record, per, rule, n_in, _("input {input}").format(input=num(n_in)))


@counts(DropoutSpec, SpatialDropout1DSpec, SpatialDropout2DSpec, SpatialDropout3DSpec)
def dropout_costs(spec: LayerSpecBase, record: LayerRecord, context: CostContext) -> CostFacts:
    n_out = elements(record.output_shape)
    return _elementwise(
        record, 0, N_("identity at inference"), n_out, _("mask {mask}").format(mask=num(n_out))
    )


@counts(FlattenSpec, ReshapeSpec)
def reshaping_costs(spec: LayerSpecBase, record: LayerRecord, context: CostContext) -> CostFacts:
    return _elementwise(record, 0, N_("a view of the same values"))


@counts(ActivationSpec)
def activation_costs(spec: ActivationSpec, record: LayerRecord, context: CostContext) -> CostFacts:
    n_out = elements(record.output_shape)
    per = 1 if _nonlinear(spec.activation) else 0
    return _elementwise(
        record,
        per,
        N_("one per element"),
        n_out * per,
        _("output {output}").format(output=num(n_out * per)),
    )


@counts(TimeDistributedSpec)
def time_distributed_costs(
    spec: TimeDistributedSpec, record: LayerRecord, context: CostContext
) -> CostFacts:
    """The wrapped layer's costs on one time step's slice, once per step."""
    inner = cost_facts(spec.layer, record.layer, context)  # type: ignore[arg-type]
    steps = record.input_shape[1]
    return CostFacts(
        steps=steps,  # type: ignore[arg-type]
        recurrent=inner.recurrent,
        macs=inner.macs * inner.steps,
        bias_adds=inner.bias_adds * inner.steps,
        elementwise=inner.elementwise * inner.steps + inner.elementwise_once,
        saved=inner.saved * inner.steps + inner.saved_once,
        working=elements(record.input_shape) + elements(record.output_shape),
        moved=inner.moved * inner.steps,
        texts=lambda: _each(
            inner.texts(),
            _("per step, the wrapped {type}: ").format(type=spec.layer.type),  # type: ignore[attr-defined]
            _("per step: "),
        ),
    )


def _each(texts: tuple[str, str, str], mac_prefix: str, prefix: str) -> tuple[str, str, str]:
    mac, flop, saved = texts
    return mac_prefix + mac, prefix + flop, prefix + saved


@counts(BidirectionalSpec)
def bidirectional_costs(
    spec: BidirectionalSpec, record: LayerRecord, context: CostContext
) -> CostFacts:
    """Forward plus backward copy; sum/ave/mul merges add one FLOP (ave two) per output."""
    forward_record = record.layer
    forward = cost_facts(spec.layer, forward_record, context)  # type: ignore[arg-type]
    backward = forward
    if spec.backward_layer is not None:
        backward_record = analyse(spec.backward_layer, record.input_shape, Namer(), 0)
        backward = cost_facts(spec.backward_layer, backward_record, context)
    outputs = record.output_shape
    merged = elements(outputs[0] if isinstance(outputs, list) else outputs)
    merge = {"sum": 1, "mul": 1, "ave": 2}.get(spec.merge_mode or "", 0) * merged
    return CostFacts(
        steps=forward.steps,
        recurrent=forward.recurrent,
        macs=forward.macs + backward.macs,
        bias_adds=forward.bias_adds + backward.bias_adds,
        elementwise=forward.elementwise + backward.elementwise,
        elementwise_once=forward.elementwise_once + backward.elementwise_once + merge,
        saved=forward.saved + backward.saved,
        saved_once=forward.saved_once + backward.saved_once,
        working=forward.working + backward.working,
        moved=forward.moved + backward.moved,
        texts=lambda: _merged(
            _each(forward.texts(), _("forward + backward, each "), _("forward + backward, each ")),
            _("; merge ({mode}) {flops}").format(mode=spec.merge_mode, flops=num(merge))
            if merge
            else "",
        ),
    )


def _merged(texts: tuple[str, str, str], merge: str) -> tuple[str, str, str]:
    mac, flop, saved = texts
    return mac, flop + merge, saved
