"""The public Python API: what the CLI, the benchmarks and other programs call."""

from __future__ import annotations

import os
from pathlib import Path

from tracer.align import align, passages, shares
from tracer.candidates import document_similarity
from tracer.config import TracerConfig
from tracer.ingest import read_article
from tracer.model import Article, Comparison, Segmented
from tracer.segment import segment
from tracer.similarity import FeatureSpace

ArticleLike = Article | Segmented | str | os.PathLike[str]


def as_segmented(item: ArticleLike, default_id: str) -> Segmented:
    """Turn an article, raw text or a path to a text file into a segmented article."""
    if isinstance(item, Segmented):
        return item
    if isinstance(item, Article):
        return segment(item)
    if isinstance(item, str):
        return segment(Article(default_id, item))
    return segment(read_article(Path(item)))


def compare(
    a: ArticleLike,
    b: ArticleLike,
    config: TracerConfig | None = None,
    *,
    space: FeatureSpace | None = None,
) -> Comparison:
    """Compare two articles sentence by sentence: what B shares with A, and how.

    ``a`` and ``b`` may be ``Article`` values, raw text, or paths to text files. Every sentence of
    both comes back labelled copied / paraphrased / original / boilerplate, with its best
    counterpart and scores; aligned pairs, merged passages, document-level figures and the share
    of each article by label come with it. ``space`` caches per-article features across
    calls (as :func:`tracer.pipeline.trace` passes one); the result depends on the two articles
    alone either way.

    Example:
        >>> result = compare("Moscow could pay with grain, oil and military technology.",
        ...                  "In return, Moscow can offer grain, oil and military technology.")
        >>> [link.label for link in result.links_b]
        ['paraphrased']
    """
    config = config or TracerConfig()
    a_doc = as_segmented(a, "A")
    b_doc = as_segmented(b, "B")
    if space is None:
        space = FeatureSpace(config)
    alignment = align(a_doc, b_doc, config.align, space=space)
    return Comparison(
        a=a_doc,
        b=b_doc,
        links_a=alignment.links_a,
        links_b=alignment.links_b,
        pairs=alignment.pairs,
        passages=passages(a_doc, b_doc, alignment, config.align),
        document=document_similarity(a_doc, b_doc, config.candidates, space=space),
        shares_a=shares(a_doc, alignment.links_a),
        shares_b=shares(b_doc, alignment.links_b),
    )
