"""A real browser on a real server: each chart link opens with the chart drawn; each source viewer marks its spans."""

from __future__ import annotations

import os
import re

import pytest

from etl.browser import chromium, dump_dom
from etl.publish import chart_links, read_metadata, running, viewer
from tests.conftest import METADATA
from tests.markup import parse, select

row_url = viewer().row_url

pytestmark = pytest.mark.skipif(
    chromium() is None and not os.environ.get("CI"), reason="chromium not installed (CI installs it)"
)


@pytest.fixture(scope="module")
def server(db_path):
    with running(db_path, METADATA) as base:
        yield base


@pytest.mark.parametrize("chart", chart_links(read_metadata(METADATA)), ids=lambda c: c.slug)
def test_chart_link_opens_drawn(server, chart):
    dom = dump_dom(server + chart.url)
    assert 'class="rows-and-columns"' in dom  # the page itself rendered
    vega = re.search(r'<div class="vega-embed[^"]*"[^>]*>(.*?)</div>', dom, re.S)
    assert vega, "no vega-embed container: the chart was not drawn"
    assert re.search(r"<(svg|canvas)\b", vega.group(1)), "vega container holds no svg or canvas"


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
