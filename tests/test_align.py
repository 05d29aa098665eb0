"""Sentence alignment: which sentences of two articles share a passage, and how."""

from __future__ import annotations

import pytest

from tracer.align import align, passages, shares, token_overlap
from tracer.api import compare
from tracer.config import AlignConfig, TracerConfig
from tracer.model import Article, Comparison
from tracer.segment import segment

COUNCIL = (
    "The city council approved a new budget for public schools on Tuesday. "
    "Teachers will receive a five percent raise starting in January. "
    "The mayor called the vote a victory for working families."
)
# The same three facts, reworded and reordered.
COUNCIL_PARAPHRASE = (
    "Starting in January, teachers are set to get a pay raise of five percent. "
    "The budget for public schools was approved by the council on Tuesday. "
    "Working families won a big victory with the vote, the mayor argued."
)
RECIPE = (
    "Preheat the oven to two hundred degrees. "
    "Whisk the eggs with sugar until pale and fluffy. "
    "Fold in the flour gently and bake for twenty minutes."
)


def labels(result: Comparison, side: str = "b") -> list[str]:
    links = result.links_a if side == "a" else result.links_b
    return [link.label for link in links]


def counterparts(result: Comparison, side: str = "b") -> list[tuple[int, ...]]:
    links = result.links_a if side == "a" else result.links_b
    return [link.counterparts for link in links]


def test_identical_articles_are_copied_throughout() -> None:
    result = compare(COUNCIL, COUNCIL)
    assert labels(result, "a") == labels(result, "b") == ["copied"] * 3
    assert counterparts(result) == [(0,), (1,), (2,)]
    assert result.shares_a.copied == pytest.approx(1.0)
    assert result.shares_b.copied == pytest.approx(1.0)
    assert result.shares_b.original == 0.0
    assert [(p.a_sentences, p.b_sentences, p.label) for p in result.passages] == [
        ((0, 1, 2), (0, 1, 2), "copied")
    ]


def test_unrelated_articles_are_original_throughout() -> None:
    result = compare(COUNCIL, RECIPE)
    assert labels(result, "a") == labels(result, "b") == ["original"] * 3
    assert result.pairs == ()
    assert result.passages == ()
    assert result.shares_b.original == pytest.approx(1.0)


def test_reworded_and_reordered_sentences_are_paraphrased() -> None:
    result = compare(COUNCIL, COUNCIL_PARAPHRASE)
    assert labels(result) == ["paraphrased"] * 3
    assert counterparts(result) == [(1,), (0,), (2,)]
    assert result.shares_b.paraphrased == pytest.approx(1.0)
    assert result.shares_b.copied == 0.0


def test_sentences_reused_with_other_words_are_paraphrased() -> None:
    source = "The regime can offer the army ammunition, rocket launchers and ballistic missiles."
    rewrite = "Ballistic missiles, rocket launchers and ammunition could be offered to the army."
    result = compare(source, rewrite)
    assert labels(result) == ["paraphrased"]
    assert 0.0 < result.links_b[0].overlap < AlignConfig().copy_threshold


def test_a_copy_with_one_word_changed_is_still_copied() -> None:
    edited = COUNCIL.replace("on Tuesday", "on Wednesday")
    result = compare(COUNCIL, edited)
    assert labels(result) == ["copied"] * 3
    assert result.links_b[0].overlap < 1.0
    assert result.shares_b.copied == pytest.approx(1.0)


def test_sharing_only_names_is_not_reuse() -> None:
    result = compare(
        "Kim Jong Un met Vladimir Putin in Vladivostok.",
        "Vladimir Putin and Kim Jong Un exchanged letters.",
    )
    assert labels(result, "a") == labels(result, "b") == ["original"]
    assert result.pairs == ()


def test_sentences_are_matched_whatever_their_order() -> None:
    sentences = [
        "The city council approved a new budget for public schools on Tuesday.",
        "Teachers will receive a five percent raise starting in January.",
        "The mayor called the vote a victory for working families.",
    ]
    result = compare(" ".join(sentences), " ".join(reversed(sentences)))
    assert labels(result) == ["copied"] * 3
    assert counterparts(result) == [(2,), (1,), (0,)]
    assert counterparts(result, "a") == [(2,), (1,), (0,)]


def test_one_sentence_combining_two_draws_on_both() -> None:
    combined = (
        "Teachers will receive a five percent raise starting in January, and the mayor called "
        "the vote a victory for working families."
    )
    result = compare(COUNCIL, combined)
    assert labels(result) == ["copied"]
    assert sorted(result.links_b[0].counterparts) == [1, 2]
    assert labels(result, "a") == ["original", "copied", "copied"]
    assert [(p.a_indices, p.b_indices) for p in result.pairs] == [((1, 2), (0,))]


@pytest.mark.parametrize(
    ("a", "b"),
    [
        (COUNCIL, COUNCIL_PARAPHRASE),
        (COUNCIL, COUNCIL.replace("Tuesday", "Wednesday") + " " + RECIPE),
        (
            COUNCIL,
            "Teachers will receive a five percent raise starting in January, and the mayor "
            "called the vote a victory for working families.",
        ),
    ],
)
def test_verdicts_do_not_depend_on_argument_order(a: str, b: str) -> None:
    forward, backward = compare(a, b), compare(b, a)
    assert forward.links_a == backward.links_b
    assert forward.links_b == backward.links_a
    assert forward.shares_a == backward.shares_b


def test_boilerplate_is_never_matched_even_when_both_articles_carry_it() -> None:
    furniture = (
        "Read also: Kremlin tight-lipped on potential meeting\n"
        "I am David Wyatt, a professional writer and journalist for Buna Times.\n"
        "Support us with a one-time donation, or become a Patron!\n"
    )
    a = "Teachers will receive a five percent raise starting in January.\n" + furniture
    b = furniture + "Preheat the oven to two hundred degrees and whisk the eggs.\n"
    result = compare(a, b)
    assert labels(result, "a") == ["original", "boilerplate", "boilerplate", "boilerplate"]
    assert labels(result, "b") == ["boilerplate", "boilerplate", "boilerplate", "original"]
    assert result.pairs == ()
    assert result.shares_a.boilerplate_chars == len(furniture.replace("\n", ""))
    assert result.shares_a.original == pytest.approx(1.0)


def test_passages_merge_pairs_that_run_on_in_both_articles() -> None:
    a = (
        "The city council approved a new budget for public schools on Tuesday.\n"
        "Read also: Kremlin tight-lipped on potential meeting\n"
        "Teachers will receive a five percent raise starting in January.\n"
        "Preheat the oven to two hundred degrees and whisk the eggs.\n"
        "The mayor called the vote a victory for working families."
    )
    b = COUNCIL
    strict = TracerConfig(align=AlignConfig(passage_gap=0, summary_gap=0, merge_gap=0))
    result = compare(a, b, strict)
    # Boilerplate between two reused sentences does not break the passage; with no gap allowed,
    # an original one does...
    assert [(p.a_sentences, p.b_sentences, p.label) for p in result.passages] == [
        ((0, 2), (0, 1), "copied"),
        ((4,), (2,), "copied"),
    ]
    # ...and by default a passage bridges a few unmatched sentences.
    assert [(p.a_sentences, p.b_sentences) for p in compare(a, b).passages] == [
        ((0, 2, 4), (0, 1, 2))
    ]
    first = result.passages[0]
    assert first.a_span.slice(a).startswith("The city council")
    assert first.a_span.slice(a).endswith("starting in January.")
    assert first.b_span.slice(b) == COUNCIL[: COUNCIL.index(" The mayor")]


def test_passages_are_labelled_paraphrased_when_any_part_is() -> None:
    b = (
        "The city council approved a new budget for public schools on Tuesday. "
        "Starting in January, educators are set to get a pay raise of five percent."
    )
    result = compare(COUNCIL, b)
    assert labels(result) == ["copied", "paraphrased"]
    assert [(p.b_sentences, p.label) for p in result.passages] == [((0, 1), "paraphrased")]


def test_align_on_segmented_articles_with_a_stricter_threshold() -> None:
    a = segment(Article("a", COUNCIL))
    b = segment(Article("b", COUNCIL_PARAPHRASE))
    default = align(a, b)
    assert [link.label for link in default.links_b] == ["paraphrased"] * 3
    strict = align(a, b, AlignConfig(min_similarity=0.95))
    assert [link.label for link in strict.links_b] == ["original"] * 3
    assert strict.pairs == ()
    assert passages(a, b, strict) == ()
    assert shares(b, strict.links_b).original == pytest.approx(1.0)


def test_copy_threshold_decides_copied_versus_paraphrased() -> None:
    a = segment(Article("a", COUNCIL))
    b = segment(Article("b", COUNCIL.replace("on Tuesday", "on Wednesday")))
    assert [link.label for link in align(a, b).links_b] == ["copied"] * 3
    picky = align(a, b, AlignConfig(copy_threshold=1.0))
    assert [link.label for link in picky.links_b] == ["paraphrased", "copied", "copied"]


def test_a_zero_threshold_does_not_link_sentences_with_nothing_in_common() -> None:
    result = compare(COUNCIL, RECIPE, TracerConfig(align=AlignConfig(min_similarity=0.0)))
    assert labels(result) == ["original"] * 3


def test_a_lower_threshold_admits_weaker_matches() -> None:
    a = "Farmers harvested a record wheat crop this autumn despite the drought, officials said."
    b = "The drought worsened along the coast, where fishermen said the wheat crop was poor."
    assert labels(compare(a, b)) == ["original"]
    lenient = compare(a, b, TracerConfig(align=AlignConfig(min_similarity=0.1)))
    # The pair shares three content words (drought, wheat, crop) and scores about 0.18.
    assert labels(lenient) == ["paraphrased"]


@pytest.mark.parametrize(
    ("x", "y", "expected"),
    [
        ("the talks are moving forward", "talks are moving ahead", 0.75),
        ("a b c d", "a b c d", 1.0),
        ("a b c", "x a b c y", 1.0),
        # Scattered single words do not count: runs must be two tokens long.
        ("a x b y c", "a p b q c", 0.0),
        ("a b", "b a", 0.0),
        ("grain", "grain", 1.0),
        ("", "grain", 0.0),
    ],
)
def test_token_overlap(x: str, y: str, expected: float) -> None:
    assert token_overlap(x.split(), y.split()) == pytest.approx(expected)


def test_matching_headings_alone_are_not_a_passage_but_a_quoted_sentence_is() -> None:
    a = "Quick Links\nThe city council approved a new budget for public schools on Tuesday."
    b = "Weather Sports\nQuick Links\nPreheat the oven to two hundred degrees."
    headings = compare(a, b)
    assert labels(headings) == ["original", "copied", "original"]
    assert headings.passages == ()
    quoted = compare(a, "Quick Links\n" + COUNCIL.split(". ")[0] + ".")
    assert [(p.a_sentences, p.b_sentences) for p in quoted.passages] == [((0, 1), (0, 1))]


def test_a_reworded_sentence_beside_a_passage_extends_it() -> None:
    a = (
        "The city council approved a new budget for public schools on Tuesday. "
        "Teachers will receive a five percent raise starting in January."
    )
    b = (
        "The city council approved a new budget for public schools on Tuesday. "
        "Come January, every teacher gets five percent more."
    )
    result = compare(a, b)
    assert labels(result) == ["copied", "original"]
    assert [(p.a_sentences, p.b_sentences) for p in result.passages] == [((0, 1), (0, 1))]


def test_a_copied_passage_starts_where_the_shared_words_start() -> None:
    rest = (
        "Teachers will receive a five percent raise starting in January. "
        "The mayor called the vote a victory for working families. "
        "Parents had asked for smaller classes and more reading tutors. "
        "The new budget adds money for both from next autumn. "
        "Two schools on the east side will also get new roofs. "
        "Bus routes to the new sports hall will run every twenty minutes. "
        "The library opening hours will be extended on weekday evenings."
    )
    shared = "the city council approved a new budget for public schools on Tuesday. "
    a = "In a stormy session " + shared + rest
    b = "Whisk the eggs with sugar until pale and " + shared + rest
    result = compare(a, b)
    # The first sentences share only part of their words: that link alone is a paraphrase...
    assert labels(result)[:2] == ["paraphrased", "copied"]
    # ...but in a copied passage it is a copy beginning mid-sentence, cut where the copy begins.
    [passage] = result.passages
    assert passage.label == "copied"
    assert passage.a_span.slice(a) == shared + rest
    assert passage.b_span.slice(b) == shared + rest


def test_a_summary_covers_the_stretch_of_its_source_it_condenses() -> None:
    source = (
        "The river flooded the old mill district after three days of heavy rain. "
        "Water reached the second floor of several warehouses near the bridge. "
        "Firefighters evacuated forty families from the flooded streets overnight. "
        "The mill district was built on low marshland in the nineteenth century, when the town "
        "grew quickly around its textile factories and the railway line to the coast. "
        "Most of its brick buildings have stood empty since the last factory closed. "
        "Engineers had warned for years that the river embankment was too low. "
        "The council now plans to raise the embankment and move the warehouses. "
        "Insurance claims from the flooded warehouses are expected to be large."
    )
    summary = (
        "Firefighters evacuated forty families from the flooded streets of the mill district "
        "overnight. The council plans to raise the embankment that engineers had warned was too "
        "low."
    )
    stretch_only = TracerConfig(align=AlignConfig(summary_whole_share=1.0))
    [passage] = compare(source, summary, stretch_only).passages
    # Only sentences 2, 5 and 6 are linked; the opening shares the summary's words (flooded,
    # mill district), so the summary draws on it too, and on the sentence between. The last
    # sentence shares one word only.
    assert passage.a_sentences == (0, 1, 2, 5, 6)
    assert passage.a_span.slice(source).startswith("The river flooded")
    assert passage.a_span.slice(source).endswith("move the warehouses.")
    # That stretch is most of the article (summary_whole_share): the summary condenses all of it.
    [passage] = compare(source, summary).passages
    assert passage.a_sentences == tuple(range(8))
    assert passage.a_span.slice(source) == source
    # In a longer article the same stretch is a part, and the summary condenses that part.
    longer = " ".join([source, *_own_sentences(40, 3)])
    [passage] = compare(longer, summary).passages
    assert passage.a_sentences == (0, 1, 2, 5, 6)
    # A summary compressing less than summary_compression is not extended.
    plain = compare(source, summary, TracerConfig(align=AlignConfig(summary_compression=100.0)))
    assert [p.a_sentences for p in plain.passages] == [(2, 5, 6)]


def test_two_parts_of_one_summary_of_the_whole_article_are_one_passage() -> None:
    # A condenses the end of B, then (after two sentences of its own) the start: the two parts
    # lie far apart in B, but each condenses a stretch that, extended over the sentences
    # sharing the summary's words, is all of B. One summary of B, not two.
    made_up = [
        x + y for x in ("ka", "lo", "mi", "nu", "pe") for y in ("ri", "so", "tu", "va", "ze")
    ]
    made_up = [x + y for x in made_up for y in ("bo", "da", "fe", "gu")]

    def words(i: int) -> tuple[str, ...]:
        return tuple(made_up[4 * i : 4 * i + 4])

    source = [
        "The {} {} of the harbour dredging praised {} over {}.".format(*words(i)) for i in range(24)
    ]

    def condensed(i: int) -> str:
        return "A {} {} of the harbour dredging lauded {} above {}.".format(*words(i))

    a = " ".join(
        [
            *_own_sentences(3, 0),
            condensed(18),
            condensed(22),
            *_own_sentences(2, 2),
            condensed(1),
            condensed(5),
            *_own_sentences(3, 3),
        ]
    )
    [passage] = compare(a, " ".join(source)).passages
    assert passage.a_sentences == (3, 4, 7, 8)
    assert passage.b_sentences == tuple(range(24))


def test_the_best_counterparts_are_those_a_full_sort_would_pick() -> None:
    """A link's counterparts are found without sorting every row: the same as sorting it."""
    import random

    import numpy as np

    from tracer.align import _best_with_extras

    def by_sorting(scores: np.ndarray, own: set[str], other: list[set[str]]) -> list[int]:
        config = AlignConfig()
        order = [int(i) for i in np.argsort(-scores, kind="stable")]
        if not order or scores[order[0]] <= 0.0 or scores[order[0]] < config.min_similarity:
            return []
        chosen, covered = [order[0]], own & other[order[0]]
        for candidate in order[1:]:
            if scores[candidate] <= 0.0 or scores[candidate] < config.secondary_similarity:
                break
            if abs(candidate - order[0]) > config.max_extra_distance:
                continue
            gain = (own & other[candidate]) - covered
            if len(gain) >= config.min_shared_content_words and len(gain) >= 0.2 * len(own):
                chosen.append(candidate)
                covered |= gain
        return chosen

    generator = random.Random(4)
    vocabulary = [f"w{i}" for i in range(12)]
    for _ in range(2000):
        size = generator.randint(0, 9)
        # Few distinct values, so that ties (and zeros) are common.
        scores = np.array([generator.choice([0.0, 0.1, 0.25, 0.3, 0.4, 0.6]) for _ in range(size)])
        own = set(generator.sample(vocabulary, 5))
        other = [set(generator.sample(vocabulary, 4)) for _ in range(size)]
        assert _best_with_extras(scores, own, other, AlignConfig()) == by_sorting(
            scores, own, other
        )


def test_two_linked_sentences_agree_on_their_overlap() -> None:
    # difflib's matcher finds 4 of 7 words in shared runs one way and 2 of 7 the other way.
    assert token_overlap(
        "talks deliveries arms oil moving arms and".split(),
        "the the arms moving arms oil the moving arms".split(),
    ) != token_overlap(
        "the the arms moving arms oil the moving arms".split(),
        "talks deliveries arms oil moving arms and".split(),
    )
    a = segment(Article("a", "Talks deliveries arms oil moving arms and."))
    b = segment(Article("b", "The the arms moving arms oil the moving arms."))
    alignment = align(a, b)
    (link_a,), (link_b,) = alignment.links_a, alignment.links_b
    assert link_a.counterparts == (0,) and link_b.counterparts == (0,)
    assert link_a.overlap == link_b.overlap == alignment.pairs[0].overlap


def _own_sentences(count: int, seed: int) -> list[str]:
    """``count`` sentences that share no content word with one another, with anything else, or
    with those of another ``seed``."""
    syllables = ["ka", "lo", "mi", "nu", "pe", "ri", "so", "tu", "va", "ze"]
    made_up = [x + y + z for x in syllables for y in syllables for z in syllables if x != y != z]
    assert count <= 50 and seed < 4
    words = made_up[seed * 200 : seed * 200 + count * 4]
    return [
        f"The {words[4 * i]} {words[4 * i + 1]} praised {words[4 * i + 2]} over {words[4 * i + 3]}."
        for i in range(count)
    ]


TAKEN = [
    "The city council approved a new budget for public schools on Tuesday.",
    "Teachers will receive a five percent raise starting in January.",
    "Whisk the eggs with sugar until pale and fluffy before adding flour.",
    "Fold in the flour gently and bake the cake for twenty minutes.",
]


def test_two_copies_with_other_text_between_them_in_both_articles_are_two_passages() -> None:
    a = " ".join([*TAKEN[:2], *_own_sentences(4, 0), *TAKEN[2:4]])
    b = " ".join([*TAKEN[:2], *_own_sentences(4, 1), *TAKEN[2:4]])
    assert [(p.a_sentences, p.b_sentences, p.label) for p in compare(a, b).passages] == [
        ((0, 1), (0, 1), "copied"),
        ((6, 7), (6, 7), "copied"),
    ]
    # Allowed a longer gap, a copy bridges it (as a paraphrase does by default).
    loose = TracerConfig(align=AlignConfig(copy_gap=4))
    assert [(p.a_sentences, p.b_sentences) for p in compare(a, b, loose).passages] == [
        ((0, 1, 6, 7), (0, 1, 6, 7))
    ]


def test_a_sentence_repeated_in_one_article_is_linked_once() -> None:
    # A web page repeats a paragraph; the copy took it from one place, not from both.
    a = " ".join([*TAKEN[:3], *_own_sentences(6, 0), TAKEN[2]])
    b = " ".join(TAKEN[:3])
    result = compare(a, b)
    assert [(p.a_sentences, p.b_sentences) for p in result.passages] == [((0, 1, 2), (0, 1, 2))]
    assert labels(result, "a")[-1] == "original"


def test_a_reworded_sentence_does_not_claim_a_copy_of_another() -> None:
    copied = "The harbour authority approved the dredging plan for the northern basin on Monday."
    reworded = "The dredging plan for the northern basin was approved by the harbour authority."
    a = " ".join([copied, *_own_sentences(6, 0), reworded])
    b = " ".join([copied, *_own_sentences(2, 1)])
    result = compare(a, b)
    # B's sentence is a copy of A's first: A's reworded one is not where it came from.
    assert [(p.a_sentences, p.b_sentences, p.label) for p in result.passages] == [
        ((0,), (0,), "copied")
    ]
    assert counterparts(result, "a")[-1] == ()


def test_a_sentence_both_articles_repeat_links_each_repeat() -> None:
    a = " ".join([TAKEN[0], *_own_sentences(3, 0), TAKEN[0]])
    b = " ".join([TAKEN[0], *_own_sentences(3, 1), TAKEN[0]])
    result = compare(a, b)
    assert counterparts(result, "a")[0] == (0,) and counterparts(result, "a")[-1] == (4,)
    assert labels(result, "b")[-1] == "copied"


def test_a_lone_weak_paraphrase_is_dropped_only_when_asked() -> None:
    visit = (
        "In July, Russian defence minister Sergei Shoigu visited Pyongyang and toured an arms fair."
    )
    reworded = (
        "Sergei Shoigu, the Russian defence minister, visited North Korea in July to buy shells."
    )
    a = " ".join([*_own_sentences(4, 0), visit, *_own_sentences(4, 2)])
    b = " ".join([*_own_sentences(4, 1), reworded, *_own_sentences(4, 3)])
    # By default one reworded sentence is reuse, as news needs (it scores about 0.47).
    found = compare(a, b)
    assert [(p.a_sentences, p.b_sentences, p.label) for p in found.passages] == [
        ((4,), (4,), "paraphrased")
    ]
    strict = TracerConfig(align=AlignConfig(lone_similarity=0.5))
    dropped = compare(a, b, strict)
    assert dropped.passages == ()
    # The link goes with the passage: the labels and shares say the same.
    assert labels(dropped, "b")[4] == "original"
    assert dropped.shares_b.paraphrased == 0.0
    # Beside a copied sentence the same pair is vouched for, and stays.
    a = " ".join([*_own_sentences(4, 0), TAKEN[0], visit, *_own_sentences(4, 2)])
    b = " ".join([*_own_sentences(4, 1), TAKEN[0], reworded, *_own_sentences(4, 3)])
    assert [(p.a_sentences, p.b_sentences) for p in compare(a, b, strict).passages] == [
        ((4, 5), (4, 5))
    ]


def test_a_short_passage_is_dropped_only_when_asked() -> None:
    quote = "Prices will rise, the minister said."
    a = " ".join([*_own_sentences(3, 0), quote, *_own_sentences(4, 2), *TAKEN[:3]])
    b = " ".join([*_own_sentences(3, 1), quote, *_own_sentences(4, 3), *TAKEN[:3]])
    # By default a copied quote of one short sentence is reuse, as news needs.
    found = compare(a, b)
    assert [(p.a_sentences, p.label) for p in found.passages] == [
        ((3,), "copied"),
        ((8, 9, 10), "copied"),
    ]
    strict = TracerConfig(align=AlignConfig(min_passage_chars=len(quote) + 1))
    dropped = compare(a, b, strict)
    assert [p.a_sentences for p in dropped.passages] == [(8, 9, 10)]
    # The link goes with the passage: the labels and shares say the same.
    assert labels(dropped, "b")[3] == "original"
    assert labels(dropped, "b")[8:] == ["copied"] * 3


def test_two_copies_side_by_side_in_one_article_only_are_two_passages() -> None:
    # B took two stretches of A in the other order and put them together: the text between
    # them in A was not taken, so B does not reuse one passage of A.
    a = " ".join([*TAKEN[:2], *_own_sentences(5, 0), *TAKEN[2:4]])
    b = " ".join([*_own_sentences(2, 1), *TAKEN[2:4], *TAKEN[:2], *_own_sentences(2, 3)])
    assert [(p.a_sentences, p.b_sentences, p.label) for p in compare(a, b).passages] == [
        ((0, 1), (4, 5), "copied"),
        ((7, 8), (2, 3), "copied"),
    ]


def test_short_lines_inside_a_copy_do_not_cut_it_in_two() -> None:
    # Too short to be linked on their own ("Who pays?" shares no two content words), the
    # copied lines are picked up beside the copy's two halves, one here, one there: the
    # halves interleave and run on, so they are one copy.
    before = [*TAKEN[:2], "Engineers say the dredging of the northern channel takes six weeks."]
    short = ["Why?", "Money.", "Who pays?", "Everyone."]
    after = [*TAKEN[2:], "Comments on the plan may be sent to the town clerk until December."]
    copy = [*before, *short, *after]
    a = " ".join([*_own_sentences(2, 0), *copy, *_own_sentences(2, 2)])
    b = " ".join([*_own_sentences(2, 1), *copy, *_own_sentences(2, 3)])
    [passage] = compare(a, b).passages
    assert passage.label == "copied"
    assert passage.a_span.slice(a) == passage.b_span.slice(b) == " ".join(copy)


def test_a_sentence_held_in_the_long_sentence_beside_it_joins_the_passage() -> None:
    # B ran A's short sentence into its next one: only the long one is linked, but B's sentence
    # holds the words of both.
    head = "Members adopted the rules in september."
    body = (
        "The bar association continues to reaffirm its commitment to increase diversity in the "
        "legal profession, and its leadership works in partnership with the minority bar "
        "associations, the diversity committee and other stakeholders across the legal "
        "community and the community at large."
    )
    run_on = (
        "In september members adopted the rules and the bar association continues to reaffirm "
        "its commitment to promote diversity in the legal profession, and its leaders work in "
        "partnership with minority bar associations, the diversity committee and other "
        "stakeholders in the legal community and the community at large."
    )
    a = " ".join([*_own_sentences(4, 0), head, body, *_own_sentences(4, 2)])
    b = " ".join([*_own_sentences(4, 1), run_on, *_own_sentences(4, 3)])
    result = compare(a, b)
    assert counterparts(result)[4] == (5,)
    [passage] = result.passages
    assert (passage.a_sentences, passage.b_sentences) == ((4, 5), (4,))
    assert passage.a_span.slice(a).startswith(head)


def test_a_copied_sentence_echoed_far_away_does_not_stretch_the_passage() -> None:
    # A says the same thing twice, once in a longer sentence far from the passage B copied;
    # B's sentence is linked to both, but its passage is the copy, not all that lies between.
    short = "Wheat prices rose sharply in March."
    longer = "Wheat prices rose sharply in March, the farm agency said on Friday in its report."
    a = " ".join([*_own_sentences(3, 0), longer, *_own_sentences(8, 2), TAKEN[0], short, TAKEN[1]])
    b = " ".join(
        [*_own_sentences(2, 1), TAKEN[0], "Wheat prices rose sharply in March this year.", TAKEN[1]]
    )
    result = compare(a, b)
    assert counterparts(result)[3] == (13, 3)
    assert [(p.a_sentences, p.b_sentences, p.label) for p in result.passages] == [
        ((12, 13, 14), (2, 3, 4), "copied")
    ]
