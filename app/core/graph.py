"""Functional models: layers called on named tensors, walked in the order Keras lists them.

A request entry is a layer call, in the order the user's code makes the calls: a layer spec
builds the layer and calls it on `inputs` (default: the entry before it), a `{"call": name}`
entry calls an earlier layer again with the same weights. Each call is a Keras *node*; its
outputs are the tensors `layer[node][tensor]`.

Keras lists a functional model's layers by depth (`keras.src.ops.function.map_graph`): a depth-
first walk from the outputs gives each layer its first-visit index, a node's depth is one more
than the deepest node it feeds, and layers are sorted by decreasing depth, ties by that index.
This module reproduces that order, so names, rows and "Connected to" match `model.summary()`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from app.core.errors import SpecError
from app.core.formula import num
from app.core.merging import MERGES
from app.core.records import GraphRecord, InputRecord, LayerRecord, Shape
from app.core.registry import Namer, analyse
from app.core.shapes import show
from app.core.translation import gettext as _
from app.schema import (
    TENSOR_REF,
    InputSpec,
    LayerCallSpec,
    LayerSpecBase,
    SummaryRequest,
)

_REF = re.compile(TENSOR_REF)
Key = tuple[str, int]  # (layer name, node index)


@dataclass(slots=True)
class Node:
    """One call of a layer (or an input): what it received and what it returned."""

    layer: str
    index: int  # node index among the layer's calls
    entry: int  # position in `request.layers`; -1 for an input
    parents: tuple[tuple[str, int, int], ...]  # (layer, node, tensor), inputs then states
    outputs: list[Shape]
    record: LayerRecord | None = None  # None for an input

    @property
    def key(self) -> Key:
        return (self.layer, self.index)


@dataclass(slots=True)
class Graph:
    nodes: dict[Key, Node] = field(default_factory=dict)
    specs: dict[str, LayerSpecBase] = field(default_factory=dict)  # layer name → its spec
    calls: dict[str, int] = field(default_factory=dict)  # layer name → calls so far
    inputs: list[str] = field(default_factory=list)
    namer: Namer = field(default_factory=Namer)  # automatic names, the model's own at the end


def parse_ref(ref: str) -> tuple[str, int, int]:
    """`enc[0][1]` → ("enc", 0, 1); `enc` → ("enc", 0, 0)."""
    match = _REF.match(ref)
    assert match is not None, ref  # the schema's pattern admitted it
    node, tensor = match["node"], match["tensor"]
    return match["layer"], int(node or 0), int(tensor or 0)


def _input_names(inputs: list[InputSpec], namer: Namer) -> list[str]:
    """Given names, else Keras's `input_layer`, `input_layer_1`, ... in order."""
    names = []
    for spec in inputs:
        if spec.name is not None:
            names.append(spec.name)
        else:
            names.append(namer.auto("input_layer"))
    return names


def _resolve(
    graph: Graph, ref: str, loc: tuple[str | int, ...]
) -> tuple[tuple[str, int, int], Shape]:
    layer, node, tensor = parse_ref(ref)
    if layer not in graph.calls:
        known = ", ".join([*graph.inputs, *(n for n in graph.specs)]) or _("none")
        raise SpecError(
            loc,
            _(
                "unknown tensor '{ref}': no input or earlier layer is named '{layer}' (entries "
                "are listed in the order your code calls them, so a layer can only use tensors "
                "of inputs and of entries before it; known: {known})"
            ).format(ref=ref, layer=layer, known=known),
        )
    if node >= graph.calls[layer]:
        raise SpecError(
            loc,
            _(
                "'{ref}': layer '{layer}' has been called {calls} time(s) so far, so its nodes "
                "are 0..{last}"
            ).format(ref=ref, layer=layer, calls=graph.calls[layer], last=graph.calls[layer] - 1),
        )
    outputs = graph.nodes[(layer, node)].outputs
    if tensor >= len(outputs):
        raise SpecError(
            loc,
            _(
                "'{ref}': call {node} of '{layer}' returns {count} tensor(s) ({shapes}), "
                "numbered 0..{last}"
            ).format(
                ref=ref,
                node=node,
                layer=layer,
                count=len(outputs),
                shapes=", ".join(show(s) for s in outputs),
                last=len(outputs) - 1,
            ),
        )
    return (layer, node, tensor), outputs[tensor]


def _outputs(record: LayerRecord) -> list[Shape]:
    shape = record.output_shape
    return list(shape) if isinstance(shape, list) else [shape]


def _compatible(a: Shape, b: Shape) -> bool:
    return len(a) == len(b) and all(
        x is None or y is None or x == y for x, y in zip(a, b, strict=True)
    )


def _check_states(
    spec: LayerSpecBase, received: Shape | list[Shape], states: list[Shape], index: int
) -> None:
    """`layer(x, initial_state=[...])`: a recurrent layer's states, in number and shape."""
    loc: tuple[str | int, ...] = ("layers", index, "initial_state")
    if "return_state" not in type(spec).model_fields:
        raise SpecError(
            loc,
            _(
                "{type} takes no initial_state: only recurrent layers (ConvLSTM, LSTM, GRU, "
                "SimpleRNN) do"
            ).format(type=spec.type),
        )
    probe = spec.model_copy(update={"return_state": True, "name": "probe"})
    try:
        expected = _outputs(analyse(probe, received, Namer(), index))[1:]
    except SpecError as error:  # the layer itself is at fault: say which, as its call would
        raise _blame(error, index) from None
    if len(states) != len(expected):
        raise SpecError(
            loc,
            _("{type} takes {count} initial state(s) ({shapes}); received {received}").format(
                type=spec.type,
                count=len(expected),
                shapes=", ".join(show(s) for s in expected),
                received=len(states),
            ),
        )
    for k, (given, wanted) in enumerate(zip(states, expected, strict=True)):
        if not _compatible(given, wanted):
            raise SpecError(
                (*loc, k),
                _(
                    "initial state {index} has shape {shape}, but {type} keeps states of shape "
                    "{wanted} for its input {input}"
                ).format(
                    index=k,
                    shape=show(given),
                    type=spec.type,
                    wanted=show(wanted),
                    input=show_any(received),
                ),
            )


def _blame(error: SpecError, index: int) -> SpecError:
    if error.loc[:1] == ("input",):
        return SpecError(("layers", index, "inputs"), error.msg)
    return error.within("layers", index)


def _call(
    graph: Graph,
    entry: LayerSpecBase | LayerCallSpec,
    index: int,
    namer: Namer,
    previous: str | None,
) -> Node:
    """Analyses one entry: the first call of a new layer, or a further call of an earlier one."""
    inbound = entry.inputs
    if inbound is None:
        if previous is None:
            raise SpecError(("layers", index, "inputs"), _("say what this layer is called on"))
        inbound = previous
    refs = inbound if isinstance(inbound, list) else [inbound]
    resolved = [
        _resolve(
            graph,
            ref,
            ("layers", index, "inputs", k)
            if isinstance(inbound, list)
            else ("layers", index, "inputs"),
        )
        for k, ref in enumerate(refs)
    ]
    shapes = [shape for _ref, shape in resolved]
    received: Shape | list[Shape] = shapes if isinstance(inbound, list) else shapes[0]
    states = [
        _resolve(graph, ref, ("layers", index, "initial_state", k))
        for k, ref in enumerate(entry.initial_state or ())
    ]

    if isinstance(entry, LayerCallSpec):
        spec = graph.specs.get(entry.call)
        if spec is None:
            raise SpecError(
                ("layers", index, "call"),
                (
                    _("no earlier layer is named '{name}' (it is an input)")
                    if entry.call in graph.inputs
                    else _("no earlier layer is named '{name}'")
                ).format(name=entry.call),
            )
        name = entry.call
    else:
        spec, name = entry, ""
    if isinstance(received, list) and len(received) == 1 and not _merges(spec):
        received = received[0]
    if isinstance(received, list) and not _merges(spec):
        raise SpecError(
            ("layers", index, "inputs"),
            _(
                "{type} takes one tensor; received {count} (only merge layers such as "
                "Concatenate or Add take a list)"
            ).format(type=spec.type, count=len(received)),
        )
    if states:
        _check_states(spec, received, [s for _ref, s in states], index)
    try:
        if isinstance(entry, LayerCallSpec):
            record = _call_again(graph, spec, name, received, index)
        else:
            record = analyse(spec, received, namer, index)
    except SpecError as error:
        raise _blame(error, index) from None
    node_index = graph.calls.get(record.name, 0)
    parents = tuple(ref for ref, _shape in resolved) + tuple(ref for ref, _shape in states)
    record.node_index = node_index
    record.connected_to = tuple(f"{layer}[{node}][{tensor}]" for layer, node, tensor in parents)
    if isinstance(received, list):
        record.input_shape = received
    return Node(record.name, node_index, index, parents, _outputs(record), record)


def _merges(spec: LayerSpecBase) -> bool:
    return isinstance(spec, MERGES)


def _call_again(
    graph: Graph, spec: LayerSpecBase, name: str, received: Shape | list[Shape], index: int
) -> LayerRecord:
    """A shared layer's later call: its own shapes and costs, no weights of its own."""
    first = graph.nodes[(name, 0)].record
    assert first is not None
    record = analyse(spec, received, Namer(), index)
    if [w.shape for w in record.weights] != [w.shape for w in first.weights]:
        raise SpecError(
            ("inputs",),
            _(
                "'{name}' was built by its first call on {first}; called on {received} it would "
                "need weights of other shapes, which Keras refuses (for recurrent layers on the "
                "model's first call)"
            ).format(name=name, first=show_any(first.input_shape), received=show_any(received)),
        )
    shared = first.params
    return replace(
        record,
        name=name,
        params=0,
        trainable_params=0,
        non_trainable_params=0,
        weights=(),
        gate_split=None,
        derivation=_(
            "shares the weights of its first call ({params} parameters, counted there): 0"
        ).format(params=num(shared)),
        layer=first.layer,
    )


def show_any(shape: Shape | list[Shape]) -> str:
    return ", ".join(show(s) for s in shape) if isinstance(shape, list) else show(shape)


def walk(request: SummaryRequest, input_shapes: list[Shape]) -> tuple[Graph, list[str]]:
    """Every call's node, in request order, and the output tensors' references."""
    graph, namer = Graph(), Namer()
    graph.namer = namer
    inputs = request.inputs or [InputSpec(shape=request.input_shape or [1])]
    for name, shape in zip(_input_names(inputs, namer), input_shapes, strict=True):
        if name in graph.calls:
            raise SpecError(("inputs",), _("two inputs are named '{name}'").format(name=name))
        graph.inputs.append(name)
        graph.calls[name] = 1
        graph.nodes[(name, 0)] = Node(name, 0, -1, (), [shape])
    previous: str | None = graph.inputs[0]
    for index, entry in enumerate(request.layers):
        node = _call(graph, entry, index, namer, previous)
        if isinstance(entry, LayerSpecBase):
            if node.layer in graph.calls:
                raise SpecError(
                    ("layers", index, "name"),
                    (
                        _(
                            "the name '{name}' is already used by an input; Keras needs unique "
                            "names (to call that layer again, write {call})"
                        )
                        if node.layer in graph.inputs
                        else _(
                            "the name '{name}' is already used by an earlier layer; Keras needs "
                            "unique names (to call that layer again, write {call})"
                        )
                    ).format(name=node.layer, call=f'{{"call": "{node.layer}", "inputs": ...}}'),
                )
            graph.specs[node.layer] = entry
        graph.calls[node.layer] = node.index + 1
        graph.nodes[node.key] = node
        previous = f"{node.layer}[{node.index}][0]" if len(node.outputs) == 1 else None
    if request.outputs is not None:
        outputs = [
            "{}[{}][{}]".format(*_resolve(graph, ref, ("outputs", k))[0])
            for k, ref in enumerate(request.outputs)
        ]
    else:
        last = list(graph.nodes.values())[-1]
        outputs = [f"{last.layer}[{last.index}][{t}]" for t in range(len(last.outputs))]
    return graph, outputs


def keras_order(graph: Graph, outputs: list[str]) -> tuple[list[str], set[Key], bool]:
    """`map_graph`: operation names by decreasing depth (ties: first DFS visit), the nodes that
    lead to the outputs, and whether Keras's summary would call the model sequential-like."""
    finished: set[Key] = set()
    post_order: list[Key] = []
    visit_index: dict[str, int] = {}

    def visit(start: Key) -> None:
        """Depth first from `start` through the nodes it uses, with a stack (a 1,024-layer chain
        is deeper than Python's recursion limit); no cycles: entries only use earlier tensors."""
        if start in finished:
            return
        visit_index.setdefault(start[0], len(visit_index))
        stack = [(start, iter(graph.nodes[start].parents))]
        while stack:
            key, parents = stack[-1]
            for layer, node, _tensor in parents:
                if (layer, node) not in finished:
                    visit_index.setdefault(layer, len(visit_index))
                    stack.append(((layer, node), iter(graph.nodes[(layer, node)].parents)))
                    break
            else:
                stack.pop()
                finished.add(key)
                post_order.append(key)

    for ref in outputs:
        layer, node, _tensor = parse_ref(ref)
        visit((layer, node))

    node_depth: dict[Key, int] = {}
    layer_depth: dict[str, int] = {}
    for key in reversed(post_order):
        depth = max(node_depth.setdefault(key, 0), layer_depth.get(key[0], 0))
        layer_depth[key[0]] = depth
        node_depth[key] = depth
        for layer, node, _tensor in graph.nodes[key].parents:
            node_depth[(layer, node)] = max(depth + 1, node_depth.get((layer, node), 0))
    for name in graph.inputs:  # unused inputs stay, at depth 0 (Keras warns, keeps them)
        if name not in layer_depth:
            layer_depth[name], visit_index[name] = 0, -1
            node_depth[(name, 0)] = 0

    order = sorted(layer_depth, key=lambda name: (-layer_depth[name], visit_index[name]))

    by_depth: dict[int, list[Key]] = {}
    for key, depth in node_depth.items():
        by_depth.setdefault(depth, []).append(key)
    sequential_like = all(
        len(keys) == 1 and len(graph.nodes[keys[0]].parents) <= 1 for keys in by_depth.values()
    )
    if sequential_like:
        nodes_in_graph = set(node_depth)
        sequential_like = all(
            sum((layer, i) in nodes_in_graph for i in range(graph.calls[layer])) <= 1
            for layer in order
        )
    return order, set(node_depth), sequential_like


def analyse_graph(
    request: SummaryRequest, input_shapes: list[Shape]
) -> tuple[tuple[LayerRecord, ...], tuple[LayerSpecBase, ...], GraphRecord]:
    """Every call's record in Keras's order (a shared layer's calls together), the spec of the
    layer each calls, and the graph."""
    graph, outputs = walk(request, input_shapes)
    order, nodes_in_graph, sequential_like = keras_order(graph, outputs)
    for node in graph.nodes.values():
        if node.record is not None and node.key not in nodes_in_graph:
            what = (
                _("layer '{name}'").format(name=node.layer)
                if graph.calls[node.layer] == 1
                else _("call {index} of layer '{name}'").format(index=node.index, name=node.layer)
            )
            raise SpecError(
                ("layers", node.entry),
                _(
                    "{what} does not lead to any of the model's outputs ({outputs}); Keras would "
                    "drop it silently: add it to outputs, or remove it"
                ).format(what=what, outputs=", ".join(outputs)),
            )
    calls = [
        node
        for name in order
        for i in range(graph.calls[name])
        if (node := graph.nodes[(name, i)]).record is not None
    ]
    records = tuple(node.record for node in calls if node.record is not None)
    specs = tuple(graph.specs[node.layer] for node in calls)
    inputs = tuple(
        InputRecord(name=name, shape=graph.nodes[(name, 0)].outputs[0]) for name in graph.inputs
    )
    return (
        records,
        specs,
        GraphRecord(
            name=request.name or graph.namer.auto("functional"),
            inputs=inputs,
            outputs=tuple(outputs),
            order=tuple(order),
            sequential_like=sequential_like,
        ),
    )
