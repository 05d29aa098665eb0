"""Shared fixtures (the seed articles, a runner for the real ``tracer`` entry point) and the
Hypothesis profile every property test runs under."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import settings

# Property tests run the same examples on every machine, so CI failures reproduce; no deadline,
# since a shared two-core runner makes timings meaningless. HYPOTHESIS_PROFILE=explore searches
# afresh (random examples, ten times as many) when hunting for new failures.
settings.register_profile("tracer", derandomize=True, deadline=None)
settings.register_profile("explore", deadline=None, max_examples=1000)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "tracer"))

SEEDS_DIR = Path(__file__).resolve().parent.parent / "seeds"


@dataclass(frozen=True)
class MainResult:
    """What a user sees after running ``tracer``: exit status, stdout and stderr."""

    exit_code: int
    stdout: str
    stderr: str


@pytest.fixture
def seed_paths() -> list[Path]:
    """The five seed articles, in name order."""
    paths = sorted(SEEDS_DIR.glob("*.txt"))
    assert len(paths) == 5, paths
    return paths


@pytest.fixture
def seed(seed_paths: list[Path]) -> Callable[[str], Path]:
    """The seed article whose file name starts with ``prefix`` ("000", "001"...)."""

    def find(prefix: str) -> Path:
        (path,) = [p for p in seed_paths if p.name.startswith(prefix)]
        return path

    return find


@pytest.fixture
def run_main(capsys: pytest.CaptureFixture[str]) -> Callable[..., MainResult]:
    """Run ``tracer.cli.main`` (the installed entry point) and catch its exit status."""
    from tracer.cli import main

    def run(*args: str | Path) -> MainResult:
        capsys.readouterr()
        try:
            main([str(arg) for arg in args])
            code = 0
        except SystemExit as exit_:
            code = exit_.code if isinstance(exit_.code, int) else (0 if exit_.code is None else 1)
        captured = capsys.readouterr()
        return MainResult(code, captured.out, captured.err)

    return run
