"""The extractor against the hand annotation of both seeds: every item, every field, exactly."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from etl.extract import extract
from etl.facts import load_entities
from etl.segment import segment
from etl.sources import load_sources
from tests.conftest import FACTS, ROOT, SEEDS

GOLD = sorted((ROOT / "tests" / "gold").glob("*.json"))
KINDS = ("quantities", "dates", "quotes", "entities")


def _key(item: dict) -> tuple:
    return (item["start"], item["end"])


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("gold_path", GOLD, ids=lambda p: p.stem)
def test_extractor_matches_gold(gold_path: Path, kind: str):
    gold = json.loads(gold_path.read_text(encoding="utf-8"))
    src = {s.id: s for s in load_sources(SEEDS)}[gold["source"]]
    ours = extract(src.text, src.published, load_entities(FACTS), segment(src.text, src.title)).to_json()[kind]
    want = {_key(g): g for g in gold[kind]}
    got = {_key(o): o for o in ours}
    missing = [want[k] for k in sorted(want.keys() - got.keys())]
    extra = [got[k] for k in sorted(got.keys() - want.keys())]
    wrong = [(want[k], got[k]) for k in sorted(want.keys() & got.keys()) if want[k] != got[k]]
    assert not missing and not extra and not wrong, {"missing": missing, "extra": extra, "wrong": wrong}
    assert len(gold[kind]) > 0


def test_gold_spans_are_exact():
    for path in GOLD:
        gold = json.loads(path.read_text(encoding="utf-8"))
        text = (SEEDS / f"{gold['source']}.txt").read_text(encoding="utf-8")
        for kind in KINDS:
            for item in gold[kind]:
                assert text[item["start"] : item["end"]] == item["surface"]


def test_cli_extract_prints_the_contract(tmp_path: Path):
    article = tmp_path / "article.txt"
    article.write_text(
        "EU pledges more aid\n\n"
        "The European Union said on Monday it would send about €3.6 billion to Kyiv by late March, "
        '"We will not stop," von der Leyen said.\n',
        encoding="utf-8",
    )
    proc = subprocess.run(
        [sys.executable, "-m", "etl", "extract", str(article), "--published", "2023-02-03", "--json"],
        capture_output=True, text=True, check=True, cwd=ROOT,
    )  # fmt: skip
    out = json.loads(proc.stdout)
    assert set(out) == set(KINDS)
    text = article.read_text(encoding="utf-8")
    for kind in KINDS:
        for item in out[kind]:
            assert text[item["start"] : item["end"]] == item["surface"]
    money = [q for q in out["quantities"] if q["unit"] == "EUR"]
    assert money and money[0]["surface"] == "€3.6 billion" and money[0]["value"] == 3.6e9
    assert money[0]["qualifier"] == "about" and money[0]["approx"] is True
    march = [d for d in out["dates"] if "March" in d["surface"]]
    assert march and march[0]["value"] == "2023-03"
    assert [q["speaker"] for q in out["quotes"]] == ["Ursula von der Leyen"]
    assert {"european-union", "kyiv", "ursula-von-der-leyen"} <= {e["entity_id"] for e in out["entities"]}
