"""The derivation graph cut into connected components, and which page draws each one.

A corpus of thousands of articles makes one drawing of everything unreadable (and slow to lay
out), so the report draws each connected component on its own, largest first. Nodes without any
edge are in no component: nothing is drawn for them. The first components are drawn on the index
page, the rest on further pages of a fixed number each, and a component too big to read inside a
page of others gets a page of its own.

Example:
    >>> [c.nodes for c in connected_components([("a", "b"), ("c", "d"), ("b", "e")])]
    [('a', 'b', 'e'), ('c', 'd')]
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

__all__ = ["Component", "Placement", "connected_components", "place_components"]


@dataclass(frozen=True, slots=True)
class Component:
    """A connected component: ``number`` counts from 1 (the largest); ``edges`` are positions in
    the sequence of edge ends it was built from, in order."""

    number: int
    nodes: tuple[str, ...]
    edges: tuple[int, ...]


def connected_components(ends: Sequence[tuple[str, str]]) -> tuple[Component, ...]:
    """Group edges, given by their two ends, into connected components.

    Components come largest first (most nodes, then most edges, then by their first node id);
    nodes within a component are sorted. Only the order of ``ends`` matters for the edge
    positions, never for the components or their numbers.

    Example:
        >>> components = connected_components([("x", "y"), ("a", "b"), ("b", "c")])
        >>> [(c.number, c.edges) for c in components]
        [(1, (1, 2)), (2, (0,))]
    """
    parent: dict[str, str] = {}

    def find(node: str) -> str:
        root = node
        while parent[root] != root:
            root = parent[root]
        while parent[node] != root:  # path compression
            parent[node], node = root, parent[node]
        return root

    for one, other in ends:
        parent.setdefault(one, one)
        parent.setdefault(other, other)
        first, second = find(one), find(other)
        if first != second:
            # The smaller id becomes the root, so the result never depends on the input order.
            parent[max(first, second)] = min(first, second)
    members: dict[str, list[str]] = {}
    for node in sorted(parent):
        members.setdefault(find(node), []).append(node)
    edges: dict[str, list[int]] = {}
    for position, (one, _) in enumerate(ends):
        edges.setdefault(find(one), []).append(position)
    groups = sorted(
        members.items(), key=lambda item: (-len(item[1]), -len(edges[item[0]]), item[1][0])
    )
    return tuple(
        Component(number, tuple(nodes), tuple(edges[root]))
        for number, (root, nodes) in enumerate(groups, start=1)
    )


@dataclass(frozen=True, slots=True)
class Placement:
    """Which page draws each component, by component number.

    ``index`` lists the components on the index page; ``pages`` the components of each further
    page (page 2 first); ``own_page`` the components that, being too big, are drawn alone on a
    page and only linked from the page whose list they belong to.
    """

    index: tuple[int, ...]
    pages: tuple[tuple[int, ...], ...]
    own_page: frozenset[int]


def place_components(
    sizes: Sequence[int], *, on_index: int, per_page: int, inline_nodes: int
) -> Placement:
    """Spread components, given by their node counts largest first, over the pages.

    The first ``on_index`` go on the index page, the rest ``per_page`` to a page; any with more
    than ``inline_nodes`` nodes is drawn on a page of its own.

    Example:
        >>> place_components([90, 12, 5, 3, 2], on_index=2, per_page=2, inline_nodes=40)
        Placement(index=(1, 2), pages=((3, 4), (5,)), own_page=frozenset({1}))
    """
    numbers = tuple(range(1, len(sizes) + 1))
    first, rest = numbers[: max(on_index, 0)], numbers[max(on_index, 0) :]
    step = max(per_page, 1)
    pages = tuple(rest[start : start + step] for start in range(0, len(rest), step))
    own = frozenset(n for n, size in zip(numbers, sizes, strict=True) if size > inline_nodes)
    return Placement(first, pages, own)
