"""Reading articles from disk: encodings, bad files, dumps, directories, dates, truncation."""

from __future__ import annotations

import gzip
import json
import os
from pathlib import Path

import pytest

from tracer.errors import Problem, TracerError
from tracer.ingest import (
    DEFAULT_MAX_CHARS,
    Corpus,
    decode_text,
    load_article,
    parse_date,
    read_article,
    read_corpus,
    sniff_format,
)

PNG_HEADER = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10"


def write(path: Path, data: bytes | str) -> Path:
    """Write a fixture file (creating its folders); ``str`` is written as UTF-8, byte for byte."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return path


def jsonl(*records: object) -> str:
    return "".join(json.dumps(record) + "\n" for record in records)


def messages(problems: tuple[Problem, ...]) -> list[str]:
    return [str(problem) for problem in problems]


# ---------------------------------------------------------------------------------------------
# decode_text


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        pytest.param("Grüße, “quotes”".encode(), "Grüße, “quotes”", id="utf-8"),
        pytest.param(b"\xef\xbb\xbfBOM first", "BOM first", id="utf-8-bom"),
        pytest.param("\ufeffÜber".encode("utf-16-le"), "Über", id="utf-16-le-bom"),
        pytest.param("\ufeffÜber".encode("utf-16-be"), "Über", id="utf-16-be-bom"),
        pytest.param("Über 中文".encode("utf-16"), "Über 中文", id="utf-16-native"),
        pytest.param("Über".encode("utf-32"), "Über", id="utf-32"),
        pytest.param(b"caf\xe9 \x93quoted\x94", "café “quoted”", id="cp1252"),
        # 0x81 is undefined in cp1252, so only latin-1 can read this one.
        pytest.param(b"caf\xe9 \x81", "café \x81", id="latin-1"),
        # Each part keeps its characters: UTF-8 where the bytes are UTF-8, cp1252 elsewhere.
        pytest.param("Genève ".encode() + b"\x93caf\xe9\x94", "Genève “café”", id="mixed"),
        pytest.param(b"", "", id="empty"),
    ],
)
def test_decode_text_guesses_the_encoding(data: bytes, expected: str) -> None:
    assert decode_text(data, "a.txt") == expected


def test_decode_text_keeps_line_endings_exactly() -> None:
    data = b"one\r\ntwo\rthree\nfour\r\n"
    assert decode_text(data, "a.txt") == "one\r\ntwo\rthree\nfour\r\n"
    assert decode_text("a\r\nb".encode("utf-16"), "a.txt") == "a\r\nb"


def test_cjk_in_utf16_is_not_mistaken_for_binary() -> None:
    # Many CJK code points have a low byte under 0x20; only real control characters count.
    text = "".join(chr(code) for code in range(0x4E00, 0x4E00 + 2000))
    assert decode_text(text.encode("utf-16"), "a.txt") == text


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(PNG_HEADER, id="png"),
        pytest.param(b"plain text\x00with a NUL", id="nul"),
        pytest.param(b"\x01\x02\x03\x04 mostly controls \x05\x06\x07\x08", id="controls"),
        pytest.param("\ufeff\x01\x02\x03\x04ab".encode("utf-16"), id="controls-in-utf-16"),
    ],
)
def test_decode_text_rejects_binary(data: bytes) -> None:
    with pytest.raises(TracerError, match=r"^pic\.txt: binary file, not text$"):
        decode_text(data, "pic.txt")


def test_decode_text_allows_a_few_control_characters() -> None:
    text = "Tab\there, form feed\f, and one stray escape \x1b in a long line of text."
    assert decode_text(text.encode(), "a.txt") == text


def test_decode_text_rejects_a_broken_utf16_file() -> None:
    with pytest.raises(TracerError, match=r"^a\.txt: not valid UTF-16"):
        decode_text(b"\xff\xfeA\x00B", "a.txt")


# ---------------------------------------------------------------------------------------------
# read_article / load_article


def test_read_article_takes_id_title_and_origin_from_the_file(tmp_path: Path) -> None:
    path = write(tmp_path / "seeds" / "000_5f7692219c63b442.txt", "\n  Headline here \nBody.\n")
    article = read_article(path)
    assert article.id == "000_5f7692219c63b442"
    assert article.origin == str(path)
    assert article.title == "Headline here"
    assert article.text == "\n  Headline here \nBody.\n"


def test_read_article_keeps_raw_text_byte_exact(tmp_path: Path) -> None:
    raw = "Line one.\r\n\r\n  Indented\tline\u00a0two.\r\n"
    path = write(tmp_path / "a.txt", raw)
    assert read_article(path).text == raw
    assert read_article(path).text.encode() == path.read_bytes()


def test_read_article_decodes_cp1252(tmp_path: Path) -> None:
    path = write(tmp_path / "win.txt", b"caf\xe9 \x93quoted\x94\r\n")
    assert read_article(path).text == "café “quoted”\r\n"


def test_read_article_strips_only_the_utf8_bom(tmp_path: Path) -> None:
    path = write(tmp_path / "bom.txt", b"\xef\xbb\xbfTitle\r\nBody")
    assert read_article(path).text == "Title\r\nBody"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        pytest.param(b"", "empty article", id="empty"),
        pytest.param(b" \r\n\t\n  ", "empty article", id="whitespace"),
        pytest.param(PNG_HEADER, "binary file, not text", id="png"),
    ],
)
def test_read_article_refuses_unusable_content(
    tmp_path: Path, content: bytes, message: str
) -> None:
    path = write(tmp_path / "bad.txt", content)
    with pytest.raises(TracerError) as caught:
        read_article(path)
    assert str(caught.value) == f"{path}: {message}"


def test_read_article_refuses_a_missing_path(tmp_path: Path) -> None:
    path = tmp_path / "nowhere.txt"
    with pytest.raises(TracerError, match=r"nowhere\.txt: no such file$"):
        read_article(path)


def test_read_article_refuses_a_dangling_symlink(tmp_path: Path) -> None:
    link = tmp_path / "link.txt"
    link.symlink_to(tmp_path / "gone.txt")
    with pytest.raises(TracerError, match=r"link\.txt: no such file$"):
        read_article(link)


def test_read_article_refuses_a_directory(tmp_path: Path) -> None:
    with pytest.raises(TracerError, match="is a directory"):
        read_article(tmp_path)


def test_read_article_reports_permission_denied(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # chmod does not stop root, so make the read itself fail the way it would for a user.
    path = write(tmp_path / "secret.txt", "text")

    def refuse(self: Path) -> bytes:
        raise PermissionError(13, "Permission denied", str(self))

    monkeypatch.setattr(Path, "read_bytes", refuse)
    with pytest.raises(TracerError) as caught:
        read_article(path)
    assert str(caught.value) == f"{path}: cannot read: permission denied"


@pytest.mark.skipif(os.geteuid() == 0, reason="root can read a file without permissions")
def test_read_article_reports_an_unreadable_file(tmp_path: Path) -> None:
    path = write(tmp_path / "secret.txt", "text")
    path.chmod(0)
    with pytest.raises(TracerError, match="cannot read: permission denied"):
        read_article(path)


def test_long_article_is_cut_at_a_word_boundary(tmp_path: Path) -> None:
    path = write(tmp_path / "long.txt", "alpha beta gamma delta")
    article, warnings = load_article(path, max_chars=13)
    assert article.text == "alpha beta"
    assert messages(warnings) == [f"{path}: truncated from 22 to 10 characters"]
    assert read_article(path, max_chars=13).text == "alpha beta"


def test_cut_keeps_a_word_that_ends_exactly_at_the_limit(tmp_path: Path) -> None:
    path = write(tmp_path / "long.txt", "alpha beta gamma")
    assert read_article(path, max_chars=10).text == "alpha beta"


def test_cut_falls_back_to_the_limit_without_whitespace(tmp_path: Path) -> None:
    path = write(tmp_path / "long.txt", "x" * 50)
    article, warnings = load_article(path, max_chars=20)
    assert article.text == "x" * 20
    assert messages(warnings) == [f"{path}: truncated from 50 to 20 characters"]


def test_short_article_has_no_warnings(tmp_path: Path) -> None:
    _article, warnings = load_article(write(tmp_path / "a.txt", "Short."))
    assert warnings == ()
    assert DEFAULT_MAX_CHARS == 1_000_000


# ---------------------------------------------------------------------------------------------
# read_corpus: files and directories


def test_missing_top_level_path_stops_the_run(tmp_path: Path) -> None:
    good = write(tmp_path / "a.txt", "Text.")
    with pytest.raises(TracerError, match=r"missing: no such file or directory$"):
        read_corpus([good, tmp_path / "missing"])


def test_directory_is_walked_sorted_and_recursively(tmp_path: Path) -> None:
    root = tmp_path / "corpus"
    write(root / "b.txt", "B text.")
    write(root / "a.txt", "A text.")
    write(root / "sub" / "deeper" / "c.text", "C text.")
    write(root / "sub" / "aa.TXT", "AA text.")
    write(root / "logo.png", PNG_HEADER)
    write(root / "notes.md", "# not an article")
    write(root / ".hidden.txt", "hidden")
    write(root / ".git" / "config.txt", "hidden folder")

    corpus = read_corpus([root])

    assert [a.id for a in corpus.articles] == ["a", "b", "aa", "c"]
    assert messages(corpus.problems) == [
        f"{root / 'logo.png'}: not a supported article file",
        f"{root / 'notes.md'}: not a supported article file",
    ]
    assert corpus.warnings == ()


def test_symlink_loops_do_not_hang_the_walk(tmp_path: Path) -> None:
    root = tmp_path / "corpus"
    write(root / "a.txt", "A text.")
    (root / "sub").mkdir()
    (root / "sub" / "up").symlink_to(root, target_is_directory=True)
    (root / "self.txt").symlink_to(root / "self.txt")
    (root / "dangling.txt").symlink_to(root / "gone.txt")

    corpus = read_corpus([root])

    assert [a.id for a in corpus.articles] == ["a"]
    assert messages(corpus.problems) == [
        f"{root / 'dangling.txt'}: broken or looping symbolic link",
        f"{root / 'self.txt'}: broken or looping symbolic link",
        f"{root / 'sub' / 'up'}: symbolic link to a directory, not followed",
    ]


def test_bad_files_are_skipped_and_good_ones_kept(tmp_path: Path) -> None:
    root = tmp_path / "corpus"
    write(root / "1.txt", "First.")
    write(root / "2.txt", b"\x00\x01\x02binary")
    write(root / "3.txt", "   \n")
    write(root / "4.txt", b"caf\xe9")

    corpus = read_corpus([root])

    assert [(a.id, a.text) for a in corpus.articles] == [("1", "First."), ("4", "café")]
    assert messages(corpus.problems) == [
        f"{root / '2.txt'}: binary file, not text",
        f"{root / '3.txt'}: empty article",
    ]
    assert corpus.skipped == 2
    assert corpus.summary() == "2 articles read, 2 inputs skipped, 0 warnings"


def test_top_level_file_of_any_type_is_read_as_text(tmp_path: Path) -> None:
    notes = write(tmp_path / "article.md", "Markdown article.")
    picture = write(tmp_path / "pic.png", PNG_HEADER)
    corpus = read_corpus([notes, picture])
    assert [a.id for a in corpus.articles] == ["article"]
    assert messages(corpus.problems) == [f"{picture}: binary file, not text"]


def test_unreadable_file_in_a_corpus_is_skipped(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    good = write(tmp_path / "good.txt", "Good.")
    secret = write(tmp_path / "secret.txt", "Secret.")
    real_read_bytes = Path.read_bytes

    def refuse_secret(self: Path) -> bytes:
        if self.name == "secret.txt":
            raise PermissionError(13, "Permission denied", str(self))
        return real_read_bytes(self)

    monkeypatch.setattr(Path, "read_bytes", refuse_secret)
    corpus = read_corpus([good, secret])
    assert [a.id for a in corpus.articles] == ["good"]
    assert messages(corpus.problems) == [f"{secret}: cannot read: permission denied"]


def test_duplicate_ids_across_directories_keep_the_first(tmp_path: Path) -> None:
    first = write(tmp_path / "one" / "a.txt", "First a.")
    second = write(tmp_path / "two" / "a.txt", "Second a.")
    corpus = read_corpus([tmp_path / "one", tmp_path / "two"])
    assert [a.text for a in corpus.articles] == ["First a."]
    assert messages(corpus.problems) == [
        f"{second}: duplicate id 'a', already read from {first}",
    ]


def test_articles_come_in_input_order(tmp_path: Path) -> None:
    z = write(tmp_path / "z.txt", "Z.")
    write(tmp_path / "dir" / "m.txt", "M.")
    a = write(tmp_path / "a.txt", "A.")
    corpus = read_corpus([z, tmp_path / "dir", a])
    assert [article.id for article in corpus.articles] == ["z", "m", "a"]


def test_truncation_in_a_corpus_is_a_warning(tmp_path: Path) -> None:
    path = write(tmp_path / "long.txt", "word " * 10)
    corpus = read_corpus([path], max_chars=12)
    assert [a.text for a in corpus.articles] == ["word word"]
    assert corpus.problems == ()
    assert messages(corpus.warnings) == [f"{path}: truncated from 50 to 9 characters"]
    assert corpus.summary() == "1 article read, 0 inputs skipped, 1 warning"


def test_max_chars_must_be_positive(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="max_chars"):
        read_corpus([tmp_path], max_chars=0)


# ---------------------------------------------------------------------------------------------
# read_corpus: JSONL dumps


def test_jsonl_fields_become_article_fields_and_metadata(tmp_path: Path) -> None:
    dump = write(
        tmp_path / "dump.jsonl",
        jsonl(
            {
                "id": "x1",
                "text": "Body one.\r\nMore.",
                "title": " Title ",
                "date": "Sept. 8, 2023",
                "url": "https://example.org/1",
                "source": "Example",
                "lang": "en",
                "tags": ["a", "b"],
            },
            {"id": 42, "text": "Body two."},
        ),
    )

    corpus = read_corpus([dump])

    first, second = corpus.articles
    assert first.id == "x1"
    assert first.text == "Body one.\r\nMore."
    assert (first.title, first.date, first.url, first.source) == (
        "Title",
        "2023-09-08",
        "https://example.org/1",
        "Example",
    )
    assert first.origin == f"{dump}:1"
    assert first.metadata == {"lang": "en", "tags": ["a", "b"]}
    assert type(first.metadata) is dict
    assert second.id == "42"
    assert second.metadata == {}
    assert corpus.problems == () and corpus.warnings == ()


def test_jsonl_bad_lines_are_skipped_with_their_line_numbers(tmp_path: Path) -> None:
    lines = [
        json.dumps({"id": "a", "text": "First a."}),  # 1
        "",  # 2: blank lines are ignored
        "{not json",  # 3
        json.dumps(["a", "list"]),  # 4
        json.dumps({"id": "b"}),  # 5
        json.dumps({"id": "c", "text": 12}),  # 6
        json.dumps({"id": "d", "text": "  \n "}),  # 7
        json.dumps({"id": "a", "text": "Second a."}),  # 8
        "   ",  # 9
        json.dumps({"id": 1.5, "text": "Float id."}),  # 10
        json.dumps({"text": "No id."}),  # 11
    ]
    dump = write(tmp_path / "dump.jsonl", "\n".join(lines) + "\n")

    corpus = read_corpus([dump])

    assert [(a.id, a.text) for a in corpus.articles] == [("a", "First a."), ("dump:11", "No id.")]
    assert messages(corpus.problems) == [
        f"{dump}:3: not valid JSON (Expecting property name enclosed in double quotes at column 2)",
        f"{dump}:4: not a JSON object (found array)",
        f"{dump}:5: no 'text' field",
        f"{dump}:6: 'text' is not a string (found number)",
        f"{dump}:7: empty text",
        f"{dump}:8: duplicate id 'a', already read from {dump}:1",
        f"{dump}:10: 'id' is not a string or integer (found number)",
    ]


def test_jsonl_latin1_line_does_not_spoil_the_file(tmp_path: Path) -> None:
    good = json.dumps({"id": "u", "text": "Grüße"}, ensure_ascii=False).encode()
    latin = '{"id": "l", "text": "caf\xe9"}'.encode("latin-1")
    dump = write(tmp_path / "mixed.ndjson", good + b"\r\n" + latin + b"\r\n")

    corpus = read_corpus([dump])

    assert [(a.id, a.text) for a in corpus.articles] == [("u", "Grüße"), ("l", "café")]
    assert corpus.problems == ()


def test_jsonl_gz_is_read_like_jsonl(tmp_path: Path) -> None:
    dump = write(
        tmp_path / "dump.jsonl.gz",
        gzip.compress(jsonl({"text": "Zipped one."}, {"id": "z", "text": "Zipped two."}).encode()),
    )
    corpus = read_corpus([dump])
    assert [(a.id, a.text) for a in corpus.articles] == [
        ("dump:1", "Zipped one."),
        ("z", "Zipped two."),
    ]
    assert corpus.articles[0].origin == f"{dump}:1"


def test_truncated_gzip_keeps_the_lines_before_the_damage(tmp_path: Path) -> None:
    records = [{"id": str(n), "text": f"Article number {n}."} for n in range(2000)]
    packed = gzip.compress(jsonl(*records).encode())
    dump = write(tmp_path / "cut.jsonl.gz", packed[: len(packed) // 2])

    corpus = read_corpus([dump])

    assert 0 < len(corpus.articles) < 2000
    assert [a.id for a in corpus.articles] == [str(n) for n in range(len(corpus.articles))]
    (problem,) = corpus.problems
    assert problem.where.startswith(f"{dump}:")
    assert problem.message.startswith("cannot read further")


def test_a_file_that_is_not_gzip_is_reported(tmp_path: Path) -> None:
    dump = write(tmp_path / "fake.jsonl.gz", jsonl({"text": "Not zipped."}))
    corpus = read_corpus([dump])
    assert corpus.articles == ()
    (problem,) = corpus.problems
    assert problem.where == str(dump)
    # The rest of the message is gzip's own wording, which varies between Python versions.
    assert problem.message.startswith("cannot read: not a gzipped file")


def test_binary_dump_is_one_problem_not_one_per_line(tmp_path: Path) -> None:
    dump = write(tmp_path / "dump.jsonl", PNG_HEADER * 10)
    corpus = read_corpus([dump])
    assert messages(corpus.problems) == [f"{dump}: binary file, not text"]


def test_long_jsonl_lines_are_read_past_the_sniffed_head(tmp_path: Path) -> None:
    long_text = "word " * 3000  # longer than the 8 KiB head
    dump = write(tmp_path / "d.jsonl", jsonl({"id": "a", "text": "A."}, {"text": long_text}) * 2)
    corpus = read_corpus([dump])
    assert [a.id for a in corpus.articles] == ["a", "d:2", "d:4"]
    assert corpus.articles[1].text == long_text
    assert messages(corpus.problems) == [f"{dump}:3: duplicate id 'a', already read from {dump}:1"]


def test_utf16_dump_is_decoded_whole(tmp_path: Path) -> None:
    dump = write(tmp_path / "wide.jsonl", jsonl({"id": "w", "text": "Über"}).encode("utf-16"))
    assert [a.text for a in read_corpus([dump]).articles] == ["Über"]


def test_jsonl_alterations_are_warnings(tmp_path: Path) -> None:
    dump = write(
        tmp_path / "dump.jsonl",
        jsonl(
            {"id": "a", "text": "one two three four", "date": "yesterday"},
            {"id": "b", "text": "Fine.", "date": "2023-02-30", "title": 7},
            {"id": "c", "text": "Fine.", "date": ""},
        ),
    )

    corpus = read_corpus([dump], max_chars=10)

    assert [(a.id, a.text, a.date, a.title) for a in corpus.articles] == [
        ("a", "one two", None, None),
        ("b", "Fine.", None, None),
        ("c", "Fine.", None, None),
    ]
    assert corpus.problems == ()
    assert messages(corpus.warnings) == [
        f"{dump}:1: truncated from 18 to 7 characters",
        f"{dump}:1: unreadable date 'yesterday' ignored",
        f"{dump}:2: 'title' is not a string (found number), ignored",
        f"{dump}:2: unreadable date '2023-02-30' ignored",
    ]


def test_duplicate_id_between_a_text_file_and_a_dump(tmp_path: Path) -> None:
    text = write(tmp_path / "a.txt", "From a file.")
    dump = write(tmp_path / "dump.jsonl", jsonl({"id": "a", "text": "From a dump."}))
    corpus = read_corpus([text, dump])
    assert [a.text for a in corpus.articles] == ["From a file."]
    assert messages(corpus.problems) == [f"{dump}:1: duplicate id 'a', already read from {text}"]


def test_dumps_are_found_inside_directories(tmp_path: Path) -> None:
    write(tmp_path / "c" / "x.ndjson.gz", gzip.compress(jsonl({"text": "Deep."}).encode()))
    corpus = read_corpus([tmp_path / "c"])
    assert [a.id for a in corpus.articles] == ["x:1"]


# ---------------------------------------------------------------------------------------------
# parse_date


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2023-09-08", "2023-09-08"),
        ("2023-09-08T10:00:00Z", "2023-09-08T10:00:00"),
        ("2023-09-08T12:00:00+02:00", "2023-09-08T10:00:00"),
        ("2023-09-08 10:00", "2023-09-08T10:00:00"),
        (" 2023-09-08 ", "2023-09-08"),
        ("08.09.2023", "2023-09-08"),
        ("8.9.2023", "2023-09-08"),
        ("Sept. 8, 2023", "2023-09-08"),
        ("Sep 8, 2023", "2023-09-08"),
        ("8 September 2023", "2023-09-08"),
        ("September 8, 2023", "2023-09-08"),
        ("8th Sept. 2023", "2023-09-08"),
        (1694167200, "2023-09-08T10:00:00"),
        (1694167200000, "2023-09-08T10:00:00"),
        (1694167200.7, "2023-09-08T10:00:00"),
    ],
)
def test_parse_date_reads_common_formats(value: object, expected: str) -> None:
    assert parse_date(value) == expected


@pytest.mark.parametrize(
    "value",
    [
        "2023-02-30",
        "30.02.2023",
        "yesterday",
        "Smarch 8, 2023",
        "",
        None,
        True,
        float("nan"),
        10**30,
        ["2023-09-08"],
        # Valid as written, but before year 1 or after 9999 once moved to UTC.
        "0001-01-01T00:00:00+05:00",
        "9999-12-31T23:00:00-05:00",
    ],
)
def test_parse_date_returns_none_for_unreadable_dates(value: object) -> None:
    assert parse_date(value) is None


def test_corpus_summary_counts() -> None:
    corpus = Corpus(problems=(Problem("a", "x"), Problem("b", "y")), warnings=(Problem("c", "z"),))
    assert corpus.skipped == 2
    assert corpus.summary() == "0 articles read, 2 inputs skipped, 1 warning"


def test_json_error_messages_read_as_english(tmp_path: Path) -> None:
    dump = write(tmp_path / "d.jsonl", '{"text": "open\n')
    (problem,) = read_corpus([dump]).problems
    assert str(problem) == f"{dump}:1: not valid JSON (Unterminated string starting at column 10)"


def test_lone_surrogates_in_json_become_replacement_characters(tmp_path: Path) -> None:
    dump = write(
        tmp_path / "d.jsonl",
        '{"id": "x\\udce9", "text": "Half \\ud800 a pair.", "title": "\\udfff", '
        '"tags": ["\\ud800"], "\\ud801": 1}\n',
    )
    corpus = read_corpus([dump])
    (article,) = corpus.articles
    # One character for one: the offsets the later stages report still fit the text.
    assert article.text == "Half \ufffd a pair."
    assert (article.id, article.title) == ("xé", "\ufffd")
    assert article.metadata == {"tags": ["\ufffd"], "\ufffd": 1}
    assert messages(corpus.warnings) == [
        f"{dump}:1: 4 invalid characters (lone UTF-16 surrogates) replaced with U+FFFD"
    ]


def test_a_file_name_that_is_not_utf8_is_read_like_file_contents(tmp_path: Path) -> None:
    name = os.fsdecode(b"caf\xe9 \x93quoted\x94.txt")
    path = write(tmp_path / name, "Text.")
    expected = "café “quoted”"
    assert read_article(path).id == expected
    corpus = read_corpus([tmp_path])
    assert [(a.id, a.origin) for a in corpus.articles] == [(expected, f"{tmp_path}/{expected}.txt")]
    empty = write(tmp_path / os.fsdecode(b"\xff.txt"), "")
    with pytest.raises(TracerError, match=r"^.*/ÿ\.txt: empty article$"):
        read_article(empty)


def test_a_fifo_is_refused_without_being_opened(tmp_path: Path) -> None:
    # Opening a FIFO for reading waits for a writer: sniffing its format used to hang the run.
    fifo = tmp_path / "incoming"
    os.mkfifo(fifo)
    assert sniff_format(fifo) is None
    assert messages(read_corpus([fifo]).problems) == [f"{fifo}: not a regular file"]


def test_a_symlink_to_a_device_is_not_called_broken(tmp_path: Path) -> None:
    root = tmp_path / "corpus"
    write(root / "a.txt", "A text.")
    (root / "null.txt").symlink_to("/dev/null")
    assert messages(read_corpus([root]).problems) == [f"{root / 'null.txt'}: not a regular file"]


def test_control_characters_in_a_file_name_are_escaped_in_messages(tmp_path: Path) -> None:
    write(tmp_path / "two\nlines.txt", "")
    (problem,) = read_corpus([tmp_path]).problems
    assert str(problem) == f"{tmp_path}/two\\nlines.txt: empty article"
