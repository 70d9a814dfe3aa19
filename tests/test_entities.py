"""Entity mentions: whole-word alias matches, first letter in any case, longest alias first, no overlaps."""

from __future__ import annotations

import time
from collections import Counter
from itertools import pairwise
from pathlib import Path

import pytest
import yaml

from etl.extract.base import Entity, Mention
from etl.extract.entities import find_mentions

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def entities() -> list[Entity]:
    data = yaml.safe_load((ROOT / "facts.yml").read_text(encoding="utf-8"))
    return [Entity(e["id"], e["name"], e["type"], aliases=tuple(e["aliases"])) for e in data["entities"]]


def found(text: str, entities: list[Entity]) -> list[tuple[str, str, str]]:
    """(surface, entity_id, alias) of every mention, after checking the invariants every result must keep."""
    mentions = find_mentions(text, entities)
    assert [m.start for m in mentions] == sorted(m.start for m in mentions)
    for a, b in pairwise(mentions):
        assert a.end <= b.start  # no overlaps
    for m in mentions:
        assert m.surface == text[m.start : m.end]
    return [(m.surface, m.entity_id, m.alias) for m in mentions]


NEWS = [
    (
        "Russian forces shelled Kramatorsk and Sloviansk overnight, the General Staff said.",
        [
            ("Russian forces", "russian-armed-forces", "Russian forces"),
            ("Kramatorsk", "kramatorsk", "Kramatorsk"),
            ("Sloviansk", "sloviansk", "Sloviansk"),
            ("General Staff", "general-staff-ukraine", "General Staff"),
        ],
    ),
    # whole words only: no match inside "Ukrainian", "Russians", "Kyivstar"; apostrophes are boundaries
    (
        "Ukrainian troops and Russians clashed; Kyivstar said Russia's and Kyiv’s networks were down.",
        [("Russia", "russia", "Russia"), ("Kyiv", "kyiv", "Kyiv")],
    ),
    # hyphens are boundaries: EU-Ukraine is two mentions unless a longer alias covers it
    (
        "EU-Ukraine trade rose, and Russia-backed forces retreated.",
        [("EU", "european-union", "EU"), ("Ukraine", "ukraine", "Ukraine"), ("Russia", "russia", "Russia")],
    ),
    (
        "Leaders met at the EU-Ukraine summit, which Kyiv called the Ukraine-EU Summit.",
        [
            ("EU-Ukraine summit", "eu-ukraine-summit-2023", "EU-Ukraine summit"),
            ("Kyiv", "kyiv", "Kyiv"),
            ("Ukraine-EU Summit", "eu-ukraine-summit-2023", "Ukraine-EU Summit"),
        ],
    ),
    # the first letter in any case, the rest exactly as listed; alias reported as listed
    (
        "Von der Leyen spoke after von der Leyen's aide; VON DER LEYEN was on the banner.",
        [
            ("Von der Leyen", "ursula-von-der-leyen", "von der Leyen"),
            ("von der Leyen", "ursula-von-der-leyen", "von der Leyen"),
        ],
    ),
    ("The eu and the Eu are not the EU.", [("EU", "european-union", "EU")]),
    # the longest alias wins
    (
        "Fighting raged in Donetsk Oblast, across the Donetsk region and in Donetsk itself.",
        [
            ("Donetsk Oblast", "donetsk-oblast", "Donetsk Oblast"),
            ("Donetsk region", "donetsk-oblast", "Donetsk region"),
            ("Donetsk", "donetsk-oblast", "Donetsk"),
        ],
    ),
    (
        "Kaja Kallas met Zelenskiy; Kallas later called Volodymyr Zelenskiy's plan bold.",
        [
            ("Kaja Kallas", "kaja-kallas", "Kaja Kallas"),
            ("Zelenskiy", "volodymyr-zelensky", "Zelenskiy"),
            ("Kallas", "kaja-kallas", "Kallas"),
            ("Volodymyr Zelenskiy", "volodymyr-zelensky", "Volodymyr Zelenskiy"),
        ],
    ),
    (
        "The General Staff of the Armed Forces of Ukraine said the Armed Forces of Ukraine held.",
        [
            (
                "General Staff of the Armed Forces of Ukraine",
                "general-staff-ukraine",
                "General Staff of the Armed Forces of Ukraine",
            ),
            ("Armed Forces of Ukraine", "armed-forces-of-ukraine", "Armed Forces of Ukraine"),
        ],
    ),
    # aliases with periods, and spellings
    (
        "U.S.-led talks in Avdiyivka (also Avdiivka) and Slovyansk; the US was absent.",
        [
            ("U.S.", "united-states", "U.S."),
            ("Avdiyivka", "avdiivka", "Avdiyivka"),
            ("Avdiivka", "avdiivka", "Avdiivka"),
            ("Slovyansk", "sloviansk", "Slovyansk"),
        ],
    ),
    # a caption, a headline in title case, a name split by blanked-out chrome spaces
    (
        "Zelensky Says Bakhmut Will Hold\nPresident Volodymyr     Zelensky spoke in the Kremlin’s shadow.",
        [
            ("Zelensky", "volodymyr-zelensky", "Zelensky"),
            ("Bakhmut", "bakhmut", "Bakhmut"),
            ("Zelensky", "volodymyr-zelensky", "Zelensky"),
            ("Kremlin", "kremlin", "Kremlin"),
        ],
    ),
    (
        "The Guardian and the Kyiv Independent cited the Central Bank of Russia and the Russian central bank.",
        [
            ("The Guardian", "the-guardian", "The Guardian"),
            ("Kyiv Independent", "kyiv-independent", "Kyiv Independent"),
            ("Central Bank of Russia", "central-bank-of-russia", "Central Bank of Russia"),
            ("Russian central bank", "central-bank-of-russia", "Russian central bank"),
        ],
    ),
    ("Нічого: Київ, Бахмут — no Latin aliases here.", []),
]


@pytest.mark.parametrize(("text", "expected"), NEWS, ids=[f"news{i:02d}" for i in range(len(NEWS))])
def test_news_mentions(text: str, expected: list[tuple[str, str, str]], entities: list[Entity]) -> None:
    assert found(text, entities) == expected


def test_longest_wins_across_start_positions() -> None:
    ents = [
        Entity("a", "Kyiv Independent", "organization", ("Kyiv Independent",)),
        Entity("b", "Independent Ukraine", "organization", ("Independent Ukraine",)),
    ]
    assert found("the Kyiv Independent Ukraine plan", ents) == [("Independent Ukraine", "b", "Independent Ukraine")]


def test_shared_alias_goes_to_the_first_entity_and_exact_case_wins() -> None:
    ents = [
        Entity("one", "One", "organization", ("Union", "union")),
        Entity("two", "Two", "organization", ("Union",)),
    ]
    assert found("The Union and the union.", ents) == [("Union", "one", "Union"), ("union", "one", "union")]


def test_entity_without_aliases_matches_its_name() -> None:
    assert found("Ukrainian Railways ran.", [Entity("uz", "Ukrainian Railways", "organization")]) == [
        ("Ukrainian Railways", "uz", "Ukrainian Railways")
    ]


def test_no_entities_no_mentions() -> None:
    assert find_mentions("Zelensky in Kyiv", []) == []
    assert find_mentions("", [Entity("k", "Kyiv", "place", ("Kyiv",))]) == []


def test_regex_metacharacters_in_aliases_are_literal() -> None:
    ents = [Entity("x", "A+B (C)", "organization", ("A+B (C)", "U.S."))]
    assert found("A+B (C) and USAS and U.S.", ents) == [("A+B (C)", "x", "A+B (C)"), ("U.S.", "x", "U.S.")]


def test_first_letters_whose_case_does_not_round_trip() -> None:
    ents = [Entity("x", "ıstanbul", "place", ("ıstanbul", "İzmir"))]  # dotless ı upper-cases to I, which lowers to i
    assert found("Istanbul, ıstanbul and İzmir", ents) == [
        ("Istanbul", "x", "ıstanbul"),
        ("ıstanbul", "x", "ıstanbul"),
        ("İzmir", "x", "İzmir"),
    ]


def test_one_megabyte_is_fast(entities: list[Entity]) -> None:
    article = "\n\n".join(p.read_text(encoding="utf-8") for p in sorted((ROOT / "seeds").glob("*.txt")))
    text = article * (1_000_000 // len(article))
    began = time.perf_counter()
    mentions = find_mentions(text, entities)
    assert time.perf_counter() - began < 2  # ~0.15 s measured
    assert len(mentions) > 1000


# --- the real seeds ----------------------------------------------------------------------------------------------


def seed(name: str, entities: list[Entity]) -> tuple[str, list[Mention]]:
    text = (ROOT / "seeds" / f"{name}.txt").read_text(encoding="utf-8")
    mentions = find_mentions(text, entities)
    assert all(m.surface == text[m.start : m.end] for m in mentions)
    return text, mentions


def test_rferl_mentions(entities: list[Entity]) -> None:
    _, mentions = seed("rferl-2023-02-03", entities)
    zelensky = [m for m in mentions if m.entity_id == "volodymyr-zelensky"]
    assert Counter(m.alias for m in zelensky) == {"Zelenskiy": 5, "Volodymyr Zelenskiy": 1}
    assert all("Zelenskiy" in m.surface for m in zelensky)
    assert {m.surface for m in mentions if m.entity_id == "general-staff-ukraine"} == {
        "General Staff of the Armed Forces of Ukraine",
        "General Staff",
    }
    assert ("Avdiyivka", "avdiivka") in {(m.surface, m.entity_id) for m in mentions}


def test_kyivindependent_mentions(entities: list[Entity]) -> None:
    text, mentions = seed("kyivindependent-2023-02-03", entities)
    zelensky = [m for m in mentions if m.entity_id == "volodymyr-zelensky"]
    spellings = Counter(m.surface.split()[-1] for m in zelensky)
    assert spellings["Zelenskyi"] == 1
    assert spellings["Zelensky"] >= 10
    (caption,) = [m for m in zelensky if m.alias == "Volodymyr Zelenskyi"]
    line_start = text.rfind("\n", 0, caption.start) + 1
    assert text[line_start:].startswith("Ukrainian President Volodymyr Zelenskyi attends")  # the photo caption
    summits = [m for m in mentions if m.entity_id == "eu-ukraine-summit-2023"]
    assert [m.surface for m in summits] == [
        "EU-Ukraine summit",
        "EU-Ukraine summit",
        "Ukraine-EU Summit",
        "Ukraine-EU Summit",
        "Ukraine-EU Summit",
    ]
    for m in summits:  # never split into EU + Ukraine
        assert not any(o.start < m.end and m.start < o.end for o in mentions if o is not m)
    assert {m.alias for m in mentions if m.entity_id == "ursula-von-der-leyen"} == {
        "Ursula von der Leyen",
        "von der Leyen",
    }


def test_other_romanizations_match_without_listing_them() -> None:
    """Zelenskyy/Zelenskyi, Kiev, Avdiyivka, Slovyansk: a spelling by another romanization of a one-word
    alias is that alias (mentions keep the listed alias, so a suggestion can propose the new spelling)."""
    ents = [
        Entity("zelensky", "Volodymyr Zelensky", "person", ("Zelensky", "Volodymyr Zelensky")),
        Entity("kyiv", "Kyiv", "place", ("Kyiv",)),
        Entity("avdiivka", "Avdiivka", "place", ("Avdiivka",)),
        Entity("sloviansk", "Sloviansk", "place", ("Sloviansk",)),
    ]
    text = "Zelenskyy went from Kiev to Avdiyivka and Slovyansk; Zelenskyi-led talks; the Kievan Rus."
    found = [(m.surface, m.entity_id, m.alias) for m in find_mentions(text, ents)]
    assert found == [
        ("Zelenskyy", "zelensky", "Zelensky"),
        ("Kiev", "kyiv", "Kyiv"),
        ("Avdiyivka", "avdiivka", "Avdiivka"),
        ("Slovyansk", "sloviansk", "Sloviansk"),
        ("Zelenskyi", "zelensky", "Zelensky"),
    ]
