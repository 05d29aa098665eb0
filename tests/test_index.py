"""The persistent SQLite index: opening, versions, articles, bands, comparisons, graph, stats."""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

import tracer.index
from tracer.api import compare
from tracer.attribution import find_attributions
from tracer.errors import TracerError
from tracer.index import APPLICATION_ID, SCHEMA_VERSION, Index, content_hash
from tracer.model import Article, Comparison, Edge, Node, Segmented
from tracer.segment import segment

SOURCE = Article(
    "ft-1",
    "Kim to visit Russia\n"
    "North Korea's leader Kim Jong Un plans to travel to Russia this month, the FT writes.\n"
    "Moscow could pay with grain, oil and military technology, officials said.",
    title="Kim to visit Russia",
    date="2023-09-08",
    source="Financial Times",
    origin="dump.jsonl:1",
    metadata={"lang": "en"},
)
COPY = Article(
    "racurs-2",
    "Kim Jong Un may go to Russia\n"
    "North Korea's leader Kim Jong Un plans to travel to Russia this month, the FT writes.\n"
    "In return, Moscow can offer grain, oil and military technology.\n"
    "Source: Racurs",
    date="2023-09-09T10:00:00",
    source="Racurs",
    origin="dump.jsonl:2",
)
OTHER = Article("weather-3", "Rain is expected over the weekend in the north.", origin="w.txt")


@pytest.fixture
def index(tmp_path: Path) -> Iterator[Index]:
    with Index.open(tmp_path / "corpus.db") as opened:
        yield opened


def put(index: Index, article: Article, run: int) -> int:
    doc = segment(article)
    return index.put_article(article, content_hash(article), doc, find_attributions(doc), run=run)


def filled(index: Index) -> Comparison:
    """Store the three articles, a sharing pair and a pair that shares nothing."""
    result = compare(SOURCE, COPY)
    with index.transaction():
        run = index.start_run(["dump.jsonl", "w.txt"])
        for article in (SOURCE, COPY, OTHER):
            put(index, article, run)
        index.put_comparison("ft-1", "racurs-2", result)
        index.put_comparison("ft-1", "weather-3", None)
        index.put_bands("ft-1", [("doc", 7, 0), ("sentence", 11, 1), ("sentence", 12, 2)])
        index.put_bands("racurs-2", [("doc", 7, 0), ("sentence", 11, 1)])
    return result


def docs_of(index: Index) -> dict[str, Segmented]:
    return {doc.article.id: doc for doc in index.load_segmented()}


# --- opening -----------------------------------------------------------------------------------


def test_new_index_is_versioned_marked_and_in_wal_mode(tmp_path: Path) -> None:
    path = tmp_path / "deep" / "folder" / "corpus.db"
    with Index.open(path) as index:
        assert index.path == path
        assert index.schema_version == SCHEMA_VERSION
        assert index.get_meta("format") == "tracer-index"
        assert index.get_meta("created")
    connection = sqlite3.connect(path)
    assert connection.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert connection.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
    assert connection.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    connection.close()


def test_reopening_keeps_content(tmp_path: Path) -> None:
    path = tmp_path / "corpus.db"
    with Index.open(path) as index:
        filled(index)
    with Index.open(path, create=False) as index:
        assert [a.id for a in index.load_articles()] == ["ft-1", "racurs-2", "weather-3"]


def test_missing_index_without_create(tmp_path: Path) -> None:
    path = tmp_path / "missing.db"
    with pytest.raises(TracerError, match=f"{path}: no such index"):
        Index.open(path, create=False)
    assert not path.exists()


def test_newer_schema_is_refused_with_a_clear_message(tmp_path: Path) -> None:
    path = tmp_path / "future.db"
    Index.open(path).close()
    connection = sqlite3.connect(path)
    connection.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    connection.close()
    message = (
        f"{path}: index schema version {SCHEMA_VERSION + 1} is newer than this tracer "
        f"supports ({SCHEMA_VERSION}); upgrade tracer"
    )
    with pytest.raises(TracerError) as caught:
        Index.open(path)
    assert str(caught.value) == message


def test_empty_version_0_file_is_migrated(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    connection = sqlite3.connect(path)
    connection.execute("VACUUM")  # a valid, empty SQLite file: schema version 0
    connection.close()
    assert path.stat().st_size > 0
    with Index.open(path, create=False) as index:
        assert index.schema_version == SCHEMA_VERSION
        assert index.get_meta("format") == "tracer-index"
        filled(index)
        assert index.stats().articles == 3


def test_older_index_is_upgraded_one_step_per_transaction(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "corpus.db"
    with Index.open(path) as index:
        filled(index)

    def add_language(connection: sqlite3.Connection) -> None:
        connection.execute("ALTER TABLE articles ADD COLUMN language TEXT")
        connection.execute("UPDATE articles SET language = 'en'")

    monkeypatch.setattr(tracer.index, "MIGRATIONS", (*tracer.index.MIGRATIONS, add_language))
    monkeypatch.setattr(tracer.index, "SCHEMA_VERSION", SCHEMA_VERSION + 1)
    with Index.open(path) as index:
        assert index.schema_version == SCHEMA_VERSION + 1
        assert [a.id for a in index.load_articles()] == ["ft-1", "racurs-2", "weather-3"]
    connection = sqlite3.connect(path)
    assert connection.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION + 1
    assert connection.execute("SELECT DISTINCT language FROM articles").fetchall() == [("en",)]
    connection.close()


def test_failed_migration_leaves_the_file_as_it_was(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "corpus.db"
    with Index.open(path) as index:
        filled(index)

    def broken(connection: sqlite3.Connection) -> None:
        connection.execute("ALTER TABLE articles ADD COLUMN language TEXT")
        raise RuntimeError("bug in migration")

    monkeypatch.setattr(tracer.index, "MIGRATIONS", (*tracer.index.MIGRATIONS, broken))
    monkeypatch.setattr(tracer.index, "SCHEMA_VERSION", SCHEMA_VERSION + 1)
    with pytest.raises(RuntimeError, match="bug in migration"):
        Index.open(path)
    monkeypatch.undo()
    with Index.open(path) as index:
        assert index.schema_version == SCHEMA_VERSION
        columns = [row[1] for row in index._connection.execute("PRAGMA table_info(articles)")]
        assert "language" not in columns


def test_not_a_database_is_named(tmp_path: Path) -> None:
    path = tmp_path / "notes.db"
    path.write_text("these are my notes, not a database\n" * 50, encoding="utf-8")
    with pytest.raises(TracerError, match=f"{path}: not a tracer index"):
        Index.open(path)


def test_another_programs_database_is_refused_and_left_alone(tmp_path: Path) -> None:
    path = tmp_path / "other.db"
    connection = sqlite3.connect(path)
    connection.execute("CREATE TABLE things (name TEXT)")
    connection.commit()
    connection.close()
    before = path.read_bytes()
    with pytest.raises(TracerError, match=f"{path}: not a tracer index"):
        Index.open(path)
    assert path.read_bytes() == before
    assert not Path(f"{path}-wal").exists()


def test_folder_and_unwritable_paths_are_named(tmp_path: Path) -> None:
    with pytest.raises(TracerError, match=f"{tmp_path}: is a folder"):
        Index.open(tmp_path)
    blocker = tmp_path / "file.txt"
    blocker.write_text("x", encoding="utf-8")
    with pytest.raises(TracerError, match=f"{blocker / 'corpus.db'}: cannot create index"):
        Index.open(blocker / "corpus.db")


@pytest.mark.skipif(os.geteuid() == 0, reason="root can write a read-only file")
def test_read_only_index_fails_on_write_with_its_name(tmp_path: Path) -> None:
    path = tmp_path / "corpus.db"
    Index.open(path).close()
    path.chmod(0o444)
    tmp_path.chmod(0o555)
    try:
        refused = pytest.raises(TracerError, match=str(path))
        with refused, Index.open(path) as index, index.transaction():
            index.set_meta("k", "v")
    finally:
        tmp_path.chmod(0o755)
        path.chmod(0o644)


def test_a_reader_opens_while_a_writer_holds_the_lock(tmp_path: Path) -> None:
    path = tmp_path / "corpus.db"
    with Index.open(path) as writer:
        filled(writer)
        with writer.transaction():
            writer.delete_articles(["weather-3"])
            with Index.open(path) as reader:
                assert reader.stats().articles == 3  # the last committed state
        with Index.open(path) as reader:
            assert reader.stats().articles == 2


# --- transactions ------------------------------------------------------------------------------


def test_writes_need_a_transaction(index: Index) -> None:
    with pytest.raises(RuntimeError, match="transaction"):
        index.set_meta("config", "abc")
    with index.transaction(), pytest.raises(RuntimeError, match="nest"), index.transaction():
        pass


def test_transaction_rolls_back_on_exception(index: Index) -> None:
    with pytest.raises(ZeroDivisionError), index.transaction():
        run = index.start_run([])
        put(index, SOURCE, run)
        index.set_meta("config", "abc")
        _ = 1 / 0
    assert index.load_articles() == []
    assert index.get_meta("config") is None
    assert index.load_runs() == []
    with index.transaction():  # usable again
        index.set_meta("config", "abc")
    assert index.get_meta("config") == "abc"


# --- articles ----------------------------------------------------------------------------------


def test_articles_round_trip(index: Index) -> None:
    filled(index)
    articles = index.load_articles()
    assert articles == [SOURCE, COPY, OTHER]
    assert [a.metadata for a in articles] == [{"lang": "en"}, {}, {}]
    assert [a.origin for a in articles] == ["dump.jsonl:1", "dump.jsonl:2", "w.txt"]
    assert index.load_segmented() == [segment(SOURCE), segment(COPY), segment(OTHER)]
    attributions = index.load_attributions()
    assert list(attributions) == ["ft-1", "racurs-2", "weather-3"]
    assert attributions["racurs-2"] == find_attributions(segment(COPY))
    assert attributions["racurs-2"], "Source: Racurs is an attribution"


def test_load_by_ids_sorts_and_names_a_missing_id(index: Index) -> None:
    filled(index)
    assert [a.id for a in index.load_articles(["weather-3", "ft-1", "ft-1"])] == [
        "ft-1",
        "weather-3",
    ]
    assert [d.article.id for d in index.load_segmented(["racurs-2"])] == ["racurs-2"]
    assert list(index.load_attributions(["weather-3"])) == ["weather-3"]
    assert index.load_articles([]) == []
    with pytest.raises(KeyError, match="nope"):
        index.load_segmented(["ft-1", "nope"])


def test_load_many_ids_in_chunks(index: Index) -> None:
    articles = [Article(f"id-{n:04d}", f"Article number {n} is here.") for n in range(1203)]
    with index.transaction():
        run = index.start_run([])
        for article in reversed(articles):
            put(index, article, run)
    wanted = [a.id for a in articles[::2]]
    assert [a.id for a in index.load_articles(wanted)] == wanted


def test_states_and_pending(index: Index) -> None:
    filled(index)
    assert index.pending_ids() == ["ft-1", "racurs-2", "weather-3"]
    with index.transaction():
        index.mark_done(["ft-1", "weather-3"])
    assert index.pending_ids() == ["racurs-2"]
    assert index.article_state("ft-1") == (content_hash(SOURCE), 1, "done")
    assert index.article_state("absent") is None
    states = index.article_states()
    assert list(states) == ["ft-1", "racurs-2", "weather-3"]
    assert states["racurs-2"] == (content_hash(COPY), 1, "pending")


def test_changed_content_makes_a_new_version_and_drops_derived_data(index: Index) -> None:
    filled(index)
    with index.transaction():
        index.mark_done(["ft-1", "racurs-2", "weather-3"])
    changed = replace(SOURCE, text=SOURCE.text + "\nThe Kremlin declined to comment.")
    with index.transaction():
        run = index.start_run(["dump2.jsonl"])
        assert put(index, changed, run) == 2
    assert index.article_state("ft-1") == (content_hash(changed), 2, "pending")
    assert index.load_segmented(["ft-1"]) == [segment(changed)]
    # Its comparisons (sharing or not) and bands went with the old version; others stay.
    assert not index.has_comparison("ft-1", "racurs-2")
    assert index.compared_pairs("ft-1") == set()
    assert index.band_members("doc", [7]) == [(7, "racurs-2", 0)]
    assert index.band_members("sentence", [11, 12]) == [(11, "racurs-2", 1)]
    assert index.pending_ids() == ["ft-1"]
    assert index.stats().revised == 1


def test_same_content_keeps_its_version(index: Index) -> None:
    filled(index)
    moved = replace(COPY, origin="elsewhere/dump.jsonl:9", metadata={"note": "moved"})
    assert content_hash(moved) == content_hash(COPY)
    with index.transaction():
        assert put(index, moved, index.start_run([])) == 1
    (stored,) = index.load_articles(["racurs-2"])
    assert (stored.origin, stored.metadata) == ("elsewhere/dump.jsonl:9", {"note": "moved"})


def test_content_hash_covers_text_and_bibliographic_fields() -> None:
    base = content_hash(SOURCE)
    for change in (
        {"text": SOURCE.text + " "},
        {"title": None},
        {"date": "2023-09-07"},
        {"url": "https://ft.example/other"},
        {"source": "FT"},
    ):
        assert content_hash(replace(SOURCE, **change)) != base, change
    assert content_hash(replace(SOURCE, origin="x", metadata={"a": 1})) == base
    assert content_hash(Article("a", "x", title="")) != content_hash(Article("a", "x"))


def test_deleting_an_article_cascades(index: Index) -> None:
    filled(index)
    with index.transaction():
        index.delete_articles(["ft-1", "absent"])
    assert [a.id for a in index.load_articles()] == ["racurs-2", "weather-3"]
    assert index.compared_pairs("weather-3") == set()
    assert index.band_members("doc", [7]) == [(7, "racurs-2", 0)]
    counts = {
        table: index._connection.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
        for table in ("segments", "attributions", "comparisons", "bands")
    }
    assert counts == {"segments": 2, "attributions": 2, "comparisons": 0, "bands": 2}


# --- bands -------------------------------------------------------------------------------------


def test_band_lookups(index: Index) -> None:
    filled(index)
    assert index.band_members("doc", [7, 8]) == [(7, "ft-1", 0), (7, "racurs-2", 0)]
    assert index.band_members("sentence", [12, 11, 11]) == [
        (11, "ft-1", 1),
        (11, "racurs-2", 1),
        (12, "ft-1", 2),
    ]
    assert index.band_members("sentence", [7]) == []  # kinds are separate
    assert index.band_members("doc", []) == []


def test_band_keys_are_signed_64_bit_and_duplicates_ignored(index: Index) -> None:
    filled(index)
    keys = [-(2**63), -1, 0, 2**63 - 1]
    with index.transaction():
        index.put_bands("weather-3", [("doc", key, 0) for key in keys])
        index.put_bands("weather-3", [("doc", key, 0) for key in keys])
    assert index.band_members("doc", keys) == [(key, "weather-3", 0) for key in keys]
    with index.transaction(), pytest.raises(KeyError):
        index.put_bands("absent", [("doc", 1, 0)])


def test_thousands_of_band_keys(index: Index) -> None:
    filled(index)
    with index.transaction():
        index.put_bands("weather-3", [("sentence", key * 3, key % 5) for key in range(3000)])
    found = index.band_members("sentence", list(range(0, 9000, 2)))
    expected = sorted(
        [(key * 3, "weather-3", key % 5) for key in range(3000) if key * 3 % 2 == 0]
        + [(12, "ft-1", 2)]
    )
    assert found == expected


# --- comparisons -------------------------------------------------------------------------------


def test_comparisons_round_trip_and_empty_pairs_are_remembered(index: Index) -> None:
    result = filled(index)
    docs = docs_of(index)
    assert index.load_comparisons(docs) == [result]
    assert index.comparisons_of("racurs-2", docs) == [result]
    assert index.comparisons_of("weather-3", docs) == []
    assert index.has_comparison("ft-1", "weather-3")
    assert index.has_comparison("weather-3", "ft-1")  # either order
    assert not index.has_comparison("racurs-2", "weather-3")
    assert index.compared_pairs("ft-1") == {("ft-1", "racurs-2"), ("ft-1", "weather-3")}
    assert index.stats().aligned_pairs == 2
    assert index.stats().comparisons == 1


def test_comparisons_only_among_the_given_docs(index: Index) -> None:
    filled(index)
    docs = docs_of(index)
    del docs["ft-1"]
    assert index.load_comparisons(docs) == []
    assert index.comparisons_of("racurs-2", docs) == []
    with pytest.raises(KeyError):
        index.comparisons_of("ft-1", docs)


def test_comparison_order_is_checked_and_replacing_works(index: Index) -> None:
    result = filled(index)
    with index.transaction():
        with pytest.raises(ValueError, match="in order"):
            index.put_comparison("racurs-2", "ft-1", None)
        with pytest.raises(ValueError):
            index.put_comparison("ft-1", "weather-3", result)
        index.put_comparison("ft-1", "racurs-2", None)  # realigned: now shares nothing
    assert index.load_comparisons(docs_of(index)) == []
    assert index.has_comparison("ft-1", "racurs-2")


# --- graph and runs ----------------------------------------------------------------------------


def test_graph_is_replaced_as_a_whole(index: Index) -> None:
    result = filled(index)
    nodes = (
        Node("racurs-2", "article", "Kim Jong Un may go to Russia", outlet="Racurs"),
        Node("ft-1", "article", "Kim to visit Russia", outlet="Financial Times"),
        Node("source:racurs", "latent", "Racurs", "agency"),
    )
    edges = (
        Edge(
            "ft-1",
            "racurs-2",
            "derived",
            0.9,
            "racurs-2 copies ft-1",
            copied=0.4,
            paraphrased=0.3,
            passages=result.passages,
            attributions=find_attributions(segment(COPY)),
        ),
        Edge("ft-1", "weather-3", "related", 0.1, "weak"),
    )
    with index.transaction():
        index.replace_graph(nodes, edges)
    assert index.load_graph() == (nodes, edges)
    assert index.stats().edges == {"derived": 1, "related": 1}
    with index.transaction():
        index.replace_graph(nodes[:1], ())
    assert index.load_graph() == (nodes[:1], ())


def test_runs_are_recorded(index: Index) -> None:
    with index.transaction():
        first = index.start_run({"inputs": ["a.jsonl"], "jobs": 2})
        second = index.start_run(["b.jsonl"])
        index.finish_run(first, {"added": 3, "aligned": 2})
    runs = index.load_runs()
    assert [run.id for run in runs] == [first, second]
    assert runs[0].inputs == {"inputs": ["a.jsonl"], "jobs": 2}
    assert runs[0].summary == {"added": 3, "aligned": 2}
    assert runs[0].finished is not None and runs[0].started <= runs[0].finished
    assert (runs[1].finished, runs[1].summary) == (None, None)
    with index.transaction(), pytest.raises(KeyError):
        index.finish_run(99, {})


# --- stats and determinism ---------------------------------------------------------------------


def test_stats_of_a_tiny_index(index: Index) -> None:
    filled(index)
    with index.transaction():
        index.mark_done(["ft-1"])
    stats = index.stats()
    assert stats.path == index.path
    assert stats.size_bytes >= index.path.stat().st_size > 0
    assert stats.schema_version == SCHEMA_VERSION
    assert (stats.articles, stats.revised, stats.pending) == (3, 0, 2)
    expected_sentences = sum(len(segment(a).sentences) for a in (SOURCE, COPY, OTHER))
    assert stats.sentences == expected_sentences
    assert (stats.aligned_pairs, stats.comparisons) == (2, 1)
    assert (stats.earliest_date, stats.latest_date) == ("2023-09-08", "2023-09-09T10:00:00")
    assert stats.sources == 2
    assert stats.runs == 1
    assert (stats.nodes, dict(stats.edges)) == (0, {})


def test_empty_index_stats(index: Index) -> None:
    stats = index.stats()
    assert (stats.articles, stats.sentences, stats.runs, stats.sources) == (0, 0, 0, 0)
    assert (stats.earliest_date, stats.latest_date) == (None, None)


def test_same_inserts_in_another_order_read_back_the_same(tmp_path: Path) -> None:
    readings = []
    for name, order in (("one.db", (SOURCE, COPY, OTHER)), ("two.db", (OTHER, COPY, SOURCE))):
        with Index.open(tmp_path / name) as index:
            with index.transaction():
                run = index.start_run([])
                for article in order:
                    put(index, article, run)
                    index.put_bands(article.id, [("doc", 5, 0), ("doc", -5, 0)])
            readings.append(
                (
                    index.load_segmented(),
                    index.load_attributions(),
                    index.band_members("doc", [5, -5]),
                    index.article_states(),
                )
            )
    assert readings[0] == readings[1]


def test_a_second_writer_gives_up_with_the_file_named(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "corpus.db"
    monkeypatch.setattr(tracer.index, "BUSY_TIMEOUT", 0.05)
    with Index.open(path) as first, Index.open(path) as second:
        with first.transaction():
            first.set_meta("owner", "first")
            locked = pytest.raises(TracerError, match=f"{path}: database is locked")
            with locked, second.transaction():
                second.set_meta("owner", "second")
        assert second.get_meta("owner") == "first"


def test_bands_of_several_articles_at_once(index: Index) -> None:
    filled(index)
    with index.transaction():
        index.put_bands_of({"weather-3": [("doc", 40, 0), ("doc", 9, 0)], "ft-1": [("doc", 9, 0)]})
    assert index.band_members("doc", [9, 40]) == [
        (9, "ft-1", 0),
        (9, "weather-3", 0),
        (40, "weather-3", 0),
    ]
    with index.transaction(), pytest.raises(KeyError):
        index.put_bands_of({"weather-3": [("doc", 41, 0)], "absent": [("doc", 42, 0)]})
    assert index.band_members("doc", [41, 42]) == []
