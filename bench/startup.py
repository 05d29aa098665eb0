"""Start-up: wall time of ``tracer compare`` on two seed articles, as a user runs it.

The command runs in a fresh process each time (interpreter start, imports, reading, comparing,
printing), five times; the median is the figure, the individual times are kept.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
from pathlib import Path

from bench.common import BenchError, BenchResult, Row, RunContext, Target

RUNS = 5
TARGET_SECONDS = 1.0
SEED_A = "000_5f7692219c63b442.txt"
SEED_B = "001_63a6e8fa25d66eb9.txt"


def tracer_command() -> list[str]:
    """The installed ``tracer`` script next to this interpreter, else ``python -m tracer``."""
    script = Path(sys.executable).with_name("tracer")
    return [str(script)] if script.is_file() else [sys.executable, "-m", "tracer"]


def run(context: RunContext) -> BenchResult:
    """Median wall time of five ``tracer compare`` runs."""
    command = [*tracer_command(), "compare", f"seeds/{SEED_A}", f"seeds/{SEED_B}"]
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        done = subprocess.run(
            command,
            cwd=context.repo_root,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
            check=False,
        )
        times.append(time.perf_counter() - start)
        if done.returncode != 0:
            raise BenchError(f"{' '.join(command)} exited with {done.returncode}: {done.stderr}")
    median = statistics.median(times)
    column = "wall time (s)"
    return BenchResult(
        name="startup",
        title="Start-up (tracer compare on two seeds)",
        columns=(column,),
        rows=(
            Row(
                f"median of {RUNS} runs",
                {column: median},
                "2f",
                Target("<=", TARGET_SECONDS, column),
            ),
            Row("fastest", {column: min(times)}, "2f"),
            Row("slowest", {column: max(times)}, "2f"),
        ),
        parameters={
            "command": " ".join([Path(command[0]).name, *command[1:]]),
            "runs": RUNS,
            "output": "stdout to /dev/null (not a terminal)",
        },
        figures={"seconds": times, "median_seconds": median},
    )
