"""Reuters-21578: speed, memory and scale of ``tracer.pipeline.trace`` on real newswire.

tracer traces the first 2,500 / 5,000 / 10,000 stories (by ``newid``, so subsets are nested
and keep the wire's time order) and all 19,779 non-empty bodies, after two small probes (100
and 200 stories) that finish even when the library scales badly, so a growth exponent can
always be measured; a naive baseline (TF-IDF on
all bodies, then every pair's cosine in sparse row blocks, pairs at >= 0.9 linked) runs on the
same subsets in the same benchmark. Each run is its own process, so wall time and peak RSS
belong to that run alone; the parent polls it, stops it at a time limit or a memory cap and
records that instead of hanging. After a tracer run fails to finish, larger tracer runs are
skipped (they could only take longer); the baseline still runs at every size.

Figures per run: wall time of the trace (data loading excluded), documents per second, peak
RSS, and the recall of the 336 exact-duplicate body groups (a group is found when its members
are connected by tracer's edges of any kind between articles); over the sizes, the growth
exponent of time (slope of log time against log size). A run that is stopped leaves its
progress behind (stage, pairs aligned so far), from which its full duration is projected.

Worker mode (what the parent starts, on a subset file it wrote):
``python -m bench.reuters --input SUBSET.json --method tracer|baseline --out FILE --progress FILE``
"""

from __future__ import annotations

import argparse
import json
import math
import os
import resource
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Hashable, Iterable, Sequence
from pathlib import Path
from typing import Any, Literal, TypeVar

from bench.common import BenchResult, Row, RunContext, Target
from bench.datasets import ReutersStory, exact_duplicate_groups, load_reuters

Method = Literal["tracer", "batch", "baseline"]
NodeT = TypeVar("NodeT", bound=Hashable)

BASELINE_THRESHOLD = 0.9
BASELINE_BLOCK_ROWS = 1000
TARGET_FULL_SECONDS = 60.0
TARGET_PEAK_RSS_MB = 2000.0
TARGET_GROWTH = 1.1
# tracer batch is measured on the largest subsets only (it re-runs the whole set in halves).
BATCH_MIN_SIZE = 10_000
# Sampling the pool's memory reads /proc/<pid>/smaps_rollup of each process, which walks its
# page tables: about 8 ms per process of 1-2 GB, so sampling three of them five times a second
# took a tenth of a core from the run being measured. The worker's own high-water mark (VmHWM,
# kept by the kernel) is exact whatever the interval.
POLL_SECONDS = 1.0
PROGRESS_EVERY_SECONDS = 1.0


# --- Pure helpers ---------------------------------------------------------------------------


def connected_groups(
    groups: Sequence[Sequence[NodeT]], links: Iterable[tuple[NodeT, NodeT]]
) -> tuple[bool, ...]:
    """For each group, whether all its members lie in one connected component of ``links``.

    Links are undirected; nodes outside every group may connect group members (a chain
    through a third article counts).

    Example:
        >>> connected_groups([(1, 2), (3, 4), (5, 6)], [(1, 9), (9, 2), (3, 5)])
        (True, False, False)
    """
    parent: dict[NodeT, NodeT] = {}

    def find(node: NodeT) -> NodeT:
        parent.setdefault(node, node)
        while parent[node] != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    for x, y in links:
        root_x, root_y = find(x), find(y)
        if root_x != root_y:
            parent[root_y] = root_x
    return tuple(len({find(member) for member in group}) == 1 for group in groups)


def growth_exponent(sizes: Sequence[float], seconds: Sequence[float]) -> float | None:
    """Least-squares slope of ``log(seconds)`` against ``log(size)``: time grows as n^slope.

    ``None`` with fewer than two distinct sizes (or a non-positive value, whose log is
    undefined).

    Example:
        >>> round(growth_exponent([1000, 2000, 4000], [1.0, 4.0, 16.0]), 6)
        2.0
    """
    if len(sizes) != len(seconds):
        raise ValueError("sizes and seconds differ in length")
    points = [
        (math.log(n), math.log(t)) for n, t in zip(sizes, seconds, strict=True) if n > 0 and t > 0
    ]
    if len(points) < 2 or len({x for x, _ in points}) < 2 or len(points) < len(sizes):
        return None
    mean_x = sum(x for x, _ in points) / len(points)
    mean_y = sum(y for _, y in points) / len(points)
    covariance = sum((x - mean_x) * (y - mean_y) for x, y in points)
    variance = sum((x - mean_x) ** 2 for x, _ in points)
    return covariance / variance


def article_id(newid: int) -> str:
    """The article id a story is traced under."""
    return f"reuters-{newid:05d}"


# --- Worker: one run in its own process -----------------------------------------------------


class _ProgressLog:
    """Appends the pipeline's progress to a file now and then, so a killed run leaves a trail."""

    def __init__(self, path: Path | None, start: float) -> None:
        self.path = path
        self.start = start
        self.stage: str | None = None
        self.last_write = 0.0
        self.align_started: float | None = None

    def __call__(self, stage: str, done: int, total: int) -> None:
        now = time.perf_counter()
        if stage == "align" and self.align_started is None:
            self.align_started = now - self.start
        if stage == self.stage and done < total and now - self.last_write < PROGRESS_EVERY_SECONDS:
            return
        self.stage, self.last_write = stage, now
        if self.path is None:
            return
        record = {
            "stage": stage,
            "done": done,
            "total": total,
            "elapsed": round(now - self.start, 3),
            "align_started": self.align_started,
        }
        with open(self.path, "a", encoding="utf-8") as handle:
            handle.write(json.dumps(record) + "\n")


def _run_tracer(ids: Sequence[str], bodies: Sequence[str], progress: Path | None) -> dict[str, Any]:
    from tracer.model import Article
    from tracer.pipeline import default_jobs, trace

    articles = [Article(i, body) for i, body in zip(ids, bodies, strict=True)]
    start = time.perf_counter()
    result = trace(articles, on_progress=_ProgressLog(progress, start), jobs=default_jobs())
    seconds = time.perf_counter() - start
    known = set(ids)
    links = [(e.parent, e.child) for e in result.edges if e.parent in known and e.child in known]
    return {
        "seconds": seconds,
        "links": links,
        "stats": dict(result.stats),
        "derived_edges": sum(1 for e in result.edges if e.kind == "derived"),
        "related_edges": sum(1 for e in result.edges if e.kind == "related"),
    }


def _run_batch(ids: Sequence[str], bodies: Sequence[str], progress: Path | None) -> dict[str, Any]:
    """``tracer batch`` into a fresh index (outputs written, no HTML report); then, untimed, the
    same stories added in two halves to a second index, to check the outputs are identical."""
    from tracer.batch import run_batch
    from tracer.export import write_trace
    from tracer.index import Index
    from tracer.ingest import Corpus
    from tracer.model import Article
    from tracer.pipeline import default_jobs

    articles = tuple(Article(i, body) for i, body in zip(ids, bodies, strict=True))
    with tempfile.TemporaryDirectory(prefix="tracer-batch-") as scratch_name:
        scratch = Path(scratch_name)
        start = time.perf_counter()
        with Index.open(scratch / "once.db") as index:
            result, summary = run_batch(
                Corpus(articles),
                index,
                jobs=default_jobs(),
                on_progress=_ProgressLog(progress, start),
            )
        write_trace(result, scratch / "once")
        seconds = time.perf_counter() - start
        index_mb = (scratch / "once.db").stat().st_size / 1e6
        query_seconds = _time_queries(scratch / "once.db", articles)
        half = len(articles) // 2
        with Index.open(scratch / "halves.db") as index:
            run_batch(Corpus(articles[:half]), index, jobs=default_jobs())
            halves, _ = run_batch(Corpus(articles[half:]), index, jobs=default_jobs())
        write_trace(halves, scratch / "halves")
        identical = all(
            (scratch / "once" / name).read_bytes() == (scratch / "halves" / name).read_bytes()
            for name in ("trace.json", "passages.jsonl", "edges.csv")
        )
    known = set(ids)
    links = [(e.parent, e.child) for e in result.edges if e.parent in known and e.child in known]
    return {
        "seconds": seconds,
        "links": links,
        "stats": dict(result.stats),
        "halves_identical": identical,
        "index_mb": round(index_mb, 1),
        "aligned_now": summary.aligned_now,
        "query_seconds": query_seconds,
    }


QUERIES = 9


def _time_queries(index_path: Path, articles: Sequence[Any]) -> float:
    """Median seconds of ``tracer.query.likely_sources`` (in process) for a few indexed stories
    looked up under a new id, on the index just built."""
    import statistics

    from tracer.index import Index
    from tracer.model import Article
    from tracer.query import likely_sources

    step = max(1, len(articles) // QUERIES)
    timings = []
    with Index.open(index_path, create=False) as index:
        for story in articles[::step][:QUERIES]:
            start = time.perf_counter()
            likely_sources(Article("query", story.text), index)
            timings.append(time.perf_counter() - start)
    return statistics.median(timings)


def all_pairs_tfidf(
    bodies: Sequence[str],
    threshold: float = BASELINE_THRESHOLD,
    block_rows: int = BASELINE_BLOCK_ROWS,
) -> list[tuple[int, int]]:
    """The naive baseline: index pairs ``(i, j)``, ``i < j``, whose TF-IDF cosine >= threshold.

    Example:
        >>> all_pairs_tfidf(["grain and oil for arms", "grain and oil for arms", "a recipe"])
        [(0, 1)]
    """
    from sklearn.feature_extraction.text import TfidfVectorizer

    matrix = TfidfVectorizer().fit_transform(bodies).tocsr()
    transposed = matrix.T.tocsc()
    pairs: list[tuple[int, int]] = []
    for first in range(0, matrix.shape[0], block_rows):
        block = (matrix[first : first + block_rows] @ transposed).tocoo()
        rows = block.row + first
        keep = (block.data >= threshold) & (block.col > rows)
        pairs.extend(zip(rows[keep].tolist(), block.col[keep].tolist(), strict=True))
    return pairs


def _run_baseline(ids: Sequence[str], bodies: Sequence[str]) -> dict[str, Any]:
    start = time.perf_counter()
    pairs = all_pairs_tfidf(bodies)
    seconds = time.perf_counter() - start
    links = [(ids[i], ids[j]) for i, j in pairs]
    return {"seconds": seconds, "links": links, "stats": {"pairs_linked": len(pairs)}}


def write_input(path: Path, stories: Sequence[ReutersStory]) -> None:
    """A worker's input: the subset's ids and bodies and its exact-duplicate groups.

    The parent writes it so that a worker reads only its subset: its peak memory is then the
    run's, not that of decoding the whole collection.
    """
    document = {
        "ids": [article_id(s.newid) for s in stories],
        "bodies": [s.body for s in stories],
        "groups": [[article_id(n) for n in group] for group in exact_duplicate_groups(stories)],
    }
    path.write_text(json.dumps(document), encoding="utf-8")


def _own_peak_rss_mb() -> float:
    """This process's peak resident memory since it started.

    ``VmHWM`` rather than ``ru_maxrss``: Linux keeps ``ru_maxrss`` across ``execve``, so a
    worker forked from a parent holding the whole collection would report the parent's size.
    """
    high_water = _proc_status_mb(os.getpid(), "VmHWM")
    if high_water is not None:
        return high_water
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def worker(input_path: Path, method: Method, progress: Path | None) -> dict[str, Any]:
    """One measured run on the subset in ``input_path``: trace or baseline, then the groups."""
    load_start = time.perf_counter()
    document = json.loads(input_path.read_text(encoding="utf-8"))
    ids: list[str] = document["ids"]
    bodies: list[str] = document["bodies"]
    groups: list[list[str]] = document["groups"]
    del document
    load_seconds = time.perf_counter() - load_start
    if method == "tracer":
        outcome = _run_tracer(ids, bodies, progress)
    elif method == "batch":
        outcome = _run_batch(ids, bodies, progress)
    else:
        outcome = _run_baseline(ids, bodies)
    found = connected_groups(groups, outcome.pop("links"))
    return {
        **outcome,
        "documents": len(ids),
        "load_seconds": load_seconds,
        "groups": len(groups),
        "groups_found": sum(found),
        "peak_rss_mb": _own_peak_rss_mb(),
    }


def main(argv: Sequence[str] | None = None) -> None:
    """Worker entry point: run once and write the figures as JSON to ``--out``."""
    parser = argparse.ArgumentParser(prog="python -m bench.reuters")
    parser.add_argument("--input", type=Path, required=True, help="subset file from the parent")
    parser.add_argument("--method", choices=("tracer", "batch", "baseline"), required=True)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--progress", type=Path, default=None)
    args = parser.parse_args(argv)
    method: Method = args.method
    figures = worker(args.input, method, args.progress)
    args.out.write_text(json.dumps(figures, sort_keys=True), encoding="utf-8")


# --- Parent: start, watch, stop -------------------------------------------------------------


def _proc_status_mb(pid: int, field: str) -> float | None:
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as status:
            for line in status:
                if line.startswith(field + ":"):
                    return int(line.split()[1]) / 1024
    except (OSError, ValueError, IndexError):
        return None
    return None


def _descendants(pid: int) -> list[int]:
    """``pid`` and every process below it (a worker's pool), from ``/proc``."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", encoding="ascii", errors="replace") as stat:
                # The command name may hold spaces; the parent pid follows its closing bracket.
                parent = int(stat.read().rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            continue
        children.setdefault(parent, []).append(int(entry))
    found, stack = [], [pid]
    while stack:
        current = stack.pop()
        found.append(current)
        stack.extend(children.get(current, ()))
    return found


def _tree_memory_mb(pid: int) -> float:
    """Memory of ``pid`` and its descendants now: the sum of their PSS.

    PSS (proportional set size) splits pages shared between processes among them, so forked
    workers sharing the parent's pages are not counted twice, as summing RSS would.
    """
    total = 0.0
    for member in _descendants(pid):
        try:
            with open(f"/proc/{member}/smaps_rollup", encoding="ascii") as rollup:
                for line in rollup:
                    if line.startswith("Pss:"):
                        total += int(line.split()[1]) / 1024
                        break
        except (OSError, ValueError, IndexError):
            continue
    return total


def _last_progress(path: Path) -> dict[str, Any] | None:
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError:
        return None
    for line in reversed(lines):
        try:
            record: dict[str, Any] = json.loads(line)
        except ValueError:
            continue  # a line cut short by the kill
        return record
    return None


def _projection(progress: dict[str, Any] | None) -> float | None:
    """Seconds alignment alone would have taken, from how fast it was going when stopped.

    ``None`` unless the run was stopped during alignment (before it, nothing is known about
    the rate; after it, what remains reports no progress).
    """
    if not progress or progress.get("stage") != "align" or not progress.get("done"):
        return None
    if progress["done"] >= progress["total"]:
        return None
    started = progress.get("align_started") or 0.0
    rate = (progress["elapsed"] - started) / progress["done"]
    return float(started + rate * progress["total"])


def stopped_in(progress: dict[str, Any] | None) -> str:
    """Where a stopped run was, from its last progress record.

    Example:
        >>> stopped_in({"stage": "align", "done": 10, "total": 40, "elapsed": 5.0})
        'align 10/40 at 5 s'
        >>> stopped_in({"stage": "align", "done": 40, "total": 40, "elapsed": 9.0})
        'after align (done at 9 s): derive'
    """
    if not progress:
        return "before any progress"
    stage, done, total = progress["stage"], progress["done"], progress["total"]
    if stage == "align" and done >= total:
        return f"after align (done at {progress['elapsed']:.0f} s): derive"
    return f"{stage} {done:,}/{total:,} at {progress['elapsed']:.0f} s"


def measure(context: RunContext, method: Method, input_path: Path) -> dict[str, Any]:
    """Run one worker under the time limit and memory cap; its figures and a status."""
    stem = input_path.with_suffix("").name
    out = input_path.with_name(f"{stem}-{method}.out.json")
    progress = input_path.with_name(f"{stem}-{method}.progress")
    errors = input_path.with_name(f"{stem}-{method}.stderr")
    for path in (out, progress, errors):
        path.unlink(missing_ok=True)
    command = [
        sys.executable, "-m", "bench.reuters", "--input", str(input_path), "--method", method,
        "--out", str(out), "--progress", str(progress),
    ]  # fmt: skip
    start = time.perf_counter()
    # stderr goes to a file: a pipe nobody reads until the end could fill up and stall the run.
    with open(errors, "wb") as stderr_file:
        child = subprocess.Popen(
            command,
            cwd=context.repo_root,
            stdout=subprocess.DEVNULL,
            stderr=stderr_file,
            start_new_session=True,
        )
    status, peak, tree_peak = "ok", 0.0, 0.0
    while child.poll() is None:
        high_water = _proc_status_mb(child.pid, "VmHWM")
        peak = max(peak, high_water or 0.0)
        resident = _tree_memory_mb(child.pid)
        tree_peak = max(tree_peak, resident)
        elapsed = time.perf_counter() - start
        if elapsed > context.reuters_timeout:
            status = "timeout"
        elif resident > context.reuters_max_rss_mb:
            status = "memory"
        if status != "ok":
            os.killpg(child.pid, signal.SIGKILL)
            child.wait()
            break
        time.sleep(POLL_SECONDS)
    wall = time.perf_counter() - start
    stderr = errors.read_text(encoding="utf-8", errors="replace")
    record: dict[str, Any] = {
        "method": method,
        "process_seconds": wall,
        "tree_peak_mb": round(tree_peak, 1),
    }
    if status == "ok" and (child.returncode != 0 or not out.exists()):
        status = "error"
        record["error"] = stderr.strip().splitlines()[-5:]
    if status == "ok":
        record.update(json.loads(out.read_text(encoding="utf-8")))
        record["documents_per_second"] = record["documents"] / record["seconds"]
        record["group_recall"] = (
            record["groups_found"] / record["groups"] if record["groups"] else None
        )
    else:
        last = _last_progress(progress)
        record.update(
            {
                "peak_rss_mb_at_stop": peak,
                "last_progress": last,
                "projected_align_seconds": _projection(last),
                "stopped_in": stopped_in(last),
            }
        )
    record["status"] = status
    for path in (out, progress, errors):
        path.unlink(missing_ok=True)
    return record


# --- The benchmark --------------------------------------------------------------------------


def _label(size: int, total: int) -> str:
    return f"{total:,} (all)" if size == 0 or size >= total else f"{size:,}"


def _stopped(record: dict[str, Any], context: RunContext) -> str:
    status = str(record["status"])
    if status == "timeout":
        return f"timeout ({context.reuters_timeout:.0f} s)"
    if status == "memory":
        return f"stopped at {context.reuters_max_rss_mb:,.0f} MB"
    return status


def _method_rows(
    name: str,
    records: dict[str, dict[str, Any]],
    context: RunContext,
    full: str,
    targets: bool,
) -> list[Row]:
    def cell(key: str) -> dict[str, Any]:
        return {
            column: (r.get(key) if r["status"] == "ok" else _stopped(r, context))
            for column, r in records.items()
        }

    def target(op: Any, value: float) -> Target | None:
        return Target(op, value, full) if targets else None

    rss = {
        column: (
            max(r["peak_rss_mb"], r.get("tree_peak_mb") or 0.0)
            if r["status"] == "ok"
            else (
                f"≥ {r['peak_rss_mb_at_stop']:,.0f} at stop"
                if r.get("peak_rss_mb_at_stop")
                else _stopped(r, context)
            )
        )
        for column, r in records.items()
    }
    finished = [(r["documents"], r["seconds"]) for r in records.values() if r["status"] == "ok"]
    exponent = growth_exponent([n for n, _ in finished], [t for _, t in finished])
    fitted = f"fit over {finished[0][0]:,}-{finished[-1][0]:,} docs" if len(finished) > 1 else "fit"
    # The fit over all sizes is pulled down by fixed costs at the small ones; the slope between
    # the two largest finished runs shows how the cost grows where it matters.
    local = growth_exponent([n for n, _ in finished[-2:]], [t for _, t in finished[-2:]])
    local_label = (
        f"between {finished[-2][0]:,} and {finished[-1][0]:,} docs" if len(finished) > 1 else ""
    )
    rows = [
        Row(f"{name}: wall time (s)", cell("seconds"), "1f", target("<=", TARGET_FULL_SECONDS)),
        Row(f"{name}: documents/s", cell("documents_per_second"), "1f"),
        Row(f"{name}: peak memory (MB)", rss, "int", target("<=", TARGET_PEAK_RSS_MB)),
        Row(f"{name}: duplicate groups found", cell("group_recall"), "3f", target(">=", 1.0)),
        Row(
            f"{name}: time growth exponent ({fitted})",
            {full: exponent if exponent is not None else "n/a (< 2 runs finished)"},
            "2f",
            target("<=", TARGET_GROWTH),
        ),
        Row(
            f"{name}: time growth exponent {local_label}".rstrip(),
            {full: local if local is not None else "n/a (< 2 runs finished)"},
            "2f",
        ),
    ]
    if name == "batch":
        rows = [
            *rows[:4],
            Row(
                "batch: two halves give identical outputs",
                {c: r.get("halves_identical") for c, r in records.items() if r["status"] == "ok"},
                "text",
            ),
            Row(
                "batch: tracer query, median of 9 (s, in process)",
                {c: r.get("query_seconds") for c, r in records.items() if r["status"] == "ok"},
                "2f",
            ),
            Row(
                "batch: index size (MB)",
                {c: r.get("index_mb") for c, r in records.items() if r["status"] == "ok"},
                "1f",
            ),
        ]
    if name == "tracer":
        rows.insert(
            3,
            Row(
                "tracer: candidate pairs",
                {
                    column: (
                        r["stats"].get("candidate_pairs")
                        if r["status"] == "ok"
                        else (r.get("last_progress") or {}).get("total")
                        if (r.get("last_progress") or {}).get("stage") == "align"
                        else None
                    )
                    for column, r in records.items()
                },
                "int",
            ),
        )
        stopped = {c: r for c, r in records.items() if r["status"] in ("timeout", "memory")}
        if stopped:
            rows.append(
                Row(
                    "tracer: where stopped runs were",
                    {c: r["stopped_in"] for c, r in stopped.items()},
                    "text",
                )
            )
            rows.append(
                Row(
                    "tracer: projected alignment time of stopped runs (s)",
                    {c: r.get("projected_align_seconds") for c, r in stopped.items()},
                    "int",
                )
            )
    return rows


def run(context: RunContext) -> BenchResult:
    """Trace the subsets and the whole corpus, and the baseline on each, in worker processes."""
    stories = load_reuters(context.eval_dir)
    total = len(stories)
    sizes = sorted({min(s, total) if s else total for s in context.reuters_sizes})
    columns = tuple(_label(s, total) for s in sizes)
    groups_by_column = {
        column: len(exact_duplicate_groups(stories[:size]))
        for size, column in zip(sizes, columns, strict=True)
    }
    runs: dict[Method, dict[str, dict[str, Any]]] = {"tracer": {}, "batch": {}, "baseline": {}}
    tracer_stopped = False
    with tempfile.TemporaryDirectory(prefix="tracer-bench-") as scratch_name:
        scratch = Path(scratch_name)
        for size, column in zip(sizes, columns, strict=True):
            input_path = scratch / f"reuters-{size}.json"
            write_input(input_path, stories[:size])
            if tracer_stopped:
                runs["tracer"][column] = {"status": "skipped", "size": size}
            else:
                record = measure(context, "tracer", input_path)
                runs["tracer"][column] = record
                tracer_stopped = record["status"] != "ok"
                print(f"  reuters tracer {column}: {record['status']}", file=sys.stderr)
            if size >= min(BATCH_MIN_SIZE, total):
                record = measure(context, "batch", input_path)
                runs["batch"][column] = record
                print(f"  reuters batch {column}: {record['status']}", file=sys.stderr)
            record = measure(context, "baseline", input_path)
            runs["baseline"][column] = record
            print(f"  reuters baseline {column}: {record['status']}", file=sys.stderr)
            input_path.unlink()
    full = columns[-1]
    rows = [
        Row("exact-duplicate groups in the subset", dict(groups_by_column), "int"),
        *_method_rows("tracer", runs["tracer"], context, full, targets=True),
        *(
            _method_rows("batch", runs["batch"], context, full, targets=True)
            if runs["batch"]
            else []
        ),
        *_method_rows("baseline", runs["baseline"], context, full, targets=False),
    ]
    ratio: dict[str, Any] = {}
    for column in columns:
        mine, naive = runs["tracer"][column], runs["baseline"][column]
        if naive["status"] != "ok":
            ratio[column] = None
        elif mine["status"] == "ok":
            ratio[column] = mine["seconds"] / naive["seconds"]
        elif mine["status"] in ("timeout", "memory"):
            ratio[column] = f"> {mine['process_seconds'] / naive['seconds']:,.0f}"
        else:
            ratio[column] = None
    rows.append(Row("wall time ratio tracer / baseline", ratio, "1f"))
    return BenchResult(
        name="reuters",
        title="Reuters-21578 scale (trace speed and memory)",
        columns=columns,
        rows=tuple(rows),
        parameters={
            "subsets": "first N non-empty bodies by newid (nested, time order); 100 and 200 "
            "are probes so that the growth exponent is measured even when larger runs stop",
            "sizes": sizes,
            "tracer": "tracer.pipeline.trace(Article(id, body)), TracerConfig() defaults, "
            "jobs = CPUs available",
            "batch": "tracer.batch.run_batch into a fresh index + write_trace (no HTML report), "
            f"subsets of at least {BATCH_MIN_SIZE:,}; then, untimed, the same in two halves",
            "baseline": f"TfidfVectorizer() on the subset's bodies, cosine of all pairs in "
            f"blocks of {BASELINE_BLOCK_ROWS} rows, pairs >= {BASELINE_THRESHOLD} linked",
            "wall_time": "inside the worker, data loading excluded",
            "peak_memory": "the larger of the worker's own peak RSS (VmHWM) and the peak, over "
            f"samples every {POLL_SECONDS} s, of the summed PSS of the worker and its pool",
            "timeout_seconds": context.reuters_timeout,
            "max_rss_mb": context.reuters_max_rss_mb,
            "duplicate_groups": "bench.datasets.exact_duplicate_groups on the subset; found "
            "when all members are connected by edges (any kind) between articles",
            "skip_rule": "after a tracer run is stopped, larger tracer runs are skipped",
        },
        figures={"runs": runs, "groups": groups_by_column},
    )


if __name__ == "__main__":
    main()
