"""Engines: where the parallel stages of a trace run.

A trace is mostly per-article and per-pair work: counting the short lines that are page
furniture, segmenting each article (with its attributions and MinHash sketch), finding the
candidate pairs, aligning each pair. :func:`tracer.pipeline.trace` and
:func:`tracer.batch.run_batch` call those four stages through an :class:`Engine`; what is left
(capping each article's partners, deriving the DAG, the per-article verdicts) is small and runs
in the calling process on what the stages return.

Two engines give the same results, byte for byte once written:

* :class:`LocalEngine` (the default): this process and, with ``jobs`` > 1, a pool of forked
  processes;
* :class:`tracer.engines.spark.SparkEngine`: an Apache Spark cluster (the ``spark`` extra),
  for archives that outgrow one machine. Only that module imports pyspark.

Example:
    >>> from tracer.model import Article
    >>> from tracer.pipeline import trace
    >>> result = trace([Article("a", "Grain and oil for arms."), Article("b", "Oil and grain.")],
    ...                engine=LocalEngine(jobs=1))
    >>> result.stats["articles"]
    2
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal, Protocol

if TYPE_CHECKING:
    from tracer.candidates import CandidatePair, DocumentSketch
    from tracer.config import CandidateConfig, CleanConfig, TracerConfig
    from tracer.model import Article, Comparison, Segmented
    from tracer.pipeline import ProgressCallback, Segmentation

__all__ = ["ENGINES", "Engine", "EngineName", "LocalEngine", "open_engine"]

EngineName = Literal["local", "spark"]
ENGINES: tuple[EngineName, ...] = ("local", "spark")
"""The engines ``--engine`` accepts."""


class Engine(Protocol):
    """The parallel stages of a trace. Each must give what the local engine gives, in the
    order stated, whatever the partitioning or the number of workers."""

    @property
    def name(self) -> str:
        """What ``--engine`` calls it."""
        ...

    def furniture(self, articles: Sequence[Article], config: CleanConfig) -> frozenset[str]:
        """The short lines repeated across ``articles``
        (:func:`tracer.pipeline.repeated_short_lines`)."""
        ...

    def segment(
        self,
        articles: Sequence[Article],
        furniture: frozenset[str],
        config: TracerConfig,
        on_progress: ProgressCallback | None = None,
    ) -> Iterator[Segmentation]:
        """Each article segmented, with its attributions and sketch, in input order
        (:func:`tracer.pipeline.segment_articles`)."""
        ...

    def find_candidates(
        self,
        docs: Sequence[Segmented],
        config: CandidateConfig,
        sketches: Sequence[DocumentSketch] | None = None,
        stems: Sequence[Sequence[set[str]]] | None = None,
    ) -> tuple[CandidatePair, ...]:
        """The candidate pairs of ``docs`` (:func:`tracer.candidates.find_candidates`), in
        ``(a, b)`` order; ``sketches`` and ``stems`` are the docs' sketches and
        :func:`tracer.candidates.sentence_stems` if the caller has them."""
        ...

    def align(
        self,
        docs: Sequence[Segmented],
        pairs: Sequence[tuple[int, int]],
        config: TracerConfig,
        on_progress: ProgressCallback | None = None,
    ) -> Iterator[tuple[int, int, Comparison | None]]:
        """Each pair of ``docs`` (indices) compared, ``None`` when it shares nothing, in any
        order (:func:`tracer.pipeline.iter_alignments`)."""
        ...


@dataclass(frozen=True, slots=True)
class LocalEngine:
    """This process, and a pool of ``jobs`` forked processes for segmenting and aligning."""

    jobs: int = 1

    @property
    def name(self) -> str:
        """``"local"``."""
        return "local"

    def furniture(self, articles: Sequence[Article], config: CleanConfig) -> frozenset[str]:
        """See :meth:`Engine.furniture`."""
        from tracer.pipeline import repeated_short_lines

        return repeated_short_lines(articles, config)

    def segment(
        self,
        articles: Sequence[Article],
        furniture: frozenset[str],
        config: TracerConfig,
        on_progress: ProgressCallback | None = None,
    ) -> Iterator[Segmentation]:
        """See :meth:`Engine.segment`."""
        from tracer.pipeline import segment_articles

        return segment_articles(
            articles, furniture, config=config, jobs=self.jobs, on_progress=on_progress
        )

    def find_candidates(
        self,
        docs: Sequence[Segmented],
        config: CandidateConfig,
        sketches: Sequence[DocumentSketch] | None = None,
        stems: Sequence[Sequence[set[str]]] | None = None,
    ) -> tuple[CandidatePair, ...]:
        """See :meth:`Engine.find_candidates`."""
        from tracer.candidates import find_candidates

        return find_candidates(docs, config, sketches=sketches, stems=stems)

    def align(
        self,
        docs: Sequence[Segmented],
        pairs: Sequence[tuple[int, int]],
        config: TracerConfig,
        on_progress: ProgressCallback | None = None,
    ) -> Iterator[tuple[int, int, Comparison | None]]:
        """See :meth:`Engine.align`."""
        from tracer.pipeline import iter_alignments

        return iter_alignments(docs, pairs, config, jobs=self.jobs, on_progress=on_progress)


@contextmanager
def open_engine(
    name: EngineName,
    *,
    jobs: int = 1,
    spark_master: str | None = None,
    spark_conf: Sequence[tuple[str, str]] = (),
) -> Iterator[Engine]:
    """The engine called ``name``, ready to use, and shut down (a Spark session this started is
    stopped) when the block ends.

    ``jobs`` is the local engine's number of processes; ``spark_master`` and ``spark_conf``
    configure a Spark session when one has to be started (see
    :meth:`tracer.engines.spark.SparkEngine.start`).

    Raises:
        TracerError: the engine cannot start (for Spark: pyspark or Java missing).

    Example:
        >>> with open_engine("local", jobs=2) as engine:
        ...     engine.name
        'local'
    """
    if name == "local":
        yield LocalEngine(jobs)
        return
    # Imported only when asked for: the local engine never loads pyspark.
    from tracer.engines.spark import SparkEngine

    with SparkEngine.start(master=spark_master, conf=spark_conf) as engine:
        yield engine
