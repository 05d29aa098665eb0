"""Clough & Stevenson short answers: document-level degree of reuse from tracer's shares.

Each answer is compared with its task's source text (``compare(a=source, b=answer)``), and the
answer's shares (``shares_b``) are turned into a class by a rule FIXED IN ADVANCE from the
label definitions, not tuned on this corpus (it has no dev split, so any tuning would be on
the figures we report):

- ``cut`` answers are copy-and-paste, so most of the answer is copied: copied share >= 1/2 →
  *copied*;
- ``light`` and ``heavy`` revisions draw on the source in other words: reused (copied +
  paraphrased) share at least tracer's own bar for a derivation,
  ``DeriveConfig.min_derivation_share`` (0.25) → *paraphrased*;
- anything else (``non``, written independently on the same topic) → *original*.

The graded reuse score ranks answers by how verbatim they are: ``copied + 1/2 * paraphrased``,
also fixed in advance; its Spearman correlation with cut (3) > light (2) > heavy (1) > non (0)
is reported, with the plain reused share next to it.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from statistics import fmean
from typing import Any, Literal

from bench.common import BenchResult, Row, RunContext, Target
from bench.datasets import CloughCategory, load_clough
from bench.metrics import accuracy, macro_f1, spearman
from tracer.api import compare
from tracer.config import DeriveConfig
from tracer.model import Article, Shares

DocumentClass = Literal["copied", "paraphrased", "original"]

MIN_COPIED_SHARE = 0.5
"""Copied share at or above which an answer is a copy (most of it is verbatim)."""
MIN_REUSED_SHARE = DeriveConfig().min_derivation_share
"""Reused share at or above which an answer derives from the source: tracer's derivation bar."""
PARAPHRASE_WEIGHT = 0.5
"""Weight of the paraphrased share in the graded reuse score (copied counts fully)."""

GOLD_CLASS: dict[CloughCategory, DocumentClass] = {
    "cut": "copied",
    "light": "paraphrased",
    "heavy": "paraphrased",
    "non": "original",
}
GOLD_RANK: dict[CloughCategory, int] = {"cut": 3, "light": 2, "heavy": 1, "non": 0}
CLASSES: tuple[DocumentClass, ...] = ("copied", "paraphrased", "original")
TARGET_MACRO_F1 = 0.80


def document_class(
    copied: float,
    reused: float,
    *,
    min_copied: float = MIN_COPIED_SHARE,
    min_reused: float = MIN_REUSED_SHARE,
) -> DocumentClass:
    """The class of an answer from its copied and reused (copied + paraphrased) shares.

    Example:
        >>> document_class(0.6, 0.9), document_class(0.3, 0.9), document_class(0.1, 0.2)
        ('copied', 'paraphrased', 'original')
    """
    if copied >= min_copied:
        return "copied"
    if reused >= min_reused:
        return "paraphrased"
    return "original"


def reuse_score(shares: Shares) -> float:
    """Graded reuse of an answer: ``copied + 1/2 * paraphrased`` (from 0 to 1)."""
    return shares.copied + PARAPHRASE_WEIGHT * shares.paraphrased


def run(context: RunContext) -> BenchResult:
    """Macro-F1 of the fixed class rule and Spearman of the reuse score over all 95 answers."""
    corpus = load_clough(context.eval_dir)
    gold: list[DocumentClass] = []
    predicted: list[DocumentClass] = []
    ranks: list[float] = []
    graded: list[float] = []
    reused: list[float] = []
    confusion: dict[str, Counter[str]] = defaultdict(Counter)
    shares_by_category: dict[str, list[Shares]] = defaultdict(list)
    answers: list[dict[str, Any]] = []
    for answer in corpus.answers:
        comparison = compare(
            Article(f"orig_task{answer.task}", corpus.source_for(answer)),
            Article(answer.file_name, answer.text),
        )
        shares = comparison.shares_b
        verdict = document_class(shares.copied, shares.reused)
        gold.append(GOLD_CLASS[answer.category])
        predicted.append(verdict)
        ranks.append(GOLD_RANK[answer.category])
        graded.append(reuse_score(shares))
        reused.append(shares.reused)
        confusion[answer.category][verdict] += 1
        shares_by_category[answer.category].append(shares)
        answers.append(
            {
                "file": answer.file_name,
                "category": answer.category,
                "copied": shares.copied,
                "paraphrased": shares.paraphrased,
                "predicted": verdict,
            }
        )
    figures: dict[str, Any] = {
        "answers": len(answers),
        "macro_f1": macro_f1(gold, predicted, labels=CLASSES),
        "accuracy": accuracy(gold, predicted),
        "spearman_reuse_score": spearman(graded, ranks),
        "spearman_reused_share": spearman(reused, ranks),
        "confusion": {
            category: {c: confusion[category][c] for c in CLASSES} for category in GOLD_RANK
        },
        "mean_shares": {
            category: {
                "copied": fmean(s.copied for s in shares_by_category[category]),
                "paraphrased": fmean(s.paraphrased for s in shares_by_category[category]),
            }
            for category in GOLD_RANK
            if shares_by_category[category]
        },
        "answers_detail": answers,
    }
    column = "all answers"
    rows = [
        Row(
            "macro-F1, 3 classes",
            {column: figures["macro_f1"]},
            "3f",
            Target(">=", TARGET_MACRO_F1, column),
        ),
        Row("accuracy, 3 classes", {column: figures["accuracy"]}, "3f"),
        Row(
            "Spearman, reuse score vs cut>light>heavy>non",
            {column: figures["spearman_reuse_score"]},
            "3f",
        ),
        Row(
            "Spearman, reused share vs cut>light>heavy>non",
            {column: figures["spearman_reused_share"]},
            "3f",
        ),
    ]
    for category, counts in figures["confusion"].items():
        mean = figures["mean_shares"].get(category, {})
        rows.append(
            Row(
                f"{category}: predicted copied/paraphrased/original; mean copied, paraphrased",
                {
                    column: f"{counts['copied']}/{counts['paraphrased']}/{counts['original']}; "
                    f"{mean.get('copied', 0):.2f}, {mean.get('paraphrased', 0):.2f}"
                },
                "text",
            )
        )
    return BenchResult(
        name="clough",
        title="Clough–Stevenson short answers (document-level reuse)",
        columns=(column,),
        rows=tuple(rows),
        parameters={
            "comparison": "compare(a=orig_taskX source, b=answer); the answer's shares_b",
            "class_rule": f"copied share >= {MIN_COPIED_SHARE} -> copied; else reused share >= "
            f"{MIN_REUSED_SHARE} (DeriveConfig.min_derivation_share) -> paraphrased; "
            "else original",
            "gold_mapping": dict(GOLD_CLASS),
            "reuse_score": f"copied + {PARAPHRASE_WEIGHT} * paraphrased",
            "fitted": "nothing: the rule and the score are fixed a priori from the label "
            "definitions; the corpus has no dev split and was not used to choose them",
        },
        figures=figures,
    )
