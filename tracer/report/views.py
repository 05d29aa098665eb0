"""View models for the HTML report: every decision the pages need, made once, in plain Python.

A :class:`~tracer.model.TraceResult` goes in; frozen dataclasses come out, one per page, holding
only strings, numbers and tuples: CSS classes per label, percentages already formatted, rows
already ordered, relative links already built, the words that differ inside a reused pair
already found. The templates loop and print, nothing else, so everything a reader sees can be
tested here without parsing HTML.

Article text is never turned into markup in this module: it travels as plain strings in
:class:`Run` values and the template escapes it (``autoescape=True``).

Example:
    >>> safe_filename("../../etc/passwd")
    'etc-passwd-3754d6cb3a38'
    >>> format_percent(0.123), format_percent(0.004), format_percent(0.0)
    ('12%', '<1%', '0%')
"""

from __future__ import annotations

import base64
import difflib
import hashlib
import json
import math
import re
import unicodedata
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Literal
from urllib.parse import urlsplit

from markupsafe import Markup

from tracer.model import (
    LABELS,
    AlignedPair,
    Article,
    ArticleTrace,
    Attribution,
    Comparison,
    Edge,
    Label,
    Node,
    Segmented,
    Sentence,
    SentenceLink,
    Shares,
    TraceResult,
)
from tracer.report.components import Component, connected_components, place_components
from tracer.report.layout import Box, LayoutConfig, layered_layout
from tracer.tokens import stem

__all__ = [
    "ArticlePage",
    "GraphPage",
    "IndexPage",
    "PairPage",
    "Site",
    "build_site",
    "content_security_policy",
    "external_url",
    "format_percent",
    "format_score",
    "iter_pages",
    "label_class",
    "pair_rows",
    "safe_filename",
    "script_json",
    "word_diff",
]

# --- labels, numbers, names ----------------------------------------------------------------------

_LABEL_TEXT: Mapping[Label, str] = {
    "copied": "copied",
    "paraphrased": "paraphrased",
    "original": "original",
    "boilerplate": "boilerplate",
}
_LABEL_HELP: Mapping[Label, str] = {
    "copied": "the same words as the source passage, verbatim or with trivial edits",
    "paraphrased": "the same facts as the source passage, in other words",
    "original": "not found in any other article of the corpus",
    "boilerplate": "page furniture (bios, links, footers), left out of the shares",
}
_SOURCE_TYPE_TEXT: Mapping[str, str] = {
    "outlet": "outlet",
    "agency": "news agency",
    "broadcaster": "broadcaster",
    "person": "person",
    "institution": "institution",
}


def label_class(label: Label) -> str:
    """The CSS class that colours a sentence, row or bar with this label.

    Example:
        >>> label_class("paraphrased")
        'lbl-paraphrased'
    """
    return f"lbl-{label}"


def format_percent(share: float) -> str:
    """A share in [0, 1] as a whole percentage; a non-zero share never shows as "0%".

    Example:
        >>> format_percent(0.995), format_percent(0.0001), format_percent(1.0)
        ('99%', '<1%', '100%')
    """
    if share <= 0:
        return "0%"
    if share < 0.01:
        return "<1%"
    if share < 1:
        return f"{min(round(share * 100), 99)}%"
    return "100%"


def format_score(score: float) -> str:
    """A similarity or overlap score with two decimals.

    Example:
        >>> format_score(0.7564)
        '0.76'
    """
    return f"{score:.2f}"


def _bar_width(share: float) -> str:
    # A CSS width (the template puts it in a style attribute): a number, never text from input.
    return f"{max(0.0, min(1.0, share)) * 100:.1f}%"


# Dots go too: "aux.txt-<hash>.html" would still be the device AUX to Windows.
_SLUG_UNSAFE = re.compile(r"[^a-z0-9_-]+")
_SLUG_MAX = 40


def safe_filename(article_id: str) -> str:
    """A file name stem for an article id: an ASCII slug plus a hash of the exact id.

    The slug keeps the name readable ("000_5f7692219c63b442"); the hash (first 12 hex digits of
    SHA-256 of the UTF-8 id) keeps distinct ids apart even when their slugs are equal ("A b" and
    "a-b"), so no id can name another article's page. The result never contains a path
    separator, never starts with a dot and is never a reserved device name.

    Example:
        >>> safe_filename("000_5f7692219c63b442")
        '000_5f7692219c63b442-76b7d4d92350'
        >>> safe_filename("")
        'article-e3b0c44298fc'
    """
    digest = hashlib.sha256(article_id.encode("utf-8", "surrogatepass")).hexdigest()[:12]
    ascii_id = unicodedata.normalize("NFKD", article_id).encode("ascii", "ignore").decode()
    slug = _SLUG_UNSAFE.sub("-", ascii_id.lower())
    slug = re.sub(r"-{2,}", "-", slug)[:_SLUG_MAX].strip("._-")
    return f"{slug or 'article'}-{digest}"


def _short_id(article_id: str) -> str:
    return article_id if len(article_id) <= 16 else article_id[:14] + "…"


def _truncate(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _wrap(text: str, width: int, lines: int) -> tuple[str, ...]:
    """Greedy word wrap into at most ``lines`` lines, the last one cut with an ellipsis."""
    result: list[str] = []
    current = ""
    words = text.split()
    for position, word in enumerate(words):
        candidate = f"{current} {word}".strip()
        if len(candidate) <= width or not current:
            current = candidate
            continue
        result.append(current)
        current = word
        if len(result) == lines - 1:
            rest = " ".join(words[position:])
            result.append(_truncate(rest, width))
            return tuple(result)
    if current:
        result.append(_truncate(current, width))
    return tuple(result)


def external_url(url: str | None) -> str | None:
    """``url`` if it is safe to show as a link (an http(s) address with a host), else ``None``.

    ``javascript:``, ``data:``, relative and malformed addresses are shown as text, never as
    links.

    Example:
        >>> external_url("https://example.org/a?b=1"), external_url("javascript:alert(1)")
        ('https://example.org/a?b=1', None)
    """
    if not url or any(ord(char) < 33 or char in "\\\"'<>`" for char in url):
        return None
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return None
    return url


def content_security_policy(script: str | None) -> str:
    """The page's Content-Security-Policy: nothing external, and only our own inline script.

    The script is allowed by its SHA-256 hash rather than ``'unsafe-inline'``, so that even
    markup that slipped through escaping could not run a script or an event handler. A page
    without our script (``None``) allows no script at all.

    Example:
        >>> "script-src 'none'" in content_security_policy(None)
        True
    """
    allowed = "'none'"
    if script is not None:
        digest = hashlib.sha256(script.encode("utf-8")).digest()
        allowed = f"'sha256-{base64.b64encode(digest).decode('ascii')}'"
    return (
        "default-src 'none'; style-src 'unsafe-inline'; "
        f"script-src {allowed}; img-src data:; base-uri 'none'; form-action 'none'"
    )


# --- shared view types ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class LegendItem:
    """One swatch of the legend: a CSS class to draw it, a name and a line of explanation."""

    css_class: str
    name: str
    help: str


@dataclass(frozen=True, slots=True)
class Legend:
    """The legend every page carries: sentence labels, then marks, then graph styles."""

    labels: tuple[LegendItem, ...]
    marks: tuple[LegendItem, ...]
    graph: tuple[LegendItem, ...]


@dataclass(frozen=True, slots=True)
class ShareView:
    """An article's (or a parent's) shares, formatted, with bar widths."""

    copied: str
    paraphrased: str
    original: str
    copied_width: str
    paraphrased_width: str
    original_width: str
    copied_value: str
    paraphrased_value: str
    original_value: str
    summary: str


@dataclass(frozen=True, slots=True)
class Run:
    """A stretch of article text with one look: a differing word, an attribution cue, or plain.

    ``cue`` is the tooltip naming the source when the stretch is an attribution phrase.
    """

    text: str
    diff: bool = False
    cue: str | None = None


@dataclass(frozen=True, slots=True)
class MetaItem:
    """One line of an article's metadata; ``href`` is set only for a safe external link."""

    name: str
    value: str
    href: str | None = None


@dataclass(frozen=True, slots=True)
class ArticleRef:
    """A short reference to an article: its name, and a link to its page when there is one."""

    id: str
    name: str
    caption: str
    href: str | None


@dataclass(frozen=True, slots=True)
class PageBase:
    """What every page needs around its content."""

    path: str
    title: str
    root: str
    generated_at: str | None
    legend: Legend


# --- index page ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class TextLine:
    """One line of SVG text and its baseline."""

    text: str
    y: float


@dataclass(frozen=True, slots=True)
class GraphNode:
    """A node of the DAG as drawn: a box, its text lines, style and link."""

    id: str
    x: float
    y: float
    width: float
    height: float
    css_class: str
    lines: tuple[TextLine, ...]
    caption: TextLine
    tooltip: str
    href: str | None
    text_x: float


@dataclass(frozen=True, slots=True)
class GraphEdge:
    """An edge as drawn: its path, style, label and tooltip."""

    path: str
    css_class: str
    marker: str
    label: str
    label_x: float
    label_y: float
    tooltip: str


@dataclass(frozen=True, slots=True)
class GraphView:
    """The inline SVG of one component of the derivation DAG; ``title_id`` names its title."""

    width: float
    height: float
    nodes: tuple[GraphNode, ...]
    edges: tuple[GraphEdge, ...]
    description: str
    title_id: str


@dataclass(frozen=True, slots=True)
class SummaryItem:
    """One figure of the run summary ("5 articles")."""

    value: str
    name: str


@dataclass(frozen=True, slots=True)
class CitedSource:
    """A source an article cites: its name and how it was cited (tooltip)."""

    name: str
    tooltip: str
    latent: bool


@dataclass(frozen=True, slots=True)
class ArticleRow:
    """One row of the index's article table (``ref.href`` is ``None`` for an article without
    a page: one that shares nothing with any other)."""

    ref: ArticleRef
    source: str
    date: str
    shares: ShareView
    cited: tuple[CitedSource, ...]
    related: int
    derived_from: tuple[ArticleRef, ...]


@dataclass(frozen=True, slots=True)
class EdgeRow:
    """One row of the index's table of edges: a derivation or a related pair.

    ``source`` and ``target`` are the edge's two ends (parent then child for a derivation). The
    passage counts, the share of ``target`` reused and the best similarity come from the
    comparison of the two articles and are ``None`` when there is none (a cited source);
    ``href`` links to the side-by-side page of the two articles when there is one.
    """

    source: ArticleRef
    target: ArticleRef
    relation: str
    relation_class: str
    reason: str
    copied_rows: int | None
    paraphrased_rows: int | None
    reused: str | None
    reused_value: float | None
    similarity: str | None
    href: str | None


@dataclass(frozen=True, slots=True)
class LatentRow:
    """One source that articles cite but that is not in the corpus.

    ``cited_by`` holds the first articles deriving from it; ``more`` says how many are left out.
    """

    name: str
    kind: str
    cited_by: tuple[ArticleRef, ...]
    more: str


@dataclass(frozen=True, slots=True)
class DataTable:
    """What a filterable table needs besides its first rows, which the template prints.

    ``data`` is every row as JSON (see :func:`script_json`) for the script to filter, sort and
    page through, its cells referring to the page's shared data (``shared_id``) for articles and
    cited sources; ``note`` says how many rows the page shows without the script.
    """

    id: str
    data_id: str
    shared_id: str
    filter_id: str
    total: int
    page_size: int
    noun: str
    note: str
    data: Markup


@dataclass(frozen=True, slots=True)
class PageLink:
    """A link to another page of the report; ``href`` is ``None`` for the page being shown."""

    text: str
    href: str | None


@dataclass(frozen=True, slots=True)
class ComponentView:
    """One connected component of the DAG: drawn here (``graph``), or linked (``href``).

    ``hubs`` are its best-connected nodes, listed when it is not drawn on this page.
    """

    number: int
    anchor: str
    title: str
    summary: str
    graph: GraphView | None
    href: str | None
    note: str
    hubs: tuple[ArticleRef, ...]


@dataclass(frozen=True, slots=True)
class IndexPage(PageBase):
    """The front page: summary, DAG components, articles, edges, latent sources, problems."""

    summary: tuple[SummaryItem, ...]
    graph_note: str
    components: tuple[ComponentView, ...]
    graph_pages: tuple[PageLink, ...]
    articles: tuple[ArticleRow, ...]
    articles_table: DataTable
    edges: tuple[EdgeRow, ...]
    edges_table: DataTable
    latent: tuple[LatentRow, ...]
    latent_table: DataTable
    shared_id: str
    shared_data: Markup
    problems: tuple[str, ...]
    problems_summary: str
    warnings: tuple[str, ...]
    warnings_summary: str


@dataclass(frozen=True, slots=True)
class GraphPage(PageBase):
    """A page of DAG components: the next ones after the index page's, or one big one alone."""

    heading: str
    intro: str
    components: tuple[ComponentView, ...]
    pages: tuple[PageLink, ...]


# --- article page --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SourceLink:
    """Where a reused sentence came from: a link to the counterpart on its pair page."""

    href: str
    text: str
    tooltip: str


@dataclass(frozen=True, slots=True)
class SentenceView:
    """One sentence of an article page, with its label, source link and attribution cues."""

    anchor: str
    number: str
    css_class: str
    label: str
    tooltip: str
    runs: tuple[Run, ...]
    source: SourceLink | None
    heading: bool


@dataclass(frozen=True, slots=True)
class Paragraph:
    """A paragraph of the article text (``css_class`` marks a headline)."""

    css_class: str
    sentences: tuple[SentenceView, ...]


@dataclass(frozen=True, slots=True)
class Relation:
    """A parent, child or related node of an article in the DAG, with the edge's evidence."""

    node: ArticleRef
    kind: str
    css_class: str
    label: str
    reason: str
    pair_href: str | None


@dataclass(frozen=True, slots=True)
class ArticlePage(PageBase):
    """One article: metadata, shares, DAG neighbours, and every sentence coloured."""

    article: ArticleRef
    meta: tuple[MetaItem, ...]
    shares: ShareView
    parents: tuple[Relation, ...]
    children: tuple[Relation, ...]
    related: tuple[Relation, ...]
    compared: tuple[Relation, ...]
    cited: tuple[CitedSource, ...]
    paragraphs: tuple[Paragraph, ...]
    drawing: PageLink | None


# --- pair page -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CellSentence:
    """One sentence inside a side-by-side cell: its anchor and text runs."""

    anchor: str
    number: str
    runs: tuple[Run, ...]
    css_class: str
    tooltip: str


@dataclass(frozen=True, slots=True)
class AlignedRow:
    """One row of the side-by-side view: A's sentences left, B's right, the verdict between."""

    id: str
    matched: bool
    css_class: str
    badge_class: str
    label: str
    scores: str
    left: tuple[CellSentence, ...]
    right: tuple[CellSentence, ...]


@dataclass(frozen=True, slots=True)
class PairSide:
    """One article of a pair: reference, metadata line and its shares in this comparison."""

    letter: str
    ref: ArticleRef
    caption: str
    shares: ShareView


@dataclass(frozen=True, slots=True)
class PairPage(PageBase):
    """Two articles side by side, matched sentences aligned in rows."""

    left: PairSide
    right: PairSide
    sides: tuple[PairSide, ...]
    relation: str
    relation_class: str
    reason: str
    figures: tuple[SummaryItem, ...]
    rows: tuple[AlignedRow, ...]
    matched_rows: int


@dataclass(frozen=True, slots=True)
class Site:
    """Every page of the report."""

    index: IndexPage
    graphs: tuple[GraphPage, ...]
    articles: tuple[ArticlePage, ...]
    pairs: tuple[PairPage, ...]


# --- the legend ----------------------------------------------------------------------------------


def legend() -> Legend:
    """The legend: what each colour, mark and graph style means."""
    return Legend(
        labels=tuple(
            LegendItem(label_class(label), _LABEL_TEXT[label], _LABEL_HELP[label])
            for label in LABELS
        ),
        marks=(
            LegendItem("cue", "attribution", "a phrase crediting a source (hover for the name)"),
            LegendItem("diff", "changed words", "words that differ from the counterpart"),
        ),
        graph=(
            LegendItem("g-article", "article", "an article of the corpus (click to open)"),
            LegendItem("g-latent", "cited source", "cited by articles but not in the corpus"),
            LegendItem("g-derived", "derived from", "arrow from source to the article using it"),
            LegendItem("g-related", "related", "share passages from a common source"),
        ),
    )


# --- naming and links ----------------------------------------------------------------------------


class _Names:
    """File names and display names of the articles of one result, collision-free."""

    def __init__(self, result: TraceResult, with_page: set[str]) -> None:
        self.articles: dict[str, Article] = {}
        for trace in result.articles:
            self.articles[trace.doc.article.id] = trace.doc.article
        for comparison in result.comparisons:
            for doc in (comparison.a, comparison.b):
                self.articles.setdefault(doc.article.id, doc.article)
        self.with_page = with_page
        self.nodes = {node.id: node for node in result.nodes}
        self.stems: dict[str, str] = {}
        used: set[str] = set()
        for article_id in sorted(self.articles):
            stem = safe_filename(article_id)
            candidate, number = stem, 1
            while candidate.lower() in used:  # never in practice: the hash separates ids
                number += 1
                candidate = f"{stem}-{number}"
            used.add(candidate.lower())
            self.stems[article_id] = candidate

    def article_path(self, article_id: str) -> str:
        return f"articles/{self.stems[article_id]}.html"

    def pair_path(self, comparison: Comparison) -> str:
        a, b = comparison.a.article.id, comparison.b.article.id
        return f"pairs/{self.stems[a]}--{self.stems[b]}.html"

    def title(self, article_id: str) -> str:
        article = self.articles.get(article_id)
        if article is not None and article.title:
            return _truncate(article.title, 140)
        node = self.nodes.get(article_id)
        if node is not None and node.name:
            return _truncate(node.name, 140)
        return article_id or "(no id)"

    def outlet(self, article_id: str) -> str | None:
        """The outlet that published an article: its ``source`` field, else the DAG's guess."""
        article = self.articles.get(article_id)
        node = self.nodes.get(article_id)
        return (article.source if article else None) or (node.outlet if node else None)

    def caption(self, article_id: str) -> str:
        article = self.articles.get(article_id)
        parts = [self.outlet(article_id), article.date if article else None]
        present = [part for part in parts if part]
        return " · ".join(present) if present else _short_id(article_id)

    def ref(self, article_id: str, root: str) -> ArticleRef:
        node = self.nodes.get(article_id)
        if article_id not in self.articles and node is not None and node.kind == "latent":
            kind = _type_text(node.source_type)
            return ArticleRef(article_id, node.name, f"{kind} · not in corpus", None)
        href = root + self.article_path(article_id) if article_id in self.with_page else None
        return ArticleRef(article_id, self.title(article_id), self.caption(article_id), href)


def _shares_view(shares: Shares) -> ShareView:
    total = shares.copied + shares.paraphrased + shares.original
    original = shares.original if total > 0 else 0.0
    return ShareView(
        copied=format_percent(shares.copied),
        paraphrased=format_percent(shares.paraphrased),
        original=format_percent(original),
        copied_width=_bar_width(shares.copied),
        paraphrased_width=_bar_width(shares.paraphrased),
        original_width=_bar_width(original),
        copied_value=f"{shares.copied:.4f}",
        paraphrased_value=f"{shares.paraphrased:.4f}",
        original_value=f"{original:.4f}",
        summary=(
            f"{format_percent(shares.copied)} copied, "
            f"{format_percent(shares.paraphrased)} paraphrased, "
            f"{format_percent(original)} original"
        ),
    )


def _derived_label(edge: Edge, parent_latent: bool) -> str:
    if parent_latent:
        kinds = {attribution.kind for attribution in edge.attributions}
        if "declared" in kinds:
            return "declared source"
        if "publisher" in kinds:
            return "original publisher"
        if "reported" in kinds or not kinds:
            return "cited"
        return "quoted"
    parts = []
    if edge.copied > 0:
        parts.append(f"{format_percent(edge.copied)} copied")
    if edge.paraphrased > 0:
        parts.append(f"{format_percent(edge.paraphrased)} paraphrased")
    return " · ".join(parts) if parts else "derived"


_KIND_TEXT: Mapping[str, str] = {
    "declared": "declared source",
    "publisher": "original publisher",
    "reported": "cited",
    "quoted": "quoted",
}
_KIND_RANK: Mapping[str, int] = {"declared": 0, "publisher": 1, "reported": 2, "quoted": 3}


def _kind_text(kind: str) -> str:
    return _KIND_TEXT.get(kind, kind)


def _type_text(source_type: str | None) -> str:
    if source_type is None:
        return "source"
    return _SOURCE_TYPE_TEXT.get(source_type, source_type)


def _attribution_tooltip(attribution: Attribution) -> str:
    return (
        f"{attribution.source} ({_type_text(attribution.source_type)}) · "
        f"{_kind_text(attribution.kind)}"
    )


def _cited(
    attributions: Sequence[Attribution], latent_names: set[str], *, cues: bool = True
) -> tuple[CitedSource, ...]:
    """The sources an article cites, most cited first; ``cues`` quotes the phrases in tooltips
    (left out in the index table, where thousands of rows would repeat them)."""
    by_source: dict[str, list[Attribution]] = {}
    for attribution in attributions:
        by_source.setdefault(attribution.source, []).append(attribution)
    cited = []
    for source, found in by_source.items():
        kinds = sorted({a.kind for a in found}, key=lambda kind: (_KIND_RANK.get(kind, 9), kind))
        tooltip = (
            f"{source} ({_type_text(found[0].source_type)}): "
            f"{' / '.join(_kind_text(kind) for kind in kinds)}"
        )
        if cues:
            quoted = ", ".join(f"“{_truncate(a.cue, 60)}”" for a in found[:3])
            more = f" and {len(found) - 3} more" if len(found) > 3 else ""
            tooltip += f"; {quoted}{more}"
        cited.append(CitedSource(source, tooltip, source in latent_names))
    cited.sort(key=lambda item: (-len(by_source[item.name]), item.name))
    return tuple(cited)


# --- text runs: attribution cues and word differences -------------------------------------------


def _runs(
    sentence: Sentence,
    attributions: Sequence[Attribution] = (),
    changed: Sequence[tuple[int, int]] = (),
) -> tuple[Run, ...]:
    """Cut a sentence into runs of equal look, from cue spans (raw offsets) and changed ranges
    (offsets into the sentence text)."""
    text = sentence.text
    if not text:
        return ()
    cue_at: list[str | None] = [None] * len(text)
    base = sentence.span.start
    for attribution in attributions:
        start = max(attribution.span.start, base) - base
        end = min(attribution.span.end, base + len(text)) - base
        tooltip = _attribution_tooltip(attribution)
        for position in range(max(start, 0), end):
            if cue_at[position] is None:
                cue_at[position] = tooltip
    diff_at = [False] * len(text)
    for start, end in changed:
        for position in range(start, end):
            diff_at[position] = True
    runs: list[Run] = []
    start = 0
    for position in range(1, len(text) + 1):
        if position == len(text) or (
            diff_at[position] != diff_at[start] or cue_at[position] != cue_at[start]
        ):
            runs.append(Run(text[start:position], diff_at[start], cue_at[start]))
            start = position
    return tuple(runs)


# Hyphenated compounds split, so "Russia-North Korea" lines up with "Russia and North Korea".
_TOKEN = re.compile(r"\w+(?:['’]\w+)*|\s+|[^\w\s]")


def _word_key(token: str) -> str | None:
    """How a word compares: case, apostrophes and inflection ignored, as alignment does."""
    if not token[0].isalnum() and token[0] != "_":
        return None
    return stem(token.casefold().replace("’", "'"))


def word_diff(
    left: Sequence[str], right: Sequence[str]
) -> tuple[tuple[tuple[tuple[int, int], ...], ...], tuple[tuple[tuple[int, int], ...], ...]]:
    """The words that differ between two groups of sentences, as character ranges per sentence.

    Words are compared by stem, ignoring case ("technologies" = "technology"), with difflib over
    the concatenated word tokens of each side, so a passage split into two sentences on one side
    still lines up. A word difflib leaves unmatched but that also sits unmatched on the other
    side was *moved*, not changed ("Russia-North Korea co-operation" / "Cooperation between
    Russia and North Korea"), and is not marked. Punctuation and spaces never count as a
    difference, but one between two changed words is marked with them so the highlight reads as
    one phrase.

    Example:
        >>> left, right = word_diff(["Pyongyang can offer ammunition."],
        ...                         ["Pyongyang could offer ammunition."])
        >>> left[0], right[0]
        (((10, 13),), ((10, 15),))
    """
    left_tokens = [_tokens(text) for text in left]
    right_tokens = [_tokens(text) for text in right]
    left_words = [(s, t) for s, tokens in enumerate(left_tokens) for t in _word_positions(tokens)]
    right_words = [(s, t) for s, tokens in enumerate(right_tokens) for t in _word_positions(tokens)]
    left_keys = [_word_key(left_tokens[s][t][2]) or "" for s, t in left_words]
    right_keys = [_word_key(right_tokens[s][t][2]) or "" for s, t in right_words]
    matcher = difflib.SequenceMatcher(None, left_keys, right_keys, autojunk=False)
    left_same: set[tuple[int, int]] = set()
    right_same: set[tuple[int, int]] = set()
    for block in matcher.get_matching_blocks():
        left_same.update(left_words[block.a : block.a + block.size])
        right_same.update(right_words[block.b : block.b + block.size])
    _pair_moved_words(left_words, left_keys, left_same, right_words, right_keys, right_same)
    return (
        tuple(_changed_ranges(tokens, s, left_same) for s, tokens in enumerate(left_tokens)),
        tuple(_changed_ranges(tokens, s, right_same) for s, tokens in enumerate(right_tokens)),
    )


def _pair_moved_words(
    left_words: Sequence[tuple[int, int]],
    left_keys: Sequence[str],
    left_same: set[tuple[int, int]],
    right_words: Sequence[tuple[int, int]],
    right_keys: Sequence[str],
    right_same: set[tuple[int, int]],
) -> None:
    """Count unmatched words that occur unmatched on both sides as the same (moved), in order."""
    waiting: dict[str, list[tuple[int, int]]] = {}
    for word, key in zip(right_words, right_keys, strict=True):
        if word not in right_same:
            waiting.setdefault(key, []).append(word)
    for word, key in zip(left_words, left_keys, strict=True):
        if word not in left_same and waiting.get(key):
            left_same.add(word)
            right_same.add(waiting[key].pop(0))


def _tokens(text: str) -> list[tuple[int, int, str]]:
    return [(m.start(), m.end(), m.group()) for m in _TOKEN.finditer(text)]


def _word_positions(tokens: Sequence[tuple[int, int, str]]) -> list[int]:
    return [index for index, token in enumerate(tokens) if _word_key(token[2]) is not None]


def _changed_ranges(
    tokens: Sequence[tuple[int, int, str]], sentence: int, same: set[tuple[int, int]]
) -> tuple[tuple[int, int], ...]:
    is_word = [_word_key(token[2]) is not None for token in tokens]
    changed = [is_word[i] and (sentence, i) not in same for i in range(len(tokens))]
    # Glue: a non-word between two changed words joins them.
    marked = list(changed)
    for index in range(len(tokens)):
        if is_word[index]:
            continue
        before = next((j for j in range(index - 1, -1, -1) if is_word[j]), None)
        after = next((j for j in range(index + 1, len(tokens)) if is_word[j]), None)
        if before is not None and after is not None and changed[before] and changed[after]:
            marked[index] = True
    ranges: list[tuple[int, int]] = []
    for index, token in enumerate(tokens):
        if not marked[index]:
            continue
        if ranges and ranges[-1][1] == token[0]:
            ranges[-1] = (ranges[-1][0], token[1])
        else:
            ranges.append((token[0], token[1]))
    return tuple(ranges)


# --- side-by-side rows ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RowPlan:
    """Which sentences of A and B share a row; ``pair`` is the aligned pair when matched."""

    a_indices: tuple[int, ...]
    b_indices: tuple[int, ...]
    pair: AlignedPair | None


def pair_rows(comparison: Comparison) -> tuple[RowPlan, ...]:
    """Order the rows of a side-by-side view: matched pairs aligned, everything else in order.

    Aligned pairs that share a sentence merge into one row. Rows follow A's reading order: a
    matched row sits where its first A sentence is, an unmatched A sentence gets a row of its
    own. An unmatched B sentence goes into the gap after the row holding the nearest preceding
    matched B sentence (after that gap's unmatched A sentences), or before the first matched
    row when no matched B sentence precedes it; B sentences sharing a gap keep B's order.

    Example:
        >>> from tracer.api import compare
        >>> result = compare("One. Moscow could pay with grain and oil. Two.",
        ...                  "Moscow could pay with grain and oil. Three.")
        >>> [(row.a_indices, row.b_indices) for row in pair_rows(result)]
        [((0,), ()), ((1,), (0,)), ((2,), ()), ((), (1,))]
    """
    groups = _merge_pairs(comparison.pairs)
    a_group = {i: number for number, group in enumerate(groups) for i in group.a_indices}
    b_group = {j: number for number, group in enumerate(groups) for j in group.b_indices}
    # Rows in A order (matched rows at their first A sentence; groups without A at the end).
    plan: list[RowPlan] = []
    placed: set[int] = set()
    for sentence in comparison.a.sentences:
        number = a_group.get(sentence.index)
        if number is None:
            plan.append(RowPlan((sentence.index,), (), None))
        elif number not in placed:
            placed.add(number)
            plan.append(groups[number])
    plan.extend(group for number, group in enumerate(groups) if number not in placed)
    # Unmatched B sentences, each into the gap after its nearest preceding matched B sentence.
    row_of_group = {id(row): position for position, row in enumerate(plan)}
    gaps: dict[int, list[int]] = {}
    anchor = -1  # -1: before the first matched row
    for sentence in comparison.b.sentences:
        number = b_group.get(sentence.index)
        if number is not None:
            anchor = row_of_group[id(groups[number])]
        else:
            gaps.setdefault(anchor, []).append(sentence.index)
    rows: list[RowPlan] = []
    owner = -1  # the matched row whose gap we are in; -1 before the first one
    for position, row in enumerate(plan):
        if row.pair is not None:
            rows.extend(RowPlan((), (index,), None) for index in gaps.get(owner, ()))
            owner = position
        rows.append(row)
    rows.extend(RowPlan((), (index,), None) for index in gaps.get(owner, ()))
    return tuple(rows)


def _merge_pairs(pairs: Sequence[AlignedPair]) -> list[RowPlan]:
    """Union aligned pairs that share a sentence on either side; keep the best pair's verdict."""
    parent = list(range(len(pairs)))

    def find(item: int) -> int:
        while parent[item] != item:
            parent[item] = parent[parent[item]]
            item = parent[item]
        return item

    owner: dict[tuple[str, int], int] = {}
    for number, pair in enumerate(pairs):
        keys = [("a", i) for i in pair.a_indices] + [("b", j) for j in pair.b_indices]
        for key in keys:
            if key in owner:
                parent[find(number)] = find(owner[key])
            else:
                owner[key] = number
    members: dict[int, list[AlignedPair]] = {}
    for number, pair in enumerate(pairs):
        members.setdefault(find(number), []).append(pair)
    groups = []
    for group in members.values():
        best = max(group, key=lambda p: (p.label == "copied", p.similarity, p.overlap))
        groups.append(
            RowPlan(
                tuple(sorted({i for p in group for i in p.a_indices})),
                tuple(sorted({j for p in group for j in p.b_indices})),
                best,
            )
        )
    groups.sort(key=lambda g: (g.a_indices or (1 << 30,), g.b_indices))
    return groups


# --- building the pages --------------------------------------------------------------------------

TABLE_PAGE_ROWS = 100
"""Rows of an index table printed in the page; the script shows the others on demand."""
INDEX_COMPONENTS = 50
"""DAG components listed on the index page; the next ones go to further pages, as many each."""
INLINE_NODES = 40
"""A component with more nodes is drawn alone, on a page of its own."""
DRAW_MAX_NODES = 2000
"""A component with more nodes is not drawn at all (a picture that size is unreadable and takes
megabytes); its page lists its best-connected nodes instead."""
_LATENT_CITED_BY = 12
_HUBS = 30
_HUBS_LINKED = 8
_LIST_LIMIT = 1000


def build_site(result: TraceResult, generated_at: str | None = None) -> Site:
    """Turn a trace into the view models of every page of the report.

    Articles are ordered by id, pairs by their two ids; nothing depends on input order beyond
    the sentence order of each article. Only articles that share something with another (an
    edge of the DAG or a compared pair) get a page; only pairs that are an edge of the DAG get a
    side-by-side page.
    """
    context = _Context(result, generated_at)
    return Site(
        index=_index_page(context),
        graphs=tuple(_graph_pages(context)),
        articles=tuple(_article_pages(context)),
        pairs=tuple(_pair_pages(context)),
    )


def iter_pages(result: TraceResult, generated_at: str | None = None) -> Iterator[PageBase]:
    """The pages of :func:`build_site`, built one at a time: index, graph, article, pair pages.

    A corpus of many thousands of articles has as many pages; building each only when it is
    rendered keeps memory flat.
    """
    context = _Context(result, generated_at)
    yield _index_page(context)
    yield from _graph_pages(context)
    yield from _article_pages(context)
    yield from _pair_pages(context)


def _pair_key(one: str, other: str) -> tuple[str, str]:
    return (one, other) if one <= other else (other, one)


def _shares_something(comparison: Comparison) -> bool:
    return bool(comparison.pairs or comparison.passages)


class _Context:
    """What every page builder needs, indexed once: no page costs a scan of the whole result."""

    def __init__(self, result: TraceResult, generated_at: str | None) -> None:
        self.result = result
        self.generated_at = generated_at
        self.legend = legend()
        self.traces = sorted(result.articles, key=lambda t: t.doc.article.id)
        self.comparisons = sorted(
            result.comparisons, key=lambda c: (c.a.article.id, c.b.article.id)
        )
        # Both orientations; the first comparison of a pair wins.
        self.pairs: dict[tuple[str, str], Comparison] = {}
        for comparison in self.comparisons:
            key = (comparison.a.article.id, comparison.b.article.id)
            self.pairs.setdefault(key, comparison)
            self.pairs.setdefault((key[1], key[0]), comparison)
        self.compared: dict[str, list[tuple[str, Comparison]]] = {}
        for (one, other), comparison in sorted(self.pairs.items()):
            self.compared.setdefault(one, []).append((other, comparison))
        self.edges = sorted(result.edges, key=lambda e: (e.kind, e.parent, e.child))
        self.edges_of: dict[str, list[Edge]] = {}
        self.edge_between: dict[tuple[str, str], Edge] = {}
        for edge in self.edges:
            for end in dict.fromkeys((edge.parent, edge.child)):
                self.edges_of.setdefault(end, []).append(edge)
            self.edge_between.setdefault(_pair_key(edge.parent, edge.child), edge)
        with_page = {
            trace.doc.article.id
            for trace in self.traces
            if trace.doc.article.id in self.edges_of
            or any(_shares_something(c) for _, c in self.compared.get(trace.doc.article.id, ()))
        }
        self.names = _Names(result, with_page)
        # A side-by-side page for each pair of articles the DAG links, none for other pairs.
        self.pair_pages: list[Comparison] = []
        seen: set[tuple[str, str]] = set()
        for comparison in self.comparisons:
            key = _pair_key(comparison.a.article.id, comparison.b.article.id)
            if key in self.edge_between and key not in seen:
                seen.add(key)
                self.pair_pages.append(comparison)
        self.with_pair_page = {id(comparison) for comparison in self.pair_pages}
        self.attributions = {t.doc.article.id: t.attributions for t in self.traces}
        self.latent_ids = {n.id for n in result.nodes if n.kind == "latent"} - set(
            self.names.articles
        )
        self.latent_names = {n.name for n in result.nodes if n.kind == "latent"}
        self.graph_nodes = _graph_nodes(self.traces, result)
        self.components = connected_components([(e.parent, e.child) for e in self.edges])
        self.placement = place_components(
            [len(c.nodes) for c in self.components],
            on_index=INDEX_COMPONENTS,
            per_page=INDEX_COMPONENTS,
            inline_nodes=INLINE_NODES,
        )
        self.component_of = {node: c.number for c in self.components for node in c.nodes}
        self.page_of_component = {
            number: page
            for page, numbers in enumerate(self.placement.pages, start=2)
            for number in numbers
        }

    def pair_href(self, comparison: Comparison | None, root: str) -> str | None:
        """The side-by-side page of a compared pair, when the report has one."""
        if comparison is None or id(comparison) not in self.with_pair_page:
            return None
        return root + self.names.pair_path(comparison)

    def component_path(self, number: int) -> str:
        """The page that draws component ``number``."""
        if number in self.placement.own_page:
            return f"graphs/component-{number}.html"
        page = self.page_of_component.get(number)
        return "index.html" if page is None else _graph_page_path(page)

    def component_href(self, number: int, root: str) -> str:
        return f"{root}{self.component_path(number)}#c-{number}"


def _graph_page_path(page: int) -> str:
    return f"graphs/page-{page}.html"


def _phrase(number: int, noun: str, what: str) -> str:
    return f"{number} {noun if number == 1 else noun + 's'} {what}"


def _count(number: int, noun: str, plural: str | None = None) -> SummaryItem:
    return SummaryItem(str(number), noun if number == 1 else (plural or noun + "s"))


def _counted(number: int, noun: str, plural: str | None = None) -> str:
    return f"{number:,} {noun if number == 1 else (plural or noun + 's')}"


def _capped(lines: Sequence[str]) -> tuple[str, ...]:
    """At most ``_LIST_LIMIT`` lines, the last saying how many were left out."""
    if len(lines) <= _LIST_LIMIT:
        return tuple(lines)
    return (*lines[: _LIST_LIMIT - 1], f"… and {len(lines) - _LIST_LIMIT + 1:,} more")


def _index_page(context: _Context) -> IndexPage:
    result = context.result
    derived = [e for e in context.edges if e.kind == "derived"]
    related = [e for e in context.edges if e.kind == "related"]
    latent = context.latent_ids
    summary = (
        _count(len(context.traces), "article"),
        _count(len(context.comparisons), "compared pair"),
        _count(len(derived), "derivation"),
        _count(len(related), "related pair"),
        _count(len(latent), "cited source not in corpus", "cited sources not in corpus"),
        _count(len(result.problems), "skipped input"),
    )
    articles = [_article_row(context, trace) for trace in context.traces]
    edges = [_edge_row(context, edge) for edge in context.edges]
    latent_rows = [
        _latent_row(context, node)
        for node in sorted(
            (n for n in result.nodes if n.id in latent), key=lambda n: (n.name.casefold(), n.id)
        )
    ]
    placement = context.placement
    graph_pages = tuple(
        PageLink(str(page), _graph_page_path(page)) for page in range(2, len(placement.pages) + 2)
    )
    shared = _SharedData()
    articles_data = [_article_cells(row, shared) for row in articles]
    edges_data = [_edge_cells(row, shared) for row in edges]
    latent_data = [_latent_cells(row, shared) for row in latent_rows]
    return IndexPage(
        path="index.html",
        title="Source provenance report",
        root="",
        generated_at=context.generated_at,
        legend=context.legend,
        summary=summary,
        graph_note=_graph_note(context),
        components=tuple(_component_view(context, n, "", own=False) for n in placement.index),
        graph_pages=graph_pages,
        articles=tuple(articles[:TABLE_PAGE_ROWS]),
        articles_table=_data_table("articles", "article", articles_data),
        edges=tuple(edges[:TABLE_PAGE_ROWS]),
        edges_table=_data_table("edges", "edge", edges_data),
        latent=tuple(latent_rows[:TABLE_PAGE_ROWS]),
        latent_table=_data_table("latent", "cited source", latent_data),
        shared_id=_SHARED_ID,
        shared_data=script_json({"refs": shared.refs, "chips": shared.chips}),
        problems=_capped([str(problem) for problem in result.problems]),
        problems_summary=_phrase(len(result.problems), "input", "skipped"),
        warnings=_capped([str(warning) for warning in result.warnings]),
        warnings_summary=_phrase(len(result.warnings), "input", "kept but altered"),
    )


def _graph_note(context: _Context) -> str:
    components = context.components
    lonely = sum(1 for t in context.traces if t.doc.article.id not in context.component_of)
    if not components:
        return "Nothing to draw: no article derives from or is related to another."
    note = f"{_counted(len(components), 'group')} of linked articles and sources, the largest first"
    if lonely:
        verb = "is" if lonely == 1 else "are"
        note += f"; {_counted(lonely, 'article')} linked to nothing {verb} not drawn"
    pages = context.placement.pages
    if pages:
        note += (
            f". Groups {INDEX_COMPONENTS + 1:,} to {len(components):,} are drawn on further "
            f"pages, {INDEX_COMPONENTS} to a page"
        )
    return note + "."


# --- the index tables ----------------------------------------------------------------------------

_SCRIPT_UNSAFE = re.compile("[<>&\u2028\u2029\ud800-\udfff]")


def script_json(value: object) -> Markup:
    """``value`` as JSON text that is safe inside ``<script type="application/json">``.

    The characters that could end the element or open a comment (``<``, ``>``, ``&``), the line
    separators JavaScript once rejected in strings (U+2028, U+2029) and lone surrogates (not
    encodable in UTF-8) are written as ``\\uXXXX`` escapes: they can only occur inside JSON
    strings, where the escape means the same character. Article text goes through here, so the
    result needs no HTML escaping (which a ``<script>`` element would not undo) and is marked
    safe for the template. Keys keep their order and floats their ``repr``: the text is
    deterministic.

    Example:
        >>> str(script_json(["</script><!--", "a\\u2028b"]))
        '["\\\\u003c/script\\\\u003e\\\\u003c!--","a\\\\u2028b"]'
    """
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return Markup(_SCRIPT_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text))


_SHARED_ID = "shared-data"


class _SharedData:
    """What the index's rows repeat, stored once: article references and cited-source chips.

    A corpus of 20,000 articles has twice as many edges, each naming two articles; a cell holds
    the position of the reference instead of its title, link and caption. A reference is
    ``[name, id, href or null, caption]``, a chip ``[name, tooltip, latent]``; both lists keep
    the order in which the rows first use them, so the data is deterministic.
    """

    def __init__(self) -> None:
        self.refs: list[list[object]] = []
        self.chips: list[list[object]] = []
        self._ref_at: dict[ArticleRef, int] = {}
        self._chip_at: dict[CitedSource, int] = {}

    def ref(self, ref: ArticleRef) -> int:
        if ref not in self._ref_at:
            self._ref_at[ref] = len(self.refs)
            self.refs.append([ref.name, ref.id, ref.href, ref.caption])
        return self._ref_at[ref]

    def chip(self, item: CitedSource) -> int:
        if item not in self._chip_at:
            self._chip_at[item] = len(self.chips)
            self.chips.append([item.name, item.tooltip, item.latent])
        return self._chip_at[item]


def _data_table(name: str, noun: str, rows: list[list[object]]) -> DataTable:
    total = len(rows)
    plural = noun + "s"
    if total > TABLE_PAGE_ROWS:
        note = (
            f"Showing the first {TABLE_PAGE_ROWS:,} of {total:,} {plural}; "
            "filtering, sorting and the others need JavaScript."
        )
    else:
        note = f"{_counted(total, noun)}."
    return DataTable(
        id=f"{name}-table",
        data_id=f"{name}-data",
        shared_id=_SHARED_ID,
        filter_id=f"{name}-filter",
        total=total,
        page_size=TABLE_PAGE_ROWS,
        noun=plural,
        note=note,
        data=script_json({"rows": rows}),
    )


# The cells of each table, in column order; the template names each column's kind, which tells
# the script how to read and draw its cells. An empty cell is null; a number cell is a number
# (an integer, shown as is) or [shown, value].


def _number_cell(value: float | None, text: str | None = None) -> object:
    if value is None:
        return None
    return value if text is None else [text, value]


def _share_cell(text: str, value: str) -> list[object]:
    return [text, float(value)]


def _article_cells(row: ArticleRow, shared: _SharedData) -> list[object]:
    return [
        shared.ref(row.ref),
        row.source,
        row.date,
        _share_cell(row.shares.copied, row.shares.copied_value),
        _share_cell(row.shares.paraphrased, row.shares.paraphrased_value),
        _share_cell(row.shares.original, row.shares.original_value),
        [shared.chip(item) for item in row.cited],
        [shared.ref(ref) for ref in row.derived_from],
        row.related,
    ]


def _edge_cells(row: EdgeRow, shared: _SharedData) -> list[object]:
    return [
        shared.ref(row.source),
        shared.ref(row.target),
        [row.relation, row.relation_class, row.reason],
        _number_cell(row.copied_rows),
        _number_cell(row.paraphrased_rows),
        _number_cell(row.reused_value, row.reused),
        _number_cell(float(row.similarity) if row.similarity else None, row.similarity),
        row.href,
    ]


def _latent_cells(row: LatentRow, shared: _SharedData) -> list[object]:
    refs: list[object] = [shared.ref(ref) for ref in row.cited_by]
    if row.more:
        refs.append(row.more)
    return [row.name, row.kind, refs]


def _article_row(context: _Context, trace: ArticleTrace) -> ArticleRow:
    article = trace.doc.article
    names = context.names
    edges = context.edges_of.get(article.id, ())
    related = {e.parent if e.child == article.id else e.child for e in edges if e.kind == "related"}
    parents = sorted(
        {e.parent for e in edges if e.kind == "derived" and e.child == article.id},
        key=lambda node_id: (node_id not in names.articles, node_id),
    )
    return ArticleRow(
        ref=names.ref(article.id, ""),
        source=names.outlet(article.id) or "",
        date=article.date or "",
        shares=_shares_view(trace.shares),
        cited=_cited(trace.attributions, context.latent_names, cues=False),
        related=len(related),
        derived_from=tuple(names.ref(parent, "") for parent in parents),
    )


def _edge_row(context: _Context, edge: Edge) -> EdgeRow:
    names = context.names
    comparison = context.pairs.get((edge.parent, edge.child))
    if edge.kind == "derived":
        parent_latent = edge.parent not in names.articles
        relation = f"derived · {_derived_label(edge, parent_latent)}"
    else:
        common = f" · common source: {edge.common_source}" if edge.common_source else ""
        relation = f"related{common}"
    copied = paraphrased = None
    reused = similarity = None
    reused_value = None
    if comparison is not None:
        labels = [pair.label for pair in comparison.pairs]
        copied, paraphrased = labels.count("copied"), labels.count("paraphrased")
        target_shares = (
            comparison.shares_a if comparison.a.article.id == edge.child else comparison.shares_b
        )
        reused = format_percent(target_shares.reused)
        reused_value = round(target_shares.reused, 4)
        best = max((pair.similarity for pair in comparison.pairs), default=0.0)
        similarity = format_score(best)
    return EdgeRow(
        source=names.ref(edge.parent, ""),
        target=names.ref(edge.child, ""),
        relation=relation,
        relation_class=f"rel-{edge.kind}",
        reason=_truncate(edge.reason, 200),
        copied_rows=copied,
        paraphrased_rows=paraphrased,
        reused=reused,
        reused_value=reused_value,
        similarity=similarity,
        href=context.pair_href(comparison, ""),
    )


def _latent_row(context: _Context, node: Node) -> LatentRow:
    children = sorted(
        {e.child for e in context.edges_of.get(node.id, ()) if e.kind == "derived"} - {node.id}
    )
    shown = children[:_LATENT_CITED_BY]
    left_out = len(children) - len(shown)
    return LatentRow(
        name=node.name,
        kind=_type_text(node.source_type),
        cited_by=tuple(context.names.ref(child, "") for child in shown),
        more=f"and {left_out:,} more" if left_out else "",
    )


def _relation(context: _Context, a_id: str, b_id: str) -> tuple[str, str, str]:
    """How the DAG relates two articles: a phrase, a CSS class and the edge's reason."""
    edge = context.edge_between.get(_pair_key(a_id, b_id))
    if edge is None:
        return "shares passages", "rel-none", ""
    if edge.kind == "derived":
        arrow = "A → B" if edge.parent == a_id else "B → A"
        return f"derived: {arrow}", "rel-derived", edge.reason
    common = f" (common source: {edge.common_source})" if edge.common_source else ""
    return f"related{common}", "rel-related", edge.reason


# --- the graph -----------------------------------------------------------------------------------

_NODE_LINE = 26


def _graph_nodes(traces: Sequence[ArticleTrace], result: TraceResult) -> dict[str, Node]:
    """Every node the DAG can draw: the traced articles, the result's nodes, unknown edge ends."""
    nodes: dict[str, Node] = {}
    for trace in traces:
        article = trace.doc.article
        nodes[article.id] = Node(article.id, "article", article.title or article.id)
    for node in result.nodes:
        nodes.setdefault(node.id, node)
    for edge in result.edges:
        for end in (edge.parent, edge.child):
            if end not in nodes:
                nodes[end] = Node(end, "latent", end)
    return nodes


def _graph_pages(context: _Context) -> Iterator[GraphPage]:
    """The further pages of components, then one page per component too big to share one."""
    placement = context.placement
    total = len(context.components)
    links = [PageLink("1", "../index.html#graph")] + [
        PageLink(str(page), f"../{_graph_page_path(page)}")
        for page in range(2, len(placement.pages) + 2)
    ]
    for page, numbers in enumerate(placement.pages, start=2):
        yield GraphPage(
            path=_graph_page_path(page),
            title=f"Derivation graph, page {page}",
            root="../",
            generated_at=context.generated_at,
            legend=context.legend,
            heading=f"Derivation graph, page {page}",
            intro=f"Groups {numbers[0]:,} to {numbers[-1]:,} of {total:,}, the largest first.",
            components=tuple(_component_view(context, n, "../", own=False) for n in numbers),
            pages=tuple(
                PageLink(link.text, None if number == page else link.href)
                for number, link in enumerate(links, start=1)
            ),
        )
    for number in sorted(placement.own_page):
        view = _component_view(context, number, "../", own=True)
        yield GraphPage(
            path=context.component_path(number),
            title=f"Derivation graph, group {number}",
            root="../",
            generated_at=context.generated_at,
            legend=context.legend,
            heading=f"Derivation graph, group {number}",
            intro=view.summary,
            components=(view,),
            pages=(),
        )


def _component_view(context: _Context, number: int, root: str, *, own: bool) -> ComponentView:
    """Component ``number`` as listed on a page: drawn, or linked to the page that draws it."""
    component = context.components[number - 1]
    edges = [context.edges[position] for position in component.edges]
    articles = sum(1 for node in component.nodes if node in context.names.articles)
    others = len(component.nodes) - articles
    derived = sum(1 for edge in edges if edge.kind == "derived")
    summary = " · ".join(
        [
            _counted(articles, "article"),
            *([_counted(others, "cited source")] if others else []),
            *([_counted(derived, "derivation")] if derived else []),
            *([_counted(len(edges) - derived, "related pair")] if len(edges) > derived else []),
        ]
    )
    graph: GraphView | None = None
    href: str | None = None
    note = ""
    hubs: tuple[ArticleRef, ...] = ()
    size = len(component.nodes)
    if own and size > DRAW_MAX_NODES:
        note = (
            f"Too large to draw ({size:,} nodes). Its {_HUBS} best-connected nodes are below; "
            "each article's page lists its own links, and the tables on the first page list "
            "them all."
        )
        hubs = _hubs(context, edges, root, _HUBS)
    elif own or number not in context.placement.own_page:
        per_row = max(LayoutConfig().max_per_row, math.ceil(math.sqrt(size))) if own else None
        graph = _graph(context, component, edges, root, per_row)
    else:
        href = context.component_href(number, root)
        note = f"Too large to draw among the others ({size:,} nodes): it has a page of its own."
        hubs = _hubs(context, edges, root, _HUBS_LINKED)
    return ComponentView(
        number=number,
        anchor=f"c-{number}",
        title=f"Group {number}",
        summary=summary,
        graph=graph,
        href=href,
        note=note,
        hubs=hubs,
    )


def _hubs(
    context: _Context, edges: Sequence[Edge], root: str, count: int
) -> tuple[ArticleRef, ...]:
    degree: dict[str, int] = {}
    for edge in edges:
        for end in dict.fromkeys((edge.parent, edge.child)):
            degree[end] = degree.get(end, 0) + 1
    best = sorted(degree, key=lambda node: (-degree[node], node))[:count]
    return tuple(_node_ref(context, node, root) for node in best)


def _node_ref(context: _Context, node_id: str, root: str) -> ArticleRef:
    names = context.names
    node = context.graph_nodes.get(node_id)
    if node_id not in names.articles and node is not None:
        kind = _type_text(node.source_type)
        return ArticleRef(node_id, node.name, f"{kind} · not in corpus", None)
    return names.ref(node_id, root)


def _graph(
    context: _Context,
    component: Component,
    edges: Sequence[Edge],
    root: str,
    per_row: int | None,
) -> GraphView:
    names = context.names
    nodes = {node_id: context.graph_nodes[node_id] for node_id in component.nodes}
    derived = [(e.parent, e.child) for e in edges if e.kind == "derived"]
    related = [(e.parent, e.child) for e in edges if e.kind == "related"]
    config = LayoutConfig() if per_row is None else LayoutConfig(max_per_row=per_row)
    layout = layered_layout(nodes, derived, related, config)
    graph_nodes = tuple(_graph_node(context, nodes[box.id], box, root) for box in layout.boxes)
    edge_by_ends: dict[tuple[str, str, bool], Edge] = {}
    for edge in sorted(edges, key=lambda e: (e.kind, e.parent, e.child, -e.score)):
        directed = edge.kind == "derived"
        key = (edge.parent, edge.child, directed)
        if not directed:
            key = (min(edge.parent, edge.child), max(edge.parent, edge.child), False)
        edge_by_ends.setdefault(key, edge)
    graph_edges = []
    for route in layout.routes:
        edge = edge_by_ends[(route.source, route.target, route.directed)]
        if route.directed:
            parent_latent = (
                nodes[edge.parent].kind == "latent" and edge.parent not in names.with_page
            )
            label = _derived_label(edge, parent_latent)
            tooltip = (
                f"{_node_name(names, nodes[edge.parent])} → {_node_name(names, nodes[edge.child])}"
                f": {label}. {edge.reason}".strip()
            )
            css = "edge derived latent-parent" if parent_latent else "edge derived"
            marker = "arrow-latent" if parent_latent else "arrow"
        else:
            label = ""
            common = f"common source: {edge.common_source}. " if edge.common_source else ""
            tooltip = (
                f"{_node_name(names, nodes[edge.parent])} — {_node_name(names, nodes[edge.child])}"
                f" related. {common}{edge.reason}".strip()
            )
            css = "edge related"
            marker = ""
        graph_edges.append(
            GraphEdge(route.path, css, marker, label, route.label_x, route.label_y, tooltip)
        )
    article_count = sum(1 for node in nodes.values() if node.kind == "article")
    described = (
        f"Derivation graph of {article_count} articles and "
        f"{len(nodes) - article_count} cited sources not in the corpus."
    )
    return GraphView(
        layout.width,
        layout.height,
        graph_nodes,
        tuple(graph_edges),
        described,
        f"c-{component.number}-title",
    )


def _node_name(names: _Names, node: Node) -> str:
    return names.title(node.id) if node.id in names.articles else node.name


def _graph_node(context: _Context, node: Node, box: Box, root: str) -> GraphNode:
    names = context.names
    is_article = node.id in names.articles
    if is_article:
        title = names.title(node.id)
        lines = _wrap(title, _NODE_LINE, 2)
        caption = _truncate(names.caption(node.id), _NODE_LINE + 4)
        href = root + names.article_path(node.id) if node.id in names.with_page else None
        css = "node article"
        tooltip = f"{title} ({node.id})"
    else:
        lines = _wrap(node.name, _NODE_LINE - 2, 2)
        kind = _type_text(node.source_type)
        caption = f"{kind} · not in corpus"
        href = None
        css = "node latent"
        tooltip = f"{node.name}: {kind} cited by articles, not in the corpus"
    # Baselines: the title lines then the caption, the block centred vertically in the box.
    line_height, caption_gap = 15.0, 15.0
    block = line_height * (len(lines) - 1) + caption_gap
    first = box.y + (box.height - block) / 2 + 4.0
    placed = tuple(
        TextLine(line, round(first + line_height * number, 1)) for number, line in enumerate(lines)
    )
    return GraphNode(
        id=node.id,
        x=box.x,
        y=box.y,
        width=box.width,
        height=box.height,
        css_class=css,
        lines=placed,
        caption=TextLine(caption, round(first + block, 1)),
        tooltip=tooltip,
        href=href,
        text_x=box.center_x,
    )


# --- article page --------------------------------------------------------------------------------


def _article_pages(context: _Context) -> Iterator[ArticlePage]:
    for trace in context.traces:
        if trace.doc.article.id in context.names.with_page:
            yield _article_page(context, trace)


def _pair_pages(context: _Context) -> Iterator[PairPage]:
    for comparison in context.pair_pages:
        yield _pair_page(context, comparison)


def _article_page(context: _Context, trace: ArticleTrace) -> ArticlePage:
    names = context.names
    doc = trace.doc
    article = doc.article
    root = "../"
    links = {link.index: link for link in trace.links}
    sentences = []
    for sentence in doc.sentences:
        link = links.get(sentence.index, SentenceLink(sentence.index, "original"))
        label: Label = "boilerplate" if sentence.boilerplate else link.label
        if sentence.boilerplate:
            tooltip = f"boilerplate: {sentence.boilerplate_reason}"
        elif link.label in ("copied", "paraphrased"):
            tooltip = (
                f"{link.label} (similarity {format_score(link.similarity)}, "
                f"word overlap {format_score(link.overlap)})"
            )
        else:
            tooltip = _LABEL_TEXT[label]
        covering = [a for a in trace.attributions if a.span.overlaps(sentence.span)]
        sentences.append(
            SentenceView(
                anchor=f"s-{sentence.index}",
                number=str(sentence.index + 1),
                css_class=label_class(label),
                label=_LABEL_TEXT[label],
                tooltip=tooltip,
                runs=_runs(sentence, covering),
                source=_source_link(context, article.id, link) if label != "boilerplate" else None,
                heading=sentence.heading,
            )
        )
    paragraphs = _paragraphs(doc, sentences)
    edges = context.edges_of.get(article.id, [])
    parents = tuple(
        _relation_view(context, e, e.parent, root)
        for e in sorted(edges, key=lambda e: (e.parent, e.child))
        if e.kind == "derived" and e.child == article.id
    )
    children = tuple(
        _relation_view(context, e, e.child, root)
        for e in sorted(edges, key=lambda e: (e.child, e.parent))
        if e.kind == "derived" and e.parent == article.id
    )
    related = tuple(
        _relation_view(context, e, e.child if e.parent == article.id else e.parent, root)
        for e in sorted(edges, key=lambda e: (e.parent, e.child))
        if e.kind == "related" and article.id in (e.parent, e.child)
    )
    compared = []
    for other, comparison in context.compared.get(article.id, ()):
        shares = (
            comparison.shares_a if comparison.a.article.id == article.id else comparison.shares_b
        )
        relation, _, reason = _relation(context, comparison.a.article.id, comparison.b.article.id)
        compared.append(
            Relation(
                node=names.ref(other, root),
                kind="compared",
                css_class="rel rel-none",
                label=f"{format_percent(shares.reused)} of this article shared · {relation}",
                reason=reason,
                pair_href=context.pair_href(comparison, root),
            )
        )
    component = context.component_of.get(article.id)
    drawing = None
    if component is not None:
        href = context.component_href(component, root)
        drawing = PageLink(f"group {component} of the derivation graph", href)
    return ArticlePage(
        path=names.article_path(article.id),
        title=names.title(article.id),
        root=root,
        generated_at=context.generated_at,
        legend=context.legend,
        article=names.ref(article.id, root),
        meta=_meta(article, names.outlet(article.id)),
        shares=_shares_view(trace.shares),
        parents=parents,
        children=children,
        related=related,
        compared=tuple(compared),
        cited=_cited(trace.attributions, context.latent_names),
        paragraphs=paragraphs,
        drawing=drawing,
    )


def _paragraphs(doc: Segmented, sentences: Sequence[SentenceView]) -> tuple[Paragraph, ...]:
    """Group sentences into the paragraphs of the raw text (a line break starts a new one)."""
    raw = doc.article.text
    paragraphs: list[list[SentenceView]] = []
    previous_end: int | None = None
    for sentence, view in zip(doc.sentences, sentences, strict=True):
        gap = raw[previous_end : sentence.span.start] if previous_end is not None else "\n"
        if "\n" in gap or sentence.heading or (paragraphs and paragraphs[-1][-1].heading):
            paragraphs.append([])
        paragraphs[-1].append(view)
        previous_end = sentence.span.end
    return tuple(
        Paragraph("para heading" if paragraph[0].heading else "para", tuple(paragraph))
        for paragraph in paragraphs
    )


def _source_link(context: _Context, article_id: str, link: SentenceLink) -> SourceLink | None:
    if link.label not in ("copied", "paraphrased") or not link.counterparts:
        return None
    names = context.names
    partner = link.partner
    comparison = None
    if partner is None:
        # A two-article trace: the only comparison involving this article.
        candidates = [c for _, c in context.compared.get(article_id, ())]
        if len(candidates) == 1:
            comparison = candidates[0]
            partner = (
                comparison.b.article.id
                if comparison.a.article.id == article_id
                else comparison.a.article.id
            )
    else:
        comparison = context.pairs.get((article_id, partner))
    if partner is None:
        return None
    counterpart = link.counterparts[0]
    where = f"sentence {counterpart + 1}"
    others = (
        f" (and {', '.join(str(i + 1) for i in link.counterparts[1:])})"
        if len(link.counterparts) > 1
        else ""
    )
    tooltip = f"{link.label} from {names.title(partner)}, {where}{others}"
    outlet = names.outlet(partner)
    text = _truncate(outlet, 24) if outlet else _truncate(partner, 12)
    pair_href = context.pair_href(comparison, "../")
    if comparison is not None and pair_href is not None:
        side = "a" if comparison.a.article.id == partner else "b"
        href = f"{pair_href}#{side}-{counterpart}"
    elif partner in names.with_page:
        href = f"../{names.article_path(partner)}#s-{counterpart}"
    else:
        return None
    return SourceLink(href, text, tooltip)


def _relation_view(context: _Context, edge: Edge, other: str, root: str) -> Relation:
    names = context.names
    ref = names.ref(other, root)
    if edge.kind == "derived":
        parent_latent = edge.parent not in names.articles
        label = _derived_label(edge, parent_latent)
    else:
        label = f"common source: {edge.common_source}" if edge.common_source else "related"
    pair_href = context.pair_href(context.pairs.get((edge.parent, edge.child)), root)
    return Relation(ref, edge.kind, f"rel rel-{edge.kind}", label, edge.reason, pair_href)


def _meta(article: Article, outlet: str | None) -> tuple[MetaItem, ...]:
    items = [MetaItem("id", article.id)]
    for name, value in (
        ("title", article.title),
        ("source", article.source),
        ("outlet", outlet if not article.source else None),
        ("date", article.date),
        ("read from", article.origin),
    ):
        if value:
            items.append(MetaItem(name, value))
    if article.url:
        items.append(MetaItem("url", article.url, external_url(article.url)))
    for key in sorted(article.metadata, key=str):
        value = article.metadata[key]
        text = value if isinstance(value, str) else repr(value)
        items.append(MetaItem(_truncate(str(key), 40), _truncate(text, 300)))
    return tuple(items)


# --- pair page -----------------------------------------------------------------------------------


def _pair_page(context: _Context, comparison: Comparison) -> PairPage:
    names = context.names
    a, b = comparison.a, comparison.b
    root = "../"
    relation, relation_class, reason = _relation(context, a.article.id, b.article.id)
    a_attributions = context.attributions.get(a.article.id, ())
    b_attributions = context.attributions.get(b.article.id, ())
    link_a = {link.index: link for link in comparison.links_a}
    link_b = {link.index: link for link in comparison.links_b}
    rows = []
    for number, plan in enumerate(pair_rows(comparison)):
        left_texts = [a.sentences[i].text for i in plan.a_indices]
        right_texts = [b.sentences[j].text for j in plan.b_indices]
        if plan.pair is not None:
            left_changes, right_changes = word_diff(left_texts, right_texts)
            label: Label = plan.pair.label
            scores = (
                f"similarity {format_score(plan.pair.similarity)} · "
                f"overlap {format_score(plan.pair.overlap)}"
            )
        else:
            left_changes = tuple(() for _ in left_texts)
            right_changes = tuple(() for _ in right_texts)
            side = [a.sentences[i] for i in plan.a_indices] + [
                b.sentences[j] for j in plan.b_indices
            ]
            label = "boilerplate" if all(s.boilerplate for s in side) else "original"
            scores = ""
        left = tuple(
            _cell(a.sentences[i], "a", changes, a_attributions, link_a.get(i))
            for i, changes in zip(plan.a_indices, left_changes, strict=True)
        )
        right = tuple(
            _cell(b.sentences[j], "b", changes, b_attributions, link_b.get(j))
            for j, changes in zip(plan.b_indices, right_changes, strict=True)
        )
        rows.append(
            AlignedRow(
                id=f"r{number}",
                matched=plan.pair is not None,
                css_class=f"row {label_class(label)} {'matched' if plan.pair else 'unmatched'}",
                badge_class=f"badge {label_class(label)}",
                label=_LABEL_TEXT[label] if plan.pair is not None else "",
                scores=scores,
                left=left,
                right=right,
            )
        )
    side_a = _pair_side(names, "A", a, comparison.shares_a, root)
    side_b = _pair_side(names, "B", b, comparison.shares_b, root)
    document = comparison.document
    figures = (
        SummaryItem(str(sum(1 for row in rows if row.matched)), "aligned passages"),
        SummaryItem(format_score(document.containment_a_in_b), "of A's word triples in B"),
        SummaryItem(format_score(document.containment_b_in_a), "of B's word triples in A"),
        SummaryItem(format_score(document.tfidf_word_cosine), "TF-IDF cosine (words)"),
    )
    return PairPage(
        path=names.pair_path(comparison),
        title=f"{names.title(a.article.id)} ↔ {names.title(b.article.id)}",
        root=root,
        generated_at=context.generated_at,
        legend=context.legend,
        left=side_a,
        right=side_b,
        sides=(side_a, side_b),
        relation=relation,
        relation_class=relation_class,
        reason=reason,
        figures=figures,
        rows=tuple(rows),
        matched_rows=sum(1 for row in rows if row.matched),
    )


def _pair_side(names: _Names, letter: str, doc: Segmented, shares: Shares, root: str) -> PairSide:
    ref = names.ref(doc.article.id, root)
    caption = doc.article.origin or names.caption(doc.article.id)
    return PairSide(letter, ref, caption, _shares_view(shares))


def _cell(
    sentence: Sentence,
    side: Literal["a", "b"],
    changes: Sequence[tuple[int, int]],
    attributions: Iterable[Attribution],
    link: SentenceLink | None,
) -> CellSentence:
    covering = [a for a in attributions if a.span.overlaps(sentence.span)]
    if sentence.boilerplate:
        label: Label = "boilerplate"
        tooltip = f"boilerplate: {sentence.boilerplate_reason}"
    else:
        label = link.label if link is not None else "original"
        tooltip = f"{side.upper()} sentence {sentence.index + 1}: {_LABEL_TEXT[label]}"
    return CellSentence(
        anchor=f"{side}-{sentence.index}",
        number=str(sentence.index + 1),
        runs=_runs(sentence, covering, changes),
        css_class=label_class(label),
        tooltip=tooltip,
    )
