"""Configuration: defaults, a TOML file, keyword overrides, and errors a user can fix."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tracer.config import AlignConfig, CandidateConfig, TracerConfig, load_config
from tracer.errors import TracerError


def toml(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "tracer.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_defaults() -> None:
    config = load_config()
    assert config == TracerConfig()
    assert config.align == AlignConfig()
    assert config.candidates == CandidateConfig()
    assert 0.0 < config.align.min_similarity < 1.0


def test_a_toml_file_sets_values_and_leaves_the_rest_at_their_defaults(tmp_path: Path) -> None:
    path = toml(
        tmp_path,
        "[align]\nmin_similarity = 0.5\ncopy_threshold = 0.9\n\n[candidates]\nnum_perm = 64\n",
    )
    config = load_config(path)
    assert config.align.min_similarity == 0.5
    assert config.align.copy_threshold == 0.9
    assert config.align.word_weight == AlignConfig().word_weight
    assert config.candidates.num_perm == 64
    assert config.candidates.seed == CandidateConfig().seed


def test_an_integer_is_accepted_where_a_number_is_expected(tmp_path: Path) -> None:
    assert load_config(toml(tmp_path, "[align]\nmin_similarity = 1\n")).align.min_similarity == 1


def test_overrides_win_over_the_file(tmp_path: Path) -> None:
    path = toml(tmp_path, "[align]\nmin_similarity = 0.5\ncopy_threshold = 0.9\n")
    config = load_config(path, align__min_similarity=0.7)
    assert config.align.min_similarity == 0.7
    assert config.align.copy_threshold == 0.9
    assert load_config(candidates__shingle_size=4).candidates.shingle_size == 4


@pytest.mark.parametrize(
    ("text", "named"),
    [
        ("[align]\nthreshold = 0.5\n", "threshold"),
        ("[candidates]\nnum_perms = 64\n", "num_perms"),
        ("[alignment]\nmin_similarity = 0.5\n", "alignment"),
        ("min_similarity = 0.5\n", "min_similarity"),
    ],
)
def test_unknown_sections_and_keys_are_errors_naming_them(
    tmp_path: Path, text: str, named: str
) -> None:
    with pytest.raises(TracerError, match=named):
        load_config(toml(tmp_path, text))


def test_unknown_sections_are_errors_naming_the_file(tmp_path: Path) -> None:
    path = toml(tmp_path, "[alignment]\nmin_similarity = 0.5\n")
    with pytest.raises(TracerError, match=re.escape("tracer.toml")):
        load_config(path)


@pytest.mark.parametrize("key", ["align__threshold", "alignment__min_similarity", "align"])
def test_unknown_override_keys_are_errors(key: str) -> None:
    with pytest.raises(TracerError, match=r"threshold|alignment|align"):
        load_config(**{key: 0.5})


@pytest.mark.parametrize(
    ("text", "named"),
    [
        ('[align]\nmin_similarity = "high"\n', "min_similarity"),
        ("[align]\nmin_shared_content_words = 2.5\n", "min_shared_content_words"),
        ("[align]\ncopy_threshold = true\n", "copy_threshold"),
        ('[candidates]\nnum_perm = "128"\n', "num_perm"),
    ],
)
def test_wrongly_typed_values_are_errors_not_tracebacks_later(
    tmp_path: Path, text: str, named: str
) -> None:
    with pytest.raises(TracerError, match=named):
        load_config(toml(tmp_path, text))


def test_unreadable_or_invalid_files_are_errors_naming_the_file(tmp_path: Path) -> None:
    with pytest.raises(TracerError, match=re.escape("missing.toml")):
        load_config(tmp_path / "missing.toml")
    with pytest.raises(TracerError, match=re.escape("tracer.toml")):
        load_config(toml(tmp_path, "[align\nmin_similarity = \n"))
    bad_utf8 = tmp_path / "latin.toml"
    bad_utf8.write_bytes(b"# caf\xe9\n")
    with pytest.raises(TracerError, match=re.escape("latin.toml")):
        load_config(bad_utf8)
