"""Normalisation with its map back to raw offsets, and boilerplate recognition."""

from __future__ import annotations

import re
import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tracer.clean import boilerplate_reason, line_spans, normalise
from tracer.model import Span

# Arbitrary Unicode (no lone surrogates), plus a mix weighted towards the characters that
# normalisation rewrites, so that runs of them next to each other are tried often.
TRICKY = list(
    "ab Z.,\n\r\t\u00a0\u200b\u200c\ufeff\u00ad\u2019\u201c\u201d\u2014\u2013\ufb01\u0301é…½"
)
texts = st.text(st.characters(exclude_categories=("Cs",)), max_size=120) | st.text(
    st.sampled_from(TRICKY), max_size=60
)


# --- normalise ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Kyiv\u2019s \u2018offensive\u2019", "Kyiv's 'offensive'"),
        ("\u201cactively advancing\u201d", '"actively advancing"'),
        ("\u201eDas ist\u201c and \u00abvoil\u00e0\u00bb", '"Das ist" and "voilà"'),
        ("missiles \u2013 all this \u2014 and more", "missiles - all this - and more"),
        ("Russia\u2011North Korea \u2212 minus", "Russia-North Korea - minus"),
        ("20\u00a0cars", "20 cars"),
        ("Kim\u200bJong\u200c Un\u2060\ufeff", "KimJong Un"),
        ("co\u00adoperation", "cooperation"),
        ("line one\r\nline two", "line one\nline two"),
        ("a\tb", "a b"),
        ("\ufb01nal \ufb02ow", "final flow"),
        ("talks   are    moving", "talks are moving"),
        ("para one\n\n\n\npara two", "para one\npara two"),
        ("para one  \n \t\n  para two", "para one\npara two"),
        ("\uff21\uff22\uff23 news", "ABC news"),
        ("wait\u2026", "wait..."),
        # Decomposed accents compose, so NFD and NFC copies of a text compare equal.
        ("Gene\u0300ve cafe\u0301", "Genève café"),
        # Whitespace stays single where a dropped character, or a character whose NFKC form
        # starts with a space ("\u00a8" is " \u0308"), sat between two spaces.
        ("talks \u200b are", "talks are"),
        ("para one\n\ufeff\npara two", "para one\npara two"),
        (" \u00a8", " \u0308"),
        # Every line break ``str.splitlines`` knows is a line break (scraped text uses U+2028).
        ("Headline\u2028First line.\x85Second line.", "Headline\nFirst line.\nSecond line."),
        ("0\x1e0", "0\n0"),
    ],
)
def test_normalise_folds_typographic_variation(raw: str, expected: str) -> None:
    assert normalise(raw).text == expected


def test_nfc_and_nfd_forms_of_a_text_normalise_alike() -> None:
    text = "Les négociations à Genève ont échoué; le ministre français a déclaré « non »."
    nfd = unicodedata.normalize("NFD", text)
    assert nfd != text
    assert normalise(nfd).text == normalise(text).text


@pytest.mark.parametrize(
    "text",
    [
        "한국 언론은 협상이 진행 중이라고 보도했다.",
        "がんばる プーチン",
        "آنها",
        "கொழும்பு",
    ],
)
def test_nfc_and_nfd_forms_normalise_alike_in_every_script(text: str) -> None:
    # Hangul jamo, kana voicing marks and Arabic or Tamil vowel signs compose outside the Latin
    # combining block.
    nfd = unicodedata.normalize("NFD", text)
    assert nfd != text
    assert normalise(nfd).text == normalise(text).text


def test_merged_whitespace_maps_back_to_all_of_its_raw_text() -> None:
    raw = "talks \u200b are"
    normalised = normalise(raw)
    assert normalised.to_raw(Span(5, 6)) == Span(5, 8)
    assert normalised.to_raw(Span(6, 9)).slice(raw) == "are"


def test_normalise_leaves_plain_ascii_alone() -> None:
    raw = "Pyongyang could offer ammunition, the FT said."
    normalised = normalise(raw)
    assert normalised.text == raw
    assert normalised.to_raw(Span(0, len(raw))) == Span(0, len(raw))


def test_to_raw_maps_each_word_back_to_its_raw_spelling() -> None:
    raw = "Kyiv\u2019s  \u201cfront\u201d\u00a0line \u2014 the \ufb01nal co\u00adoperation\r\nends"
    normalised = normalise(raw)
    assert normalised.text == 'Kyiv\'s "front" line - the final cooperation\nends'
    raw_words = {
        match.group(): normalised.to_raw(Span(match.start(), match.end())).slice(raw)
        for match in re.finditer(r"\S+", normalised.text)
    }
    assert raw_words == {
        "Kyiv's": "Kyiv\u2019s",
        '"front"': "\u201cfront\u201d",
        "line": "line",
        "-": "\u2014",
        "the": "the",
        "final": "\ufb01nal",
        "cooperation": "co\u00adoperation",
        "ends": "ends",
    }


def test_to_raw_of_the_whole_text_spans_the_raw_text() -> None:
    raw = "\u201cHello\u201d,\tworld\r\n"
    normalised = normalise(raw)
    assert normalised.to_raw(Span(0, len(normalised.text))) == Span(0, len(raw))


def test_to_raw_of_an_empty_span_is_empty() -> None:
    normalised = normalise("a \u2014 b")
    assert normalised.to_raw(Span(2, 2)).length == 0
    assert normalised.to_raw(Span(len(normalised.text), len(normalised.text))) == Span(5, 5)
    assert normalise("").to_raw(Span(0, 0)) == Span(0, 0)


@settings(max_examples=300, deadline=None)
@given(texts)
def test_every_normalised_character_maps_back_monotonically(raw: str) -> None:
    normalised = normalise(raw)
    assert len(normalised.raw_starts) == len(normalised.raw_ends) == len(normalised.text)
    previous_start = previous_end = 0
    for start, end in zip(normalised.raw_starts, normalised.raw_ends, strict=True):
        assert 0 <= start < end <= len(raw)
        assert start >= previous_start
        assert end >= previous_end
        previous_start, previous_end = start, end
    if normalised.text:
        whole = normalised.to_raw(Span(0, len(normalised.text)))
        assert whole == Span(normalised.raw_starts[0], normalised.raw_ends[-1])
        # Only characters that produce no output (zero-width, soft hyphen) lie outside it.
        dropped = "\u200b\u200c\u200d\u2060\ufeff\u00ad"
        assert all(char in dropped for char in raw[: whole.start] + raw[whole.end :])


@settings(max_examples=300, deadline=None)
@given(texts, st.data())
def test_any_normalised_span_maps_to_raw_text_that_normalises_to_it(
    raw: str, data: st.DataObject
) -> None:
    normalised = normalise(raw)
    size = len(normalised.text)
    start = data.draw(st.integers(0, size))
    end = data.draw(st.integers(start, size))
    raw_span = normalised.to_raw(Span(start, end))
    assert 0 <= raw_span.start <= raw_span.end <= len(raw)
    # A span may cut a ligature ("fi" from one raw character) in half, so the raw text it maps
    # to normalises to the span's text, possibly with a little more around it.
    assert normalised.text[start:end] in normalise(raw_span.slice(raw)).text


# --- boilerplate ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        (
            ".in_text_content_22 { width: 300px; height: 600px; } @media(min-width: 600px) "
            "{ .in_text_content_22 { width: 580px; height: 400px; } }",
            "leaked CSS",
        ),
        ("@media (max-width: 768px) {", "leaked CSS"),
        ("(adsbygoogle = window.adsbygoogle || []).push({});", "leaked script"),
        ('document.getElementById("ad-slot").style.display = "none";', "leaked script"),
        ("Read also: Kremlin tight-lipped on potential Kim-Putin meeting", "read-also link"),
        ("Read more: Why the talks in Vladivostok matter", "read-also link"),
        ("READ ALSO: Seoul weighs sanctions", "read-also link"),
        ("Source link", "navigation"),
        ("Related Articles", "navigation"),
        ("Back to top button", "navigation"),
        ("Back to top", "navigation"),
        (
            "I am David Wyatt, a professional writer and journalist for Buna Times. I specialize "
            "in the world section of news coverage.",
            "author bio",
        ),
        ("About the author: Jane Roe is an editor at the Daily Planet.", "author bio"),
        (
            "We\u2019re bringing the voice of Ukraine to the world. Support us with a one-time "
            "donation, or become a Patron!",
            "donation or subscription footer",
        ),
        (
            "Subscribe to our newsletter for the day's top stories.",
            "donation or subscription footer",
        ),
        ("\u00a9 2023 Buna Times. All rights reserved.", "donation or subscription footer"),
        ("Read the original article on The New Voice of Ukraine", "original-article link"),
        ("This article was originally published by Meduza.", "original-article link"),
        ("Source: Racurs", "source credit"),
        ("Photo: Reuters", "source credit"),
        ("Editor : M.L.", "editor credit"),
    ],
)
def test_boilerplate_reason_names_page_furniture(line: str, reason: str) -> None:
    assert boilerplate_reason(normalise(line).text) == reason


@pytest.mark.parametrize(
    "line",
    [
        "North Korea is ready to sign an arms supply agreement with Russia.",
        "The talks had one goal: to secure a deal on grain exports.",
        'Kirby said: "Talks are actively advancing."',
        "The Financial Times reported on Sept. 8: a deal is close.",
        "John Smith is a journalist who was arrested in Moscow last week.",
        "Sources said the deal was close.",
        "The article was originally published in Kommersant, the paper said.",
        "Readers of the original report disagreed.",
        # "support" and "subscribe" in their ordinary sense are news, not a donation appeal.
        "The government will support Ukraine with new air defence systems.",
        "Allies pledged to support us, Zelensky said.",
        "\u201cThe West will continue to support us.\u201d",
        "Few governments subscribe to the view that sanctions work.",
        "Donations to the relief fund rose sharply in August.",
        "The subscription model has saved several regional papers.",
        "Back to top-level talks, the envoy said.",
        "",
        "   ",
    ],
)
def test_boilerplate_reason_leaves_article_content_alone(line: str) -> None:
    assert boilerplate_reason(normalise(line).text) is None


def test_a_whole_paragraph_is_not_dropped_for_quoting_an_appeal_for_support() -> None:
    paragraph = (
        "Zelensky thanked the allies. \u201cThey will support us until the end,\u201d he said. "
        "Kyiv expects new deliveries in the spring."
    )
    assert boilerplate_reason(normalise(paragraph).text) is None


def test_line_spans_strip_lines_and_skip_blank_ones() -> None:
    text = "  Headline  \n\n   \nFirst line.\nSecond line. "
    assert [span.slice(text) for span in line_spans(text)] == [
        "Headline",
        "First line.",
        "Second line.",
    ]
