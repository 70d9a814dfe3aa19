"""Corroboration across outlets: what every source states, quote variants, disagreements, adding an article."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import sqlite_utils
import yaml

from etl.build import build, check
from etl.corroborate import THRESHOLD, Rendering, Unit, similarity, variants, words
from etl.yamlfile import read_yaml
from tests.conftest import ROOT, run_make

FIXTURES = ROOT / "tests" / "fixtures"
NEW = "testwire-2023-02-03"  # tests/fixtures: an article written for the test suite
KI, RFE = "kyivindependent-2023-02-03", "rferl-2023-02-03"
LONG_RANGE_KI = (
    "If there is a long-range weapon, the most long-range weapon, we will not only not leave Bakhmut, we will "
    "begin to liberate the Donbas (including areas) which have been occupied since 2014,"
)
LONG_RANGE_RFE = (
    "If weapon [supplies] are accelerated, specifically long-range weapons, not only will we not abandon "
    "Bakhmut but we will also begin to remove the [Russian] occupiers from the Donbas,"
)


def test_words_spell_out_contractions_and_plurals():
    assert words("We won't hand over Bakhmut's weapons") == ["we", "will", "not", "hand", "over", "bakhmut", "weapon"]
    assert words("Nobody can't stop the long-range strikes.") == [
        "nobody",
        "can",
        "not",
        "stop",
        "the",
        "long-range",
        "strike",
    ]


def test_similarity_is_the_dice_coefficient_of_words():
    assert similarity("We will fight as long as we can,", "We will fight for as long as we can.") == round(16 / 17, 3)
    assert similarity("Your destiny is our destiny.", "your destiny is our destiny") == 1.0
    assert similarity("Russia wants revenge", "Europe is family") == 0.0
    # two words of five in common: below the threshold, so only a human can pair these renderings
    assert similarity("won't hand over Bakhmut.", "Nobody will give away Bakhmut.") == 0.4 < THRESHOLD


def test_variants_pair_the_same_speaker_in_linked_sources_or_a_curated_statement():
    a = Unit("q1", "a", 0, 35, "We will fight for as long as we can.", "zelensky")
    b = Unit("q2", "b", 10, 42, "We will fight as long as we can,", "zelensky")
    c = Unit("q3", "c", 0, 32, "We will fight as long as we can,", "zelensky")
    other = Unit("q4", "b", 50, 82, "We will fight as long as we can,", "michel")
    units = [a, b, c, other]
    found = variants(units, [], {frozenset(("a", "b"))})
    assert [(r["a_quote_id"], r["b_quote_id"], r["confirmed"]) for r in found] == [("q1", "q2", 0)]  # c: not linked
    low = Unit("q5", "c", 40, 60, "Nobody gives up.", None)
    curated = [Rendering("s", "a", 0, 10), Rendering("s", "c", 40, 60)]
    found = variants([a, low], curated, {frozenset(("a", "c"))})
    assert [(r["statement_id"], r["score"], r["confirmed"]) for r in found] == [("s", 0.0, 1)]


def test_the_seed_quote_variants_are_paired(db):
    pairs = {r["statement_id"]: r for r in db["quote_variants"].rows}
    assert {k: (v["a_exact"], v["b_exact"]) for k, v in pairs.items()} == {
        "zelensky-nobody-will-give-away-bakhmut": ("won't hand over Bakhmut.", "Nobody will give away Bakhmut."),
        "zelensky-fight-as-long-as-we-can": (
            "We will fight as long as we can,",
            "We will fight for as long as we can.",
        ),
        "zelensky-long-range-weapons": (LONG_RANGE_KI, LONG_RANGE_RFE),
        "zelensky-we-have-a-chance": ("I think we have a chance.", "have a chance"),
    }
    for row in pairs.values():
        assert (row["a_source_id"], row["b_source_id"], row["confirmed"]) == (KI, RFE, 1)
        assert row["speaker_id"] == "volodymyr-zelensky"
        assert row["score"] == similarity(row["a_exact"], row["b_exact"])


def test_without_curation_the_word_score_finds_three_of_the_four(workdir):
    facts = workdir / "facts.yml"
    text = facts.read_text(encoding="utf-8")
    facts.write_text(text[: text.index("\nstatements:")] + "\n", encoding="utf-8")
    rows = check(workdir / "seeds", facts)["quote_variants"]
    assert sorted((r["score"], r["b_exact"], r["confirmed"]) for r in rows) == [
        (0.567, LONG_RANGE_RFE, 0),
        (0.667, "have a chance", 0),
        (0.941, "We will fight for as long as we can.", 0),
    ]
    assert not any("Nobody will give away" in r["b_exact"] for r in rows)


def test_facts_every_source_states_and_per_topic_counts(db):
    every = {r["fact_id"] for r in db["corroboration"].rows if r["stated_by"] == "every source"}
    assert every == {
        "eu-ukraine-summit-2023-02-03",
        "russia-battle-for-bakhmut-since-summer-2022",
        "zelensky-fight-as-long-as-we-can",
        "zelensky-long-range-weapons",
        "zelensky-will-not-give-up-bakhmut",
    }
    single = {r["fact_id"]: r["source_id"] for r in db["single_source_facts"].rows}
    assert len(single) == 25 and single["oil-price-cap-cost-to-russia"] == KI
    assert single["eu-training-target-raised"] == RFE
    counts = {(r["topic"], r["stated_by"]): r["facts"] for r in db["topic_corroboration"].rows}
    assert counts[("battlefield", "every source")] == 4
    assert counts[("diplomacy", "every source")] == 1
    assert counts[("military-aid", f"only {RFE}")] == 3
    assert sum(counts.values()) == db["facts"].count


def test_the_seeds_do_not_disagree(db):
    assert list(db["disagreements"].rows) == []


def _add_article(work: Path) -> None:
    """What the README asks of a user: the text in seeds/, its entry in seeds/sources.yml."""
    shutil.copy(FIXTURES / f"{NEW}.txt", work / "seeds" / f"{NEW}.txt")
    entry = (FIXTURES / "sources.yml").read_text(encoding="utf-8")
    with open(work / "seeds" / "sources.yml", "a", encoding="utf-8") as f:
        f.write(entry)


def _add_evidence(facts: Path, fact_id: str, quote: str) -> None:
    data, _ = read_yaml(facts)
    fact = next(f for f in data["facts"] if f["id"] == fact_id)
    fact["evidence"].append({"source": NEW, "quote": quote})
    facts.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=120), encoding="utf-8")


def test_a_source_that_gives_another_figure_and_date_is_a_disagreement(workdir):
    _add_article(workdir)
    facts = workdir / "facts.yml"
    _add_evidence(
        facts,
        "oil-price-cap-cost-to-russia",
        "the price cap on Russian oil was costing Moscow about $160 million a day",
    )
    _add_evidence(
        facts, "tenth-sanctions-package-by-feb-24", "a new round of sanctions against Russia would be ready by Feb. 20"
    )
    _add_evidence(facts, "russian-central-bank-assets", "Russian central bank assets, worth $300 billion")
    _add_evidence(facts, "ukraine-applied-for-eu-membership", "Ukraine applied to join the EU on Feb. 28, 2022.")
    build(workdir / "seeds", facts, workdir / "facts.db")
    db = sqlite_utils.Database(workdir / "facts.db")
    rows = [(r["fact_id"], r["field"], r["curated"], r["source_id"], r["source_says"], r["agreeing_sources"])
            for r in db["disagreements"].rows]  # fmt: skip
    assert rows == [
        ("oil-price-cap-cost-to-russia", "value", "176000000 USD", NEW, "$160 million", KI),
        ("tenth-sanctions-package-by-feb-24", "date", "2023-02-24", NEW, "by Feb. 20", KI),
    ]
    # $300 billion is the same figure, and Feb. 28, 2022 lies within late February 2022: corroboration
    corr = {r["fact_id"]: r for r in db["corroboration"].rows}
    assert corr["russian-central-bank-assets"]["sources"] == f"{KI}, {NEW}"
    assert corr["ukraine-applied-for-eu-membership"]["sources"] == f"{KI}, {NEW}"


def _make(*args: str) -> None:
    done = run_make(*args)
    assert done.returncode == 0, done.stderr


def test_adding_an_article_then_pasting_its_suggestions(workdir):
    """README 'Adding an article': seeds/<id>.txt, its sources.yml entry, make rebuild, etl suggest, paste, rebuild."""
    _add_article(workdir)
    seeds, facts, db_path = workdir / "seeds", workdir / "facts.yml", workdir / "facts.db"
    inputs = [f"SEEDS={seeds}", f"FACTS={facts}", f"DB={db_path}"]
    _make("rebuild", *inputs)
    db = sqlite_utils.Database(db_path)
    assert db["sources"].get(NEW)["publisher"] == "Test Wire"
    assert [r["kind"] for r in db["segments"].rows_where("source_id = ?", [NEW], order_by="ordinal")] == [
        "headline", "byline", "body", "body", "body", "body", "body", "body", "body",
    ]  # fmt: skip
    figures = [(r["surface"], r["value"], r["unit"]) for r in db["quantities"].rows_where("source_id = ?", [NEW])]
    assert figures == [("$160 million", 160e6, "USD"), ("$300 billion", 300e9, "USD"), ("35", 35, "km")]
    assert db["quotes"].count_where("source_id = ? and speaker_id = 'volodymyr-zelensky'", [NEW]) == 2
    assert db["quote_variants"].count_where("b_source_id = ?", [NEW]) == 0  # no shared fact yet

    out = subprocess.run(
        [sys.executable, "-m", "etl", "suggest", NEW, "--seeds", str(seeds), "--facts", str(facts)],
        cwd=ROOT, capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    drafts = yaml.safe_load(out)
    text = (seeds / f"{NEW}.txt").read_text(encoding="utf-8")
    assert set(drafts["new_evidence"]) == {
        "russian-central-bank-assets",
        "ukraine-applied-for-eu-membership",
        "zelensky-will-not-give-up-bakhmut",
    }
    assert {(f["value"], f["unit"]) for f in drafts["new_facts"] if "value" in f} == {(160_000_000, "USD"), (35, "km")}
    assert [f["date"] for f in drafts["new_facts"] if "value" not in f] == ["2023-02-20"]
    for quote in [q for qs in drafts["new_evidence"].values() for q in qs] + [
        q for f in drafts["new_facts"] for q in f["evidence"]
    ]:
        assert quote["source"] == NEW and quote["quote"] in text

    data, _ = read_yaml(facts)
    for fact in data["facts"]:
        fact["evidence"] += drafts["new_evidence"].get(fact["id"], [])
    data["facts"] += drafts["new_facts"]
    facts.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=120), encoding="utf-8")
    _make("rebuild", *inputs)
    db = sqlite_utils.Database(db_path)  # the rebuild replaced the file
    corr = {r["fact_id"]: r["sources"] for r in db["corroboration"].rows}
    assert corr["russian-central-bank-assets"] == f"{KI}, {NEW}"
    assert corr["zelensky-will-not-give-up-bakhmut"] == f"{KI}, {RFE}, {NEW}"
    assert db["facts"].count == 33
    variants = {(r["a_source_id"], r["b_exact"]) for r in db["quote_variants"].rows_where("b_source_id = ?", [NEW])}
    assert variants == {
        (KI, "We will fight for it as long as we can."),
        (RFE, "We will fight for it as long as we can."),
    }
    # suggesting again finds nothing new to cite
    again = subprocess.run(
        [sys.executable, "-m", "etl", "suggest", NEW, "--seeds", str(seeds), "--facts", str(facts)],
        cwd=ROOT, capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    assert "nothing to suggest" in again


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("quote: Nobody will give away Bakhmut.}", "quote: Ukrainian forces will continue}", "lies in no quotation"),
        ("speaker: volodymyr-zelensky\n    fact: zelensky-fight", "speaker: zelenskyy\n    fact: zelensky-fight",
         "unknown speaker entity 'zelenskyy'"),
        ("      - {source: kyivindependent-2023-02-03, quote: I think we have a chance.}\n", "",
         "has 1 item(s); give at least 2"),
    ],
)  # fmt: skip
def test_bad_statements_are_one_line_errors(workdir, old, new, message):
    facts = workdir / "facts.yml"
    text = facts.read_text(encoding="utf-8")
    assert old in text
    facts.write_text(text.replace(old, new), encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "etl", "check", "--seeds", str(workdir / "seeds"), "--facts", str(facts)],
        cwd=ROOT, capture_output=True, text=True,
    )  # fmt: skip
    assert done.returncode == 2 and message in done.stderr and done.stderr.count("\n") == 1, done.stderr
    assert done.stderr.startswith(f"error: {facts}:")


@pytest.mark.parametrize("source", [KI, RFE])
def test_suggest_finds_nothing_new_in_the_fully_cited_seeds(source, capsys):
    from etl.cli import main

    assert main(["suggest", source]) == 0
    out = capsys.readouterr().out
    assert "nothing to suggest" in out and "new_facts" not in out


def test_suggest_names_the_known_sources_for_an_unknown_one(capsys):
    from etl.cli import main

    assert main(["suggest", "nope-2023"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and f"no source 'nope-2023'; known: {KI}, {RFE}" in err


def test_incremental_builds_keep_statements_and_variants_of_unchanged_articles(workdir):
    """Quote variants and statement renderings read unchanged articles' quotes from the previous database."""
    from bench.scale import differences
    from etl.build import build_report

    _add_article(workdir)
    seeds, facts = workdir / "seeds", workdir / "facts.yml"
    db, clean = workdir / "inc.db", workdir / "clean.db"
    assert build_report(seeds, facts, db, incremental=True).computed == 3
    _add_evidence(facts, "russian-central-bank-assets", "Russian central bank assets, worth $300 billion")
    report = build_report(seeds, facts, db, incremental=True)  # facts changed, articles did not
    assert (report.computed, report.kept) == (0, 3)
    build(seeds, facts, clean)
    assert differences(db, clean) == []
    variants = sqlite_utils.Database(db)["quote_variants"]
    assert variants.count_where("confirmed = 1") == 4 and variants.count_where("b_source_id = ?", [NEW]) == 1
