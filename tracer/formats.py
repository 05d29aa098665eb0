"""Web input: HTML pages and WARC archives, read through the ``html`` and ``warc`` extras.

A page is not an article: navigation, adverts, related links and comments surround it. trafilatura
finds the main text, title, date and site name; the text it extracts is the article's raw text,
the one every later offset points into. Its near-duplicate filter is switched off
(``deduplicate=False``) because it drops the paragraphs a page shares with pages read before it,
and shared paragraphs are exactly what tracer looks for.

From a WARC archive (as CC-NEWS publishes them) only ``response`` records of a 2xx HTTP response
with an HTML content type are articles; requests, metadata, redirects, images and the like are
passed over without a word. An article's id is its ``WARC-Record-ID`` without the ``<urn:uuid:``
wrapping: unique by the WARC standard, stable across runs and safe in file names, where the target
URI is long, may be fetched twice and would need escaping. Its URL is the ``WARC-Target-URI`` and
its date the page's own, else the ``WARC-Date`` of the capture.

trafilatura and warcio are imported when the first page or archive is read, so text and JSON input
need neither; when one is missing the run stops with a :class:`~tracer.errors.TracerError` that
says what to install. These readers serve :func:`tracer.ingest.read_corpus`, which calls them.
"""

from __future__ import annotations

import codecs
import contextlib
import importlib
import io
import re
import zlib
from pathlib import Path
from typing import Any

from tracer.errors import Problem, TracerError
from tracer.ingest import (
    _WIDE_BOMS,
    _Collector,
    _decode,
    _first_content_line,
    _limit,
    _read_bytes,
    _reason,
    _reject_binary,
    _require_regular_file,
    _SkipError,
    parse_date,
)
from tracer.model import Article

__all__ = ["read_html_file", "read_warc_file", "warc_record_id"]

_HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
_CHARSET = re.compile(r"charset\s*=\s*[\"']?([\w.:-]+)", re.ASCII | re.IGNORECASE)
# Page metadata worth keeping: strings or lists of strings, so Article.metadata stays JSON. Not
# ``filedate``: that is the day of the extraction, and would make two runs differ.
_PAGE_METADATA = ("author", "description", "hostname", "language", "categories", "tags")
_NO_TEXT = "no article text found in the page"


def read_html_file(path: Path, article_id: str, max_chars: int, collector: _Collector) -> None:
    """Add the article extracted from one HTML file to ``collector``, or say why it is skipped.

    Raises:
        TracerError: trafilatura is not installed (the ``html`` extra).
    """
    trafilatura = _import_extra("trafilatura", "html", f"{path}: reading HTML")
    where = str(path)
    try:
        markup = _markup(_read_bytes(path), charset=None)
        article, warnings = _page_article(
            trafilatura, markup, article_id, where, url=None, capture_date=None, max_chars=max_chars
        )
    except _SkipError as exc:
        collector.skip(where, str(exc))
        return
    collector.add(article, warnings)


def read_warc_file(path: Path, stem: str, max_chars: int, collector: _Collector) -> None:
    """Add the article of every HTML response in a WARC (or .warc.gz) file to ``collector``.

    Records are numbered from 1 in file order, all types counted, and named ``file:record N`` in
    messages and origins. A record whose page has no text is skipped; an archive that stops
    parsing keeps the articles before the damage, and the rest is one problem. ``stem`` makes the
    id of a response with no record id: ``<stem>:<N>``.

    Raises:
        TracerError: warcio or trafilatura is not installed (the ``warc`` extra).
    """
    archive_iterator = _import_extra(
        "warcio.archiveiterator", "warc", f"{path}: reading WARC files"
    ).ArchiveIterator
    archive_error = _import_extra("warcio.exceptions", "warc", f"{path}: reading WARC files")
    trafilatura = _import_extra("trafilatura", "warc", f"{path}: reading WARC files")
    number = 0
    try:
        _require_regular_file(path)
        with path.open("rb") as stream:
            records = iter(archive_iterator(stream))
            while True:
                # warcio writes its complaints to stderr; they become one warning line instead.
                with contextlib.redirect_stderr(io.StringIO()) as complaint:
                    record = next(records, None)
                if record is None:
                    break
                number += 1
                where = f"{path}:record {number}"
                if complaint.getvalue():
                    collector.warn(where, "WARC record boundary damaged (a wrong Content-Length?)")
                try:
                    found = _warc_article(trafilatura, record, where, f"{stem}:{number}", max_chars)
                except _SkipError as exc:
                    collector.skip(where, str(exc))
                    continue
                if found is not None:
                    collector.add(*found)
    except _SkipError as exc:
        collector.skip(str(path), str(exc))
    except (archive_error.ArchiveLoadFailed, OSError, EOFError, zlib.error) as exc:
        # warcio's message goes on to quote the offending bytes, which may be binary: cut there.
        reason = _reason(exc) if isinstance(exc, OSError) else str(exc).split(",")[0].strip()
        reason = reason or type(exc).__name__
        if number:
            collector.skip(f"{path}:record {number + 1}", f"cannot read further: {reason}")
        elif isinstance(exc, OSError):
            collector.skip(str(path), f"cannot read: {reason}")
        else:
            collector.skip(str(path), f"not a WARC file: {reason}")
    else:
        if number == 0:
            collector.skip(str(path), "no WARC records found")


def warc_record_id(value: str | None) -> str | None:
    """The article id for a ``WARC-Record-ID``: without ``<urn:uuid:...>``, spaces or controls.

    Returns ``None`` for a missing or blank header.

    Example:
        >>> warc_record_id("<urn:uuid:3f9a2c54-7d61-4b7e-9a57-1d7f26a1b0c2>")
        '3f9a2c54-7d61-4b7e-9a57-1d7f26a1b0c2'
    """
    if value is None:
        return None
    text = value.strip().removeprefix("<").removesuffix(">").strip()
    text = text.removeprefix("urn:uuid:")
    return "".join(char for char in text if char.isprintable() and not char.isspace()) or None


def _import_extra(module: str, extra: str, purpose: str) -> Any:
    try:
        return importlib.import_module(module)
    except ImportError:
        package = module.split(".")[0]
        raise TracerError(
            f"{purpose} needs {package}, which is not installed: pip install 'tracer[{extra}]'"
        ) from None


def _warc_article(
    trafilatura: Any, record: Any, where: str, fallback_id: str, max_chars: int
) -> tuple[Article, tuple[Problem, ...]] | None:
    """The article of one WARC record, or ``None`` when the record is not an HTML page."""
    if record.rec_type != "response" or record.http_headers is None:
        return None
    mime_type, charset = _content_type(record.http_headers.get_header("Content-Type"))
    status = record.http_headers.get_statuscode() or ""
    if mime_type not in _HTML_TYPES or not status.startswith("2"):
        return None
    try:
        payload = record.content_stream().read()
    except (OSError, EOFError, ValueError, zlib.error) as exc:
        raise _SkipError(f"cannot read the page: {exc or type(exc).__name__}") from None
    headers = record.rec_headers
    article_id = warc_record_id(headers.get_header("WARC-Record-ID")) or fallback_id
    return _page_article(
        trafilatura,
        _markup(payload, charset),
        article_id,
        where,
        url=headers.get_header("WARC-Target-URI"),
        capture_date=headers.get_header("WARC-Date"),
        max_chars=max_chars,
    )


def _content_type(header: str | None) -> tuple[str, str | None]:
    """``("text/html", "utf-8")`` from ``text/html; charset=UTF-8``; a charset Python knows."""
    if not header:
        return "", None
    mime_type = header.split(";", 1)[0].strip().lower()
    match = _CHARSET.search(header)
    if match is None:
        return mime_type, None
    try:
        return mime_type, codecs.lookup(match[1]).name
    except LookupError:
        return mime_type, None


def _markup(data: bytes, charset: str | None) -> bytes | str:
    """The page for trafilatura: decoded when its encoding is known, else bytes for it to sniff."""
    if data.startswith(tuple(bom for bom, _encoding in _WIDE_BOMS)):
        return _decode(data)
    _reject_binary(data)
    if charset is not None:
        with contextlib.suppress(UnicodeDecodeError):
            return data.decode(charset)
    return data


def _page_article(
    trafilatura: Any,
    markup: bytes | str,
    article_id: str,
    where: str,
    *,
    url: str | None,
    capture_date: str | None,
    max_chars: int,
) -> tuple[Article, tuple[Problem, ...]]:
    try:
        document = trafilatura.bare_extraction(
            markup,
            url=url,
            with_metadata=True,
            include_comments=False,
            deduplicate=False,
            # Dates from markup and URL only: the extensive search reads them out of the text,
            # where "Copyright 2023" becomes 2023-01-01. A wrong date is worse than none, since
            # dates help decide who copied whom; the capture date is the fallback instead.
            date_extraction_params=trafilatura.settings.set_date_params(extensive=False),
        )
    except Exception as exc:
        # Pages from the wild can break the extractor in ways no test foresees; that costs the
        # page, not the run. (A bug of tracer's own would not pass through here.)
        raise _SkipError(f"HTML extraction failed ({type(exc).__name__})") from None
    if document is None:
        raise _SkipError(_NO_TEXT)
    text = _document_value(document, "text")
    if not isinstance(text, str) or not text.strip():
        raise _SkipError(_NO_TEXT)
    text, warnings = _limit(text, max_chars, where)
    article = Article(
        id=article_id,
        text=text,
        title=_document_str(document, "title") or _first_content_line(text),
        date=parse_date(_document_value(document, "date")) or parse_date(capture_date),
        url=_document_str(document, "url") or url,
        source=_document_str(document, "sitename") or _document_str(document, "hostname"),
        origin=where,
        metadata={
            name: value
            for name in _PAGE_METADATA
            if (value := _json_metadata(_document_value(document, name)))
        },
    )
    return article, warnings


def _document_value(document: Any, name: str) -> Any:
    # trafilatura 1.x returns a dict, 2.x a Document with attributes.
    if isinstance(document, dict):
        return document.get(name)
    return getattr(document, name, None)


def _document_str(document: Any, name: str) -> str | None:
    value = _document_value(document, name)
    if not isinstance(value, str):
        return None
    return value.strip() or None


def _json_metadata(value: object) -> str | list[str] | None:
    if isinstance(value, str):
        return value.strip() or None
    if isinstance(value, list | tuple):
        items = [item.strip() for item in value if isinstance(item, str) and item.strip()]
        return items or None
    return None
