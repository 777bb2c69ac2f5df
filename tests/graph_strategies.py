"""Hypothesis strategy for random graph requests: DAGs of ConvLSTM and friends with merges,
state handoffs, shared layers, several inputs and several outputs.

Tensors are tracked with their per-sample shapes (`'same'` padding keeps sizes), so most drawn
graphs are valid; the parity test compares with Keras whatever happens.
"""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

# The merge layers, graph-only (they take several tensors): Concatenate joins along the last
# axis, the others combine tensors of one shape element by element.
CONCATENATE = "Concatenate"
ELEMENTWISE_MERGES = ("Add", "Subtract", "Multiply", "Average", "Maximum", "Minimum")
MERGE_TYPES = (CONCATENATE, *ELEMENTWISE_MERGES)


def _node(ref: str) -> str:
    """The call a tensor comes from: `enc[0][1]` and `enc` → `enc[0]`."""
    name, _, rest = ref.partition("[")
    return f"{name}[{rest.split(']')[0] if rest else 0}]"


@st.composite
def graph_requests(draw: Any) -> dict[str, Any]:
    steps, side = draw(st.integers(2, 3)), draw(st.integers(3, 6))
    inputs: list[dict[str, Any]] = []
    pool: list[tuple[str, tuple[int, ...]]] = []  # (reference, per-sample shape)
    for k in range(draw(st.integers(1, 2))):
        channels = draw(st.integers(1, 3))
        spec: dict[str, Any] = {"name": f"in{k}", "shape": [steps, side, side, channels]}
        if draw(st.booleans()) and k == 0:
            spec["batch_size"] = draw(st.integers(1, 4))
        inputs.append(spec)
        pool.append((f"in{k}", (steps, side, side, channels)))
    layers: list[dict[str, Any]] = []
    states: list[tuple[str, int]] = []  # (layer name, filters) of ConvLSTMs returning states
    shared: list[tuple[str, int, int]] = []  # (Conv2D name, input channels, calls so far)
    used: set[str] = set()

    def pick(rank: int) -> tuple[str, tuple[int, ...]] | None:
        choices = [t for t in pool if len(t[1]) == rank]
        return draw(st.sampled_from(choices)) if choices else None

    for n in range(draw(st.integers(2, 6))):
        kind = draw(st.sampled_from(["convlstm", "convlstm", "concat", "add", "conv", "recall"]))
        name = f"l{n}"
        if kind == "convlstm" and (source := pick(4)):
            ref, shape = source
            filters = draw(st.integers(1, 3))
            layer = {
                "type": "ConvLSTM2D",
                "name": name,
                "filters": filters,
                "kernel_size": draw(st.integers(1, 3)),
                "padding": "same",
                "return_sequences": draw(st.booleans()),
                "inputs": ref,
            }
            handoff = [s for s in states if s[1] == filters]
            if handoff and draw(st.booleans()):
                giver = draw(st.sampled_from(handoff))[0]
                layer["initial_state"] = [f"{giver}[0][1]", f"{giver}[0][2]"]
                used.add(_node(f"{giver}[0][1]"))
            elif draw(st.booleans()):
                layer["return_state"] = True
                states.append((name, filters))
            out = (
                (shape[0], *shape[1:3], filters)
                if layer["return_sequences"]
                else (*shape[1:3], filters)
            )
            if layer.get("return_state"):
                pool.append((f"{name}[0][0]", out))
                pool.append((f"{name}[0][1]", (*shape[1:3], filters)))
            else:
                pool.append((name, out))
        elif kind in ("concat", "add") and (first := pick(draw(st.sampled_from([3, 4])))):
            ref, shape = first
            if kind == "add":
                partners = [t for t in pool if t[1] == shape and t[0] != ref]
            else:
                partners = [
                    t
                    for t in pool
                    if len(t[1]) == len(shape) and t[1][:-1] == shape[:-1] and t[0] != ref
                ]
            if not partners:
                continue
            other_ref, other = draw(st.sampled_from(partners))
            layers.append(
                {
                    "type": CONCATENATE
                    if kind == "concat"
                    else draw(st.sampled_from(ELEMENTWISE_MERGES)),
                    "name": name,
                    "inputs": [ref, other_ref],
                }
            )
            used.update({_node(ref), _node(other_ref)})
            pool.append((name, (*shape[:-1], shape[-1] + other[-1]) if kind == "concat" else shape))
            continue
        elif kind == "conv" and (source := pick(3)):
            ref, shape = source
            filters = draw(st.integers(1, 3))
            layer = {
                "type": "Conv2D",
                "name": name,
                "filters": filters,
                "kernel_size": 1,
                "inputs": ref,
            }
            shared.append((name, shape[-1], 1))
            pool.append((name, (*shape[:-1], filters)))
        elif kind == "recall" and shared:
            conv, channels, calls = draw(st.sampled_from(shared))
            candidates = [t for t in pool if len(t[1]) == 3 and t[1][-1] == channels]
            if not candidates:
                continue
            ref, shape = draw(st.sampled_from(candidates))
            layers.append({"call": conv, "inputs": ref})
            used.add(_node(ref))
            shared[[s[0] for s in shared].index(conv)] = (conv, channels, calls + 1)
            filters = next(lay["filters"] for lay in layers if lay.get("name") == conv)
            pool.append((f"{conv}[{calls}][0]", (*shape[:-1], filters)))
            continue
        else:
            continue
        used.add(_node(layer["inputs"]))
        layers.append(layer)
    if not layers:
        layers.append(
            {"type": "ConvLSTM2D", "name": "only", "filters": 2, "kernel_size": 1, "inputs": "in0"}
        )
    inputs_named = {i["name"] for i in inputs}
    produced = [t for t, _ in pool if t.split("[")[0] not in inputs_named]
    # Every call whose tensors nobody uses is an output (one tensor of it), so none dangles.
    outputs: list[str] = []
    for ref in produced:
        if _node(ref) not in used and _node(ref) not in {_node(o) for o in outputs}:
            outputs.append(ref)
    outputs = outputs or [produced[-1]] if produced else ["only"]
    return {"inputs": inputs, "layers": layers, "outputs": outputs}
