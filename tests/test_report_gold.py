"""Golden-file test of the HTML report for a small, fixed, hand-built trace.

The pages are compared with ``tests/gold/report/`` after scrubbing what legitimately changes from
run to run or release to release (tracer version, timestamp) and the inlined stylesheet and script
(whose own files are the source of truth; the Content-Security-Policy hash goes with the script).
On a mismatch the actual pages are written to ``tests/actual/report/`` and the test fails with a
diff hint. ``make update-gold`` (``TRACER_UPDATE_GOLD=1``) accepts the current output.

The trace is built by hand, not by running the pipeline, so that a change to alignment or
derivation never changes these files: only a change to the report does.
"""

from __future__ import annotations

import difflib
import os
import re
import shutil
from pathlib import Path

from tracer.errors import Problem
from tracer.model import (
    AlignedPair,
    Article,
    ArticleTrace,
    Attribution,
    Comparison,
    DocumentSimilarity,
    Edge,
    Label,
    Node,
    Passage,
    Segmented,
    Sentence,
    SentenceLink,
    Shares,
    Span,
    TraceResult,
)
from tracer.report import render_pages

TESTS = Path(__file__).resolve().parent
GOLD = TESTS / "gold" / "report"
ACTUAL = TESTS / "actual" / "report"

_SCRUBS = (
    (re.compile(r"(<style>\n).*?(\n</style>)", re.S), r"\1/* report.css */\2"),
    (re.compile(r"(<script>).*?(</script>)", re.S), r"\1/* report.js */\2"),
    # The policy sits in an attribute, where the quotes around the hash are escaped.
    (re.compile(r"('|&#39;)sha256-[A-Za-z0-9+/=]+('|&#39;)"), r"\1sha256-SCRUBBED\2"),
    (re.compile(r"tracer \d+\.\d+\.\d+\S*?(?=[\s\".<])"), "tracer X.Y.Z"),
    (re.compile(r"\d{4}-\d\d-\d\d \d\d:\d\d(:\d\d)? UTC"), "YYYY-MM-DD HH:MM UTC"),
)


def scrub(html: str) -> str:
    """The page without its volatile parts."""
    for pattern, replacement in _SCRUBS:
        html = pattern.sub(replacement, html)
    return html


# --- the fixed trace -----------------------------------------------------------------------------


def _doc(
    article_id: str, lines: list[list[str]], boilerplate: dict[int, str], **meta: str
) -> Segmented:
    """An article from paragraphs of sentences; ``boilerplate`` maps sentence index -> reason."""
    raw_parts: list[str] = []
    sentences: list[Sentence] = []
    position = 0
    for number, paragraph in enumerate(lines):
        if number:
            raw_parts.append("\n")
            position += 1
        for offset, text in enumerate(paragraph):
            if offset:
                raw_parts.append(" ")
                position += 1
            index = len(sentences)
            span = Span(position, position + len(text))
            sentences.append(
                Sentence(
                    article_id,
                    index,
                    span,
                    text,
                    text.lower(),
                    boilerplate.get(index),
                    heading=number == 0 and len(paragraph) == 1 and index == 0,
                )
            )
            raw_parts.append(text)
            position += len(text)
    article = Article(article_id, "".join(raw_parts), origin=f"gold/{article_id}.txt", **meta)
    return Segmented(article, tuple(sentences))


def _links(
    doc: Segmented, verdicts: dict[int, tuple[Label, tuple[int, ...], str]]
) -> tuple[SentenceLink, ...]:
    links = []
    for sentence in doc.sentences:
        if sentence.boilerplate:
            links.append(SentenceLink(sentence.index, "boilerplate"))
        elif sentence.index in verdicts:
            label, counterparts, partner = verdicts[sentence.index]
            similarity = 0.97 if label == "copied" else 0.64
            overlap = 0.93 if label == "copied" else 0.31
            links.append(
                SentenceLink(sentence.index, label, counterparts, similarity, overlap, partner)
            )
        else:
            links.append(SentenceLink(sentence.index, "original"))
    return tuple(links)


def _unpartnered(links: tuple[SentenceLink, ...]) -> tuple[SentenceLink, ...]:
    return tuple(
        SentenceLink(link.index, link.label, link.counterparts, link.similarity, link.overlap, None)
        for link in links
    )


def _cue(doc: Segmented, cue: str, source: str, kind: str, sentence: int) -> Attribution:
    start = doc.article.text.index(cue)
    return Attribution(
        source,
        "outlet",
        kind,  # type: ignore[arg-type]
        cue,
        Span(start, start + len(cue)),
        (sentence,),
    )


def gold_result() -> TraceResult:
    """Three articles: a wire story, a copy of it, and a paraphrase crediting the FT."""
    wire = _doc(
        "wire-1",
        [
            ["Grain deal talks resume in Istanbul"],
            [
                "Negotiators met in Istanbul on Monday to revive the grain corridor.",
                "Officials said ships could sail again within a week.",
                "Insurance costs remain the main obstacle.",
            ],
        ],
        {},
        title="Grain deal talks resume in Istanbul",
        source="Wire Agency",
        date="2023-09-01",
        url="https://wire.example/grain-talks",
    )
    copy = _doc(
        "copy/2",
        [
            ["Istanbul talks <b>revive</b> grain corridor & shipping"],
            [
                "Negotiators met in Istanbul on Monday to revive the grain corridor.",
                "Officials said ships could sail again within a week.",
                "Local traders welcomed the news.",
            ],
            ["Read also: Ports reopen"],
        ],
        {4: "read-also link"},
        title="Istanbul talks <b>revive</b> grain corridor & shipping",
        date="2023-09-02",
        url="javascript:alert('no')",
    )
    paraphrase = _doc(
        "para 3",
        [
            ["Ships may sail soon, FT says"],
            [
                "According to the FT, vessels might leave port again in seven days.",
                "Envoys gathered in Istanbul on Monday hoping to restart the corridor.",
                "Analysts expect higher freight rates.",
            ],
        ],
        {},
        title="Ships may sail soon, FT says",
        source="Daily Example",
    )
    wire_copy = Comparison(
        wire,
        copy,
        _unpartnered(_links(wire, {1: ("copied", (1,), "copy/2"), 2: ("copied", (2,), "copy/2")})),
        _unpartnered(_links(copy, {1: ("copied", (1,), "wire-1"), 2: ("copied", (2,), "wire-1")})),
        (
            AlignedPair((1,), (1,), "copied", 1.0, 1.0),
            AlignedPair((2,), (2,), "copied", 0.98, 0.95),
        ),
        (
            Passage(
                "wire-1",
                "copy/2",
                Span(wire.sentences[1].span.start, wire.sentences[2].span.end),
                Span(copy.sentences[1].span.start, copy.sentences[2].span.end),
                (1, 2),
                (1, 2),
                "copied",
                0.99,
                0.97,
            ),
        ),
        DocumentSimilarity(0.41, 0.62, 0.66, 0.71, 0.74),
        Shares(0.67, 0.0, 0.33),
        Shares(0.58, 0.0, 0.42, boilerplate_chars=23),
    )
    copy_para = Comparison(
        copy,
        paraphrase,
        _unpartnered(
            _links(copy, {1: ("paraphrased", (2,), "para 3"), 2: ("paraphrased", (1,), "para 3")})
        ),
        _unpartnered(
            _links(
                paraphrase, {1: ("paraphrased", (2,), "copy/2"), 2: ("paraphrased", (1,), "copy/2")}
            )
        ),
        (
            AlignedPair((1,), (2,), "paraphrased", 0.66, 0.35),
            AlignedPair((2,), (1,), "paraphrased", 0.61, 0.22),
        ),
        (),
        DocumentSimilarity(0.05, 0.1, 0.1, 0.48, 0.52),
        Shares(0.0, 0.58, 0.42, boilerplate_chars=23),
        Shares(0.0, 0.61, 0.39),
    )
    traces = (
        ArticleTrace(
            wire,
            _links(wire, {1: ("copied", (1,), "copy/2"), 2: ("copied", (2,), "copy/2")}),
            Shares(0.67, 0.0, 0.33),
            (),
        ),
        ArticleTrace(
            copy,
            _links(copy, {1: ("copied", (1,), "wire-1"), 2: ("copied", (2,), "wire-1")}),
            Shares(0.58, 0.0, 0.42, boilerplate_chars=23),
            (),
        ),
        ArticleTrace(
            paraphrase,
            _links(
                paraphrase, {1: ("paraphrased", (2,), "copy/2"), 2: ("paraphrased", (1,), "copy/2")}
            ),
            Shares(0.0, 0.61, 0.39),
            (
                _cue(paraphrase, "FT says", "Financial Times", "reported", 0),
                _cue(paraphrase, "According to the FT", "Financial Times", "reported", 1),
            ),
        ),
    )
    nodes = (
        Node("copy/2", "article", "Istanbul talks <b>revive</b> grain corridor & shipping"),
        Node("para 3", "article", "Ships may sail soon, FT says", outlet="Daily Example"),
        Node("source:financial-times", "latent", "Financial Times", "outlet"),
        Node("wire-1", "article", "Grain deal talks resume in Istanbul", outlet="Wire Agency"),
    )
    edges = (
        Edge(
            "source:financial-times",
            "para 3",
            "derived",
            0.8,
            'cites Financial Times twice ("According to the FT")',
            attributions=traces[2].attributions,
        ),
        Edge(
            "wire-1",
            "copy/2",
            "derived",
            0.9,
            "copies 58% of its text from wire-1, published a day earlier",
            copied=0.58,
            paraphrased=0.0,
            passages=wire_copy.passages,
        ),
        Edge(
            "copy/2",
            "para 3",
            "related",
            0.4,
            "2 passages in other words; direction unclear",
            common_source=None,
        ),
    )
    return TraceResult(
        traces,
        (copy_para, wire_copy),
        nodes,
        edges,
        problems=(Problem("inbox/scan.pdf", "not a text file"),),
        warnings=(Problem("inbox/long.txt", "truncated to 200000 characters"),),
    )


# --- the test ------------------------------------------------------------------------------------


def test_report_matches_the_golden_files() -> None:
    pages = {
        path: scrub(html)
        for path, html in render_pages(gold_result(), "2024-01-02 03:04 UTC").items()
    }
    if os.environ.get("TRACER_UPDATE_GOLD") == "1":
        if GOLD.exists():
            shutil.rmtree(GOLD)
        _write_all(GOLD, pages)
        return
    expected = {
        path.relative_to(GOLD).as_posix(): path.read_text(encoding="utf-8")
        for path in sorted(GOLD.rglob("*.html"))
    }
    if pages == expected:
        if ACTUAL.exists():
            shutil.rmtree(ACTUAL)
        return
    if ACTUAL.exists():
        shutil.rmtree(ACTUAL)
    _write_all(ACTUAL, pages)
    problems = []
    for path in sorted(set(pages) | set(expected)):
        if path not in expected:
            problems.append(f"new page {path}")
        elif path not in pages:
            problems.append(f"page {path} is no longer produced")
        elif pages[path] != expected[path]:
            diff = difflib.unified_diff(
                expected[path].splitlines(),
                pages[path].splitlines(),
                f"gold/{path}",
                f"actual/{path}",
                lineterm="",
                n=1,
            )
            problems.append("\n".join(list(diff)[:40]))
    raise AssertionError(
        "the report differs from tests/gold/report/ (actual pages written to tests/actual/report/)."
        "\nCompare with: diff -ru tests/gold/report tests/actual/report"
        "\nIf the change is intended, accept it with: make update-gold\n\n" + "\n\n".join(problems)
    )


def _write_all(root: Path, pages: dict[str, str]) -> None:
    for path, html in pages.items():
        target = root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(html, encoding="utf-8", newline="\n")


def test_scrub_removes_only_volatile_parts() -> None:
    page = (
        "<style>\nbody{}\n</style><script>x()</script>"
        "<meta content=\"script-src 'sha256-AbC+/=';\">"
        '<meta content="script-src &#39;sha256-AbC+/=&#39;;">'
        "<footer>Generated by tracer 0.1.0 on 2024-01-02 03:04 UTC.</footer>"
    )
    assert scrub(page) == (
        "<style>\n/* report.css */\n</style><script>/* report.js */</script>"
        "<meta content=\"script-src 'sha256-SCRUBBED';\">"
        '<meta content="script-src &#39;sha256-SCRUBBED&#39;;">'
        "<footer>Generated by tracer X.Y.Z on YYYY-MM-DD HH:MM UTC.</footer>"
    )
