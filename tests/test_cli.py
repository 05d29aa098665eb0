"""The ``tracer`` command line, through CliRunner and through the real entry point."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click
import pytest
from click.testing import CliRunner

from tracer.cli import cli

PNG_BYTES = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10\x00\x00\x00\x10\x08\x06"
REPO = Path(__file__).resolve().parent.parent

# The ``run_main`` fixture (conftest.py): runs ``tracer.cli.main``, returns exit code and output.
Run = Callable[..., Any]


def invoke(*args: str | Path) -> click.testing.Result:
    return CliRunner().invoke(cli, [str(arg) for arg in args])


def test_top_level_help_has_examples(run_main: Run) -> None:
    result = invoke("--help")
    assert result.exit_code == 0
    assert "Example" in result.output
    assert "compare" in result.output
    via_main = run_main("-h")
    assert via_main.exit_code == 0
    assert "Example" in via_main.stdout


def test_compare_help_has_an_example(run_main: Run) -> None:
    result = invoke("compare", "--help")
    assert result.exit_code == 0
    assert "Example" in result.output
    assert "tracer compare " in result.output
    assert run_main("compare", "--help").exit_code == 0


@pytest.mark.parametrize("name", sorted(cli.commands))
def test_every_command_has_help_with_an_example(name: str) -> None:
    result = invoke(name, "--help")
    assert result.exit_code == 0, result.output
    assert "Example" in result.output
    assert f"tracer {name} " in result.output


def test_version(run_main: Run) -> None:
    result = run_main("--version")
    assert result.exit_code == 0
    assert result.stdout.startswith("tracer, version ")


def test_compare_prints_the_aligned_pairs_and_shares(seed: Callable[[str], Path]) -> None:
    result = invoke("compare", seed("000"), seed("001"))
    assert result.exit_code == 0, result.output
    assert "paraphrased" in result.output
    assert "Pyongyang could offer" in result.output
    assert "000_5f7692219c63b442" in result.output
    assert "copied" in result.output and "original" in result.output
    # Each pair comes with the paraphrase classifier's probability next to its score.
    assert result.output.splitlines()[3].split()[:3] == ["label", "score", "para"]


def test_compare_json_gives_each_pair_a_paraphrase_probability(
    seed: Callable[[str], Path],
) -> None:
    result = invoke("compare", seed("000"), seed("001"), "--json")
    pairs = json.loads(result.output)["pairs"]
    assert pairs and all(0.0 <= pair["paraphrase_probability"] <= 1.0 for pair in pairs)
    # The seeds' reworded sentences are paraphrases to the classifier too.
    assert max(p["paraphrase_probability"] for p in pairs if p["label"] == "paraphrased") > 0.5


def test_quiet_shows_only_the_shares_and_document_figures(seed: Callable[[str], Path]) -> None:
    loud = invoke("compare", seed("000"), seed("001"))
    quiet = invoke("compare", seed("000"), seed("001"), "--quiet")
    assert quiet.exit_code == 0, quiet.output
    assert "Pyongyang" not in quiet.output
    assert "Pyongyang" in loud.output
    assert "000_5f7692219c63b442" in quiet.output
    assert "document: Jaccard" in quiet.output
    assert len(quiet.output.splitlines()) < len(loud.output.splitlines())
    assert invoke("compare", seed("000"), seed("001"), "-q").output == quiet.output


def test_json_output_is_a_versioned_document(seed: Callable[[str], Path]) -> None:
    result = invoke("compare", seed("000"), seed("001"), "--json")
    assert result.exit_code == 0, result.output
    document = json.loads(result.output)
    assert document["format"] == "tracer.comparison/1"
    assert {"a", "b", "pairs", "passages", "document", "shares"} <= set(document)
    assert document["a"]["id"] == "000_5f7692219c63b442"
    assert document["a"]["title"].startswith("North Korea is ready to sign")


def pair_count(*args: str | Path) -> int:
    result = invoke("compare", *args, "--json")
    assert result.exit_code == 0, result.output
    return len(json.loads(result.output)["pairs"])


def test_a_higher_min_score_reduces_the_matches(seed: Callable[[str], Path]) -> None:
    default = pair_count(seed("000"), seed("001"))
    strict = pair_count(seed("000"), seed("001"), "--min-score", "0.9")
    assert default >= 4
    assert strict < default


def test_an_out_of_range_min_score_is_a_usage_error(
    run_main: Run, seed: Callable[[str], Path]
) -> None:
    result = run_main("compare", seed("000"), seed("001"), "--min-score", "1.5")
    assert result.exit_code == 2
    assert "--min-score" in result.stderr


def write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda tmp: tmp / "missing.txt", "no such file"),
        (lambda tmp: write(tmp / "photo.png", PNG_BYTES), "binary file"),
        (lambda tmp: write(tmp / "empty.txt", b""), "empty article"),
        (lambda tmp: write(tmp / "blank.txt", b" \n\t\n"), "empty article"),
        (lambda tmp: tmp, "directory"),
    ],
    ids=["missing", "binary", "empty", "blank", "directory"],
)
def test_unusable_input_exits_2_with_a_one_line_error_naming_the_file(
    run_main: Run,
    seed: Callable[[str], Path],
    tmp_path: Path,
    make: Callable[[Path], Path],
    message: str,
) -> None:
    bad = make(tmp_path)
    for args in [(seed("000"), bad), (bad, seed("000"))]:
        result = run_main("compare", *args)
        assert result.exit_code == 2
        assert result.stdout == ""
        lines = result.stderr.splitlines()
        assert len(lines) == 1, result.stderr
        assert lines[0].startswith("tracer: error: ")
        assert str(bad) in lines[0]
        assert message in lines[0]
        assert "Traceback" not in result.stderr


def test_a_latin_1_file_is_read(run_main: Run, seed: Callable[[str], Path], tmp_path: Path) -> None:
    latin = write(
        tmp_path / "latin.txt",
        b"Le caf\xe9 de la gare servait du th\xe9 \xe0 Gen\xe8ve chaque matin.\n",
    )
    result = run_main("compare", seed("000"), latin, "--json")
    assert result.exit_code == 0, result.stderr
    document = json.loads(result.stdout)
    assert document["b"]["sentences"][0]["text"] == (
        "Le café de la gare servait du thé à Genève chaque matin."
    )


def test_a_bad_configuration_file_exits_2(
    run_main: Run, seed: Callable[[str], Path], tmp_path: Path
) -> None:
    config = tmp_path / "tracer.toml"
    for text, message in [
        ("[align]\nmin_similarity = 0.5\nthreshold = 2\n", "threshold"),
        ('[align]\nmin_similarity = "high"\n', "min_similarity"),
        ("[align\n", "cannot read configuration"),
    ]:
        config.write_text(text)
        result = run_main("compare", seed("000"), seed("001"), "--config", config)
        assert result.exit_code == 2, result.stderr
        assert result.stderr.startswith("tracer: error: ")
        assert message in result.stderr
        assert "Traceback" not in result.stderr


def test_a_configuration_file_changes_the_verdicts(
    seed: Callable[[str], Path], tmp_path: Path
) -> None:
    config = tmp_path / "tracer.toml"
    config.write_text("[align]\nmin_similarity = 0.95\n")
    assert pair_count(seed("000"), seed("001"), "--config", config) == 0


def test_an_unknown_command_is_a_usage_error(run_main: Run) -> None:
    result = run_main("bogus")
    assert result.exit_code == 2
    assert "No such command" in result.stderr


def test_python_dash_m_tracer_works() -> None:
    completed = subprocess.run(
        [sys.executable, "-m", "tracer", "--help"],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    assert "Example" in completed.stdout
    assert "compare" in completed.stdout
