"""Canned queries a page at a time: ``:_page_size``, ``:_page_offset`` and ``:_page_end`` in a canned query's SQL
come from the request's ``_page`` (1, 2, ...), and the query page links to the previous and the next one.

Why: Datasette 0.65 pages table pages but not canned queries; they render up to max_returned_rows (1,000) rows and
cut the rest off silently, which on a large archive costs 50-100 ms of HTML per request and hides every row past
the thousandth. Parameters that start with an underscore are Datasette's "magic parameters" (register_magic_parameters):
they are not shown as form fields, so a query's own parameters (``q``, ``topic``) stay the only inputs.
``:_page_end`` (offset + size) lets each part of a union stop at the rows the page can reach.

``:_page_ranked`` bounds a search's ranking: FTS5 scores every match before it can return the best 100 (about
2.5 microseconds each: 170 ms for a word in a fifth of 330,000 paragraphs, half a second for "the"), so the search
queries rank by relevance only when at most this many rows match, and otherwise list the matches in stored (rowid)
order, which FTS5 returns without scoring them, saying so in each row (metadata.yml's search queries).

Self-contained (Datasette only), like the other plugins.
"""

import urllib.parse

from datasette import hookimpl

PAGE_SIZE = 100  # metadata.yml can set others: plugins: {paging: {page_size: N, ranked: M}}
RANKED = 2000  # 5 ms of scoring at most, per searched table


def page_size(datasette) -> int:
    return _setting(datasette, "page_size", PAGE_SIZE)


def ranked(datasette) -> int:
    return _setting(datasette, "ranked", RANKED)


def _setting(datasette, name: str, default: int) -> int:
    return int((datasette.plugin_config("paging") or {}).get(name, default))


def page_number(request) -> int:
    """The requested page, 1 for anything that is not a positive whole number."""
    raw = request.args.get("_page", "") if request is not None else ""
    return int(raw) if raw.isdigit() and int(raw) > 0 else 1


def page_url(request, page: int) -> str:
    """This page's address with ``_page`` set (page 1 without it), every other argument kept."""
    args = [(k, v) for k, v in urllib.parse.parse_qsl(request.query_string, keep_blank_values=True) if k != "_page"]
    if page > 1:
        args.append(("_page", str(page)))
    return request.path + ("?" + urllib.parse.urlencode(args) if args else "")


def is_paged(sql: str | None) -> bool:
    return bool(sql) and ":_page_" in sql


@hookimpl
def register_magic_parameters(datasette):
    size, most = page_size(datasette), ranked(datasette)

    def page(key: str, request) -> int:
        offset = (page_number(request) - 1) * size
        return {"size": size, "offset": offset, "end": offset + size, "ranked": most}[key]  # KeyError: a plain one

    return [("page", page)]


@hookimpl
def extra_template_vars(template, request, datasette):
    if not template.startswith("query") or request is None:
        return {}
    page = page_number(request)
    return {
        "page_size": page_size(datasette),
        "page_number": page,
        "page_is_paged": is_paged,
        "page_next_url": page_url(request, page + 1),
        "page_previous_url": page_url(request, page - 1) if page > 1 else None,
    }
