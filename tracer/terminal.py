"""Plain-text views for the terminal: aligned sentence pairs side by side, and share summaries."""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from typing import TYPE_CHECKING

from tracer.model import Comparison, Segmented, Shares

if TYPE_CHECKING:
    from tracer.query import QueryResult

_LABEL_WIDTH = 11
_SCORE_WIDTH = 5


def comparison_table(result: Comparison, *, width: int = 100, quiet: bool = False) -> str:
    """Render a comparison: aligned pairs (A on the left, B on the right), then shares.

    With ``quiet`` only the shares and document figures are shown.
    """
    lines: list[str] = [
        f"A: {_describe(result.a)}",
        f"B: {_describe(result.b)}",
        "",
    ]
    if not quiet:
        lines.extend(_pairs_table(result, width))
        lines.append("")
    lines.extend(shares_table([("A", result.a, result.shares_a), ("B", result.b, result.shares_b)]))
    document = result.document
    lines.append("")
    lines.append(
        f"document: Jaccard {document.jaccard:.2f}, containment A in B "
        f"{document.containment_a_in_b:.2f}, B in A {document.containment_b_in_a:.2f}, "
        f"TF-IDF cosine words {document.tfidf_word_cosine:.2f}, "
        f"characters {document.tfidf_char_cosine:.2f}"
    )
    return "\n".join(lines) + "\n"


def _describe(doc: Segmented) -> str:
    origin = doc.article.origin or doc.article.id
    return f"{origin} ({len(doc.sentences)} segments, {len(doc.article.text)} characters)"


def _pairs_table(result: Comparison, width: int) -> list[str]:
    """The aligned pairs side by side; ``score`` is the similarity that linked a pair and
    ``para`` the paraphrase classifier's probability (:mod:`tracer.paraphrase`)."""
    from tracer.paraphrase import pair_probabilities

    if not result.pairs:
        return ["no shared passages"]
    text_width = max(20, (width - _LABEL_WIDTH - 2 * _SCORE_WIDTH - 10) // 2)
    header = (
        f"{'label':<{_LABEL_WIDTH}}  {'score':>{_SCORE_WIDTH}}  {'para':>{_SCORE_WIDTH}}  "
        f"{'A':<{text_width}}  B"
    )
    lines = [header, "-" * (len(header) + text_width - 1)]
    for pair, probability in zip(result.pairs, pair_probabilities(result), strict=True):
        left = _wrap([f"[{i}] {result.a.sentences[i].text}" for i in pair.a_indices], text_width)
        right = _wrap([f"[{i}] {result.b.sentences[i].text}" for i in pair.b_indices], text_width)
        for row in range(max(len(left), len(right))):
            label = pair.label if row == 0 else ""
            score = f"{pair.similarity:.2f}" if row == 0 else ""
            para = f"{probability:.2f}" if row == 0 else ""
            left_text = left[row] if row < len(left) else ""
            right_text = right[row] if row < len(right) else ""
            lines.append(
                f"{label:<{_LABEL_WIDTH}}  {score:>{_SCORE_WIDTH}}  {para:>{_SCORE_WIDTH}}  "
                f"{left_text:<{text_width}}  {right_text}".rstrip()
            )
    return lines


def _wrap(paragraphs: Sequence[str], width: int) -> list[str]:
    lines: list[str] = []
    for paragraph in paragraphs:
        lines.extend(textwrap.wrap(" ".join(paragraph.split()), width) or [""])
    return lines


def shares_table(rows: Sequence[tuple[str, Segmented, Shares]]) -> list[str]:
    """One line per article: the share of its content that is copied / paraphrased / original."""
    header = f"{'':<3}{'article':<32}{'copied':>9}{'paraphr.':>10}{'original':>10}{'boilerpl.':>11}"
    lines = [header]
    for name, doc, shares in rows:
        article_id = doc.article.id if len(doc.article.id) <= 30 else doc.article.id[:29] + "…"
        lines.append(
            f"{name:<3}{article_id:<32}{shares.copied:>9.1%}{shares.paraphrased:>10.1%}"
            f"{shares.original:>10.1%}{shares.boilerplate_chars:>7} ch."
        )
    return lines


def sources_table(result: QueryResult, *, width: int = 100) -> str:
    """The likely sources of a query article, most explaining first, with their passages."""
    query = result.query
    lines = [f"query: {_describe(query)}", ""]
    if not result.sources:
        lines.append(f"no source found among {result.candidates} candidates")
        return "\n".join(lines) + "\n"
    header = f"{'source':<32}{'date':<12}{'copied':>8}{'paraphr.':>10}{'passages':>10}"
    lines.extend([header, "-" * len(header)])
    for match in result.sources:
        article = match.comparison.a.article
        shares = match.comparison.shares_b
        name = article.id if len(article.id) <= 30 else article.id[:29] + "…"
        lines.append(
            f"{name:<32}{(article.date or '')[:10]:<12}{shares.copied:>8.1%}"
            f"{shares.paraphrased:>10.1%}{len(match.comparison.passages):>10}"
        )
    text_width = max(40, width - 16)
    for match in result.sources:
        lines.extend(["", f"{match.comparison.a.article.id}:"])
        for passage in match.comparison.passages:
            excerpt = " ".join(passage.b_span.slice(query.article.text).split())
            wrapped = textwrap.wrap(excerpt, text_width) or [""]
            lines.append(f"  {passage.label:<12}{wrapped[0]}")
            lines.extend(f"  {'':<12}{line}" for line in wrapped[1:3])
            if len(wrapped) > 3:
                lines.append(f"  {'':<12}…")
    return "\n".join(lines) + "\n"
