"""Reuters-21578 on the Spark engine, next to the local engine's figures.

The same subsets as ``bench/reuters.py`` (the first N non-empty bodies by ``newid``), from
2,500 stories up, are traced with ``tracer.pipeline.trace(engine=SparkEngine)`` on a Spark
session in ``local[2]``: two cores, like the local engine's runs, so the figures show what the
engine costs rather than what a cluster adds. Each run is its own process (the parent starts
it, polls its memory and stops it at the time limit or memory cap, as ``bench/reuters.py``
does); peak memory is the summed PSS of the Python driver, the JVM and the Python workers.

Per run: wall time of the trace (session start-up reported apart, data loading excluded),
peak memory, candidate pairs, the recall of the exact-duplicate body groups, and whether
``passages.jsonl``, ``edges.csv`` and ``trace.json`` are byte-identical to the local engine's:
the local engine traces the same subset afterwards in the same process (``jobs`` = CPUs),
timed too, so the ratio compares the two engines on the same code and machine state. The
local engine's wall time, memory and recall from ``bench/results/reuters.json`` are quoted as
well (run ``python -m bench reuters`` first; columns it lacks stay empty).

Worker mode (what the parent starts, on a subset file it wrote):
``python -m bench.spark --input SUBSET.json --out FILE [--master local[2]]``
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from bench.common import RESULTS_DIR, BenchResult, Row, RunContext, Target
from bench.datasets import exact_duplicate_groups, load_reuters
from bench.reuters import (
    POLL_SECONDS,
    _label,
    _own_peak_rss_mb,
    _tree_memory_mb,
    connected_groups,
    write_input,
)

MASTER = "local[2]"
MIN_SIZE = 2500
"""Smaller subsets only measure Spark's fixed cost per job, not the engine."""


# --- Worker ---------------------------------------------------------------------------------


def worker(input_path: Path, master: str, phase: Path | None = None) -> dict[str, Any]:
    """Trace the subset on Spark (timed), then locally (untimed), and compare the outputs.

    ``phase`` is created when the Spark part is over, so that the parent stops sampling the
    memory of the run there (the local trace that follows is not the Spark engine's)."""
    from tracer.engines.spark import SparkEngine
    from tracer.export import edges_csv, passages_jsonl, trace_json
    from tracer.model import Article
    from tracer.pipeline import default_jobs, trace

    document = json.loads(input_path.read_text(encoding="utf-8"))
    ids: list[str] = document["ids"]
    articles = [Article(i, body) for i, body in zip(ids, document["bodies"], strict=True)]
    groups: list[list[str]] = document["groups"]
    del document

    start = time.perf_counter()
    with SparkEngine.start(master) as engine:
        started = time.perf_counter()
        result = trace(articles, engine=engine)
        seconds = time.perf_counter() - started
    session_seconds = started - start
    spark_peak = _own_peak_rss_mb()
    if phase is not None:
        phase.touch()

    def outputs(traced: Any) -> tuple[str, str, str]:
        return passages_jsonl(traced), edges_csv(traced), "".join(trace_json(traced))

    local_start = time.perf_counter()
    local = trace(articles, jobs=default_jobs())
    local_seconds = time.perf_counter() - local_start
    identical = outputs(result) == outputs(local)
    known = set(ids)
    links = [(e.parent, e.child) for e in result.edges if e.parent in known and e.child in known]
    found = connected_groups(groups, links)
    return {
        "documents": len(ids),
        "seconds": seconds,
        "session_seconds": session_seconds,
        "local_seconds": local_seconds,
        "identical_to_local": identical,
        "stats": dict(result.stats),
        "groups": len(groups),
        "groups_found": sum(found),
        "driver_peak_rss_mb": spark_peak,
    }


def main(argv: Sequence[str] | None = None) -> None:
    """Worker entry point: run once and write the figures as JSON to ``--out``."""
    parser = argparse.ArgumentParser(prog="python -m bench.spark")
    parser.add_argument("--input", type=Path, required=True, help="subset file from the parent")
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--master", default=MASTER)
    parser.add_argument("--phase", type=Path, default=None, help="created when Spark is done")
    args = parser.parse_args(argv)
    figures = worker(args.input, args.master, args.phase)
    args.out.write_text(json.dumps(figures, sort_keys=True), encoding="utf-8")


# --- Parent ---------------------------------------------------------------------------------


def measure(context: RunContext, input_path: Path) -> dict[str, Any]:
    """Run one worker under the time limit and memory cap; its figures and a status."""
    out = input_path.with_name(input_path.stem + "-spark.out.json")
    errors = input_path.with_name(input_path.stem + "-spark.stderr")
    phase = input_path.with_name(input_path.stem + "-spark.local-phase")
    command = [
        sys.executable, "-m", "bench.spark", "--input", str(input_path), "--out", str(out),
        "--master", MASTER, "--phase", str(phase),
    ]  # fmt: skip
    start = time.perf_counter()
    with open(errors, "wb") as stderr_file:
        child = subprocess.Popen(
            command,
            cwd=context.repo_root,
            stdout=subprocess.DEVNULL,
            stderr=stderr_file,
            start_new_session=True,
        )
    status, tree_peak = "ok", 0.0
    while child.poll() is None:
        if not phase.exists():
            tree_peak = max(tree_peak, _tree_memory_mb(child.pid))
        elapsed = time.perf_counter() - start
        if elapsed > context.reuters_timeout:
            status = "timeout"
        elif tree_peak > context.reuters_max_rss_mb:
            status = "memory"
        if status != "ok":
            os.killpg(child.pid, signal.SIGKILL)
            child.wait()
            break
        time.sleep(POLL_SECONDS)
    record: dict[str, Any] = {
        "process_seconds": time.perf_counter() - start,
        "tree_peak_mb": round(tree_peak, 1),
    }
    if status == "ok" and (child.returncode != 0 or not out.exists()):
        status = "error"
        record["error"] = errors.read_text(encoding="utf-8", errors="replace").splitlines()[-5:]
    if status == "ok":
        record.update(json.loads(out.read_text(encoding="utf-8")))
        record["tree_peak_mb"] = round(max(tree_peak, record["driver_peak_rss_mb"]), 1)
        record["group_recall"] = (
            record["groups_found"] / record["groups"] if record["groups"] else None
        )
    record["status"] = status
    for path in (out, errors, phase):
        path.unlink(missing_ok=True)
    return record


def local_figures(results_dir: Path = RESULTS_DIR) -> dict[str, dict[str, Any]]:
    """The local engine's runs by column, from ``reuters.json`` (empty when it is missing)."""
    try:
        document = json.loads((results_dir / "reuters.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    runs: dict[str, dict[str, Any]] = document.get("figures", {}).get("runs", {}).get("tracer", {})
    return {
        column: {
            **run,
            "date": document.get("date"),
            "commit": (document.get("git") or {}).get("commit"),
        }
        for column, run in runs.items()
    }


def run(context: RunContext) -> BenchResult:
    """Trace the subsets on Spark in worker processes; quote the local engine's figures."""
    stories = load_reuters(context.eval_dir)
    total = len(stories)
    sizes = sorted({min(s, total) if s else total for s in context.reuters_sizes})
    sizes = [s for s in sizes if s >= min(MIN_SIZE, total)]
    columns = tuple(_label(s, total) for s in sizes)
    runs: dict[str, dict[str, Any]] = {}
    with tempfile.TemporaryDirectory(prefix="tracer-bench-spark-") as scratch_name:
        for size, column in zip(sizes, columns, strict=True):
            input_path = Path(scratch_name) / f"reuters-{size}.json"
            write_input(input_path, stories[:size])
            runs[column] = measure(context, input_path)
            print(f"  spark {column}: {runs[column]['status']}", file=sys.stderr)
            input_path.unlink()
    local = local_figures()

    finished = {c: r for c, r in runs.items() if r["status"] == "ok"}
    quoted_runs = {c: local[c] for c in columns if local.get(c, {}).get("status") == "ok"}

    def spark(key: str) -> dict[str, Any]:
        return {c: (r.get(key) if r["status"] == "ok" else r["status"]) for c, r in runs.items()}

    def quoted(key: str) -> dict[str, Any]:
        return {c: r.get(key) for c, r in quoted_runs.items()}

    groups = {
        column: len(exact_duplicate_groups(stories[:size]))
        for size, column in zip(sizes, columns, strict=True)
    }
    memory = {
        c: (r["tree_peak_mb"] if r["status"] == "ok" else r["status"]) for c, r in runs.items()
    }
    local_memory = {
        c: max(r.get("peak_rss_mb") or 0.0, r.get("tree_peak_mb") or 0.0)
        for c, r in quoted_runs.items()
    }
    same_code_ratio = {c: r["seconds"] / r["local_seconds"] for c, r in finished.items()}
    identical = {
        c: ("yes" if r["identical_to_local"] else "no") if r["status"] == "ok" else r["status"]
        for c, r in runs.items()
    }
    full = columns[-1]
    name = f"spark {MASTER}"
    rows = (
        Row("exact-duplicate groups in the subset", groups, "int"),
        Row(f"{name}: wall time (s)", spark("seconds"), "1f"),
        Row("local engine, same code, in the worker: wall time (s)", spark("local_seconds"), "1f"),
        Row("wall time ratio spark / local (same code)", same_code_ratio, "2f"),
        Row("local engine: wall time (s, reuters.json)", quoted("seconds"), "1f"),
        Row(f"{name}: session start (s, not in wall time)", spark("session_seconds"), "1f"),
        Row(f"{name}: peak memory (MB, driver + JVM + workers)", memory, "int"),
        Row("local engine: peak memory (MB, reuters.json)", local_memory, "int"),
        Row(
            f"{name}: candidate pairs",
            {c: r["stats"]["candidate_pairs"] for c, r in finished.items()},
            "int",
        ),
        Row(
            f"{name}: duplicate groups found", spark("group_recall"), "3f", Target(">=", 1.0, full)
        ),
        Row("local engine: duplicate groups found (reuters.json)", quoted("group_recall"), "3f"),
        Row(
            "spark: passages, edges and trace.json identical to the local engine's",
            identical,
            "text",
            Target("==", "yes", full),
        ),
    )
    return BenchResult(
        name="spark",
        title="Reuters-21578 on the Spark engine (local[2]) next to the local engine",
        columns=columns,
        rows=rows,
        parameters={
            "subsets": "first N non-empty Reuters bodies by newid, as bench/reuters.py, from "
            f"{MIN_SIZE:,} up",
            "sizes": sizes,
            "spark": f"tracer.pipeline.trace(Article(id, body), engine=SparkEngine.start("
            f"{MASTER!r})), TracerConfig() defaults; wall time excludes the session start",
            "local": "quoted from bench/results/reuters.json (tracer runs: "
            "tracer.pipeline.trace, jobs = CPUs available)",
            "identical": "passages.jsonl, edges.csv and trace.json of the Spark trace compared "
            "byte for byte with a local trace (jobs = CPUs) of the same subset, in the worker, "
            "after the Spark session stopped; that trace's wall time is the same-code figure",
            "peak_memory": "summed PSS of the worker, its JVM and Python workers, sampled every "
            f"{POLL_SECONDS} s during the Spark trace (or the driver's own VmHWM if larger)",
            "timeout_seconds": context.reuters_timeout,
            "max_rss_mb": context.reuters_max_rss_mb,
        },
        figures={"runs": runs, "local": quoted_runs},
        notes=(
            "local[2] runs Spark's executors in one JVM on the same two cores as the local "
            "engine: the ratio is the engine's own overhead (Python workers, pickling, shuffles "
            "through the JVM), which a cluster spreads over more cores and machines.",
        ),
    )


if __name__ == "__main__":
    main()
