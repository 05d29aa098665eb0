"""The trace pipeline: articles -> segments -> candidates -> alignments -> DAG -> TraceResult.

This is the one place that sequences the stages and reports progress; each stage stays a pure
function of its inputs. Segmentation and alignment run in a process pool when ``jobs`` > 1:
both are per-article or per-pair work, and their results are gathered in input order, so the
result is the same whatever the number of processes.
"""

from __future__ import annotations

import functools
import gc
import multiprocessing
import os
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, ParamSpec, TypeVar

from tracer.align import could_link, shares
from tracer.api import compare
from tracer.attribution import find_attributions
from tracer.candidates import (
    CandidatePair,
    DocumentSketch,
    document_sketch,
    limit_partners,
)
from tracer.clean import normalise
from tracer.config import CandidateConfig, CleanConfig, TracerConfig
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
from tracer.schedule import Lane, eviction_plan, run_from_both_ends
from tracer.segment import segment
from tracer.similarity import FeatureSpace

if TYPE_CHECKING:
    from tracer.engines import Engine

_P = ParamSpec("_P")
_R = TypeVar("_R")
_T = TypeVar("_T")

ProgressCallback = Callable[[str, int, int], None]
"""Called as ``on_progress(stage, done, total)`` while the pipeline runs."""

_LABEL_RANK = {"copied": 0, "paraphrased": 0, "original": 1, "boilerplate": 2}
# Work is sent to the pool in chunks: large enough to amortise the round trip, small enough
# for steady progress and for a worker's feature cache to stay warm within a chunk.
_SEGMENT_CHUNK = 64
_ALIGN_CHUNK = 256
# Articles whose features each aligning process keeps (see iter_alignments).
_ALIGN_CACHE_ARTICLES = 1536
# Below this many items a pool costs more than it saves.
_MIN_PARALLEL_ITEMS = 200


# Results (articles, pairs) that arrive between two freezes: few enough that a collection over
# them stays cheap.
_SETTLE_EVERY = 1000
_keeping = 0


def keeps_results(function: Callable[_P, _R]) -> Callable[_P, _R]:
    """Decorate a whole run (a trace, a batch) whose results live until it ends.

    A run builds millions of small objects that stay until it returns (sentences, links,
    passages, comparisons) and form no reference cycles. The cyclic garbage collector still went
    over all of them, again and again as they accumulated: half of the main process's time on
    Reuters. Inside such a run, the stages freeze (``gc.freeze()``) what they have built every
    :data:`_SETTLE_EVERY` results, so the collector only looks at what is new; the run unfreezes
    everything when it ends. Reference counting frees objects as usual throughout.
    """

    @functools.wraps(function)
    def run(*args: _P.args, **kwargs: _P.kwargs) -> _R:
        global _keeping
        # A caller that froze its own heap (a pre-forking server, say) keeps it frozen.
        caller_froze = not _keeping and gc.get_freeze_count() > 0
        _keeping += 1
        try:
            return function(*args, **kwargs)
        finally:
            _keeping -= 1
            if not _keeping and not caller_froze:
                gc.unfreeze()

    return run


def _settled(results: Iterable[_T], every: int) -> Iterator[_T]:
    """``results`` as they come, frozen out of the collector's sight after every ``every`` of
    them when inside a run decorated with :func:`keeps_results` (outside one, the heap is left
    alone)."""
    for position, result in enumerate(results, start=1):
        if _keeping and position % every == 0:
            gc.freeze()
        yield result


def default_jobs() -> int:
    """The number of processes to use by default: the CPUs this process may run on."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


@keeps_results
def trace(
    articles: Sequence[Article],
    config: TracerConfig | None = None,
    *,
    problems: Sequence[Problem] = (),
    warnings: Sequence[Problem] = (),
    on_progress: ProgressCallback | None = None,
    jobs: int = 1,
    engine: Engine | None = None,
) -> TraceResult:
    """Trace a corpus: shared passages, their labels, and the derivation DAG with cited sources.

    Articles are processed in id order, so the result does not depend on input order, nor on
    ``jobs``, the number of processes that segment and align. ``problems`` and ``warnings``
    from ingestion are carried into the result for the summary. ``engine`` runs the parallel
    stages (:mod:`tracer.engines`; by default this process and a pool of ``jobs``); every
    engine gives the same result.

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
    engine = _engine(engine, jobs)
    ordered = sorted(articles, key=lambda a: a.id)

    furniture = engine.furniture(ordered, config.clean)
    docs: list[Segmented] = []
    attributions: dict[str, tuple[Attribution, ...]] = {}
    sketches: list[DocumentSketch] = []
    for doc, found, sketch in engine.segment(ordered, furniture, config, report):
        docs.append(doc)
        attributions[doc.article.id] = found
        sketches.append(sketch)

    report("candidates", 0, 1)
    candidates, capped = bounded_candidates(docs, config, sketches=sketches, engine=engine)
    report("candidates", 1, 1)

    comparisons = align_pairs(
        docs, [(c.a, c.b) for c in candidates], config, on_progress=report, engine=engine
    )
    return assemble(
        docs,
        attributions,
        comparisons,
        config,
        problems,
        (*warnings, *capped),
        len(candidates),
    )


def bounded_candidates(
    docs: Sequence[Segmented],
    config: TracerConfig,
    *,
    sketches: Sequence[DocumentSketch] | None = None,
    stems: Sequence[Sequence[set[str]]] | None = None,
    engine: Engine | None = None,
) -> tuple[tuple[CandidatePair, ...], tuple[Problem, ...]]:
    """Candidate pairs with at most ``max_partners`` per article, and a warning per article
    whose pairs were cut. ``engine`` finds the pairs; the cut is made here, on all of them.
    ``sketches`` and ``stems`` are what candidate search computes per article, when the caller
    has them already."""
    found = _engine(engine, 1).find_candidates(docs, config.candidates, sketches, stems)
    kept, dropped = limit_partners(docs, found, config.candidates)
    cap = config.candidates.max_partners
    warnings = tuple(
        Problem(
            docs[index].article.id,
            f"{count} more candidate pairs than max_partners ({cap}) left unaligned",
        )
        for index, count in dropped.items()
    )
    return kept, warnings


def assemble(
    docs: Sequence[Segmented],
    attributions: dict[str, tuple[Attribution, ...]],
    comparisons: Sequence[Comparison],
    config: TracerConfig,
    problems: Sequence[Problem] = (),
    warnings: Sequence[Problem] = (),
    candidate_pairs: int | None = None,
) -> TraceResult:
    """The result from the aligned pairs: per-article verdicts, the DAG and the statistics.

    ``docs`` are in id order and ``comparisons`` in (a, b) order, as :func:`trace` and
    ``tracer batch`` produce them.
    """
    derivation = derive(docs, attributions, comparisons, config.derive)
    by_article: dict[str, list[Comparison]] = {}
    for comparison in comparisons:
        by_article.setdefault(comparison.a.article.id, []).append(comparison)
        by_article.setdefault(comparison.b.article.id, []).append(comparison)
    traced = tuple(
        _article_trace(doc, by_article.get(doc.article.id, []), attributions[doc.article.id])
        for doc in docs
    )
    stats = {
        "articles": len(docs),
        "candidate_pairs": len(comparisons) if candidate_pairs is None else candidate_pairs,
        "aligned_pairs": len(comparisons),
        "passages": sum(len(c.passages) for c in comparisons),
        "nodes": len(derivation.nodes),
        "edges": len(derivation.edges),
        "skipped_inputs": len(problems),
    }
    return TraceResult(
        articles=traced,
        comparisons=tuple(comparisons),
        nodes=derivation.nodes,
        edges=derivation.edges,
        problems=tuple(problems),
        warnings=tuple(warnings),
        stats=stats,
    )


# --- parallel stages -------------------------------------------------------------------------

# What forked workers inherit: set just before a pool starts, read by the worker functions.
# Forking shares the corpus with the workers without pickling it.
_shared: dict[str, Any] = {}


Segmentation = tuple[Segmented, tuple[Attribution, ...], DocumentSketch]
"""What the per-article stage gives: the segmented article, its attributions, its sketch."""


def segment_articles(
    articles: Sequence[Article],
    furniture: frozenset[str] = frozenset(),
    *,
    config: TracerConfig | None = None,
    jobs: int = 1,
    on_progress: ProgressCallback | None = None,
) -> Iterator[Segmentation]:
    """Segment each article, find its attributions and sketch it for candidate search, in
    input order."""
    report = on_progress or (lambda stage, done, total: None)
    _shared["furniture"] = furniture
    _shared["candidates"] = (config or TracerConfig()).candidates
    parallel = jobs > 1 and len(articles) >= _MIN_PARALLEL_ITEMS
    results = _run(
        _segment_one, list(articles), jobs if parallel else 1, _SEGMENT_CHUNK, _SETTLE_EVERY
    )
    for position, result in enumerate(results, start=1):
        yield result
        report("segment", position, len(articles))


def _segment_one(article: Article) -> Segmentation:
    return segment_one(article, _shared["furniture"], _shared["candidates"])


def segment_one(
    article: Article, furniture: frozenset[str], config: CandidateConfig
) -> Segmentation:
    """One article segmented (``furniture`` lines set aside), its attributions and its sketch."""
    doc = segment(article, boilerplate_lines=furniture)
    return doc, find_attributions(doc), document_sketch(doc, config)


def align_pairs(
    docs: Sequence[Segmented],
    pairs: Sequence[tuple[int, int]],
    config: TracerConfig,
    *,
    jobs: int = 1,
    on_progress: ProgressCallback | None = None,
    engine: Engine | None = None,
) -> list[Comparison]:
    """Compare each pair of ``docs`` (indices); those that share a passage, in ``pairs`` order.

    ``engine`` compares them (by default this process and a pool of ``jobs``)."""
    rank = {pair: position for position, pair in enumerate(pairs)}
    found = [
        (rank[(a, b)], comparison)
        for a, b, comparison in _engine(engine, jobs).align(docs, pairs, config, on_progress)
        if comparison is not None
    ]
    return [comparison for _, comparison in sorted(found, key=lambda item: item[0])]


def iter_alignments(
    docs: Sequence[Segmented],
    pairs: Sequence[tuple[int, int]],
    config: TracerConfig,
    *,
    jobs: int = 1,
    on_progress: ProgressCallback | None = None,
) -> Iterator[tuple[int, int, Comparison | None]]:
    """Compare each pair of ``docs`` (indices): ``None`` when it shares nothing.

    Pairs come back in the order they were compared, which is not ``pairs`` order: pairs are
    ordered so that an article's partners are compared close together (reverse Cuthill-McKee
    over the pair graph), which keeps the per-article features each process caches in use.
    With ``jobs`` > 1 the pairs are compared in forked processes, which inherit ``docs``
    instead of receiving them; only the comparisons come back. Each process walks a run of
    the ordered pairs and drops from its cache the article it needs again furthest ahead
    (:mod:`tracer.schedule`).
    """
    report = on_progress or (lambda stage, done, total: None)
    ordered = locality_order(pairs, len(docs))
    chunks = [ordered[i : i + _ALIGN_CHUNK] for i in range(0, len(ordered), _ALIGN_CHUNK)]
    parallel = jobs > 1 and len(pairs) >= _MIN_PARALLEL_ITEMS
    done = 0
    report("align", 0, len(pairs))
    _shared["docs"], _shared["config"], _shared["chunks"] = docs, config, chunks
    # Each process caches the features of this many articles (about 65 kB each). With the
    # eviction plans, 2,048 saved only 4 % of the feature builds on Reuters (16.9k instead of
    # 17.5k) for 65 MB more in a run that must stay under 2 GB.
    _shared["space"] = FeatureSpace(config, max_articles=_ALIGN_CACHE_ARTICLES)
    try:
        with _one_blas_thread():
            settle = max(1, _SETTLE_EVERY // _ALIGN_CHUNK)
            for index, found in _walk_chunks(len(chunks), jobs if parallel else 1, settle):
                chunk = chunks[index]
                for (a, b), parts in zip(chunk, found, strict=True):
                    yield a, b, None if parts is None else Comparison(docs[a], docs[b], *parts)
                done += len(chunk)
                report("align", done, len(pairs))
    finally:
        _shared.clear()


def _walk_chunks(count: int, jobs: int, settle_every: int) -> Iterator[tuple[int, Any]]:
    """``(index, _align_planned(index, walk))`` for every chunk, in ``jobs`` forked processes if
    > 1; results frozen out of the collector's sight as :func:`_run` does."""
    if jobs <= 1 or not _can_fork():
        walk = (0, count - 1, 1)
        yield from _settled(((i, _align_planned(i, walk)) for i in range(count)), settle_every)
        return
    gc.freeze()  # see _run
    try:
        yield from _settled(run_from_both_ends(_align_planned, count, jobs), settle_every)
    finally:
        if not _keeping:
            gc.unfreeze()


def locality_order(pairs: Sequence[tuple[int, int]], size: int) -> list[tuple[int, int]]:
    """``pairs`` reordered so that pairs sharing an article tend to be adjacent.

    Articles are renumbered by reverse Cuthill-McKee (which keeps the partners of an article
    close in the new order), and pairs sorted by their renumbered ends; deterministic.

    Example:
        >>> sorted(locality_order([(0, 3), (1, 2), (2, 3)], 4)) == [(0, 3), (1, 2), (2, 3)]
        True
    """
    import numpy as np
    from scipy.sparse import csr_matrix
    from scipy.sparse.csgraph import reverse_cuthill_mckee

    if not pairs:
        return []
    ends = np.asarray(pairs, dtype=np.int64)
    graph = csr_matrix(
        (np.ones(2 * len(ends)), (np.r_[ends[:, 0], ends[:, 1]], np.r_[ends[:, 1], ends[:, 0]])),
        shape=(size, size),
    )
    rank = np.empty(size, dtype=np.int64)
    rank[reverse_cuthill_mckee(graph, symmetric_mode=True)] = np.arange(size)
    first = np.minimum(rank[ends[:, 0]], rank[ends[:, 1]])
    second = np.maximum(rank[ends[:, 0]], rank[ends[:, 1]])
    order = np.lexsort((second, first))
    return [(int(a), int(b)) for a, b in ends[order]]


def _align_planned(index: int, walk: Lane) -> list[tuple[Any, ...] | None]:
    """Compare chunk ``index`` in this process, which walks the chunks along ``walk``: before
    each pair, the articles the walk's :func:`~tracer.schedule.eviction_plan` drops there leave
    the feature cache. The articles themselves are not sent back."""
    docs, config, space = _shared["docs"], _shared["config"], _shared["space"]
    chunks: list[list[tuple[int, int]]] = _shared["chunks"]
    plans: dict[Lane, tuple[dict[int, tuple[int, ...]], dict[int, int]]]
    plans = _shared.setdefault("plans", {})
    if walk not in plans:
        first, last, step = walk
        order = range(first, last + step, step)
        sequence: list[tuple[int, int]] = []
        starts: dict[int, int] = {}
        for i in order:
            starts[i] = len(sequence)
            sequence.extend(chunks[i])
        plans[walk] = (eviction_plan(sequence, space.max_articles), starts)
    plan, starts = plans[walk]
    found = []
    for position, (a, b) in enumerate(chunks[index], start=starts[index]):
        for article in plan.get(position, ()):
            space.forget(docs[article])
        found.append(alignment_parts(docs[a], docs[b], config, space))
    return found


def alignment_parts(
    a: Segmented, b: Segmented, config: TracerConfig, space: FeatureSpace
) -> tuple[Any, ...] | None:
    """What comparing ``a`` with ``b`` adds to the two articles (``Comparison(a, b, *parts)``
    rebuilds it), or ``None`` when they share nothing: what a worker sends back for a pair."""
    comparison = None
    if could_link(space.pair(a, b).similarity, config.align):
        comparison = compare(a, b, config, space=space)
    if comparison is None or not comparison.pairs:
        return None
    return (
        comparison.links_a,
        comparison.links_b,
        comparison.pairs,
        comparison.passages,
        comparison.document,
        comparison.shares_a,
        comparison.shares_b,
    )


def _engine(engine: Engine | None, jobs: int) -> Engine:
    """``engine``, or the local engine with ``jobs`` processes."""
    if engine is not None:
        return engine
    # Imported here: tracer.engines builds the local engine from this module's stages.
    from tracer.engines import LocalEngine

    return LocalEngine(jobs)


def _run(
    function: Callable[[Any], Any],
    items: Sequence[Any],
    jobs: int,
    chunk: int,
    settle_every: int,
) -> Iterator[Any]:
    """``map(function, items)`` in order, in a pool of ``jobs`` forked processes if > 1; the
    results are frozen out of the collector's sight every ``settle_every`` (:func:`_settled`)."""
    if jobs <= 1 or not _can_fork():
        yield from _settled(map(function, items), settle_every)
        return
    # Objects that exist before the fork are moved out of the garbage collector's sight: its
    # passes over them in a worker would write to every page of the inherited heap (reference
    # counts aside, the GC's own bookkeeping), copying it all and spending the time to do so.
    gc.freeze()
    try:
        with multiprocessing.get_context("fork").Pool(jobs) as pool:
            yield from _settled(pool.imap(function, items, chunksize=chunk), settle_every)
    finally:
        if not _keeping:
            gc.unfreeze()


@contextmanager
def _one_blas_thread() -> Iterator[None]:
    """Keep BLAS to one thread: the products are small, and threads would only contend with
    the worker processes (forked workers inherit the setting)."""
    from threadpoolctl import threadpool_limits

    with threadpool_limits(limits=1, user_api="blas"):
        yield


def _can_fork() -> bool:
    return "fork" in multiprocessing.get_all_start_methods()


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
        counts.update(short_lines(article, config))
    return frozenset(
        line for line, count in counts.items() if count >= config.repeated_line_min_articles
    )


def short_lines(article: Article, config: CleanConfig) -> set[str]:
    """The distinct short lines of one article, normalised: what :func:`repeated_short_lines`
    counts across a corpus (an engine may count them in a distributed reduce)."""
    short = set()
    for line in article.text.splitlines():
        if line.strip() and len(line.split()) <= config.repeated_line_max_words:
            short.add(normalise(line).text.strip())
    return short


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
