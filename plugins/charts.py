"""Charts a reader can read: a canned query with a ``chart:`` key (a Vega-Lite spec without data) opens drawn above its
rows, titled, 700 px wide, from the query's own JSON.

Why not datasette-vega alone: its renderGraph (datasette-vega 0.6.2, src/DatasetteVega.js) builds a spec from mark,
x/y column and type, colour and size only, and embeds it with vega-lite 2's defaults: 200 px for a continuous axis,
21 px per category, no title, stacked bars for any colour. None of that can be set from a link or from metadata, and
CSS can only stretch the drawn canvas (blurring its text). So the charts that need a title, a width, grouped bars or
labels use Vega-Lite 5 directly (vega, vega-lite and vega-embed, vendored in plugins/vendor under their BSD
licences: no network at run time). datasette-vega stays for every other table and query, and its fragment links work.

Self-contained (Datasette only), like the other plugins: a replica has this folder but not the etl package.
"""

import json
from pathlib import Path

from datasette import hookimpl
from datasette.utils.asgi import Response

VENDOR = Path(__file__).parent / "vendor"
SCRIPTS = ["vega.min.js", "vega-lite.min.js", "vega-embed.min.js"]  # in load order: each needs the one before
WIDTH = 700  # px: the plot area, legend and axes come on top; the page is 1400 px wide on a laptop


def chart_spec(query: dict) -> dict | None:
    """The Vega-Lite spec of a canned query's chart, with its title and width filled in; None without ``chart``."""
    chart = query.get("chart")
    if not chart:
        return None
    spec = {"$schema": "https://vega.github.io/schema/vega-lite/v5.json", "width": WIDTH, "height": 320}
    spec.update(chart)
    spec.setdefault("title", query.get("title", ""))
    return spec


async def _vendor(request):
    name = request.url_vars["name"]
    if name not in SCRIPTS:
        return Response.text("not found", status=404)
    body = (VENDOR / name).read_text(encoding="utf-8")
    return Response(body, content_type="application/javascript; charset=utf-8",
                    headers={"cache-control": "max-age=86400"})  # fmt: skip


@hookimpl
def register_routes():
    return [(r"^/-/charts/(?P<name>[a-z.-]+\.js)$", _vendor)]


async def _query_chart(datasette, database, request):
    if request is None or database is None or "table" not in request.url_vars:
        return None
    queries = await datasette.get_canned_queries(database, request.actor)
    query = queries.get(request.url_vars["table"])
    return chart_spec(query) if query else None


@hookimpl
def extra_js_urls(template, database, request, datasette):
    if not template.startswith("query"):
        return []

    async def inner():
        return [f"/-/charts/{s}" for s in SCRIPTS] if await _query_chart(datasette, database, request) else []

    return inner


EMBED = """
(function () {
  var spec = %s;
  var table = document.querySelector('table.rows-and-columns');
  if (!table || typeof vegaEmbed === 'undefined') { return; }
  var el = document.createElement('div');
  el.className = 'reader-chart';
  el.style.margin = '1em 0 1.5em';
  table.parentNode.insertBefore(el, table);
  var params = new URLSearchParams(location.search);
  params.set('_shape', 'array');
  params.set('_size', 'max');
  spec.data = {url: location.pathname.replace(/\\/$/, '') + '.json?' + params.toString()};
  vegaEmbed(el, spec, {renderer: 'svg', actions: {export: true, source: false, compiled: false, editor: false}});
})();
"""


@hookimpl
def extra_body_script(template, database, request, datasette):
    if not template.startswith("query"):
        return ""

    async def inner():
        spec = await _query_chart(datasette, database, request)
        return EMBED % json.dumps(spec).replace("</", "<\\/") if spec else ""

    return inner
