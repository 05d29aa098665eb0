"""Machine-readable output: versioned JSON documents, JSONL passages and CSV edges.

Every document carries a ``format`` field (``tracer.comparison/1``...) that changes only when the
shape changes, and is written with sorted keys so the same input gives byte-identical output.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tracer import __version__
from tracer.fsutil import write_chunks_atomic
from tracer.model import (
    Attribution,
    Comparison,
    Edge,
    Passage,
    Segmented,
    SentenceLink,
    Shares,
    Span,
    TraceResult,
)

if TYPE_CHECKING:
    from tracer.query import QueryResult

COMPARISON_FORMAT = "tracer.comparison/1"
TRACE_FORMAT = "tracer.trace/1"
QUERY_FORMAT = "tracer.query/1"
EDGE_COLUMNS = (
    "parent",
    "child",
    "kind",
    "score",
    "copied",
    "paraphrased",
    "common_source",
    "passages",
    "reason",
)


def to_json(document: dict[str, Any]) -> str:
    """Serialise a JSON document deterministically (sorted keys, UTF-8 kept, two-space indent)."""
    return json.dumps(document, sort_keys=True, ensure_ascii=False, indent=2) + "\n"


def span_dict(span: Span) -> dict[str, int]:
    """A span as ``{"start": ..., "end": ...}``."""
    return {"start": span.start, "end": span.end}


def shares_dict(shares: Shares) -> dict[str, float | int]:
    """Label shares of one article's content characters."""
    return {
        "copied": shares.copied,
        "paraphrased": shares.paraphrased,
        "original": shares.original,
        "boilerplate_chars": shares.boilerplate_chars,
    }


def article_dict(doc: Segmented, links: Sequence[SentenceLink]) -> dict[str, Any]:
    """An article with every segment, its offsets into the raw text and its verdict."""
    article = doc.article
    return {
        "id": article.id,
        "origin": article.origin,
        "title": article.title,
        "date": article.date,
        "source": article.source,
        "url": article.url,
        "length": len(article.text),
        "sentences": [
            {
                "index": sentence.index,
                **span_dict(sentence.span),
                "text": sentence.text,
                "label": link.label,
                "partner": link.partner,
                "counterparts": list(link.counterparts),
                "similarity": link.similarity,
                "overlap": link.overlap,
                "heading": sentence.heading,
                "boilerplate_reason": sentence.boilerplate_reason,
            }
            for sentence, link in zip(doc.sentences, links, strict=True)
        ],
    }


def comparison_dict(result: Comparison) -> dict[str, Any]:
    """The JSON document ``tracer compare --json`` prints."""
    from tracer.paraphrase import pair_probabilities

    a_sentences, b_sentences = result.a.sentences, result.b.sentences
    probabilities = pair_probabilities(result)
    return {
        "format": COMPARISON_FORMAT,
        "tracer_version": __version__,
        "a": article_dict(result.a, result.links_a),
        "b": article_dict(result.b, result.links_b),
        "pairs": [
            {
                "a_sentences": list(pair.a_indices),
                "b_sentences": list(pair.b_indices),
                "a_spans": [span_dict(a_sentences[i].span) for i in pair.a_indices],
                "b_spans": [span_dict(b_sentences[i].span) for i in pair.b_indices],
                "label": pair.label,
                "similarity": pair.similarity,
                "overlap": pair.overlap,
                "paraphrase_probability": probability,
            }
            for pair, probability in zip(result.pairs, probabilities, strict=True)
        ],
        "passages": [passage_dict(passage) for passage in result.passages],
        "document": _document_dict(result),
        "shares": {"a": shares_dict(result.shares_a), "b": shares_dict(result.shares_b)},
    }


def query_dict(result: QueryResult) -> dict[str, Any]:
    """The JSON document ``tracer query --json`` prints: the query and its likely sources.

    Each source carries the passages it shares with the query (``a`` is the indexed article,
    ``b`` the query) and the share of the query they explain.
    """
    return {
        "format": QUERY_FORMAT,
        "tracer_version": __version__,
        "query": {
            "id": result.query.article.id,
            "title": result.query.article.title,
            "characters": len(result.query.article.text),
        },
        "candidates_aligned": result.candidates,
        "sources": [
            {
                "id": match.comparison.a.article.id,
                "title": match.comparison.a.article.title,
                "date": match.comparison.a.article.date,
                "source": match.comparison.a.article.source,
                "url": match.comparison.a.article.url,
                "explained": match.explained,
                "shares": shares_dict(match.comparison.shares_b),
                "shared_stems": match.shared_stems,
                "passages": [passage_dict(p) for p in match.comparison.passages],
            }
            for match in result.sources
        ],
    }


def _document_dict(result: Comparison) -> dict[str, float]:
    return {
        "jaccard": result.document.jaccard,
        "containment_a_in_b": result.document.containment_a_in_b,
        "containment_b_in_a": result.document.containment_b_in_a,
        "tfidf_word_cosine": result.document.tfidf_word_cosine,
        "tfidf_char_cosine": result.document.tfidf_char_cosine,
    }


def passage_dict(passage: Passage) -> dict[str, Any]:
    """One aligned passage: both article ids, character spans, sentence indices, label, scores."""
    return {
        "a_id": passage.a_id,
        "b_id": passage.b_id,
        "a_span": span_dict(passage.a_span),
        "b_span": span_dict(passage.b_span),
        "a_sentences": list(passage.a_sentences),
        "b_sentences": list(passage.b_sentences),
        "label": passage.label,
        "similarity": passage.similarity,
        "overlap": passage.overlap,
    }


def attribution_dict(attribution: Attribution) -> dict[str, Any]:
    """An attribution phrase, the source it names and the sentences it covers."""
    return {
        "source": attribution.source,
        "source_type": attribution.source_type,
        "kind": attribution.kind,
        "cue": attribution.cue,
        **span_dict(attribution.span),
        "sentences": list(attribution.sentences),
    }


def edge_dict(edge: Edge) -> dict[str, Any]:
    """A DAG edge with its evidence."""
    return {
        "parent": edge.parent,
        "child": edge.child,
        "kind": edge.kind,
        "score": edge.score,
        "reason": edge.reason,
        "copied": edge.copied,
        "paraphrased": edge.paraphrased,
        "common_source": edge.common_source,
        "passages": [passage_dict(p) for p in edge.passages],
        "attributions": [attribution_dict(a) for a in edge.attributions],
    }


def trace_dict(result: TraceResult) -> dict[str, Any]:
    """The ``trace.json`` document (schema in ``docs/trace-format.md``) as one value.

    :func:`trace_json` writes the same document without building it whole.
    """
    return {
        key: value if isinstance(value, dict | str) else list(value)
        for key, value in _trace_parts(result)
    }


def _trace_parts(result: TraceResult) -> Iterator[tuple[str, Any]]:
    """The top-level fields of ``trace.json``, in key order; lists come as lazy iterators."""
    yield (
        "articles",
        (
            {
                **article_dict(item.doc, item.links),
                "shares": shares_dict(item.shares),
                "attributions": [attribution_dict(a) for a in item.attributions],
            }
            for item in result.articles
        ),
    )
    yield "edges", (edge_dict(edge) for edge in result.edges)
    yield "format", TRACE_FORMAT
    yield (
        "nodes",
        (
            {
                "id": node.id,
                "kind": node.kind,
                "name": node.name,
                "source_type": node.source_type,
                "outlet": node.outlet,
            }
            for node in result.nodes
        ),
    )
    yield (
        "pairs",
        (
            {
                "a": comparison.a.article.id,
                "b": comparison.b.article.id,
                "document": _document_dict(comparison),
                "shares": {
                    "a": shares_dict(comparison.shares_a),
                    "b": shares_dict(comparison.shares_b),
                },
                "passages": [passage_dict(p) for p in comparison.passages],
            }
            for comparison in result.comparisons
        ),
    )
    yield "problems", ({"where": p.where, "message": p.message} for p in result.problems)
    yield "stats", dict(sorted(result.stats.items()))
    yield "tracer_version", __version__
    yield "warnings", ({"where": p.where, "message": p.message} for p in result.warnings)


def trace_json(result: TraceResult) -> Iterator[str]:
    """``trace.json`` as pieces of text, built one article (node, edge, pair) at a time.

    The document is what :func:`trace_dict` returns, laid out for reading and diffing: each
    top-level field on its own line, and each element of a top-level list on its own line in
    compact form. Only one element is in memory at a time, and the C JSON encoder does the work
    (an indented dump of a large corpus took seconds and the whole document in memory).

    Example:
        >>> from tracer.pipeline import trace
        >>> text = "".join(trace_json(trace([])))
        >>> json.loads(text)["articles"], text.splitlines()[1]
        ([], '  "articles": [],')
    """
    parts = list(_trace_parts(result))
    yield "{\n"
    for position, (key, value) in enumerate(parts):
        end = ",\n" if position + 1 < len(parts) else "\n"
        if isinstance(value, dict | str):
            yield f"  {_compact(key)}: {_compact(value)}{end}"
            continue
        opened = False
        for item in value:
            yield (",\n    " if opened else f"  {_compact(key)}: [\n    ") + _compact(item)
            opened = True
        yield ("\n  ]" if opened else f"  {_compact(key)}: []") + end
    yield "}\n"


def _compact(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False)


def passages_jsonl(result: TraceResult) -> str:
    """``passages.jsonl``: one aligned passage per line, in pair order."""
    lines = [
        json.dumps(passage_dict(passage), sort_keys=True, ensure_ascii=False)
        for comparison in result.comparisons
        for passage in comparison.passages
    ]
    return "".join(line + "\n" for line in lines)


def edges_csv(result: TraceResult) -> str:
    """``edges.csv``: one DAG edge per row, evidence summarised."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(EDGE_COLUMNS)
    for edge in result.edges:
        writer.writerow(
            [
                edge.parent,
                edge.child,
                edge.kind,
                f"{edge.score:.4f}",
                f"{edge.copied:.4f}",
                f"{edge.paraphrased:.4f}",
                edge.common_source or "",
                len(edge.passages),
                edge.reason,
            ]
        )
    return buffer.getvalue()


def write_trace(result: TraceResult, out_dir: Path) -> list[Path]:
    """Write ``trace.json``, ``passages.jsonl`` and ``edges.csv`` atomically into ``out_dir``."""
    outputs: dict[str, Iterable[str]] = {
        "trace.json": trace_json(result),
        "passages.jsonl": [passages_jsonl(result)],
        "edges.csv": [edges_csv(result)],
    }
    written = []
    for name, chunks in outputs.items():
        path = Path(out_dir) / name
        write_chunks_atomic(path, chunks)
        written.append(path)
    return written
