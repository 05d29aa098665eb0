"""The data types every stage of tracer exchanges.

All of them are frozen dataclasses: a stage takes values and returns new values, it never mutates
what it was given. Character offsets always point into the *raw* text of an article, exactly as
the user gave it to us (after decoding); normalised text is a private detail of the stages that
need it and is carried next to its map back to the raw offsets.
"""

from __future__ import annotations

import operator
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from typing import Any, Literal, TypeVar

from tracer.errors import Problem

Label = Literal["copied", "paraphrased", "original", "boilerplate"]
"""How a sentence relates to its best counterpart: the labels the whole code base shares."""

LABELS: tuple[Label, ...] = ("copied", "paraphrased", "original", "boilerplate")
REUSE_LABELS: tuple[Label, ...] = ("copied", "paraphrased")

_T = TypeVar("_T")


def _pickled_by_fields(cls: type[_T]) -> type[_T]:
    """Pickle instances of a frozen dataclass as ``cls(*field values)``.

    The default pickling of a slotted dataclass restores each object through
    ``dataclasses.fields()``, which dominated the cost of sending segmented articles and
    comparisons back from the worker processes; calling the constructor is several times faster.
    """
    names = tuple(f.name for f in fields(cls))  # type: ignore[arg-type]
    values = operator.attrgetter(*names)
    if len(names) == 1:

        def reduce_one(self: _T) -> tuple[type[_T], tuple[Any, ...]]:
            return cls, (values(self),)

        cls.__reduce__ = reduce_one  # type: ignore[assignment,method-assign]
    else:

        def reduce_many(self: _T) -> tuple[type[_T], tuple[Any, ...]]:
            return cls, values(self)

        cls.__reduce__ = reduce_many  # type: ignore[assignment,method-assign]
    return cls


@_pickled_by_fields
@dataclass(frozen=True, slots=True)
class Span:
    """Half-open character range ``[start, end)`` into an article's raw text.

    Example:
        >>> Span(4, 9).slice("the quick fox")
        'quick'
    """

    start: int
    end: int

    def __post_init__(self) -> None:
        if not 0 <= self.start <= self.end:
            raise ValueError(f"invalid span [{self.start}, {self.end})")

    @property
    def length(self) -> int:
        """Number of characters covered."""
        return self.end - self.start

    def slice(self, text: str) -> str:
        """Return the part of ``text`` this span covers."""
        return text[self.start : self.end]

    def overlaps(self, other: Span) -> bool:
        """True when the two spans share at least one character."""
        return self.start < other.end and other.start < self.end


@_pickled_by_fields
@dataclass(frozen=True, slots=True)
class Article:
    """One article as ingested: its raw text and what we know about where it came from.

    ``origin`` says where the record was read ("dump.jsonl:12", "seeds/000.txt") so messages and
    reports can point the user back at their input.
    """

    id: str
    text: str
    title: str | None = None
    date: str | None = None
    url: str | None = None
    source: str | None = None
    origin: str = ""
    metadata: Mapping[str, Any] = field(default_factory=dict, compare=False, hash=False)


@_pickled_by_fields
@dataclass(frozen=True, slots=True)
class Sentence:
    """A segment of an article: a sentence, a headline or a short line.

    ``text`` is ``raw[span.start:span.end]``, never re-normalised; ``norm`` is the normalised form
    the comparison stages work on. ``boilerplate_reason`` says why a segment was set aside
    ("read-also link", "leaked CSS"...) and is ``None`` for article content.
    """

    article_id: str
    index: int
    span: Span
    text: str
    norm: str
    boilerplate_reason: str | None = None
    heading: bool = False

    @property
    def boilerplate(self) -> bool:
        """True when the segment is page furniture rather than article content."""
        return self.boilerplate_reason is not None


@_pickled_by_fields
@dataclass(frozen=True, slots=True)
class Segmented:
    """An article cut into segments that together cover all of its non-space text."""

    article: Article
    sentences: tuple[Sentence, ...]

    @property
    def content(self) -> tuple[Sentence, ...]:
        """The segments that are article content (not boilerplate)."""
        return tuple(s for s in self.sentences if not s.boilerplate)


@_pickled_by_fields
@dataclass(frozen=True, slots=True)
class DocumentSimilarity:
    """Whole-document figures for a pair (A, B).

    ``containment_b_in_a`` is the share of B's word shingles that also occur in A: close to 1 when
    B is a (possibly shortened) copy of A, whatever A's length.
    """

    jaccard: float
    containment_a_in_b: float
    containment_b_in_a: float
    tfidf_word_cosine: float
    tfidf_char_cosine: float


@_pickled_by_fields
@dataclass(frozen=True, slots=True)
class SentenceLink:
    """The verdict for one sentence: its label, best counterpart(s) in the other article, scores.

    ``counterparts`` holds indices of sentences in the *other* article, best first; there may be
    two or more when the sentence draws on several (many-to-one). ``similarity`` is the semantic
    score that decided reuse versus original; ``overlap`` the token-level score that decided
    copied versus paraphrased. In a corpus trace, ``partner`` names the article the counterparts
    belong to; in a two-article comparison it is ``None`` (the other article).
    """

    index: int
    label: Label
    counterparts: tuple[int, ...] = ()
    similarity: float = 0.0
    overlap: float = 0.0
    partner: str | None = None

    @property
    def score(self) -> float:
        """The single score shown to users: the similarity that made the match."""
        return self.similarity


@_pickled_by_fields
@dataclass(frozen=True, slots=True)
class AlignedPair:
    """One matched pair of segments: ``a_indices`` of A and ``b_indices`` of B share a passage."""

    a_indices: tuple[int, ...]
    b_indices: tuple[int, ...]
    label: Label
    similarity: float
    overlap: float


@_pickled_by_fields
@dataclass(frozen=True, slots=True)
class Shares:
    """Fraction of an article's content characters by label (boilerplate excluded)."""

    copied: float
    paraphrased: float
    original: float
    boilerplate_chars: int = 0

    @property
    def reused(self) -> float:
        """Copied plus paraphrased."""
        return self.copied + self.paraphrased


@_pickled_by_fields
@dataclass(frozen=True, slots=True)
class Passage:
    """A contiguous stretch of A reused in a contiguous stretch of B, with character offsets."""

    a_id: str
    b_id: str
    a_span: Span
    b_span: Span
    a_sentences: tuple[int, ...]
    b_sentences: tuple[int, ...]
    label: Label
    similarity: float
    overlap: float


@_pickled_by_fields
@dataclass(frozen=True, slots=True)
class Comparison:
    """Everything ``tracer.compare(a, b)`` found: per-sentence links both ways, pairs, shares."""

    a: Segmented
    b: Segmented
    links_a: tuple[SentenceLink, ...]
    links_b: tuple[SentenceLink, ...]
    pairs: tuple[AlignedPair, ...]
    passages: tuple[Passage, ...]
    document: DocumentSimilarity
    shares_a: Shares
    shares_b: Shares


# --- corpus trace ------------------------------------------------------------------------------

SourceType = Literal["outlet", "agency", "broadcaster", "person", "institution"]
AttributionKind = Literal["declared", "publisher", "reported", "quoted"]
NodeKind = Literal["article", "latent"]
EdgeKind = Literal["derived", "related"]


@_pickled_by_fields
@dataclass(frozen=True, slots=True)
class Attribution:
    """An attribution phrase in an article, resolved to a named source.

    ``kind`` is *declared* for a "Source: X" line (the whole article came through X), *publisher*
    for "Read the original article on X" (the text is X's own article, republished), *reported*
    when X is said to have reported the content, *quoted* for a direct quote attributed to X.
    ``sentences`` are the indices of the segments the attribution covers.
    """

    source: str
    source_type: SourceType
    kind: AttributionKind
    cue: str
    span: Span
    sentences: tuple[int, ...]


@_pickled_by_fields
@dataclass(frozen=True, slots=True)
class Node:
    """A node of the derivation DAG: a corpus article, or a *latent* source cited but absent.

    ``name`` is an article's title (or id) or a source's canonical name; ``outlet`` is the outlet
    that published an article, when known.
    """

    id: str
    kind: NodeKind
    name: str
    source_type: SourceType | None = None
    outlet: str | None = None


@_pickled_by_fields
@dataclass(frozen=True, slots=True)
class Edge:
    """A derivation (``parent`` -> ``child``) or an undirected *related* link, with its evidence.

    For *related* edges ``parent`` and ``child`` are just the two ends in sorted order.
    ``copied`` and ``paraphrased`` are shares of the child's content characters taken from the
    parent (article parents only); ``reason`` is one line a journalist can read.
    """

    parent: str
    child: str
    kind: EdgeKind
    score: float
    reason: str
    copied: float = 0.0
    paraphrased: float = 0.0
    passages: tuple[Passage, ...] = ()
    attributions: tuple[Attribution, ...] = ()
    common_source: str | None = None


@_pickled_by_fields
@dataclass(frozen=True, slots=True)
class ArticleTrace:
    """One corpus article after tracing: its best verdict per sentence over all its partners."""

    doc: Segmented
    links: tuple[SentenceLink, ...]
    shares: Shares
    attributions: tuple[Attribution, ...]


@_pickled_by_fields
@dataclass(frozen=True, slots=True)
class TraceResult:
    """Everything ``tracer trace`` found in a corpus.

    ``comparisons`` holds the candidate pairs that share at least one passage, ``(a.id, b.id)``
    sorted; ``problems`` the input that was skipped, ``warnings`` input kept but altered.
    """

    articles: tuple[ArticleTrace, ...]
    comparisons: tuple[Comparison, ...]
    nodes: tuple[Node, ...]
    edges: tuple[Edge, ...]
    problems: tuple[Problem, ...] = ()
    warnings: tuple[Problem, ...] = ()
    stats: Mapping[str, int] = field(default_factory=dict, compare=False, hash=False)

    def article(self, article_id: str) -> ArticleTrace:
        """The traced article with this id."""
        for item in self.articles:
            if item.doc.article.id == article_id:
                return item
        raise KeyError(article_id)
