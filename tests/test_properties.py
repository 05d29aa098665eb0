"""Properties that must hold for any input: offsets round-trip, segments partition, compare is
symmetric, and no stage crashes on arbitrary Unicode.

Example-based tests in the per-stage modules say what tracer does with text a journalist would
recognise; these say what it must never do with text nobody would write (but scrapers produce):
lose a character, point at the wrong raw text, depend on argument order, or crash. They run
under the derandomised ``tracer`` Hypothesis profile (``tests/conftest.py``), so a failure seen
in CI is seen again on every machine.
"""

from __future__ import annotations

import tempfile
import unicodedata
from itertools import pairwise
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tracer.api import compare
from tracer.attribution import find_attributions
from tracer.clean import boilerplate_reason, line_spans, normalise
from tracer.model import Article, Segmented, Span
from tracer.pipeline import trace
from tracer.report import write_report
from tracer.segment import segment
from tracer.tokens import lower_words

# --- strategies ---------------------------------------------------------------------------------

# What normalisation and segmentation treat specially, so that runs of them side by side are tried
# far more often than uniform code points would try them.
TRICKY_CHARACTERS = [
    # whitespace and line breaks of every kind
    *" \n\r\t\u00a0\u2007\u202f\u3000\u2028\u2029\x85\x0b\x0c",
    # dropped: zero-width characters and the soft hyphen
    *"\u200b\u200c\u200d\u2060\ufeff\u00ad",
    # combining marks, in and out of the ranges normalise composes
    *"\u0301\u0308\u0327\u20d7\ufe20\u064b\u1dc0",
    # typographic punctuation
    *"\u2018\u2019\u201c\u201d\u201e\u00ab\u00bb\u2013\u2014\u2212\u2011\u00b4`\u00d7",
    # compatibility characters whose NFKC form is longer, or holds spaces or sentence punctuation
    *"\ufb01\ufb03\u00bd\u2026\u2025\u203c\u2049\u2488\u2491\u33c2\u33c7\ufe52\uff0e\uff01",
    *"\u00a8\u00af\u00b8\u02d8\u1fed\u2017\u309b\ufdfa\ufe49\u2474\u249c\u3250",
    # case mappings that change length, scripts without case, right-to-left text
    *"\u0130\u00df\u1e9e\u0149\u01f0\u0390\u4e2d\u6587\u3002\uff1f\u05d0\u0627\u0e01",
    # precomposed letters of scripts whose marks lie outside the Latin combining block
    *"\uac01\u304c\u0622\u0bca\u09cb\u1e69\u01d6",
    # astral characters: emoji, mathematical letters (NFKC folds them), a tag character
    *"\U0001f600\U0001d400\U0001d7cf\U0001f1fa\U0001f1e6\U000e0041\U0001f44d\U0001f3fd",
    # ASCII sentence machinery
    *"aZ0.,;:!?\"'()-{}=$/",
]
# Words and phrases that segmentation and attribution act on.
TRICKY_PHRASES = [
    "Mr.",
    "U.S.",
    "Sept. 8",
    "John F. Kirby",
    "3.5",
    "Read also: ",
    "Source: Reuters",
    "{ a: b }",
    "var x = 1;",
    "according to the FT",
    "Reuters reported",
    "the publication writes",
    '"No," he said.',
    "\u201cYes,\u201d Kirby said.",
    " e\u0301",
    "\u1100\u1161\u11a8",
    "\u304b\u3099",
    "co\u00adoperation",
    "\ufb01nal",
]
# Ordinary news words, so that compare sees sentences with content to match.
NEWS_WORDS = (
    "moscow pyongyang kirby grain oil weapons artillery shells deal talks envoy summit train "
    "sanctions ammunition offered offer technology missiles satellite border ministry officials "
    "agreement signed ready supply exports wheat ports"
).split()

any_characters = st.characters(exclude_categories=("Cs",))
tricky_text = st.lists(
    st.sampled_from(TRICKY_CHARACTERS) | st.sampled_from(TRICKY_PHRASES) | any_characters,
    max_size=60,
).map("".join)
texts = st.text(any_characters, max_size=120) | tricky_text
"""Arbitrary Unicode (no lone surrogates), or a mix weighted towards the characters that matter."""


@st.composite
def news_sentences(draw: st.DrawFn) -> str:
    """A sentence of news words, sometimes capitalised, with a little Unicode noise."""
    chosen = draw(st.lists(st.sampled_from(NEWS_WORDS), min_size=1, max_size=9))
    if draw(st.booleans()):
        chosen[0] = chosen[0].capitalize()
    noise = draw(st.lists(st.sampled_from(TRICKY_CHARACTERS), max_size=2))
    ending = draw(st.sampled_from([".", ".", "!", "?", "", "\u2026", ".\u201d"]))
    return " ".join(chosen) + "".join(noise) + ending


@st.composite
def edited(draw: st.DrawFn, sentence: str) -> str:
    """``sentence`` reworded a little (words dropped, added, swapped): a paraphrase, or a copy."""
    tokens = sentence.split(" ")
    for _ in range(draw(st.integers(0, 3))):
        at = draw(st.integers(0, len(tokens) - 1))
        edit = draw(st.sampled_from(["drop", "add", "swap"]))
        if edit == "drop" and len(tokens) > 1:
            del tokens[at]
        elif edit == "add":
            tokens.insert(at, draw(st.sampled_from(NEWS_WORDS)))
        elif at + 1 < len(tokens):
            tokens[at], tokens[at + 1] = tokens[at + 1], tokens[at]
    return " ".join(tokens)


@st.composite
def article_pairs(draw: st.DrawFn) -> tuple[str, str]:
    """Two articles drawn from one pool of sentences, so they share some (verbatim or reworded)
    and differ in others."""
    pool = draw(st.lists(news_sentences() | texts, min_size=1, max_size=8))
    separators = st.sampled_from([" ", " ", "\n", "\n\n", "\r\n", "\u00a0", "\u2028"])

    def article() -> str:
        picked = draw(st.lists(st.sampled_from(pool).flatmap(edited), max_size=8))
        return "".join(sentence + draw(separators) for sentence in picked)

    return article(), article()


articles = texts | article_pairs().map(lambda pair: pair[0] + "\n" + pair[1])
"""Raw article text: arbitrary, or sentences of news words with Unicode noise in between."""

# --- normalise: offsets round-trip to the raw text ----------------------------------------------


def unit_boundaries(raw: str) -> list[int]:
    """Offsets of the normalised text of ``raw`` that do not fall inside one raw unit's output.

    A raw unit (a character, a letter with its combining marks, a run of whitespace) may
    normalise to several characters ("\ufb01" to "fi"); a span that starts or ends between two
    of those can only map back to the whole unit.
    """
    normalised = normalise(raw)
    size = len(normalised.text)
    inner = [
        offset
        for offset in range(1, size)
        if normalised.raw_ends[offset - 1] <= normalised.raw_starts[offset]
    ]
    return sorted({0, *inner, size})


@given(texts, st.data())
def test_normalised_spans_map_back_to_the_raw_text_they_came_from(
    raw: str, data: st.DataObject
) -> None:
    normalised = normalise(raw)
    boundaries = unit_boundaries(raw)
    start = data.draw(st.sampled_from(boundaries))
    end = data.draw(st.sampled_from([b for b in boundaries if b >= start]))
    raw_span = normalised.to_raw(Span(start, end))
    assert 0 <= raw_span.start <= raw_span.end <= len(raw)
    # Normalisation is local to a unit, so the raw text of a span normalises to the span exactly.
    assert normalise(raw_span.slice(raw)).text == normalised.text[start:end]


@given(texts)
def test_raw_units_map_to_disjoint_raw_ranges_in_order(raw: str) -> None:
    normalised = normalise(raw)
    boundaries = unit_boundaries(raw)
    previous_end = 0
    for start, end in pairwise(boundaries):
        raw_span = normalised.to_raw(Span(start, end))
        assert raw_span.start >= previous_end
        assert raw_span.length > 0
        previous_end = raw_span.end


@given(texts)
def test_normalised_text_is_free_of_what_normalise_folds(raw: str) -> None:
    text = normalise(raw).text
    assert not set(text) & set("\u200b\u200c\u200d\u2060\ufeff\u00ad\r\t\u00a0\u2028")
    assert not set(text) & set("\u2018\u2019\u201c\u201d\u2013\u2014\u2212\ufb01")
    assert "  " not in text and "\n\n" not in text and " \n" not in text and "\n " not in text


@given(texts)
def test_composed_and_decomposed_forms_of_a_text_normalise_alike(raw: str) -> None:
    composed = normalise(unicodedata.normalize("NFC", raw)).text
    assert normalise(unicodedata.normalize("NFD", raw)).text == composed


@given(texts)
def test_normalised_lines_are_the_raw_lines_normalised(raw: str) -> None:
    # The pipeline finds repeated page furniture in ``str.splitlines()`` lines of the raw text
    # and looks for them among the lines segmentation sees, so both must agree on line breaks.
    normalised = normalise(raw).text
    lines = [normalise(line).text.strip() for line in raw.splitlines()]
    assert [span.slice(normalised) for span in line_spans(normalised)] == [x for x in lines if x]


# --- segment: a partition of the visible text ---------------------------------------------------

# Characters that normalisation drops: invisible, so they need not belong to a segment.
INVISIBLE = frozenset("\u200b\u200c\u200d\u2060\ufeff\u00ad")


def assert_segments_partition(doc: Segmented) -> None:
    """Segments in order, none overlapping, together holding every visible raw character."""
    raw = doc.article.text
    owners = [0] * len(raw)
    previous_end = 0
    for position, sentence in enumerate(doc.sentences):
        assert sentence.index == position
        assert sentence.span.start >= previous_end, "segments out of order or overlapping"
        assert sentence.span.length > 0
        assert sentence.text == sentence.span.slice(raw)
        assert sentence.norm and sentence.norm == sentence.norm.strip()
        previous_end = sentence.span.end
        for offset in range(sentence.span.start, sentence.span.end):
            owners[offset] += 1
    for offset, char in enumerate(raw):
        if not char.isspace() and char not in INVISIBLE:
            assert owners[offset] == 1, f"{char!r} at {offset} is in {owners[offset]} segments"


@given(articles)
def test_segments_cover_every_visible_character_once_in_order(raw: str) -> None:
    assert_segments_partition(segment(Article("x", raw)))


@given(articles)
def test_each_segment_is_the_raw_text_its_normalised_form_came_from(raw: str) -> None:
    for sentence in segment(Article("x", raw)).sentences:
        assert normalise(sentence.text).text.strip() == sentence.norm


# --- compare: symmetric where it should be ------------------------------------------------------


@given(article_pairs())
def test_compare_is_symmetric(pair: tuple[str, str]) -> None:
    a_text, b_text = pair
    forward = compare(Article("A", a_text), Article("B", b_text))
    backward = compare(Article("B", b_text), Article("A", a_text))
    for links, swapped in (
        (forward.links_a, backward.links_b),
        (forward.links_b, backward.links_a),
    ):
        assert [(link.label, link.counterparts) for link in links] == [
            (link.label, link.counterparts) for link in swapped
        ]
        assert [link.similarity for link in links] == pytest.approx(
            [link.similarity for link in swapped]
        )
    assert (forward.shares_a, forward.shares_b) == (backward.shares_b, backward.shares_a)
    document, swapped_document = forward.document, backward.document
    assert document.containment_a_in_b == swapped_document.containment_b_in_a
    assert document.containment_b_in_a == swapped_document.containment_a_in_b
    assert document.jaccard == swapped_document.jaccard
    assert document.tfidf_word_cosine == swapped_document.tfidf_word_cosine
    assert document.tfidf_char_cosine == swapped_document.tfidf_char_cosine


def test_repeated_sentences_get_the_same_counterparts_whichever_article_comes_first() -> None:
    a_text = "Talks wheat summit ports. Talks wheat summit ports. Talks wheat summit ports."
    b_text = (
        "Talks wheat summit ports. Talks wheat summit ports. Envoy shells shells ports. "
        "Talks wheat summit ports."
    )
    forward = compare(Article("A", a_text), Article("B", b_text))
    backward = compare(Article("B", b_text), Article("A", a_text))
    assert [link.counterparts for link in forward.links_a] == [
        link.counterparts for link in backward.links_b
    ]


@given(article_pairs())
def test_an_article_compared_with_itself_is_copied_throughout(pair: tuple[str, str]) -> None:
    text = pair[0]
    result = compare(Article("A", text), Article("B", text))
    words = [lower_words(sentence.norm) for sentence in result.a.sentences]
    for links in (result.links_a, result.links_b):
        for sentence, link in zip(result.a.sentences, links, strict=True):
            if sentence.boilerplate:
                assert link.label == "boilerplate"
                continue
            # A one-word line is a sign-off, not a passage (align's rule), so it may stay
            # original.
            if len(words[sentence.index]) >= 2:
                assert link.label == "copied", sentence.norm


def test_a_sentence_is_copied_from_itself_even_when_a_reordering_of_it_ties() -> None:
    text = "Grain oil grain ports grain.\nGrain ports grain oil grain."
    result = compare(Article("A", text), Article("B", text))
    assert [link.label for link in result.links_b] == ["copied", "copied"]


# --- nothing crashes on arbitrary Unicode --------------------------------------------------------


@given(texts)
def test_boilerplate_recognition_accepts_any_line(raw: str) -> None:
    normalised = normalise(raw)
    for line in line_spans(normalised.text):
        reason = boilerplate_reason(line.slice(normalised.text))
        assert reason is None or reason


@given(articles)
def test_attributions_point_into_the_raw_text_of_their_sentences(raw: str) -> None:
    doc = segment(Article("x", raw))
    for attribution in find_attributions(doc):
        assert attribution.cue == attribution.span.slice(raw)
        assert attribution.span.end <= len(raw)
        assert attribution.sentences == tuple(sorted(set(attribution.sentences)))
        assert all(0 <= index < len(doc.sentences) for index in attribution.sentences)
        cue_sentences = [
            s
            for s in doc.sentences
            if s.span.start <= attribution.span.start and attribution.span.end <= s.span.end
        ]
        assert [s.index for s in cue_sentences if s.index in attribution.sentences]


@st.composite
def corpora(draw: st.DrawFn) -> list[Article]:
    """Two to five articles, two of them sharing sentences, with generated ids and metadata."""
    first, second = draw(article_pairs())
    bodies = [first, second, *draw(st.lists(articles, max_size=3))]
    return [
        Article(
            # The position keeps ids distinct whatever text follows it.
            f"{position}{draw(texts)}",
            body,
            title=draw(st.none() | texts),
            date=draw(st.none() | texts),
            url=draw(st.none() | texts | st.just('https://example.com/a?b=<c>&d="e"')),
            source=draw(st.none() | texts),
        )
        for position, body in enumerate(bodies)
    ]


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(corpus=corpora())
def test_trace_and_report_accept_any_articles(corpus: list[Article], tmp_path: Path) -> None:
    result = trace(corpus)
    assert [t.doc.article.id for t in result.articles] == sorted(a.id for a in corpus)
    for traced in result.articles:
        assert [link.index for link in traced.links] == [s.index for s in traced.doc.sentences]
        assert_segments_partition(traced.doc)
    # A fresh folder per example: write_report leaves files of an earlier report alone.
    with tempfile.TemporaryDirectory(dir=tmp_path) as folder:
        written = write_report(result, Path(folder), generated_at="2024-05-01 12:00 UTC")
        # The index, then pages only for articles with relations and pairs that are edges.
        assert Path(folder) / "index.html" in written
        assert len(written) <= 1 + len(result.articles) + len(result.edges) + len(result.edges)
        assert all(path.read_text(encoding="utf-8") for path in written)
        assert all(Path(folder) in path.parents for path in written)
