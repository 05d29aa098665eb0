"""Reading articles from disk: text files, JSONL dumps, news-please JSON, web pages, folders.

Bad input is the normal case here, not the exception: files come from scrapers, exports and
colleagues' laptops. So decoding falls back from UTF-8 to cp1252 to latin-1 instead of failing,
binary files are recognised and named, and one broken file or line in a corpus is recorded as a
:class:`~tracer.errors.Problem` and skipped, never costing the good articles around it.

The text an :class:`~tracer.model.Article` carries is exactly the decoded file (or JSON string):
line endings are not translated and nothing is normalised, because every later stage reports
character offsets into it. HTML pages and WARC archives are the exception: there the text is what
trafilatura extracts from the page (see :mod:`tracer.formats`), since the markup is not an article.

Each file is read in one :data:`Format`, sniffed from its name (then its first bytes) unless
:class:`InputOptions` names one; JSON field names come from a :class:`FieldMap`.
"""

from __future__ import annotations

import codecs
import gzip
import io
import itertools
import json
import math
import os
import re
import stat
import zlib
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, Literal, NamedTuple, get_args

from tracer.errors import Problem, TracerError
from tracer.model import Article

__all__ = [
    "DEFAULT_FIELDS",
    "DEFAULT_MAX_CHARS",
    "FORMATS",
    "Corpus",
    "FieldMap",
    "Format",
    "InputOptions",
    "decode_text",
    "load_article",
    "parse_date",
    "read_article",
    "read_corpus",
    "sniff_format",
]

DEFAULT_MAX_CHARS = 1_000_000
"""Articles longer than this many characters are cut (at a word boundary) with a warning."""

Format = Literal["txt", "jsonl", "newsplease", "html", "warc"]
"""How a file is read: plain text, JSON Lines, news-please JSON, an HTML page, a WARC archive."""

FORMATS: tuple[Format, ...] = get_args(Format)

# The names each format claims, when no format is given. Folders are walked by name alone.
_SUFFIXES: dict[Format, tuple[str, ...]] = {
    "txt": (".txt", ".text"),
    "jsonl": (".jsonl.gz", ".ndjson.gz", ".jsonl", ".ndjson"),
    "newsplease": (".json",),
    "html": (".html", ".htm"),
    "warc": (".warc.gz", ".warc"),
}
# Keys only news-please writes: they tell its one-object files from a line of a JSONL dump.
_NEWSPLEASE_KEYS = frozenset({"maintext", "date_publish", "source_domain", "date_download"})

# Binary sniffing looks at the head only: enough to catch images and archives, cheap on big files.
_SNIFF_BYTES = 8192
_MAX_CONTROL_SHARE = 0.10
_TEXT_CONTROLS = frozenset({0x09, 0x0A, 0x0C, 0x0D})

# UTF-32-LE's mark begins with UTF-16-LE's, so the longer marks must be tried first.
_WIDE_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


class _SkipError(Exception):
    """Internal: this input cannot be used; the message says why, without naming the input."""


# ---------------------------------------------------------------------------------------------
# Results


@dataclass(frozen=True, slots=True)
class Corpus:
    """The articles read from a set of paths, plus what went wrong on the way.

    Two kinds of trouble are kept apart so a run summary can say what was lost:

    * ``problems``: input that was **skipped** (an unreadable or binary file, a malformed JSONL
      line, a duplicate id, an unsupported file in a directory). Nothing of it is in ``articles``.
    * ``warnings``: input that was **kept but altered** (a text truncated to ``max_chars``, a date
      that could not be read and was dropped). The article is in ``articles``.

    Example:
        >>> corpus = Corpus(articles=(Article("a", "Text."),), problems=(Problem("x.png", "..."),))
        >>> corpus.summary()
        '1 article read, 1 input skipped, 0 warnings'
    """

    articles: tuple[Article, ...] = ()
    problems: tuple[Problem, ...] = ()
    warnings: tuple[Problem, ...] = ()

    @property
    def skipped(self) -> int:
        """Number of inputs (files or lines) that were skipped."""
        return len(self.problems)

    def summary(self) -> str:
        """One line for the end of a run: articles read, inputs skipped, warnings."""
        return ", ".join(
            (
                _count(len(self.articles), "article") + " read",
                _count(self.skipped, "input") + " skipped",
                _count(len(self.warnings), "warning"),
            )
        )


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"


# ---------------------------------------------------------------------------------------------
# Options


@dataclass(frozen=True, slots=True)
class FieldMap:
    """Which field of a JSON record holds each part of an article.

    A name left ``None`` takes the default of the format being read (:data:`DEFAULT_FIELDS`):

    ======  =======  =============
    part    jsonl    newsplease
    ======  =======  =============
    text    text     maintext
    id      id       filename
    title   title    title
    date    date     date_publish
    url     url      url
    source  source   source_domain
    ======  =======  =============

    The fields a record has beyond the mapped ones are kept in ``Article.metadata``. Only JSON
    input has fields: a map that names any is refused for text, HTML and WARC input.

    Example:
        >>> FieldMap(text="body", id="guid").overrides()
        {'text': 'body', 'id': 'guid'}
    """

    text: str | None = None
    id: str | None = None
    title: str | None = None
    date: str | None = None
    url: str | None = None
    source: str | None = None

    def __post_init__(self) -> None:
        for part, name in self.overrides().items():
            if not name.strip():
                raise ValueError(f"the {part} field name is empty")

    def overrides(self) -> dict[str, str]:
        """The names set explicitly, by article part, in the order of the parts."""
        names = {part: getattr(self, part) for part in _JsonFields._fields}
        return {part: name for part, name in names.items() if name is not None}


class _JsonFields(NamedTuple):
    """A field map with every name decided: what the JSON readers work from."""

    text: str
    id: str
    title: str
    date: str
    url: str
    source: str


_JsonFormat = Literal["jsonl", "newsplease"]
_DEFAULT_JSON_FIELDS: dict[_JsonFormat, _JsonFields] = {
    "jsonl": _JsonFields("text", "id", "title", "date", "url", "source"),
    "newsplease": _JsonFields(
        "maintext", "filename", "title", "date_publish", "url", "source_domain"
    ),
}

DEFAULT_FIELDS: Mapping[str, FieldMap] = {
    json_format: FieldMap(**names._asdict()) for json_format, names in _DEFAULT_JSON_FIELDS.items()
}
"""The field names each JSON format reads when a :class:`FieldMap` leaves them ``None``."""


def _resolve_fields(fields: FieldMap, json_format: _JsonFormat) -> _JsonFields:
    return _DEFAULT_JSON_FIELDS[json_format]._replace(**fields.overrides())


@dataclass(frozen=True, slots=True)
class InputOptions:
    """How to read input: one format for every file (``None``: sniff each), field names, length.

    ``max_chars`` caps each article's text (cut at a word boundary, with a warning).

    Raises:
        ValueError: an unknown format, ``max_chars`` below 1, or field names for a format that
            has no fields (txt, html, warc).

    Example:
        >>> InputOptions(format="newsplease", fields=FieldMap(date="date_modify")).fields.date
        'date_modify'
    """

    format: Format | None = None
    fields: FieldMap = field(default_factory=FieldMap)
    max_chars: int = DEFAULT_MAX_CHARS

    def __post_init__(self) -> None:
        if self.format is not None and self.format not in FORMATS:
            raise ValueError(f"unknown format {self.format!r}: choose from {', '.join(FORMATS)}")
        _check_max_chars(self.max_chars)
        if self.format not in (None, *_DEFAULT_JSON_FIELDS) and self.fields.overrides():
            raise ValueError(
                f"field names apply only to JSON input (jsonl, newsplease), not to {self.format}"
            )


# ---------------------------------------------------------------------------------------------
# Decoding


def decode_text(data: bytes, where: str) -> str:
    """Decode the bytes of a text file, guessing the encoding the way a careful human would.

    A UTF-8 byte-order mark is stripped; UTF-16 and UTF-32 are recognised by their marks. Without
    a mark the data is read as UTF-8, and each byte that is not part of valid UTF-8 as cp1252
    (Windows "smart quotes"), or latin-1 for the five bytes cp1252 leaves undefined; so this
    never fails, and a file pasted together from a UTF-8 and a Windows source keeps both parts
    readable. Line endings are left exactly as they are: offsets into the result are shown to
    users. ``where`` names the input in the error message.

    Raises:
        TracerError: the data looks binary (NUL bytes without a UTF-16/32 mark, or more than 10%
            control characters in the first 8 KiB), or does not decode despite its mark.

    Example:
        >>> decode_text(b"caf\\xe9 \\x93quoted\\x94\\r\\n", "a.txt")
        'café “quoted”\\r\\n'
        >>> decode_text("Genève ".encode() + b"caf\\xe9", "mixed.txt")
        'Genève café'
    """
    try:
        return _decode(data)
    except _SkipError as exc:
        raise TracerError(f"{where}: {exc}") from None


def _decode(data: bytes) -> str:
    for bom, encoding in _WIDE_BOMS:
        if data.startswith(bom):
            try:
                text = data.decode(encoding)  # the codec reads and drops the mark itself
            except UnicodeDecodeError:
                raise _SkipError(
                    f"not valid {encoding.upper()} despite its byte-order mark"
                ) from None
            if _control_share([ord(char) for char in text[:_SNIFF_BYTES]]) > _MAX_CONTROL_SHARE:
                raise _SkipError("binary file, not text")
            return text
    data = data.removeprefix(codecs.BOM_UTF8)
    _reject_binary(data)
    return _decode_fallback(data)


def _reject_binary(data: bytes) -> None:
    """Raise ``_SkipError`` when bytes with no UTF-16/32 mark are not text in any 8-bit encoding."""
    if b"\x00" in data or _control_share(data[:_SNIFF_BYTES]) > _MAX_CONTROL_SHARE:
        raise _SkipError("binary file, not text")


def _control_share(head: Sequence[int]) -> float:
    """Share of C0 controls (bar tab, newlines, form feed) and DEL among bytes or code points."""
    if not head:
        return 0.0
    controls = sum(
        1 for code in head if (code < 0x20 and code not in _TEXT_CONTROLS) or code == 0x7F
    )
    return controls / len(head)


def _decode_fallback(data: bytes) -> str:
    """UTF-8, with every byte outside valid UTF-8 read as cp1252 (else latin-1): never fails."""
    return data.decode("utf-8", errors=_BYTE_FALLBACK)


def _byte_fallback(error: UnicodeError) -> tuple[str, int]:
    """Codec error handler: the bytes UTF-8 could not decode, one character each."""
    if not isinstance(error, UnicodeDecodeError):
        raise error
    undecoded = error.object[error.start : error.end]
    return "".join(_CP1252_OR_LATIN1[byte] for byte in undecoded), error.end


def _single_byte_char(byte: int) -> str:
    try:
        return bytes([byte]).decode("cp1252")
    except UnicodeDecodeError:
        return chr(byte)  # 0x81, 0x8D, 0x8F, 0x90, 0x9D: latin-1, as cp1252 has nothing there


_CP1252_OR_LATIN1 = tuple(_single_byte_char(byte) for byte in range(256))
# Decoding happens line by line in dumps: an error handler keeps the fallback inside the codec.
_BYTE_FALLBACK = "tracer.cp1252-fallback"
codecs.register_error(_BYTE_FALLBACK, _byte_fallback)

# Lone surrogates: what Python makes of the bytes of a file name that is not UTF-8, and what a
# JSON "\ud800" escape gives. UTF-8 cannot encode them, so one would stop the run at the first
# file written; articles and problems are rid of them as they are collected.
_SURROGATE = re.compile("[\ud800-\udfff]")


def _name_text(name: str) -> str:
    """A file name, or a message naming one, as text UTF-8 can hold.

    The bytes of a name that is not UTF-8 are decoded as file contents are (cp1252...); any
    other lone surrogate becomes U+FFFD.

    Example:
        >>> _name_text(os.fsdecode(b"news/caf\\xe9 story.txt"))
        'news/café story.txt'
    """
    if _SURROGATE.search(name) is None:
        return name
    try:
        return _decode_fallback(name.encode("utf-8", "surrogateescape"))
    except UnicodeEncodeError:
        return _SURROGATE.sub("\ufffd", name)


def _without_surrogates(value: Any) -> tuple[Any, int]:
    """A JSON value with every lone surrogate replaced by U+FFFD, and how many there were.

    One character for one, so the offsets into a text and its truncation stay as they were.
    """
    if isinstance(value, str):
        return _SURROGATE.subn("\ufffd", value)
    if isinstance(value, list):
        items = [_without_surrogates(item) for item in value]
        return [item for item, _ in items], sum(count for _, count in items)
    if isinstance(value, dict):
        pairs = [(_without_surrogates(k), _without_surrogates(v)) for k, v in value.items()]
        return {k: v for (k, _), (v, _) in pairs}, sum(kc + vc for (_, kc), (_, vc) in pairs)
    return value, 0


def _writable_article(article: Article) -> tuple[Article, tuple[Problem, ...]]:
    """``article`` with no lone surrogates, and a warning when its content had some."""
    text, in_text = _without_surrogates(article.text)
    title, in_title = _without_surrogates(article.title)
    url, in_url = _without_surrogates(article.url)
    source, in_source = _without_surrogates(article.source)
    metadata, in_metadata = _without_surrogates(dict(article.metadata))
    replaced = in_text + in_title + in_url + in_source + in_metadata
    article_id, origin = _name_text(article.id), _name_text(article.origin)
    if not replaced and (article_id, origin) == (article.id, article.origin):
        return article, ()
    cleaned = Article(
        id=article_id,
        text=text,
        title=title,
        date=article.date,
        url=url,
        source=source,
        origin=origin,
        metadata=metadata,
    )
    if not replaced:
        return cleaned, ()
    noun = "character" if replaced == 1 else "characters"
    message = f"{replaced} invalid {noun} (lone UTF-16 surrogates) replaced with U+FFFD"
    return cleaned, (Problem(origin, message),)


# Control characters in a file name ("two\nlines.txt") would break a problem's one line.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def _writable_problem(problem: Problem) -> Problem:
    """``problem`` as one line of text UTF-8 can hold, control characters escaped (``\\n``)."""
    where, message = (
        _CONTROL.sub(lambda match: repr(match[0])[1:-1], _name_text(text))
        for text in (problem.where, problem.message)
    )
    if (where, message) == (problem.where, problem.message):
        return problem
    return Problem(where, message)


# ---------------------------------------------------------------------------------------------
# Single text files


def load_article(
    path: Path, *, max_chars: int = DEFAULT_MAX_CHARS
) -> tuple[Article, tuple[Problem, ...]]:
    """Read one text file as an article, with the warnings about what had to be changed.

    The id is the file stem (``seeds/000_5f76.txt`` gives ``000_5f76``), ``origin`` the path as
    given, ``title`` the first non-blank line that is not boilerplate. A text longer than
    ``max_chars`` is cut at the last whitespace before the limit; the returned warnings say so.

    Raises:
        TracerError: naming the file, when it is missing, a directory, unreadable, binary, or
            empty (or whitespace only).

    Example:
        >>> article, warnings = load_article(Path("seeds/000_5f7692219c63b442.txt"))
        >>> article.id
        '000_5f7692219c63b442'
    """
    _check_max_chars(max_chars)
    try:
        article, warnings = _load_text_file(path, max_chars)
    except _SkipError as exc:
        raise TracerError(_name_text(f"{path}: {exc}")) from None
    article, replaced = _writable_article(article)
    return article, (*map(_writable_problem, warnings), *replaced)


def read_article(path: Path, *, max_chars: int = DEFAULT_MAX_CHARS) -> Article:
    """Read one text file as an article; like :func:`load_article` without the warnings.

    Raises:
        TracerError: naming the file, when it cannot be used as an article.

    Example:
        >>> read_article(Path("seeds/000_5f7692219c63b442.txt")).title[:22]
        'North Korea is ready t'
    """
    article, _warnings = load_article(path, max_chars=max_chars)
    return article


def _load_text_file(path: Path, max_chars: int) -> tuple[Article, tuple[Problem, ...]]:
    text = _decode(_read_bytes(path))
    if not text.strip():
        raise _SkipError("empty article")
    text, warnings = _limit(text, max_chars, str(path))
    title = _first_content_line(text)
    return Article(id=path.stem, text=text, title=title, origin=str(path)), warnings


def _read_bytes(path: Path) -> bytes:
    _require_regular_file(path)
    try:
        return path.read_bytes()
    except OSError as exc:
        raise _SkipError(f"cannot read: {_reason(exc)}") from None


def _require_regular_file(path: Path) -> None:
    # Checked up front so a FIFO or device is refused instead of blocking the run on a read.
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        raise _SkipError("no such file") from None
    except OSError as exc:
        raise _SkipError(f"cannot read: {_reason(exc)}") from None
    if stat.S_ISDIR(mode):
        raise _SkipError("is a directory, not an article file")
    if not stat.S_ISREG(mode):
        raise _SkipError("not a regular file")


def _reason(exc: OSError) -> str:
    reason = exc.strerror or str(exc)
    return reason[:1].lower() + reason[1:]


def _check_max_chars(max_chars: int) -> None:
    if max_chars < 1:
        raise ValueError(f"max_chars must be at least 1, not {max_chars}")


def _limit(text: str, max_chars: int, where: str) -> tuple[str, tuple[Problem, ...]]:
    """Cut ``text`` to at most ``max_chars`` at a whitespace boundary, with a warning if cut.

    The result is always a prefix of ``text``, so offsets into it stay valid for the original.
    """
    if len(text) <= max_chars:
        return text, ()
    # Index max_chars itself may be the space that ends the last whole word under the limit.
    cut = next((i for i in range(max_chars, 0, -1) if text[i].isspace()), 0)
    kept = text[:cut].rstrip() or text[:max_chars]
    return kept, (Problem(where, f"truncated from {len(text)} to {len(kept)} characters"),)


# ---------------------------------------------------------------------------------------------
# Dates


_MONTH_NAMES = (
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
)
_MONTHS = {name: number for number, full in enumerate(_MONTH_NAMES, 1) for name in (full, full[:3])}
_MONTHS["sept"] = 9

_FLAGS = re.ASCII | re.IGNORECASE
# An optional time of day after a date: "15:01", "15:01:01", "15:01:01.79" (fractions dropped).
_TIME = r"(?:(?:\s+|,\s*|T)(?P<hour>\d{1,2}):(?P<minute>\d{2})(?::(?P<second>\d{2})(?:\.\d+)?)?)?"
_MONTH_DAY_YEAR = re.compile(
    r"(?P<month>[a-z]+)\.?\s+(?P<day>\d{1,2})(?:st|nd|rd|th)?,?\s+(?P<year>\d{4})" + _TIME,
    _FLAGS,
)
# "8 September 2023", and the wire style "26-FEB-1987 15:01:01.79".
_DAY_MONTH_YEAR = re.compile(
    r"(?P<day>\d{1,2})(?:st|nd|rd|th)?(?:\.?\s+|-)(?P<month>[a-z]+)(?:\.?,?\s+|-)(?P<year>\d{4})"
    + _TIME,
    _FLAGS,
)
_DOTTED = re.compile(r"(?P<day>\d{1,2})\.(?P<month>\d{1,2})\.(?P<year>\d{4})" + _TIME, _FLAGS)

# Timestamps this large are milliseconds: as seconds they would be past the year 5000.
_MILLISECOND_TIMESTAMP = 100_000_000_000


def parse_date(value: object) -> str | None:
    """Normalise a publication date to ISO ``YYYY-MM-DD``, or ``YYYY-MM-DDTHH:MM:SS`` with a time.

    Accepts ISO 8601 dates and datetimes (``2023-09-08``, ``2023-09-08T10:00:00Z``,
    ``2023-09-08 10:00``), ``08.09.2023`` (day first), English month names (``Sept. 8, 2023``,
    ``8 September 2023``, ``September 8, 2023``, the wire style ``26-FEB-1987 15:01:01.79``),
    each optionally followed by a time of day, and unix timestamps in seconds or milliseconds.
    A datetime with a UTC offset, and every timestamp, is given in UTC so that times from
    different sources can be ordered; a datetime without an offset is kept as written.
    Returns ``None`` for anything unreadable or impossible (``yesterday``, ``2023-02-30``).

    Example:
        >>> parse_date("Sept. 8, 2023"), parse_date("2023-09-08T12:00:00+02:00")
        ('2023-09-08', '2023-09-08T10:00:00')
        >>> parse_date("26-FEB-1987 15:01:01.79")
        '1987-02-26T15:01:01'
    """
    if isinstance(value, datetime):
        return _iso_datetime(value)
    if isinstance(value, date):
        return value.isoformat()
    # bool is an int subclass, and True is not 1970-01-01T00:00:01.
    if isinstance(value, int | float) and not isinstance(value, bool):
        return _from_timestamp(value)
    if not isinstance(value, str):
        return None
    text = value.strip()
    try:
        return date.fromisoformat(text).isoformat()
    except ValueError:
        pass
    try:
        return _iso_datetime(datetime.fromisoformat(text))
    except ValueError:
        pass
    for pattern in (_DOTTED, _MONTH_DAY_YEAR, _DAY_MONTH_YEAR):
        match = pattern.fullmatch(text)
        if match is None:
            continue
        month = match["month"]
        number = int(month) if month.isdigit() else _MONTHS.get(month.lower())
        if number is None:
            return None
        try:
            day = date(int(match["year"]), number, int(match["day"]))
            if match["hour"] is None:
                return day.isoformat()
            moment = datetime(
                day.year,
                day.month,
                day.day,
                int(match["hour"]),
                int(match["minute"]),
                int(match["second"] or 0),
            )
        except ValueError:
            return None
        return moment.isoformat(timespec="seconds")
    return None


def _from_timestamp(value: float) -> str | None:
    if not math.isfinite(value):
        return None
    seconds = value / 1000 if abs(value) >= _MILLISECOND_TIMESTAMP else value
    try:
        return _iso_datetime(datetime.fromtimestamp(seconds, tz=UTC))
    except (OverflowError, OSError, ValueError):
        return None


def _iso_datetime(moment: datetime) -> str | None:
    if moment.tzinfo is not None:
        try:
            moment = moment.astimezone(UTC).replace(tzinfo=None)
        except OverflowError:
            return None  # "0001-01-01T00:00+05:00" is before the year 1 in UTC
    return moment.isoformat(timespec="seconds")


# ---------------------------------------------------------------------------------------------
# Corpora: files, dumps and directories


def read_corpus(
    paths: Sequence[Path], *, options: InputOptions | None = None, max_chars: int | None = None
) -> Corpus:
    """Read every article under ``paths``: files of any supported format and folders of them.

    Each file is read in the format ``options.format`` names or, by default, the one
    :func:`sniff_format` finds: text files, JSONL dumps (``.jsonl``/``.ndjson``, optionally
    gzipped; one object per line with ``text`` and optional ``id``, ``title``, ``date``, ``url``,
    ``source``), news-please JSON files (``.json``, one article each), HTML pages
    (``.html``/``.htm``) and WARC archives (``.warc``/``.warc.gz``). JSON field names can be
    changed with ``options.fields`` (:class:`FieldMap`); the other fields of a record are kept in
    ``metadata``. A file given by name whose format cannot be told is read as text.

    Folders are walked recursively in sorted order, by file name alone: hidden entries are
    skipped, symbolic links to directories are not followed (so loops cannot hang the walk) and
    files of no supported format (of another format than ``options.format``, when given) are
    reported. Ids: a text file's stem; a JSONL record's ``id``, else ``<stem>:<line>``; a
    news-please file's ``filename`` without ``.json``, else its stem; an HTML page's path in its
    folder without the suffix (``bbc/2023/story``); a WARC response's record id (see
    :mod:`tracer.formats`).

    Articles come back in input order. An id seen before (in any file) is skipped with a problem
    naming where it was first read: the first one wins. A file name that is not UTF-8 is decoded
    like file contents for ids and messages; a lone surrogate in a JSON string (a ``\\ud800``
    escape, which UTF-8 cannot write) becomes U+FFFD, with a warning. See :class:`Corpus` for
    the difference between ``problems`` (skipped) and ``warnings`` (kept, altered).
    ``max_chars`` is the keyword of earlier versions, a shorthand for
    ``InputOptions(max_chars=...)``.

    Raises:
        TracerError: a path given does not exist, or reading HTML or WARC input needs an extra
            that is not installed; the run cannot go on in either case.
        TypeError: both ``options`` and ``max_chars`` are given.

    Example:
        >>> read_corpus([Path("seeds")]).summary()
        '5 articles read, 0 inputs skipped, 0 warnings'
        >>> read_corpus([Path("seeds")], options=InputOptions(format="jsonl")).summary()
        '0 articles read, 5 inputs skipped, 0 warnings'
    """
    if options is None:
        options = InputOptions() if max_chars is None else InputOptions(max_chars=max_chars)
    elif max_chars is not None:
        raise TypeError("give max_chars inside options, not both")
    for path in paths:
        # os.path.exists follows symlinks, so a dangling one counts as missing, as it should.
        if not os.path.exists(path):
            raise TracerError(f"{path}: no such file or directory")
    collector = _Collector()
    for path in paths:
        if path.is_dir():
            for file_path, file_format in _walk(path, options.format, collector):
                _read_file(file_path, file_format, options, collector, folder=path)
        else:
            file_format = options.format or sniff_format(path) or "txt"
            _read_file(path, file_format, options, collector, folder=None)
    return Corpus(
        articles=tuple(collector.articles),
        problems=tuple(collector.problems),
        warnings=tuple(collector.warnings),
    )


def sniff_format(path: Path) -> Format | None:
    """The format a file is read in when none is given: by its name, else by its first bytes.

    By name: ``.txt``/``.text`` are txt; ``.jsonl``/``.ndjson`` (and ``.gz`` of them) jsonl;
    ``.json`` newsplease; ``.html``/``.htm`` html; ``.warc``/``.warc.gz`` warc. Any other name
    is decided by the first 8 KiB: a WARC header (plain or gzipped) is warc; markup with an
    ``<html>`` or ``<body>`` tag is html; a JSON object on the first line is jsonl, or newsplease
    when it has news-please's own keys (``maintext``, ``date_publish``...); a JSON object spread
    over several lines is newsplease. Returns ``None`` when nothing fits (or the file cannot be
    read): :func:`read_corpus` then reads the file as text, which reports what is wrong with it.

    Example:
        >>> sniff_format(Path("CC-NEWS-20230908.warc.gz")), sniff_format(Path("crawl/a1.json"))
        ('warc', 'newsplease')
    """
    return _format_from_name(path) or _format_from_content(path)


def _format_from_name(path: Path) -> Format | None:
    name = path.name.lower()
    for file_format, suffixes in _SUFFIXES.items():
        if name.endswith(suffixes):
            return file_format
    return None


def _format_from_content(path: Path) -> Format | None:
    try:
        # Opening a FIFO for reading waits for a writer: it would hang the run, not be sniffed.
        _require_regular_file(path)
        with path.open("rb") as stream:
            head = stream.read(_SNIFF_BYTES)
    except (_SkipError, OSError):
        return None
    if head.startswith(b"\x1f\x8b"):
        # Only a WARC is read from a gzipped file whatever its name; a gzipped dump needs .gz.
        try:
            inflated = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS).decompress(head)
        except zlib.error:
            return None
        return "warc" if inflated.startswith(b"WARC/") else None
    head = head.removeprefix(codecs.BOM_UTF8).lstrip()
    if head.startswith(b"WARC/"):
        return "warc"
    lowered = head.lower()
    if head.startswith(b"<") and (b"<html" in lowered or b"<body" in lowered):
        return "html"
    if head.startswith(b"{"):
        first_line = head.split(b"\n", 1)[0]
        try:
            record = json.loads(first_line)
        except (ValueError, RecursionError):
            return "newsplease"  # an object spread over lines: one article, pretty-printed
        if isinstance(record, dict):
            return "newsplease" if _NEWSPLEASE_KEYS & record.keys() else "jsonl"
    return None


@dataclass(slots=True)
class _Collector:
    """What a corpus read has gathered so far; the one place where duplicate ids are decided."""

    articles: list[Article] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    first_origin: dict[str, str] = field(default_factory=dict)

    def skip(self, where: str, message: str) -> None:
        self.problems.append(_writable_problem(Problem(where, message)))

    def warn(self, where: str, message: str) -> None:
        self.warnings.append(_writable_problem(Problem(where, message)))

    def add(self, article: Article, warnings: Sequence[Problem]) -> None:
        article, replaced = _writable_article(article)
        warnings = [*map(_writable_problem, warnings), *replaced]
        first = self.first_origin.get(article.id)
        if first is not None:
            # The warnings of a skipped article are moot: it is not in the corpus.
            self.skip(article.origin, f"duplicate id {article.id!r}, already read from {first}")
            return
        self.first_origin[article.id] = article.origin
        self.articles.append(article)
        self.warnings.extend(warnings)


def _read_file(
    path: Path,
    file_format: Format,
    options: InputOptions,
    collector: _Collector,
    *,
    folder: Path | None,
) -> None:
    """Add the articles of one file; ``folder`` is the folder given whose walk found it, if any."""
    max_chars = options.max_chars
    if file_format == "jsonl":
        _read_dump(path, _resolve_fields(options.fields, "jsonl"), max_chars, collector)
    elif file_format == "newsplease":
        _read_newsplease(path, options.fields, max_chars, collector)
    elif file_format == "html":
        # Imported here: it needs this module, and text or JSON input needs neither it nor extras.
        from tracer.formats import read_html_file

        page_id = path.stem if folder is None else _stem_in(path.relative_to(folder), "html")
        read_html_file(path, page_id, max_chars, collector)
    elif file_format == "warc":
        from tracer.formats import read_warc_file

        read_warc_file(path, _stem_in(Path(path.name), "warc"), max_chars, collector)
    else:
        try:
            article, warnings = _load_text_file(path, max_chars)
        except _SkipError as exc:
            collector.skip(str(path), str(exc))
            return
        collector.add(article, warnings)


def _stem_in(path: Path, file_format: Format) -> str:
    """``path`` (relative, POSIX) without its format's suffix: ``a/story.html`` -> ``a/story``."""
    name = path.as_posix()
    for suffix in _SUFFIXES[file_format]:
        if name.lower().endswith(suffix):
            return name[: -len(suffix)]
    return path.with_suffix("").as_posix()


def _walk(
    root: Path, forced: Format | None, collector: _Collector
) -> Iterator[tuple[Path, Format]]:
    """Yield the article files under ``root`` in sorted pre-order, reporting everything else.

    With ``forced`` set, only files named like that format are yielded. An explicit stack
    instead of recursion, so a deep tree cannot hit the recursion limit.
    """
    stack = [iter(_list_directory(root, collector))]
    while stack:
        entry = next(stack[-1], None)
        if entry is None:
            stack.pop()
            continue
        if entry.name.startswith("."):
            continue
        path = Path(entry.path)
        try:
            # Following links here raises for a link loop (ELOOP) rather than answering False.
            target_is_dir, target_is_file = entry.is_dir(), entry.is_file()
        except OSError:
            target_is_dir = target_is_file = False
        if entry.is_dir(follow_symlinks=False):
            stack.append(iter(_list_directory(path, collector)))
        elif target_is_dir:
            collector.skip(str(path), "symbolic link to a directory, not followed")
        elif target_is_file:
            file_format = _format_from_name(path)
            if file_format is None:
                collector.skip(str(path), "not a supported article file")
            elif forced is not None and file_format != forced:
                suffixes = ", ".join(_SUFFIXES[forced])
                collector.skip(str(path), f"not a {forced} file (format {forced} reads {suffixes})")
            else:
                yield path, file_format
        elif entry.is_symlink() and not os.path.exists(path):
            collector.skip(str(path), "broken or looping symbolic link")
        else:
            collector.skip(str(path), "not a regular file")


def _list_directory(directory: Path, collector: _Collector) -> list[os.DirEntry[str]]:
    try:
        with os.scandir(directory) as entries:
            return sorted(entries, key=lambda entry: entry.name)
    except OSError as exc:
        collector.skip(str(directory), f"cannot read directory: {_reason(exc)}")
        return []


# ---------------------------------------------------------------------------------------------
# JSON: JSONL dumps and news-please files


def _read_dump(path: Path, fields: _JsonFields, max_chars: int, collector: _Collector) -> None:
    """Add every usable line of a JSONL dump; a bad line is skipped, the rest still count."""
    stem = _stem_in(Path(path.name), "jsonl")
    line_no = 0
    try:
        _require_regular_file(path)
        with _open_dump(path) as stream:
            for line_no, line in _dump_lines(stream):
                if not line.strip():
                    continue
                where = f"{path}:{line_no}"
                try:
                    record = _json_object(line)
                    article, warnings = _json_article(
                        record, fields, where, f"{stem}:{line_no}", max_chars
                    )
                except _SkipError as exc:
                    collector.skip(where, str(exc))
                    continue
                collector.add(article, warnings)
    except _SkipError as exc:
        collector.skip(str(path), str(exc))
    except (OSError, EOFError, zlib.error) as exc:
        # A dump cut short (a truncated download, a corrupt gzip member) keeps what came before.
        reason = _reason(exc) if isinstance(exc, OSError) else str(exc) or type(exc).__name__
        if line_no:
            collector.skip(f"{path}:{line_no + 1}", f"cannot read further: {reason}")
        else:
            collector.skip(str(path), f"cannot read: {reason}")


def _open_dump(path: Path) -> io.BufferedIOBase:
    if path.name.lower().endswith(".gz"):
        return gzip.open(path, "rb")
    return path.open("rb")


def _dump_lines(stream: io.BufferedIOBase) -> Iterator[tuple[int, str]]:
    """Yield ``(line_no, text)`` for each line, decoded one by one with the text fallback.

    Lines are decoded separately so one latin-1 line in a UTF-8 dump costs only itself. The dump
    is streamed: only its head is held for sniffing, whatever its size.
    """
    head = stream.read(_SNIFF_BYTES)
    if head.startswith(tuple(bom for bom, _encoding in _WIDE_BOMS)):
        # UTF-16/32 cannot be split on b"\n"; such dumps are rare, so decode them whole.
        text = _decode(head + stream.read())
        yield from enumerate(text.split("\n"), 1)
        return
    head = head.removeprefix(codecs.BOM_UTF8)
    _reject_binary(head)
    *complete, partial = head.split(b"\n")
    # The head may have stopped mid-line; the stream's next readline completes that line.
    lines = itertools.chain(complete, [partial + stream.readline()], stream)
    for line_no, raw in enumerate(lines, 1):
        yield line_no, _decode_fallback(raw.removesuffix(b"\n"))


def _read_newsplease(path: Path, fields: FieldMap, max_chars: int, collector: _Collector) -> None:
    """Add the one article of a news-please JSON file, or say why the file is skipped.

    The text is ``maintext``; files from news-please before 1.4 have ``text`` instead, which is
    read when ``maintext`` is missing or null (unless a text field is given). ``description``
    is never read as the text: it is a teaser, often the same on every outlet that syndicates the
    story, and tracing it as the article would report reuse that is not there.
    """
    where = str(path)
    try:
        text = _decode(_read_bytes(path))
    except _SkipError as exc:
        collector.skip(where, str(exc))
        return
    try:
        record: object = json.loads(text)
    except json.JSONDecodeError as exc:
        hint = "; several values: JSON Lines? use format jsonl" if exc.msg == "Extra data" else ""
        collector.skip(f"{path}:{exc.lineno}", f"not valid JSON ({_json_error(exc)}{hint})")
        return
    except RecursionError:
        collector.skip(where, "not valid JSON (nested too deeply)")
        return
    resolved = _resolve_fields(fields, "newsplease")
    if isinstance(record, dict):
        legacy_text = record.get("maintext") is None and isinstance(record.get("text"), str)
        if fields.text is None and legacy_text:
            resolved = resolved._replace(text="text")
        raw_id = record.get(resolved.id)
        if isinstance(raw_id, str) and raw_id.lower().endswith(".json"):
            # news-please's ``filename`` is the name of the file it wrote, suffix and all.
            record = {**record, resolved.id: raw_id[: -len(".json")]}
    try:
        article, warnings = _json_article(record, resolved, where, path.stem, max_chars)
    except _SkipError as exc:
        collector.skip(where, str(exc))
        return
    collector.add(article, warnings)


def _json_object(line: str) -> object:
    try:
        return json.loads(line)
    except json.JSONDecodeError as exc:
        raise _SkipError(f"not valid JSON ({_json_error(exc)})") from None
    except RecursionError:
        raise _SkipError("not valid JSON (nested too deeply)") from None


def _json_error(exc: json.JSONDecodeError) -> str:
    # Some of json's messages end in "at" ("Unterminated string starting at"), others do not.
    return f"{exc.msg.removesuffix(' at')} at column {exc.colno}"


def _json_article(
    record: object, fields: _JsonFields, where: str, fallback_id: str, max_chars: int
) -> tuple[Article, tuple[Problem, ...]]:
    """The article in one JSON record, read through ``fields``; ``where`` names the record."""
    if not isinstance(record, dict):
        raise _SkipError(f"not a JSON object (found {_json_type(record)})")

    if fields.text not in record:
        raise _SkipError(f"no '{fields.text}' field")
    text = record[fields.text]
    if text is None:
        raise _SkipError(f"no article text ('{fields.text}' is null)")
    if not isinstance(text, str):
        raise _SkipError(f"'{fields.text}' is not a string (found {_json_type(text)})")
    if not text.strip():
        raise _SkipError("empty text")

    raw_id = record.get(fields.id)
    if isinstance(raw_id, bool) or not isinstance(raw_id, str | int | None):
        raise _SkipError(f"'{fields.id}' is not a string or integer (found {_json_type(raw_id)})")
    article_id = fallback_id if raw_id is None or raw_id == "" else str(raw_id)

    warnings: list[Problem] = []
    text, truncated = _limit(text, max_chars, where)
    warnings.extend(truncated)
    title, url, source = (
        _optional_str(record, key, where, warnings)
        for key in (fields.title, fields.url, fields.source)
    )

    raw_date = record.get(fields.date)
    article_date = parse_date(raw_date)
    if article_date is None and not _is_blank(raw_date):
        warnings.append(Problem(where, f"unreadable date {raw_date!r} ignored"))

    metadata: dict[str, Any] = {k: v for k, v in record.items() if k not in fields}
    article = Article(
        id=article_id,
        text=text,
        title=title,
        date=article_date,
        url=url,
        source=source,
        origin=where,
        metadata=metadata,
    )
    return article, tuple(warnings)


def read_record(
    record: object,
    *,
    where: str,
    fallback_id: str,
    options: InputOptions | None = None,
) -> Corpus:
    """One record of a JSONL dump (a JSON line, or a decoded object such as a Parquet row), read
    exactly as :func:`read_corpus` reads a line: a corpus of the one article with its warnings,
    or of the one problem that skips it.

    A string is parsed as a JSON line (blank lines give an empty corpus); any other value is
    taken as the decoded record. ``where`` names it in messages (``dump.jsonl:12``) and
    ``fallback_id`` is its id when it has none (``dump:12``). This is how other readers, such
    as the Spark engine's, give the same articles as tracer's own.

    Example:
        >>> read_record('{"id": "a1", "text": "Grain deal.", "date": "Sept. 8, 2023"}',
        ...             where="d.jsonl:1", fallback_id="d:1").articles[0].date
        '2023-09-08'
        >>> read_record('{"text": 3}', where="d.jsonl:2", fallback_id="d:2").problems[0].message
        "'text' is not a string (found number)"
    """
    options = options or InputOptions()
    collector = _Collector()
    try:
        if isinstance(record, str):
            if not record.strip():
                return Corpus()
            record = _json_object(record)
        fields = _resolve_fields(options.fields, "jsonl")
        article, warnings = _json_article(record, fields, where, fallback_id, options.max_chars)
    except _SkipError as exc:
        collector.skip(where, str(exc))
    else:
        collector.add(article, warnings)
    return Corpus(tuple(collector.articles), tuple(collector.problems), tuple(collector.warnings))


def merge_corpora(parts: Sequence[Corpus]) -> Corpus:
    """Corpora read separately, as one: articles in order, an id read before skipped (the first
    one wins, as within :func:`read_corpus`), with its warnings.

    Example:
        >>> one = Corpus((Article("a", "One.", origin="x.jsonl:1"),))
        >>> two = Corpus((Article("a", "Two.", origin="y.jsonl:1"),))
        >>> merged = merge_corpora([one, two])
        >>> [a.text for a in merged.articles], merged.problems[0].message
        (['One.'], "duplicate id 'a', already read from x.jsonl:1")
    """
    collector = _Collector()
    for part in parts:
        collector.problems.extend(part.problems)
        skipped: set[str] = set()
        for article in part.articles:
            if article.id in collector.first_origin:
                skipped.add(article.origin)
            collector.add(article, ())
        # A part's warnings name the article they concern by its origin.
        collector.warnings.extend(w for w in part.warnings if w.where not in skipped)
    return Corpus(tuple(collector.articles), tuple(collector.problems), tuple(collector.warnings))


def dump_stem(name: str) -> str:
    """The stem of a JSONL dump's file name, which records without an id are named after.

    Example:
        >>> dump_stem("news-2024.jsonl.gz"), dump_stem("part-0001.parquet")
        ('news-2024', 'part-0001')
    """
    return _stem_in(Path(name), "jsonl")


def _is_blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _optional_str(
    record: dict[str, Any], key: str, where: str, warnings: list[Problem]
) -> str | None:
    value = record.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        warnings.append(
            Problem(where, f"'{key}' is not a string (found {_json_type(value)}), ignored")
        )
        return None
    return value.strip() or None


def _json_type(value: object) -> str:
    # Name the JSON type the user wrote, not the Python one it became.
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object"


def _first_content_line(text: str) -> str | None:
    """The first non-blank line that is not page furniture ("Sorting by", leaked CSS)."""
    from tracer.clean import boilerplate_reason, normalise

    for line in text.splitlines():
        stripped = line.strip()
        if stripped and boilerplate_reason(normalise(stripped).text) is None:
            return stripped
    return None
