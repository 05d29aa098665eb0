"""Lossless conversion of model objects to plain JSON values and back, for the persistent index.

Every ``*_to_*`` function has an inverse that gives back an equal object: floats round-trip
exactly (JSON keeps ``repr``), tuples come back as tuples, booleans as booleans. The bulky parts
(sentences, sentence links, aligned pairs) are lists rather than dicts to keep the index small;
passages, attributions, shares and edges use the same dicts as ``tracer.export``, so one function
serves both. The shapes here are part of the index schema (``docs/index-format.md``): changing
one needs a migration in :mod:`tracer.index`.

:func:`pack` turns such a value into deterministic compressed bytes: equal input, equal bytes.
"""

from __future__ import annotations

import json
import zlib
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, cast

from tracer.export import attribution_dict, edge_dict, passage_dict, shares_dict
from tracer.model import (
    AlignedPair,
    Article,
    Attribution,
    AttributionKind,
    Comparison,
    DocumentSimilarity,
    Edge,
    EdgeKind,
    Label,
    Node,
    NodeKind,
    Passage,
    Segmented,
    Sentence,
    SentenceLink,
    Shares,
    SourceType,
    Span,
)

__all__ = [
    "article_from_dict",
    "article_to_dict",
    "attributions_from_list",
    "attributions_to_list",
    "comparison_from_dict",
    "comparison_to_dict",
    "dump_json",
    "edge_from_dict",
    "edge_to_dict",
    "node_from_dict",
    "node_to_dict",
    "pack",
    "segmented_from",
    "sentences_to_list",
    "unpack",
]

COMPRESSION_LEVEL = 6


# --- bytes -------------------------------------------------------------------------------------


def dump_json(value: Any) -> str:
    """Compact, deterministic JSON text: sorted keys, no spaces, UTF-8 characters kept.

    Example:
        >>> dump_json({"b": [1, 2.5], "a": "é"})
        '{"a":"é","b":[1,2.5]}'
    """
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def pack(value: Any) -> bytes:
    """Compress a JSON-able value into bytes (:func:`dump_json`, UTF-8, zlib level 6).

    Equal values give equal bytes, so a stored blob can be compared or hashed.

    Example:
        >>> unpack(pack({"ids": ["a", "b"], "score": 0.1}))
        {'ids': ['a', 'b'], 'score': 0.1}
        >>> pack([1, 2]) == pack([1, 2])
        True
    """
    return zlib.compress(dump_json(value).encode("utf-8"), COMPRESSION_LEVEL)


def unpack(data: bytes) -> Any:
    """The value :func:`pack` compressed into ``data``."""
    return json.loads(zlib.decompress(data).decode("utf-8"))


# --- articles and segments ---------------------------------------------------------------------


def article_to_dict(article: Article) -> dict[str, Any]:
    """An article with all its fields, ``metadata`` included (as a plain dict).

    Example:
        >>> d = article_to_dict(Article("a", "Text.", title="T", metadata={"lang": "en"}))
        >>> d["id"], d["title"], d["metadata"]
        ('a', 'T', {'lang': 'en'})
    """
    return {
        "id": article.id,
        "text": article.text,
        "title": article.title,
        "date": article.date,
        "url": article.url,
        "source": article.source,
        "origin": article.origin,
        "metadata": dict(article.metadata),
    }


def article_from_dict(data: Mapping[str, Any]) -> Article:
    """The article :func:`article_to_dict` described (missing optional fields become defaults).

    Example:
        >>> article = Article("a", "Text.", date="2023-09-08", metadata={"lang": "en"})
        >>> restored = article_from_dict(article_to_dict(article))
        >>> restored == article, restored.metadata
        (True, {'lang': 'en'})
    """
    return Article(
        id=data["id"],
        text=data["text"],
        title=data.get("title"),
        date=data.get("date"),
        url=data.get("url"),
        source=data.get("source"),
        origin=data.get("origin", ""),
        metadata=dict(data.get("metadata") or {}),
    )


def sentences_to_list(doc: Segmented) -> list[list[Any]]:
    """The segments of ``doc`` as compact rows ``[start, end, norm, boilerplate_reason, heading]``.

    ``norm`` is ``None`` when it equals the raw text. What the article already tells is left
    out: a sixth element, a dict, appears only for a segment whose ``text`` is not the raw slice
    of its span (``"text"``), whose ``index`` is not its position (``"index"``) or whose
    ``article_id`` is not the article's (``"article_id"``) — never for :func:`tracer.segment.
    segment` output, but the round trip stays exact for hand-made segments.

    Example:
        >>> from tracer.segment import segment
        >>> sentences_to_list(segment(Article("a", "Sept. 8 it was “fine”. Then he left.")))
        [[0, 22, 'Sept. 8 it was "fine".', None, 0], [23, 36, None, None, 0]]
    """
    raw = doc.article.text
    rows: list[list[Any]] = []
    for position, sentence in enumerate(doc.sentences):
        row: list[Any] = [
            sentence.span.start,
            sentence.span.end,
            None if sentence.norm == sentence.text else sentence.norm,
            sentence.boilerplate_reason,
            int(sentence.heading),
        ]
        extra: dict[str, Any] = {}
        if sentence.text != sentence.span.slice(raw):
            extra["text"] = sentence.text
        if sentence.index != position:
            extra["index"] = sentence.index
        if sentence.article_id != doc.article.id:
            extra["article_id"] = sentence.article_id
        if extra:
            row.append(extra)
        rows.append(row)
    return rows


def segmented_from(article: Article, data: Iterable[Sequence[Any]]) -> Segmented:
    """Rebuild the segmented article from ``article`` and the rows of :func:`sentences_to_list`.

    Example:
        >>> from tracer.segment import segment
        >>> doc = segment(Article("a", "First line\\nThe talks went on. Kirby left."))
        >>> segmented_from(doc.article, sentences_to_list(doc)) == doc
        True
    """
    sentences = []
    for position, row in enumerate(data):
        start, end, norm, reason, heading = row[:5]
        extra: Mapping[str, Any] = row[5] if len(row) > 5 else {}
        span = Span(start, end)
        text = extra.get("text", span.slice(article.text))
        sentences.append(
            Sentence(
                article_id=extra.get("article_id", article.id),
                index=extra.get("index", position),
                span=span,
                text=text,
                norm=text if norm is None else norm,
                boilerplate_reason=reason,
                heading=bool(heading),
            )
        )
    return Segmented(article, tuple(sentences))


# --- attributions ------------------------------------------------------------------------------


def attributions_to_list(attributions: Iterable[Attribution]) -> list[dict[str, Any]]:
    """Attributions as the dicts ``trace.json`` uses (``tracer.export.attribution_dict``)."""
    return [attribution_dict(attribution) for attribution in attributions]


def attributions_from_list(data: Iterable[Mapping[str, Any]]) -> tuple[Attribution, ...]:
    """The attributions :func:`attributions_to_list` described.

    Example:
        >>> found = (Attribution("Reuters", "agency", "reported", "Reuters said", Span(0, 12),
        ...                      (0, 1)),)
        >>> attributions_from_list(attributions_to_list(found)) == found
        True
    """
    return tuple(_attribution_from_dict(item) for item in data)


def _attribution_from_dict(data: Mapping[str, Any]) -> Attribution:
    return Attribution(
        source=data["source"],
        source_type=cast(SourceType, data["source_type"]),
        kind=cast(AttributionKind, data["kind"]),
        cue=data["cue"],
        span=Span(data["start"], data["end"]),
        sentences=tuple(data["sentences"]),
    )


# --- comparisons -------------------------------------------------------------------------------


def comparison_to_dict(comparison: Comparison) -> dict[str, Any]:
    """Everything in ``comparison`` except the two segmented articles, named by ``a_id``/``b_id``.

    Links are rows ``[index, label, counterparts, similarity, overlap, partner]``, aligned pairs
    rows ``[a_indices, b_indices, label, similarity, overlap]``; passages and shares are the
    ``trace.json`` dicts.

    Example:
        >>> from tracer.api import compare
        >>> result = compare("Moscow could pay with grain.", "Moscow can pay in grain.")
        >>> sorted(comparison_to_dict(result))  # doctest: +NORMALIZE_WHITESPACE
        ['a_id', 'b_id', 'document', 'links_a', 'links_b', 'pairs', 'passages',
         'shares_a', 'shares_b']
    """
    document = comparison.document
    return {
        "a_id": comparison.a.article.id,
        "b_id": comparison.b.article.id,
        "links_a": [_link_row(link) for link in comparison.links_a],
        "links_b": [_link_row(link) for link in comparison.links_b],
        "pairs": [
            [
                list(pair.a_indices),
                list(pair.b_indices),
                pair.label,
                float(pair.similarity),
                float(pair.overlap),
            ]
            for pair in comparison.pairs
        ],
        "passages": [passage_dict(passage) for passage in comparison.passages],
        "document": {
            "jaccard": float(document.jaccard),
            "containment_a_in_b": float(document.containment_a_in_b),
            "containment_b_in_a": float(document.containment_b_in_a),
            "tfidf_word_cosine": float(document.tfidf_word_cosine),
            "tfidf_char_cosine": float(document.tfidf_char_cosine),
        },
        "shares_a": shares_dict(comparison.shares_a),
        "shares_b": shares_dict(comparison.shares_b),
    }


def comparison_from_dict(data: Mapping[str, Any], a: Segmented, b: Segmented) -> Comparison:
    """The comparison :func:`comparison_to_dict` described, between the segmented ``a`` and ``b``.

    Raises:
        ValueError: when ``a`` or ``b`` is not the article the stored comparison names.

    Example:
        >>> from tracer.api import compare
        >>> result = compare("Moscow could pay with grain.", "Moscow can pay in grain.")
        >>> comparison_from_dict(comparison_to_dict(result), result.a, result.b) == result
        True
    """
    for side, doc in (("a_id", a), ("b_id", b)):
        if data[side] != doc.article.id:
            raise ValueError(f"comparison {side} is {data[side]!r}, not {doc.article.id!r}")
    return Comparison(
        a=a,
        b=b,
        links_a=tuple(_link_from_row(row) for row in data["links_a"]),
        links_b=tuple(_link_from_row(row) for row in data["links_b"]),
        pairs=tuple(
            AlignedPair(
                a_indices=tuple(a_indices),
                b_indices=tuple(b_indices),
                label=cast(Label, label),
                similarity=similarity,
                overlap=overlap,
            )
            for a_indices, b_indices, label, similarity, overlap in data["pairs"]
        ),
        passages=tuple(_passage_from_dict(item) for item in data["passages"]),
        document=DocumentSimilarity(**data["document"]),
        shares_a=_shares_from_dict(data["shares_a"]),
        shares_b=_shares_from_dict(data["shares_b"]),
    )


def _link_row(link: SentenceLink) -> list[Any]:
    return [
        link.index,
        link.label,
        list(link.counterparts),
        float(link.similarity),
        float(link.overlap),
        link.partner,
    ]


def _link_from_row(row: Sequence[Any]) -> SentenceLink:
    index, label, counterparts, similarity, overlap, partner = row
    return SentenceLink(
        index=index,
        label=cast(Label, label),
        counterparts=tuple(counterparts),
        similarity=similarity,
        overlap=overlap,
        partner=partner,
    )


def _passage_from_dict(data: Mapping[str, Any]) -> Passage:
    return Passage(
        a_id=data["a_id"],
        b_id=data["b_id"],
        a_span=Span(data["a_span"]["start"], data["a_span"]["end"]),
        b_span=Span(data["b_span"]["start"], data["b_span"]["end"]),
        a_sentences=tuple(data["a_sentences"]),
        b_sentences=tuple(data["b_sentences"]),
        label=cast(Label, data["label"]),
        similarity=data["similarity"],
        overlap=data["overlap"],
    )


def _shares_from_dict(data: Mapping[str, Any]) -> Shares:
    return Shares(
        copied=data["copied"],
        paraphrased=data["paraphrased"],
        original=data["original"],
        boilerplate_chars=data["boilerplate_chars"],
    )


# --- derivation graph --------------------------------------------------------------------------


def node_to_dict(node: Node) -> dict[str, Any]:
    """A DAG node as the dict ``trace.json`` lists under ``nodes``.

    Example:
        >>> node = Node("source:reuters", "latent", "Reuters", "agency")
        >>> node_from_dict(node_to_dict(node)) == node
        True
    """
    return {
        "id": node.id,
        "kind": node.kind,
        "name": node.name,
        "source_type": node.source_type,
        "outlet": node.outlet,
    }


def node_from_dict(data: Mapping[str, Any]) -> Node:
    """The node :func:`node_to_dict` described."""
    return Node(
        id=data["id"],
        kind=cast(NodeKind, data["kind"]),
        name=data["name"],
        source_type=cast("SourceType | None", data.get("source_type")),
        outlet=data.get("outlet"),
    )


def edge_to_dict(edge: Edge) -> dict[str, Any]:
    """A DAG edge with its passages and attributions (``tracer.export.edge_dict``)."""
    return edge_dict(edge)


def edge_from_dict(data: Mapping[str, Any]) -> Edge:
    """The edge :func:`edge_to_dict` described.

    Example:
        >>> edge = Edge("a", "b", "derived", 0.8, "b copies a", copied=0.5)
        >>> edge_from_dict(edge_to_dict(edge)) == edge
        True
    """
    return Edge(
        parent=data["parent"],
        child=data["child"],
        kind=cast(EdgeKind, data["kind"]),
        score=data["score"],
        reason=data["reason"],
        copied=data.get("copied", 0.0),
        paraphrased=data.get("paraphrased", 0.0),
        passages=tuple(_passage_from_dict(item) for item in data.get("passages", ())),
        attributions=attributions_from_list(data.get("attributions", ())),
        common_source=data.get("common_source"),
    )
