"""PAN 2013 text alignment: tracer's passages scored as plagiarism detections.

Each pair is compared with ``tracer.api.compare(source, suspicious)`` using the library's
default configuration but one setting fitted on the dev pairs (:data:`PAN_CONFIG`); every
passage becomes a detection with its character spans in both documents. Figures are PAN's
(macro precision/recall, granularity, plagdet) per obfuscation category and overall, the share
of detections that carry the expected label (verbatim cases ``copied``, obfuscated ones
``paraphrased``), and the share of characters flagged on the negative pairs. Nothing is fitted
on test: the dev split is reported next to it so a divergence shows.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from statistics import fmean
from typing import Any

from bench.common import BenchResult, Row, RunContext, Target
from bench.datasets import PanPair, load_pan13
from bench.metrics import (
    OVERALL,
    PanAnnotation,
    PanPairOutcome,
    PanScores,
    false_positive_char_share,
    pan_scores_by_category,
)
from tracer.api import compare
from tracer.config import AlignConfig, TracerConfig
from tracer.model import Article, Label, Span

NEGATIVE = "01-no-plagiarism"
CATEGORIES = (
    "02-no-obfuscation",
    "03-random-obfuscation",
    "04-translation-obfuscation",
    "05-summary-obfuscation",
)
EXPECTED_LABEL: dict[str, Label] = {
    "02-no-obfuscation": "copied",
    "03-random-obfuscation": "paraphrased",
    "04-translation-obfuscation": "paraphrased",
    "05-summary-obfuscation": "paraphrased",
}
SHORT_NAMES = {
    "02-no-obfuscation": "02 no obfuscation",
    "03-random-obfuscation": "03 random",
    "04-translation-obfuscation": "04 translation chain",
    "05-summary-obfuscation": "05 summary",
    OVERALL: "overall",
}
PLAGDET_TARGETS = {
    "02-no-obfuscation": 0.92,
    "03-random-obfuscation": 0.88,
    "04-translation-obfuscation": 0.85,
    "05-summary-obfuscation": 0.55,
    OVERALL: 0.88,
}
MAX_NEGATIVE_FP_SHARE = 0.02
MEASURE_LABELS = {
    "precision": "precision",
    "recall": "recall",
    "granularity": "granularity",
    "f1_without_granularity": "F1(P, R)",
}
PAN_CONFIG = TracerConfig(align=AlignConfig(lone_similarity=0.5, min_passage_chars=200))
"""Library defaults but two, fitted on the dev pairs: lone weak pairs are dropped
(``AlignConfig.lone_similarity``), and so are passages shorter than 200 characters in both
documents (``AlignConfig.min_passage_chars``; no PAN case is). The defaults keep both, as news
needs; between long web pages on one subject they are mostly chance."""
QUICK_PAIRS_PER_CATEGORY = 20
"""Quick mode scores the first pairs of each category in ``dev-pairs`` order: with 20 that is
the whole dev split (about 10 s), so the quick figure equals the dev column of a full run."""


def detect(
    pair: PanPair, config: TracerConfig | None = None
) -> tuple[tuple[PanAnnotation, Label], ...]:
    """tracer's reused passages in ``pair`` as PAN detections, each with tracer's label.

    The source document is ``a`` and the suspicious one ``b``, so ``b_span`` is the suspicious
    span and ``a_span`` the source span.
    """
    comparison = compare(
        Article(pair.source_id, pair.source_text),
        Article(pair.suspicious_id, pair.suspicious_text),
        config,
    )
    detections = []
    for passage in comparison.passages:
        if passage.a_span.length + passage.b_span.length == 0:
            continue
        annotation = PanAnnotation(
            pair.suspicious_id, passage.b_span, pair.source_id, passage.a_span
        )
        detections.append((annotation, passage.label))
    return tuple(detections)


def _overlaps_case(detection: PanAnnotation, cases: Iterable[PanAnnotation]) -> bool:
    return any(
        detection.suspicious_span.overlaps(case.suspicious_span)
        and detection.source_span.overlaps(case.source_span)
        for case in cases
    )


def covered_share(target: Span, spans: Iterable[Span]) -> float:
    """Share of ``target``'s characters that at least one of ``spans`` covers.

    Example:
        >>> covered_share(Span(0, 10), [Span(0, 4), Span(2, 6), Span(8, 20)])
        0.8
    """
    covered, reach = 0, target.start
    for span in sorted(spans, key=lambda s: s.start):
        start, end = max(span.start, reach, target.start), min(span.end, target.end)
        if end > start:
            covered += end - start
            reach = end
    return covered / target.length if target.length else 0.0


def evaluate(pairs: Sequence[PanPair], config: TracerConfig | None = None) -> dict[str, Any]:
    """Detect on every pair and score: PAN figures, label accuracy, negatives, error counts."""
    outcomes: list[PanPairOutcome] = []
    labels_on_cases: dict[str, Counter[str]] = defaultdict(Counter)
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    case_chars: dict[str, list[int]] = defaultdict(list)
    side_recall: dict[str, list[tuple[float, float]]] = defaultdict(list)
    detection_chars: dict[str, list[int]] = defaultdict(list)
    negatives: dict[tuple[str, str], tuple[int, int]] = {}
    caseless: dict[tuple[str, str], tuple[int, int]] = {}
    all_detections: list[PanAnnotation] = []
    for pair in pairs:
        found = detect(pair, config)
        detections = tuple(annotation for annotation, _ in found)
        all_detections.extend(detections)
        outcomes.append(PanPairOutcome(pair.category, pair.cases, detections))
        tally = counts[pair.category]
        tally["pairs"] += 1
        tally["cases"] += len(pair.cases)
        tally["detections"] += len(detections)
        if not pair.cases:
            lengths = (len(pair.suspicious_text), len(pair.source_text))
            caseless[(pair.suspicious_id, pair.source_id)] = lengths
            if pair.category == NEGATIVE:
                negatives[(pair.suspicious_id, pair.source_id)] = lengths
            tally["pairs_without_case"] += 1
            tally["pairs_without_case_flagged"] += bool(detections)
        for case in pair.cases:
            case_chars[pair.category].append(case.length)
            hits = [d for d in detections if _overlaps_case(d, (case,))]
            tally["cases_detected" if hits else "cases_missed"] += 1
            side_recall[pair.category].append(
                (
                    covered_share(case.suspicious_span, (h.suspicious_span for h in hits)),
                    covered_share(case.source_span, (h.source_span for h in hits)),
                )
            )
        for annotation, label in found:
            detection_chars[pair.category].append(annotation.length)
            if _overlaps_case(annotation, pair.cases):
                labels_on_cases[pair.category][label] += 1
            else:
                tally["detections_on_no_case"] += 1
    label_accuracy: dict[str, float | None] = {}
    for category in CATEGORIES:
        labelled = sum(labels_on_cases[category].values())
        expected = labels_on_cases[category][EXPECTED_LABEL[category]]
        label_accuracy[category] = expected / labelled if labelled else None
    labelled_total = sum(sum(labels_on_cases[c].values()) for c in CATEGORIES)
    expected_total = sum(labels_on_cases[c][EXPECTED_LABEL[c]] for c in CATEGORIES)
    label_accuracy[OVERALL] = expected_total / labelled_total if labelled_total else None
    return {
        "scores": {name: _scores_dict(s) for name, s in pan_scores_by_category(outcomes).items()},
        "label_accuracy": label_accuracy,
        "labels_on_cases": {c: dict(labels_on_cases[c]) for c in CATEGORIES},
        "negative_fp_char_share": (
            false_positive_char_share(all_detections, negatives) if negatives else None
        ),
        "caseless_fp_char_share": (
            false_positive_char_share(all_detections, caseless) if caseless else None
        ),
        "diagnostics": {
            category: {
                **dict(tally),
                "mean_case_chars": round(fmean(case_chars[category]), 1)
                if case_chars[category]
                else None,
                "mean_detection_chars": round(fmean(detection_chars[category]), 1)
                if detection_chars[category]
                else None,
                # Recall of each document separately: where the missing characters are.
                "suspicious_side_recall": fmean(r for r, _ in side_recall[category])
                if side_recall[category]
                else None,
                "source_side_recall": fmean(r for _, r in side_recall[category])
                if side_recall[category]
                else None,
            }
            for category, tally in sorted(counts.items())
        },
    }


def _scores_dict(scores: PanScores) -> dict[str, float | int]:
    total = scores.recall + scores.precision
    return {
        "recall": scores.recall,
        "precision": scores.precision,
        "granularity": scores.granularity,
        "plagdet": scores.plagdet,
        # What plagdet would be with one detection per case: how much fragmentation costs.
        "f1_without_granularity": 2 * scores.recall * scores.precision / total if total else 0.0,
        "cases": scores.cases,
        "detections": scores.detections,
    }


def quick_subset(pairs: Sequence[PanPair], per_category: int) -> tuple[PanPair, ...]:
    """The first ``per_category`` pairs of each category, in file order."""
    taken: Counter[str] = Counter()
    chosen = []
    for pair in pairs:
        if taken[pair.category] < per_category:
            taken[pair.category] += 1
            chosen.append(pair)
    return tuple(chosen)


def pan13_rows(
    by_split: dict[str, dict[str, Any]],
    target_column: str | None,
    categories: Sequence[str] = CATEGORIES,
) -> tuple[Row, ...]:
    """The table rows of PAN figures per split, for ``categories`` and overall, with the
    targets checked on ``target_column`` (``None``: no targets); the negatives' row only when
    ``categories`` are PAN's own."""

    def values(get: Any) -> dict[str, Any]:
        return {split: get(figures) for split, figures in by_split.items()}

    def target(value: float, op: Any = ">=") -> Target | None:
        return Target(op, value, target_column) if target_column else None

    rows = []
    for category in (*categories, OVERALL):
        name = SHORT_NAMES[category]
        rows.append(
            Row(
                f"plagdet {name}",
                values(lambda f, c=category: f["scores"].get(c, {}).get("plagdet")),
                "3f",
                target(PLAGDET_TARGETS[category]),
            )
        )
        for measure, label in MEASURE_LABELS.items():
            rows.append(
                Row(
                    f"  {label} {name}",
                    values(lambda f, c=category, m=measure: f["scores"].get(c, {}).get(m)),
                    "3f",
                )
            )
    for category in (*categories, OVERALL):
        expected = "copied" if category == "02-no-obfuscation" else "paraphrased"
        if category == OVERALL:
            expected = "expected"
        rows.append(
            Row(
                f"label accuracy {SHORT_NAMES[category]} ({expected})",
                values(lambda f, c=category: f["label_accuracy"].get(c)),
                "3f",
            )
        )
    if tuple(categories) != CATEGORIES:
        return tuple(rows)
    rows.append(
        Row(
            "false-positive chars on negatives (01)",
            values(lambda f: f["negative_fp_char_share"]),
            "pct",
            target(MAX_NEGATIVE_FP_SHARE, "<"),
        )
    )
    return tuple(rows)


def run(context: RunContext) -> BenchResult:
    """Score tracer on PAN13: dev and test in full mode, a small dev subset in quick mode."""
    config = PAN_CONFIG
    if context.mode == "quick":
        dev = quick_subset(load_pan13("dev", context.eval_dir), QUICK_PAIRS_PER_CATEGORY)
        splits = {"dev": dev}
        target_column = None
        name, title = "pan13-quick", "PAN13 text alignment (quick: dev split only)"
    else:
        splits = {
            "dev": load_pan13("dev", context.eval_dir),
            "test": load_pan13("test", context.eval_dir),
        }
        target_column = "test"
        name, title = "pan13", "PAN13 text alignment"
    by_split = {split: evaluate(pairs, config) for split, pairs in splits.items()}
    return BenchResult(
        name=name,
        title=title,
        columns=tuple(splits),
        rows=pan13_rows(by_split, target_column),
        parameters={
            "config": "TracerConfig() defaults but align.lone_similarity = "
            f"{PAN_CONFIG.align.lone_similarity} and align.min_passage_chars = "
            f"{PAN_CONFIG.align.min_passage_chars}",
            "direction": "compare(a=source document, b=suspicious document)",
            "detection": "each Comparison.passage: b_span in the suspicious, a_span in the source",
            "pairs": {split: len(pairs) for split, pairs in splits.items()},
            "quick_pairs_per_category": (
                QUICK_PAIRS_PER_CATEGORY if context.mode == "quick" else None
            ),
            "label_accuracy": "detections overlapping a case: 02 should be copied, "
            "03-05 paraphrased (count of detections)",
            "fitted": "align.lone_similarity and align.min_passage_chars on the dev pairs; "
            "the rest are library defaults",
        },
        figures=by_split,
        notes=(
            "F1(P, R) is plagdet without the granularity penalty: what one detection per case "
            "would score.",
            "Precision counts detections on the 05 pairs without a case as wrong; "
            "negatives (01) have their own false-positive figure.",
        ),
    )
