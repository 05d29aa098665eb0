"""The static HTML report: one folder a journalist opens from ``file://``, with no network.

Structure (after coverage.py's HTML report):

* :mod:`tracer.report.views` turns a :class:`~tracer.model.TraceResult` into frozen view models,
  one per page; every decision (colours, percentages, order, links, word differences) is there.
* :mod:`tracer.report.layout` places the derivation DAG for the inline SVG, deterministically.
* ``templates/*.html`` (Jinja2, ``autoescape=True``) only loop and print; ``static/report.css``
  is inlined into every page and ``static/report.js`` into the pages that use it (the index with
  its tables, the side-by-side pages); a Content-Security-Policy allows that script by hash and
  nothing external (no script at all on the other pages).

Pages: ``index.html`` (summary, the largest components of the DAG, filterable tables),
``graphs/page-<n>.html`` (the next components, 50 to a page) and ``graphs/component-<n>.html``
(one per component too big to draw among others), ``articles/<safe-id>.html`` (one per article
that shares something with another: an edge or a compared pair), ``pairs/<safe-a>--<safe-b>.html``
(one per pair of articles linked by an edge of the DAG, side by side). An article linked to
nothing is listed in the index's table without a page, so the number of files grows with the
links found, not with the corpus.

Example:
    >>> from tracer.model import TraceResult
    >>> sorted(render_pages(TraceResult((), (), (), ())))
    ['index.html']
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from datetime import UTC, datetime
from functools import lru_cache
from importlib import resources
from pathlib import Path, PurePosixPath

import jinja2
from markupsafe import Markup

from tracer import __version__
from tracer.errors import TracerError
from tracer.model import TraceResult
from tracer.report.views import (
    ArticlePage,
    GraphPage,
    IndexPage,
    PageBase,
    PairPage,
    content_security_policy,
    iter_pages,
    safe_filename,
)

__all__ = ["iter_rendered", "render_pages", "safe_filename", "write_report"]


@lru_cache(maxsize=1)
def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.PackageLoader("tracer.report", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


@lru_cache(maxsize=1)
def _assets() -> tuple[str, str]:
    static = resources.files("tracer.report") / "static"
    css = (static / "report.css").read_text(encoding="utf-8")
    script = (static / "report.js").read_text(encoding="utf-8")
    # Inlined verbatim: neither may close its element early.
    if "</style" in css.lower() or "</script" in script.lower() or "<!--" in script:
        raise RuntimeError("report assets must not contain '</style', '</script' or '<!--'")
    return css, script


_TEMPLATES: dict[type[PageBase], str] = {
    IndexPage: "index.html",
    GraphPage: "graphs.html",
    ArticlePage: "article.html",
    PairPage: "pair.html",
}
# Pages the script has work on (tables to filter and sort, rows to link); the others, tens of
# thousands in a large corpus, are smaller without it.
_SCRIPTED: frozenset[type[PageBase]] = frozenset({IndexPage, PairPage})


def iter_rendered(
    result: TraceResult, generated_at: str | None = None
) -> Iterator[tuple[str, str]]:
    """Render the report one page at a time: (relative POSIX path, HTML text).

    The index comes first, then the graph, article and pair pages; only the page being rendered
    is held in memory.
    """
    css, script = _assets()
    environment = _environment()
    shared = {"css": Markup(css), "version": __version__}  # our own stylesheet, not article text
    scripted = {
        "script": Markup(script),  # our own script, allowed by its hash in the CSP
        "csp": content_security_policy(script),
    }
    unscripted = {"script": None, "csp": content_security_policy(None)}
    templates = {kind: environment.get_template(name) for kind, name in _TEMPLATES.items()}
    for page in iter_pages(result, generated_at):
        extra = scripted if type(page) in _SCRIPTED else unscripted
        yield page.path, templates[type(page)].render(page=page, **shared, **extra)


def render_pages(result: TraceResult, generated_at: str | None = None) -> dict[str, str]:
    """Render every page of the report: relative POSIX path -> HTML text, sorted by path.

    Pure: the same ``result`` and ``generated_at`` give the same pages, byte for byte.
    ``generated_at`` is shown in each page's footer when given.
    """
    return dict(sorted(iter_rendered(result, generated_at)))


def write_report(
    result: TraceResult, out_dir: Path, *, generated_at: str | None = None
) -> list[Path]:
    """Write the report into ``out_dir`` (created if needed) and return the written paths, sorted.

    Pages are rendered and written one at a time. Each goes to a temporary file in its own
    directory and is moved into place with ``os.replace``, so a reader never sees a
    half-written page; a folder that cannot be written raises ``TracerError`` naming the path.
    Files of an earlier report that this one does not produce are left alone. ``generated_at``
    defaults to the current UTC time.
    """
    if generated_at is None:
        generated_at = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    root = Path(out_dir)
    writer = _PageWriter(root)
    written: list[Path] = []
    for relative, html in iter_rendered(result, generated_at):
        parts = PurePosixPath(relative).parts
        if PurePosixPath(relative).is_absolute() or any(p in ("", ".", "..") for p in parts):
            raise ValueError(f"refusing to write outside the report folder: {relative!r}")
        target = root.joinpath(*parts)
        writer.write(target, html)
        written.append(target)
    return sorted(written)


class _PageWriter:
    """Atomic page writes (temporary file + ``os.replace``), without an fsync per page.

    :func:`tracer.fsutil.write_text_atomic` syncs every file to disk, which is right for the
    index and exports but costs milliseconds a file: minutes for the tens of thousands of pages
    of a large corpus. A report can be written again from its trace, so a page only needs to be
    whole when it appears, which the rename gives.
    """

    def __init__(self, root: Path) -> None:
        self._made: set[Path] = set()
        mask = os.umask(0)
        os.umask(mask)
        self._mode = 0o666 & ~mask
        self._ensure(root)

    def _ensure(self, folder: Path) -> None:
        if folder in self._made:
            return
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise TracerError(f"{folder}: cannot write: {error.strerror or error}") from error
        self._made.add(folder)

    def write(self, path: Path, text: str) -> None:
        self._ensure(path.parent)
        try:
            descriptor, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
        except OSError as error:
            raise TracerError(f"{path}: cannot write: {error.strerror or error}") from error
        try:
            with os.fdopen(descriptor, "w", encoding="utf-8", newline="\n") as handle:
                handle.write(text)
            os.chmod(temporary, self._mode)  # mkstemp makes it private (0600)
            os.replace(temporary, path)
        except OSError as error:
            Path(temporary).unlink(missing_ok=True)
            raise TracerError(f"{path}: cannot write: {error.strerror or error}") from error
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
