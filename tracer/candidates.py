"""Document-level similarity: MinHash Jaccard estimates, shingle containment, TF-IDF cosine.

These figures say how much two whole articles have in common; at corpus scale the same MinHash
signatures feed locality-sensitive hashing, so only pairs worth aligning are aligned.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from typing import Any

from tracer.config import CandidateConfig, TracerConfig
from tracer.model import DocumentSimilarity, Segmented
from tracer.similarity import FeatureSpace, article_shingles
from tracer.tokens import content_stems, words


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

    ``space`` holds the fitted vectors (a corpus trace passes its own); without one, IDF is
    fitted on the sentences of the two articles.

    Example:
        >>> from tracer.model import Article
        >>> from tracer.segment import segment
        >>> doc = segment(Article("x", "Moscow could pay with grain, oil and technology."))
        >>> document_similarity(doc, doc).jaccard
        1.0
    """
    if space is None:
        space = FeatureSpace(TracerConfig(candidates=config or CandidateConfig())).fit([a, b])
    a_features, b_features = space.document(a), space.document(b)
    jaccard = 0.0
    if a_features.signature is not None and b_features.signature is not None:
        jaccard = float(a_features.signature.jaccard(b_features.signature))
    return DocumentSimilarity(
        jaccard=round(jaccard, 4),
        containment_a_in_b=round(containment(a_features.shingles, b_features.shingles), 4),
        containment_b_in_a=round(containment(b_features.shingles, a_features.shingles), 4),
        tfidf_word_cosine=round(_cosine(a_features.word, b_features.word), 4),
        tfidf_char_cosine=round(_cosine(a_features.char, b_features.char), 4),
    )


def _cosine(a_vector: Any, b_vector: Any) -> float:
    return float((a_vector @ b_vector.T).toarray()[0, 0])


# --- corpus scale --------------------------------------------------------------------------------

# Exact checks accept a little less than the LSH threshold: LSH is tuned to return pairs *around*
# its threshold, and a pair just under it is still worth aligning.
_EXACT_CHECK_SLACK = 0.8


@dataclass(frozen=True, slots=True)
class CandidatePair:
    """Two articles worth aligning (indices into the corpus, ``a < b``) and why they were picked.

    ``reasons`` holds any of ``"jaccard"`` (similar shingle sets), ``"containment"`` (one article's
    shingles largely inside the other's) and ``"sentence"`` (a pair of sentences with similar
    content words: how paraphrases are found), or ``"all-pairs"`` on a small corpus.
    """

    a: int
    b: int
    reasons: tuple[str, ...]


def find_candidates(
    docs: Sequence[Segmented], config: CandidateConfig | None = None
) -> tuple[CandidatePair, ...]:
    """Pick the article pairs worth aligning without comparing all pairs.

    Three MinHash indexes (datasketch) vote: LSH over word-shingle sets (near duplicates), LSH
    Ensemble for containment (an excerpt or short rewrite *inside* a long source), and LSH over
    each sentence's content-word stems (paraphrased sentences share words, not word sequences).

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

    def vote(x: int, y: int, reason: str) -> None:
        if x != y:
            reasons.setdefault((min(x, y), max(x, y)), set()).add(reason)

    shingle_sets = [article_shingles(doc, config.shingle_size) for doc in docs]
    for x, y, reason in _document_votes(shingle_sets, config):
        vote(x, y, reason)
    for x, y in _sentence_votes(docs, config):
        vote(x, y, "sentence")
    return tuple(
        CandidatePair(a, b, tuple(sorted(found))) for (a, b), found in sorted(reasons.items())
    )


def _document_votes(
    shingle_sets: Sequence[set[str]], config: CandidateConfig
) -> Iterator[tuple[int, int, str]]:
    from datasketch import MinHash, MinHashLSH, MinHashLSHEnsemble

    present = [i for i, shingle_set in enumerate(shingle_sets) if shingle_set]
    if len(present) < 2:
        return
    signatures = MinHash.bulk(
        [[s.encode("utf-8") for s in sorted(shingle_sets[i])] for i in present],
        num_perm=config.num_perm,
        seed=config.seed,
    )
    jaccard_index = MinHashLSH(threshold=config.lsh_threshold, num_perm=config.num_perm)
    with jaccard_index.insertion_session() as session:
        for key, signature in zip(present, signatures, strict=True):
            session.insert(key, signature, check_duplication=False)
    containment_index = MinHashLSHEnsemble(
        threshold=config.containment_threshold, num_perm=config.num_perm, num_part=8
    )
    containment_index.index(
        (key, signature, len(shingle_sets[key]))
        for key, signature in zip(present, signatures, strict=True)
    )
    # LSH answers are probabilistic both ways; each hit is checked on the exact sets, so a pair
    # is aligned only when it really shares enough shingles.
    for key, signature in zip(present, signatures, strict=True):
        own = shingle_sets[key]
        for found in jaccard_index.query(signature):
            other = shingle_sets[int(found)]
            shared = len(own & other)
            if shared >= config.min_shared_shingles and shared / len(own | other) >= (
                config.lsh_threshold * _EXACT_CHECK_SLACK
            ):
                yield key, int(found), "jaccard"
        for found in containment_index.query(signature, len(own)):
            shared = len(own & shingle_sets[int(found)])
            if shared >= config.min_shared_shingles and shared / len(own) >= (
                config.containment_threshold * _EXACT_CHECK_SLACK
            ):
                yield key, int(found), "containment"


def _sentence_votes(
    docs: Sequence[Segmented], config: CandidateConfig
) -> Iterator[tuple[int, int]]:
    """Article pairs with a pair of sentences sharing distinctive content words.

    Stems found in more than ``max_stem_doc_share`` of the articles (and in more than
    ``min_common_stem_docs`` of them) say nothing about a shared passage ("mln", "said", "year")
    and are left out; every LSH hit is then checked on the exact stem sets.
    """
    from datasketch import MinHash, MinHashLSH

    no_names: frozenset[str] = frozenset()
    per_doc = [
        [content_stems(words(sentence.norm), no_names) for sentence in doc.content] for doc in docs
    ]
    document_frequency: Counter[str] = Counter()
    for sentences in per_doc:
        document_frequency.update(set().union(*sentences) if sentences else set())
    limit = max(config.min_common_stem_docs, config.max_stem_doc_share * len(docs))
    common = {stem for stem, count in document_frequency.items() if count > limit}

    owners: list[int] = []
    stem_sets: list[frozenset[str]] = []
    for position, sentences in enumerate(per_doc):
        for stems in sentences:
            distinctive = frozenset(stems - common)
            if len(distinctive) >= config.min_sentence_stems:
                owners.append(position)
                stem_sets.append(distinctive)
    if len(set(owners)) < 2:
        return
    signatures = MinHash.bulk(
        [[s.encode("utf-8") for s in sorted(stems)] for stems in stem_sets],
        num_perm=config.sentence_num_perm,
        seed=config.seed,
    )
    index = MinHashLSH(threshold=config.sentence_lsh_threshold, num_perm=config.sentence_num_perm)
    with index.insertion_session() as session:
        for key, signature in enumerate(signatures):
            session.insert(key, signature, check_duplication=False)
    voted: set[tuple[int, int]] = set()
    for key, signature in enumerate(signatures):
        for found in index.query(signature):
            other = int(found)
            pair = (owners[key], owners[other])
            if other <= key or pair[0] == pair[1] or pair in voted:
                continue
            shared = len(stem_sets[key] & stem_sets[other])
            union = len(stem_sets[key] | stem_sets[other])
            if shared >= config.min_sentence_stems and shared / union >= (
                config.sentence_lsh_threshold * _EXACT_CHECK_SLACK
            ):
                voted.add(pair)
                yield pair
