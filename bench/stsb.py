"""STS Benchmark: how well tracer's sentence similarity tracks graded human similarity.

The score is the same function as in :mod:`bench.msrp` (``SentenceSimilarity`` with the
library's ``word_weight``, IDF fitted on the sentences of the split being scored). Correlation
needs no threshold, so nothing is fitted; dev is reported next to test, over all genres and
over the news genre (``main-news``) alone.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from bench.common import BenchResult, Row, RunContext, Target
from bench.datasets import StsPair, load_stsb
from bench.metrics import pearson, spearman
from bench.msrp import sentence_pair_scores
from tracer.config import AlignConfig

TARGET_PEARSON = 0.70
NEWS_GENRE = "main-news"


def correlations(pairs: Sequence[StsPair], word_weight: float) -> dict[str, Any]:
    """Pearson and Spearman of tracer's scores against the gold scores: all, news, per genre."""
    scores = sentence_pair_scores(
        [p.sentence1 for p in pairs], [p.sentence2 for p in pairs], word_weight
    )
    gold = [p.score for p in pairs]

    def figures(indices: Sequence[int]) -> dict[str, Any]:
        x = [scores[i] for i in indices]
        y = [gold[i] for i in indices]
        return {"pairs": len(indices), "pearson": pearson(x, y), "spearman": spearman(x, y)}

    genres = sorted({p.genre for p in pairs})
    return {
        "all": figures(range(len(pairs))),
        "news": figures([i for i, p in enumerate(pairs) if p.genre == NEWS_GENRE]),
        "by_genre": {
            genre: figures([i for i, p in enumerate(pairs) if p.genre == genre]) for genre in genres
        },
        "by_source_file": {
            name: figures([i for i, p in enumerate(pairs) if p.source_file == name])
            for name in sorted({p.source_file for p in pairs})
        },
    }


def run(context: RunContext) -> BenchResult:
    """Pearson and Spearman on STS-B dev and test, all genres and news only."""
    word_weight = AlignConfig().word_weight
    by_split = {
        split: correlations(load_stsb(split, context.eval_dir), word_weight)
        for split in ("dev", "test")
    }

    def values(part: str, measure: str) -> dict[str, Any]:
        return {split: figures[part][measure] for split, figures in by_split.items()}

    rows = (
        Row(
            "Pearson, all genres",
            values("all", "pearson"),
            "3f",
            Target(">=", TARGET_PEARSON, "test"),
        ),
        Row("Spearman, all genres", values("all", "spearman"), "3f"),
        Row(
            "Pearson, main-news",
            values("news", "pearson"),
            "3f",
            Target(">=", TARGET_PEARSON, "test"),
        ),
        Row("Spearman, main-news", values("news", "spearman"), "3f"),
        Row(
            "pairs, all / main-news",
            {s: f"{f['all']['pairs']} / {f['news']['pairs']}" for s, f in by_split.items()},
            "text",
        ),
    )
    return BenchResult(
        name="stsb",
        title="STS-B graded similarity (sentence similarity)",
        columns=("dev", "test"),
        rows=rows,
        parameters={
            "similarity": "tracer.similarity.SentenceSimilarity(word_weight).score",
            "word_weight": word_weight,
            "idf": "fitted on the sentences of the split being scored (no labels)",
            "fitted": "nothing: correlation needs no threshold",
        },
        figures=by_split,
    )
