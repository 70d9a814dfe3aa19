"""What a reader sees: search that never fails, facts with their evidence, ids as links, numbers on the home page,
the About page, and the site text that names the sources, computed from the database rather than written by hand.

One self-contained file (Datasette and markupsafe only), like source_viewer.py, because a replica's image has
Datasette and this plugins folder but not the etl package. The formatting functions are pure and unit-tested
(tests load this file with etl.publish.reader()).
"""

import re
import sqlite3
from datetime import date as Date

from datasette import hookimpl
from datasette.utils import escape_fts, tilde_encode, urlsafe_components
from datasette.utils.asgi import Response
from markupsafe import Markup, escape

# --- Search ------------------------------------------------------------------------------------------------

# Snippets mark hits with these (canned query search_all); HTML shows them as <mark>, never as the [brackets] a
# translator puts inside a quotation.
HIT_OPEN, HIT_CLOSE = "⟦", "⟧"
_HIT = re.compile(f"{HIT_OPEN}(.*?){HIT_CLOSE}", re.S)
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def safe_fts(query: str | None) -> str:
    """An FTS5 query that matches ``query``'s words as phrases and can never be a syntax error.

    Datasette's escape_fts quotes each word; it leaves an empty query (or a lone ``"``) empty, which FTS5 refuses,
    and passes NUL through, which ends the string early. The empty phrase ``""`` matches nothing, without error.
    """
    return escape_fts(_CONTROL.sub(" ", query or "")) or '""'


@hookimpl(trylast=True)
def prepare_connection(conn):
    # Datasette's table search (?_search=) calls escape_fts(:search) in SQL: this one, registered after Datasette's
    # own (trylast), replaces it and takes every input.
    conn.create_function("escape_fts", 1, safe_fts, deterministic=True)


# --- Formatting: figures and EDTF dates in words ------------------------------------------------------------

CURRENCY = {"USD": "$", "EUR": "€", "GBP": "£"}
SCALES = [(10**12, "trillion"), (10**9, "billion"), (10**6, "million")]
MONTHS = [
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
]  # fmt: skip
SEASONS = {21: "spring", 22: "summer", 23: "autumn", 24: "winter"}


def number(value: float | int) -> str:
    """15000 -> '15,000'; 7.0 -> '7'; 0.5 -> '0.5'."""
    if float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:,}"


def ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def figure(value: float | int | None, unit: str | None, per: str | None = None, qualifier: str | None = None) -> str:
    """A fact's figure as a reader writes it: '15,000 troops', 'about $176 million per day', '10th'."""
    if value is None:
        return ""
    if unit == "ordinal":
        text = ordinal(int(value))
    else:
        amount = number(value)
        for size, word in SCALES:
            if abs(value) >= size and (value / size * 10).is_integer():
                amount = f"{number(value / size)} {word}"
                break
        if unit in CURRENCY:
            text = CURRENCY[unit] + amount
        elif unit and unit != "count":
            text = f"{amount} {unit}"
        else:
            text = amount
    if per:
        text += f" per {per}"
    return f"{qualifier} {text}" if qualifier else text


def day_in_words(iso: str) -> str:
    """'2023-02-03' -> '3 February 2023'."""
    d = Date.fromisoformat(iso)
    return f"{d.day} {MONTHS[d.month - 1]} {d.year}"


def date_in_words(edtf: str | None, modifier: str | None = None) -> str:
    """An EDTF date (day, month, season or year) with its modifier, in words: 'late February 2022', 'since 2014'."""
    if not edtf:
        return ""
    parts = edtf.split("-")
    if len(parts) == 3 and parts[2].isdigit():
        text = day_in_words(edtf)
    elif len(parts) >= 2 and parts[1].isdigit() and int(parts[1]) in SEASONS:
        text = f"{SEASONS[int(parts[1])]} {parts[0]}"
    elif len(parts) >= 2 and parts[1].isdigit() and 1 <= int(parts[1]) <= 12:
        text = f"{MONTHS[int(parts[1]) - 1]} {parts[0]}"
    else:
        text = parts[0]
    return f"{modifier} {text}" if modifier else text


# --- Links ---------------------------------------------------------------------------------------------------

# Columns of query results that hold a row id, and the table it is a row of.
ID_COLUMNS = {
    "fact_id": "facts",
    "source_id": "sources",
    "a_source_id": "sources",
    "b_source_id": "sources",
    "segment_id": "segments",
    "entity_id": "entities",
    "subject_id": "entities",
    "speaker_id": "entities",
    "claimant_id": "entities",
    "statement_id": "statements",
    "quote_variant_id": "quote_variants",
    "quantity_id": "quantities",
    "date_id": "dates",
    "quote_id": "quotes",
    "evidence_id": "fact_evidence",
}
VIEWER_ANCHORS = {"fact_evidence": "ev", "quantities": "q", "dates": "d"}  # as in source_viewer.anchor_id


def _cell(row, column):
    value = row[column] if column in row.keys() else None  # noqa: SIM118 (sqlite3.Row: no `in`)
    return value["value"] if isinstance(value, dict) else value


@hookimpl
def render_cell(row, value, column, table, database, datasette):
    """Search hits marked; ids in query results as links to their rows; facts' figures and dates in words; a
    source's text as its length and a link to the viewer (which shows it whole) instead of the whole article."""
    if isinstance(value, str) and HIT_OPEN in value:
        marked = _HIT.sub(lambda m: f"<mark>{escape(m.group(1))}</mark>", str(escape(value)))
        return Markup(marked)
    if table is None and isinstance(value, str) and value:
        target = ID_COLUMNS.get(column)
        if column == "id" and {"kind", "snippet"} <= set(row.keys()):  # a search hit: `kind` names its table
            target = _cell(row, "kind")
        if target:
            return Markup(
                f'<a href="{escape(datasette.urls.row(database, target, tilde_encode(value)))}">{escape(value)}</a>'
            )
    if column == "wikidata" and isinstance(value, str) and re.fullmatch(r"Q[1-9]\d*", value):
        return Markup(f'<a href="https://www.wikidata.org/wiki/{value}">{value}</a>')
    if table == "facts" and column == "statement" and isinstance(value, str):
        return _statement_with_evidence(datasette, database, _cell(row, "id"), value)
    if table == "facts" and column == "value" and value is not None:
        unit, per, qualifier = (_cell(row, c) for c in ("unit", "per", "qualifier"))
        return Markup(f'<span title="{escape(value)}">{escape(figure(value, unit, per, qualifier))}</span>')
    if table == "facts" and column == "date" and value:
        words = date_in_words(value, _cell(row, "date_modifier"))
        return Markup(f'<span title="EDTF {escape(value)}">{escape(words)}</span>')
    if table == "sources" and column == "text" and isinstance(value, str):
        source = datasette.urls.row(database, "sources", tilde_encode(str(_cell(row, "id"))))
        return Markup(f'<a href="{escape(source)}">{len(value or ""):,} characters: read it in the viewer</a>')
    return None


QUOTE_CHARS = 140  # of each quote shown under a statement on the facts table; the fact page shows them whole


async def _statement_with_evidence(datasette, database, fact_id, statement):
    """A statement on the facts table, with its credibility and each quote's outlet, date and link into the article."""
    grade, evidence = await _evidence_of(datasette, database, fact_id)
    items = []
    for e in evidence:
        source = datasette.urls.row(database, "sources", tilde_encode(e["source_id"]))
        quote = e["exact"] if len(e["exact"]) <= QUOTE_CHARS else e["exact"][:QUOTE_CHARS].rstrip() + "…"
        items.append(
            f"<li><q>{escape(quote)}</q> {escape(e['publisher'])}, {escape(day_in_words(e['published']))} "
            f'<a href="{escape(source)}#{VIEWER_ANCHORS["fact_evidence"]}-{escape(e["id"])}">in the article</a></li>'
        )
    head = f'<span class="grade">{grade[0]}: {escape(grade[1])}</span> ' if grade and grade[0] else ""
    return Markup(
        f'{escape(statement)}<div class="fact-evidence">{head}<ul style="margin: 0.3em 0 0 1em; font-size: 0.85em;">'
        f"{''.join(items)}</ul></div>"
    )


# The evidence and grade of every fact of an immutable database, read in one pass on first use: the facts table shows
# them under each statement, and two queries per row (each a thread round trip) were a third of the page's time.
_EVIDENCE: dict[tuple, tuple[dict, dict]] = {}
ALL_EVIDENCE_SQL = """select e.fact_id, e.id, e.source_id, e.exact, s.publisher, s.published
    from fact_evidence e join sources s on s.id = e.source_id order by e.fact_id, s.published, e.source_id, e.start"""
GRADE_SQL = "select grade, grade_label from corroboration where fact_id = ?"


def _all_evidence(conn: sqlite3.Connection) -> tuple[dict, dict]:
    cursor = conn.cursor()
    cursor.row_factory = sqlite3.Row  # this cursor only: the connection is Datasette's
    evidence: dict[str, list] = {}
    for r in cursor.execute(ALL_EVIDENCE_SQL):
        evidence.setdefault(r["fact_id"], []).append(r)
    try:
        grades = {r[0]: (r[1], r[2]) for r in conn.execute("select fact_id, grade, grade_label from corroboration")}
    except sqlite3.OperationalError:  # no graded corroboration in this database
        grades = {}
    return grades, evidence


async def _evidence_of(datasette, database, fact_id) -> tuple[tuple | None, list]:
    """(grade, grade_label) or None, and the fact's evidence rows in reading order."""
    db = datasette.get_database(database)
    if db.is_mutable:
        evidence = (await db.execute(EVIDENCE_SQL, {"id": fact_id})).rows
        try:
            grade = (await db.execute(GRADE_SQL, [fact_id])).rows
        except Exception:  # no graded corroboration in this database
            grade = []
        return (tuple(grade[0]) if grade else None), evidence
    key = (database, db.path)
    if key not in _EVIDENCE:
        _EVIDENCE[key] = await db.execute_fn(_all_evidence)
    grades, evidence = _EVIDENCE[key]
    return grades.get(fact_id), evidence.get(fact_id, [])


# --- Numbers from the database ---------------------------------------------------------------------------------

SUMMARY_SQL = {
    "sources": "select count(*) from sources",
    "outlets": "select count(distinct publisher) from sources",
    "facts": "select count(*) from facts",
    "evidence": "select count(*) from fact_evidence",
    "quotes": "select count(*) from quotes",
    "places": "select count(*) from entities where type = 'place' and latitude is not null",
    "first_published": "select min(published) from sources",
    "last_published": "select max(published) from sources",
    # the EDTF dates of the earliest and the latest dated fact ("2014", "2023-10")
    "earliest": "select date from facts where date is not null "
    "order by coalesce(date_earliest, date_latest), id limit 1",
    "latest": "select date from facts where date is not null "
    "order by coalesce(date_latest, date_earliest) desc, id limit 1",
}
# Facts stated by two or more independent origins (issue 11's corroboration.n_origins), or by two or more sources
# where that column is not there.
SEVERAL_SQL = [
    "select count(*) from corroboration where n_origins >= 2",
    "select count(*) from corroboration where n_sources >= 2",
]


def summary(conn: sqlite3.Connection) -> dict:
    """What the dataset holds, counted: sources, outlets, facts, their date range, facts several origins state."""
    out = {key: conn.execute(sql).fetchone()[0] for key, sql in SUMMARY_SQL.items()}
    for sql in SEVERAL_SQL:
        try:
            out["several"] = conn.execute(sql).fetchone()[0]
            break
        except sqlite3.OperationalError:
            continue
    # The newest articles by name (all of them while there are few), and the outlets with the most articles: the
    # home page and every footer show them, so their length must not grow with the archive.
    out["outlet_names"] = [
        dict(zip(("publisher", "url", "published", "id", "title"), r, strict=True), published_words=day_in_words(r[2]))
        for r in conn.execute(
            "select publisher, url, published, id, title from sources order by published desc, id limit ?",
            (LISTED_ARTICLES,),
        )
    ]
    out["publishers"] = [
        r[0]
        for r in conn.execute(
            "select publisher from sources group by publisher order by count(*) desc, publisher limit ?",
            (LISTED_OUTLETS,),
        )
    ]
    return out


LISTED_ARTICLES = 10
LISTED_OUTLETS = 10


def outlets_in_words(s: dict) -> str:
    """'A, B and C': the outlets by name, alphabetically; past LISTED_OUTLETS, those with the most articles and a
    count of the others."""
    outlets = sorted(s["publishers"])
    if s["outlets"] > len(outlets):
        others = s["outlets"] - len(outlets)
        outlets.append(f"{others:,} other outlet{'s' if others != 1 else ''}")
    return ", ".join(outlets[:-1]) + (" and " if len(outlets) > 1 else "") + outlets[-1] if outlets else "no outlet"


def describe(s: dict) -> str:
    """One sentence, from the numbers, that says what the dataset holds."""
    names = outlets_in_words(s)
    when = (
        day_in_words(s["first_published"])
        if s["first_published"] == s["last_published"]
        else f"{day_in_words(s['first_published'])} to {day_in_words(s['last_published'])}"
    ) if s["first_published"] else "no date"  # fmt: skip
    articles = "article" if s["sources"] == 1 else "articles"
    return (
        f"{s['facts']:,} facts from {s['sources']:,} news {articles} ({names}; published {when}), each linked to "
        f"the exact words that state it."
    )


_SUMMARIES: dict[tuple, dict] = {}


def database_summary(datasette) -> dict | None:
    """The summary of the facts database, read once per file (the database is immutable while served)."""
    db = datasette.databases.get("facts")
    if db is None or not db.path:
        return None
    from pathlib import Path

    stat = Path(db.path).stat()
    key = (db.path, stat.st_size, stat.st_mtime_ns)
    if key not in _SUMMARIES:
        with sqlite3.connect(f"file:{db.path}?mode=ro", uri=True) as conn:
            _SUMMARIES[key] = summary(conn)
    return _SUMMARIES[key]


@hookimpl
def get_metadata(datasette, key, database, table):
    """The footer's data source and the site description, from the sources table: never stale when an article is
    added. metadata.yml holds no such keys (what it sets would take precedence)."""
    s = database_summary(datasette)
    if s is None:
        return {}
    return {
        "description": describe(s),
        "source": f"{s['sources']} articles from {outlets_in_words(s)}",
        "source_url": "/facts/sources",
    }


# --- The fact page -------------------------------------------------------------------------------------------

FACT_TEMPLATE = "row-facts-facts.html"
FACT_SQL = """select f.*, subj.name as subject_name, cl.name as claimant_name
    from facts f left join entities subj on subj.id = f.subject_id left join entities cl on cl.id = f.claimant_id
    where f.id = :id"""
EVIDENCE_SQL = """select e.*, s.publisher, s.published, s.title as source_title, s.url as source_url
    from fact_evidence e join sources s on s.id = e.source_id
    where e.fact_id = :id order by s.published, e.source_id, e.start"""
PLACES_SQL = """select p.id, p.name, p.latitude from fact_places fp join entities p on p.id = fp.place_id
    where fp.fact_id = :id order by p.name"""
ATTRIBUTION_PARTS = ("states_value", "states_date", "states_subject")


def citation(fact: dict, evidence: list[dict], permalink: str) -> str:
    """A citation of one fact: statement, outlet(s) with date and URL, and the permanent row link."""
    seen, outlets = set(), []
    for e in evidence:
        if e["source_id"] not in seen:
            seen.add(e["source_id"])
            outlets.append(f"{e['publisher']}, {day_in_words(e['published'])}, {e['source_url']}")
    return f"“{fact['statement']}” As reported by {'; '.join(outlets)}. bakhmut-facts, {permalink}"


@hookimpl
def extra_template_vars(template, database, request, datasette):
    if template == FACT_TEMPLATE and request is not None:
        return lambda: _fact_vars(datasette, database, request)
    if template == "index.html":
        return lambda: _index_vars(datasette)
    return {}


async def _fact_vars(datasette, database, request):
    (fact_id,) = urlsafe_components(request.url_vars["pks"])
    db = datasette.get_database(database)
    rows = [dict(r) for r in await db.execute(FACT_SQL, {"id": fact_id})]
    if not rows:
        return {}
    fact = rows[0]
    evidence = [dict(r) for r in await db.execute(EVIDENCE_SQL, {"id": fact_id})]
    for e in evidence:
        source = datasette.urls.row(database, "sources", tilde_encode(e["source_id"]))
        e["viewer_url"] = f"{source}#{VIEWER_ANCHORS['fact_evidence']}-{e['id']}"
        e["row_url"] = datasette.urls.row(database, "fact_evidence", tilde_encode(e["id"]))
        e["published_words"] = day_in_words(e["published"])
        e["parts"] = [p.split("_")[1] for p in ATTRIBUTION_PARTS if e.get(p) == 1]
    try:
        found = await db.execute("select * from corroboration where fact_id = :id", {"id": fact_id})
        corroboration = dict(found.rows[0]) if found.rows else {}
    except Exception:  # a database built without the derived table
        corroboration = {}
    try:
        places = [dict(r) for r in await db.execute(PLACES_SQL, {"id": fact_id})]
    except Exception:  # a database built before fact_places
        places = []
    names = {r["id"]: r["publisher"] for r in await db.execute("select id, publisher from sources")}
    for key in ("sources", "partial_sources", "origins"):
        if corroboration.get(key):
            corroboration[key + "_names"] = ", ".join(
                names.get(x.strip(), x.strip()) for x in corroboration[key].split(",")
            )
    permalink = datasette.absolute_url(request, datasette.urls.row(database, "facts", tilde_encode(fact_id)))
    return {
        "fact": fact,
        "fact_figure": figure(fact["value"], fact["unit"], fact["per"], fact["qualifier"]),
        "fact_date": date_in_words(fact["date"], fact["date_modifier"]),
        "said_on": day_in_words(fact["said_on"]) if fact.get("said_on") else "",
        "evidence": evidence,
        "places": places,
        "corroboration": corroboration,
        "citation": citation(fact, evidence, permalink),
    }


async def _index_vars(datasette):
    s = database_summary(datasette)
    if s is None:
        return {}
    queries = await datasette.get_canned_queries("facts", None)
    charts = [
        {"title": q.get("title", name), "url": datasette.urls.path(f"/facts/{name}")
         + (f"#{q['fragment']}" if "fragment" in q and "chart" not in q else "")}
        for name, q in queries.items() if "chart" in q or "fragment" in q
    ]  # fmt: skip
    return {
        "summary": s,
        "charts": charts,
        "summary_range": f"{date_in_words(s['earliest'])} to {date_in_words(s['latest'])}" if s["earliest"] else "",
    }


# --- The About page ------------------------------------------------------------------------------------------


async def about(datasette, request):
    s = database_summary(datasette)
    context = {"summary": s, "description": describe(s) if s else "", "home_url": datasette.absolute_url(request, "/")}
    if s is not None:
        version = await datasette.get_database("facts").execute(
            "select value from build_info where key = 'etl_version'"
        )
        context["version"] = version.rows[0][0] if version.rows else ""
    return Response.html(await datasette.render_template("about.html", context, request=request))


@hookimpl
def register_routes():
    return [(r"^/about$", about)]


# --- Table pages: the column dictionary below a summary line, not above the data ------------------------------

COLLAPSE_COLUMNS = """
document.querySelectorAll('dl.column-descriptions').forEach(function (dl) {
  var details = document.createElement('details');
  details.className = 'column-dictionary';
  var summary = document.createElement('summary');
  summary.textContent = 'What each column means';
  dl.parentNode.insertBefore(details, dl);
  details.appendChild(summary);
  details.appendChild(dl);
});
"""


@hookimpl
def extra_body_script(template):
    if template.startswith("table") or template.startswith("query"):
        return COLLAPSE_COLUMNS
    return ""
