"""A corrected article: `python -m etl reanchor` carries every curated span over to the new text, or stops.

Each case edits a copy of a real seed as a correction would (written for the suite), re-anchors it on a copy of
seeds/ and facts.yml, and checks the report, the files and the exit status; where the files are written, the
rebuilt database passes the provenance check (text[start:end] == exact on every span table).
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
import sqlite_utils
from rapidfuzz.distance import Levenshtein

from etl import reanchor
from etl.build import build
from etl.cli import main
from etl.errors import InputError
from etl.facts import CONTEXT, Span
from etl.sources import load_sources
from tests.test_provenance import SPAN_TABLES

RFERL = "rferl-2023-02-03"
DAY = "2023-02-04"
INSERTED = "Correction: an earlier version of this story gave the wrong day for the summit.\n\n"
# The spans facts.yml has in RFE/RL's article: 12 evidence quotes and 4 statement renderings.
SPANS = 30


def seed_text(w: Path) -> str:
    return (w / "seeds" / f"{RFERL}.txt").read_text(encoding="utf-8")


def snapshot(w: Path) -> dict[str, bytes]:
    return {p: (w / p).read_bytes() for p in ("facts.yml", "seeds/sources.yml", f"seeds/{RFERL}.txt")}


def run(w: Path, text: str, capsys, *extra: str) -> tuple[int, str, str]:
    new = w / "corrected.txt"
    new.write_text(text, encoding="utf-8")
    args = ["reanchor", RFERL, str(new), "--seeds", str(w / "seeds"), "--facts", str(w / "facts.yml")]
    code = main([*args, "--date", DAY, *extra])
    out, err = capsys.readouterr()
    return code, out, err


def counts_line(out: str) -> str:
    return out.splitlines()[1].strip()


def assert_provenance(w: Path) -> sqlite_utils.Database:
    """Rebuild from the edited files; every span row must quote its source exactly."""
    db_path = w / "facts.db"
    build(w / "seeds", w / "facts.yml", db_path)
    db = sqlite_utils.Database(db_path)
    texts = {r["id"]: r["text"] for r in db["sources"].rows}
    checked = 0
    for table, column in SPAN_TABLES.items():
        for row in db[table].rows:
            assert texts[row["source_id"]][row["start"] : row["end"]] == row[column], (table, row["id"])
            checked += 1
    assert checked > 300
    return db


def test_a_paragraph_inserted_before_quotes_moves_them(workdir: Path, capsys):
    old = seed_text(workdir)
    at = old.index("The EU announced on February 3")
    before = snapshot(workdir)
    code, out, err = run(workdir, old[:at] + INSERTED + old[at:], capsys)
    assert (code, err) == (0, "")
    # the twelve spans from the EU paragraph on move by the inserted length; the eighteen before it stay put
    assert counts_line(out) == "18 unchanged, 12 moved, 0 re-worded, 0 lost"
    moved = [line for line in out.splitlines() if line.startswith("  moved")]
    n = len(INSERTED)
    assert f"fact eu-training-target-initial, evidence 1: 2399-2449 -> {2399 + n}-{2449 + n}" in moved[0]
    for line in moved:  # every one by exactly the inserted length, and every one after the insertion
        (old_start, old_end), (new_start, new_end) = (map(int, p.split("-")) for p in line.split(": ")[1].split(" -> "))
        assert (new_start - old_start, new_end - old_end) == (n, n) and old_start >= at
    after = snapshot(workdir)
    assert after["facts.yml"] == before["facts.yml"]  # quotes are words: none changed
    assert after[f"seeds/{RFERL}.txt"] == (old[:at] + INSERTED + old[at:]).encode()
    old_sha = hashlib.sha256(before[f"seeds/{RFERL}.txt"]).hexdigest()
    new_sha = hashlib.sha256(after[f"seeds/{RFERL}.txt"]).hexdigest()
    listing = after["seeds/sources.yml"].decode()
    assert listing == before["seeds/sources.yml"].decode().replace(
        f"  sha256: {old_sha}\n", f"  sha256: {new_sha}\n  revisions:\n  - {{sha256: {old_sha}, date: {DAY}}}\n"
    )
    [source] = [s for s in load_sources(workdir / "seeds") if s.id == RFERL]
    assert [(r.sha256, r.date) for r in source.revisions] == [(old_sha, DAY)]
    db = assert_provenance(workdir)
    assert db["sources"].get(RFERL)["revisions"] == f'[{{"sha256": "{old_sha}", "date": "{DAY}"}}]'


def test_a_typo_fixed_inside_a_quote_rewrites_only_that_quote(workdir: Path, capsys):
    old = seed_text(workdir)
    wrong = "President Volodymyr Zelenskiy said on February 3"
    assert old.count(wrong) == 1
    before = (workdir / "facts.yml").read_text(encoding="utf-8")
    code, out, err = run(workdir, old.replace(wrong, "President Volodymyr Zelensky said on February 3"), capsys)
    assert (code, err) == (0, "")
    assert counts_line(out) == "0 unchanged, 29 moved, 1 re-worded, 0 lost"  # every later span moves back by one
    assert "  re-worded  fact zelensky-will-not-give-up-bakhmut, evidence 1: 156-290 -> 156-289, 1 edit(s)" in out
    assert "new: 'Ukrainian forces will continue their fight to hold on to the eastern city of Bakhmut, " in out
    after = (workdir / "facts.yml").read_text(encoding="utf-8")
    # One line of the folded quote changed, nothing else in the file (comments and layout kept).
    assert after == before.replace(
        "\n          Zelenskiy said on February 3\n", "\n          Zelensky said on February 3\n"
    )
    assert after != before
    assert_provenance(workdir)


def test_a_deleted_paragraph_loses_its_spans_and_stops_until_accepted(workdir: Path, capsys):
    old = seed_text(workdir)
    start = old.index('"If weapon [supplies]')
    end = old.index("\n\n", start) + 2
    before = snapshot(workdir)
    code, out, err = run(workdir, old[:start] + old[end:], capsys)
    assert code == 2
    assert counts_line(out) == "9 unchanged, 19 moved, 0 re-worded, 2 lost"
    lost = [line.split(":")[0].strip() for line in out.splitlines() if line.startswith("  lost")]
    assert lost == ["lost       fact zelensky-long-range-weapons, evidence 1",
                    "lost       statement zelensky-long-range-weapons, rendering 1"]  # fmt: skip
    [line] = err.splitlines()
    assert line.startswith(f"error: {workdir / 'facts.yml'}:") and "2 span(s) lost" in line and "--accept" in line
    assert snapshot(workdir) == before  # every file untouched

    code, out, err = run(workdir, old[:start] + old[end:], capsys, "--accept")
    assert (code, err) == (0, "") and "2 span(s) to review under 'review:'" in out
    facts = (workdir / "facts.yml").read_text(encoding="utf-8")
    # the old file, then the new section: the lost quotes stay where they were, never dropped
    assert facts.startswith(before["facts.yml"].decode() + "\n# review: spans")
    review = facts.split("\nreview:\n")[1]
    assert review.count("  - source: rferl-2023-02-03\n") == 2
    assert "    at: fact zelensky-long-range-weapons, evidence 1\n" in review
    assert "    at: statement zelensky-long-range-weapons, rendering 1\n" in review
    with pytest.raises(InputError, match=r"2 span\(s\) under 'review:'.*zelensky-long-range-weapons, evidence 1") as e:
        build(workdir / "seeds", workdir / "facts.yml", workdir / "facts.db")
    assert e.value.line == facts.splitlines().index("review:") + 2  # the first entry
    assert not (workdir / "facts.db").exists()


def test_a_changed_figure_inside_a_quote_stops_and_then_needs_the_fact_fixed(workdir: Path, capsys):
    old = seed_text(workdir)
    corrected = old.replace("initial target of 15,000 troops", "initial target of 12,000 troops")
    before = snapshot(workdir)
    code, out, err = run(workdir, corrected, capsys)
    assert code == 2 and "0 span(s) lost and 2 figure or date change(s)" in err
    assert counts_line(out) == "28 unchanged, 0 moved, 2 re-worded, 0 lost"
    assert out.count("figures or dates changed: '15,000' = 15000 troops -> '12,000' = 12000 troops") == 2
    assert snapshot(workdir) == before

    assert run(workdir, corrected, capsys, "--accept")[0] == 0
    facts = workdir / "facts.yml"
    text = facts.read_text(encoding="utf-8")
    assert "quote: raising it from an initial target of 12,000 troops\n" in text
    with pytest.raises(InputError, match="under 'review:'"):
        build(workdir / "seeds", facts, workdir / "facts.db")
    # The human's part: the fact's value follows the article, and the review entries go.
    text = text.split("\n# review:")[0] + "\n"
    text = text.replace("initially set a target of training 15,000", "initially set a target of training 12,000")
    text = text.replace("    value: 15000\n", "    value: 12000\n")
    facts.write_text(text, encoding="utf-8")
    db = assert_provenance(workdir)
    assert db["facts"].get("eu-training-target-initial")["value"] == 12000


def test_a_replaced_text_loses_every_span(workdir: Path, capsys):
    before = snapshot(workdir)
    code, out, err = run(workdir, "A different story.\n\nIt rained in Kyiv on February 4.\n", capsys)
    assert code == 2 and f"{SPANS} span(s) lost" in err
    assert counts_line(out) == f"0 unchanged, 0 moved, 0 re-worded, {SPANS} lost"
    assert snapshot(workdir) == before


def test_words_that_now_appear_twice_get_their_occurrence(workdir: Path, capsys):
    old = seed_text(workdir)
    at = old.index("Zelenskiy said Kyiv’s forces")
    extra = 'Officials in Kyiv said the army would "have a chance" if supplies arrived.\n\n'
    code, out, _ = run(workdir, old[:at] + extra + old[at:], capsys)
    assert code == 0 and "moved      statement zelensky-we-have-a-chance, rendering 1" in out
    facts = (workdir / "facts.yml").read_text(encoding="utf-8")
    assert "      - {source: rferl-2023-02-03, quote: have a chance, occurrence: 2}\n" in facts
    db = assert_provenance(workdir)
    [row] = db.query("select start from statement_renderings where exact = 'have a chance'")
    assert row["start"] == old.index("have a chance") + len(extra)


def test_the_seed_itself_or_the_same_text_is_refused(workdir: Path, capsys):
    seed = workdir / "seeds" / f"{RFERL}.txt"
    args = ["--seeds", str(workdir / "seeds"), "--facts", str(workdir / "facts.yml")]
    assert main(["reanchor", RFERL, str(seed), *args]) == 2
    assert "this is the seed itself" in capsys.readouterr().err
    assert run(workdir, seed_text(workdir), capsys)[2].endswith("nothing to re-anchor\n")
    assert main(["reanchor", "no-such-source", str(seed), *args]) == 2
    assert "no source 'no-such-source'" in capsys.readouterr().err


# --- the matching itself, on small texts ----------------------------------------------------------------------


def span(text: str, start: int, end: int) -> Span:
    return Span("s", start, end, text[start:end], text[max(0, start - CONTEXT) : start], text[end : end + CONTEXT])


def test_max_edits_is_a_quarter_of_the_quote_up_to_32():
    assert [reanchor.max_edits(n) for n in (3, 13, 51, 128, 400)] == [0, 3, 12, 32, 32]


def test_exact_search_prefers_the_copy_nearest_the_old_place():
    old = "Alpha said: we hold. Beta said: we hold. Gamma said: we hold."
    s = span(old, old.index("we hold", 25), old.index("we hold", 25) + 7)  # Beta's
    new = "Intro. " + old
    found = reanchor.relocate(s, old, new)
    assert (found.start, found.exact) == (s.start + 7, "we hold")


def test_prefix_and_suffix_break_a_tie_of_distance():
    old = "one two we hold three four"
    s = span(old, 8, 15)
    new = "we hold three four / one two xx we hold"  # two copies: the diff maps the old place between them
    ops = [("replace", 0, len(old), 0, len(new))]  # a diff that says nothing: every candidate is as near
    found = reanchor.relocate(s, old, new, ops)
    assert found.start == 0  # the copy followed by "three four", as the old one was


def test_an_approximate_match_keeps_whole_words():
    old = "The mission will train up to 15,000 Ukrainian soldiers this year, officials said."
    s = span(old, old.index("train"), old.index(" this"))
    new = "The mission will train up to 15,000 Ukrainian troops this year, officials said."
    found = reanchor.relocate(s, old, new)
    assert found.exact == "train up to 15,000 Ukrainian troops"
    assert found.edits == Levenshtein.distance(s.exact, found.exact) == 7


def test_too_many_edits_is_lost():
    old = "He said the talks had failed completely."
    s = span(old, 8, len(old) - 1)
    assert reanchor.relocate(s, old, "She said the negotiations went on well.") is None


def test_map_offset_follows_the_diff():
    ops = [("equal", 0, 5, 0, 5), ("insert", 5, 5, 5, 9), ("equal", 5, 10, 9, 14), ("delete", 10, 12, 14, 14)]
    assert [reanchor.map_offset(ops, x) for x in (0, 4, 5, 7, 10, 11, 12)] == [0, 4, 9, 11, 14, 14, 14]


# The correction the README walks through, written for it: two typos fixed, "Summer" lower-cased twice, a note added.
README_EDITS = [
    ("in front of the Belmont build", "in front of the Berlaymont build"),
    ("sought to capture since Summer despite", "sought to capture since summer despite"),
    ("but Kyiv was pushing for Summer.", "but Kyiv was pushing for summer."),
    ("will not be intimated by the Kremlin", "will not be intimidated by the Kremlin"),
]
README_NOTE = (
    "\nCorrection: An earlier version of this article misspelled the name of the Berlaymont building, the European "
    "Commission's headquarters in Brussels.\n"
)


def test_the_readme_walkthrough_is_what_the_command_prints(workdir: Path, capsys):
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("## When an article changes") :]
    shown = section[section.index("```text\n") + 8 : section.index("\n```", section.index("```text\n"))]
    text = (workdir / "seeds" / "kyivindependent-2023-02-03.txt").read_text(encoding="utf-8")
    for old, new in README_EDITS:
        assert text.count(old) == 1
        text = text.replace(old, new)
    at = text.index("\n", text.index("Michel has earlier pressed")) + 1
    new_file = workdir / "ki-corrected.txt"
    new_file.write_text(text[:at] + README_NOTE + text[at:], encoding="utf-8")
    args = ["--seeds", str(workdir / "seeds"), "--facts", str(workdir / "facts.yml")]
    assert main(["reanchor", "kyivindependent-2023-02-03", str(new_file), *args]) == 0
    out = capsys.readouterr().out.splitlines()
    expected = [line for line in shown.splitlines() if line.strip() != "..." and not line.startswith("wrote ")]
    assert [line for line in out if line in expected] == expected  # every line shown, in the order printed
    assert_provenance(workdir)
