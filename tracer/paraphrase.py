"""Paraphrase scoring: is one sentence a rewording of the other, or a different statement?

:class:`ParaphraseScorer` is a logistic regression over eight lexical features of a sentence
pair. It follows scikit-learn's conventions: ``fit`` learns only the inverse document
frequencies of words from the sentences at hand (no labels; the way
:class:`tracer.similarity.SentenceSimilarity` is fitted), and the fitted state carries a
trailing underscore. The regression weights are constants below, fitted once on the training
split of the Microsoft Research Paraphrase corpus (MSRP) by ``bench/fit_paraphrase.py``.

Where :class:`~tracer.similarity.SentenceSimilarity` asks *how much* two sentences share, this
asks whether what they do not share changes the statement: a number that differs, a negation on
one side only, a name or a rare content word that the other sentence lacks.

Example:
    >>> scorer = ParaphraseScorer().fit([
    ...     "Moscow can offer grain, oil and military technology.",
    ...     "Moscow could offer grain, oil and military technology.",
    ...     "The recipe needs two eggs and a cup of flour.",
    ... ])
    >>> probabilities = scorer.score(
    ...     ["Moscow can offer grain, oil and military technology."] * 2,
    ...     ["Moscow could offer grain, oil and military technology.",
    ...      "The recipe needs two eggs and a cup of flour."])
    >>> [bool(p >= DECISION_THRESHOLD) for p in probabilities]
    [True, False]
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher
from typing import TYPE_CHECKING

from tracer.tokens import STOP_WORDS, stem, words

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

    from tracer.model import Comparison

    FloatArray = npt.NDArray[np.float64]

__all__ = [
    "DECISION_THRESHOLD",
    "FEATURE_NAMES",
    "INTERCEPT",
    "WEIGHTS",
    "ParaphraseScorer",
    "SentenceView",
]

FEATURE_NAMES: tuple[str, ...] = (
    "stem_p1",
    "stem_bleu",
    "char_ratio",
    "num_diff_cnt",
    "neg_mismatch",
    "idf_unm_max",
    "cont_unm_max",
    "cap_unm_max",
)
"""The features, in the order of :meth:`ParaphraseScorer.features` columns and :data:`WEIGHTS`."""

# Logistic-regression weights in raw feature units: p = sigmoid(INTERCEPT + WEIGHTS . features).
# Fitted on MSRP *train* only (4,076 pairs; IDF fitted on the train sentences, both sides), by
# `python -m bench.fit_paraphrase`, which refits and prints these lines (scikit-learn
# LogisticRegression, C=1, on standardised features, converted back to raw units). The eight
# features were chosen by 10-fold cross-validation on train; the test split played no part.
INTERCEPT = -6.5116243
WEIGHTS: tuple[float, ...] = (
    10.083491,  # stem_p1
    -4.8502407,  # stem_bleu
    5.4049532,  # char_ratio
    -0.19783162,  # num_diff_cnt
    -1.2480729,  # neg_mismatch
    -0.65113679,  # idf_unm_max
    0.36675093,  # cont_unm_max
    0.090338868,  # cap_unm_max
)

DECISION_THRESHOLD = 0.5
"""A pair is a paraphrase when its probability is at least this: the regression's own cut."""

# Numbers keep their separators ("1,200.50" is one token); "n't" is split off so that "didn't"
# carries a negation token.
_TOKEN = re.compile(r"\d+(?:[.,]\d+)*|\w+(?:['-]\w+)*|[^\w\s]")
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
_WORD_CHAR = re.compile(r"\w")
_NEGATIONS = frozenset("not no never n't nobody nothing none neither nor without cannot".split())
# Content words are everything but function words. tracer's STOP_WORDS also hold negations and
# reporting verbs, which here are content: "said" against "denied" changes the statement.
_FUNCTION_WORDS = STOP_WORDS - {
    "said",
    "say",
    "says",
    "told",
    "reported",
    "according",
    "not",
    "no",
    "never",
    "nor",
}
_BLEU_ORDERS = (1, 2, 3, 4)
_BLEU_SMOOTHING = 0.01


def _tokens(text: str) -> list[str]:
    return [token.lower() for token in _TOKEN.findall(text.replace("n't", " n't"))]


def _number(token: str) -> str:
    """A number as a value: "1,200" and "1200" agree, as do "2.50" and "2.5"."""
    token = token.replace(",", "")
    if "." in token:
        token = token.rstrip("0").rstrip(".")
    return token


def _ngrams(sequence: Sequence[str], n: int) -> Counter[tuple[str, ...]]:
    return Counter(tuple(sequence[i : i + n]) for i in range(len(sequence) - n + 1))


@dataclass(frozen=True, slots=True)
class SentenceView:
    """What the features read of one sentence, computed once per sentence.

    Example:
        >>> view = SentenceView.of("Oil didn't rise 2.50 pct in New York.")
        >>> view.stems
        ('oil', 'did', "n't", 'rise', '2.50', 'pct', 'in', 'new', 'york')
        >>> sorted(view.numbers), sorted(view.capitalised), view.negated
        (['2.5'], ['new', 'york'], True)
    """

    lowered: str
    stems: tuple[str, ...]
    content: frozenset[str]
    numbers: frozenset[str]
    capitalised: frozenset[str]
    negated: bool

    @classmethod
    def of(cls, text: str) -> SentenceView:
        """Analyse ``text``: stems of its words, content stems, numbers, names, negation."""
        tokens = _tokens(text)
        word_tokens = [t for t in tokens if _WORD_CHAR.search(t)]
        sentence_words = words(text)
        return cls(
            lowered=text.lower(),
            stems=tuple(stem(t) for t in word_tokens),
            content=frozenset(stem(t) for t in word_tokens if t not in _FUNCTION_WORDS),
            numbers=frozenset(_number(n) for n in _NUMBER.findall(text)),
            # Capitalised words other than the first: names, mostly.
            capitalised=frozenset(
                w.lower() for i, w in enumerate(sentence_words) if i > 0 and w[:1].isupper()
            ),
            negated=any(t in _NEGATIONS for t in tokens),
        )


class ParaphraseScorer:
    """Probability that two sentences are paraphrases, from eight lexical features.

    The features of a pair (columns of :meth:`features`, names in :data:`FEATURE_NAMES`):

    - ``stem_p1``: unigram overlap of word stems (clipped counts) over the longer sentence;
    - ``stem_bleu``: geometric mean, for n = 1..4, of the F-measure of n-gram overlap on stems
      (each plus 0.01, so that a missing 4-gram match does not zero it);
    - ``char_ratio``: :class:`difflib.SequenceMatcher` ratio of the lower-cased texts;
    - ``num_diff_cnt``: numbers in one sentence only ("1,200" equals "1200");
    - ``neg_mismatch``: 1 when only one sentence has a negation;
    - ``idf_unm_max``: summed IDF of the content stems found in one sentence only (larger side),
      in units of the largest IDF (a stem never seen), so that the figure means the same whether
      IDF was fitted on two articles or on thousands of sentences;
    - ``cont_unm_max``: how many such stems (larger side);
    - ``cap_unm_max``: capitalised non-initial words found in one sentence only (larger side).

    IDF is ``ln((N + 1) / (df + 1)) + 1`` over the ``N`` sentences given to :meth:`fit`.

    The weights were fitted on MSRP, news sentences of about twenty words that share much of
    their vocabulary; the features know nothing of meaning, so an antonym ("rose" / "fell") in an
    otherwise identical sentence is not caught, and very short sentences are outside what the
    model has seen.

    Example:
        >>> said = "The company said profit rose 5 percent to $1.2 billion."
        >>> others = ["Profit climbed 5 percent to $1.2 billion, the company said.",
        ...           "The company did not say whether profit would rise in the third quarter."]
        >>> scorer = ParaphraseScorer().fit([said, *others])
        >>> [round(float(x), 2) for x in scorer.score([said, said], others)]
        [0.96, 0.02]
    """

    def fit(self, sentences: Iterable[str]) -> ParaphraseScorer:
        """Learn document frequencies of word stems from ``sentences``; no labels involved."""
        document_frequency: Counter[str] = Counter()
        count = 0
        for text in sentences:
            count += 1
            document_frequency.update({stem(t) for t in _tokens(text) if _WORD_CHAR.search(t)})
        self.n_sentences_ = count
        self.document_frequency_ = document_frequency
        self.max_idf_ = math.log(count + 1) + 1.0
        return self

    def idf(self, stem_: str) -> float:
        """Inverse document frequency of a stem; an unseen stem gets the largest value.

        Example:
            >>> scorer = ParaphraseScorer().fit(["Oil rose.", "Oil fell."])
            >>> round(scorer.idf("oil"), 3), round(scorer.idf("rose"), 3)
            (1.0, 1.405)
        """
        self._check_fitted()
        return (
            math.log((self.n_sentences_ + 1) / (self.document_frequency_.get(stem_, 0) + 1)) + 1.0
        )

    def pair_features(self, first: str | SentenceView, second: str | SentenceView) -> list[float]:
        """The eight features of one pair, in :data:`FEATURE_NAMES` order.

        Either side may be a :class:`SentenceView` already computed, to analyse a sentence
        once when it is scored against several others.

        Example:
            >>> scorer = ParaphraseScorer().fit(["Oil rose 2 pct.", "Oil fell 3 pct."])
            >>> [round(x, 3) for x in scorer.pair_features("Oil rose 2 pct.", "Oil fell 3 pct.")]
            [0.5, 0.027, 0.733, 2.0, 0.0, 1.339, 2.0, 0.0]
        """
        self._check_fitted()
        a = first if isinstance(first, SentenceView) else SentenceView.of(first)
        b = second if isinstance(second, SentenceView) else SentenceView.of(second)
        log_sum = 0.0
        unigram_overlap = 0.0
        for n in _BLEU_ORDERS:
            a_grams, b_grams = _ngrams(a.stems, n), _ngrams(b.stems, n)
            shared = sum(min(c, b_grams[g]) for g, c in a_grams.items() if g in b_grams)
            a_total, b_total = max(len(a.stems) - n + 1, 0), max(len(b.stems) - n + 1, 0)
            precision = shared / a_total if a_total else 0.0
            recall = shared / b_total if b_total else 0.0
            f_measure = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
            if n == 1:
                unigram_overlap = min(precision, recall)
            log_sum += math.log(f_measure + _BLEU_SMOOTHING)
        char_ratio = SequenceMatcher(None, a.lowered, b.lowered, autojunk=False).ratio()
        a_only, b_only = a.content - b.content, b.content - a.content
        return [
            unigram_overlap,
            math.exp(log_sum / len(_BLEU_ORDERS)),
            char_ratio,
            float(len(a.numbers ^ b.numbers)),
            float(a.negated != b.negated),
            max(sum(map(self.idf, a_only)), sum(map(self.idf, b_only))) / self.max_idf_,
            float(max(len(a_only), len(b_only))),
            float(max(len(a.capitalised - b.capitalised), len(b.capitalised - a.capitalised))),
        ]

    def features(
        self, first: Sequence[str | SentenceView], second: Sequence[str | SentenceView]
    ) -> FloatArray:
        """The features of each pair ``(first[i], second[i])``: one row per pair, 8 columns."""
        import numpy as np

        if len(first) != len(second):
            raise ValueError(f"{len(first)} first sentences but {len(second)} second ones")
        rows = [self.pair_features(a, b) for a, b in zip(first, second, strict=True)]
        result: FloatArray = np.array(rows, dtype=np.float64).reshape(len(rows), len(WEIGHTS))
        return result

    def score(
        self, first: Sequence[str | SentenceView], second: Sequence[str | SentenceView]
    ) -> FloatArray:
        """Probability that ``first[i]`` and ``second[i]`` are paraphrases, for each ``i``."""
        import numpy as np

        logits = self.features(first, second) @ np.array(WEIGHTS) + INTERCEPT
        result: FloatArray = 1.0 / (1.0 + np.exp(-logits))
        return result

    def _check_fitted(self) -> None:
        if not hasattr(self, "document_frequency_"):
            raise ValueError("ParaphraseScorer is not fitted yet: call fit(sentences) first")


def pair_probabilities(comparison: Comparison) -> tuple[float, ...]:
    """Paraphrase probability of each aligned pair of ``comparison``, in ``pairs`` order.

    A second opinion next to the similarity that linked the pair: IDF is fitted on the content
    sentences of the two articles (as alignment weighs terms by the pair alone), and a pair of
    several sentences on a side is scored on their joined text. ``tracer compare`` shows it.

    Example:
        >>> from tracer.api import compare
        >>> result = compare("Moscow could pay for the weapons with grain and oil.",
        ...                  "Moscow can pay for the weapons with grain and oil.")
        >>> [p > DECISION_THRESHOLD for p in pair_probabilities(result)]
        [True]
    """
    if not comparison.pairs:
        return ()
    a_sentences, b_sentences = comparison.a.sentences, comparison.b.sentences
    scorer = ParaphraseScorer().fit(s.text for s in (*comparison.a.content, *comparison.b.content))
    first = [" ".join(a_sentences[i].text for i in pair.a_indices) for pair in comparison.pairs]
    second = [" ".join(b_sentences[i].text for i in pair.b_indices) for pair in comparison.pairs]
    return tuple(round(float(p), 4) for p in scorer.score(first, second))
