"""The seed case: ``tracer trace seeds/`` must tell the story the project was built around.

Each fact is a pass/fail row, checked on the library's trace of the five seed articles in the
repository's ``seeds/`` folder, read as the CLI reads it (``tracer.ingest.read_corpus``).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from bench.common import BenchResult, Row, RunContext, Target
from tracer.ingest import read_corpus
from tracer.model import TraceResult
from tracer.pipeline import trace

FT = "source:financial-times"
RACURS = "source:racurs"
BUNA_TIMES = "000_5f7692219c63b442"
NEW_VOICE = "001_63a6e8fa25d66eb9"
TELEGRAPH = "002_e79a482424493417"
CNN_STORY = "003_648dc79a4f448f9e"
ESPRESO_STORY = "004_a8488bd22045e4a9"
SEED_IDS = frozenset({BUNA_TIMES, NEW_VOICE, TELEGRAPH, CNN_STORY, ESPRESO_STORY})


@dataclass(frozen=True, slots=True)
class Fact:
    """One acceptance fact of the seed case and its check on a trace."""

    statement: str
    check: Callable[[TraceResult], bool]


def _derived(result: TraceResult) -> set[tuple[str, str]]:
    return {(e.parent, e.child) for e in result.edges if e.kind == "derived"}


def _kind(result: TraceResult, node_id: str) -> str | None:
    return next((n.kind for n in result.nodes if n.id == node_id), None)


def _carries(article: str, *sources: str) -> Callable[[TraceResult], bool]:
    return lambda r: all((f"source:{s}", article) in _derived(r) for s in sources)


FACTS: tuple[Fact, ...] = (
    Fact(
        "Financial Times is a latent root",
        lambda r: _kind(r, FT) == "latent" and not any(c == FT for _, c in _derived(r)),
    ),
    Fact("001 (New Voice) derives from the FT", lambda r: (FT, NEW_VOICE) in _derived(r)),
    Fact(
        "000 (Buna Times) derives from the FT through latent Racurs",
        lambda r: (
            _kind(r, RACURS) == "latent"
            and {(FT, RACURS), (RACURS, BUNA_TIMES)} <= _derived(r)
            and (FT, BUNA_TIMES) not in _derived(r)
        ),
    ),
    Fact(
        "no derived edge between two seed articles",
        lambda r: not any(p in SEED_IDS and c in SEED_IDS for p, c in _derived(r)),
    ),
    Fact(
        "002 carries The New York Times and Interfax",
        _carries(TELEGRAPH, "the-new-york-times", "interfax"),
    ),
    Fact("003 carries CNN", _carries(CNN_STORY, "cnn")),
    Fact("004 carries Espreso TV", _carries(ESPRESO_STORY, "espreso-tv")),
)


def check_facts(result: TraceResult) -> dict[str, bool]:
    """Each fact's statement and whether the trace satisfies it."""
    return {fact.statement: fact.check(result) for fact in FACTS}


def run(context: RunContext) -> BenchResult:
    """Trace the seeds and check every fact."""
    seeds_dir = context.repo_root / "seeds"
    corpus = read_corpus([seeds_dir])
    start = time.perf_counter()
    result = trace(corpus.articles)
    seconds = time.perf_counter() - start
    outcomes = check_facts(result)
    column = "result"
    rows = [
        Row(
            statement,
            {column: "pass" if passed else "fail"},
            "text",
            Target("==", "pass", column),
        )
        for statement, passed in outcomes.items()
    ]
    rows.append(Row("trace wall time (s)", {column: seconds}, "2f"))
    return BenchResult(
        name="seeds",
        title="Seed articles (trace facts)",
        columns=(column,),
        rows=tuple(rows),
        parameters={"corpus": "seeds/ read with tracer.ingest.read_corpus", "config": "defaults"},
        figures={
            "facts": outcomes,
            "passed": sum(outcomes.values()),
            "total": len(outcomes),
            "derived_edges": sorted(_derived(result)),
            "related_edges": sorted(
                (e.parent, e.child, e.common_source) for e in result.edges if e.kind == "related"
            ),
            "trace_seconds": seconds,
        },
    )
