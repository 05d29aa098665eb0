"""Sentence alignment between two articles: which sentences share a passage, and how.

The method, for two segmented articles A and B:

1. Every content sentence (boilerplate set aside) becomes two TF-IDF vectors, one over word
   stems (unigrams and bigrams) and one over character n-grams within word boundaries, which
   forgive inflection and spelling ("co-operation" / "cooperation"). The similarity of a pair
   is a weighted mean of the two cosines.
2. A pair is only eligible when the two sentences share enough *content* words: names and stop
   words do not count, so "Kim Jong Un met Vladimir Putin" never matches another sentence about
   the same two men on that ground alone.
3. Each sentence is linked to its most similar eligible counterpart (both directions, so the
   result does not depend on argument order or sentence order); a further counterpart is added
   when it covers content words the best one did not (one sentence drawing on two).
4. Inside each link a token-level comparison (runs of words shared verbatim) tells *copied*
   from *paraphrased*.
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from tracer.config import AlignConfig
from tracer.model import (
    AlignedPair,
    Label,
    Passage,
    Segmented,
    Sentence,
    SentenceLink,
    Shares,
    Span,
)
from tracer.similarity import FeatureSpace, SentenceSimilarity
from tracer.tokens import content_stems, lower_words, name_vocabulary, words

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

    FloatMatrix = npt.NDArray[np.float64]

_MIN_RUN = 2
# Shorter sentences must be identical to count as a copy on words alone.
_MIN_VERBATIM_WORDS = 4


@dataclass(frozen=True, slots=True)
class Alignment:
    """The links of both articles' sentences and the aligned pairs they form."""

    links_a: tuple[SentenceLink, ...]
    links_b: tuple[SentenceLink, ...]
    pairs: tuple[AlignedPair, ...]


def align(
    a: Segmented,
    b: Segmented,
    config: AlignConfig | None = None,
    *,
    space: FeatureSpace | None = None,
) -> Alignment:
    """Match the sentences of ``a`` and ``b`` that share a passage, and label every sentence.

    Example:
        >>> from tracer.model import Article
        >>> from tracer.segment import segment
        >>> a = segment(Article("a", "Pyongyang can offer ammunition and rocket systems."))
        >>> b = segment(Article("b", "Pyongyang could offer ammunition and rocket launchers."))
        >>> [link.label for link in align(a, b).links_b]
        ['paraphrased']

    ``space`` holds sentence vectors fitted on a corpus; without one, IDF weights are fitted on
    the sentences of the two articles.
    """
    config = config or AlignConfig()
    a_content = [s for s in a.sentences if not s.boilerplate]
    b_content = [s for s in b.sentences if not s.boilerplate]
    edges: dict[tuple[int, int], float] = {}
    if a_content and b_content:
        a_texts, b_texts = [s.norm for s in a_content], [s.norm for s in b_content]
        if space is None:
            combined = SentenceSimilarity(config.word_weight).fit([*a_texts, *b_texts])
            raw = combined.matrix(a_texts, b_texts)
        else:
            raw = space.model_.matrix(space.sentences(a), space.sentences(b))
        similarity = eligible_similarity(raw, a_texts, b_texts, config)
        edges = _select_edges(a_content, b_content, similarity, config)
    a_tokens = {s.index: lower_words(s.norm) for s in a_content}
    b_tokens = {s.index: lower_words(s.norm) for s in b_content}
    links_a = _links(a, edges, a_tokens, b_tokens, config, side=0)
    links_b = _links(b, edges, b_tokens, a_tokens, config, side=1)
    pairs = _pairs(edges, a_tokens, b_tokens, config)
    return Alignment(links_a, links_b, pairs)


def sentence_similarity_matrix(
    a_texts: Sequence[str], b_texts: Sequence[str], config: AlignConfig | None = None
) -> FloatMatrix:
    """Combined TF-IDF similarity of every sentence of ``a_texts`` with every one of ``b_texts``.

    IDF weights are fitted on the sentences of both sides together; ineligible pairs score 0
    (see :func:`eligible_similarity`).
    """
    config = config or AlignConfig()
    model = SentenceSimilarity(config.word_weight).fit([*a_texts, *b_texts])
    return eligible_similarity(model.matrix(a_texts, b_texts), a_texts, b_texts, config)


def eligible_similarity(
    combined: FloatMatrix, a_texts: Sequence[str], b_texts: Sequence[str], config: AlignConfig
) -> FloatMatrix:
    """Zero the pairs that share fewer than ``min_shared_content_words`` content words.

    Names do not count (a name is capitalised mid-sentence and never lower-case in these
    texts), unless the two sentences are nearly the same words.
    """
    import numpy as np

    names = name_vocabulary([*a_texts, *b_texts])
    a_content = [content_stems(words(t), names) for t in a_texts]
    b_content = [content_stems(words(t), names) for t in b_texts]
    floor = min(config.min_similarity, config.secondary_similarity)
    eligible = np.zeros(combined.shape, dtype=bool)
    for row, a_stems in enumerate(a_content):
        for column in np.flatnonzero(combined[row] >= floor).tolist():
            shared = len(a_stems & b_content[column])
            eligible[row, column] = shared >= config.min_shared_content_words or _verbatim(
                a_texts[row], b_texts[column], config
            )
    result: FloatMatrix = np.where(eligible, combined, 0.0)
    return result


def _verbatim(a_text: str, b_text: str, config: AlignConfig) -> bool:
    """True when two sentences are (nearly) the same words: a copy even if it is all names."""
    a_words, b_words = lower_words(a_text), lower_words(b_text)
    if min(len(a_words), len(b_words)) < _MIN_VERBATIM_WORDS:
        return a_words == b_words and bool(a_words)
    return token_overlap(a_words, b_words) >= config.copy_threshold


def _select_edges(
    a_content: Sequence[Sentence],
    b_content: Sequence[Sentence],
    similarity: FloatMatrix,
    config: AlignConfig,
) -> dict[tuple[int, int], float]:
    """Pick (a index, b index) links: each sentence's best match, plus covering extras."""
    edges: dict[tuple[int, int], float] = {}
    names = name_vocabulary([s.norm for s in (*a_content, *b_content)])
    a_stems = [content_stems(words(s.norm), names) for s in a_content]
    b_stems = [content_stems(words(s.norm), names) for s in b_content]
    for row in range(len(a_content)):
        for column in _best_with_extras(similarity[row], a_stems[row], b_stems, config):
            edges[(a_content[row].index, b_content[column].index)] = float(similarity[row, column])
    for column in range(len(b_content)):
        for row in _best_with_extras(similarity[:, column], b_stems[column], a_stems, config):
            edges[(a_content[row].index, b_content[column].index)] = float(similarity[row, column])
    return edges


def _best_with_extras(
    scores: FloatMatrix, own_stems: set[str], other_stems: Sequence[set[str]], config: AlignConfig
) -> list[int]:
    """Indices of the best counterpart and of further ones that cover more of ``own_stems``."""
    import numpy as np

    order = [int(i) for i in np.argsort(-scores, kind="stable")]
    # A zero score means "not eligible", whatever the thresholds say.
    if not order or scores[order[0]] <= 0.0 or scores[order[0]] < config.min_similarity:
        return []
    chosen = [order[0]]
    covered = own_stems & other_stems[order[0]]
    for candidate in order[1:]:
        if scores[candidate] <= 0.0 or scores[candidate] < config.secondary_similarity:
            break
        gain = (own_stems & other_stems[candidate]) - covered
        if len(gain) >= config.min_shared_content_words and len(gain) >= 0.2 * len(own_stems):
            chosen.append(candidate)
            covered |= gain
    return chosen


def token_overlap(x: Sequence[str], y: Sequence[str]) -> float:
    """Share of the shorter token sequence that lies in runs shared verbatim with the other.

    Runs must be at least two tokens long (unless a sequence is that short), so scattered common
    words do not make a paraphrase look copied.

    Example:
        >>> token_overlap("the talks are moving forward".split(), "talks are moving ahead".split())
        0.75
    """
    if not x or not y:
        return 0.0
    matcher = difflib.SequenceMatcher(None, x, y, autojunk=False)
    minimum_run = min(_MIN_RUN, len(x), len(y))
    matched = sum(
        block.size for block in matcher.get_matching_blocks() if block.size >= minimum_run
    )
    return matched / min(len(x), len(y))


def label_for(overlap: float, config: AlignConfig) -> Label:
    """*copied* when the verbatim overlap reaches the copy threshold, else *paraphrased*."""
    return "copied" if overlap >= config.copy_threshold else "paraphrased"


def _links(
    doc: Segmented,
    edges: dict[tuple[int, int], float],
    own_tokens: dict[int, list[str]],
    other_tokens: dict[int, list[str]],
    config: AlignConfig,
    side: int,
) -> tuple[SentenceLink, ...]:
    by_sentence: dict[int, list[tuple[float, int]]] = {}
    for key, score in edges.items():
        own, other = key[side], key[1 - side]
        by_sentence.setdefault(own, []).append((score, other))
    links: list[SentenceLink] = []
    for sentence in doc.sentences:
        if sentence.boilerplate:
            links.append(SentenceLink(sentence.index, "boilerplate"))
            continue
        matches = sorted(by_sentence.get(sentence.index, []), key=lambda m: (-m[0], m[1]))
        if not matches:
            links.append(SentenceLink(sentence.index, "original"))
            continue
        counterparts = tuple(other for _, other in matches)
        source_tokens = [t for index in sorted(counterparts) for t in other_tokens[index]]
        overlap = token_overlap(own_tokens[sentence.index], source_tokens)
        links.append(
            SentenceLink(
                sentence.index,
                label_for(overlap, config),
                counterparts,
                round(matches[0][0], 4),
                round(overlap, 4),
            )
        )
    return tuple(links)


def _pairs(
    edges: dict[tuple[int, int], float],
    a_tokens: dict[int, list[str]],
    b_tokens: dict[int, list[str]],
    config: AlignConfig,
) -> tuple[AlignedPair, ...]:
    """Group linked sentences into connected components: one aligned pair each."""
    parent: dict[tuple[int, int], tuple[int, int]] = {}

    def find(node: tuple[int, int]) -> tuple[int, int]:
        while parent.setdefault(node, node) != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    for a_index, b_index in edges:
        parent[find((1, b_index))] = find((0, a_index))
    components: dict[tuple[int, int], list[tuple[int, int]]] = {}
    for a_index, b_index in edges:
        components.setdefault(find((0, a_index)), []).append((a_index, b_index))
    pairs: list[AlignedPair] = []
    for members in components.values():
        a_indices = tuple(sorted({a for a, _ in members}))
        b_indices = tuple(sorted({b for _, b in members}))
        overlap = token_overlap(
            [t for i in a_indices for t in a_tokens[i]], [t for i in b_indices for t in b_tokens[i]]
        )
        similarity = max(edges[m] for m in members)
        pairs.append(
            AlignedPair(
                a_indices,
                b_indices,
                label_for(overlap, config),
                round(similarity, 4),
                round(overlap, 4),
            )
        )
    return tuple(sorted(pairs, key=lambda p: (p.a_indices, p.b_indices)))


def shares(doc: Segmented, links: Sequence[SentenceLink]) -> Shares:
    """Share of ``doc``'s content characters that are copied, paraphrased and original."""
    totals: dict[Label, int] = {"copied": 0, "paraphrased": 0, "original": 0, "boilerplate": 0}
    for sentence, link in zip(doc.sentences, links, strict=True):
        totals[link.label] += sentence.span.length
    content = totals["copied"] + totals["paraphrased"] + totals["original"]
    if content == 0:
        return Shares(0.0, 0.0, 0.0, totals["boilerplate"])
    return Shares(
        round(totals["copied"] / content, 4),
        round(totals["paraphrased"] / content, 4),
        round(totals["original"] / content, 4),
        totals["boilerplate"],
    )


def passages(
    a: Segmented, b: Segmented, pairs: Sequence[AlignedPair], config: AlignConfig | None = None
) -> tuple[Passage, ...]:
    """Merge aligned pairs that run on in both articles into passages with character spans.

    Two pairs run on when the next one follows the previous one in A and in B alike, with at
    most ``config.passage_gap`` unmatched content sentences between them on either side
    (boilerplate is skipped over): an obfuscated or lightly edited passage is one passage, not
    a row of fragments.
    """
    config = config or AlignConfig()
    a_ordinal = _content_ordinals(a)
    b_ordinal = _content_ordinals(b)
    merged: list[list[AlignedPair]] = []
    ends: list[tuple[int, int]] = []  # last content ordinal of each group in A and in B
    for pair in sorted(pairs, key=lambda p: (p.a_indices[0], p.b_indices[0])):
        a_start = a_ordinal[pair.a_indices[0]]
        b_start = b_ordinal[pair.b_indices[0]]
        a_end = max(a_ordinal[i] for i in pair.a_indices)
        b_end = max(b_ordinal[i] for i in pair.b_indices)
        # Any open passage may take the pair, most recent first: a stray match elsewhere in B
        # must not cut a passage in two.
        for position in range(len(merged) - 1, -1, -1):
            a_gap = a_start - ends[position][0]
            b_gap = b_start - ends[position][1]
            if 1 <= a_gap <= config.passage_gap + 1 and 1 <= b_gap <= config.passage_gap + 1:
                merged[position].append(pair)
                ends[position] = (max(a_end, ends[position][0]), max(b_end, ends[position][1]))
                break
        else:
            merged.append([pair])
            ends.append((a_end, b_end))
    result = []
    for group in merged:
        a_indices = tuple(i for p in group for i in p.a_indices)
        b_indices = tuple(i for p in group for i in p.b_indices)
        weights = [_chars(a, p.a_indices) + _chars(b, p.b_indices) for p in group]
        total = sum(weights) or 1
        label: Label = "copied" if all(p.label == "copied" for p in group) else "paraphrased"
        result.append(
            Passage(
                a_id=a.article.id,
                b_id=b.article.id,
                a_span=Span(
                    a.sentences[min(a_indices)].span.start, a.sentences[max(a_indices)].span.end
                ),
                b_span=Span(
                    b.sentences[min(b_indices)].span.start, b.sentences[max(b_indices)].span.end
                ),
                a_sentences=tuple(sorted(a_indices)),
                b_sentences=tuple(sorted(b_indices)),
                label=label,
                similarity=round(
                    sum(w * p.similarity for w, p in zip(weights, group, strict=True)) / total, 4
                ),
                overlap=round(
                    sum(w * p.overlap for w, p in zip(weights, group, strict=True)) / total, 4
                ),
            )
        )
    return tuple(result)


def _content_ordinals(doc: Segmented) -> dict[int, int]:
    return {s.index: position for position, s in enumerate(doc.content)}


def _chars(doc: Segmented, indices: Sequence[int]) -> int:
    return sum(doc.sentences[i].span.length for i in indices)
