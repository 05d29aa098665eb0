"""Candidate pairs at corpus scale: LSH must find every pair that all-pairs alignment finds."""

from __future__ import annotations

from itertools import combinations
from pathlib import Path

from tracer.api import compare
from tracer.candidates import find_candidates
from tracer.config import CandidateConfig
from tracer.ingest import read_corpus
from tracer.model import Article, Segmented
from tracer.segment import segment

SEEDS = Path(__file__).resolve().parent.parent / "seeds"

HARBOUR = (
    "The city council approved a new budget for the harbour renovation on Tuesday evening. "
    "Construction crews will begin dredging the northern basin in early spring next year. "
    "Officials estimate the renovation will cost forty million euros over five years. "
    "Local fishermen have complained that the works will block their moorings for months. "
    "The mayor promised compensation for any business that loses income during the works. "
    "Environmental groups warned that dredging could disturb rare seagrass meadows nearby. "
    "A public hearing on the environmental report is scheduled for the end of the month."
)


def fixture_corpus() -> list[Segmented]:
    articles = [*read_corpus([SEEDS]).articles]
    articles += [
        Article("harbour", HARBOUR),
        # A short excerpt inside the long text: contained, not Jaccard-similar.
        Article("excerpt", "Officials estimate the renovation will cost forty million euros."),
        # A paraphrase: shares words, almost no word sequences.
        Article(
            "paraphrase",
            "Fishermen in the town say the building works will keep their boats from the "
            "moorings for months. Dredging of the north basin starts early next spring.",
        ),
        Article("recipe", "Whisk two eggs with flour and a pinch of salt, then bake for an hour."),
        Article("weather", "Heavy rain is expected across the region on Friday, with strong wind."),
    ]
    return [segment(article) for article in articles]


def test_lsh_recall_equals_all_pairs_comparison() -> None:
    docs = fixture_corpus()
    sharing = {
        (i, j) for i, j in combinations(range(len(docs)), 2) if compare(docs[i], docs[j]).pairs
    }
    found = {(c.a, c.b) for c in find_candidates(docs, CandidateConfig(all_pairs_below=0))}
    assert sharing, "the fixture must contain related pairs"
    assert sharing <= found
    # ...without simply returning every pair: the recipe and the weather relate to nothing.
    ids = [d.article.id for d in docs]
    unrelated = {ids.index("recipe"), ids.index("weather")}
    assert not {pair for pair in found if set(pair) & unrelated}


def test_candidates_say_why_they_were_picked() -> None:
    docs = [segment(Article("a", HARBOUR)), segment(Article("b", HARBOUR))]
    (pair,) = find_candidates(docs)
    assert (pair.a, pair.b) == (0, 1)
    assert {"jaccard", "sentence"} <= set(pair.reasons)


def test_small_corpora_can_align_all_pairs() -> None:
    docs = [
        segment(Article(str(i), f"Text number {i} about nothing in particular.")) for i in range(4)
    ]
    pairs = find_candidates(docs, CandidateConfig(all_pairs_below=10))
    assert [(p.a, p.b) for p in pairs] == list(combinations(range(4), 2))
    assert all(p.reasons == ("all-pairs",) for p in pairs)


def test_empty_and_single_article_corpora() -> None:
    assert find_candidates([]) == ()
    assert find_candidates([segment(Article("only", HARBOUR))]) == ()


def test_no_article_gets_more_than_max_partners_and_the_cut_is_reported() -> None:
    from dataclasses import replace

    from tracer.config import TracerConfig
    from tracer.pipeline import trace

    base = "Moscow could pay for North Korean weapons with grain, oil and military technology."
    articles = [Article(f"copy-{i}", f"{base} Version {i} of the story.") for i in range(5)]
    config = TracerConfig(candidates=replace(CandidateConfig(), max_partners=2))
    result = trace(articles, config)
    partners: dict[str, int] = {}
    for comparison in result.comparisons:
        for end in (comparison.a.article.id, comparison.b.article.id):
            partners[end] = partners.get(end, 0) + 1
    assert max(partners.values()) <= 2
    assert result.warnings
    assert all("max_partners (2)" in w.message for w in result.warnings)
    assert len(trace(articles).comparisons) == 10  # the default leaves a small corpus alone


def test_one_sets_signature_is_what_it_gets_among_others() -> None:
    import random

    import numpy as np

    from tracer.lsh import minhash_signatures

    generator = random.Random(11)
    for size in (1, 2, 50, 400):
        items = {f"w{generator.randrange(10_000)} x" for _ in range(size)}
        alone = minhash_signatures([items], 64, 3)
        among = minhash_signatures([{"other", "set"}, items, set()], 64, 3)
        assert np.array_equal(alone[0], among[1])


def test_the_quick_first_check_keeps_exactly_the_pairs_the_full_check_keeps() -> None:
    """Signatures that agree in their low 16 bits but not in full must not pass."""
    import numpy as np

    from tracer.candidates import _checked_pairs, band_layout, estimate_passes
    from tracer.lsh import band_keys, candidate_pairs

    generator = np.random.default_rng(5)
    base = generator.integers(0, 2**63, size=(400, 32), dtype=np.uint64)
    rows = [base]
    for share, step in ((0.3, 1), (0.3, 1 << 20), (0.65, 1 << 20)):
        # Near copies of the rows, with a share of their values changed: in the low 16 bits,
        # or only above them (the quick check sees those copies as identical; the full check
        # rejects the most changed ones).
        copy = base.copy()
        copy[generator.random(copy.shape) < share] += np.uint64(step)
        rows.append(copy)
    signatures = np.vstack(rows)
    sizes = [int(s) for s in generator.integers(3, 40, size=len(signatures))]
    found = _checked_pairs(signatures, sizes, 0.5, 3)
    size = np.asarray(sizes, dtype=np.float64)

    def full(pairs: np.ndarray) -> np.ndarray:
        return estimate_passes(
            signatures[pairs[:, 0]], signatures[pairs[:, 1]],
            size[pairs[:, 0]], size[pairs[:, 1]], 0.5, 3,
        )  # fmt: skip

    keys = band_keys(signatures, *band_layout(0.5, 32))
    expected = candidate_pairs(keys, where=full)
    assert len(expected) > 0
    assert found.tolist() == expected.tolist()
