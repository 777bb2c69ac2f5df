"""Roofline latency estimate of one forward pass (an estimate, never a measurement).

Per layer and step: t = max(FLOPs·B / peak, bytes moved / bandwidth), with bytes moved =
params·b (weights read once per step) + moved activation elements·B·b. A layer's time is t ×
its steps (the recurrence is sequential); the model's is the sum over layers. It assumes perfect
overlap of compute and memory traffic and full use of the peak, so real runs are slower: it is
a lower bound. Two optional settings turn it into an estimate: `efficiency` (the fraction of the
peak and the bandwidth reached, dividing both rates) and `step_overhead_s` (a fixed cost per layer
and time step, e.g. a kernel launch, added to each step's time).

Peak throughput (dense, no sparsity) per dtype in TFLOPS (TOPS for int8) and memory bandwidth
in GB/s are the vendors' published figures; `None` where the device has no such mode.
"""

from __future__ import annotations

from dataclasses import dataclass

from app.core.errors import SpecError
from app.core.records import Deferred, LatencyReport, LayerCosts, LayerLatency, LayerRecord
from app.core.translation import N_
from app.core.translation import gettext as _


@dataclass(frozen=True)
class Device:
    label: str
    peak_tflops: dict[str, float]
    bandwidth_gb_s: float
    source: str


DEVICES: dict[str, Device] = {
    "nvidia-a100-sxm4-80gb": Device(
        "NVIDIA A100 SXM4 80GB",
        {"float64": 9.7, "float32": 19.5, "float16": 312, "bfloat16": 312, "int8": 624},
        2039,
        N_(
            "NVIDIA A100 Tensor Core GPU datasheet (FP32 19.5 TFLOPS; FP16/BF16 Tensor Core 312 "
            "TFLOPS and INT8 624 TOPS without sparsity; HBM2e 2,039 GB/s), nvidia.com/a100"
        ),
    ),
    "nvidia-h100-sxm5": Device(
        "NVIDIA H100 SXM5",
        {"float64": 34, "float32": 67, "float16": 989.5, "bfloat16": 989.5, "int8": 1979},
        3350,
        N_(
            "NVIDIA H100 Tensor Core GPU datasheet (FP32 67 TFLOPS; FP16/BF16 Tensor Core 1,979 "
            "TFLOPS and INT8 3,958 TOPS with sparsity, half without; 3.35 TB/s), nvidia.com/h100"
        ),
    ),
    "nvidia-t4": Device(
        "NVIDIA T4",
        {"float32": 8.1, "float16": 65, "int8": 130},
        320,
        N_(
            "NVIDIA T4 Tensor Core GPU datasheet (FP32 8.1 TFLOPS; mixed-precision FP16 65 "
            "TFLOPS; INT8 130 TOPS; GDDR6 320 GB/s; no bfloat16), nvidia.com/t4"
        ),
    ),
    "google-tpu-v4": Device(
        "Google Cloud TPU v4 (one chip)",
        {"bfloat16": 275, "int8": 275},
        1200,
        N_(
            "Google Cloud TPU v4 documentation (275 TFLOPS bf16/int8 per chip; HBM 1,200 GB/s), "
            "cloud.google.com/tpu/docs/v4"
        ),
    ),
    "intel-xeon-8380": Device(
        "Intel Xeon Platinum 8380 (one socket)",
        {"float64": 2.944, "float32": 5.888, "int8": 23.552},
        204.8,
        N_(
            "derived from Intel ARK figures (40 cores, 2.30 GHz base, 8 channels of DDR4-3200): "
            "40 × 2.3 GHz × 2 AVX-512 FMA units × 16 float32 lanes × 2 = 5.888 TFLOPS (float64 "
            "half, int8 with VNNI four times); 8 × 3,200 MT/s × 8 B = 204.8 GB/s"
        ),
    ),
}


def _device(name: str, dtype: str, peak: float | None, bandwidth: float | None) -> Device:
    if name == "custom":
        if peak is None or bandwidth is None:
            missing = "peak_tflops" if peak is None else "bandwidth_gb_s"
            raise SpecError(
                (missing,), _("device 'custom' needs {field}; received none").format(field=missing)
            )
        return Device(
            _("custom device"), {dtype: peak}, bandwidth, N_("values given in the request")
        )
    return DEVICES[name]


def latency_report(
    records: tuple[LayerRecord, ...],
    dtype: str,
    bytes_per_value: int,
    batch_size: int,
    device: str,
    peak_tflops: float | None = None,
    bandwidth_gb_s: float | None = None,
    efficiency: float = 1.0,
    step_overhead_s: float = 0.0,
) -> tuple[LatencyReport | None, str | None]:
    """(report, None), or (None, why not) when the device lacks the dtype or costs are missing."""
    chosen = _device(device, dtype, peak_tflops, bandwidth_gb_s)
    peak = chosen.peak_tflops.get(dtype)
    if peak is None:
        return None, _("{device} publishes no {dtype} peak; choose another dtype or device").format(
            device=chosen.label, dtype=dtype
        )
    if any(r.costs is None for r in records):
        return None, _("latency needs every layer's costs")
    rates = (
        bytes_per_value,
        batch_size,
        peak * 1e12 * efficiency,
        chosen.bandwidth_gb_s * 1e9 * efficiency,
    )
    return (
        LatencyReport(
            device=device,
            label=chosen.label,
            peak_tflops=peak,
            bandwidth_gb_s=chosen.bandwidth_gb_s,
            source=_(chosen.source),
            rows=Deferred(latency_rows, records, rates, step_overhead_s),
            seconds=_seconds(records, rates, step_overhead_s),
            rule=_rule(efficiency, step_overhead_s),
        ),
        None,
    )


def _seconds(
    records: tuple[LayerRecord, ...], rates: tuple[int, int, float, float], step_overhead_s: float
) -> float | None:
    """The model's estimate: Σ over layers of (per step time + overhead) × steps; `None` when
    some layer's number of steps is unknown."""
    total = 0.0
    for record in records:
        steps = _costs(record).steps
        if steps is None:
            return None
        total += (max(_roofline(record, *rates)) + step_overhead_s) * steps
    return total


def _costs(record: LayerRecord) -> LayerCosts:
    """The layer's costs; the report is only written once every layer has them."""
    if record.costs is None:
        raise ValueError(f"layer {record.name} has no costs to estimate a latency from")
    return record.costs


def _rule(efficiency: float, step_overhead_s: float) -> str:
    if efficiency == 1 and step_overhead_s == 0:
        return _(
            "per layer and step max(FLOPs × batch / peak, bytes moved / bandwidth), "
            "× steps, summed over layers; assumes the peak is reached"
        )
    return _(
        "per layer and step max(FLOPs × batch / ({efficiency} × peak), bytes moved / "
        "({efficiency} × bandwidth)) + {overhead} µs, × steps, summed over layers"
    ).format(efficiency=f"{efficiency:g}", overhead=f"{step_overhead_s * 1e6:g}")


def _roofline(
    record: LayerRecord,
    bytes_per_value: int,
    batch_size: int,
    flops_per_s: float,
    bytes_per_s: float,
) -> tuple[float, float]:
    """(compute, memory) seconds of one step of one layer over the batch."""
    costs = _costs(record)
    b = bytes_per_value
    moved = record.params * b + costs.moved_elements_per_step * batch_size * b
    return costs.flops_per_step * batch_size / flops_per_s, moved / bytes_per_s


def latency_rows(
    records: tuple[LayerRecord, ...],
    rates: tuple[int, int, float, float],
    step_overhead_s: float = 0.0,
) -> tuple[LayerLatency, ...]:
    """Each layer's estimate: the breakdown of the report's total, written when read."""
    rows = []
    for record in records:
        compute, memory = _roofline(record, *rates)
        per_step = max(compute, memory) + step_overhead_s
        steps = _costs(record).steps
        rows.append(
            LayerLatency(
                name=record.name,
                steps=steps,
                compute_seconds_per_step=compute,
                memory_seconds_per_step=memory,
                seconds_per_step=per_step,
                bound="compute" if compute >= memory else "memory",
                seconds=None if steps is None else per_step * steps,
            )
        )
    return tuple(rows)
