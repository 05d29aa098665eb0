"""Pair-local TF-IDF features: the same numbers as scikit-learn fitted on the pair."""

from __future__ import annotations

import random
from collections import Counter

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer

from tracer.model import Article
from tracer.segment import segment
from tracer.similarity import FeatureSpace, SentenceSimilarity, _char_rows

ALPHABET = "abcdefgh éü漢𝔘ΩЖ'-,.A"


def random_texts(generator: random.Random) -> list[str]:
    return [
        " ".join(
            "".join(generator.choice(ALPHABET) for _ in range(generator.randint(1, 9)))
            for _ in range(generator.randint(0, 8))
        )
        for _ in range(generator.randint(1, 3))
    ]


def test_character_ngrams_are_those_of_scikit_learns_char_wb_analyser() -> None:
    analyse = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5)).build_analyzer()
    generator = random.Random(5)
    for _ in range(500):
        texts = random_texts(generator)
        rows = _char_rows(texts)
        assert rows.rows == len(texts)
        counts = np.rint(np.exp(rows.log_tf - 1.0)).astype(int)
        for row, text in enumerate(texts):
            found = sorted(counts[rows.row_of == row].tolist())
            assert found == sorted(Counter(analyse(text)).values())


def test_pair_similarity_equals_sentence_similarity_fitted_on_the_pair() -> None:
    a = segment(Article("a", "Pyongyang can offer ammunition and rocket systems. Moscow pays."))
    b = segment(Article("b", "Pyongyang could offer ammunition and rocket launchers. Oil too."))
    a_texts, b_texts = [s.norm for s in a.content], [s.norm for s in b.content]
    expected = SentenceSimilarity().fit([*a_texts, *b_texts]).matrix(a_texts, b_texts)
    assert np.allclose(FeatureSpace().pair(a, b).similarity, expected, atol=1e-9)


def test_the_order_of_the_two_articles_only_transposes_the_scores() -> None:
    a = segment(Article("a", "Grain and oil for arms. Talks went on. Grain and oil for arms."))
    b = segment(Article("b", "Arms for grain and oil, the talks said. Nothing else."))
    space = FeatureSpace()
    assert np.array_equal(space.pair(a, b).similarity, space.pair(b, a).similarity.T)
