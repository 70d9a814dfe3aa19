"""Quote spans and speaker attribution: English news sentences in general, then the two real seed articles."""

from __future__ import annotations

import random
import time
from pathlib import Path

import pytest
import yaml

from etl.extract.base import Entity, Quote
from etl.extract.quotes import find_quotes

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def entities() -> list[Entity]:
    data = yaml.safe_load((ROOT / "facts.yml").read_text(encoding="utf-8"))
    return [Entity(e["id"], e["name"], e["type"], aliases=tuple(e["aliases"])) for e in data["entities"]]


def pairs(text: str, entities: list[Entity]) -> list[tuple[str, str | None]]:
    """(surface, speaker) of every quote, after checking the invariants every result must keep."""
    quotes = find_quotes(text, entities)
    assert [q.start for q in quotes] == sorted(q.start for q in quotes)
    for q in quotes:
        assert q.surface == text[q.start : q.end]
    return [(q.surface, q.speaker) for q in quotes]


# General English news copy, none of it from the seeds: (text, [(surface, speaker), ...]).
NEWS = [
    # a verb of saying after a modal inside reported speech is an act to come, not the attribution
    (
        'Kremlin spokesman Dmitry Peskov said Moscow would respond to "any escalation" in kind.',
        [('"any escalation"', "Dmitry Peskov")],
    ),
    ('Zelensky would later say: "We held."', [('"We held."', "Volodymyr Zelensky")]),
    # "…," X said / told, with titles stripped and unknown people named as written
    (
        '"We have no plans to negotiate," Kremlin spokesman Dmitry Peskov told reporters on Monday.',
        [('"We have no plans to negotiate,"', "Dmitry Peskov")],
    ),
    (
        '"The enemy continues to storm our positions," Ukraine\'s Defense Ministry said in a statement.',
        [('"The enemy continues to storm our positions,"', "Ukraine's Defense Ministry")],
    ),
    (
        '"The front is stable," Lt. Gen. Serhiy Naiev said.',
        [('"The front is stable,"', "Serhiy Naiev")],
    ),
    (
        '"Ukraine will get what it needs," U.S. Secretary of State Antony Blinken said.',
        [('"Ukraine will get what it needs,"', "Antony Blinken")],
    ),
    # said X (inversion), also with the name set off after a title
    (
        '"The threat is real," warned Latvian Prime Minister Krisjanis Karins.',
        [('"The threat is real,"', "Krisjanis Karins")],
    ),
    (
        '"We will not give up," said Oleksandr Syrskyi, commander of Ukraine\'s ground forces.',
        [('"We will not give up,"', "Oleksandr Syrskyi")],
    ),
    (
        '"This is a war of attrition," said the head of the Wagner Group, Yevgeny Prigozhin.',
        [('"This is a war of attrition,"', "Yevgeny Prigozhin")],
    ),
    (
        "Ukraine won’t give up “a single meter,” says Defense Minister Oleksii Reznikov.",
        [("“a single meter,”", "Oleksii Reznikov")],
    ),
    # X said (that) … "partial quote"
    (
        'Russian Foreign Minister Sergei Lavrov accused the West of "waging a hybrid war."',
        [('"waging a hybrid war."', "Sergei Lavrov")],
    ),
    (
        'NATO Secretary-General Jens Stoltenberg warned that Moscow was "preparing for more war."',
        [('"preparing for more war."', "Jens Stoltenberg")],
    ),
    (
        'Lithuanian President Gitanas Nauseda wrote on Twitter that the decision was "long overdue".',
        [('"long overdue"', "Gitanas Nauseda")],
    ),
    # according to X, before and after the quote, with an apposed name
    (
        'The city was "completely destroyed," according to Donetsk Governor Pavlo Kyrylenko.',
        [('"completely destroyed,"', "Pavlo Kyrylenko")],
    ),
    (
        'According to the governor, Pavlo Kyrylenko, the shelling was "relentless."',
        [('"relentless."', "Pavlo Kyrylenko")],
    ),
    # heading styles
    ("Peskov: “The operation will continue”", [("“The operation will continue”", "Peskov")]),
    (
        "“Nobody is leaving the city” – Ukrainian commander Oleh Shyriaiev",
        [("“Nobody is leaving the city”", "Oleh Shyriaiev")],
    ),
    # pronouns: to the last named speaker or attribution subject, across sentences and paragraphs
    (
        "German Chancellor Olaf Scholz said on Tuesday that Berlin would send tanks. "
        '"We are acting in close coordination with our allies," he said.',
        [('"We are acting in close coordination with our allies,"', "Olaf Scholz")],
    ),
    (
        "Moldovan President Maia Sandu told parliament that Russia had plotted a coup.\n\n"
        '"The plan included sabotage," she said.',
        [('"The plan included sabotage,"', "Maia Sandu")],
    ),
    (
        'Ukrainian officials said Russian forces had suffered "colossal losses." '
        'They added that "the fighting will only intensify."',
        [('"colossal losses."', "Ukrainian officials"), ('"the fighting will only intensify."', "Ukrainian officials")],
    ),
    (
        'The Kremlin said it was "deeply concerned". It also said the talks were "premature."',
        [('"deeply concerned"', "Kremlin"), ('"premature."', "Kremlin")],
    ),
    ('"Why should we stop?" he asked.', [('"Why should we stop?"', None)]),  # no one named before: null
    # continuation within a paragraph, not across paragraphs
    (
        '"We need more air defense," Foreign Minister Dmytro Kuleba told a news conference. "And we need it now."',
        [('"We need more air defense,"', "Dmytro Kuleba"), ('"And we need it now."', "Dmytro Kuleba")],
    ),
    (
        '"We will keep fighting," Polish President Andrzej Duda said.\n\n"The winter will be hard."',
        [('"We will keep fighting,"', "Andrzej Duda"), ('"The winter will be hard."', None)],
    ),
    # a quote left open at the end of its paragraph ends there; the next paragraph's quote continues it
    (
        'Ukraine\'s military intelligence chief Kyrylo Budanov spoke on Friday.\n\n"They are gathering reserves," '
        'he said. "We see it every day.\n\n"Our job is to be ready."',
        [
            ('"They are gathering reserves,"', "Kyrylo Budanov"),
            ('"We see it every day.', "Kyrylo Budanov"),
            ('"Our job is to be ready."', "Kyrylo Budanov"),
        ],
    ),
    # a surname alone resolves to the full name written earlier
    (
        "Hungarian Prime Minister Viktor Orban criticized the sanctions. "
        'The measures were "a mistake," Orban said in a radio interview.',
        [('"a mistake,"', "Viktor Orban")],
    ),
    # appositions before the verb
    (
        'Serhiy Cherevatyi, a spokesman for the Eastern group of forces, said the fighting was "extremely intense."',
        [('"extremely intense."', "Serhiy Cherevatyi")],
    ),
    (
        'Ukraine\'s ambassador to Germany, Oleksii Makeiev, said Berlin should "act faster."',
        [('"act faster."', "Oleksii Makeiev")],
    ),
    # a participle phrase between the name and the verb is an apposition too
    (
        'Peskov, asked about the report, said: "We do not comment." Kallas, pressed by reporters, added: "No."',
        [('"We do not comment."', "Peskov"), ('"No."', "Kaja Kallas")],  # Kallas: an entity's full name
    ),
    # an age after the name is an apposition too; a number after a date is not a name
    (
        '"I don\'t know," Olena Kovalenko, 54, said, standing outside her home.\nIn 2022, 54, said "nothing."',
        [('"I don\'t know,"', "Olena Kovalenko"), ('"nothing."', None)],
    ),
    # "he" after a sentence that opens with a person's name is that person, not the previous paragraph's speaker;
    # a place opening the sentence is no one's name
    (
        '"It is absurd," said Dmitry Peskov.\nVolodymyr Zelensky, speaking in Kyiv, hit back. "We will win," he said.'
        '\nKyiv hit back too. "Never," he said.',
        [
            ('"It is absurd,"', "Dmitry Peskov"),
            ('"We will win,"', "Volodymyr Zelensky"),
            ('"Never,"', "Volodymyr Zelensky"),
        ],
    ),
    # the clause's subject carries to "adding", "but added", a second quote after "X said,"
    (
        'EU foreign policy chief Josep Borrell said the bloc would "never recognise" the annexation, '
        'adding: "Crimea is Ukraine."',
        [('"never recognise"', "Josep Borrell"), ('"Crimea is Ukraine."', "Josep Borrell")],
    ),
    (
        'Czech President Petr Pavel praised the troops but added that the war could last "for years."',
        [('"for years."', "Petr Pavel")],
    ),
    (
        '"We are ready," Finnish Prime Minister Sanna Marin said, "but we need a decision."',
        [('"We are ready,"', "Sanna Marin"), ('"but we need a decision."', "Sanna Marin")],
    ),
    # the nearest attribution in the sentence wins
    (
        'Chancellor Scholz said "yes" but Prime Minister Orban said "no".',
        [('"yes"', "Scholz"), ('"no"', "Orban")],
    ),
    # "quoted as saying", parenthesised acronyms, "it"
    (
        '"There will be no ceasefire," Putin was quoted as saying by RIA Novosti.',
        [('"There will be no ceasefire,"', "Putin")],
    ),
    (
        'Russia\'s Wagner Group "suffered heavy losses," the Institute for the Study of War (ISW) reported.',
        [('"suffered heavy losses,"', "Institute for the Study of War")],
    ),
    # an alias in the name or noun phrase picks the known entity
    (
        'European Commission President Ursula von der Leyen said the package was "the toughest yet."',
        [('"the toughest yet."', "Ursula von der Leyen")],
    ),
    (
        '"The door is open," a senior EU official said on condition of anonymity.',
        [('"The door is open,"', "European Union")],
    ),
    (
        "“Moscow will pay for this,” says a joint EU statement released after the meeting.",
        [("“Moscow will pay for this,”", "European Union")],
    ),
    # unknown common-noun speakers are kept as written, without the article
    (
        '"The Russians are throwing everything at Bakhmut," a Ukrainian soldier told AFP.',
        [('"The Russians are throwing everything at Bakhmut,"', "Ukrainian soldier")],
    ),
    # an attribution right after the quote first, else the nearest one before it
    (
        'Kremlin spokesman Dmitry Peskov told reporters the capture was a "positive dynamic" in what Moscow calls '
        'its "special military operation".',
        [('"positive dynamic"', "Dmitry Peskov"), ('"special military operation"', "Moscow")],
    ),
    (
        "The bloc’s “unwavering support” will continue, EU foreign policy chief Josep Borrell said.",
        [("“unwavering support”", "Josep Borrell")],
    ),
    # a quoted headline credited after a colon; an apposition starting with a preposition
    (
        "‘We will fight’: Estonian Prime Minister Kaja Kallas vows more aid as Baltic leaders meet",
        [("‘We will fight’", "Kaja Kallas")],
    ),
    (
        'Ukrainian President Volodymyr Zelenskiy, in his nightly video address, said: "The fighting continues."\n\n'
        '"We are not giving up anything," he added.',
        [
            ('"The fighting continues."', "Volodymyr Zelensky"),
            ('"We are not giving up anything,"', "Volodymyr Zelensky"),
        ],
    ),
    # "calls" and "reports" are nouns unless a name or pronoun says them (a described-by subject still counts)
    (
        'Kyiv ignored repeated calls for "restraint", while media reports described "chaos" at the border.',
        [('"restraint"', None), ('"chaos"', "media reports")],
    ),
    # a relative clause between the subject and its verb
    (
        '"We are running out of shells," a soldier who asked not to be named told AFP.',
        [('"We are running out of shells,"', "soldier")],
    ),
    # not attributions: passives, "declined to say", no verb of saying
    ('Reporters were told the talks would be "difficult."', [('"difficult."', None)]),
    ('Peskov declined to say whether Putin would attend the "peace summit."', [('"peace summit."', None)]),
    # a title in quotation marks is no one's words
    (
        'The report, titled "Bakhmut: The Meat Grinder," was published on Monday. Its author said "it is grim."',
        [('"it is grim."', "author")],
    ),
    # a definite description names the person last quoted again; an indefinite one is someone new
    (
        'NATO chief Jens Stoltenberg said "we must act." The former Norwegian prime minister said "speed '
        'saves lives." "It is a race," he told reporters. A Western diplomat said "talks stalled."',
        [
            ('"we must act."', "Jens Stoltenberg"),
            ('"speed saves lives."', "Jens Stoltenberg"),
            ('"It is a race,"', "Jens Stoltenberg"),
            ('"talks stalled."', "Western diplomat"),
        ],
    ),
    # "he" after a sentence that opens with a title set off before a name, or with a name and a copula
    (
        'Zelensky said "we will win." His chief of staff, Andriy Yermak, was more cautious. "It will be a long '
        'winter," he wrote.\nOlena Kovalenko was defiant. "We stay," she said.',
        [
            ('"we will win."', "Volodymyr Zelensky"),
            ('"It will be a long winter,"', "Andriy Yermak"),
            ('"We stay,"', "Olena Kovalenko"),
        ],
    ),
    # more verbs of saying; a document's author speaks through it ("according to a statement from X")
    (
        '"We need help now," pleaded Olena Petrenko. "It was chaos," recalled Ivan Sirko, 60. According to a '
        'statement from the ministry, "all targets were hit." According to the latest report by the UN, "the '
        'situation is dire."',
        [
            ('"We need help now,"', "Olena Petrenko"),
            ('"It was chaos,"', "Ivan Sirko"),
            ('"all targets were hit."', "ministry"),
            ('"the situation is dire."', "UN"),
        ],
    ),
]


@pytest.mark.parametrize(("text", "expected"), NEWS, ids=[f"news{i:02d}" for i in range(len(NEWS))])
def test_news_speakers(text: str, expected: list[tuple[str, str | None]], entities: list[Entity]) -> None:
    assert pairs(text, entities) == expected


# --- quote marks ---------------------------------------------------------------------------------------------------


def test_mixed_straight_and_curly_marks_pair() -> None:
    text = 'Michel said "Ukraine is Europe” and “the EU is Ukraine" at the summit.'
    assert [(q.surface, q.text) for q in find_quotes(text)] == [
        ('"Ukraine is Europe”', "Ukraine is Europe"),
        ('“the EU is Ukraine"', "the EU is Ukraine"),
    ]


def test_curly_single_quotes_and_apostrophes() -> None:
    text = "Headline: Kuleba says ‘Ukraine’s victory isn’t far’ and Russia’s ‘referendums’ are a sham"
    assert [q.text for q in find_quotes(text)] == ["Ukraine’s victory isn’t far", "referendums"]


def test_straight_single_quotes_quote_like_curly_ones_but_apostrophes_stay_apostrophes() -> None:
    """British copy without curly marks: 'X,' he said. A one-word, unclosed or in-word mark is an apostrophe."""
    text = "Russia's 'special military operation' isn't over, officials said."
    assert [(q.surface, q.text, q.speaker) for q in find_quotes(text)] == [
        ("'special military operation'", "special military operation", "officials")
    ]
    curly = "Russia’s ‘special military operation’ isn’t over, officials said."
    assert [(q.text, q.speaker) for q in find_quotes(curly)] == [("special military operation", "officials")]
    text = "'It's a disaster,' said John Smith, the mayor. 'We've lost everything.'"
    assert [(q.text, q.speaker) for q in find_quotes(text)] == [
        ("It's a disaster,", "John Smith"),
        ("We've lost everything.", "John Smith"),
    ]
    for text in ["Rock 'n' roll fans said it was the band's best.", "They danced 'til dawn, she said.",
                 "It was 'terrorism', he said.", "The Ukrainians' rights, the officials' said."]:  # fmt: skip
        assert find_quotes(text) == [], text


def test_nested_quotes_stay_inside_the_outer_one() -> None:
    text = "\"He called it a 'special operation' and said “we will win” again,\" the diplomat said."
    (quote,) = find_quotes(text)
    assert quote.text == "He called it a 'special operation' and said “we will win” again,"
    assert quote.speaker == "diplomat"


def test_unclosed_quote_ends_with_its_paragraph() -> None:
    text = 'Zelensky said: "We will hold the line\nThe next paragraph has no quote.'
    (quote,) = find_quotes(text)
    assert (quote.surface, quote.text, quote.end) == (
        '"We will hold the line',
        "We will hold the line",
        text.index("\n"),
    )
    assert quote.speaker == "Zelensky"


def test_opening_mark_needs_a_boundary_before_it() -> None:
    text = 'The 5" guns fired (“heavy shelling”) and—"incoming"—troops ran.'
    assert [q.text for q in find_quotes(text)] == ["heavy shelling", "incoming"]


def test_elision_is_not_an_opening_single_quote() -> None:
    assert find_quotes("A veteran of the ‘90s wars, he said nothing.") == []


def test_blanked_chrome_runs_of_spaces_keep_offsets() -> None:
    text = "                    \n" + " " * 40 + '"We are family," Michel said.' + " " * 30 + "\n" + " " * 25
    (quote,) = find_quotes(text, [Entity("charles-michel", "Charles Michel", "person", ("Charles Michel", "Michel"))])
    assert quote.surface == text[quote.start : quote.end] == '"We are family,"'
    assert quote.speaker == "Charles Michel"


def test_no_entities_keeps_written_names() -> None:
    assert pairs('"No," Zelenskiy said.', []) == [('"No,"', "Zelenskiy")]


# --- robustness --------------------------------------------------------------------------------------------------


def test_arbitrary_unicode_never_raises() -> None:
    rng = random.Random(7)
    alphabet = "\"“”‘’'()[]—–-:,.?! \n\tabcXYZ said he she according to Zelensky Київ 🇺🇦\u200b\u0301"
    for _ in range(300):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randrange(0, 200)))
        text += "".join(chr(rng.randrange(0, 0x30000)) for _ in range(rng.randrange(0, 20)))
        quotes = find_quotes(text, [Entity("x", "X Y", "person", ("Zelensky", "he"))])
        for q in quotes:
            assert q.surface == text[q.start : q.end]
            assert q.text in q.surface


@pytest.mark.parametrize(
    "text",
    [
        "“" * 500_000 + "”" * 500_000,
        '"a ' * 333_333,
        ('"x ‘y “z \n') * 100_000,
        '"q," said ' * 100_000,
        'Zelensky said "x" ' * 55_000,
        "A " * 500_000,
    ],
    ids=["nested", "straight-unclosed", "unbalanced-lines", "said-chain", "one-sentence", "caps-run"],
)
def test_one_megabyte_of_quote_marks_is_linear(text: str, entities: list[Entity]) -> None:
    began = time.perf_counter()
    quotes = find_quotes(text, entities)
    assert time.perf_counter() - began < 10  # ~1 s here; quadratic behaviour would take minutes
    assert all(q.surface == text[q.start : q.end] for q in quotes[:1000])


# --- the real seeds ----------------------------------------------------------------------------------------------


def seed(name: str, entities: list[Entity]) -> tuple[str, list[Quote]]:
    text = (ROOT / "seeds" / f"{name}.txt").read_text(encoding="utf-8")
    return text, find_quotes(text, entities)


def speaker_of(quotes: list[Quote], starts_with: str) -> str | None:
    (quote,) = [q for q in quotes if q.text.startswith(starts_with)]
    return quote.speaker


def test_rferl_quotes(entities: list[Entity]) -> None:
    text, quotes = seed("rferl-2023-02-03", entities)
    assert all(q.surface == text[q.start : q.end] for q in quotes)
    assert [q.text.split()[0] for q in quotes] == ["Nobody", "If", "have", "It", "Russia"]
    nobody = quotes[0]
    assert (
        nobody.text
        == "Nobody will give away Bakhmut. We will fight for as long as we can. We consider Bakhmut our fortress,"
    )
    assert nobody.speaker == "Volodymyr Zelensky"
    assert speaker_of(quotes, "If weapon [supplies] are accelerated") == "Volodymyr Zelensky"  # "he said"
    assert speaker_of(quotes, "have a chance") == "Volodymyr Zelensky"
    assert speaker_of(quotes, "It is of clear importance") == "Kaja Kallas"  # "Kallas said"
    assert speaker_of(quotes, "Russia is preparing") == "Kaja Kallas"  # "she said"


def test_kyivindependent_quotes(entities: list[Entity]) -> None:
    text, quotes = seed("kyivindependent-2023-02-03", entities)
    assert all(q.surface == text[q.start : q.end] for q in quotes)
    assert len(quotes) == 24
    zelensky, michel, leyen = "Volodymyr Zelensky", "Charles Michel", "Ursula von der Leyen"
    assert speaker_of(quotes, "won't hand over Bakhmut.") == zelensky
    assert speaker_of(quotes, "We will fight as long as we can,") == zelensky  # "he said"
    assert speaker_of(quotes, "Our task is not") == zelensky  # continuation
    assert speaker_of(quotes, "proof that Russia can't break us") == zelensky
    assert speaker_of(quotes, "Your destiny is our destiny.") == michel  # continuation
    assert speaker_of(quotes, "we are determined") == michel  # "Michel said, adding that"
    assert speaker_of(quotes, "Russia has destroyed.") == michel  # "said Michel, regarding …"
    assert speaker_of(quotes, "I'm deeply convinced that Ukraine will win this war") == leyen  # heading
    assert speaker_of(quotes, "decades.") == "Emmanuel Macron"
    assert speaker_of(quotes, "two big strategic mistakes,") == leyen
    assert speaker_of(quotes, "throwing it (Russia) back") == leyen  # "She added"
    assert speaker_of(quotes, "considerable efforts") == "European Union"  # "The EU hailed"
    assert speaker_of(quotes, "considerable progress") is None  # relayed by the Guardian: not its words
    assert speaker_of(quotes, "no official assessment") is None
    assert speaker_of(quotes, "Europe will step up") == "European Union"  # "says the official EU statement"
    heading = next(q for q in quotes if q.text.startswith("I'm deeply"))
    assert heading.surface == "‘I'm deeply convinced that Ukraine will win this war’"


@pytest.mark.parametrize(
    ("sentence", "speaker"),
    [
        ('The Guardian reported that the wording was changed from "considerable progress" after complaints.', None),
        ('Reuters reported that officials had called the plan "a dead end" in private.', "officials"),  # theirs
        ('The Guardian reported: "The talks stalled."', "The Guardian"),  # the report's own words
        ('The Guardian reported that Zelensky said "we will not yield".', "Volodymyr Zelensky"),
        ('Zelensky said the plan was "a dead end" for Ukraine.', "Volodymyr Zelensky"),  # a speaker, not a report
    ],
)
def test_words_a_report_relays_are_not_the_reporters_own(sentence, speaker, entities):
    assert [q.speaker for q in find_quotes(sentence, entities)] == [speaker]
