"""The pipeline's own machinery: how a run treats the garbage collector."""

from __future__ import annotations

import gc

import pytest

import tracer.pipeline
from tracer.model import Article
from tracer.pipeline import keeps_results, trace

ARTICLES = [
    Article(f"a{i}", f"Moscow could pay with grain and oil, officials said on day {i}.")
    for i in range(12)
]


def test_a_trace_freezes_its_results_as_they_come_and_unfreezes_at_the_end(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(tracer.pipeline, "_SETTLE_EVERY", 2)
    freezes: list[int] = []
    real_freeze = gc.freeze
    monkeypatch.setattr(gc, "freeze", lambda: (freezes.append(1), real_freeze())[1])
    assert gc.get_freeze_count() == 0
    result = trace(ARTICLES)
    assert freezes  # results were moved out of the collector's sight during the run...
    assert gc.get_freeze_count() == 0  # ...and given back when it ended
    assert len(result.articles) == len(ARTICLES)


def test_the_collector_is_restored_when_a_run_fails() -> None:
    @keeps_results
    def failing() -> None:
        gc.freeze()
        raise RuntimeError("stop")

    with pytest.raises(RuntimeError):
        failing()
    assert gc.get_freeze_count() == 0


def test_nested_runs_unfreeze_only_when_the_outer_one_ends() -> None:
    @keeps_results
    def inner() -> int:
        gc.freeze()
        return gc.get_freeze_count()

    @keeps_results
    def outer() -> tuple[int, int]:
        frozen_inside = inner()
        return frozen_inside, gc.get_freeze_count()

    inside, after_inner = outer()
    # Still frozen after the inner run (unfreezing would leave none); a frozen object may
    # have been freed meanwhile, so the count need not be the same.
    assert inside > 0 and after_inner > 0
    assert gc.get_freeze_count() == 0


def test_a_heap_the_caller_froze_stays_frozen() -> None:
    @keeps_results
    def run() -> None:
        gc.freeze()

    gc.freeze()
    try:
        run()
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()
