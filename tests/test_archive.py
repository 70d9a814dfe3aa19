"""Archived copies of the sources: validated in sources.yml, in the sources table and the viewer, never fetched."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlite_utils

from etl.build import build
from etl.cli import main
from etl.errors import InputError
from etl.publish import viewer
from etl.sources import load_sources
from tests.markup import parse, select

RFERL_SHA = "  sha256: ea500bcec5ed2ea88932de537e443dedb624b828ea310827163c74afa582f9b6\n"
WAYBACK = "https://web.archive.org/web/20230203194012/https://www.rferl.org/a/32253748.html"


def archive(w: Path, url: str | None, when: str | None) -> Path:
    """Give RFE/RL's entry an archived copy (written for the test: the seeds record none)."""
    listing = w / "seeds" / "sources.yml"
    text = listing.read_text(encoding="utf-8")
    extra = (f"  archive_url: {url}\n" if url else "") + (f"  archived_at: {when}\n" if when else "")
    listing.write_text(text.replace(RFERL_SHA, RFERL_SHA + extra), encoding="utf-8")
    return listing


@pytest.mark.parametrize(
    ("url", "when", "stored"),
    [
        (WAYBACK, "2023-02-03T19:40:12Z", "2023-02-03T19:40:12Z"),
        ("https://archive.ph/2023.02.03-194012/https://www.rferl.org/a/32253748.html", "2023-02-03T19:40:12+00:00",
         "2023-02-03T19:40:12Z"),
        ("https://archive.today/Xb7qP", "2023-02-04T08:00:00Z", "2023-02-04T08:00:00Z"),
    ],
)  # fmt: skip
@pytest.mark.usefixtures("offline")  # the build must not fetch the archive
def test_an_archived_copy_is_stored_and_shown(workdir: Path, url, when, stored):
    archive(workdir, url, when)
    [source] = [s for s in load_sources(workdir / "seeds") if s.id == "rferl-2023-02-03"]
    assert (source.archive.url, source.archive.captured) == (url, stored)
    build(workdir / "seeds", workdir / "facts.yml", workdir / "facts.db")
    db = sqlite_utils.Database(workdir / "facts.db")
    row = db["sources"].get("rferl-2023-02-03")
    assert (row["archive_url"], row["archived_at"]) == (url, stored)
    assert db["sources"].get("kyivindependent-2023-02-03")["archive_url"] is None
    module = viewer()
    rows = {n: [dict(r) for r in db.query(sql, {"source": "rferl-2023-02-03"})] for n, sql in module.QUERIES.items()}
    elements = parse(module.render_source(rows))
    [line] = select(elements, "p", "archive")
    [link] = [e for e in select(elements, "a") if e.parent is line]
    assert (link.attrs["href"], link.text) == (url, url) and line.text.endswith(f"captured {stored}")


@pytest.mark.parametrize(
    ("url", "when", "message"),
    [
        (WAYBACK, None, "archive_url and archived_at go together; add 'archived_at'"),
        (None, "2023-02-03T19:40:12Z", "add 'archive_url'"),
        ("https://example.org/copy", "2023-02-03T19:40:12Z", "is not a Wayback Machine"),
        (WAYBACK, "2023-02-03T19:41:00Z", "differs from the capture time in archive_url (20230203194012)"),
        (WAYBACK, "2023-02-03 19:40", "must be a UTC time"),
        (WAYBACK.replace("20230203", "20230202"), "2023-02-02T19:40:12Z", "is before publication (2023-02-03)"),
    ],
)
def test_a_bad_archive_entry_is_one_clear_error(workdir: Path, capsys, url, when, message):
    listing = archive(workdir, url, when)
    with pytest.raises(InputError, match=message.replace("(", r"\(").replace(")", r"\)")) as e:
        load_sources(workdir / "seeds")
    assert e.value.path == str(listing) and e.value.line is not None
    assert main(["check", "--seeds", str(workdir / "seeds"), "--facts", str(workdir / "facts.yml")]) == 2
    assert capsys.readouterr().err.count("\n") == 1


def test_reanchoring_moves_the_archived_copy_to_the_old_revision(workdir: Path, capsys):
    """An archived copy is of the text it was captured with: after a correction it belongs to the old revision."""
    listing = archive(workdir, WAYBACK, "2023-02-03T19:40:12Z")
    seed = workdir / "seeds" / "rferl-2023-02-03.txt"
    new = workdir / "corrected.txt"
    new.write_text(seed.read_text(encoding="utf-8") + "\nCorrection appended.\n", encoding="utf-8")
    args = ["--seeds", str(workdir / "seeds"), "--facts", str(workdir / "facts.yml"), "--date", "2023-02-05"]
    assert main(["reanchor", "rferl-2023-02-03", str(new), *args]) == 0
    text = listing.read_text(encoding="utf-8")
    assert "  archive_url:" not in text and "  archived_at:" not in text
    assert (
        "  revisions:\n  - {sha256: ea500bcec5ed2ea88932de537e443dedb624b828ea310827163c74afa582f9b6, date: "
        f"2023-02-05, archive_url: {WAYBACK}, archived_at: 2023-02-03T19:40:12Z}}\n"
    ) in text
    [source] = [s for s in load_sources(workdir / "seeds") if s.id == "rferl-2023-02-03"]
    assert source.archive is None and source.revisions[0].archive.url == WAYBACK
