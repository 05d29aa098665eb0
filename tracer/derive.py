"""Derivation: who took from whom, as a DAG of corpus articles and the sources they cite.

The evidence, in the order it is trusted:

1. **Attribution.** An article that says "Source: Racurs" came through Racurs; one that writes
   "the Financial Times reported" took the content from the FT. Cited sources that are not in
   the corpus become *latent* nodes. With both a declared channel and a credited original, the
   chain is original -> channel -> article (FT -> Racurs -> Buna Times).
2. **A common source explains shared passages.** Two articles whose shared passages are credited
   to the same source in both (or which both cite the same outlet) are *siblings* under it: they
   get a *related* link naming the source, never a parent/child edge. Two outlets quoting the
   same White House briefing did not copy each other.
3. **Direction between corpus articles**, when nothing else explains what they share: containment
   asymmetry (the derived article is mostly made of the source's passages, plus additions),
   publication dates (a soft prior), and one article naming the other's outlet.
4. **Transitive edges are dropped**: a child keeps its strongest parent, and a further parent only
   when it explains a part of the child the first one does not.
5. **Versions of one text.** Near-identical articles (each reuses at least ``min_version_share``
   of the other) whose direction nothing above settles are versions of one text: a wire story
   re-published with small edits, hand-copied manuscript witnesses. Each connected group of them
   gets a closest-version tree, as stemmatology does: the minimum spanning tree over the rate
   of variants (places where two versions read differently) between versions, oriented away
   from the version the others differ from least (the medoid, which holds the reading most
   versions share at each variant: a copy's own slips are its alone). When several tie, the
   tree edges between them stay *related*, so two versions alone are never oriented by their
   texts. A tree edge only gives a parent to a version that has none from stronger evidence,
   and its reason starts with "closest version".

Pairs that share too little, or whose direction the evidence does not settle, stay *related*.
Every edge carries its evidence and a one-line reason; ties break on ids, so output is stable.
"""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher
from typing import NamedTuple

from tracer.config import DeriveConfig
from tracer.model import Attribution, Comparison, Edge, Node, Passage, Segmented, SourceType
from tracer.tokens import lower_words

_MEDIA: frozenset[SourceType] = frozenset({"outlet", "agency", "broadcaster"})
_CITABLE: frozenset[SourceType] = _MEDIA | {"institution"}
_TYPE_RANK: dict[SourceType, int] = {
    "outlet": 0,
    "agency": 0,
    "broadcaster": 0,
    "institution": 1,
    "person": 2,
}


@dataclass(frozen=True, slots=True)
class Derivation:
    """The DAG: nodes (articles and latent sources) and edges (derived and related)."""

    nodes: tuple[Node, ...]
    edges: tuple[Edge, ...]


def latent_id(name: str) -> str:
    """The node id of a cited source: ``source:`` and a slug of its name.

    Example:
        >>> latent_id("The New York Times")
        'source:the-new-york-times'
    """
    slug = re.sub(r"[^\w]+", "-", name.lower()).strip("-")
    return f"source:{slug or 'unnamed'}"


def outlet_of(doc: Segmented, attributions: Sequence[Attribution]) -> str | None:
    """The outlet that published ``doc``: its ``source`` field, else a "Read the original" line."""
    from tracer.attribution import canonical_source

    if doc.article.source:
        return canonical_source(doc.article.source)
    for attribution in attributions:
        if attribution.kind == "publisher":
            return attribution.source
    return None


def derive(
    docs: Sequence[Segmented],
    attributions: Mapping[str, Sequence[Attribution]],
    comparisons: Sequence[Comparison],
    config: DeriveConfig | None = None,
) -> Derivation:
    """Build the derivation DAG from segmented articles, their attributions and comparisons.

    ``attributions`` maps article ids to what :func:`tracer.attribution.find_attributions`
    found; ``comparisons`` are the aligned candidate pairs.
    """
    config = config or DeriveConfig()
    builder = _Builder(docs, attributions, config)
    for doc in sorted(docs, key=lambda d: d.article.id):
        builder.cited_sources(doc)
    for comparison in sorted(comparisons, key=lambda c: (c.a.article.id, c.b.article.id)):
        if comparison.pairs:
            builder.pair(comparison)
    builder.choose_parents()
    builder.version_trees()
    return builder.result()


@dataclass(frozen=True, slots=True)
class _Candidate:
    parent: str
    child: str
    score: float
    reason: str
    comparison: Comparison
    child_sentences: frozenset[int]
    closeness: float


class _Builder:
    """Accumulates nodes and edges; keeps ``derive`` itself a readable list of steps."""

    def __init__(
        self,
        docs: Sequence[Segmented],
        attributions: Mapping[str, Sequence[Attribution]],
        config: DeriveConfig,
    ) -> None:
        self.config = config
        self.docs = {d.article.id: d for d in docs}
        self.attributions = {d.article.id: tuple(attributions.get(d.article.id, ())) for d in docs}
        self.outlets = {
            article_id: outlet_of(doc, self.attributions[article_id])
            for article_id, doc in self.docs.items()
        }
        self.nodes: dict[str, Node] = {}
        self.edges: dict[tuple[str, str, str], Edge] = {}
        # Children along derived edges, kept up to date so cycle checks stay cheap.
        self.children: dict[str, set[str]] = {}
        self.candidates: list[_Candidate] = []
        # Articles with a derived parent, and near-identical pairs left undecided (step 5).
        self.parented: set[str] = set()
        self.versions: list[Comparison] = []
        for article_id, doc in self.docs.items():
            title = doc.article.title or article_id
            self.nodes[article_id] = Node(
                article_id, "article", _shorten(title), outlet=self.outlets[article_id]
            )

    # -- step 1: attribution --------------------------------------------------------------------

    def cited_sources(self, doc: Segmented) -> None:
        article_id = doc.article.id
        own = self.outlets[article_id]
        by_source: dict[str, list[Attribution]] = {}
        for attribution in self.attributions[article_id]:
            if attribution.source_type in _CITABLE and attribution.source != own:
                by_source.setdefault(attribution.source, []).append(attribution)
        declared = sorted(
            name for name, items in by_source.items() if any(a.kind == "declared" for a in items)
        )
        for name in sorted(by_source):
            items = tuple(by_source[name])
            self._latent(name, items[0].source_type)
            if name in declared:
                cue = next(a.cue for a in items if a.kind == "declared")
                self._edge(
                    latent_id(name), article_id, 0.95, f'declares its source: "{cue}"', items
                )
            elif declared and items[0].source_type in _MEDIA:
                # Came through the declared channel, which took it from this credited original.
                for channel in declared:
                    self._edge(
                        latent_id(name),
                        latent_id(channel),
                        0.7,
                        f"{article_id} came through {channel} and credits {name}",
                        items,
                    )
            else:
                self._edge(
                    latent_id(name), article_id, _citation_score(items), _cites(name, items), items
                )

    # -- steps 2 and 3: pairs of corpus articles -------------------------------------------------

    def pair(self, comparison: Comparison) -> None:
        a_id, b_id = comparison.a.article.id, comparison.b.article.id
        shared_a = frozenset(i for p in comparison.pairs for i in p.a_indices)
        shared_b = frozenset(i for p in comparison.pairs for i in p.b_indices)
        passages = len(comparison.passages)
        plural = "s" if passages != 1 else ""
        summary = (
            f"{passages} shared passage{plural} ({comparison.shares_a.reused:.0%} of {a_id}, "
            f"{comparison.shares_b.reused:.0%} of {b_id})"
        )
        common = self._common_source(a_id, b_id, shared_a, shared_b)
        if common is not None:
            self._related(comparison, f"siblings: both draw on {common}; {summary}", common)
            self._attach_common_source(common, a_id, shared_a)
            self._attach_common_source(common, b_id, shared_b)
            return
        share_a, share_b = comparison.shares_a.reused, comparison.shares_b.reused
        if max(share_a, share_b) < self.config.min_derivation_share:
            self._related(comparison, f"{summary}: too little for a derivation")
            return
        direction, evidence = self._direction(comparison)
        if abs(direction) < self.config.min_direction_margin:
            self._related(comparison, f"{summary}; direction undecided ({evidence})")
            if min(share_a, share_b) >= self.config.min_version_share:
                self.versions.append(comparison)
            return
        if direction > 0:
            parent, child, child_share, child_sentences = a_id, b_id, share_b, shared_b
        else:
            parent, child, child_share, child_sentences = b_id, a_id, share_a, shared_a
        score = round(min(1.0, 0.5 * child_share + 0.5 * abs(direction)), 4)
        self.candidates.append(
            _Candidate(
                parent,
                child,
                score,
                f"{child} reuses {child_share:.0%} of its content from {parent}: {evidence}",
                comparison,
                child_sentences,
                _closeness(comparison, child),
            )
        )

    def _common_source(
        self, a_id: str, b_id: str, shared_a: frozenset[int], shared_b: frozenset[int]
    ) -> str | None:
        a_sources = self._sources_of(a_id)
        b_sources = self._sources_of(b_id)
        ranked: list[tuple[int, int, str]] = []
        for name in sorted(set(a_sources) & set(b_sources)):
            if name in (self.outlets[a_id], self.outlets[b_id]):
                continue  # one names the other's outlet: that is direction, not a common source
            covered = _covered(a_sources[name], shared_a) + _covered(b_sources[name], shared_b)
            source_type = a_sources[name][0].source_type
            if covered or source_type in _MEDIA:
                ranked.append((-covered, _TYPE_RANK[source_type], name))
        return min(ranked)[2] if ranked else None

    def _sources_of(self, article_id: str) -> dict[str, list[Attribution]]:
        found: dict[str, list[Attribution]] = {}
        for attribution in self.attributions[article_id]:
            if attribution.kind != "publisher":
                found.setdefault(attribution.source, []).append(attribution)
        return found

    def _attach_common_source(self, name: str, article_id: str, shared: frozenset[int]) -> None:
        """Make sure a common source has its edge to the article (persons get one only now)."""
        source_id = latent_id(name)
        if self._reaches(source_id, article_id):
            return  # already its parent, or its ancestor through a declared channel (FT -> Racurs)
        items = tuple(a for a in self.attributions[article_id] if a.source == name)
        covering = tuple(a for a in items if set(a.sentences) & shared) or items
        self._latent(name, items[0].source_type)
        self._edge(
            source_id, article_id, _citation_score(covering), _cites(name, covering), covering
        )

    def _direction(self, comparison: Comparison) -> tuple[float, str]:
        """Positive when the evidence says A is the source of B; with a readable summary."""
        config = self.config
        a, b = comparison.a.article, comparison.b.article
        share_a, share_b = comparison.shares_a.reused, comparison.shares_b.reused
        score = config.containment_weight * (share_b - share_a)
        weight = config.containment_weight
        evidence = [f"containment {share_b:.0%} of {b.id} vs {share_a:.0%} of {a.id}"]
        if a.date and b.date and a.date[:10] != b.date[:10]:
            earlier = 1.0 if a.date < b.date else -1.0
            score += config.date_weight * earlier
            weight += config.date_weight
            first = a if earlier > 0 else b
            evidence.append(
                f"{first.id} is dated earlier ({first.date[:10] if first.date else ''})"
            )
        for citer, cited, sign in ((b.id, a.id, 1.0), (a.id, b.id, -1.0)):
            outlet = self.outlets[cited]
            if outlet and any(x.source == outlet for x in self.attributions[citer]):
                score += config.attribution_weight * sign
                weight += config.attribution_weight
                evidence.append(f"{citer} credits {outlet}")
        return score / weight, "; ".join(evidence)

    def _related(self, comparison: Comparison, reason: str, common: str | None = None) -> None:
        a_id, b_id = sorted((comparison.a.article.id, comparison.b.article.id))
        score = round(max(comparison.shares_a.reused, comparison.shares_b.reused), 4)
        self.edges[(a_id, b_id, "related")] = Edge(
            a_id,
            b_id,
            "related",
            score,
            reason,
            passages=comparison.passages,
            common_source=common,
        )

    # -- step 4: parents -------------------------------------------------------------------------

    def choose_parents(self) -> None:
        explained: dict[str, set[int]] = {}
        # The closest parent first: a copy of a copy is nearer to its direct parent, whose
        # changes it inherits, than to the grandparent.
        ranked = sorted(self.candidates, key=lambda c: (-c.closeness, -c.score, c.parent, c.child))
        for candidate in ranked:
            child, parent = candidate.child, candidate.parent
            if self._reaches(child, parent):
                self._related(candidate.comparison, candidate.reason + " (would close a cycle)")
                continue
            already = explained.get(child)
            if already is not None:
                doc = self.docs[child]
                new = candidate.child_sentences - already
                content = sum(s.span.length for s in doc.content) or 1
                new_share = sum(doc.sentences[i].span.length for i in new) / content
                if new_share < self.config.extra_parent_share:
                    continue  # what it shares with the child is explained by a stronger parent
            explained.setdefault(child, set()).update(candidate.child_sentences)
            comparison = candidate.comparison
            shares = (
                comparison.shares_b if child == comparison.b.article.id else comparison.shares_a
            )
            self._add_derived(
                parent,
                child,
                candidate.score,
                candidate.reason,
                copied=shares.copied,
                paraphrased=shares.paraphrased,
                passages=comparison.passages,
            )

    # -- step 5: versions of one text ------------------------------------------------------------

    def version_trees(self) -> None:
        """Give each group of near-identical, undecided versions its closest-version tree."""
        words: dict[str, list[str]] = {}
        distances: dict[tuple[str, str], VersionDistance] = {}
        by_pair: dict[tuple[str, str], Comparison] = {}
        for comparison in self.versions:
            for doc in (comparison.a, comparison.b):
                if doc.article.id not in words:
                    words[doc.article.id] = lower_words(" ".join(s.norm for s in doc.content))
            key = _ordered(comparison.a.article.id, comparison.b.article.id)
            distances[key] = version_distance(words[key[0]], words[key[1]])
            by_pair[key] = comparison
        groups = _components(distances)
        group_of = {member: number for number, group in enumerate(groups) for member in group}
        within: list[dict[tuple[str, str], VersionDistance]] = [{} for _ in groups]
        for key, distance in distances.items():
            within[group_of[key[0]]][key] = distance
        for group, group_distances in zip(groups, within, strict=True):
            tree = _spanning_tree(group, group_distances)
            roots, why = _version_roots(group, tree, group_distances)
            for parent, child in _orient(tree, roots):
                key = _ordered(parent, child)
                self._version_edge(parent, child, by_pair[key], distances[key], why)

    def _version_edge(
        self, parent: str, child: str, comparison: Comparison, distance: VersionDistance, why: str
    ) -> None:
        if child in self.parented or self._reaches(child, parent):
            return  # stronger evidence already placed the child, or the edge would close a cycle
        shares = comparison.shares_b if child == comparison.b.article.id else comparison.shares_a
        reason = (
            f"closest version: {child} differs from {parent} in "
            f"{_count(distance.variants, 'variant')} ({_count(distance.words, 'word')}); "
            f"direction from {why}"
        )
        self.edges.pop((*_ordered(parent, child), "related"), None)
        # Half the score of a decided edge with the same share: the direction is the tree's.
        self._add_derived(
            parent,
            child,
            round(0.5 * shares.reused, 4),
            reason,
            copied=shares.copied,
            paraphrased=shares.paraphrased,
            passages=comparison.passages,
        )

    # -- helpers ---------------------------------------------------------------------------------

    def _latent(self, name: str, source_type: SourceType) -> None:
        node_id = latent_id(name)
        if node_id not in self.nodes:
            self.nodes[node_id] = Node(node_id, "latent", name, source_type)

    def _edge(
        self, parent: str, child: str, score: float, reason: str, items: Sequence[Attribution]
    ) -> None:
        key = (parent, child, "derived")
        if key in self.edges:
            previous = self.edges[key]
            self.edges[key] = Edge(
                parent,
                child,
                "derived",
                max(previous.score, score),
                previous.reason,
                attributions=previous.attributions + tuple(items),
            )
            return
        if parent != child and not self._reaches(child, parent):
            self._add_derived(parent, child, score, reason, attributions=tuple(items))

    def _add_derived(
        self,
        parent: str,
        child: str,
        score: float,
        reason: str,
        *,
        copied: float = 0.0,
        paraphrased: float = 0.0,
        passages: tuple[Passage, ...] = (),
        attributions: tuple[Attribution, ...] = (),
    ) -> None:
        self.edges[(parent, child, "derived")] = Edge(
            parent, child, "derived", score, reason, copied, paraphrased, passages, attributions
        )
        self.children.setdefault(parent, set()).add(child)
        self.parented.add(child)

    def _reaches(self, start: str, goal: str) -> bool:
        """True when ``goal`` is reachable from ``start`` along derived edges."""
        stack, seen = [start], {start}
        while stack:
            node = stack.pop()
            if node == goal:
                return True
            for child in self.children.get(node, ()):
                if child not in seen:
                    seen.add(child)
                    stack.append(child)
        return False

    def result(self) -> Derivation:
        nodes = sorted(self.nodes.values(), key=lambda n: (n.kind != "article", n.id))
        edges = sorted(self.edges.values(), key=lambda e: (e.kind, e.parent, e.child))
        return Derivation(tuple(nodes), tuple(edges))


def _closeness(comparison: Comparison, child: str) -> float:
    """Share of the child's content explained by the pair, weighted by how similar each part is."""
    on_b = comparison.b.article.id == child
    doc = comparison.b if on_b else comparison.a
    content = sum(s.span.length for s in doc.content) or 1
    total = 0.0
    for pair in comparison.pairs:
        indices = pair.b_indices if on_b else pair.a_indices
        total += pair.similarity * sum(doc.sentences[i].span.length for i in indices)
    return round(total / content, 6)


class VersionDistance(NamedTuple):
    """How far apart two versions of one text are; tuples order by ``rate``, then the counts.

    Attributes:
        rate: variants per million words compared (an integer, so sums and ties are exact).
        variants: places where the two read differently.
        words: words those variants involve.
    """

    rate: int
    variants: int
    words: int


def version_distance(a: Sequence[str], b: Sequence[str]) -> VersionDistance:
    """The variants between two versions' words, over the stretch of text both have.

    A *variant* is one place where the two read differently (a word changed, a phrase left out
    or added), as a collation counts them: an omission of ten words is one copying slip, like one
    changed word. Text that only one version has before the other starts or after it ends is
    missing data (a fragment, a truncated copy), not a variant, and the rate is per word of the
    stretch compared, so that a short fragment does not pass for the version closest to all.

    Example:
        >>> a = "the black cat sat on the mat all day long".split()
        >>> version_distance(a, "the cat sat on a mat all day".split())
        VersionDistance(rate=235294, variants=2, words=2)
    """
    opcodes = SequenceMatcher(None, a, b, autojunk=False).get_opcodes()
    while opcodes and opcodes[0][0] in ("insert", "delete"):
        opcodes.pop(0)
    while opcodes and opcodes[-1][0] in ("insert", "delete"):
        opcodes.pop()
    if not opcodes:
        return VersionDistance(0, 0, 0)
    variants = words = 0
    for tag, a_start, a_end, b_start, b_end in opcodes:
        if tag != "equal":
            variants += 1
            words += max(a_end - a_start, b_end - b_start)
    compared = opcodes[-1][2] - opcodes[0][1] + opcodes[-1][4] - opcodes[0][3]
    return VersionDistance(round(2_000_000 * variants / compared), variants, words)


def _ordered(a: str, b: str) -> tuple[str, str]:
    return (a, b) if a <= b else (b, a)


def _components(pairs: Iterable[tuple[str, str]]) -> list[list[str]]:
    """Connected groups of the graph these pairs draw, each sorted, in order of first id."""
    neighbours: dict[str, set[str]] = {}
    for a, b in pairs:
        neighbours.setdefault(a, set()).add(b)
        neighbours.setdefault(b, set()).add(a)
    seen: set[str] = set()
    groups: list[list[str]] = []
    for start in sorted(neighbours):
        if start in seen:
            continue
        seen.add(start)
        group, stack = [], [start]
        while stack:
            node = stack.pop()
            group.append(node)
            for other in neighbours[node] - seen:
                seen.add(other)
                stack.append(other)
        groups.append(sorted(group))
    return groups


def _spanning_tree(
    group: Sequence[str], distances: Mapping[tuple[str, str], VersionDistance]
) -> dict[str, dict[str, VersionDistance]]:
    """Kruskal's minimum spanning tree of a connected group; equal distances break on ids."""
    leader = {member: member for member in group}

    def find(node: str) -> str:
        while leader[node] != node:
            leader[node] = leader[leader[node]]
            node = leader[node]
        return node

    tree: dict[str, dict[str, VersionDistance]] = {member: {} for member in group}
    for distance, a, b in sorted((d, a, b) for (a, b), d in distances.items()):
        a_root, b_root = find(a), find(b)
        if a_root != b_root:
            leader[max(a_root, b_root)] = min(a_root, b_root)
            tree[a][b] = tree[b][a] = distance
    return tree


def _total_distance(
    member: str,
    group: Sequence[str],
    tree: Mapping[str, Mapping[str, VersionDistance]],
    distances: Mapping[tuple[str, str], VersionDistance],
) -> int:
    """Sum of the variant rates from ``member`` to the rest of its group.

    Pairs that were not compared as versions count their rate along the tree.
    """
    along: dict[str, int] = {member: 0}
    stack = [member]
    while stack:
        node = stack.pop()
        for other, distance in tree[node].items():
            if other not in along:
                along[other] = along[node] + distance.rate
                stack.append(other)
    total = 0
    for other in group:
        if other != member:
            known = distances.get(_ordered(member, other))
            total += along[other] if known is None else known.rate
    return total


def _version_roots(
    group: Sequence[str],
    tree: Mapping[str, Mapping[str, VersionDistance]],
    distances: Mapping[tuple[str, str], VersionDistance],
) -> tuple[list[str], str]:
    """The versions a group's tree points away from, and why, as the end of an edge's reason.

    Dates play no part: a near-identical pair dated on different days was decided in step 3,
    so the versions of a group are undated or dated the same day.
    """
    totals = {member: _total_distance(member, group, tree, distances) for member in group}
    best = min(totals.values())
    roots = [member for member in group if totals[member] == best]
    if len(roots) == 1:
        return roots, f"{roots[0]}, the one of {len(group)} versions the others differ from least"
    names = " and ".join(roots) if len(roots) == 2 else ", ".join(roots)
    return roots, f"{names}, which tie as the versions the others differ from least"


def _orient(
    tree: Mapping[str, Mapping[str, VersionDistance]], roots: Sequence[str]
) -> list[tuple[str, str]]:
    """Tree edges as (parent, child), pointing away from ``roots``.

    With several roots, the edges of the smallest subtree joining them have no direction and are
    left out.
    """
    core = set(tree)
    degree = {node: len(tree[node]) for node in tree}
    leaves = sorted(node for node in core if degree[node] <= 1 and node not in roots)
    while leaves:
        leaf = leaves.pop()
        core.discard(leaf)
        for other in tree[leaf]:
            if other in core:
                degree[other] -= 1
                if degree[other] <= 1 and other not in roots:
                    leaves.append(other)
    oriented: list[tuple[str, str]] = []
    seen = set(core)
    queue = deque(sorted(core))
    while queue:
        node = queue.popleft()
        for other in sorted(tree[node]):
            if other not in seen:
                seen.add(other)
                oriented.append((node, other))
                queue.append(other)
    return oriented


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"


def _covered(items: Sequence[Attribution], shared: frozenset[int]) -> int:
    return sum(1 for a in items if set(a.sentences) & shared)


def _citation_score(items: Sequence[Attribution]) -> float:
    if any(a.kind == "declared" for a in items):
        return 0.95
    return round(min(0.9, 0.5 + 0.1 * len(items)), 4)


def _cites(name: str, items: Sequence[Attribution]) -> str:
    count = len(items)
    times = "once" if count == 1 else f"{count} times"
    return f'cites {name} {times} ("{items[0].cue}")'


def _shorten(text: str, limit: int = 80) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
