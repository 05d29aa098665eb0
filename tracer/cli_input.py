"""The options that say how to read input, for every command that reads a corpus.

``@input_options`` adds ``--format`` and the ``--*-field`` options to a click command and hands
the command one :class:`~tracer.ingest.InputOptions` argument, ``inputs``, in their place::

    @cli.command()
    @click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
    @input_options
    def batch(paths: tuple[Path, ...], inputs: InputOptions) -> None:
        corpus = read_corpus(list(paths), options=inputs)
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar, cast

import click

from tracer.ingest import DEFAULT_FIELDS, FORMATS, FieldMap, Format, InputOptions

__all__ = ["input_options", "input_options_from"]

T = TypeVar("T")

_AUTO = "auto"
_PARTS = ("text", "id", "title", "date", "url", "source")
_WHAT = {
    "text": "the article text",
    "id": "the article id",
    "title": "the headline",
    "date": "the publication date",
    "url": "the article's URL",
    "source": "the outlet's name",
}


def input_options(command: Callable[..., T]) -> Callable[..., T]:
    """Add ``--format`` and ``--text-field``... ``--source-field`` to a click command.

    The command receives one keyword argument, ``inputs`` (an
    :class:`~tracer.ingest.InputOptions`), instead of the seven option values. Put the decorator
    under ``@cli.command()``, among the other options; a field option given with a format that
    has no fields (``--format html --text-field body``) is a usage error (exit status 2).

    Example:
        >>> @click.command()
        ... @input_options
        ... def show(inputs: InputOptions) -> None:
        ...     click.echo(f"{inputs.format} {inputs.fields.text}")
        >>> from click.testing import CliRunner
        >>> CliRunner().invoke(show, ["--format", "jsonl", "--text-field", "body"]).output
        'jsonl body\\n'
    """

    @functools.wraps(command)
    def with_inputs(*args: Any, **kwargs: Any) -> T:
        values = {f"{part}_field": kwargs.pop(f"{part}_field") for part in _PARTS}
        inputs = input_options_from(input_format=kwargs.pop("input_format"), **values)
        return command(*args, inputs=inputs, **kwargs)

    # click lists the options of stacked decorators top to bottom, so they are applied in reverse.
    for option in reversed(_options()):
        with_inputs = option(with_inputs)
    return with_inputs


def input_options_from(
    *,
    input_format: str = _AUTO,
    text_field: str | None = None,
    id_field: str | None = None,
    title_field: str | None = None,
    date_field: str | None = None,
    url_field: str | None = None,
    source_field: str | None = None,
) -> InputOptions:
    """Build the :class:`~tracer.ingest.InputOptions` for the values of the input options.

    ``input_format`` is ``"auto"`` (sniff each file) or a format name.

    Raises:
        click.UsageError: the values do not go together (field names for HTML input).

    Example:
        >>> input_options_from(input_format="newsplease", text_field="description").fields.text
        'description'
    """
    fields = FieldMap(
        text=text_field,
        id=id_field,
        title=title_field,
        date=date_field,
        url=url_field,
        source=source_field,
    )
    # InputOptions checks the name itself: the cast only tells the type checker.
    file_format = None if input_format == _AUTO else cast(Format, input_format)
    try:
        return InputOptions(format=file_format, fields=fields)
    except ValueError as error:
        raise click.UsageError(str(error)) from None


def _options() -> list[Callable[[Callable[..., Any]], Callable[..., Any]]]:
    format_option = click.option(
        "--format",
        "input_format",
        type=click.Choice([_AUTO, *FORMATS]),
        default=_AUTO,
        show_default=True,
        help="How to read each file; auto decides by its name (then its first bytes).",
    )
    return [format_option, *(_field_option(part) for part in _PARTS)]


def _field_option(part: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    jsonl, newsplease = (getattr(DEFAULT_FIELDS[name], part) for name in ("jsonl", "newsplease"))
    default = jsonl if jsonl == newsplease else f"{jsonl}; newsplease: {newsplease}"
    return click.option(
        f"--{part}-field",
        f"{part}_field",
        metavar="NAME",
        default=None,
        help=f"JSON field holding {_WHAT[part]} [default: {default}].",
    )
