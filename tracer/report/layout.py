"""A layered drawing of the derivation DAG: node ids in, boxes and edge routes out.

The method is the classic Sugiyama sketch, kept small and fully deterministic:

1. **Layers** by longest path from the roots over the *derived* edges, so every parent sits above
   all of its children. A cycle (which a derivation should never have) is broken by dropping the
   back edges of a depth-first search that visits nodes and edges in sorted order. *Related*
   (undirected) edges never influence layering: siblings stay side by side.
2. **Order within a layer** starts sorted by id, nodes without any derived edge last, then a
   few down-and-up sweeps sort each layer by the barycentre (mean position) of its neighbours in
   the layers already placed. Ties break by the previous position, then by id.
3. **Rows**: a layer wider than ``max_per_row`` wraps onto several rows, each centred.
4. **Routes**: derived edges are cubic curves from the parent's bottom to the child's top, with
   the label at the curve's midpoint; related edges between boxes on one row are arcs under the
   row, otherwise straight lines.

Coordinates are rounded to one decimal so the SVG text is byte-identical from run to run.

Example:
    >>> layout = layered_layout(["ft", "a", "b"], derived=[("ft", "a"), ("ft", "b")])
    >>> [(box.id, box.layer) for box in layout.boxes]
    [('ft', 0), ('a', 1), ('b', 1)]
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

__all__ = ["Box", "Layout", "LayoutConfig", "Route", "layered_layout"]


@dataclass(frozen=True, slots=True)
class LayoutConfig:
    """Sizes of the drawing, in SVG user units (CSS pixels at 100% zoom)."""

    node_width: float = 196.0
    node_height: float = 60.0
    column_gap: float = 34.0
    row_gap: float = 92.0
    margin: float = 20.0
    max_per_row: int = 5
    sweeps: int = 4


@dataclass(frozen=True, slots=True)
class Box:
    """A placed node: its top-left corner, size, layer and position in its row."""

    id: str
    x: float
    y: float
    width: float
    height: float
    layer: int
    row: int
    order: int

    @property
    def center_x(self) -> float:
        """Horizontal centre."""
        return _round(self.x + self.width / 2)

    @property
    def bottom(self) -> float:
        """Bottom edge."""
        return _round(self.y + self.height)


@dataclass(frozen=True, slots=True)
class Route:
    """How one edge is drawn: an SVG path and where its label goes.

    ``directed`` is true for derived edges (drawn with an arrow from ``source`` to ``target``).
    """

    source: str
    target: str
    directed: bool
    path: str
    label_x: float
    label_y: float


@dataclass(frozen=True, slots=True)
class Layout:
    """The whole picture: canvas size, one box per node, one route per drawable edge."""

    width: float
    height: float
    boxes: tuple[Box, ...]
    routes: tuple[Route, ...]

    def box(self, node_id: str) -> Box:
        """The box of the node with this id."""
        for box in self.boxes:
            if box.id == node_id:
                return box
        raise KeyError(node_id)


def layered_layout(
    nodes: Iterable[str],
    derived: Iterable[tuple[str, str]] = (),
    related: Iterable[tuple[str, str]] = (),
    config: LayoutConfig | None = None,
) -> Layout:
    """Place ``nodes`` in layers so that every derived edge ``(parent, child)`` points down.

    Edges naming an unknown node, self-loops and duplicates are ignored. The result depends only
    on the sets of nodes and edges, not on the order they are given in.

    Example:
        >>> layout = layered_layout(["a", "b", "c"], derived=[("a", "b"), ("b", "c"), ("a", "c")])
        >>> [box.layer for box in layout.boxes]
        [0, 1, 2]
    """
    config = config or LayoutConfig()
    ids = sorted(set(nodes))
    known = set(ids)
    edges = sorted(
        {(parent, child) for parent, child in derived if parent in known and child in known}
        - {(node, node) for node in ids}
    )
    links = sorted(
        {
            (min(one, other), max(one, other))
            for one, other in related
            if one in known and other in known and one != other
        }
    )
    acyclic = _drop_back_edges(ids, edges)
    layers = _layers(ids, acyclic)
    ordered = _order(layers, acyclic, config.sweeps)
    boxes = _place(ordered, config)
    by_id = {box.id: box for box in boxes}
    routes = [_derived_route(by_id[parent], by_id[child]) for parent, child in edges]
    routes += [_related_route(by_id[one], by_id[other]) for one, other in links]
    width = max((box.x + box.width for box in boxes), default=0.0) + config.margin
    height = max((box.bottom for box in boxes), default=0.0) + config.margin
    # Room under the last row for arcs between its boxes.
    if any(by_id[one].row == by_id[other].row == _last_row(boxes) for one, other in links):
        height += _ARC_DEPTH
    return Layout(
        width=_round(max(width, 2 * config.margin)),
        height=_round(max(height, 2 * config.margin)),
        boxes=tuple(boxes),
        routes=tuple(routes),
    )


# --- layering --------------------------------------------------------------------------------


def _drop_back_edges(ids: Sequence[str], edges: Sequence[tuple[str, str]]) -> list[tuple[str, str]]:
    children: dict[str, list[str]] = {node: [] for node in ids}
    for parent, child in edges:
        children[parent].append(child)
    state: dict[str, int] = {}  # 1: on the stack, 2: done
    back: set[tuple[str, str]] = set()
    for root in ids:
        if root in state:
            continue
        state[root] = 1
        stack: list[tuple[str, int]] = [(root, 0)]
        while stack:
            node, next_child = stack[-1]
            if next_child < len(children[node]):
                stack[-1] = (node, next_child + 1)
                child = children[node][next_child]
                if state.get(child) == 1:
                    back.add((node, child))
                elif child not in state:
                    state[child] = 1
                    stack.append((child, 0))
            else:
                state[node] = 2
                stack.pop()
    return [edge for edge in edges if edge not in back]


def _layers(ids: Sequence[str], edges: Sequence[tuple[str, str]]) -> list[list[str]]:
    parents: dict[str, list[str]] = {node: [] for node in ids}
    children: dict[str, list[str]] = {node: [] for node in ids}
    for parent, child in edges:
        parents[child].append(parent)
        children[parent].append(child)
    waiting = {node: len(parents[node]) for node in ids}
    layer_of: dict[str, int] = {}
    ready = [node for node in ids if waiting[node] == 0]
    while ready:
        node = ready.pop(0)
        layer_of[node] = max((layer_of[p] + 1 for p in parents[node]), default=0)
        for child in children[node]:
            waiting[child] -= 1
            if waiting[child] == 0:
                ready.append(child)
    count = max(layer_of.values(), default=-1) + 1
    layers: list[list[str]] = [[] for _ in range(count)]
    for node in ids:
        layers[layer_of[node]].append(node)
    return layers


# --- ordering --------------------------------------------------------------------------------


def _order(
    layers: list[list[str]], edges: Sequence[tuple[str, str]], sweeps: int
) -> list[list[str]]:
    parents: dict[str, list[str]] = {node: [] for layer in layers for node in layer}
    children: dict[str, list[str]] = {node: [] for layer in layers for node in layer}
    for parent, child in edges:
        parents[child].append(parent)
        children[parent].append(child)
    lonely = {node for node in parents if not parents[node] and not children[node]}
    ordered = [sorted(layer, key=lambda node: (node in lonely, node)) for layer in layers]

    def position() -> dict[str, float]:
        # Centred positions make layers of different widths comparable.
        return {
            node: index - (len(layer) - 1) / 2
            for layer in ordered
            for index, node in enumerate(layer)
        }

    def resort(index: int, neighbours: dict[str, list[str]]) -> None:
        where = position()

        def key(node: str) -> tuple[bool, float, float, str]:
            placed = [where[other] for other in neighbours[node]]
            centre = sum(placed) / len(placed) if placed else where[node]
            return (node in lonely, centre, where[node], node)

        ordered[index] = sorted(ordered[index], key=key)

    for _ in range(sweeps):
        for index in range(1, len(ordered)):
            resort(index, parents)
        for index in range(len(ordered) - 2, -1, -1):
            resort(index, children)
    return ordered


# --- coordinates -----------------------------------------------------------------------------

_ARC_DEPTH = 34.0


def _place(ordered: list[list[str]], config: LayoutConfig) -> list[Box]:
    per_row = max(1, config.max_per_row)
    rows: list[tuple[int, list[str]]] = []
    for layer, members in enumerate(ordered):
        for start in range(0, len(members), per_row):
            rows.append((layer, members[start : start + per_row]))
    widest = max((len(members) for _, members in rows), default=0)
    pitch = config.node_width + config.column_gap
    canvas = widest * pitch - config.column_gap
    boxes: list[Box] = []
    for row, (layer, members) in enumerate(rows):
        used = len(members) * pitch - config.column_gap
        left = config.margin + (canvas - used) / 2
        top = config.margin + row * (config.node_height + config.row_gap)
        for order, node in enumerate(members):
            boxes.append(
                Box(
                    id=node,
                    x=_round(left + order * pitch),
                    y=_round(top),
                    width=config.node_width,
                    height=config.node_height,
                    layer=layer,
                    row=row,
                    order=order,
                )
            )
    return boxes


def _last_row(boxes: Sequence[Box]) -> int:
    return max((box.row for box in boxes), default=0)


_ARROW_GAP = 3.0


def _derived_route(parent: Box, child: Box) -> Route:
    x1, y1 = parent.center_x, parent.bottom
    x2, y2 = child.center_x, _round(child.y - _ARROW_GAP)
    middle = _round((y1 + y2) / 2)
    path = f"M{_n(x1)} {_n(y1)} C{_n(x1)} {_n(middle)} {_n(x2)} {_n(middle)} {_n(x2)} {_n(y2)}"
    return Route(parent.id, child.id, True, path, _round((x1 + x2) / 2), middle)


def _related_route(one: Box, other: Box) -> Route:
    if one.row == other.row:
        left, right = (one, other) if one.x <= other.x else (other, one)
        y = left.bottom
        depth = _ARC_DEPTH * (1.0 if abs(left.order - right.order) == 1 else 1.35)
        x1, x2 = left.center_x + 18, right.center_x - 18
        mid_x = _round((x1 + x2) / 2)
        control_y = _round(y + depth * 2)
        path = f"M{_n(x1)} {_n(y)} Q{_n(mid_x)} {_n(control_y)} {_n(x2)} {_n(y)}"
        return Route(one.id, other.id, False, path, mid_x, _round(y + depth))
    upper, lower = (one, other) if one.row < other.row else (other, one)
    x1, y1 = upper.center_x, upper.bottom
    x2, y2 = lower.center_x, lower.y
    path = f"M{_n(x1)} {_n(y1)} L{_n(x2)} {_n(y2)}"
    return Route(one.id, other.id, False, path, _round((x1 + x2) / 2), _round((y1 + y2) / 2))


def _round(value: float) -> float:
    return round(value, 1) + 0.0  # "+ 0.0" turns -0.0 into 0.0


def _n(value: float) -> str:
    """A coordinate as SVG text: no trailing ".0", so paths stay short and stable."""
    text = f"{_round(value):.1f}"
    return text[:-2] if text.endswith(".0") else text
