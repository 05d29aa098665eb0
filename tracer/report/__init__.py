"""The static HTML report: one folder a journalist opens from ``file://``, with no network.

Structure (after coverage.py's HTML report):

* :mod:`tracer.report.views` turns a :class:`~tracer.model.TraceResult` into frozen view models,
  one per page; every decision (colours, percentages, order, links, word differences) is there.
* :mod:`tracer.report.layout` places the derivation DAG for the inline SVG, deterministically.
* ``templates/*.html`` (Jinja2, ``autoescape=True``) only loop and print; ``static/report.css``
  and ``static/report.js`` are inlined into every page, and a Content-Security-Policy allows that
  script by hash and nothing external.

Pages: ``index.html`` (summary, DAG, tables), ``articles/<safe-id>.html`` (one per traced
article), ``pairs/<safe-a>--<safe-b>.html`` (one per comparison, side by side).

Example:
    >>> from tracer.model import TraceResult
    >>> sorted(render_pages(TraceResult((), (), (), ())))
    ['index.html']
"""

from __future__ import annotations

from datetime import UTC, datetime
from functools import lru_cache
from importlib import resources
from pathlib import Path, PurePosixPath

import jinja2
from markupsafe import Markup

from tracer import __version__
from tracer.fsutil import write_text_atomic
from tracer.model import TraceResult
from tracer.report.views import PageBase, build_site, content_security_policy, safe_filename

__all__ = ["render_pages", "safe_filename", "write_report"]


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


def render_pages(result: TraceResult, generated_at: str | None = None) -> dict[str, str]:
    """Render every page of the report: relative POSIX path -> HTML text.

    Pure: the same ``result`` and ``generated_at`` give the same pages, byte for byte.
    ``generated_at`` is shown in each page's footer when given.
    """
    site = build_site(result, generated_at)
    css, script = _assets()
    environment = _environment()
    shared = {
        "css": Markup(css),  # our own stylesheet, never article text
        "script": Markup(script),  # our own script, allowed by its hash in the CSP
        "csp": content_security_policy(script),
        "version": __version__,
    }
    pages: list[tuple[str, PageBase]] = [("index.html", site.index)]
    pages += [("article.html", page) for page in site.articles]
    pages += [("pair.html", page) for page in site.pairs]
    rendered: dict[str, str] = {}
    for template_name, page in pages:
        template = environment.get_template(template_name)
        rendered[page.path] = template.render(page=page, **shared)
    return dict(sorted(rendered.items()))


def write_report(
    result: TraceResult, out_dir: Path, *, generated_at: str | None = None
) -> list[Path]:
    """Write the report into ``out_dir`` (created if needed) and return the written paths, sorted.

    Each file is written to a temporary file in its own directory and moved into place with
    ``os.replace`` (:func:`tracer.fsutil.write_text_atomic`), so a reader never sees a
    half-written page; a folder that cannot be written raises ``TracerError`` naming the path.
    Files of an earlier report that this one does not produce are left alone. ``generated_at``
    defaults to the current UTC time.
    """
    if generated_at is None:
        generated_at = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    pages = render_pages(result, generated_at)
    root = Path(out_dir)
    root.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    for relative, html in pages.items():
        parts = PurePosixPath(relative).parts
        if PurePosixPath(relative).is_absolute() or any(p in ("", ".", "..") for p in parts):
            raise ValueError(f"refusing to write outside the report folder: {relative!r}")
        target = root.joinpath(*parts)
        write_text_atomic(target, html)
        written.append(target)
    return sorted(written)
