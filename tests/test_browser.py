"""A real browser on a real server: each chart link opens with the chart drawn."""

from __future__ import annotations

import os
import re

import pytest

from etl.browser import chromium, dump_dom
from etl.publish import chart_links, read_metadata, running
from tests.conftest import METADATA

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
