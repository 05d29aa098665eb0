"""The seed case, as the trace must tell it (the acceptance facts of the trace issue)."""

from __future__ import annotations

import csv
import io
import json
from functools import lru_cache
from pathlib import Path

import pytest
from click.testing import CliRunner

from tracer.cli import cli, main
from tracer.ingest import read_corpus
from tracer.model import TraceResult
from tracer.pipeline import trace

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
FT = "source:financial-times"
RACURS = "source:racurs"
BUNA, NV, TELEGRAPH, CNN_STORY, ESPRESO = (
    "000_5f7692219c63b442",
    "001_63a6e8fa25d66eb9",
    "002_e79a482424493417",
    "003_648dc79a4f448f9e",
    "004_a8488bd22045e4a9",
)


@lru_cache(maxsize=1)
def seed_trace() -> TraceResult:
    return trace(read_corpus([SEEDS]).articles)


def derived() -> set[tuple[str, str]]:
    return {(e.parent, e.child) for e in seed_trace().edges if e.kind == "derived"}


def test_financial_times_is_a_latent_root() -> None:
    nodes = {n.id: n for n in seed_trace().nodes}
    assert nodes[FT].kind == "latent"
    assert not any(child == FT for _, child in derived())


def test_new_voice_derives_from_the_ft_and_buna_times_through_racurs() -> None:
    edges = derived()
    assert (FT, NV) in edges
    assert (FT, RACURS) in edges
    assert (RACURS, BUNA) in edges
    assert {n.id: n.kind for n in seed_trace().nodes}[RACURS] == "latent"


def test_no_seed_derives_from_another_seed() -> None:
    seeds = {BUNA, NV, TELEGRAPH, CNN_STORY, ESPRESO}
    assert not {(p, c) for p, c in derived() if p in seeds and c in seeds}


def test_buna_times_and_new_voice_are_siblings_under_the_ft() -> None:
    related = {(e.parent, e.child): e for e in seed_trace().edges if e.kind == "related"}
    assert related[(BUNA, NV)].common_source == "Financial Times"


def test_each_article_carries_its_own_cited_sources() -> None:
    edges = derived()
    assert ("source:the-new-york-times", TELEGRAPH) in edges
    assert ("source:interfax", TELEGRAPH) in edges
    assert ("source:cnn", CNN_STORY) in edges
    assert ("source:espreso-tv", ESPRESO) in edges


def test_every_edge_carries_its_evidence() -> None:
    for edge in seed_trace().edges:
        assert edge.reason
        assert edge.passages or edge.attributions


def test_cli_writes_the_data_files_deterministically(tmp_path: Path) -> None:
    runner = CliRunner()
    outputs = []
    for name in ("first", "second"):
        result = runner.invoke(
            cli, ["trace", str(SEEDS), "-o", str(tmp_path / name), "--no-report", "-q"]
        )
        assert result.exit_code == 0, result.output
        outputs.append(
            {
                f: (tmp_path / name / f).read_bytes()
                for f in ("trace.json", "passages.jsonl", "edges.csv")
            }
        )
    assert outputs[0] == outputs[1]
    document = json.loads(outputs[0]["trace.json"])
    assert document["format"] == "tracer.trace/1"
    assert document["stats"]["articles"] == 5
    raw = {path.stem: path.read_text(encoding="utf-8") for path in SEEDS.glob("*.txt")}
    for line in outputs[0]["passages.jsonl"].decode().splitlines():
        passage = json.loads(line)
        assert raw[passage["a_id"]][passage["a_span"]["start"] : passage["a_span"]["end"]]
        assert passage["label"] in ("copied", "paraphrased")
    for article in document["articles"]:
        for sentence in article["sentences"]:
            assert raw[article["id"]][sentence["start"] : sentence["end"]] == sentence["text"]
    rows = list(csv.DictReader(io.StringIO(outputs[0]["edges.csv"].decode())))
    assert {(r["parent"], r["child"]) for r in rows if r["kind"] == "derived"} == derived()


def test_cli_reports_no_readable_articles(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "empty.txt").write_text("   \n")
    with pytest.raises(SystemExit) as exit_info:
        main(["trace", str(tmp_path), "-o", str(tmp_path / "out")])
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert "empty.txt" in err
    assert "tracer: error: no readable articles" in err
