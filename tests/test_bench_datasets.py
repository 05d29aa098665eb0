"""Loaders of the shared evaluation sets: counts, encodings, offsets, and the missing-data error.

The data lives outside the repository, in ``../shared/eval`` relative to the repository root;
when it is absent these tests are skipped (except the one checking the error message).
"""

from __future__ import annotations

import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pytest

# `bench` is a top-level folder, not an installed package: `python -m pytest` (as `make test`
# runs it) finds it through the working directory, a bare `pytest` needs the repository root.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.datasets import (
    CloughCorpus,
    EvalDataError,
    PanPair,
    ReutersStory,
    exact_duplicate_groups,
    load_clough,
    load_msrp,
    load_pan13,
    load_reuters,
    load_stemma,
    load_stsb,
)
from bench.metrics import average_sign_distance, direct_edge_scores, witness_edges
from tracer.errors import TracerError

REPO_ROOT = Path(__file__).resolve().parents[1]
EVAL_DIR = (REPO_ROOT / ".." / "shared" / "eval").resolve()


@pytest.fixture(scope="module")
def eval_dir() -> Path:
    if not EVAL_DIR.is_dir():
        pytest.skip(f"evaluation data not found at {EVAL_DIR} (../shared/eval from the repo root)")
    return EVAL_DIR


@pytest.fixture(scope="module")
def pan_dev(eval_dir: Path) -> tuple[PanPair, ...]:
    return load_pan13("dev", eval_dir)


@pytest.fixture(scope="module")
def pan_test(eval_dir: Path) -> tuple[PanPair, ...]:
    return load_pan13("test", eval_dir)


@pytest.fixture(scope="module")
def clough(eval_dir: Path) -> CloughCorpus:
    return load_clough(eval_dir)


@pytest.fixture(scope="module")
def reuters(eval_dir: Path) -> tuple[ReutersStory, ...]:
    return load_reuters(eval_dir)


def test_missing_evaluation_directory_is_a_clear_error(tmp_path: Path) -> None:
    absent = tmp_path / "no-such-eval"
    with pytest.raises(EvalDataError, match="evaluation data not found") as raised:
        load_msrp("train", absent)
    assert str(absent) in str(raised.value)
    assert isinstance(raised.value, TracerError)


def test_missing_dataset_folder_names_it(tmp_path: Path) -> None:
    with pytest.raises(EvalDataError, match="reuters-21578"):
        load_reuters(tmp_path)


# --- PAN 2013 ------------------------------------------------------------------------------------


def test_pan_dev_has_20_pairs_per_category(pan_dev: tuple[PanPair, ...]) -> None:
    assert len(pan_dev) == 100
    assert set(Counter(p.category for p in pan_dev).values()) == {20}
    cases = Counter(p.category for p in pan_dev for _ in p.cases)
    assert cases == {
        "02-no-obfuscation": 28,
        "03-random-obfuscation": 27,
        "04-translation-obfuscation": 24,
        "05-summary-obfuscation": 15,
    }


def test_pan_test_split(pan_test: tuple[PanPair, ...], pan_dev: tuple[PanPair, ...]) -> None:
    assert len(pan_test) == 400
    assert sum(len(p.cases) for p in pan_test) == 346
    assert not {(p.suspicious_id, p.source_id) for p in pan_test} & {
        (p.suspicious_id, p.source_id) for p in pan_dev
    }


def test_pan_negative_pairs_have_no_cases(pan_test: tuple[PanPair, ...]) -> None:
    negatives = [p for p in pan_test if p.category == "01-no-plagiarism"]
    assert len(negatives) == 80
    assert not any(p.has_reuse for p in negatives)
    # Summary obfuscation also has pairs without a case: 25 of its 80 test pairs.
    assert sum(not p.has_reuse for p in pan_test if p.category == "05-summary-obfuscation") == 25


def test_pan_offsets_are_characters_of_the_decoded_text(
    pan_dev: tuple[PanPair, ...], pan_test: tuple[PanPair, ...]
) -> None:
    verbatim = [(p, c) for p in pan_dev + pan_test for c in p.cases if p.category[:2] == "02"]
    assert len(verbatim) == 122
    for pair, case in verbatim:
        copied = case.suspicious_span.slice(pair.suspicious_text)
        original = case.source_span.slice(pair.source_text)
        assert copied.split() == original.split(), (pair.suspicious_id, case)
    # Byte offsets would drift after the first non-ASCII character; make sure that was tested.
    assert any(not p.suspicious_text[: c.suspicious_span.end].isascii() for p, c in verbatim)


def test_pan_cases_point_into_their_own_documents(pan_test: tuple[PanPair, ...]) -> None:
    for pair in pan_test:
        for case in pair.cases:
            assert (case.suspicious_id, case.source_id) == (pair.suspicious_id, pair.source_id)
            assert case.suspicious_span.end <= len(pair.suspicious_text)
            assert case.source_span.end <= len(pair.source_text)


# --- MSRP and STS-B ------------------------------------------------------------------------------


def test_msrp_counts_and_labels(eval_dir: Path) -> None:
    train, test = load_msrp("train", eval_dir), load_msrp("test", eval_dir)
    assert len(train) == 4076
    assert Counter(p.label for p in train) == {1: 2753, 0: 1323}
    assert len(test) == 1725
    assert Counter(p.label for p in test) == {1: 1147, 0: 578}


def test_msrp_keeps_quotes_and_drops_the_bom(eval_dir: Path) -> None:
    first = load_msrp("train", eval_dir)[0]
    assert first.sentence1_id == "702876"
    assert first.sentence1.startswith('Amrozi accused his brother, whom he called "the witness"')


def test_stsb_counts_and_genres(eval_dir: Path) -> None:
    assert len(load_stsb("train", eval_dir)) == 5749
    assert len(load_stsb("dev", eval_dir)) == 1500
    test = load_stsb("test", eval_dir)
    assert len(test) == 1379
    assert Counter(p.genre for p in test) == {
        "main-news": 500,
        "main-captions": 625,
        "main-forums": 254,
    }
    assert all(0.0 <= p.score <= 5.0 for p in test)


def test_stsb_ignores_trailing_licence_columns(eval_dir: Path) -> None:
    headlines = [p for p in load_stsb("test", eval_dir) if p.source_file == "headlines"]
    assert headlines
    assert not any("Europe Media Monitor" in p.sentence2 for p in headlines)


# --- Clough & Stevenson ----------------------------------------------------------------------


def test_clough_answers_and_categories(clough: CloughCorpus) -> None:
    assert len(clough.answers) == 95
    assert Counter(a.category for a in clough.answers) == {
        "cut": 19,
        "light": 19,
        "heavy": 19,
        "non": 38,
    }
    assert sorted(clough.sources) == ["a", "b", "c", "d", "e"]
    assert all(clough.source_for(a) for a in clough.answers)


def test_clough_decodes_windows_1252_files(clough: CloughCorpus) -> None:
    assert Counter(a.encoding for a in clough.answers)["cp1252"] == 17
    answer = next(a for a in clough.answers if a.file_name == "g1pB_taskb.txt")
    assert answer.encoding == "cp1252"
    assert "\u2018important\u2019" in answer.text


# --- Stemma -------------------------------------------------------------------------------------


def test_stemma_witnesses_and_true_edges(eval_dir: Path) -> None:
    stemma = load_stemma(eval_dir)
    assert len(stemma.sigla) == 13
    assert stemma.hidden == {"omega"}
    assert stemma.root == "T1"
    assert len(stemma.edges) == 14
    assert {p for p, c in stemma.edges if c == "F"} == {"C", "U"}
    assert len(stemma.punctuated) == 11
    assert "T1" not in stemma.punctuated
    assert stemma.witnesses["A"].startswith("Notre besoin de consolation est impossible à")


def test_true_stemma_scores_perfectly_against_itself(eval_dir: Path) -> None:
    stemma = load_stemma(eval_dir)
    assert average_sign_distance(stemma.edges, stemma.edges, stemma.sigla).agreement == 1.0
    assert direct_edge_scores(stemma.edges, stemma.edges, stemma.sigla).f1 == 1.0
    # Roos & Heikkilä draw U -> B directly; contracting the lost omega gives the same edges.
    assert ("U", "B") in witness_edges(stemma.edges, stemma.sigla)


# --- Reuters-21578 -------------------------------------------------------------------------------


def test_reuters_non_empty_bodies(reuters: tuple[ReutersStory, ...]) -> None:
    assert len(reuters) == 19_779
    ids = [s.newid for s in reuters]
    assert ids == sorted(set(ids))


def test_reuters_exact_duplicate_groups(reuters: tuple[ReutersStory, ...]) -> None:
    groups = exact_duplicate_groups(reuters)
    assert len(groups) == 336
    assert sum(len(g) for g in groups) == 676
    whitespace_only = exact_duplicate_groups(reuters, lowercase=False, min_words=0)
    assert (len(whitespace_only), sum(len(g) for g in whitespace_only)) == (282, 566)


# --- Speed -------------------------------------------------------------------------------------

LOADERS: dict[str, Callable[[Path], object]] = {
    "pan13-test": lambda d: load_pan13("test", d),
    "msrp-train": lambda d: load_msrp("train", d),
    "stsb-train": lambda d: load_stsb("train", d),
    "clough": load_clough,
    "stemma": load_stemma,
    "reuters": load_reuters,
}


@pytest.mark.parametrize("name", sorted(LOADERS))
def test_each_loader_takes_under_a_few_seconds(eval_dir: Path, name: str) -> None:
    started = time.perf_counter()
    LOADERS[name](eval_dir)
    assert time.perf_counter() - started < 5.0
