"""Attribution: the named sources an article says its content came from.

News copied from another outlet usually says so, in a handful of stock phrases: a ``Source: X``
line, ``the Financial Times writes``, ``according to the FT``, ``the publication writes``,
``"...," Kirby said``. This stage finds those phrases in one article and resolves each to a
canonical source name, so later stages can credit sources that the corpus itself lacks.

It is deliberately rule-based: a gazetteer of well-known media and institutions, a few generic
rules for media it does not know ("Racurs news agency", "newspaper Racurs"), capitalised runs for
people, and document state for back-references ("the publication" is the outlet named last,
"Kirby" is the "John F. Kirby" named earlier). Every rule anchors on a reporting verb or a fixed
phrase next to a name; a bare mention of a name ("meet with Putin") is never an attribution.

Pronouns ("he said", "according to her") resolve to the person who spoke last (the latest person
source, or someone "quoted ... as saying") if that was at most three content sentences earlier;
the pronoun's gender is not checked, which is why the window is short and why a person merely
mentioned, rather than quoted, is never a pronoun's referent.

Known limits: unnamed sources ("the US official said", "experts say") and country names used as
sources ("the United States said") are not attributions; a person whose name follows a title
phrase after "according to" ("according to White House spokesman John Kirby") resolves to the
institution; companies with two-word capitalised names may read as people.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Final, Literal

from tracer.model import Attribution, AttributionKind, Segmented, Sentence, SourceType, Span

__all__ = [
    "Attribution",
    "AttributionKind",
    "SourceType",
    "canonical_source",
    "find_attributions",
]

# --- Gazetteer -----------------------------------------------------------------------------------

_MEDIA: Final[tuple[tuple[str, SourceType, tuple[str, ...]], ...]] = (
    ("Financial Times", "outlet", ("FT", "ft.com")),
    ("The New York Times", "outlet", ("NYT", "NY Times", "nytimes.com")),
    ("The Wall Street Journal", "outlet", ("WSJ", "wsj.com")),
    ("The Washington Post", "outlet", ("WaPo", "washingtonpost.com")),
    ("The Guardian", "outlet", ("theguardian.com",)),
    ("The Telegraph", "outlet", ("Daily Telegraph",)),
    ("The Economist", "outlet", ()),
    ("Politico", "outlet", ()),
    ("Axios", "outlet", ()),
    ("Newsweek", "outlet", ()),
    ("Le Monde", "outlet", ()),
    ("Der Spiegel", "outlet", ("Spiegel",)),
    ("Bild", "outlet", ()),
    ("South China Morning Post", "outlet", ("SCMP",)),
    ("NK News", "outlet", ()),
    ("The Korea Herald", "outlet", ()),
    ("Ukrainska Pravda", "outlet", ("Ukrayinska Pravda", "pravda.com.ua")),
    ("The Kyiv Independent", "outlet", ("kyivindependent.com",)),
    ("Kyiv Post", "outlet", ()),
    ("The New Voice of Ukraine", "outlet", ()),
    ("Meduza", "outlet", ()),
    ("Kommersant", "outlet", ()),
    ("Izvestia", "outlet", ()),
    ("Reuters", "agency", ("reuters.com",)),
    ("Associated Press", "agency", ("AP", "apnews.com")),
    ("AFP", "agency", ("Agence France-Presse", "Agence France Presse")),
    ("Bloomberg", "agency", ("Bloomberg News",)),
    ("Interfax", "agency", ()),
    ("Interfax-Ukraine", "agency", ()),
    ("TASS", "agency", ("Tass", "ITAR-TASS")),
    ("RIA Novosti", "agency", ()),
    ("Ukrinform", "agency", ()),
    ("UNIAN", "agency", ()),
    ("Yonhap", "agency", ("Yonhap News Agency",)),
    ("KCNA", "agency", ("Korean Central News Agency",)),
    ("Xinhua", "agency", ()),
    ("Kyodo News", "agency", ("Kyodo",)),
    ("Anadolu Agency", "agency", ("Anadolu",)),
    ("CNN", "broadcaster", ("cnn.com",)),
    ("BBC", "broadcaster", ("BBC News", "bbc.com", "bbc.co.uk")),
    ("Al Jazeera", "broadcaster", ("Al-Jazeera",)),
    ("NHK", "broadcaster", ()),
    ("Sky News", "broadcaster", ()),
    ("Fox News", "broadcaster", ()),
    ("NBC News", "broadcaster", ("NBC",)),
    ("CBS News", "broadcaster", ("CBS",)),
    ("ABC News", "broadcaster", ()),
    ("Deutsche Welle", "broadcaster", ("DW",)),
    ("Euronews", "broadcaster", ()),
    (
        "Radio Free Europe/Radio Liberty",
        "broadcaster",
        ("Radio Free Europe", "Radio Liberty", "RFE/RL"),
    ),
    ("Voice of America", "broadcaster", ("VOA",)),
    ("RT", "broadcaster", ("Russia Today",)),
    ("Espreso TV", "broadcaster", ("Espreso.TV", "Espreso")),
    ("Hromadske", "broadcaster", ()),
    ("Suspilne", "broadcaster", ()),
)
"""Well-known media: canonical name, type, aliases (the canonical name minus "The" is implied)."""

_INSTITUTIONS: Final[tuple[tuple[str, tuple[str, ...]], ...]] = (
    ("White House", ()),
    ("Kremlin", ()),
    ("Pentagon", ()),
    ("State Department", ("US State Department", "U.S. State Department", "Department of State")),
    ("Downing Street", ()),
    ("Élysée", ("Elysee", "Élysée Palace", "Elysee Palace")),
    ("NATO", ()),
    ("United Nations", ("UN", "U.N.")),
    ("European Commission", ()),
    ("National Security Council", ()),
    ("IAEA", ("International Atomic Energy Agency",)),
)


def _words(text: str) -> frozenset[str]:
    """The whitespace-separated words of a vocabulary written as one block of text."""
    return frozenset(text.split())


def _alias_key(name: str) -> str:
    """The lookup key of a name: case, spacing, apostrophes and a leading "the" do not count."""
    key = " ".join(name.replace("’", "'").split()).casefold()
    return key[4:] if key.startswith("the ") else key


def _strip_the(name: str) -> str:
    return name[4:] if name.startswith("The ") else name


def _build_known() -> dict[str, tuple[str, SourceType]]:
    known: dict[str, tuple[str, SourceType]] = {}
    for canonical, source_type, aliases in _MEDIA:
        for alias in (canonical, *aliases):
            known[_alias_key(alias)] = (canonical, source_type)
    for canonical, aliases in _INSTITUTIONS:
        for alias in (canonical, *aliases):
            known[_alias_key(alias)] = (canonical, "institution")
    return known


_KNOWN: Final[dict[str, tuple[str, SourceType]]] = _build_known()


def _alternation(names: Iterable[str]) -> str:
    # Longest first, so "Interfax-Ukraine" wins over "Interfax" and "BBC News" over "BBC".
    return "|".join(re.escape(n) for n in sorted(set(names), key=lambda n: (-len(n), n)))


_MEDIA_NAMES: Final[tuple[str, ...]] = tuple(
    alias for canonical, _, aliases in _MEDIA for alias in (_strip_the(canonical), *aliases)
)
_INSTITUTION_NAMES: Final[tuple[str, ...]] = tuple(
    alias for canonical, aliases in _INSTITUTIONS for alias in (canonical, *aliases)
)
_MEDIA_ALIASES: Final[str] = _alternation(_MEDIA_NAMES)
_INSTITUTION_ALIASES: Final[str] = _alternation(_INSTITUTION_NAMES)

# --- Vocabulary ----------------------------------------------------------------------------------

_TITLES: Final[frozenset[str]] = _words(
    """
    President Vice Prime Minister Secretary Speaker Spokesman Spokeswoman Spokesperson Ambassador
    Chancellor Governor Mayor Senator Congressman Congresswoman Representative General Admiral
    Colonel Lieutenant Captain Commander Chief Director Head Leader Chairman Chairwoman Chair
    Coordinator Adviser Advisor Deputy King Queen Prince Princess Pope Patriarch Professor Judge
    Justice Prosecutor Commissioner Envoy Ombudsman Marshal Sergeant Sheikh Emir Premier Dictator
    Economist Analyst Expert Researcher Journalist Correspondent Editor Official Officer Lawmaker
    Diplomat Mr Mrs Ms Miss Dr Prof Gen Sen Rep Col Lt Capt Gov Amb Sir Dame Lord Lady Saint St
    """
)
"""Words that precede a person's name; they end the name and vouch that a surname is a person."""

_NOT_NAMES: Final[frozenset[str]] = _words(
    """
    Russia Ukraine Korea China Japan Iran Iraq Syria Israel Gaza Palestine Lebanon Turkey India
    Pakistan Afghanistan America Europe Asia Africa Germany France Britain England Scotland Ireland
    Italy Spain Poland Hungary Belarus Moldova Taiwan Crimea Donbas Donetsk Luhansk Kharkiv Kherson
    Zaporizhzhia Odesa Odessa Moscow Kyiv Kiev Pyongyang Seoul Beijing Tokyo Tehran Washington
    London Paris Berlin Brussels Warsaw Vladivostok Minsk Ankara Jerusalem Vostochny North South
    East West Northern Southern Eastern Western Central United States Kingdom Union Republic
    Federation Peninsula Sea Ocean Pacific Atlantic Arctic Baltic Black Middle Far Gulf Strait
    Russian Ukrainian Korean Chinese Japanese Iranian American British European German French
    Polish Belarusian Israeli Palestinian Syrian Turkish Indian Soviet Asian African Arab English
    Italian Spanish House Office Ministry Department Council Committee Commission Institute Center
    Centre Studies Agency Service Services Forces Force Army Navy Guard Police Command Staff
    Security Defense Defence Intelligence Affairs International National Foreign Economic
    Military Strategic Policy Forum University College School Academy Bank Fund Group Company
    Corporation Party Front Church Parliament Congress Senate Court Assembly Cabinet Government
    Administration Embassy Mission Times News Post Journal Herald Tribune Telegraph Press Media
    Radio Television Channel Network Watch Street Square Palace Kremlin Pentagon Cosmodrome
    Airport Station Plant Prism Organization Organisation Association Alliance Coalition Movement
    Board Authority Bureau Directorate Battalion Brigade Regiment Division Corps Fleet Region
    Oblast City Province District State Empire Treaty Act Law Resolution Summit Conference Games
    Cup Olympics Day Week War Pandemic Internet Telegram Twitter Facebook Instagram Youtube
    Monday Tuesday Wednesday Thursday Friday Saturday Sunday January February March April May
    June July August September October November December Jan Feb Mar Apr Jun Jul Aug Sep Sept
    Oct Nov Dec
    """
)
"""Capitalised words that are never part of a person's name: places, demonyms, bodies, dates."""

_FUNCTION_WORDS: Final[frozenset[str]] = _words(
    """
    The A An In On At For From To By With After Before During Since Until When While If As But And
    Or So Yet Also However Meanwhile Moreover Earlier Later Last Next This That These Those
    According Despite Although Though Why What How Who Where It He She They We I You His Her Their
    Our Its Frankly Currently Most Many Some Both Such Thus Still Even Only Then There Here Now
    Today Yesterday Tomorrow Following Speaking Asked Read See More Source Photo Video Related
    Back Support Like Share Experts Officials Analysts Sources
    """
)
"""Words capitalised only because they start a sentence; they never start a name."""

_HONORIFICS: Final[frozenset[str]] = frozenset({"Mr", "Mrs", "Ms", "Miss", "Dr", "Prof", "Sir"})

# --- Patterns ------------------------------------------------------------------------------------


def _letters(upper: bool) -> str:
    # Python's re has no \p{Lu}; list the accented Latin letters names are written with.
    chars = (chr(c) for c in range(0xC0, 0x250))
    return "".join(c for c in chars if (c.isupper() if upper else c.islower()))


_UP: Final[str] = "A-Z" + _letters(upper=True)
_LOW: Final[str] = "a-z" + _letters(upper=False)
_B: Final[str] = r"(?<![\w’'-])"  # left word boundary that also refuses "’s" and hyphen tails
_E: Final[str] = r"(?![\w-])"  # right word boundary

_TOKEN: Final[str] = (
    rf"[{_UP}](?:[{_LOW}]+|['’][{_UP}][{_LOW}]+)(?:[{_UP}][{_LOW}]+)?(?:-[{_UP}{_LOW}][{_LOW}]+)*"
)
_INITIAL: Final[str] = rf"[{_UP}]\."
_HONORIFIC_DOT: Final[str] = r"(?:Mr|Mrs|Ms|Dr|Prof|Gen|Sen|Rep|Col|Lt|Capt|Gov|Amb|St)\."
_NAME_WORD: Final[str] = rf"(?:{_HONORIFIC_DOT}|{_TOKEN}{_E})"
_RUN: Final[str] = rf"{_NAME_WORD}(?:[ \u00a0](?:{_INITIAL}[ \u00a0])?{_NAME_WORD})*"
"""Capitalised words, maybe with middle initials: "White House Speaker John F. Kirby"."""

_ACRONYM: Final[str] = r"[A-Z]{2,}(?:-[A-Z0-9]+)?"
_MEDIA_WORD: Final[str] = rf"(?:{_TOKEN}|{_ACRONYM}|\d+){_E}"
_MEDIA_RUN: Final[str] = (
    rf"(?:{_TOKEN}|{_ACRONYM}){_E}(?:[ \u00a0](?:(?:of|de|la|le|du|des|der|di|del)[ \u00a0])?"
    rf"{_MEDIA_WORD}){{0,4}}"
)
_SUFFIX_DESC: Final[str] = (
    r"news\s+agency|agency|newspaper|TV\s+channel|TV|television\s+channel|channel|broadcaster"
    r"|radio|magazine|daily|outlet|website|news\s+site|portal"
)
_PREFIX_DESC: Final[str] = (
    r"newspaper|news\s+agency|agency|media\s+outlet|outlet|publication|broadcaster|TV\s+channel"
    r"|channel|magazine|website|daily|news\s+site|portal"
)
_TRAILING_NOUN: Final[str] = (
    r"news\s+agency|agency|newspaper|article|report|piece|story|editorial|publication"
    r"|TV\s+channel|channel|website"
)
_BACKREF_NOUNS: Final[str] = (
    r"publication|newspaper|news\s+agency|agency|media\s+outlet|outlet|broadcaster|TV\s+channel"
    r"|channel|magazine|daily|article|website|news\s+site|edition"
)
_THE: Final[str] = r"(?:[Tt]he\s+)"
_DESCRIPTOR: Final[str] = rf"(?:{_THE}?(?:[\w.’'-]+\s+)?(?:{_PREFIX_DESC})\s+)"
"""What may precede a medium's name: "UK newspaper the Financial Times", "the agency Reuters"."""

_ENTITY_PATTERNS: Final[dict[str, str]] = {
    "with_whom": (
        rf"(?:[\w’'-]+\s+){{1,2}}(?:with\s+whom|whom|who\s+(?:spoke|talked)\s+(?:to|with)"
        r"|interviewed\s+by|cited\s+by|quoted\s+by|consulted\s+by|polled\s+by|surveyed\s+by)\s+"
        rf"(?:[Tt]he\s+(?P<wref>{_BACKREF_NOUNS}){_E}|{_THE}?(?P<wmedia>{_MEDIA_ALIASES}){_E})"
        r"(?:\s+(?:spoke|talked|interviewed|consulted|polled|surveyed))?"
    ),
    "media": (
        rf"{_DESCRIPTOR}?{_THE}?(?P<media>{_MEDIA_ALIASES}){_E}(?:\s+(?:{_TRAILING_NOUN}){_E})?"
    ),
    "suffixed": rf"{_THE}?(?P<gname>{_MEDIA_RUN})\s+(?P<gdesc>{_SUFFIX_DESC}){_E}",
    "prefixed": (
        rf"{_THE}?(?:[\w.’'-]+\s+)?(?P<pdesc>{_PREFIX_DESC})\s+{_THE}?"
        rf"(?:(?P<pname>{_MEDIA_RUN})|[“\"«](?P<qname>[^”\"»\n]{{2,60}})[”\"»])"
    ),
    "backref": rf"[Tt]he\s+(?P<bref>{_BACKREF_NOUNS}){_E}",
    "institution": rf"{_THE}?(?P<inst>{_INSTITUTION_ALIASES}){_E}",
    "person": rf"(?P<run>{_RUN})",
    "pronoun_subject": r"(?P<pron>[Hh]e|[Ss]he)(?![\w’'-])",
    "pronoun_object": r"(?P<pron>him|her)(?![\w’'-])",
}

_AUX: Final[str] = (
    r"(?:has|have|had|also|earlier|previously|later|recently|reportedly|further|then|again|once"
    r"|first|itself|himself|herself|already|separately|publicly|repeatedly|too)"
)
# No negation ("not", "never", "n't") is allowed between a subject and its verb: "The Financial
# Times does not write" finds no subject, so it is never an attribution.
_GAPS: Final[dict[str, str]] = {
    "plain": rf"\s+(?:{_AUX}\s+)*",
    "comma": rf"\s*,\s+(?:{_AUX}\s+)*",
    "appositive": rf"\s*,\s+[^,;:“”\"()]{{2,120}}?,\s+(?:{_AUX}\s+)*",
}

_SUBJECT_KINDS: Final[tuple[str, ...]] = (
    "with_whom",
    "media",
    "suffixed",
    "prefixed",
    "backref",
    "institution",
    "person",
    "pronoun_subject",
)
_NAMED_SUBJECT_KINDS: Final[frozenset[str]] = frozenset(
    {"media", "suffixed", "prefixed", "backref", "institution", "person"}
)
_MEDIUM_KINDS: Final[tuple[str, ...]] = ("media", "suffixed", "prefixed", "backref")
_OBJECT_KINDS: Final[tuple[str, ...]] = (
    "media",
    "suffixed",
    "prefixed",
    "backref",
    "person_full",
    "institution",
    "person",
    "pronoun_object",
)
_INVERSION_KINDS: Final[tuple[str, ...]] = (
    "media",
    "suffixed",
    "prefixed",
    "backref",
    "person_full",
    "institution",
    "person",
)


def _compile_subjects() -> dict[tuple[str, str], re.Pattern[str]]:
    compiled: dict[tuple[str, str], re.Pattern[str]] = {}
    for gap_name, gap in _GAPS.items():
        for kind in _SUBJECT_KINDS:
            if gap_name != "plain" and kind not in _NAMED_SUBJECT_KINDS:
                continue
            compiled[kind, gap_name] = re.compile(rf"{_B}(?:{_ENTITY_PATTERNS[kind]})(?:{gap})\Z")
    return compiled


def _compile_objects() -> dict[str, re.Pattern[str]]:
    compiled: dict[str, re.Pattern[str]] = {}
    for kind in _OBJECT_KINDS:
        entity = _ENTITY_PATTERNS["person" if kind == "person_full" else kind]
        compiled[kind] = re.compile(rf"{_B}(?:{entity})")
    return compiled


_SUBJECT_RE: Final[dict[tuple[str, str], re.Pattern[str]]] = _compile_subjects()
_SUBJECT_SEARCHES: Final[tuple[tuple[str, str, re.Pattern[str]], ...]] = tuple(
    (kind, gap, _SUBJECT_RE[kind, gap])
    for gap in _GAPS
    for kind in _SUBJECT_KINDS
    if (kind, gap) in _SUBJECT_RE
)
"""The subject patterns in the order ``_subject`` tries them: by gap, then by kind."""
_GAP_COMMAS: Final[dict[str, int]] = {"plain": 0, "comma": 1, "appositive": 2}
"""How many commas a match of each gap holds: its literal ","s (``_AUX`` and the appositive's
``[^,...]`` hold none)."""
_COMMA_FREE_KINDS: Final[frozenset[str]] = frozenset(_SUBJECT_KINDS) - {"prefixed"}
"""Subject kinds whose entity never holds a comma (only the quoted name of "prefixed" may)."""
_OBJECT_RE: Final[dict[str, re.Pattern[str]]] = _compile_objects()
_RUN_RE: Final[re.Pattern[str]] = re.compile(rf"{_B}{_RUN}")
_RUN_PART_RE: Final[re.Pattern[str]] = re.compile(r"\S+")
_SPACE_CAPITAL_RE: Final[re.Pattern[str]] = re.compile(rf"[ \u00a0][{_UP}]")
_INITIAL_RE: Final[re.Pattern[str]] = re.compile(_INITIAL)
_MEDIA_MENTION_RE: Final[re.Pattern[str]] = re.compile(
    rf"{_B}(?:{_ENTITY_PATTERNS['media']}|{_ENTITY_PATTERNS['suffixed']}"
    rf"|{_ENTITY_PATTERNS['prefixed']})"
)

_VERBS: Final[str] = (
    r"writes|wrote|write|reports|reported|report|says|said|say|tells|told|tell|notes"
    r"|noted|quotes|quoted|cites|cited|claims|claimed|states|stated|announces|announced|warns"
    r"|warned|emphasizes|emphasized|emphasises|emphasised|stresses|stressed|adds|added|explains"
    r"|explained|confirms|confirmed|declares|declared|insists|insisted|reads|believes|believed"
    r"|argues|argued|thinks"
)
_VERB_RE: Final[re.Pattern[str]] = re.compile(_B + rf"(?P<verb>{_VERBS})(?![\w’'-])")
_NEEDS_THAT: Final[frozenset[str]] = frozenset(
    {"believes", "believed", "argues", "argued", "thinks"}
)
"""Opinion verbs: "Kraiev believes that ..." credits a claim to Kraiev; "believes in" does not."""
_INVERSION_VERBS: Final[frozenset[str]] = _words(
    """said says wrote writes reported reports reads noted notes added adds emphasized emphasised
    emphasizes emphasises stressed stresses stated states explained explains claimed claims
    declared insisted"""
)
"""Verbs that may precede their subject: ``"...," said Kirby``. "told Putin" is not one of them."""
_CHANNEL_VERBS: Final[frozenset[str]] = _words(
    """said says say stated states noted notes explained explains added adds claimed claims
    emphasized emphasised announced stressed confirmed declared"""
)
_TOLD_VERBS: Final[frozenset[str]] = frozenset({"told", "tells", "tell"})
_QUOTING_VERBS: Final[frozenset[str]] = frozenset({"quoted", "quotes", "cited", "cites"})

_THAT_RE: Final[re.Pattern[str]] = re.compile(r"\s+that\b")
_INVERSION_CONTEXT_RE: Final[re.Pattern[str]] = re.compile(r"(?:[,;:]|[”\"])\s*\Z")
_INVERSION_END_RE: Final[re.Pattern[str]] = re.compile(
    r"\s*(?:[,.;:!?”\"…)]|\Z)|\s+(?:in|on|at|during|to|when|after|before|adding|citing|as|who"
    r"|while|for)\b"
)
_CHANNEL_RE: Final[re.Pattern[str]] = re.compile(
    r"(?:\s+(?:this|it|so|that))?\s+(?:on|to)\s+(?:the\s+)?(?:air\s+of\s+)?"
)
_SPACE_RE: Final[re.Pattern[str]] = re.compile(r"\s+")
_AS_SAYING_RE: Final[re.Pattern[str]] = re.compile(
    rf"\s+(?P<run>{_RUN})\s+as\s+(?:saying|telling|stating|writing)(?![\w’'-])"
)
_ACCORDING_RE: Final[re.Pattern[str]] = re.compile(rf"{_B}[Aa]ccording\s+to\s+")
_CITING_RE: Final[re.Pattern[str]] = re.compile(rf"{_B}[Cc]iting\s+")
_PASSIVE_VERBS: Final[str] = (
    "reported|written|stated|announced|quoted|cited|published|confirmed|claimed|noted"
)
_PASSIVE_RE: Final[re.Pattern[str]] = re.compile(rf"{_B}(?:{_PASSIVE_VERBS})\s+by\s+")
_CHANNEL_PHRASE_RE: Final[re.Pattern[str]] = re.compile(
    rf"{_B}(?:(?:[Ii]n|[Dd]uring)\s+(?:an?\s+)?(?:[\w-]+\s+){{0,2}}"
    r"(?:interview|comments?|conversation)\s+(?:with|to|for)|[Ss]peaking\s+(?:to|with|on)"
    r"|on\s+the\s+air\s+of)\s+"
)
_HEADLINE_CREDIT_RE: Final[re.Pattern[str]] = re.compile(
    rf"\s(?P<cue>(?:[—–|]|--?)\s*{_THE}?(?P<media>{_MEDIA_ALIASES}))\s*\Z"
)
_DECLARED_RE: Final[re.Pattern[str]] = re.compile(
    r"^[ \t]*(?P<cue>(?P<label>(?:Sources?|Via)[ \t]*[:\-–—]"
    r"|(?:This\s+(?:article|story)\s+was\s+)?(?:[Oo]riginally|[Ff]irst)\s+(?:published|appeared)"
    r"\s+(?:by|on|in|at)|Republished\s+from|Read\s+the\s+original\s+(?:article\s+|story\s+)?"
    r"(?:on|at))[ \t]*(?P<name>[^\n]*?))[ \t.]*$",
    re.MULTILINE,
)
# "Read the original article on X" and "Originally published by X" say the text *is* X's
# article, republished; "Source: X" says it came through X, rewritten.
_PUBLISHER_RE: Final[re.Pattern[str]] = re.compile(
    r"\s*(?:Read\s+the\s+original|(?:This\s+(?:article|story)\s+was\s+)?(?:originally|first)"
    r"\s+(?:published|appeared)|Republished\s+from)",
    re.IGNORECASE,
)
_LINK_LINE_RE: Final[re.Pattern[str]] = re.compile(
    r"\s*(?:Read|See)\s+(?:also|more)\b|\s*Also\s+read\b|\s*Related\b"
)
_QUOTE_BEFORE_RE: Final[re.Pattern[str]] = re.compile(
    r"(?P<close>[”\"])(?P<mid>[^“”\"\n.!?]{0,80})\Z"
)
_QUOTE_AFTER_RE: Final[re.Pattern[str]] = re.compile(r"\s*[:,]?\s*(?P<open>[“\"])")
_WORD_RE: Final[re.Pattern[str]] = re.compile(r"[^\W\d_]+")
_NAME_BEFORE_RE: Final[re.Pattern[str]] = re.compile(rf"{_B}(?P<word>{_TOKEN})[ \u00a0]\Z")
_INITIAL_IN_NAME_RE: Final[re.Pattern[str]] = re.compile(
    rf"(?<=[{_LOW}])\s+[{_UP}]\.(?=\s+[{_UP}])"
)
_SPLIT_HYPHEN_RE: Final[re.Pattern[str]] = re.compile(rf"(?<=\s)([{_UP}][{_LOW}]+)-([{_LOW}]+)\b")
_URL_RE: Final[re.Pattern[str]] = re.compile(
    r"(?:https?://)?(?:www\.)?(?P<host>[a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z]{2,})(?:/\S*)?",
    re.IGNORECASE,
)

# --- Prefilters ----------------------------------------------------------------------------------
# Most sentences hold no cue, and the patterns above are slow to fail: their optional prefixes
# ("the", a descriptor, any word) keep the regex engine from skipping ahead, so a search tries
# every position of the text. So before a search we ask whether the sentence has a word the
# pattern cannot match without, and skip the search when it has none. Skipping never changes a
# result, because of how the word sets are chosen:
#
# A "word" is a maximal run of \w characters, and a sentence's words are computed once
# (`_sentence_words`). Each set below holds, for every way its pattern can match, a word that the
# match contains *whole*: the pattern puts a non-word character or the edge of the text right
# before and right after it (_B, _E, \s, ^, \Z, a dash, or punctuation inside an alias such as
# the "." of "U.N."). That word is then one of the sentence's words; a sentence whose words miss
# the whole set cannot match, whatever ``pos``/``endpos`` the search uses inside it. Where a
# pattern is built from a list (aliases, descriptors, verbs), the set is derived from that same
# list; the few written by hand sit next to the reason.

_WORD_RUN_RE: Final[re.Pattern[str]] = re.compile(r"\w+")


def _sentence_words(text: str) -> frozenset[str]:
    r"""The words of a sentence, for the prefilters: its maximal runs of ``\w`` characters."""
    return frozenset(_WORD_RUN_RE.findall(text))


def _phrases(alternation: str) -> tuple[str, ...]:
    r"""The phrases of an alternation of plain words, such as ``news\s+agency|agency``."""
    phrases = []
    for alternative in alternation.split("|"):
        words = alternative.split(r"\s+")
        if not all(re.fullmatch(r"[A-Za-z]+", word) for word in words):
            raise ValueError(f"not a plain phrase, so no prefilter word: {alternative!r}")
        phrases.append(" ".join(words))
    return tuple(phrases)


def _last_words(names: Iterable[str]) -> frozenset[str]:
    r"""The last word of each name or phrase.

    Every pattern that uses these lists has a non-word character (or the edge of the text) on
    both sides of the name: before it _B or \s ("the FT", "newspaper Racurs", "cited by Reuters")
    or a dash ("— FT"); after it _E, \s or \Z. Inside a name, its last word has a non-word
    character on its left ("U.N.", "ft.com", "news agency"). So the last word is always whole.
    """
    words = set()
    for name in names:
        runs = _WORD_RUN_RE.findall(name)
        if not runs:
            raise ValueError(f"no word in {name!r}, so no prefilter word")
        words.add(runs[-1])
    return frozenset(words)


_MEDIA_WORDS: Final[frozenset[str]] = _last_words(_MEDIA_NAMES)
_INSTITUTION_WORDS: Final[frozenset[str]] = _last_words(_INSTITUTION_NAMES)
_SUFFIX_WORDS: Final[frozenset[str]] = _last_words(_phrases(_SUFFIX_DESC))
_PREFIX_WORDS: Final[frozenset[str]] = _last_words(_phrases(_PREFIX_DESC))
_BACKREF_WORDS: Final[frozenset[str]] = _last_words(_phrases(_BACKREF_NOUNS))

_KIND_WORDS: Final[dict[str, frozenset[str]]] = {
    "with_whom": _BACKREF_WORDS | _MEDIA_WORDS,  # ends in (?P<wref>...) or (?P<wmedia>...)
    "media": _MEDIA_WORDS,
    "suffixed": _SUFFIX_WORDS,
    "prefixed": _PREFIX_WORDS,
    "backref": _BACKREF_WORDS,
    "institution": _INSTITUTION_WORDS,
    # [Hh]e|[Ss]he and him|her, between a left boundary and (?![\w’'-]).
    "pronoun_subject": frozenset({"he", "He", "she", "She"}),
    "pronoun_object": frozenset({"him", "her"}),
}
"""Words an entity pattern cannot match without; "person" has none (any capitalised word)."""
_ENTITY_WORDS: Final[frozenset[str]] = frozenset().union(*_KIND_WORDS.values())
_UNFILTERED_SUBJECT_SEARCHES: Final[tuple[tuple[str, str, re.Pattern[str]], ...]] = tuple(
    entry for entry in _SUBJECT_SEARCHES if entry[0] not in _KIND_WORDS
)
"""The subject searches no prefilter can skip."""

_MENTION_WORDS: Final[frozenset[str]] = _MEDIA_WORDS | _SUFFIX_WORDS | _PREFIX_WORDS
"""For _MEDIA_MENTION_RE, which is the "media", "suffixed" and "prefixed" patterns in one."""
_VERB_WORDS: Final[frozenset[str]] = _last_words(_phrases(_VERBS))
r"""For _VERB_RE: the verb itself, between _B and (?![\w’'-])."""
_PHRASE_WORDS: Final[dict[re.Pattern[str], frozenset[str]]] = {
    # _B [Aa]ccording \s+ / _B [Cc]iting \s+
    _ACCORDING_RE: frozenset({"according", "According"}),
    _CITING_RE: frozenset({"citing", "Citing"}),
    # _B (reported|written|...) \s+
    _PASSIVE_RE: _last_words(_phrases(_PASSIVE_VERBS)),
    # \s (interview|comments?|conversation) \s, _B [Ss]peaking \s, \s air \s
    _CHANNEL_PHRASE_RE: frozenset(
        {"interview", "comment", "comments", "conversation", "speaking", "Speaking", "air"}
    ),
}
"""For the fixed phrases after which a source follows."""
_ANY_PHRASE_WORDS: Final[frozenset[str]] = frozenset().union(*_PHRASE_WORDS.values())
_DECLARED_WORDS: Final[frozenset[str]] = frozenset(
    # ^[ \t]* (Sources?|Via) [ \t:-–—]; \s (published|appeared) \s; ^[ \t]* Republished \s;
    # \s original \s.
    {"Source", "Sources", "Via", "published", "appeared", "Republished", "original"}
)
"""For _DECLARED_RE."""

_CUE_FILLER: Final[frozenset[str]] = _words(
    """about this that it so he she they as much on the matter subject also was is has been in
    turn earlier previously"""
)
"""Words a cue-only sentence ("The Financial Times writes about this.") may hold besides the cue."""

_BACKREF_TYPES: Final[dict[str, frozenset[SourceType]]] = {
    "agency": frozenset({"agency"}),
    "news agency": frozenset({"agency"}),
    "broadcaster": frozenset({"broadcaster"}),
    "channel": frozenset({"broadcaster"}),
    "tv channel": frozenset({"broadcaster"}),
    "newspaper": frozenset({"outlet"}),
    "daily": frozenset({"outlet"}),
    "magazine": frozenset({"outlet"}),
}
"""Which media a typed back-reference may mean; other nouns ("the publication") mean any."""
_ANY_MEDIUM: Final[frozenset[SourceType]] = frozenset({"outlet", "agency", "broadcaster"})
_PRONOUN_WINDOW: Final[int] = 3
"""How many content sentences back a pronoun may reach for the person who spoke last."""

# --- Canonical names -----------------------------------------------------------------------------


def _clean_name(name: str) -> str:
    name = " ".join(name.split()).strip(" \t\"'“”‘’«»")
    return name.rstrip(" .,;:").strip(" \"'“”‘’«»")


def canonical_source(name: str) -> str:
    """Return the canonical spelling of a source name.

    Known media and institutions resolve through their aliases (case, a leading "the" and a
    trailing "news agency" or "newspaper" do not matter); a URL resolves to its outlet or, failing
    that, to its host. Other names are taken for people: honorifics and middle initials are
    dropped, and a romanised given name written with a hyphen ("Jong-un") is split, so one person
    gets one name across articles.

    Example:
        >>> canonical_source("the FT"), canonical_source("NYT")
        ('Financial Times', 'The New York Times')
        >>> canonical_source("John F. Kirby"), canonical_source("Kim Jong-un")
        ('John Kirby', 'Kim Jong Un')
    """
    cleaned = _clean_name(name)
    if not cleaned:
        return ""
    known = _lookup(cleaned)
    if known is not None:
        return known[0]
    url = _URL_RE.fullmatch(cleaned)
    if url is not None and " " not in cleaned:
        host = url.group("host").lower()
        known = _lookup(host)
        return known[0] if known is not None else host
    person = cleaned
    first, _, rest = person.partition(" ")
    if rest and first.rstrip(".") in _HONORIFICS:
        person = rest
    person = _INITIAL_IN_NAME_RE.sub("", person)
    return _SPLIT_HYPHEN_RE.sub(lambda m: f"{m.group(1)} {m.group(2).capitalize()}", person)


def _lookup(name: str) -> tuple[str, SourceType] | None:
    """The gazetteer entry for ``name``, also without a trailing "news agency", "article"..."""
    key = _alias_key(name)
    if key in _KNOWN:
        return _KNOWN[key]
    suffixes = (" news agency", " agency", " newspaper", " article", " channel", " website", " tv")
    for suffix in suffixes:
        if key.endswith(suffix) and key[: -len(suffix)] in _KNOWN:
            return _KNOWN[key[: -len(suffix)]]
    return None


def _medium_type(name: str, descriptor: str) -> SourceType:
    """Type of a medium the gazetteer lacks, from the word that named it a medium."""
    descriptor = " ".join(descriptor.split()).lower()
    if "agency" in descriptor:
        return "agency"
    if descriptor in {"tv", "tv channel", "channel", "broadcaster", "radio", "television channel"}:
        return "broadcaster"
    lowered = name.lower()
    if lowered.endswith(" news agency") or lowered.endswith(" agency"):
        return "agency"
    if lowered.endswith(" tv") or lowered.endswith(" radio"):
        return "broadcaster"
    return "outlet"


# --- Document analysis ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Ref:
    """What a cue points at before the document's context resolves it.

    ``how`` is "named" (``name`` is canonical), "surname" (a single name to look up among the
    people named earlier; ``titled`` when a title or honorific vouches that it is a person),
    "backref" (``name`` is the noun: "publication") or "pronoun".
    """

    how: Literal["named", "surname", "backref", "pronoun"]
    name: str = ""
    source_type: SourceType = "outlet"
    titled: bool = False


@dataclass(frozen=True, slots=True)
class _Found:
    """An entity next to a cue: its reference and sentence-relative offsets."""

    ref: _Ref
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class _Candidate:
    """A cue found in a sentence, its offsets in the raw text, and what it refers to.

    ``speaker_only`` candidates produce no attribution; they record who was quoted
    ("quoted Shoigu as saying") so a later "he said" can resolve.
    """

    start: int
    end: int
    ref: _Ref
    kind: AttributionKind
    sentence: Sentence
    ordinal: int  # position among the content sentences, to measure how far a pronoun reaches
    quote: tuple[int, int] | None
    speaker_only: bool = False


@dataclass(frozen=True, slots=True)
class _Person:
    position: int
    name: str
    tokens: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class _Medium:
    position: int
    name: str
    source_type: SourceType


def _person_in_run(run: str) -> tuple[int, tuple[str, ...], bool] | None:
    """Find the person's name that ends a capitalised run.

    Returns the offset in ``run`` where the cue should start (the name's first word, or an
    honorific before it: "Mr Kim"), the name's words (middle initials left out) and whether a
    title or honorific stands right before it. Reads from the right because titles and places
    come first: "Russian President Vladimir Putin".
    """
    parts = [(m.start(), m.group()) for m in _RUN_PART_RE.finditer(run)]
    names: list[tuple[int, str]] = []
    titled = False
    honorific: int | None = None
    for position in range(len(parts) - 1, -1, -1):
        offset, word = parts[position]
        if _INITIAL_RE.fullmatch(word):
            if not names:
                return None
            continue
        bare = word.rstrip(".")
        if bare in _TITLES:
            titled = True
            honorific = offset if bare in _HONORIFICS else None
            break
        if word.endswith(".") or bare in _NOT_NAMES:
            break
        if position == 0 and bare in _FUNCTION_WORDS:
            break
        names.insert(0, (offset, word))
        if len(names) == 3:
            break
    if not names:
        return None
    start = names[0][0] if honorific is None else honorific
    return start, tuple(word for _, word in names), titled


def _decode(kind: str, match: re.Match[str]) -> _Found | None:
    """Turn an entity match into a reference, or ``None`` when it is not a source after all."""
    if kind == "with_whom":
        if match.group("wmedia") is not None:
            return _named(_lookup(match.group("wmedia")), match.start(), match.end())
        return _Found(_Ref("backref", _noun(match.group("wref"))), match.start(), match.end())
    if kind == "media":
        if _inside_a_name(match):
            return None
        return _named(_lookup(match.group("media")), match.start(), match.end())
    if kind == "suffixed":
        return _generic_medium(match.group("gname"), match.group("gdesc"), match)
    if kind == "prefixed":
        name = match.group("pname") or match.group("qname")
        return _generic_medium(name, match.group("pdesc"), match)
    if kind == "backref":
        return _Found(_Ref("backref", _noun(match.group("bref"))), match.start(), match.end())
    if kind == "institution":
        return _named(_lookup(match.group("inst")), match.start(), match.end())
    if kind in {"pronoun_subject", "pronoun_object"}:
        return _Found(_Ref("pronoun"), match.start(), match.end())
    person = _person_in_run(match.group("run"))
    if person is None:
        return None
    offset, words, titled = person
    start = match.start("run") + offset
    if len(words) >= 2:
        ref = _Ref("named", canonical_source(" ".join(words)), "person")
    elif kind == "person_full":
        return None
    else:
        ref = _Ref("surname", canonical_source(words[0]), "person", titled)
    return _Found(ref, start, match.end("run"))


def _inside_a_name(match: re.Match[str]) -> bool:
    """True when a medium's alias ends a longer name: "Michael Bloomberg", not "Bloomberg"."""
    before = _NAME_BEFORE_RE.search(match.string, 0, match.start())
    if before is None:
        return False
    word = before.group("word")
    return word not in _FUNCTION_WORDS and word not in _NOT_NAMES and word not in _TITLES


def _noun(noun: str) -> str:
    return " ".join(noun.split()).lower()


def _named(entry: tuple[str, SourceType] | None, start: int, end: int) -> _Found | None:
    if entry is None:
        return None
    return _Found(_Ref("named", entry[0], entry[1]), start, end)


def _generic_medium(name: str, descriptor: str, match: re.Match[str]) -> _Found | None:
    """A medium the gazetteer lacks, named as one by a word next to it ("Racurs news agency")."""
    words = name.split()
    while words and (words[0] in _FUNCTION_WORDS or words[0] in _NOT_NAMES):
        words.pop(0)
    if not words or all(w in _NOT_NAMES or w in _TITLES for w in words):
        return None
    cleaned = " ".join(words)
    if " ".join(descriptor.split()) == "TV":
        cleaned += " TV"
    entry = _lookup(cleaned)
    if entry is not None:
        return _named(entry, match.start(), match.end())
    ref = _Ref("named", canonical_source(cleaned), _medium_type(cleaned, descriptor))
    return _Found(ref, match.start(), match.end())


def _subject_searches(words: frozenset[str]) -> Sequence[tuple[str, str, re.Pattern[str]]]:
    """The entries of ``_SUBJECT_SEARCHES`` that a sentence with these words may match."""
    if _ENTITY_WORDS.isdisjoint(words):
        return _UNFILTERED_SUBJECT_SEARCHES
    possible = {kind for kind, needed in _KIND_WORDS.items() if not needed.isdisjoint(words)}
    return [e for e in _SUBJECT_SEARCHES if e[0] not in _KIND_WORDS or e[0] in possible]


def _subject(
    text: str, verb_start: int, searches: Sequence[tuple[str, str, re.Pattern[str]]]
) -> _Found | None:
    """The source a reporting verb has on its left: "the publication [writes]".

    ``searches`` are the entries of ``_SUBJECT_SEARCHES`` that the sentence's words allow.
    """
    window = max(0, verb_start - 250)
    # Every match ends at the verb and holds its gap's commas, so a gap with more commas than the
    # window has cannot match. A match with a comma-free entity holds no other comma, so it starts
    # after the comma one further back; searching from there finds the same leftmost match, as
    # the lookbehind in _B still sees the text before the search's start.
    commas: list[int] = []  # the last three commas in the window, nearest first
    comma = verb_start
    while len(commas) < 3:
        comma = text.rfind(",", window, comma)
        if comma < 0:
            break
        commas.append(comma)
    for kind, gap, pattern in searches:
        count = _GAP_COMMAS[gap]
        if len(commas) < count:
            continue
        start = window
        if len(commas) > count and kind in _COMMA_FREE_KINDS:
            start = commas[count] + 1
        match = pattern.search(text, start, verb_start)
        if match is None:
            continue
        found = _decode(kind, match)
        if found is not None:
            return found
    return None


def _object(
    text: str, position: int, kinds: Sequence[str], *, inverted: bool = False
) -> _Found | None:
    """The source that starts at ``position``: "according to [the FT]"."""
    for kind in kinds:
        match = _OBJECT_RE[kind].match(text, position)
        if match is None:
            continue
        found = _decode(kind, match)
        if found is None:
            continue
        if inverted and _INVERSION_END_RE.match(text, found.end) is None:
            continue
        return found
    return None


def _is_link_line(sentence: Sentence) -> bool:
    return _LINK_LINE_RE.match(sentence.text) is not None


def _cues(text: str, words: frozenset[str]) -> Iterator[tuple[int, int, _Ref, bool]]:
    """Every cue in one sentence: (start, end, reference, speaker only).

    ``words`` are the sentence's words (``_sentence_words``), for the prefilters.
    "X quoted Shoigu as saying" gives two: the cue that credits X, and Shoigu as a speaker only,
    whom a later "he said" may mean.
    """
    verb_matches = () if _VERB_WORDS.isdisjoint(words) else _VERB_RE.finditer(text)
    searches: Sequence[tuple[str, str, re.Pattern[str]]] | None = None
    for verb_match in verb_matches:
        verb = verb_match.group("verb")
        start, end = verb_match.span()
        if verb in _NEEDS_THAT and _THAT_RE.match(text, end) is None:
            continue
        if searches is None:
            searches = _subject_searches(words)
        subject = _subject(text, start, searches)
        if subject is not None:
            saying = _AS_SAYING_RE.match(text, end) if verb in _QUOTING_VERBS else None
            if saying is None:
                yield subject.start, end, subject.ref, False
            else:
                yield subject.start, saying.end(), subject.ref, False
                yield from _speaker(saying)
        elif verb in _INVERSION_VERBS and _INVERSION_CONTEXT_RE.search(text, 0, start):
            space = _SPACE_RE.match(text, end)
            if space is not None:
                found = _object(text, space.end(), _INVERSION_KINDS, inverted=True)
                if found is not None:
                    yield start, found.end, found.ref, False
        preamble = None
        if verb in _CHANNEL_VERBS:
            preamble = _CHANNEL_RE.match(text, end)
        elif verb in _TOLD_VERBS:
            preamble = _SPACE_RE.match(text, end)
        if preamble is not None:
            found = _object(text, preamble.end(), _MEDIUM_KINDS)
            if found is not None:
                yield start, found.end, found.ref, False
    if _ANY_PHRASE_WORDS.isdisjoint(words):
        return
    for pattern, kinds in (
        (_ACCORDING_RE, _OBJECT_KINDS),
        (_CITING_RE, _INVERSION_KINDS),
        (_PASSIVE_RE, _INVERSION_KINDS),
        (_CHANNEL_PHRASE_RE, _MEDIUM_KINDS),
    ):
        if _PHRASE_WORDS[pattern].isdisjoint(words):
            continue
        for phrase in pattern.finditer(text):
            found = _object(text, phrase.end(), kinds)
            if found is not None:
                yield phrase.start(), found.end, found.ref, False


def _speaker(saying: re.Match[str]) -> Iterator[tuple[int, int, _Ref, bool]]:
    person = _person_in_run(saying.group("run"))
    if person is None:
        return
    offset, words, titled = person
    if len(words) >= 2:
        ref = _Ref("named", canonical_source(" ".join(words)), "person")
    else:
        ref = _Ref("surname", canonical_source(words[0]), "person", titled)
    start = saying.start("run") + offset
    yield start, saying.end("run"), ref, True


def _headline_credit(
    sentence: Sentence, raw: str, words: frozenset[str]
) -> tuple[int, int, _Ref] | None:
    """ "North Korea ready to sign arms deal with Russia — FT": a medium credited in a title."""
    if _MEDIA_WORDS.isdisjoint(words):  # _HEADLINE_CREDIT_RE needs a media alias
        return None
    line_end = raw.find("\n", sentence.span.end)
    rest = raw[sentence.span.end : len(raw) if line_end < 0 else line_end]
    if rest.strip():
        return None
    match = _HEADLINE_CREDIT_RE.search(sentence.text)
    if match is None:
        return None
    entry = _lookup(match.group("media"))
    if entry is None:
        return None
    return match.start("cue"), match.end("cue"), _Ref("named", entry[0], entry[1])


def _declared(
    sentence: Sentence, raw: str, words: frozenset[str]
) -> Iterator[tuple[int, int, str, SourceType]]:
    """ "Source: Racurs" on a line of its own: (cue start, cue end, source, type) per source."""
    if _DECLARED_WORDS.isdisjoint(words):
        return
    for match in _DECLARED_RE.finditer(sentence.text):
        start = sentence.span.start + match.start("cue")
        line_start = raw.rfind("\n", 0, start) + 1
        if raw[line_start:start].strip():
            continue
        names = match.group("name").strip()
        if not names or len(names) > 80 or len(names.split()) > 10:
            continue
        if names[0].islower() and _URL_RE.fullmatch(names) is None:
            continue
        end = sentence.span.start + match.end("cue")
        for part in re.split(r"\s*[,;]\s*|\s+and\s+", names):
            name = canonical_source(part)
            if not name:
                continue
            entry = _lookup(name)
            if entry is not None:
                yield start, end, entry[0], entry[1]
            else:
                yield start, end, name, _medium_type(name, "")


def _media_mentions(content: Sequence[Sentence], words: dict[str, frozenset[str]]) -> list[_Medium]:
    """Every medium named in the content, in text order, for back-references.

    ``words`` maps a sentence's text to its words (``_sentence_words``), for the prefilter.
    """
    media: list[_Medium] = []
    for sentence in content:
        if _MENTION_WORDS.isdisjoint(words[sentence.text]):
            continue
        base = sentence.span.start
        for match in _MEDIA_MENTION_RE.finditer(sentence.text):
            for kind in ("media", "suffixed", "prefixed"):
                single = _OBJECT_RE[kind].match(sentence.text, match.start())
                found = _decode(kind, single) if single is not None else None
                if found is not None:
                    ref = found.ref
                    media.append(_Medium(base + found.start, ref.name, ref.source_type))
                    break
    return media


def _person_mentions(content: Sequence[Sentence]) -> list[_Person]:
    """Every person named in the content, in text order, for surnames.

    Only runs of two or more words can give a person: of a run of one word, _person_in_run keeps
    at most one name word and, when a title vouches for it, none. The words of a run are joined by
    " " or U+00A0, and each starts with a capital (_NAME_WORD, _INITIAL), so a sentence without
    such a space before a capital has no run worth reading.
    """
    persons: list[_Person] = []
    for sentence in content:
        if _SPACE_CAPITAL_RE.search(sentence.text) is None:
            continue
        base = sentence.span.start
        for match in _RUN_RE.finditer(sentence.text):
            run = match.group()
            if " " not in run and "\u00a0" not in run:
                continue
            person = _person_in_run(run)
            # A lone surname counts only when a title vouches for it: "President Putin".
            if person is not None and (len(person[1]) >= 2 or person[2]):
                name = canonical_source(" ".join(person[1]))
                persons.append(_Person(base + match.start() + person[0], name, tuple(name.split())))
    return persons


def _starting_before(content: Sequence[Sentence], position: int | None) -> list[Sentence]:
    """The sentences that start before ``position`` (none if it is ``None``)."""
    if position is None:
        return []
    return [s for s in content if s.span.start < position]


class _Resolver:
    """Document state that turns back-references, surnames and pronouns into names."""

    def __init__(self, media: Sequence[_Medium], persons: Sequence[_Person]) -> None:
        self.media_ = tuple(sorted(media, key=lambda m: m.position))
        self.persons_ = tuple(sorted(persons, key=lambda p: p.position))
        self.speaker_: tuple[str, int] | None = None

    def resolve(self, candidate: _Candidate) -> tuple[str, SourceType] | None:
        ref = candidate.ref
        if ref.how == "named":
            return ref.name, ref.source_type
        if ref.how == "backref":
            allowed = _BACKREF_TYPES.get(ref.name, _ANY_MEDIUM)
            for medium in reversed(self.media_):
                if medium.position < candidate.start and medium.source_type in allowed:
                    return medium.name, medium.source_type
            return None
        if ref.how == "surname":
            earlier = [p for p in self.persons_ if p.position < candidate.start]
            # A full name before a lone titled surname, and the surname before a family name
            # written first ("Mr Kim" for Kim Jong Un).
            for full, word in ((True, -1), (True, 0), (False, -1)):
                for person in reversed(earlier):
                    if (len(person.tokens) > 1) == full and person.tokens[word] == ref.name:
                        return person.name, "person"
            return (ref.name, "person") if ref.titled else None
        if self.speaker_ is not None and candidate.ordinal - self.speaker_[1] <= _PRONOUN_WINDOW:
            return self.speaker_[0], "person"
        return None

    def spoke(self, name: str, ordinal: int) -> None:
        self.speaker_ = (name, ordinal)


def _quotation(sentence: Sentence, start: int, end: int, raw: str) -> tuple[int, int] | None:
    """The raw span of a direct quotation that the cue at [start, end) attributes, if any.

    A quotation closes right before the cue (``"...," Kirby said``, possibly with a title in
    between: ``"...," the spokesperson, John Kirby, said``) or opens right after it
    (``Kirby said: "..."``). Searching the raw text lets a quotation span several segments.
    """
    base = sentence.span.start
    before = _QUOTE_BEFORE_RE.search(sentence.text, 0, start - base)
    if before is not None:
        close = before.start("close")
        mid = before.group("mid")
        ends_clause = close > 0 and sentence.text[close - 1] in ",.!?…"
        short = len(mid.split()) <= 8 and not re.search(r"\b(?:and|but|while)\b", mid)
        if (ends_clause or mid.lstrip().startswith(",")) and short:
            close_raw = base + close
            opener = "“" if sentence.text[close] == "”" else '"'
            line_start = raw.rfind("\n", 0, close_raw) + 1
            opening = raw.rfind(opener, line_start, close_raw)
            return (opening if opening >= 0 else close_raw), close_raw + 1
    after = _QUOTE_AFTER_RE.match(sentence.text, end - base)
    if after is not None:
        open_raw = base + after.start("open")
        closer = "”" if after.group("open") == "“" else '"'
        line_end = raw.find("\n", open_raw)
        closing = raw.find(closer, open_raw + 1, len(raw) if line_end < 0 else line_end)
        return open_raw, (closing + 1 if closing >= 0 else open_raw + 1)
    return None


def _is_cue_only(sentence: Sentence, cues: Iterable[tuple[int, int]]) -> bool:
    """True when a sentence says nothing but who said it: "The Financial Times writes about this."

    Such a sentence credits the sentence before it as well as itself.
    """
    text = list(sentence.text)
    for start, end in cues:
        for position in range(start - sentence.span.start, end - sentence.span.start):
            text[position] = " "
    words = [w.lower() for w in _WORD_RE.findall("".join(text))]
    return len(words) <= 4 and all(w in _CUE_FILLER for w in words)


def find_attributions(doc: Segmented) -> tuple[Attribution, ...]:
    """Find the phrases that credit parts of an article to named sources, and resolve them.

    Recognises ``Source: X`` lines, reporting verbs around a medium, institution or person
    ("FT writes", "the Kremlin said", ``"...," Kirby said``), "according to X", "citing X",
    "told X", "in an interview with X", "said on X", back-references to the medium named last
    ("the publication writes") and title credits ("... — FT"). Boilerplate segments are skipped
    except for ``Source:`` lines. Results are sorted by position, ties by source name.

    Example:
        >>> from tracer.model import Article, Sentence
        >>> text = "Experts predict the talks will succeed, FT writes."
        >>> sentence = Sentence("a", 0, Span(0, len(text)), text, text.lower())
        >>> found = find_attributions(Segmented(Article("a", text), (sentence,)))
        >>> [(a.source, a.source_type, a.cue, a.sentences) for a in found]
        [('Financial Times', 'outlet', 'FT writes', (0,))]
    """
    raw = doc.article.text
    content = doc.content
    # "Read also: ... — Reuters" links to another story; it credits nothing in this one.
    readable = [s for s in content if not _is_link_line(s)]
    ordinals = {s.index: position for position, s in enumerate(readable)}
    all_content = tuple(s.index for s in content)

    # Each sentence's words, computed once for the prefilters of every stage below (keyed by
    # text, which is all they depend on).
    words = {s.text: _sentence_words(s.text) for s in doc.sentences}

    declared: list[Attribution] = []
    declared_media: list[_Medium] = []
    for sentence in doc.sentences:
        for start, end, name, source_type in _declared(sentence, raw, words[sentence.text]):
            whole = tuple(sorted({*all_content, sentence.index}))
            span = Span(start, end)
            cue = span.slice(raw)
            how: AttributionKind = "publisher" if _PUBLISHER_RE.match(cue) else "declared"
            declared.append(Attribution(name, source_type, how, cue, span, whole))
            if source_type != "person" and source_type != "institution":
                declared_media.append(_Medium(start, name, source_type))

    declared_spans = [a.span for a in declared]
    candidates: list[_Candidate] = []
    for sentence in readable:
        base = sentence.span.start
        ordinal = ordinals[sentence.index]
        sentence_words = words[sentence.text]
        for start, end, ref, speaker in _cues(sentence.text, sentence_words):
            quote = None if speaker else _quotation(sentence, base + start, base + end, raw)
            kind: AttributionKind = "quoted" if quote is not None else "reported"
            candidates.append(
                _Candidate(base + start, base + end, ref, kind, sentence, ordinal, quote, speaker)
            )
        credit = _headline_credit(sentence, raw, sentence_words)
        if credit is not None:
            start, end, ref = credit
            candidates.append(
                _Candidate(base + start, base + end, ref, "reported", sentence, ordinal, None)
            )

    # "Originally published by X" and "Source - X" are declared, not also reported.
    candidates = [
        c for c in candidates if not any(Span(c.start, c.end).overlaps(d) for d in declared_spans)
    ]
    # The resolver reads the media named before a back-reference and the people named before a
    # surname, nothing else. A name lies at or after the start of its sentence, so only sentences
    # that start before the last such cue can hold one it reads; the others are not scanned.
    last_backref = max((c.start for c in candidates if c.ref.how == "backref"), default=None)
    last_surname = max((c.start for c in candidates if c.ref.how == "surname"), default=None)
    media = _media_mentions(_starting_before(readable, last_backref), words)
    persons = _person_mentions(_starting_before(readable, last_surname))
    resolver = _Resolver([*media, *declared_media], persons)
    resolved: list[tuple[_Candidate, str, SourceType]] = []
    seen: set[tuple[int, int, str]] = set()
    for candidate in sorted(candidates, key=lambda c: (c.start, c.end, c.speaker_only)):
        result = resolver.resolve(candidate)
        if result is None:
            continue
        name, source_type = result
        if source_type == "person":
            resolver.spoke(name, candidate.ordinal)
        if candidate.speaker_only or (candidate.start, candidate.end, name) in seen:
            continue
        seen.add((candidate.start, candidate.end, name))
        resolved.append((candidate, name, source_type))

    cue_spans: dict[int, list[tuple[int, int]]] = {}
    for candidate, _, _ in resolved:
        cue_spans.setdefault(candidate.sentence.index, []).append((candidate.start, candidate.end))
    found = list(declared)
    for candidate, name, source_type in resolved:
        sentence = candidate.sentence
        covered = {sentence.index}
        if candidate.quote is not None:
            quoted = Span(*candidate.quote)
            covered.update(s.index for s in content if s.span.overlaps(quoted))
        if candidate.ordinal > 0 and _is_cue_only(sentence, cue_spans[sentence.index]):
            covered.add(readable[candidate.ordinal - 1].index)
        span = Span(candidate.start, candidate.end)
        found.append(
            Attribution(
                name, source_type, candidate.kind, span.slice(raw), span, tuple(sorted(covered))
            )
        )
    return tuple(sorted(found, key=lambda a: (a.span.start, a.span.end, a.source, a.kind)))
