"""Input formats: sniffing, field maps, news-please JSON, HTML pages, WARC archives, the CLI."""

from __future__ import annotations

import gzip
import io
import json
import re
import sys
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from tracer.cli import cli
from tracer.errors import Problem, TracerError
from tracer.ingest import (
    DEFAULT_FIELDS,
    FieldMap,
    InputOptions,
    read_corpus,
    sniff_format,
)

BODY_A = (
    "North Korea is ready to sign an arms supply agreement with Russia, the Financial Times "
    "writes, citing sources in American intelligence. Pyongyang can offer ammunition, multiple "
    "launch rocket systems and short-range ballistic missiles to help Moscow."
)
BODY_B = (
    "The White House said on Monday that talks between the two leaders were advancing. "
    "Officials declined to say when a meeting could take place, or where it would be held."
)


def write(path: Path, data: bytes | str) -> Path:
    """Write a fixture file (creating its folders); ``str`` is written as UTF-8."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return path


def jsonl(*records: object) -> str:
    return "".join(json.dumps(record) + "\n" for record in records)


def messages(problems: tuple[Problem, ...]) -> list[str]:
    return [str(problem) for problem in problems]


def page(title: str, body: str, *, date: str | None = None, site: str | None = None) -> str:
    """A news page with navigation and a footer around the article."""
    meta = ""
    if date is not None:
        meta += f'<meta property="article:published_time" content="{date}">'
    if site is not None:
        meta += f'<meta property="og:site_name" content="{site}">'
    paragraphs = "".join(f"<p>{sentence.rstrip('.')}.</p>" for sentence in body.split(". "))
    return (
        f"<!doctype html><html><head><title>{title}</title>{meta}</head><body>"
        "<nav><a href='/'>Home</a> <a href='/news'>News</a></nav>"
        f"<article><h1>{title}</h1>{paragraphs}</article>"
        "<footer>Copyright 2023 Example Media</footer></body></html>"
    )


NO_TEXT_PAGE = (
    "<html><head><title>Empty</title></head><body><script>var x = 1;</script></body></html>"
)


# ---------------------------------------------------------------------------------------------
# Sniffing


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("a.txt", "txt"),
        ("a.TEXT", "txt"),
        ("dump.jsonl", "jsonl"),
        ("dump.ndjson.gz", "jsonl"),
        ("article.json", "newsplease"),
        ("page.html", "html"),
        ("page.HTM", "html"),
        ("CC-NEWS-20230908.warc.gz", "warc"),
        ("crawl.warc", "warc"),
    ],
)
def test_format_is_sniffed_from_the_name(name: str, expected: str) -> None:
    assert sniff_format(Path(name)) == expected


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        pytest.param(b"WARC/1.1\r\nWARC-Type: warcinfo\r\n", "warc", id="warc"),
        pytest.param(gzip.compress(b"WARC/1.0\r\nWARC-Type: response\r\n"), "warc", id="warc-gz"),
        pytest.param(b"\xef\xbb\xbf  <!DOCTYPE html><html><body>x", "html", id="html"),
        pytest.param(b"<div>x</div><body>", "html", id="html-fragment"),
        pytest.param(jsonl({"id": 1, "text": "x"}).encode(), "jsonl", id="jsonl"),
        pytest.param(
            jsonl({"maintext": "x", "date_publish": None}).encode(), "newsplease", id="np"
        ),
        pytest.param(b'{\n  "maintext": "x"\n}\n', "newsplease", id="np-pretty"),
        pytest.param(b"Plain article text.\n", None, id="text"),
        pytest.param(b"<rss><channel/></rss>", None, id="other-xml"),
        pytest.param(gzip.compress(b"plain text"), None, id="other-gzip"),
    ],
)
def test_format_is_sniffed_from_the_first_bytes_of_an_unknown_name(
    tmp_path: Path, content: bytes, expected: str | None
) -> None:
    assert sniff_format(write(tmp_path / "download", content)) == expected


def test_an_unsniffable_file_given_by_name_is_read_as_text(tmp_path: Path) -> None:
    notes = write(tmp_path / "notes.md", "A plain article in markdown.")
    corpus = read_corpus([notes])
    assert [(a.id, a.text) for a in corpus.articles] == [("notes", "A plain article in markdown.")]


def test_sniffed_formats_are_read_in_one_run(tmp_path: Path) -> None:
    write(tmp_path / "in" / "a.txt", BODY_A)
    write(tmp_path / "in" / "b.jsonl", jsonl({"id": "b", "text": BODY_B}))
    write(tmp_path / "in" / "c.json", json.dumps({"maintext": "News-please text.", "title": "C"}))
    download = write(tmp_path / "download", jsonl({"id": "d", "text": "Sniffed dump."}))

    corpus = read_corpus([tmp_path / "in", download])

    assert [a.id for a in corpus.articles] == ["a", "b", "c", "d"]
    assert corpus.problems == ()


# ---------------------------------------------------------------------------------------------
# Options and field maps


def test_field_map_defaults_per_format() -> None:
    assert DEFAULT_FIELDS["jsonl"] == FieldMap("text", "id", "title", "date", "url", "source")
    assert DEFAULT_FIELDS["newsplease"] == FieldMap(
        "maintext", "filename", "title", "date_publish", "url", "source_domain"
    )


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda: InputOptions(format="html", fields=FieldMap(text="body")), "only to JSON input"),
        (lambda: InputOptions(format="pdf"), "unknown format 'pdf'"),  # type: ignore[arg-type]
        (lambda: InputOptions(max_chars=0), "max_chars"),
        (lambda: FieldMap(text=" "), "text field name is empty"),
    ],
    ids=["fields-for-html", "unknown-format", "max-chars", "empty-name"],
)
def test_options_that_cannot_work_are_refused(make: Any, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        make()


def test_options_and_the_old_max_chars_keyword_do_not_mix(tmp_path: Path) -> None:
    path = write(tmp_path / "a.txt", "alpha beta gamma")
    assert read_corpus([path], max_chars=11).articles[0].text == "alpha beta"
    options = InputOptions(max_chars=11)
    assert read_corpus([path], options=options).articles[0].text == "alpha beta"
    with pytest.raises(TypeError, match="not both"):
        read_corpus([path], options=options, max_chars=11)


def test_jsonl_fields_can_be_renamed(tmp_path: Path) -> None:
    dump = write(
        tmp_path / "export.jsonl",
        jsonl(
            {
                "guid": "g1",
                "body": BODY_A,
                "headline": "Arms deal",
                "published": "2023-09-08",
                "link": "https://example.org/1",
                "outlet": "Example",
                "text": "a teaser, kept as metadata",
            },
            {"guid": "g2", "text": "No body field."},
        ),
    )
    fields = FieldMap(
        text="body", id="guid", title="headline", date="published", url="link", source="outlet"
    )

    corpus = read_corpus([dump], options=InputOptions(fields=fields))

    (article,) = corpus.articles
    assert (article.id, article.text, article.title, article.date) == (
        "g1",
        BODY_A,
        "Arms deal",
        "2023-09-08",
    )
    assert (article.url, article.source) == ("https://example.org/1", "Example")
    assert article.metadata == {"text": "a teaser, kept as metadata"}
    assert messages(corpus.problems) == [f"{dump}:2: no 'body' field"]


def test_one_renamed_field_keeps_the_other_defaults(tmp_path: Path) -> None:
    dump = write(tmp_path / "d.jsonl", jsonl({"id": "x", "content": "Body.", "title": "T"}))
    corpus = read_corpus([dump], options=InputOptions(fields=FieldMap(text="content")))
    assert [(a.id, a.text, a.title) for a in corpus.articles] == [("x", "Body.", "T")]


# ---------------------------------------------------------------------------------------------
# news-please


def newsplease_record(**changes: object) -> dict[str, object]:
    record: dict[str, object] = {
        "authors": ["Jane Doe"],
        "date_download": "2023-09-09 08:00:00",
        "date_modify": None,
        "date_publish": "2023-09-08 10:00:00",
        "description": "North Korea is ready to sign an arms deal.",
        "filename": "https%3A%2F%2Fexample.org%2Farms.json",
        "image_url": None,
        "language": "en",
        "localpath": None,
        "maintext": BODY_A,
        "source_domain": "example.org",
        "title": "North Korea ready to sign arms deal",
        "title_page": None,
        "title_rss": None,
        "url": "https://example.org/arms",
    }
    record.update(changes)
    return record


def test_newsplease_file_becomes_an_article(tmp_path: Path) -> None:
    path = write(tmp_path / "crawl" / "arms.json", json.dumps(newsplease_record(), indent=4))

    corpus = read_corpus([tmp_path / "crawl"])

    (article,) = corpus.articles
    assert article.id == "https%3A%2F%2Fexample.org%2Farms"
    assert article.text == BODY_A
    assert article.title == "North Korea ready to sign arms deal"
    assert article.date == "2023-09-08T10:00:00"
    assert (article.url, article.source) == ("https://example.org/arms", "example.org")
    assert article.origin == str(path)
    assert article.metadata["description"] == "North Korea is ready to sign an arms deal."
    assert article.metadata["authors"] == ["Jane Doe"]
    assert "maintext" not in article.metadata and "filename" not in article.metadata
    assert corpus.problems == () and corpus.warnings == ()


def test_newsplease_id_falls_back_to_the_file_stem(tmp_path: Path) -> None:
    write(tmp_path / "c" / "a1b2.json", json.dumps(newsplease_record(filename=None)))
    assert [a.id for a in read_corpus([tmp_path / "c"]).articles] == ["a1b2"]


def test_newsplease_without_maintext_is_skipped_not_read_from_its_description(
    tmp_path: Path,
) -> None:
    path = write(tmp_path / "teaser.json", json.dumps(newsplease_record(maintext=None)))
    corpus = read_corpus([path])
    assert corpus.articles == ()
    assert messages(corpus.problems) == [f"{path}: no article text ('maintext' is null)"]


def test_old_newsplease_files_have_text_instead_of_maintext(tmp_path: Path) -> None:
    record = newsplease_record(text=BODY_B)
    del record["maintext"]
    path = write(tmp_path / "old.json", json.dumps(record))
    (article,) = read_corpus([path]).articles
    assert article.text == BODY_B


def test_newsplease_text_field_can_be_chosen(tmp_path: Path) -> None:
    path = write(tmp_path / "a.json", json.dumps(newsplease_record(maintext=None)))
    options = InputOptions(fields=FieldMap(text="description"))
    (article,) = read_corpus([path], options=options).articles
    assert article.text == "North Korea is ready to sign an arms deal."


def test_malformed_newsplease_files_are_skipped_with_file_and_line(tmp_path: Path) -> None:
    root = tmp_path / "crawl"
    write(root / "1-good.json", json.dumps(newsplease_record()))
    broken = write(root / "2-broken.json", '{\n  "maintext": "cut off",\n  "title": \n')
    lines = write(root / "3-lines.json", jsonl({"maintext": "a"}, {"maintext": "b"}))
    array = write(root / "4-array.json", "[]")
    binary = write(root / "5-binary.json", b"\x89PNG\r\n\x1a\n\x00\x00")

    corpus = read_corpus([root])

    assert len(corpus.articles) == 1
    assert messages(corpus.problems) == [
        f"{broken}:4: not valid JSON (Expecting value at column 1)",
        f"{lines}:2: not valid JSON (Extra data at column 1; several values: JSON Lines? "
        "use format jsonl)",
        f"{array}: not a JSON object (found array)",
        f"{binary}: binary file, not text",
    ]
    assert corpus.summary() == "1 article read, 4 inputs skipped, 0 warnings"


# ---------------------------------------------------------------------------------------------
# An explicit format


def test_format_overrides_the_name_of_a_file_given(tmp_path: Path) -> None:
    path = write(tmp_path / "export.txt", jsonl({"id": "x", "text": "From a dump."}))
    assert read_corpus([path]).articles[0].id == "export"
    corpus = read_corpus([path], options=InputOptions(format="jsonl"))
    assert [(a.id, a.text) for a in corpus.articles] == [("x", "From a dump.")]


def test_format_limits_a_folder_walk_to_its_own_files(tmp_path: Path) -> None:
    root = tmp_path / "mixed"
    write(root / "a.json", json.dumps(newsplease_record()))
    write(root / "b.txt", "A text file.")

    corpus = read_corpus([root], options=InputOptions(format="newsplease"))

    assert [a.text for a in corpus.articles] == [BODY_A]
    assert messages(corpus.problems) == [
        f"{root / 'b.txt'}: not a newsplease file (format newsplease reads .json)"
    ]


# ---------------------------------------------------------------------------------------------
# HTML


def test_missing_trafilatura_stops_the_run_with_what_to_install(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write(tmp_path / "page.html", page("Title", BODY_A))
    monkeypatch.setitem(sys.modules, "trafilatura", None)  # makes the import fail
    with pytest.raises(TracerError) as caught:
        read_corpus([path])
    assert str(caught.value) == (
        f"{path}: reading HTML needs trafilatura, which is not installed: "
        "pip install 'tracer[html]'"
    )


def test_html_pages_give_text_title_date_and_site(tmp_path: Path) -> None:
    pytest.importorskip("trafilatura", reason="HTML input needs the html extra (trafilatura)")
    root = tmp_path / "mirror"
    write(
        root / "example" / "2023" / "arms.html",
        page("Arms deal", BODY_A, date="2023-09-08T10:00:00Z", site="Example Times"),
    )
    write(root / "index.htm", page("Talks", BODY_B))

    corpus = read_corpus([root])

    arms, index = corpus.articles
    assert arms.id == "example/2023/arms"
    assert "Pyongyang can offer ammunition" in arms.text
    assert "Home" not in arms.text and "Copyright" not in arms.text
    assert (arms.title, arms.date, arms.source) == ("Arms deal", "2023-09-08", "Example Times")
    assert arms.origin == str(root / "example" / "2023" / "arms.html")
    assert index.id == "index"
    assert "talks between the two leaders" in index.text
    assert corpus.problems == ()


def test_html_pages_sharing_paragraphs_keep_them_all(tmp_path: Path) -> None:
    # trafilatura's own duplicate filter would drop the second copy: tracer needs both.
    pytest.importorskip("trafilatura", reason="HTML input needs the html extra (trafilatura)")
    first = write(tmp_path / "one.html", page("One", BODY_A))
    second = write(tmp_path / "two.html", page("Two", BODY_A))
    corpus = read_corpus([first, second])
    assert [BODY_A.split(". ")[0] in a.text for a in corpus.articles] == [True, True]


def test_html_pages_without_text_are_skipped(tmp_path: Path) -> None:
    pytest.importorskip("trafilatura", reason="HTML input needs the html extra (trafilatura)")
    root = tmp_path / "pages"
    write(root / "a.html", page("Fine", BODY_A))
    empty = write(root / "b.html", NO_TEXT_PAGE)
    binary = write(root / "c.html", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")

    corpus = read_corpus([root])

    assert [a.id for a in corpus.articles] == ["a"]
    assert messages(corpus.problems) == [
        f"{empty}: no article text found in the page",
        f"{binary}: binary file, not text",
    ]


# ---------------------------------------------------------------------------------------------
# WARC


def build_warc(records: list[dict[str, Any]], *, gzipped: bool = True) -> bytes:
    """A WARC archive written with warcio: ``records`` give type, uri, body, headers..."""
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    buffer = io.BytesIO()
    writer = WARCWriter(buffer, gzip=gzipped)
    for spec in records:
        body: bytes = spec.get("body", b"")
        http_headers = None
        if spec["type"] == "response":
            http_headers = StatusAndHeaders(
                spec.get("status", "200 OK"),
                [("Content-Type", spec["content_type"])],
                protocol="HTTP/1.1",
            )
        elif spec["type"] == "request":
            http_headers = StatusAndHeaders(
                "GET / HTTP/1.1", [("Host", "example.org")], is_http_request=True
            )
        warc_headers = {"WARC-Date": spec.get("date", "2023-09-10T06:00:00Z")}
        if "record_id" in spec:
            warc_headers["WARC-Record-ID"] = spec["record_id"]
        record = writer.create_warc_record(
            spec["uri"],
            spec["type"],
            payload=io.BytesIO(body),
            length=len(body),
            http_headers=http_headers,
            warc_headers_dict=warc_headers,
        )
        writer.write_record(record)
    return buffer.getvalue()


ARMS_ID = "<urn:uuid:3f9a2c54-7d61-4b7e-9a57-1d7f26a1b0c2>"
TALKS_ID = "<urn:uuid:0b5e1f3a-2c4d-4e6f-8a9b-0c1d2e3f4a5b>"


def news_warc() -> bytes:
    return build_warc(
        [
            {
                "type": "response",
                "uri": "https://example.org/arms",
                "content_type": "text/html; charset=utf-8",
                "body": page("Arms deal", BODY_A, date="2023-09-08", site="Example").encode(),
                "record_id": ARMS_ID,
            },
            {"type": "request", "uri": "https://example.org/arms"},
            {
                "type": "response",
                "uri": "https://example.org/logo.png",
                "content_type": "image/png",
                "body": b"\x89PNG\r\n\x1a\n",
            },
            {
                "type": "response",
                "uri": "https://example.org/old",
                "content_type": "text/html",
                "status": "301 Moved Permanently",
                "body": b"<html><body><p>Moved to a new place.</p></body></html>",
            },
            {
                "type": "response",
                "uri": "https://news.example.com/talks?id=7",
                "content_type": "text/html; charset=iso-8859-1",
                "body": page("Talks café", BODY_B).encode("latin-1"),
                "record_id": TALKS_ID,
                "date": "2023-09-09T12:30:00Z",
            },
            {
                "type": "response",
                "uri": "https://example.org/empty",
                "content_type": "text/html",
                "body": NO_TEXT_PAGE.encode(),
            },
        ]
    )


def test_warc_html_responses_become_articles(tmp_path: Path) -> None:
    pytest.importorskip("warcio", reason="WARC input needs the warc extra (warcio)")
    pytest.importorskip("trafilatura", reason="WARC input needs the warc extra (trafilatura)")
    path = write(tmp_path / "CC-NEWS-20230910.warc.gz", news_warc())

    corpus = read_corpus([path])

    arms, talks = corpus.articles
    assert arms.id == "3f9a2c54-7d61-4b7e-9a57-1d7f26a1b0c2"
    assert arms.url == "https://example.org/arms"
    assert arms.date == "2023-09-08"  # the page's own date, not the capture's
    assert (arms.title, arms.source) == ("Arms deal", "Example")
    assert "Pyongyang can offer ammunition" in arms.text
    assert arms.origin == f"{path}:record 1"
    assert talks.id == "0b5e1f3a-2c4d-4e6f-8a9b-0c1d2e3f4a5b"
    assert talks.title == "Talks café"  # decoded with the charset of the HTTP header
    assert talks.date == "2023-09-09T12:30:00"  # no date in the page: the WARC-Date
    assert talks.url == "https://news.example.com/talks?id=7"
    assert talks.origin == f"{path}:record 5"
    # The request, the image and the redirect are not articles and not problems either.
    assert messages(corpus.problems) == [f"{path}:record 6: no article text found in the page"]


def test_warc_ids_are_stable_across_reads(tmp_path: Path) -> None:
    pytest.importorskip("warcio", reason="WARC input needs the warc extra (warcio)")
    pytest.importorskip("trafilatura", reason="WARC input needs the warc extra (trafilatura)")
    archive = build_warc(
        [
            {
                "type": "response",
                "uri": "https://example.org/a",
                "content_type": "text/html",
                "body": page("A", BODY_A).encode(),
            }
        ],
        gzipped=False,
    )
    path = write(tmp_path / "crawl.warc", archive)
    first, second = (read_corpus([path]).articles[0].id for _ in range(2))
    assert first == second
    assert not first.startswith(("<", "urn:"))


def test_a_damaged_warc_keeps_the_records_before_the_damage(tmp_path: Path) -> None:
    pytest.importorskip("warcio", reason="WARC input needs the warc extra (warcio)")
    pytest.importorskip("trafilatura", reason="WARC input needs the warc extra (trafilatura)")
    good = build_warc(
        [
            {
                "type": "response",
                "uri": "https://example.org/a",
                "content_type": "text/html",
                "body": page("A", BODY_A).encode(),
                "record_id": ARMS_ID,
            }
        ]
    )
    path = write(tmp_path / "cut.warc.gz", good + gzip.compress(b"not a WARC record\r\n\r\n"))

    corpus = read_corpus([path])

    assert [a.id for a in corpus.articles] == ["3f9a2c54-7d61-4b7e-9a57-1d7f26a1b0c2"]
    (problem,) = corpus.problems
    assert problem.where == f"{path}:record 2"
    assert problem.message.startswith("cannot read further: ")
    assert "\n" not in problem.message


def test_a_wrong_content_length_is_a_warning_not_noise_on_stderr(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pytest.importorskip("warcio", reason="WARC input needs the warc extra (warcio)")
    pytest.importorskip("trafilatura", reason="WARC input needs the warc extra (trafilatura)")
    records = [
        {
            "type": "response",
            "uri": f"https://example.org/{title}",
            "content_type": "text/html",
            "body": page(title, body).encode(),
        }
        for title, body in [("A", BODY_A), ("B", BODY_B)]
    ]
    archive = build_warc(records, gzipped=False)
    length = re.search(rb"Content-Length: (\d+)", archive)
    assert length is not None
    short = str(int(length[1]) - 8).encode()  # the first record now ends before its last bytes
    path = write(
        tmp_path / "crawl.warc", archive[: length.start(1)] + short + archive[length.end(1) :]
    )

    corpus = read_corpus([path])

    assert len(corpus.articles) == 2
    assert messages(corpus.warnings) == [
        f"{path}:record 2: WARC record boundary damaged (a wrong Content-Length?)"
    ]
    assert capsys.readouterr().err == ""


def test_a_file_that_is_not_a_warc_is_one_problem(tmp_path: Path) -> None:
    pytest.importorskip("warcio", reason="WARC input needs the warc extra (warcio)")
    pytest.importorskip("trafilatura", reason="WARC input needs the warc extra (trafilatura)")
    path = write(tmp_path / "notes.txt", "Just some text.\n")
    corpus = read_corpus([path], options=InputOptions(format="warc"))
    assert messages(corpus.problems) == [f"{path}: not a WARC file: Unknown archive format"]


def test_missing_warcio_stops_the_run_with_what_to_install(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write(tmp_path / "crawl.warc.gz", b"")
    monkeypatch.setitem(sys.modules, "warcio.archiveiterator", None)
    with pytest.raises(TracerError, match=r"crawl\.warc\.gz: reading WARC files needs warcio"):
        read_corpus([path])


# ---------------------------------------------------------------------------------------------
# The command line


def run_trace(*args: str | Path) -> Any:
    return CliRunner().invoke(cli, ["trace", *(str(arg) for arg in args)])


def traced_articles(out_dir: Path) -> dict[str, dict[str, Any]]:
    document = json.loads((out_dir / "trace.json").read_text())
    return {article["id"]: article for article in document["articles"]}


def test_trace_reads_renamed_fields(tmp_path: Path) -> None:
    dump = write(
        tmp_path / "export.jsonl",
        jsonl(
            {"guid": "a", "body": BODY_A, "headline": "Arms", "published": "2023-09-08"},
            {"guid": "b", "body": BODY_B, "headline": "Talks", "outlet": "Wire"},
            {"guid": "c", "text": "No body."},
        ),
    )
    out = tmp_path / "out"

    result = run_trace(
        dump,
        "-o",
        out,
        "--no-report",
        "--text-field",
        "body",
        "--id-field",
        "guid",
        "--title-field",
        "headline",
        "--date-field",
        "published",
        "--source-field",
        "outlet",
    )

    assert result.exit_code == 0, result.output
    articles = traced_articles(out)
    assert sorted(articles) == ["a", "b"]
    assert (articles["a"]["title"], articles["a"]["date"]) == ("Arms", "2023-09-08")
    assert articles["b"]["source"] == "Wire"
    assert f"tracer: skipped: {dump}:3: no 'body' field" in result.output


def test_trace_format_option_overrides_sniffing(tmp_path: Path) -> None:
    dump = write(
        tmp_path / "export.txt",
        jsonl({"id": "a", "text": BODY_A}, {"id": "b", "text": BODY_B}),
    )
    out = tmp_path / "out"
    result = run_trace(dump, "-o", out, "--no-report", "-q", "--format", "jsonl")
    assert result.exit_code == 0, result.output
    assert sorted(traced_articles(out)) == ["a", "b"]


def test_trace_refuses_field_names_for_html(tmp_path: Path, run_main: Any) -> None:
    path = write(tmp_path / "a.html", page("A", BODY_A))
    result = run_main(
        "trace", path, "-o", tmp_path / "out", "--format", "html", "--text-field", "body"
    )
    assert result.exit_code == 2
    assert "field names apply only to JSON input" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "out").exists()


def test_trace_without_the_html_extra_exits_2_naming_the_extra(
    tmp_path: Path, run_main: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write(tmp_path / "a.html", page("A", BODY_A))
    monkeypatch.setitem(sys.modules, "trafilatura", None)
    result = run_main("trace", path, "-o", tmp_path / "out")
    assert result.exit_code == 2
    lines = result.stderr.splitlines()
    assert lines == [
        f"tracer: error: {path}: reading HTML needs trafilatura, which is not installed: "
        "pip install 'tracer[html]'"
    ]


def test_trace_help_shows_the_input_options() -> None:
    result = CliRunner().invoke(cli, ["trace", "--help"])
    assert result.exit_code == 0
    for option in ("--format", "--text-field", "--id-field", "--date-field", "newsplease"):
        assert option in result.output
    assert "tracer trace crawl/ --format newsplease" in result.output
