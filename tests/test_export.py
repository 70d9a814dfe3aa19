"""The Frictionless data package of `make export`: valid (keys included), typed, described, offline, stable."""

from __future__ import annotations

import csv
import filecmp
import hashlib
import json
import re
import shutil
import socket
from pathlib import Path

import frictionless
import pytest

from etl import export, load
from etl.cli import main
from etl.errors import InputError
from etl.publish import read_metadata
from tests.conftest import METADATA

META = read_metadata(METADATA)
DESCRIBED = META["databases"]["facts"]["tables"]


@pytest.fixture(autouse=True)
def offline(monkeypatch):
    """Validation must not reach the network (no remote profiles or schemas): any connection fails the test."""

    def refuse(*args, **kwargs):
        raise AssertionError(f"network access attempted: {args}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)


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
    keyed = sum(len(fks) for _, _, fks, _ in load.KEYED_DERIVED.values())
    assert fks == sum(len(fks) for _, _, fks in load.TABLES.values()) + keyed  # so the validation checked every one


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
    assert names == [*load.TABLES, *load.DERIVED, *load.KEYED_DERIVED]
    assert not any(n.startswith(("segments_fts", "sqlite")) for n in names)


def test_keys_mirror_the_sqlite_ones(package: dict):
    for r in package["resources"]:
        schema = r["schema"]
        if r["name"] in load.DERIVED:
            assert "primaryKey" not in schema and "foreignKeys" not in schema
            continue
        _, pk, fks = load.TABLES[r["name"]] if r["name"] in load.TABLES else load.KEYED_DERIVED[r["name"]][:3]
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
        order = "id" if name != "corroboration" else "n_sources desc, fact_id"
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
    assert checked == 39 + 29 + 83


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
    resources = len(load.TABLES) + len(load.DERIVED) + len(load.KEYED_DERIVED)
    assert (mismatch, errors) == ([], []) and len(match) == resources + 1
