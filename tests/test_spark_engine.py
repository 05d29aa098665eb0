"""The Spark engine gives what the local engine gives, byte for byte.

Spark runs in ``local[2]``: one JVM for the whole module (a module-scoped session), which the
CLI finds and reuses. The corpus is made up here: stories with a close copy, a paraphrase and a
digest quoting them, a wire sign-off repeated across articles (page furniture), a word in every
article (a common stem, left out of sentence signatures), an article repeating one sentence
(more than a bucket keeps per article), one that quotes every story (more partners than
``max_partners`` allows under the capped configuration) and attributions to outlets that are
not in the corpus. Each test compares the local engine's outputs with Spark's.
"""

from __future__ import annotations

import json
import os
import random
import re
import shutil
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tracer.engines import LocalEngine
from tracer.export import edges_csv, passages_jsonl, trace_json
from tracer.model import TraceResult
from tracer.pipeline import trace

pyspark = pytest.importorskip(
    "pyspark", reason="pyspark is not installed (pip install 'tracer[spark]')"
)
if not (os.environ.get("JAVA_HOME") or shutil.which("java")):
    pytest.skip("no Java: the Spark engine needs Java 17 or later", allow_module_level=True)

from tracer.engines.spark import SparkEngine  # noqa: E402 - after the skips

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
Run = Callable[..., Any]
OUTPUTS = ("trace.json", "passages.jsonl", "edges.csv")


@pytest.fixture(scope="module")
def spark() -> Iterator[Any]:
    """One local Spark session for the module, with the test's interpreter as its workers'."""
    from pyspark.sql import SparkSession

    os.environ["PYSPARK_PYTHON"] = sys.executable
    session = (
        SparkSession.builder.master("local[2]")
        .appName("tracer-tests")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.shuffle.partitions", "4")
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


@pytest.fixture
def engine(spark: Any) -> Iterator[SparkEngine]:
    with SparkEngine(spark) as running:
        yield running


# --- the corpus ------------------------------------------------------------------------------

SYLLABLES = ["ka", "lo", "mi", "ra", "te", "su", "vin", "dor", "pel", "gra", "nu", "sha", "bre"]
OUTLETS = ["the Financial Times", "Reuters", "the Kyiv Independent"]


def make_corpus(seed: int = 8) -> list[dict[str, Any]]:
    """Made-up newswire: deterministic, about seventy articles."""
    rng = random.Random(seed)
    vocabulary = sorted({"".join(rng.sample(SYLLABLES, 3)) for _ in range(600)})

    def sentence(size: int = 9) -> str:
        # "market" is in every article: a common stem, too frequent to index.
        return " ".join(rng.sample(vocabulary, size)).capitalize() + " market."

    def paraphrase(text: str) -> str:
        words = text.rstrip(".").split()
        kept = [w.lower() for w in words if rng.random() > 0.2]
        kept[1:4] = rng.sample(vocabulary, 2)
        half = len(kept) // 2
        return " ".join(kept[half:] + kept[:half]).capitalize() + "."

    records: list[dict[str, Any]] = []
    stories = []
    for number in range(12):
        body = [sentence() for _ in range(6)]
        stories.append(body)
        outlet = OUTLETS[number % len(OUTLETS)]
        wire = [f"Story {number} {rng.choice(vocabulary)}", *body]
        if number % 2:
            wire.insert(2, f"{body[0][:-1]}, {outlet} reported.")
        records.append(
            {"id": f"s{number:02d}-wire", "text": "\n".join([*wire, "Reuter"]),
             "date": f"2024-03-{number + 1:02d}", "source": "Wire"}
        )  # fmt: skip
        copy = [*body[:3], sentence(), *body[4:]]
        records.append(
            {"id": f"s{number:02d}-copy", "text": "\n".join([*copy, "Reuter"]),
             "date": f"2024-03-{number + 2:02d}", "title": f"Copy {number}"}
        )  # fmt: skip
        records.append(
            {"id": f"s{number:02d}-para", "text": "\n".join(paraphrase(s) for s in body),
             "date": f"2024-03-{number + 3:02d}"}
        )  # fmt: skip
        digest = [sentence() for _ in range(5)]
        digest[2:2] = body[1:3]
        records.append({"id": f"s{number:02d}-digest", "text": "\n".join([*digest, "Reuter"])})
    for number in range(10):
        records.append({"id": f"other-{number}", "text": "\n".join(sentence() for _ in range(5))})
    records.append({"id": "roundup", "text": "\n".join(story[3] for story in stories) + "\nReuter"})
    records.append({"id": "stutter", "text": "\n".join([stories[0][4]] * 12 + [sentence()])})
    rng.shuffle(records)
    return records


def write_jsonl(path: Path, records: list[dict[str, Any]]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


def outputs(folder: Path, names: tuple[str, ...] = OUTPUTS) -> dict[str, bytes]:
    return {name: (folder / name).read_bytes() for name in names}


def report(folder: Path) -> bytes:
    """The report's index page, its generation time left out."""
    page = (folder / "index.html").read_bytes()
    return re.sub(rb" on \d{4}-\d\d-\d\d \d\d:\d\d UTC", b"", page)


def texts(result: TraceResult) -> dict[str, str]:
    return {
        "trace.json": "".join(trace_json(result)),
        "passages.jsonl": passages_jsonl(result),
        "edges.csv": edges_csv(result),
    }


@pytest.fixture(scope="module")
def corpus_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_jsonl(tmp_path_factory.mktemp("corpus") / "news.jsonl", make_corpus())


CAPPED = "[candidates]\nmax_partners = 3\n"


# --- trace ----------------------------------------------------------------------------------


@pytest.mark.parametrize("settings", ["", CAPPED], ids=["defaults", "max_partners=3"])
def test_trace_of_a_corpus_is_identical_on_spark(
    spark: Any, run_main: Run, corpus_file: Path, tmp_path: Path, settings: str
) -> None:
    config = tmp_path / "tracer.toml"
    config.write_text(settings, encoding="utf-8")
    local = run_main("trace", corpus_file, "-o", tmp_path / "local", "--config", config, "-q")
    on_spark = run_main(
        "trace", corpus_file, "-o", tmp_path / "spark", "--config", config, "-q",
        "--engine", "spark",
    )  # fmt: skip
    assert (local.exit_code, on_spark.exit_code) == (0, 0), on_spark.stderr
    assert outputs(tmp_path / "spark") == outputs(tmp_path / "local")
    assert report(tmp_path / "spark") == report(tmp_path / "local")
    # The corpus exercises what it is meant to: both kinds of candidates, passages, a latent
    # source, and (capped) an article with more partners than allowed.
    document = json.loads((tmp_path / "local" / "trace.json").read_text(encoding="utf-8"))
    assert document["stats"]["passages"] >= 30
    assert any(node["kind"] == "latent" for node in document["nodes"])
    capped = [w for w in document["warnings"] if "max_partners" in w["message"]]
    assert bool(capped) == bool(settings)


def test_trace_of_the_seeds_is_identical_on_spark(engine: SparkEngine) -> None:
    from tracer.ingest import read_corpus

    articles = read_corpus([SEEDS]).articles
    local = trace(articles, engine=LocalEngine(jobs=2))
    on_spark = trace(articles, engine=engine)
    assert texts(on_spark) == texts(local)
    assert local.stats["aligned_pairs"] >= 3


def test_spark_writes_passages_and_edges_as_parquet_and_jsonl(
    spark: Any, run_main: Run, tmp_path: Path
) -> None:
    import pyarrow.parquet as pq

    result = run_main("trace", SEEDS, "-o", tmp_path, "-q", "--engine", "spark")
    assert result.exit_code == 0, result.stderr
    passages = [json.loads(line) for line in (tmp_path / "passages.jsonl").read_text().splitlines()]
    assert pq.read_table(tmp_path / "passages.parquet").to_pylist() == passages
    edges = [json.loads(line) for line in (tmp_path / "edges.jsonl").read_text().splitlines()]
    assert pq.read_table(tmp_path / "edges.parquet").to_pylist() == edges
    rows = (tmp_path / "edges.csv").read_text().splitlines()[1:]
    assert [(e["parent"], e["child"], e["kind"]) for e in edges] == [
        tuple(row.split(",")[:3]) for row in rows
    ]


# --- input read by Spark ----------------------------------------------------------------------


def test_spark_reads_jsonl_uris_and_parquet_as_tracer_reads_jsonl(
    spark: Any, run_main: Run, corpus_file: Path, tmp_path: Path
) -> None:
    parquet = tmp_path / "news.parquet"
    spark.createDataFrame(make_corpus()).write.parquet(str(parquet))
    local = run_main("trace", corpus_file, "-o", tmp_path / "local", "-q", "--no-report")
    assert local.exit_code == 0
    for name, source in (("uri", corpus_file.as_uri()), ("parquet", str(parquet))):
        result = run_main(
            "trace", source, "-o", tmp_path / name, "-q", "--no-report", "--engine", "spark"
        )
        assert result.exit_code == 0, result.stderr
        # trace.json differs in where each article was read from; the findings do not.
        assert outputs(tmp_path / name, OUTPUTS[1:]) == outputs(tmp_path / "local", OUTPUTS[1:])


def test_bad_records_read_by_spark_are_skipped_and_named(
    spark: Any, run_main: Run, tmp_path: Path
) -> None:
    dump = tmp_path / "dump.jsonl"
    dump.write_text(
        '{"id": "a", "text": "Grain deal signed in Odesa on Friday."}\n'
        "not json\n"
        '{"id": "a", "text": "A second article under the same id."}\n'
        '{"text": "No id here, so the line names it."}\n',
        encoding="utf-8",
    )
    result = run_main("trace", dump.as_uri(), "-o", tmp_path / "out", "--engine", "spark")
    assert result.exit_code == 0, result.stderr
    assert f"{dump.as_uri()}:2: not valid JSON" in result.stderr
    assert f"duplicate id 'a', already read from {dump.as_uri()}:1" in result.stderr
    ids = [a["id"] for a in json.loads((tmp_path / "out" / "trace.json").read_text())["articles"]]
    assert ids == ["a", "dump:4"]


def test_a_missing_dataset_is_a_one_line_error(spark: Any, run_main: Run, tmp_path: Path) -> None:
    missing = (tmp_path / "nowhere.parquet").as_uri()
    result = run_main("trace", missing, "-o", tmp_path / "out", "--engine", "spark")
    assert result.exit_code == 2
    assert result.stderr.strip().splitlines()[-1] == (
        f"tracer: error: {missing}: no such file or directory"
    )


# --- batch and huge runs ----------------------------------------------------------------------


def test_batch_on_spark_builds_the_same_index_outputs(
    spark: Any, run_main: Run, tmp_path: Path
) -> None:
    records = make_corpus()
    days = [write_jsonl(tmp_path / f"day{n}.jsonl", records[n::2]) for n in (0, 1)]
    for day in days:
        for engine in ("local", "spark"):
            result = run_main(
                "batch", day, "--index", tmp_path / f"{engine}.db", "-o", tmp_path / engine,
                "-q", "--no-report", "--engine", engine,
            )  # fmt: skip
            assert result.exit_code == 0, result.stderr
        assert outputs(tmp_path / "spark") == outputs(tmp_path / "local")


def test_a_run_over_the_report_limit_writes_passages_and_edges_only(
    spark: Any, run_main: Run, tmp_path: Path
) -> None:
    result = run_main("trace", SEEDS, "-o", tmp_path, "--engine", "spark", "--report-limit", "4")
    assert result.exit_code == 0, result.stderr
    assert "trace.json and the report not written: 5 articles" in result.stderr
    assert not (tmp_path / "trace.json").exists()
    assert not (tmp_path / "index.html").exists()
    for name in ("passages.jsonl", "edges.csv", "passages.parquet", "edges.parquet"):
        assert (tmp_path / name).is_file()
