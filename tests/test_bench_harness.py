"""The benchmark harness: README generation, fixed rules, the scale checks, the command line.

Every case is small and worked out by hand; none needs the shared evaluation data.
"""

from __future__ import annotations

import json
import math
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

# `bench` is a top-level folder, not an installed package: `python -m pytest` finds it through
# the working directory, a bare `pytest` needs the repository root on the path.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.clough import MIN_COPIED_SHARE, MIN_REUSED_SHARE, document_class, reuse_score
from bench.common import (
    BenchResult,
    Row,
    RunContext,
    Target,
    format_table,
    format_value,
    result_document,
    write_result,
)
from bench.datasets import PanPair
from bench.metrics import PanAnnotation
from bench.pan13 import detect, quick_subset
from bench.readme import END_MARKER, START_MARKER, load_results, render_section, update_readme
from bench.reuters import all_pairs_tfidf, connected_groups, growth_exponent
from bench.seeds import BUNA_TIMES, FT, NEW_VOICE, RACURS, TELEGRAPH, check_facts
from bench.stemma import is_root
from tracer.config import DeriveConfig
from tracer.model import Edge, Node, Shares, Span, TraceResult

REPO_ROOT = Path(__file__).resolve().parents[1]

# --- README generation ----------------------------------------------------------------------


def _fake_result(name: str, title: str, test_accuracy: float) -> BenchResult:
    return BenchResult(
        name=name,
        title=title,
        columns=("dev", "test"),
        rows=(
            Row(
                "accuracy", {"dev": 0.8125, "test": test_accuracy}, "3f", Target(">=", 0.75, "test")
            ),
            Row("  precision", {"dev": 0.5, "test": 0.25}, "3f"),
            Row("false positives", {"dev": 0.0123, "test": None}, "pct"),
            Row("wall time (s)", {"dev": "timeout (600 s)", "test": math.nan}, "1f"),
        ),
        parameters={"threshold": "fitted on dev"},
        notes=("A note | with a pipe.",),
    )


@pytest.fixture
def results_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "results"
    context = RunContext(eval_dir=tmp_path)
    write_result(result_document(_fake_result("msrp", "MSRP", 0.7), context, 1.5), folder)
    write_result(result_document(_fake_result("pan13", "PAN13", 0.9), context, 2.0), folder)
    quick = result_document(_fake_result("pan13-quick", "PAN13 quick", 0.1), context, 0.5)
    write_result(quick, folder)
    return folder


def test_result_file_records_commit_date_machine_and_the_table(results_dir: Path) -> None:
    document: dict[str, Any] = json.loads((results_dir / "msrp.json").read_text())
    assert document["benchmark"] == "msrp"
    assert document["date"].endswith("Z")
    assert document["machine"]["cores"] >= 1
    assert document["machine"]["python"] == ".".join(map(str, sys.version_info[:3]))
    assert "commit" in document["git"]
    accuracy = document["rows"][0]
    assert accuracy["values"] == {"dev": 0.8125, "test": 0.7}
    assert accuracy["target"] == {"op": ">=", "value": 0.75, "column": "test", "met": False}
    # NaN is not JSON: it is stored as null.
    assert document["rows"][3]["values"]["test"] is None
    assert not list(results_dir.glob("*.tmp")) and not list(results_dir.glob(".*"))


def test_readme_section_is_generated_between_the_markers(results_dir: Path, tmp_path: Path) -> None:
    readme = tmp_path / "README.md"
    readme.write_text(
        f"# tracer\n\nIntro.\n\n## Benchmarks\n{START_MARKER}\nold figures\n{END_MARKER}\n\nEnd.\n"
    )
    section = update_readme(readme, results_dir)
    text = readme.read_text()
    assert section is not None and section in text
    assert text.startswith("# tracer\n\nIntro.\n\n## Benchmarks\n" + START_MARKER + "\n")
    assert text.endswith(END_MARKER + "\n\nEnd.\n")
    assert "old figures" not in text
    # The same formatting as the terminal table, the target and the verdict.
    assert "| accuracy | 0.812 | 0.700 | ≥ 0.750 (test) | ✗ |" in text
    assert "| accuracy | 0.812 | 0.900 | ≥ 0.750 (test) | ✓ |" in text
    assert "| &emsp;precision | 0.500 | 0.250 |  |  |" in text
    assert "| false positives | 1.23% | — |  |  |" in text
    assert "| wall time (s) | timeout (600 s) | — |  |  |" in text
    assert "A note \\| with a pipe." not in text and "- A note | with a pipe." in text
    # Where and on what the figures were measured.
    assert "Machine: " in text and " cores, " in text
    assert "commit `" in text and "targets met: 0/1" in text
    # The quick PAN result gives way to the full one; order follows the benchmark list.
    assert "PAN13 quick" not in text
    assert text.index("#### PAN13") < text.index("#### MSRP")
    # Running again on the same results changes nothing.
    assert update_readme(readme, results_dir) == section
    assert readme.read_text() == text


def test_readme_without_markers_is_left_alone(results_dir: Path, tmp_path: Path) -> None:
    readme = tmp_path / "README.md"
    readme.write_text("# tracer\n\nNo markers here.\n")
    assert update_readme(readme, results_dir) is None
    assert readme.read_text() == "# tracer\n\nNo markers here.\n"
    assert update_readme(tmp_path / "missing.md", results_dir) is None
    assert not (tmp_path / "missing.md").exists()


def test_provenance_line_names_commit_machine_and_uncommitted_folders() -> None:
    document = {
        "benchmark": "seeds",
        "title": "Seeds",
        "mode": "full",
        "date": "2026-01-02T03:04:05Z",
        "elapsed_seconds": 1.25,
        "git": {
            "commit": "0123456789abcdef",
            "dirty": True,
            "uncommitted": ["bench/pan13.py", "tracer/align.py", "pyproject.toml"],
        },
        "machine": {"cores": 2, "memory_gib": 23.5, "python": "3.11.7"},
        "columns": ["result"],
        "rows": [Row("fact", {"result": "pass"}, "text", Target("==", "pass", "result")).as_dict()],
    }
    section = render_section([document])
    assert "Machine: 2 cores, 23.5 GiB RAM, Python 3.11.7." in section
    assert (
        "commit `0123456789` + uncommitted changes in bench/, pyproject.toml, tracer/, "
        "2026-01-02 03:04:05 UTC, full run, 1.2 s" in section
    )
    assert "targets met: 1/1" in section
    assert "| fact | pass | = pass | ✓ |" in section


def test_quick_result_is_shown_when_there_is_no_full_one(tmp_path: Path) -> None:
    context = RunContext(eval_dir=tmp_path)
    write_result(result_document(_fake_result("pan13-quick", "Q", 0.1), context, 0.5), tmp_path)
    assert [d["benchmark"] for d in load_results(tmp_path)] == ["pan13-quick"]


def test_terminal_table_and_formatting() -> None:
    assert format_value(0.0199, "pct") == "1.99%"
    assert format_value(2500, "int") == "2,500"
    assert format_value(math.nan, "3f") == "n/a"
    table = format_table(["test"], [Row("F1", {"test": 0.82}, "3f", Target(">=", 0.82, "test"))])
    assert table.splitlines()[-1].split() == ["F1", "0.820", "≥", "0.820", "✓"]


def test_targets() -> None:
    assert Target("<", 0.02, "test").met({"test": 0.019}) is True
    assert Target("<", 0.02, "test").met({"test": 0.02}) is False
    assert Target("<=", 60.0, "all").met({"all": "timeout (600 s)"}) is False
    assert Target("<=", 60.0, "all").met({"dev": 1.0}) is None
    assert Target("==", "pass", "result").met({"result": "fail"}) is False
    assert Target(">=", 0.7, "test").met({"test": math.nan}) is False


# --- Clough: the class rule fixed in advance ------------------------------------------------


def test_clough_rule_is_fixed_from_the_label_definitions() -> None:
    assert MIN_COPIED_SHARE == 0.5
    assert MIN_REUSED_SHARE == DeriveConfig().min_derivation_share == 0.25
    # cut: most of the answer copied verbatim.
    assert document_class(copied=0.5, reused=0.5) == "copied"
    assert document_class(copied=0.9, reused=1.0) == "copied"
    # light/heavy: reused in other words, or copied in part only.
    assert document_class(copied=0.49, reused=0.95) == "paraphrased"
    assert document_class(copied=0.0, reused=0.25) == "paraphrased"
    # non: too little shared to be derived.
    assert document_class(copied=0.1, reused=0.24) == "original"
    assert document_class(copied=0.0, reused=0.0) == "original"


def test_clough_reuse_score_weights_copies_over_paraphrases() -> None:
    assert reuse_score(Shares(copied=0.6, paraphrased=0.2, original=0.2)) == pytest.approx(0.7)
    assert reuse_score(Shares(copied=0.0, paraphrased=1.0, original=0.0)) == 0.5
    assert reuse_score(Shares(copied=0.0, paraphrased=0.0, original=1.0)) == 0.0


# --- Reuters: duplicate groups, growth, baseline --------------------------------------------


def test_duplicate_group_counts_when_all_members_are_connected() -> None:
    groups = [("a", "b"), ("c", "d", "e"), ("f", "g"), ("h", "i")]
    links = [
        ("a", "b"),  # direct
        ("c", "x"),  # c - x - d through an article outside the group, and e - d directly
        ("x", "d"),
        ("e", "d"),
        ("f", "y"),  # g is never reached
        ("i", "h"),  # direction does not matter
    ]
    assert connected_groups(groups, links) == (True, True, False, True)
    assert connected_groups([("c", "d", "e")], [("c", "d")]) == (False,)
    assert connected_groups([(1, 2)], []) == (False,)


def test_growth_exponent_is_the_slope_of_log_time_on_log_size() -> None:
    # Linear: 10x the documents, 10x the time.
    assert growth_exponent([1000, 10000], [2.0, 20.0]) == pytest.approx(1.0)
    # Quadratic.
    assert growth_exponent([100, 200, 400], [1.0, 4.0, 16.0]) == pytest.approx(2.0)
    # Not on a line: log2 sizes 1, 2, 3 and log2 times 0, 2, 3 give a slope of 3 / 2.
    assert growth_exponent([2, 4, 8], [1.0, 4.0, 8.0]) == pytest.approx(1.5)
    assert growth_exponent([1000], [3.0]) is None
    assert growth_exponent([1000, 1000], [3.0, 4.0]) is None
    assert growth_exponent([1000, 2000], [0.0, 4.0]) is None


def test_naive_baseline_links_identical_bodies_only() -> None:
    bodies = [
        "Wheat exports rose in March, the ministry said.",
        "The central bank raised rates by half a point.",
        "Wheat exports rose in March, the ministry said.",
        "Wheat exports fell sharply in April, traders said.",
    ]
    assert all_pairs_tfidf(bodies, block_rows=2) == [(0, 2)]


# --- PAN13: detections, quick subset --------------------------------------------------------


def test_pan_detections_put_the_suspicious_span_first() -> None:
    copied = (
        "The committee approved the new budget after a long debate on Tuesday. "
        "Spending on public transport will rise by twelve percent next year."
    )
    source = f"Unrelated opening about gardening and roses in spring. {copied}"
    suspicious = f"{copied} A closing remark about the weather in the mountains follows."
    start_in_source = source.index(copied)
    case = PanAnnotation.from_offsets(
        "susp.txt", 0, len(copied), "src.txt", start_in_source, len(copied)
    )
    pair = PanPair("02-no-obfuscation", "susp.txt", "src.txt", suspicious, source, (case,))
    found = detect(pair)
    assert found, "a verbatim copy must be detected"
    detection, label = found[0]
    assert detection.pair == ("susp.txt", "src.txt")
    assert detection.suspicious_span.overlaps(Span(0, len(copied)))
    assert detection.source_span.start >= start_in_source - 1
    assert label == "copied"


def test_quick_subset_takes_the_first_pairs_of_each_category() -> None:
    def pair(category: str, number: int) -> PanPair:
        return PanPair(category, f"s{number}", f"r{number}", "x", "y", ())

    pairs = [pair("01", 1), pair("01", 2), pair("02", 3), pair("01", 4), pair("02", 5)]
    assert [p.suspicious_id for p in quick_subset(pairs, 2)] == ["s1", "s2", "s3", "s5"]


# --- Stemma root, seed facts ----------------------------------------------------------------


def test_root_must_have_no_parent_and_reach_every_witness() -> None:
    witnesses = ["T1", "A", "B", "C"]
    assert is_root(
        [("T1", "A"), ("A", "B"), ("source:x", "C"), ("T1", "source:x")], "T1", witnesses
    )
    assert not is_root([("T1", "A"), ("A", "B")], "T1", witnesses)  # C not reached
    assert not is_root([("A", "T1"), ("T1", "B"), ("T1", "C")], "T1", witnesses)  # has a parent


def _seed_trace(extra: tuple[tuple[str, str], ...] = ()) -> TraceResult:
    derived = [
        (FT, NEW_VOICE),
        (FT, RACURS),
        (RACURS, BUNA_TIMES),
        ("source:the-new-york-times", TELEGRAPH),
        ("source:interfax", TELEGRAPH),
        ("source:cnn", "003_648dc79a4f448f9e"),
        ("source:espreso-tv", "004_a8488bd22045e4a9"),
        *extra,
    ]
    nodes = (Node(FT, "latent", "Financial Times"), Node(RACURS, "latent", "Racurs"))
    edges = tuple(Edge(p, c, "derived", 0.9, "test") for p, c in derived)
    return TraceResult(articles=(), comparisons=(), nodes=nodes, edges=edges)


def test_seed_facts_pass_on_the_expected_trace_and_fail_on_a_seed_to_seed_edge() -> None:
    assert all(check_facts(_seed_trace()).values())
    broken = check_facts(_seed_trace(extra=((NEW_VOICE, BUNA_TIMES), (FT, BUNA_TIMES))))
    assert broken["no derived edge between two seed articles"] is False
    assert broken["000 (Buna Times) derives from the FT through latent Racurs"] is False
    assert broken["001 (New Voice) derives from the FT"] is True


# --- The command line -----------------------------------------------------------------------


def test_missing_evaluation_data_is_a_clear_error(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "bench", "--eval", "/nonexistent", "--results", str(tmp_path),
         "--no-readme", "quick"],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )  # fmt: skip
    assert done.returncode == 2
    assert "bench: error: /nonexistent: evaluation data not found" in done.stderr
    assert "Traceback" not in done.stderr
    assert not list(tmp_path.iterdir()), "nothing may run (or be written) without the data"


def _negative_pair() -> PanPair:
    source = (
        "The harbour authority approved the dredging plan on Monday.\n"
        "Work on the northern basin will start in spring and last two years. "
        "Fishermen fear the noise will drive the cod away from the bay.\n"
        "The authority promised to pay for new nets and a study of the fish.\n"
        "Councillors asked for a second opinion on the cost of the works. "
        "The port director said the basin had silted up faster than expected.\n"
        "A public meeting on the plan will be held in the town hall next month.\n"
    )
    host = (
        "Tourism in the region grew again last summer.\n"
        "Hotels along the coast reported record bookings in August.\n"
        "Local restaurants hired more staff than in any year before.\n"
    )
    return PanPair("01-no-plagiarism", "susp-1.txt", "src-1.txt", host, source, ())


def test_synthetic_cases_point_at_the_inserted_text_and_its_source() -> None:
    from bench.pan13_synthetic import synthetic_pairs

    negative = _negative_pair()
    made = synthetic_pairs([negative], variants=3, seed=1)
    assert [pair.category[:2] for pair in made] == ["02"] * 3 + ["03"] * 3
    assert made == synthetic_pairs([negative], variants=3, seed=1)
    for pair in made:
        assert pair.source_text == negative.source_text
        assert pair.suspicious_id != negative.suspicious_id
        assert pair.cases
        inserted = sum(case.suspicious_span.length + 1 for case in pair.cases)
        assert len(pair.suspicious_text) == len(negative.suspicious_text) + inserted
        for case in pair.cases:
            taken = case.suspicious_span.slice(pair.suspicious_text)
            original = " ".join(case.source_span.slice(pair.source_text).split())
            if pair.category.startswith("02"):
                assert " ".join(taken.split()) == original
            # Whole sentences of the source, inserted at a sentence start of the host and run
            # on into the host text after them.
            start, end = case.suspicious_span.start, case.suspicious_span.end
            assert start == 0 or pair.suspicious_text[start - 1] in " \n"
            assert pair.suspicious_text[end] == " "
            assert original[-1] in ".!?"


def test_random_obfuscation_deletes_and_replaces_words_with_host_words() -> None:
    import random

    from bench.pan13_synthetic import obfuscate

    words = [f"w{i}" for i in range(200)]
    changed = obfuscate(words, ["HOST"], random.Random(3))
    kept = len(set(changed) & set(words))
    assert 0.4 * len(words) < kept < 0.8 * len(words)
    # Mostly deletions, as in PAN's random obfuscation: the case comes out shorter.
    assert len(changed) < 0.85 * len(words)
    assert "HOST" in changed
    assert set(changed) <= {*words, "HOST"}


def test_a_run_cut_in_two_keeps_whole_sentences_apart_and_in_order() -> None:
    import random

    from bench.pan13_synthetic import MIN_PART_CHARS, _split
    from tracer.model import Span

    source = " ".join(
        f"Sentence number {i} says something about the harbour plan." for i in range(24)
    )
    run = Span(0, len(source))
    cuts = [_split(run, source, random.Random(seed)) for seed in range(40)]
    split = [parts for parts in cuts if len(parts) == 2]
    assert split and len(split) < len(cuts)  # some runs are cut, not all
    for first, second in split:
        assert first.start == run.start and second.end == run.end
        assert first.end < second.start
        assert min(first.length, second.length) >= MIN_PART_CHARS
        assert first.slice(source).endswith(".") and second.slice(source).startswith("Sentence")
