"""One new article against an index: its most likely sources among everything seen before.

The index keeps, for every article, the distinct content-word stems of its content (the
``stem`` postings written by :mod:`tracer.batch`). A query looks its own stems up, leaves out
the ones too common to say anything (in more than ``max_stem_doc_share`` of the articles, as
candidate search does), ranks the articles by how many of the rest they share, and aligns the
best-ranked ones with the query the way ``tracer compare`` does. Only those few articles are read
from the index, so a query costs milliseconds per candidate whatever the index size.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass

from tracer.api import compare
from tracer.batch import STEM_KIND, stem_postings
from tracer.config import TracerConfig
from tracer.index import Index
from tracer.model import Article, Comparison, Segmented
from tracer.segment import segment

DEFAULT_CANDIDATES = 50


@dataclass(frozen=True, slots=True)
class SourceMatch:
    """An indexed article the query shares passages with, and how much of the query it explains.

    ``comparison`` is ``compare(indexed, query)``: the indexed article is side A, the query B.
    """

    comparison: Comparison
    shared_stems: int

    @property
    def explained(self) -> float:
        """Share of the query's content copied or paraphrased from this article."""
        shares = self.comparison.shares_b
        return round(shares.copied + shares.paraphrased, 4)


@dataclass(frozen=True, slots=True)
class QueryResult:
    """The query article, segmented as a batch would, and its sources, most explaining first."""

    query: Segmented
    sources: tuple[SourceMatch, ...]
    candidates: int


def likely_sources(
    article: Article,
    index: Index,
    config: TracerConfig | None = None,
    *,
    limit: int = 10,
    candidates: int = DEFAULT_CANDIDATES,
) -> QueryResult:
    """The indexed articles ``article`` most likely took from, with their aligned passages.

    Ranked by the share of the query they explain (copied + paraphrased), then by the share
    copied word for word, then by id; at most ``limit`` of them, chosen among the
    ``candidates`` articles sharing most distinctive stems.
    An article with the query's own id is left out (it is the query, or its older version).
    """
    config = config or TracerConfig()
    furniture = frozenset(json.loads(index.get_meta("furniture") or "[]"))
    query = segment(article, boilerplate_lines=furniture)
    keys = sorted({key for _, key, _ in stem_postings(query)})
    total = index.article_count()
    limit_docs = max(
        config.candidates.min_common_stem_docs, config.candidates.max_stem_doc_share * total
    )
    counts = index.band_counts(STEM_KIND, keys)
    distinctive = [key for key in keys if counts[key] <= limit_docs]
    shared: Counter[str] = Counter(
        article_id
        for _, article_id, _ in index.band_members(STEM_KIND, distinctive)
        if article_id != article.id
    )
    ranked = sorted(
        (
            (count, article_id)
            for article_id, count in shared.items()
            if count >= config.candidates.min_sentence_stems
        ),
        key=lambda item: (-item[0], item[1]),
    )[:candidates]
    matches = []
    for doc in index.load_segmented([article_id for _, article_id in ranked]):
        comparison = compare(doc, query, config)
        if comparison.passages:
            matches.append(SourceMatch(comparison, shared[doc.article.id]))
    # At equal coverage, a source holding the text word for word is stronger evidence than one
    # that rewords it; ranking by id alone put a paraphrase above the verbatim original.
    matches.sort(
        key=lambda m: (-m.explained, -m.comparison.shares_b.copied, m.comparison.a.article.id)
    )
    return QueryResult(query, tuple(matches[:limit]), len(ranked))
