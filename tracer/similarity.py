"""Sentence similarity: the combined word and character TF-IDF cosine alignment is built on.

Follows scikit-learn's conventions: plain constructor parameters, ``fit`` learns IDF weights from
a corpus of sentences, fitted state carries a trailing underscore.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from itertools import pairwise
from typing import TYPE_CHECKING, Any

from tracer.tokens import STOP_WORDS, lower_words, name_vocabulary, stem

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

    FloatArray = npt.NDArray[np.float64]


class SentenceSimilarity:
    """Weighted mean of two TF-IDF cosines: word stems (unigrams + bigrams) and characters.

    Character n-grams inside word boundaries forgive inflection and spelling ("co-operation" /
    "cooperation"); stems catch reordering. Names are kept as words (they carry meaning) but
    stop words and reporting verbs are dropped.

    Example:
        >>> sentences = ["Moscow can offer grain.", "Moscow could pay in oil."]
        >>> model = SentenceSimilarity().fit(sentences)
        >>> [round(float(x), 2) for x in model.score(sentences, sentences[::-1])]
        [0.15, 0.15]
    """

    def __init__(self, word_weight: float = 0.5) -> None:
        self.word_weight = word_weight

    def fit(self, sentences: Iterable[str]) -> SentenceSimilarity:
        """Learn IDF weights (and which words are names) from ``sentences``."""
        from sklearn.feature_extraction.text import TfidfVectorizer

        texts = list(sentences)
        self.names_ = name_vocabulary(texts)
        self.word_vectorizer_ = TfidfVectorizer(
            analyzer=self._analyse, sublinear_tf=True, norm="l2"
        )
        self.char_vectorizer_ = TfidfVectorizer(
            analyzer="char_wb", ngram_range=(3, 5), lowercase=True, sublinear_tf=True, norm="l2"
        )
        self.word_vectorizer_.fit(texts or [""])
        self.char_vectorizer_.fit(texts or [""])
        return self

    def _analyse(self, text: str) -> list[str]:
        stems = [stem(w) for w in lower_words(text) if w not in STOP_WORDS or w in self.names_]
        return stems + [f"{x} {y}" for x, y in pairwise(stems)]

    def matrix(self, a_texts: Sequence[str], b_texts: Sequence[str]) -> FloatArray:
        """Similarity of every text of ``a_texts`` (rows) with every one of ``b_texts``."""
        word = self._cosines(self.word_vectorizer_, a_texts, b_texts)
        char = self._cosines(self.char_vectorizer_, a_texts, b_texts)
        result: FloatArray = self.word_weight * word + (1.0 - self.word_weight) * char
        return result

    def score(self, a_texts: Sequence[str], b_texts: Sequence[str]) -> FloatArray:
        """Similarity of each pair ``(a_texts[i], b_texts[i])``."""
        import numpy as np

        word_a, word_b = self._vectors(self.word_vectorizer_, a_texts, b_texts)
        char_a, char_b = self._vectors(self.char_vectorizer_, a_texts, b_texts)
        word = np.asarray(word_a.multiply(word_b).sum(axis=1)).ravel()
        char = np.asarray(char_a.multiply(char_b).sum(axis=1)).ravel()
        result: FloatArray = self.word_weight * word + (1.0 - self.word_weight) * char
        return result

    @staticmethod
    def _vectors(vectorizer: Any, a_texts: Sequence[str], b_texts: Sequence[str]) -> Any:
        return vectorizer.transform(list(a_texts)), vectorizer.transform(list(b_texts))

    @classmethod
    def _cosines(cls, vectorizer: Any, a_texts: Sequence[str], b_texts: Sequence[str]) -> Any:
        a_matrix, b_matrix = cls._vectors(vectorizer, a_texts, b_texts)
        return (a_matrix @ b_matrix.T).toarray()
