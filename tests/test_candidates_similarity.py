"""Whole-article similarity figures: MinHash Jaccard, shingle containment, TF-IDF cosines."""

from __future__ import annotations

import pytest

from tracer.candidates import article_shingles, containment, document_similarity
from tracer.model import Article, Segmented
from tracer.segment import segment

REPORT = (
    "North Korea is ready to sign an arms supply agreement with Russia, the newspaper wrote. "
    "Pyongyang can offer ammunition, rocket launchers and short-range ballistic missiles. "
    "In return Moscow could pay with grain, oil and military technology as well as currency. "
    "Cooperation between the two countries could expand to satellites and nuclear submarines. "
    "Officials in Seoul said the talks were progressing faster than expected this summer."
)
RECIPE = (
    "Preheat the oven to two hundred degrees. Whisk the eggs with sugar until pale and fluffy. "
    "Fold in the flour gently, pour the batter into a tin and bake for twenty minutes."
)


def doc(text: str, article_id: str = "x") -> Segmented:
    return segment(Article(article_id, text))


def test_an_article_compared_with_itself_is_identical() -> None:
    similarity = document_similarity(doc(REPORT, "a"), doc(REPORT, "b"))
    assert similarity.jaccard == 1.0
    assert similarity.containment_a_in_b == 1.0
    assert similarity.containment_b_in_a == 1.0
    assert similarity.tfidf_word_cosine == pytest.approx(1.0)
    assert similarity.tfidf_char_cosine == pytest.approx(1.0)


def test_articles_with_no_words_in_common_score_zero() -> None:
    a = doc("Pyongyang offers missiles, shells and ammunition to Moscow.")
    b = doc("Whisk eggs with sugar until pale, then fold in flour.")
    similarity = document_similarity(a, b)
    assert similarity.jaccard == 0.0
    assert similarity.containment_a_in_b == 0.0
    assert similarity.containment_b_in_a == 0.0
    assert similarity.tfidf_word_cosine == 0.0


def test_unrelated_articles_score_low() -> None:
    similarity = document_similarity(doc(REPORT), doc(RECIPE))
    assert similarity.jaccard < 0.1
    assert similarity.containment_a_in_b < 0.1
    assert similarity.containment_b_in_a < 0.1


def test_a_short_excerpt_is_contained_in_its_long_source_but_not_the_reverse() -> None:
    excerpt = (
        "Pyongyang can offer ammunition, rocket launchers and short-range ballistic missiles. "
        "In return Moscow could pay with grain, oil and military technology as well as currency."
    )
    similarity = document_similarity(doc(REPORT), doc(excerpt))
    assert similarity.containment_b_in_a == 1.0
    assert similarity.containment_a_in_b < 0.5
    assert similarity.jaccard < similarity.containment_b_in_a


def test_boilerplate_does_not_count_towards_similarity() -> None:
    furniture = "\nRead also: Kremlin tight-lipped on potential meeting with Kim\nSource: Racurs"
    similarity = document_similarity(doc(REPORT + furniture), doc(RECIPE + furniture))
    assert similarity.containment_a_in_b < 0.1
    assert not any("kremlin" in shingle for shingle in article_shingles(doc(REPORT + furniture)))


def test_an_article_of_boilerplate_only_has_no_similarity() -> None:
    furniture = doc("Source link\nRelated Articles\nBack to top button")
    similarity = document_similarity(furniture, furniture)
    assert similarity.jaccard == 0.0
    assert similarity.containment_a_in_b == 0.0
    assert similarity.tfidf_word_cosine == 0.0


def test_containment() -> None:
    assert containment({"a b", "b c"}, {"a b", "b c", "c d"}) == 1.0
    assert containment({"a b", "b c", "c d"}, {"a b"}) == pytest.approx(1 / 3)
    assert containment(set(), {"a b"}) == 0.0
