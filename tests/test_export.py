"""The Frictionless data package of `make export`: valid (keys included), typed, described, offline, stable."""

from __future__ import annotations

import csv
import filecmp
import hashlib
import json
import re
import shutil
from pathlib import Path

import frictionless
import pytest
import sqlite_utils
from datasette.utils import tilde_decode, tilde_encode

from etl import export, load
from etl.cli import main
from etl.errors import InputError
from etl.publish import read_metadata
from tests.conftest import METADATA, ROOT, SEEDS

META = read_metadata(METADATA)
DESCRIBED = META["databases"]["facts"]["tables"]


@pytest.fixture(autouse=True)
def _offline(offline: None) -> None:
    """Validation must not reach the network (no remote profiles or schemas): any connection fails the test."""


@pytest.fixture(scope="module")
def dist(db_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    assert main(["export", "--db", str(db_path), "--metadata", str(METADATA), "--out", str(out)]) == 0
    return out


@pytest.fixture(scope="module")
def package(dist: Path) -> dict:
    return json.loads((dist / export.DATAPACKAGE).read_text(encoding="utf-8"))


def fields(package: dict) -> dict[tuple[str, str], dict]:
    return {(r["name"], f["name"]): f for r in package["resources"] for f in r["schema"]["fields"]}


def validate(path: Path, only: str | None = None) -> list[tuple[str, str, str]]:
    """Errors of the whole package, or of one of its resources (still checked against the others)."""
    pkg = frictionless.Package(str(path))
    report = pkg.get_resource(only).validate() if only else pkg.validate()
    return [(task.name, e.type, e.note) for task in report.tasks for e in task.errors] + [
        ("package", e.type, e.note) for e in report.errors
    ]


def test_frictionless_validates_the_whole_package(dist: Path, package: dict):
    assert validate(dist / export.DATAPACKAGE) == []
    fks = sum(len(r["schema"].get("foreignKeys", [])) for r in package["resources"])
    declared = sum(len(fks) for _, _, fks in load.TABLES.values()) + sum(len(d.fks) for d in load.DERIVED.values())
    assert fks == declared  # so the validation checked every one


def edited_copy(dist: Path, tmp_path: Path, name: str, old: str, new: str, record: bool = True) -> Path:
    """A copy of the package with ``old`` replaced by ``new`` once in ``name``.csv; with ``record`` the
    descriptor gets the edited file's size and hash, so that only the data itself can be invalid."""
    copy = tmp_path / "dist"
    shutil.copytree(dist, copy)
    path = copy / f"{name}.csv"
    text = path.read_bytes().decode("utf-8")  # CSV rows end in CRLF: no newline translation
    assert text.count(old) == 1
    path.write_bytes(text.replace(old, new).encode("utf-8"))
    if record:
        package = json.loads((copy / export.DATAPACKAGE).read_text(encoding="utf-8"))
        data = path.read_bytes()
        resource = next(r for r in package["resources"] if r["name"] == name)
        resource |= {"bytes": len(data), "hash": "sha256:" + hashlib.sha256(data).hexdigest()}
        (copy / export.DATAPACKAGE).write_text(json.dumps(package), encoding="utf-8")
    return copy / export.DATAPACKAGE


def test_a_broken_foreign_key_fails_validation(dist: Path, tmp_path: Path):
    old = "oil-price-cap-cost-to-russia,kyivindependent-2023-02-03,"
    broken = edited_copy(dist, tmp_path, "fact_evidence", old, "no-such-fact,kyivindependent-2023-02-03,")
    [(name, kind, note)] = validate(broken, "fact_evidence")
    assert (name, kind) == ("fact_evidence", "foreign-key") and "no-such-fact" in note


def test_a_broken_self_reference_fails_validation(dist: Path, tmp_path: Path):
    # the raised EU training target supersedes the initial one: facts.supersedes -> facts.id
    broken = edited_copy(dist, tmp_path, "facts", ",eu-training-target-initial\r\n", ",no-such-fact\r\n")
    assert [e[:2] for e in validate(broken, "facts")] == [("facts", "foreign-key")]


def test_a_changed_file_fails_its_recorded_hash(dist: Path, tmp_path: Path):
    changed = edited_copy(dist, tmp_path, "topics", ",Sanctions against", ",sanctions against", record=False)
    assert [e[:2] for e in validate(changed, "topics")] == [("topics", "hash-count")]


def test_resources_are_every_table_and_view_without_search_machinery(package: dict):
    names = [r["name"] for r in package["resources"]]
    assert names == [*load.TABLES, *load.DERIVED]
    assert not any(n.startswith(("segments_fts", "sqlite")) for n in names)


def test_keys_mirror_the_sqlite_ones(package: dict):
    for r in package["resources"]:
        schema = r["schema"]
        if r["name"] in load.DERIVED:
            d = load.DERIVED[r["name"]]
            pk, fks = d.pk, d.fks
        else:
            _, pk, fks = load.TABLES[r["name"]]
        assert schema["primaryKey"] == ([pk] if isinstance(pk, str) else list(pk))
        got = {(fk["fields"][0], fk["reference"]["resource"] or r["name"], fk["reference"]["fields"][0])
               for fk in schema.get("foreignKeys", [])}  # fmt: skip
        assert got == set(fks), r["name"]


def test_every_field_has_its_metadata_yml_description(package: dict):
    for (table, column), field in fields(package).items():
        assert field["description"] == DESCRIBED[table]["columns"][column].strip(), (table, column)
    for r in package["resources"]:
        assert r["description"] == " ".join(DESCRIBED[r["name"]]["description"].split())


def test_an_undescribed_column_stops_the_export(db_path: Path, tmp_path: Path):
    text = METADATA.read_text(encoding="utf-8")
    start = text.index("\n      quotes:\n")
    end = text.index("\n      entity_mentions:\n", start) + 1
    section, n = re.subn(r"^ {10}speaker_id: .*\n", "", text[start:end], flags=re.M)  # the quotes table's
    assert n == 1
    undescribed = text[:start] + section + text[end:]
    path = tmp_path / "metadata.yml"
    path.write_text(undescribed, encoding="utf-8")
    with pytest.raises(InputError, match=r"quotes\.speaker_id has no description.*tables\.quotes\.columns") as e:
        export.write(db_path, path, tmp_path / "dist")
    lines = text.splitlines()
    columns_line = lines.index("        columns:", lines.index("      quotes:")) + 1  # where to add it
    assert (e.value.path, e.value.line) == (str(path), columns_line)
    assert not (tmp_path / "dist").exists()  # nothing written


def test_types_days_are_dates_and_edtf_stays_string(package: dict):
    by_type = {}
    for key, field in fields(package).items():
        by_type.setdefault(field["type"], set()).add(key)
    assert by_type["date"] == {
        ("sources", "published"), ("facts", "date_earliest"), ("facts", "date_latest"), ("dates", "earliest"),
        ("dates", "latest"), ("timeline", "day"), ("timeline", "date_earliest"), ("timeline", "date_latest"),
        ("facts", "said_on"),
    }  # fmt: skip
    edtf = {key for key, f in fields(package).items() if "EDTF" in f["description"]}
    assert {("facts", "date"), ("dates", "value"), ("timeline", "date"), ("figures", "date")} <= edtf
    assert all(fields(package)[key]["type"] == "string" for key in edtf)
    # figures keep their type: the seeds' are all integral, so integers (15000, not 15000.0) in CSV and schema
    assert {("quantities", "value"), ("facts", "value"), ("figures", "value")} <= by_type["integer"]
    assert ("facts", "approx") in by_type["integer"]
    assert ("corroboration", "n_sources") in by_type["integer"]  # a view column typed from its values


def test_rows_round_trip_through_frictionless(dist: Path, db):
    """Typed reading of each CSV gives the database's rows (NULL as None, numbers as numbers)."""
    pkg = frictionless.Package(str(dist / export.DATAPACKAGE))
    for name in ("facts", "quantities", "corroboration"):
        got = [{k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in row.items()}
               for row in pkg.get_resource(name).read_rows()]  # fmt: skip
        order = "id" if name != "corroboration" else "fact_id"  # a derived table's rows come in its key's order
        assert got == list(db.query(f"select * from {name} order by {order}")), name


def test_offsets_can_be_checked_from_the_csvs_alone(dist: Path):
    def read(name):
        with (dist / f"{name}.csv").open(encoding="utf-8", newline="") as f:
            return list(csv.DictReader(f))

    text = {s["id"]: s["text"] for s in read("sources")}
    checked = 0
    for name, exact in (("fact_evidence", "exact"), ("quotes", "surface"), ("segments", "text")):
        for row in read(name):
            assert text[row["source_id"]][int(row["start"]) : int(row["end"])] == row[exact]
            checked += 1
    assert checked == 76 + 29 + 83


def test_licence_and_sources(package: dict, db):
    assert package["licenses"] == [
        {"name": "CC-BY-4.0", "path": "https://creativecommons.org/licenses/by/4.0/", "title": META["license"]}
    ]
    urls = [s["path"] for s in package["sources"]]
    assert urls == [r["url"] for r in db.query("select url from sources order by id")]
    assert any("kyivindependent.com" in u for u in urls) and any("rferl.org" in u for u in urls)


def test_no_remote_references_in_the_descriptor(dist: Path):
    text = (dist / export.DATAPACKAGE).read_text(encoding="utf-8")
    assert '"profile": "tabular-data-package"' in text and "$schema" not in text
    assert all(r["path"] == f"{r['name']}.csv" for r in json.loads(text)["resources"])


def test_same_database_gives_byte_identical_files(db_path: Path, dist: Path, tmp_path: Path):
    again = tmp_path / "again"
    (again / "stale.csv").parent.mkdir()
    (again / "stale.csv").write_text("a table that no longer exists\n")
    export.write(db_path, METADATA, again)
    names = sorted(p.name for p in dist.iterdir())
    assert names == sorted(p.name for p in again.iterdir())  # stale.csv removed
    match, mismatch, errors = filecmp.cmpfiles(dist, again, names, shallow=False)
    assert (mismatch, errors) == ([], []) and len(match) == len(load.TABLES) + len(load.DERIVED) + 2


# --- the evidence as W3C Web Annotations -----------------------------------------------------------------------

# What the Web Annotation Data Model requires of an annotation, of a textual body, and of each selector.
ANNOTATION_KEYS = {"@context", "id", "type", "body", "target"}
SELECTOR_KEYS = {"TextQuoteSelector": {"exact"}, "TextPositionSelector": {"start", "end"}}
MOTIVATIONS = {"describing", "assessing"}  # the two of the model's motivations evidence can have


@pytest.fixture(scope="module")
def annotations(dist: Path) -> list[dict]:
    return json.loads((dist / export.ANNOTATIONS).read_text(encoding="utf-8"))


def test_every_evidence_row_is_a_web_annotation(annotations: list[dict], db):
    evidence = {
        r["id"]: r for r in db.query("select e.*, f.statement from fact_evidence e join facts f on f.id = e.fact_id")
    }
    assert len(annotations) == len(evidence) == 76
    urls = {r["id"]: r["url"] for r in db.query("select id, url from sources")}
    for a in annotations:
        assert set(a) >= ANNOTATION_KEYS and a["@context"] == "http://www.w3.org/ns/anno.jsonld"
        assert a["type"] == "Annotation" and a["motivation"] in MOTIVATIONS
        row_id = a["id"].removeprefix("http://127.0.0.1:8001/facts/fact_evidence/")
        e = evidence[tilde_decode(row_id)]
        text, link = a["body"][:2]
        assert (text["type"], text["value"], text["format"]) == ("TextualBody", e["statement"], "text/plain")
        assert link == {"id": f"http://127.0.0.1:8001/facts/facts/{tilde_encode(e['fact_id'])}", "type": "Text",
                        "format": "text/html"}  # fmt: skip
        assert a["target"]["source"] == urls[e["source_id"]]
        assert a["motivation"] == "describing" and len(a["body"]) == 2  # the seeds agree: no disagreements
    assert len({a["id"] for a in annotations}) == len(annotations)


def test_every_selector_re_anchors_in_the_seed_text(annotations: list[dict], db):
    """From the seed files alone: the quote selector finds one place, and it is the position selector's."""
    files = {
        r["url"]: (SEEDS / r["file"]).read_text(encoding="utf-8") for r in db.query("select url, file from sources")
    }
    for a in annotations:
        text = files[a["target"]["source"]]
        quote, position = a["target"]["selector"]
        assert SELECTOR_KEYS[quote["type"]] <= set(quote) and SELECTOR_KEYS[position["type"]] <= set(position)
        whole = quote["prefix"] + quote["exact"] + quote["suffix"]
        assert text.count(whole) == 1, a["id"]
        assert text.index(whole) + len(quote["prefix"]) == position["start"]
        assert text[position["start"] : position["end"]] == quote["exact"]


def test_an_archived_copy_is_the_targets_state(db_path: Path, tmp_path: Path):
    copy = tmp_path / "facts.db"
    shutil.copy(db_path, copy)
    archive = "https://web.archive.org/web/20230203194012/https://www.rferl.org/a/32253748.html"
    sqlite_utils.Database(copy)["sources"].update(
        "rferl-2023-02-03", {"archive_url": archive, "archived_at": "2023-02-03T19:40:12Z"}
    )
    notes = export.annotations(sqlite_utils.Database(copy), "https://facts.example.org/", "https://x/")
    states = {a["target"]["source"]: a["target"].get("state") for a in notes}
    assert states["https://www.rferl.org/amp/russia-offensive-ukraine-east/32253748.html"] == {
        "type": "TimeState", "cached": archive, "sourceDate": "2023-02-03T19:40:12Z"
    }  # fmt: skip
    assert None in states.values()  # the other source has no archived copy
    assert all(a["id"].startswith("https://facts.example.org/facts/fact_evidence/") for a in notes)


def test_contradicting_evidence_is_assessing(tmp_path: Path):
    from etl.build import build
    from tests.test_corroboration import _add_wire_copy

    shutil.copytree(ROOT / "seeds", tmp_path / "seeds")
    shutil.copy(ROOT / "facts.yml", tmp_path / "facts.yml")
    facts = _add_wire_copy(tmp_path)  # marks "an initial 30 000 soldiers" as contradicting the 15,000-troops fact
    build(tmp_path / "seeds", facts, tmp_path / "facts.db")
    notes = export.annotations(sqlite_utils.Database(tmp_path / "facts.db"), export.BASE_URL, "https://x/")
    [assessing] = [a for a in notes if a["motivation"] == "assessing"]
    assert tilde_decode(assessing["id"]).endswith(
        "fact_evidence/eu-training-target-initial@wirecopy-2023-02-03:238-270"
    )
    assert assessing["body"][2]["purpose"] == "assessing"
    assert "gives 30 000 where the fact has 15000 troops (value)" in assessing["body"][2]["value"]
