"""Attribution: which phrases credit an article's content to which named sources."""

from __future__ import annotations

import itertools
import re
from pathlib import Path

import pytest

from tracer.attribution import Attribution, canonical_source, find_attributions
from tracer.model import Article, Segmented, Sentence, Span

SEEDS = Path(__file__).resolve().parent.parent / "seeds"

# Words whose full stop does not end a sentence, so "John F. Kirby" and "Sept. 8" stay whole.
_ABBREVIATIONS = {"Mr.", "Mrs.", "Ms.", "Dr.", "Sept.", "Aug.", "Oct.", "Nov.", "Dec.", "U.S."}


def segmented(text: str, article_id: str = "t") -> Segmented:
    """Cut ``text`` into lines, then at ". "; lines with leaked CSS are boilerplate.

    A stand-in for the real segmenter, so these tests do not depend on it.
    """
    sentences: list[Sentence] = []
    for line in re.finditer(r"[^\n]+", text):
        cuts = [0]
        for stop in re.finditer(r"\. ", line.group()):
            word = line.group()[cuts[-1] : stop.start() + 1].split()[-1]
            if not re.fullmatch(r"[A-Z]\.", word) and word not in _ABBREVIATIONS:
                cuts.append(stop.end())
        cuts.append(len(line.group()))
        for start, end in itertools.pairwise(cuts):
            piece = line.group()[start:end]
            if not piece.strip():
                continue
            first = line.start() + start + len(piece) - len(piece.lstrip())
            last = line.start() + start + len(piece.rstrip())
            raw = text[first:last]
            reason = "leaked CSS" if "{" in raw else None
            span = Span(first, last)
            sentences.append(Sentence(article_id, len(sentences), span, raw, raw.lower(), reason))
    return Segmented(Article(article_id, text), tuple(sentences))


def attributions(text: str) -> tuple[Attribution, ...]:
    found = find_attributions(segmented(text))
    for attribution in found:
        assert attribution.span.slice(text) == attribution.cue
    return found


def summary(text: str) -> list[tuple[str, str, str, str]]:
    return [(a.source, a.source_type, a.kind, a.cue) for a in attributions(text)]


def only(text: str) -> Attribution:
    found = attributions(text)
    assert len(found) == 1, found
    return found[0]


# --- Media named with a reporting verb -----------------------------------------------------------


def test_cue_only_sentence_credits_the_sentence_before_it() -> None:
    text = "North Korea is ready to sign an arms deal. The Financial Times writes about this."
    found = only(text)
    assert (found.source, found.source_type, found.kind) == (
        "Financial Times",
        "outlet",
        "reported",
    )
    assert found.cue == "The Financial Times writes"
    assert found.sentences == (0, 1)


@pytest.mark.parametrize(
    ("text", "source", "cue"),
    [
        ("Experts predict the talks will succeed, FT writes.", "Financial Times", "FT writes"),
        (
            "Kim is ready to deal, the Financial Times reported on Sept. 8, citing experts.",
            "Financial Times",
            "the Financial Times reported",
        ),
        (
            "Kim is ready to deal, UK newspaper the Financial Times reported on Sept. 8.",
            "Financial Times",
            "UK newspaper the Financial Times reported",
        ),
        (
            "The administration has expressed concern about the talks, CNN reports.",
            "CNN",
            "CNN reports",
        ),
        (
            "The New York Times reported on Monday that he is set to visit Russia.",
            "The New York Times",
            "The New York Times reported",
        ),
        (
            "Racurs news agency reported that the deal is close.",
            "Racurs",
            "Racurs news agency reported",
        ),
    ],
)
def test_medium_with_a_reporting_verb(text: str, source: str, cue: str) -> None:
    found = only(text)
    assert (found.source, found.kind, found.cue, found.sentences) == (source, "reported", cue, (0,))


def test_medium_after_a_quotation_is_quoted() -> None:
    text = "“North Korea, China and Russia are the new axis of evil,” reads the FT article."
    found = only(text)
    assert (found.source, found.kind, found.cue) == (
        "Financial Times",
        "quoted",
        "reads the FT article",
    )


def test_headline_credit_after_a_dash() -> None:
    text = (
        "North Korea ready to sign arms deal with Russia — FT\n"
        "Kim Jong Un is ready to conclude an arms deal.\n"
        "Read also: Russia–North Korea talks prove Western sanctions work – Reuters\n"
    )
    found = only(text)
    assert (found.source, found.cue, found.sentences) == ("Financial Times", "— FT", (0,))


def test_according_to_a_medium() -> None:
    text = "According to the FT, Moscow could pay for North Korean weapons with grain."
    assert summary(text) == [("Financial Times", "outlet", "reported", "According to the FT")]


def test_generic_medium_named_by_its_descriptor() -> None:
    text = "According to newspaper Racurs, Moscow could pay with grain."
    assert summary(text) == [("Racurs", "outlet", "reported", "According to newspaper Racurs")]


# --- Back-references -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sentence", "cue"),
    [
        ("Pyongyang can offer missiles, the publication writes.", "the publication writes"),
        (
            "Cooperation could expand, the newspaper reports expert opinion.",
            "the newspaper reports",
        ),
        ("The outlet noted that Kim needs money.", "The outlet noted"),
        ("“It is not yet clear what a deal would entail,” the article says.", "the article says"),
        (
            "“Cooperation may extend,” experts with whom the publication spoke said.",
            "experts with whom the publication spoke said",
        ),
        (
            "According to the publication, Moscow could pay with grain.",
            "According to the publication",
        ),
    ],
)
def test_back_reference_resolves_to_the_last_named_medium(sentence: str, cue: str) -> None:
    text = f"Reuters reported the talks. The Financial Times writes about this. {sentence}"
    found = attributions(text)[-1]
    assert (found.source, found.source_type, found.cue) == ("Financial Times", "outlet", cue)
    assert found.sentences == (2,)


def test_back_reference_without_a_medium_named_earlier_is_not_an_attribution() -> None:
    assert attributions("Pyongyang can offer missiles, the publication writes.") == ()


def test_the_agency_means_a_news_agency_not_a_newspaper() -> None:
    text = "The FT noted the talks. The agency said more."
    assert [a.cue for a in attributions(text)] == ["The FT noted"]
    text = "Interfax reported the talks. The FT noted them. The agency said more."
    assert attributions(text)[-1].source == "Interfax"


# --- Declared sources ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "source", "source_type", "kind"),
    [
        ("Source: Racurs", "Racurs", "outlet", "declared"),
        ("Source - Reuters", "Reuters", "agency", "declared"),
        ("Via: Espreso TV", "Espreso TV", "broadcaster", "declared"),
        ("Originally published by Kyiv Post", "Kyiv Post", "outlet", "publisher"),
        (
            "Read the original article on The New Voice of Ukraine",
            "The New Voice of Ukraine",
            "outlet",
            "publisher",
        ),
    ],
)
def test_declared_source_covers_the_whole_article(
    line: str, source: str, source_type: str, kind: str
) -> None:
    text = (
        "North Korea is ready to sign an arms deal.\n"
        ".in_text_content_22 { width: 300px; }\n"
        "Kim will travel by train. Putin will meet him.\n"
        f"{line}\n"
    )
    found = only(text)
    assert (found.source, found.source_type, found.kind, found.cue) == (
        source,
        source_type,
        kind,
        line,
    )
    assert found.sentences == (0, 2, 3, 4)  # the CSS line (1) is boilerplate


def test_declared_line_marked_boilerplate_still_counts() -> None:
    text = "Kim will travel by train.\nSource: Racurs\n"
    doc = segmented(text)
    source_line = doc.sentences[1]
    boilerplate = Sentence("t", 1, source_line.span, source_line.text, "", "credit line")
    found = find_attributions(Segmented(doc.article, (doc.sentences[0], boilerplate)))
    assert [(a.source, a.kind, a.sentences) for a in found] == [("Racurs", "declared", (0, 1))]


def test_several_declared_sources_on_one_line() -> None:
    found = attributions("Kim will travel by train.\nSources: Reuters, AFP\n")
    assert sorted(a.source for a in found) == ["AFP", "Reuters"]


@pytest.mark.parametrize(
    "text",
    [
        "Kim will travel by train.\nSource link\nRelated Articles\n",
        "Kim will travel by train. Source: Racurs said nothing.\n",
    ],
)
def test_not_a_declared_source(text: str) -> None:
    assert [a for a in attributions(text) if a.kind == "declared"] == []


# --- Broadcasters and agencies as channels -------------------------------------------------------


def test_agency_quoting_a_person_and_a_pronoun_after_it() -> None:
    text = (
        "Russian defence minister Sergei Shoigu visited North Korea in July.\n"
        "“Why not, these are our neighbours,” Interfax news agency quoted Shoigu as saying.\n"
        "When asked about joint exercises, he said they were being discussed.\n"
    )
    assert summary(text) == [
        (
            "Interfax",
            "agency",
            "quoted",
            "Interfax news agency quoted Shoigu as saying",
        ),
        ("Sergei Shoigu", "person", "reported", "he said"),
    ]


@pytest.mark.parametrize(
    ("text", "source", "cue"),
    [
        ("She said this on Espreso TV.", "Espreso TV", "said this on Espreso TV"),
        (
            "Later, he said on Espreso TV that supplies continue.",
            "Espreso TV",
            "said on Espreso TV",
        ),
        ("A US official told CNN that talks are advancing.", "CNN", "told CNN"),
        (
            "In an interview with the BBC, the minister denied it.",
            "BBC",
            "In an interview with the BBC",
        ),
        ("This was reported by Reuters.", "Reuters", "reported by Reuters"),
    ],
)
def test_medium_as_a_channel(text: str, source: str, cue: str) -> None:
    found = [a for a in attributions(text) if a.source_type != "person"]
    assert [(a.source, a.cue) for a in found] == [(source, cue)]


def test_said_on_a_broadcaster_credits_the_sentence_before_it() -> None:
    text = (
        "Alina Hrytsenko, chief consultant at the National Institute for Strategic Studies, "
        "says that North Korea has been supplying Russia with weapons.\n"
        "She said this on Espreso TV.\n"
    )
    says = "Alina Hrytsenko, chief consultant at the National Institute for Strategic Studies, says"
    assert [(a.source, a.cue, a.sentences) for a in attributions(text)] == [
        ("Alina Hrytsenko", says, (0,)),
        ("Alina Hrytsenko", "She said", (0, 1)),
        ("Espreso TV", "said this on Espreso TV", (0, 1)),
    ]


# --- People --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "cue"),
    [
        ("John Kirby said talks were moving forward.", "John Kirby said"),
        ("Talks are moving forward, said John Kirby, a spokesman.", "said John Kirby"),
        ("White House Speaker John F. Kirby said talks were advancing.", "John F. Kirby said"),
        ("White House spokesman John Kirby said that talks were progressing.", "John Kirby said"),
        (
            "“Arms negotiations are advancing,” the White House national security spokesperson, "
            "John Kirby, said.",
            "John Kirby, said",
        ),
        (
            "The leaders exchanged letters, according to John Kirby, coordinator of the NSC.",
            "according to John Kirby",
        ),
    ],
)
def test_person_named_in_full(text: str, cue: str) -> None:
    found = only(text)
    assert (found.source, found.source_type, found.cue) == ("John Kirby", "person", cue)


@pytest.mark.parametrize(
    "sentence",
    [
        "Kirby said the talks were progressing.",
        "According to Kirby, this shows desperation.",
        "“This shows weakness,” Kirby said.",
    ],
)
def test_surname_resolves_to_the_full_name_seen_earlier(sentence: str) -> None:
    text = f"John Kirby briefed reporters on Monday. {sentence}"
    found = only(text)
    assert (found.source, found.source_type, found.sentences) == ("John Kirby", "person", (1,))


def test_surname_never_named_in_full_is_not_an_attribution() -> None:
    assert attributions("Kirby said the talks were progressing.") == ()


def test_surname_after_a_quote_and_inverted() -> None:
    text = (
        "Alina Hrytsenko works at the institute.\n"
        '"Most likely, these supplies will not change the situation," emphasized Hrytsenko.\n'
        '"There is a famine," Hrytsenko said.\n'
    )
    assert summary(text) == [
        ("Alina Hrytsenko", "person", "quoted", "emphasized Hrytsenko"),
        ("Alina Hrytsenko", "person", "quoted", "Hrytsenko said"),
    ]


def test_honorific_and_family_name_first() -> None:
    text = (
        "North Korean leader Kim Jong-un will travel.\nIn a letter, Mr Kim said it was friendship."
    )
    assert summary(text) == [("Kim Jong Un", "person", "reported", "Mr Kim said")]


def test_medium_alias_ending_a_personal_name_is_the_person() -> None:
    text = "Michael Bloomberg said the deal was bad. Bloomberg News reported the deal."
    assert [(a.source, a.source_type) for a in attributions(text)] == [
        ("Michael Bloomberg", "person"),
        ("Bloomberg", "agency"),
    ]


def test_quotation_split_over_several_segments_is_covered() -> None:
    text = (
        "Alina Hrytsenko spoke on Monday.\n"
        "“There is a famine. It is hard to investigate. Supplies will continue,” Hrytsenko said.\n"
    )
    found = only(text)
    assert (found.kind, found.sentences) == ("quoted", (1, 2, 3))


def test_reported_speech_is_not_quoted() -> None:
    text = "John Kirby said that talks were “actively progressing.”"
    assert only(text).kind == "reported"


@pytest.mark.parametrize(
    ("text", "source"),
    [
        (
            "Alina Hrytsenko says supplies go on. “It is hard,” she said. According to her, it is.",
            "Alina Hrytsenko",
        ),
        (
            "Oleksandr Musienko, head of the center, said that Russia has problems. "
            "According to him, Ukraine must be prepared.",
            "Oleksandr Musienko",
        ),
    ],
)
def test_pronoun_resolves_to_the_last_speaker(text: str, source: str) -> None:
    found = attributions(text)
    assert found[-1].cue in {"According to her", "According to him"}
    assert found[-1].source == source


def test_pronoun_without_a_recent_speaker_is_not_an_attribution() -> None:
    assert attributions("Kim Jong Un met Vladimir Putin. According to her, it went well.") == ()
    text = (
        "John Kirby said talks were advancing. Kim left. Putin stayed. Shoigu waved. "
        "The train left. According to him, it went well."
    )
    assert [a.cue for a in attributions(text)] == ["John Kirby said"]


# --- Institutions --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "source", "cue"),
    [
        (
            "On August 30, the White House, citing declassified intelligence, warned that "
            "Putin and Kim had exchanged letters.",
            "White House",
            "the White House, citing declassified intelligence, warned",
        ),
        (
            "On October 13, the White House reported that North Korea had supplied containers.",
            "White House",
            "the White House reported",
        ),
        ("The talks were useful, the Kremlin said.", "Kremlin", "the Kremlin said"),
        ("The Pentagon said the shells were old.", "Pentagon", "The Pentagon said"),
    ],
)
def test_institution(text: str, source: str, cue: str) -> None:
    found = only(text)
    assert (found.source, found.source_type, found.cue) == (source, "institution", cue)


# --- Not attributions ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "The Financial Times does not write that this could become the main resource.",
        "CNN did not report the second delegation.",
        "John Kirby never said that the talks had failed.",
        "Kim Jong Un is ready to conclude an arms deal with Russian President Vladimir Putin.",
        "In the near future, Kim Jong Un is planning to travel to Vladivostok to meet with Putin.",
        "The material in the publication was published after Sergei Shoigu’s visit.",
        "Last week, the United States said it was concerned. Ukraine has said it is ready.",
        "Russia is preparing for war, the US official said.",
    ],
)
def test_not_an_attribution(text: str) -> None:
    assert attributions(text) == ()


# --- Canonical names -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "canonical"),
    [
        ("FT", "Financial Times"),
        ("the FT", "Financial Times"),
        ("Financial Times", "Financial Times"),
        ("The Financial Times", "Financial Times"),
        ("NYT", "The New York Times"),
        ("New York Times", "The New York Times"),
        ("the New York Times", "The New York Times"),
        ("Interfax news agency", "Interfax"),
        ("AP", "Associated Press"),
        ("WSJ", "The Wall Street Journal"),
        ("Espreso", "Espreso TV"),
        ("the White House", "White House"),
        ("https://www.ft.com/content/abc", "Financial Times"),
        ("www.example.org", "example.org"),
        ("John F. Kirby", "John Kirby"),
        ("Mr. Kirby", "Kirby"),
        ("Kim Jong-un", "Kim Jong Un"),
        ("Linda Thomas-Greenfield", "Linda Thomas-Greenfield"),
        ("  Racurs. ", "Racurs"),
        ("", ""),
    ],
)
def test_canonical_source(name: str, canonical: str) -> None:
    assert canonical_source(name) == canonical


# --- Offsets and order ---------------------------------------------------------------------------


def test_offsets_point_into_the_raw_text_and_order_is_stable() -> None:
    text = "  Kim is ready.\n\nTalks advance, CNN reports.   According to the FT, grain.\n"
    doc = segmented(text)
    found = find_attributions(doc)
    assert [(a.span.slice(text), a.span.start) for a in found] == [
        ("CNN reports", text.index("CNN")),
        ("According to the FT", text.index("According")),
    ]
    assert find_attributions(doc) == found


# --- The seed articles ---------------------------------------------------------------------------


def seed(prefix: str) -> tuple[str, tuple[Attribution, ...]]:
    (path,) = SEEDS.glob(f"{prefix}_*.txt")
    text = path.read_text(encoding="utf-8")
    return text, attributions(text)


def test_seed_articles() -> None:
    text, found = seed("000")
    cues = {a.cue: a.source for a in found}
    for cue in (
        "The Financial Times writes",
        "the publication writes",
        "According to the FT",
        "the newspaper reports",
    ):
        assert cues[cue] == "Financial Times"
    assert ("Racurs", "declared") in {(a.source, a.kind) for a in found}
    denial = text.index("The Financial Times does not write")
    denial_end = text.index("\n", denial)
    assert not [a for a in found if a.span.overlaps(Span(denial, denial_end))]

    _, found = seed("001")
    assert "Financial Times" in {a.source for a in found}

    _, found = seed("002")
    assert {"The New York Times", "Interfax", "John Kirby"} <= {a.source for a in found}

    _, found = seed("003")
    assert {"CNN", "John Kirby"} <= {a.source for a in found}

    _, found = seed("004")
    assert {"Espreso TV", "John Kirby", "White House"} <= {a.source for a in found}


# --- Prefilters and narrowed searches (speed only: these pin down that results do not change) --


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # A quoted name may hold commas, so "prefixed" is searched over the whole window.
        (
            "Kim, who met Putin, said, in turn, that the deal was close, "
            "the newspaper “Vedomosti, Moscow” reported.",
            [("Vedomosti, Moscow", "reported", "the newspaper “Vedomosti, Moscow” reported")],
        ),
        # An appositive subject after several commas; the surname resolves to a person named
        # sentences earlier.
        (
            "John F. Kirby spoke in Washington on Monday. Prices rose. Oil fell. Stocks rose. "
            "Later, Kirby, the spokesman, said it was fine.",
            [("John Kirby", "reported", "Kirby, the spokesman, said")],
        ),
        # A back-reference resolves to the medium named two sentences earlier.
        (
            "The Financial Times wrote about it on Monday. Prices rose, and oil fell. "
            "Then, on Tuesday, the publication writes, the deal was done.",
            [
                ("Financial Times", "reported", "The Financial Times wrote"),
                ("Financial Times", "reported", "the publication writes"),
            ],
        ),
        # A lone capitalised word before "said" with no earlier full name resolves to nothing.
        ("Prices rose, stocks fell, and Chrysler said, in a statement, it would cut jobs.", []),
    ],
)
def test_results_across_commas_and_sentences(
    text: str, expected: list[tuple[str, str, str]]
) -> None:
    assert [(a.source, a.kind, a.cue) for a in attributions(text)] == expected
