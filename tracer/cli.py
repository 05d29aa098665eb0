"""The ``tracer`` command line: a thin layer over the library (see :mod:`tracer.api`)."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path
from typing import Any

import click

from tracer import __version__
from tracer.cli_input import input_options
from tracer.errors import Problem, TracerError
from tracer.ingest import InputOptions

_PATH = click.Path(path_type=Path)


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="tracer")
def cli() -> None:
    """Trace who took what from whom in a pile of news articles.

    \b
    Examples:
        tracer compare seeds/000_5f7692219c63b442.txt seeds/001_63a6e8fa25d66eb9.txt
        tracer trace seeds/ -o reports/seeds
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
    from tracer.ingest import read_article

    overrides = {} if min_score is None else {"align__min_similarity": min_score}
    config = load_config(config_path, **overrides)
    result = compare_articles(read_article(a), read_article(b), config)
    if as_json:
        from tracer.export import comparison_dict, to_json

        click.echo(to_json(comparison_dict(result)), nl=False)
    else:
        from tracer.terminal import comparison_table

        width = shutil.get_terminal_size((100, 24)).columns
        click.echo(comparison_table(result, width=width, quiet=quiet), nl=False)


@cli.command()
@click.argument("paths", nargs=-1, required=True, type=_PATH)
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
@click.option("--quiet", "-q", is_flag=True, help="No progress bar and no summary.")
@input_options
def trace(
    paths: tuple[Path, ...],
    out_dir: Path,
    no_report: bool,
    config_path: Path | None,
    quiet: bool,
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
    """
    from tracer.config import load_config
    from tracer.export import write_trace
    from tracer.ingest import read_corpus
    from tracer.pipeline import trace as run_trace

    config = load_config(config_path)
    corpus = read_corpus(list(paths), options=inputs)
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
        )
    write_trace(result, out_dir)
    if not no_report:
        from tracer.report import write_report

        write_report(result, out_dir)
    if quiet:
        return
    _print_problems(corpus.problems)
    _print_problems(corpus.warnings, kind="warning")
    stats = result.stats
    derived = sum(1 for e in result.edges if e.kind == "derived")
    related = sum(1 for e in result.edges if e.kind == "related")
    latent = sum(1 for n in result.nodes if n.kind == "latent")
    click.echo(
        f"traced {stats['articles']} articles: {stats['candidate_pairs']} candidate pairs, "
        f"{stats['aligned_pairs']} sharing passages; {latent} cited sources outside the corpus; "
        f"{derived} derivations, {related} related pairs; {len(corpus.problems)} inputs skipped, "
        f"{len(corpus.warnings)} warnings",
        err=True,
    )
    index = Path(out_dir) / "index.html"
    click.echo(f"wrote {index if not no_report else Path(out_dir) / 'trace.json'}", err=True)


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
