"""MSRP: tracer's sentence similarity as a paraphrase classifier on news sentence pairs.

The score is ``tracer.similarity.SentenceSimilarity``, the function alignment is built on,
with the library's default ``word_weight``. Its IDF weights are fitted on the sentences of the
split being scored, as alignment fits them on the articles at hand; no label is involved. The
decision threshold is fitted on train only (``bench.metrics.best_threshold``) and applied
unchanged to test. A second classifier also picks ``word_weight`` on train, to show whether
the library's mix of word and character cosines is the right one for this task.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from bench.common import BenchResult, Row, RunContext, Target
from bench.datasets import MsrpPair, load_msrp
from bench.metrics import (
    accuracy,
    best_threshold,
    binary_f1,
    binary_precision,
    binary_recall,
)
from tracer.config import AlignConfig
from tracer.similarity import SentenceSimilarity

TARGET_ACCURACY = 0.75
TARGET_F1 = 0.82
WORD_WEIGHT_GRID = (0.0, 0.25, 0.5, 0.75, 1.0)


def sentence_pair_scores(
    first: Sequence[str], second: Sequence[str], word_weight: float
) -> list[float]:
    """tracer's similarity of each pair ``(first[i], second[i])``.

    IDF is fitted on all the sentences given (both sides), the way alignment fits it on the
    sentences of the two articles it compares.

    Example:
        >>> scores = sentence_pair_scores(["Moscow can offer grain.", "Oil rose."],
        ...                               ["Moscow could offer grain.", "The recipe needs eggs."],
        ...                               0.5)
        >>> scores[0] > scores[1]
        True
    """
    model = SentenceSimilarity(word_weight).fit([*first, *second])
    return [float(x) for x in model.score(first, second)]


def _scores(pairs: Sequence[MsrpPair], word_weight: float) -> list[float]:
    return sentence_pair_scores(
        [p.sentence1 for p in pairs], [p.sentence2 for p in pairs], word_weight
    )


def classify(
    train: Sequence[MsrpPair], test: Sequence[MsrpPair], word_weight: float
) -> dict[str, Any]:
    """Fit the threshold on train, apply it to both splits; the figures of each split."""
    train_scores = _scores(train, word_weight)
    threshold = best_threshold(train_scores, [p.label for p in train])
    figures: dict[str, Any] = {"word_weight": word_weight, "threshold": threshold}
    for split, pairs, scores in (
        ("train", train, train_scores),
        ("test", test, _scores(test, word_weight)),
    ):
        gold = [p.label for p in pairs]
        predicted = [int(s >= threshold) for s in scores]
        figures[split] = {
            "pairs": len(pairs),
            "accuracy": accuracy(gold, predicted),
            "f1": binary_f1(gold, predicted),
            "precision": binary_precision(gold, predicted),
            "recall": binary_recall(gold, predicted),
            "majority_accuracy": max(sum(gold), len(gold) - sum(gold)) / len(gold),
        }
    return figures


def run(context: RunContext) -> BenchResult:
    """Accuracy and F1 on MSRP test with the threshold (and optionally the mix) fit on train."""
    train = load_msrp("train", context.eval_dir)
    test = load_msrp("test", context.eval_dir)
    default_weight = AlignConfig().word_weight
    default = classify(train, test, default_weight)
    grid = {weight: classify(train, test, weight) for weight in WORD_WEIGHT_GRID}
    # Highest train accuracy; ties go to the library default, then to the lower weight.
    fitted_weight = max(
        grid,
        key=lambda w: (grid[w]["train"]["accuracy"], w == default_weight, -w),
    )
    fitted = grid[fitted_weight]

    def split_values(figures: dict[str, Any], key: str) -> dict[str, Any]:
        return {split: figures[split][key] for split in ("train", "test")}

    rows = (
        Row(
            "accuracy",
            split_values(default, "accuracy"),
            "3f",
            Target(">=", TARGET_ACCURACY, "test"),
        ),
        Row(
            "F1 (paraphrase class)",
            split_values(default, "f1"),
            "3f",
            Target(">=", TARGET_F1, "test"),
        ),
        Row("  precision", split_values(default, "precision"), "3f"),
        Row("  recall", split_values(default, "recall"), "3f"),
        Row("threshold (fitted on train)", {"train": default["threshold"]}, "3f"),
        Row("majority-class accuracy", split_values(default, "majority_accuracy"), "3f"),
        Row(
            f"accuracy, word_weight fitted on train ({fitted_weight:g})",
            split_values(fitted, "accuracy"),
            "3f",
        ),
        Row(
            f"F1, word_weight fitted on train ({fitted_weight:g})",
            split_values(fitted, "f1"),
            "3f",
        ),
    )
    return BenchResult(
        name="msrp",
        title="MSRP paraphrase (sentence similarity)",
        columns=("train", "test"),
        rows=rows,
        parameters={
            "similarity": "tracer.similarity.SentenceSimilarity(word_weight).score",
            "word_weight": default_weight,
            "idf": "fitted on the sentences of the split being scored (no labels)",
            "threshold": "bench.metrics.best_threshold on train scores, applied to test",
            "word_weight_grid": list(WORD_WEIGHT_GRID),
        },
        figures={
            "default": default,
            "word_weight_fitted_on_train": fitted_weight,
            "grid": {f"{w:g}": grid[w] for w in WORD_WEIGHT_GRID},
        },
    )
