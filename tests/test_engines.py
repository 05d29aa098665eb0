"""The engine seam, without Spark: the local engine is the default, never loads pyspark, and
asking for Spark where it is missing is a one-line error.

These tests run in a subprocess in which ``import pyspark`` fails, as on a machine with the
plain ``pip install tracer``; ``tests/test_spark_engine.py`` compares the two engines.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

from tracer.engines import ENGINES, Engine, LocalEngine, open_engine
from tracer.export import edges_csv, passages_jsonl
from tracer.ingest import read_corpus
from tracer.pipeline import trace

REPO = Path(__file__).resolve().parent.parent
SEEDS = REPO / "seeds"


def _without_pyspark(script: str) -> subprocess.CompletedProcess[str]:
    """Run ``script`` in a fresh interpreter where every import of pyspark fails."""
    prelude = textwrap.dedent(
        """
        import sys
        sys.modules["pyspark"] = None  # "import pyspark" now raises ImportError
        from tracer.cli import main

        def run(*args):
            try:
                main([str(a) for a in args])
            except SystemExit as exit_:
                return exit_.code or 0
            return 0
        """
    )
    return subprocess.run(
        [sys.executable, "-c", prelude + textwrap.dedent(script)],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_trace_and_batch_run_without_pyspark_and_never_import_it(tmp_path: Path) -> None:
    done = _without_pyspark(
        f"""
        assert run("trace", {str(SEEDS)!r}, "-o", {str(tmp_path / "trace")!r}, "-q") == 0
        assert run("batch", {str(SEEDS)!r}, "--index", {str(tmp_path / "news.db")!r},
                   "-o", {str(tmp_path / "batch")!r}, "-q", "--engine", "local") == 0
        loaded = sorted(
            name for name, module in sys.modules.items()
            if module is not None and name.split(".")[0] in ("pyspark", "py4j", "pyarrow")
        )
        assert not loaded, loaded
        assert "tracer.engines.spark" not in sys.modules
        """
    )
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "trace" / "edges.csv").is_file()
    assert (tmp_path / "batch" / "edges.csv").is_file()


def test_the_spark_engine_without_pyspark_says_how_to_install_it(tmp_path: Path) -> None:
    done = _without_pyspark(
        f"""
        sys.exit(run("trace", {str(SEEDS)!r}, "-o", {str(tmp_path)!r}, "--engine", "spark"))
        """
    )
    assert done.returncode == 2
    assert done.stderr.strip().splitlines()[-1] == (
        "tracer: error: the spark engine needs PySpark: pip install 'tracer[spark]'"
    )


def test_a_spark_setting_must_be_key_equals_value(run_main: Any, tmp_path: Path) -> None:
    result = run_main("trace", SEEDS, "-o", tmp_path, "--spark-conf", "spark.driver.memory")
    assert result.exit_code == 2
    assert "'spark.driver.memory' is not KEY=VALUE" in result.stderr


def test_the_local_engine_is_the_default_and_jobs_do_not_change_the_result() -> None:
    articles = read_corpus([SEEDS]).articles
    default = trace(articles)
    with open_engine("local", jobs=2) as engine:
        pooled = trace(articles, engine=engine)
    assert (passages_jsonl(pooled), edges_csv(pooled)) == (
        passages_jsonl(default),
        edges_csv(default),
    )
    assert ENGINES == ("local", "spark")


def test_the_local_engine_has_every_stage_of_the_protocol() -> None:
    engine: Engine = LocalEngine(jobs=1)
    assert engine.name == "local"
    for stage in ("furniture", "segment", "find_candidates", "align"):
        assert callable(getattr(engine, stage))
