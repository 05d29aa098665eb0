"""Sentence similarity: the combined word and character TF-IDF cosine alignment is built on.

:class:`SentenceSimilarity` is the sentence-pair function on its own and follows scikit-learn's
conventions (plain constructor parameters, ``fit`` learns IDF weights from a set of sentences,
fitted state carries a trailing underscore). :class:`FeatureSpace` computes the same figures for
two whole articles, with IDF fitted on the pair's sentences.
"""

from __future__ import annotations

import functools
from collections import Counter, OrderedDict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import pairwise
from typing import TYPE_CHECKING, Any
from zlib import crc32

from tracer.config import CandidateConfig, TracerConfig
from tracer.model import Segmented
from tracer.tokens import (
    STOP_WORDS,
    case_profile,
    lower_words,
    name_vocabulary,
    names_from,
    shingles,
    stem,
)

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

    FloatArray = npt.NDArray[np.float64]
    IntArray = npt.NDArray[np.int64]


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
        return _word_terms(text, self.names_)

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
    """What document-level figures need of one article: its shingles and their MinHash."""

    shingles: frozenset[str]
    signature: Any


def article_shingles(doc: Segmented, size: int = 3) -> set[str]:
    """Word shingles of ``doc``'s content (boilerplate left out), lower-cased."""
    tokens = [t for s in doc.content for t in lower_words(s.norm)]
    return shingles(tokens, size)


def minhash(items: Iterable[str], config: CandidateConfig | None = None) -> Any:
    """A datasketch ``MinHash`` of ``items`` with the configured permutations and seed.

    Items are hashed with CRC-32, as for candidate search (:mod:`tracer.lsh`), rather than
    datasketch's default SHA-1: a third of the time, and as good a spread for a few hundred
    shingles.
    """
    from datasketch import MinHash

    config = config or CandidateConfig()
    signature = MinHash(
        num_perm=config.num_perm,
        seed=config.seed,
        hashfunc=crc32,
        permutations=(template := _template(config.num_perm, config.seed)).permutations,
        scheme=template.scheme,
    )
    signature.update_batch([item.encode("utf-8") for item in items])
    return signature


@functools.lru_cache(maxsize=8)
def _template(num_perm: int, seed: int) -> Any:
    """An empty MinHash whose permutations are reused: drawing them took longer than hashing an
    article's shingles."""
    from datasketch import MinHash

    return MinHash(num_perm=num_perm, seed=seed)


class FeatureSpace:
    """Per-article term counts, computed once; TF-IDF weighted per pair when two are compared.

    IDF comes from the two articles being compared (their content sentences), never from the
    rest of a corpus: a pair's alignment is then a function of the pair alone, so tracing a
    corpus at once, in two halves, or one article against an index gives the same answer, and
    ``tracer compare`` agrees with ``tracer trace``. What can be computed per article (analysed
    terms, counts, shingles, MinHash) is computed once and cached; the pair step is a few numpy
    operations on the two articles' sparse rows.

    Example:
        >>> from tracer.model import Article
        >>> from tracer.segment import segment
        >>> docs = [segment(Article("a", "Moscow can offer grain and oil.")),
        ...         segment(Article("b", "Moscow could pay with grain and oil."))]
        >>> space = FeatureSpace()
        >>> space.pair(docs[0], docs[1]).similarity.shape
        (1, 1)
    """

    def __init__(self, config: TracerConfig | None = None, *, max_articles: int = 2048) -> None:
        self.config = config or TracerConfig()
        self.max_articles = max_articles
        # Keyed by object identity, not article id: two files may share a stem ("a.txt" in two
        # folders). The article is kept alongside so its identity cannot be reused. Least
        # recently used articles are dropped beyond ``max_articles``, so memory stays bounded
        # however large the corpus.
        self._terms: OrderedDict[int, tuple[Segmented, ArticleTerms]] = OrderedDict()
        self._documents: OrderedDict[int, tuple[Segmented, DocumentFeatures]] = OrderedDict()
        self._last_pair: tuple[Segmented, Segmented, PairFeatures] | None = None

    def terms(self, doc: Segmented) -> ArticleTerms:
        """Term counts of ``doc``'s content sentences (words and characters) and case profile."""
        key = id(doc)
        if key in self._terms:
            self._terms.move_to_end(key)
        else:
            texts = [s.norm for s in doc.content]
            profile = case_profile(texts)
            names = names_from([profile])
            tokens = tuple(tuple(lower_words(text)) for text in texts)
            word_terms = (_word_terms(text, names) for text in texts)
            self._terms[key] = (
                doc,
                ArticleTerms(
                    SentenceTerms.join(_char_rows(texts), _count_rows(word_terms)),
                    profile,
                    tokens,
                    tuple(
                        tuple((low, stem(low)) for low in sentence if _is_content(low))
                        for sentence in tokens
                    ),
                ),
            )
            _bound(self._terms, self.max_articles)
        return self._terms[key][1]

    def case_profile(self, doc: Segmented) -> tuple[frozenset[str], frozenset[str]]:
        """Words of ``doc``'s content capitalised mid-sentence, and in lower case."""
        return self.terms(doc).profile

    def pair(self, a: Segmented, b: Segmented) -> PairFeatures:
        """Sentence similarities of ``a`` (rows) against ``b`` and the two document cosines."""
        import numpy as np

        last = self._last_pair
        if last is not None and last[0] is a and last[1] is b:
            return last[2]
        combined, word_cosine, char_cosine = _pair_scores(
            self.terms(a).sentences, self.terms(b).sentences, self.config.align.word_weight
        )
        # Rounded well below any threshold or reported digit, so that the order of the two
        # articles (and the BLAS kernel it selects) cannot change how equal scores tie.
        features = PairFeatures(np.round(combined, 12), word_cosine, char_cosine)
        self._last_pair = (a, b, features)
        return features

    def document(self, doc: Segmented) -> DocumentFeatures:
        """Shingles and MinHash signature of ``doc``."""
        key = id(doc)
        if key in self._documents:
            self._documents.move_to_end(key)
        else:
            candidates = self.config.candidates
            found = frozenset(article_shingles(doc, candidates.shingle_size))
            features = DocumentFeatures(found, minhash(found, candidates) if found else None)
            self._documents[key] = (doc, features)
            _bound(self._documents, self.max_articles)
        return self._documents[key][1]

    def forget(self, doc: Segmented) -> None:
        """Drop what was computed for ``doc``, to bound memory on a large corpus."""
        self._terms.pop(id(doc), None)
        self._documents.pop(id(doc), None)
        if self._last_pair is not None and doc in (self._last_pair[0], self._last_pair[1]):
            self._last_pair = None


@dataclass(frozen=True, slots=True)
class TermRows:
    """An article's sentences as rows of term counts, kept in the form every pair's weighting
    uses: the article's distinct term ids (sorted), and per entry (a term in a row) the term's
    position among them, the row, and the sublinear term frequency 1 + ln(count); plus each
    term's sentence frequency. Build with :func:`term_rows`."""

    rows: int
    terms: IntArray
    frequency: IntArray
    positions: IntArray
    row_of: IntArray
    log_tf: FloatArray


def term_rows(indptr: IntArray, indices: IntArray, counts: FloatArray) -> TermRows:
    """:class:`TermRows` from CSR arrays of counts (each row's ids distinct).

    Example:
        >>> import numpy as np
        >>> rows = term_rows(np.array([0, 2, 3]), np.array([7, 5, 7]), np.array([1.0, 2.0, 1.0]))
        >>> rows.terms.tolist(), rows.frequency.tolist(), rows.row_of.tolist()
        ([5, 7], [1, 2], [0, 0, 1])
    """
    import numpy as np

    terms, positions = np.unique(indices, return_inverse=True)
    # 32-bit positions and rows: an article's cached features are mostly these arrays.
    return TermRows(
        len(indptr) - 1,
        terms,
        np.bincount(positions, minlength=len(terms)),
        positions.astype(np.int32),
        np.repeat(np.arange(len(indptr) - 1, dtype=np.int32), np.diff(indptr)),
        1.0 + np.log(counts),
    )


@dataclass(frozen=True, slots=True)
class SentenceTerms:
    """An article's sentences as rows of character n-gram counts and word term counts at once:
    :class:`TermRows` of the two kinds joined, the character n-grams first.

    Character n-gram ids are negative and word ids are not, so the joined ids stay sorted and
    distinct, and one search finds the terms a pair shares of both kinds. ``char_terms`` and
    ``char_entries`` say where the character part of ``terms`` and of the entries ends.
    """

    rows: int
    terms: IntArray
    frequency: IntArray
    positions: IntArray
    row_of: IntArray
    log_tf: FloatArray
    char_terms: int
    char_entries: int

    @classmethod
    def join(cls, char: TermRows, word: TermRows) -> SentenceTerms:
        """The two kinds of rows of one article's sentences (character ids negative, word ids
        not) as one."""
        import numpy as np

        return cls(
            char.rows,
            np.concatenate([char.terms, word.terms]),
            np.concatenate([char.frequency, word.frequency]),
            np.concatenate([char.positions, word.positions + np.int32(len(char.terms))]),
            np.concatenate([char.row_of, word.row_of]),
            np.concatenate([char.log_tf, word.log_tf]),
            len(char.terms),
            len(char.positions),
        )


@dataclass(frozen=True, slots=True)
class ArticleTerms:
    """What comparisons need of one article, per content sentence: character and word term
    counts, lower-cased words, and ``(word, stem)`` of the words that may be content words
    (whether one is depends on the names of the pair); plus the article's case profile."""

    sentences: SentenceTerms
    profile: tuple[frozenset[str], frozenset[str]]
    tokens: tuple[tuple[str, ...], ...]
    stems: tuple[tuple[tuple[str, str], ...], ...]


@dataclass(frozen=True, slots=True)
class PairFeatures:
    """What a comparison needs of a pair: the sentence similarity matrix and document cosines."""

    similarity: FloatArray
    word_cosine: float
    char_cosine: float


def _is_content(word: str) -> bool:
    """What :func:`tracer.tokens.content_stems` keeps of a lower-cased word, names aside."""
    return word not in STOP_WORDS and len(word) >= 2


def _word_terms(text: str, names: frozenset[str]) -> list[str]:
    """Stems of the words that are not stop words (unless names), and their bigrams."""
    stems = [stem(w) for w in lower_words(text) if w not in STOP_WORDS or w in names]
    return stems + [f"{x} {y}" for x, y in pairwise(stems)]


def _bound(cache: OrderedDict[int, Any], size: int) -> None:
    while len(cache) > size:
        cache.popitem(last=False)


def _count_rows(analysed: Iterable[list[str]]) -> TermRows:
    """Counts of each sentence's terms, a term's id being its CRC-32.

    A checksum, not ``hash()``: string hashes change with every interpreter, and term ids fix
    the order in which a dot product adds up, hence the last bit of a score and how ties fall.
    Ids only ever meet the ids of one pair (about ten thousand terms), where two terms sharing
    a checksum is rare and merely merges their weights.
    """
    import numpy as np

    indptr = [0]
    indices: list[int] = []
    counts: list[int] = []
    for terms in analysed:
        counted = Counter(terms)
        indices.extend(crc32(term.encode("utf-8")) for term in counted)
        counts.extend(counted.values())
        indptr.append(len(indices))
    return term_rows(
        np.asarray(indptr, dtype=np.int64),
        np.asarray(indices, dtype=np.int64),
        np.asarray(counts, dtype=np.float64),
    )


# Character n-grams: scikit-learn's ``analyzer="char_wb", ngram_range=(3, 5), lowercase=True``.
_CHAR_SIZES = (3, 4, 5)
_HASH_BASE = 0x100000001B3  # the 64-bit FNV prime: odd, and spreads a character over the word


def _char_rows(texts: Sequence[str]) -> TermRows:
    """Counts of each text's character n-grams within word boundaries, computed with numpy.

    The same n-grams as scikit-learn's ``char_wb`` analyser (lower case, each word padded with a
    space on both sides, every window of 3 to 5 characters inside the padded word; a padded
    word shorter than 5 gives its windows up to its own length), but hashed in arrays instead of
    built as strings: an article is one vectorised pass, not a Python loop per n-gram. A window's
    id is a 64-bit polynomial hash of its code points, seeded by its length, with the top bit
    set: a negative id, never equal to a word's (see :class:`SentenceTerms`).
    """
    import numpy as np

    words: list[str] = []
    owners: list[int] = []
    for row, text in enumerate(texts):
        split = text.lower().split()
        words.extend(split)
        owners.extend([row] * len(split))
    rows = len(texts)
    if not words:
        return term_rows(
            np.zeros(rows + 1, dtype=np.int64),
            np.empty(0, dtype=np.int64),
            np.empty(0, dtype=np.float64),
        )
    padded = np.fromiter((len(w) + 2 for w in words), dtype=np.int64, count=len(words))
    joined = "".join(f" {w} " for w in words).encode("utf-32-le")
    codes = np.frombuffer(joined, dtype=np.uint32).astype(np.uint64)
    word_of = np.repeat(np.arange(len(words)), padded)
    # Characters from each position to the end of its padded word, that position included.
    remaining = np.repeat(np.cumsum(padded), padded) - np.arange(len(codes))
    owner = np.asarray(owners, dtype=np.int64)
    base = np.uint64(_HASH_BASE)
    hashes, sentences = [], []
    for size in _CHAR_SIZES:
        starts = np.flatnonzero(remaining >= size)
        value = np.full(len(starts), size, dtype=np.uint64)
        for offset in range(size):
            value = value * base + codes[starts + offset]
        hashes.append(value)
        sentences.append(owner[word_of[starts]])
    value = np.concatenate(hashes) | np.uint64(1 << 63)
    sentence = np.concatenate(sentences)
    order = np.lexsort((value, sentence))
    value, sentence = value[order], sentence[order]
    first = np.flatnonzero(np.r_[True, (value[1:] != value[:-1]) | (sentence[1:] != sentence[:-1])])
    counts = np.diff(np.r_[first, len(value)]).astype(np.float64)
    per_row = np.bincount(sentence[first], minlength=rows)
    return term_rows(
        np.r_[0, np.cumsum(per_row)].astype(np.int64),
        value[first].view(np.int64),
        counts,
    )


def _pair_scores(
    a: SentenceTerms, b: SentenceTerms, word_weight: float
) -> tuple[FloatArray, float, float]:
    """Sentence similarities of every row of ``a`` with every row of ``b`` (the weighted mean of
    their word and character cosines), and the word and character cosines of the two articles.

    Each kind of row is weighted as scikit-learn's ``TfidfVectorizer(sublinear_tf=True,
    norm="l2")`` would after fitting on both sides' sentences: tf = 1 + ln(count), idf =
    ln((1 + n) / (1 + df)) + 1, rows scaled to unit length. A term's df over the pair is its
    frequency in each article added up over the terms they share. Only shared terms can
    contribute to a dot product, so the products run on a small dense block of those terms per
    side, both kinds side by side, the character columns scaled by ``sqrt(1 - word_weight)``
    and the word columns by ``sqrt(word_weight)``: one product gives the weighted mean. A whole
    article is the sum of its unit rows of each kind.
    """
    import numpy as np

    if not len(a.positions) or not len(b.positions):
        return np.zeros((a.rows, b.rows)), 0.0, 0.0
    rows = a.rows + b.rows
    in_a, in_b = _shared_terms(a.terms, b.terms)
    a_weights, a_sum = _weights(a, in_a, b.frequency[in_b], rows)
    b_weights, b_sum = _weights(b, in_b, a.frequency[in_a], rows)
    # Shared ids are in increasing order, so the shared character n-grams come first. Both
    # blocks are scaled alike, so that swapping the articles only transposes the products.
    shared_chars = int(np.count_nonzero(in_a < a.char_terms))
    scale = np.full(len(in_a), np.sqrt(word_weight))
    scale[:shared_chars] = np.sqrt(1.0 - word_weight)
    a_dense = _shared_block(a, a_weights, in_a, scale)
    b_dense = _shared_block(b, b_weights, in_b, scale)
    similarity: FloatArray = a_dense @ b_dense.T
    word_cosine = _cosine(
        float(a_sum[in_a[shared_chars:]] @ b_sum[in_b[shared_chars:]]),
        a_sum[a.char_terms :],
        b_sum[b.char_terms :],
    )
    char_cosine = _cosine(
        float(a_sum[in_a[:shared_chars]] @ b_sum[in_b[:shared_chars]]),
        a_sum[: a.char_terms],
        b_sum[: b.char_terms],
    )
    return similarity, word_cosine, char_cosine


def _cosine(dot: float, x: FloatArray, y: FloatArray) -> float:
    import numpy as np

    norm = float(np.linalg.norm(x) * np.linalg.norm(y))
    return dot / norm if norm > 0.0 else 0.0


def _shared_terms(a: IntArray, b: IntArray) -> tuple[IntArray, IntArray]:
    """Positions in ``a`` and in ``b`` (both sorted, distinct) of the values they share.

    What ``np.intersect1d(..., return_indices=True)`` gives, by a binary search of the shorter
    array's values in the longer: no sort of the two together, for every pair compared.

    Example:
        >>> import numpy as np
        >>> [x.tolist() for x in _shared_terms(np.array([2, 5, 9]), np.array([1, 5, 9, 12]))]
        [[1, 2], [1, 2]]
    """
    import numpy as np

    if len(a) > len(b):
        in_b, in_a = _shared_terms(b, a)
        return in_a, in_b
    if not len(b):
        empty = np.empty(0, dtype=np.intp)
        return empty, empty
    found = np.searchsorted(b, a)
    found[found == len(b)] = 0
    hit = b[found] == a
    return np.flatnonzero(hit), found[hit]


def _weights(
    side: SentenceTerms, shared: IntArray, other_frequency: IntArray, rows: int
) -> tuple[FloatArray, FloatArray]:
    """Unit-row TF-IDF weights of one side's entries (each kind of row of unit length on its
    own), and the side's sum per distinct term."""
    import numpy as np

    frequency = side.frequency.copy()
    frequency[shared] += other_frequency
    idf = np.log((1.0 + rows) / (1.0 + frequency)) + 1.0
    weights = side.log_tf * idf[side.positions]
    squares = weights * weights
    for kind in (slice(None, side.char_entries), slice(side.char_entries, None)):
        row_of = side.row_of[kind]
        norms = np.sqrt(np.bincount(row_of, weights=squares[kind], minlength=side.rows))
        weights[kind] /= np.where(norms > 0.0, norms, 1.0)[row_of]
    total = np.bincount(side.positions, weights=weights, minlength=len(side.terms))
    return weights, total.astype(np.float64, copy=False)


def _shared_block(
    side: SentenceTerms, weights: FloatArray, shared: IntArray, scale: FloatArray
) -> FloatArray:
    """The side's rows restricted to the shared terms, as a dense (rows x shared) array, each
    shared term's column multiplied by its ``scale``."""
    import numpy as np

    column = np.full(len(side.terms), -1, dtype=np.int64)
    column[shared] = np.arange(len(shared))
    columns = column[side.positions]
    keep = columns >= 0
    kept = columns[keep]
    block = np.zeros((side.rows, len(shared)))
    block[side.row_of[keep], kept] = weights[keep] * scale[kept]
    return block
