"""Benchmark metrics on tiny cases whose answers are worked out by hand."""

from __future__ import annotations

import math
import sys
from pathlib import Path

import pytest

# `bench` is a top-level folder, not an installed package: `python -m pytest` (as `make test`
# runs it) finds it through the working directory, a bare `pytest` needs the repository root.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.metrics import (
    OVERALL,
    PanAnnotation,
    PanPairOutcome,
    accuracy,
    average_sign_distance,
    best_threshold,
    binary_f1,
    binary_precision,
    binary_recall,
    direct_edge_scores,
    false_positive_char_share,
    macro_f1,
    pan_granularity,
    pan_precision,
    pan_recall,
    pan_scores,
    pan_scores_by_category,
    pearson,
    plagdet,
    spearman,
    witness_edges,
)


def ann(
    this_offset: int,
    this_length: int,
    source_offset: int,
    source_length: int,
    suspicious: str = "susp-1.txt",
    source: str = "src-1.txt",
) -> PanAnnotation:
    """A PAN annotation written the way the XML gives it: offset and length per document."""
    return PanAnnotation.from_offsets(
        suspicious, this_offset, this_length, source, source_offset, source_length
    )


CASE = ann(0, 100, 0, 100)


# --- PAN ---------------------------------------------------------------------------------------


def test_perfect_detection_scores_one() -> None:
    scores = pan_scores([CASE], [CASE])
    assert (scores.recall, scores.precision, scores.granularity, scores.plagdet) == (1, 1, 1, 1)


def test_case_split_into_two_detections_has_granularity_two() -> None:
    halves = [ann(0, 50, 0, 50), ann(50, 50, 50, 50)]
    scores = pan_scores([CASE], halves)
    assert scores.recall == 1.0
    assert scores.precision == 1.0
    assert scores.granularity == 2.0
    assert scores.plagdet == pytest.approx(1 / math.log2(3))


def test_detection_twice_as_long_as_the_case_has_half_precision() -> None:
    detection = ann(0, 200, 0, 200)
    assert pan_precision([CASE], [detection]) == 0.5
    assert pan_recall([CASE], [detection]) == 1.0


def test_half_overlapping_detection_recovers_half_the_case() -> None:
    detection = ann(50, 100, 50, 100)
    assert pan_recall([CASE], [detection]) == 0.5
    assert pan_precision([CASE], [detection]) == 0.5


def test_recall_counts_characters_of_both_documents() -> None:
    # The whole suspicious passage but only a quarter of the source: (100 + 25) / 200.
    assert pan_recall([CASE], [ann(0, 100, 0, 25)]) == 0.625


def test_detection_must_overlap_the_case_in_both_documents() -> None:
    right_suspicious_wrong_source = ann(0, 100, 500, 100)
    assert pan_recall([CASE], [right_suspicious_wrong_source]) == 0.0
    assert pan_granularity([CASE], [right_suspicious_wrong_source]) == 1.0
    other_pair = ann(0, 100, 0, 100, source="src-2.txt")
    assert pan_recall([CASE], [other_pair]) == 0.0


def test_overlapping_detections_count_shared_characters_once() -> None:
    # Official test: case [0, 100) and detections [50, 150) + [25, 100) -> 75 of 100 per side.
    assert pan_recall([CASE], [ann(50, 100, 50, 100), ann(25, 75, 25, 75)]) == 0.75


def test_macro_precision_averages_over_detections() -> None:
    # Official test: one detection misses the case, the other is half on it -> (0 + 0.5) / 2.
    assert pan_precision([CASE], [ann(100, 100, 100, 100), ann(0, 200, 0, 200)]) == 0.25


def test_macro_recall_averages_over_cases_including_undetected_ones() -> None:
    other = ann(0, 100, 0, 100, suspicious="susp-2.txt", source="src-2.txt")
    assert pan_recall([CASE, other], [CASE]) == 0.5
    assert pan_precision([CASE, other], [CASE]) == 1.0


def test_granularity_averages_over_detected_cases_only() -> None:
    second = ann(100, 100, 100, 100)
    undetected = ann(500, 10, 500, 10)
    detections = [ann(0, 50, 0, 50), ann(50, 50, 50, 50), second]
    assert pan_granularity([CASE, second, undetected], detections) == 1.5


def test_empty_sets_follow_the_official_conventions() -> None:
    assert pan_scores([], []).plagdet == 1.0
    silent = pan_scores([CASE], [])
    assert (silent.recall, silent.precision, silent.granularity, silent.plagdet) == (0, 0, 1, 0)
    false_alarm = pan_scores([], [CASE])
    assert (false_alarm.recall, false_alarm.precision, false_alarm.plagdet) == (0, 0, 0)


def test_a_detection_reported_twice_counts_once() -> None:
    scores = pan_scores([CASE], [CASE, CASE])
    assert scores.detections == 1
    assert scores.granularity == 1.0


def test_plagdet_matches_the_official_values() -> None:
    assert plagdet(1, 1, 1) == 1.0
    assert plagdet(0.5, 1, 1) == pytest.approx(2 / 3)
    assert plagdet(1, 1, 2) == pytest.approx(0.63092975)
    assert plagdet(0.25, 0.75, 2) == pytest.approx(0.23659865)
    assert plagdet(0, 0, 1) == 0.0
    assert plagdet(1, 1, 0.5) == 0.0


def test_empty_annotation_is_rejected() -> None:
    with pytest.raises(ValueError, match="empty annotation"):
        ann(10, 0, 10, 0)


def test_corpus_scores_pool_cases_rather_than_average_categories() -> None:
    verbatim = [ann(i * 100, 50, i * 100, 50, suspicious=f"v{i}") for i in range(3)]
    missed = ann(0, 50, 0, 50, suspicious="m")
    outcomes = [PanPairOutcome("02-verbatim", (case,), (case,)) for case in verbatim]
    outcomes.append(PanPairOutcome("05-summary", (missed,), ()))
    scores = pan_scores_by_category(outcomes)
    assert list(scores) == ["02-verbatim", "05-summary", OVERALL]
    assert scores["02-verbatim"].plagdet == 1.0
    assert scores["05-summary"].plagdet == 0.0
    # Pooled: recall 3/4, precision 3/3, so F1 = 6/7, not the mean of 1.0 and 0.0.
    assert scores[OVERALL].recall == 0.75
    assert scores[OVERALL].precision == 1.0
    assert scores[OVERALL].plagdet == pytest.approx(6 / 7)
    assert scores[OVERALL].cases == 4


def test_false_positive_share_counts_flagged_characters_of_negative_pairs() -> None:
    detections = [
        ann(0, 10, 0, 30, suspicious="n1", source="r1"),
        ann(5, 10, 20, 10, suspicious="n1", source="r1"),  # overlaps the first: 15 + 30 flagged
        ann(0, 100, 0, 100, suspicious="p", source="q"),  # not a negative pair: ignored
    ]
    lengths = {("n1", "r1"): (100, 100), ("n2", "r2"): (50, 50)}
    assert false_positive_char_share(detections, lengths) == pytest.approx(45 / 300)
    assert false_positive_char_share([], lengths) == 0.0


def test_false_positive_share_clips_detections_to_the_text() -> None:
    past_the_end = ann(90, 30, 0, 5, suspicious="n", source="r")
    assert false_positive_char_share([past_the_end], {("n", "r"): (100, 100)}) == 15 / 200


# --- Classification and correlation -------------------------------------------------------------


def test_binary_classification_figures() -> None:
    gold = [1, 1, 1, 0, 0, 0]
    predicted = [1, 1, 0, 1, 0, 0]  # TP 2, FN 1, FP 1, TN 2
    assert accuracy(gold, predicted) == pytest.approx(4 / 6)
    assert binary_precision(gold, predicted) == pytest.approx(2 / 3)
    assert binary_recall(gold, predicted) == pytest.approx(2 / 3)
    assert binary_f1(gold, predicted) == pytest.approx(2 / 3)


def test_binary_figures_with_nothing_predicted_positive_are_zero() -> None:
    assert binary_precision([1, 0], [0, 0]) == 0.0
    assert binary_recall([0, 0], [1, 0]) == 0.0
    assert binary_f1([1, 0], [0, 0]) == 0.0


def test_binary_figures_accept_booleans_and_reject_other_labels() -> None:
    assert binary_recall([True, False], [True, True]) == 1.0
    with pytest.raises(ValueError, match="binary"):
        binary_precision([2, 0], [1, 0])


def test_macro_f1_is_the_unweighted_mean_over_classes() -> None:
    gold = ["cut", "cut", "heavy", "non"]
    predicted = ["cut", "heavy", "heavy", "heavy"]
    # cut: P 1, R 1/2 -> 2/3; heavy: P 1/3, R 1 -> 1/2; non: 0.
    assert macro_f1(gold, predicted) == pytest.approx((2 / 3 + 1 / 2 + 0) / 3)
    assert macro_f1(gold, predicted, labels=["cut", "heavy", "non", "light"]) == pytest.approx(
        (2 / 3 + 1 / 2) / 4
    )


def test_mismatched_lengths_are_an_error() -> None:
    with pytest.raises(ValueError, match="length mismatch"):
        accuracy([1, 0], [1])
    with pytest.raises(ValueError, match="no values"):
        accuracy([], [])


def test_correlations() -> None:
    x = [1.0, 2.0, 3.0, 4.0]
    assert pearson(x, [2.0, 4.0, 6.0, 8.0]) == pytest.approx(1.0)
    assert pearson(x, [4.0, 3.0, 2.0, 1.0]) == pytest.approx(-1.0)
    cubes = [v**3 for v in x]
    assert spearman(x, cubes) == pytest.approx(1.0)
    assert pearson(x, cubes) < 1.0
    # Ranks of [1, 3, 2, 4] against [1, 2, 3, 4]: 1 - 6 * 2 / (4 * 15) = 0.8.
    assert spearman(x, [1.0, 3.0, 2.0, 4.0]) == pytest.approx(0.8)


def test_correlation_with_a_constant_side_is_nan() -> None:
    assert math.isnan(pearson([1.0, 2.0, 3.0], [5.0, 5.0, 5.0]))
    assert math.isnan(spearman([1.0, 1.0], [2.0, 3.0]))


def test_best_threshold_maximises_training_accuracy() -> None:
    scores = [0.1, 0.2, 0.6, 0.7, 0.3]
    labels = [0, 0, 1, 1, 0]
    threshold = best_threshold(scores, labels)
    assert threshold == pytest.approx(0.45)  # halfway between 0.3 and 0.6
    assert accuracy(labels, [int(s >= threshold) for s in scores]) == 1.0


def test_best_threshold_with_a_single_class() -> None:
    scores = [0.2, 0.5, 0.9]
    assert best_threshold(scores, [1, 1, 1]) == 0.2
    above_all = best_threshold(scores, [0, 0, 0])
    assert above_all > 0.9
    assert not any(s >= above_all for s in scores)


def test_best_threshold_breaks_ties_towards_the_lowest_threshold() -> None:
    # Thresholds 0.15 and 0.35 both reach 2 of 3; the lower one is returned.
    assert best_threshold([0.1, 0.2, 0.5], [0, 1, 0]) == pytest.approx(0.15)


# --- Stemmata ----------------------------------------------------------------------------------

CHAIN = [("A", "B"), ("B", "C")]
STAR = [("A", "B"), ("A", "C")]


def test_identical_stemmata_have_sign_distance_zero() -> None:
    result = average_sign_distance(CHAIN, CHAIN, ["A", "B", "C"])
    assert (result.agreement, result.distance, result.strict_agreement) == (1.0, 0.0, 1.0)
    assert result.triples == 6


def test_sign_distance_of_chain_against_star() -> None:
    # Chain: d(A,B)=1, d(A,C)=2, d(B,C)=1. Star: d(A,B)=1, d(A,C)=1, d(B,C)=2.
    # Triples (a; b, c): (A;B,C) -1 vs 0 -> 1/2, (B;A,C) 0 vs -1 -> 1/2, (C;A,B) +1 vs -1 -> 0,
    # and the same for the mirrored triples: 2 of 6.
    result = average_sign_distance(CHAIN, STAR, ["A", "B", "C"])
    assert result.agreement == pytest.approx(1 / 3)
    assert result.distance == pytest.approx(2 / 3)
    assert result.strict_agreement == 0.0


def test_sign_distance_ignores_names_of_hidden_nodes_and_edge_direction() -> None:
    truth = [("lost", "A"), ("lost", "B"), ("A", "C")]
    inferred = [("B", "h1"), ("h1", "A"), ("C", "A")]
    assert average_sign_distance(truth, inferred, ["A", "B", "C"]).agreement == 1.0


def test_sign_distance_treats_a_missing_witness_as_unreachable() -> None:
    result = average_sign_distance(CHAIN, [("A", "B")], ["A", "B", "C"])
    # From A: C is farther than B in both (agree, twice). From B: A and C tie in the truth but
    # C is unreachable in the inferred graph (1/2, twice). From C: A is farther than B in the
    # truth, both are unreachable in the inferred graph, a tie (1/2, twice). (2 + 1 + 1) / 6.
    assert result.agreement == pytest.approx(4 / 6)


def test_witness_edges_contract_lost_intermediates() -> None:
    edges = [("U", "omega"), ("omega", "B"), ("B", "L")]
    assert witness_edges(edges, ["U", "B", "L"]) == {("U", "B"), ("B", "L")}
    assert witness_edges(edges, ["U", "B", "L"], through_latent=False) == {("B", "L")}


def test_direct_edges_are_directed() -> None:
    scores = direct_edge_scores(CHAIN, [("B", "A"), ("B", "C")], ["A", "B", "C"])
    assert (scores.correct, scores.precision, scores.recall) == (1, 0.5, 0.5)
    assert scores.f1 == 0.5


def test_direct_edges_with_nothing_inferred() -> None:
    scores = direct_edge_scores(CHAIN, [], ["A", "B", "C"])
    assert (scores.precision, scores.recall, scores.f1) == (0.0, 0.0, 0.0)
    assert scores.true_edges == 2
