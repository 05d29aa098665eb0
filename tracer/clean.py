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
# What ends a line, as ``str.splitlines`` sees it: the pipeline finds repeated page furniture in
# raw lines split that way, and scraped text often breaks lines with U+2028 or NEL.
_LINE_BREAKS = frozenset("\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029")
# Characters NFC composes with the one before them although they are not combining marks:
# Hangul vowel and final-consonant jamo, and vowel signs of Indic and Southeast Asian scripts.
_COMPOSING_STARTERS = frozenset(
    [chr(code) for code in range(0x1161, 0x1176)]
    + [chr(code) for code in range(0x11A8, 0x11C3)]
    + list("\u09be\u09d7\u0b3e\u0b56\u0b57\u0bbe\u0bd7\u0cc2\u0cd5\u0cd6\u0d3e\u0d57\u0dcf")
    + list("\u0ddf\u102e\u1b35\U00011127\U0001133e\U00011357\U000114b0\U000114ba")
    + list("\U000114bd\U000115af\U00011930")
)
# Runs that need work: any whitespace other than a lone space, and any non-ASCII character (with
# the ASCII letter before it when it is a combining mark). Everything between two matches is
# copied through with an identity offset map, which keeps the common (ASCII) case fast.
_NEEDS_WORK = re.compile(r"\s{2,}|[^\S ]|[^\x00-\x7f]")


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
    size = len(raw)
    for match in _NEEDS_WORK.finditer(raw):
        start, end = match.span()
        if start < position:
            continue  # a mark already taken into the unit before it
        piece = match.group()
        whitespace = piece.isspace()
        if not whitespace:
            # A letter and the marks after it are one unit, so that decomposed "e\u0301" or
            # "\u304b\u3099" composes to the same character as the precomposed text.
            if start > position and _joins(piece[0]) and not raw[start - 1].isspace():
                start -= 1
            while end < size and _joins(raw[end]):
                end += 1
        if start > position:
            out.append(raw[position:start])
            starts.extend(range(position, start))
            ends.extend(range(position + 1, start + 1))
        if whitespace:
            replacement = " " if _LINE_BREAKS.isdisjoint(piece) else "\n"
            out.append(replacement)
            starts.append(start)
            ends.append(end)
        else:
            replacement = _normalise_char(raw[start:end])
            out.append(replacement)
            starts.extend([start] * len(replacement))
            ends.extend([end] * len(replacement))
        position = end
    if position < size:
        out.append(raw[position:])
        starts.extend(range(position, size))
        ends.extend(range(position + 1, size + 1))
    text = "".join(out)
    if _ADJACENT_SPACES.search(text):
        return _collapse_spaces(text, starts, ends)
    return Normalised(text, tuple(starts), tuple(ends))


# Whitespace from two raw units can still meet: spaces either side of a zero-width character
# ("a \u200b b"), or a space before a character whose NFKC form starts with one (" \u00a8").
_ADJACENT_SPACES = re.compile(r"[ \n]{2,}")


def _collapse_spaces(text: str, starts: list[int], ends: list[int]) -> Normalised:
    """Merge runs of normalised whitespace into one character spanning all their raw text."""
    out: list[str] = []
    new_starts: list[int] = []
    new_ends: list[int] = []
    position = 0
    for match in _ADJACENT_SPACES.finditer(text):
        out.append(text[position : match.start()])
        new_starts.extend(starts[position : match.start()])
        new_ends.extend(ends[position : match.start()])
        out.append("\n" if "\n" in match.group() else " ")
        new_starts.append(starts[match.start()])
        new_ends.append(ends[match.end() - 1])
        position = match.end()
    out.append(text[position:])
    new_starts.extend(starts[position:])
    new_ends.extend(ends[position:])
    return Normalised("".join(out), tuple(new_starts), tuple(new_ends))


def _joins(char: str) -> bool:
    """True when NFC may compose ``char`` with the characters before it (or reorder it)."""
    return unicodedata.combining(char) > 0 or char in _COMPOSING_STARTERS


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
