"""Derivation: siblings under a latent source, dated and undated chains, no transitive edges."""

from __future__ import annotations

from tracer.model import Article, TraceResult
from tracer.pipeline import trace

SOURCE_SENTENCES = [
    "The city council approved a new budget for the harbour renovation on Tuesday evening.",
    "Construction crews will begin dredging the northern basin in early spring next year.",
    "Officials estimate the renovation will cost forty million euros over five years.",
    "Local fishermen have complained that the works will block their moorings for months.",
    "The mayor promised compensation for any business that loses income during the works.",
    "Environmental groups warned that dredging could disturb rare seagrass meadows nearby.",
    "A public hearing on the environmental report is scheduled for the end of the month.",
    "The harbour handled more than two million tonnes of cargo during the last fiscal year.",
]


def edges_of(result: TraceResult, kind: str) -> set[tuple[str, str]]:
    return {(e.parent, e.child) for e in result.edges if e.kind == kind}


def test_dated_chain_is_a_chain_without_the_transitive_edge() -> None:
    original = Article("a", "\n".join(SOURCE_SENTENCES), date="2023-01-01")
    # b changes a figure; c inherits the change, which is how a copy of a copy shows itself.
    edited = [*SOURCE_SENTENCES[:6]]
    edited[2] = "Officials estimate the renovation will cost fifty million euros over five years."
    copy = Article(
        "b",
        "\n".join([*edited, "Residents can read the full plan at the town hall."]),
        date="2023-01-02",
    )
    copy_of_copy = Article(
        "c",
        "\n".join([*edited[:4], "Our reporter visited the harbour on Wednesday."]),
        date="2023-01-03",
    )
    result = trace([copy_of_copy, original, copy])
    derived = edges_of(result, "derived")
    assert ("a", "b") in derived
    assert ("b", "c") in derived
    assert ("a", "c") not in derived
    edge = next(e for e in result.edges if (e.parent, e.child) == ("a", "b"))
    assert edge.copied > 0.5
    assert edge.passages
    assert "dated earlier" in edge.reason


def test_dates_point_the_way_when_the_texts_are_symmetric() -> None:
    early = Article("late-id", "\n".join(SOURCE_SENTENCES[:5]), date="2022-05-01")
    late = Article("early-id", "\n".join(SOURCE_SENTENCES[:5]), date="2022-06-01")
    result = trace([late, early])
    assert edges_of(result, "derived") == {("late-id", "early-id")}


def test_undated_chain_is_decided_by_containment() -> None:
    source = Article("long-source", "\n".join(SOURCE_SENTENCES))
    rewrite = Article(
        "short-rewrite",
        "\n".join([*SOURCE_SENTENCES[1:5], "The newspaper could not reach the port authority."]),
    )
    for order in ([source, rewrite], [rewrite, source]):
        result = trace(order)
        assert edges_of(result, "derived") == {("long-source", "short-rewrite")}


def test_identical_undated_articles_are_related_not_derived() -> None:
    text = "\n".join(SOURCE_SENTENCES[:4])
    result = trace([Article("x", text), Article("y", text)])
    assert edges_of(result, "derived") == set()
    assert edges_of(result, "related") == {("x", "y")}


def test_articles_sharing_a_cited_source_are_siblings_under_it() -> None:
    first = Article(
        "first",
        "Reuters reported that the council approved a new budget for the harbour renovation.\n"
        "Construction crews will begin dredging the northern basin in early spring, "
        "the agency writes.\n"
        "Our own reporter adds that the mayor was absent from the vote.",
    )
    second = Article(
        "second",
        "The council approved a fresh budget to renovate the harbour, Reuters reported.\n"
        "Crews will start dredging the north basin early next spring, according to Reuters.\n"
        "Fishermen are worried about their boats.",
    )
    result = trace([first, second])
    assert edges_of(result, "derived") == {
        ("source:reuters", "first"),
        ("source:reuters", "second"),
    }
    related = [e for e in result.edges if e.kind == "related"]
    assert [(e.parent, e.child, e.common_source) for e in related] == [
        ("first", "second", "Reuters")
    ]
    assert "siblings" in related[0].reason
    latent = {n.id: n for n in result.nodes if n.kind == "latent"}
    assert latent["source:reuters"].source_type == "agency"


def test_declared_channel_sits_between_the_original_and_the_article() -> None:
    article = Article(
        "buna",
        "The Financial Times writes that talks are under way.\n"
        "The newspaper says a deal could follow within weeks.\n"
        "Source: Racurs",
    )
    result = trace([article])
    assert edges_of(result, "derived") == {
        ("source:financial-times", "source:racurs"),
        ("source:racurs", "buna"),
    }


def test_unrelated_articles_have_no_edges_and_output_is_deterministic() -> None:
    recipe = Article("recipe", "Whisk two eggs with flour and a pinch of salt. Bake for an hour.")
    harbour = Article("harbour", "\n".join(SOURCE_SENTENCES[:3]))
    first = trace([recipe, harbour])
    second = trace([harbour, recipe])
    assert first.edges == ()
    assert first == second


# --- versions of one text: closest-version trees ------------------------------------------------


def version(changes: dict[tuple[int, str], str], sentences: list[str] | None = None) -> str:
    """The harbour story with some words changed: {(sentence index, old word): new word}."""
    lines = list(sentences or SOURCE_SENTENCES)
    for (index, old), new in changes.items():
        assert old in lines[index]
        lines[index] = lines[index].replace(old, new, 1)
    return "\n".join(lines)


FIFTY = {(2, "forty"): "fifty"}
PLEDGED = {(4, "promised"): "pledged"}
PLANNED = {(6, "scheduled"): "planned"}
DIGGING = {(1, "dredging"): "digging"}


def test_near_identical_versions_get_a_closest_version_tree() -> None:
    # o is copied three times (p, r, s), each copyist making one slip; q copies p and adds a
    # slip of its own, inheriting p's.
    versions = [
        Article("o", version({})),
        Article("p", version(FIFTY)),
        Article("q", version(FIFTY | PLEDGED)),
        Article("r", version(PLANNED)),
        Article("s", version(DIGGING)),
    ]
    result = trace(versions)
    assert edges_of(result, "derived") == {("o", "p"), ("p", "q"), ("o", "r"), ("o", "s")}
    edge = next(e for e in result.edges if (e.parent, e.child) == ("p", "q"))
    assert edge.reason.startswith("closest version: q differs from p in 1 variant (1 word)")
    assert "direction from o, the one of 5 versions the others differ from least" in edge.reason
    assert edge.copied > 0.9
    # A pair on the tree is derived only; the other pairs stay related.
    assert ("o", "p") not in edges_of(result, "related")
    assert ("q", "r") in edges_of(result, "related")
    assert trace(list(reversed(versions))).edges == result.edges


def test_two_versions_stay_related_since_neither_text_points_the_way() -> None:
    result = trace([Article("x", version({})), Article("y", version(FIFTY))])
    assert edges_of(result, "derived") == set()
    assert edges_of(result, "related") == {("x", "y")}


def test_tied_versions_keep_the_edge_between_them_undirected() -> None:
    # A chain of four: m and n are equally central, so only the outer edges get a direction.
    result = trace(
        [
            Article("k", version({})),
            Article("m", version(FIFTY)),
            Article("n", version(FIFTY | PLEDGED)),
            Article("t", version(FIFTY | PLEDGED | PLANNED)),
        ]
    )
    assert edges_of(result, "derived") == {("m", "k"), ("n", "t")}
    assert ("m", "n") in edges_of(result, "related")
    edge = next(e for e in result.edges if e.kind == "derived")
    assert "m and n, which tie" in edge.reason


def test_a_fragment_is_missing_text_not_a_closer_version() -> None:
    from tracer.derive import version_distance

    full = version(FIFTY).split()
    other = version(FIFTY | PLANNED).split()
    # Only what both have is compared: a fragment ending before sentence 6 reads like both.
    fragment = full[: len(full) // 2]
    assert version_distance(fragment, other).variants == 0
    assert version_distance(full, other).variants == 1
    assert version_distance(full, other).rate > 0


def test_versions_quoting_a_common_source_stay_siblings() -> None:
    cited = [f"{SOURCE_SENTENCES[0][:-1]}, Reuters reported.", *SOURCE_SENTENCES[1:]]
    result = trace(
        [
            Article("first", version({}, cited)),
            Article("second", version(FIFTY, cited)),
            Article("third", version(PLANNED, cited)),
        ]
    )
    assert edges_of(result, "derived") == {
        ("source:reuters", "first"),
        ("source:reuters", "second"),
        ("source:reuters", "third"),
    }
    assert len(edges_of(result, "related")) == 3


def test_versions_keep_the_parent_containment_gives_them() -> None:
    # Three trimmed copies of the long story, near-identical to one another: each came from
    # the long story; the closest-version tree does not re-parent them.
    trimmed = SOURCE_SENTENCES[:5]
    result = trace(
        [
            Article("long", "\n".join(SOURCE_SENTENCES)),
            Article("x", version({}, trimmed)),
            Article("y", version(FIFTY, trimmed)),
            Article("z", version(PLEDGED, trimmed)),
        ]
    )
    assert edges_of(result, "derived") == {("long", "x"), ("long", "y"), ("long", "z")}
