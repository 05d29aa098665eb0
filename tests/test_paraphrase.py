"""The paraphrase scorer: features computed by hand on tiny pairs, and how scores behave."""

from __future__ import annotations

import math

import numpy as np
import pytest

from tracer.paraphrase import FEATURE_NAMES, WEIGHTS, ParaphraseScorer, SentenceView


def _features(scorer: ParaphraseScorer, first: str, second: str) -> dict[str, float]:
    return dict(zip(FEATURE_NAMES, scorer.pair_features(first, second), strict=True))


def test_features_of_a_small_pair_match_a_hand_computation() -> None:
    first, second = "Oil rose 2 pct.", "Oil fell 3 pct."
    scorer = ParaphraseScorer().fit([first, second])
    features = _features(scorer, first, second)
    # Stems: oil rose 2 pct / oil fell 3 pct. Two of four unigrams shared; no longer n-gram is.
    assert features["stem_p1"] == pytest.approx(0.5)
    assert features["stem_bleu"] == pytest.approx(((0.5 + 0.01) * 0.01**3) ** 0.25)
    # Each side has two content stems the other lacks, each in one of the two sentences; the sum
    # is in units of the IDF of a stem never seen.
    assert features["idf_unm_max"] == pytest.approx(2 * (math.log(3 / 2) + 1) / (math.log(3) + 1))
    assert features["cont_unm_max"] == 2
    assert features["num_diff_cnt"] == 2  # {2} ^ {3}
    assert features["neg_mismatch"] == 0
    assert features["cap_unm_max"] == 0


def test_numbers_compare_as_values_and_negation_and_names_are_counted() -> None:
    first = "Shares in Acme rose to 1,200.50 on Friday."
    second = "Shares did not rise to 1200.5 at Globex."
    scorer = ParaphraseScorer().fit([first, second])
    features = _features(scorer, first, second)
    assert features["num_diff_cnt"] == 0  # "1,200.50" and "1200.5" are the same number
    assert features["neg_mismatch"] == 1
    # Capitalised words after the first: {acme, friday} against {globex}.
    assert features["cap_unm_max"] == 2


def test_identical_sentences_share_everything() -> None:
    sentence = "The central bank raised its key rate by half a point on Thursday."
    scorer = ParaphraseScorer().fit([sentence])
    features = _features(scorer, sentence, sentence)
    assert features["stem_p1"] == 1.0
    assert features["stem_bleu"] == pytest.approx(1.01)
    assert features["char_ratio"] == 1.0
    for name in ("num_diff_cnt", "neg_mismatch", "idf_unm_max", "cont_unm_max", "cap_unm_max"):
        assert features[name] == 0


def test_idf_follows_the_fitted_sentences() -> None:
    scorer = ParaphraseScorer().fit(["Oil rose.", "Oil fell.", "Gold fell."])
    assert scorer.n_sentences_ == 3
    assert scorer.idf("oil") == pytest.approx(math.log(4 / 3) + 1)
    assert scorer.idf("never-seen") == pytest.approx(math.log(4) + 1) == scorer.max_idf_


def test_an_identical_pair_scores_higher_than_a_paraphrase_and_an_unrelated_pair() -> None:
    source = "The company said profit rose 5 percent to $1.2 billion in the second quarter."
    paraphrase = "Second-quarter profit climbed 5 percent to $1.2 billion, the company said."
    unrelated = "Heavy rain flooded several streets in the old town overnight."
    scorer = ParaphraseScorer().fit([source, paraphrase, unrelated])
    identical, reworded, other = scorer.score([source] * 3, [source, paraphrase, unrelated])
    assert identical > reworded > other
    assert identical > 0.5 > other
    assert reworded > 0.5


def test_an_added_negation_lowers_the_score() -> None:
    source = "The ministry said exports rose in March from a year earlier."
    negated = "The ministry said exports did not rise in March from a year earlier."
    scorer = ParaphraseScorer().fit([source, negated])
    same, with_negation = scorer.score([source] * 2, [source, negated])
    assert with_negation < same


def test_scores_are_probabilities_and_deterministic() -> None:
    first = ["Moscow can offer grain.", "Oil rose.", "", "Kyiv's counter-offensive began."]
    second = ["Moscow could offer grain.", "The recipe needs eggs.", "", "It began."]
    once = ParaphraseScorer().fit([*first, *second]).score(first, second)
    again = ParaphraseScorer().fit([*first, *second]).score(first, second)
    assert once.shape == (4,)
    assert np.array_equal(once, again)
    assert np.all((once > 0) & (once < 1))


def test_features_accept_precomputed_views_and_have_one_row_per_pair() -> None:
    first, second = "Moscow can offer grain.", "Moscow could offer grain."
    scorer = ParaphraseScorer().fit([first, second])
    from_text = scorer.features([first, first], [second, second])
    from_views = scorer.features([SentenceView.of(first)] * 2, [SentenceView.of(second)] * 2)
    assert from_text.shape == (2, len(WEIGHTS))
    assert np.array_equal(from_text, from_views)
    assert scorer.features([], []).shape == (0, len(WEIGHTS))
    assert scorer.score([], []).shape == (0,)


def test_scoring_before_fitting_or_with_unequal_sides_is_an_error() -> None:
    with pytest.raises(ValueError, match="not fitted"):
        ParaphraseScorer().score(["a"], ["b"])
    scorer = ParaphraseScorer().fit(["a", "b"])
    with pytest.raises(ValueError, match="2 first sentences but 1"):
        scorer.score(["a", "b"], ["b"])
