"""The published database, through Datasette in-process: pages, API, metadata and chart links."""

from __future__ import annotations

import asyncio
import html
import sqlite3
from pathlib import Path

import pytest
from datasette.app import Datasette

from etl import load, publish
from etl.publish import PLUGINS_DIR, SETTINGS, TEMPLATES_DIR, chart_links, query_params, read_metadata, viewer
from tests.conftest import METADATA, ROOT
from tests.markup import parse as parse_page
from tests.markup import select

row_url = viewer().row_url

META = read_metadata(METADATA)
CANNED = META["databases"]["facts"]["queries"]
PARAMS = query_params("rferl-2023-02-03")


@pytest.fixture(scope="module")
def get(db_path: Path):
    ds = Datasette(
        [str(db_path)],
        immutables=[],
        metadata=META,
        settings={k: _typed(v) for k, v in SETTINGS.items()},
        plugins_dir=str(PLUGINS_DIR),
        template_dir=str(TEMPLATES_DIR),
    )

    def fetch(*paths: str):
        async def run():
            return [await ds.client.get(p) for p in paths]

        responses = asyncio.run(run())
        return responses if len(paths) > 1 else responses[0]

    return fetch


def _typed(v: str):
    return {"on": True, "off": False}.get(v, int(v) if v.isdigit() else v)


def test_plugins_list_datasette_vega(get):
    names = {p["name"] for p in get("/-/plugins.json").json()}
    assert "datasette-vega" in names


def test_metadata_has_title_license_and_sources(get):
    meta = get("/-/metadata.json").json()
    assert meta["title"].startswith("bakhmut-facts")
    assert meta["license"].startswith("CC BY 4.0") and "creativecommons.org/licenses/by/4.0" in meta["license_url"]
    assert "RFE/RL" in meta["source"] and "Kyiv Independent" in meta["source"]
    home = get("/").text
    for url in ("rferl.org", "kyivindependent.com", "CC BY 4.0", "remain"):
        assert url in home


def test_every_table_view_and_column_is_described():
    tables = META["databases"]["facts"]["tables"]
    assert set(load.TABLES) | set(load.DERIVED) == set(tables)
    for name, (columns, _, _) in load.TABLES.items():
        assert tables[name]["description"]
        assert set(tables[name]["columns"]) == set(columns), name


def test_view_columns_are_described(db):
    tables = META["databases"]["facts"]["tables"]
    for view in load.DERIVED:
        assert set(db[view].columns_dict) == set(tables[view]["columns"]), view


@pytest.mark.parametrize("table", sorted(load.TABLES))
def test_every_table_page_answers(get, db, table):
    html, data = get(f"/facts/{table}", f"/facts/{table}.json?_shape=array&_size=max")
    assert html.status_code == 200 and data.status_code == 200
    assert len(data.json()) == db[table].count


@pytest.mark.parametrize("view", sorted(load.DERIVED))
def test_every_view_answers(get, db, view):
    html, data = get(f"/facts/{view}", f"/facts/{view}.json?_shape=array&_size=max")
    assert html.status_code == 200 and data.status_code == 200
    assert len(data.json()) == len(list(db[view].rows))


def test_facts_json_api_has_values_and_units(get):
    rows = {r["id"]: r for r in get("/facts/facts.json?_shape=array&_size=max").json()}
    assert rows["oil-price-cap-cost-to-russia"]["value"] == 176_000_000
    assert rows["oil-price-cap-cost-to-russia"]["unit"] == "USD"
    assert rows["eu-training-target-raised"]["value"] == 30000


# The two seed articles agree on every figure and date (tests/test_corroboration.py builds one that does not).
EMPTY_ON_SEEDS = {"source_disagreements"}


@pytest.mark.parametrize("name", sorted(CANNED))
def test_every_canned_query_answers_with_rows(get, name):
    path = f"/facts/{name}.json?_shape=array" + (f"&{PARAMS[name]}" if name in PARAMS else "")
    html, data = get(f"/facts/{name}" + (f"?{PARAMS[name]}" if name in PARAMS else ""), path)
    assert html.status_code == 200 and data.status_code == 200, data.text
    if name in EMPTY_ON_SEEDS:
        assert data.json() == []
    else:
        assert len(data.json()) >= 2


def test_canned_query_results(get):
    target = get("/facts/training_target.json?_shape=array").json()
    assert [(r["target"], r["troops"]) for r in target] == [
        ("1. initial target", 15000),
        ("2. raised on 2023-02-03", 30000),
    ]
    topic = get("/facts/facts_by_topic.json?_shape=array&topic=sanctions").json()
    assert {r["topic"] for r in topic} == {"sanctions"} and len(topic) == 7
    hits = get("/facts/search_paragraphs.json?_shape=array&q=Soledar").json()
    assert [h["source_id"] for h in hits] == ["kyivindependent-2023-02-03"] and "⟦Soledar⟧" in hits[0]["snippet"]
    paras = get("/facts/source_paragraphs.json?_shape=array&source=rferl-2023-02-03").json()
    assert [p["ordinal"] for p in paras] == list(range(1, len(paras) + 1)) and paras[0]["kind"] == "headline"
    both = get("/facts/facts_by_source_count.json?_shape=array").json()
    graded = {r["fact_id"]: (r["grade_label"], r["n_origins"], r["sources"]) for r in both}
    assert graded["zelensky-will-not-give-up-bakhmut"] == (
        "confirmed",
        2,
        "kyivindependent-2023-02-03, rferl-2023-02-03",
    )
    assert graded["soledar-distance-from-bakhmut"] == ("possibly true", 1, "kyivindependent-2023-02-03")


def test_foreign_keys_render_as_labels(get):
    row = get("/facts/facts.json?id=oil-price-cap-cost-to-russia&_labels=on&_shape=array").json()[0]
    assert row["claimant_id"] == {"value": "ursula-von-der-leyen", "label": "Ursula von der Leyen"}
    assert row["subject_id"]["label"] == "European Union"


def test_charts_are_the_four_asked_for():
    charts = {c.slug: c for c in chart_links(META)}
    assert set(charts) == {"training_target", "timeline_facts", "facts_per_topic_by_source", "corroboration_by_topic"}
    # Vega-Lite specs (plugins/charts.py): grades stacked in their order (each fact counts once), months as ordinal
    # columns, grouped bars, labelled targets
    credibility = charts["corroboration_by_topic"].spec["encoding"]
    assert (credibility["color"]["field"], credibility["order"]["field"], credibility["y"]["stack"]) == (
        "credibility", "grade", "zero",
    )  # fmt: skip
    assert credibility["color"]["scale"]["domain"][0] == "1 confirmed"
    timeline = charts["timeline_facts"].spec["encoding"]["x"]
    assert (timeline["timeUnit"], timeline["type"]) == ("yearmonth", "ordinal")
    assert charts["facts_per_topic_by_source"].spec["encoding"]["xOffset"]["field"] == "outlet"
    assert "qualifier" in charts["training_target"].spec["transform"][0]["calculate"]


@pytest.mark.parametrize("chart", chart_links(META), ids=lambda c: c.slug)
def test_chart_links_name_columns_of_the_rows_they_chart(get, chart):
    rows = get(f"{chart.path}.json?_shape=array").json()
    assert len(rows) >= 2  # datasette-vega draws nothing for fewer
    for column in chart.columns:
        assert column in rows[0], column
    if chart.state.get("y_type") == "quantitative":
        assert all(isinstance(r[chart.state["y_column"]], int | float) for r in rows)
    y = (chart.spec or {}).get("encoding", {}).get("y", {})
    if y.get("type") == "quantitative":
        assert all(isinstance(r[y["field"]], int) for r in rows)  # counts and troops: integers, never 15000.0


def test_home_page_links_every_chart(get):
    home = get("/").text
    for chart in chart_links(META):
        assert f'href="{html.escape(chart.url)}"' in home


@pytest.mark.parametrize("source", ["rferl-2023-02-03", "kyivindependent-2023-02-03"])
def test_source_row_page_is_the_viewer(get, db, source):
    page = get(row_url("sources", source))
    assert page.status_code == 200
    marks = {m.attrs["data-evidence"]: m.text for m in select(parse_page(page.text), "mark", "evidence")}
    evidence = list(db["fact_evidence"].rows_where("source_id = ?", [source]))
    assert evidence and {e["id"] for e in evidence} == set(marks)
    assert 'class="rows-and-columns"' in page.text  # the row itself is still shown below


@pytest.mark.parametrize("table", ["fact_evidence", "quantities", "dates"])
def test_evidence_figure_and_date_cells_link_to_their_place_in_the_viewer(get, db, table):
    """Each row's words link to the viewer page of its source, at an element that exists there."""
    links = [
        a.attrs["href"].split("#")
        for a in parse_page(get(f"/facts/{table}?_size=max").text)
        if a.tag == "a" and "#" in a.attrs.get("href", "") and a.attrs["href"].startswith("/facts/sources/")
    ]
    assert len(links) == db[table].count
    ids = {page: {e.attrs.get("id") for e in parse_page(get(page).text)} for page in {p for p, _ in links}}
    assert all(anchor in ids[page] for page, anchor in links)


reader = publish.plugin("reader")


def test_readme_opens_with_the_numbers_of_the_database(db_path: Path):
    s = reader.summary(sqlite3.connect(db_path))
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    block = text[text.index("<!-- numbers") : text.index("<!-- /numbers -->")].splitlines()[1:]
    assert block[0] == reader.describe(s)
    assert f"- {s['several']} of the {s['facts']} facts are stated by more than one independent origin" in block[2]
    assert f"{s['evidence']} quoted spans" in block[2]
    years = f"from {reader.date_in_words(s['earliest'])} to {reader.date_in_words(s['latest'])}"
    assert years in block[3] and f"{s['places']} places carry coordinates" in block[3]


def test_home_page_says_what_the_database_holds(get, db):
    home = get("/").text
    assert reader.describe(reader.summary(db.conn)) in home
    s = reader.summary(db.conn)
    assert f"<strong>{s['facts']}</strong> facts" in home and f"{s['places']} places on the map" in home
    for source in db["sources"].rows:
        assert f'href="{source["url"]}">{source["publisher"]}</a>' in home


@pytest.mark.parametrize(
    ("value", "unit", "per", "qualifier", "words"),
    [
        (15000, "troops", None, None, "15,000 troops"),
        (176000000, "USD", "day", "about", "about $176 million per day"),
        (300000000000, "USD", None, None, "$300 billion"),
        (7, "requirements", None, None, "7 requirements"),
        (24, "ordinal", None, None, "24th"),
        (11, "ordinal", None, None, "11th"),
        (1, "ordinal", None, None, "1st"),
        (15, "km", None, "roughly", "roughly 15 km"),
        (2.5, "count", None, None, "2.5"),
    ],
)
def test_figures_read_as_written(value, unit, per, qualifier, words):
    assert reader.figure(value, unit, per, qualifier) == words


@pytest.mark.parametrize(
    ("edtf", "modifier", "words"),
    [("2023-02-03", None, "3 February 2023"), ("2022-02", "late", "late February 2022"),
     ("2022-22", "since", "since summer 2022"), ("2014", "since", "since 2014"), ("2023-10", None, "October 2023")],
)  # fmt: skip
def test_dates_read_as_written(edtf, modifier, words):
    assert reader.date_in_words(edtf, modifier) == words


def test_facts_table_shows_figures_and_dates_in_words_and_json_keeps_integers(get):
    page = get("/facts/facts?id=oil-price-cap-cost-to-russia").text
    assert ">about $176 million per day</span>" in page
    raised = get("/facts/facts.json?_shape=array&id=eu-training-target-raised").json()[0]
    assert raised["value"] == 30000 and isinstance(raised["value"], int)
    assert ">3 February 2023</span>" in get("/facts/facts?id=eu-training-target-raised").text
    assert "30000.0" not in get("/facts/facts.csv?id=eu-training-target-raised").text


def test_ids_in_query_results_link_to_their_rows(get):
    page = get("/facts/facts_by_topic?topic=sanctions").text
    assert '<a href="/facts/facts/oil-price-cap-cost-to-russia">oil-price-cap-cost-to-russia</a>' in page
    search = get("/facts/search_all?q=Soledar").text
    assert '<a href="/facts/entities/soledar">soledar</a>' in search
    paras = get("/facts/source_paragraphs?source=rferl-2023-02-03").text
    assert f'<a href="{row_url("segments", "rferl-2023-02-03:1")}">rferl-2023-02-03:1</a>' in paras


def test_facts_table_lists_each_statements_quotes_with_outlet_date_and_viewer_link(get, db):
    page = get("/facts/facts?id=soledar-distance-from-bakhmut").text
    [e] = db["fact_evidence"].rows_where("fact_id = ?", ["soledar-distance-from-bakhmut"])
    assert f"<q>{html.escape(e['exact'], quote=False)}</q> The Kyiv Independent, 3 February 2023" in page.replace(
        "&#39;", "'"
    )
    assert f'href="{row_url("sources", e["source_id"])}#ev-{e["id"]}">in the article</a>' in page


def test_fact_page_shows_graded_corroboration_attribution_and_said_on(get, db):
    """Issue 11's columns, as the build has them: the grade, independent origins, each span's attribution and the
    parts it states, and the day the claim was made."""
    fact = "oil-price-cap-cost-to-russia"
    c = db["corroboration"].get(fact)
    f = db["facts"].get(fact)
    [e] = db["fact_evidence"].rows_where("fact_id = ?", [fact])
    page = " ".join(get(row_url("facts", fact)).text.split())
    assert f'<span class="grade">{c["grade"]}: {c["grade_label"]}</span>' in page
    assert f"{c['n_origins']} independent origin" in page
    assert f"said on {reader.day_in_words(f['said_on'])}" in page
    parts = ", ".join(p for p in ("value", "date", "subject") if e[f"states_{p}"] == 1)
    assert f"· {e['attribution']} · states the {parts}" in page
    table = get("/facts/facts?id=" + fact).text
    assert f'<span class="grade">{c["grade"]}: {c["grade_label"]}</span>' in table


def test_plumbing_tables_are_hidden_but_reachable_and_spans_read_in_text_order(get):
    listing = get("/facts").text
    for name in ("evidence_quantities", "evidence_dates", "build_info"):
        assert f'href="/facts/{name}"' not in listing.split("hidden table")[0], name
        assert get(f"/facts/{name}").status_code == 200


@pytest.mark.parametrize("table", sorted(t for t, (cols, _, _) in load.TABLES.items() if load.POSITION in cols))
def test_span_tables_list_rows_in_document_order_source_after_source(get, db, table):
    """Unfiltered, a span table's page lists one source's spans in reading order, then the next source's: sorting
    by start alone interleaved the articles."""
    rows = get(f"/facts/{table}.json?_shape=array&_size=max").json()
    order = [(r["source_id"], r["start"]) for r in rows]
    assert len(order) == db[table].count and order == sorted(order)
    assert len({r["source_id"] for r in rows}) == 2 or table in ("statement_renderings", "ignored_spans")


def test_fact_page_names_the_places_its_evidence_names(get):
    page = get(row_url("facts", "soledar-distance-from-bakhmut")).text
    where = page[page.index('<dd class="places">') :].split("</dd>")[0]
    assert ">Bakhmut</a>" in where and ">Soledar</a>" in where and "on the map" in where


def test_sources_listing_links_the_viewer_instead_of_the_full_text(get, db):
    page = get("/facts/sources").text
    for source in db["sources"].rows:
        assert source["text"][200:400] not in page
        assert f"{len(source['text']):,} characters: read it in the viewer</a>" in page


def _site(db_path: Path, paging: dict):
    """The site with other paging settings (metadata.yml's plugins: paging), a page getter."""
    ds = Datasette(
        [str(db_path)],
        immutables=[],
        metadata={**META, "plugins": {**META.get("plugins", {}), "paging": paging}},
        settings={k: _typed(v) for k, v in SETTINGS.items()},
        plugins_dir=str(PLUGINS_DIR),
        template_dir=str(TEMPLATES_DIR),
    )
    return lambda path: asyncio.run(ds.client.get(path))


@pytest.fixture(scope="module")
def get_paged(db_path: Path):
    """The site with pages of 10 rows, so the seeds fill several."""
    return _site(db_path, {"page_size": 10})


def test_canned_queries_come_a_page_at_a_time(get_paged, db):
    """Every page holds page_size rows in the query's order; the pages together hold every row once; the HTML links
    the next page while one is full and the previous one after the first."""
    every = [r["id"] for r in db.query("select id from facts order by topic, id")]
    pages, n = [], 1
    while True:
        rows = get_paged(f"/facts/facts_by_topic.json?_shape=array&topic=&_page={n}").json()
        if not rows:
            break
        pages.append([r["fact_id"] for r in rows])
        n += 1
    assert len(every) > 30 and [len(p) for p in pages[:-1]] == [10] * (len(pages) - 1)
    assert [fact for page in pages for fact in page] == every
    second = get_paged("/facts/facts_by_topic?topic=&_page=2").text
    assert 'href="/facts/facts_by_topic?topic=&amp;_page=3" rel="next"' in second
    assert 'href="/facts/facts_by_topic?topic=" rel="prev"' in second and "rows 11–20" in second
    last = get_paged(f"/facts/facts_by_topic?topic=&_page={len(pages)}").text
    assert 'rel="next"' not in last
    assert 'name="_page"' not in second[second.index("<form") : second.index("</form>")]  # not a form field


SEARCHES = ("search_all", "search_paragraphs")


def test_searches_rank_by_relevance_up_to_a_bound_and_say_when_they_do_not(db_path: Path, get, db):
    """Where more matches than plugins/paging.py's RANKED would cost too much to score, a search lists them in the
    stored order FTS5 gives without scoring, and each row says which order it is in; under the bound, relevance.
    Measured with a bound of 5 on the seeds (Bakhmut is in more paragraphs and facts than that, in fewer quotes)."""
    paging = publish.plugin("paging")
    bounded = _site(db_path, {"ranked": 5})
    conn = sqlite3.connect(db_path)
    match = "select s.id from segments_fts join segments s on s.rowid = segments_fts.rowid where segments_fts match ?"
    bakhmut, soledar = ([r[0] for r in conn.execute(match + order, [w])] for w, order in (
        ("Bakhmut", " order by segments_fts.rowid"), ("Soledar", " order by rank")))  # fmt: skip
    assert len(bakhmut) > 5 >= len(soledar) >= 1
    over = bounded("/facts/search_paragraphs.json?_shape=array&q=Bakhmut").json()
    assert [h["segment_id"] for h in over] == bakhmut and {h["ordered_by"] for h in over} == {
        "stored order: over 5 match"
    }
    under = bounded("/facts/search_paragraphs.json?_shape=array&q=Soledar").json()
    assert [h["segment_id"] for h in under] == soledar and {h["ordered_by"] for h in under} == {"relevance"}
    ranked = get("/facts/search_paragraphs.json?_shape=array&q=Bakhmut").json()  # the real bound: all ranked
    by_rank = [r[0] for r in conn.execute(match + " order by rank", ["Bakhmut"])]
    assert [h["segment_id"] for h in ranked] == by_rank != bakhmut and {h["ordered_by"] for h in ranked} == {
        "relevance"
    }
    # search_all: each kind by itself; Bakhmut's paragraphs and facts unranked, its (fewer) quotes ranked.
    every = bounded("/facts/search_all.json?_shape=array&q=Bakhmut").json()
    segments = [h for h in every if h["kind"] == "segments"]
    assert [h["id"] for h in segments] == bakhmut and segments[0]["ordered_by"] == "stored order: over 5 match"
    facts = [h for h in every if h["kind"] == "facts"]
    fact_ids = [r["id"] for r in db.query(
        "select f.id from facts_fts join facts f on f.rowid = facts_fts.rowid where facts_fts match 'Bakhmut' "
        "order by facts_fts.rowid")]  # fmt: skip
    assert [h["id"] for h in facts] == fact_ids and len(fact_ids) > 5
    quotes = [h for h in every if h["kind"] == "quotes"]
    quote_ids = [r["id"] for r in db.query(
        "select q.id from quotes_fts join quotes q on q.rowid = quotes_fts.rowid where quotes_fts match 'Bakhmut' "
        "order by rank")]  # fmt: skip
    assert [h["id"] for h in quotes] == quote_ids and {h["ordered_by"] for h in quotes} == {"relevance"}
    assert 1 < len(quote_ids) <= 5
    # The descriptions readers see state the bound the plugin applies.
    queries = META["databases"]["facts"]["queries"]
    for name in SEARCHES:
        assert f"more than {paging.RANKED:,} " in " ".join(queries[name]["description"].split()), name


def test_search_all_pages_keep_the_order_of_one_long_list(get_paged, get):
    """search_all's parts each stop at the page's end (:_page_end); the pages still follow one another exactly."""
    whole = get("/facts/search_all.json?_shape=array&q=Bakhmut").json()
    assert 10 < len(whole) < 100
    paged = []
    for n in range(1, len(whole) // 10 + 2):
        paged += get_paged(f"/facts/search_all.json?_shape=array&q=Bakhmut&_page={n}").json()
    assert paged == whole
    assert [r["kind"] for r in whole] == sorted(
        (r["kind"] for r in whole), key=["facts", "quotes", "entities", "segments"].index
    )
