"""The report in a real browser: headless Chromium opens the pages from ``file://``.

Checks that the pages render (the DAG's SVG, the tables), that our own script runs under the
Content-Security-Policy (it adds sort buttons, makes aligned rows focusable), that script in
article text does not run, and that the console shows no error and no CSP violation. Chromium
prints console messages on stderr with ``--enable-logging=stderr``; a blocked network request
(anything external) shows there as a CSP violation, since the policy is ``default-src 'none'``.

The index's tables are driven as a reader would (typing in the filter box, clicking a column
header, "show more") over the DevTools protocol on a pipe (``--remote-debugging-pipe``), which
needs no driver and no network port.

Skipped, with the reason, when no ``chromium`` / ``chromium-browser`` is on PATH.
"""

from __future__ import annotations

import json
import os
import re
import select
import shutil
import signal
import subprocess
import time
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from tests.test_report_scale import synthetic_result
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
    assert 'id="articles-table"' in dom and 'id="edges-table"' in dom
    # Our script ran under the CSP: it turned sortable headers into buttons, showed the filter
    # box and drew the rows from the JSON data (as text: the payloads stay inert).
    assert '<button type="button" class="sort">' in dom
    assert '<div class="table-tools" data-table="articles-table">' in dom  # no longer hidden
    assert "Showing 2 of 2 articles." in dom
    assert "&lt;img src=x onerror=" in dom
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


# --- driving the index's tables ------------------------------------------------------------------


class DevTools:
    """A headless Chromium driven over the DevTools protocol on a pipe: JSON messages ending in
    NUL, commands on the browser's fd 3, replies and events on its fd 4."""

    def __init__(self, browser: str, profile: Path, log: Path) -> None:
        commands_read, self._commands = os.pipe()
        self._replies, replies_write = os.pipe()

        def wire() -> None:
            os.dup2(commands_read, 3)
            os.dup2(replies_write, 4)

        with log.open("w") as stderr:
            self.process = subprocess.Popen(
                [
                    browser,
                    "--headless",
                    "--no-sandbox",
                    "--disable-gpu",
                    "--disable-background-networking",
                    "--disable-component-update",
                    "--disable-sync",
                    "--no-first-run",
                    f"--user-data-dir={profile}",
                    "--enable-logging=stderr",
                    "--v=0",
                    "--remote-debugging-pipe",
                    "about:blank",
                ],
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=stderr,
                pass_fds=(3, 4),
                preexec_fn=wire,
                start_new_session=True,
            )
        os.close(commands_read)
        os.close(replies_write)
        self._buffer = b""
        self._last_id = 0
        self._events: list[dict[str, Any]] = []
        self._session = ""

    def _receive(self, timeout: float = 60.0) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        while b"\0" not in self._buffer:
            left = deadline - time.monotonic()
            if left <= 0:
                pytest.fail("chromium sent nothing over the DevTools pipe for 60 s")
            ready, _, _ = select.select([self._replies], [], [], left)
            if ready:
                chunk = os.read(self._replies, 1 << 16)
                if not chunk:
                    pytest.fail("chromium closed the DevTools pipe")
                self._buffer += chunk
        message, self._buffer = self._buffer.split(b"\0", 1)
        return json.loads(message)  # type: ignore[no-any-return]

    def send(self, method: str, params: dict[str, Any] | None = None) -> dict[str, Any]:
        self._last_id += 1
        message: dict[str, Any] = {"id": self._last_id, "method": method, "params": params or {}}
        if self._session and not method.startswith(("Target.", "Browser.")):
            message["sessionId"] = self._session
        os.write(self._commands, json.dumps(message).encode() + b"\0")
        while True:
            reply = self._receive()
            if "method" in reply:
                self._events.append(reply)
            elif reply.get("id") == self._last_id:
                assert "error" not in reply, reply
                return reply.get("result", {})  # type: ignore[no-any-return]

    def open(self, page: Path) -> None:
        """Open ``page`` in a new tab and wait for its load event."""
        target = self.send("Target.createTarget", {"url": "about:blank"})["targetId"]
        attached = self.send("Target.attachToTarget", {"targetId": target, "flatten": True})
        self._session = attached["sessionId"]
        self.send("Page.enable")
        self.send("Page.navigate", {"url": page.resolve().as_uri()})
        while not any(event["method"] == "Page.loadEventFired" for event in self._events):
            self._events.append(self._receive())

    def evaluate(self, expression: str) -> Any:
        reply = self.send("Runtime.evaluate", {"expression": expression, "returnByValue": True})
        assert "exceptionDetails" not in reply, reply
        return reply["result"].get("value")

    def wait_for(self, expression: str, timeout: float = 10.0) -> Any:
        """Evaluate ``expression`` until it is truthy (the filter waits for a pause in typing)."""
        deadline = time.monotonic() + timeout
        while True:
            value = self.evaluate(expression)
            if value or time.monotonic() > deadline:
                return value
            time.sleep(0.05)

    def type_into(self, element_id: str, text: str) -> None:
        """Focus a field, clear it, and type ``text`` as keyboard input would."""
        self.evaluate(
            f"(function (f) {{ f.focus(); f.select(); }})(document.getElementById({element_id!r}))"
        )
        self.send("Input.insertText", {"text": text})

    def close(self) -> None:
        try:
            self.send("Browser.close")
            self.process.wait(timeout=30)
        except (subprocess.TimeoutExpired, OSError):
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()
        finally:
            os.close(self._commands)
            os.close(self._replies)


@pytest.fixture(scope="module")
def large_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The index of a 700-article synthetic trace: more rows than a table shows at first."""
    out = tmp_path_factory.mktemp("large")
    write_report(synthetic_result(700), out, generated_at="2024-01-01 00:00 UTC")
    return out / "index.html"


@pytest.fixture
def browser(tmp_path: Path) -> Iterator[tuple[DevTools, Path]]:
    log = tmp_path / "chromium.log"
    devtools = DevTools(_browser(), tmp_path / "profile", log)
    try:
        yield devtools, log
    finally:
        devtools.close()


def _rows(table: str) -> str:
    """JavaScript: the text of each shown row of a table, cells joined by " | "."""
    return (
        f"Array.prototype.map.call(document.querySelectorAll('#{table} tbody tr'), function (r) {{"
        " return Array.prototype.map.call(r.cells, function (c) { return c.textContent; })"
        ".join(' | '); })"
    )


def test_filter_box_filters_every_row(large_index: Path, browser: tuple[DevTools, Path]) -> None:
    devtools, log = browser
    devtools.open(large_index)
    rows = devtools.evaluate(_rows("articles-table"))
    assert len(rows) == 100  # a page of rows, not all 700
    assert devtools.evaluate("document.querySelector('.table-foot .note').textContent") == (
        "Showing 100 of 700 articles."
    )
    # An id far past the first page: the filter searches every row, not the rows shown.
    devtools.type_into("articles-filter", "rtrs-00642")
    found = devtools.wait_for(
        f"{_rows('articles-table')}.length === 1 && {_rows('articles-table')}"
    )
    assert found and "rtrs-00642" in found[0]
    count = "document.querySelector('[data-table=articles-table] .count').textContent"
    assert devtools.evaluate(count) == "1 of 700 match"
    # Several words must all match, in any column, whatever the case and accents.
    devtools.type_into("articles-filter", "rädio NORTH 2023-03")
    shown = devtools.wait_for(
        f"(function (r) {{ return r.length && r.length < 100 && r; }})({_rows('articles-table')})"
    )
    assert shown, "the filter did not narrow the table"
    assert all("Radio North" in row and "2023-03" in row for row in shown)
    expected = sum(1 for n in range(700) if n % 5 == 4 and n % 12 == 2)
    assert len(shown) == expected
    # Edges: filter by relation label.
    devtools.type_into("edges-filter", "related")
    related = devtools.wait_for(
        f"(function (r) {{ return r.length && r.every(function (t) {{"
        f" return t.indexOf('related') !== -1; }}) && r; }})({_rows('edges-table')})"
    )
    assert related and all(" | related" in row for row in related)
    assert_quiet_console(log.read_text(encoding="utf-8", errors="replace"))


def test_sort_and_show_more_cover_every_row(
    large_index: Path, browser: tuple[DevTools, Path]
) -> None:
    devtools, log = browser
    devtools.open(large_index)
    first_id = "document.querySelector('#articles-table tbody tr .art-id').textContent"
    assert devtools.evaluate(first_id) == "rtrs-00000"
    header = "document.querySelectorAll('#articles-table th button.sort')[{}].click()"
    devtools.evaluate(header.format(0))  # Article: ascending
    devtools.evaluate(header.format(0))  # then descending: the last id comes first
    assert devtools.evaluate(first_id) == "rtrs-00699"
    assert (
        devtools.evaluate("document.querySelector('#articles-table th[aria-sort]').textContent")
        == "Article"
    )
    # Related, a number column, sorts descending first; ties keep the id order (descending).
    devtools.evaluate(header.format(8))
    counts = devtools.evaluate(
        "Array.prototype.map.call(document.querySelectorAll('#articles-table tbody tr'),"
        " function (r) { return Number(r.cells[8].textContent); })"
    )
    assert counts == sorted(counts, reverse=True) and counts[0] >= 3
    assert (
        devtools.evaluate(
            "document.querySelector('#articles-table th[aria-sort]').getAttribute('aria-sort')"
        )
        == "descending"
    )
    # Show more: the next page of the same order.
    more = "document.querySelector('.table-foot[data-table=articles-table] button.more')"
    assert devtools.evaluate(f"{more}.textContent") == "Show 100 more"
    devtools.evaluate(f"{more}.click()")
    assert len(devtools.evaluate(_rows("articles-table"))) == 200
    assert (
        devtools.evaluate(
            "document.querySelector('.table-foot[data-table=articles-table] .note').textContent"
        )
        == "Showing 200 of 700 articles."
    )
    assert_quiet_console(log.read_text(encoding="utf-8", errors="replace"))
