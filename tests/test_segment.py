"""Cutting articles into sentences, headlines and short lines with raw offsets."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tracer.model import Article, Segmented, Span
from tracer.segment import MAX_SEGMENT_CHARS, segment, sentence_spans


def texts_of(raw: str) -> list[str]:
    return [sentence.text for sentence in segment(Article("x", raw)).sentences]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (
            "White House spokesman John F. Kirby said talks were moving. The deal was close.",
            ["White House spokesman John F. Kirby said talks were moving.", "The deal was close."],
        ),
        (
            "The FT reported on Sept. 8 that talks were under way. Kim may travel by train.",
            ["The FT reported on Sept. 8 that talks were under way.", "Kim may travel by train."],
        ),
        (
            "The U.S. Army said it was ready. Officials in the U.S. agreed.",
            ["The U.S. Army said it was ready.", "Officials in the U.S. agreed."],
        ),
        ('He said "no." Then he left.', ['He said "no."', "Then he left."]),
        ("He said \u201cno.\u201d Then he left.", ["He said \u201cno.\u201d", "Then he left."]),
        (
            "Mr. Kim met Dr. Lee at 3 p.m. on Monday. They talked.",
            ["Mr. Kim met Dr. Lee at 3 p.m. on Monday.", "They talked."],
        ),
        (
            "It cost $1.5 billion. Is that a lot? Yes!",
            ["It cost $1.5 billion.", "Is that a lot?", "Yes!"],
        ),
    ],
)
def test_sentences_split_where_a_reader_would_split_them(raw: str, expected: list[str]) -> None:
    assert texts_of(raw) == expected


def test_headline_short_lines_and_paragraphs_are_each_their_own_segments() -> None:
    raw = (
        "North Korea ready to sign arms deal with Russia \u2014 FT\n"
        "\n"
        "Kim Jong Un is ready to conclude a deal. He will travel by train.\n"
        "What we know\n"
        "A line cut off by a scraper without\n"
        "its ending reappears here.\n"
    )
    doc = segment(Article("x", raw))
    assert [s.text for s in doc.sentences] == [
        "North Korea ready to sign arms deal with Russia \u2014 FT",
        "Kim Jong Un is ready to conclude a deal.",
        "He will travel by train.",
        "What we know",
        # A sentence hard-wrapped over a line break is joined back; a new line starting a new
        # sentence (upper case, or after final punctuation) is not.
        "A line cut off by a scraper without\nits ending reappears here.",
    ]
    assert [s.heading for s in doc.sentences[:4]] == [True, False, False, True]


def test_a_long_first_line_without_punctuation_is_a_heading_but_a_sentence_is_not() -> None:
    headline = "Russia and North Korea discuss an arms deal that would supply shells for the war"
    doc = segment(Article("x", f"{headline}\nThe talks continue. Officials said so."))
    assert [s.heading for s in doc.sentences] == [True, False, False]
    doc = segment(Article("x", "The talks continue.\nOfficials said so."))
    assert [s.heading for s in doc.sentences] == [False, False]


def test_boilerplate_lines_are_flagged_with_their_reason() -> None:
    raw = (
        "Pyongyang could offer ammunition.\n"
        "Read also: Kremlin tight-lipped on potential meeting\n"
        ".ad { width: 300px; }\n"
        "In return, Moscow can offer grain.\n"
        "Source: Racurs\n"
    )
    doc = segment(Article("x", raw))
    assert [(s.text, s.boilerplate_reason) for s in doc.sentences] == [
        ("Pyongyang could offer ammunition.", None),
        ("Read also: Kremlin tight-lipped on potential meeting", "read-also link"),
        (".ad { width: 300px; }", "leaked CSS"),
        ("In return, Moscow can offer grain.", None),
        ("Source: Racurs", "source credit"),
    ]
    assert [s.text for s in doc.content] == [
        "Pyongyang could offer ammunition.",
        "In return, Moscow can offer grain.",
    ]
    assert not any(s.heading for s in doc.sentences if s.boilerplate)


def test_every_sentence_of_a_boilerplate_line_is_flagged() -> None:
    raw = "A story.\nI am Jane Roe, a reporter for the Daily Planet. I cover the world.\n"
    doc = segment(Article("x", raw))
    assert [s.boilerplate_reason for s in doc.sentences] == [None, "author bio", "author bio"]


def test_lines_known_to_repeat_under_every_article_are_flagged() -> None:
    raw = "Putin met Kim.\nFollow our live coverage\n"
    doc = segment(Article("x", raw), boilerplate_lines={"Follow our live coverage"})
    assert [s.boilerplate_reason for s in doc.sentences] == [None, "repeated page furniture"]


def test_spans_point_into_the_raw_text_and_norm_is_normalised() -> None:
    raw = (
        "\ufeff  \u201cActively advancing,\u201d\u00a0Kirby said.\r\n"
        "\r\n"
        "Kyiv\u2019s  forces held.\r\n"
    )
    doc = segment(Article("x", raw))
    assert [(s.text, s.norm) for s in doc.sentences] == [
        ("\u201cActively advancing,\u201d\u00a0Kirby said.", '"Actively advancing," Kirby said.'),
        ("Kyiv\u2019s  forces held.", "Kyiv's forces held."),
    ]
    for sentence in doc.sentences:
        assert sentence.span.slice(raw) == sentence.text
    assert [s.index for s in doc.sentences] == [0, 1]


def test_sentence_spans_partition_a_line() -> None:
    line = 'The U.S. Army said "no." John F. Kirby agreed.'
    assert [span.slice(line) for span in sentence_spans(line)] == [
        'The U.S. Army said "no."',
        "John F. Kirby agreed.",
    ]


def test_a_raw_character_is_never_split_between_two_segments() -> None:
    # "}" and the combining grave after it are one raw unit; the segmenter cuts between them in
    # the normalised text, and both segments used to claim the unit's raw text.
    doc = segment(Article("x", "{0:}\u0300"))
    assert [(s.span, s.text) for s in doc.sentences] == [(Span(0, 5), "{0:}\u0300")]


def test_whitespace_only_article_has_no_segments() -> None:
    assert segment(Article("x", " \n\t\u00a0\r\n")).sentences == ()


# Arbitrary text, and text built from the characters that matter to segmentation.
SEGMENTATION_ALPHABET = [
    *"abcXY .!?;:,\"'()\n\r\t\u00a0\u200b\u00ad\u2019\u201c\u201d\u2014\u2026\ufb01",
    *["Mr.", "U.S.", "Sept. 8", "F.", "Read also: ", "{ a: b }", " e\u0301", "3.5"],
]
articles = st.text(st.characters(exclude_categories=("Cs",)), max_size=150) | st.lists(
    st.sampled_from(SEGMENTATION_ALPHABET), max_size=40
).map("".join)
# Characters that normalisation drops: invisible, so they need not belong to a segment.
INVISIBLE = frozenset("\u200b\u200c\u200d\u2060\ufeff\u00ad")


def assert_partition(doc: Segmented, raw: str) -> None:
    owners = [0] * len(raw)
    previous_end = 0
    for position, sentence in enumerate(doc.sentences):
        assert sentence.index == position
        assert sentence.span.start >= previous_end, "segments out of order or overlapping"
        assert sentence.span.length > 0
        assert sentence.text == raw[sentence.span.start : sentence.span.end]
        previous_end = sentence.span.end
        for offset in range(sentence.span.start, sentence.span.end):
            owners[offset] += 1
    for offset, char in enumerate(raw):
        if not char.isspace() and char not in INVISIBLE:
            assert owners[offset] == 1, f"{char!r} at {offset} is in {owners[offset]} segments"


@settings(max_examples=250, deadline=None)
@given(articles)
def test_segments_partition_the_visible_text_of_any_article(raw: str) -> None:
    assert_partition(segment(Article("x", raw)), raw)


def test_text_without_punctuation_is_cut_into_bounded_segments_at_line_breaks() -> None:
    # 5,000 lowercase lines with no full stop: joined as one wrapped paragraph, then one
    # "sentence" of 90,000 characters, which made aligning two such articles take hours.
    raw = "\n".join(f"line {number} of the listing" for number in range(5000))
    doc = segment(Article("x", raw))
    assert len(doc.sentences) > 1
    assert max(s.span.length for s in doc.sentences) <= MAX_SEGMENT_CHARS
    assert all(s.text.endswith("listing") for s in doc.sentences), "cut inside a line"
    assert_partition(doc, raw)


def test_a_long_line_without_punctuation_is_cut_at_spaces() -> None:
    raw = " ".join(f"word{number}" for number in range(2000))
    doc = segment(Article("x", raw))
    assert max(s.span.length for s in doc.sentences) <= MAX_SEGMENT_CHARS
    assert {len(s.text.split()) for s in doc.sentences[:-1]} != {1}
    assert_partition(doc, raw)


def test_a_word_longer_than_the_limit_is_cut_at_the_limit() -> None:
    raw = "x" * (2 * MAX_SEGMENT_CHARS + 10)
    doc = segment(Article("x", raw))
    assert [s.span.length for s in doc.sentences] == [MAX_SEGMENT_CHARS, MAX_SEGMENT_CHARS, 10]
    assert_partition(doc, raw)


def test_a_cut_at_the_limit_keeps_a_combining_mark_with_its_letter() -> None:
    raw = "w" * (MAX_SEGMENT_CHARS - 1) + "}\u0300" + "w" * 10
    doc = segment(Article("x", raw))
    assert [len(s.norm) for s in doc.sentences] == [MAX_SEGMENT_CHARS - 1, 12]
    assert_partition(doc, raw)


# Runs of text long enough to pass the limit, with the characters cutting looks at in between.
LONG_PIECES = ["w" * 600, "ab " * 100, " ", "\n", "  ", "d. ", "\u00a0", "e\u0301", "}\u0300"]


@settings(max_examples=100, deadline=None)
@given(st.lists(st.sampled_from(LONG_PIECES), min_size=5, max_size=40))
def test_cut_segments_still_partition_the_text(pieces: list[str]) -> None:
    raw = "".join(pieces)
    doc = segment(Article("x", raw))
    assert all(len(s.norm) <= MAX_SEGMENT_CHARS for s in doc.sentences)
    assert_partition(doc, raw)


def _syntok_spans(line: str) -> list[Span]:
    """What ``sentence_spans`` gave before lines without a split mark skipped syntok."""
    from syntok import segmenter

    starts = [
        sentence[0].offset
        for paragraph in segmenter.analyze(line)
        for sentence in paragraph
        if sentence
    ]
    first_visible = len(line) - len(line.lstrip())
    if not starts or starts[0] > first_visible:
        starts.insert(0, first_visible)
    ends = [*starts[1:], len(line)]
    spans = [
        Span(start, start + len(line[start:end].rstrip()))
        for start, end in zip(starts, ends, strict=True)
    ]
    return [span for span in spans if span.end > span.start]


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet="ab A1 .!?;:,-()[]\"'\n\u2019\u201d\u2026", max_size=40))
def test_lines_that_skip_syntok_split_as_syntok_would(line: str) -> None:
    assert sentence_spans(line) == _syntok_spans(line)


@pytest.mark.parametrize(
    "line",
    [
        "Wheat rose 5 pct on Monday.",
        "Net profit 1.2 mln dlrs vs 900,000",
        "Hello!!",
        'He said "no."',
    ],
)
def test_single_sentence_lines_are_one_span(line: str) -> None:
    assert sentence_spans(line) == [Span(0, len(line))] == _syntok_spans(line)
