"""Reading YAML item by item (read_yaml's ``each``): the same values and lines as reading it whole, without keeping
every item's mapping and the line of every value in it."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from etl.errors import InputError
from etl.facts import load_facts
from etl.sources import load_sources
from etl.yamlfile import read_yaml
from tests.conftest import ROOT


def _line(text: str, needle: str) -> int:
    return text[: text.index(needle)].count("\n") + 1


def test_each_item_is_turned_as_read_and_inner_lines_are_read_again_on_demand(tmp_path: Path):
    path = tmp_path / "facts.yml"
    shutil.copy(ROOT / "facts.yml", path)
    whole, whole_lines = read_yaml(path)
    seen = []

    def turn(i, item, lines):
        seen.append((i, lines.of(("facts", i, "topic"))))
        return item["id"]

    data, lines = read_yaml(path, each={("facts",): turn})
    assert data["facts"] == [f["id"] for f in whole["facts"]]
    assert data["entities"] == whole["entities"]
    text = path.read_text(encoding="utf-8")
    second = whole["facts"][1]["id"]
    assert lines.of(("facts", 1)) == _line(text, f"  - id: {second}\n")
    assert not any(len(p) > 2 and p[0] == "facts" for p in lines)  # what is inside an item is not kept
    # ... but found when asked, as the whole document gives it
    assert lines.of(("facts", 1, "topic")) == whole_lines.of(("facts", 1, "topic")) == seen[1][1]
    assert lines.get(("facts", 1, "evidence", 0, "quote")) == whole_lines[("facts", 1, "evidence", 0, "quote")]


def test_a_facts_list_shared_by_an_anchor_is_turned_too(tmp_path: Path):
    """Anchors take the whole-document path (PyYAML's constructor); each item is turned all the same."""
    path = tmp_path / "doc.yml"
    doc = "defaults: &d\n  topic: aid\nfacts:\n  - id: a\n    <<: *d\n  - id: b\n    <<: *d\n"
    path.write_text(doc, encoding="utf-8")
    data, lines = read_yaml(path, each={("facts",): lambda i, item, _: (i, item["id"], item["topic"])})
    assert data["facts"] == [(0, "a", "aid"), (1, "b", "aid")]
    assert lines.of(("facts", 1, "id")) == 6


def test_the_first_problem_by_line_wins_across_a_fact_and_the_rest_of_the_file(tmp_path: Path):
    """A schema error inside a fact (checked as it is read) and one in a section written above the facts: the one
    higher up is reported, as when the whole file was checked at once."""
    seeds = ROOT / "seeds"
    path = tmp_path / "facts.yml"
    text = (ROOT / "facts.yml").read_text(encoding="utf-8")
    first_fact = text.index("\nfacts:\n")
    later = text.index("    predicate:", first_fact)
    text = text[:later] + "    predicat: typo\n" + text[later:]
    entities = text.index("\nentities:\n")
    assert entities < first_fact
    broken = text.index("  - id:", entities)
    text = text[:broken] + "  - idd: nobody\n" + text[broken:]
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as raised:
        load_facts(path, load_sources(seeds, keep_text=False))
    assert raised.value.line == _line(text, "  - idd: nobody") and "entities[" in str(raised.value)
