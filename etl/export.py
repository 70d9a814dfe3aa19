"""Export stage: the built database as a Frictionless Data Package for R, pandas and spreadsheets.

Beside it, ``annotations.jsonld``: every piece of fact evidence as a W3C Web Annotation, so annotation tools and
other datasets can anchor it on the original pages.

One CSV per table and view, and a ``datapackage.json`` (Data Package v1 with Table Schema) whose
tables, columns, types and keys are read from SQLite's own catalogue and whose descriptions are the
ones Datasette shows, from metadata.yml. Nothing is listed twice, so a new table or view is exported,
typed and described without a change here. The same database gives byte-identical files.
"""

from __future__ import annotations

import csv
import hashlib
import json
from pathlib import Path

import sqlite_utils
from datasette.utils import tilde_encode

from etl.errors import InputError
from etl.publish import DATABASE
from etl.yamlfile import read_yaml

NAME = "bakhmut-facts"
LICENSE_ID = "CC-BY-4.0"  # SPDX identifier of the licence metadata.yml names for the curated data
DATAPACKAGE = "datapackage.json"
ANNOTATIONS = "annotations.jsonld"
ANNO_CONTEXT = "http://www.w3.org/ns/anno.jsonld"
BASE_URL = "http://127.0.0.1:8001"  # where `make serve` publishes; a deployment passes its own (--base-url)
# Declared SQLite column types, and for view columns computed by an expression (no declared type) the
# storage classes found in the data.
DECLARED = {"INTEGER": "integer", "INT": "integer", "REAL": "number", "TEXT": "string"}  # INT, REAL: create table as
STORED = {frozenset({"integer"}): "integer", frozenset({"real"}): "number", frozenset({"integer", "real"}): "number"}


def relations(db: sqlite_utils.Database) -> list[str]:
    """Tables and views users need, in creation order: not SQLite's own, not full-text-search machinery."""
    sql = """select l.name from pragma_table_list l join sqlite_master m on m.name = l.name
             where l.schema = 'main' and l.type in ('table', 'view') and l.name not like 'sqlite%'
             order by m.rowid"""
    return [name for (name,) in db.execute(sql)]


def describe(db: sqlite_utils.Database, metadata_path: Path) -> dict:
    """The datapackage.json descriptor, without the files' hashes and sizes (``write`` adds them)."""
    metadata, lines = read_yaml(metadata_path)
    key = ("databases", DATABASE, "tables")
    described = metadata["databases"][DATABASE]["tables"]
    resources = []
    for name in relations(db):
        meta = described.get(name, {})
        if not meta.get("description"):
            raise InputError(metadata_path, lines.of((*key, name)), f"{name} has no description; add one under "
                             f"databases.{DATABASE}.tables.{name}.description")  # fmt: skip
        fields = []
        for column in db[name].columns:
            text = meta.get("columns", {}).get(column.name)
            if not text:
                raise InputError(
                    metadata_path, lines.of((*key, name, "columns")), f"column {name}.{column.name} has no "
                    f"description; add one under databases.{DATABASE}.tables.{name}.columns (the data package "
                    "and Datasette show it)"
                )  # fmt: skip
            fields.append({"name": column.name, "type": _type(db, name, column.name, column.type, text),
                           "description": text.strip()})  # fmt: skip
        schema: dict = {"fields": fields, "missingValues": [""]}
        if isinstance(db[name], sqlite_utils.db.Table):
            schema |= _keys(db[name])
        resources.append({
            "name": name, "path": f"{name}.csv", "profile": "tabular-data-resource",
            "description": " ".join(meta["description"].split()), "format": "csv",
            "mediatype": "text/csv", "encoding": "utf-8", "schema": schema,
        })  # fmt: skip
    return {
        "profile": "tabular-data-package",
        "name": NAME,
        "title": metadata["title"],
        "description": " ".join(metadata["databases"][DATABASE]["description"].split()),
        "licenses": [{"name": LICENSE_ID, "path": metadata["license_url"], "title": metadata["license"]}],
        "sources": [
            {"title": f"{r['publisher']}: {r['title']} ({r['published']})", "path": r["url"]}
            for r in db.query("select publisher, title, published, url from sources order by id")
        ],
        "resources": resources,
    }


def write(db_path: Path, metadata_path: Path, out: Path, base_url: str = BASE_URL) -> dict[str, int]:
    """Write every CSV, datapackage.json and annotations.jsonld into ``out``; returns the rows per resource.

    The descriptor is complete (every field described) before any file is written, and CSVs of
    tables that no longer exist are removed, so ``out`` is the package and nothing else at top level.
    """
    db = sqlite_utils.Database(db_path)
    package = describe(db, metadata_path)
    out.mkdir(parents=True, exist_ok=True)
    for stale in set(out.glob("*.csv")) - {out / r["path"] for r in package["resources"]}:
        stale.unlink()
    counts = {}
    for resource in package["resources"]:
        path = out / resource["path"]
        counts[resource["name"]] = _write_csv(db, resource, path)
        data = path.read_bytes()
        resource |= {"bytes": len(data), "hash": "sha256:" + hashlib.sha256(data).hexdigest()}
    text = json.dumps(package, ensure_ascii=False, indent=2) + "\n"
    (out / DATAPACKAGE).write_text(text, encoding="utf-8")
    notes = annotations(db, base_url, package["licenses"][0]["path"])
    (out / ANNOTATIONS).write_text(json.dumps(notes, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return counts


def annotations(db: sqlite_utils.Database, base_url: str, rights: str) -> list[dict]:
    """Every fact_evidence row as a Web Annotation (W3C Web Annotation Data Model, JSON-LD): the fact's statement
    and row page as body, the article's address with a quote selector (exact, prefix, suffix) and a position
    selector (code points, as the Web Annotation model counts them, of the captured text) as target, and the
    archived copy, if recorded, as the target's state. Its id is the evidence row's page. Evidence that contradicts
    its fact (``fact_evidence.contradicts``; the ``disagreements`` table says how) is ``assessing``: a second body
    says how."""
    base = base_url.rstrip("/")

    def row(table: str, id_: str) -> str:
        return f"{base}/{DATABASE}/{table}/{tilde_encode(id_)}"

    disagree: dict[tuple[str, str], list[dict]] = {}
    for d in db.query("select * from disagreements order by fact_id, source_id, field"):
        disagree.setdefault((d["fact_id"], d["source_id"]), []).append(d)
    sql = """select e.id, e.fact_id, e.source_id, e.start, e."end", e.exact, e.prefix, e.suffix, e.contradicts,
                    f.statement,
                    s.url, s.archive_url, s.archived_at
             from fact_evidence e join facts f on f.id = e.fact_id join sources s on s.id = e.source_id
             order by e.id"""
    out = []
    for e in db.query(sql):
        body = [
            {"type": "TextualBody", "purpose": "describing", "value": e["statement"], "format": "text/plain"},
            {"id": row("facts", e["fact_id"]), "type": "Text", "format": "text/html"},
        ]
        d = disagree.get((e["fact_id"], e["source_id"])) if e["contradicts"] else None
        if d:
            says = " ".join(
                f"This source gives {x['source_says']} where the fact has {x['curated']} ({x['field']})." for x in d
            )
            body.append({"type": "TextualBody", "purpose": "assessing", "value": says, "format": "text/plain"})
        target = {
            "source": e["url"],
            "selector": [
                {"type": "TextQuoteSelector", "exact": e["exact"], "prefix": e["prefix"], "suffix": e["suffix"]},
                {"type": "TextPositionSelector", "start": e["start"], "end": e["end"]},
            ],
        }
        if e["archive_url"]:
            target["state"] = {"type": "TimeState", "cached": e["archive_url"], "sourceDate": e["archived_at"]}
        out.append({
            "@context": ANNO_CONTEXT, "id": row("fact_evidence", e["id"]), "type": "Annotation",
            "motivation": "assessing" if d else "describing", "rights": rights, "body": body, "target": target,
        })  # fmt: skip
    return out


def _write_csv(db: sqlite_utils.Database, resource: dict, path: Path) -> int:
    """RFC 4180 CSV in UTF-8; NULL is the empty cell. Tables in key order, views in their own order."""
    names = [f["name"] for f in resource["schema"]["fields"]]
    order = resource["schema"].get("primaryKey")
    sql = f"select {', '.join(_quote(n) for n in names)} from {_quote(resource['name'])}"
    if order:
        sql += " order by " + ", ".join(_quote(n) for n in order)
    n = 0
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(names)
        for row in db.execute(sql):
            w.writerow(row)
            n += 1
    return n


def _type(db: sqlite_utils.Database, relation: str, column: str, declared: str, description: str) -> str:
    """Table Schema type of a column. SQLite stores days as text: a text column is a ``date`` when it
    holds values and every one is an ISO 8601 day, unless its description says it holds EDTF strings
    (2022-22, 2023-02-XX), which stay ``string`` even where every value happens to be a day."""
    rel, col = _quote(relation), _quote(column)
    stored = frozenset(t for (t,) in db.execute(f"select distinct typeof({col}) from {rel}")) - {"null"}
    kind = DECLARED.get(declared.upper()) or STORED.get(stored, "string")
    if kind != "string" or "EDTF" in description or not stored:
        return kind
    not_days = db.execute(f"select exists(select 1 from {rel} where {col} is not null and date({col}) is not {col})")
    return "string" if not_days.fetchone()[0] else "date"


def _keys(table: sqlite_utils.db.Table) -> dict:
    """Primary and foreign keys as SQLite declares them; a reference to the table itself has resource ""."""
    keys: dict = {}
    if table.use_rowid is False:
        keys["primaryKey"] = list(table.pks)
    if table.foreign_keys:
        keys["foreignKeys"] = [
            {"fields": list(fk.columns),
             "reference": {"resource": "" if fk.other_table == table.name else fk.other_table,
                           "fields": list(fk.other_columns)}}
            for fk in table.foreign_keys
        ]  # fmt: skip
    return keys


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'
