"""What every benchmark shares: result records, the JSON file they are written to, the table.

A benchmark's ``run`` returns a :class:`BenchResult`: a table (:class:`Row` per figure, one
column per split or size, a :class:`Target` where the project set one), the parameters it ran
with and the detailed figures. :func:`write_result` adds where and when it ran (git commit,
UTC date, machine) and writes ``bench/results/<name>.json`` atomically; the README section is
generated from those files, with the same :func:`format_value`, so the two always agree.
"""

from __future__ import annotations

import json
import math
import os
import platform
import subprocess
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal, cast

from tracer.errors import TracerError

__all__ = [
    "REPO_ROOT",
    "RESULTS_DIR",
    "RESULT_FORMAT",
    "BenchError",
    "BenchResult",
    "Format",
    "Mode",
    "Row",
    "RunContext",
    "Target",
    "Value",
    "format_table",
    "format_target",
    "format_value",
    "git_state",
    "machine_info",
    "result_document",
    "row_from_dict",
    "write_result",
]

REPO_ROOT = Path(__file__).resolve().parent.parent
RESULTS_DIR = REPO_ROOT / "bench" / "results"
RESULT_FORMAT = "tracer.bench/1"
"""Version tag of the result files; bump it when their shape changes."""

Value = float | int | str | bool | None
"""One cell of a result table: a figure, a status such as ``"timeout"``, or nothing."""

Format = Literal["3f", "2f", "1f", "int", "pct", "text"]
"""How a row's figures are printed: decimals, thousands-separated integer, percent, as is."""

Mode = Literal["quick", "full"]
Op = Literal[">=", "<=", ">", "<", "=="]


class BenchError(TracerError):
    """A benchmark cannot run as asked (bad option, unusable results folder...)."""


@dataclass(frozen=True, slots=True)
class RunContext:
    """What a benchmark's ``run`` needs to know about the invocation."""

    eval_dir: Path
    mode: Mode = "full"
    repo_root: Path = REPO_ROOT
    reuters_sizes: tuple[int, ...] = (100, 200, 2500, 5000, 10000, 0)
    reuters_timeout: float = 600.0
    reuters_max_rss_mb: float = 4000.0


@dataclass(frozen=True, slots=True)
class Target:
    """A figure the project aims for: ``values[column] <op> value``.

    Example:
        >>> Target(">=", 0.75, "test").met({"train": 0.7, "test": 0.8})
        True
        >>> Target("<=", 60.0, "full").met({"full": "timeout"}) is False
        True
    """

    op: Op
    value: float | str
    column: str

    def met(self, values: Mapping[str, Value]) -> bool | None:
        """Whether the figure meets the target; ``None`` when the column has no value.

        A status string where a number is expected (``"timeout"``) misses the target.
        """
        actual = values.get(self.column)
        if actual is None:
            return None
        if isinstance(self.value, str) or self.op == "==":
            return actual == self.value
        if isinstance(actual, str | bool):
            return False
        if math.isnan(actual):
            return False
        comparisons = {
            ">=": actual >= self.value,
            "<=": actual <= self.value,
            ">": actual > self.value,
            "<": actual < self.value,
        }
        return comparisons[self.op]


@dataclass(frozen=True, slots=True)
class Row:
    """One line of a result table: a metric, its value per column, how to print it, a target."""

    metric: str
    values: Mapping[str, Value]
    fmt: Format = "3f"
    target: Target | None = None

    def as_dict(self) -> dict[str, Any]:
        """The row as it is stored in the result file."""
        document: dict[str, Any] = {
            "metric": self.metric,
            "values": {k: _json_safe(v) for k, v in self.values.items()},
            "fmt": self.fmt,
        }
        if self.target is not None:
            document["target"] = {
                "op": self.target.op,
                "value": self.target.value,
                "column": self.target.column,
                "met": self.target.met(self.values),
            }
        return document


def row_from_dict(document: Mapping[str, Any]) -> Row:
    """Read back a row written by :meth:`Row.as_dict`."""
    target = document.get("target")
    return Row(
        metric=str(document["metric"]),
        values=dict(document.get("values", {})),
        fmt=cast(Format, document.get("fmt", "3f")),
        target=(
            Target(cast(Op, target["op"]), target["value"], str(target["column"]))
            if target
            else None
        ),
    )


@dataclass(frozen=True, slots=True)
class BenchResult:
    """What one benchmark found: its table, the parameters it ran with, detailed figures."""

    name: str
    title: str
    columns: tuple[str, ...]
    rows: tuple[Row, ...]
    parameters: Mapping[str, Any] = field(default_factory=dict)
    figures: Mapping[str, Any] = field(default_factory=dict)
    notes: tuple[str, ...] = ()


# --- Formatting -----------------------------------------------------------------------------


def format_value(value: Value, fmt: Format) -> str:
    """A cell as printed in the terminal table and in the README.

    Example:
        >>> [format_value(v, f) for v, f in [(0.91234, "3f"), (0.0123, "pct"), (19779, "int")]]
        ['0.912', '1.23%', '19,779']
        >>> format_value(None, "3f"), format_value("timeout", "2f"), format_value(True, "text")
        ('—', 'timeout', 'yes')
    """
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, str):
        return value
    if math.isnan(value):
        return "n/a"
    if fmt == "int":
        return f"{round(value):,}"
    if fmt == "pct":
        return f"{value:.2%}"
    if fmt == "text":
        return str(value)
    return f"{value:.{fmt[0]}f}"


def format_target(target: Target, fmt: Format) -> str:
    """The target as a reader sees it: ``≥ 0.920`` (on test)."""
    symbol = {">=": "≥", "<=": "≤", ">": ">", "<": "<", "==": "="}[target.op]
    shown = target.value if isinstance(target.value, str) else format_value(target.value, fmt)
    return f"{symbol} {shown}"


def _verdict(row: Row) -> str:
    if row.target is None:
        return ""
    met = row.target.met(row.values)
    return "" if met is None else ("✓" if met else "✗")


def table_cells(result_columns: Sequence[str], row: Row) -> list[str]:
    """The printed cells of a row: metric, one per column, target (with its column), verdict."""
    cells = [row.metric]
    cells += [format_value(row.values.get(column), row.fmt) for column in result_columns]
    if row.target is None:
        cells += ["", ""]
    else:
        shown = format_target(row.target, row.fmt)
        if len(result_columns) > 1:
            shown += f" ({row.target.column})"
        cells += [shown, _verdict(row)]
    return cells


def format_table(columns: Sequence[str], rows: Sequence[Row]) -> str:
    """A plain-text table for the terminal: metric, the columns, target and ✓/✗.

    Example:
        >>> print(format_table(["test"], [Row("accuracy", {"test": 0.8}, "3f",
        ...                                   Target(">=", 0.75, "test"))]))
        metric    test   target   ok
        --------  -----  -------  --
        accuracy  0.800  ≥ 0.750  ✓
    """
    header = ["metric", *columns, "target", "ok"]
    body = [table_cells(columns, row) for row in rows]
    widths = [max(len(line[i]) for line in [header, *body]) for i in range(len(header))]
    lines = []
    for line in [header, ["-" * w for w in widths], *body]:
        cells = [cell.ljust(width) for cell, width in zip(line, widths, strict=True)]
        lines.append("  ".join(cells).rstrip())
    return "\n".join(lines)


# --- Where and when -------------------------------------------------------------------------


CODE_PATHS = ("tracer", "bench", "pyproject.toml")
"""The paths whose uncommitted changes make a result "dirty" (README and results excluded)."""


def git_state(repo_root: Path = REPO_ROOT) -> dict[str, Any]:
    """The commit the figures were measured at and whether the code had local changes.

    ``dirty`` covers :data:`CODE_PATHS` only, including new files there (``bench/results`` is
    left out, as the harness writes it).
    """

    def git(*args: str) -> str | None:
        try:
            done = subprocess.run(
                ["git", *args],
                cwd=repo_root,
                capture_output=True,
                text=True,
                timeout=30,
                check=False,
            )
        except (OSError, subprocess.TimeoutExpired):
            return None
        # Trailing space only: porcelain lines start with a status column that may be a space.
        return done.stdout.rstrip() if done.returncode == 0 else None

    commit = git("rev-parse", "HEAD")
    # Only what produces the figures: the library, the harness and the dependencies. The README
    # section this harness writes must not make every later result look uncommitted.
    status = git("status", "--porcelain", "--", *CODE_PATHS, ":(exclude)bench/results")
    changed = sorted(line[3:] for line in (status or "").splitlines() if len(line) > 3)
    return {
        "commit": commit,
        "dirty": bool(status) if status is not None else None,
        "checked_paths": list(CODE_PATHS),
        "uncommitted": changed,
    }


def _memory_bytes() -> int | None:
    try:
        with open("/proc/meminfo", encoding="ascii") as meminfo:
            for line in meminfo:
                if line.startswith("MemTotal:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        return None
    return None


def _cpu_model() -> str | None:
    try:
        with open("/proc/cpuinfo", encoding="utf-8", errors="replace") as cpuinfo:
            for line in cpuinfo:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        return None
    return platform.processor() or None


def machine_info() -> dict[str, Any]:
    """Cores, memory, CPU model, OS and Python version of the machine running the benchmarks."""
    memory = _memory_bytes()
    return {
        "cores": os.cpu_count(),
        "memory_bytes": memory,
        "memory_gib": round(memory / 2**30, 1) if memory else None,
        "cpu": _cpu_model(),
        "system": f"{platform.system()} {platform.release()} {platform.machine()}",
        "python": platform.python_version(),
        "implementation": sys.implementation.name,
    }


def _json_safe(value: Any) -> Any:
    """NaN and infinities are not JSON: they are stored as ``null`` (printed as n/a)."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, Mapping):
        return {str(k): _json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_json_safe(v) for v in value]
    return value


def result_document(result: BenchResult, context: RunContext, elapsed: float) -> dict[str, Any]:
    """The full record of a run: the table, figures, parameters, commit, date and machine."""
    document: dict[str, Any] = _json_safe(
        {
            "format": RESULT_FORMAT,
            "benchmark": result.name,
            "title": result.title,
            "mode": context.mode,
            "date": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "git": git_state(context.repo_root),
            "machine": machine_info(),
            "elapsed_seconds": round(elapsed, 2),
            "parameters": dict(result.parameters),
            "columns": list(result.columns),
            "rows": [row.as_dict() for row in result.rows],
            "figures": dict(result.figures),
            "notes": list(result.notes),
        }
    )
    return document


def write_result(document: Mapping[str, Any], results_dir: Path = RESULTS_DIR) -> Path:
    """Write ``<results_dir>/<benchmark>.json`` atomically (a reader never sees half a file)."""
    results_dir.mkdir(parents=True, exist_ok=True)
    path = results_dir / f"{document['benchmark']}.json"
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    text = json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False, allow_nan=False)
    try:
        with open(temporary, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text + "\n")
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)
    return path
