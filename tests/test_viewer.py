"""The source viewer's markup (plugins/source_viewer.py) on the real seeds and on hostile text."""

from __future__ import annotations

import pytest

from etl.publish import viewer
from tests.markup import parse, select

VIEWER = viewer()
QUERIES, render_source, row_url = VIEWER.QUERIES, VIEWER.render_source, VIEWER.row_url

SOURCES = ["kyivindependent-2023-02-03", "rferl-2023-02-03"]


def source_rows(db, source: str) -> dict[str, list[dict]]:
    return {name: [dict(r) for r in db.query(sql, {"source": source})] for name, sql in QUERIES.items()}


@pytest.fixture(scope="module", params=SOURCES)
def page(request, db):
    rows = source_rows(db, request.param)
    return rows, parse(render_source(rows))


def test_every_evidence_span_is_a_mark_of_its_exact_words(page):
    rows, elements = page
    assert rows["evidence"]
    for e in rows["evidence"]:
        marks = select(elements, "mark", data_evidence=e["id"])
        assert e["exact"] in {m.text for m in marks}, e["id"]
        # In the text itself, the span's parts read the exact words in order (one part unless it crosses another).
        parts = [m for m in marks if "evidence" in m.classes]
        assert "".join(m.text for m in parts) == e["exact"], e["id"]
        assert {(m.attrs["data-start"], m.attrs["data-end"], m.attrs["data-fact"]) for m in parts} == {
            (str(e["start"]), str(e["end"]), e["fact_id"])
        }


def test_only_spans_that_cross_another_are_cut_into_parts(page):
    rows, elements = page
    ev = rows["evidence"]
    crossing = {b["id"] for a in ev for b in ev if a["start"] < b["start"] < a["end"] < b["end"]}
    split = {e["id"] for e in ev if len(select(elements, "mark", "evidence", data_evidence=e["id"])) > 1}
    assert split == crossing
    whole_notes = {m.attrs["data-evidence"] for m in select(elements, "mark", "evidence-whole")}
    assert whole_notes == crossing


def test_the_seeds_have_identical_nested_and_crossing_spans(db):
    """The cases the renderer must handle occur in the real data, so the tests above exercise them."""
    pairs = list(
        db.query(
            """select a.start as a0, a."end" as a1, b.start as b0, b."end" as b1 from fact_evidence a
               join fact_evidence b on a.source_id = b.source_id and a.id < b.id
               and a.start < b."end" and b.start < a."end" """
        )
    )
    kinds = {
        "identical" if (p["a0"], p["a1"]) == (p["b0"], p["b1"]) else
        "nested" if (p["a0"] <= p["b0"] and p["b1"] <= p["a1"]) or (p["b0"] <= p["a0"] and p["a1"] <= p["b1"]) else
        "crossing"
        for p in pairs
    }  # fmt: skip
    assert kinds == {"identical", "nested", "crossing"}


def test_paragraph_text_is_the_source_text_unchanged(page):
    rows, elements = page
    text = rows["source"][0]["text"]
    paras = select(elements, "div", "para")
    assert [p.attrs["id"] for p in paras] == [f"seg-{s['id']}" for s in rows["segments"]]
    for seg, para in zip(rows["segments"], paras, strict=True):
        (p,) = [e for e in elements if e.tag == "p" and e.parent is para]
        assert p.text == text[seg["start"] : seg["end"]]
        assert f"kind-{seg['kind']}" in para.classes


def test_chrome_paragraphs_are_greyed_and_there_are_some(page):
    rows, elements = page
    chrome = {f"seg-{s['id']}" for s in rows["segments"] if s["kind"] == "chrome"}
    assert chrome
    assert {p.attrs["id"] for p in select(elements, "div", "kind-chrome")} == chrome


def test_every_figure_and_date_is_marked_and_linked(page):
    rows, elements = page
    for table, cls in (("quantities", "quantity"), ("dates", "date")):
        assert rows[table]
        for r in rows[table]:
            links = select(elements, "a", cls, href=row_url(table, r["id"]))
            assert "".join(a.text for a in links) == r["surface"], r["id"]
    dated = [a for a in select(elements, "a", "date") if a.attrs.get("href")]
    assert all(any(e.tag == "time" and e.parent is a for e in elements) for a in dated)


def test_every_evidence_links_to_its_fact_once_in_text_and_in_a_note(page):
    rows, elements = page
    refs = select(elements, "a", "fact-ref")
    assert sorted(a.attrs["href"] for a in refs if a.attrs.get("href")) == sorted(
        row_url("facts", e["fact_id"]) for e in rows["evidence"]
    )
    assert all(a.text == "" for a in refs)  # the number is drawn by CSS: a mark's text stays the quote
    notes = [li for li in elements if li.tag == "li" and "data-evidence" in li.attrs]
    assert sorted(li.attrs["data-evidence"] for li in notes) == sorted(e["id"] for e in rows["evidence"])


def test_links_never_nest(page):
    _, elements = page
    assert not [a for a in elements if a.tag == "a" and a.inside("a")]


def test_row_urls_are_tilde_encoded():
    assert row_url("quantities", "rferl-2023-02-03:2399-2405") == "/facts/quantities/rferl-2023-02-03~3A2399-2405"
    assert row_url("facts", "a/b c") == "/facts/facts/a~2Fb+c"


HOSTILE = "He said <b>\"5 < 6 & 7\"</b> 'ok'\nSecond <script>alert(1)</script> para & more"


def hostile_rows() -> dict[str, list[dict]]:
    """A made-up source whose text, ids and statement are full of markup, with every overlap case."""
    t = HOSTILE

    def ev(i: str, a: str, b: str, occurrence: int = 0) -> dict:
        start = t.index(a)
        end = t.index(b, start) + len(b)
        return {"id": i, "fact_id": f'f"{i}<', "statement": f'<i>{i}</i> & "x"', "start": start, "end": end,
                "exact": t[start:end]}  # fmt: skip

    evidence = [
        ev("outer", "<b>", "</b>"),
        ev("same", "<b>", "</b>"),
        ev("inner", "5", "6"),
        ev("cross", "7", "'ok'"),
        ev("two-paragraphs", "ok", "Second"),
    ]
    evidence.sort(key=lambda e: (e["start"], -e["end"], e["id"]))
    n = t.index("6 & 7")  # crosses the end of "inner" and the start of "cross"
    quantity = {"id": "h:q", "start": n, "end": n + 5, "surface": t[n : n + 5], "value": 6.0, "value_max": 7.0,
                "unit": "count", "per": None, "qualifier": None}  # fmt: skip
    a = t.index("alert")
    date = {"id": 'h:"d"', "start": a, "end": a + 8, "surface": t[a : a + 8], "value": "2022-22",
            "earliest": "2022-06-01", "latest": None}  # fmt: skip
    nl = t.index("\n")
    segments = [
        {"id": "h:1", "kind": "body", "start": 0, "end": nl},
        {"id": "h:2", "kind": "chrome", "start": nl + 1, "end": len(t)},
    ]
    return {"source": [{"id": "h", "title": "t", "text": t}], "segments": segments, "evidence": evidence,
            "quantities": [quantity], "dates": [date]}  # fmt: skip


def test_hostile_text_is_escaped_and_well_formed():
    rows = hostile_rows()
    html = render_source(rows)
    assert "<b>" not in html and "<script>" not in html and "<i>" not in html
    assert "&lt;script&gt;" in html and "&amp;" in html and "&#34;" in html
    elements = parse(html)
    assert not [e for e in elements if e.tag in ("b", "i", "script")]
    text = rows["source"][0]["text"]
    assert [p.text for p in elements if p.tag == "p" and "text" in p.classes] == [
        text[s["start"] : s["end"]] for s in rows["segments"]
    ]
    for e in rows["evidence"]:
        parts = select(elements, "mark", "evidence", data_evidence=e["id"])
        assert e["exact"] in {m.text for m in select(elements, "mark", data_evidence=e["id"])}, e["id"]
        assert {m.attrs["data-fact"] for m in parts} == {e["fact_id"]}
        if e["id"] != "two-paragraphs":  # the one span with a paragraph break inside
            assert "".join(m.text for m in parts) == e["exact"], e["id"]
    parts = {i: len(select(elements, "mark", "evidence", data_evidence=i)) for i in ("outer", "same", "inner", "cross")}
    assert parts == {"outer": 1, "same": 1, "inner": 1, "cross": 3}
    assert not [a for a in elements if a.tag == "a" and a.inside("a")]
    quantity = select(elements, "a", "quantity", href="/facts/quantities/h~3Aq")
    assert [q.text for q in quantity] == ["6", " & 7"]  # cut where "inner" ends
    assert {q.attrs["title"] for q in quantity} == {"figure: 6–7 count"}
    (d,) = select(elements, "a", "date")
    assert d.attrs["href"] == "/facts/dates/h~3A~22d~22" and d.attrs["title"] == "date: 2022-22 (2022-06-01 to …)"
    assert not [t for t in elements if t.tag == "time" and "datetime" in t.attrs]  # 2022-22 is no HTML date


def test_span_across_paragraphs_is_cut_at_the_break_and_quoted_whole():
    rows = hostile_rows()
    elements = parse(render_source(rows))
    (e,) = [e for e in rows["evidence"] if e["id"] == "two-paragraphs"]
    parts = select(elements, "mark", "evidence", data_evidence=e["id"])
    assert [m.text for m in parts] == ["ok'", "Second"]  # the line break between paragraphs is in neither
    assert [m.text for m in select(elements, "mark", "evidence-whole", data_evidence=e["id"])] == [e["exact"]]
    refs = select(elements, "a", "fact-ref", href=row_url("facts", e["fact_id"]))
    assert len(refs) == 1 and refs[0].inside("div") and refs[0].parent.parent.attrs["id"] == "seg-h:2"
