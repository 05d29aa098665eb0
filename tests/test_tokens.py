"""Words, stems, names and shingles: the token-level view every comparison uses."""

from __future__ import annotations

import pytest

from tracer.tokens import content_stems, lower_words, name_vocabulary, shingles, stem, words


def test_words_keep_apostrophes_and_hyphens_inside_words() -> None:
    assert words("Kyiv's counter-offensive, 2023 (so-called) M-bM.") == [
        "Kyiv's",
        "counter-offensive",
        "2023",
        "so-called",
        "M-bM",
    ]
    assert lower_words("North Korea's FT") == ["north", "korea's", "ft"]


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        ("technologies", "technology"),
        ("agreements", "agreement"),
        ("offered", "offer"),
        ("missiles", "missile"),
        ("says", "say"),
        ("meetings", "meet"),
        ("Kyiv's", "kyiv"),
        ("Weapons", "weapon"),
        ("addresses", "address"),
        ("status", "status"),
        ("analysis", "analysis"),
        ("deal", "deal"),
        ("gas", "gas"),
        ("co-operation", "co-operation"),
        ("2023", "2023"),
    ],
)
def test_stem(word: str, expected: str) -> None:
    assert stem(word) == expected


@pytest.mark.parametrize(
    "forms",
    [
        ("technology", "technologies"),
        ("missile", "missiles", "Missiles"),
        ("supply", "supplies", "supplied"),
        ("offer", "offers", "offered", "offering"),
        ("country", "countries", "country's"),
        ("process", "processes"),
        ("weakness", "weaknesses"),
        ("business", "businesses"),
    ],
)
def test_inflected_forms_share_a_stem(forms: tuple[str, ...]) -> None:
    assert len({stem(form) for form in forms}) == 1, {form: stem(form) for form in forms}


def test_names_are_capitalised_words_never_seen_in_lower_case() -> None:
    names = name_vocabulary(
        [
            "Cooperation between Russia and North Korea could expand.",
            "Military cooperation with Putin is growing, Kirby said.",
            "The FT said Pyongyang can offer ammunition.",
        ]
    )
    assert {"putin", "pyongyang", "russia", "north", "korea", "kirby"} <= names
    # Capitalised only at the start of a sentence, and seen in lower case elsewhere.
    assert "cooperation" not in names
    assert "military" not in names
    # Sentence-initial words are not names on that ground alone, but acronyms are.
    assert "the" not in names
    assert "ft" in names


def test_a_word_capitalised_only_at_sentence_start_is_not_a_name() -> None:
    assert "cooperation" not in name_vocabulary(["Cooperation grew.", "Talks stalled."])


def test_content_stems_leave_out_names_stop_words_and_reporting_verbs() -> None:
    text = "Mr Putin said Russia could offer grain and missiles to Pyongyang, the FT reported."
    assert content_stems(words(text), name_vocabulary([text])) == {"offer", "grain", "missile"}
    # A word seen in lower case somewhere is not a name, so it counts as content.
    names = name_vocabulary([text, "a putin of sorts"])
    assert content_stems(words(text), names) == {"offer", "grain", "missile", "putin"}


def test_shingles_are_word_ngrams() -> None:
    assert shingles(["north", "korea", "ready", "to", "sign"], 3) == {
        "north korea ready",
        "korea ready to",
        "ready to sign",
    }
    assert shingles(["arms", "deal"], 3) == {"arms deal"}
    assert shingles([], 3) == set()
    assert shingles(["a", "b", "a", "b"], 2) == {"a b", "b a"}
