"""The persistent index: articles, segments, LSH bands, comparisons and the DAG in one SQLite file.

``tracer batch`` adds articles to an index run after run instead of tracing a corpus from
scratch. This module is only the storage: it keeps what the pipeline computed and gives it back
as model objects, in a deterministic order (sorted by id). It decides nothing about candidates or
alignment. The schema and the reasons for it are in ``docs/index-format.md``.

The file is SQLite in WAL mode: one file to copy, readers never block the writer, and a crashed
run leaves the last committed transaction intact. Writes happen only inside
:meth:`Index.transaction`, whose size the caller chooses (an article and its bands, a batch of
comparisons...). The schema is versioned in ``PRAGMA user_version`` and upgraded on open by the
steps in :data:`MIGRATIONS`, one transaction per step.

Example:
    >>> import tempfile
    >>> from tracer.segment import segment
    >>> folder = tempfile.TemporaryDirectory()
    >>> article = Article("a", "Moscow could pay with grain. Talks went on.")
    >>> with Index.open(Path(folder.name) / "corpus.db") as index:
    ...     with index.transaction():
    ...         run = index.start_run(["dump.jsonl"])
    ...         index.put_article(article, content_hash(article), segment(article), (), run=run)
    ...     [doc.article.id for doc in index.load_segmented()], index.pending_ids()
    1
    (['a'], ['a'])
    >>> folder.cleanup()
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from collections.abc import Set as AbstractSet
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import Any, TypeVar

from tracer import __version__
from tracer.errors import TracerError
from tracer.model import Article, Attribution, Comparison, Edge, Node, Segmented
from tracer.serialise import (
    article_from_dict,
    attributions_from_list,
    attributions_to_list,
    comparison_from_dict,
    comparison_to_dict,
    dump_json,
    edge_from_dict,
    edge_to_dict,
    node_from_dict,
    node_to_dict,
    pack,
    segmented_from,
    sentences_to_list,
    unpack,
)

__all__ = [
    "APPLICATION_ID",
    "FORMAT",
    "MIGRATIONS",
    "SCHEMA_VERSION",
    "Index",
    "IndexStats",
    "Run",
    "content_hash",
]

FORMAT = "tracer-index"
"""The ``format`` row of the ``meta`` table: what marks a file as a tracer index."""

APPLICATION_ID = 0x54524352
"""``PRAGMA application_id`` of a tracer index ("TRCR"), so ``file(1)`` and we can recognise it."""

BUSY_TIMEOUT = 10.0
"""Seconds to wait for another process's write transaction before giving up."""

_CHUNK = 500  # ids or keys per IN (...) list, well under SQLite's limit on bound parameters

Migration = Callable[[sqlite3.Connection], None]
_T = TypeVar("_T")


def content_hash(article: Article) -> str:
    """The fingerprint that decides whether a stored article changed: SHA-256, hexadecimal.

    It covers what the analysis reads: the text, and the title, date, url and source (node names,
    derivation direction and outlets depend on them). ``origin`` (where the record was read) and
    ``metadata`` do not count, so moving a file or adding an unrelated field changes nothing.

    Example:
        >>> a = Article("a", "Talks went on.", date="2023-09-08", origin="x.txt")
        >>> content_hash(a) == content_hash(Article("a", "Talks went on.", date="2023-09-08"))
        True
        >>> content_hash(a) == content_hash(Article("a", "Talks went on."))
        False
    """
    # A JSON array keeps the fields apart: no separator can be forged, and None differs from "".
    payload = dump_json([article.text, article.title, article.date, article.url, article.source])
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


# --- schema ------------------------------------------------------------------------------------

_SCHEMA_V1 = (
    "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
    """CREATE TABLE runs (
        id INTEGER PRIMARY KEY,
        started TEXT NOT NULL,
        finished TEXT,
        inputs TEXT NOT NULL,
        summary TEXT
    )""",
    # ``num`` is the row's integer key: the bands table, by far the largest, refers to articles
    # by it instead of repeating the text id in every row and in its index.
    """CREATE TABLE articles (
        num INTEGER PRIMARY KEY,
        id TEXT NOT NULL UNIQUE,
        version INTEGER NOT NULL,
        content_hash TEXT NOT NULL,
        title TEXT,
        date TEXT,
        url TEXT,
        source TEXT,
        origin TEXT NOT NULL,
        metadata TEXT NOT NULL,
        text TEXT NOT NULL,
        state TEXT NOT NULL CHECK (state IN ('pending', 'done')),
        run INTEGER REFERENCES runs (id)
    )""",
    "CREATE INDEX articles_state ON articles (state)",
    """CREATE TABLE segments (
        article_id TEXT PRIMARY KEY REFERENCES articles (id) ON DELETE CASCADE,
        sentences INTEGER NOT NULL,
        data BLOB NOT NULL
    )""",
    """CREATE TABLE attributions (
        article_id TEXT PRIMARY KEY REFERENCES articles (id) ON DELETE CASCADE,
        data BLOB NOT NULL
    )""",
    # Clustered on (kind, key): a band lookup is one range scan. The primary key also makes
    # storing the same band twice harmless.
    """CREATE TABLE bands (
        kind TEXT NOT NULL,
        key INTEGER NOT NULL,
        article INTEGER NOT NULL REFERENCES articles (num) ON DELETE CASCADE,
        item INTEGER NOT NULL,
        PRIMARY KEY (kind, key, article, item)
    ) WITHOUT ROWID""",
    "CREATE INDEX bands_article ON bands (article)",
    """CREATE TABLE comparisons (
        a_id TEXT NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
        b_id TEXT NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
        data BLOB,
        PRIMARY KEY (a_id, b_id),
        CHECK (a_id < b_id)
    )""",
    "CREATE INDEX comparisons_b ON comparisons (b_id)",
    """CREATE TABLE nodes (
        id TEXT PRIMARY KEY,
        position INTEGER NOT NULL UNIQUE,
        data BLOB NOT NULL
    )""",
    """CREATE TABLE edges (
        parent TEXT NOT NULL,
        child TEXT NOT NULL,
        kind TEXT NOT NULL,
        position INTEGER NOT NULL UNIQUE,
        data BLOB NOT NULL,
        PRIMARY KEY (parent, child, kind)
    )""",
)


def _create_v1(connection: sqlite3.Connection) -> None:
    """Version 0 -> 1: the first schema, on an empty file."""
    for statement in _SCHEMA_V1:
        connection.execute(statement)
    connection.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    connection.executemany(
        "INSERT INTO meta (key, value) VALUES (?, ?)",
        [("format", FORMAT), ("created", _now()), ("created_by", f"tracer {__version__}")],
    )


MIGRATIONS: tuple[Migration, ...] = (_create_v1,)
"""``MIGRATIONS[i]`` upgrades a file from schema version ``i`` to ``i + 1`` (0: an empty file)."""

SCHEMA_VERSION = 1
"""The schema version this code reads and writes; always ``len(MIGRATIONS)``."""

assert len(MIGRATIONS) == SCHEMA_VERSION


# --- records -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Run:
    """One ``tracer batch`` run as recorded: when, on what input, and its summary figures.

    ``finished`` and ``summary`` are ``None`` for a run that never finished (it crashed or was
    interrupted); its committed work is still in the index.
    """

    id: int
    started: str
    finished: str | None
    inputs: Any
    summary: Mapping[str, Any] | None


@dataclass(frozen=True, slots=True)
class IndexStats:
    """Figures about an index, as ``tracer index stats`` shows them.

    ``revised`` counts articles stored in more than one version (their content changed between
    runs); ``aligned_pairs`` every pair aligned, ``comparisons`` those that share something;
    ``size_bytes`` is the database file plus its write-ahead log.
    """

    path: Path
    size_bytes: int
    schema_version: int
    articles: int
    revised: int
    pending: int
    sentences: int
    aligned_pairs: int
    comparisons: int
    nodes: int
    earliest_date: str | None
    latest_date: str | None
    sources: int
    runs: int
    edges: Mapping[str, int] = field(default_factory=dict, hash=False)


# --- the index ---------------------------------------------------------------------------------


class Index:
    """An open tracer index file. Use :meth:`Index.open`, ideally as a context manager.

    Reads return model objects or plain tuples, sorted; writes must run inside
    :meth:`transaction`. One ``Index`` belongs to one thread; several processes may open the same
    file (readers run alongside the single writer).
    """

    def __init__(self, connection: sqlite3.Connection, path: Path) -> None:
        """Wrap an open connection; call :meth:`Index.open` instead."""
        self._connection = connection
        self._path = path
        self._in_transaction = False
        self._schema_version = 0

    # --- opening and closing

    @classmethod
    def open(cls, path: Path | str, *, create: bool = True) -> Index:
        """Open the index at ``path``, creating it (and its folder) when missing and ``create``.

        An index written by an older tracer is upgraded in place.

        Raises:
            TracerError: naming the path, when it is missing (and not ``create``), cannot be
                read or written, is not a tracer index, or has a newer schema than this tracer.
        """
        path = Path(path)
        if path.is_dir():
            raise TracerError(f"{path}: is a folder, not an index file")
        if not path.exists():
            if not create:
                raise TracerError(f"{path}: no such index")
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as error:
                raise TracerError(
                    f"{path}: cannot create index: {error.strerror or error}"
                ) from error
        mode = "rwc" if create else "rw"
        try:
            connection = sqlite3.connect(
                f"{path.resolve().as_uri()}?mode={mode}",
                uri=True,
                timeout=BUSY_TIMEOUT,
                isolation_level=None,
            )
        except sqlite3.Error as error:
            raise TracerError(f"{path}: cannot open index: {error}") from error
        index = cls(connection, path)
        try:
            index._prepare()
        except BaseException:
            connection.close()
            raise
        return index

    def _prepare(self) -> None:
        connection = self._connection
        try:
            version = self._pragma("user_version")
            application_id = self._pragma("application_id")
            tables = connection.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
        except sqlite3.OperationalError as error:
            raise TracerError(f"{self._path}: cannot open index: {error}") from error
        except sqlite3.DatabaseError as error:
            raise TracerError(f"{self._path}: not a tracer index (not an SQLite file)") from error
        # Nothing is written before the file is known to be ours (or empty).
        if application_id != APPLICATION_ID and (application_id or version or tables):
            raise TracerError(f"{self._path}: not a tracer index (an SQLite file of another kind)")
        self._check_not_newer(version)
        try:
            connection.execute("PRAGMA foreign_keys = ON")
            connection.execute("PRAGMA journal_mode = WAL")
            connection.execute("PRAGMA synchronous = NORMAL")
            # 16 MiB of page cache instead of 2: a batch's stem postings go into the band
            # table's B-tree all over its key range, and with the default cache each insert
            # read its pages back from the file (a quarter faster on Reuters-21578).
            connection.execute("PRAGMA cache_size = -16384")
        except sqlite3.OperationalError as error:
            raise TracerError(f"{self._path}: cannot write index: {error}") from error
        self._migrate()
        try:
            row = connection.execute("SELECT value FROM meta WHERE key = 'format'").fetchone()
        except sqlite3.DatabaseError:
            row = None
        if row is None or row[0] != FORMAT:
            raise TracerError(f"{self._path}: not a tracer index (no format marker)")

    def _check_not_newer(self, version: int) -> None:
        if version > SCHEMA_VERSION:
            raise TracerError(
                f"{self._path}: index schema version {version} is newer than this tracer "
                f"supports ({SCHEMA_VERSION}); upgrade tracer"
            )

    def _migrate(self) -> None:
        self._schema_version = self._pragma("user_version")
        if self._schema_version == SCHEMA_VERSION:
            return  # no write lock taken: opening never waits for a running writer
        # Re-read the version under the write lock: another process may have upgraded the file
        # between our first look and now.
        while True:
            with self.transaction():
                version = self._pragma("user_version")
                self._check_not_newer(version)
                self._schema_version = version
                if version == SCHEMA_VERSION:
                    return
                MIGRATIONS[version](self._connection)
                self._connection.execute(f"PRAGMA user_version = {version + 1}")

    def close(self) -> None:
        """Close the file; committed work is kept, an open transaction is rolled back."""
        self._connection.close()

    def __enter__(self) -> Index:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"Index({str(self._path)!r})"

    @property
    def path(self) -> Path:
        """The index file, as given to :meth:`open`."""
        return self._path

    @property
    def schema_version(self) -> int:
        """The schema version of the open file (after any upgrade: :data:`SCHEMA_VERSION`)."""
        return self._schema_version

    # --- transactions

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """Run the writes inside the ``with`` block as one transaction: all of them, or none.

        The write lock is taken at the start (``BEGIN IMMEDIATE``), so a second writer waits
        (up to :data:`BUSY_TIMEOUT` seconds) instead of failing half-way. An exception rolls back
        and propagates; SQLite's own failures (disk full, file locked or read-only) become a
        :class:`TracerError` naming the file. Transactions do not nest.
        """
        if self._in_transaction:
            raise RuntimeError("Index.transaction() does not nest")
        try:
            self._connection.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as error:
            raise TracerError(f"{self._path}: {error}") from error
        self._in_transaction = True
        try:
            yield
            self._connection.execute("COMMIT")
        except BaseException as error:
            if self._connection.in_transaction:
                self._connection.execute("ROLLBACK")
            if isinstance(error, sqlite3.OperationalError):
                raise TracerError(f"{self._path}: {error}") from error
            raise
        finally:
            self._in_transaction = False

    @contextmanager
    def _snapshot(self) -> Iterator[None]:
        """Run several reads against one consistent state of the file."""
        if self._in_transaction:
            yield
            return
        self._connection.execute("BEGIN")
        try:
            yield
        finally:
            self._connection.execute("COMMIT")

    def _require_transaction(self) -> None:
        if not self._in_transaction:
            raise RuntimeError("index writes must run inside Index.transaction()")

    # --- metadata

    def get_meta(self, key: str) -> str | None:
        """The value stored under ``key`` in the ``meta`` table, or ``None``.

        ``format`` (``tracer-index``), ``created`` and ``created_by`` are set when the file is
        created; the pipeline adds its own keys (a configuration fingerprint, say).
        """
        row = self._connection.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return None if row is None else str(row[0])

    def set_meta(self, key: str, value: str) -> None:
        """Store ``value`` under ``key`` in the ``meta`` table, replacing any previous value."""
        self._require_transaction()
        self._connection.execute(
            "INSERT INTO meta (key, value) VALUES (?, ?) "
            "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            (key, value),
        )

    # --- runs

    def start_run(self, inputs: Any) -> int:
        """Record the start of a run on ``inputs`` (any JSON value: paths, options); its number."""
        self._require_transaction()
        cursor = self._connection.execute(
            "INSERT INTO runs (started, inputs) VALUES (?, ?)", (_now(), dump_json(inputs))
        )
        assert cursor.lastrowid is not None
        return cursor.lastrowid

    def finish_run(self, run_id: int, summary: Mapping[str, Any]) -> None:
        """Record that run ``run_id`` finished, with its ``summary`` figures (a JSON object)."""
        self._require_transaction()
        cursor = self._connection.execute(
            "UPDATE runs SET finished = ?, summary = ? WHERE id = ?",
            (_now(), dump_json(dict(summary)), run_id),
        )
        if cursor.rowcount != 1:
            raise KeyError(run_id)

    def load_runs(self) -> list[Run]:
        """Every recorded run, oldest first."""
        rows = self._connection.execute(
            "SELECT id, started, finished, inputs, summary FROM runs ORDER BY id"
        )
        return [
            Run(
                id=run_id,
                started=started,
                finished=finished,
                inputs=json.loads(inputs),
                summary=None if summary is None else json.loads(summary),
            )
            for run_id, started, finished, inputs, summary in rows
        ]

    # --- articles

    def article_state(self, article_id: str) -> tuple[str, int, str] | None:
        """``(content_hash, version, state)`` of a stored article, ``None`` when absent.

        ``state`` is ``"pending"`` until :meth:`mark_done`, ``"done"`` after.
        """
        row = self._connection.execute(
            "SELECT content_hash, version, state FROM articles WHERE id = ?", (article_id,)
        ).fetchone()
        return None if row is None else (row[0], row[1], row[2])

    def article_states(self) -> dict[str, tuple[str, int, str]]:
        """``{id: (content_hash, version, state)}`` for every stored article, in id order."""
        rows = self._connection.execute(
            "SELECT id, content_hash, version, state FROM articles ORDER BY id"
        )
        return {article_id: (digest, version, state) for article_id, digest, version, state in rows}

    def put_article(
        self,
        article: Article,
        content_hash: str,
        segmented: Segmented,
        attributions: Iterable[Attribution],
        *,
        run: int,
    ) -> int:
        """Store an article with its segments and attributions, state ``pending``; its version.

        A new id gets version 1; an id stored with another ``content_hash`` gets the next
        version, and one stored with the same hash keeps its version. Either way the previous row
        goes first, and with it everything derived from it: segments, attributions, bands and
        every comparison it is part of. ``run`` must be a run from :meth:`start_run`.
        """
        self._require_transaction()
        if segmented.article != article:
            raise ValueError(f"segmented article {segmented.article.id!r} is not {article.id!r}")
        connection = self._connection
        previous = connection.execute(
            "SELECT version, content_hash FROM articles WHERE id = ?", (article.id,)
        ).fetchone()
        if previous is None:
            version = 1
        else:
            version = previous[0] if previous[1] == content_hash else previous[0] + 1
            connection.execute("DELETE FROM articles WHERE id = ?", (article.id,))
        connection.execute(
            "INSERT INTO articles (id, version, content_hash, title, date, url, source, origin, "
            "metadata, text, state, run) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'pending', ?)",
            (
                article.id,
                version,
                content_hash,
                article.title,
                article.date,
                article.url,
                article.source,
                article.origin,
                dump_json(dict(article.metadata)),
                article.text,
                run,
            ),
        )
        connection.execute(
            "INSERT INTO segments (article_id, sentences, data) VALUES (?, ?, ?)",
            (article.id, len(segmented.sentences), pack(sentences_to_list(segmented))),
        )
        connection.execute(
            "INSERT INTO attributions (article_id, data) VALUES (?, ?)",
            (article.id, pack(attributions_to_list(attributions))),
        )
        return int(version)

    def delete_articles(self, ids: Iterable[str]) -> None:
        """Remove articles and everything derived from them (absent ids are ignored)."""
        self._require_transaction()
        self._connection.executemany(
            "DELETE FROM articles WHERE id = ?", [(article_id,) for article_id in ids]
        )

    def mark_done(self, ids: Iterable[str]) -> None:
        """Set the state of these articles to ``done`` (their alignment is complete)."""
        self._require_transaction()
        self._connection.executemany(
            "UPDATE articles SET state = 'done' WHERE id = ?", [(article_id,) for article_id in ids]
        )

    def article_count(self) -> int:
        """How many articles the index holds."""
        return int(self._connection.execute("SELECT count(*) FROM articles").fetchone()[0])

    def pending_ids(self) -> list[str]:
        """Ids of the articles still ``pending``, sorted."""
        rows = self._connection.execute(
            "SELECT id FROM articles WHERE state = 'pending' ORDER BY id"
        )
        return [row[0] for row in rows]

    def load_articles(self, ids: Iterable[str] | None = None) -> list[Article]:
        """The stored articles (all, or those with these ``ids``), sorted by id.

        Raises:
            KeyError: an id that is not in the index.
        """
        rows = self._by_ids(
            "SELECT a.id, a.text, a.title, a.date, a.url, a.source, a.origin, a.metadata "
            "FROM articles a",
            ids,
        )
        return [_article(row) for row in rows]

    def load_segmented(self, ids: Iterable[str] | None = None) -> list[Segmented]:
        """The stored articles with their segments, sorted by id (``KeyError`` for a missing id)."""
        rows = self._by_ids(
            "SELECT a.id, a.text, a.title, a.date, a.url, a.source, a.origin, a.metadata, s.data "
            "FROM articles a JOIN segments s ON s.article_id = a.id",
            ids,
        )
        return [segmented_from(_article(row), unpack(row[8])) for row in rows]

    def load_attributions(
        self, ids: Iterable[str] | None = None
    ) -> dict[str, tuple[Attribution, ...]]:
        """``{id: attributions}`` for the stored articles, in id order (``KeyError`` if missing)."""
        rows = self._by_ids(
            "SELECT a.id, t.data FROM articles a JOIN attributions t ON t.article_id = a.id", ids
        )
        return {row[0]: attributions_from_list(unpack(row[1])) for row in rows}

    def _by_ids(self, select: str, ids: Iterable[str] | None) -> list[tuple[Any, ...]]:
        """Rows of ``select`` (articles aliased ``a``, id first) for ``ids`` or all, by id."""
        connection = self._connection
        if ids is None:
            return list(connection.execute(f"{select} ORDER BY a.id"))
        wanted = sorted(set(ids))
        rows: list[tuple[Any, ...]] = []
        with self._snapshot():
            for chunk in _chunks(wanted):
                marks = ",".join("?" * len(chunk))
                rows.extend(connection.execute(f"{select} WHERE a.id IN ({marks})", chunk))
        if len(rows) != len(wanted):
            found = {row[0] for row in rows}
            raise KeyError(next(article_id for article_id in wanted if article_id not in found))
        rows.sort(key=lambda row: str(row[0]))
        return rows

    # --- LSH bands

    def put_bands(self, article_id: str, rows: Iterable[tuple[str, int, int]]) -> None:
        """Store LSH band keys of a stored article: ``(kind, key, item)`` rows.

        ``kind`` names the index ("doc", "sentence"...), ``key`` is a signed 64-bit band key and
        ``item`` what in the article it belongs to (a sentence number; 0 for the document).
        Storing a row twice is harmless. The bands go when the article is replaced.

        Raises:
            KeyError: when ``article_id`` is not stored.
        """
        self.put_bands_of({article_id: rows})

    def put_bands_of(self, rows: Mapping[str, Iterable[tuple[str, int, int]]]) -> None:
        """:meth:`put_bands` for several articles at once: ``{article_id: rows}``.

        The rows of all of them go in key order, so that the clustered band table takes them
        as a few sequential runs instead of a random insert each: several times faster for a
        batch of articles.

        Raises:
            KeyError: when an article is not stored (nothing is written then).
        """
        self._require_transaction()
        nums = {article_id: self._article_num(article_id) for article_id in rows}
        self._connection.executemany(
            "INSERT OR IGNORE INTO bands (kind, key, article, item) VALUES (?, ?, ?, ?)",
            sorted(
                (kind, key, nums[article_id], item)
                for article_id, article_rows in rows.items()
                for kind, key, item in article_rows
            ),
        )

    def band_members(self, kind: str, keys: Sequence[int]) -> list[tuple[int, str, int]]:
        """Every stored ``(key, article_id, item)`` with one of these band ``keys`` of ``kind``.

        Sorted by key, then article id, then item; any number of keys (they are looked up in
        chunks, each chunk one range scan per key).
        """
        connection = self._connection
        found: list[tuple[int, str, int]] = []
        with self._snapshot():
            for chunk in _chunks(sorted(set(keys))):
                marks = ",".join("?" * len(chunk))
                found.extend(
                    connection.execute(
                        "SELECT b.key, a.id, b.item FROM bands b "
                        "JOIN articles a ON a.num = b.article "
                        f"WHERE b.kind = ? AND b.key IN ({marks})",
                        (kind, *chunk),
                    )
                )
        found.sort()
        return found

    def band_counts(self, kind: str, keys: Sequence[int]) -> dict[int, int]:
        """How many stored rows of ``kind`` have each of these ``keys`` (absent keys: 0)."""
        connection = self._connection
        counts = dict.fromkeys(keys, 0)
        with self._snapshot():
            for chunk in _chunks(sorted(set(keys))):
                marks = ",".join("?" * len(chunk))
                counts.update(
                    connection.execute(
                        f"SELECT key, count(*) FROM bands WHERE kind = ? AND key IN ({marks}) "
                        "GROUP BY key",
                        (kind, *chunk),
                    )
                )
        return counts

    def _article_num(self, article_id: str) -> int:
        row = self._connection.execute(
            "SELECT num FROM articles WHERE id = ?", (article_id,)
        ).fetchone()
        if row is None:
            raise KeyError(article_id)
        return int(row[0])

    # --- comparisons

    def put_comparison(self, a_id: str, b_id: str, comparison: Comparison | None) -> None:
        """Store the comparison of a pair, or ``None`` for a pair aligned that shares nothing.

        ``a_id < b_id``, and a comparison must be ``compare(a, b)`` in that order. Storing a
        pair again replaces it. Both articles must be stored; the comparison goes when either
        is replaced.
        """
        self._require_transaction()
        if not a_id < b_id:
            raise ValueError(f"comparison ids must be in order: {a_id!r} >= {b_id!r}")
        data = None
        if comparison is not None:
            ends = (comparison.a.article.id, comparison.b.article.id)
            if ends != (a_id, b_id):
                raise ValueError(f"comparison of {ends} stored as {(a_id, b_id)}")
            data = pack(comparison_to_dict(comparison))
        self._connection.execute(
            "INSERT INTO comparisons (a_id, b_id, data) VALUES (?, ?, ?) "
            "ON CONFLICT (a_id, b_id) DO UPDATE SET data = excluded.data",
            (a_id, b_id, data),
        )

    def has_comparison(self, a_id: str, b_id: str) -> bool:
        """True when the pair (in either order) was aligned, whether or not it shares anything."""
        first, second = sorted((a_id, b_id))
        row = self._connection.execute(
            "SELECT 1 FROM comparisons WHERE a_id = ? AND b_id = ?", (first, second)
        ).fetchone()
        return row is not None

    def compared_pairs(self, article_id: str) -> set[tuple[str, str]]:
        """Every aligned pair ``(a_id, b_id)`` that includes this article, sharing or not."""
        rows = self._connection.execute(
            "SELECT a_id, b_id FROM comparisons WHERE a_id = ? "
            "UNION SELECT a_id, b_id FROM comparisons WHERE b_id = ?",
            (article_id, article_id),
        )
        return {(a_id, b_id) for a_id, b_id in rows}

    def load_comparisons(
        self,
        docs: Mapping[str, Segmented],
        pairs: AbstractSet[tuple[str, str]] | None = None,
    ) -> list[Comparison]:
        """The stored comparisons between articles of ``docs`` (by id), sorted by ``(a_id, b_id)``.

        Pairs that share nothing are not returned, nor pairs with an end outside ``docs``: pass
        every stored article to get every comparison. With ``pairs``, only those ``(a_id, b_id)``.
        """
        rows = self._connection.execute(
            "SELECT a_id, b_id, data FROM comparisons WHERE data IS NOT NULL ORDER BY a_id, b_id"
        )
        return [
            comparison_from_dict(unpack(data), docs[a_id], docs[b_id])
            for a_id, b_id, data in rows
            if a_id in docs and b_id in docs and (pairs is None or (a_id, b_id) in pairs)
        ]

    def all_compared_pairs(self) -> set[tuple[str, str]]:
        """Every aligned pair ``(a_id, b_id)``, sharing or not."""
        return set(self._connection.execute("SELECT a_id, b_id FROM comparisons"))

    def comparisons_of(self, article_id: str, docs: Mapping[str, Segmented]) -> list[Comparison]:
        """The stored comparisons of one article with articles of ``docs``, by ``(a_id, b_id)``.

        As :meth:`load_comparisons`: pairs sharing nothing and partners outside ``docs`` are left
        out.

        Raises:
            KeyError: when ``article_id`` itself is not in ``docs``.
        """
        own = docs[article_id]
        rows = self._connection.execute(
            "SELECT a_id, b_id, data FROM comparisons WHERE a_id = ? AND data IS NOT NULL "
            "UNION ALL "
            "SELECT a_id, b_id, data FROM comparisons WHERE b_id = ? AND data IS NOT NULL "
            "ORDER BY 1, 2",
            (article_id, article_id),
        )
        found = []
        for a_id, b_id, data in rows:
            partner = b_id if a_id == article_id else a_id
            if partner in docs:
                a, b = (own, docs[partner]) if a_id == article_id else (docs[partner], own)
                found.append(comparison_from_dict(unpack(data), a, b))
        return found

    # --- derivation graph

    def replace_graph(self, nodes: Iterable[Node], edges: Iterable[Edge]) -> None:
        """Replace the stored derivation DAG with these nodes and edges (order kept)."""
        self._require_transaction()
        connection = self._connection
        connection.execute("DELETE FROM nodes")
        connection.execute("DELETE FROM edges")
        connection.executemany(
            "INSERT INTO nodes (id, position, data) VALUES (?, ?, ?)",
            [(node.id, position, pack(node_to_dict(node))) for position, node in enumerate(nodes)],
        )
        connection.executemany(
            "INSERT INTO edges (parent, child, kind, position, data) VALUES (?, ?, ?, ?, ?)",
            [
                (edge.parent, edge.child, edge.kind, position, pack(edge_to_dict(edge)))
                for position, edge in enumerate(edges)
            ],
        )

    def load_graph(self) -> tuple[tuple[Node, ...], tuple[Edge, ...]]:
        """The stored DAG: nodes and edges in the order :meth:`replace_graph` was given them."""
        with self._snapshot():
            nodes = self._connection.execute("SELECT data FROM nodes ORDER BY position")
            node_list = tuple(node_from_dict(unpack(row[0])) for row in nodes)
            edges = self._connection.execute("SELECT data FROM edges ORDER BY position")
            edge_list = tuple(edge_from_dict(unpack(row[0])) for row in edges)
        return node_list, edge_list

    # --- figures

    def stats(self) -> IndexStats:
        """Counts and date range of what the index holds, for ``tracer index stats``."""
        connection = self._connection

        def one(sql: str) -> Any:
            return connection.execute(sql).fetchone()[0]

        with self._snapshot():
            articles, revised, pending, earliest, latest, sources = connection.execute(
                "SELECT count(*), count(CASE WHEN version > 1 THEN 1 END), "
                "count(CASE WHEN state = 'pending' THEN 1 END), min(date), max(date), "
                "count(DISTINCT source) FROM articles"
            ).fetchone()
            aligned_pairs, comparisons = connection.execute(
                "SELECT count(*), count(data) FROM comparisons"
            ).fetchone()
            edges = dict(
                connection.execute("SELECT kind, count(*) FROM edges GROUP BY kind ORDER BY kind")
            )
            stats = IndexStats(
                path=self._path,
                size_bytes=_file_size(self._path) + _file_size(_wal_path(self._path)),
                schema_version=self._schema_version,
                articles=articles,
                revised=revised,
                pending=pending,
                sentences=one("SELECT coalesce(sum(sentences), 0) FROM segments"),
                aligned_pairs=aligned_pairs,
                comparisons=comparisons,
                nodes=one("SELECT count(*) FROM nodes"),
                earliest_date=earliest,
                latest_date=latest,
                sources=sources,
                runs=one("SELECT count(*) FROM runs"),
                edges=edges,
            )
        return stats

    def _pragma(self, name: str) -> int:
        return int(self._connection.execute(f"PRAGMA {name}").fetchone()[0])


# --- helpers -----------------------------------------------------------------------------------


def _article(row: Sequence[Any]) -> Article:
    article_id, text, title, date, url, source, origin, metadata = row[:8]
    return article_from_dict(
        {
            "id": article_id,
            "text": text,
            "title": title,
            "date": date,
            "url": url,
            "source": source,
            "origin": origin,
            "metadata": json.loads(metadata),
        }
    )


def _chunks(items: Sequence[_T], size: int = _CHUNK) -> Iterator[Sequence[_T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _wal_path(path: Path) -> Path:
    return path.with_name(path.name + "-wal")


def _file_size(path: Path) -> int:
    try:
        return path.stat().st_size
    except FileNotFoundError:
        return 0
