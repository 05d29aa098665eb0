"""The HTML report: pages, escaping, offline safety, file names, layout, side-by-side rows."""

from __future__ import annotations

import base64
import hashlib
import json
import re
from dataclasses import replace
from pathlib import Path
from xml.etree.ElementTree import Comment, Element

import html5lib
import pytest
from hypothesis import given
from hypothesis import strategies as st

from tracer.api import compare
from tracer.attribution import find_attributions
from tracer.errors import Problem
from tracer.model import (
    AlignedPair,
    Article,
    ArticleTrace,
    Comparison,
    DocumentSimilarity,
    Edge,
    Node,
    Segmented,
    Sentence,
    SentenceLink,
    Shares,
    Span,
    TraceResult,
)
from tracer.report import render_pages, safe_filename, write_report
from tracer.report.components import connected_components, place_components
from tracer.report.layout import LayoutConfig, layered_layout
from tracer.report.views import (
    build_site,
    external_url,
    format_percent,
    pair_rows,
    script_json,
    word_diff,
)

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
SEED_A = SEEDS / "000_5f7692219c63b442.txt"
SEED_B = SEEDS / "001_63a6e8fa25d66eb9.txt"
WHEN = "2024-05-01 12:00 UTC"

# --- building trace results by hand ---------------------------------------------------------------


def traced(comparisons: list[Comparison]) -> tuple[ArticleTrace, ...]:
    """Article traces from pairwise comparisons: each sentence keeps its best link and partner."""
    docs: dict[str, Segmented] = {}
    best: dict[str, dict[int, SentenceLink]] = {}
    for comparison in comparisons:
        for doc, links, other in (
            (comparison.a, comparison.links_a, comparison.b),
            (comparison.b, comparison.links_b, comparison.a),
        ):
            docs[doc.article.id] = doc
            mine = best.setdefault(doc.article.id, {})
            for link in links:
                current = mine.get(link.index)
                if current is None or (
                    link.label in ("copied", "paraphrased") and link.similarity > current.similarity
                ):
                    mine[link.index] = replace(
                        link, partner=other.article.id if link.counterparts else None
                    )
    traces = []
    for article_id, doc in sorted(docs.items()):
        links = tuple(best[article_id][s.index] for s in doc.sentences)
        own = [c.shares_a if c.a is doc else c.shares_b for c in comparisons if doc in (c.a, c.b)]
        shares = max(own, key=lambda s: s.reused)
        traces.append(ArticleTrace(doc, links, shares, find_attributions(doc)))
    return tuple(traces)


def article_nodes(traces: tuple[ArticleTrace, ...]) -> tuple[Node, ...]:
    return tuple(
        Node(t.doc.article.id, "article", t.doc.article.title or t.doc.article.id) for t in traces
    )


@pytest.fixture(scope="module")
def seed_comparison() -> Comparison:
    return compare(SEED_A, SEED_B)


@pytest.fixture(scope="module")
def seed_result(seed_comparison: Comparison) -> TraceResult:
    """Seeds 000 and 001 as the design tells them: FT -> NV (001); FT -> Racurs -> 000."""
    traces = traced([seed_comparison])
    a_id, b_id = seed_comparison.a.article.id, seed_comparison.b.article.id
    by_id = {t.doc.article.id: t for t in traces}
    ft_b = tuple(x for x in by_id[b_id].attributions if x.source == "Financial Times")
    racurs = tuple(x for x in by_id[a_id].attributions if x.source == "Racurs")
    nodes = (
        *article_nodes(traces),
        Node("source:financial-times", "latent", "Financial Times", "outlet"),
        Node("source:racurs", "latent", "Racurs", "outlet"),
    )
    edges = (
        Edge(
            "source:financial-times",
            b_id,
            "derived",
            0.9,
            "cites the FT 7 times",
            attributions=ft_b,
        ),
        Edge("source:financial-times", "source:racurs", "derived", 0.6, "000 came through Racurs"),
        Edge(
            "source:racurs", a_id, "derived", 0.95, 'declares "Source: Racurs"', attributions=racurs
        ),
        Edge(a_id, b_id, "related", 0.5, "both draw on the FT", common_source="Financial Times"),
    )
    return TraceResult(
        traces,
        (seed_comparison,),
        nodes,
        edges,
        problems=(Problem("seeds/photo.png", "not a text file"),),
    )


HOSTILE = [
    "<script>document.title='pwned'</script>",
    '"onmouseover="alert(1)',
    "</textarea><textarea>",
    "</style><style>body{display:none}",
    "<!-- open comment",
    "<img src=x onerror=\"document.body.setAttribute('data-pwned','1')\">",
    "<a href='javascript:alert(1)'>click</a>",
]


@pytest.fixture(scope="module")
def hostile_result() -> TraceResult:
    """Articles whose text, ids, titles, URLs and metadata try to break out of the page."""
    shared = "Moscow could pay for North Korean weapons with grain, oil and military technology."
    payload = " ".join(f"Here is {text} inside a sentence." for text in HOSTILE)
    first = Article(
        "../../etc/passwd",
        f"{HOSTILE[0]} headline\n{shared} {payload}\nSource: Racurs",
        title=f"Title {HOSTILE[0]}",
        url="javascript:alert(1)",
        source=HOSTILE[3],
        metadata={"author": HOSTILE[5], HOSTILE[1]: "value"},
    )
    second = Article(
        "con",
        f"In return, Moscow can offer grain, oil and military technology. {payload} "
        "According to the FT, talks went well.",
        title=HOSTILE[2],
        url="https://example.org/news?a=1&b=2",
        date="2023-09-05",
    )
    third = Article("Zürich Straße 1", f"Unrelated text. {HOSTILE[4]} Nothing shared here.")
    comparison = compare(first, second)
    other = compare(second, third)
    traces = traced([comparison, other])
    nodes = (
        *article_nodes(traces),
        Node(f"source:{HOSTILE[0]}", "latent", HOSTILE[0], "outlet"),
    )
    edges = (
        Edge(f"source:{HOSTILE[0]}", "con", "derived", 0.5, HOSTILE[5]),
        Edge("../../etc/passwd", "con", "derived", 0.7, HOSTILE[1], copied=0.12, paraphrased=0.3),
        Edge("con", "Zürich Straße 1", "related", 0.2, HOSTILE[4], common_source=HOSTILE[6]),
    )
    return TraceResult(
        traces,
        (comparison, other),
        nodes,
        edges,
        problems=(Problem(HOSTILE[0], HOSTILE[5]),),
        warnings=(Problem("dump.jsonl:3", HOSTILE[2]),),
    )


def parse(html: str) -> Element:
    return html5lib.parse(html, namespaceHTMLElements=False)  # type: ignore[no-any-return]


def text_of(element: Element) -> str:
    return " ".join("".join(element.itertext()).split())


def drawings(page: Element) -> list[Element]:
    """The SVG drawings of the page (not the hidden one holding the arrow markers)."""
    return [svg for svg in elements(page, "svg") if svg.get("class") != "defs"]


def scripts(page: Element) -> list[Element]:
    """The page's executable scripts (not its JSON data blocks)."""
    return [e for e in page.iter("script") if e.get("type") in (None, "text/javascript")]


def elements(root: Element, tag: str, css_class: str | None = None) -> list[Element]:
    """Descendants with this tag (HTML or SVG namespace) and, if given, exactly this class."""
    return [
        e
        for e in root.iter()
        if isinstance(e.tag, str)
        and e.tag.rsplit("}", 1)[-1] == tag
        and (css_class is None or e.get("class") == css_class)
    ]


# --- pages ---------------------------------------------------------------------------------------


def test_one_page_per_article_and_per_compared_pair(seed_result: TraceResult) -> None:
    pages = render_pages(seed_result, WHEN)
    a = safe_filename("000_5f7692219c63b442")
    b = safe_filename("001_63a6e8fa25d66eb9")
    assert sorted(pages) == [
        f"articles/{a}.html",
        f"articles/{b}.html",
        "index.html",
        f"pairs/{a}--{b}.html",
    ]
    for html in pages.values():
        assert html.startswith('<!doctype html>\n<html lang="en">')
        assert '<meta charset="utf-8">' in html
        assert 'class="legend"' in html
        assert WHEN in html


def test_rendering_is_deterministic(seed_result: TraceResult) -> None:
    assert render_pages(seed_result, WHEN) == render_pages(seed_result, WHEN)


def test_write_report_writes_every_page_atomically(
    seed_result: TraceResult, tmp_path: Path
) -> None:
    out = tmp_path / "report"
    written = write_report(seed_result, out, generated_at=WHEN)
    pages = render_pages(seed_result, WHEN)
    assert written == sorted(written)
    assert [p.relative_to(out).as_posix() for p in written] == sorted(pages)
    for path in written:
        assert path.read_text(encoding="utf-8") == pages[path.relative_to(out).as_posix()]
    leftovers = [p for p in out.rglob("*") if p.is_file() and p not in written]
    assert leftovers == []  # no temporary files left behind


def test_write_report_stamps_the_time_when_not_given(
    seed_result: TraceResult, tmp_path: Path
) -> None:
    write_report(seed_result, tmp_path)
    footer = (tmp_path / "index.html").read_text(encoding="utf-8")
    assert re.search(r"on \d{4}-\d\d-\d\d \d\d:\d\d UTC", footer)


def test_pages_only_for_articles_and_pairs_with_something_to_show(
    seed_result: TraceResult,
) -> None:
    lonely_doc = _doc("lonely", ["Nothing here is shared with anyone."])
    lonely = ArticleTrace(lonely_doc, (SentenceLink(0, "original"),), Shares(0.0, 0.0, 1.0), ())
    # Without the related edge, the two seeds are still compared but no longer linked.
    result = replace(
        seed_result,
        articles=(*seed_result.articles, lonely),
        edges=tuple(edge for edge in seed_result.edges if edge.kind != "related"),
    )
    pages = render_pages(result, WHEN)
    a = safe_filename("000_5f7692219c63b442")
    b = safe_filename("001_63a6e8fa25d66eb9")
    assert sorted(pages) == [f"articles/{a}.html", f"articles/{b}.html", "index.html"]
    index = parse(pages["index.html"])
    (row,) = [
        tr
        for tr in index.iterfind(".//table[@id='articles-table']/tbody/tr")
        if "lonely" in text_of(tr)
    ]
    assert [e.tag for e in row.iter() if e.get("class") == "art-title"] == ["span"]  # no link
    article = parse(pages[f"articles/{b}.html"])
    # Reused sentences point at the source sentence on the other article's page instead.
    sources = [str(e.get("href")) for e in article.iter("a") if e.get("class") == "src"]
    assert sources and all(href.startswith(f"../articles/{a}.html#s-") for href in sources)
    assert "side by side" not in text_of(article)
    assert "Articles sharing passages" in text_of(article)


def test_the_graph_is_drawn_per_connected_group(seed_result: TraceResult) -> None:
    a_id = "000_5f7692219c63b442"
    other = Node("source:other", "latent", "Other Agency", "agency")
    result = replace(
        seed_result,
        nodes=(*seed_result.nodes, other),
        edges=(
            *(e for e in seed_result.edges if e.child != a_id and e.parent != a_id),
            Edge("source:other", a_id, "derived", 0.9, "declares it"),
        ),
    )
    page = parse(render_pages(result, WHEN)["index.html"])
    figures = [f for f in page.iter("figure") if f.get("id")]
    assert [f.get("id") for f in figures] == ["c-1", "c-2"]  # largest first
    assert [len(elements(f, "g", "node article")) for f in figures] == [1, 1]
    assert [len(elements(f, "g", "node latent")) for f in figures] == [2, 1]
    # One set of arrow markers for every drawing, so their ids stay unique in the page.
    ids = [str(e.get("id")) for e in page.iter() if e.get("id")]
    assert ids.count("arrow") == 1 and len(ids) == len(set(ids))
    b_page = render_pages(result, WHEN)[f"articles/{safe_filename('001_63a6e8fa25d66eb9')}.html"]
    assert 'href="../index.html#c-1"' in b_page


def test_components_are_numbered_by_size_whatever_the_edge_order() -> None:
    ends = [("b", "c"), ("x", "y"), ("a", "b"), ("y", "z"), ("q", "r"), ("c", "a")]
    first = connected_components(ends)
    second = connected_components(list(reversed(ends)))
    assert [c.nodes for c in first] == [c.nodes for c in second]
    assert [c.nodes for c in first] == [("a", "b", "c"), ("x", "y", "z"), ("q", "r")]
    assert [len(c.edges) for c in first] == [3, 2, 1]
    placement = place_components([500, 30, 3, 2, 2], on_index=2, per_page=2, inline_nodes=40)
    assert placement.index == (1, 2) and placement.pages == ((3, 4), (5,))
    assert placement.own_page == frozenset({1})


def test_embedded_json_cannot_end_its_script_element() -> None:
    hostile = "</script><script>alert(1)</script><!-- & \u2028 \u2029"
    text = str(script_json({"title": hostile}))
    assert not re.search("[<>&\u2028\u2029]", text)
    assert json.loads(text) == {"title": hostile}


def test_an_empty_trace_still_has_an_index() -> None:
    pages = render_pages(TraceResult((), (), (), ()))
    assert list(pages) == ["index.html"]
    assert (
        "Nothing to draw: no article derives from or is related to another." in pages["index.html"]
    )
    assert "No article derives from or is related to another." in pages["index.html"]


# --- index ---------------------------------------------------------------------------------------


def test_index_summarises_the_run_and_draws_the_dag(seed_result: TraceResult) -> None:
    html = render_pages(seed_result, WHEN)["index.html"]
    page = parse(html)
    stats = [text_of(li) for li in page.iterfind(".//ul[@class='stats']/li")]
    assert stats == [
        "2 articles",
        "1 compared pair",
        "3 derivations",
        "1 related pair",
        "2 cited sources not in corpus",
        "1 skipped input",
    ]
    assert "seeds/photo.png: not a text file" in html
    (svg,) = drawings(page)  # one connected group: both articles and the two cited sources
    latent = elements(svg, "g", "node latent")
    names = sorted(text_of(elements(g, "text", "title")[0]) for g in latent)
    assert names == ["Financial Times", "Racurs"]
    assert len(elements(svg, "g", "node article")) == 2
    links = [a.get("href") for a in elements(svg, "a")]
    assert len(links) == 2
    assert all(str(href).startswith("articles/") for href in links)
    labels = [text_of(t) for t in elements(svg, "text", "edge-label")]
    assert "declared source" in labels and "cited" in labels
    (related,) = elements(svg, "g", "edge related")
    assert "common source: Financial Times" in text_of(related)


def test_article_parent_edges_are_labelled_with_their_shares(hostile_result: TraceResult) -> None:
    html = render_pages(hostile_result)["index.html"]
    assert ">12% copied · 30% paraphrased</text>" in html


def test_index_tables_are_sortable_and_link_to_pages(seed_result: TraceResult) -> None:
    page = parse(render_pages(seed_result, WHEN)["index.html"])
    table = page.find(".//table[@id='articles-table']")
    assert table is not None
    headers = [th.get("data-sort") for th in table.iter("th")]
    assert headers.count("number") >= 3
    first_row = table.find("tbody/tr")
    assert first_row is not None
    assert "Financial Times" in text_of(first_row)  # cited sources from the attributions
    assert "36%" in text_of(first_row) or "29%" in text_of(first_row)
    edges = page.find(".//table[@id='edges-table']")
    assert edges is not None
    hrefs = [a.get("href") for a in edges.iter("a")]
    assert any(str(h).startswith("pairs/") for h in hrefs)
    relations = [text_of(span) for span in edges.iter("span") if "rel" in str(span.get("class"))]
    assert "related · common source: Financial Times" in relations
    assert "derived · declared source" in relations


# --- article page --------------------------------------------------------------------------------


def test_article_page_colours_sentences_and_links_sources(seed_result: TraceResult) -> None:
    pages = render_pages(seed_result, WHEN)
    b = safe_filename("001_63a6e8fa25d66eb9")
    page = parse(pages[f"articles/{b}.html"])
    spans = {s.get("id"): s for s in page.iter("span") if str(s.get("id", "")).startswith("s-")}
    pyongyang = next(s for s in spans.values() if "Pyongyang could offer" in text_of(s))
    assert "lbl-paraphrased" in str(pyongyang.get("class"))
    boilerplate = next(s for s in spans.values() if text_of(s).startswith("Read also:"))
    assert "lbl-boilerplate" in str(boilerplate.get("class"))
    sources = [a for a in page.iter("a") if a.get("class") == "src"]
    assert len(sources) == 4  # the four paraphrased FT sentences
    pair_path, anchor = str(sources[1].get("href")).split("#")
    assert pair_path.startswith("../pairs/") and anchor == "a-3"
    pair_page = parse(pages[pair_path.removeprefix("../")])
    target = next(s for s in pair_page.iter("span") if s.get("id") == anchor)
    assert "Pyongyang can offer ammunition" in text_of(target)


def test_article_page_underlines_attribution_cues(seed_result: TraceResult) -> None:
    a = safe_filename("000_5f7692219c63b442")
    page = parse(render_pages(seed_result, WHEN)[f"articles/{a}.html"])
    cues = {text_of(s): s.get("title") for s in page.iter("span") if s.get("class") == "cue"}
    assert "According to the FT" in cues
    assert str(cues["According to the FT"]).startswith("Financial Times (outlet)")
    assert "Source: Racurs" in cues


def test_article_page_lists_parents_with_reasons(seed_result: TraceResult) -> None:
    a = safe_filename("000_5f7692219c63b442")
    text = text_of(parse(render_pages(seed_result, WHEN)[f"articles/{a}.html"]))
    assert 'Racurs outlet · not in corpus declared source declares "Source: Racurs"' in text
    assert "common source: Financial Times" in text


def test_only_http_urls_become_links(hostile_result: TraceResult) -> None:
    pages = render_pages(hostile_result)
    first = parse(pages[f"articles/{safe_filename('../../etc/passwd')}.html"])
    assert "javascript:alert(1)" in text_of(first)
    assert not [a for a in first.iter("a") if "javascript" in str(a.get("href", ""))]
    second = parse(pages[f"articles/{safe_filename('con')}.html"])
    links = [a for a in second.iter("a") if str(a.get("href", "")).startswith("https:")]
    assert [a.get("href") for a in links] == ["https://example.org/news?a=1&b=2"]
    assert "noopener" in str(links[0].get("rel"))


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://example.org/a", "https://example.org/a"),
        ("HTTP://example.org", "HTTP://example.org"),
        ("javascript:alert(1)", None),
        (" javascript:alert(1)", None),
        ("java\tscript:alert(1)", None),
        ("data:text/html,<script>", None),
        ("//example.org/a", None),
        ("https://", None),
        ("https://exa mple.org", None),
        ('https://example.org/"onmouseover=', None),
        (None, None),
    ],
)
def test_external_url(url: str | None, expected: str | None) -> None:
    assert external_url(url) == expected


# --- hostile input -------------------------------------------------------------------------------


def test_hostile_text_renders_as_inert_text(hostile_result: TraceResult) -> None:
    pages = render_pages(hostile_result)
    assert len(pages) == 1 + 3 + 2
    for path, html in pages.items():
        page = parse(html)
        everything = list(page.iter())
        assert len(scripts(page)) == (0 if path.startswith("articles/") else 1), path
        for data in page.iter("script"):
            if data.get("type") == "application/json":
                assert not re.search("[<>&\u2028\u2029]", data.text or ""), path
        assert [e.tag for e in everything].count("style") == 1, path
        assert "textarea" not in [e.tag for e in everything], path
        assert "img" not in [e.tag for e in everything], path
        for element in everything:
            for name in element.attrib:
                assert not name.lower().startswith("on"), (path, element.tag, name)
            assert "javascript:" not in str(element.get("href", "")).lower(), path
        assert "<!-- open comment" not in html, path
        assert not any(e.tag is Comment for e in everything), path
    article = pages[f"articles/{safe_filename('../../etc/passwd')}.html"]
    assert "&lt;script&gt;document.title=&#39;pwned&#39;&lt;/script&gt;" in article
    assert "&lt;!-- open comment" in article
    assert "&lt;/style&gt;" in article
    page = parse(article)
    (title,) = elements(page, "title")
    assert title.text == "Title <script>document.title='pwned'</script> · tracer"
    (body,) = elements(page, "body")
    for text in HOSTILE:
        assert " ".join(text.split()) in text_of(body)


# --- offline safety ------------------------------------------------------------------------------

_RESOURCE_ATTRIBUTES = ("src", "srcset", "poster", "data", "action", "formaction", "xlink:href")


def test_no_external_resources_and_a_strict_csp(hostile_result: TraceResult) -> None:
    for path, html in render_pages(hostile_result).items():
        page = parse(html)
        head = page.find("head")
        assert head is not None
        metas = [m for m in head.iter("meta") if m.get("http-equiv") == "Content-Security-Policy"]
        assert len(metas) == 1, path
        policy = str(metas[0].get("content"))
        assert "default-src 'none'" in policy
        assert "base-uri 'none'" in policy and "form-action 'none'" in policy
        assert "unsafe-inline" not in policy.split("script-src")[1].split(";")[0]
        # The inline script is allowed by its hash, nothing else; pages without it allow none.
        if path.startswith("articles/"):
            assert scripts(page) == [], path
            assert "script-src 'none'" in policy
        else:
            (script,) = scripts(page)
            digest = base64.b64encode(hashlib.sha256((script.text or "").encode()).digest())
            assert f"script-src 'sha256-{digest.decode()}'" in policy
        head_children = [e.tag for e in head]
        assert head_children.index("meta") < head_children.index("style")
        for element in page.iter():
            for name in _RESOURCE_ATTRIBUTES:
                assert name not in element.attrib, (path, element.tag, name)
            if element.tag in ("link", "image", "use", "iframe", "object", "embed", "base"):
                raise AssertionError(f"{path}: unexpected <{element.tag}>")
            href = str(element.get("href", ""))
            if href.startswith(("http:", "https:")):
                assert element.tag == "a", (path, element.tag)
        style = (page.find(".//style").text or "").lower()  # type: ignore[union-attr]
        assert "@import" not in style and "url(" not in style
        assert "http://" not in style and "https://" not in style


# --- file names ----------------------------------------------------------------------------------

_SAFE = re.compile(r"^[a-z0-9][a-z0-9._-]*-[0-9a-f]{12}$")


@pytest.mark.parametrize(
    "article_id",
    [
        "../../etc/passwd",
        "con",
        "CON",
        "a b",
        "",
        " ",
        ".hidden",
        "Zürich Straße",
        "東京",
        "a/b\\c",
    ],
)
def test_safe_filename_is_a_plain_name(article_id: str) -> None:
    name = safe_filename(article_id)
    assert _SAFE.match(name), name
    assert "/" not in name and "\\" not in name and ".." not in name
    assert name.split("-")[0].upper() not in ("CON", "PRN", "AUX", "NUL") or "-" in name
    assert safe_filename(article_id) == name


def test_safe_filename_examples() -> None:
    assert safe_filename("000_5f7692219c63b442").startswith("000_5f7692219c63b442-")
    assert safe_filename("../../etc/passwd").startswith("etc-passwd-")
    assert safe_filename("Zürich Straße").startswith("zurich-strae-")
    assert safe_filename("").startswith("article-")
    assert safe_filename("东京").startswith("article-")
    assert len(safe_filename("x" * 500)) <= 60


def test_safe_filename_keeps_ids_with_equal_slugs_apart() -> None:
    ids = ["a b", "a-b", "A B", "a  b", "a/b", "a_b"]
    names = [safe_filename(i) for i in ids]
    assert len({name.lower() for name in names}) == len(ids)


@given(st.text(), st.text())
def test_distinct_ids_get_distinct_names(one: str, other: str) -> None:
    if one != other:
        assert safe_filename(one) != safe_filename(other)
    assert _SAFE.match(safe_filename(one))


# --- layout --------------------------------------------------------------------------------------


def test_layout_is_deterministic_whatever_the_input_order() -> None:
    nodes = ["ft", "racurs", "a", "b", "c", "d", "lonely"]
    derived = [("ft", "racurs"), ("racurs", "a"), ("ft", "b"), ("b", "c"), ("ft", "c")]
    related = [("a", "b"), ("d", "c")]
    first = layered_layout(nodes, derived, related)
    second = layered_layout(reversed(nodes), list(reversed(derived)), [(y, x) for x, y in related])
    assert first == second
    layers = {box.id: box.layer for box in first.boxes}
    assert layers == {"ft": 0, "racurs": 1, "b": 1, "a": 2, "c": 2, "d": 0, "lonely": 0}
    y = {box.id: box.y for box in first.boxes}
    for parent, child in derived:
        assert y[parent] < y[child]
    assert y["lonely"] > max(y[n] for n in nodes if n != "lonely")  # unconnected: under the graph
    assert len(first.routes) == len(derived) + len(related)


def test_related_edges_do_not_change_layers() -> None:
    nodes = ["p", "a", "b"]
    without = layered_layout(nodes, [("p", "a")])
    with_related = layered_layout(nodes, [("p", "a")], [("a", "b"), ("p", "b")])
    assert {b.id: b.layer for b in without.boxes if b.id != "b"} == {
        b.id: b.layer for b in with_related.boxes if b.id != "b"
    }
    assert with_related.box("b").layer == 0


def test_layout_orders_children_under_their_parents() -> None:
    layout = layered_layout(["a", "b", "a1", "a2", "b1"], [("a", "a1"), ("a", "a2"), ("b", "b1")])
    x = {box.id: box.center_x for box in layout.boxes}
    assert x["a"] < x["b"]
    assert max(x["a1"], x["a2"]) < x["b1"]


def test_layout_survives_cycles_and_unknown_nodes() -> None:
    layout = layered_layout(["a", "b", "c"], [("a", "b"), ("b", "c"), ("c", "a"), ("a", "zz")])
    assert sorted(box.id for box in layout.boxes) == ["a", "b", "c"]
    assert len(layout.routes) == 3


def test_wide_layers_wrap_and_long_edges_pass_between_boxes() -> None:
    roots = [f"r{i}" for i in range(8)]
    layout = layered_layout([*roots, "child"], [(r, "child") for r in roots])
    rows = {box.row for box in layout.boxes if box.id in roots}
    assert len(rows) == 2  # 8 roots, at most 5 per row: two balanced rows
    assert {box.layer for box in layout.boxes if box.id in roots} == {0}
    assert layout.width <= 5 * (LayoutConfig().node_width + LayoutConfig().column_gap) + 200


# --- side-by-side rows ---------------------------------------------------------------------------


def test_seed_pair_page_aligns_the_four_ft_passages(seed_result: TraceResult) -> None:
    a = safe_filename("000_5f7692219c63b442")
    b = safe_filename("001_63a6e8fa25d66eb9")
    page = parse(render_pages(seed_result, WHEN)[f"pairs/{a}--{b}.html"])
    rows = []
    for tr in page.iterfind(".//table[@class='sbs']/tbody/tr"):
        cells = tr.findall("td")
        rows.append((text_of(cells[0]), text_of(cells[1]), text_of(cells[2])))
    expected = [
        ("North Korea is ready to sign", "North Korea ready to sign arms deal"),
        ("Pyongyang can offer ammunition", "“Pyongyang could offer ammunition"),
        ("According to the FT, Moscow could pay", "In return, Moscow can offer"),
        ("Cooperation between Russia and North Korea", "“Russia-North Korea co-operation"),
    ]
    for left, right in expected:
        (row,) = [row for row in rows if left in row[0]]
        assert right in row[2], (left, row)
        assert row[1].startswith("paraphrased")
    # Every sentence of both articles appears exactly once, A's side in reading order.
    anchors = [str(e.get("id")) for e in elements(page, "span") if e.get("id")]
    a_ids = [int(i[2:]) for i in anchors if i.startswith("a-")]
    b_ids = [int(i[2:]) for i in anchors if i.startswith("b-")]
    assert a_ids == list(range(len(seed_result.comparisons[0].a.sentences)))
    assert sorted(b_ids) == list(range(len(seed_result.comparisons[0].b.sentences)))


def test_paraphrased_rows_mark_the_words_that_differ(seed_result: TraceResult) -> None:
    a = safe_filename("000_5f7692219c63b442")
    b = safe_filename("001_63a6e8fa25d66eb9")
    page = parse(render_pages(seed_result, WHEN)[f"pairs/{a}--{b}.html"])
    (row,) = [
        tr
        for tr in page.iterfind(".//table[@class='sbs']/tbody/tr")
        if "Pyongyang can offer" in text_of(tr)
    ]
    left, _, right = row.findall("td")
    left_marks = [text_of(m) for m in left.iter("mark")]
    right_marks = [text_of(m) for m in right.iter("mark")]
    assert "can" in left_marks and "could" in right_marks
    assert not any("ammunition" in m for m in left_marks + right_marks)
    assert all(m.get("class") == "diff" for m in row.iter("mark"))


def test_word_diff_ignores_moved_words_and_case() -> None:
    left = "Cooperation between Russia and North Korea could expand beyond weapons."
    right = "Russia-North Korea co-operation may extend beyond WEAPONS."
    (left_ranges,), (right_ranges,) = word_diff([left], [right])
    assert [left[s:e] for s, e in left_ranges] == ["Cooperation between", "and", "could expand"]
    assert [right[s:e] for s, e in right_ranges] == ["co-operation may extend"]


def _doc(article_id: str, texts: list[str]) -> Segmented:
    raw = " ".join(texts)
    sentences, start = [], 0
    for index, text in enumerate(texts):
        sentences.append(Sentence(article_id, index, Span(start, start + len(text)), text, text))
        start += len(text) + 1
    return Segmented(Article(article_id, raw), tuple(sentences))


def _comparison(a: Segmented, b: Segmented, pairs: list[AlignedPair]) -> Comparison:
    shares = Shares(0.0, 0.5, 0.5)
    return Comparison(
        a,
        b,
        tuple(SentenceLink(s.index, "original") for s in a.sentences),
        tuple(SentenceLink(s.index, "original") for s in b.sentences),
        tuple(pairs),
        (),
        DocumentSimilarity(0.1, 0.1, 0.1, 0.5, 0.5),
        shares,
        shares,
    )


def test_rows_walk_a_and_insert_b_after_its_preceding_match() -> None:
    a = _doc("a", [f"A{i}." for i in range(6)])
    b = _doc("b", [f"B{i}." for i in range(7)])
    pairs = [
        AlignedPair((1,), (2,), "copied", 0.9, 0.9),
        AlignedPair((3,), (5,), "paraphrased", 0.6, 0.4),
        AlignedPair((4,), (0,), "paraphrased", 0.5, 0.3),  # reordered: B0 matches late in A
        AlignedPair((4,), (6,), "paraphrased", 0.5, 0.3),  # shares A4: merged into one row
    ]
    rows = [(r.a_indices, r.b_indices) for r in pair_rows(_comparison(a, b, pairs))]
    assert rows == [
        ((0,), ()),
        ((1,), (2,)),
        ((2,), ()),
        ((), (3,)),  # B3, B4 follow B2's row, after A's unmatched sentence of that gap
        ((), (4,)),
        ((3,), (5,)),
        ((4,), (0, 6)),
        ((5,), ()),
        ((), (1,)),  # B1 follows B0's row, after A's unmatched sentence of that gap
    ]


def test_rows_without_matches_keep_both_orders() -> None:
    a = _doc("a", ["A0.", "A1."])
    b = _doc("b", ["B0."])
    rows = [(r.a_indices, r.b_indices, r.pair) for r in pair_rows(_comparison(a, b, []))]
    assert rows == [((0,), (), None), ((1,), (), None), ((), (0,), None)]


# --- view-model details --------------------------------------------------------------------------


def test_percentages() -> None:
    assert [format_percent(x) for x in (0, 0.004, 0.01, 0.125, 0.996, 1)] == [
        "0%",
        "<1%",
        "1%",
        "12%",
        "99%",
        "100%",
    ]


def test_view_models_are_frozen(seed_result: TraceResult) -> None:
    site = build_site(seed_result)
    with pytest.raises(AttributeError):
        site.index.title = "changed"  # type: ignore[misc]


# --- the real pipeline ---------------------------------------------------------------------------


def test_report_of_the_seed_trace() -> None:
    pipeline = pytest.importorskip("tracer.pipeline")
    from tracer.ingest import read_corpus

    corpus = read_corpus([SEEDS])
    result = pipeline.trace(corpus.articles, problems=corpus.problems)
    pages = render_pages(result, WHEN)
    assert len([p for p in pages if p.startswith("articles/")]) == 5
    linked = {frozenset((e.parent, e.child)) for e in result.edges}
    # On the seeds, every compared pair is also an edge: each gets its side-by-side page.
    assert all(frozenset((c.a.article.id, c.b.article.id)) in linked for c in result.comparisons)
    assert len([p for p in pages if p.startswith("pairs/")]) == len(result.comparisons)
    index = parse(pages["index.html"])
    latent = [text_of(elements(g, "text", "title")[0]) for g in elements(index, "g", "node latent")]
    assert "Financial Times" in latent and "Racurs" in latent
