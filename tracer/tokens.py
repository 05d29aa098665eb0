"""Words, stems and names: the token-level view of normalised text that every comparison uses.

Kept deliberately simple and fast (regular expressions and a light suffix stemmer) so that the
same functions serve a two-article comparison and a corpus of twenty thousand.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from functools import lru_cache

WORD_PATTERN = re.compile(r"\w+(?:['-]\w+)*")
"""A word: letters and digits, with inner apostrophes and hyphens ("Kyiv's", "co-operation")."""

# English function words, plus the reporting vocabulary every news article uses ("said",
# "according", "reported"): sharing those says nothing about sharing a passage.
STOP_WORDS = frozenset(
    """
    a about above after again against all also am an and any are aren't as at be because been
    before being below between both but by can can't cannot could couldn't did didn't do does
    doesn't doing don't down during each few for from further had hadn't has hasn't have haven't
    having he he'd he'll he's her here here's hers herself him himself his how how's i i'd i'll
    i'm i've if in into is isn't it it's its itself let's me more most mustn't my myself no nor
    not of off on once only or other ought our ours ourselves out over own same shan't she she'd
    she'll she's should shouldn't so some such than that that's the their theirs them themselves
    then there there's these they they'd they'll they're they've this those through to too under
    until up very was wasn't we we'd we'll we're we've were weren't what what's when when's where
    where's which while who who's whom why why's will with won't would wouldn't you you'd you'll
    you're you've your yours yourself yourselves may might must shall also just however
    said say says saying told tell tells according reported reports report reporting wrote write
    writes writing noted notes added adds quoted quoting cited citing stated states claimed
    claims mr mrs ms dr per via yet still even well one two
    """.split()
)


def words(text: str) -> list[str]:
    """The words of ``text`` in order, case kept.

    Example:
        >>> words("Kyiv's counter-offensive, 2023.")
        ["Kyiv's", 'counter-offensive', '2023']
    """
    return WORD_PATTERN.findall(text)


def lower_words(text: str) -> list[str]:
    """The words of ``text``, lower-cased: the unit of verbatim (copied) comparison."""
    return [word.lower() for word in WORD_PATTERN.findall(text)]


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """A light English suffix stemmer: enough to match "technologies" with "technology".

    Example:
        >>> [stem(w) for w in ["technologies", "agreements", "offered", "missiles", "says"]]
        ['technology', 'agreement', 'offer', 'missile', 'say']
    """
    word = word.lower()
    if word.endswith("'s"):
        word = word[:-2]
    if len(word) <= 3 or not word.isalpha():
        return word
    for suffix, replacement in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)] + replacement
    return word


_SUFFIXES: tuple[tuple[str, str], ...] = (
    ("ies", "y"),
    # Before "sses", so that "weaknesses" loses "ness" like "weakness" does.
    ("nesses", ""),
    ("sses", "ss"),
    ("ness", ""),
    ("ings", ""),
    ("ing", ""),
    ("ied", "y"),
    ("eed", "eed"),
    ("ed", ""),
    ("ss", "ss"),
    ("us", "us"),
    ("is", "is"),
    ("s", ""),
)


def name_vocabulary(texts: Iterable[str]) -> frozenset[str]:
    """Lower-cased words that are proper names in ``texts``.

    A word is a name when it is capitalised somewhere other than at the start of a sentence and
    never appears in lower case: "Putin" and "Pyongyang" are names, "Cooperation" is not.
    """
    return names_from([case_profile(texts)])


def case_profile(texts: Iterable[str]) -> tuple[frozenset[str], frozenset[str]]:
    """The words of ``texts`` seen capitalised mid-sentence, and those seen in lower case.

    Kept per article so that the names of a pair of articles can be combined without reading
    them again (:func:`names_from`).
    """
    capitalised: set[str] = set()
    lowercase: set[str] = set()
    for text in texts:
        tokens = words(text)
        for position, token in enumerate(tokens):
            lowered = token.lower()
            if token[:1].isupper():
                if position > 0 or token.isupper():
                    capitalised.add(lowered)
            elif token[:1].isalpha():
                lowercase.add(lowered)
    return frozenset(capitalised), frozenset(lowercase)


def names_from(profiles: Iterable[tuple[frozenset[str], frozenset[str]]]) -> frozenset[str]:
    """Names across several case profiles: capitalised in one, lower case in none."""
    capitalised: set[str] = set()
    lowercase: set[str] = set()
    for upper, lower in profiles:
        capitalised |= upper
        lowercase |= lower
    return frozenset(capitalised - lowercase)


def content_stems(tokens: Sequence[str], names: frozenset[str]) -> set[str]:
    """Stems of the content words among ``tokens``: not stop words, not names, not one letter."""
    result: set[str] = set()
    for token in tokens:
        lowered = token.lower()
        if lowered in STOP_WORDS or lowered in names or len(lowered) < 2:
            continue
        result.add(stem(lowered))
    return result


def shingles(tokens: Sequence[str], size: int) -> set[str]:
    """Word n-grams of ``tokens`` joined by spaces; a text shorter than ``size`` is one shingle.

    Example:
        >>> sorted(shingles(["a", "b", "c", "d"], 3))
        ['a b c', 'b c d']
    """
    if not tokens:
        return set()
    if len(tokens) < size:
        return {" ".join(tokens)}
    return {" ".join(tokens[i : i + size]) for i in range(len(tokens) - size + 1)}
