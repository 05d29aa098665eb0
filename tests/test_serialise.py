"""Model objects to plain JSON values and compressed bytes, and back, without loss."""

from __future__ import annotations

import json
import zlib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tracer.api import compare
from tracer.attribution import find_attributions
from tracer.model import (
    Article,
    Attribution,
    Comparison,
    Edge,
    Node,
    Passage,
    Segmented,
    Sentence,
    Span,
)
from tracer.segment import segment
from tracer.serialise import (
    article_from_dict,
    article_to_dict,
    attributions_from_list,
    attributions_to_list,
    comparison_from_dict,
    comparison_to_dict,
    edge_from_dict,
    edge_to_dict,
    node_from_dict,
    node_to_dict,
    pack,
    segmented_from,
    sentences_to_list,
    unpack,
)

SOURCE = Article(
    "ft-1",
    "Kim to visit Russia\n"
    "North Korea’s leader Kim Jong Un plans to travel to Russia this month, the FT writes.\n"
    "Moscow could pay with grain, oil and military technology, officials said.\n"
    "Read also: Putin meets Kim — Reuters\n"
    "“We are ready,” Kirby said.",
    title="Kim to visit Russia",
    date="2023-09-08",
    url="https://ft.example/kim",
    source="Financial Times",
    origin="dump.jsonl:1",
    metadata={"lang": "en", "tags": ["asia", "russia"], "score": 0.1},
)
COPY = Article(
    "racurs-2",
    "Kim Jong Un may go to Russia\n"
    "North Korea’s leader Kim Jong Un plans to travel to Russia this month, the FT writes.\n"
    "In return, Moscow can offer grain, oil and military technology.\n"
    "Source: Racurs",
    date="2023-09-09T10:00:00",
    origin="dump.jsonl:2",
)


@pytest.fixture(scope="module")
def comparison() -> Comparison:
    return compare(SOURCE, COPY)


def test_article_round_trip_keeps_metadata() -> None:
    restored = article_from_dict(article_to_dict(SOURCE))
    assert restored == SOURCE
    assert restored.metadata == SOURCE.metadata  # not part of dataclass equality
    assert (restored.title, restored.date, restored.url, restored.source, restored.origin) == (
        SOURCE.title,
        SOURCE.date,
        SOURCE.url,
        SOURCE.source,
        SOURCE.origin,
    )


def test_article_round_trip_through_bytes() -> None:
    restored = article_from_dict(unpack(pack(article_to_dict(SOURCE))))
    assert restored == SOURCE
    assert restored.metadata == SOURCE.metadata


@pytest.mark.parametrize("article", [SOURCE, COPY], ids=["source", "copy"])
def test_segmented_round_trip(article: Article) -> None:
    doc = segment(article)
    restored = segmented_from(article, unpack(pack(sentences_to_list(doc))))
    assert restored == doc
    assert all(type(s.heading) is bool for s in restored.sentences)


def test_sentences_leave_out_what_the_article_holds() -> None:
    doc = segment(SOURCE)
    rows = sentences_to_list(doc)
    assert len(rows) == len(doc.sentences)
    # The raw text is never repeated; norm only where normalisation changed something.
    assert all(len(row) == 5 for row in rows)
    assert any(row[2] is None for row in rows)
    assert any(row[2] is not None for row in rows)  # curly quotes straightened
    boilerplate = [row for row in rows if row[3] is not None]
    assert boilerplate, "the 'Read also' line is furniture"


def test_hand_made_sentences_round_trip_exactly() -> None:
    article = Article("x", "One two. Three.")
    odd = Segmented(
        article,
        (
            Sentence("x", 0, Span(0, 8), "One two.", "one two.", None, True),
            Sentence("x", 5, Span(9, 15), "not the slice", "Three.", "menu"),
            Sentence("other", 2, Span(0, 0), "", ""),
        ),
    )
    assert segmented_from(article, sentences_to_list(odd)) == odd


@given(st.text(alphabet=st.sampled_from("ab .\n“”—é\u0301Ⅻ!?"), max_size=80))
def test_segmented_round_trip_property(text: str) -> None:
    article = Article("p", text)
    doc = segment(article)
    assert segmented_from(article, unpack(pack(sentences_to_list(doc)))) == doc


def test_attributions_round_trip() -> None:
    found = find_attributions(segment(SOURCE)) + find_attributions(segment(COPY))
    assert found, "the fixtures credit FT, Kirby and Racurs"
    restored = attributions_from_list(unpack(pack(attributions_to_list(found))))
    assert restored == found
    assert isinstance(restored, tuple)
    assert all(isinstance(a.sentences, tuple) for a in restored)


def test_comparison_round_trip(comparison: Comparison) -> None:
    assert comparison.passages, "the fixtures share a passage"
    data = unpack(pack(comparison_to_dict(comparison)))
    assert (data["a_id"], data["b_id"]) == ("ft-1", "racurs-2")
    assert "a" not in data and "b" not in data  # the articles are stored once, elsewhere
    restored = comparison_from_dict(data, comparison.a, comparison.b)
    assert restored == comparison
    assert all(isinstance(link.counterparts, tuple) for link in restored.links_b)
    assert all(isinstance(pair.a_indices, tuple) for pair in restored.pairs)


def test_comparison_needs_its_own_articles(comparison: Comparison) -> None:
    data = comparison_to_dict(comparison)
    with pytest.raises(ValueError, match="racurs-2"):
        comparison_from_dict(data, comparison.b, comparison.a)


def test_node_and_edge_round_trip(comparison: Comparison) -> None:
    attributions = find_attributions(segment(COPY))
    nodes = (
        Node("ft-1", "article", "Kim to visit Russia", outlet="Financial Times"),
        Node("source:racurs", "latent", "Racurs", "agency"),
    )
    edges = (
        Edge(
            "ft-1",
            "racurs-2",
            "derived",
            0.87,
            "racurs-2 copies ft-1",
            copied=0.25,
            paraphrased=1 / 3,
            passages=comparison.passages,
            attributions=attributions,
        ),
        Edge("a", "b", "related", 0.5, "both cite Kirby", common_source="John Kirby"),
    )
    assert tuple(node_from_dict(unpack(pack(node_to_dict(n)))) for n in nodes) == nodes
    assert tuple(edge_from_dict(unpack(pack(edge_to_dict(e)))) for e in edges) == edges


@pytest.mark.parametrize("value", [0.1 + 0.2, 1 / 3, 5e-324, 1e308, -0.0, 0.7059000000000001])
def test_floats_round_trip_exactly(value: float) -> None:
    passage = Passage("a", "b", Span(0, 1), Span(0, 1), (0,), (0,), "copied", value, value)
    edge = Edge("a", "b", "derived", value, "", passages=(passage,))
    restored = edge_from_dict(unpack(pack(edge_to_dict(edge))))
    assert restored.score.hex() == value.hex()
    assert restored.passages[0].similarity.hex() == value.hex()


def test_pack_is_deterministic() -> None:
    first = {"b": 1, "a": [1.5, "é", None], "c": {"y": 2, "x": 1}}
    second = {"c": {"x": 1, "y": 2}, "a": [1.5, "é", None], "b": 1}
    assert pack(first) == pack(second)
    text = zlib.decompress(pack(first)).decode("utf-8")
    assert text == '{"a":[1.5,"é",null],"b":1,"c":{"x":1,"y":2}}'


def test_equal_comparisons_pack_to_equal_bytes(comparison: Comparison) -> None:
    again = compare(SOURCE, COPY)
    assert pack(comparison_to_dict(again)) == pack(comparison_to_dict(comparison))


def test_stored_shapes_are_pinned() -> None:
    """The index stores these shapes: a change here needs a schema migration in tracer.index."""
    passage = Passage("a", "b", Span(0, 5), Span(2, 9), (0,), (1, 2), "paraphrased", 0.5, 0.25)
    attribution = Attribution("Reuters", "agency", "reported", "Reuters said", Span(3, 15), (1,))
    edge = Edge("a", "b", "derived", 0.9, "why", 0.1, 0.2, (passage,), (attribution,), None)
    assert json.loads(json.dumps(edge_to_dict(edge))) == {
        "parent": "a",
        "child": "b",
        "kind": "derived",
        "score": 0.9,
        "reason": "why",
        "copied": 0.1,
        "paraphrased": 0.2,
        "common_source": None,
        "passages": [
            {
                "a_id": "a",
                "b_id": "b",
                "a_span": {"start": 0, "end": 5},
                "b_span": {"start": 2, "end": 9},
                "a_sentences": [0],
                "b_sentences": [1, 2],
                "label": "paraphrased",
                "similarity": 0.5,
                "overlap": 0.25,
            }
        ],
        "attributions": [
            {
                "source": "Reuters",
                "source_type": "agency",
                "kind": "reported",
                "cue": "Reuters said",
                "start": 3,
                "end": 15,
                "sentences": [1],
            }
        ],
    }
