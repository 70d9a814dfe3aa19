"""The source viewer on each source's row page (/facts/sources/<id>), and links to it from evidence rows.

Thin: the queries and the markup live in etl/viewer.py; this file only runs them through Datasette.
"""

from __future__ import annotations

from datasette import hookimpl
from datasette.utils import tilde_encode, urlsafe_components
from markupsafe import Markup, escape

from etl.viewer import QUERIES, anchor_id, render_source

TEMPLATE = "row-facts-sources.html"  # templates/row-facts-sources.html shows `source_viewer`
LINKED = {("fact_evidence", "exact"), ("quantities", "surface"), ("dates", "surface")}


@hookimpl
def extra_template_vars(template, database, request, datasette):
    if template != TEMPLATE or request is None:
        return {}

    async def source_viewer():
        (source_id,) = urlsafe_components(request.url_vars["pks"])
        db = datasette.get_database(database)
        rows = {name: [dict(r) for r in await db.execute(sql, {"source": source_id})] for name, sql in QUERIES.items()}
        if not rows["source"]:
            return {}

        def url(table: str, row_id: str) -> str:
            return datasette.urls.row(database, table, tilde_encode(row_id))

        return {"source_viewer": render_source(rows, url)}

    return source_viewer


@hookimpl
def render_cell(row, value, column, table, database, datasette):
    """An evidence span's words, or an extracted figure or date, link to their place in the source viewer."""
    if (table, column) not in LINKED or not isinstance(value, str) or not {"id", "source_id"} <= set(row.keys()):
        return None
    source_id = row["source_id"]["value"] if isinstance(row["source_id"], dict) else row["source_id"]  # labels on
    source = datasette.urls.row(database, "sources", tilde_encode(source_id))
    return Markup(f'<a href="{escape(source)}#{escape(anchor_id(table, row["id"]))}">{escape(value)}</a>')
