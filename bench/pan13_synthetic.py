"""PAN13-style cases inserted into the dev negatives: a larger development set.

The dev split has 20 pairs per category, too few to see how passages of several cases in one
pair are cut and merged: dev scored 0.99 on verbatim copies while test scored 0.86. This
benchmark builds more cases the way the PAN 2013 corpus built its own, from the dev split only
(nothing here reads a test document):

- the host is the suspicious document of a dev ``01-no-plagiarism`` pair, and the source is its
  own source: a topically related document that shares no passage with it;
- one to four runs of whole source sentences (150-2,500 characters, never overlapping) are
  inserted at sentence starts of the host, their whitespace flattened (and rewrapped, see
  below), and joined to the host text after them by a space. That is how PAN joined its cases
  (see the dev pairs): a case often runs on from a host line without final punctuation (a
  heading, a menu entry) or into one, so its first and last sentences are not sentences of
  their own;
- some runs are cut in two cases, a few source sentences dropped between the parts, which go
  side by side or a few host sentences apart: PAN did this too (three of the dev pairs), and
  it tests whether two nearby cases are reported as one;
- ``02-no-obfuscation`` inserts them as they are; ``03-random-obfuscation`` first applies
  random word operations (mostly delete; replace with a host word, swap with the next word,
  insert a host word) to two fifths to three fifths of the words, as PAN's random obfuscation
  does (its cases are about three quarters of their source's length);
- the inserted text is wrapped at other places than its source (a space in up to one in ten
  becomes a line break), as PAN's suspicious documents are: a line break inside a sentence
  before a capital letter ends a segment there.

The cases' offsets are known exactly, so the PAN measures apply unchanged. Figures are for
development: fit on them as on the dev split. They are not PAN figures, and translation and
summary obfuscation cannot be imitated without the tools that made them.
"""

from __future__ import annotations

import random
import re
from collections.abc import Sequence
from dataclasses import replace

from bench.common import BenchResult, RunContext
from bench.datasets import PanPair, load_pan13
from bench.metrics import PanAnnotation
from bench.pan13 import NEGATIVE, PAN_CONFIG, evaluate, pan13_rows
from tracer.model import Span

VARIANTS = 5
"""Synthetic pairs made from each dev negative pair, per category."""
SEED = 2013
MIN_CASE_CHARS, MAX_CASE_CHARS = 300, 2500
"""Source characters a case (and each part of a cut run) takes: the shortest verbatim and random
obfuscation cases of the dev pairs take 334 and 333."""
MAX_WRAP_RATE = 0.1
"""Share of the spaces of an inserted case that become line breaks, at most (drawn per case)."""
OBFUSCATION_RATES = (0.4, 0.6)
"""Share of a random-obfuscation case's words that an operation touches (drawn per case)."""
OPERATION_WEIGHTS = {"delete": 0.6, "replace": 0.3, "swap": 0.05, "insert": 0.05}
"""How often each operation is drawn. With the rates above the cases match the dev pairs' random
obfuscation: 0.73 of the source's words remain (dev 0.74), 0.61 of its distinct words are kept
(dev 0.63) and 0.77 of the case's words come from it (dev 0.79)."""

SPLIT_SHARE = 0.3
"""Share of runs cut in two cases."""
MIN_PART_CHARS = MIN_CASE_CHARS
MAX_SPLIT_SKIP = 4
"""Source sentences dropped at most between the two parts of a cut run."""
MAX_SPLIT_DISTANCE = 4
"""Host sentences at most between the two parts (half of the time they lie side by side)."""

_SENTENCE_END = re.compile(r"(?<=[.!?])\s+|\n+")
_WORD = re.compile(r"\S+")


def _sentence_bounds(text: str) -> tuple[list[int], list[int]]:
    """Where sentences (or lines) start and end in ``text``, by a plain punctuation rule:
    independent of tracer's own segmenter, so the cases do not follow its boundaries."""
    breaks = list(_SENTENCE_END.finditer(text))
    starts = sorted({0, *(m.end() for m in breaks)} - {len(text)})
    ends = [m.start() for m in breaks] + [len(text)]
    return starts, ends


def _source_runs(text: str, count: int, rng: random.Random) -> list[Span]:
    """Up to ``count`` disjoint runs of whole sentences of ``text``, in random order."""
    starts, ends = _sentence_bounds(text)
    chosen: list[Span] = []
    for _ in range(count * 5):
        if len(chosen) == count:
            break
        start = rng.choice(starts)
        wanted = rng.randint(300, 1500)
        end = next((e for e in ends if e > start + wanted), len(text))
        run = Span(start, end)
        if not MIN_CASE_CHARS <= run.length <= MAX_CASE_CHARS:
            continue
        if any(run.overlaps(other) for other in chosen):
            continue
        chosen.append(run)
    return chosen


def _split(run: Span, source: str, rng: random.Random) -> list[Span]:
    """``run`` as one case, or (``SPLIT_SHARE`` of the time) as two parts at a sentence break
    with up to ``MAX_SPLIT_SKIP`` sentences dropped between them."""
    breaks = [
        (m.start(), m.end())
        for m in _SENTENCE_END.finditer(source, run.start, run.end)
        if m.end() < run.end
    ]
    if not breaks or rng.random() >= SPLIT_SHARE:
        return [run]
    cut = rng.randrange(len(breaks))
    resume = min(cut + rng.randint(0, MAX_SPLIT_SKIP), len(breaks) - 1)
    parts = [Span(run.start, breaks[cut][0]), Span(breaks[resume][1], run.end)]
    return parts if all(part.length >= MIN_PART_CHARS for part in parts) else [run]


def _places(
    units: list[list[Span]], starts: list[int], rng: random.Random
) -> list[tuple[int, Span]]:
    """Where each run goes in the host (a sentence start), in insertion order: the two parts
    of a cut run side by side, or a few host sentences apart."""
    placed: list[tuple[int, int, Span]] = []
    chosen = sorted(rng.sample(range(len(starts)), min(len(units), len(starts))))
    for at, unit in zip(chosen, units, strict=False):
        placed.append((starts[at], len(placed), unit[0]))
        if len(unit) == 2:
            later = at if rng.random() < 0.5 else at + rng.randint(1, MAX_SPLIT_DISTANCE)
            placed.append((starts[min(later, len(starts) - 1)], len(placed), unit[1]))
    return [(place, run) for place, _, run in sorted(placed)]


def _wrapped(words: Sequence[str], rng: random.Random) -> str:
    """``words`` joined by spaces, a share of them (up to ``MAX_WRAP_RATE``) line breaks."""
    rate = rng.uniform(0, MAX_WRAP_RATE)
    pieces = [words[0]] if words else []
    for word in words[1:]:
        pieces.append("\n" if rng.random() < rate else " ")
        pieces.append(word)
    return "".join(pieces)


_SENTENCE_MARK = re.compile(r"[.!?][\"')\]]*$")


def obfuscate(words: Sequence[str], host_words: Sequence[str], rng: random.Random) -> list[str]:
    """``words`` after random operations on a share of them (PAN's random obfuscation).

    A sentence's final mark stays where it was, whatever happens to the word it ends: PAN's
    cases keep their sentences.

    Example:
        >>> obfuscate("the cat sat on the mat today.".split(), ["dog"], random.Random(2))
        ['the', 'sat', 'on', 'the', 'dog.']
    """
    rate = rng.uniform(*OBFUSCATION_RATES)
    result: list[str] = []
    index = 0
    while index < len(words):
        word = words[index]
        mark = match.group() if (match := _SENTENCE_MARK.search(word)) else ""
        core = word[: len(word) - len(mark)]
        if rng.random() >= rate or not core:
            result.append(word)
        else:
            [operation] = rng.choices(tuple(OPERATION_WEIGHTS), tuple(OPERATION_WEIGHTS.values()))
            if operation == "insert":
                result.extend((word, rng.choice(host_words)))
            elif operation == "replace":
                result.append(rng.choice(host_words) + mark)
            elif (
                operation == "swap"
                and index + 1 < len(words)
                and not mark
                and not _SENTENCE_MARK.search(words[index + 1])
            ):
                result.extend((words[index + 1], word))
                index += 1
            elif operation == "swap":
                result.append(word)
            elif mark and result:  # delete the word, keep its sentence's end
                result[-1] += mark
        index += 1
    return result or list(words[:1])


def insert_cases(pair: PanPair, category: str, variant: int, rng: random.Random) -> PanPair | None:
    """``pair``'s host with one to four runs of its source inserted (see the module text)."""
    source, host = pair.source_text, pair.suspicious_text
    runs = _source_runs(source, rng.randint(1, 4), rng)
    sentence_starts = _sentence_bounds(host)[0]
    if not runs or not sentence_starts:
        return None
    places = _places([_split(run, source, rng) for run in runs], sentence_starts, rng)
    host_words = _WORD.findall(host)
    suspicious_id = f"{pair.suspicious_id.removesuffix('.txt')}-{category[:2]}-{variant}.txt"
    pieces: list[str] = []
    cases = []
    taken = 0
    for place, run in places:
        pieces.append(host[taken:place])
        words = _WORD.findall(run.slice(source))
        if category != "02-no-obfuscation":
            words = obfuscate(words, host_words, rng)
        text = _wrapped(words, rng)
        start = sum(map(len, pieces))
        pieces.append(text + " ")
        cases.append(
            PanAnnotation(suspicious_id, Span(start, start + len(text)), pair.source_id, run)
        )
        taken = place
    pieces.append(host[taken:])
    return replace(
        pair,
        category=category,
        suspicious_id=suspicious_id,
        suspicious_text="".join(pieces),
        cases=tuple(cases),
    )


def synthetic_pairs(
    dev_pairs: Sequence[PanPair], variants: int = VARIANTS, seed: int = SEED
) -> tuple[PanPair, ...]:
    """Verbatim and randomly obfuscated cases inserted into the negative pairs of ``dev_pairs``,
    ``variants`` pairs per negative pair and category; the same ``seed`` gives the same pairs."""
    rng = random.Random(seed)
    made = []
    for category in ("02-no-obfuscation", "03-random-obfuscation"):
        for pair in dev_pairs:
            if pair.category != NEGATIVE:
                continue
            for variant in range(variants):
                synthetic = insert_cases(pair, category, variant, rng)
                if synthetic is not None:
                    made.append(synthetic)
    return tuple(made)


def run(context: RunContext) -> BenchResult:
    """Score tracer on cases inserted into the dev negatives."""
    pairs = synthetic_pairs(load_pan13("dev", context.eval_dir))
    figures = {"synthetic dev": evaluate(pairs, PAN_CONFIG)}
    return BenchResult(
        name="pan13-synthetic",
        title="PAN13-style cases inserted into the dev negatives (development figures)",
        columns=tuple(figures),
        rows=pan13_rows(figures, None, categories=("02-no-obfuscation", "03-random-obfuscation")),
        parameters={
            "config": "as the pan13 benchmark (bench.pan13.PAN_CONFIG)",
            "hosts": "suspicious documents of the dev 01-no-plagiarism pairs, with their sources",
            "variants_per_pair": VARIANTS,
            "seed": SEED,
            "case_chars": [MIN_CASE_CHARS, MAX_CASE_CHARS],
            "obfuscation_rates": list(OBFUSCATION_RATES),
            "split_share": SPLIT_SHARE,
            "max_wrap_rate": MAX_WRAP_RATE,
            "pairs": len(pairs),
            "cases": sum(len(pair.cases) for pair in pairs),
        },
        figures=figures,
        notes=("Built from the dev split only; a development set like dev, not a PAN figure.",),
    )
