"""The Spark engine: the same trace on an Apache Spark cluster (the ``spark`` extra).

This is the only module of tracer that imports pyspark, and only when a :class:`SparkEngine` is
started. The pure stage functions the local engine runs are run here too, on the executors:

* **furniture**: the short lines of each article, counted in a ``reduceByKey``;
* **segment**: each partition of articles segmented, with attributions and MinHash sketch
  (:func:`tracer.pipeline.segment_one`); the result stays cached on the executors and is also
  brought to the driver, which needs every article for the DAG and the per-article verdicts;
* **candidates**: LSH band keys computed per partition in Arrow batches
  (:func:`tracer.lsh.band_keys`); buckets formed by a self-join on ``(band, key)`` in Spark's
  JVM; each pair checked with the functions :func:`tracer.candidates.find_candidates` uses
  (:func:`~tracer.candidates.estimate_passes`, :func:`~tracer.candidates.stems_agree`); the
  corpus-wide common stems come from a ``reduceByKey`` of document frequencies. The pairs found
  are exactly the local engine's, since each check depends on the two rows alone;
* **align**: pairs cut into one run per partition in the local engine's locality order; each
  partition receives the segmented articles its run needs (one shuffle) and aligns them
  (:func:`tracer.pipeline.alignment_parts`); only what each pair adds comes back.

:func:`tracer.pipeline.trace` and :func:`tracer.batch.run_batch` then cap partners, derive the
DAG and write the outputs on the driver, exactly as with the local engine, so the outputs are
byte-identical (``tests/test_spark_engine.py`` checks it). The driver holds the segmented
articles and the comparisons that share something; executors do the per-article and per-pair
work. See ``docs/spark.md``.
"""

from __future__ import annotations

import functools
import itertools
import json
import os
import re
import shlex
import shutil
import sys
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from functools import partial
from operator import add
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any, TypeVar

from tracer.errors import TracerError

if TYPE_CHECKING:
    from pyspark import RDD, SparkContext
    from pyspark.sql import SparkSession

    from tracer.candidates import CandidatePair, DocumentSketch
    from tracer.config import CandidateConfig, CleanConfig, TracerConfig
    from tracer.ingest import Corpus, InputOptions
    from tracer.model import Article, Comparison, Segmented, TraceResult
    from tracer.pipeline import ProgressCallback, Segmentation

__all__ = ["DEFAULT_MASTER", "SparkEngine", "is_spark_input", "write_tables"]

T = TypeVar("T")

DEFAULT_MASTER = "local[*]"
"""The master used when none is given and none is configured (spark-submit, spark-defaults)."""

INSTALL_HINT = "the spark engine needs PySpark: pip install 'tracer[spark]'"

# Articles per partition when segmenting (and docs per partition later): enough work per task
# to hide its start-up, and many partitions per core on a large corpus, so slow ones even out.
_ARTICLES_PER_PARTITION = 1000
_PARTITIONS_PER_CORE = 4
# Pairs per alignment partition: a partition receives every article its pairs need, so fewer,
# longer runs send fewer copies of each article (the pairs are in locality order).
_PAIRS_PER_PARTITION = 4000
_POLL_SECONDS = 0.5

_URI = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")
_PARQUET_SUFFIXES = (".parquet", ".parq")

_job_numbers = itertools.count(1)


def is_spark_input(path: str) -> bool:
    """Whether the Spark engine reads ``path`` itself rather than through tracer's readers: a
    URI (``hdfs://``, ``s3a://``, ``file://``...) or a Parquet file or folder.

    Example:
        >>> [is_spark_input(p) for p in ("hdfs://nn/news/", "dump.parquet", "seeds/")]
        [True, True, False]
    """
    return bool(_URI.match(path)) or _is_parquet(path)


def _is_parquet(path: str) -> bool:
    return path.rstrip("/").lower().endswith(_PARQUET_SUFFIXES)


class SparkEngine:
    """The parallel stages of a trace on a Spark session (see the module docstring).

    Build one with :meth:`start` (which finds or starts a session and stops it afterwards if it
    started it), or around a session of your own: ``SparkEngine(spark)``. ``partitions`` fixes
    the number of partitions of each stage (default: from the corpus size and the cluster's
    default parallelism).
    """

    def __init__(
        self, spark: SparkSession, *, partitions: int | None = None, owns_session: bool = False
    ) -> None:
        self.spark = spark
        self.partitions = partitions
        self.owns_session = owns_session
        # The last articles and segmented articles this engine distributed, with the driver's
        # objects they came from: a trace hands the same lists to the next stage, which then
        # uses the cached copy on the executors instead of sending the corpus again.
        self._articles: tuple[Sequence[Article], RDD[Any]] | None = None
        self._docs: tuple[Sequence[Segmented], RDD[Any], RDD[Any]] | None = None

    @property
    def name(self) -> str:
        """``"spark"``."""
        return "spark"

    @property
    def context(self) -> SparkContext:
        """The session's SparkContext."""
        return self.spark.sparkContext

    # --- life cycle ------------------------------------------------------------------------

    @classmethod
    def start(
        cls,
        master: str | None = None,
        *,
        conf: Sequence[tuple[str, str]] = (),
        app_name: str = "tracer",
    ) -> SparkEngine:
        """An engine on the active Spark session, or on a new one.

        An active session (a notebook's, a test's) is used as it is, and left running: its
        master cannot change. Otherwise a session is started with ``master`` (``local[2]``,
        ``spark://host:7077``, ``yarn``...) when given, else the master configured for it
        (``spark-submit --master``, ``spark-defaults.conf``), else ``local[*]``; ``conf``
        adds settings; :meth:`stop` stops it. With a local master, Python workers run this
        interpreter (``PYSPARK_PYTHON``), so they see tracer and its dependencies.

        Raises:
            TracerError: pyspark is not installed, Java is missing, or Spark does not start.
        """
        try:
            from pyspark import SparkConf, SparkContext
            from pyspark.sql import SparkSession
        except ImportError:
            raise TracerError(INSTALL_HINT) from None
        active = SparkSession.getActiveSession()
        if active is not None:
            return cls(active)
        if not (os.environ.get("JAVA_HOME") or shutil.which("java")):
            raise TracerError(
                "the spark engine needs Java 17 or later: no java found (install it or set "
                "JAVA_HOME)"
            )
        _quiet_jvm_logs()
        try:
            if master is None:
                # Starts the JVM, which loads spark-submit's and spark-defaults' settings; the
                # given ones go in now, as some (spark.driver.memory) only act at its launch.
                launch = SparkConf()
                for key, value in conf:
                    launch.set(key, value)
                SparkContext._ensure_initialized(conf=launch)
                configured = SparkConf().get("spark.master")
                master = configured or DEFAULT_MASTER
            if master.startswith("local"):
                os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
            builder = SparkSession.builder.appName(app_name).master(master)
            # tracer draws its own progress bar; Spark's would interleave with it.
            builder = builder.config("spark.ui.showConsoleProgress", "false")
            for key, value in conf:
                builder = builder.config(key, value)
            spark = builder.getOrCreate()
        except Exception as error:  # Py4J and Spark raise many kinds; the user needs one line
            raise TracerError(f"cannot start Spark: {_first_line(error)}") from None
        spark.sparkContext.setLogLevel("ERROR")
        if not spark.sparkContext.getConf().contains("spark.sql.shuffle.partitions"):
            # Spark's 200 partitions per shuffle suit a large cluster; a few per core halves the
            # time of the candidate search on a small one, and adaptive execution merges
            # partitions that come out small anyway.
            cores = spark.sparkContext.defaultParallelism
            spark.conf.set(
                "spark.sql.shuffle.partitions", str(max(8, _PARTITIONS_PER_CORE * cores))
            )
        return cls(spark, owns_session=True)

    def stop(self) -> None:
        """Release what is cached on the executors; stop the session if this engine started it."""
        self._forget_articles()
        self._forget_docs()
        if self.owns_session:
            self.spark.stop()

    def __enter__(self) -> SparkEngine:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()

    # --- the stages ------------------------------------------------------------------------

    def furniture(self, articles: Sequence[Article], config: CleanConfig) -> frozenset[str]:
        """Short lines found in many articles, counted with a ``reduceByKey``."""
        least = config.repeated_line_min_articles
        counts = (
            self._article_rdd(articles)
            .flatMap(partial(_short_lines, config=config))
            .map(_with_one)
            .reduceByKey(add)
            .filter(partial(_count_at_least, least=least))
            .keys()
        )
        return frozenset(counts.collect())

    def segment(
        self,
        articles: Sequence[Article],
        furniture: frozenset[str],
        config: TracerConfig,
        on_progress: ProgressCallback | None = None,
    ) -> Iterator[Segmentation]:
        """Segment the articles on the executors; in input order."""
        report = on_progress or _silent
        total = len(articles)
        report("segment", 0, total)
        segmented = (
            self._article_rdd(articles)
            .mapPartitions(
                partial(_segment_partition, furniture=furniture, config=config.candidates),
                preservesPartitioning=True,
            )
            .cache()
        )
        # Computed on every executor at once (an action), then read back partition by
        # partition, in order: the driver never holds the pickled and the built corpus at once.
        self._run("segment", total, report, segmented.count)
        self._forget_articles()
        self._forget_docs()
        docs: list[Segmented] = []
        for done, (_, (doc, found, sketch)) in enumerate(segmented.toLocalIterator(), start=1):
            docs.append(doc)
            yield doc, found, sketch
            report("segment", done, total)
        self._docs = (docs, segmented.mapValues(_doc_and_sketch), segmented)

    def find_candidates(
        self,
        docs: Sequence[Segmented],
        config: CandidateConfig,
        sketches: Sequence[DocumentSketch] | None = None,
        stems: Sequence[Sequence[set[str]]] | None = None,
    ) -> tuple[CandidatePair, ...]:
        """The pairs :func:`tracer.candidates.find_candidates` picks, found on the executors.

        ``sketches`` and ``stems`` are not needed: the executors hold them, or compute them
        again.
        """
        from tracer.candidates import CandidatePair, find_candidates

        if len(docs) <= config.all_pairs_below:
            return find_candidates(docs, config)  # every pair: nothing to distribute
        entries = self._doc_rdd(docs, config)
        reasons: dict[tuple[int, int], set[str]] = {}
        for pair in self._document_pairs(entries, config):
            reasons.setdefault(pair, set()).add("jaccard")
        for pair in self._sentence_pairs(entries, len(docs), config):
            reasons.setdefault(pair, set()).add("sentence")
        return tuple(
            CandidatePair(a, b, tuple(sorted(found))) for (a, b), found in sorted(reasons.items())
        )

    def align(
        self,
        docs: Sequence[Segmented],
        pairs: Sequence[tuple[int, int]],
        config: TracerConfig,
        on_progress: ProgressCallback | None = None,
    ) -> Iterator[tuple[int, int, Comparison | None]]:
        """Compare the pairs on the executors, a contiguous run of pairs per partition.

        Pairs are taken in the local engine's locality order (partners of an article close
        together) and cut into one run per partition; each partition receives the articles
        its run needs (one shuffle), so an article travels to the few partitions that compare
        it, and its features are computed once there.
        """
        from tracer.model import Comparison
        from tracer.pipeline import locality_order

        report = on_progress or _silent
        report("align", 0, len(pairs))
        if not pairs:
            return
        ordered = locality_order(pairs, len(docs))
        parts = self._slices(len(ordered), per_partition=_PAIRS_PER_PARTITION)
        step = -(-len(ordered) // parts)
        runs = [ordered[i : i + step] for i in range(0, len(ordered), step)]
        # Which runs need each article: a small map, sent to every executor.
        wanted: dict[int, list[int]] = {}
        for number, run in enumerate(runs):
            for position in sorted({end for pair in run for end in pair}):
                wanted.setdefault(position, []).append(number)
        entries = self._doc_rdd(docs, config.candidates)
        shared_runs = self.context.broadcast(runs)
        shared_wanted = self.context.broadcast(wanted)
        try:
            # One shuffle: each article goes straight to the partitions of the runs needing it.
            found = (
                entries.flatMap(partial(_to_runs, wanted=shared_wanted))
                .partitionBy(len(runs), _run_partition)
                .mapPartitionsWithIndex(partial(_align_partition, runs=shared_runs, config=config))
            )
            results: list[tuple[int, int, Any]] = self._run(
                "align", len(pairs), report, found.collect
            )
        finally:
            shared_runs.unpersist()
            shared_wanted.unpersist()
        for a, b, parts_found in results:
            yield a, b, None if parts_found is None else Comparison(docs[a], docs[b], *parts_found)

    # --- candidate search ------------------------------------------------------------------

    def _document_pairs(self, entries: RDD[Any], config: CandidateConfig) -> list[Any]:
        """Article pairs whose shingle-set signatures share a band and pass the estimate.

        Band keys are computed in Arrow batches; the buckets and the pairs in them are a
        self-join on ``(band, key)`` inside Spark's JVM, where shuffles are cheap.
        """
        from pyspark.sql.functions import col

        from tracer.candidates import band_layout

        bands, rows = band_layout(config.lsh_threshold, config.num_perm)
        sketches = self.spark.createDataFrame(
            entries.filter(_has_signature).map(_sketch_row), _sketch_schema()
        ).cache()
        try:
            keys = sketches.mapInArrow(
                partial(_band_keys_arrow, bands=bands, rows=rows, num_perm=config.num_perm),
                "band int, key long, pos long",
            )
            pairs = (
                keys.select("band", "key", col("pos").alias("a"))
                .join(keys.select("band", "key", col("pos").alias("b")), ["band", "key"])
                .filter(col("a") < col("b"))
                .select("a", "b")
                .distinct()
            )
            checked = (
                pairs.join(_prefixed(sketches, "a"), "a")
                .join(_prefixed(sketches, "b"), "b")
                .mapInArrow(
                    partial(
                        _document_check_arrow,
                        num_perm=config.num_perm,
                        threshold=config.lsh_threshold,
                        min_shared=config.min_shared_shingles,
                    ),
                    "a long, b long",
                )
            )
            return [(row.a, row.b) for row in checked.collect()]
        finally:
            sketches.unpersist()

    def _sentence_pairs(
        self, entries: RDD[Any], articles: int, config: CandidateConfig
    ) -> list[Any]:
        """Article pairs with two sentences sharing distinctive stems, as the local search.

        Sentences travel as their stem sets (a signature is recomputed from its set where it
        is needed: it depends on the set alone). Buckets are formed in the JVM: singletons
        dropped, each article's first sentences kept, pairs by a self-join. A pair is checked
        by the local engine's functions in Arrow batches, after a JVM filter that only drops
        pairs sharing fewer stems than :func:`~tracer.candidates.stems_agree` requires.
        """
        from pyspark.sql import Window
        from pyspark.sql.functions import array_intersect, col, count, row_number, size

        from tracer.candidates import SENTENCES_PER_BUCKET, band_layout, common_stems

        stems = entries.mapValues(_stems_of).cache()
        limit = max(config.min_common_stem_docs, config.max_stem_doc_share * articles)
        frequent = (
            stems.flatMap(_distinct_stems)
            .map(_with_one)
            .reduceByKey(add)
            .filter(partial(_count_above, limit=limit))
            .collect()
        )
        common = self.context.broadcast(common_stems(dict(frequent), articles, config))
        sentences = self.spark.createDataFrame(
            stems.mapPartitions(partial(_sentence_rows, common=common, config=config)),
            _sentence_schema(),
        ).cache()
        try:
            bands, width = band_layout(config.sentence_lsh_threshold, config.sentence_num_perm)
            keys = sentences.mapInArrow(
                partial(_sentence_keys_arrow, bands=bands, rows=width, config=config),
                "band int, key long, pos long, row int",
            )
            bucket = Window.partitionBy("band", "key")
            # A bucket keeps each article's first sentences only, as lsh.candidate_pairs does.
            owner = Window.partitionBy("band", "key", "pos").orderBy("row")
            members = (
                keys.withColumn("members", count("*").over(bucket))
                .withColumn("rank", row_number().over(owner))
                .filter((col("members") > 1) & (col("rank") <= SENTENCES_PER_BUCKET))
                .join(sentences, ["pos", "row"])
            )

            def side(name: str) -> Any:
                return members.select(
                    "band",
                    "key",
                    col("pos").alias(name),
                    col("row").alias(f"{name}_row"),
                    col("stems").alias(f"{name}_stems"),
                )

            pairs = (
                side("a")
                .join(side("b"), ["band", "key"])
                .filter(col("a") < col("b"))
                .filter(size(array_intersect("a_stems", "b_stems")) >= config.min_sentence_stems)
                .dropDuplicates(["a", "a_row", "b", "b_row"])
                .select("a", "b", "a_stems", "b_stems")
            )
            checked = pairs.mapInArrow(
                partial(_sentence_check_arrow, config=config), "a long, b long"
            ).distinct()
            return [(row.a, row.b) for row in checked.collect()]
        finally:
            sentences.unpersist()
            stems.unpersist()
            common.unpersist()

    # --- distributing the corpus -----------------------------------------------------------

    def _article_rdd(self, articles: Sequence[Article]) -> RDD[Any]:
        """``(position, article)`` on the executors, cached; the same list is sent once."""
        if self._articles is not None and _same_items(self._articles[0], articles):
            return self._articles[1]
        self._forget_articles()
        rdd = self.context.parallelize(list(enumerate(articles)), self._slices(len(articles)))
        self._articles = (articles, rdd.cache())
        return rdd

    def _doc_rdd(self, docs: Sequence[Segmented], config: CandidateConfig) -> RDD[Any]:
        """``(position, (doc, sketch))`` on the executors: the segmentation's cached result when
        ``docs`` is what :meth:`segment` gave, else ``docs`` sent and sketched there."""
        if self._docs is not None and _same_items(self._docs[0], docs):
            return self._docs[1]
        self._forget_docs()
        rdd = (
            self.context.parallelize(list(enumerate(docs)), self._slices(len(docs)))
            .mapValues(partial(_sketched, config=config))
            .cache()
        )
        self._docs = (docs, rdd, rdd)
        return rdd

    def _forget_articles(self) -> None:
        if self._articles is not None:
            self._articles[1].unpersist()
            self._articles = None

    def _forget_docs(self) -> None:
        if self._docs is not None:
            self._docs[2].unpersist()
            self._docs = None

    def _slices(self, items: int, per_partition: int = _ARTICLES_PER_PARTITION) -> int:
        """Partitions for ``items`` items: one per core for a small corpus (a task costs tens of
        milliseconds whatever it does), ``per_partition`` items each for a large one."""
        if self.partitions is not None:
            return max(1, min(items, self.partitions))
        cores = max(1, self.context.defaultParallelism)
        return max(1, min(items, max(cores, -(-items // per_partition))))

    def _run(self, stage: str, total: int, report: ProgressCallback, action: Callable[[], T]) -> T:
        """``action()`` (a Spark action), reporting ``stage`` progress as its tasks finish."""
        group = f"tracer-{stage}-{next(_job_numbers)}"
        outcome: list[Any] = []
        failure: list[BaseException] = []

        def run() -> None:
            try:
                self.context.setJobGroup(group, f"tracer {stage}")
                outcome.append(action())
            except BaseException as error:  # handed to the caller's thread
                failure.append(error)

        worker = threading.Thread(target=run, name=group, daemon=True)
        worker.start()
        tracker = self.context.statusTracker()
        try:
            while worker.is_alive():
                worker.join(_POLL_SECONDS)
                done = tasks = 0
                for job in tracker.getJobIdsForGroup(group):
                    job_info = tracker.getJobInfo(job)
                    for stage_id in job_info.stageIds if job_info else ():
                        stage_info = tracker.getStageInfo(stage_id)
                        if stage_info is not None:
                            done += stage_info.numCompletedTasks
                            tasks += stage_info.numTasks
                if tasks and total:
                    report(stage, min(total - 1, total * done // tasks), total)
        except BaseException:
            self.context.cancelJobGroup(group)
            raise
        if failure:
            raise failure[0]
        return outcome[0]  # type: ignore[no-any-return]

    # --- input -----------------------------------------------------------------------------

    def read_corpus(self, paths: Sequence[str], options: InputOptions | None = None) -> Corpus:
        """Read ``paths`` as :func:`tracer.ingest.read_corpus` would, URIs and Parquet by Spark.

        Paths :func:`is_spark_input` accepts are read by Spark: Parquet when the name ends in
        ``.parquet``, else JSON Lines (gzipped or not; a folder or glob of them), each record
        mapped to an article exactly as tracer's JSONL reader maps a line (``--text-field``
        and the other field options apply). Other paths go through tracer's own readers. An id
        read before (in any path) is skipped: the first one wins.

        Raises:
            TracerError: a path does not exist, or a Spark-read path is given another format.
        """
        from tracer.ingest import InputOptions, merge_corpora
        from tracer.ingest import read_corpus as read_local

        options = options or InputOptions()
        if not any(is_spark_input(path) for path in paths):
            return read_local([Path(path) for path in paths], options=options)
        parts = [
            self._read_dataset(path, options)
            if is_spark_input(path)
            else read_local([Path(path)], options=options)
            for path in paths
        ]
        return merge_corpora(parts)

    def _read_dataset(self, path: str, options: InputOptions) -> Corpus:
        from tracer.ingest import dump_stem, merge_corpora

        if options.format not in (None, "jsonl"):
            raise TracerError(
                f"{path}: Spark reads JSONL and Parquet datasets, not --format {options.format}"
            )
        parquet = options.format is None and _is_parquet(path)
        stem = dump_stem(path.rstrip("/").rsplit("/", 1)[-1])
        try:
            records: RDD[Any]
            if parquet:
                records = self.spark.read.parquet(path).rdd.map(_row_dict)
            else:
                records = self.context.textFile(path)
            read = records.zipWithIndex().map(
                partial(_read_one, path=path, stem=stem, options=options)
            )
            return merge_corpora(read.collect())
        except TracerError:
            raise
        except Exception as error:  # a missing path, an unreadable file: one line, not a trace
            message = _first_line(error)
            if "does not exist" in message or "PATH_NOT_FOUND" in message:
                raise TracerError(f"{path}: no such file or directory") from None
            raise TracerError(f"{path}: cannot read with Spark: {message}") from None


def _quiet_jvm_logs() -> None:
    """Have a JVM this process is about to launch log errors only, to stderr.

    Spark's default log configuration prints a dozen start-up warnings (native libraries, the
    host name) between tracer's lines. Nothing changes when the JVM exists already
    (spark-submit) or when the user configures it (``PYSPARK_SUBMIT_ARGS``, ``SPARK_CONF_DIR``).
    """
    if any(
        name in os.environ
        for name in ("PYSPARK_GATEWAY_PORT", "PYSPARK_SUBMIT_ARGS", "SPARK_CONF_DIR")
    ):
        return
    settings = Path(__file__).with_name("log4j2.properties")
    option = shlex.quote(f"-Dlog4j2.configurationFile={settings.as_uri()}")
    os.environ["PYSPARK_SUBMIT_ARGS"] = f"--driver-java-options {option} pyspark-shell"


# --- output ----------------------------------------------------------------------------------


def write_tables(result: TraceResult, out_dir: Path) -> list[Path]:
    """Write the passages and edges as Parquet (``passages.parquet``, ``edges.parquet``) and the
    edges as JSON Lines (``edges.jsonl``, next to ``passages.jsonl``), in the order of
    ``passages.jsonl`` and ``edges.csv``.

    Parquet columns: the keys of ``passages.jsonl`` (spans as ``start``/``end`` structs), and
    the columns of ``edges.csv`` (``passages`` being their number), typed.

    Raises:
        TracerError: pyarrow is missing.
    """
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError:
        raise TracerError(INSTALL_HINT.replace("PySpark", "pyarrow")) from None
    from tracer.export import passage_dict
    from tracer.fsutil import write_text_atomic

    span = pa.struct([("start", pa.int64()), ("end", pa.int64())])
    passage_schema = pa.schema(
        [
            ("a_id", pa.string()),
            ("b_id", pa.string()),
            ("a_span", span),
            ("b_span", span),
            ("a_sentences", pa.list_(pa.int64())),
            ("b_sentences", pa.list_(pa.int64())),
            ("label", pa.string()),
            ("similarity", pa.float64()),
            ("overlap", pa.float64()),
        ]
    )
    edge_schema = pa.schema(
        [
            ("parent", pa.string()),
            ("child", pa.string()),
            ("kind", pa.string()),
            ("score", pa.float64()),
            ("copied", pa.float64()),
            ("paraphrased", pa.float64()),
            ("common_source", pa.string()),
            ("passages", pa.int64()),
            ("reason", pa.string()),
        ]
    )
    passages = [
        passage_dict(passage)
        for comparison in result.comparisons
        for passage in comparison.passages
    ]
    edges = [edge_row(edge) for edge in result.edges]
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for name, rows, schema in (
        ("passages.parquet", passages, passage_schema),
        ("edges.parquet", edges, edge_schema),
    ):
        path = out_dir / name
        temporary = path.with_name(f".{name}.{os.getpid()}.tmp")
        try:
            pq.write_table(pa.Table.from_pylist(rows, schema=schema), temporary)
            os.replace(temporary, path)
        finally:
            temporary.unlink(missing_ok=True)
        written.append(path)
    lines = "".join(json.dumps(row, sort_keys=True, ensure_ascii=False) + "\n" for row in edges)
    write_text_atomic(out_dir / "edges.jsonl", lines)
    written.append(out_dir / "edges.jsonl")
    return written


def edge_row(edge: Any) -> dict[str, Any]:
    """An edge as one flat row: the columns of ``edges.csv``, typed.

    Example:
        >>> from tracer.model import Edge
        >>> edge_row(Edge("a", "b", "derived", 0.9, "cites a"))["passages"]
        0
    """
    return {
        "parent": edge.parent,
        "child": edge.child,
        "kind": edge.kind,
        "score": edge.score,
        "copied": edge.copied,
        "paraphrased": edge.paraphrased,
        "common_source": edge.common_source,
        "passages": len(edge.passages),
        "reason": edge.reason,
    }


# --- what runs on the executors ------------------------------------------------------------
# Module-level functions (with functools.partial for their settings), never closures over the
# engine: Spark pickles what it ships, and a session cannot be pickled.


def _silent(stage: str, done: int, total: int) -> None:
    """The progress callback when nobody listens."""


def _same_items(kept: Sequence[Any], given: Sequence[Any]) -> bool:
    return len(kept) == len(given) and all(x is y for x, y in zip(kept, given, strict=True))


def _first_line(error: BaseException) -> str:
    text = str(error).strip() or type(error).__name__
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return lines[0] if lines else type(error).__name__


def _with_one(item: T) -> tuple[T, int]:
    return item, 1


def _count_at_least(item: tuple[Any, int], least: int) -> bool:
    return item[1] >= least


def _count_above(item: tuple[Any, int], limit: float) -> bool:
    return item[1] > limit


def _short_lines(item: tuple[int, Article], config: CleanConfig) -> set[str]:
    from tracer.pipeline import short_lines

    return short_lines(item[1], config)


def _segment_partition(
    items: Iterable[tuple[int, Article]], furniture: frozenset[str], config: CandidateConfig
) -> Iterator[tuple[int, Segmentation]]:
    from tracer.pipeline import segment_one

    for position, article in items:
        yield position, segment_one(article, furniture, config)


def _doc_and_sketch(item: Segmentation) -> tuple[Segmented, DocumentSketch]:
    return item[0], item[2]


def _sketched(doc: Segmented, config: CandidateConfig) -> tuple[Segmented, DocumentSketch]:
    from tracer.candidates import document_sketch

    return doc, document_sketch(doc, config)


def _has_signature(item: tuple[int, tuple[Segmented, DocumentSketch]]) -> bool:
    return item[1][1][0] is not None


def _sketch_row(item: tuple[int, tuple[Segmented, Any]]) -> tuple[int, int, bytes]:
    position, (_, (signature, size)) = item
    return position, size, signature.tobytes()


@functools.cache
def _sketch_schema() -> Any:
    from pyspark.sql.types import BinaryType, LongType, StructField, StructType

    return StructType(
        [
            StructField("pos", LongType(), False),
            StructField("size", LongType(), False),
            StructField("sig", BinaryType(), False),
        ]
    )


@functools.cache
def _sentence_schema() -> Any:
    from pyspark.sql.types import (
        ArrayType,
        IntegerType,
        LongType,
        StringType,
        StructField,
        StructType,
    )

    return StructType(
        [
            StructField("pos", LongType(), False),
            StructField("row", IntegerType(), False),
            StructField("stems", ArrayType(StringType(), False), False),
        ]
    )


def _prefixed(table: Any, side: str) -> Any:
    """``table`` with every column renamed ``<side>_<name>``, ``pos`` becoming ``<side>``."""
    from pyspark.sql.functions import col

    return table.select(
        *[col(name).alias(side if name == "pos" else f"{side}_{name}") for name in table.columns]
    )


def _signatures(column: Any, num_perm: int) -> Any:
    """An Arrow column of signatures (bytes) as a ``(rows, num_perm)`` array."""
    import numpy as np

    return np.frombuffer(b"".join(column.to_pylist()), dtype=np.uint64).reshape(-1, num_perm)


def _band_keys_arrow(batches: Iterable[Any], bands: int, rows: int, num_perm: int) -> Iterator[Any]:
    """``(band, key, pos)`` for every band of every signature in the batches."""
    import numpy as np
    import pyarrow as pa

    from tracer.lsh import band_keys

    for batch in batches:
        count = batch.num_rows
        if not count:
            continue
        keys = band_keys(_signatures(batch.column("sig"), num_perm), bands, rows)
        columns = {
            "band": pa.array(np.tile(np.arange(bands, dtype=np.int32), count)),
            "key": pa.array(keys.reshape(-1)),
            "pos": pa.array(np.repeat(batch.column("pos").to_numpy(), bands)),
        }
        yield pa.RecordBatch.from_pydict(columns)


def _document_check_arrow(
    batches: Iterable[Any], num_perm: int, threshold: float, min_shared: int
) -> Iterator[Any]:
    """The article pairs of the batches whose estimated Jaccard and overlap pass, as locally."""
    import numpy as np
    import pyarrow as pa

    from tracer.candidates import estimate_passes

    for batch in batches:
        if not batch.num_rows:
            continue
        passes = estimate_passes(
            _signatures(batch.column("a_sig"), num_perm),
            _signatures(batch.column("b_sig"), num_perm),
            batch.column("a_size").to_numpy().astype(np.float64),
            batch.column("b_size").to_numpy().astype(np.float64),
            threshold,
            min_shared,
        )
        keep = pa.array(passes)
        yield pa.RecordBatch.from_pydict(
            {"a": batch.column("a").filter(keep), "b": batch.column("b").filter(keep)}
        )


def _stems_of(entry: tuple[Segmented, DocumentSketch]) -> list[set[str]]:
    from tracer.candidates import sentence_stems

    return sentence_stems(entry[0])


def _distinct_stems(item: tuple[int, list[set[str]]]) -> set[str]:
    return set().union(*item[1]) if item[1] else set()


def _sentence_rows(
    items: Iterable[tuple[int, list[set[str]]]], common: Any, config: CandidateConfig
) -> Iterator[tuple[int, int, list[str]]]:
    """``(position, row, stems)`` for each indexed sentence of a partition; rows are numbered
    per article in sentence order, the order the local search keeps them in."""
    from tracer.candidates import distinctive_stems

    for position, sentences in items:
        for row, stems in enumerate(distinctive_stems(sentences, common.value, config)):
            yield position, row, sorted(stems)


def _stem_signatures(column: Any, config: CandidateConfig) -> tuple[list[frozenset[str]], Any]:
    """The stem sets of an Arrow column and their MinHash signatures.

    A signature depends on its set alone, so signing a batch at once gives each set the
    signature the local engine gives it.
    """
    from tracer.lsh import minhash_signatures

    sets = [frozenset(stems) for stems in column.to_pylist()]
    return sets, minhash_signatures(sets, config.sentence_num_perm, config.seed)


def _sentence_keys_arrow(
    batches: Iterable[Any], bands: int, rows: int, config: CandidateConfig
) -> Iterator[Any]:
    """``(band, key, pos, row)`` for every band of every sentence in the batches."""
    import numpy as np
    import pyarrow as pa

    from tracer.lsh import band_keys

    for batch in batches:
        count = batch.num_rows
        if not count:
            continue
        _, signatures = _stem_signatures(batch.column("stems"), config)
        keys = band_keys(signatures, bands, rows)
        yield pa.RecordBatch.from_pydict(
            {
                "band": pa.array(np.tile(np.arange(bands, dtype=np.int32), count)),
                "key": pa.array(keys.reshape(-1)),
                "pos": pa.array(np.repeat(batch.column("pos").to_numpy(), bands)),
                "row": pa.array(np.repeat(batch.column("row").to_numpy(), bands)),
            }
        )


def _sentence_check_arrow(batches: Iterable[Any], config: CandidateConfig) -> Iterator[Any]:
    """Article pairs of the sentence pairs in the batches that pass the estimate and the exact
    stem check, as locally."""
    import numpy as np
    import pyarrow as pa

    from tracer.candidates import estimate_passes, stems_agree

    for batch in batches:
        if not batch.num_rows:
            continue
        a_stems, a_signatures = _stem_signatures(batch.column("a_stems"), config)
        b_stems, b_signatures = _stem_signatures(batch.column("b_stems"), config)
        passes = estimate_passes(
            a_signatures,
            b_signatures,
            np.asarray([len(stems) for stems in a_stems], dtype=np.float64),
            np.asarray([len(stems) for stems in b_stems], dtype=np.float64),
            config.sentence_lsh_threshold,
            config.min_sentence_stems,
        )
        keep = pa.array(
            [
                bool(passed) and stems_agree(x, y, config)
                for passed, x, y in zip(passes.tolist(), a_stems, b_stems, strict=True)
            ]
        )
        yield pa.RecordBatch.from_pydict(
            {"a": batch.column("a").filter(keep), "b": batch.column("b").filter(keep)}
        )


def _to_runs(
    item: tuple[int, tuple[Segmented, DocumentSketch]], wanted: Any
) -> Iterator[tuple[int, tuple[int, Segmented]]]:
    """``(run, (position, doc))`` for each run of pairs that compares the article."""
    position, (doc, _) = item
    for run in wanted.value.get(position, ()):
        yield run, (position, doc)


def _run_partition(run: int) -> int:
    """Run ``n`` goes to partition ``n``."""
    return run


def _align_partition(
    index: int,
    items: Iterable[tuple[int, tuple[int, Segmented]]],
    runs: Any,
    config: TracerConfig,
) -> Iterator[tuple[int, int, Any]]:
    """Align the run of pairs of partition ``index``, with the articles it received."""
    from threadpoolctl import threadpool_limits

    from tracer.pipeline import alignment_parts
    from tracer.similarity import FeatureSpace

    docs = {position: doc for _, (position, doc) in items}
    # Every article of the run stays cached: the run was cut to what one task can hold.
    space = FeatureSpace(config, max_articles=max(2048, len(docs)))
    # One BLAS thread, as in the local engine: the products are small, and executors already
    # use every core.
    with threadpool_limits(limits=1, user_api="blas"):
        for a, b in runs.value[index]:
            yield a, b, alignment_parts(docs[a], docs[b], config, space)


def _row_dict(row: Any) -> dict[str, Any]:
    result: dict[str, Any] = row.asDict(recursive=True)
    return result


def _read_one(item: tuple[Any, int], path: str, stem: str, options: InputOptions) -> Corpus:
    """One record of a dataset read by Spark, numbered from 1 like the lines of a dump."""
    from tracer.ingest import read_record

    record, index = item
    number = index + 1
    return read_record(
        record, where=f"{path}:{number}", fallback_id=f"{stem}:{number}", options=options
    )
