"""Acceptance on the seed articles: ``tracer compare A B --json`` finds the reused passages."""

from __future__ import annotations

import itertools
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from tracer.cli import cli

# Sentences of seed 000 and their rewrites in seed 001 (the Financial Times story, retold).
EXPECTED_PAIRS = [
    (
        "North Korea is ready to sign an arms supply agreement",
        "North Korea ready to sign arms deal",
    ),
    ("Pyongyang can offer ammunition", "Pyongyang could offer ammunition"),
    ("Moscow could pay for North Korean weapons with grain", "In return, Moscow can offer grain"),
    (
        "Cooperation between Russia and North Korea could expand",
        "co-operation may extend beyond",
    ),
]

RECIPE = (
    "Classic sponge cake\n\n"
    "Preheat the oven to 180 degrees and butter two round tins.\n"
    "Whisk four eggs with 200 grams of caster sugar until pale and fluffy.\n"
    "Gently fold in the sifted flour and a pinch of salt with a metal spoon.\n"
    "Divide the batter between the tins and bake for 25 minutes, until golden.\n"
    "Leave to cool, then sandwich the layers with jam and whipped cream.\n"
)


def compare_json(a: Path, b: Path, *options: str) -> dict[str, Any]:
    result = CliRunner().invoke(cli, ["compare", str(a), str(b), "--json", *options])
    assert result.exit_code == 0, result.output
    document: dict[str, Any] = json.loads(result.output)
    return document


def sentence_index(article: dict[str, Any], fragment: str) -> int:
    (index,) = [s["index"] for s in article["sentences"] if fragment in s["text"]]
    return int(index)


def raw_text(path: Path) -> str:
    return path.read_bytes().decode("utf-8")


@pytest.fixture
def ft_pair(seed: Callable[[str], Path]) -> dict[str, Any]:
    return compare_json(seed("000"), seed("001"))


@pytest.mark.parametrize(("a_fragment", "b_fragment"), EXPECTED_PAIRS)
def test_the_rewritten_ft_sentences_are_aligned(
    ft_pair: dict[str, Any], a_fragment: str, b_fragment: str
) -> None:
    a_index = sentence_index(ft_pair["a"], a_fragment)
    b_index = sentence_index(ft_pair["b"], b_fragment)
    matching = [
        pair
        for pair in ft_pair["pairs"]
        if a_index in pair["a_sentences"] and b_index in pair["b_sentences"]
    ]
    assert len(matching) == 1, ft_pair["pairs"]
    assert matching[0]["label"] in ("copied", "paraphrased")
    a_sentence = ft_pair["a"]["sentences"][a_index]
    b_sentence = ft_pair["b"]["sentences"][b_index]
    assert a_sentence["label"] in ("copied", "paraphrased")
    assert b_sentence["label"] in ("copied", "paraphrased")
    assert a_index in b_sentence["counterparts"]
    assert b_index in a_sentence["counterparts"]


def test_seed_page_furniture_is_set_aside(ft_pair: dict[str, Any]) -> None:
    a_sentences, b_sentences = ft_pair["a"]["sentences"], ft_pair["b"]["sentences"]
    css = a_sentences[sentence_index(ft_pair["a"], ".in_text_content_22")]
    assert (css["label"], css["boilerplate_reason"]) == ("boilerplate", "leaked CSS")
    bio_start = sentence_index(ft_pair["a"], "I am David Wyatt")
    bio = a_sentences[bio_start:]
    assert len(bio) == 3, "the bio runs to the end of the article"
    assert {(s["label"], s["boilerplate_reason"]) for s in bio} == {("boilerplate", "author bio")}
    read_also = [s for s in b_sentences if s["text"].startswith("Read also:")]
    assert len(read_also) == 3
    assert {(s["label"], s["boilerplate_reason"]) for s in read_also} == {
        ("boilerplate", "read-also link")
    }
    a_boilerplate = {s["index"] for s in a_sentences if s["label"] == "boilerplate"}
    b_boilerplate = {s["index"] for s in b_sentences if s["label"] == "boilerplate"}
    for pair in ft_pair["pairs"]:
        assert not a_boilerplate & set(pair["a_sentences"])
        assert not b_boilerplate & set(pair["b_sentences"])


def test_the_ft_pair_shares_are_consistent(ft_pair: dict[str, Any]) -> None:
    for side in ("a", "b"):
        shares = ft_pair["shares"][side]
        assert shares["copied"] + shares["paraphrased"] + shares["original"] == pytest.approx(
            1.0, abs=0.001
        )
        assert 0.1 < shares["paraphrased"] < 0.6
        assert shares["boilerplate_chars"] > 0


def assert_offsets_slice_the_raw_files(document: dict[str, Any], a: Path, b: Path) -> None:
    raws = {"a": raw_text(a), "b": raw_text(b)}
    for side, raw in raws.items():
        article = document[side]
        assert article["length"] == len(raw)
        for sentence in article["sentences"]:
            assert raw[sentence["start"] : sentence["end"]] == sentence["text"]
    for pair in document["pairs"]:
        for side in ("a", "b"):
            sentences = document[side]["sentences"]
            indices, spans = pair[f"{side}_sentences"], pair[f"{side}_spans"]
            assert [raws[side][s["start"] : s["end"]] for s in spans] == [
                sentences[i]["text"] for i in indices
            ]
    for passage in document["passages"]:
        for side in ("a", "b"):
            sentences = document[side]["sentences"]
            indices, span = passage[f"{side}_sentences"], passage[f"{side}_span"]
            text = raws[side][span["start"] : span["end"]]
            assert text.startswith(sentences[indices[0]]["text"])
            assert text.endswith(sentences[indices[-1]]["text"])


def test_every_offset_slices_the_raw_seed_files(seed_paths: list[Path]) -> None:
    for a, b in itertools.product(seed_paths, repeat=2):
        assert_offsets_slice_the_raw_files(compare_json(a, b), a, b)


def test_every_visible_character_of_a_seed_is_in_exactly_one_segment(
    seed_paths: list[Path],
) -> None:
    for path in seed_paths:
        raw = raw_text(path)
        sentences = compare_json(path, path)["a"]["sentences"]
        owners = [0] * len(raw)
        for sentence in sentences:
            for offset in range(sentence["start"], sentence["end"]):
                owners[offset] += 1
        assert [raw[i] for i, n in enumerate(owners) if n != 1 and not raw[i].isspace()] == []


def test_a_seed_compared_with_itself_is_all_copied(seed_paths: list[Path]) -> None:
    for path in seed_paths:
        document = compare_json(path, path)
        for side in ("a", "b"):
            assert document["shares"][side]["copied"] == pytest.approx(1.0, abs=0.01), path
            labels = {s["label"] for s in document[side]["sentences"]}
            assert labels <= {"copied", "boilerplate"}, path
        assert document["document"]["jaccard"] == 1.0


def test_a_seed_compared_with_a_recipe_is_all_original(
    seed_paths: list[Path], tmp_path: Path
) -> None:
    recipe = tmp_path / "sponge-cake.txt"
    recipe.write_text(RECIPE, encoding="utf-8")
    for path in seed_paths:
        document = compare_json(path, recipe)
        assert document["pairs"] == [], path
        assert document["shares"]["a"]["original"] == pytest.approx(1.0, abs=0.01)
        assert document["shares"]["b"]["original"] == pytest.approx(1.0, abs=0.01)


def test_json_output_is_deterministic(seed: Callable[[str], Path]) -> None:
    runner = CliRunner()
    args = ["compare", str(seed("000")), str(seed("001")), "--json"]
    assert runner.invoke(cli, args).output == runner.invoke(cli, args).output
