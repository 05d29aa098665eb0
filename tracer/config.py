"""Every tunable number of tracer, in one place, with the reason for its default.

Defaults were chosen on the seed articles and the development parts of the benchmark sets (never
on their test parts); ``bench/`` reports how they fare on held-out data. The passage settings
(``passage_gap``, ``copy_gap``, ``summary_gap``, ``merge_gap``, ``trim_run``,
``context_similarity``) were fitted on the PAN 2013 dev pairs and on the cases inserted into the
dev negatives the PAN way (``bench/pan13_synthetic.py``): 20 pairs per category are too few to
show how nearby passages are cut apart.
"""

from __future__ import annotations

import dataclasses
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tracer.errors import TracerError


@dataclass(frozen=True, slots=True)
class CleanConfig:
    """What counts as page furniture in a corpus, beyond the built-in patterns.

    Attributes:
        repeated_line_max_words: a short line ("Reuter", "Pay March 31", "- News") of at most
            this many words...
        repeated_line_min_articles: ...found in at least this many articles is boilerplate.
            Longer lines are never flagged for repetition: a sentence in many articles is
            syndication, exactly what tracer exists to find.
    """

    repeated_line_max_words: int = 4
    repeated_line_min_articles: int = 3


@dataclass(frozen=True, slots=True)
class AlignConfig:
    """How sentences are matched and labelled.

    Attributes:
        min_similarity: combined TF-IDF similarity (word and character n-grams) a sentence pair
            needs to count as reuse at all.
        secondary_similarity: a lower bar for the second, third... source sentence of a
            many-to-one match; it must also cover words the best one did not.
        min_shared_content_words: distinct shared content words (not names, not stop words)
            a pair needs, so that "Kim Jong Un" and "Vladimir Putin" alone never make a match.
        one_sided_similarity: a match only one of the two sentences chooses (the other prefers
            another) is kept only from this similarity up.
        lone_similarity: a passage of a single paraphrased sentence pair, with no neighbour
            to vouch for it, is dropped below this similarity (its link with it, so shares and
            labels agree). 0 (off) by default: in news one reworded sentence is often all an
            article takes from another (the seed case's Shoigu-visit fact scores 0.36). Between
            long web pages on one subject, lone weak pairs (two sentences sharing a name and a
            word or two) are mostly chance: the PAN 2013 benchmark sets 0.5, fitted on its dev
            pairs (overall plagdet 0.881 -> 0.904, flat from 0.46 to 0.55).
        min_passage_chars: a passage shorter than this many characters in both articles is
            dropped, its links with it. 0 (off) by default: a copied quote of one short sentence
            is news reuse worth reporting. A user who only wants passages of some length sets it,
            as the PAN 2013 benchmark does: its cases take 283 characters at the least (dev),
            and 200 drops shorter chance matches between pages on one subject (dev overall
            0.921 -> 0.932; 0.926 at 175, 0.924 at 225, where a true detection goes; the
            inserted cases, never shorter than 300, 0.939 -> 0.937).
        copy_threshold: share of the shorter sentence's tokens inside runs shared verbatim
            (two tokens or longer) at or above which a match is *copied*, below it *paraphrased*.
        word_weight: weight of word-level cosine against character-level cosine.
        passage_gap: unmatched content sentences allowed inside one passage, on either side.
        copy_gap: unmatched content sentences allowed between two copied ones inside one
            passage (a copy that runs on verbatim: a longer unmatched stretch was not copied,
            and separates two copies). 2: inserted verbatim cases 0.898 -> 0.951 (no change on
            the dev pairs, whose cases lie far apart).
        summary_gap: sentences one side may skip inside a passage while the other runs on (a
            summary draws on a long stretch of its source).
        merge_gap: passages this close (in sentences) in both articles, in either order, are
            one passage (a reordered passage). 10: on the inserted cases, 20 joined separate
            rewrites taken from nearby places (random obfuscation 0.907 -> 0.924); on the dev
            pairs it changes one summary detection.
        trim_run: copied sentences at a passage's ends are cut to the first and last run of at
            least this many words shared verbatim (0: whole sentences).
        summary_similarity: the similarity a link needs to make such a summary skip.
        summary_compression: a passage one side of which is at least this many times as long
            as the other (in characters) is a summary: its longer side is extended over the
            neighbouring sentences that share content words with the summary. Twice: a copy or
            a paraphrase keeps its length within tens of percent, a summary is at most half of
            what it condenses. PAN 2013 dev summary plagdet 0.567 -> 0.599.
        summary_whole_share: a summary whose source side spans at least this share of its
            source article (in characters, once extended) is a summary of the whole article,
            and its source side becomes all of it. 0.4: PAN 2013 dev summary plagdet 0.702 ->
            0.811 (0.5: 0.788; 0.3: 0.811); every dev summary case is a whole article.
        max_extra_distance: a further counterpart of a many-to-one match must lie within this
            many content sentences of the best one.
        context_similarity: an unlinked sentence pair next to a passage in both articles (and
            sharing a content word) extends it from this similarity up. 0.15 on the PAN 2013
            dev pairs: overall plagdet 0.850 without context pairs, 0.867 at 0.15 (0.862 at
            0.2, 0.867 at 0.1 with less precision); random obfuscation 0.859 -> 0.896,
            translation 0.838 -> 0.860, verbatim 0.989 -> 0.984.
    """

    min_similarity: float = 0.33
    secondary_similarity: float = 0.22
    min_shared_content_words: int = 2
    one_sided_similarity: float = 0.5
    lone_similarity: float = 0.0
    min_passage_chars: int = 0
    copy_threshold: float = 0.8
    word_weight: float = 0.5
    passage_gap: int = 20
    copy_gap: int = 2
    max_extra_distance: int = 3
    context_similarity: float = 0.15
    summary_gap: int = 40
    summary_similarity: float = 0.5
    summary_compression: float = 2.0
    summary_whole_share: float = 0.4
    merge_gap: int = 10
    trim_run: int = 2


@dataclass(frozen=True, slots=True)
class CandidateConfig:
    """How article pairs worth aligning are found.

    Attributes:
        shingle_size: words per shingle for MinHash and containment.
        num_perm: MinHash permutations; 128 keeps the Jaccard estimate within about +-0.09.
        seed: MinHash seed, fixed so runs are reproducible.
        lsh_threshold: Jaccard similarity of shingle sets at which document LSH returns a pair.
        sentence_lsh_threshold: Jaccard similarity of two sentences' content-word stems at which
            sentence LSH returns their articles: this is what finds paraphrases, which share
            words but few word sequences, and a short excerpt of a long source, whose shingle
            sets have a low Jaccard similarity.
        sentence_num_perm: permutations for the (many, short) sentence signatures.
        min_sentence_stems: sentences with fewer distinctive content stems are too short to
            index, and a sentence pair must share this many to make its articles candidates.
        max_stem_doc_share: stems in more than this share of the articles are too common to
            signal a shared passage ("mln", "year") and are left out of sentence signatures...
        min_common_stem_docs: ...unless they occur in this few articles or fewer, so that small
            corpora keep every word.
        min_shared_shingles: a pair picked by shingle LSH must share this many shingles
            (estimated from the MinHash signatures).
        max_partners: at most this many candidate pairs per article (the most similar kept,
            the rest reported): one pathological article cannot take a run down.
        all_pairs_below: corpora with at most this many articles skip LSH and align every pair;
            exact and cheap at that size. Set to 0 to always use LSH.
    """

    shingle_size: int = 3
    num_perm: int = 128
    seed: int = 1
    lsh_threshold: float = 0.2
    sentence_lsh_threshold: float = 0.2
    sentence_num_perm: int = 64
    min_sentence_stems: int = 3
    max_stem_doc_share: float = 0.02
    min_common_stem_docs: int = 20
    min_shared_shingles: int = 3
    max_partners: int = 1000
    all_pairs_below: int = 0


@dataclass(frozen=True, slots=True)
class DeriveConfig:
    """How the derivation DAG is decided from the evidence.

    Attributes:
        min_derivation_share: share of the child's content that must come from the parent for
            an article-to-article derivation; less sharing is kept as a *related* link.
        min_direction_margin: how clearly the evidence must point one way (0 to 1) before a
            direction is claimed; below it the pair is *related*, undirected.
        date_weight: weight of publication order (a soft prior: dates are often wrong).
        containment_weight: weight of containment asymmetry (the derived article is mostly
            made of the source's passages, the source is not mostly made of the derived one's).
        attribution_weight: weight of one article naming the other's outlet.
        extra_parent_share: share of a child's content a second parent must explain that the
            first does not, for both edges to be kept (otherwise the weaker is transitive).
        min_version_share: two articles whose direction is undecided are *versions of one
            text* (a wire story re-published with small edits, hand-copied witnesses) when each
            reuses at least this share of its content from the other. Connected groups of
            versions get a closest-version tree (see ``tracer.derive``). Set above 1 to turn
            the trees off. Not fitted: four fifths of each text is what "the same text with
            small edits" means; the stemma benchmark is test data only.
    """

    min_derivation_share: float = 0.25
    min_direction_margin: float = 0.1
    date_weight: float = 0.5
    containment_weight: float = 1.0
    attribution_weight: float = 1.0
    extra_parent_share: float = 0.15
    min_version_share: float = 0.8


@dataclass(frozen=True, slots=True)
class TracerConfig:
    """The whole configuration: one section per stage."""

    clean: CleanConfig = field(default_factory=CleanConfig)
    align: AlignConfig = field(default_factory=AlignConfig)
    candidates: CandidateConfig = field(default_factory=CandidateConfig)
    derive: DeriveConfig = field(default_factory=DeriveConfig)


def load_config(path: Path | None = None, **overrides: Any) -> TracerConfig:
    """Build a configuration from defaults, an optional TOML file and keyword overrides.

    The TOML file has one table per section (``[clean]``, ``[align]``, ``[candidates]``,
    ``[derive]``);
    overrides are ``section__name=value`` pairs, as the CLI passes them.

    Example:
        >>> load_config(align__min_similarity=0.5).align.min_similarity
        0.5
    """
    sections: dict[str, dict[str, Any]] = {
        "clean": {},
        "align": {},
        "candidates": {},
        "derive": {},
    }
    if path is not None:
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
            raise TracerError(f"{path}: cannot read configuration: {error}") from error
        for name, table in data.items():
            if name not in sections or not isinstance(table, dict):
                raise TracerError(f"{path}: unknown configuration section [{name}]")
            sections[name].update(table)
    for key, value in overrides.items():
        section, _, name = key.partition("__")
        if section not in sections or not name:
            raise TracerError(f"unknown configuration key {key!r}")
        sections[section][name] = value
    try:
        return TracerConfig(
            clean=_build(CleanConfig, sections["clean"]),
            align=_build(AlignConfig, sections["align"]),
            candidates=_build(CandidateConfig, sections["candidates"]),
            derive=_build(DeriveConfig, sections["derive"]),
        )
    except TypeError as error:
        raise TracerError(f"bad configuration: {error}") from error


def config_from_dict(data: dict[str, Any]) -> TracerConfig:
    """The configuration ``dataclasses.asdict(config)`` was made from (as an index stores it).

    Example:
        >>> config = load_config(align__min_similarity=0.5)
        >>> config_from_dict(dataclasses.asdict(config)) == config
        True
    """
    sections = {
        name: dict(data.get(name, {})) for name in ("clean", "align", "candidates", "derive")
    }
    for values in sections.values():
        for key, value in values.items():
            if isinstance(value, list):
                values[key] = tuple(value)
    try:
        return TracerConfig(
            clean=_build(CleanConfig, sections["clean"]),
            align=_build(AlignConfig, sections["align"]),
            candidates=_build(CandidateConfig, sections["candidates"]),
            derive=_build(DeriveConfig, sections["derive"]),
        )
    except TypeError as error:
        raise TracerError(f"bad configuration: {error}") from error


def _build(kind: type[Any], values: dict[str, Any]) -> Any:
    defaults = {f.name: f.default for f in dataclasses.fields(kind)}
    unknown = sorted(set(values) - set(defaults))
    if unknown:
        raise TracerError(f"unknown configuration key(s) for {kind.__name__}: {', '.join(unknown)}")
    for name, value in values.items():
        # A wrongly typed value would otherwise surface as a traceback deep inside a comparison.
        expected = type(defaults[name])
        if expected not in (int, float):
            continue
        accepted = (int, float) if expected is float else (int,)
        if isinstance(value, bool) or not isinstance(value, accepted):
            raise TracerError(
                f"configuration key {name!r} for {kind.__name__} must be "
                f"{'a number' if expected is float else expected.__name__}, not {value!r}"
            )
    return kind(**values)
