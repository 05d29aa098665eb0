"""The bad-input matrix: every kind of broken input, through ``compare``, ``trace`` and ``batch``.

Each case writes its input next to two good articles (seeds 000 and 001) and runs the real entry
point (``tracer.cli.main``). Whatever the input, a run must end without a traceback, name each
skipped or altered input on one line of its own (``tracer: skipped: dump.jsonl:2: ...``), keep
every good article (``trace.json`` is checked) and exit as docs/reliability.md says: 0 when the
run could go on, 2 when nothing can be done. The large inputs (a 5 MB article, a 10 MB JSONL
line, 50,000 lines without punctuation) are generated at their real size.
"""

from __future__ import annotations

import contextlib
import gzip
import json
import os
import random
import re
import shutil
import stat
import string
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from tracer.ingest import DEFAULT_MAX_CHARS
from tracer.segment import MAX_SEGMENT_CHARS

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
GOOD_FILES = ("000_5f7692219c63b442.txt", "001_63a6e8fa25d66eb9.txt")
GOOD_IDS = frozenset(Path(name).stem for name in GOOD_FILES)
PNG_BYTES = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10\x00\x00\x00\x10\x08\x06"
ARTICLE = (
    "Grain exports from the port resumed on Tuesday after weeks of talks, officials said.\n"
    "The first ship left at dawn with 40,000 tonnes of wheat bound for Egypt.\n"
)
# What a corpus command may print on stderr besides the problem lines.
SUMMARY_LINE = re.compile(r"traced \d+ articles: |wrote |\d+ articles read: |\d+ pairs aligned ")
# Windows refuses these as file names (with any extension), so a report must never write one.
RESERVED_NAMES = frozenset(
    ["con", "prn", "aux", "nul", *(f"com{n}" for n in range(10)), *(f"lpt{n}" for n in range(10))]
)

# The ``run_main`` fixture (conftest.py): runs ``tracer.cli.main``, returns exit code and output.
Run = Callable[..., Any]


def write(path: Path, data: bytes | str) -> Path:
    """Write a fixture file, creating its folders; ``str`` is written as UTF-8."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return path


def jsonl(*records: object) -> str:
    return "".join(json.dumps(record) + "\n" for record in records)


def vocabulary(rng: random.Random, size: int = 5000) -> list[str]:
    return ["".join(rng.choices(string.ascii_lowercase, k=rng.randint(3, 9))) for _ in range(size)]


def prose(chars: int, *, seed: int) -> str:
    """Sentences of made-up words, about ``chars`` characters: varied like real text."""
    rng = random.Random(seed)
    words = vocabulary(rng)
    sentences: list[str] = []
    total = 0
    while total < chars:
        sentence = " ".join(rng.choices(words, k=rng.randint(8, 20))).capitalize() + "."
        sentences.append(sentence)
        total += len(sentence) + 1
    return " ".join(sentences)[:chars]


# ---------------------------------------------------------------------------------------------
# The corpus cases: trace and batch


@dataclass
class Expect:
    """What a corpus run over ``paths`` (plus the good articles) must report and keep."""

    paths: list[Path]
    skipped: list[str] = field(default_factory=list)
    warned: list[str] = field(default_factory=list)
    kept: set[str] = field(default_factory=set)
    check: Callable[[dict[str, Any]], None] | None = None
    report: bool = False


CASES: dict[str, Callable[[Path], Expect]] = {}


def case(builder: Callable[[Path], Expect]) -> Callable[[Path], Expect]:
    CASES[builder.__name__.removeprefix("case_").replace("_", "-")] = builder
    return builder


def article_text(document: dict[str, Any], article_id: str) -> str:
    """The sentences of one article in trace.json, joined: what tracer made of its text."""
    (article,) = [a for a in document["articles"] if a["id"] == article_id]
    return " ".join(sentence["text"] for sentence in article["sentences"])


@case
def case_empty_file(tmp: Path) -> Expect:
    path = write(tmp / "empty.txt", b"")
    return Expect([path], skipped=[f"{path}: empty article"])


@case
def case_whitespace_only(tmp: Path) -> Expect:
    path = write(tmp / "blank.txt", b" \n\t\r\n\xc2\xa0 \n")
    return Expect([path], skipped=[f"{path}: empty article"])


@case
def case_png_bytes(tmp: Path) -> Expect:
    path = write(tmp / "photo.png", PNG_BYTES)
    return Expect([path], skipped=[f"{path}: binary file, not text"])


@case
def case_nul_bytes(tmp: Path) -> Expect:
    path = write(tmp / "nul.txt", b"Looks like text\x00\x00\x00 but is not.\n")
    return Expect([path], skipped=[f"{path}: binary file, not text"])


@case
def case_latin_1(tmp: Path) -> Expect:
    # 0x81 is undefined in cp1252: only latin-1 reads it.
    path = write(
        tmp / "latin.txt", b"Le caf\xe9 de la gare \x81 servait du th\xe9 \xe0 Gen\xe8ve.\n"
    )

    def check(document: dict[str, Any]) -> None:
        assert "café de la gare \x81 servait du thé à Genève." in article_text(document, "latin")

    return Expect([path], kept={"latin"}, check=check)


@case
def case_cp1252(tmp: Path) -> Expect:
    path = write(tmp / "smart.txt", b"He said \x93no\x94 \x96 twice \x85 and left.\n")

    def check(document: dict[str, Any]) -> None:
        assert "He said \u201cno\u201d \u2013 twice \u2026 and left." in article_text(
            document, "smart"
        )

    return Expect([path], kept={"smart"}, check=check)


@case
def case_utf16_with_bom(tmp: Path) -> Expect:
    path = write(tmp / "wide.txt", ("Über 中文 text in UTF-16.\n" + ARTICLE).encode("utf-16"))

    def check(document: dict[str, Any]) -> None:
        assert "Über 中文 text in UTF-16." in article_text(document, "wide")

    return Expect([path], kept={"wide"}, check=check)


@case
def case_mixed_encodings(tmp: Path) -> Expect:
    # A UTF-8 paragraph pasted next to a cp1252 one: each keeps its characters.
    data = "Genève et Zürich, a UTF-8 line.\n".encode() + b"A Windows line: \x93caf\xe9\x94.\n"
    path = write(tmp / "mixed.txt", data)
    dump = write(
        tmp / "mixed.jsonl",
        jsonl({"id": "utf8-line", "text": "Genève et Zürich."}).encode()
        + b'{"id": "latin-line", "text": "Gen\xe8ve, caf\xe9."}\n',
    )

    def check(document: dict[str, Any]) -> None:
        assert "Genève et Zürich, a UTF-8 line." in article_text(document, "mixed")
        assert "A Windows line: \u201ccafé\u201d." in article_text(document, "mixed")
        assert article_text(document, "latin-line") == "Genève, café."

    return Expect([path, dump], kept={"mixed", "utf8-line", "latin-line"}, check=check)


@case
def case_lone_surrogates_in_json(tmp: Path) -> Expect:
    # JSON may escape half a UTF-16 pair; Python keeps it, UTF-8 cannot write it.
    dump = write(
        tmp / "escapes.jsonl",
        '{"id": "half", "text": "A broken \\ud800 escape.", "title": "T \\udc00"}\n'
        '{"id": "pair", "text": "An emoji \\ud83d\\ude00 is fine."}\n',
    )

    def check(document: dict[str, Any]) -> None:
        assert article_text(document, "half") == "A broken \ufffd escape."
        assert article_text(document, "pair") == "An emoji \U0001f600 is fine."

    message = "2 invalid characters (lone UTF-16 surrogates) replaced with U+FFFD"
    return Expect([dump], warned=[f"{dump}:1: {message}"], kept={"half", "pair"}, check=check)


@case
def case_5_mb_article(tmp: Path) -> Expect:
    text = prose(5_000_000, seed=5)
    path = write(tmp / "huge.txt", text)
    kept_chars = text.rindex(" ", 0, DEFAULT_MAX_CHARS + 1)

    def check(document: dict[str, Any]) -> None:
        (article,) = [a for a in document["articles"] if a["id"] == "huge"]
        assert article["length"] == kept_chars
        assert len(article["sentences"]) > 5000

    return Expect(
        [path],
        warned=[f"{path}: truncated from 5000000 to {kept_chars} characters"],
        kept={"huge"},
        check=check,
    )


def unpunctuated_lines(count: int, *, seed: int) -> str:
    """``count`` lines of two or three lowercase words: no sentence ends, nothing to split on."""
    rng = random.Random(seed)
    words = vocabulary(rng, 2000)
    return "\n".join(" ".join(rng.choices(words, k=rng.randint(2, 3))) for _ in range(count))


@case
def case_50k_lines_without_punctuation(tmp: Path) -> Expect:
    text = unpunctuated_lines(50_000, seed=50)
    assert len(text) < DEFAULT_MAX_CHARS
    path = write(tmp / "listing.txt", text)

    def check(document: dict[str, Any]) -> None:
        (article,) = [a for a in document["articles"] if a["id"] == "listing"]
        lengths = [s["end"] - s["start"] for s in article["sentences"]]
        # Without punctuation the lines join into one paragraph; it is cut into bounded segments,
        # at line breaks, instead of one sentence of 800,000 characters.
        assert len(lengths) > len(text) // MAX_SEGMENT_CHARS
        assert max(lengths) <= MAX_SEGMENT_CHARS
        assert all(s["text"] == text[s["start"] : s["end"]] for s in article["sentences"])

    return Expect([path], kept={"listing"}, check=check)


@case
def case_jsonl_malformed_line(tmp: Path) -> Expect:
    dump = write(
        tmp / "dump.jsonl",
        jsonl({"id": "j1", "text": ARTICLE})
        + '{"id": "j2", "text": "unterminated\n'
        + "[1, 2\n"
        + jsonl({"id": "j3", "text": ARTICLE.upper()}),
    )
    return Expect(
        [dump],
        skipped=[
            f"{dump}:2: not valid JSON (Unterminated string starting at column 22)",
            f"{dump}:3: not valid JSON (Expecting ',' delimiter at column 6)",
        ],
        kept={"j1", "j3"},
    )


@case
def case_jsonl_line_missing_text(tmp: Path) -> Expect:
    dump = write(
        tmp / "dump.jsonl",
        jsonl(
            {"id": "j1", "text": ARTICLE},
            {"id": "j2", "body": ARTICLE},
            {"id": "j3", "text": None},
            {"id": "j4", "text": "   "},
            ["not", "an", "object"],
        ),
    )
    return Expect(
        [dump],
        skipped=[
            f"{dump}:2: no 'text' field",
            f"{dump}:3: no article text ('text' is null)",
            f"{dump}:4: empty text",
            f"{dump}:5: not a JSON object (found array)",
        ],
        kept={"j1"},
    )


@case
def case_jsonl_text_not_a_string(tmp: Path) -> Expect:
    dump = write(
        tmp / "dump.jsonl",
        jsonl(
            {"id": "j1", "text": 42},
            {"id": "j2", "text": ["a", "list"]},
            {"id": "j3", "text": {"html": "<p>x</p>"}},
            {"id": "j4", "text": True},
            {"id": ["bad", "id"], "text": ARTICLE},
            {"id": "j6", "text": ARTICLE},
        ),
    )
    return Expect(
        [dump],
        skipped=[
            f"{dump}:1: 'text' is not a string (found number)",
            f"{dump}:2: 'text' is not a string (found array)",
            f"{dump}:3: 'text' is not a string (found object)",
            f"{dump}:4: 'text' is not a string (found boolean)",
            f"{dump}:5: 'id' is not a string or integer (found array)",
        ],
        kept={"j6"},
    )


@case
def case_jsonl_duplicate_id(tmp: Path) -> Expect:
    dump = write(
        tmp / "dump.jsonl",
        jsonl(
            {"id": "same", "text": ARTICLE},
            {"id": "other", "text": ARTICLE.lower()},
            {"id": "same", "text": "A different text under the same id."},
            {"id": 7, "text": "Integer id."},
            {"id": "7", "text": "String id equal to it."},
        ),
    )

    def check(document: dict[str, Any]) -> None:
        assert article_text(document, "same").startswith("Grain exports")  # the first one wins

    return Expect(
        [dump],
        skipped=[
            f"{dump}:3: duplicate id 'same', already read from {dump}:1",
            f"{dump}:5: duplicate id '7', already read from {dump}:4",
        ],
        kept={"same", "other", "7"},
        check=check,
    )


@case
def case_jsonl_10_mb_line(tmp: Path) -> Expect:
    text = prose(10_000_000, seed=10)
    dump = write(
        tmp / "dump.jsonl",
        jsonl(
            {"id": "before", "text": ARTICLE},
            {"id": "giant", "text": text},
            {"id": "after", "text": ARTICLE.lower()},
        ),
    )
    kept_chars = text.rindex(" ", 0, DEFAULT_MAX_CHARS + 1)
    return Expect(
        [dump],
        warned=[f"{dump}:2: truncated from 10000000 to {kept_chars} characters"],
        kept={"before", "giant", "after"},
    )


@case
def case_truncated_jsonl_gz(tmp: Path) -> Expect:
    # Texts unlike each other: 1,000 copies of one story would make 500,000 pairs to align.
    rng = random.Random(3)
    words = vocabulary(rng)
    texts = (" ".join(rng.choices(words, k=40)) + "." for _ in range(2000))
    records = jsonl(*({"id": f"g{n}", "text": text} for n, text in enumerate(texts)))
    whole = gzip.compress(records.encode(), mtime=0)
    dump = write(tmp / "dump.jsonl.gz", whole[: len(whole) // 2])
    readable: list[str] = []
    # Up to where the data stops (EOFError), or the half line just before it (ValueError).
    with gzip.open(dump, "rt") as stream, contextlib.suppress(EOFError, ValueError):
        readable.extend(json.loads(line)["id"] for line in stream)
    assert 0 < len(readable) < 2000
    problem = (
        "cannot read further: Compressed file ended before the end-of-stream marker was reached"
    )
    return Expect([dump], skipped=[f"{dump}:{len(readable) + 1}: {problem}"], kept=set(readable))


@case
def case_newsplease_json_malformed(tmp: Path) -> Expect:
    good = write(tmp / "crawl" / "good.json", json.dumps({"maintext": ARTICLE, "title": "T"}))
    broken = write(tmp / "crawl" / "broken.json", '{\n  "maintext": "cut off,\n  "title": 3\n')
    several = write(tmp / "crawl" / "several.json", jsonl({"maintext": "A."}, {"maintext": "B."}))
    no_text = write(tmp / "crawl" / "teaser.json", json.dumps({"description": "Only a teaser."}))
    return Expect(
        [tmp / "crawl"],
        skipped=[
            f"{broken}:2: not valid JSON (Invalid control character at column 24)",
            f"{several}:2: not valid JSON (Extra data at column 1; several values: JSON Lines? "
            "use format jsonl)",
            f"{no_text}: no 'maintext' field",
        ],
        kept={good.stem},
    )


@case
def case_html_page_without_text(tmp: Path) -> Expect:
    pytest.importorskip("trafilatura", reason="HTML input needs the html extra (trafilatura)")
    empty = write(tmp / "site" / "empty.html", "<html><head><title>x</title></head><body></body>")
    script = write(
        tmp / "site" / "script.html",
        "<html><head><style>body { color: red }</style></head>"
        "<body><script>var x = 1;</script><img src='a.png' alt=''></body></html>",
    )
    return Expect(
        [tmp / "site"],
        skipped=[
            f"{empty}: no article text found in the page",
            f"{script}: no article text found in the page",
        ],
    )


@case
def case_unreadable_file_in_a_folder(tmp: Path) -> Expect:
    if os.geteuid() == 0:
        pytest.skip("root reads files without permission; the fifo and symlink cases cover it")
    folder = tmp / "corpus"
    write(folder / "ok.txt", ARTICLE)
    locked = write(folder / "locked.txt", ARTICLE.upper())
    locked.chmod(0)
    return Expect([folder], skipped=[f"{locked}: cannot read: permission denied"], kept={"ok"})


@case
def case_fifo_and_device_in_a_folder(tmp: Path) -> Expect:
    # Reading a FIFO waits for a writer forever; the walk must pass it over, not open it.
    folder = tmp / "corpus"
    write(folder / "ok.txt", ARTICLE)
    os.mkfifo(folder / "pipe.txt")
    (folder / "null.txt").symlink_to("/dev/null")
    return Expect(
        [folder],
        skipped=[
            f"{folder / 'null.txt'}: not a regular file",
            f"{folder / 'pipe.txt'}: not a regular file",
        ],
        kept={"ok"},
    )


@case
def case_dangling_symlink(tmp: Path) -> Expect:
    folder = tmp / "corpus"
    write(folder / "ok.txt", ARTICLE)
    (folder / "gone.txt").symlink_to(folder / "deleted.txt")
    return Expect(
        [folder], skipped=[f"{folder / 'gone.txt'}: broken or looping symbolic link"], kept={"ok"}
    )


@case
def case_symlink_loops(tmp: Path) -> Expect:
    folder = tmp / "corpus"
    write(folder / "ok.txt", ARTICLE)
    (folder / "sub").mkdir()
    (folder / "sub" / "up").symlink_to(folder, target_is_directory=True)
    (folder / "self.txt").symlink_to(folder / "self.txt")
    (folder / "ping.txt").symlink_to(folder / "pong.txt")
    (folder / "pong.txt").symlink_to(folder / "ping.txt")
    return Expect(
        [folder],
        skipped=[
            f"{folder / 'ping.txt'}: broken or looping symbolic link",
            f"{folder / 'pong.txt'}: broken or looping symbolic link",
            f"{folder / 'self.txt'}: broken or looping symbolic link",
            f"{folder / 'sub' / 'up'}: symbolic link to a directory, not followed",
        ],
        kept={"ok"},
    )


@case
def case_nested_folders(tmp: Path) -> Expect:
    folder = tmp / "corpus"
    deep = folder.joinpath(*(f"level{n}" for n in range(30)))
    write(deep / "deep.txt", ARTICLE)
    write(folder / "2023" / "09" / "story.txt", ARTICLE.lower())
    # Text files are named by their stem: the same name in another folder is the same id.
    twin = write(folder / "2023" / "10" / "story.txt", ARTICLE.upper())
    write(folder / "2023" / "dump.jsonl", jsonl({"id": "in-dump", "text": ARTICLE}))
    write(folder / ".cache" / "hidden.txt", ARTICLE)
    notes = write(folder / "notes.md", "# not an article")
    first = folder / "2023" / "09" / "story.txt"
    return Expect(
        [folder],
        skipped=[
            f"{twin}: duplicate id 'story', already read from {first}",
            f"{notes}: not a supported article file",
        ],
        kept={"story", "in-dump", "deep"},
    )


@case
def case_hostile_ids_and_names(tmp: Path) -> Expect:
    ids = [
        "../../etc/passwd",
        "/etc/shadow",
        "..",
        ".",
        "con",
        "NUL",
        "aux.txt",
        "name with spaces",
        "Ünïcødé 中文 🦀",
        "a\\..\\..\\b",
        "x" * 300,
        "tab\there\nnewline",
    ]
    dump = write(tmp / "ids.jsonl", jsonl(*({"id": i, "text": f"{ARTICLE}{i}"} for i in ids)))
    spaced = write(tmp / "my story ü.txt", ARTICLE + "spaced")
    con = write(tmp / "con.txt", ARTICLE + "con file")  # same id as the JSONL record "con"
    # A file name that is not UTF-8 (from an old Windows share): Python holds it as surrogates.
    # (Given by name rather than in a folder, batch fails: see the test after this matrix.)
    share = tmp / "share"
    write(share / os.fsdecode(b"caf\xe9 notes.txt"), ARTICLE + "latin name")
    return Expect(
        [dump, spaced, con, share],
        skipped=[f"{con}: duplicate id 'con', already read from {dump}:5"],
        kept={*ids, "my story ü", "café notes"},
        report=True,
    )


@case
def case_control_characters_in_file_names(tmp: Path) -> Expect:
    folder = tmp / "corpus"
    write(folder / "ok\tname.txt", ARTICLE)
    write(folder / "two\nlines.txt", b"")
    write(folder / "z" / "ok\tname.txt", ARTICLE.upper())
    # Each message stays on its one line: control characters are shown escaped.
    shown = str(folder / "ok\\tname.txt")
    return Expect(
        [folder],
        skipped=[
            f"{folder}/two\\nlines.txt: empty article",
            f"{folder}/z/ok\\tname.txt: duplicate id 'ok\\tname', already read from {shown}",
        ],
        kept={"ok\tname"},
    )


@case
def case_odd_and_impossible_dates(tmp: Path) -> Expect:
    dates: list[object] = [
        "Sept. 8, 2023",
        "26-FEB-1987 15:01:01.79",
        "2023-02-30",
        "yesterday",
        "0001-01-01T00:00:00+05:00",
        "9999-12-31T23:00:00-05:00",
        10**20,
        [2023, 9, 8],
        "",
        -1,
    ]
    lines = jsonl(*({"id": f"d{n}", "text": ARTICLE, "date": d} for n, d in enumerate(dates)))
    dump = write(tmp / "dates.jsonl", lines + '{"id": "dnan", "text": "x.", "date": NaN}\n')
    unreadable = [(3, "'2023-02-30'"), (4, "'yesterday'"), (5, "'0001-01-01T00:00:00+05:00'")]
    unreadable += [(6, "'9999-12-31T23:00:00-05:00'"), (7, "100000000000000000000")]
    unreadable += [(8, "[2023, 9, 8]"), (11, "nan")]

    def check(document: dict[str, Any]) -> None:
        found = {a["id"]: a["date"] for a in document["articles"]}
        assert found["d0"] == "2023-09-08"
        assert found["d1"] == "1987-02-26T15:01:01"
        assert found["d9"] == "1969-12-31T23:59:59"
        assert found["d2"] is None and found["d8"] is None

    return Expect(
        [dump],
        warned=[f"{dump}:{line}: unreadable date {value} ignored" for line, value in unreadable],
        kept={f"d{n}" for n in range(len(dates))} | {"dnan"},
        check=check,
    )


@case
def case_identical_articles_under_different_ids(tmp: Path) -> Expect:
    text = (SEEDS / GOOD_FILES[1]).read_bytes()
    copies = [write(tmp / f"copy{n}.txt", text) for n in range(3)]

    def check(document: dict[str, Any]) -> None:
        pairs = {(p["a"], p["b"]): p for p in document["pairs"]}
        for pair in [("copy0", "copy1"), ("copy0", "copy2"), ("copy1", "copy2")]:
            assert [x["label"] for x in pairs[pair]["passages"]] == ["copied"]
            assert pairs[pair]["shares"]["a"]["copied"] == 1.0

    return Expect(copies, kept={"copy0", "copy1", "copy2"}, check=check)


@case
def case_only_boilerplate(tmp: Path) -> Expect:
    path = write(
        tmp / "furniture.txt",
        "Read also: Kremlin tight-lipped on potential Kim-Putin meeting\n"
        "Source link\nRelated Articles\n"
        "Subscribe to our newsletter for the day's top stories.\n"
        "\u00a9 2023 Buna Times. All rights reserved.\n",
    )

    def check(document: dict[str, Any]) -> None:
        (article,) = [a for a in document["articles"] if a["id"] == "furniture"]
        assert all(s["boilerplate_reason"] for s in article["sentences"])
        assert article["shares"]["original"] == 0.0

    return Expect([path], kept={"furniture"}, check=check)


def corpus_args(command: str, tmp: Path, paths: list[Path], *, report: bool) -> list[str | Path]:
    good = [shutil.copy(SEEDS / name, tmp / name) for name in GOOD_FILES]
    (tmp / "runs").mkdir()  # see test_batch_creates_the_folder_of_a_new_index
    args: list[str | Path] = [command, *good, *paths, "-o", tmp / "runs" / "out", "--jobs", "1"]
    if command == "batch":
        args += ["--index", tmp / "runs" / "news.db"]
    return args if report else [*args, "--no-report"]


def problem_lines(stderr: str, kind: str) -> list[str]:
    prefix = f"tracer: {kind}: "
    return [line.removeprefix(prefix) for line in stderr.splitlines() if line.startswith(prefix)]


@pytest.mark.parametrize("command", ["trace", "batch"])
@pytest.mark.parametrize("name", sorted(CASES))
def test_corpus_commands_skip_bad_input_and_keep_the_good(
    run_main: Run, tmp_path: Path, name: str, command: str
) -> None:
    inputs = tmp_path / "in"
    inputs.mkdir()
    expect = CASES[name](inputs)
    args = corpus_args(command, tmp_path, expect.paths, report=expect.report)
    before = set(tmp_path.rglob("*"))

    result = run_main(*args)

    assert "Traceback" not in result.stdout + result.stderr
    assert result.exit_code == 0, result.stderr
    assert result.stdout == ""
    assert problem_lines(result.stderr, "skipped") == expect.skipped
    assert problem_lines(result.stderr, "warning") == expect.warned
    for line in result.stderr.splitlines():
        assert line.startswith(("tracer: skipped: ", "tracer: warning: ")) or SUMMARY_LINE.match(
            line
        ), line
    out = tmp_path / "runs" / "out"
    document = json.loads((out / "trace.json").read_text(encoding="utf-8"))
    assert {a["id"] for a in document["articles"]} == GOOD_IDS | expect.kept
    assert [f"{p['where']}: {p['message']}" for p in document["problems"]] == expect.skipped
    assert [f"{p['where']}: {p['message']}" for p in document["warnings"]] == expect.warned
    if expect.check is not None:
        expect.check(document)
    written = set(tmp_path.rglob("*")) - before
    for path in written:
        assert path.resolve().is_relative_to((tmp_path / "runs").resolve()), path
        assert not path.is_symlink(), path
    if expect.report:
        assert_safe_report(out)


def assert_safe_report(out: Path) -> None:
    """Every file of the report is inside ``out``, under a portable ASCII name."""
    pages = [p for p in out.rglob("*") if p.is_file()]
    assert len([p for p in pages if p.parent.name == "articles"]) > 2
    for page in pages:
        assert page.resolve().is_relative_to(out.resolve())
        assert re.fullmatch(r"[a-z0-9][a-z0-9._-]*", page.name), page.name
        assert len(page.name) <= 255


def test_batch_accepts_a_file_whose_name_is_not_utf8(run_main: Run, tmp_path: Path) -> None:
    article = write(tmp_path / os.fsdecode(b"caf\xe9.txt"), ARTICLE)
    out = tmp_path / "out"
    result = run_main("batch", article, "--index", tmp_path / "news.db", "-o", out, "--no-report")
    assert result.exit_code == 0, result.stderr
    assert [a["id"] for a in json.loads((out / "trace.json").read_text())["articles"]] == ["café"]


def test_report_file_names_are_not_device_names_on_windows(run_main: Run, tmp_path: Path) -> None:
    ids = ["aux.txt", "con", "NUL", "com1.html", "lpt9.tar.gz", "prn"]
    dump = write(tmp_path / "ids.jsonl", jsonl(*({"id": i, "text": f"{ARTICLE}{i}"} for i in ids)))
    out = tmp_path / "out"
    result = run_main("trace", dump, "-o", out, "--jobs", "1", "--quiet")
    assert result.exit_code == 0, result.stderr
    pages = [p for p in out.rglob("*") if p.is_file()]
    assert len(pages) > len(ids)
    for page in pages:
        assert page.name.split(".")[0].lower() not in RESERVED_NAMES, page.name


# ---------------------------------------------------------------------------------------------
# compare: one article each side, so a file that is not an article is an error (exit 2)


COMPARE_ERRORS: dict[str, tuple[Callable[[Path], Path], str]] = {
    "empty-file": (lambda tmp: write(tmp / "empty.txt", b""), "empty article"),
    "whitespace-only": (lambda tmp: write(tmp / "blank.txt", b" \r\n\t \n"), "empty article"),
    "png-bytes": (lambda tmp: write(tmp / "photo.png", PNG_BYTES), "binary file, not text"),
    "nul-bytes": (lambda tmp: write(tmp / "nul.txt", b"a\x00b"), "binary file, not text"),
    "broken-utf16": (
        lambda tmp: write(tmp / "wide.txt", "\ufeffok".encode("utf-16-le") + b"\x00\xd8"),
        "not valid UTF-16 despite its byte-order mark",
    ),
    "missing": (lambda tmp: tmp / "missing.txt", "no such file"),
    "directory": (lambda tmp: tmp, "is a directory, not an article file"),
    "dangling-symlink": (
        lambda tmp: _symlink(tmp / "gone.txt", tmp / "deleted.txt"),
        "no such file",
    ),
    "symlink-loop": (
        lambda tmp: _symlink(tmp / "self.txt", tmp / "self.txt"),
        "cannot read: too many levels of symbolic links",
    ),
    "device": (lambda tmp: Path("/dev/null"), "not a regular file"),
}


def _symlink(link: Path, target: Path) -> Path:
    link.symlink_to(target)
    return link


@pytest.mark.parametrize("name", sorted(COMPARE_ERRORS))
def test_compare_refuses_a_file_that_is_not_an_article(
    run_main: Run, tmp_path: Path, name: str
) -> None:
    make, message = COMPARE_ERRORS[name]
    bad = make(tmp_path)
    good = SEEDS / GOOD_FILES[0]
    for args in [(good, bad), (bad, good)]:
        result = run_main("compare", *args)
        assert result.exit_code == 2
        assert result.stdout == ""
        assert result.stderr == f"tracer: error: {bad}: {message}\n"


COMPARE_READS: dict[str, tuple[Callable[[Path], Path], str]] = {
    "latin-1": (
        lambda tmp: write(tmp / "latin.txt", b"Le caf\xe9 de la gare servait du th\xe9.\n"),
        "Le café de la gare servait du thé.",
    ),
    "cp1252": (
        lambda tmp: write(tmp / "smart.txt", b"He said \x93no\x94 and left.\n"),
        "He said \u201cno\u201d and left.",
    ),
    "utf16-bom": (
        lambda tmp: write(tmp / "wide.txt", "Über 中文 in UTF-16.\n".encode("utf-16")),
        "Über 中文 in UTF-16.",
    ),
    "mixed-encodings": (
        lambda tmp: write(tmp / "mixed.txt", "Genève ".encode() + b"\x93caf\xe9\x94.\n"),
        "Genève \u201ccafé\u201d.",
    ),
    "non-utf8-file-name": (
        lambda tmp: write(tmp / os.fsdecode(b"caf\xe9.txt"), "Plain text in a latin-1 name.\n"),
        "Plain text in a latin-1 name.",
    ),
    "only-boilerplate": (
        lambda tmp: write(tmp / "furniture.txt", "Related Articles\nSource link\n"),
        "Related Articles",
    ),
    "identical-to-the-other": (
        lambda tmp: write(tmp / "copy.txt", (SEEDS / GOOD_FILES[0]).read_bytes()),
        "North Korea is ready to sign",
    ),
}


@pytest.mark.parametrize("name", sorted(COMPARE_READS))
def test_compare_reads_awkward_but_usable_text(run_main: Run, tmp_path: Path, name: str) -> None:
    make, expected_text = COMPARE_READS[name]
    article = make(tmp_path)
    result = run_main("compare", SEEDS / GOOD_FILES[0], article, "--json")
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""
    document = json.loads(result.stdout)
    assert expected_text in document["b"]["sentences"][0]["text"]


def test_compare_of_two_unpunctuated_articles_is_quick(run_main: Run, tmp_path: Path) -> None:
    # Each was one sentence of 90,000 characters, and aligning the two took minutes (hours for
    # 50,000 lines): the word-level diff of two sentences costs the product of their lengths.
    text = unpunctuated_lines(5000, seed=50)
    a = write(tmp_path / "a.txt", text)
    b = write(tmp_path / "b.txt", text)
    result = run_main("compare", a, b, "--json")
    assert result.exit_code == 0, result.stderr
    document = json.loads(result.stdout)
    assert document["shares"]["b"]["copied"] == 1.0


def test_compare_says_when_it_truncates_a_5_mb_article(run_main: Run, tmp_path: Path) -> None:
    big = write(tmp_path / "huge.txt", prose(5_000_000, seed=5))
    result = run_main("compare", SEEDS / GOOD_FILES[0], big, "--quiet")
    assert result.exit_code == 0
    assert "Traceback" not in result.stderr
    assert f"{big}: truncated from 5000000 to " in result.stderr


# ---------------------------------------------------------------------------------------------
# Runs where nothing can be read, and input that needs a real process


def test_trace_with_nothing_readable_exits_2_after_listing_what_it_skipped(
    run_main: Run, tmp_path: Path
) -> None:
    empty = write(tmp_path / "empty.txt", b"")
    dump = write(tmp_path / "dump.jsonl", "not json\n")
    result = run_main("trace", empty, dump, "-o", tmp_path / "out", "--jobs", "1")
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        f"tracer: skipped: {empty}: empty article",
        f"tracer: skipped: {dump}:1: not valid JSON (Expecting value at column 1)",
        f"tracer: error: no readable articles in {empty}, {dump}",
    ]
    assert not (tmp_path / "out").exists()


def test_batch_with_nothing_readable_still_writes_the_index_trace(
    run_main: Run, tmp_path: Path
) -> None:
    # A batch run describes the whole index, so an unusable dump is not an error: the outputs
    # are rewritten from what the index already holds (nothing, on a first run).
    dump = write(tmp_path / "dump.jsonl", jsonl({"id": "a", "text": 5}))
    out = tmp_path / "out"
    result = run_main("batch", dump, "--index", tmp_path / "news.db", "-o", out, "--no-report")
    assert result.exit_code == 0, result.stderr
    assert result.stderr.splitlines()[0] == (
        f"tracer: skipped: {dump}:1: 'text' is not a string (found number)"
    )
    assert json.loads((out / "trace.json").read_text())["articles"] == []


@pytest.mark.parametrize("command", ["trace", "batch"])
def test_a_missing_path_stops_a_corpus_run_with_exit_2(
    run_main: Run, tmp_path: Path, command: str
) -> None:
    missing = tmp_path / "missing.jsonl"
    result = run_main(*corpus_args(command, tmp_path, [missing], report=False))
    assert result.exit_code == 2
    assert result.stderr == f"tracer: error: {missing}: no such file or directory\n"
    assert list((tmp_path / "runs").iterdir()) == []


def test_batch_creates_the_folder_of_a_new_index(run_main: Run, tmp_path: Path) -> None:
    dump = write(tmp_path / "dump.jsonl", jsonl({"id": "a", "text": ARTICLE}))
    index = tmp_path / "new" / "news.db"
    result = run_main("batch", dump, "--index", index, "-o", tmp_path / "out", "--no-report")
    assert result.exit_code == 0, result.stderr
    assert index.exists()


def test_a_fifo_given_by_name_is_skipped_not_waited_on(tmp_path: Path) -> None:
    # Sniffing the format of a file with no known suffix opened it, and opening a FIFO blocks
    # until someone writes to it: the run hung. A real process, so a hang is a timeout.
    pipe = tmp_path / "incoming"
    os.mkfifo(pipe)
    assert stat.S_ISFIFO(pipe.stat().st_mode)
    good = SEEDS / GOOD_FILES[0]
    for args, code, message in [
        (["trace", good, pipe, "-o", tmp_path / "out", "--no-report", "-j", "1"], 0, "skipped"),
        (["compare", good, pipe], 2, "error"),
    ]:
        completed = subprocess.run(
            [sys.executable, "-m", "tracer", *map(str, args)],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        assert completed.returncode == code, completed.stderr
        assert f"tracer: {message}: {pipe}: not a regular file\n" in completed.stderr
        assert "Traceback" not in completed.stderr


def test_a_long_article_of_repetitive_sentences_is_traced_quickly(tmp_path: Path) -> None:
    # A results table or a live ticker flattened to text: 5,000 sentences from 17 words.
    rng = random.Random(17)
    words = "the minister said on tuesday that grain exports would resume after talks".split()
    words += ["with", "officials", "in", "capital"]
    sentences = (
        " ".join(rng.choices(words, k=15)).capitalize() + f" number {n}." for n in range(5000)
    )
    ticker = write(tmp_path / "ticker.txt", "\n".join(sentences))
    args = ["trace", SEEDS / GOOD_FILES[0], ticker, "-o", tmp_path / "out", "--no-report", "-j1"]
    completed = subprocess.run(
        [sys.executable, "-m", "tracer", *map(str, args)],
        capture_output=True,
        text=True,
        timeout=10,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
