"""Work scheduling: Belady eviction plans, lanes walked from both ends, and the runner."""

from __future__ import annotations

import os
import random
import signal
from collections import OrderedDict

import pytest

from tracer.errors import TracerError
from tracer.export import edges_csv, passages_jsonl
from tracer.model import Article
from tracer.pipeline import trace
from tracer.schedule import eviction_plan, lanes, run_from_both_ends


def replay(sequence: list[tuple[int, int]], capacity: int) -> int:
    """Loads made when following the plan; checks the cache bound and that a pair is whole."""
    plan = eviction_plan(sequence, capacity)
    cached: set[int] = set()
    loads = 0
    for position, pair in enumerate(sequence):
        for item in plan.get(position, ()):
            assert item in cached and item not in pair
            cached.discard(item)
        for item in pair:
            if item not in cached:
                loads += 1
                cached.add(item)
        assert len(cached) <= capacity
    return loads


def lru_loads(sequence: list[tuple[int, int]], capacity: int) -> int:
    cache: OrderedDict[int, None] = OrderedDict()
    loads = 0
    for pair in sequence:
        for item in pair:
            if item in cache:
                cache.move_to_end(item)
            else:
                loads += 1
                cache[item] = None
                if len(cache) > capacity:
                    cache.popitem(last=False)
    return loads


def test_the_plan_drops_the_item_needed_furthest_ahead() -> None:
    # Cache of 3: at (2, 3), 0 is needed next, 1 never again, 2 is being loaded: 1 goes.
    assert eviction_plan([(0, 1), (2, 3), (0, 2)], capacity=3) == {1: (1,)}


def test_a_plan_never_loads_more_than_least_recently_used_and_keeps_its_bound() -> None:
    generator = random.Random(7)
    for _ in range(200):
        items = generator.randint(3, 12)
        sequence = [
            tuple(generator.sample(range(items), 2)) for _ in range(generator.randint(1, 40))
        ]
        capacity = generator.randint(2, items)
        typed = [(a, b) for a, b in sequence]
        assert replay(typed, capacity) <= lru_loads(typed, capacity)


def test_lanes_cover_every_chunk_from_both_ends() -> None:
    assert lanes(10, 2) == [(0, 9, 1), (9, 0, -1)]
    assert lanes(10, 4) == [(0, 4, 1), (4, 0, -1), (5, 9, 1), (9, 5, -1)]
    assert lanes(1, 4) == [(0, 0, 1), (0, 0, -1)]
    for chunks in range(1, 12):
        for jobs in range(1, 6):
            walks = lanes(chunks, jobs)
            assert 1 <= len(walks) <= jobs
            covered = sorted(
                index for first, last, step in walks if step > 0 for index in range(first, last + 1)
            )
            assert covered == list(range(chunks))


def double(index: int, walk: tuple[int, int, int]) -> int:
    return 2 * index


@pytest.mark.parametrize("jobs", [2, 3, 4])
def test_every_chunk_is_done_exactly_once(jobs: int) -> None:
    found = dict(run_from_both_ends(double, 37, jobs))
    assert found == {index: 2 * index for index in range(37)}


def fail_at_five(index: int, walk: tuple[int, int, int]) -> int:
    if index == 5:
        raise ValueError("chunk 5 is bad")
    return index


def test_a_workers_exception_is_raised_in_the_parent() -> None:
    with pytest.raises(ValueError, match="chunk 5 is bad"):
        list(run_from_both_ends(fail_at_five, 12, 2))


def die_at_three(index: int, walk: tuple[int, int, int]) -> int:
    if index == 3:
        os.kill(os.getpid(), signal.SIGKILL)
    return index


def test_a_killed_worker_stops_the_run_with_an_error() -> None:
    with pytest.raises(TracerError, match=r"worker process was killed \(signal 9\)"):
        list(run_from_both_ends(die_at_three, 12, 2))


def test_pairs_compared_in_two_processes_give_the_same_trace_as_one() -> None:
    # 40 articles sharing a paragraph: 780 candidate pairs, enough to use the processes.
    shared = (
        "Moscow could pay for North Korean weapons with grain, oil and military technology. "
        "The deliveries began in the autumn, officials in Seoul said on Tuesday."
    )
    generator = random.Random(3)
    words = "harvest convoy port tariff ruble pipeline treaty border summit ledger".split()
    articles = [
        Article(
            f"a{number:02d}",
            f"{shared}\n\n"
            + " ".join(generator.choice(words) for _ in range(12)).capitalize()
            + f" in report {number}.",
        )
        for number in range(40)
    ]
    one, two = trace(articles, jobs=1), trace(articles, jobs=2)
    assert one.stats["candidate_pairs"] >= 200
    assert (passages_jsonl(two), edges_csv(two)) == (passages_jsonl(one), edges_csv(one))
