"""Every page of the report is valid HTML: a strict HTML5 parser reports no error."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import html5lib
import pytest

from tracer.ingest import read_corpus
from tracer.model import Article
from tracer.pipeline import trace
from tracer.report import render_pages

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
HOSTILE = (
    'He wrote <script>alert(1)</script> and "onmouseover=alert(2) and </textarea></style><!-- x\n'
    "The city council approved a new budget for the harbour renovation on Tuesday evening.\n"
    "Construction crews will begin dredging the northern basin in early spring next year."
)


@lru_cache(maxsize=1)
def pages() -> dict[str, str]:
    articles = [
        *read_corpus([SEEDS]).articles,
        Article("hostile <b>id</b> ../../etc/passwd", HOSTILE, url="javascript:alert(3)"),
        Article("copy", HOSTILE.split("\n", 1)[1], url="https://example.org/a?b=<c>"),
    ]
    return render_pages(trace(articles), generated_at="2026-01-01T00:00:00Z")


@pytest.mark.parametrize("name", sorted(pages()))
def test_page_is_valid_html(name: str) -> None:
    parser = html5lib.HTMLParser(strict=True, namespaceHTMLElements=False)
    parser.parse(pages()[name])
    assert not parser.errors
