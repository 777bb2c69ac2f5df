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

from app.core.records import LayerCosts, LayerRecord, MemoryReport, Size

OPTIMIZER_SLOTS = {"sgd": 0, "sgd_momentum": 1, "rmsprop": 1, "adam": 2, "adamw": 2}


def memory_report(
    records: tuple[LayerRecord, ...],
    dtype: str,
    bytes_per_value: int,
    batch_size: int,
    optimizer: str,
) -> MemoryReport | None:
    """`None` when some layer has no costs (unknown sizes)."""
    costs: list[LayerCosts] = [r.costs for r in records if r.costs is not None]
    if len(costs) < len(records):
        return None
    b, slots = bytes_per_value, OPTIMIZER_SLOTS[optimizer]
    params = sum(r.params for r in records)
    trainable = sum(r.trainable_params for r in records)
    saved = [c.saved_elements for c in costs if c.saved_elements is not None]
    activations = sum(saved) * batch_size * b if len(saved) == len(costs) else None
    peak, peak_costs = max(zip(records, costs, strict=True), key=lambda rc: rc[1].working_elements)
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
        inference=Size(bytes=params * b + peak_costs.working_elements * batch_size * b),
        peak_layer=peak.name,
    )
