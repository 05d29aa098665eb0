"""Cut an article into segments (sentences, headlines, short lines) with raw character offsets.

Sentence boundaries come from syntok, a maintained rule-based segmenter that needs no model
download and keeps "John F. Kirby", "Sept. 8", "U.S." and closing quotes inside their sentence.
Lines are never merged: a headline or a "Read also" line is its own segment even without final
punctuation. The segments of a line partition it, so every non-space character of the article
belongs to exactly one segment.
"""

from __future__ import annotations

from collections.abc import Collection

from syntok import segmenter

from tracer.clean import Normalised, boilerplate_reason, line_spans, normalise
from tracer.model import Article, Segmented, Sentence, Span

_TERMINAL_PUNCTUATION = frozenset(".!?:;\"')…")
_MAX_HEADING_WORDS = 20


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
    for line_number, line in enumerate(line_spans(normalised.text)):
        line_text = line.slice(normalised.text)
        reason = boilerplate_reason(line_text)
        if reason is None and line_text in boilerplate_lines:
            reason = "repeated page furniture"
        pieces = sentence_spans(line_text)
        heading = (
            len(pieces) == 1
            and reason is None
            and _looks_like_heading(line_text, first_line=line_number == 0)
        )
        for piece in pieces:
            norm_span = Span(line.start + piece.start, line.start + piece.end)
            sentences.append(
                _make_sentence(article, normalised, len(sentences), norm_span, reason, heading)
            )
    return Segmented(article, tuple(sentences))


def sentence_spans(line: str) -> list[Span]:
    """Split one line of normalised text into sentence spans that partition its non-space text.

    Example:
        >>> line = 'The U.S. Army said "no." John F. Kirby agreed.'
        >>> [s.slice(line) for s in sentence_spans(line)]
        ['The U.S. Army said "no."', 'John F. Kirby agreed.']
    """
    starts: list[int] = []
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
