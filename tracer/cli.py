"""The ``tracer`` command line: a thin layer over the library (see :mod:`tracer.api`)."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import click

from tracer import __version__
from tracer.errors import TracerError

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
    help="TOML file with [align] / [candidates] settings.",
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
