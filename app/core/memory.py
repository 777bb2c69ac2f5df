"""Training and inference memory of the model (rules in `docs/costs.md`).

With b bytes per value (the request's dtype), B the batch size and n the parameters:
    weights = n·b          gradients = n_trainable·b
    optimizer state = slots · n_trainable · b   (SGD 0, SGD+momentum 1, RMSprop 1, Adam/AdamW 2:
                      Keras's `momentums`, `velocities`, `accumulators` per trainable variable)
    activations kept for backpropagation = Σ saved elements per sample · B · b
    training = weights + gradients + optimizer state + activations
    inference = weights + the largest layer working set · B · b (one layer runs at a time)
Every value is kept in the one dtype; mixed-precision float32 master copies are not modelled.
"""

from __future__ import annotations

from app.core.records import LayerRecord, MemoryReport, Size

OPTIMIZER_SLOTS = {"sgd": 0, "sgd_momentum": 1, "rmsprop": 1, "adam": 2, "adamw": 2}


def memory_report(
    records: tuple[LayerRecord, ...],
    dtype: str,
    bytes_per_value: int,
    batch_size: int,
    optimizer: str,
) -> MemoryReport | None:
    """`None` when some layer has no costs (unknown sizes)."""
    if any(r.costs is None for r in records):
        return None
    b, slots = bytes_per_value, OPTIMIZER_SLOTS[optimizer]
    params = sum(r.params for r in records)
    trainable = sum(r.trainable_params for r in records)
    saved = [r.costs.saved_elements for r in records]  # type: ignore[union-attr]
    activations = None if None in saved else sum(saved) * batch_size * b  # type: ignore[arg-type]
    peak = max(records, key=lambda r: r.costs.working_elements)  # type: ignore[union-attr]
    fixed = (params + trainable + slots * trainable) * b
    return MemoryReport(
        dtype=dtype,
        bytes_per_value=b,
        batch_size=batch_size,
        optimizer=optimizer,
        optimizer_slots=slots,
        weights=Size(bytes=params * b),
        gradients=Size(bytes=trainable * b),
        optimizer_state=Size(bytes=slots * trainable * b),
        activations=None if activations is None else Size(bytes=activations),
        training=None if activations is None else Size(bytes=fixed + activations),
        inference=Size(bytes=params * b + peak.costs.working_elements * batch_size * b),  # type: ignore[union-attr]
        peak_layer=peak.name,
    )
