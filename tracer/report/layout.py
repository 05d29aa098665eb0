"""A layered drawing of the derivation DAG: node ids in, boxes and edge routes out.

The method is a small Sugiyama layout, fully deterministic:

1. **Layers** by longest path from the roots over the *derived* edges, so every parent sits above
   all of its children. A cycle (which a derivation should never have) is broken by dropping the
   back edges of a depth-first search that visits nodes and edges in sorted order. *Related*
   (undirected) edges never influence layering: siblings stay side by side. Nodes without any
   edge are gathered in rows under the graph.
2. **Long edges** get a waypoint in every layer they cross, so they are ordered like nodes and
   run between boxes instead of through them.
3. **Order within a layer** starts sorted by id, then a few down-and-up sweeps sort each layer by
   the barycentre (mean position) of its neighbours in the adjacent layer (ties break by the
   previous position, then by id), and a *transpose* pass swaps neighbours in a layer while that
   removes edge crossings (skipped for very large graphs, where it would be slow).
4. **Wide layers** (more than ``max_per_row`` boxes) are cut, in that order, into balanced rows
   that become layers of their own; waypoints and the ordering sweeps are then redone, so edges
   from an upper row pass between the boxes of the rows under it. Every row is centred.
5. **Routes**: derived edges are smooth curves from the parent's bottom through their waypoints
   to the child's top, leaving and entering at ports spread along the box edge in the order of
   the other ends (fewer crossings); the label sits on the last stretch, staggered when several
   edges enter one box. Related edges between boxes on one row are arcs under the row,
   otherwise straight lines.

Coordinates are rounded to one decimal so the SVG text is byte-identical from run to run.

Example:
    >>> layout = layered_layout(["ft", "a", "b"], derived=[("ft", "a"), ("ft", "b")])
    >>> [(box.id, box.layer) for box in layout.boxes]
    [('ft', 0), ('a', 1), ('b', 1)]
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import pairwise

__all__ = ["Box", "Layout", "LayoutConfig", "Route", "layered_layout"]


@dataclass(frozen=True, slots=True)
class LayoutConfig:
    """Sizes of the drawing, in SVG user units (CSS pixels at 100% zoom)."""

    node_width: float = 190.0
    node_height: float = 60.0
    column_gap: float = 26.0
    row_gap: float = 92.0
    waypoint_width: float = 14.0
    margin: float = 16.0
    max_per_row: int = 5
    sweeps: int = 6


@dataclass(frozen=True, slots=True)
class Box:
    """A placed node: its top-left corner, size, layer and position in its row.

    ``layer`` is the longest-path layer (0 for roots and unconnected nodes); ``row`` is the row
    it is drawn on, counted from the top, after wide layers were split.
    """

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
    on the sets of nodes and edges, not on the order they are given in. Boxes come in reading
    order (row by row, left to right); derived routes precede related ones, each sorted by ends.

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
    per_row = max(1, config.max_per_row)
    acyclic = _drop_back_edges(ids, edges)
    connected = {node for edge in (*edges, *links) for node in edge}
    layer_of = _layers([node for node in ids if node in connected], acyclic)
    graph = _Graph.build(layer_of, acyclic)
    ordered = _order(graph, config.sweeps, {})
    row_of = _split_wide_layers(ordered, graph.waypoints, per_row)
    if len(set(row_of.values())) > len(ordered):
        previous = {item: i for layer in ordered for i, item in enumerate(layer)}
        graph = _Graph.build(row_of, acyclic)
        ordered = _order(graph, config.sweeps, previous)
    lonely = [node for node in ids if node not in connected]
    rows = ordered + [lonely[i : i + per_row] for i in range(0, len(lonely), per_row)]
    placed = _place(rows, graph.waypoints, config)
    boxes = sorted(
        (
            Box(b.id, b.x, b.y, b.width, b.height, layer_of.get(b.id, 0), b.row, b.order)
            for b in placed.values()
            if b.id not in graph.waypoints
        ),
        key=lambda box: (box.row, box.order),
    )
    by_id = {box.id: box for box in boxes}
    routes = _derived_routes(edges, graph, placed)
    routes += [_related_route(by_id[one], by_id[other]) for one, other in links]
    last_row = max((box.row for box in boxes), default=0)
    width = max((box.x + box.width for box in boxes), default=0.0) + config.margin
    height = max((box.bottom for box in boxes), default=0.0) + config.margin
    # Room under the last row for arcs between its boxes.
    if any(by_id[one].row == by_id[other].row == last_row for one, other in links):
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


def _layers(ids: Sequence[str], edges: Sequence[tuple[str, str]]) -> dict[str, int]:
    """Longest path from the roots (Kahn's order, so each parent is done before its child)."""
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
    return layer_of


@dataclass(frozen=True, slots=True)
class _Graph:
    """Layers of items (nodes and waypoints) with edges only between adjacent layers."""

    layers: list[list[str]]
    up: dict[str, list[str]]
    down: dict[str, list[str]]
    chains: dict[tuple[str, str], list[str]]
    waypoints: frozenset[str]

    @staticmethod
    def build(layer_of: dict[str, int], edges: Sequence[tuple[str, str]]) -> _Graph:
        count = max(layer_of.values(), default=-1) + 1
        layers: list[list[str]] = [[] for _ in range(count)]
        for node in sorted(layer_of):
            layers[layer_of[node]].append(node)
        up: dict[str, list[str]] = {node: [] for node in layer_of}
        down: dict[str, list[str]] = {node: [] for node in layer_of}
        chains: dict[tuple[str, str], list[str]] = {}
        waypoints: set[str] = set()
        for number, (parent, child) in enumerate(edges):
            chain = [parent]
            for layer in range(layer_of[parent] + 1, layer_of[child]):
                # NUL never occurs in the ids we are given, so waypoints never collide with them.
                waypoint = f"\0{number:08d}:{layer:04d}"
                waypoints.add(waypoint)
                up[waypoint], down[waypoint] = [], []
                layers[layer].append(waypoint)
                chain.append(waypoint)
            chain.append(child)
            for upper, lower in pairwise(chain):
                down[upper].append(lower)
                up[lower].append(upper)
            chains[(parent, child)] = chain
        return _Graph(layers, up, down, chains, frozenset(waypoints))


def _split_wide_layers(
    ordered: list[list[str]], waypoints: frozenset[str], per_row: int
) -> dict[str, int]:
    """Give each node a row: a layer with more than ``per_row`` nodes becomes balanced rows."""
    row_of: dict[str, int] = {}
    row = 0
    for layer in ordered:
        nodes = [item for item in layer if item not in waypoints]
        count = -(-len(nodes) // per_row)
        size = -(-len(nodes) // max(count, 1))
        for position, node in enumerate(nodes):
            row_of[node] = row + position // max(size, 1)
        row += max(count, 1)
    return row_of


# --- ordering --------------------------------------------------------------------------------


def _order(graph: _Graph, sweeps: int, initial: dict[str, int]) -> list[list[str]]:
    """Barycentre sweeps; ``initial`` positions (from an earlier pass) seed the first order."""
    ordered = [
        sorted(layer, key=lambda item: (initial.get(item, len(initial)), item))
        for layer in graph.layers
    ]

    def resort(index: int, neighbours: dict[str, list[str]], reference: list[str]) -> None:
        # Centred positions make layers of different widths comparable.
        where = {node: i - (len(reference) - 1) / 2 for i, node in enumerate(reference)}
        own = {node: i - (len(ordered[index]) - 1) / 2 for i, node in enumerate(ordered[index])}

        def key(node: str) -> tuple[float, float, str]:
            placed = [where[other] for other in neighbours[node] if other in where]
            centre = sum(placed) / len(placed) if placed else own[node]
            return (centre, own[node], node)

        ordered[index] = sorted(ordered[index], key=key)

    for _ in range(sweeps):
        for index in range(1, len(ordered)):
            resort(index, graph.up, ordered[index - 1])
        for index in range(len(ordered) - 2, -1, -1):
            resort(index, graph.down, ordered[index + 1])
    if sum(len(layer) for layer in ordered) <= _TRANSPOSE_LIMIT:
        _transpose(ordered, graph)
    return ordered


_TRANSPOSE_LIMIT = 400


def _transpose(ordered: list[list[str]], graph: _Graph) -> None:
    """Swap adjacent items of a layer while that strictly lowers the crossings around them."""

    def crossings(first: str, second: str, where: dict[str, int]) -> int:
        # Edges of ``first`` cross those of ``second`` (placed right of it) when they end left.
        total = 0
        for neighbours in (graph.up, graph.down):
            for one in neighbours[first]:
                for other in neighbours[second]:
                    total += where[one] > where[other]
        return total

    for _ in range(len(ordered) + 4):
        improved = False
        where = {item: i for layer in ordered for i, item in enumerate(layer)}
        for layer in ordered:
            for i in range(len(layer) - 1):
                first, second = layer[i], layer[i + 1]
                if crossings(second, first, where) < crossings(first, second, where):
                    layer[i], layer[i + 1] = second, first
                    where[first], where[second] = i + 1, i
                    improved = True
        if not improved:
            break


# --- coordinates -----------------------------------------------------------------------------

_ARC_DEPTH = 34.0


def _place(
    rows: list[list[str]], waypoints: frozenset[str], config: LayoutConfig
) -> dict[str, Box]:
    """Boxes for nodes and waypoints, row by row, each row centred."""

    def width(item: str) -> float:
        return config.waypoint_width if item in waypoints else config.node_width

    def row_width(members: Sequence[str]) -> float:
        return sum(width(item) for item in members) + config.column_gap * max(len(members) - 1, 0)

    canvas = max((row_width(members) for members in rows), default=0.0)
    placed: dict[str, Box] = {}
    top = config.margin
    for row, members in enumerate(rows):
        left = config.margin + (canvas - row_width(members)) / 2
        has_boxes = any(item not in waypoints for item in members)
        height = config.node_height if has_boxes else 0.0
        for order, item in enumerate(members):
            placed[item] = Box(
                id=item,
                x=_round(left),
                y=_round(top),
                width=width(item),
                height=config.node_height if item not in waypoints else height,
                layer=row,
                row=row,
                order=order,
            )
            left += width(item) + config.column_gap
        top += height + config.row_gap
    return placed


_ARROW_GAP = 3.0
_PORT_SPACING = 16.0


def _derived_routes(
    edges: Sequence[tuple[str, str]],
    graph: _Graph,
    placed: dict[str, Box],
) -> list[Route]:
    """Smooth routes through waypoints, with ports spread along the boxes' edges."""
    paths: dict[tuple[str, str], list[tuple[float, float]]] = {}
    for parent, child in edges:
        # A back edge of a cycle has no waypoints; it is drawn straight from bottom to top.
        chain = graph.chains.get((parent, child), [parent, child])
        points: list[tuple[float, float]] = [(placed[parent].center_x, placed[parent].bottom)]
        for waypoint in chain[1:-1]:
            box = placed[waypoint]
            points += [(box.center_x, box.y), (box.center_x, box.bottom)]
        points.append((placed[child].center_x, _round(placed[child].y - _ARROW_GAP)))
        paths[(parent, child)] = points
    _spread_ports(paths, placed, start=True)
    entering = _spread_ports(paths, placed, start=False)
    routes = []
    for (parent, child), points in paths.items():
        segments = [f"M{_n(points[0][0])} {_n(points[0][1])}"]
        for (x1, y1), (x2, y2) in pairwise(points):
            if x1 == x2:
                segments.append(f"L{_n(x2)} {_n(y2)}")
            else:
                middle = (y1 + y2) / 2
                segments.append(f"C{_n(x1)} {_n(middle)} {_n(x2)} {_n(middle)} {_n(x2)} {_n(y2)}")
        # Labels of edges entering one box sit at different heights of their last stretch.
        position, count = entering.get((parent, child), (0, 1))
        fraction = 0.5 if count == 1 else 0.3 + 0.4 * position / (count - 1)
        (x1, y1), (x2, y2) = points[-2], points[-1]
        label_x, label_y = _on_curve((x1, y1), (x2, y2), fraction)
        routes.append(Route(parent, child, True, " ".join(segments), label_x, label_y))
    return routes


def _on_curve(
    start: tuple[float, float], end: tuple[float, float], t: float
) -> tuple[float, float]:
    """The point at parameter ``t`` of the vertical-tangent cubic drawn from start to end."""
    (x1, y1), (x2, y2) = start, end
    middle = (y1 + y2) / 2
    weights = ((1 - t) ** 3, 3 * (1 - t) ** 2 * t, 3 * (1 - t) * t**2, t**3)
    x = weights[0] * x1 + weights[1] * x1 + weights[2] * x2 + weights[3] * x2
    y = weights[0] * y1 + weights[1] * middle + weights[2] * middle + weights[3] * y2
    return _round(x), _round(y)


def _spread_ports(
    paths: dict[tuple[str, str], list[tuple[float, float]]],
    placed: dict[str, Box],
    *,
    start: bool,
) -> dict[tuple[str, str], tuple[int, int]]:
    """Move the ends of edges sharing a box side apart, ordered by where their other end goes.

    Returns each edge's position among the edges sharing that side, and their number.
    """
    by_node: dict[str, list[tuple[str, str]]] = {}
    for edge in paths:
        by_node.setdefault(edge[0] if start else edge[1], []).append(edge)
    ports: dict[tuple[str, str], tuple[int, int]] = {}
    for node, members in by_node.items():
        if len(members) < 2:
            continue
        box = placed[node]
        index, neighbour = (0, 1) if start else (-1, -2)
        members.sort(key=lambda edge: (paths[edge][neighbour][0], edge))
        spacing = min(_PORT_SPACING, box.width * 0.7 / (len(members) - 1))
        for position, edge in enumerate(members):
            x = _round(box.center_x + (position - (len(members) - 1) / 2) * spacing)
            paths[edge][index] = (x, paths[edge][index][1])
            ports[edge] = (position, len(members))
    return ports


def _related_route(one: Box, other: Box) -> Route:
    if one.row == other.row:
        left, right = (one, other) if one.x <= other.x else (other, one)
        y = left.bottom
        depth = _ARC_DEPTH * (1.0 if abs(left.order - right.order) == 1 else 1.3)
        x1, x2 = left.center_x + left.width / 4, right.center_x - right.width / 4
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
