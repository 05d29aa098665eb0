"""Cut an article into segments (sentences, headlines, short lines) with raw character offsets.

Sentence boundaries come from syntok, a maintained rule-based segmenter that needs no model
download and keeps "John F. Kirby", "Sept. 8", "U.S." and closing quotes inside their sentence.
A headline or a "Read also" line is its own segment even without final punctuation; only a line
that a fixed-width wrap cut inside a sentence is joined to the next. The segments of a block
partition it, so every non-space character of the article belongs to exactly one segment.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Collection

from syntok import segmenter
from syntok._segmentation_states import State as SyntokState

from tracer.clean import Normalised, boilerplate_reason, line_spans, normalise
from tracer.model import Article, Segmented, Sentence, Span

_TERMINAL_PUNCTUATION = frozenset(".!?:;\"')…")
_MAX_HEADING_WORDS = 20
MAX_SEGMENT_CHARS = 2_000
"""Longest segment, in normalised characters; a longer sentence is cut at line breaks or spaces.

Text without sentence punctuation (a scraped listing, a transcript, a table flattened into
lines) would otherwise be one sentence of a million characters, and aligning two sentences
costs in proportion to the product of their lengths."""


def segment(article: Article, *, boilerplate_lines: Collection[str] = ()) -> Segmented:
    """Segment ``article``: each sentence with its raw span, normalised text and boilerplate flag.

    ``boilerplate_lines`` holds normalised lines known to be boilerplate from elsewhere (for
    example, lines an outlet repeats under every article); they are flagged like the built-in
    patterns.

    Example:
        >>> doc = segment(Article("a", "Kirby said on Sept. 8 it was fine. Then he left."))
        >>> [s.text for s in doc.sentences]
        ['Kirby said on Sept. 8 it was fine.', 'Then he left.']
    """
    normalised = normalise(article.text)
    sentences: list[Sentence] = []
    for block_number, (block, reason) in enumerate(_blocks(normalised.text, boilerplate_lines)):
        block_text = block.slice(normalised.text)
        pieces = _whole_units(
            _bounded(sentence_spans(block_text), block_text), block.start, normalised
        )
        heading = (
            len(pieces) == 1
            and reason is None
            and "\n" not in block_text
            and _looks_like_heading(block_text, first_line=block_number == 0)
        )
        for piece in pieces:
            piece_reason = reason
            if reason in _CODE_REASONS and _is_prose(piece.slice(block_text)):
                piece_reason = None  # a sentence on the same line as leaked script is still text
            norm_span = Span(block.start + piece.start, block.start + piece.end)
            sentences.append(
                _make_sentence(
                    article, normalised, len(sentences), norm_span, piece_reason, heading
                )
            )
    return Segmented(article, tuple(sentences))


_CODE_REASONS = frozenset({"leaked CSS", "leaked script"})
_CODE_CHARACTERS = re.compile(r"[{};=<>]|\(\)|//|\w\.\w+\(")
_SENTENCE_END = re.compile(r"[.!?][\"')\]]*$")


def _is_prose(text: str) -> bool:
    return (
        len(text.split()) >= 3
        and _SENTENCE_END.search(text) is not None
        and _CODE_CHARACTERS.search(text) is None
    )


def _blocks(text: str, boilerplate_lines: Collection[str]) -> list[tuple[Span, str | None]]:
    """Lines of ``text``, with hard-wrapped ones joined back into their paragraph.

    A line break inside a sentence (wire copy, e-mail and scraped text are often wrapped at a
    fixed width) is undone when the line does not end a sentence and the next one starts in
    lower case. Boilerplate lines are never joined, so their reason stays theirs.
    """
    blocks: list[tuple[Span, str | None]] = []
    for line in line_spans(text):
        line_text = line.slice(text)
        reason = boilerplate_reason(line_text)
        if reason is None and line_text in boilerplate_lines:
            reason = "repeated page furniture"
        if blocks and reason is None and blocks[-1][1] is None:
            previous = blocks[-1][0]
            # Only the end of the block so far matters: slicing all of it, line after line,
            # made a long unpunctuated text quadratic.
            if _continues(text[previous.end - 1 : previous.end], line_text):
                blocks[-1] = (Span(previous.start, line.end), None)
                continue
        blocks.append((line, reason))
    return blocks


def _continues(previous: str, line: str) -> bool:
    first = line[:1]
    return (
        previous[-1:] not in _TERMINAL_PUNCTUATION
        and (first.islower() or first.isdigit() or first in ",;:)-")
        and not _LIST_ITEM.match(line)
    )


_LIST_ITEM = re.compile(r"\d+[.)]\s")


def sentence_spans(line: str) -> list[Span]:
    """Split one line of normalised text into sentence spans that partition its non-space text.

    Example:
        >>> line = 'The U.S. Army said "no." John F. Kirby agreed.'
        >>> [s.slice(line) for s in sentence_spans(line)]
        ['The U.S. Army said "no."', 'John F. Kirby agreed.']
    """
    starts: list[int] = []
    if _may_split(line):
        for paragraph in segmenter.analyze(line):
            for sentence in paragraph:
                if sentence:
                    starts.append(sentence[0].offset)
    first_visible = len(line) - len(line.lstrip())
    if not starts or starts[0] > first_visible:
        starts.insert(0, first_visible)
    spans: list[Span] = []
    for position, start in enumerate(starts):
        end = starts[position + 1] if position + 1 < len(starts) else len(line)
        text = line[start:end]
        stripped_end = start + len(text.rstrip())
        if stripped_end > start:
            spans.append(Span(start, stripped_end))
    return spans


# syntok ends a sentence only at one of its terminal marks or before an opening bracket (and at
# a blank line, which never occurs inside a line). A line with none of them before its closing
# run of marks is one sentence, and most lines of a news article (headlines, datelines, table
# rows, short paragraphs) are: asking syntok anyway cost more than half of segmentation.
_SPLIT_MARK = re.compile(
    "["
    + re.escape("".join(sorted((SyntokState.terminals | SyntokState.opening_brackets) - {"..."})))
    + "]|\\n\\s*\\n"
)
_CLOSING_MARKS = "".join(
    sorted(
        (SyntokState.terminals - {"..."})
        | SyntokState.closing_quotes
        | SyntokState.closing_brackets
    )
)


def _may_split(line: str) -> bool:
    """Whether syntok could cut ``line`` into more than one sentence.

    Example:
        >>> _may_split("Wheat prices rose 5 pct on Monday."), _may_split("Oil rose. Gas fell.")
        (False, True)
    """
    # rstrip, not a regex anchored at the end: that would be quadratic on a long run of marks.
    return _SPLIT_MARK.search(line.rstrip().rstrip(_CLOSING_MARKS)) is not None


def _bounded(pieces: list[Span], text: str, limit: int = MAX_SEGMENT_CHARS) -> list[Span]:
    """``pieces`` of ``text`` with each longer than ``limit`` cut into parts of at most ``limit``.

    A part ends at the last line break within the limit, else the last space, else (one
    "word" of ``limit`` characters) at the limit itself. Parts are stripped, so they still
    partition the piece's non-space text.

    Example:
        >>> [s.slice("aa bb\\ncc dd") for s in _bounded([Span(0, 11)], "aa bb\\ncc dd", limit=8)]
        ['aa bb', 'cc dd']
    """
    bounded: list[Span] = []
    for piece in pieces:
        start = piece.start
        while piece.end - start > limit:
            # The character just past the limit may be the space that ends the part.
            window = text[start : start + limit + 1]
            cut = window.rfind("\n", 1)
            if cut < 1:
                cut = next((i for i in range(limit, 0, -1) if window[i].isspace()), limit)
                while cut > 1 and unicodedata.combining(window[cut]):
                    cut -= 1  # a mark stays with its letter, or both parts would claim it
            end = start + len(window[:cut].rstrip())
            bounded.append(Span(start, end))
            start += cut
            while start < piece.end and text[start].isspace():
                start += 1
        if start < piece.end:
            bounded.append(Span(start, piece.end))
    return bounded


def _whole_units(pieces: list[Span], offset: int, normalised: Normalised) -> list[Span]:
    """Join sentences split inside the normalised form of one raw unit.

    One raw character (or a letter with its marks) may normalise to several characters, and
    the segmenter may cut between them ("}" and a combining mark after it): both sentences would
    then claim that raw character. ``pieces`` are spans of the block starting at ``offset``.
    """
    joined: list[Span] = []
    for piece in pieces:
        if joined and (
            normalised.raw_starts[offset + piece.start]
            < normalised.raw_ends[offset + joined[-1].end - 1]
        ):
            joined[-1] = Span(joined[-1].start, piece.end)
        else:
            joined.append(piece)
    return joined


def _looks_like_heading(line: str, *, first_line: bool) -> bool:
    words = line.split()
    if len(words) > _MAX_HEADING_WORDS:
        return False
    if line.rstrip()[-1:] in _TERMINAL_PUNCTUATION:
        return False
    # A short line without final punctuation is a headline or a subheading; the first line of an
    # article is the usual place for one.
    return first_line or len(words) <= 12


def _make_sentence(
    article: Article,
    normalised: Normalised,
    index: int,
    norm_span: Span,
    reason: str | None,
    heading: bool,
) -> Sentence:
    raw_span = normalised.to_raw(norm_span)
    return Sentence(
        article_id=article.id,
        index=index,
        span=raw_span,
        text=raw_span.slice(article.text),
        norm=norm_span.slice(normalised.text),
        boilerplate_reason=reason,
        heading=heading,
    )
