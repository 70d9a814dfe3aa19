"""The build of the two seeds: every curated fact lands with the right figures and dates."""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

import pytest
import sqlite_utils
import yaml

from etl import load
from etl.build import build, check
from tests.conftest import FACTS, SEEDS


def fact(db: sqlite_utils.Database, id_: str) -> dict:
    return db["facts"].get(id_)


def test_every_curated_fact_is_in_the_database(db):
    curated = {f["id"] for f in yaml.safe_load(FACTS.read_text())["facts"]}
    assert {r["id"] for r in db["facts"].rows} == curated
    assert len(curated) >= 25


def test_sources_match_their_files(db):
    rows = {r["id"]: r for r in db["sources"].rows}
    assert set(rows) == {"rferl-2023-02-03", "kyivindependent-2023-02-03"}
    for r in rows.values():
        raw = (SEEDS / r["file"]).read_bytes()
        assert r["sha256"] == hashlib.sha256(raw).hexdigest()
        assert r["text"] == raw.decode("utf-8")
        assert r["chars"] == len(r["text"])
    assert rows["kyivindependent-2023-02-03"]["authors"] == '["Asami Terajima", "Oleksiy Sorokin"]'
    assert rows["rferl-2023-02-03"]["publisher"] == "Radio Free Europe/Radio Liberty (RFE/RL)"


def test_training_target_15000_superseded_by_30000(db):
    initial, raised = fact(db, "eu-training-target-initial"), fact(db, "eu-training-target-raised")
    assert (initial["value"], initial["unit"], initial["approx"]) == (15000.0, "troops", 0)
    assert (raised["value"], raised["unit"], raised["qualifier"], raised["approx"]) == (30000.0, "troops", "up to", 1)
    assert raised["supersedes"] == "eu-training-target-initial"
    assert raised["date"] == "2023-02-03"


def test_oil_price_cap_is_176_million_usd_a_day_claimed_by_von_der_leyen(db):
    f = fact(db, "oil-price-cap-cost-to-russia")
    assert (f["value"], f["unit"], f["per"], f["qualifier"], f["approx"]) == (176_000_000.0, "USD", "day", "about", 1)
    assert f["claimant_id"] == "ursula-von-der-leyen"


def test_central_bank_assets_300_billion_usd(db):
    f = fact(db, "russian-central-bank-assets")
    assert (f["value"], f["unit"], f["subject_id"]) == (300_000_000_000.0, "USD", "central-bank-of-russia")
    assert "Michel" in f["statement"]


def test_bakhmut_pledge_is_stated_by_both_sources(db):
    sources = {
        r["source_id"] for r in db["fact_evidence"].rows_where("fact_id = ?", ["zelensky-will-not-give-up-bakhmut"])
    }
    assert sources == {"rferl-2023-02-03", "kyivindependent-2023-02-03"}
    exact = {r["exact"] for r in db["fact_evidence"].rows_where("fact_id = ?", ["zelensky-will-not-give-up-bakhmut"])}
    assert "Nobody will give away Bakhmut." in exact
    assert 'President Volodymyr Zelensky says Ukraine "won\'t hand over Bakhmut."' in exact


def test_key_dates(db):
    expected = {
        "eu-ukraine-summit-2023-02-03": ("2023-02-03", None, "2023-02-03", "2023-02-03"),
        "baltic-leaders-riga": ("2023-02-03", None, "2023-02-03", "2023-02-03"),
        "ukrainian-intelligence-warning-2023-02-02": ("2023-02-02", None, "2023-02-02", "2023-02-02"),
        "russia-aims-to-capture-donbas-by-march": ("2023-03", "by", None, "2023-03-31"),
        "tenth-sanctions-package-by-feb-24": ("2023-02-24", "by", None, "2023-02-24"),
        "invasion-first-anniversary": ("2023-02-24", None, "2023-02-24", "2023-02-24"),
        "ukraine-applied-for-eu-membership": ("2022-02", "late", "2022-02-21", "2022-02-28"),
        "ukraine-eu-candidate-status": ("2022-06", None, "2022-06-01", "2022-06-30"),
        "macron-decades": ("2022-05", None, "2022-05-01", "2022-05-31"),
        "eu-plans-negotiations-october": ("2023-10", None, "2023-10-01", "2023-10-31"),
        "kyiv-pushing-for-summer-negotiations": ("2023-22", None, "2023-06-01", "2023-08-31"),
        "ukraine-goal-negotiations-this-year": ("2023", None, "2023-01-01", "2023-12-31"),
        "donbas-occupied-since-2014": ("2014", "since", "2014-01-01", None),
        "russia-battle-for-bakhmut-since-summer-2022": ("2022-22", "since", "2022-06-01", None),
    }
    for id_, want in expected.items():
        f = fact(db, id_)
        assert (f["date"], f["date_modifier"], f["date_earliest"], f["date_latest"]) == want, id_


def test_every_body_figure_is_a_fact(db):
    figures = {(r["fact_id"], r["value"], r["unit"]) for r in db["figures"].rows}
    for want in [
        ("soledar-distance-from-bakhmut", 15.0, "km"),
        ("russian-attacks-four-directions", 4.0, "directions"),
        ("general-staff-reporting-period", 24.0, "hours"),
        ("accession-seven-requirements", 7.0, "requirements"),
        ("eu-officials-at-summit", 12.0, "officials"),
        ("von-der-leyen-two-strategic-mistakes", 2.0, "mistakes"),
        ("tenth-sanctions-package-by-feb-24", 10.0, "ordinal"),
    ]:
        assert want in figures


def test_coverage_is_empty_for_the_seeds(db):
    assert list(db["coverage"].rows) == []


def test_views_exist_and_order(db):
    days = [r["day"] for r in db["timeline"].rows]
    assert days == sorted(days) and days[0] == "2014-01-01"
    corr = {r["fact_id"]: r for r in db["corroboration"].rows}
    assert corr["zelensky-will-not-give-up-bakhmut"]["n_sources"] == 2
    assert corr["oil-price-cap-cost-to-russia"]["sources"] == "kyivindependent-2023-02-03"


def test_derived_tables_store_counts_as_integers_and_words_as_text(db):
    """Each derived column's declared type is what its values are: counts 2, not '2', and no text column holding
    numbers (the JSON API and CSV give what is stored)."""
    stored_as = {"INTEGER": {"integer"}, "TEXT": {"text"}, "REAL": {"real", "integer"}, "ANY": {"integer", "real"}}
    for name in load.DERIVED:
        for col in db[name].columns:
            found = {r[0] for r in db.execute(f"select distinct typeof([{col.name}]) from [{name}]")} - {"null"}
            assert found <= stored_as[col.type], (name, col.name, col.type, found)
            if col.type == "TEXT":  # a count left undeclared would be stored as the text '0'
                values = {r[0] for r in db.execute(f"select distinct [{col.name}] from [{name}]")} - {None}
                assert not values or not all(v.lstrip("-").isdigit() for v in values), (name, col.name, values)
    types = {c.name: c.type for c in db["corroboration"].columns}
    assert types["n_sources"] == types["grade"] == "INTEGER" and types["stated_by"] == "TEXT"
    assert {c.name: c.type for c in db["figures"].columns}["value"] == load.NUMBER  # copied from facts.value
    assert db.execute("select n_origins from corroboration where n_origins = 2").fetchone() == (2,)


def test_a_derived_count_that_names_no_column_is_refused(tmp_path: Path):
    conn = sqlite3.connect(tmp_path / "x.db")
    conn.execute("create table t (a text)")
    typo = load.Derived("select a, count(*) as n from t group by a", "a", counts=("m",))
    with pytest.raises(ValueError, match="derived table d has no column m"):
        load._derived_columns(conn, "d", typo)
    assert load._derived_columns(conn, "d", load.Derived(typo.sql, "a", counts=("n",))) == {"a": "TEXT", "n": "INTEGER"}


def test_foreign_keys_declared_and_hold(db):
    fks = {(fk.table, fk.column, fk.other_table) for fk in db["facts"].foreign_keys}
    assert ("facts", "subject_id", "entities") in fks and ("facts", "supersedes", "facts") in fks
    assert list(db.query("pragma foreign_key_check")) == []


def test_zelensky_is_one_entity_with_three_spellings(db):
    aliases = {r["alias"] for r in db["entity_aliases"].rows_where("entity_id = ?", ["volodymyr-zelensky"])}
    assert {"Zelenskiy", "Zelensky", "Zelenskyi"} <= aliases
    spelled = {r["surface"] for r in db["entity_mentions"].rows_where("entity_id = ?", ["volodymyr-zelensky"])}
    assert {"Zelenskiy", "Zelensky", "Zelenskyi"} <= {s.split()[-1] for s in spelled}


def test_two_builds_are_identical(tmp_path: Path, db_path: Path):
    again = tmp_path / "facts.db"
    build(SEEDS, FACTS, again)
    assert again.read_bytes() == db_path.read_bytes()


def test_segments_cover_every_line_with_a_kind(db):
    kinds = {r["kind"] for r in db["segments"].rows}
    assert kinds == {"headline", "byline", "body", "caption", "chrome"}
    ki = {r["ordinal"]: r["kind"] for r in db["segments"].rows_where("source_id = ?", ["kyivindependent-2023-02-03"])}
    assert ki[1] == "chrome" and ki[3] == "headline" and ki[4] == "byline" and ki[5] == "caption"
    rf = {r["ordinal"]: r["kind"] for r in db["segments"].rows_where("source_id = ?", ["rferl-2023-02-03"])}
    assert rf[1] == "headline" and rf[2] == "caption" and rf[3] == "body" and rf[5] == "chrome"


def test_coverage_lists_an_uncited_figure_until_an_ignore_entry_explains_it(workdir: Path):
    facts = workdir / "facts.yml"
    text = facts.read_text(encoding="utf-8")
    start = text.index("  - id: soledar-distance-from-bakhmut")
    end = text.index("  - id: russian-attacks-four-directions")
    facts.write_text(text[:start] + text[end:], encoding="utf-8")
    db = workdir / "facts.db"
    build(workdir / "seeds", facts, db)
    uncovered = list(sqlite_utils.Database(db)["coverage"].rows)
    assert [(r["kind"], r["surface"], r["reading"]) for r in uncovered] == [("quantity", "15", "15 km")]
    with facts.open("a", encoding="utf-8") as f:
        f.write(
            "\nignore:\n  - source: kyivindependent-2023-02-03\n    quote: roughly 15 kilometers northeast\n"
            "    reason: distance left out on purpose, for this test\n"
        )
    build(workdir / "seeds", facts, db)
    rebuilt = sqlite_utils.Database(db)
    assert list(rebuilt["coverage"].rows) == []
    (ignored,) = rebuilt["ignored_spans"].rows
    assert ignored["exact"] == "roughly 15 kilometers northeast"
    assert ignored["segment_id"] == "kyivindependent-2023-02-03:14"


@pytest.mark.parametrize(("country", "day"), [("US", "2023-03-02"), ("GB", "2023-02-03"), (None, "2023-02-03")])
def test_numeric_dates_read_month_first_only_in_us_copy(workdir, country, day):
    """sources.yml's country decides 3/2/2023: 2 March in US copy, 3 February elsewhere (and when not given)."""
    text = "A test headline\n\nThe talks were held on 3/2/2023 in Kyiv, officials said.\n"
    (workdir / "seeds" / "numeric-2023-03-03.txt").write_text(text, encoding="utf-8")
    entry = (
        "- id: numeric-2023-03-03\n  file: numeric-2023-03-03.txt\n"
        f"  sha256: {hashlib.sha256(text.encode()).hexdigest()}\n  title: A test headline\n  publisher: Test Desk\n"
        "  published: 2023-03-03\n  url: https://example.org/numeric\n  language: en\n"
        + (f"  country: {country}\n" if country else "")
    )
    with open(workdir / "seeds" / "sources.yml", "a", encoding="utf-8") as f:
        f.write(entry)
    rows = check(workdir / "seeds", workdir / "facts.yml")
    assert [d["value"] for d in rows["dates"] if d["source_id"] == "numeric-2023-03-03"] == [day]
    assert [s["country"] for s in rows["sources"] if s["id"] == "numeric-2023-03-03"] == [country]


def test_a_listing_is_cut_at_its_entries_with_their_lines_and_the_anchors_they_use():
    """sources.yml's items, as an incremental build parses only the changed ones: each at the line YAML puts it
    on, each knowing the items whose anchors it uses (the dumper shares equal dates so); anything else at column
    0, or an alias nothing defines, and the file is parsed whole (None)."""
    from etl import sources

    raw = (
        b"# a listing\n\n- id: a\n  published: &id001 2023-02-03\n  url: https://example.org/?a=1&b=2\n"
        b"- id: b\n  published: *id001\n\n# between\n- id: c\n  published: &id002 2023-02-04\n"
        b"- id: d\n  published: *id002\n  updated: *id001\n"
    )
    pieces = sources._items(raw)
    nodes = yaml.compose(raw.decode()).value
    assert [p.first for p in pieces] == [n.start_mark.line + 1 for n in nodes] == [3, 6, 10, 12]
    assert b"".join(p.text for p in pieces) == raw[raw.index(b"- id: a") :]
    assert [p.needs for p in pieces] == [(), (0,), (), (0, 2)]
    assert len({p.key for p in pieces}) == 4
    same = sources._items(raw.replace(b"id: c", b"id: e"))  # an edited item: its key and those using it change
    assert [a.key == b.key for a, b in zip(pieces, same, strict=True)] == [True, True, False, False]
    for other in (b"key: 1\n" + raw, raw + b"- id: e\n  published: *id009\n", raw + b"-\n  id: e\n", b""):
        assert sources._items(other) is None, other


def test_a_build_freezes_what_it_holds_and_leaves_nothing_frozen(tmp_path: Path):
    """Inside a build, what it holds is out of the collector's way (article.frozen; an inner frozen, the worker
    pool's, does not thaw the build's); after it, nothing is frozen."""
    import gc

    from etl.article import frozen

    assert gc.get_freeze_count() == 0
    with frozen():
        outer = gc.get_freeze_count()
        with frozen():
            pass
        assert gc.get_freeze_count() >= outer > 0
    assert gc.get_freeze_count() == 0
    build(SEEDS, FACTS, tmp_path / "facts.db", jobs=2)
    assert gc.get_freeze_count() == 0 and (tmp_path / "facts.db").exists()


@pytest.mark.parametrize("jobs", [1, 2])
def test_the_full_text_indexes_are_those_sqlite_builds_from_the_finished_tables(tmp_path: Path, jobs: int):
    """The staged tables' full-text indexes are built from the staging parts in side files (in a process of their
    own with jobs) and copied in (load.Side): each equals what FTS5 builds from the table in the database, shadow
    table by shadow table, row for row, and searching it finds the rows."""
    import shutil

    path = tmp_path / "facts.db"
    build(SEEDS, FACTS, path, jobs=jobs)
    shutil.copy(path, tmp_path / "rebuilt.db")
    rebuilt = sqlite_utils.Database(tmp_path / "rebuilt.db")
    for table, cols in load.FTS.items():
        rebuilt.execute(f"drop table [{table}_fts]")
        rebuilt[table].enable_fts(cols, tokenize="porter")
    built = sqlite3.connect(path)
    for table in load.FTS:
        shadows = [r[0] for r in built.execute(
            "select name from sqlite_master where type = 'table' and name like ? escape '!'", [f"{table}!_fts!_%"]
        )]  # fmt: skip
        assert sorted(shadows) == [f"{table}_fts_{s}" for s in ("config", "data", "docsize", "idx")]
        for shadow in shadows:
            rows = built.execute(f"select * from [{shadow}] order by 1, 2").fetchall()
            assert rows and rows == rebuilt.execute(f"select * from [{shadow}] order by 1, 2").fetchall(), shadow
    hits = built.execute(
        "select s.id from segments_fts join segments s on s.rowid = segments_fts.rowid where segments_fts match ?",
        ["Bakhmut"],
    ).fetchall()
    texts = [r[0] for r in built.execute("select id from segments where text like '%Bakhmut%' order by rowid")]
    assert [h[0] for h in hits] == texts and len(texts) >= 5


def _pid_or_raise(fail: bool) -> int:
    if fail:
        from etl.errors import InputError

        raise InputError("facts.yml", 3, "a problem beside")
    import os

    return os.getpid()


@pytest.mark.parametrize("parallel", [False, True])
def test_work_beside_runs_in_a_process_of_its_own_only_with_jobs(parallel: bool):
    """etl.beside: with jobs, in one forked process (the same for every task); without, here and at once. An error
    comes back as it was raised (the one-line InputError the CLI reports)."""
    import os

    from etl.beside import Beside
    from etl.errors import InputError

    with Beside(parallel) as beside:
        pids = {beside.run(_pid_or_raise, False).result() for _ in range(3)}
        failed = beside.run(_pid_or_raise, True)
        with pytest.raises(InputError) as raised:
            failed.result()
    assert len(pids) == 1 and (os.getpid() not in pids) == parallel
    assert str(raised.value) == "facts.yml:3: a problem beside"
