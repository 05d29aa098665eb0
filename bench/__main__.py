"""``python -m bench``: run benchmarks, write ``bench/results/<name>.json``, refresh the README.

Examples:
    python -m bench --eval ../shared/eval quick          # the subset under 2 minutes
    python -m bench --eval ../shared/eval all            # everything (under 30 minutes)
    python -m bench --eval ../shared/eval pan13 msrp     # named benchmarks
    python -m bench readme                               # README section from the results
"""

from __future__ import annotations

import argparse
import dataclasses
import importlib
import sys
import time
import traceback
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import NoReturn

from bench.common import (
    REPO_ROOT,
    RESULTS_DIR,
    BenchError,
    BenchResult,
    Mode,
    RunContext,
    format_table,
    result_document,
    write_result,
)
from bench.datasets import DEFAULT_EVAL_DIR, eval_root
from tracer.errors import TracerError

# name -> (module, mode, needs the evaluation data)
BENCHMARKS: dict[str, tuple[str, Mode, bool]] = {
    "seeds": ("bench.seeds", "full", False),
    "startup": ("bench.startup", "full", False),
    "pan13-quick": ("bench.pan13", "quick", True),
    "pan13": ("bench.pan13", "full", True),
    "pan13-synthetic": ("bench.pan13_synthetic", "full", True),
    "msrp": ("bench.msrp", "full", True),
    "stsb": ("bench.stsb", "full", True),
    "clough": ("bench.clough", "full", True),
    "stemma": ("bench.stemma", "full", True),
    "reuters": ("bench.reuters", "full", True),
    "spark": ("bench.spark", "full", True),
}
GROUPS: dict[str, tuple[str, ...]] = {
    "quick": ("seeds", "startup", "msrp", "stsb", "clough", "stemma", "pan13-quick"),
    "all": (
        "seeds",
        "startup",
        "msrp",
        "stsb",
        "clough",
        "stemma",
        "pan13",
        "pan13-synthetic",
        "reuters",
        "spark",
    ),
}
README = REPO_ROOT / "README.md"


def _parser() -> argparse.ArgumentParser:
    choices = sorted([*GROUPS, *BENCHMARKS, "readme"])
    parser = argparse.ArgumentParser(
        prog="python -m bench",
        description="Run tracer's benchmarks on the shared evaluation data and write "
        "bench/results/<name>.json; then refresh the README's Benchmarks section.",
        epilog="Names: quick (seeds startup msrp stsb clough stemma pan13-quick), all "
        "(everything, full PAN13 and Reuters, Reuters on Spark), any single benchmark, or "
        "readme (only "
        "regenerate the README section from the existing results).",
    )
    parser.add_argument(
        "names", nargs="+", choices=choices, metavar="NAME", help=", ".join(choices)
    )
    parser.add_argument(
        "--eval",
        type=Path,
        default=DEFAULT_EVAL_DIR,
        help=f"evaluation data folder (default: {DEFAULT_EVAL_DIR})",
    )
    parser.add_argument("--results", type=Path, default=RESULTS_DIR, help="where result JSON goes")
    parser.add_argument("--readme", type=Path, default=README, help="README to refresh")
    parser.add_argument("--no-readme", action="store_true", help="do not touch the README")
    parser.add_argument(
        "--reuters-sizes",
        default="100,200,2500,5000,10000,0",
        help="comma-separated subset sizes for reuters; 0 means all (default: %(default)s)",
    )
    parser.add_argument(
        "--reuters-timeout",
        type=float,
        default=600.0,
        help="seconds before a reuters run is stopped (default: %(default)s)",
    )
    parser.add_argument(
        "--reuters-max-rss",
        type=float,
        default=4000.0,
        help="MB of resident memory at which a reuters run is stopped (default: %(default)s)",
    )
    return parser


def _fail(message: str, status: int = 2) -> NoReturn:
    print(f"bench: error: {message}", file=sys.stderr)
    sys.exit(status)


def _sizes(text: str) -> tuple[int, ...]:
    try:
        sizes = tuple(int(part) for part in text.split(",") if part.strip())
    except ValueError:
        raise BenchError(f"--reuters-sizes {text!r}: expected integers like 2500,5000,0") from None
    if not sizes or any(s < 0 for s in sizes):
        raise BenchError(f"--reuters-sizes {text!r}: expected non-negative integers")
    return sizes


def _selected(names: Sequence[str]) -> list[str]:
    chosen: list[str] = []
    for name in names:
        for item in GROUPS.get(name, (name,)):
            if item != "readme" and item not in chosen:
                chosen.append(item)
    return chosen


def _run_one(name: str, context: RunContext, results_dir: Path) -> BenchResult:
    module_name, mode, _ = BENCHMARKS[name]
    run: Callable[[RunContext], BenchResult] = importlib.import_module(module_name).run
    context = dataclasses.replace(context, mode=mode)
    print(f"== {name} ...", file=sys.stderr, flush=True)
    start = time.perf_counter()
    result = run(context)
    elapsed = time.perf_counter() - start
    path = write_result(result_document(result, context, elapsed), results_dir)
    print(f"\n{result.title}\n")
    print(format_table(result.columns, result.rows))
    shown = path.relative_to(REPO_ROOT) if path.is_relative_to(REPO_ROOT) else path
    print(f"\nwrote {shown} ({elapsed:.1f} s)", flush=True)
    return result


def _refresh_readme(readme: Path, results_dir: Path, *, required: bool) -> int:
    from bench.readme import END_MARKER, START_MARKER, load_results, render_section, update_readme

    section = update_readme(readme, results_dir)
    if section is not None:
        print(f"updated the Benchmarks section of {readme}", file=sys.stderr)
        return 0
    why = "does not exist" if not readme.is_file() else f"has no {START_MARKER} / {END_MARKER}"
    print(f"bench: {readme} {why}; README not changed.", file=sys.stderr)
    if required:
        print(render_section(load_results(results_dir)), end="")
        print("bench: the section is printed above; add the markers to fill it.", file=sys.stderr)
        return 1
    return 0


def main(argv: Sequence[str] | None = None) -> None:
    """Run the named benchmarks (or groups) and refresh the README."""
    args = _parser().parse_args(argv)
    try:
        sizes = _sizes(args.reuters_sizes)
        selected = _selected(args.names)
        if any(BENCHMARKS[name][2] for name in selected):
            eval_dir = eval_root(args.eval).resolve()
        else:
            eval_dir = Path(args.eval)
    except TracerError as error:
        _fail(str(error))
    context = RunContext(
        eval_dir=eval_dir,
        reuters_sizes=sizes,
        reuters_timeout=args.reuters_timeout,
        reuters_max_rss_mb=args.reuters_max_rss,
    )
    start = time.perf_counter()
    failed: list[str] = []
    for name in selected:
        try:
            _run_one(name, context, args.results)
        except TracerError as error:
            _fail(f"{name}: {error}")
        except Exception:
            traceback.print_exc()
            print(f"bench: {name} failed (a bug in the benchmark or in tracer)", file=sys.stderr)
            failed.append(name)
    status = 1 if failed else 0
    if selected:
        print(
            f"\n{len(selected) - len(failed)} of {len(selected)} benchmarks ran in "
            f"{time.perf_counter() - start:.0f} s",
            file=sys.stderr,
        )
    if "readme" in args.names or (selected and not args.no_readme):
        status = max(
            status, _refresh_readme(args.readme, args.results, required="readme" in args.names)
        )
    sys.exit(status)


if __name__ == "__main__":
    main()
