"""The model picture: one box per layer call, laid out top to bottom by depth (plain data).

Read off the core's `ModelSummary` (and the request, to tell a call's initial states from its
inputs). Nothing here is a cost: params and MACs are the records' own; what is computed is the
layout (each box's place, the edges' paths) and each box's share of the model's total as a bar.

Layout, a simple layered drawing (Sugiyama et al. 1981, without its crossing minimisation):
- row: inputs are row 0; a call's row is one more than its deepest source's (longest path), and
  an output's marker sits in the row under the call that makes it;
- order within a row: by the mean x of the box's sources (one barycentre sweep, top to bottom),
  ties in the order Keras's `model.summary()` lists the layers;
- each row is centred; edges are cubic curves from a source's bottom to a target's top, their
  ends spread along the box edge so a merge's inputs arrive side by side.
The template (`templates/partials/model_picture.svg`) draws this; the page and the SVG download
share it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from app.core.records import LayerRecord, ModelSummary, Shape
from app.core.shapes import show
from app.interop.formats import model_name
from app.schema import SummaryRequest

Metric = Literal["params", "macs"]
METRICS: tuple[Metric, ...] = ("params", "macs")

# Geometry in SVG user units (= CSS px at zoom 1).
BOX_WIDTH, BOX_HEIGHT = 232, 84  # a layer call: name, type, shape, numbers, bar
END_HEIGHT = 46  # an input or output marker: name and shape
GAP_X, GAP_Y, MARGIN = 28, 40, 16
VIA_WIDTH = 12  # the room an edge takes in a row it passes through
BAR_INSET, BAR_HEIGHT = 10, 6
# Past this many boxes the page draws no picture (the download still does): a 1,024-layer
# picture is megabytes of markup in every edit's answer, and the table says the same.
MAX_PAGE_BOXES = 256

_REF = re.compile(r"^(?P<layer>.+?)(\[(?P<node>\d+)\]\[(?P<tensor>\d+)\])?$")


@dataclass(frozen=True)
class Box:
    """One box: an input, a layer call or an output, with its place and its bar."""

    key: str  # `name[node]` for a call, `name[0]` for an input, `output:ref` for an output
    kind: Literal["input", "layer", "output"]
    name: str
    type: str
    shape: str
    params: int
    macs: int | None  # over all time steps; per step when `per_step`
    per_step: bool
    entry: int | None  # the request entry (editor card `#layer-N`) that made this call
    call: int  # which call of its layer (0 = the one that built the weights)
    calls: int  # how many times its layer is called in the model
    sources: tuple[tuple[str, bool], ...]  # (source box's label, is an initial state)
    row: int
    x: float
    y: float
    width: float
    height: float
    share: float  # % of the model's total of the metric
    bar: float  # bar width in user units

    @property
    def shared(self) -> bool:
        return self.calls > 1

    @property
    def cx(self) -> float:
        return self.x + self.width / 2


@dataclass(frozen=True)
class Edge:
    """A tensor from one box to another; `state` when it is handed over as an initial state."""

    source: str
    target: str
    state: bool
    path: str  # SVG path data


@dataclass(frozen=True)
class Picture:
    name: str
    metric: Metric
    boxes: tuple[Box, ...]
    edges: tuple[Edge, ...]
    width: float
    height: float
    outputs: tuple[str, ...]
    bar_x: int = BAR_INSET
    bar_height: int = BAR_HEIGHT

    @property
    def calls(self) -> tuple[Box, ...]:
        return tuple(b for b in self.boxes if b.kind == "layer")

    @property
    def drawn_on_page(self) -> bool:
        return len(self.boxes) <= MAX_PAGE_BOXES


@dataclass
class _Node:
    """A box before layout: what it is and where its tensors come from."""

    key: str
    kind: Literal["input", "layer", "output", "via"]
    name: str
    type: str
    shape: str
    record: LayerRecord | None
    sources: list[tuple[str, bool]]  # (source key, is an initial state)
    order: int  # Keras's order, for ties
    row: int = 0
    x: float = 0.0


def metric_of(text: str | None) -> Metric:
    """`?picture=macs` → "macs"; anything else is the default, parameters."""
    return "macs" if text == "macs" else "params"


def _split(ref: str) -> tuple[str, int, int]:
    match = _REF.match(ref)
    assert match is not None, ref
    return match["layer"], int(match["node"] or 0), int(match["tensor"] or 0)


def _tensor_shape(shape: Shape | list[Shape], tensor: int) -> Shape:
    return shape[tensor] if isinstance(shape, list) else shape


def _shape_text(shape: Shape | list[Shape]) -> str:
    """`(None, 15, 40, 40, 30)`; several outputs of one shape as `3 × (None, 16, 16, 64)`."""
    if not isinstance(shape, list):
        return show(shape)
    if len(shape) > 1 and all(s == shape[0] for s in shape):
        return f"{len(shape)} × {show(shape[0])}"
    return ", ".join(show(s) for s in shape)


def _value(record: LayerRecord | None, metric: Metric) -> int:
    """The number a box's bar shows: its params, or its MACs (per step if steps are unknown)."""
    if record is None:
        return 0
    if metric == "params":
        return record.params
    costs = record.costs
    if costs is None:
        return 0
    return costs.macs if costs.macs is not None else costs.macs_per_step


def _nodes(summary: ModelSummary, request: SummaryRequest) -> list[_Node]:
    """Inputs, calls (in Keras's order) and outputs, each with the keys of its sources."""
    nodes: list[_Node] = []
    if summary.graph is None:  # a chain: input → each layer → output
        nodes.append(
            _Node(
                "input[0]",
                "input",
                "input_layer",
                "InputLayer",
                show(summary.input_shape),
                None,
                [],
                -1,
            )
        )
        previous = "input[0]"
        for order, record in enumerate(summary.layers):
            key = f"{record.name}[0]"
            nodes.append(
                _Node(
                    key,
                    "layer",
                    record.name,
                    record.type,
                    _shape_text(record.output_shape),
                    record,
                    [(previous, False)],
                    order,
                )
            )
            previous = key
        if summary.layers:
            last = summary.layers[-1]
            nodes.append(
                _Node(
                    "output:" + last.name,
                    "output",
                    last.name,
                    "",
                    _shape_text(last.output_shape),
                    None,
                    [(previous, False)],
                    len(summary.layers),
                )
            )
        return nodes
    graph = summary.graph
    for given in graph.inputs:
        nodes.append(
            _Node(
                f"{given.name}[0]",
                "input",
                given.name,
                "InputLayer",
                show(given.shape),
                None,
                [],
                -1,
            )
        )
    records = {f"{r.name}[{r.node_index or 0}]": r for r in summary.layers}
    for order, record in enumerate(summary.layers):
        refs = record.connected_to or ()
        entry = request.layers[record.index]
        states = len(entry.initial_state or ())
        sources = [
            ("{}[{}]".format(*_split(ref)[:2]), k >= len(refs) - states)
            for k, ref in enumerate(refs)
        ]
        nodes.append(
            _Node(
                f"{record.name}[{record.node_index or 0}]",
                "layer",
                record.name,
                record.type,
                _shape_text(record.output_shape),
                record,
                sources,
                order,
            )
        )
    for k, ref in enumerate(graph.outputs):
        layer, node, tensor = _split(ref)
        source = f"{layer}[{node}]"
        made_by = records.get(source)
        shape = _tensor_shape(made_by.output_shape, tensor) if made_by else ()
        # `head`, not `head[0][0]`, when that says which tensor it is.
        single = (
            node == 0 and tensor == 0 and not isinstance(made_by and made_by.output_shape, list)
        )
        nodes.append(
            _Node(
                "output:" + ref,
                "output",
                layer if single else ref,
                "",
                show(shape),
                None,
                [(source, False)],
                len(summary.layers) + k,
            )
        )
    return nodes


def _layout(
    nodes: list[_Node],
) -> tuple[list[list[_Node]], float, dict[tuple[str, int], list[_Node]]]:
    """Rows by longest path, ordered by the sources' mean x. An edge that skips rows passes
    through a narrow placeholder in each row it crosses, so it runs beside the boxes, not over
    them. Returns the rows, the picture's width and each long edge's placeholders."""
    by_key = {n.key: n for n in nodes}
    for node in nodes:  # sources always come first: entries only use earlier tensors
        source_rows = [by_key[s].row for s, _ in node.sources if s in by_key]
        node.row = max(source_rows) + 1 if source_rows else 0
    rows: list[list[_Node]] = [[] for _ in range(max((n.row for n in nodes), default=0) + 1)]
    for node in nodes:
        rows[node.row].append(node)
    # Placeholders, and what each box is placed under: a source or the last placeholder.
    via: dict[tuple[str, int], list[_Node]] = {}
    above: dict[str, list[_Node]] = {}
    for node in nodes:
        above[node.key] = []
        for k, (source, state) in enumerate(node.sources):
            if source not in by_key:
                continue
            previous = by_key[source]
            chain = []
            for crossed in range(previous.row + 1, node.row):
                hop = _Node(
                    f"{node.key}~{k}~{crossed}",
                    "via",
                    "",
                    "",
                    "",
                    None,
                    [(previous.key, state)],
                    node.order,
                    crossed,
                )
                above[hop.key] = [previous]
                rows[crossed].append(hop)
                chain.append(hop)
                previous = hop
            via[(node.key, k)] = chain
            above[node.key].append(previous)

    def barycentre(node: _Node) -> tuple[float, int, int]:
        xs = [n.x + _width(n) / 2 for n in above[node.key]]
        return (sum(xs) / len(xs) if xs else 0.0, node.order, node.kind == "via")

    for row in rows:
        row.sort(key=barycentre)
        x = 0.0
        for node in row:
            node.x = x
            x += _width(node) + GAP_X
    width = max(_row_width(row) for row in rows) + 2 * MARGIN
    for row in rows:  # centred
        shift = (width - _row_width(row)) / 2
        for node in row:
            node.x += shift
    return rows, width, via


def _width(node: _Node) -> float:
    return VIA_WIDTH if node.kind == "via" else BOX_WIDTH


def _height(row: list[_Node]) -> float:
    return BOX_HEIGHT if any(n.kind in ("layer", "via") for n in row) else END_HEIGHT


def _row_width(row: list[_Node]) -> float:
    return sum(_width(n) for n in row) + GAP_X * (len(row) - 1)


def _ends(count: int, x: float) -> list[float]:
    """Where `count` edges meet a box whose left side is at `x`: spread evenly along it."""
    return [round(x + BOX_WIDTH * (k + 1) / (count + 1), 1) for k in range(count)]


def _curve(x1: float, y1: float, x2: float, y2: float) -> str:
    """A vertical S from (x1, y1) down to (x2, y2)."""
    middle = round((y1 + y2) / 2, 1)
    return f"C{x1} {middle} {x2} {middle} {x2} {y2}"


def picture(summary: ModelSummary, request: SummaryRequest, metric: Metric = "params") -> Picture:
    """The picture of the model: boxes in rows, the edges between them, bars of `metric`."""
    nodes = _nodes(summary, request)
    rows, width, via = _layout(nodes)
    # A row of inputs or outputs only is as tall as their markers; a row with a call, a box.
    row_top, y = [], float(MARGIN)
    for row in rows:
        row_top.append(y)
        y += _height(row) + GAP_Y
    row_bottom = [top + _height(row) for top, row in zip(row_top, rows, strict=True)]
    calls: dict[str, int] = {}
    for node in nodes:
        if node.kind == "layer":
            calls[node.name] = calls.get(node.name, 0) + 1
    total = sum(_value(n.record, metric) for n in nodes)
    inner = BOX_WIDTH - 2 * BAR_INSET

    # A source is named by its layer, or by its call (`shared[1]`) when the layer is shared.
    labels = {
        n.key: n.key if calls.get(n.name, 0) > 1 else n.name for n in nodes if n.kind != "output"
    }
    boxes: dict[str, Box] = {}
    for node in nodes:
        kind = node.kind
        if kind == "via":  # placeholders are in the layout's rows only, never in `nodes`
            continue
        record = node.record
        value = _value(record, metric)
        height = BOX_HEIGHT if node.kind == "layer" else END_HEIGHT
        # An input sits at the bottom of its row, next to the calls it feeds; an output marker
        # hangs from the top of its row, under the call that makes it.
        top = row_bottom[node.row] - height if node.kind == "input" else row_top[node.row]
        costs = record.costs if record else None
        boxes[node.key] = Box(
            key=node.key,
            kind=kind,
            name=node.name,
            type=node.type,
            shape=node.shape,
            params=record.params if record else 0,
            macs=(costs.macs if costs.macs is not None else costs.macs_per_step) if costs else None,
            per_step=bool(costs and costs.macs is None),
            entry=record.index if record else None,
            call=(record.node_index or 0) if record else 0,
            calls=calls.get(node.name, 0) if record else 0,
            sources=tuple((labels.get(source, source), state) for source, state in node.sources),
            row=node.row,
            x=round(node.x, 1),
            y=top,
            width=BOX_WIDTH,
            height=height,
            share=round(100 * value / total, 2) if total else 0.0,
            bar=round(inner * value / total, 1) if total else 0.0,
        )

    # Edge ends: along a target's top in the order of its sources, along a source's bottom in
    # the order of where each edge goes first (its target, or its first placeholder).
    first_hop: dict[tuple[str, int], float] = {}
    leaving: dict[str, list[tuple[float, str, int]]] = {}
    for node in nodes:
        for k, (source, _) in enumerate(node.sources):
            if source in boxes:
                chain = via[(node.key, k)]
                x = chain[0].x + VIA_WIDTH / 2 if chain else boxes[node.key].cx
                leaving.setdefault(source, []).append((x, node.key, k))
    for source, ends in leaving.items():
        ends.sort()
        for (_, target, k), x in zip(ends, _ends(len(ends), boxes[source].x), strict=True):
            first_hop[(target, k)] = x
    edges = []
    for node in nodes:
        target_box = boxes[node.key]
        # A target's edges arrive left to right in the order they come from, so none cross.
        coming = []
        for k, (source_key, _) in enumerate(node.sources):
            hops = via.get((node.key, k))
            if hops:
                coming.append((hops[-1].x, k))
            elif source_key in boxes:
                coming.append((first_hop[(node.key, k)], k))
        arrive = dict(
            zip((k for _, k in sorted(coming)), _ends(len(coming), target_box.x), strict=True)
        )
        for k, (source_key, state) in enumerate(node.sources):
            source_box = boxes.get(source_key)
            if source_box is None:
                continue
            x, y = first_hop[(node.key, k)], source_box.y + source_box.height
            path = [f"M{x} {y}"]
            for hop in via[(node.key, k)]:
                hx, top, bottom = (
                    round(hop.x + VIA_WIDTH / 2, 1),
                    row_top[hop.row],
                    row_bottom[hop.row],
                )
                path += [_curve(x, y, hx, top), f"L{hx} {bottom}"]
                x, y = hx, bottom
            path.append(_curve(x, y, arrive[k], target_box.y - 2))
            edges.append(Edge(source_key, node.key, state, " ".join(path)))
    picture_height = row_bottom[-1] + MARGIN if rows else 2 * MARGIN
    return Picture(
        name=model_name(summary),
        metric=metric,
        boxes=tuple(boxes.values()),
        edges=tuple(edges),
        width=round(width, 1),
        height=picture_height,
        outputs=tuple(summary.graph.outputs) if summary.graph else (),
    )


def rows_of(picture: Picture) -> Sequence[Box]:
    """The boxes in reading order (row by row, left to right): the text alternative's order."""
    return sorted(picture.boxes, key=lambda b: (b.row, b.x))
