"""Document-level similarity: MinHash Jaccard estimates, shingle containment, TF-IDF cosine.

These figures say how much two whole articles have in common; at corpus scale the same MinHash
signatures feed locality-sensitive hashing, so only pairs worth aligning are aligned.
"""

from __future__ import annotations

from collections.abc import Iterable

from tracer.config import CandidateConfig
from tracer.model import DocumentSimilarity, Segmented
from tracer.tokens import lower_words, shingles


def article_shingles(doc: Segmented, size: int = 3) -> set[str]:
    """Word shingles of ``doc``'s content (boilerplate left out), lower-cased."""
    tokens = [t for s in doc.content for t in lower_words(s.norm)]
    return shingles(tokens, size)


def minhash(items: Iterable[str], config: CandidateConfig | None = None) -> object:
    """A datasketch ``MinHash`` of ``items`` with the configured permutations and seed."""
    from datasketch import MinHash

    config = config or CandidateConfig()
    signature = MinHash(num_perm=config.num_perm, seed=config.seed)
    signature.update_batch([item.encode("utf-8") for item in sorted(items)])
    return signature


def containment(part: set[str], whole: set[str]) -> float:
    """Share of ``part`` found in ``whole``: 1.0 when every shingle of ``part`` occurs there.

    Example:
        >>> containment({"a b", "b c"}, {"a b", "b c", "c d"})
        1.0
    """
    if not part:
        return 0.0
    return len(part & whole) / len(part)


def document_similarity(
    a: Segmented, b: Segmented, config: CandidateConfig | None = None
) -> DocumentSimilarity:
    """Whole-article figures for a pair: Jaccard (MinHash estimate), containments, cosines.

    Example:
        >>> from tracer.model import Article
        >>> from tracer.segment import segment
        >>> doc = segment(Article("x", "Moscow could pay with grain, oil and technology."))
        >>> document_similarity(doc, doc).jaccard
        1.0
    """
    config = config or CandidateConfig()
    a_shingles = article_shingles(a, config.shingle_size)
    b_shingles = article_shingles(b, config.shingle_size)
    jaccard = 0.0
    if a_shingles and b_shingles:
        jaccard = float(minhash(a_shingles, config).jaccard(minhash(b_shingles, config)))  # type: ignore[attr-defined]
    word_cosine, char_cosine = _tfidf_cosines(a, b)
    return DocumentSimilarity(
        jaccard=round(jaccard, 4),
        containment_a_in_b=round(containment(a_shingles, b_shingles), 4),
        containment_b_in_a=round(containment(b_shingles, a_shingles), 4),
        tfidf_word_cosine=round(word_cosine, 4),
        tfidf_char_cosine=round(char_cosine, 4),
    )


def _tfidf_cosines(a: Segmented, b: Segmented) -> tuple[float, float]:
    """Cosine of the two articles' TF-IDF vectors, IDF fitted on their sentences."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    sentences = [s.norm for s in (*a.content, *b.content)]
    documents = [" ".join(s.norm for s in a.content), " ".join(s.norm for s in b.content)]
    if not any(d.strip() for d in documents):
        return 0.0, 0.0
    cosines = []
    for vectorizer in (
        TfidfVectorizer(analyzer="word", sublinear_tf=True),
        TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True),
    ):
        try:
            vectorizer.fit(sentences)
        except ValueError:  # only stop words or punctuation: nothing to compare
            cosines.append(0.0)
            continue
        matrix = vectorizer.transform(documents)
        cosines.append(float((matrix[0] @ matrix[1].T).toarray()[0, 0]))
    return cosines[0], cosines[1]
