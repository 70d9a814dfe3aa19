"""A real browser on a real server: each chart link opens with the chart drawn, wide enough to read; each source
viewer marks its spans; a fact page shows its quotes and links into the viewer; the search box finds F-16; the map
draws a marker for every place with coordinates; the home page describes the articles the database holds."""

from __future__ import annotations

import os
import re
import shutil

import pytest

from etl.browser import chromium, dump_dom
from etl.build import build
from etl.publish import chart_links, read_metadata, running, viewer
from tests.conftest import FACTS, METADATA, ROOT, SEEDS
from tests.markup import parse, select

row_url = viewer().row_url

pytestmark = pytest.mark.skipif(
    chromium() is None and not os.environ.get("CI"), reason="chromium not installed (CI installs it)"
)


@pytest.fixture(scope="module")
def server(db_path):
    with running(db_path, METADATA) as base:
        yield base


WINDOW = "1400,1000"  # a laptop's page: every chart must be at least 600 px wide on it


@pytest.mark.parametrize("chart", chart_links(read_metadata(METADATA)), ids=lambda c: c.slug)
def test_chart_link_opens_drawn(server, chart):
    dom = dump_dom(server + chart.url, window=WINDOW)
    assert 'class="rows-and-columns"' in dom  # the page itself rendered
    vega = re.search(r'<div class="[^"]*\bvega-embed\b[^"]*"[^>]*>(.*?)</div>', dom, re.S)
    assert vega, "no vega-embed container: the chart was not drawn"
    assert re.search(r"<(svg|canvas)\b", vega.group(1)), "vega container holds no svg or canvas"
    if chart.spec is not None:  # drawn by plugins/charts.py as SVG, titled
        svg = re.search(r'<svg[^>]*\bwidth="(\d+(?:\.\d+)?)"', vega.group(1))
        assert svg and float(svg.group(1)) >= 600, "chart narrower than 600 px"
        assert f">{chart.title}</text>" in vega.group(1), "chart has no title"


def test_fact_page_shows_its_quotes_with_links_into_the_viewer(server, db):
    fact = "oil-price-cap-cost-to-russia"
    dom = parse(dump_dom(server + row_url("facts", fact), budget_ms=1000))
    quotes = [b.text for b in dom if b.tag == "blockquote"]
    evidence = list(db["fact_evidence"].rows_where("fact_id = ?", [fact]))
    assert evidence and sorted(quotes) == sorted(e["exact"] for e in evidence)
    links = select(dom, "a", "viewer-link")
    expected = {f"{row_url('sources', e['source_id'])}#ev-{e['id']}" for e in evidence}
    assert {a.attrs["href"] for a in links} == expected
    assert [d.text for d in select(dom, "dd", "figure")] == ["about $176 million per day"]
    viewer_dom = parse(dump_dom(server + sorted(expected)[0], budget_ms=1000))
    assert select(viewer_dom, "mark", "evidence", id=sorted(expected)[0].split("#")[1])  # the link's target


def test_search_box_finds_f16(server):
    home = parse(dump_dom(server + "/", budget_ms=1000))
    form = [f for f in home if f.tag == "form" and f.attrs.get("action") == "/-/search"]
    assert form, "no search box on the home page"
    dom = dump_dom(server + "/-/search?q=F-16", budget_ms=8000)
    results = re.search(r'id="search-all-results"(.*?)id="search-all-no-results"', dom, re.S).group(1)
    assert "F-16" in results and "<td" in results, "no result rows for F-16"


def test_map_draws_a_marker_for_every_place_with_coordinates(server, db):
    places = db.execute("select count(*) from places where latitude is not null").fetchone()[0]
    assert places >= 10
    dom = dump_dom(server + "/facts/places", budget_ms=8000, window=WINDOW)
    singles = len(re.findall(r'class="leaflet-marker-icon(?![^"]*marker-cluster)', dom))
    clustered = sum(int(n) for n in re.findall(r'marker-cluster[^"]*"[^>]*><div><span>(\d+)</span>', dom))
    assert singles + clustered == places


def test_another_article_changes_the_home_page_description(tmp_path):
    """One more article in seeds/ and its sources.yml entry; metadata.yml untouched."""
    shutil.copytree(SEEDS, tmp_path / "seeds")
    fixtures = ROOT / "tests" / "fixtures"
    shutil.copy(fixtures / "testwire-2023-02-03.txt", tmp_path / "seeds")
    with open(tmp_path / "seeds" / "sources.yml", "a", encoding="utf-8") as f:
        f.write((fixtures / "sources.yml").read_text(encoding="utf-8"))
    db = tmp_path / "facts.db"
    build(tmp_path / "seeds", FACTS, db)
    with running(db, METADATA) as base:
        home = dump_dom(base + "/", budget_ms=1000)
    assert "from 3 news articles (Radio Free Europe/Radio Liberty (RFE/RL), Test Wire and The Kyiv Independent" in home
    assert "Test Wire</a>" in home


@pytest.mark.parametrize("source", ["kyivindependent-2023-02-03", "rferl-2023-02-03"])
def test_source_viewer_marks_every_evidence_figure_and_date(server, db, source):
    """The DOM Chromium built from the served page: every evidence span is a mark whose text is its exact words."""
    dom = parse(dump_dom(server + row_url("sources", source), budget_ms=2000))
    marks = {m.text for m in dom if m.tag == "mark"}
    evidence = list(db["fact_evidence"].rows_where("source_id = ?", [source]))
    assert evidence
    for e in evidence:
        assert e["exact"] in marks, e["id"]
        in_text = select(dom, "mark", "evidence", data_evidence=e["id"])
        assert "".join(m.text for m in in_text) == e["exact"], e["id"]
    for table, cls in (("quantities", "quantity"), ("dates", "date")):
        rows = list(db[table].rows_where("source_id = ?", [source]))
        assert rows
        for r in rows:
            links = select(dom, "a", cls, href=row_url(table, r["id"]))
            assert links and "".join(a.text for a in links) == r["surface"], r["id"]
    chrome = db["segments"].count_where("source_id = ? and kind = 'chrome'", [source])
    assert chrome and len(select(dom, "div", "kind-chrome")) == chrome


def test_table_pages_show_rows_first_with_the_column_dictionary_collapsed(server):
    dom = parse(dump_dom(server + "/facts/facts", budget_ms=1000))
    [details] = select(dom, "details", "column-dictionary")
    assert "open" not in details.attrs and [e for e in dom if e.tag == "dl" and e.inside("details")]
