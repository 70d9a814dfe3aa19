"""Search never fails: whatever a reader types, every search box and canned query answers 200, against a real server."""

from __future__ import annotations

import json
import random
import urllib.error
import urllib.parse
import urllib.request

import pytest

from etl.publish import running
from tests.conftest import METADATA


def _random_unicode(n_bytes: int, seed: int = 12) -> str:
    """About ``n_bytes`` of UTF-8 drawn from every plane's assigned-looking ranges, quotes and controls included."""
    rng = random.Random(seed)
    out, size = [], 0
    while size < n_bytes:
        c = chr(rng.choice([rng.randrange(0x20, 0x7F), rng.randrange(0xA0, 0x2FFF), rng.randrange(0x1F300, 0x1FAFF),
                            rng.randrange(0, 0x20), ord('"'), ord("*"), ord("(")]))  # fmt: skip
        out.append(c)
        size += len(c.encode("utf-8", "surrogatepass"))
    return "".join(out)


HOSTILE = ["U.S.", "F-16", "EU-Ukraine", "Zelensky's", "", '"', "NEAR(", "*", "OR", "AND NOT", "^x", "a:b", "\x00",
           _random_unicode(1024)]  # fmt: skip
# Every place a reader's text reaches an FTS MATCH: canned queries, and ?_search= on every searchable table.
ENDPOINTS = [
    "/facts/search_all.json?_shape=array&q={}",
    "/facts/search_paragraphs.json?_shape=array&q={}",
    "/facts/facts.json?_shape=array&_search={}",
    "/facts/segments.json?_shape=array&_search={}",
    "/facts/quotes.json?_shape=array&_search={}",
    "/facts/entities.json?_shape=array&_search={}",
    "/facts/entity_aliases.json?_shape=array&_search={}",
]


@pytest.fixture(scope="module")
def server(db_path):
    with running(db_path, METADATA) as base:
        yield base


def get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=30) as r:
            return r.status, r.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode()


@pytest.mark.parametrize("endpoint", ENDPOINTS)
@pytest.mark.parametrize("q", HOSTILE, ids=lambda q: repr(q[:12]))
def test_any_text_answers_200_with_a_list(server, endpoint, q):
    status, body = get(server + endpoint.format(urllib.parse.quote(q)))
    assert status == 200, body[:300]
    assert isinstance(json.loads(body), list)


@pytest.mark.parametrize("q", HOSTILE, ids=lambda q: repr(q[:12]))
def test_html_pages_answer_200(server, q):
    for path in ("/facts/search_all?q={}", "/facts/facts?_search={}", "/-/search?q={}"):
        status, body = get(server + path.format(urllib.parse.quote(q)))
        assert status == 200, (path, body[:300])


def test_punctuated_words_are_found_as_typed(server):
    def hits(q: str) -> list[tuple[str, str]]:
        _, body = get(server + ENDPOINTS[0].format(urllib.parse.quote(q)))
        return [(r["kind"], r["id"]) for r in json.loads(body)]

    assert hits("F-16") == [("facts", "ukraine-requests-f-16s"), ("segments", "rferl-2023-02-03:12")]
    assert ("facts", "eu-ukraine-summit-2023-02-03") in hits("EU-Ukraine")
    assert ("entities", "united-states") in hits("U.S.")
    assert hits("") == [] and hits('"') == []


def test_facts_table_search_and_marked_snippets(server):
    _, body = get(server + "/facts/facts.json?_shape=array&_search=training")
    assert {r["id"] for r in json.loads(body)} == {"eu-training-target-initial", "eu-training-target-raised"}
    _, page = get(server + "/facts/search_all?q=Soledar")
    rows = page[page.index('<table class="rows-and-columns">') :]
    rows = rows[: rows.index("</table>")]
    assert "<mark>Soledar</mark>" in rows and "⟦" not in rows  # hits highlighted, never shown as brackets
