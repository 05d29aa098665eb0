"""The ``tracer`` command line: a thin layer over the library (see :mod:`tracer.api`)."""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from tracer import __version__
from tracer.cli_input import input_options
from tracer.errors import Problem, TracerError
from tracer.ingest import InputOptions

_PATH = click.Path(path_type=Path)
# Corpus paths stay strings: with --engine spark they may be URIs ("hdfs://nn/news"), which a
# Path would fold ("hdfs:/nn/news").
_INPUT = click.Path()
DEFAULT_REPORT_LIMIT = 100_000


def _engine_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """``--engine``, ``--spark-master``, ``--spark-conf`` and ``--report-limit``."""
    options = [
        click.option(
            "--engine",
            type=click.Choice(["local", "spark"]),
            default="local",
            show_default=True,
            help="Where segmenting, candidate search and alignment run: this machine, or Apache "
            "Spark (needs the spark extra and Java; see docs/spark.md). Same results.",
        ),
        click.option(
            "--spark-master",
            metavar="URL",
            default=None,
            help="Spark master (local[4], spark://host:7077, yarn...) [default: the active or "
            "configured one (spark-submit, spark-defaults.conf), else local[*]].",
        ),
        click.option(
            "--spark-conf",
            metavar="KEY=VALUE",
            multiple=True,
            callback=_key_values,
            help="A Spark setting for the session tracer starts (repeatable), e.g. "
            "spark.driver.memory=8g.",
        ),
        click.option(
            "--report-limit",
            metavar="N",
            type=click.IntRange(min=0),
            default=DEFAULT_REPORT_LIMIT,
            show_default=True,
            help="With --engine spark: write trace.json and the HTML report only for at most this "
            "many articles (passages and edges are always written).",
        ),
    ]
    for option in reversed(options):
        command = option(command)
    return command


def _key_values(
    context: click.Context, parameter: click.Parameter, values: tuple[str, ...]
) -> tuple[tuple[str, str], ...]:
    pairs = []
    for value in values:
        key, equals, setting = value.partition("=")
        if not equals or not key.strip():
            raise click.BadParameter(f"{value!r} is not KEY=VALUE", context, parameter)
        pairs.append((key.strip(), setting))
    return tuple(pairs)


def _read_inputs(paths: tuple[str, ...], inputs: InputOptions, engine: Any) -> Any:
    """The corpus under ``paths``: Spark reads URIs and Parquet itself, the rest tracer."""
    if engine.name == "spark":
        return engine.read_corpus(paths, inputs)
    from tracer.ingest import read_corpus

    return read_corpus([Path(path) for path in paths], options=inputs)


def _write_outputs(
    result: Any, out_dir: Path, *, no_report: bool, engine: str, report_limit: int
) -> tuple[Path, str | None]:
    """Write the data files (and the report); what to name as written, and why the report or
    trace.json were left out, if they were."""
    from tracer.export import write_trace

    skipped = None
    if engine == "spark" and len(result.articles) > report_limit:
        # A huge run: the passages and edges, not a document holding every article's text.
        from tracer.export import edges_csv, passages_jsonl
        from tracer.fsutil import write_text_atomic

        out_dir.mkdir(parents=True, exist_ok=True)
        write_text_atomic(out_dir / "passages.jsonl", passages_jsonl(result))
        write_text_atomic(out_dir / "edges.csv", edges_csv(result))
        skipped = (
            f"trace.json and the report not written: {len(result.articles)} articles, more "
            f"than --report-limit {report_limit}"
        )
        shown = out_dir / "passages.jsonl"
    else:
        write_trace(result, out_dir)
        shown = out_dir / "trace.json"
        if not no_report:
            from tracer.report import write_report

            write_report(result, out_dir)
            shown = out_dir / "index.html"
    if engine == "spark":
        from tracer.engines.spark import write_tables

        write_tables(result, out_dir)
    return shown, skipped


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="tracer")
def cli() -> None:
    """Trace who took what from whom in a pile of news articles.

    \b
    Examples:
        tracer compare seeds/000_5f7692219c63b442.txt seeds/001_63a6e8fa25d66eb9.txt
        tracer trace seeds/ -o reports/seeds
        tracer batch today.jsonl.gz --index news.db -o out/
        tracer query story.txt --index news.db
    """


@cli.command()
@click.argument("a", type=_PATH)
@click.argument("b", type=_PATH)
@click.option("--json", "as_json", is_flag=True, help="Print a versioned JSON document instead.")
@click.option(
    "--min-score",
    type=click.FloatRange(0.0, 1.0),
    default=None,
    help="Similarity a sentence pair needs to count as reuse (default 0.33).",
)
@click.option("--quiet", "-q", is_flag=True, help="Only the shares and document figures.")
@click.option(
    "--config",
    "config_path",
    type=_PATH,
    default=None,
    help="TOML file with [align] / [candidates] settings (see tracer/config.py).",
)
def compare(
    a: Path, b: Path, as_json: bool, min_score: float | None, quiet: bool, config_path: Path | None
) -> None:
    """Show, sentence by sentence, what articles A and B share and how.

    Each aligned pair of sentences is labelled copied (nearly the same words) or paraphrased
    (the same content in other words); then the share of each article that is copied,
    paraphrased or original. Boilerplate (bios, "Read also" links, leaked CSS) is set aside.

    \b
    Example:
        tracer compare seeds/000_5f7692219c63b442.txt seeds/001_63a6e8fa25d66eb9.txt
        tracer compare a.txt b.txt --json > comparison.json
    """
    from tracer.api import compare as compare_articles
    from tracer.config import load_config
    from tracer.ingest import load_article

    overrides = {} if min_score is None else {"align__min_similarity": min_score}
    config = load_config(config_path, **overrides)
    (a_article, a_warnings), (b_article, b_warnings) = load_article(a), load_article(b)
    _print_problems((*a_warnings, *b_warnings), kind="warning")
    result = compare_articles(a_article, b_article, config)
    if as_json:
        from tracer.export import comparison_dict, to_json

        click.echo(to_json(comparison_dict(result)), nl=False)
    else:
        from tracer.terminal import comparison_table

        width = shutil.get_terminal_size((100, 24)).columns
        click.echo(comparison_table(result, width=width, quiet=quiet), nl=False)


@cli.command()
@click.argument("paths", nargs=-1, required=True, type=_INPUT)
@click.option(
    "-o",
    "--output",
    "out_dir",
    type=_PATH,
    required=True,
    help="Folder for trace.json, passages.jsonl, edges.csv and the HTML report.",
)
@click.option("--no-report", is_flag=True, help="Write the data files only, no HTML.")
@click.option(
    "--config",
    "config_path",
    type=_PATH,
    default=None,
    help="TOML file with [clean] / [align] / [candidates] / [derive] settings.",
)
@click.option(
    "--jobs",
    "-j",
    type=click.IntRange(min=1),
    default=None,
    help="Processes for segmenting and aligning (default: one per CPU).",
)
@click.option("--quiet", "-q", is_flag=True, help="No progress bar and no summary.")
@_engine_options
@input_options
def trace(
    paths: tuple[str, ...],
    out_dir: Path,
    no_report: bool,
    config_path: Path | None,
    jobs: int | None,
    quiet: bool,
    engine: str,
    spark_master: str | None,
    spark_conf: tuple[tuple[str, str], ...],
    report_limit: int,
    inputs: InputOptions,
) -> None:
    """Trace a corpus: shared passages, who derived from whom, and the sources they cite.

    PATHS are files or folders of them: text files, JSONL dumps (id, text, and optional title,
    date, url, source; .jsonl.gz too), news-please JSON files (.json), HTML pages (.html, needs
    the html extra) and WARC archives (.warc.gz, needs the warc extra). Each file's format is
    guessed from its name (or first bytes) unless --format is given; --text-field and the other
    field options name the JSON fields to read. Writes trace.json (the full result),
    passages.jsonl (one aligned passage per line), edges.csv (the derivation DAG) and index.html
    (the report) to the output folder. Unreadable input is skipped and listed in the summary.

    \b
    Example:
        tracer trace seeds/ -o reports/seeds
        tracer trace dump.jsonl.gz more-articles/ -o out/ --no-report
        tracer trace crawl/ --format newsplease -o out/
        tracer trace export.jsonl --text-field body --id-field guid -o out/
        tracer trace hdfs://nn/news/2026.parquet -o out/ --engine spark --spark-master yarn
    """
    from tracer.config import load_config
    from tracer.engines import open_engine
    from tracer.pipeline import default_jobs
    from tracer.pipeline import trace as run_trace

    config = load_config(config_path)
    with open_engine(
        "spark" if engine == "spark" else "local",
        jobs=jobs or default_jobs(),
        spark_master=spark_master,
        spark_conf=spark_conf,
    ) as running:
        corpus = _read_inputs(paths, inputs, running)
        if not corpus.articles:
            _print_problems(corpus.problems)
            raise TracerError(f"no readable articles in {', '.join(str(p) for p in paths)}")
        with _Progress(enabled=not quiet) as progress:
            result = run_trace(
                corpus.articles,
                config,
                problems=corpus.problems,
                warnings=corpus.warnings,
                on_progress=progress.update,
                engine=running,
            )
    shown, skipped = _write_outputs(
        result, Path(out_dir), no_report=no_report, engine=engine, report_limit=report_limit
    )
    if quiet:
        return
    _print_problems(corpus.problems)
    _print_problems(result.warnings, kind="warning")
    stats = result.stats
    derived = sum(1 for e in result.edges if e.kind == "derived")
    related = sum(1 for e in result.edges if e.kind == "related")
    latent = sum(1 for n in result.nodes if n.kind == "latent")
    click.echo(
        f"traced {stats['articles']} articles: {stats['candidate_pairs']} candidate pairs, "
        f"{stats['aligned_pairs']} sharing passages; {latent} cited sources outside the corpus; "
        f"{derived} derivations, {related} related pairs; {len(corpus.problems)} inputs skipped, "
        f"{len(result.warnings)} warnings",
        err=True,
    )
    if skipped:
        click.echo(f"tracer: {skipped}", err=True)
    click.echo(f"wrote {shown}", err=True)


@cli.command()
@click.argument("paths", nargs=-1, required=True, type=_INPUT)
@click.option(
    "--index",
    "index_path",
    type=_PATH,
    required=True,
    help="The index file (SQLite); created on the first run.",
)
@click.option(
    "-o",
    "--output",
    "out_dir",
    type=_PATH,
    required=True,
    help="Folder for trace.json, passages.jsonl, edges.csv and the report of the whole index.",
)
@click.option("--no-report", is_flag=True, help="Write the data files only, no HTML.")
@click.option(
    "--jobs",
    "-j",
    type=click.IntRange(min=1),
    default=None,
    help="Processes for segmenting and aligning (default: one per CPU).",
)
@click.option(
    "--config",
    "config_path",
    type=_PATH,
    default=None,
    help="TOML settings; an index keeps the settings of its first run.",
)
@click.option("--quiet", "-q", is_flag=True, help="No progress bar and no summary.")
@_engine_options
@input_options
def batch(
    paths: tuple[str, ...],
    index_path: Path,
    out_dir: Path,
    no_report: bool,
    jobs: int | None,
    config_path: Path | None,
    quiet: bool,
    engine: str,
    spark_master: str | None,
    spark_conf: tuple[tuple[str, str], ...],
    report_limit: int,
    inputs: InputOptions,
) -> None:
    """Add today's dump to an index and trace it against everything seen before.

    New articles are segmented and stored; articles already indexed with the same content are
    skipped, and a known id with changed content becomes a new version. Candidate pairs are
    sought across the whole index, and only pairs never aligned before are aligned. The
    derivation DAG is then rebuilt, and the output folder gets the trace of the whole index.
    Running the same dump twice changes nothing; a run that is killed can simply be run again.
    Inputs are read as by `tracer trace`.

    \b
    Example:
        tracer batch dumps/2026-11-23.jsonl.gz --index news.db -o out/
        tracer batch dumps/2026-11-24.jsonl.gz --index news.db -o out/
        tracer batch crawl.warc.gz --format warc --index news.db -o out/ --no-report
        tracer batch s3a://news/2026-11-24/ --index news.db -o out/ --engine spark
    """
    from tracer.batch import exclusive, run_batch
    from tracer.config import load_config
    from tracer.engines import open_engine
    from tracer.index import Index
    from tracer.pipeline import default_jobs

    config = load_config(config_path)
    with open_engine(
        "spark" if engine == "spark" else "local",
        jobs=jobs or default_jobs(),
        spark_master=spark_master,
        spark_conf=spark_conf,
    ) as running:
        corpus = _read_inputs(paths, inputs, running)
        if not corpus.articles and not corpus.problems:
            raise TracerError(f"no articles in {', '.join(str(p) for p in paths)}")
        with (
            exclusive(index_path),
            Index.open(index_path) as index,
            _Progress(enabled=not quiet) as progress,
        ):
            result, summary = run_batch(
                corpus,
                index,
                config,
                # A file name need not be UTF-8; the run log keeps a readable form of it.
                inputs=[os.fsencode(p).decode("utf-8", "replace") for p in paths],
                on_progress=progress.update,
                engine=running,
            )
    shown, skipped = _write_outputs(
        result, Path(out_dir), no_report=no_report, engine=engine, report_limit=report_limit
    )
    if quiet:
        return
    _print_problems(corpus.problems)
    _print_problems(result.warnings, kind="warning")
    for article_id in summary.revised_ids[:_MAX_PROBLEM_LINES]:
        click.echo(f"tracer: revised: {article_id} (new content under a known id)", err=True)
    if len(summary.revised_ids) > _MAX_PROBLEM_LINES:
        more = len(summary.revised_ids) - _MAX_PROBLEM_LINES
        click.echo(f"tracer: ... and {more} more revised", err=True)
    click.echo(summary.describe(), err=True)
    if skipped:
        click.echo(f"tracer: {skipped}", err=True)
    click.echo(f"wrote {shown}", err=True)


@cli.command()
@click.argument("file", type=_PATH)
@click.option(
    "--index",
    "index_path",
    type=_PATH,
    required=True,
    help="The index to search (built by `tracer batch`).",
)
@click.option("--json", "as_json", is_flag=True, help="Print a versioned JSON document instead.")
@click.option(
    "--limit",
    type=click.IntRange(min=1),
    default=10,
    show_default=True,
    help="How many sources to show at most.",
)
def query(file: Path, index_path: Path, as_json: bool, limit: int) -> None:
    """The most likely sources of one article among everything indexed.

    FILE is a text file (or a one-article JSONL/news-please/HTML file). Indexed articles sharing
    its distinctive words are aligned with it; those sharing passages are listed, the ones
    explaining most of it first, with the passages.

    \b
    Example:
        tracer query today/story.txt --index news.db
        tracer query today/story.txt --index news.db --json > sources.json
    """
    from tracer.config import TracerConfig
    from tracer.index import Index
    from tracer.ingest import read_corpus
    from tracer.query import likely_sources

    corpus = read_corpus([file])
    if len(corpus.articles) != 1:
        _print_problems(corpus.problems)
        raise TracerError(f"{file}: expected one article, found {len(corpus.articles)}")
    with Index.open(index_path, create=False) as index:
        config = _index_config(index) or TracerConfig()
        result = likely_sources(corpus.articles[0], index, config, limit=limit)
    if as_json:
        from tracer.export import query_dict, to_json

        click.echo(to_json(query_dict(result)), nl=False)
    else:
        from tracer.terminal import sources_table

        width = shutil.get_terminal_size((100, 24)).columns
        click.echo(sources_table(result, width=width), nl=False)


@cli.group("index")
def index_group() -> None:
    """Inspect an index built by `tracer batch`.

    \b
    Example:
        tracer index stats news.db
    """


@index_group.command("stats")
@click.argument("path", type=_PATH)
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead.")
def index_stats(path: Path, as_json: bool) -> None:
    """Counts, size and date range of an index.

    \b
    Example:
        tracer index stats news.db
    """
    from dataclasses import asdict

    from tracer.index import Index

    with Index.open(path, create=False) as index:
        stats = index.stats()
    if as_json:
        from tracer.export import to_json

        document = {key: value for key, value in asdict(stats).items() if key != "path"}
        click.echo(to_json({"path": str(stats.path), **document}), nl=False)
        return
    rows = [
        ("index", str(stats.path)),
        ("size", f"{stats.size_bytes / 1e6:.1f} MB"),
        ("schema version", str(stats.schema_version)),
        ("articles", f"{stats.articles} ({stats.revised} revised, {stats.pending} pending)"),
        ("sentences", str(stats.sentences)),
        ("pairs aligned", f"{stats.aligned_pairs} ({stats.comparisons} sharing passages)"),
        ("edges", ", ".join(f"{n} {kind}" for kind, n in stats.edges.items()) or "none"),
        ("dates", f"{stats.earliest_date or '?'} .. {stats.latest_date or '?'}"),
        ("sources", str(stats.sources)),
        ("runs", str(stats.runs)),
    ]
    for name, value in rows:
        click.echo(f"{name:<16}{value}")


def _index_config(index: Any) -> Any:
    """The configuration an index was built with (None for an index never run)."""
    import json

    from tracer.config import config_from_dict

    stored = index.get_meta("config")
    return None if stored is None else config_from_dict(json.loads(stored))


_MAX_PROBLEM_LINES = 20


def _print_problems(problems: tuple[Problem, ...], kind: str = "skipped") -> None:
    for problem in problems[:_MAX_PROBLEM_LINES]:
        click.echo(f"tracer: {kind}: {problem}", err=True)
    if len(problems) > _MAX_PROBLEM_LINES:
        click.echo(f"tracer: ... and {len(problems) - _MAX_PROBLEM_LINES} more", err=True)


class _Progress:
    """A tqdm progress bar per pipeline stage, on stderr; silent when disabled or not a TTY."""

    def __init__(self, *, enabled: bool) -> None:
        self.enabled = enabled
        self.stage: str | None = None
        self.bar: Any = None

    def __enter__(self) -> _Progress:
        return self

    def __exit__(self, *exc_info: object) -> None:
        if self.bar is not None:
            self.bar.close()

    def update(self, stage: str, done: int, total: int) -> None:
        if not self.enabled:
            return
        if stage != self.stage:
            from tqdm import tqdm

            if self.bar is not None:
                self.bar.close()
            self.stage = stage
            self.bar = tqdm(
                total=total, desc=f"{stage:<10}", leave=False, file=sys.stderr, disable=None
            )
        self.bar.total = total
        self.bar.n = done
        self.bar.refresh()


def main(argv: list[str] | None = None) -> None:
    """Run the CLI; user errors print ``tracer: error: ...`` and exit with status 2."""
    try:
        cli.main(args=argv, prog_name="tracer", standalone_mode=False)
    except TracerError as error:
        click.echo(f"tracer: error: {error}", err=True)
        sys.exit(2)
    except click.exceptions.Abort:
        click.echo("tracer: interrupted", err=True)
        sys.exit(130)
    except click.ClickException as error:
        error.show()
        sys.exit(error.exit_code)
    except click.exceptions.Exit as error:
        sys.exit(error.exit_code)
