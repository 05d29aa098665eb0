"""Document-level similarity: MinHash Jaccard estimates, shingle containment, TF-IDF cosine.

These figures say how much two whole articles have in common; at corpus scale the same MinHash
signatures feed locality-sensitive hashing, so only pairs worth aligning are aligned.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from tracer.config import CandidateConfig, TracerConfig
from tracer.lsh import band_keys, candidate_pairs, minhash_signatures, optimal_bands
from tracer.model import DocumentSimilarity, Segmented
from tracer.similarity import FeatureSpace, article_shingles
from tracer.tokens import content_stems, words

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

    from tracer.lsh import IntArray, UIntArray

    BoolArray = npt.NDArray[np.bool_]
    FloatArray = npt.NDArray[np.float64]
    Signatures = npt.NDArray[np.unsignedinteger[Any]]


def containment(part: AbstractSet[str], whole: AbstractSet[str]) -> float:
    """Share of ``part`` found in ``whole``: 1.0 when every shingle of ``part`` occurs there.

    Example:
        >>> containment({"a b", "b c"}, {"a b", "b c", "c d"})
        1.0
    """
    if not part:
        return 0.0
    return len(part & whole) / len(part)


def document_similarity(
    a: Segmented,
    b: Segmented,
    config: CandidateConfig | None = None,
    *,
    space: FeatureSpace | None = None,
) -> DocumentSimilarity:
    """Whole-article figures for a pair: Jaccard (MinHash estimate), containments, cosines.

    ``space`` caches per-article features (a corpus trace passes its own); the TF-IDF cosines
    weigh terms by IDF over the two articles' sentences.

    Example:
        >>> from tracer.model import Article
        >>> from tracer.segment import segment
        >>> doc = segment(Article("x", "Moscow could pay with grain, oil and technology."))
        >>> document_similarity(doc, doc).jaccard
        1.0
    """
    if space is None:
        space = FeatureSpace(TracerConfig(candidates=config or CandidateConfig()))
    a_features, b_features = space.document(a), space.document(b)
    pair = space.pair(a, b)
    jaccard = 0.0
    if a_features.signature is not None and b_features.signature is not None:
        jaccard = float(a_features.signature.jaccard(b_features.signature))
    return DocumentSimilarity(
        jaccard=round(jaccard, 4),
        containment_a_in_b=round(containment(a_features.shingles, b_features.shingles), 4),
        containment_b_in_a=round(containment(b_features.shingles, a_features.shingles), 4),
        tfidf_word_cosine=round(pair.word_cosine, 4),
        tfidf_char_cosine=round(pair.char_cosine, 4),
    )


# --- corpus scale --------------------------------------------------------------------------------

# Checks accept a little less than the LSH threshold: LSH is tuned to return pairs *around* its
# threshold, and a pair just under it is still worth aligning.
_EXACT_CHECK_SLACK = 0.8
# Sentences of one article an LSH bucket keeps: enough for any real passage, and an article that
# repeats one sentence thousands of times stays linear.
_PER_OWNER = 8
# Candidate pairs whose signatures are compared at once (pairs x num_perm x 8 bytes).
_CHECK_BLOCK = 100_000


@dataclass(frozen=True, slots=True)
class CandidatePair:
    """Two articles worth aligning (indices into the corpus, ``a < b``) and why they were picked.

    ``reasons`` holds ``"jaccard"`` (similar shingle sets), ``"sentence"`` (a pair of sentences
    with similar content words: how paraphrases and excerpts are found), or both; or
    ``"all-pairs"`` on a small corpus.
    """

    a: int
    b: int
    reasons: tuple[str, ...]


DocumentSketch = tuple["UIntArray | None", int]
"""An article's MinHash signature over its word shingles (``None`` without any), and how many
shingles it has: what document-level candidate search needs of it."""


def document_sketch(doc: Segmented, config: CandidateConfig | None = None) -> DocumentSketch:
    """The :data:`DocumentSketch` of ``doc`` (computed per article, so it can be done in parallel).

    Example:
        >>> from tracer.model import Article
        >>> from tracer.segment import segment
        >>> signature, size = document_sketch(segment(Article("a", "Grain and oil for arms.")))
        >>> signature.shape, size
        ((128,), 3)
    """
    config = config or CandidateConfig()
    found = article_shingles(doc, config.shingle_size)
    if not found:
        return None, 0
    return minhash_signatures([found], config.num_perm, config.seed)[0], len(found)


def find_candidates(
    docs: Sequence[Segmented],
    config: CandidateConfig | None = None,
    *,
    sketches: Sequence[DocumentSketch] | None = None,
    stems: Sequence[Sequence[AbstractSet[str]]] | None = None,
) -> tuple[CandidatePair, ...]:
    """Pick the article pairs worth aligning without comparing all pairs.

    Two MinHash LSH indexes (:mod:`tracer.lsh`) vote: one over word-shingle sets (near
    duplicates and long shared stretches), one over each sentence's distinctive content-word
    stems (a sentence copied into a long article, and paraphrases, which share words, not word
    sequences). Each LSH hit is then checked on the MinHash estimate of the two sets' Jaccard.

    Whether a pair is picked depends on the two articles and on which stems are common in the
    corpus, nothing else: no index order, no partitioning by size. ``sketches`` and ``stems``
    are the articles' :func:`document_sketch` and :func:`sentence_stems` when the caller has
    them already.

    Example:
        >>> from tracer.model import Article
        >>> from tracer.segment import segment
        >>> docs = [segment(Article(str(i), t)) for i, t in enumerate([
        ...     "Moscow could pay for North Korean weapons with grain, oil and technology.",
        ...     "In return, Moscow can offer grain, oil and military technology as payment.",
        ...     "The recipe needs two eggs, flour and a pinch of salt."])]
        >>> [(c.a, c.b) for c in find_candidates(docs)]
        [(0, 1)]
    """
    config = config or CandidateConfig()
    if len(docs) <= config.all_pairs_below:
        return tuple(
            CandidatePair(a, b, ("all-pairs",))
            for a in range(len(docs))
            for b in range(a + 1, len(docs))
        )
    reasons: dict[tuple[int, int], set[str]] = {}
    if sketches is None:
        sketches = [document_sketch(doc, config) for doc in docs]
    for x, y in _document_votes(sketches, config).tolist():
        reasons.setdefault((x, y), set()).add("jaccard")
    if stems is None:
        stems = [sentence_stems(doc) for doc in docs]
    for x, y in _sentence_votes(stems, config).tolist():
        reasons.setdefault((x, y), set()).add("sentence")
    return tuple(
        CandidatePair(a, b, tuple(sorted(found))) for (a, b), found in sorted(reasons.items())
    )


def limit_partners(
    docs: Sequence[Segmented],
    candidates: Sequence[CandidatePair],
    config: CandidateConfig | None = None,
) -> tuple[tuple[CandidatePair, ...], dict[int, int]]:
    """At most ``max_partners`` candidate pairs per article: a bound on one article's cost.

    A pathological article (a page of boilerplate that escaped detection, a list of every
    headline of the day) can share words with thousands of others. Its pairs are ranked by the
    Jaccard similarity of the two articles' shingle sets, then by ids, and kept while both ends
    have room; the pairs of articles under the limit are kept as they are. Returns the pairs
    kept, in order, and for each article that hit the limit how many of its pairs were dropped.

    Example:
        >>> pairs = [CandidatePair(0, i, ("sentence",)) for i in range(1, 4)]
        >>> from tracer.model import Article
        >>> from tracer.segment import segment
        >>> docs = [segment(Article(str(i), "Grain and oil for arms.")) for i in range(4)]
        >>> kept, dropped = limit_partners(docs, pairs, CandidateConfig(max_partners=2))
        >>> [(c.a, c.b) for c in kept], dropped
        ([(0, 1), (0, 2)], {0: 1})
    """
    config = config or CandidateConfig()
    degree: Counter[int] = Counter()
    for pair in candidates:
        degree.update((pair.a, pair.b))
    crowded = {article for article, count in degree.items() if count > config.max_partners}
    if not crowded:
        return tuple(candidates), {}
    shingle_sets: dict[int, set[str]] = {}

    def shingles_of(index: int) -> set[str]:
        if index not in shingle_sets:
            shingle_sets[index] = article_shingles(docs[index], config.shingle_size)
        return shingle_sets[index]

    def jaccard(pair: CandidatePair) -> float:
        a, b = shingles_of(pair.a), shingles_of(pair.b)
        return len(a & b) / len(a | b) if a or b else 0.0

    contested = [p for p in candidates if p.a in crowded or p.b in crowded]
    kept_count: Counter[int] = Counter()
    kept: set[tuple[int, int]] = set()
    for pair in sorted(contested, key=lambda p: (-jaccard(p), p.a, p.b)):
        ends = [end for end in (pair.a, pair.b) if end in crowded]
        if all(kept_count[end] < config.max_partners for end in ends):
            kept.add((pair.a, pair.b))
            kept_count.update(ends)
    result = tuple(
        p for p in candidates if (p.a not in crowded and p.b not in crowded) or (p.a, p.b) in kept
    )
    dropped = {article: degree[article] - kept_count[article] for article in sorted(crowded)}
    return result, {article: n for article, n in dropped.items() if n}


def _document_votes(sketches: Sequence[DocumentSketch], config: CandidateConfig) -> IntArray:
    """Article pairs whose shingle sets have a Jaccard (estimate) near the LSH threshold."""
    import numpy as np

    present = [(i, signature) for i, (signature, _) in enumerate(sketches) if signature is not None]
    if len(present) < 2:
        return np.empty((0, 2), dtype=np.int64)
    signatures = np.stack([signature for _, signature in present])
    sizes = [sketches[i][1] for i, _ in present]
    pairs = _checked_pairs(signatures, sizes, config.lsh_threshold, config.min_shared_shingles)
    return _as_owner_pairs(pairs, [i for i, _ in present])


def _sentence_votes(
    per_doc: Sequence[Sequence[AbstractSet[str]]], config: CandidateConfig
) -> IntArray:
    """Article pairs with a pair of sentences sharing distinctive content words, from each
    article's :func:`sentence_stems`.

    Stems found in more than ``max_stem_doc_share`` of the articles (and in more than
    ``min_common_stem_docs`` of them) say nothing about a shared passage ("mln", "said", "year")
    and are left out; so are sentences with fewer than ``min_sentence_stems`` stems left.
    """
    import numpy as np

    document_frequency: Counter[str] = Counter()
    for sentences in per_doc:
        document_frequency.update(set().union(*sentences) if sentences else set())
    common = common_stems(document_frequency, len(per_doc), config)

    owners: list[int] = []
    stem_sets: list[frozenset[str]] = []
    for position, sentences in enumerate(per_doc):
        for distinctive in distinctive_stems(sentences, common, config):
            owners.append(position)
            stem_sets.append(distinctive)
    signatures = minhash_signatures(stem_sets, config.sentence_num_perm, config.seed)
    pairs = _checked_pairs(
        signatures,
        [len(s) for s in stem_sets],
        config.sentence_lsh_threshold,
        config.min_sentence_stems,
        owners=np.asarray(owners, dtype=np.int64),
    )
    exact = [stems_agree(stem_sets[x], stem_sets[y], config) for x, y in pairs.tolist()]
    return _as_owner_pairs(pairs[np.asarray(exact, dtype=bool)], owners)


# --- the pieces of candidate search, shared with the Spark engine --------------------------------
# ``find_candidates`` runs them on arrays in one process; ``tracer.engines.spark`` runs the same
# functions per article and per LSH bucket on executors. Whether a pair is found depends on the
# two articles (and the corpus-wide common stems) alone, which is what makes both agree.

SENTENCES_PER_BUCKET = _PER_OWNER
"""Sentences of one article a sentence LSH bucket keeps (its first ones, in sentence order)."""


def band_layout(threshold: float, num_perm: int) -> tuple[int, int]:
    """``(bands, rows)`` the LSH index for ``threshold`` cuts signatures of ``num_perm`` into.

    The band width that best separates the threshold, with every permutation used: more
    bands than the optimum only add recall, which matters more here than a few extra checks.

    Example:
        >>> band_layout(0.5, 128)
        (25, 5)
    """
    rows = optimal_bands(threshold, num_perm)[1]
    return num_perm // rows, rows


def estimate_passes(
    signatures_x: Signatures,
    signatures_y: Signatures,
    sizes_x: FloatArray,
    sizes_y: FloatArray,
    threshold: float,
    min_shared: int,
) -> BoolArray:
    """For rows of pairs of MinHash signatures and set sizes: whether the estimated Jaccard and
    overlap are enough to keep the pair.

    LSH is tuned to return pairs *around* its threshold, so the check accepts a little less than
    the threshold: a pair just under it is still worth aligning.

    Example:
        >>> import numpy as np
        >>> same = np.ones((1, 4), dtype=np.uint64)
        >>> size = np.array([5.0])
        >>> estimate_passes(same, same, size, size, 0.2, 3).tolist()
        [True]
    """
    jaccard = (signatures_x == signatures_y).mean(axis=1)
    # |A & B| = J (|A| + |B|) / (1 + J)
    shared = jaccard * (sizes_x + sizes_y) / (1.0 + jaccard)
    result: BoolArray = (jaccard >= threshold * _EXACT_CHECK_SLACK) & (shared >= min_shared - 0.5)
    return result


def sentence_stems(doc: Segmented) -> list[set[str]]:
    """The content-word stems of each content sentence of ``doc`` (names kept: a single article
    cannot tell them apart)."""
    no_names: frozenset[str] = frozenset()
    return [content_stems(words(sentence.norm), no_names) for sentence in doc.content]


def common_stems(
    document_frequency: Mapping[str, int], articles: int, config: CandidateConfig
) -> frozenset[str]:
    """Stems in too many of ``articles`` articles to signal a shared passage.

    Example:
        >>> sorted(common_stems({"mln": 30, "grain": 2}, 100, CandidateConfig()))
        ['mln']
    """
    limit = max(config.min_common_stem_docs, config.max_stem_doc_share * articles)
    return frozenset(stem for stem, count in document_frequency.items() if count > limit)


def distinctive_stems(
    sentences: Sequence[AbstractSet[str]], common: AbstractSet[str], config: CandidateConfig
) -> list[frozenset[str]]:
    """The stem sets one article's sentences are indexed by, in sentence order: each sentence's
    stems less the common ones, for the sentences with ``min_sentence_stems`` left."""
    found = [frozenset(stems - common) for stems in sentences]
    return [stems for stems in found if len(stems) >= config.min_sentence_stems]


def stems_agree(x: AbstractSet[str], y: AbstractSet[str], config: CandidateConfig) -> bool:
    """Whether two indexed sentences share enough stems for their articles to be candidates.

    Sentences are short, so the MinHash estimate is coarse: the stem sets themselves decide.

    Example:
        >>> stems_agree({"grain", "oil", "arm"}, {"grain", "oil", "arm", "moscow"},
        ...             CandidateConfig())
        True
    """
    shared = len(x & y)
    floor = config.sentence_lsh_threshold * _EXACT_CHECK_SLACK
    return shared >= config.min_sentence_stems and shared >= floor * len(x | y)


def _checked_pairs(
    signatures: UIntArray,
    sizes: Sequence[int],
    threshold: float,
    min_shared: int,
    *,
    owners: IntArray | None = None,
) -> IntArray:
    """Row pairs that share an LSH band and whose estimated Jaccard and overlap are enough.

    LSH is tuned to return pairs *around* its threshold, so the check accepts a little less than
    the threshold: a pair just under it is still worth aligning. Rows of the same owner (two
    sentences of one article) are not paired.
    """
    import numpy as np

    if len(signatures) < 2:
        return np.empty((0, 2), dtype=np.int64)
    size = np.asarray(sizes, dtype=np.float64)
    # The low 16 bits of each value: two values equal in full are equal there too, so a pair
    # failing the check on them fails it in full, and most pairs an LSH bucket returns fail.
    # Checking them first moves an eighth of the memory the full check would; only the few
    # that pass are checked in full, so the result is the same.
    low = signatures.astype(np.uint16)

    def passes(rows: Signatures, block: IntArray) -> BoolArray:
        return estimate_passes(
            rows[block[:, 0]],
            rows[block[:, 1]],
            size[block[:, 0]],
            size[block[:, 1]],
            threshold,
            min_shared,
        )

    def enough(pairs: IntArray) -> IntArray:
        keep = np.zeros(len(pairs), dtype=bool)
        for start in range(0, len(pairs), _CHECK_BLOCK):
            block = pairs[start : start + _CHECK_BLOCK]
            maybe = np.flatnonzero(passes(low, block))
            keep[start + maybe] = passes(signatures, block[maybe])
        if owners is not None:
            keep &= owners[pairs[:, 0]] != owners[pairs[:, 1]]
        result: IntArray = keep
        return result

    keys = band_keys(signatures, *band_layout(threshold, signatures.shape[1]))
    return candidate_pairs(keys, where=enough, owners=owners, per_owner=_PER_OWNER)


def _as_owner_pairs(pairs: IntArray, owners: Sequence[int]) -> IntArray:
    """Row pairs mapped to owner pairs ``(x, y)``, ``x < y``, without repeats, sorted."""
    import numpy as np

    if not len(pairs):
        return np.empty((0, 2), dtype=np.int64)
    mapped = np.asarray(owners, dtype=np.int64)[pairs]
    mapped.sort(axis=1)
    result: IntArray = np.unique(mapped, axis=0)
    return result
