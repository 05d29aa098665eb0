"""Loaders for the third-party evaluation sets in ``../shared/eval``.

The data is read at run time from an evaluation directory the caller names (``eval_dir``); it
defaults to ``../shared/eval`` next to the repository and is never copied into the repository.
Each loader returns small frozen records and raises :class:`EvalDataError` with the offending
path (and line, for line-based files) when the data is missing or not in the documented shape.

Files are read as bytes and decoded explicitly, never with text-mode newline translation, so
character offsets (PAN) stay exactly those of the decoded file.

Which part to fit on and which to report on is set out in ``INDEX.md`` of the evaluation
directory: fit on PAN ``dev``, MSRP ``train``, STS-B ``train``/``dev``; report on the rest.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import os
import re
import xml.etree.ElementTree as ET
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Literal

from bench.metrics import Edge, PanAnnotation
from tracer.errors import TracerError

__all__ = [
    "DEFAULT_EVAL_DIR",
    "CloughAnswer",
    "CloughCorpus",
    "EvalDataError",
    "MsrpPair",
    "PanPair",
    "ReutersStory",
    "Stemma",
    "StsPair",
    "eval_root",
    "exact_duplicate_groups",
    "load_clough",
    "load_msrp",
    "load_pan13",
    "load_reuters",
    "load_stemma",
    "load_stsb",
]

_REPO_ROOT = Path(__file__).resolve().parent.parent

DEFAULT_EVAL_DIR = _REPO_ROOT.parent / "shared" / "eval"
"""``../shared/eval`` relative to the repository root: where the evaluation data is kept."""

PAN13_DIR = "pan13-text-alignment-subset"
MSRP_DIR = "msrp"
STSB_DIR = "stsb"
CLOUGH_DIR = "clough-stevenson-short-answers"
STEMMA_DIR = "stemma-notre-besoin"
REUTERS_DIR = "reuters-21578"

PathArg = str | os.PathLike[str]
PanSplit = Literal["dev", "test"]
MsrpSplit = Literal["train", "test"]
StsSplit = Literal["train", "dev", "test"]
CloughCategory = Literal["cut", "light", "heavy", "non"]

_CLOUGH_CATEGORIES: Mapping[str, CloughCategory] = {
    "cut": "cut",
    "light": "light",
    "heavy": "heavy",
    "non": "non",
}


class EvalDataError(TracerError):
    """The evaluation data is missing or not shaped as its ``PROVENANCE.md`` describes."""


# --- Reading --------------------------------------------------------------------------------


def eval_root(eval_dir: PathArg | None = None) -> Path:
    """The evaluation directory to read: ``eval_dir``, or :data:`DEFAULT_EVAL_DIR` when ``None``.

    Raises:
        EvalDataError: the directory does not exist.
    """
    root = Path(eval_dir) if eval_dir is not None else DEFAULT_EVAL_DIR
    if not root.is_dir():
        raise EvalDataError(
            f"{root}: evaluation data not found; expected the shared evaluation sets there "
            f"(default: ../shared/eval relative to the repository root, {DEFAULT_EVAL_DIR})"
        )
    return root


def _dataset_dir(eval_dir: PathArg | None, name: str) -> Path:
    folder = eval_root(eval_dir) / name
    if not folder.is_dir():
        raise EvalDataError(f"{folder}: dataset folder missing from the evaluation directory")
    return folder


def _read_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise EvalDataError(f"{path}: file missing") from None


def _decode_utf8(data: bytes, path: Path, *, bom: bool = False) -> str:
    try:
        return data.decode("utf-8-sig" if bom else "utf-8")
    except UnicodeDecodeError as error:
        raise EvalDataError(f"{path}: not valid UTF-8 at byte {error.start}") from None


def _read_utf8(path: Path, *, bom: bool = False) -> str:
    return _decode_utf8(_read_bytes(path), path, bom=bom)


def _read_legacy_text(path: Path) -> tuple[str, str]:
    """Decode a file that is UTF-8 or Windows-1252; returns the text and the encoding used.

    UTF-8 is tried first: cp1252 text with accented or smart-quote bytes is almost never valid
    UTF-8, while decoding UTF-8 as cp1252 would silently produce mojibake.
    """
    data = _read_bytes(path)
    for encoding in ("utf-8", "cp1252"):
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    raise EvalDataError(f"{path}: neither UTF-8 nor cp1252")


def _tsv_rows(text: str) -> list[list[str]]:
    """Tab-separated rows with no quote handling: the strings contain bare ``"`` characters."""
    # newline="" keeps the csv module from treating \x85 or \u2028 inside a sentence as line ends.
    reader = csv.reader(io.StringIO(text, newline=""), delimiter="\t", quoting=csv.QUOTE_NONE)
    return [row for row in reader if row]


# --- PAN 2013 text alignment ----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PanPair:
    """A suspicious/source document pair of the PAN 2013 subset with its ground-truth cases.

    ``cases`` carry PAN's character offsets into ``suspicious_text`` and ``source_text`` (the
    UTF-8-decoded files, unmodified). Pairs of ``01-no-plagiarism`` have no case, and neither do
    30 of the 100 pairs of ``05-summary-obfuscation``.
    """

    category: str
    suspicious_id: str
    source_id: str
    suspicious_text: str = field(repr=False)
    source_text: str = field(repr=False)
    cases: tuple[PanAnnotation, ...]

    @property
    def has_reuse(self) -> bool:
        """True when the ground truth records at least one plagiarism case for the pair."""
        return bool(self.cases)


def _pan_cases(
    xml_path: Path, suspicious_id: str, source_id: str, lengths: tuple[int, int]
) -> tuple[PanAnnotation, ...]:
    """The ``<feature name="plagiarism">`` cases of one PAN ground-truth file, checked."""
    try:
        root = ET.fromstring(_read_bytes(xml_path))
    except ET.ParseError as error:
        raise EvalDataError(f"{xml_path}:{error.position[0]}: not well-formed XML") from None
    if root.get("reference") != suspicious_id:
        raise EvalDataError(f"{xml_path}: refers to {root.get('reference')}, not {suspicious_id}")
    cases = []
    for feature in root.iter("feature"):
        if feature.get("name") != "plagiarism":
            continue  # Category 05 files also carry "about" and "md5" metadata features.
        try:
            case = PanAnnotation.from_offsets(
                suspicious_id,
                int(feature.attrib["this_offset"]),
                int(feature.attrib["this_length"]),
                feature.attrib["source_reference"],
                int(feature.attrib["source_offset"]),
                int(feature.attrib["source_length"]),
            )
        except (KeyError, ValueError) as error:
            raise EvalDataError(f"{xml_path}: incomplete plagiarism feature ({error})") from None
        if case.source_id != source_id:
            raise EvalDataError(f"{xml_path}: case refers to {case.source_id}, not {source_id}")
        if case.suspicious_span.end > lengths[0] or case.source_span.end > lengths[1]:
            raise EvalDataError(f"{xml_path}: case offsets run past the end of a document")
        cases.append(case)
    return tuple(sorted(cases, key=lambda c: (c.suspicious_span.start, c.source_span.start)))


def load_pan13(split: PanSplit, eval_dir: PathArg | None = None) -> tuple[PanPair, ...]:
    """The PAN 2013 text-alignment pairs of ``split``, in the order of its pairs file.

    ``dev`` reads ``dev-pairs`` (100 pairs, 20 per category) and ``test`` reads ``test-pairs``
    (400 pairs); each line is ``CATEGORY SUSPICIOUS SOURCE``. Ground truth comes from
    ``<CATEGORY>/<suspicious stem>-<source stem>.xml``; its offsets are character offsets into
    the UTF-8-decoded texts (checked: every verbatim case of ``02-no-obfuscation`` matches its
    source once whitespace is normalised, whereas byte offsets would not).

    Raises:
        EvalDataError: a file is missing, malformed, or a case points outside its documents.
    """
    folder = _dataset_dir(eval_dir, PAN13_DIR)
    pairs_path = folder / f"{split}-pairs"
    texts: dict[Path, str] = {}

    def text_of(path: Path) -> str:
        # Documents recur across pairs; decode each once and share the string.
        if path not in texts:
            texts[path] = _read_utf8(path)
        return texts[path]

    pairs = []
    for line_number, line in enumerate(_read_utf8(pairs_path).split("\n"), start=1):
        if not line.strip():
            continue
        fields = line.split()
        if len(fields) != 3:
            raise EvalDataError(f"{pairs_path}:{line_number}: expected CATEGORY SUSPICIOUS SOURCE")
        category, suspicious_id, source_id = fields
        suspicious_text = text_of(folder / "susp" / suspicious_id)
        source_text = text_of(folder / "src" / source_id)
        xml_name = f"{suspicious_id.removesuffix('.txt')}-{source_id.removesuffix('.txt')}.xml"
        cases = _pan_cases(
            folder / category / xml_name,
            suspicious_id,
            source_id,
            (len(suspicious_text), len(source_text)),
        )
        pairs.append(
            PanPair(category, suspicious_id, source_id, suspicious_text, source_text, cases)
        )
    return tuple(pairs)


# --- MSRP -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class MsrpPair:
    """A sentence pair of the Microsoft Research Paraphrase Corpus; ``label`` 1 = paraphrase."""

    label: int
    sentence1_id: str
    sentence2_id: str
    sentence1: str
    sentence2: str


_MSRP_HEADER = ["Quality", "#1 ID", "#2 ID", "#1 String", "#2 String"]


def load_msrp(split: MsrpSplit, eval_dir: PathArg | None = None) -> tuple[MsrpPair, ...]:
    """The MSRP pairs of ``split`` (train: 4076, test: 1725), in file order.

    The files are UTF-8 with a byte-order mark, tab-separated with a header row; strings contain
    bare ``"`` characters, so they are split on tabs without any quote handling.

    Raises:
        EvalDataError: a file is missing or a row is not ``label, id, id, string, string``.
    """
    path = _dataset_dir(eval_dir, MSRP_DIR) / f"msr_paraphrase_{split}.txt"
    rows = _tsv_rows(_read_utf8(path, bom=True))
    if not rows or rows[0] != _MSRP_HEADER:
        raise EvalDataError(f"{path}:1: expected the header {' / '.join(_MSRP_HEADER)}")
    pairs = []
    for line_number, row in enumerate(rows[1:], start=2):
        if len(row) != 5 or row[0] not in ("0", "1"):
            raise EvalDataError(f"{path}:{line_number}: expected 5 fields with a 0/1 label")
        pairs.append(MsrpPair(int(row[0]), row[1], row[2], row[3], row[4]))
    return tuple(pairs)


# --- STS Benchmark --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class StsPair:
    """A sentence pair of the STS Benchmark with its gold similarity ``score`` from 0 to 5.

    ``genre`` is the file's first column as written: ``main-news``, ``main-captions``, and
    ``main-forums`` in dev/test but ``main-forum`` in train. ``source_file`` is the original STS
    set (``MSRpar``, ``headlines``, ``deft-news``...).
    """

    genre: str
    source_file: str
    year: str
    pair_id: str
    score: float
    sentence1: str
    sentence2: str


def load_stsb(split: StsSplit, eval_dir: PathArg | None = None) -> tuple[StsPair, ...]:
    """The STS-B pairs of ``split`` (train 5749, dev 1500, test 1379), in file order.

    Columns: ``genre, file, year, id, score, sentence1, sentence2``, then on some lines licence
    columns, which are ignored. No header; no quote handling (sentences contain ``"``). Keep
    ``genre == "main-news"`` for news-only figures.

    Raises:
        EvalDataError: a file is missing or a row has fewer than 7 fields or a bad score.
    """
    path = _dataset_dir(eval_dir, STSB_DIR) / f"sts-{split}.csv"
    pairs = []
    for line_number, row in enumerate(_tsv_rows(_read_utf8(path)), start=1):
        if len(row) < 7:
            raise EvalDataError(f"{path}:{line_number}: expected at least 7 tab-separated fields")
        try:
            score = float(row[4])
        except ValueError:
            raise EvalDataError(f"{path}:{line_number}: score {row[4]!r} is not a number") from None
        if not 0.0 <= score <= 5.0:
            raise EvalDataError(f"{path}:{line_number}: score {score} outside 0-5")
        pairs.append(StsPair(row[0], row[1], row[2], row[3], score, row[5], row[6]))
    return tuple(pairs)


# --- Clough & Stevenson short answers -------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CloughAnswer:
    """One student answer: ``task`` (a-e) and how it was written from the task's source.

    ``encoding`` records how the file was decoded (``utf-8`` or ``cp1252``); files are mixed.
    """

    file_name: str
    task: str
    category: CloughCategory
    text: str = field(repr=False)
    encoding: str


@dataclass(frozen=True, slots=True)
class CloughCorpus:
    """The 95 answers and the five Wikipedia source texts, ``sources[task]``."""

    answers: tuple[CloughAnswer, ...]
    sources: Mapping[str, str] = field(repr=False)

    def source_for(self, answer: CloughAnswer) -> str:
        """The source text the answer was written from (or, for ``non``, on the same topic)."""
        return self.sources[answer.task]


def load_clough(eval_dir: PathArg | None = None) -> CloughCorpus:
    """The Clough & Stevenson corpus of plagiarised short answers.

    ``file_information.csv`` (``File,Task,Category``) lists 95 answers (cut 19, light 19,
    heavy 19, non 38) and the five ``orig`` sources; the source of ``gXpY_taskZ.txt`` is
    ``orig_taskZ.txt``. Texts are UTF-8 or cp1252 and are decoded with that fallback.

    Raises:
        EvalDataError: a file is missing, undecodable or has an unknown category.
    """
    folder = _dataset_dir(eval_dir, CLOUGH_DIR)
    index_path = folder / "file_information.csv"
    rows = list(csv.reader(io.StringIO(_read_utf8(index_path), newline="")))
    if not rows or rows[0] != ["File", "Task", "Category"]:
        raise EvalDataError(f"{index_path}:1: expected the header File,Task,Category")
    answers = []
    sources: dict[str, str] = {}
    for line_number, row in enumerate(rows[1:], start=2):
        if not row:
            continue
        if len(row) != 3:
            raise EvalDataError(f"{index_path}:{line_number}: expected File,Task,Category")
        file_name, task, category = row
        text, encoding = _read_legacy_text(folder / "texts" / file_name)
        if category == "orig":
            sources[task] = text
            continue
        label = _CLOUGH_CATEGORIES.get(category)
        if label is None:
            raise EvalDataError(f"{index_path}:{line_number}: unknown category {category!r}")
        answers.append(CloughAnswer(file_name, task, label, text, encoding))
    missing = sorted({a.task for a in answers} - set(sources))
    if missing:
        raise EvalDataError(f"{index_path}: no orig source for task(s) {', '.join(missing)}")
    return CloughCorpus(tuple(answers), MappingProxyType(sources))


# --- Stemma: Notre besoin -------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Stemma:
    """The "Notre besoin" tradition: 13 witness texts and the true copying graph.

    ``edges`` are ``(parent, child)`` in file order, 14 of them; ``hidden`` are nodes with no
    extant text (the lost ``omega`` between U and B). F has two parents (C and U), so the truth
    is a DAG, not a tree. ``witnesses`` are the texts derived from the collation graph, without
    punctuation; ``punctuated`` are the CASC texts with punctuation for 11 of them (no T1, T2).
    """

    witnesses: Mapping[str, str] = field(repr=False)
    punctuated: Mapping[str, str] = field(repr=False)
    edges: tuple[Edge, ...]
    hidden: frozenset[str]

    @property
    def sigla(self) -> tuple[str, ...]:
        """The extant witnesses' sigla, sorted."""
        return tuple(sorted(self.witnesses))

    @property
    def root(self) -> str:
        """The archetype: the one node that is nobody's child (T1)."""
        children = {child for _, child in self.edges}
        roots = sorted({parent for parent, _ in self.edges} - children)
        if len(roots) != 1:
            raise ValueError(f"expected one root, found {roots}")
        return roots[0]


_DOT_NODE = re.compile(r"^\s*(\w+)\s*\[\s*class\s*=\s*(\w+)\s*\]\s*;?\s*$", re.MULTILINE)


def _texts_by_siglum(folder: Path) -> dict[str, str]:
    if not folder.is_dir():
        raise EvalDataError(f"{folder}: folder missing")
    return {path.stem: _read_utf8(path) for path in sorted(folder.glob("*.txt"))}


def load_stemma(eval_dir: PathArg | None = None) -> Stemma:
    """The "Notre besoin" witnesses and true stemma.

    Edges come from ``true_stemma_edges.tsv`` (``parent<TAB>child`` with a header); which nodes
    are lost is read from the ``class=hypothetical`` nodes of ``true_stemma.dot`` and checked
    against the witness files: every extant node must have a text and every text a node.

    Raises:
        EvalDataError: a file is missing or the edge list, DOT classes and texts disagree.
    """
    folder = _dataset_dir(eval_dir, STEMMA_DIR)
    edges_path = folder / "true_stemma_edges.tsv"
    rows = _tsv_rows(_read_utf8(edges_path))
    if not rows or rows[0] != ["parent", "child"]:
        raise EvalDataError(f"{edges_path}:1: expected the header parent<TAB>child")
    edges = []
    for line_number, row in enumerate(rows[1:], start=2):
        if len(row) != 2:
            raise EvalDataError(f"{edges_path}:{line_number}: expected parent<TAB>child")
        edges.append((row[0], row[1]))
    dot_path = folder / "true_stemma.dot"
    classes = dict(_DOT_NODE.findall(_read_utf8(dot_path)))
    witnesses = _texts_by_siglum(folder / "witnesses")
    nodes = {node for edge in edges for node in edge}
    hidden = frozenset(n for n, kind in classes.items() if kind == "hypothetical")
    extant = {n for n, kind in classes.items() if kind == "extant"}
    if set(classes) != nodes or extant != set(witnesses):
        raise EvalDataError(
            f"{folder}: edges, DOT node classes and witness files disagree "
            f"(edge nodes {sorted(nodes)}, DOT {sorted(classes)}, texts {sorted(witnesses)})"
        )
    return Stemma(
        witnesses=MappingProxyType(witnesses),
        punctuated=MappingProxyType(_texts_by_siglum(folder / "witnesses_punctuated_casc")),
        edges=tuple(edges),
        hidden=hidden,
    )


# --- Reuters-21578 --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ReutersStory:
    """One Reuters-21578 story with a non-empty body; ``newid`` is the collection's id."""

    newid: int
    date: str
    text_type: str
    title: str
    topics: tuple[str, ...]
    body: str = field(repr=False)


def load_reuters(eval_dir: PathArg | None = None) -> tuple[ReutersStory, ...]:
    """The 19,779 Reuters-21578 stories whose body is not blank, sorted by ``newid``.

    Reads ``reuters21578.jsonl.gz`` (21,578 records, converted from the SGML). For ``UNPROC``
    stories the body is the raw text; ``BRIEF`` stories have only a title and are left out.

    Raises:
        EvalDataError: the file is missing or a line is not a JSON record with ``newid``/``body``.
    """
    path = _dataset_dir(eval_dir, REUTERS_DIR) / "reuters21578.jsonl.gz"
    try:
        data = gzip.decompress(_read_bytes(path))
    except (OSError, EOFError) as error:
        raise EvalDataError(f"{path}: not a readable gzip file ({error})") from None
    stories = []
    # Split on "\n" only: str.splitlines() would also break on U+2028 and friends.
    for line_number, line in enumerate(_decode_utf8(data, path).split("\n"), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
            body = record["body"] or ""
            story = ReutersStory(
                newid=int(record["newid"]),
                date=record.get("date") or "",
                text_type=record.get("text_type") or "",
                title=record.get("title") or "",
                topics=tuple(record.get("topics") or ()),
                body=body,
            )
        except (ValueError, KeyError, TypeError) as error:
            raise EvalDataError(f"{path}:{line_number}: bad record ({error})") from None
        if body.strip():
            stories.append(story)
    return tuple(sorted(stories, key=lambda s: s.newid))


def exact_duplicate_groups(
    stories: Iterable[ReutersStory], *, lowercase: bool = True, min_words: int = 21
) -> tuple[tuple[int, ...], ...]:
    """Groups of two or more stories whose bodies are identical after normalisation.

    Bodies are compared with runs of whitespace collapsed to one space (and trimmed), lowercased
    when ``lowercase``; bodies with fewer than ``min_words`` words are left out. The defaults
    reproduce the figure in ``PROVENANCE.md``: 336 groups, 676 stories ("over 20 words after
    lowercasing and normalising whitespace"). Lowercasing matters mostly because re-issued
    stories end with ``REUTER`` instead of ``Reuter``; with whitespace normalisation alone
    (``lowercase=False, min_words=0``) there are 282 groups of 566 stories.

    Returns:
        Each group's ``newid`` values ascending, groups ordered by their first id.
    """
    groups: dict[str, list[int]] = defaultdict(list)
    for story in stories:
        words = story.body.split()
        if len(words) < min_words:
            continue
        key = " ".join(words)
        groups[key.lower() if lowercase else key].append(story.newid)
    return tuple(sorted(tuple(sorted(ids)) for ids in groups.values() if len(ids) >= 2))
