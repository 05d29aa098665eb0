"""Normalise article text, keeping a map back to raw offsets, and recognise boilerplate.

Comparison works on a normalised form of the text (NFKC, straight quotes, plain dashes, single
spaces, no zero-width characters) so that typographic variation between outlets never hides a
copy. Every normalised character remembers the raw characters it came from, so any span found in
the normalised text maps back to exactly the raw text the user gave us.

Boilerplate is page furniture that scrapers leave in article bodies: leaked CSS/JS, "Read also"
links, author bios, donation footers. It is set aside (greyed in the report) rather than counted
as reuse, since two articles from the same site always share it.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from tracer.model import Span

# Characters whose replacement is not what NFKC gives, or that NFKC leaves alone.
_REPLACEMENTS = {
    "\u2018": "'",
    "\u2019": "'",
    "\u201a": "'",
    "\u201b": "'",
    "\u2032": "'",
    "\u00b4": "'",
    "`": "'",
    "\u201c": '"',
    "\u201d": '"',
    "\u201e": '"',
    "\u201f": '"',
    "\u2033": '"',
    "\u00ab": '"',
    "\u00bb": '"',
    "\u2010": "-",
    "\u2011": "-",
    "\u2012": "-",
    "\u2013": "-",
    "\u2014": "-",
    "\u2015": "-",
    "\u2212": "-",
    "\u00d7": "x",
}
_DROPPED = frozenset("\u200b\u200c\u200d\u2060\ufeff\u00ad")
# Combining diacritics (Latin, Greek, Cyrillic): a letter followed by them is normalised as one
# unit, so decomposed "e\u0301" composes to the same "\u00e9" as the precomposed character.
_COMBINING = "\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f"
# Runs that need work: a letter with combining marks, any whitespace other than a lone space, and
# any non-ASCII character. Everything between two matches is copied through with an identity
# offset map, which keeps the common (ASCII) case fast.
_NEEDS_WORK = re.compile(rf"\S[{_COMBINING}]+|\s{{2,}}|[^\S ]|[^\x00-\x7f]")


@dataclass(frozen=True, slots=True)
class Normalised:
    """Normalised text with, for each of its characters, the raw range it came from.

    Example:
        >>> n = normalise("Kyiv\u2019s  \u201cfront\u201d")
        >>> n.text
        'Kyiv\\'s "front"'
        >>> n.to_raw(Span(7, 14))
        Span(start=8, end=15)
    """

    text: str
    raw_starts: tuple[int, ...]
    raw_ends: tuple[int, ...]

    def to_raw(self, span: Span) -> Span:
        """Map a span of the normalised text to the raw text it was made from."""
        if span.length == 0:
            at = self.raw_starts[span.start] if span.start < len(self.text) else self._raw_length()
            return Span(at, at)
        return Span(self.raw_starts[span.start], self.raw_ends[span.end - 1])

    def _raw_length(self) -> int:
        return self.raw_ends[-1] if self.raw_ends else 0


def normalise(raw: str) -> Normalised:
    """Return the normalised form of ``raw`` with its map back to raw offsets.

    Whitespace runs become one space, or one newline when they contain a line break, so that
    line structure (headlines, paragraphs) survives. Leading and trailing whitespace is kept as
    a single character too, so the map stays simple; callers strip when they need to.
    """
    out: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    position = 0
    for match in _NEEDS_WORK.finditer(raw):
        if match.start() > position:
            out.append(raw[position : match.start()])
            starts.extend(range(position, match.start()))
            ends.extend(range(position + 1, match.start() + 1))
        piece = match.group()
        if piece.isspace():
            replacement = "\n" if ("\n" in piece or "\r" in piece) else " "
            out.append(replacement)
            starts.append(match.start())
            ends.append(match.end())
        else:
            replacement = _normalise_char(piece)
            out.append(replacement)
            starts.extend([match.start()] * len(replacement))
            ends.extend([match.end()] * len(replacement))
        position = match.end()
    if position < len(raw):
        out.append(raw[position:])
        starts.extend(range(position, len(raw)))
        ends.extend(range(position + 1, len(raw) + 1))
    return Normalised("".join(out), tuple(starts), tuple(ends))


def _normalise_char(char: str) -> str:
    if char in _DROPPED:
        return ""
    if char in _REPLACEMENTS:
        return _REPLACEMENTS[char]
    if char.isspace():
        return " "
    folded = unicodedata.normalize("NFKC", char)
    # NFKC may itself produce curly quotes or dashes (rare); fold those too.
    return "".join(_REPLACEMENTS.get(c, c) for c in folded if c not in _DROPPED)


# --- boilerplate ---------------------------------------------------------------------------------

_BOILERPLATE_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        "leaked CSS",
        re.compile(r"\{[^{}]*[\w-]\s*:\s*[^{}]*\}|@media\s*\(|@import\s|@font-face"),
    ),
    (
        "leaked script",
        re.compile(
            r"\b(function\s*\(|var\s+\w+\s*=|document\.(getElementById|write|querySelector)"
            r"|window\.\w+|googletag|adsbygoogle|\)\s*;\s*\}\s*\)?)"
        ),
    ),
    (
        "read-also link",
        re.compile(
            r"^(read|see|watch|listen)( also| more)?\s*:|^also read\s*:|^related\s*:"
            r"|^more on this( story| topic)?\s*:",
            re.I,
        ),
    ),
    (
        "original-article link",
        re.compile(
            r"^(read|view|see) the (original|full) (article|story)\b"
            r"|^(this (article|story) (was|is) )?originally (published|appeared)\b",
            re.I,
        ),
    ),
    (
        "navigation",
        re.compile(
            r"^(source link|related articles?|related posts?|back to top( button)?|sorting by"
            r"|share this( article)?|share on \w+|print|comments?|advertisement|x|- ?news"
            r"|tags?:.*|follow us( on .*)?|click here.*|skip to (main )?content|next article"
            r"|previous article|leave a (comment|reply))\s*$",
            re.I,
        ),
    ),
    (
        "author bio",
        re.compile(
            r"^(?i:i am|i'm|about the author\b).{0,120}\b(?i:writer|journalist|reporter|editor"
            r"|correspondent|columnist|author|contributor|blogger)\b"
            r"|^[A-Z][\w.'-]+( [A-Z][\w.'-]+){0,3} is an? ([\w-]+ ){0,4}(writer|journalist"
            r"|reporter|editor|correspondent|columnist|contributor) (for|at|with) ",
        ),
    ),
    (
        "editor credit",
        re.compile(
            r"^(editor|edited by|editing by|reporting by|written by|by)\s*:?\s*[\w.' ]{1,40}$", re.I
        ),
    ),
    (
        "donation or subscription footer",
        re.compile(
            # "Support us" and "subscribe" only as an appeal (opening a sentence, or "please"):
            # "allies will support us" and "few subscribe to the view" are news.
            r"\b(one-time donation|become a patron|donate (now|today)"
            r"|(?:^|[.!?]\s+|please\s+)(support us\b|subscribe\b)"
            r"|subscribe (now|today|to (our|my)\b)|sign up for (our|the) newsletter"
            r"|newsletter sign-?up"
            r"|all rights reserved|copyright ©|©\s*\d{4})",
            re.I,
        ),
    ),
    (
        "source credit",
        re.compile(
            r"^(source|sources|via|photo|image|credit|photo credit)\s*[:\-]\s*\S.{0,60}$", re.I
        ),
    ),
)


def boilerplate_reason(line: str) -> str | None:
    """Say why a line of normalised text is boilerplate, or ``None`` when it is article content.

    Example:
        >>> boilerplate_reason("Read also: Kremlin tight-lipped on potential meeting")
        'read-also link'
        >>> boilerplate_reason("Pyongyang could offer ammunition.") is None
        True
    """
    stripped = line.strip()
    if not stripped:
        return None
    for reason, pattern in _BOILERPLATE_PATTERNS:
        if pattern.search(stripped):
            return reason
    return None


def line_spans(text: str) -> list[Span]:
    """Spans of the non-blank lines of ``text``, stripped of surrounding whitespace."""
    spans: list[Span] = []
    for match in re.finditer(r"[^\n]+", text):
        line = match.group()
        stripped = line.strip()
        if not stripped:
            continue
        start = match.start() + (len(line) - len(line.lstrip()))
        spans.append(Span(start, start + len(stripped)))
    return spans
