"""LoRA on Dense and Conv1D/2D/3D (`enable_lora` in `keras/src/layers/core/dense.py` and
`convolutional/base_conv.py`).

With `lora_rank` r, Keras 3.15.1 builds the full kernel, freezes it, and adds trainable
`lora_kernel_a` (kernel.shape[:-1] + (r,)) and `lora_kernel_b` (r, units); they are listed
after the bias.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from app.core.errors import SpecError
from app.core.formula import dot, num
from app.core.records import WeightRecord
from app.core.registry import weight
from app.core.translation import gettext as _


def check_lora(spec: Any) -> None:
    if spec.lora_rank is not None and spec.kernel_constraint is not None:
        raise SpecError(
            ("lora_rank",),
            _(
                "LoRA cannot be combined with a kernel_constraint (Keras refuses it); received "
                "lora_rank={rank} and kernel_constraint={constraint}: remove one of them"
            ).format(rank=spec.lora_rank, constraint=repr(spec.kernel_constraint)),
        )


def freeze_for_lora(kernel: WeightRecord, rank: int | None) -> WeightRecord:
    return kernel if rank is None else replace(kernel, trainable=False)


def lora_weights(kernel: WeightRecord, rank: int | None) -> list[WeightRecord]:
    """The two trainable low-rank factors, or none without `lora_rank`."""
    if rank is None:
        return []
    return [
        weight("lora_kernel_a", (*kernel.shape[:-1], rank)),
        weight("lora_kernel_b", (rank, kernel.shape[-1])),
    ]


def lora_note(kernel: WeightRecord, factors: list[WeightRecord], base: int) -> str:
    """`; LoRA adds 3·3·3·2 + 2·4 = 62 trainable, freezes the 108 kernel weights: 174 in all`."""
    if not factors:
        return ""
    added = sum(f.count for f in factors)
    terms = " + ".join(dot(f.shape) for f in factors)
    return _(
        "; LoRA adds {terms} = {added} trainable and freezes the {kernel} kernel weights: "
        "{total} in all"
    ).format(terms=terms, added=num(added), kernel=num(kernel.count), total=num(base + added))
