"""The report in a real browser: headless Chromium opens the pages from ``file://``.

Checks that the pages render (the DAG's SVG, the tables), that our own script runs under the
Content-Security-Policy (it adds sort buttons, makes aligned rows focusable), that script in
article text does not run, and that the console shows no error and no CSP violation. Chromium
prints console messages on stderr with ``--enable-logging=stderr``; a blocked network request
(anything external) shows there as a CSP violation, since the policy is ``default-src 'none'``.

Skipped, with the reason, when no ``chromium`` / ``chromium-browser`` is on PATH.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
from dataclasses import replace
from pathlib import Path

import pytest

from tracer.api import compare
from tracer.attribution import find_attributions
from tracer.model import Article, ArticleTrace, Edge, Node, TraceResult
from tracer.report import safe_filename, write_report

pytestmark = pytest.mark.browser

SCRIPT_PAYLOAD = "<script>document.title='pwned'</script>"
IMG_PAYLOAD = "<img src=x onerror=\"document.body.setAttribute('data-pwned','1')\">"
SVG_PAYLOAD = "<svg onload=\"document.body.setAttribute('data-pwned','2')\"></svg>"
STYLE_PAYLOAD = "</style><script>document.title='pwned'</script>"


def _browser() -> str:
    for name in ("chromium", "chromium-browser"):
        found = shutil.which(name)
        if found:
            return found
    pytest.skip("no chromium or chromium-browser on PATH (apt-get install chromium)")


def hostile_result() -> TraceResult:
    """Two articles sharing a passage, with script, markup and handlers in every text field."""
    shared = "Moscow could pay for North Korean weapons with grain, oil and military technology."
    first = Article(
        "<script>alert(1)</script>",
        f"{SCRIPT_PAYLOAD} North Korea is ready to sign a deal.\n{shared}\n"
        f"Readers saw {IMG_PAYLOAD} and {SVG_PAYLOAD} here. According to the FT, talks went well.",
        title=f"Title {SCRIPT_PAYLOAD}",
        source=STYLE_PAYLOAD,
        url="javascript:document.title='pwned'",
    )
    second = Article(
        "../../etc/passwd",
        f"In return, Moscow can offer grain, oil and military technology.\n{IMG_PAYLOAD} "
        f"Also </textarea>{SCRIPT_PAYLOAD} and <!-- a comment --> end.",
        title=IMG_PAYLOAD,
        url="https://example.org/story",
    )
    comparison = compare(first, second)
    traces = []
    for doc, links, other in (
        (comparison.a, comparison.links_a, comparison.b),
        (comparison.b, comparison.links_b, comparison.a),
    ):
        partnered = tuple(
            replace(link, partner=other.article.id) if link.counterparts else link for link in links
        )
        own = comparison.shares_a if doc is comparison.a else comparison.shares_b
        traces.append(ArticleTrace(doc, partnered, own, find_attributions(doc)))
    a_id, b_id = comparison.a.article.id, comparison.b.article.id
    nodes = (
        Node(a_id, "article", first.title or a_id),
        Node(b_id, "article", second.title or b_id),
        Node("source:x", "latent", SCRIPT_PAYLOAD, "outlet"),
    )
    edges = (
        Edge("source:x", a_id, "derived", 0.8, IMG_PAYLOAD),
        Edge(a_id, b_id, "related", 0.4, SCRIPT_PAYLOAD, common_source=SVG_PAYLOAD),
    )
    return TraceResult(tuple(traces), (comparison,), nodes, edges)


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    result = hostile_result()
    out = tmp_path_factory.mktemp("report")
    write_report(result, out, generated_at="2024-01-01 00:00 UTC")
    a = safe_filename(result.comparisons[0].a.article.id)
    b = safe_filename(result.comparisons[0].b.article.id)
    return {
        "index": out / "index.html",
        "article": out / "articles" / f"{a}.html",
        "other": out / "articles" / f"{b}.html",
        "pair": out / "pairs" / f"{a}--{b}.html",
    }


def run_chromium(page: Path, tmp_path: Path, *extra: str) -> tuple[str, str]:
    """Open ``page`` from file:// headless; return (stdout, console lines on stderr)."""
    browser = _browser()
    command = [
        browser,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        f"--user-data-dir={tmp_path / 'profile'}",
        "--enable-logging=stderr",
        "--v=0",
        *extra,
        page.resolve().as_uri(),
    ]
    # A session of its own, so a hung browser is ended with all of its helper processes.
    process = subprocess.Popen(
        command,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        stdout, stderr = process.communicate(timeout=120)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.communicate()
        pytest.fail(f"chromium did not finish within 120 s on {page.name}")
    assert process.returncode == 0, stderr[-2000:]
    console = [line for line in stderr.splitlines() if ":CONSOLE" in line]
    return stdout, "\n".join(console)


def assert_quiet_console(console: str) -> None:
    for problem in ("Uncaught", "Refused to", "Content Security Policy", "Error"):
        assert problem not in console, console


def assert_not_pwned(dom: str) -> None:
    title = re.search(r"<title>(.*?)</title>", dom, re.S)
    assert title is not None
    assert title.group(1).strip() != "pwned"
    # The payloads are in the text; what must never appear is the attribute they try to set.
    assert not re.search(r"\sdata-pwned=", dom)
    assert not re.search(r"<body[^>]*pwned", dom)
    assert not re.search(r"<(img|textarea|iframe)\b", dom)


def test_index_renders_the_graph_and_tables(report: dict[str, Path], tmp_path: Path) -> None:
    dom, console = run_chromium(report["index"], tmp_path, "--dump-dom")
    assert "<svg" in dom and 'class="node latent"' in dom and 'class="node article"' in dom
    assert 'id="articles-table"' in dom and 'id="pairs-table"' in dom
    # Our script ran under the CSP: it turned sortable headers into buttons.
    assert '<button type="button" class="sort">' in dom
    assert_not_pwned(dom)
    assert_quiet_console(console)


@pytest.mark.parametrize("page", ["article", "other", "pair"])
def test_script_in_article_text_does_not_run(
    report: dict[str, Path], tmp_path: Path, page: str
) -> None:
    dom, console = run_chromium(report[page], tmp_path, "--dump-dom")
    assert_not_pwned(dom)
    assert "&lt;script&gt;document.title='pwned'&lt;/script&gt;" in dom
    assert_quiet_console(console)


def test_pair_page_links_rows(report: dict[str, Path], tmp_path: Path) -> None:
    dom, console = run_chromium(report["pair"], tmp_path, "--dump-dom")
    matched = re.findall(r'<tr id="r\d+" class="row [^"]*\bmatched\b[^"]*"[^>]*>', dom)
    assert matched
    assert all('tabindex="0"' in row for row in matched)  # made focusable by our script
    assert_quiet_console(console)


@pytest.mark.parametrize("page", ["index", "pair"])
def test_screenshot(report: dict[str, Path], tmp_path: Path, page: str) -> None:
    shot = tmp_path / f"{page}.png"
    _, console = run_chromium(
        report[page],
        tmp_path,
        f"--screenshot={shot}",
        "--window-size=1400,1600",
        "--hide-scrollbars",
    )
    data = shot.read_bytes()
    assert data.startswith(b"\x89PNG\r\n\x1a\n")
    assert len(data) > 20_000  # a blank page compresses to a few kilobytes
    assert_quiet_console(console)
