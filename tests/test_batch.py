"""``tracer batch`` and ``tracer index stats`` end to end: incremental runs over an index.

The corpus is a handful of made-up stories: a wire report on a grain deal that a daily copies
and a blog paraphrases, a council notice about a bridge that a radio station copies, and a
cup final. "More news at eleven" closes three of them, so it becomes page furniture only once the
third arrives; that re-segments the older two, the case where an incremental run could most
easily drift from a run over everything at once.
"""

from __future__ import annotations

import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
from collections.abc import Callable, Iterable, Sequence
from contextlib import closing
from pathlib import Path
from typing import Any

import click
import pytest
from click.testing import CliRunner

import tracer.batch
import tracer.fsutil
import tracer.index
from tracer.cli import cli, main
from tracer.index import SCHEMA_VERSION, Index

# The ``run_main`` fixture (conftest.py): runs ``tracer.cli.main``, returns exit code and output.
Run = Callable[..., Any]
REPO = Path(__file__).resolve().parent.parent

SIGN_OFF = "More news at eleven"

WIRE = {
    "id": "wire-grain",
    "date": "2024-03-01",
    "source": "Wire Agency",
    "title": "Grain deal signed in Odesa",
    "text": "Grain deal signed in Odesa\n"
    "Ukraine and Turkey signed a grain export agreement in Odesa on Friday, officials said.\n"
    "The deal lets forty cargo ships leave the Black Sea ports every month until the harvest "
    "ends.\n"
    "Farmers in the south welcomed the news after months of stalled shipments and falling "
    "prices.\n"
    "The agreement will be reviewed by both governments in September.\n"
    f"{SIGN_OFF}",
}
DAILY = {
    "id": "daily-grain",
    "date": "2024-03-02",
    "source": "The Daily",
    "title": "Ships to leave Odesa",
    "text": "Ships to leave Odesa\n"
    "Ukraine and Turkey signed a grain export agreement in Odesa on Friday, officials said.\n"
    "The deal lets forty cargo ships leave the Black Sea ports every month until the harvest "
    "ends.\n"
    "Our correspondent visited the harbour, where cranes stood idle for most of the winter.\n"
    f"{SIGN_OFF}",
}
BLOG = {
    "id": "blog-grain",
    "date": "2024-03-03",
    "source": "Blog",
    "title": "What the grain deal means",
    "text": "What the grain deal means\n"
    "On Friday officials said that Turkey and Ukraine had signed an agreement on grain exports "
    "in Odesa.\n"
    "Every month until the end of the harvest, forty cargo ships may now leave the ports of the "
    "Black Sea.\n"
    "Bloggers have long argued that shipping insurance costs would decide the outcome.\n",
}
CITY = {
    "id": "city-bridge",
    "date": "2024-03-04",
    "source": "City Paper",
    "title": "Old bridge closes for repairs",
    "text": "Old bridge closes for repairs\n"
    "The old stone bridge over the river Lune will close for eight months of repairs from "
    "Monday, the council announced.\n"
    "Engineers found deep cracks in two arches during an inspection last autumn.\n"
    "Buses will be diverted through the northern ring road while the work goes on.\n"
    f"{SIGN_OFF}",
}
RADIO = {
    "id": "radio-bridge",
    "date": "2024-03-05",
    "source": "Radio North",
    "title": "Bridge shut until winter",
    "text": "Bridge shut until winter\n"
    "The old stone bridge over the river Lune will close for eight months of repairs from "
    "Monday, the council announced.\n"
    "Engineers found deep cracks in two arches during an inspection last autumn.\n"
    "Listeners called the station to complain about longer journeys to work.\n",
}
CUP = {
    "id": "sport-final",
    "date": "2024-03-06",
    "source": "Sports Desk",
    "title": "Rovers win the county cup",
    "text": "Rovers win the county cup\n"
    "Rovers beat United three goals to one in a rain-soaked county cup final on Saturday.\n"
    "Their young striker scored twice before half time and was carried off by fans at the "
    "whistle.\n"
    "The club will play in the regional league next season.\n",
}
# Only in the kill-and-resume runs: more stories, so that small transactions give many commits.
CUP_REPORT = {
    "id": "sport-report",
    "date": "2024-03-07",
    "source": "Evening Post",
    "title": "Cup joy for Rovers",
    "text": "Cup joy for Rovers\n"
    "Rovers beat United three goals to one in a rain-soaked county cup final on Saturday.\n"
    "The young striker, who scored twice before half time, was carried off by fans at the "
    "whistle.\n"
    "The mayor will host a reception for the team at the town hall.\n",
}
COUNCIL = {
    "id": "council-bridge",
    "date": "2024-03-08",
    "source": "Council News",
    "title": "Repairs to the Lune bridge",
    "text": "Repairs to the Lune bridge\n"
    "From Monday the council will shut the old stone bridge across the Lune for eight months "
    "of repair work.\n"
    "An inspection last autumn found that two of its arches had deep cracks.\n"
    f"{SIGN_OFF}",
}
WEEKLY = {
    "id": "weekly-grain",
    "date": "2024-03-09",
    "source": "Farmers Weekly",
    "title": "Relief for grain farmers",
    "text": "Relief for grain farmers\n"
    "Farmers in the south welcomed the news after months of stalled shipments and falling "
    "prices.\n"
    "Ukraine and Turkey signed a grain export agreement in Odesa on Friday.\n"
    "Storage costs have doubled since the autumn, the farmers union says.\n",
}
# A known id with new content: the blog post, rewritten and extended.
BLOG_REVISED = {
    **BLOG,
    "text": str(BLOG["text"])
    + "Update: insurers in London said on Monday that premiums for Black Sea voyages would "
    "fall.\n",
}
UNRELATED_RADIO = {
    **RADIO,
    "title": "Snow expected",
    "text": "Snow expected over the hills\n"
    "Forecasters expect heavy snow over the northern hills on Tuesday night.\n"
    "Drivers are advised to carry blankets and a shovel in their cars.\n",
}

FIRST = [WIRE, DAILY, BLOG]
SECOND = [CITY, RADIO, CUP]
OUTPUTS = ("trace.json", "passages.jsonl", "edges.csv")
QUICK = ("--jobs", "1", "--no-report")  # one process, no HTML: quick, and what outputs compare
INDEX_TABLES = {
    "meta",
    "runs",
    "articles",
    "segments",
    "attributions",
    "bands",
    "comparisons",
    "nodes",
    "edges",
}


# --- helpers -----------------------------------------------------------------------------------


def write_dump(path: Path, records: Iterable[dict[str, Any] | str]) -> Path:
    """A JSONL dump: one object per line (a string is written as the line itself)."""
    lines = [r if isinstance(r, str) else json.dumps(r, ensure_ascii=False) for r in records]
    path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    return path


def invoke(*args: str | Path) -> click.testing.Result:
    return CliRunner().invoke(cli, [str(arg) for arg in args])


def run_batch(dumps: Sequence[Path] | Path, index: Path, out: Path, *extra: str) -> Any:
    """``tracer batch`` through CliRunner, one process and no report (quick); must succeed."""
    paths = [dumps] if isinstance(dumps, Path) else list(dumps)
    result = invoke("batch", *paths, "--index", index, "-o", out, *QUICK, *extra)
    assert result.exit_code == 0, result.output
    return result


def outputs(out: Path) -> dict[str, bytes]:
    return {name: (out / name).read_bytes() for name in OUTPUTS}


def trace_document(out: Path) -> dict[str, Any]:
    document: dict[str, Any] = json.loads((out / "trace.json").read_text(encoding="utf-8"))
    return document


def index_content(path: Path) -> dict[str, list[tuple[Any, ...]]]:
    """Every table of an index but ``runs``, as sorted rows, to compare two indexes.

    Two columns are left out, both bookkeeping rather than content: ``articles.num``, the
    internal row key (it changes whenever an article is stored again, as when a resumed run
    re-segments one; ``bands`` rows are listed by article id instead), and ``articles.run``,
    which points into ``runs`` (an interrupted run leaves its own row). So is the ``meta`` row
    ``created``: when the file was made, which differs between two new indexes.
    """
    tables = rows(path, "SELECT name FROM sqlite_master WHERE type = 'table'")
    # A table added to the schema must be added here too, or this comparison misses it.
    assert {row[0] for row in tables} == INDEX_TABLES
    queries = {
        "meta": "SELECT key, value FROM meta WHERE key != 'created' ORDER BY key",
        "articles": "SELECT id, version, content_hash, title, date, url, source, origin, "
        "metadata, text, state FROM articles ORDER BY id",
        "segments": "SELECT * FROM segments ORDER BY article_id",
        "attributions": "SELECT * FROM attributions ORDER BY article_id",
        "bands": "SELECT b.kind, b.key, a.id, b.item FROM bands b "
        "JOIN articles a ON a.num = b.article ORDER BY 1, 2, 3, 4",
        "comparisons": "SELECT * FROM comparisons ORDER BY a_id, b_id",
        "nodes": "SELECT * FROM nodes ORDER BY position",
        "edges": "SELECT * FROM edges ORDER BY position",
    }
    return {name: rows(path, sql) for name, sql in queries.items()}


def rows(path: Path, sql: str) -> list[tuple[Any, ...]]:
    """The rows of one query on an index file, opened read-only."""
    with closing(sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)) as connection:
        return list(connection.execute(sql))


def copy_index(source: Path, target: Path) -> Path:
    """A consistent copy of an index file (SQLite's backup, so a WAL file is no concern)."""
    with closing(sqlite3.connect(source)) as src, closing(sqlite3.connect(target)) as dst:
        src.backup(dst)
    return target


def summary_line(stderr: str) -> str:
    (line,) = [line for line in stderr.splitlines() if " articles read: " in line]
    return line


# --- a first run ---------------------------------------------------------------------------------


def test_batch_writes_the_outputs_and_a_summary(tmp_path: Path) -> None:
    dump = write_dump(tmp_path / "dump.jsonl", FIRST + SECOND)
    result = invoke("batch", dump, "--index", tmp_path / "news.db", "-o", tmp_path / "out")
    assert result.exit_code == 0, result.output
    for name in (*OUTPUTS, "index.html"):
        assert (tmp_path / "out" / name).is_file(), name
    assert (tmp_path / "news.db").is_file()
    assert summary_line(result.stderr) == (
        "6 articles read: 6 new, 0 revised, 0 unchanged; 0 inputs skipped, 0 warnings"
    )
    assert f"wrote {tmp_path / 'out' / 'index.html'}" in result.stderr
    assert result.stdout == ""
    document = trace_document(tmp_path / "out")
    assert [a["id"] for a in document["articles"]] == sorted(str(r["id"]) for r in FIRST + SECOND)
    derived = {(e["parent"], e["child"]) for e in document["edges"] if e["kind"] == "derived"}
    assert ("wire-grain", "daily-grain") in derived
    assert ("city-bridge", "radio-bridge") in derived


def test_no_report_writes_the_data_files_only(tmp_path: Path) -> None:
    dump = write_dump(tmp_path / "dump.jsonl", FIRST)
    result = run_batch(dump, tmp_path / "news.db", tmp_path / "out")
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == sorted(OUTPUTS)
    assert f"wrote {tmp_path / 'out' / 'trace.json'}" in result.stderr


def test_quiet_prints_nothing(tmp_path: Path) -> None:
    dump = write_dump(tmp_path / "dump.jsonl", FIRST)
    result = run_batch(dump, tmp_path / "news.db", tmp_path / "out", "-q")
    assert result.output == ""


# --- idempotence, halves, revisions ----------------------------------------------------------


def test_the_same_dump_twice_changes_nothing(tmp_path: Path) -> None:
    dump = write_dump(tmp_path / "dump.jsonl", FIRST + SECOND)
    index = tmp_path / "news.db"
    first = run_batch(dump, index, tmp_path / "once")
    content = index_content(index)
    keys = rows(index, "SELECT num, id, run FROM articles ORDER BY num")
    second = run_batch(dump, index, tmp_path / "twice")

    assert outputs(tmp_path / "twice") == outputs(tmp_path / "once")
    assert index_content(index) == content
    # Nothing was stored again: not even the internal row keys or the run that stored it moved.
    assert rows(index, "SELECT num, id, run FROM articles ORDER BY num") == keys
    assert "0 pairs aligned" not in first.stderr
    assert summary_line(second.stderr) == (
        "6 articles read: 0 new, 0 revised, 6 unchanged; 0 inputs skipped, 0 warnings"
    )
    assert "\n0 pairs aligned (" in second.stderr
    assert rows(index, "SELECT finished IS NOT NULL FROM runs ORDER BY id") == [(1,), (1,)]


def test_two_halves_give_the_same_outputs_as_one_run_and_as_trace(tmp_path: Path) -> None:
    first = write_dump(tmp_path / "first.jsonl", FIRST)
    second = write_dump(tmp_path / "second.jsonl", SECOND)

    run_batch(first, tmp_path / "halves.db", tmp_path / "half-1")
    halves = run_batch(second, tmp_path / "halves.db", tmp_path / "halves")
    run_batch([first, second], tmp_path / "once.db", tmp_path / "once")
    traced = invoke("trace", first, second, "-o", tmp_path / "trace", *QUICK)
    assert traced.exit_code == 0, traced.output

    assert outputs(tmp_path / "halves") == outputs(tmp_path / "once")
    assert outputs(tmp_path / "halves") == outputs(tmp_path / "trace")
    # The second half made the sign-off furniture: the first half was segmented again.
    assert "0 pairs aligned" not in halves.stderr
    signs = [
        s
        for a in trace_document(tmp_path / "halves")["articles"]
        for s in a["sentences"]
        if s["text"] == SIGN_OFF
    ]
    assert len(signs) == 3
    assert all(s["label"] == "boilerplate" for s in signs)
    half_1 = trace_document(tmp_path / "half-1")["articles"]
    labels = [s["label"] for a in half_1 for s in a["sentences"] if s["text"] == SIGN_OFF]
    assert len(labels) == 2
    assert "boilerplate" not in labels


def test_halves_of_one_file_differ_from_the_whole_file_only_in_origins(tmp_path: Path) -> None:
    """An article's ``origin`` is the file and line it was read from, so the same articles read
    from other files (or lines) name other origins; everything else is the same."""
    whole = write_dump(tmp_path / "whole.jsonl", FIRST + SECOND)
    run_batch(write_dump(tmp_path / "first.jsonl", FIRST), tmp_path / "halves.db", tmp_path / "1")
    run_batch(write_dump(tmp_path / "second.jsonl", SECOND), tmp_path / "halves.db", tmp_path / "2")
    run_batch(whole, tmp_path / "whole.db", tmp_path / "whole")

    def without_origins(out: Path) -> dict[str, Any]:
        document = trace_document(out)
        for article in document["articles"]:
            assert article.pop("origin").split(":")[0].endswith(".jsonl")
        return document

    assert without_origins(tmp_path / "2") == without_origins(tmp_path / "whole")
    for name in ("passages.jsonl", "edges.csv"):
        assert (tmp_path / "2" / name).read_bytes() == (tmp_path / "whole" / name).read_bytes()


def test_a_revised_article_becomes_a_new_version_and_loses_its_old_comparisons(
    tmp_path: Path,
) -> None:
    index = tmp_path / "news.db"
    run_batch(write_dump(tmp_path / "day-1.jsonl", SECOND), index, tmp_path / "day-1")
    before = trace_document(tmp_path / "day-1")
    assert any({p["a"], p["b"]} == {"city-bridge", "radio-bridge"} for p in before["pairs"])

    revised = write_dump(tmp_path / "day-2.jsonl", [UNRELATED_RADIO, CUP])
    result = run_batch(revised, index, tmp_path / "day-2")

    assert "tracer: revised: radio-bridge (new content under a known id)" in result.stderr
    assert summary_line(result.stderr) == (
        "2 articles read: 0 new, 1 revised, 1 unchanged; 0 inputs skipped, 0 warnings"
    )
    after = trace_document(tmp_path / "day-2")
    (radio,) = [a for a in after["articles"] if a["id"] == "radio-bridge"]
    assert radio["title"] == "Snow expected"
    assert all(s["label"] == "original" for s in radio["sentences"])
    assert not any("radio-bridge" in (p["a"], p["b"]) for p in after["pairs"])
    assert not any("radio-bridge" in (e["parent"], e["child"]) for e in after["edges"])
    assert "radio-bridge" not in (tmp_path / "day-2" / "edges.csv").read_text()
    assert rows(index, "SELECT version FROM articles WHERE id = 'radio-bridge'") == [(2,)]
    sharing = "SELECT a_id, b_id FROM comparisons WHERE data IS NOT NULL"
    assert not [pair for pair in rows(index, sharing) if "radio-bridge" in pair]

    # The index now says what a run over the current texts says.
    current = write_dump(tmp_path / "current.jsonl", [CITY, UNRELATED_RADIO, CUP])
    run_batch(current, tmp_path / "fresh.db", tmp_path / "fresh")
    assert after["pairs"] == trace_document(tmp_path / "fresh")["pairs"]
    assert after["edges"] == trace_document(tmp_path / "fresh")["edges"]


# --- malformed input -----------------------------------------------------------------------------


def test_malformed_lines_are_skipped_with_file_and_line_and_counted(tmp_path: Path) -> None:
    dump = write_dump(
        tmp_path / "dump.jsonl",
        [
            WIRE,
            '{"id": "broken", "text": "an unfinished line',
            {"id": "no-text", "title": "A title only"},
            {"id": "number", "text": 42},
            DAILY,
            {**CITY, "id": "wire-grain"},
            BLOG,
        ],
    )
    index = tmp_path / "news.db"
    result = run_batch(dump, index, tmp_path / "out")

    assert summary_line(result.stderr) == (
        "3 articles read: 3 new, 0 revised, 0 unchanged; 4 inputs skipped, 0 warnings"
    )
    skipped = [line for line in result.stderr.splitlines() if line.startswith("tracer: skipped:")]
    assert len(skipped) == 4
    for line_no, message in [
        (2, "not valid JSON"),
        (3, "no 'text' field"),
        (4, "'text' is not a string (found number)"),
        (6, "duplicate id 'wire-grain'"),
    ]:
        assert any(f"{dump}:{line_no}: {message}" in line for line in skipped), (line_no, skipped)
    document = trace_document(tmp_path / "out")
    assert [a["id"] for a in document["articles"]] == ["blog-grain", "daily-grain", "wire-grain"]
    assert len(document["problems"]) == 4
    stats = invoke("index", "stats", index, "--json")
    assert json.loads(stats.output)["articles"] == 3


def test_a_dump_with_no_articles_at_all_is_an_error(run_main: Run, tmp_path: Path) -> None:
    empty = write_dump(tmp_path / "empty.jsonl", [])
    result = run_main("batch", empty, "--index", tmp_path / "news.db", "-o", tmp_path / "out")
    assert result.exit_code == 2
    assert result.stderr.startswith("tracer: error: no articles in ")


# --- errors about the index ----------------------------------------------------------------------


def test_another_configuration_on_an_existing_index_is_refused(
    run_main: Run, tmp_path: Path
) -> None:
    dump = write_dump(tmp_path / "dump.jsonl", FIRST)
    index = tmp_path / "news.db"
    run_batch(dump, index, tmp_path / "out")
    config = tmp_path / "strict.toml"
    config.write_text("[align]\nmin_similarity = 0.6\n")
    before = index_content(index)

    result = run_main(
        "batch", dump, "--index", index, "-o", tmp_path / "other", "--config", config, "-q"
    )
    assert result.exit_code == 2
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(f"tracer: error: {index}: ")
    assert "other settings" in lines[0]
    assert not (tmp_path / "other").exists()
    assert index_content(index) == before


def test_derivation_settings_may_change_between_runs(tmp_path: Path) -> None:
    dump = write_dump(tmp_path / "dump.jsonl", FIRST)
    index = tmp_path / "news.db"
    run_batch(dump, index, tmp_path / "out")
    config = tmp_path / "derive.toml"
    config.write_text("[derive]\nmin_derivation_share = 0.5\n")
    run_batch(dump, index, tmp_path / "again", "--config", str(config))


def test_a_second_batch_on_a_busy_index_is_refused(run_main: Run, tmp_path: Path) -> None:
    dump = write_dump(tmp_path / "dump.jsonl", FIRST)
    index = tmp_path / "news.db"
    with tracer.batch.exclusive(index):
        result = run_main("batch", dump, "--index", index, "-o", tmp_path / "out", "-q")
    assert result.exit_code == 2
    assert (
        result.stderr == f"tracer: error: {index}: another tracer batch is running on this index\n"
    )
    run_batch(dump, index, tmp_path / "out")  # released: the next run proceeds


def make_newer(index: Path) -> None:
    with closing(sqlite3.connect(index)) as connection:
        connection.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")


def test_a_newer_index_schema_is_refused_by_batch_and_stats(run_main: Run, tmp_path: Path) -> None:
    dump = write_dump(tmp_path / "dump.jsonl", FIRST)
    index = tmp_path / "news.db"
    run_batch(dump, index, tmp_path / "out")
    make_newer(index)
    message = (
        f"tracer: error: {index}: index schema version {SCHEMA_VERSION + 1} is newer than this "
        f"tracer supports ({SCHEMA_VERSION}); upgrade tracer"
    )
    for args in [
        ("batch", dump, "--index", index, "-o", tmp_path / "again", "-q"),
        ("index", "stats", index),
        ("index", "stats", index, "--json"),
    ]:
        result = run_main(*args)
        assert result.exit_code == 2, args
        assert result.stderr.splitlines() == [message], args
        assert result.stdout == ""


def test_readers_work_while_a_batch_writes_and_a_second_writer_gives_up_clearly(
    run_main: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    dump = write_dump(tmp_path / "dump.jsonl", FIRST)
    index = tmp_path / "news.db"
    run_batch(dump, index, tmp_path / "out")
    story = tmp_path / "story.txt"
    story.write_text(str(WIRE["text"]), encoding="utf-8")
    monkeypatch.setattr(tracer.index, "BUSY_TIMEOUT", 0.2)

    with Index.open(index) as writer, writer.transaction():
        writer.start_run(["elsewhere.jsonl"])  # holds the write lock, uncommitted
        stats = run_main("index", "stats", index, "--json")
        assert stats.exit_code == 0, stats.stderr
        assert json.loads(stats.stdout)["runs"] == 1  # what was committed, not the run under way
        found = run_main("query", story, "--index", index, "--json")
        assert found.exit_code == 0, found.stderr
        assert "daily-grain" in {source["id"] for source in json.loads(found.stdout)["sources"]}

        second = run_main("batch", dump, "--index", index, "-o", tmp_path / "again", "-q")
        assert second.exit_code == 2
        lines = second.stderr.splitlines()
        assert len(lines) == 1, second.stderr
        assert lines[0].startswith(f"tracer: error: {index}: ")
        assert "locked" in lines[0]


# --- index stats ---------------------------------------------------------------------------------


def test_index_stats_counts_what_was_added(run_main: Run, tmp_path: Path) -> None:
    index = tmp_path / "news.db"
    run_batch(write_dump(tmp_path / "day-1.jsonl", FIRST), index, tmp_path / "1")
    run_batch(
        write_dump(tmp_path / "day-2.jsonl", [*SECOND, BLOG_REVISED]),
        index,
        tmp_path / "2",
    )
    document = trace_document(tmp_path / "2")
    edges: dict[str, int] = {}
    for edge in document["edges"]:
        edges[edge["kind"]] = edges.get(edge["kind"], 0) + 1

    result = run_main("index", "stats", index, "--json")
    assert result.exit_code == 0, result.stderr
    stats = json.loads(result.stdout)
    assert stats["path"] == str(index)
    assert stats["schema_version"] == SCHEMA_VERSION
    assert stats["articles"] == 6
    assert stats["revised"] == 1
    assert stats["pending"] == 0
    assert stats["runs"] == 2
    assert stats["sources"] == 6
    assert (stats["earliest_date"], stats["latest_date"]) == ("2024-03-01", "2024-03-06")
    assert stats["sentences"] == sum(len(a["sentences"]) for a in document["articles"])
    assert stats["comparisons"] == len(document["pairs"])
    assert stats["aligned_pairs"] >= stats["comparisons"]
    assert stats["nodes"] == len(document["nodes"])
    assert stats["edges"] == edges
    assert stats["size_bytes"] > 0

    text = run_main("index", "stats", index)
    assert text.exit_code == 0, text.stderr
    assert f"index           {index}\n" in text.stdout
    assert "articles        6 (1 revised, 0 pending)" in text.stdout
    assert f"pairs aligned   {stats['aligned_pairs']} ({stats['comparisons']} sharing" in (
        text.stdout
    )
    assert "dates           2024-03-01 .. 2024-03-06" in text.stdout
    assert "runs            2" in text.stdout


def test_index_stats_on_a_missing_file_is_a_clear_error(run_main: Run, tmp_path: Path) -> None:
    missing = tmp_path / "missing.db"
    for args in [("index", "stats", missing), ("index", "stats", missing, "--json")]:
        result = run_main(*args)
        assert result.exit_code == 2
        assert result.stderr.splitlines() == [f"tracer: error: {missing}: no such index"]
    assert not missing.exists()


def test_index_stats_on_a_file_that_is_not_an_index(run_main: Run, tmp_path: Path) -> None:
    other = write_dump(tmp_path / "dump.jsonl", FIRST)
    result = run_main("index", "stats", other)
    assert result.exit_code == 2
    assert result.stderr.startswith(f"tracer: error: {other}: not a tracer index")


def test_index_stats_help_has_an_example() -> None:
    result = invoke("index", "stats", "--help")
    assert result.exit_code == 0
    assert "tracer index stats " in result.output


# --- kill and resume -----------------------------------------------------------------------------

KILLED = -signal.SIGKILL
FAULT_ENV = "TRACER_FAULT_AFTER_COMMITS"  # see tracer.batch._commit


def batch_args(dump: Path, index: Path, out: Path) -> list[str]:
    return ["batch", str(dump), "--index", str(index), "-o", str(out), *QUICK]


def run_killed(dump: Path, index: Path, out: Path, after: int) -> subprocess.CompletedProcess[str]:
    """``python -m tracer batch`` that SIGKILLs itself right after its ``after``-th commit."""
    return subprocess.run(
        [sys.executable, "-m", "tracer", *batch_args(dump, index, out), "-q"],
        env={**os.environ, FAULT_ENV: str(after)},
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=120,
        check=False,
    )


def assert_resumes_exactly(
    dump: Path, index: Path, out: Path, reference: Path, reference_index: Path
) -> None:
    """Run the interrupted batch again: same outputs, same index content, nothing pending."""
    result = invoke(*batch_args(dump, index, out))
    assert result.exit_code == 0, result.output
    assert outputs(out) == outputs(reference)
    assert index_content(index) == index_content(reference_index)
    assert rows(index, "SELECT count(*) FROM articles WHERE state = 'pending'") == [(0,)]


@pytest.mark.parametrize("scenario", ["fresh", "incremental"])
def test_a_run_killed_after_any_commit_resumes_to_the_same_result(
    tmp_path: Path, scenario: str
) -> None:
    """``fresh``: a new index. ``incremental``: an index holding the first day, then a dump
    with new stories, a revised one and a sign-off turning into furniture (older articles are
    segmented again). Every commit point is tried, in a real ``python -m tracer`` process."""
    base = tmp_path / "base.db"
    if scenario == "fresh":
        dump = write_dump(tmp_path / "dump.jsonl", FIRST + SECOND)
    else:
        run_batch(write_dump(tmp_path / "day-1.jsonl", FIRST), base, tmp_path / "day-1")
        dump = write_dump(tmp_path / "dump.jsonl", [*SECOND, BLOG_REVISED])

    def start(name: str) -> Path:
        return copy_index(base, tmp_path / name) if base.exists() else tmp_path / name

    reference_index = start("reference.db")
    run_batch(dump, reference_index, tmp_path / "reference")

    after = 0
    while True:
        after += 1
        index, out = start(f"killed-{after}.db"), tmp_path / f"out-{after}"
        killed = run_killed(dump, index, out, after)
        if killed.returncode == 0:
            break  # fewer commits than ``after``: every commit point has been tried
        assert killed.returncode == KILLED, killed.stderr
        assert not out.exists()
        assert_resumes_exactly(dump, index, out, tmp_path / "reference", reference_index)
        assert after < 50, "the fault hook never let the run finish"
    commits = after - 1
    # A start, the articles, the furniture, the pairs, the end (and the settings when fresh).
    assert commits >= (6 if scenario == "fresh" else 5)
    assert outputs(out) == outputs(tmp_path / "reference")
    assert index_content(index) == index_content(reference_index)


def run_forked(args: Sequence[str], after: int) -> int:
    """Run ``tracer`` in a forked copy of this process, killed right after its ``after``-th
    commit; its exit status (negative: the signal).

    A fork rather than a fresh interpreter: the child inherits the patched transaction sizes,
    and skips the second or so a new interpreter spends importing scikit-learn.
    """
    pid = os.fork()
    if pid == 0:  # the child: never returns into pytest
        code = 1
        try:
            os.environ[FAULT_ENV] = str(after)
            tracer.batch._commits = 0  # the hook counts commits per process
            main(list(args))
            code = 0
        except SystemExit as exit_:
            code = exit_.code if isinstance(exit_.code, int) else 1
        finally:
            os._exit(code)
    _, status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(status)


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs os.fork")
def test_twenty_random_kill_points_with_small_transactions(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """One article and one pair per transaction: a commit point between any two of them."""
    base = tmp_path / "base.db"
    run_batch(write_dump(tmp_path / "day-1.jsonl", FIRST), base, tmp_path / "day-1")
    dump = write_dump(tmp_path / "dump.jsonl", [*SECOND, BLOG_REVISED, CUP_REPORT, COUNCIL, WEEKLY])
    # The reference with the usual transaction sizes: the sizes must not change the result.
    reference_index = copy_index(base, tmp_path / "reference.db")
    run_batch(dump, reference_index, tmp_path / "reference")

    monkeypatch.setattr(tracer.batch, "ARTICLES_PER_TRANSACTION", 1)
    monkeypatch.setattr(tracer.batch, "PAIRS_PER_TRANSACTION", 1)
    counted = copy_index(base, tmp_path / "counted.db")
    before = tracer.batch._commits
    run_batch(dump, counted, tmp_path / "counted")
    commits = tracer.batch._commits - before
    assert outputs(tmp_path / "counted") == outputs(tmp_path / "reference")
    assert index_content(counted) == index_content(reference_index)
    assert commits >= 20, f"only {commits} commit points: add stories to the dump"

    points = sorted(random.Random(20261123).sample(range(1, commits + 1), 20))
    for after in points:
        index = copy_index(base, tmp_path / f"killed-{after}.db")
        out = tmp_path / f"out-{after}"
        status = run_forked([*batch_args(dump, index, out), "-q"], after)
        assert status == KILLED, (after, status)
        assert_resumes_exactly(dump, index, out, tmp_path / "reference", reference_index)


# --- a full disk -------------------------------------------------------------------------------


def test_a_full_disk_in_the_index_stops_cleanly_and_a_rerun_completes(
    run_main: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first, second = (
        write_dump(tmp_path / "a.jsonl", FIRST),
        write_dump(tmp_path / "b.jsonl", SECOND),
    )
    reference, index = tmp_path / "reference.db", tmp_path / "news.db"
    run_batch([first, second], reference, tmp_path / "expected")
    run_batch(first, index, tmp_path / "out")
    before = outputs(tmp_path / "out")

    def disk_full(*args: object, **kwargs: object) -> None:
        raise sqlite3.OperationalError("database or disk is full")

    with monkeypatch.context() as patch:
        patch.setattr(tracer.index.Index, "put_comparison", disk_full)
        result = run_main("batch", second, "--index", index, "-o", tmp_path / "out", *QUICK)
    assert result.exit_code == 2
    assert result.stderr == f"tracer: error: {index}: database or disk is full\n"
    assert outputs(tmp_path / "out") == before  # the last good outputs stay
    assert rows(index, "PRAGMA integrity_check") == [("ok",)]

    run_batch([first, second], index, tmp_path / "out")
    assert outputs(tmp_path / "out") == outputs(tmp_path / "expected")


def test_a_full_disk_for_the_outputs_leaves_the_old_ones(
    run_main: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    dump = write_dump(tmp_path / "a.jsonl", FIRST)
    run_batch(dump, tmp_path / "news.db", tmp_path / "out")
    before = outputs(tmp_path / "out")
    more = write_dump(tmp_path / "b.jsonl", SECOND)

    def no_space(descriptor: int) -> None:
        raise OSError(28, "No space left on device")

    with monkeypatch.context() as patch:
        patch.setattr(tracer.fsutil.os, "fsync", no_space)
        result = run_main("batch", more, "--index", tmp_path / "news.db", "-o", tmp_path / "out")
    assert result.exit_code == 2
    assert result.stderr.endswith("cannot write: No space left on device\n")
    assert result.stderr.count("\n") == 1
    assert outputs(tmp_path / "out") == before
    assert sorted(p.name for p in (tmp_path / "out").iterdir() if p.name.startswith(".")) == []
