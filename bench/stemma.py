"""Notre besoin: tracer's derivation DAG on 13 hand-copied witnesses against the true stemma.

The witnesses are traced as a corpus (``tracer.pipeline.trace``, default configuration, no
dates: direction must come from the texts). The inferred stemma is the set of ``derived``
edges; latent ``source:...`` nodes play the part of lost intermediates. Reported: precision
and recall of the direct parent-to-child witness edges (through lost nodes, so U → omega → B
counts as U → B), the Average Sign Distance agreement, and whether T1 comes out as the root.

The witness texts of the collation have no punctuation, so each is one long "sentence" to
tracer's segmenter; a second column runs the same on the 11 punctuated CASC witnesses (T1 and
T2 have no punctuated text), to show what sentence boundaries change.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from bench.common import BenchResult, Row, RunContext
from bench.datasets import Stemma, load_stemma
from bench.metrics import Edge, average_sign_distance, direct_edge_scores, witness_edges
from tracer.model import Article, TraceResult
from tracer.pipeline import trace

MAIN = "13 witnesses"
PUNCTUATED = "11 punctuated"


def descendants(edges: Iterable[Edge], start: str) -> set[str]:
    """Every node reachable from ``start`` along directed edges."""
    children: dict[str, set[str]] = defaultdict(set)
    for parent, child in edges:
        children[parent].add(child)
    seen: set[str] = set()
    stack = [start]
    while stack:
        for child in children[stack.pop()]:
            if child not in seen:
                seen.add(child)
                stack.append(child)
    return seen


def is_root(edges: Sequence[Edge], node: str, witnesses: Iterable[str]) -> bool:
    """True when ``node`` has no parent and every other witness descends from it.

    Example:
        >>> is_root([("T1", "A"), ("A", "B")], "T1", ["T1", "A", "B"])
        True
        >>> is_root([], "T1", ["T1", "A"])
        False
    """
    if any(child == node for _, child in edges):
        return False
    return set(witnesses) - {node} <= descendants(edges, node)


def score_trace(
    result: TraceResult, true_edges: Sequence[Edge], witnesses: Sequence[str], root: str
) -> dict[str, Any]:
    """Edge precision/recall, ASD and the root check of a trace against the true stemma."""
    derived = [(e.parent, e.child) for e in result.edges if e.kind == "derived"]
    every = [(e.parent, e.child) for e in result.edges]
    edges = direct_edge_scores(true_edges, derived, witnesses)
    asd = average_sign_distance(true_edges, derived, witnesses)
    asd_all = average_sign_distance(true_edges, every, witnesses)
    parentless = sorted(w for w in witnesses if not any(c == w for _, c in derived))
    return {
        "witnesses": list(witnesses),
        "edge_precision": edges.precision,
        "edge_recall": edges.recall,
        "edge_f1": edges.f1,
        "correct_edges": edges.correct,
        "true_edges": edges.true_edges,
        "inferred_edges": edges.inferred_edges,
        "asd_agreement": asd.agreement,
        "asd_strict_agreement": asd.strict_agreement,
        "asd_agreement_all_edges": asd_all.agreement,
        "root_present": root in witnesses,
        "root_is_root": is_root(derived, root, witnesses) if root in witnesses else None,
        "parentless_witnesses": parentless,
        "derived_edges": sorted(derived),
        "inferred_witness_edges": sorted(witness_edges(derived, witnesses)),
        "true_witness_edges": sorted(witness_edges(true_edges, witnesses)),
        "related_edges": sum(1 for e in result.edges if e.kind == "related"),
        "latent_nodes": sorted(n.id for n in result.nodes if n.kind == "latent"),
    }


def _trace_texts(texts: Mapping[str, str]) -> TraceResult:
    return trace([Article(siglum, texts[siglum]) for siglum in sorted(texts)])


def evaluate(stemma: Stemma) -> dict[str, dict[str, Any]]:
    """Trace both witness sets and score each against the true stemma."""
    return {
        MAIN: score_trace(_trace_texts(stemma.witnesses), stemma.edges, stemma.sigla, stemma.root),
        PUNCTUATED: score_trace(
            _trace_texts(stemma.punctuated),
            stemma.edges,
            tuple(sorted(stemma.punctuated)),
            stemma.root,
        ),
    }


def run(context: RunContext) -> BenchResult:
    """Score tracer's stemma of the Notre besoin tradition."""
    stemma = load_stemma(context.eval_dir)
    figures = evaluate(stemma)

    def values(key: str) -> dict[str, Any]:
        return {column: result[key] for column, result in figures.items()}

    rows = (
        Row("direct edge precision", values("edge_precision"), "3f"),
        Row("direct edge recall", values("edge_recall"), "3f"),
        Row(
            "edges inferred / true (between witnesses)",
            {c: f"{r['inferred_edges']} / {r['true_edges']}" for c, r in figures.items()},
            "text",
        ),
        Row("ASD agreement (derived edges)", values("asd_agreement"), "3f"),
        Row("ASD agreement (derived + related edges)", values("asd_agreement_all_edges"), "3f"),
        Row(
            f"{stemma.root} is the root",
            {
                c: ("n/a (no text)" if r["root_is_root"] is None else r["root_is_root"])
                for c, r in figures.items()
            },
            "text",
        ),
        Row("related (undirected) edges", values("related_edges"), "int"),
    )
    return BenchResult(
        name="stemma",
        title="Notre besoin stemma (derivation DAG)",
        columns=(MAIN, PUNCTUATED),
        rows=rows,
        parameters={
            "trace": "tracer.pipeline.trace(witnesses), TracerConfig() defaults, no dates",
            "inferred_stemma": "derived edges; latent nodes stand for lost witnesses",
            "edge_scores": "bench.metrics.direct_edge_scores, through lost/latent nodes",
            "root": stemma.root,
            "fitted": "nothing",
        },
        figures=figures,
        notes=(
            "The 13 witness texts have no punctuation (derived from the collation graph); "
            "the punctuated column lacks T1 and T2, so its truth is the stemma seen from "
            "the 11 witnesses.",
        ),
    )
