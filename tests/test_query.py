"""``tracer query``: the likely sources of one new article among everything indexed.

The index holds a wire report on a grain deal (copied by a daily, paraphrased by a blog), a
council notice about a bridge (copied by a radio station) and a cup final. Each query is a short
article written in the test: one copied mostly from the wire, one paraphrasing the notice, one
about something else.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from tracer.cli import cli
from tracer.index import SCHEMA_VERSION

# The ``run_main`` fixture (conftest.py): runs ``tracer.cli.main``, returns exit code and output.
Run = Callable[..., Any]

INDEXED = [
    {
        "id": "wire-grain",
        "date": "2024-03-01",
        "source": "Wire Agency",
        "title": "Grain deal signed in Odesa",
        "text": "Grain deal signed in Odesa\n"
        "Ukraine and Turkey signed a grain export agreement in Odesa on Friday, officials said.\n"
        "The deal lets forty cargo ships leave the Black Sea ports every month until the "
        "harvest ends.\n"
        "Farmers in the south welcomed the news after months of stalled shipments and falling "
        "prices.\n"
        "The agreement will be reviewed by both governments in September.\n",
    },
    {
        "id": "daily-grain",
        "date": "2024-03-02",
        "source": "The Daily",
        "title": "Ships to leave Odesa",
        "text": "Ships to leave Odesa\n"
        "Ukraine and Turkey signed a grain export agreement in Odesa on Friday, officials said.\n"
        "Our correspondent visited the harbour, where cranes stood idle for most of the winter.\n",
    },
    {
        "id": "blog-grain",
        "date": "2024-03-03",
        "source": "Blog",
        "title": "What the grain deal means",
        "text": "What the grain deal means\n"
        "On Friday officials said that Turkey and Ukraine had signed an agreement on grain "
        "exports in Odesa.\n"
        "Bloggers have long argued that shipping insurance costs would decide the outcome.\n",
    },
    {
        "id": "city-bridge",
        "date": "2024-03-04",
        "source": "City Paper",
        "title": "Old bridge closes for repairs",
        "text": "Old bridge closes for repairs\n"
        "The old stone bridge over the river Lune will close for eight months of repairs from "
        "Monday, the council announced.\n"
        "Engineers found deep cracks in two arches during an inspection last autumn.\n"
        "Buses will be diverted through the northern ring road while the work goes on.\n",
    },
    {
        "id": "radio-bridge",
        "date": "2024-03-05",
        "source": "Radio North",
        "title": "Bridge shut until winter",
        "text": "Bridge shut until winter\n"
        "The old stone bridge over the river Lune will close for eight months of repairs from "
        "Monday, the council announced.\n"
        "Listeners called the station to complain about longer journeys to work.\n",
    },
    {
        "id": "sport-final",
        "date": "2024-03-06",
        "source": "Sports Desk",
        "title": "Rovers win the county cup",
        "text": "Rovers win the county cup\n"
        "Rovers beat United three goals to one in a rain-soaked county cup final on Saturday.\n"
        "Their young striker scored twice before half time and was carried off by fans.\n",
    },
]

# Three of the wire's sentences word for word (one of them also in the daily), and one of its own.
COPIED = (
    "Farmers hail Odesa grain deal\n"
    "Farmers in the south welcomed the news after months of stalled shipments and falling "
    "prices.\n"
    "The agreement will be reviewed by both governments in September.\n"
    "Ukraine and Turkey signed a grain export agreement in Odesa on Friday, officials said.\n"
    "Prices at the Chicago exchange barely moved on the news.\n"
)
# The council notice in other words: two of its sentences, one of them only in the City Paper.
PARAPHRASED = (
    "Lune bridge to shut\n"
    "Councillors said on Monday that the old stone bridge over the Lune would be closed for "
    "eight months of repairs.\n"
    "While the repairs go on, buses are to be diverted along the northern ring road.\n"
    "Shopkeepers near the bridge fear a quiet summer.\n"
)
UNRELATED = (
    "Museum opens new wing\n"
    "The city museum opened a new wing dedicated to medieval tapestries on Wednesday.\n"
    "Visitors queued for hours to see the restored hunting scenes.\n"
)


def invoke(*args: str | Path) -> Any:
    return CliRunner().invoke(cli, [str(arg) for arg in args])


@pytest.fixture(scope="module")
def index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An index of the six articles, built by ``tracer batch``."""
    folder = tmp_path_factory.mktemp("query")
    dump = folder / "dump.jsonl"
    dump.write_text("".join(json.dumps(record) + "\n" for record in INDEXED), encoding="utf-8")
    path = folder / "news.db"
    result = invoke("batch", dump, "--index", path, "-o", folder / "out", "-j", "1", "--no-report")
    assert result.exit_code == 0, result.output
    return path


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def query_json(*args: str | Path) -> dict[str, Any]:
    result = invoke("query", *args, "--json")
    assert result.exit_code == 0, result.output
    document: dict[str, Any] = json.loads(result.stdout)
    return document


def test_a_copied_article_finds_its_source_first(index: Path, tmp_path: Path) -> None:
    story = write(tmp_path / "story.txt", COPIED)
    document = query_json(story, "--index", index)

    assert document["format"] == "tracer.query/1"
    assert document["query"]["id"] == "story"
    assert document["query"]["title"] == "Farmers hail Odesa grain deal"
    ids = [source["id"] for source in document["sources"]]
    assert ids[0] == "wire-grain"
    assert "daily-grain" in ids
    assert "radio-bridge" not in ids and "sport-final" not in ids
    explained = [source["explained"] for source in document["sources"]]
    assert explained == sorted(explained, reverse=True)
    wire = document["sources"][0]
    assert wire["explained"] > 0.6
    assert wire["shares"]["copied"] > 0.6
    assert wire["date"] == "2024-03-01"
    assert wire["source"] == "Wire Agency"
    assert {p["label"] for p in wire["passages"]} == {"copied"}
    assert all(p["a_id"] == "wire-grain" and p["b_id"] == "story" for p in wire["passages"])
    # The query's own sentence is not part of any passage.
    spans = [(p["b_span"]["start"], p["b_span"]["end"]) for p in wire["passages"]]
    own = COPIED.index("Prices at the Chicago")
    assert all(end <= own for _, end in spans)


def test_the_table_lists_the_sources_and_their_passages(index: Path, tmp_path: Path) -> None:
    story = write(tmp_path / "story.txt", COPIED)
    result = invoke("query", story, "--index", index)
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].startswith("query: ")
    table = [line.split()[0] for line in lines if line.startswith(("wire-", "daily-", "blog-"))]
    assert table[0] == "wire-grain"
    assert "wire-grain:" in lines
    passages = lines[lines.index("wire-grain:") + 1 :]
    assert passages[0].split()[0] == "copied"
    assert "Farmers in the south welcomed" in " ".join(passages)


def test_a_paraphrase_finds_the_article_it_rewords(index: Path, tmp_path: Path) -> None:
    story = write(tmp_path / "bridge.txt", PARAPHRASED)
    document = query_json(story, "--index", index)
    ids = [source["id"] for source in document["sources"]]
    # Only the City Paper has the sentence about the buses: it explains the most.
    assert ids[0] == "city-bridge"
    assert set(ids) <= {"city-bridge", "radio-bridge"}
    city = document["sources"][0]
    assert city["shares"]["paraphrased"] > 0.5
    assert "paraphrased" in {p["label"] for p in city["passages"]}


def test_at_equal_coverage_a_word_for_word_source_ranks_before_a_paraphrase(
    index: Path, tmp_path: Path
) -> None:
    # One sentence: the wire and the daily have it word for word, the blog in other words.
    story = write(
        tmp_path / "brief.txt",
        "Ukraine and Turkey signed a grain export agreement in Odesa on Friday, officials said.\n",
    )
    sources = query_json(story, "--index", index)["sources"]
    assert [s["explained"] for s in sources] == [1.0, 1.0, 1.0]
    assert [(s["id"], s["shares"]["copied"]) for s in sources] == [
        ("daily-grain", 1.0),
        ("wire-grain", 1.0),
        ("blog-grain", 0.0),
    ]


def test_an_unrelated_article_has_no_source(index: Path, tmp_path: Path) -> None:
    story = write(tmp_path / "museum.txt", UNRELATED)
    result = invoke("query", story, "--index", index)
    assert result.exit_code == 0, result.output
    assert "no source found" in result.stdout
    assert query_json(story, "--index", index)["sources"] == []


def test_limit_caps_the_sources(index: Path, tmp_path: Path) -> None:
    story = write(tmp_path / "story.txt", COPIED)
    assert len(query_json(story, "--index", index)["sources"]) >= 2
    limited = query_json(story, "--index", index, "--limit", "1")
    assert [source["id"] for source in limited["sources"]] == ["wire-grain"]
    table = invoke("query", story, "--index", index, "--limit", "1")
    assert table.exit_code == 0, table.output
    assert "wire-grain:" in table.stdout
    assert "daily-grain" not in table.stdout


def test_an_article_of_the_same_id_is_not_its_own_source(index: Path, tmp_path: Path) -> None:
    # A newer version of the wire story: the indexed wire-grain is its older self, left out.
    story = write(tmp_path / "wire-grain.txt", COPIED)
    ids = [source["id"] for source in query_json(story, "--index", index)["sources"]]
    assert "wire-grain" not in ids
    assert "daily-grain" in ids


def test_a_missing_index_is_a_clear_error(run_main: Run, tmp_path: Path) -> None:
    story = write(tmp_path / "story.txt", COPIED)
    missing = tmp_path / "missing.db"
    result = run_main("query", story, "--index", missing)
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [f"tracer: error: {missing}: no such index"]
    assert result.stdout == ""
    assert not missing.exists()


def test_a_newer_index_schema_is_refused(run_main: Run, index: Path, tmp_path: Path) -> None:
    newer = tmp_path / "newer.db"
    with closing(sqlite3.connect(index)) as source, closing(sqlite3.connect(newer)) as target:
        source.backup(target)
        target.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    story = write(tmp_path / "story.txt", COPIED)
    result = run_main("query", story, "--index", newer)
    assert result.exit_code == 2
    assert result.stderr.startswith(f"tracer: error: {newer}: index schema version ")
    assert "upgrade tracer" in result.stderr


def test_a_query_file_must_hold_one_article(run_main: Run, index: Path, tmp_path: Path) -> None:
    two = write(
        tmp_path / "two.jsonl",
        "".join(json.dumps({"id": n, "text": COPIED}) + "\n" for n in ("a", "b")),
    )
    result = run_main("query", two, "--index", index)
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [f"tracer: error: {two}: expected one article, found 2"]
    empty = write(tmp_path / "empty.txt", "")
    result = run_main("query", empty, "--index", index)
    assert result.exit_code == 2
    assert str(empty) in result.stderr
    assert "Traceback" not in result.stderr


def test_query_help_has_an_example() -> None:
    result = invoke("query", "--help")
    assert result.exit_code == 0
    assert "tracer query " in result.output
    assert "--limit" in result.output
