"""Machine-readable output: versioned JSON documents, JSONL passages and CSV edges.

Every document carries a ``format`` field (``tracer.comparison/1``...) that changes only when the
shape changes, and is written with sorted keys so the same input gives byte-identical output.
"""

from __future__ import annotations

import json
from typing import Any

from tracer import __version__
from tracer.model import Comparison, Segmented, SentenceLink, Shares, Span

COMPARISON_FORMAT = "tracer.comparison/1"


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


def article_dict(doc: Segmented, links: tuple[SentenceLink, ...]) -> dict[str, Any]:
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
    a_sentences, b_sentences = result.a.sentences, result.b.sentences
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
            }
            for pair in result.pairs
        ],
        "passages": [
            {
                "a_span": span_dict(passage.a_span),
                "b_span": span_dict(passage.b_span),
                "a_sentences": list(passage.a_sentences),
                "b_sentences": list(passage.b_sentences),
                "label": passage.label,
                "similarity": passage.similarity,
                "overlap": passage.overlap,
            }
            for passage in result.passages
        ],
        "document": {
            "jaccard": result.document.jaccard,
            "containment_a_in_b": result.document.containment_a_in_b,
            "containment_b_in_a": result.document.containment_b_in_a,
            "tfidf_word_cosine": result.document.tfidf_word_cosine,
            "tfidf_char_cosine": result.document.tfidf_char_cosine,
        },
        "shares": {"a": shares_dict(result.shares_a), "b": shares_dict(result.shares_b)},
    }
