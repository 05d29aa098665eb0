"""Refit the weights of ``tracer.paraphrase`` on MSRP train and print them as Python constants.

Run from the repository root::

    python -m bench.fit_paraphrase --eval ../shared/eval

Only the training split is read. Features are ``ParaphraseScorer.features`` with IDF fitted on
the train sentences (both sides), exactly as ``bench/msrp.py`` fits it on the split it scores.
The model is scikit-learn's ``LogisticRegression(C=1)`` on standardised features; its weights are
converted back to raw feature units so that the library needs neither scikit-learn nor the
scaler. The script also prints repeated 10-fold cross-validation on train for the two decision
rules (the regression's 0.5, and ``bench.metrics.best_threshold`` fitted on the training folds),
which is how the rule ``bench/msrp.py`` reports was chosen, and how far the constants in
``tracer/paraphrase.py`` are from this refit.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from bench.datasets import DEFAULT_EVAL_DIR, MsrpPair, load_msrp
from bench.metrics import accuracy, best_threshold, binary_f1
from tracer import paraphrase
from tracer.paraphrase import FEATURE_NAMES, ParaphraseScorer

REGULARISATION = 1.0
CV_FOLDS = 10
CV_SEEDS = (0, 1, 2, 3, 4)


def training_features(pairs: Sequence[MsrpPair]) -> tuple[Any, Any]:
    """Feature matrix and labels of ``pairs``, IDF fitted on their sentences (no labels)."""
    first = [p.sentence1 for p in pairs]
    second = [p.sentence2 for p in pairs]
    scorer = ParaphraseScorer().fit([*first, *second])
    return scorer.features(first, second), np.array([p.label for p in pairs])


def _model() -> Any:
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    return make_pipeline(StandardScaler(), LogisticRegression(C=REGULARISATION, max_iter=5000))


def raw_unit_weights(
    mean: Sequence[float], scale: Sequence[float], coef: Sequence[float], intercept: float
) -> tuple[float, list[float]]:
    """Intercept and weights on raw features of a linear model fitted on standardised ones.

    ``w . (x - mean) / scale + b`` equals ``(w / scale) . x + (b - sum(w * mean / scale))``.

    Example:
        >>> raw_unit_weights([1.0, 0.0], [2.0, 1.0], [4.0, 3.0], 0.5)
        (-1.5, [2.0, 3.0])
    """
    weights = [w / s for w, s in zip(coef, scale, strict=True)]
    return intercept - sum(w * m for w, m in zip(weights, mean, strict=True)), weights


def fit(features: Any, labels: Any) -> tuple[float, list[float]]:
    """Fit the regression on all of ``features``; its intercept and weights in raw units."""
    model = _model().fit(features, labels)
    scaler, regression = model[0], model[1]
    return raw_unit_weights(
        [float(x) for x in scaler.mean_],
        [float(x) for x in scaler.scale_],
        [float(x) for x in regression.coef_[0]],
        float(regression.intercept_[0]),
    )


def cross_validate(features: Any, labels: Any) -> dict[str, dict[str, float]]:
    """Mean accuracy and F1 of repeated stratified 10-fold CV, per decision rule."""
    from sklearn.model_selection import StratifiedKFold

    results: dict[str, dict[str, list[float]]] = {
        rule: {"accuracy": [], "f1": []} for rule in ("0.5", "best_threshold")
    }
    gold = [int(x) for x in labels]
    for seed in CV_SEEDS:
        predicted: dict[str, list[int]] = {rule: [0] * len(gold) for rule in results}
        folds = StratifiedKFold(CV_FOLDS, shuffle=True, random_state=seed)
        for train_rows, held_out in folds.split(features, labels):
            model = _model().fit(features[train_rows], labels[train_rows])
            fitted = model.predict_proba(features[train_rows])[:, 1]
            threshold = best_threshold([float(x) for x in fitted], [gold[i] for i in train_rows])
            probabilities = model.predict_proba(features[held_out])[:, 1]
            for row, p in zip(held_out, probabilities, strict=True):
                predicted["0.5"][row] = int(p >= 0.5)
                predicted["best_threshold"][row] = int(p >= threshold)
        for rule, values in predicted.items():
            results[rule]["accuracy"].append(accuracy(gold, values))
            results[rule]["f1"].append(binary_f1(gold, values))
    return {
        rule: {name: float(np.mean(values)) for name, values in figures.items()}
        for rule, figures in results.items()
    }


def constants_source(intercept: float, weights: Sequence[float]) -> str:
    """The lines of ``tracer/paraphrase.py`` that hold the weights.

    Example:
        >>> print(constants_source(-1.0, [0.5] * 8).splitlines()[1])
        WEIGHTS: tuple[float, ...] = (
    """
    lines = [f"INTERCEPT = {intercept:.8g}", "WEIGHTS: tuple[float, ...] = ("]
    lines += [f"    {w:.8g},  # {name}" for w, name in zip(weights, FEATURE_NAMES, strict=True)]
    lines.append(")")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> None:
    """Refit on MSRP train, print CV figures and the constants."""
    parser = argparse.ArgumentParser(prog="python -m bench.fit_paraphrase")
    parser.add_argument("--eval", type=Path, default=DEFAULT_EVAL_DIR, help="evaluation data")
    args = parser.parse_args(argv)
    features, labels = training_features(load_msrp("train", args.eval))
    print(f"MSRP train: {len(labels)} pairs, {int(labels.sum())} paraphrases")
    for rule, figures in cross_validate(features, labels).items():
        print(
            f"{CV_FOLDS}-fold CV x {len(CV_SEEDS)} seeds, rule {rule}: "
            f"accuracy {figures['accuracy']:.4f}, F1 {figures['f1']:.4f}"
        )
    intercept, weights = fit(features, labels)
    print()
    print(constants_source(intercept, weights))
    drift = max(
        abs(intercept - paraphrase.INTERCEPT),
        *(abs(w - c) for w, c in zip(weights, paraphrase.WEIGHTS, strict=True)),
    )
    print(f"\nlargest difference from the constants in tracer/paraphrase.py: {drift:.2g}")


if __name__ == "__main__":
    main()
