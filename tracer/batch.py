"""Batch runs: add a dump of new articles to a persistent index and trace them against it all.

``tracer batch`` is ``tracer trace`` made incremental. Each run:

1. sorts the dump into **new** articles, **revised** ones (a known id with other content: a new
   version) and **unchanged** ones (same id, same content hash), which are skipped;
2. works out the **furniture** (short lines repeated across articles: sign-offs, menus) over the
   whole index, and re-segments the older articles a change in it touches;
3. segments the new and revised articles and stores them, a bounded number per transaction;
4. picks **candidate pairs** over the whole index and **aligns only the pairs not aligned
   before**, storing every result (also "nothing shared"), a bounded number per transaction;
5. derives the DAG over everything indexed and stores it.

Every step is a function of the index contents and the dump, and a pair's comparison depends on
the two articles alone (see :class:`tracer.similarity.FeatureSpace`); so a dump added in two
halves gives the same index and outputs as added at once, and a run killed at any point and
started again finishes with the same index and outputs as one never interrupted. The outputs
describe the whole index, not just the dump: running the same dump twice changes nothing.
"""

from __future__ import annotations

import fcntl
import functools
import json
import os
import signal
from collections.abc import Iterator, Mapping, Sequence
from collections.abc import Set as AbstractSet
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path

from tracer.candidates import DocumentSketch, document_sketch, sentence_stems
from tracer.config import TracerConfig
from tracer.engines import Engine, LocalEngine
from tracer.errors import TracerError
from tracer.index import Index, content_hash
from tracer.ingest import Corpus
from tracer.lsh import item_hash
from tracer.model import Article, Attribution, Comparison, Segmented, TraceResult
from tracer.pipeline import ProgressCallback, assemble, bounded_candidates, keeps_results

STEM_KIND = "stem"
"""Band kind of the content-stem postings that ``tracer query`` looks sources up by."""

# Rows per transaction: small enough that an interrupted run loses little, large enough that
# committing (an fsync each) does not dominate.
ARTICLES_PER_TRANSACTION = 2000
PAIRS_PER_TRANSACTION = 10000

# Test hook: kill the process (SIGKILL, no clean-up) right after this many commits, to prove
# that a rerun completes an interrupted batch exactly.
_FAULT_ENV = "TRACER_FAULT_AFTER_COMMITS"


@dataclass(frozen=True, slots=True)
class BatchSummary:
    """What one batch run did, for the summary line and ``runs`` table."""

    read: int
    new: int
    revised: int
    unchanged: int
    skipped_inputs: int
    warnings: int
    resegmented: int
    candidate_pairs: int
    aligned_now: int
    indexed: int
    edges: dict[str, int] = field(default_factory=dict)
    revised_ids: tuple[str, ...] = ()

    def describe(self) -> str:
        """Two lines for the terminal.

        Example:
            >>> print(BatchSummary(3, 2, 1, 0, 1, 0, 0, 4, 4, 10, {"derived": 2}).describe())
            3 articles read: 2 new, 1 revised, 0 unchanged; 1 input skipped, 0 warnings
            4 pairs aligned (4 candidates); index: 10 articles, 2 derived, 0 related
        """
        return (
            f"{self.read} articles read: {self.new} new, {self.revised} revised, "
            f"{self.unchanged} unchanged; {self.skipped_inputs} input"
            f"{'' if self.skipped_inputs == 1 else 's'} skipped, {self.warnings} warnings"
            f"\n{self.aligned_now} pairs aligned ({self.candidate_pairs} candidates); "
            f"index: {self.indexed} articles, {self.edges.get('derived', 0)} derived, "
            f"{self.edges.get('related', 0)} related"
        )


@keeps_results
def run_batch(
    corpus: Corpus,
    index: Index,
    config: TracerConfig | None = None,
    *,
    inputs: Sequence[str] = (),
    jobs: int = 1,
    on_progress: ProgressCallback | None = None,
    engine: Engine | None = None,
) -> tuple[TraceResult, BatchSummary]:
    """Add ``corpus`` to ``index``, align what is new against everything, re-derive the DAG.

    Returns the trace of the whole index (what ``trace.json`` and the report show) and a summary
    of this run. ``inputs`` names the dump files for the run log. ``engine`` runs the parallel
    stages (by default this process and a pool of ``jobs``); the index is read and written here.

    Raises:
        TracerError: the index was built with another configuration.
    """
    config = config or TracerConfig()
    report = on_progress or (lambda stage, done, total: None)
    engine = engine or LocalEngine(jobs)
    _check_config(index, config)
    with _commit(index):
        run = index.start_run(list(inputs))

    states = index.article_states()
    incoming: list[tuple[Article, str]] = []
    new = revised = unchanged = 0
    revised_ids = []
    for article in sorted(corpus.articles, key=lambda a: a.id):
        digest = content_hash(article)
        state = states.get(article.id)
        if state is not None and state[0] == digest:
            unchanged += 1
            continue
        incoming.append((article, digest))
        if state is None:
            new += 1
        else:
            revised += 1
            revised_ids.append(article.id)

    # Furniture is a property of the whole index: when it changes, the older articles whose
    # text holds a changed line are segmented again (their comparisons go with it).
    replaced = {article.id for article, _ in incoming}
    kept = [doc for doc in index.load_segmented() if doc.article.id not in replaced]
    furniture = engine.furniture(
        [doc.article for doc in kept] + [article for article, _ in incoming], config.clean
    )
    changed = furniture ^ frozenset(json.loads(index.get_meta("furniture") or "[]"))
    touched = [doc for doc in kept if changed and _has_line(doc.article.text, changed)]
    hashes = {doc.article.id: states[doc.article.id][0] for doc in touched}
    hashes.update({article.id: digest for article, digest in incoming})
    to_segment = sorted(
        [doc.article for doc in touched] + [article for article, _ in incoming],
        key=lambda a: a.id,
    )
    segmented: dict[str, Segmented] = {}
    sketches: dict[str, DocumentSketch] = {}
    # Each sentence's content stems: the stem postings are their union, and candidate search
    # needs them again (for the articles of earlier runs, it computes them itself).
    stems: dict[str, list[set[str]]] = {}
    batch: list[tuple[Segmented, tuple[Attribution, ...]]] = []
    for doc, found, sketch in engine.segment(to_segment, furniture, config, report):
        segmented[doc.article.id] = doc
        sketches[doc.article.id] = sketch
        stems[doc.article.id] = sentence_stems(doc)
        batch.append((doc, found))
        if len(batch) >= ARTICLES_PER_TRANSACTION:
            _store_articles(index, batch, hashes, run, stems)
            batch = []
    if batch:
        _store_articles(index, batch, hashes, run, stems)
    with _commit(index):
        index.set_meta("furniture", json.dumps(sorted(furniture), ensure_ascii=False))

    docs = sorted(
        [doc for doc in kept if doc.article.id not in segmented] + list(segmented.values()),
        key=lambda d: d.article.id,
    )
    report("candidates", 0, 1)
    # Articles of earlier runs are sketched again here (a sketch is cheap; storing them would
    # tie the index format to the MinHash settings).
    candidates, capped = bounded_candidates(
        docs,
        config,
        sketches=[
            sketches.get(doc.article.id) or document_sketch(doc, config.candidates) for doc in docs
        ],
        stems=[stems.get(doc.article.id) or sentence_stems(doc) for doc in docs],
        engine=engine,
    )
    del stems
    report("candidates", 1, 1)
    wanted = {(docs[c.a].article.id, docs[c.b].article.id) for c in candidates}
    compared = index.all_compared_pairs()
    todo = [
        (c.a, c.b)
        for c in candidates
        if (docs[c.a].article.id, docs[c.b].article.id) not in compared
    ]
    fresh: dict[tuple[str, str], Comparison] = {}
    pending: list[tuple[str, str, Comparison | None]] = []
    for a, b, comparison in engine.align(docs, todo, config, report):
        key = (docs[a].article.id, docs[b].article.id)
        pending.append((*key, comparison))
        if comparison is not None:
            fresh[key] = comparison
        if len(pending) >= PAIRS_PER_TRANSACTION:
            _store_comparisons(index, pending)
            pending = []
    if pending:
        _store_comparisons(index, pending)

    by_id = {doc.article.id: doc for doc in docs}
    stored = index.load_comparisons(by_id, pairs=wanted - set(fresh))
    comparisons = sorted([*stored, *fresh.values()], key=lambda c: (c.a.article.id, c.b.article.id))
    attributions = index.load_attributions()
    result = assemble(
        docs,
        attributions,
        comparisons,
        config,
        corpus.problems,
        (*corpus.warnings, *capped),
        candidate_pairs=len(candidates),
    )
    edges: dict[str, int] = {}
    for edge in result.edges:
        edges[edge.kind] = edges.get(edge.kind, 0) + 1
    summary = BatchSummary(
        read=len(corpus.articles),
        new=new,
        revised=revised,
        unchanged=unchanged,
        skipped_inputs=len(corpus.problems),
        warnings=len(corpus.warnings) + len(capped),
        resegmented=len(touched),
        candidate_pairs=len(candidates),
        aligned_now=len(todo),
        indexed=len(docs),
        edges=dict(sorted(edges.items())),
        revised_ids=tuple(revised_ids),
    )
    with _commit(index):
        index.mark_done(index.pending_ids())
        index.replace_graph(result.nodes, result.edges)
        index.finish_run(run, asdict(summary))
    return result, summary


def stem_postings(
    doc: Segmented, stems: Sequence[AbstractSet[str]] | None = None
) -> list[tuple[str, int, int]]:
    """The ``(kind, key, item)`` band rows by which ``tracer query`` finds ``doc``: one per
    distinct content stem of its content sentences (names included: they are what a story is
    about). ``stems`` are its :func:`tracer.candidates.sentence_stems`, if known."""
    found = set().union(*(sentence_stems(doc) if stems is None else stems))
    return [(STEM_KIND, stem_key(stem), 0) for stem in sorted(found)]


@functools.lru_cache(maxsize=1 << 16)
def stem_key(stem: str) -> int:
    """A stem's posting key: its 64-bit hash as a signed integer (what SQLite stores).

    Cached: a dump's million postings draw on some tens of thousands of stems.

    Example:
        >>> stem_key("grain") == stem_key("grain")
        True
    """
    value = item_hash(stem)
    return value - (1 << 64) if value >= 1 << 63 else value


def _has_line(text: str, lines: frozenset[str]) -> bool:
    from tracer.clean import normalise

    return any(normalise(line).text.strip() in lines for line in text.splitlines())


def _check_config(index: Index, config: TracerConfig) -> None:
    """An index holds results of one configuration; mixing two would make them meaningless.

    Only the settings that shape what is stored count (cleaning and segmentation, alignment,
    and the shingles document figures are computed on): the DAG is derived afresh every run, so
    ``[derive]`` settings may change between runs.
    """
    stored_part = {name: asdict(getattr(config, name)) for name in _STORED_SETTINGS}
    fingerprint = json.dumps(stored_part, sort_keys=True)
    stored = index.get_meta("config")
    if stored is None:
        with _commit(index):
            index.set_meta("config", fingerprint)
    elif stored != fingerprint:
        raise TracerError(
            f"{index.path}: this index was built with other settings; use the same --config, "
            "or a new index"
        )


# The configuration sections whose settings are baked into what the index stores.
_STORED_SETTINGS = ("clean", "align", "candidates")


@contextmanager
def exclusive(index_path: Path) -> Iterator[None]:
    """Hold the index's batch lock: one ``tracer batch`` at a time per index.

    Two runs interleaving their transactions would each rebuild the DAG from their own view.
    The lock is an advisory lock on a file beside the index, which the operating system
    releases however the holder ends (even by SIGKILL), so a killed run never leaves it held.

    Raises:
        TracerError: another batch holds the lock.
    """
    lock_path = index_path.with_name(index_path.name + ".lock")
    try:
        lock_path.parent.mkdir(parents=True, exist_ok=True)
        handle = open(lock_path, "a+b")  # noqa: SIM115 - held for the whole run
    except OSError as error:
        raise TracerError(f"{lock_path}: cannot create the batch lock: {error.strerror}") from None
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            raise TracerError(
                f"{index_path}: another tracer batch is running on this index"
            ) from None
        yield
    finally:
        handle.close()


def _store_articles(
    index: Index,
    batch: Sequence[tuple[Segmented, tuple[Attribution, ...]]],
    hashes: dict[str, str],
    run: int,
    stems: Mapping[str, Sequence[AbstractSet[str]]],
) -> None:
    with _commit(index):
        for doc, found in batch:
            index.put_article(doc.article, hashes[doc.article.id], doc, found, run=run)
        index.put_bands_of(
            {doc.article.id: stem_postings(doc, stems[doc.article.id]) for doc, _ in batch}
        )


def _store_comparisons(index: Index, rows: Sequence[tuple[str, str, Comparison | None]]) -> None:
    with _commit(index):
        # In key order: the comparison table's B-tree then takes them in sequential runs.
        for a_id, b_id, comparison in sorted(rows, key=lambda row: (row[0], row[1])):
            index.put_comparison(a_id, b_id, comparison)


_commits = 0


@contextmanager
def _commit(index: Index) -> Iterator[None]:
    """A transaction; with the fault-injection variable set, a SIGKILL after the n-th commit."""
    global _commits
    with index.transaction():
        yield
    _commits += 1
    limit = os.environ.get(_FAULT_ENV)
    if limit and _commits >= int(limit):
        os.kill(os.getpid(), signal.SIGKILL)
