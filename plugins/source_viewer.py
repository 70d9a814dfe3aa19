"""The source viewer: one article as paragraphs, with evidence spans, figures and dates marked in place, on the
row page of each source (/facts/sources/<id>); and links to it from evidence, figure and date cells.

One self-contained file (Datasette and markupsafe only), because a replica's image has Datasette and this plugins
folder but not our etl package. ``render_source`` is a pure function from database rows to an HTML string, unit-
tested on the real seeds (tests load this file with etl.publish.viewer()); the two hooks at the end run it.

Spans nest and overlap (two facts can cite the same words, a fact's span can contain another's, two spans can
cross), so the text is cut at every span boundary and rendered with a stack of open elements: an element that must
close while a later-opened one is still open closes that one too and reopens it after. The markup is therefore
always well formed; a span that had to be reopened is shown in parts, every part carrying the span's id, and the
paragraph's note for it quotes the span whole in one ``mark`` as well. Offsets are code points: Python slices.
"""

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from itertools import groupby

from datasette import hookimpl
from datasette.utils import tilde_encode, urlsafe_components
from markupsafe import Markup, escape

# Rows the viewer needs, by name; each takes :source. Shared by the plugin and the tests.
QUERIES = {
    "source": "select id, title, text, archive_url, archived_at from sources where id = :source",
    "segments": 'select id, kind, start, "end" from segments where source_id = :source order by start',
    "evidence": """select e.id, e.fact_id, f.statement, e.start, e."end", e.exact
        from fact_evidence e join facts f on f.id = e.fact_id
        where e.source_id = :source order by e.start, e."end" desc, e.id""",
    "quantities": """select id, start, "end", surface, value, value_max, unit, per, qualifier
        from quantities where source_id = :source order by start""",
    "dates": """select id, start, "end", surface, value, earliest, latest
        from dates where source_id = :source order by start""",
}

# Segment kinds and how the legend names them; chrome is site furniture, shown greyed.
KINDS = {
    "headline": "headline",
    "byline": "byline",
    "body": "body",
    "caption": "photo caption",
    "chrome": "site chrome",
}
# EDTF values that are also valid HTML datetime values (2022-22, summer 2022, is not).
_HTML_DATE = re.compile(r"\d{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?)?")


def anchor_id(table: str, row_id: str) -> str:
    """The element id of a row's span in the viewer page, for links like /facts/sources/<id>#<anchor>."""
    return {"fact_evidence": "ev", "quantities": "q", "dates": "d"}[table] + "-" + row_id


def row_url(table: str, row_id: str, database: str = "facts") -> str:
    """Datasette's row URL: ids contain ':' and '@', tilde-encoded as Datasette 0.65 expects."""
    return f"/{database}/{table}/{tilde_encode(row_id)}"


@dataclass(eq=False)
class _Span:
    """One element over [start, end) of the source text: its opening tag and closing tag."""

    start: int
    end: int
    open_tag: str
    close_tag: str
    anchor: bool  # an <a>: no other <a> may be opened inside it
    element_id: str = ""  # id of the first part, so a row can link to the place in the text
    after: str = ""  # HTML to put after the span's last part (an evidence span's footnote link)
    evidence: dict | None = None
    parts: int = 0  # how many times it was opened: more than once means it is shown in parts


def render_source(rows: dict[str, list[dict]], url: Callable[[str, str], str] = row_url) -> Markup:
    """HTML of one source from the rows of ``QUERIES``: paragraphs with evidence, figure and date marks, and notes.

    ``url(table, id)`` makes row links (the plugin passes one that respects Datasette's base_url).
    """
    text = rows["source"][0]["text"]
    numbers = _fact_numbers(rows["evidence"])
    spans = [_evidence_span(e, numbers[e["fact_id"]], url) for e in rows["evidence"]]
    spans += [_quantity_span(q, url) for q in rows["quantities"]]
    spans += [_date_span(d, url) for d in rows["dates"]]
    # Render every paragraph first: whether a span had to be cut into parts is known only after all are rendered.
    bodies = [(seg, list(_tokens(text, seg["start"], seg["end"], spans))) for seg in rows["segments"]]
    by_paragraph = {
        seg["id"]: [e for e in rows["evidence"] if seg["start"] <= e["start"] < seg["end"]] for seg in rows["segments"]
    }
    split = {s.evidence["id"] for s in spans if s.evidence is not None and s.parts > 1}
    out = [_legend(), *_archive(rows["source"][0])]
    for seg, tokens in bodies:
        kind = seg["kind"]
        notes = [_note(e, numbers[e["fact_id"]], e["id"] in split, url) for e in by_paragraph[seg["id"]]]
        out.append(
            f'<div class="para kind-{escape(kind)}" id="seg-{escape(seg["id"])}" data-kind="{escape(kind)}">'
            f'<p class="text">{"".join(_serialize(tokens))}</p>'
            + (f'<ol class="notes">{"".join(notes)}</ol>' if notes else "")
            + "</div>"
        )
    return Markup('<div class="source-viewer">' + "\n".join(out) + "</div>")


def _fact_numbers(evidence: list[dict]) -> dict[str, int]:
    """Footnote numbers: facts in order of their first span in this source."""
    numbers: dict[str, int] = {}
    for e in evidence:
        numbers.setdefault(e["fact_id"], len(numbers) + 1)
    return numbers


def _evidence_span(e: dict, n: int, url: Callable[[str, str], str]) -> _Span:
    statement = escape(e["statement"])
    attrs = (
        f'class="evidence" data-evidence="{escape(e["id"])}" data-fact="{escape(e["fact_id"])}" '
        f'data-start="{e["start"]}" data-end="{e["end"]}" title="{statement}"'
    )
    # The footnote link has no text (CSS draws the number), so the text inside any mark stays the quoted words.
    ref = (
        f'<a class="fact-ref" href="{escape(url("facts", e["fact_id"]))}" data-n="{n}" '
        f'title="{statement}" aria-label="fact {n}: {statement}"></a>'
    )
    return _Span(e["start"], e["end"], f"<mark {attrs}>", "</mark>", False, anchor_id("fact_evidence", e["id"]), ref, e)


def _quantity_span(q: dict, url: Callable[[str, str], str]) -> _Span:
    reading = " ".join(
        str(x)
        for x in (
            q["qualifier"],
            _number(q["value"]) + (f"–{_number(q['value_max'])}" if q["value_max"] is not None else ""),
            q["unit"],
            f"per {q['per']}" if q["per"] else None,
        )
        if x
    )
    tag = f'<a class="quantity" href="{escape(url("quantities", q["id"]))}" title="figure: {escape(reading)}">'
    return _Span(q["start"], q["end"], tag, "</a>", True, anchor_id("quantities", q["id"]))


def _date_span(d: dict, url: Callable[[str, str], str]) -> _Span:
    value = d["value"]
    when = f' datetime="{escape(value)}"' if _HTML_DATE.fullmatch(value) else ""
    days = f"{d['earliest'] or '…'} to {d['latest'] or '…'}"
    title = f"date: {value}" + ("" if d["earliest"] == d["latest"] == value else f" ({days})")
    tag = f'<a class="date" href="{escape(url("dates", d["id"]))}" title="{escape(title)}"><time{when}>'
    return _Span(d["start"], d["end"], tag, "</time></a>", True, anchor_id("dates", d["id"]))


def _number(v: float) -> str:
    return f"{v:,.0f}" if float(v).is_integer() else f"{v:,}"


def _tokens(text: str, start: int, end: int, spans: list[_Span]) -> Iterator[tuple[str, object]]:
    """Text pieces and open/close events for text[start:end], with spans clipped to it, always well nested.

    Outer spans open first (earlier start, then later end, then non-links before links). When a span ends, every
    span opened after it that is still open closes first and reopens after it: that span is then in parts.
    """
    inside = [s for s in spans if s.start < end and s.end > start and s.end > s.start]
    inside.sort(key=lambda s: (max(s.start, start), -min(s.end, end), s.anchor))
    points = sorted({start, end} | {max(s.start, start) for s in inside} | {min(s.end, end) for s in inside})
    starting = {p: list(g) for p, g in groupby(inside, key=lambda s: max(s.start, start))}
    stack: list[_Span] = []
    pos = start
    for point in points:
        if point > pos:
            yield "text", text[pos:point]
        pos = point
        ending = [i for i, s in enumerate(stack) if min(s.end, end) == point]
        if ending:
            k = ending[0]
            for s in reversed(stack[k:]):
                yield ("end" if s.end == point else "close"), s
            reopen = sorted((s for s in stack[k:] if min(s.end, end) != point), key=lambda s: -s.end)
            del stack[k:]
            for s in reopen:
                stack.append(s)
                s.parts += 1
                yield "open", s
        for s in starting.get(point, []):
            stack.append(s)
            s.parts += 1
            yield "start", s


def _serialize(tokens: list[tuple[str, object]]) -> Iterator[str]:
    """HTML from tokens: text escaped, and what goes after a span once its last part has closed.

    That is a link, so it waits until no figure or date link is open (links cannot nest).
    """
    open_links = 0
    pending: list[str] = []
    for kind, value in tokens:
        if kind == "text":
            yield str(escape(value))
            continue
        span: _Span = value  # type: ignore[assignment]
        if kind in ("start", "open"):
            open_links += span.anchor
            first = kind == "start" and span.element_id
            yield span.open_tag[:-1] + f' id="{escape(span.element_id)}">' if first else span.open_tag
            continue
        open_links -= span.anchor
        yield span.close_tag
        if kind == "end" and span.after:
            pending.append(span.after)
        if not open_links:
            yield from pending
            pending.clear()
    yield from pending


def _note(e: dict, n: int, split: bool, url: Callable[[str, str], str]) -> str:
    """The paragraph's note for one evidence span: the fact's statement, linked; the quote whole when cut in parts."""
    link = f'<a href="{escape(url("facts", e["fact_id"]))}">{escape(e["statement"])}</a>'
    whole = (
        f'<span class="whole">marked in parts in the text; whole: '
        f'<mark class="evidence-whole" data-evidence="{escape(e["id"])}">{escape(e["exact"])}</mark></span>'
        if split
        else ""
    )
    return f'<li value="{n}" data-evidence="{escape(e["id"])}">{link}{whole}</li>'


def _archive(source: dict) -> list[str]:
    """A link to the archived copy of the page, when sources.yml records one: the live page may have changed."""
    if not source.get("archive_url"):
        return []
    url = escape(source["archive_url"])
    return [f'<p class="archive">Archived copy of the page: <a href="{url}">{url}</a>, captured '
            f'<time datetime="{escape(source["archived_at"])}">{escape(source["archived_at"])}</time></p>']  # fmt: skip


def _legend() -> str:
    kinds = " ".join(f'<span class="kind kind-{k}">{escape(name)}</span>' for k, name in KINDS.items())
    return (
        '<p class="legend"><mark class="legend-evidence">words a fact cites</mark>'
        '<a class="fact-ref legend-ref" data-n="n"></a> (the number links to the fact) · '
        '<span class="quantity">figure</span> · <span class="date">date</span> '
        "(each links to its extracted row) · paragraphs: " + kinds + "</p>"
    )


# --- Datasette hooks ---------------------------------------------------------------------------------------

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
