"""Scoring functions for the benchmarks: pure, deterministic, with the definitions spelled out.

Three families:

- PAN text alignment (plagdet and its parts), exactly as the official PAN 2013 evaluation script
  ``pan13-text-alignment-perfmeasures.py`` computes them (Potthast et al., "An Evaluation
  Framework for Plagiarism Detection", COLING 2010), plus the share of characters flagged in pairs
  that have no reuse at all.
- Classification and correlation: accuracy, binary precision/recall/F1, macro-F1, Pearson,
  Spearman, and a decision threshold fitted on training scores.
- Stemmata: the Average Sign Distance of Roos & Heikkilä (2009) and precision/recall of the
  parent-to-child edges between witnesses.

No function reads files or prints; inputs are plain sequences and the small frozen types below.
"""

from __future__ import annotations

import math
from collections import defaultdict, deque
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TypeVar

from scipy import stats

from tracer.model import Span

__all__ = [
    "OVERALL",
    "Edge",
    "EdgeScores",
    "PanAnnotation",
    "PanPairOutcome",
    "PanScores",
    "SignDistance",
    "accuracy",
    "average_sign_distance",
    "best_threshold",
    "binary_f1",
    "binary_precision",
    "binary_recall",
    "direct_edge_scores",
    "false_positive_char_share",
    "macro_f1",
    "pan_granularity",
    "pan_precision",
    "pan_recall",
    "pan_scores",
    "pan_scores_by_category",
    "pearson",
    "plagdet",
    "spearman",
    "witness_edges",
]

LabelT = TypeVar("LabelT", bound=Hashable)

OVERALL = "overall"
"""Key of the corpus-wide figures in :func:`pan_scores_by_category`."""


# --- PAN text alignment -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PanAnnotation:
    """One plagiarism case or one detection: ``suspicious_span`` reuses ``source_span``.

    Spans are half-open character ranges into the decoded texts, PAN's ``this_offset`` /
    ``this_length`` (suspicious document) and ``source_offset`` / ``source_length``.

    Example:
        >>> case = PanAnnotation.from_offsets("susp-1.txt", 100, 50, "src-7.txt", 0, 60)
        >>> case.suspicious_span, case.length
        (Span(start=100, end=150), 110)
    """

    suspicious_id: str
    suspicious_span: Span
    source_id: str
    source_span: Span

    def __post_init__(self) -> None:
        # The official script divides by this length; an empty annotation can never overlap
        # anything, so it is a caller's bug rather than a detection worth scoring.
        if self.length == 0:
            raise ValueError(f"empty annotation for {self.suspicious_id} / {self.source_id}")

    @classmethod
    def from_offsets(
        cls,
        suspicious_id: str,
        this_offset: int,
        this_length: int,
        source_id: str,
        source_offset: int,
        source_length: int,
    ) -> PanAnnotation:
        """Build an annotation from PAN's XML attributes (offset and length per document)."""
        return cls(
            suspicious_id,
            Span(this_offset, this_offset + this_length),
            source_id,
            Span(source_offset, source_offset + source_length),
        )

    @property
    def pair(self) -> tuple[str, str]:
        """The ``(suspicious_id, source_id)`` document pair the annotation belongs to."""
        return (self.suspicious_id, self.source_id)

    @property
    def length(self) -> int:
        """Characters covered in both documents together: ``|suspicious| + |source|``."""
        return self.suspicious_span.length + self.source_span.length


@dataclass(frozen=True, slots=True)
class PanScores:
    """PAN's figures for one set of cases and detections.

    ``cases`` and ``detections`` count the distinct annotations that were scored.
    """

    recall: float
    precision: float
    granularity: float
    plagdet: float
    cases: int
    detections: int


@dataclass(frozen=True, slots=True)
class PanPairOutcome:
    """The ground-truth cases and a detector's detections for one document pair of a category."""

    category: str
    cases: tuple[PanAnnotation, ...]
    detections: tuple[PanAnnotation, ...]


def _pan_overlaps(a: PanAnnotation, b: PanAnnotation) -> bool:
    """PAN's ``is_overlapping`` for external annotations.

    Two annotations overlap only when they concern the same document pair and share at least one
    character in the suspicious document *and* at least one in the source document.
    """
    return (
        a.pair == b.pair
        and a.suspicious_span.overlaps(b.suspicious_span)
        and a.source_span.overlaps(b.source_span)
    )


def _covered_chars(target: Span, spans: Iterable[Span]) -> int:
    """Number of characters of ``target`` that at least one of ``spans`` covers."""
    clipped = sorted(
        (max(s.start, target.start), min(s.end, target.end))
        for s in spans
        if s.start < target.end and target.start < s.end
    )
    covered, reach = 0, target.start
    for start, end in clipped:
        start = max(start, reach)
        if end > start:
            covered += end - start
            reach = end
    return covered


def _distinct(annotations: Iterable[PanAnnotation]) -> list[PanAnnotation]:
    # The official script reads annotations into a set, so a detection reported twice counts once.
    return list(dict.fromkeys(annotations))


def _by_pair(annotations: Iterable[PanAnnotation]) -> dict[tuple[str, str], list[PanAnnotation]]:
    index: dict[tuple[str, str], list[PanAnnotation]] = defaultdict(list)
    for annotation in annotations:
        index[annotation.pair].append(annotation)
    return index


def _covered_share(reference: PanAnnotation, others: Sequence[PanAnnotation]) -> float:
    """PAN's ``case_recall``: share of ``reference``'s characters covered by overlapping others.

    Only annotations that overlap ``reference`` in both documents count; the characters they cover
    are united per document, so overlapping detections are not counted twice.
    """
    hits = [other for other in others if _pan_overlaps(reference, other)]
    if not hits:
        return 0.0
    covered = _covered_chars(reference.suspicious_span, (h.suspicious_span for h in hits))
    covered += _covered_chars(reference.source_span, (h.source_span for h in hits))
    return covered / reference.length


def _macro_average_coverage(
    references: Iterable[PanAnnotation], others: Iterable[PanAnnotation]
) -> float:
    """PAN's ``macro_avg_recall``; precision is the same function with the roles swapped."""
    reference_list, other_list = _distinct(references), _distinct(others)
    if not reference_list and not other_list:
        return 1.0
    if not reference_list or not other_list:
        return 0.0
    index = _by_pair(other_list)
    total = sum(_covered_share(r, index.get(r.pair, ())) for r in reference_list)
    return total / len(reference_list)


def pan_recall(cases: Iterable[PanAnnotation], detections: Iterable[PanAnnotation]) -> float:
    """Macro-averaged recall of PAN text alignment.

    ``rec(S, R) = 1/|S| * Σ_{s ∈ S} |⋃_{r ∈ R, r ⊓ s} (s ∩ r)| / |s|``, where a case ``s`` and a
    detection ``r`` are sets of characters of both documents (suspicious and source), ``|s|`` is
    ``this_length + source_length``, and ``r ⊓ s`` means that ``r`` overlaps ``s`` in the
    suspicious document *and* in the source document. Undetected cases contribute 0.

    Conventions of the official script: 1.0 when there are neither cases nor detections, 0.0
    when only one of the two sets is empty. Duplicate annotations count once.

    Example:
        >>> case = PanAnnotation.from_offsets("s", 0, 100, "r", 0, 100)
        >>> pan_recall([case], [PanAnnotation.from_offsets("s", 50, 100, "r", 50, 100)])
        0.5
    """
    return _macro_average_coverage(cases, detections)


def pan_precision(cases: Iterable[PanAnnotation], detections: Iterable[PanAnnotation]) -> float:
    """Macro-averaged precision of PAN text alignment.

    ``prec(S, R) = 1/|R| * Σ_{r ∈ R} |⋃_{s ∈ S, s ⊓ r} (s ∩ r)| / |r|``: the recall formula with
    cases and detections swapped (characters of both documents, overlap required in both).
    Detections that touch no case contribute 0.

    Conventions of the official script: 1.0 when there are neither cases nor detections, 0.0
    when only one of the two sets is empty (so a detector that stays silent on a corpus with
    cases has precision 0, and any detection on a corpus without cases has precision 0).
    Duplicate annotations count once.

    Example:
        >>> case = PanAnnotation.from_offsets("s", 0, 100, "r", 0, 100)
        >>> pan_precision([case], [PanAnnotation.from_offsets("s", 0, 200, "r", 0, 200)])
        0.5
    """
    return _macro_average_coverage(detections, cases)


def pan_granularity(cases: Iterable[PanAnnotation], detections: Iterable[PanAnnotation]) -> float:
    """PAN granularity: mean number of detections per detected case.

    ``gran(S, R) = 1/|S_R| * Σ_{s ∈ S_R} |{r ∈ R : r ⊓ s}|``, where ``S_R`` are the cases that at
    least one detection overlaps (in both documents). 1.0 when there are no detections or no
    case is detected, as in the official script. Duplicate annotations count once.

    Example:
        >>> case = PanAnnotation.from_offsets("s", 0, 100, "r", 0, 100)
        >>> halves = [PanAnnotation.from_offsets("s", 0, 50, "r", 0, 50),
        ...           PanAnnotation.from_offsets("s", 50, 50, "r", 50, 50)]
        >>> pan_granularity([case], halves)
        2.0
    """
    detection_list = _distinct(detections)
    if not detection_list:
        return 1.0
    index = _by_pair(detection_list)
    per_detected_case = [
        hits
        for case in _distinct(cases)
        if (hits := sum(_pan_overlaps(case, d) for d in index.get(case.pair, ()))) > 0
    ]
    if not per_detected_case:
        return 1.0
    return sum(per_detected_case) / len(per_detected_case)


def plagdet(recall: float, precision: float, granularity: float) -> float:
    """PAN's overall score: ``F1(precision, recall) / log2(1 + granularity)``.

    0.0 when recall and precision are both 0, when either is negative, or when granularity is
    below 1 (the official script's guards). A perfect detector scores 1.0.

    Example:
        >>> round(plagdet(1.0, 1.0, 2.0), 4)
        0.6309
    """
    if (recall == 0 and precision == 0) or recall < 0 or precision < 0 or granularity < 1:
        return 0.0
    f1 = 2 * recall * precision / (recall + precision)
    return f1 / math.log2(1 + granularity)


def pan_scores(cases: Iterable[PanAnnotation], detections: Iterable[PanAnnotation]) -> PanScores:
    """Recall, precision, granularity and plagdet of ``detections`` against ``cases``.

    All annotations are pooled, as the official script pools every XML file of a corpus: the
    figures are macro averages over all cases and all detections, not means of per-pair scores.
    """
    case_list, detection_list = _distinct(cases), _distinct(detections)
    recall = pan_recall(case_list, detection_list)
    precision = pan_precision(case_list, detection_list)
    granularity = pan_granularity(case_list, detection_list)
    return PanScores(
        recall=recall,
        precision=precision,
        granularity=granularity,
        plagdet=plagdet(recall, precision, granularity),
        cases=len(case_list),
        detections=len(detection_list),
    )


def pan_scores_by_category(outcomes: Iterable[PanPairOutcome]) -> dict[str, PanScores]:
    """PAN figures per category and over the whole corpus (key :data:`OVERALL`).

    Each category's figures pool the cases and detections of all its pairs; ``OVERALL`` pools
    every pair. Keys are the sorted category names followed by ``OVERALL``. A category without
    any case (PAN's negatives) gets recall and precision 1.0 when nothing was detected in it and
    0.0 otherwise; :func:`false_positive_char_share` is the informative figure there.
    """
    cases: dict[str, list[PanAnnotation]] = defaultdict(list)
    detections: dict[str, list[PanAnnotation]] = defaultdict(list)
    for outcome in outcomes:
        cases[outcome.category].extend(outcome.cases)
        detections[outcome.category].extend(outcome.detections)
    categories = sorted(cases)
    result = {c: pan_scores(cases[c], detections[c]) for c in categories}
    result[OVERALL] = pan_scores(
        (a for c in categories for a in cases[c]),
        (a for c in categories for a in detections[c]),
    )
    return result


def false_positive_char_share(
    detections: Iterable[PanAnnotation],
    pair_lengths: Mapping[tuple[str, str], tuple[int, int]],
) -> float:
    """Share of the characters of reuse-free pairs that the detections flag.

    ``pair_lengths`` maps each negative ``(suspicious_id, source_id)`` pair to the lengths of its
    two texts. The share is ``Σ_pairs (|⋃ flagged chars of the suspicious text| + |⋃ flagged
    chars of the source text|) / Σ_pairs (len(suspicious) + len(source))``; overlapping
    detections count a character once, and spans are clipped to the text. Detections on pairs
    not listed are ignored, so a whole run's detections can be passed as they are. 0.0 when the
    pairs have no characters at all.

    Example:
        >>> flagged = PanAnnotation.from_offsets("s", 0, 10, "r", 0, 30)
        >>> false_positive_char_share([flagged], {("s", "r"): (100, 100)})
        0.2
    """
    index = _by_pair(_distinct(detections))
    flagged = total = 0
    for pair, (suspicious_length, source_length) in pair_lengths.items():
        hits = index.get(pair, ())
        flagged += _covered_chars(Span(0, suspicious_length), (h.suspicious_span for h in hits))
        flagged += _covered_chars(Span(0, source_length), (h.source_span for h in hits))
        total += suspicious_length + source_length
    return flagged / total if total else 0.0


# --- Classification and correlation -------------------------------------------------------------


def _check_paired(y_true: Sequence[object], y_pred: Sequence[object]) -> None:
    if len(y_true) != len(y_pred):
        raise ValueError(f"length mismatch: {len(y_true)} gold values, {len(y_pred)} predicted")
    if not y_true:
        raise ValueError("no values to score")


def _check_binary(values: Sequence[int]) -> None:
    if any(v not in (0, 1) for v in values):
        raise ValueError("binary labels must be 0/1 or False/True")


def _confusion(y_true: Sequence[int], y_pred: Sequence[int]) -> tuple[int, int, int]:
    """True positives, false positives and false negatives of a binary prediction."""
    _check_paired(y_true, y_pred)
    _check_binary(y_true)
    _check_binary(y_pred)
    tp = sum(1 for t, p in zip(y_true, y_pred, strict=True) if t and p)
    fp = sum(1 for t, p in zip(y_true, y_pred, strict=True) if not t and p)
    fn = sum(1 for t, p in zip(y_true, y_pred, strict=True) if t and not p)
    return tp, fp, fn


def _f1(precision: float, recall: float) -> float:
    return 2 * precision * recall / (precision + recall) if precision + recall else 0.0


def accuracy(y_true: Sequence[LabelT], y_pred: Sequence[LabelT]) -> float:
    """Share of positions where the prediction equals the gold label.

    Example:
        >>> accuracy([1, 0, 1, 1], [1, 1, 1, 0])
        0.5
    """
    _check_paired(y_true, y_pred)
    return sum(1 for t, p in zip(y_true, y_pred, strict=True) if t == p) / len(y_true)


def binary_precision(y_true: Sequence[int], y_pred: Sequence[int]) -> float:
    """``TP / (TP + FP)`` with 1 (or True) as the positive class; 0.0 when nothing is predicted
    positive (scikit-learn's ``zero_division`` default).

    Example:
        >>> binary_precision([1, 0, 1, 1], [1, 1, 1, 0])
        0.6666666666666666
    """
    tp, fp, _ = _confusion(y_true, y_pred)
    return tp / (tp + fp) if tp + fp else 0.0


def binary_recall(y_true: Sequence[int], y_pred: Sequence[int]) -> float:
    """``TP / (TP + FN)`` with 1 (or True) as the positive class; 0.0 when there are no positives.

    Example:
        >>> binary_recall([1, 0, 1, 1], [1, 1, 1, 0])
        0.6666666666666666
    """
    tp, _, fn = _confusion(y_true, y_pred)
    return tp / (tp + fn) if tp + fn else 0.0


def binary_f1(y_true: Sequence[int], y_pred: Sequence[int]) -> float:
    """Harmonic mean of :func:`binary_precision` and :func:`binary_recall`; 0.0 when both are 0.

    Example:
        >>> binary_f1([1, 0, 1, 1], [1, 1, 1, 0])
        0.6666666666666666
    """
    return _f1(binary_precision(y_true, y_pred), binary_recall(y_true, y_pred))


def macro_f1(
    y_true: Sequence[LabelT],
    y_pred: Sequence[LabelT],
    labels: Sequence[LabelT] | None = None,
) -> float:
    """Unweighted mean over classes of the one-vs-rest F1.

    ``labels`` defaults to every label seen in ``y_true`` or ``y_pred``. A class's F1 is 0.0
    when its precision and recall are both 0 or undefined (scikit-learn's default), so a class
    listed in ``labels`` that occurs in neither sequence pulls the mean down.

    Example:
        >>> macro_f1(["cut", "non", "heavy"], ["cut", "non", "non"])
        0.5555555555555555
    """
    _check_paired(y_true, y_pred)
    classes = list(dict.fromkeys(labels if labels is not None else [*y_true, *y_pred]))
    if not classes:
        raise ValueError("no labels to average over")
    # A stable order keeps the floating-point sum, and so the result, reproducible.
    classes.sort(key=repr)
    scores = []
    for label in classes:
        tp = sum(1 for t, p in zip(y_true, y_pred, strict=True) if t == label and p == label)
        predicted = sum(1 for p in y_pred if p == label)
        actual = sum(1 for t in y_true if t == label)
        precision = tp / predicted if predicted else 0.0
        recall = tp / actual if actual else 0.0
        scores.append(_f1(precision, recall))
    return sum(scores) / len(scores)


def _correlation_input(x: Sequence[float], y: Sequence[float]) -> bool:
    """Validate the input; False when a correlation is undefined because one side is constant."""
    _check_paired(x, y)
    if len(x) < 2:
        raise ValueError("a correlation needs at least two points")
    return len(set(x)) > 1 and len(set(y)) > 1


def pearson(x: Sequence[float], y: Sequence[float]) -> float:
    """Pearson's linear correlation coefficient (``scipy.stats.pearsonr``).

    NaN when either side is constant (the coefficient is undefined), without scipy's warning.

    Example:
        >>> round(pearson([1.0, 2.0, 3.0], [2.0, 4.0, 6.5]), 4)
        0.9979
    """
    if not _correlation_input(x, y):
        return math.nan
    return float(stats.pearsonr(x, y).statistic)


def spearman(x: Sequence[float], y: Sequence[float]) -> float:
    """Spearman's rank correlation (``scipy.stats.spearmanr``; ties get their average rank).

    NaN when either side is constant, without scipy's warning.

    Example:
        >>> spearman([1.0, 2.0, 3.0], [1.0, 8.0, 27.0])
        1.0
    """
    if not _correlation_input(x, y):
        return math.nan
    return float(stats.spearmanr(x, y).statistic)


def best_threshold(scores: Sequence[float], labels: Sequence[int]) -> float:
    """Threshold that maximises training accuracy of the rule ``positive ⇔ score >= threshold``.

    Fit on training scores only, then apply the returned value unchanged to test scores.
    Candidates are the lowest score (everything positive), the midpoints between consecutive
    distinct scores, and the float just above the highest score (everything negative); among
    candidates with equal accuracy the lowest wins, so the result is deterministic.

    Example:
        >>> best_threshold([0.1, 0.4, 0.35, 0.8], [0, 1, 0, 1])
        0.375
    """
    _check_paired(scores, labels)
    _check_binary(labels)
    if any(math.isnan(s) for s in scores):
        raise ValueError("scores contain NaN, which has no place in a threshold order")
    ordered = sorted(zip(scores, labels, strict=True))
    positives = sum(labels)
    # With the threshold at the lowest score every item is called positive.
    correct = positives
    best_correct, best = correct, ordered[0][0]
    i = 0
    while i < len(ordered):
        value = ordered[i][0]
        # Move every item with this score below the threshold.
        while i < len(ordered) and ordered[i][0] == value:
            correct += -1 if ordered[i][1] else 1
            i += 1
        if i < len(ordered):
            candidate = (value + ordered[i][0]) / 2
        else:
            candidate = math.nextafter(value, math.inf)
        if correct > best_correct:
            best_correct, best = correct, candidate
    return best


# --- Stemmata -----------------------------------------------------------------------------------


Edge = tuple[str, str]
"""A directed ``(parent, child)`` edge of a stemma."""


@dataclass(frozen=True, slots=True)
class SignDistance:
    """Average Sign Distance between a true and an inferred stemma.

    ``agreement`` is Roos & Heikkilä's score (1.0 for identical distance orderings), ``distance``
    is ``1 - agreement``, ``strict_agreement`` the share of triples whose signs are equal, and
    ``triples`` the number of ordered witness triples compared.
    """

    agreement: float
    distance: float
    strict_agreement: float
    triples: int


@dataclass(frozen=True, slots=True)
class EdgeScores:
    """Precision, recall and F1 of inferred parent-to-child edges against the true ones."""

    precision: float
    recall: float
    f1: float
    correct: int
    true_edges: int
    inferred_edges: int


def _hop_distances(edges: Iterable[Edge], origins: Iterable[str]) -> dict[str, dict[str, int]]:
    """Shortest path length in edges, ignoring direction, from each origin to reachable nodes."""
    neighbours: dict[str, set[str]] = defaultdict(set)
    for parent, child in edges:
        neighbours[parent].add(child)
        neighbours[child].add(parent)
    result: dict[str, dict[str, int]] = {}
    for origin in origins:
        seen = {origin: 0}
        queue = deque([origin])
        while queue:
            node = queue.popleft()
            for nxt in sorted(neighbours[node]):
                if nxt not in seen:
                    seen[nxt] = seen[node] + 1
                    queue.append(nxt)
        result[origin] = seen
    return result


def _sign(a: float, b: float) -> int:
    return (a > b) - (a < b)


def average_sign_distance(
    true_edges: Iterable[Edge], inferred_edges: Iterable[Edge], witnesses: Iterable[str]
) -> SignDistance:
    """Average Sign Distance (Roos & Heikkilä 2009, "Evaluating methods for computer-assisted
    stemmatology using artificial benchmark data sets"), as the CASC evaluation script computes it.

    Both stemmata are read as undirected graphs whose nodes are the extant ``witnesses`` plus any
    other (hidden, lost, reconstructed) nodes; ``d(x, y)`` is the number of edges on a shortest
    path, infinite when ``y`` cannot be reached (a witness missing from a graph is isolated).
    For every ordered triple ``(a, b, c)`` of pairwise distinct witnesses, let
    ``σ = sign(d(a, b) - d(a, c))`` in the true stemma and ``σ'`` in the inferred one (two
    infinite distances compare equal). The triple scores ``1 - |σ - σ'| / 2``: 1 when the signs
    agree, 0 when they are opposite and 1/2 when exactly one of them is 0 (a tie). ``agreement``
    is the mean score over all ``n (n - 1) (n - 2)`` triples; a perfect reconstruction scores 1.
    ``strict_agreement`` counts only exact sign matches. Triples ``(a, b, c)`` and ``(a, c, b)``
    score the same, so using ordered triples does not change the shares. Contaminated
    traditions (a witness with two parents) are handled like any graph: shortest paths.

    Example:
        >>> chain = [("A", "B"), ("B", "C")]
        >>> star = [("A", "B"), ("A", "C")]
        >>> round(average_sign_distance(chain, star, ["A", "B", "C"]).agreement, 4)
        0.3333
    """
    witness_list = sorted(set(witnesses))
    if len(witness_list) < 3:
        raise ValueError("the Average Sign Distance needs at least three witnesses")
    true_d = _hop_distances(list(true_edges), witness_list)
    inferred_d = _hop_distances(list(inferred_edges), witness_list)
    score = 0.0
    strict = triples = 0
    for a in witness_list:
        for b in witness_list:
            for c in witness_list:
                if len({a, b, c}) < 3:
                    continue
                true_sign = _sign(
                    true_d[a].get(b, math.inf),
                    true_d[a].get(c, math.inf),
                )
                inferred_sign = _sign(
                    inferred_d[a].get(b, math.inf),
                    inferred_d[a].get(c, math.inf),
                )
                score += 1 - abs(true_sign - inferred_sign) / 2
                strict += true_sign == inferred_sign
                triples += 1
    agreement = score / triples
    return SignDistance(
        agreement=agreement,
        distance=1 - agreement,
        strict_agreement=strict / triples,
        triples=triples,
    )


def witness_edges(
    edges: Iterable[Edge], witnesses: Iterable[str], *, through_latent: bool = True
) -> frozenset[Edge]:
    """The parent-to-child edges between witnesses that a stemma asserts.

    With ``through_latent`` (the default) ``(p, c)`` is included when a directed path leads from
    witness ``p`` to witness ``c`` through hidden nodes only, so ``U -> omega -> B`` with a lost
    ``omega`` yields ``U -> B``: the claim "B descends from U with no extant copy between".
    Without it only edges whose two ends are witnesses count.

    Example:
        >>> sorted(witness_edges([("U", "omega"), ("omega", "B")], ["U", "B"]))
        [('U', 'B')]
    """
    witness_set = set(witnesses)
    edge_list = list(edges)
    if not through_latent:
        return frozenset((p, c) for p, c in edge_list if p in witness_set and c in witness_set)
    children: dict[str, set[str]] = defaultdict(set)
    for parent, child in edge_list:
        children[parent].add(child)
    found: set[Edge] = set()
    for parent in witness_set:
        stack = list(children[parent])
        visited: set[str] = set()
        while stack:
            node = stack.pop()
            if node in visited:
                continue
            visited.add(node)
            if node in witness_set:
                if node != parent:
                    found.add((parent, node))
            else:
                stack.extend(children[node])
    return frozenset(found)


def direct_edge_scores(
    true_edges: Iterable[Edge],
    inferred_edges: Iterable[Edge],
    witnesses: Iterable[str],
    *,
    through_latent: bool = True,
) -> EdgeScores:
    """Precision, recall and F1 of the inferred directed parent-to-child witness edges.

    Both stemmata are reduced to edges between witnesses with :func:`witness_edges` (same
    ``through_latent`` rule), then compared as sets of directed pairs: an edge drawn the wrong
    way round is wrong. Precision is 0.0 when nothing is inferred, recall 0.0 when the truth has
    no witness edge.

    Example:
        >>> scores = direct_edge_scores([("A", "B"), ("B", "C")], [("A", "B"), ("A", "C")],
        ...                             ["A", "B", "C"])
        >>> scores.precision, scores.recall
        (0.5, 0.5)
    """
    witness_list = list(witnesses)
    truth = witness_edges(true_edges, witness_list, through_latent=through_latent)
    inferred = witness_edges(inferred_edges, witness_list, through_latent=through_latent)
    correct = len(truth & inferred)
    precision = correct / len(inferred) if inferred else 0.0
    recall = correct / len(truth) if truth else 0.0
    return EdgeScores(
        precision=precision,
        recall=recall,
        f1=_f1(precision, recall),
        correct=correct,
        true_edges=len(truth),
        inferred_edges=len(inferred),
    )
