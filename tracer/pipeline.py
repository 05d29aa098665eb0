"""The trace pipeline: articles -> segments -> candidates -> alignments -> DAG -> TraceResult.

This is the one place that sequences the stages and reports progress; each stage stays a pure
function of its inputs.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence

from tracer.align import shares
from tracer.api import compare
from tracer.attribution import find_attributions
from tracer.candidates import find_candidates
from tracer.clean import normalise
from tracer.config import CleanConfig, TracerConfig
from tracer.derive import derive
from tracer.errors import Problem
from tracer.model import (
    Article,
    ArticleTrace,
    Attribution,
    Comparison,
    Segmented,
    SentenceLink,
    TraceResult,
)
from tracer.segment import segment
from tracer.similarity import FeatureSpace

ProgressCallback = Callable[[str, int, int], None]
"""Called as ``on_progress(stage, done, total)`` while the pipeline runs."""

_LABEL_RANK = {"copied": 0, "paraphrased": 0, "original": 1, "boilerplate": 2}


def trace(
    articles: Sequence[Article],
    config: TracerConfig | None = None,
    *,
    problems: Sequence[Problem] = (),
    warnings: Sequence[Problem] = (),
    on_progress: ProgressCallback | None = None,
) -> TraceResult:
    """Trace a corpus: shared passages, their labels, and the derivation DAG with cited sources.

    Articles are processed in id order, so the result does not depend on input order.
    ``problems`` and ``warnings`` from ingestion are carried into the result for the summary.

    Example:
        >>> from tracer.model import Article
        >>> result = trace([
        ...     Article("a", "Moscow could pay for North Korean weapons with grain and oil."),
        ...     Article("b", "In return, Moscow can offer grain and oil for North Korean arms."),
        ... ])
        >>> [(e.kind, e.parent, e.child) for e in result.edges]
        [('related', 'a', 'b')]
    """
    config = config or TracerConfig()
    report = on_progress or (lambda stage, done, total: None)
    ordered = sorted(articles, key=lambda a: a.id)

    furniture = repeated_short_lines(ordered, config.clean)
    docs: list[Segmented] = []
    for position, article in enumerate(ordered, start=1):
        docs.append(segment(article, boilerplate_lines=furniture))
        report("segment", position, len(ordered))
    attributions = {doc.article.id: find_attributions(doc) for doc in docs}

    report("candidates", 0, 1)
    candidates = find_candidates(docs, config.candidates)
    report("candidates", 1, 1)

    # One feature space for the corpus: IDF from all articles, vectors computed once per
    # article rather than once per pair.
    space = FeatureSpace(config).fit(docs)
    # Vectors are dropped after an article's last candidate pair, so memory follows the pairs
    # in flight rather than the corpus.
    last_use = {}
    for position, candidate in enumerate(candidates):
        last_use[candidate.a] = last_use[candidate.b] = position
    comparisons: list[Comparison] = []
    for position, candidate in enumerate(candidates):
        comparison = compare(docs[candidate.a], docs[candidate.b], config, space=space)
        if comparison.pairs:
            comparisons.append(comparison)
        for member in (candidate.a, candidate.b):
            if last_use[member] == position:
                space.forget(docs[member])
        report("align", position + 1, len(candidates))

    derivation = derive(docs, attributions, comparisons, config.derive)
    by_article: dict[str, list[Comparison]] = {}
    for comparison in comparisons:
        by_article.setdefault(comparison.a.article.id, []).append(comparison)
        by_article.setdefault(comparison.b.article.id, []).append(comparison)
    traced = tuple(
        _article_trace(doc, by_article.get(doc.article.id, []), attributions[doc.article.id])
        for doc in docs
    )
    return TraceResult(
        articles=traced,
        comparisons=tuple(comparisons),
        nodes=derivation.nodes,
        edges=derivation.edges,
        problems=tuple(problems),
        warnings=tuple(warnings),
        stats={
            "articles": len(docs),
            "candidate_pairs": len(candidates),
            "aligned_pairs": len(comparisons),
            "passages": sum(len(c.passages) for c in comparisons),
            "nodes": len(derivation.nodes),
            "edges": len(derivation.edges),
            "skipped_inputs": len(problems),
        },
    )


def repeated_short_lines(articles: Sequence[Article], config: CleanConfig) -> frozenset[str]:
    r"""Short normalised lines found in many articles: sign-offs, bylines, menu items.

    Example:
        >>> texts = ["Rain is expected.\nReuter", "Wheat fell.\nReuter", "Oil rose.\nReuter"]
        >>> sorted(repeated_short_lines([Article(str(i), t) for i, t in enumerate(texts)],
        ...                             CleanConfig()))
        ['Reuter']
    """
    counts: Counter[str] = Counter()
    for article in articles:
        short = set()
        for line in article.text.splitlines():
            if line.strip() and len(line.split()) <= config.repeated_line_max_words:
                short.add(normalise(line).text.strip())
        counts.update(short)
    return frozenset(
        line for line, count in counts.items() if count >= config.repeated_line_min_articles
    )


def _article_trace(
    doc: Segmented, comparisons: Sequence[Comparison], attributions: tuple[Attribution, ...]
) -> ArticleTrace:
    """Each sentence's best verdict over every partner it was compared with.

    ``comparisons`` are those that involve ``doc``.
    """
    article_id = doc.article.id
    best: list[SentenceLink] = [
        SentenceLink(s.index, "boilerplate" if s.boilerplate else "original") for s in doc.sentences
    ]
    for comparison in comparisons:
        if comparison.a.article.id == article_id:
            links, partner = comparison.links_a, comparison.b.article.id
        elif comparison.b.article.id == article_id:
            links, partner = comparison.links_b, comparison.a.article.id
        else:
            continue
        for link in links:
            if link.label not in ("copied", "paraphrased"):
                continue
            current = best[link.index]
            if _better(link, partner, current):
                best[link.index] = SentenceLink(
                    link.index,
                    link.label,
                    link.counterparts,
                    link.similarity,
                    link.overlap,
                    partner,
                )
    links_tuple = tuple(best)
    return ArticleTrace(doc, links_tuple, shares(doc, links_tuple), attributions)


def _better(link: SentenceLink, partner: str, current: SentenceLink) -> bool:
    if _LABEL_RANK[link.label] != _LABEL_RANK[current.label]:
        return _LABEL_RANK[link.label] < _LABEL_RANK[current.label]
    return (-link.similarity, partner) < (-current.similarity, current.partner or "")
