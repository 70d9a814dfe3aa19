"""Quantity extractor: general English news style, the two seed articles, hostile input, dev-eval floor."""

from __future__ import annotations

import json
import math
import random
import time
from pathlib import Path

import pytest

from etl.evaluate import DEV_EVAL
from etl.extract.base import Quantity
from etl.extract.quantities import find_quantities
from etl.text import mask

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds"

# (surface, value, value_max, unit, per, qualifier); approx must equal "qualifier is not None".
Q = tuple[str, float, float | None, str, str | None, str | None]

NEWS: list[tuple[str, list[Q]]] = [
    # a bare figure after a coordinated verb of the same form counts the same thing
    (
        "Russian missiles struck Kharkiv, killing at least three people and wounding 14, officials said.",
        [("three", 3, None, "people", None, "at least"), ("14", 14, None, "people", None, None)],
    ),
    (
        "The strike killed 3 soldiers and injured more than 20.",
        [("3", 3, None, "soldiers", None, None), ("20", 20, None, "soldiers", None, "more than")],
    ),
    # ... and after a passive coordinated with the first figure's
    (
        "Three civilians were killed and nine injured, the governor said.",
        [("Three", 3, None, "civilians", None, None), ("nine", 9, None, "civilians", None, None)],
    ),
    (
        "At least 5 soldiers have been killed and more than 12 were wounded since Monday.",
        [("5", 5, None, "soldiers", None, "at least"), ("12", 12, None, "soldiers", None, "more than")],
    ),
    (
        "Two people were killed and 10 were hurt; 300 homes had been shelled and 20 taken.",
        [
            ("Two", 2, None, "people", None, None),
            ("10", 10, None, "people", None, None),
            ("300", 300, None, "homes", None, None),
            ("20", 20, None, "homes", None, None),
        ],
    ),
    (
        "Some 2,000 homes were damaged, and 300 destroyed.",
        [("2,000", 2000, None, "homes", None, "some"), ("300", 300, None, "homes", None, None)],
    ),
    (
        "Ten tanks were destroyed and 40 soldiers captured; 300 people were evacuated and 12 remain missing.",
        [
            ("Ten", 10, None, "tanks", None, None),
            ("40", 40, None, "soldiers", None, None),
            ("300", 300, None, "people", None, None),
            ("12", 12, None, "count", None, None),
        ],
    ),
    # "X of the Y troops": a part counts what the whole counts (a counted noun only)
    (
        "Russia deployed more than 300,000 of its 1.1 million troops; two of the 12 victims were children; "
        "5 of the 10 km were mined.",
        [
            ("300,000", 300_000, None, "troops", None, "more than"),
            ("1.1 million", 1_100_000, None, "troops", None, None),
            ("two", 2, None, "victims", None, None),
            ("12", 12, None, "victims", None, None),
            ("5", 5, None, "count", None, None),
            ("10", 10, None, "km", None, None),
        ],
    ),
    # "others" are more of the last counted noun in the sentence, past a figure of another kind; not across sentences
    (
        "The strike killed 11 people, including a 10-year-old boy, and wounded 64 others. 5 others fled.",
        [
            ("11", 11, None, "people", None, None),
            ("10", 10, None, "years", None, None),
            ("64", 64, None, "people", None, None),
            ("5", 5, None, "others", None, None),
        ],
    ),
    (
        "Kyiv sent 100 tanks and 50 went to the front.",
        [("100", 100, None, "tanks", None, None), ("50", 50, None, "count", None, None)],
    ),
    # areas, volumes and power are measures too, normalized like lengths
    (
        "The plant's 6,000 megawatts (6 GW) went dark, 155 billion cubic metres of gas stopped "
        "and 2,000 hectares burned.",
        [
            ("6,000", 6000, None, "MW", None, None),
            ("6", 6, None, "GW", None, None),
            ("155 billion", 155e9, None, "m3", None, None),
            ("2,000", 2000, None, "ha", None, None),
        ],
    ),
    # lengths, weights, volumes and energy in news units: spelled out or abbreviated, glued or spaced
    (
        "The storm dumped up to 30 cm of snow, 12 nautical miles offshore; the wall is 3 feet thick and 10 ft high, "
        "the tank holds 50 litres and the plant made 120 terawatt-hours (120 TWh); police seized 500g of cocaine "
        "and a 12 lb fish.",
        [
            ("30", 30, None, "cm", None, "up to"),
            ("12", 12, None, "nmi", None, None),
            ("3", 3, None, "ft", None, None),
            ("10", 10, None, "ft", None, None),
            ("50", 50, None, "L", None, None),
            ("120", 120, None, "TWh", None, None),
            ("120", 120, None, "TWh", None, None),
            ("500", 500, None, "g", None, None),
            ("12", 12, None, "lb", None, None),
        ],
    ),
    # after a verb of change, "X to Y" with units of its own is the change and the level it reached, not a range
    (
        "Brent fell $2 to $81 a barrel, inflation rose by 0.5% to 3.2% and prices rose 10 to 15 percent; growth is "
        "forecast at 2% to 3%.",
        [
            ("$2", 2, None, "USD", None, None),
            ("$81", 81, None, "USD", "barrel", None),
            ("0.5%", 0.5, None, "percent", None, None),
            ("3.2%", 3.2, None, "percent", None, None),
            ("10 to 15", 10, 15, "percent", None, None),
            ("2% to 3%", 2, 3, "percent", None, None),
        ],
    ),
    # a fraction of a unit is that much of the unit; basis points are a unit of their own
    (
        "Rates rose by half a percentage point, then a quarter of a percentage point, or 25bp (25 basis points); "
        "the town is three-quarters of a mile away and two-thirds of a billion dollars went missing.",
        [
            ("half a percentage point", 0.5, None, "percentage points", None, None),
            ("a quarter of a percentage point", 0.25, None, "percentage points", None, None),
            ("25", 25, None, "basis points", None, None),
            ("25", 25, None, "basis points", None, None),
            ("three-quarters of a mile", 0.75, None, "mi", None, None),
            ("two-thirds of a billion", 2e9 / 3, None, "USD", None, None),
        ],
    ),
    # South Asian scales: a lakh is 100,000, a crore 10 million, "lakh crore" both; "Rs" is rupees of a country the
    # text does not name ("₹" is INR)
    (
        "The state allocated Rs 5,000 crore, the film earned ₹250 crore, the budget is ₹1.5 lakh crore and about "
        "2 lakh people came; Mrs 5 is no money.",
        [
            ("Rs 5,000 crore", 5e10, None, "rupees", None, None),
            ("₹250 crore", 2.5e9, None, "INR", None, None),
            ("₹1.5 lakh crore", 1.5e12, None, "INR", None, None),
            ("2 lakh", 200_000, None, "people", None, "about"),
            ("5", 5, None, "count", None, None),
        ],
    ),
    # abbreviations with a scale and a rate in them
    (
        "Europe imported 155 bcm of gas, 55 bcm a year by pipe; OPEC+ cut output by 2 million bpd.",
        [
            ("155", 155e9, None, "m3", None, None),
            ("55", 55e9, None, "m3", "year", None),
            ("2 million", 2e6, None, "barrels", "day", None),
        ],
    ),
    # rates per commodity unit and per night
    (
        "Gold rose to $2,350 an ounce, wheat traded at $6.20 a bushel, power costs 34p per kWh or €120/MWh, a "
        "room £100 a night and cocaine $50,000 a kilo.",
        [
            ("$2,350", 2350, None, "USD", "ounce", None),
            ("$6.20", 6.2, None, "USD", "bushel", None),
            ("34p", 0.34, None, "GBP", "kWh", None),
            ("€120", 120, None, "EUR", "MWh", None),
            ("£100", 100, None, "GBP", "night", None),
            ("$50,000", 50000, None, "USD", "kg", None),
        ],
    ),
    # a calibre names a weapon, it is not a length: hyphen-joined, or before a weapon or its ammunition
    (
        "Kyiv needs 155 mm calibre ammunition, 155mm shells and 152-mm howitzers; up to 150 mm of rain fell and "
        "the blade was 20 cm long.",
        [("150", 150, None, "mm", None, "up to"), ("20", 20, None, "cm", None, None)],
    ),
    # temperatures: degrees Celsius or Fahrenheit written out, with the sign, or a C or F glued to the figure; a
    # letter glued to a number after a capitalised label is a name ("Seat 4C")
    (
        "Warming must be held to 1.5C; it was 104F in Phoenix, -5°C at dawn, 23 °F later, 40 degrees Celsius "
        "on Monday and minus 12C overnight. The dome turned 40°. She sat in Seat 4C; he lives in flat 4C with an "
        "iPhone 15.",
        [
            ("1.5", 1.5, None, "°C", None, None),
            ("104", 104, None, "°F", None, None),
            ("-5", -5, None, "°C", None, None),
            ("23", 23, None, "°F", None, None),
            ("40", 40, None, "°C", None, None),
            ("minus 12", -12, None, "°C", None, None),
            ("40", 40, None, "degrees", None, None),
        ],
    ),
    # money: signs, codes, scale words and letters
    ("The EU approved a €3.6 billion package for Ukraine.", [("€3.6 billion", 3.6e9, None, "EUR", None, None)]),
    (
        "The Pentagon announced a $48.2 million contract for artillery shells.",
        [("$48.2 million", 48_200_000, None, "USD", None, None)],
    ),
    (
        "The fund will pay out $5bn, while Britain pledged £3m.",
        [("$5bn", 5e9, None, "USD", None, None), ("£3m", 3e6, None, "GBP", None, None)],
    ),
    (
        "I have €10M in savings, sorry, I meant €10B.",
        [("€10M", 1e7, None, "EUR", None, None), ("€10B", 1e10, None, "EUR", None, None)],
    ),
    ("The cost was US$5 per unit.", [("US$5", 5, None, "USD", None, None)]),
    (
        "Canada pledged C$500 million and Australia A$100 million.",
        [("C$500 million", 5e8, None, "CAD", None, None), ("A$100 million", 1e8, None, "AUD", None, None)],
    ),
    (
        "The loan is worth EUR 5 billion, or 5 billion USD.",
        [("EUR 5 billion", 5e9, None, "EUR", None, None), ("5 billion", 5e9, None, "USD", None, None)],
    ),
    (
        "The EU will send an additional 500 million euros in military aid.",
        [("500 million", 5e8, None, "EUR", None, None)],
    ),
    ("The aid package is worth 1.2 billion hryvnias.", [("1.2 billion", 1.2e9, None, "UAH", None, None)]),
    ("Japan gave ¥50 billion in loans.", [("¥50 billion", 5e10, None, "JPY", None, None)]),
    ("A $1.2-million grant was approved.", [("$1.2-million", 1.2e6, None, "USD", None, None)]),
    ("The US will send 2 billion US dollars.", [("2 billion", 2e9, None, "USD", None, None)]),
    # per
    ("Oil traded at $80 per barrel on Monday.", [("$80", 80, None, "USD", "barrel", None)]),
    ("The price cap is set at $60-a-barrel.", [("$60", 60, None, "USD", "barrel", None)]),
    (
        "Sanctions cost Russia an estimated $150 billion annually.",
        [("$150 billion", 1.5e11, None, "USD", "year", "an estimated")],
    ),
    ("The aid was worth 160 million euros a day.", [("160 million", 1.6e8, None, "EUR", "day", None)]),
    ("The country exports 500,000 barrels daily.", [("500,000", 500_000, None, "barrels", "day", None)]),
    (
        "Russia is losing roughly 800 soldiers a day, British intelligence said.",
        [("800", 800, None, "soldiers", "day", "roughly")],
    ),
    ("The government paid 5,000 hryvnias per person.", [("5,000", 5000, None, "UAH", "person", None)]),
    # counts, counted nouns and qualifiers
    (
        "Up to 30,000 Ukrainian soldiers will be trained by the end of the year.",
        [("30,000", 30_000, None, "soldiers", None, "up to")],
    ),
    (
        "More than 1,000 civilians have been killed in the region.",
        [("1,000", 1000, None, "civilians", None, "more than")],
    ),
    (
        "About 2.5 million people have fled the city since the war began.",
        [("2.5 million", 2.5e6, None, "people", None, "about")],
    ),
    ("Russia made two big strategic mistakes, she said.", [("two", 2, None, "mistakes", None, None)]),
    (
        "Kyiv must meet seven requirements before talks can open.",
        [("seven", 7, None, "requirements", None, None)],
    ),
    (
        "Zelensky met over a dozen leaders in a 24-hour period.",
        [("a dozen", 12, None, "leaders", None, "over"), ("24", 24, None, "hours", None, None)],
    ),
    ("Half a million people lost power.", [("Half a million", 5e5, None, "people", None, None)]),
    ("Kyiv needs one hundred and fifty tanks.", [("one hundred and fifty", 150, None, "tanks", None, None)]),
    ("Russia hit the city with two dozen missiles.", [("two dozen", 24, None, "missiles", None, None)]),
    (
        "A quarter of a million Ukrainians fled, and a third of a million stayed.",
        [
            ("A quarter of a million", 250_000, None, "ukrainians", None, None),
            ("a third of a million", 1e6 / 3, None, "count", None, None),
        ],
    ),
    ("Over 8m refugees have left Ukraine, the UN said.", [("8m", 8e6, None, "refugees", None, "over")]),
    ("Germany pledged 14 Leopard 2A6 tanks.", [("14", 14, None, "tanks", None, None)]),
    ("Ukraine expects to receive 31 Abrams tanks by autumn.", [("31", 31, None, "tanks", None, None)]),
    ("The EU's 27 member states must agree.", [("27", 27, None, "states", None, None)]),
    (
        "Just over 40% voted, well over 1,000 people, no more than 5 groups.",
        [
            ("40%", 40, None, "percent", None, "just over"),
            ("1,000", 1000, None, "people", None, "well over"),
            ("5", 5, None, "groups", None, "no more than"),
        ],
    ),
    (
        "In excess of 3,000 troops, fewer than 20 jets and as many as 100 drones took part.",
        [
            ("3,000", 3000, None, "troops", None, "in excess of"),
            ("20", 20, None, "jets", None, "fewer than"),
            ("100", 100, None, "drones", None, "as many as"),
        ],
    ),
    ("The death toll stands at 1,200.", [("1,200", 1200, None, "count", None, None)]),
    ("The EU is a 27-member bloc.", [("27", 27, None, "count", None, None)]),
    ("Kyiv sent 10 000 troops.", [("10 000", 10_000, None, "troops", None, None)]),
    ("2000 troops were deployed.", [("2000", 2000, None, "troops", None, None)]),
    # percentages
    ("Unemployment fell to 15% last month.", [("15%", 15, None, "percent", None, None)]),
    ("Nearly 40 percent of the grid was damaged.", [("40", 40, None, "percent", None, "nearly")]),
    ("Ukraine's GDP shrank 29.1 per cent last year.", [("29.1", 29.1, None, "percent", None, None)]),
    (
        "The central bank raised rates by 1.5 percentage points.",
        [("1.5", 1.5, None, "percentage points", None, None)],
    ),
    # ranges, and changes that are not ranges
    (
        "Inflation rose to between 10 and 20 percent in some regions.",
        [("10 and 20", 10, 20, "percent", None, None)],
    ),
    ("Prices increased by 3-4% in January.", [("3-4%", 3, 4, "percent", None, None)]),
    ("Ukraine received $1.5-2 billion in aid.", [("$1.5-2 billion", 1.5e9, 2e9, "USD", None, None)]),
    ("Russia has lost 7,000 to 8,000 soldiers.", [("7,000 to 8,000", 7000, 8000, "soldiers", None, None)]),
    ("Russian troops have advanced 5–10 km.", [("5–10", 5, 10, "km", None, None)]),
    (
        "Between $10 million and $20 million was raised.",
        [("$10 million and $20 million", 1e7, 2e7, "USD", None, None)],
    ),
    (
        "The mission grew from 5,000 soldiers to up to 12,000.",
        [("5,000", 5000, None, "soldiers", None, None), ("12,000", 12_000, None, "soldiers", None, "up to")],
    ),
    (
        "Output rose from 10 to 20 tonnes.",
        [("10", 10, None, "tonnes", None, None), ("20", 20, None, "tonnes", None, None)],
    ),
    # measures
    ("Soledar sits roughly 15 kilometers northeast of the city.", [("15", 15, None, "km", None, "roughly")]),
    ("A 40-mile convoy stalled north of Kyiv.", [("40", 40, None, "mi", None, None)]),
    ("Russian forces are 2 km from the town.", [("2", 2, None, "km", None, None)]),
    (
        "Russia seized about 500 square kilometres of territory.",
        [("500", 500, None, "km2", None, "about")],
    ),
    ("He served three years in prison.", [("three", 3, None, "years", None, None)]),
    ("The mission lasted two and a half years.", [("two and a half", 2.5, None, "years", None, None)]),
    ("The ceasefire lasted nearly a week.", [("a week", 1, None, "weeks", None, "nearly")]),
    ("Talks dragged on for more than a year.", [("a year", 1, None, "years", None, "more than")]),
    # ordinals
    ("The bloc agreed on the 10th round of sanctions.", [("10th", 10, None, "ordinal", None, None)]),
    ("It was the first time the council met in Kyiv.", [("first", 1, None, "ordinal", None, None)]),
    ("The war entered its second year.", [("second", 2, None, "ordinal", None, None)]),
    ("The package is the EU's ninth.", [("ninth", 9, None, "ordinal", None, None)]),
    ("Ukraine ranks 116th on the index.", [("116th", 116, None, "ordinal", None, None)]),
    # negatives: names, models, clock and read times, dates, vague amounts, fractions
    ("Kyiv requested F-16 jets and more Leopard 2 tanks.", []),
    ("The G7 agreed to act under Article 5 rules.", []),
    ("Su-25 and MiG-29 jets flew over the city at 7:10 PM.", []),
    ("The meeting starts at 10 a.m. and ends at 14:00.", []),
    ("The strike hit a D-30 howitzer and a T-72.", []),
    ("COVID-19 cases rose in 2021.", []),
    ("4 min read", []),
    # every ISO 4217 currency by code, English name or its own sign (from CLDR); multiples
    (
        "India pledged ₹500 crore, Sweden 300 million Swedish kronor and Kazakhstan KZT 40 billion.",
        [
            ("₹500 crore", 5e9, None, "INR", None, None),  # a crore is ten million
            ("300 million", 3e8, None, "SEK", None, None),
            ("KZT 40 billion", 4e10, None, "KZT", None, None),
        ],
    ),
    (
        "Output grew fourfold; the team won 5 gold medals.",
        [("fourfold", 4, None, "times", None, None), ("5", 5, None, "medals", None, None)],
    ),
    # hundredths of a currency; a conversion is as approximate as the amount it converts; half a year
    (
        "Bread rose 50 cents, fares 20p and gas 90 kopecks.",
        [
            ("50", 0.5, None, "USD", None, None),
            ("20p", 0.2, None, "GBP", None, None),
            ("90", 0.9, None, "RUB", None, None),
        ],
    ),
    (
        "Berlin pays about €2bn (£1.7bn) over half a year.",
        [
            ("€2bn", 2e9, None, "EUR", None, "about"),
            ("£1.7bn", 1.7e9, None, "GBP", None, "about"),
            ("half a year", 0.5, None, "years", None, "over"),
        ],
    ),
    # vague magnitudes: the lower bound of their class, "at least"
    (
        "Tens of thousands of people rallied in Berlin; dozens of officers, billions of dollars.",
        [
            ("Tens of thousands", 10_000, None, "people", None, "at least"),
            ("dozens", 12, None, "officers", None, "at least"),
            ("billions", 1e9, None, "USD", None, "at least"),
        ],
    ),
    ("Several thousand troops and a few hundred tanks.", []),
    # a street address is a name; a headline's "500 Street Vendors" is not one
    (
        "He lives at 10 Downing Street, not 1600 Pennsylvania Avenue. Police Arrest 500 Street Vendors",
        [("500", 500, None, "vendors", None, None)],
    ),
    # "scores of" is a vague magnitude like "dozens of" (20, at least); "scores" without "of" is no figure
    ("Scores of people died; the scores were level.", [("Scores", 20, None, "people", None, "at least")]),
    ("No one was hurt, and one of the drones was shot down.", []),
    ("At first, officials denied it. First, the army must regroup.", []),
    ("It is the first-ever summit held in a war zone in the 21st-century.", []),
    ("The summit was held on 3 February, after the February 24 anniversary.", []),
    ("The attack came on Feb. 24, 2023, in the 1990s style.", []),
    ("In 2022 the economy shrank; the 2014 elections were contested.", []),
    # shares are figures of unit "times"; a digit fraction ("1/3") is not read
    (
        "Two-thirds of Ukrainians and a third of Poles agree; 1/3 of staff left.",
        [("Two-thirds", 2 / 3, None, "times", None, None), ("a third", 1 / 3, None, "times", None, None)],
    ),
    # a minus word is a sign, but not in a margin or a sum
    (
        "It fell to minus 20 degrees, with growth of minus 2.1%; the margin is plus or minus 3 points, "
        "and 10 minus 2 is 8.",
        [
            ("minus 20", -20, None, "degrees", None, None),
            ("minus 2.1%", -2.1, None, "percent", None, None),
            ("3", 3, None, "points", None, None),
            ("10", 10, None, "count", None, None),
            ("2", 2, None, "count", None, None),
            ("8", 8, None, "count", None, None),
        ],
    ),
    # "one in five", "four out of nine": each number is a figure, "one" too
    (
        "One in three adults left, about one in every five Ukrainians, and 4 out of 9 areas are done.",
        [
            ("One", 1, None, "count", None, None),
            ("three", 3, None, "adults", None, None),
            ("one", 1, None, "count", None, "about"),
            ("five", 5, None, "ukrainians", None, None),
            ("4", 4, None, "count", None, None),
            ("9", 9, None, "areas", None, None),
        ],
    ),
    # a fraction with no noun after it is a share too; before a noun or in a compound it is an ordinal or nothing
    (
        "Exports rose by a fifth and imports by an eighth; output fell by two-thirds last year, a quarter of the "
        "city is dark, and he won a fifth term with a fifth-generation jet a quarter-century ago.",
        [
            ("a fifth", 0.2, None, "times", None, None),
            ("an eighth", 0.125, None, "times", None, None),
            ("two-thirds", 2 / 3, None, "times", None, None),
            ("a quarter", 0.25, None, "times", None, None),
            ("fifth", 5, None, "ordinal", None, None),
        ],
    ),
    (
        "Prices fell by half and the army was cut in half last year; half-time came.",
        [("half", 0.5, None, "times", None, None), ("half", 0.5, None, "times", None, None)],
    ),
    # "more", "fewer", "other" between a number and its noun: the noun still counts it
    (
        "Kyiv wants 2,000 more drones, 10 fewer tanks and 20 other systems; it needs 5 more than that.",
        [
            ("2,000", 2000, None, "drones", None, None),
            ("10", 10, None, "tanks", None, None),
            ("20", 20, None, "systems", None, None),
            ("5", 5, None, "count", None, None),
        ],
    ),
    # a span of years is no figure; a span whose end cannot be a later year is a range of counts
    (
        "Between 2019 and 2021 prices doubled, and between 2000 and 3000 troops left.",
        [("2000 and 3000", 2000, 3000, "troops", None, None)],
    ),
    # a whole amount and its hundredths are one figure; an implied rate carries through a parallel phrase
    ("The fare is 2 dollars and 75 cents each way.", [("2 dollars and 75 cents", 2.75, None, "USD", None, None)]),
    ("A loaf costs £1 and 40p now.", [("£1 and 40p", 1.4, None, "GBP", None, None)]),
    (
        "The city spends €40,000 a week on fuel and €15,000 on repairs.",
        [("€40,000", 40000, None, "EUR", "week", None), ("€15,000", 15000, None, "EUR", "week", None)],
    ),
    (
        "Tickets now cost $12 a month, up from $9.",
        [("$12", 12, None, "USD", "month", None), ("$9", 9, None, "USD", "month", None)],
    ),
    ("Wages rose to $400 a month and prices fell.", [("$400", 400, None, "USD", "month", None)]),
    # a rate is not implied across a sentence or onto a figure in another unit
    (
        "Parking costs $3 an hour. Coffee costs $2.",
        [("$3", 3, None, "USD", "hour", None), ("$2", 2, None, "USD", None, None)],
    ),
    ("Three years ago, the war began.", []),
    ("The 93rd Mechanized Brigade held the line.", []),
    ("Call +380 44 123 4567 or (202) 555-0100 for details.", []),
    ("Drones flew 24/7; the 5G network and 3D maps helped.", []),
    ("Zelensky signed decree No. 123 on Monday.", []),
    ("Russia's 2023 budget assumes higher oil prices.", []),
    ("Gunners fired 155 mm shells from 152-mm howitzers and 7.62mm rifles.", []),
]


def _check_invariants(text: str, found: list[Quantity], exclude: list[tuple[int, int]] = ()) -> None:
    """Spans index the text, come sorted, do not overlap each other or ``exclude``; values are finite."""
    last_end = 0
    for q in found:
        assert 0 <= q.start < q.end <= len(text)
        assert q.surface == text[q.start : q.end]
        assert q.start >= last_end
        last_end = q.end
        assert math.isfinite(q.value)
        assert q.approx == (q.qualifier is not None)
        assert all(q.end <= s or q.start >= e for s, e in exclude)


def _fields(q: Quantity) -> Q:
    return (q.surface, q.value, q.value_max, q.unit, q.per, q.qualifier)


@pytest.mark.parametrize(("sentence", "expected"), NEWS, ids=[s[:50] for s, _ in NEWS])
def test_news_sentences(sentence: str, expected: list[Q]) -> None:
    found = find_quantities(sentence)
    _check_invariants(sentence, found)
    assert [_fields(q) for q in found] == [pytest.approx(e) if e else e for e in expected]


def test_enough_general_cases() -> None:
    assert len(NEWS) >= 40
    assert sum(1 for _, e in NEWS if not e) >= 15  # negatives


# ---------------------------------------------------------------------------------------------
# The seed articles


def _spans(text: str, *surfaces: str) -> list[tuple[int, int]]:
    """Every occurrence of each surface: date spans as the dates extractor would pass them."""
    out = []
    for s in surfaces:
        i = text.find(s)
        while i >= 0:
            out.append((i, i + len(s)))
            i = text.find(s, i + 1)
    return sorted(out)


def _without_chrome(text: str, *lines: str) -> str:
    """Blank the paragraphs holding ``lines`` (site chrome), as ``extract`` does."""
    spans = []
    for line in lines:
        i = text.index(line)
        spans.append((text.rfind("\n", 0, i) + 1, text.index("\n", i)))
    return mask(text, spans)


def test_rferl_seed() -> None:
    text = (SEEDS / "rferl-2023-02-03.txt").read_text(encoding="utf-8")
    dates = _spans(text, "February 3")
    found = find_quantities(text, exclude=dates)
    _check_invariants(text, found, dates)
    assert [(q.surface, q.value, q.unit, q.per, q.qualifier) for q in found] == [
        ("15,000", 15_000, "troops", None, None),
        ("30,000", 30_000, "troops", None, "up to"),
        ("24", 24, "hours", None, None),
        ("four", 4, "directions", None, None),
    ]
    assert "F-16" in text and not any(q.start <= text.index("F-16") + 2 < q.end for q in found)
    assert found == find_quantities(text)  # the day of "February 3" is not a figure even unexcluded


def test_kyivindependent_seed() -> None:
    raw = (SEEDS / "kyivindependent-2023-02-03.txt").read_text(encoding="utf-8")
    text = _without_chrome(raw, "Support us for as little as $1")
    dates = _spans(text, "February 3, 2023", "Feb. 3, 2023", "Feb. 3", "Feb. 2", "Feb. 24", "since 2014")
    found = find_quantities(text, exclude=dates)
    _check_invariants(text, found, dates)
    assert [_fields(q) for q in found] == [
        ("24th", 24, None, "ordinal", None, None),
        ("15", 15, None, "km", None, "roughly"),
        ("a dozen", 12, None, "officials", None, "over"),
        ("a year", 1, None, "years", None, "nearly"),
        ("first", 1, None, "ordinal", None, None),  # "the first of its kind"
        ("seven", 7, None, "requirements", None, None),
        ("seven", 7, None, "requirements", None, None),
        ("two", 2, None, "mistakes", None, None),
        ("10th", 10, None, "ordinal", None, None),
        ("first", 1, None, "ordinal", None, None),  # "the first anniversary"
        ("$176 million", 176_000_000, None, "USD", "day", "about"),
        ("$300 billion", 300_000_000_000, None, "USD", None, None),
    ]
    assert found[-2].approx is True
    assert text[found[4].start :].startswith("first of its kind")
    assert text[found[9].start :].startswith("first anniversary")
    # without the dates extractor's help the byline's "February 3, 2023 7:10 PM 4 min read" still yields nothing
    assert find_quantities(text) == found
    byline = raw[raw.index("by Asami") : raw.index("min read") + 8]
    assert find_quantities(byline) == []
    # the membership appeal is chrome: only the raw, unmasked text shows its "$1"
    assert "$1" in [q.surface for q in find_quantities(raw)]


# ---------------------------------------------------------------------------------------------
# Hostile input: never raise, valid spans, linear time

ADVERSARIAL = [
    "",
    " ",
    "\n\n\n",
    "1",
    "$",
    "%",
    "-",
    "a",
    "one",
    "first",
    "a year",
    "$$$$1",
    "1,",
    ",1",
    "1.",
    ".5",
    "1,000,",
    "1,0000,000",
    "9" * 400,
    "9" * 400 + ".5%",
    "0.0000000001",
    "٣٤٥ troops and ۱۲ tanks",  # Arabic-Indic and Persian digits are not read
    "１２３ people",  # fullwidth digits
    "१२३ लोग",  # Devanagari
    "İstanbul got 5 İHA drones",  # lower-cases to a longer string
    "the \u212aelvin 5 kilometres",  # Kelvin sign lower-cases to ASCII "k"
    "\u0000\u0001 5 \ud7ff troops",
    "5\u0301 troops",  # combining accent
    "🚀🚀 5 🚀 drones",
    "− 5 −5 −−5 –5– —5—",
    "half a",
    "a hundred and",
    "and a half",
    "twenty-",
    "-twenty-one-",
    "between and",
    "between 5 and",
    "from to 5",
    "5 to",
    "to 5",
    "$-",
    "US$",
    "EUR",
    "5 EUR 5",
    "1st2nd3rd",
    "the 1st-2nd",
    "+1 +12 +123 +1234",
    "( ) ( 5 ) (5)",
    "5" + " " * 10_000 + "troops",
    "nearly" + " " * 5 + "a year",
]


@pytest.mark.parametrize("text", ADVERSARIAL, ids=[repr(t[:20]) for t in ADVERSARIAL])
def test_adversarial_strings(text: str) -> None:
    found = find_quantities(text, exclude=[(0, 1)] if text else [])
    _check_invariants(text, found, [(0, 1)] if text else [])
    _check_invariants(text, find_quantities(text))


def test_non_ascii_digits_are_not_numbers() -> None:
    assert find_quantities("٣٤٥ troops, १२३ soldiers, １２３ tanks") == []


def test_random_fuzz() -> None:
    rng = random.Random(20230203)
    alphabet = [*"0123456789,.$€£%-–− abcdmkt\n", "one ", "a ", "first ", "million ", "and ", "to ", "ago "]
    for _ in range(300):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randrange(1, 200)))
        _check_invariants(text, find_quantities(text))


@pytest.mark.parametrize(
    "unit",
    ["1,", "1 ", "$", "-1", "1.", "a ", "one ", "between 1 and ", "twenty-one thousand ", "+380 44 ", "1st "],
)
def test_linear_time(unit: str) -> None:
    """Repeated hostile patterns run in linear time: doubling the input about doubles the time."""

    def run(size: int) -> float:
        text = (unit * (size // len(unit) + 1))[:size]
        t0 = time.perf_counter()
        find_quantities(text)
        return time.perf_counter() - t0

    small, big = run(20_000), run(80_000)
    assert big < max(8 * small, 0.05) + 0.5  # quadratic would be ~16x


# ---------------------------------------------------------------------------------------------
# Generalisation floor on public data (quantulum3's test sentences); see the module docstring.

_DEV_UNITS = {
    "dollar": "USD",
    "euro": "EUR",
    "pound sterling": "GBP",
    "yen": "JPY",
    "percentage": "percent",
    "metre": "m",
    "kilometre": "km",
    "mile": "mi",
    "year": "years",
    "month": "months",
    "week": "weeks",
    "day": "days",
    "hour": "hours",
}
_COUNT_UNITS = {"dimensionless", "dozen", "count per week"}
_NOT_COUNTS = {*_DEV_UNITS.values(), "percentage points", "ordinal", "km2", "mi2", "m2", "km/h", "mph", "kg", "tonnes"}


def _dev_eval_score() -> tuple[int, int, int, int]:
    """(gold, hit, predicted, correct) over money, counts, percentages, distances and durations by value+unit.
    Years are left out (dates), as are predictions on quantulum items outside that scope."""
    data = json.loads(DEV_EVAL.read_text(encoding="utf-8"))
    gold_n = hit = pred_n = correct = 0
    for case in data:
        text, found = case["req"], find_quantities(case["req"])
        golds = []
        for r in case["res"]:
            s = text.find(r["surface"])
            unit, value = r["unit"], r["value"] * (12 if r["unit"] == "dozen" else 1)
            year = unit == "dimensionless" and r["surface"].isdigit() and 1900 <= value <= 2099
            in_scope = (unit in _DEV_UNITS or unit in _COUNT_UNITS) and not year
            golds.append((s, s + len(r["surface"]), unit, value, in_scope))
        used: set[int] = set()
        for s, e, unit, value, in_scope in golds:
            if not in_scope:
                continue
            gold_n += 1
            for i, q in enumerate(found):
                mid = q.value if q.value_max is None else (q.value + q.value_max) / 2
                unit_ok = q.unit == _DEV_UNITS[unit] if unit in _DEV_UNITS else q.unit not in _NOT_COUNTS
                if i not in used and q.start < e and q.end > s and math.isclose(mid, value) and unit_ok:
                    used.add(i)
                    hit += 1
                    break
        for i, q in enumerate(found):
            overlapping = [g for g in golds if q.start < g[1] and q.end > g[0]]
            if q.unit == "ordinal" or any(not g[4] for g in overlapping):
                continue
            pred_n += 1
            correct += i in used
    return gold_n, hit, pred_n, correct


@pytest.mark.skipif(not DEV_EVAL.exists(), reason="shared dev-eval data not present")
def test_dev_eval_floor() -> None:
    gold_n, hit, pred_n, correct = _dev_eval_score()
    assert gold_n > 60
    assert hit / gold_n >= 0.70  # measured 0.74; misses are fractions, inches, names and spec'd non-ranges
    assert correct / pred_n >= 0.75  # measured 0.81
