"""Sentence similarity: the combined word and character TF-IDF cosine alignment is built on.

Follows scikit-learn's conventions: plain constructor parameters, ``fit`` learns IDF weights from
a corpus of sentences, fitted state carries a trailing underscore.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import pairwise
from typing import TYPE_CHECKING, Any

from tracer.config import CandidateConfig, TracerConfig
from tracer.model import Segmented
from tracer.tokens import STOP_WORDS, case_profile, lower_words, name_vocabulary, shingles, stem

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

    FloatArray = npt.NDArray[np.float64]


_PLACEHOLDER = "tracerplaceholder"


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
        for vectorizer in (self.word_vectorizer_, self.char_vectorizer_):
            try:
                vectorizer.fit(texts)
            except ValueError:
                # Nothing but stop words or punctuation (or no text at all): a vocabulary of one
                # placeholder keeps every later transform defined, with all similarities 0.
                vectorizer.fit([*texts, _PLACEHOLDER])
        return self

    def _analyse(self, text: str) -> list[str]:
        stems = [stem(w) for w in lower_words(text) if w not in STOP_WORDS or w in self.names_]
        return stems + [f"{x} {y}" for x, y in pairwise(stems)]

    def transform(self, texts: Sequence[str]) -> SentenceVectors:
        """The word and character TF-IDF vectors of ``texts`` (one row each)."""
        if not texts:
            from scipy.sparse import csr_matrix

            return SentenceVectors(
                csr_matrix((0, len(self.word_vectorizer_.vocabulary_))),
                csr_matrix((0, len(self.char_vectorizer_.vocabulary_))),
            )
        return SentenceVectors(
            self.word_vectorizer_.transform(list(texts)),
            self.char_vectorizer_.transform(list(texts)),
        )

    def matrix(
        self, a: Sequence[str] | SentenceVectors, b: Sequence[str] | SentenceVectors
    ) -> FloatArray:
        """Similarity of every text of ``a`` (rows) with every one of ``b``.

        Either side may be texts or vectors already computed with :meth:`transform`.
        """
        a_vectors = a if isinstance(a, SentenceVectors) else self.transform(a)
        b_vectors = b if isinstance(b, SentenceVectors) else self.transform(b)
        word = (a_vectors.word @ b_vectors.word.T).toarray()
        char = (a_vectors.char @ b_vectors.char.T).toarray()
        result: FloatArray = self.word_weight * word + (1.0 - self.word_weight) * char
        return result

    def score(self, a_texts: Sequence[str], b_texts: Sequence[str]) -> FloatArray:
        """Similarity of each pair ``(a_texts[i], b_texts[i])``."""
        import numpy as np

        a_vectors, b_vectors = self.transform(a_texts), self.transform(b_texts)
        word = np.asarray(a_vectors.word.multiply(b_vectors.word).sum(axis=1)).ravel()
        char = np.asarray(a_vectors.char.multiply(b_vectors.char).sum(axis=1)).ravel()
        result: FloatArray = self.word_weight * word + (1.0 - self.word_weight) * char
        return result


@dataclass(frozen=True, slots=True)
class SentenceVectors:
    """TF-IDF rows (scipy sparse matrices), one per sentence: words and characters."""

    word: Any
    char: Any


@dataclass(frozen=True, slots=True)
class DocumentFeatures:
    """What document-level figures need of one article: shingles, MinHash, TF-IDF vectors."""

    shingles: frozenset[str]
    signature: Any
    word: Any
    char: Any


def article_shingles(doc: Segmented, size: int = 3) -> set[str]:
    """Word shingles of ``doc``'s content (boilerplate left out), lower-cased."""
    tokens = [t for s in doc.content for t in lower_words(s.norm)]
    return shingles(tokens, size)


def minhash(items: Iterable[str], config: CandidateConfig | None = None) -> Any:
    """A datasketch ``MinHash`` of ``items`` with the configured permutations and seed."""
    from datasketch import MinHash

    config = config or CandidateConfig()
    signature = MinHash(num_perm=config.num_perm, seed=config.seed)
    signature.update_batch([item.encode("utf-8") for item in sorted(items)])
    return signature


class FeatureSpace:
    """Sentence vectors and document features for a set of articles, fitted once.

    ``tracer.compare`` fits one on the two articles it compares; a corpus trace fits one on the
    whole corpus, so that aligning each candidate pair costs a few sparse products instead of
    refitting TF-IDF every time. Vectors are computed on first use and kept.

    Example:
        >>> from tracer.model import Article
        >>> from tracer.segment import segment
        >>> docs = [segment(Article("a", "Moscow can offer grain and oil.")),
        ...         segment(Article("b", "Moscow could pay with grain and oil."))]
        >>> space = FeatureSpace().fit(docs)
        >>> space.sentences(docs[0]).word.shape[0]
        1
    """

    def __init__(self, config: TracerConfig | None = None) -> None:
        self.config = config or TracerConfig()
        # Keyed by object identity, not article id: two files may share a stem ("a.txt" in two
        # folders). The article is kept alongside so its identity cannot be reused.
        self._sentences: dict[int, tuple[Segmented, SentenceVectors]] = {}
        self._documents: dict[int, tuple[Segmented, DocumentFeatures]] = {}
        self._profiles: dict[int, tuple[Segmented, tuple[frozenset[str], frozenset[str]]]] = {}

    def fit(self, docs: Iterable[Segmented]) -> FeatureSpace:
        """Learn IDF weights from the content sentences of ``docs``."""
        texts = [s.norm for doc in docs for s in doc.content]
        self.model_ = SentenceSimilarity(self.config.align.word_weight).fit(texts)
        return self

    def sentences(self, doc: Segmented) -> SentenceVectors:
        """Vectors of ``doc``'s content sentences, in order."""
        key = id(doc)
        if key not in self._sentences:
            self._sentences[key] = (doc, self.model_.transform([s.norm for s in doc.content]))
        return self._sentences[key][1]

    def case_profile(self, doc: Segmented) -> tuple[frozenset[str], frozenset[str]]:
        """Words of ``doc``'s content capitalised mid-sentence, and in lower case."""
        key = id(doc)
        if key not in self._profiles:
            self._profiles[key] = (doc, case_profile(s.norm for s in doc.content))
        return self._profiles[key][1]

    def document(self, doc: Segmented) -> DocumentFeatures:
        """Shingles, MinHash signature and whole-article TF-IDF vectors of ``doc``."""
        key = id(doc)
        if key not in self._documents:
            candidates = self.config.candidates
            found = frozenset(article_shingles(doc, candidates.shingle_size))
            # The sum of the sentence vectors, renormalised: the article read once, not twice.
            sentences = self.sentences(doc)
            features = DocumentFeatures(
                found,
                minhash(found, candidates) if found else None,
                _normalised_sum(sentences.word),
                _normalised_sum(sentences.char),
            )
            self._documents[key] = (doc, features)
        return self._documents[key][1]

    def forget(self, doc: Segmented) -> None:
        """Drop what was computed for ``doc``, to bound memory on a large corpus."""
        self._sentences.pop(id(doc), None)
        self._documents.pop(id(doc), None)
        self._profiles.pop(id(doc), None)


def _normalised_sum(rows: Any) -> Any:
    from scipy.sparse import csr_matrix
    from sklearn.preprocessing import normalize

    return normalize(csr_matrix(rows.sum(axis=0)))
