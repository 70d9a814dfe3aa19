"""Bad input: a one-line error naming file and line, exit status 2, and the previous database untouched."""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from etl.cli import main
from tests.conftest import METADATA, run_make


def edit(path: Path, old: str, new: str, count: int = 1) -> int:
    """Replace ``old`` in a file; return the 1-based line where it was."""
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    line = text[: text.index(old)].count("\n") + 1
    path.write_text(text.replace(old, new, count), encoding="utf-8")
    return line


def line_of(path: Path, needle: str) -> int:
    text = path.read_text(encoding="utf-8")
    return text[: text.index(needle)].count("\n") + 1


FACT_RAISED = "  - id: eu-training-target-raised\n"


def _yaml_syntax(w: Path):
    return (
        "facts.yml",
        edit(
            w / "facts.yml",
            "    predicate: training_target\n    value: 15000",
            "    predicate: [oops\n    value: 15000",
        )
        + 1,
        "YAML syntax error",
    )


def _unknown_key(w: Path):
    line = edit(
        w / "facts.yml",
        "    evidence:\n      - source: rferl-2023-02-03\n        quote: raising",
        "    evidense:\n      - source: rferl-2023-02-03\n        quote: raising",
    )
    return "facts.yml", line, "unknown key 'evidense' in facts[0]; did you mean 'evidence'?"


def _numeric_key(w: Path):
    """A key YAML reads as a number (found by the fuzz: a slip typed a digit and a colon), named as written."""
    line = edit(
        w / "facts.yml",
        "    statement: The EU military training mission for Ukraine initially",
        "    2023: 1\n    statement: The EU military training mission for Ukraine initially",
    )
    return "facts.yml", line, "unknown key '2023' in facts[0]; allowed keys: "


def _misspelt_field(w: Path):
    line = edit(
        w / "facts.yml",
        "    statement: The EU military training mission for Ukraine initially",
        "    statemnt: The EU military training mission for Ukraine initially",
    )
    return "facts.yml", line, "unknown key 'statemnt'"


def _missing_required(w: Path):
    edit(
        w / "facts.yml",
        "    topic: military-aid\n    claimant: european-union\n    evidence:\n      - source: rferl-2023-02-03\n"
        "        quote: raising",
        "    claimant: european-union\n    evidence:\n      - source: rferl-2023-02-03\n        quote: raising",
    )
    return "facts.yml", line_of(w / "facts.yml", "  - id: eu-training-target-initial"), "missing required field 'topic'"


def _wrong_type(w: Path):
    return (
        "facts.yml",
        edit(w / "facts.yml", "    value: 15000\n", "    value: thirty thousand\n"),
        "must be number or null, not 'thirty thousand'",
    )


def _duplicate_fact(w: Path):
    return (
        "facts.yml",
        edit(w / "facts.yml", FACT_RAISED, "  - id: eu-training-target-initial\n"),
        "duplicate id 'eu-training-target-initial' in facts",
    )


def _duplicate_entity(w: Path):
    return (
        "facts.yml",
        edit(w / "facts.yml", "  - id: kaja-kallas\n", "  - id: charles-michel\n"),
        "duplicate id 'charles-michel' in entities",
    )


def _quote_not_found(w: Path):
    line = edit(
        w / "facts.yml",
        "quote: raising it from an initial target of 15,000 troops",
        "quote: raising it from an initial target of 16,000 troops",
    )
    return (
        "facts.yml",
        line,
        "quote not found in rferl-2023-02-03: 'raising it from an initial target of 16,000 troops'",
    )


def _quote_twice(w: Path):
    line = edit(w / "facts.yml", "quote: Nobody will give away Bakhmut.", "quote: Bakhmut")
    return "facts.yml", line, "quote found 11 times in rferl-2023-02-03: 'Bakhmut'; add 'occurrence: N' (1-11)"


def _evidence_pasted_twice(w: Path):
    """The same evidence quote twice in one fact (a line pasted again): one quote, one row."""
    quote = "      - source: rferl-2023-02-03\n        quote: raising it from an initial target of 15,000 troops\n"
    line = edit(w / "facts.yml", quote, quote + quote) + 3  # the second copy's quote: line
    said = f"fact 'eu-training-target-initial' quotes these words of rferl-2023-02-03 twice (also on line {line - 2})"
    return "facts.yml", line, said


def _rendering_pasted_twice(w: Path):
    rendering = "      - {source: rferl-2023-02-03, quote: have a chance}\n"
    line = edit(w / "facts.yml", rendering, rendering + rendering) + 1
    said = (
        f"statement 'zelensky-we-have-a-chance' quotes these words of rferl-2023-02-03 twice (also on line {line - 1})"
    )
    return "facts.yml", line, said


def _unknown_source(w: Path):
    line = (
        edit(
            w / "facts.yml",
            "      - source: rferl-2023-02-03\n        quote: raising it from",
            "      - source: rferl-2023-02-04\n        quote: raising it from",
        )
        + 1
    )
    return "facts.yml", line, "unknown source 'rferl-2023-02-04'; did you mean 'rferl-2023-02-03'?"


def _unknown_subject(w: Path):
    return (
        "facts.yml",
        edit(w / "facts.yml", "    subject: soledar\n", "    subject: soledarr\n"),
        "unknown subject entity 'soledarr'; did you mean 'soledar'?",
    )


def _unknown_claimant(w: Path):
    line = edit(w / "facts.yml", "    claimant: emmanuel-macron\n", "    claimant: macron\n")
    return "facts.yml", line, "unknown claimant entity 'macron'"


def _supersedes_nowhere(w: Path):
    line = edit(
        w / "facts.yml", "    supersedes: eu-training-target-initial\n", "    supersedes: eu-training-target-first\n"
    )
    return "facts.yml", line, "unknown fact 'eu-training-target-first'"


def _supersedes_cycle(w: Path):
    edit(
        w / "facts.yml",
        "    unit: troops\n    topic: military-aid\n    claimant: european-union\n    evidence:",
        "    unit: troops\n    topic: military-aid\n    claimant: european-union\n"
        "    supersedes: eu-training-target-raised\n    evidence:",
    )
    line = line_of(w / "facts.yml", "    supersedes: eu-training-target-raised")
    return (
        "facts.yml",
        line,
        "supersedes forms a cycle: eu-training-target-initial -> eu-training-target-raised"
        " -> eu-training-target-initial",
    )


def _bad_date(w: Path):
    return (
        "facts.yml",
        edit(w / "facts.yml", "    date: 2022-06\n", "    date: 2022-13\n"),
        "'2022-13': month must be 01-12, or 21-24 for a season",
    )


def _bad_unit(w: Path):
    return "facts.yml", edit(w / "facts.yml", "    unit: km\n", "    unit: kilometres\n"), "unknown unit 'kilometres'"


def _bad_topic(w: Path):
    return (
        "facts.yml",
        edit(w / "facts.yml", "    topic: reconstruction\n    evidence", "    topic: rebuilding\n    evidence"),
        "unknown topic 'rebuilding'",
    )


def _value_typo(w: Path):
    edit(w / "facts.yml", "    value: 176000000\n", "    value: 17600000\n")
    return (
        "facts.yml",
        line_of(w / "facts.yml", "  - id: oil-price-cap-cost-to-russia"),
        "value 1.76e+07 USD is not among the figures in its evidence ('$176 million' = 1.76e+08 USD)",
    )


def _date_typo(w: Path):
    edit(w / "facts.yml", "    date: 2023-02-02\n", "    date: 2023-02-20\n")
    return (
        "facts.yml",
        line_of(w / "facts.yml", "  - id: ukrainian-intelligence-warning-2023-02-02"),
        "date 2023-02-20 is not among the dates in its evidence ('Feb. 2' = 2023-02-02)",
    )


def _seed_missing(w: Path):
    (w / "seeds" / "rferl-2023-02-03.txt").unlink()
    return (
        "sources.yml",
        line_of(w / "seeds" / "sources.yml", "  file: rferl-2023-02-03.txt"),
        "rferl-2023-02-03.txt not found; add it or remove its entry",
    )


def _seed_changed(w: Path):
    edit(w / "seeds" / "rferl-2023-02-03.txt", "15,000 troops", "16,000 troops")
    listing = w / "seeds" / "sources.yml"
    sha_line = line_of(listing, "rferl-2023-02-03.txt") + 1
    assert listing.read_text(encoding="utf-8").splitlines()[sha_line - 1].startswith("  sha256: ")
    return "sources.yml", sha_line, "sha256 of rferl-2023-02-03.txt is "


def _rehash(w: Path, name: str, data: bytes) -> None:
    import hashlib

    old = hashlib.sha256((w / "seeds" / name).read_bytes()).hexdigest()
    (w / "seeds" / name).write_bytes(data)
    edit(w / "seeds" / "sources.yml", old, hashlib.sha256(data).hexdigest())


def _seed_not_utf8(w: Path):
    line = line_of(w / "seeds" / "rferl-2023-02-03.txt", "Kyiv’s")
    raw = (w / "seeds" / "rferl-2023-02-03.txt").read_bytes()
    _rehash(w, "rferl-2023-02-03.txt", raw.replace("Kyiv’s".encode(), b"Kyiv\x92s"))  # a Windows-1252 apostrophe
    return "rferl-2023-02-03.txt", line, "not valid UTF-8 at byte"


def _seed_bom(w: Path):
    _rehash(w, "rferl-2023-02-03.txt", b"\xef\xbb\xbf" + (w / "seeds" / "rferl-2023-02-03.txt").read_bytes())
    return "rferl-2023-02-03.txt", 1, "byte-order mark; remove it"


def _seed_crlf(w: Path):
    _rehash(w, "rferl-2023-02-03.txt", (w / "seeds" / "rferl-2023-02-03.txt").read_bytes().replace(b"\n", b"\r\n"))
    return "rferl-2023-02-03.txt", 1, "CR line endings; convert to LF"


def _seed_empty(w: Path):
    _rehash(w, "rferl-2023-02-03.txt", b"\n")
    return "rferl-2023-02-03.txt", None, "seed is empty"


def _seed_without_entry(w: Path):
    (w / "seeds" / "extra-2023-02-04.txt").write_text("An article nobody listed.\n")
    last = (w / "seeds" / "sources.yml").read_text(encoding="utf-8").count("\n")
    return "sources.yml", last, "extra-2023-02-04.txt has no entry; add one"


def _entry_without_file(w: Path):
    edit(w / "seeds" / "sources.yml", "  file: rferl-2023-02-03.txt", "  file: rferl-2023-02-33.txt")
    return (
        "sources.yml",
        line_of(w / "seeds" / "sources.yml", "  file: rferl-2023-02-33.txt"),
        "rferl-2023-02-33.txt not found",
    )


def _sources_missing_field(w: Path):
    edit(w / "seeds" / "sources.yml", "  publisher: The Kyiv Independent\n", "")
    return (
        "sources.yml",
        line_of(w / "seeds" / "sources.yml", "- id: kyivindependent-2023-02-03"),
        "source is missing 'publisher'; add it",
    )


def _duplicate_key(w: Path):
    """The slip the issue found: a key written twice in one fact, which YAML resolves by keeping the last."""
    first = line_of(w / "facts.yml", "    topic: military-aid\n    evidence:\n      - source: rferl-2023-02-03\n")
    edit(
        w / "facts.yml",
        "    topic: military-aid\n    evidence:",
        "    topic: military-aid\n    topic: diplomacy\n    evidence:",
    )
    return "facts.yml", first + 1, f"duplicate key 'topic' (first on line {first})"


def _duplicate_key_in_sources(w: Path):
    listing = w / "seeds" / "sources.yml"
    first = line_of(listing, "  language: en\n")
    edit(listing, "  language: en\n", "  language: en\n  title: Another title\n")
    return "sources.yml", first + 1, f"duplicate key 'title' (first on line {line_of(listing, '  title: ')})"


def _duplicate_unit(w: Path):
    unit = '  - {id: km, kind: measure, description: "Kilometers."}\n'
    line = edit(w / "facts.yml", unit, unit + unit.replace("Kilometers", "Kilometres")) + 1
    return "facts.yml", line, "duplicate id 'km' in units"


def _alias_one_letter(w: Path):
    line = edit(w / "facts.yml", "aliases: [European Union, EU]", "aliases: [European Union, E]")
    return "facts.yml", line, "alias 'E' of 'european-union' is shorter than two letters: it would match almost"


THERESA_MAY = "  - {id: theresa-may, name: Theresa May, type: person, aliases: [Theresa May, May]}\n"


def _alias_common_word(w: Path):
    line = edit(w / "facts.yml", "  - id: kaja-kallas\n", THERESA_MAY + "  - id: kaja-kallas\n")
    return (
        "facts.yml",
        line,
        (
            "alias 'May' of 'theresa-may' matches the common English word 'may': it would match almost everywhere; "
            "use a longer spelling, or add intended_aliases: [May] if that is meant"
        ),
    )


def _intended_alias_not_listed(w: Path):
    marked = THERESA_MAY.replace("}", ", intended_aliases: [Theresa]}")
    line = edit(w / "facts.yml", "  - id: kaja-kallas\n", marked + "  - id: kaja-kallas\n")
    return "facts.yml", line, "intended alias 'Theresa' of 'theresa-may' is not in its aliases"


def _yaml_control_character(w: Path):
    line = edit(w / "facts.yml", "quote: raising it from", "quote: raising\x00 it from")
    return "facts.yml", line, "character U+0000 is not allowed in YAML"


def _facts_only_comments(w: Path):
    text = (w / "facts.yml").read_text(encoding="utf-8")
    (w / "facts.yml").write_text(text[: text.index("units:")], encoding="utf-8")
    return "facts.yml", 1, "the file holds no data (empty, or only comments)"


def _sources_only_comments(w: Path):
    text = (w / "seeds" / "sources.yml").read_text(encoding="utf-8")
    (w / "seeds" / "sources.yml").write_text(text[: text.index("- id:")], encoding="utf-8")
    return "sources.yml", 1, "expected a list of sources"


def _seed_control_character(w: Path):
    raw = (w / "seeds" / "rferl-2023-02-03.txt").read_bytes()
    line = raw[: raw.index("Kyiv’s".encode())].count(b"\n") + 1
    _rehash(w, "rferl-2023-02-03.txt", raw.replace("Kyiv’s".encode(), "Kyiv\x00’s".encode(), 1))
    return "rferl-2023-02-03.txt", line, "seed has control character U+0000 at column"


def _draft_under_review(w: Path):
    """A draft from `etl suggest` pasted before a human checked it."""
    line = (
        edit(w / "facts.yml", "    predicate: hosted\n", "    predicate: hosted\n    review: the subject is a guess\n")
        + 1
    )
    return "facts.yml", line, "fact 'zelensky-hosted-eu-leaders' is a draft still marked for review (the subject is"


def _unmarked_contradiction(w: Path):
    """Evidence with another figure in the fact's unit, not marked contradicts: never counted as support."""
    quote = "        quote: >-\n          The EU announced on February 3 that it is ramping up"
    line = edit(
        w / "facts.yml", quote,
        "        quote: raising it from an initial target of 15,000 troops\n      - source: rferl-2023-02-03\n" + quote,
    )  # fmt: skip
    return "facts.yml", line, "fact 'eu-training-target-raised': this quote gives its value differently ('15,000')"


def _said_on_after_publication(w: Path):
    line = edit(w / "facts.yml", "    said_on: 2023-02-03\n    evidence:\n      - source: rferl-2023-02-03\n        "
                "quote: We consider", "    said_on: 2023-02-04\n    evidence:\n      - source: rferl-2023-02-03\n"
                "        quote: We consider")  # fmt: skip
    return "facts.yml", line, "said_on 2023-02-04 is after rferl-2023-02-03 was published (2023-02-03)"


CASES: dict[str, Callable[[Path], tuple[str, int | None, str]]] = {
    f.__name__.lstrip("_"): f
    for f in [
        _yaml_syntax, _unknown_key, _numeric_key, _misspelt_field, _missing_required, _wrong_type, _duplicate_fact,
        _duplicate_entity, _quote_not_found, _quote_twice, _evidence_pasted_twice, _rendering_pasted_twice,
        _unknown_source, _unknown_subject, _unknown_claimant,
        _supersedes_nowhere, _supersedes_cycle, _bad_date, _bad_unit, _bad_topic, _value_typo, _date_typo,
        _seed_missing, _seed_changed, _seed_not_utf8, _seed_bom, _seed_crlf, _seed_empty, _seed_without_entry,
        _entry_without_file, _sources_missing_field, _duplicate_key, _duplicate_key_in_sources, _duplicate_unit,
        _alias_one_letter, _alias_common_word, _intended_alias_not_listed, _yaml_control_character,
        _facts_only_comments, _sources_only_comments, _seed_control_character, _draft_under_review,
        _unmarked_contradiction, _said_on_after_publication,
    ]
}  # fmt: skip


@pytest.mark.parametrize("case", sorted(CASES))
def test_bad_input_is_one_clear_line_and_keeps_the_database(case, workdir, db_path, capsys):
    db = workdir / "facts.db"
    shutil.copy(db_path, db)
    before = db.read_bytes()
    file, line, message = CASES[case](workdir)
    for command in ("check", "build"):
        args = [command, "--seeds", str(workdir / "seeds"), "--facts", str(workdir / "facts.yml")]
        code = main(args + (["--db", str(db)] if command == "build" else []))
        err = capsys.readouterr().err
        assert code == 2
        assert err.count("\n") == 1 and err.startswith("error: "), err
        where = err.removeprefix("error: ").split(": ", 1)[0]
        assert where.endswith(file if line is None else f"{file}:{line}"), err
        assert message in err, err
    assert db.read_bytes() == before
    assert sorted(p.name for p in workdir.iterdir()) == ["facts.db", "facts.yml", "seeds"]  # no temp file left


@pytest.mark.parametrize("jobs", ["1", "2"])
@pytest.mark.parametrize(
    "break_facts", [_yaml_syntax, _unknown_source, _said_on_after_publication], ids=lambda f: f.__name__
)
def test_a_bad_seed_is_reported_before_a_bad_facts_file(workdir, capsys, jobs: str, break_facts: Callable):
    """With jobs the sources are verified in a process beside the one reading facts.yml (etl.build): when both are
    wrong, the sources' problem is the one reported, as when they were verified first."""
    file, line, message = _seed_changed(workdir)
    break_facts(workdir)
    args = ["build", "--seeds", str(workdir / "seeds"), "--facts", str(workdir / "facts.yml")]
    err = _one_line_error(capsys, [*args, "--db", str(workdir / "facts.db"), "--clean", "--jobs", jobs])
    assert f"{file}:{line}: {message}" in err, err


def test_error_from_the_command_line_has_no_traceback(workdir):
    _quote_not_found(workdir)
    args = ["check", "--seeds", str(workdir / "seeds"), "--facts", str(workdir / "facts.yml")]
    proc = subprocess.run([sys.executable, "-m", "etl", *args], capture_output=True, text=True, check=False)
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr and proc.stderr.count("\n") == 1
    assert "facts.yml:" in proc.stderr and "quote not found in rferl-2023-02-03" in proc.stderr


# --- serving and publishing: metadata.yml, the inspect file, the port ------------------------------------------


@pytest.fixture
def served_db(tmp_path: Path, db_path: Path, monkeypatch) -> Path:
    """A copy of the database to serve; serving would replace the test process (os.execv), so here it fails."""

    def no_exec(*args):
        raise AssertionError(f"would have served: {args}")

    monkeypatch.setattr("os.execv", no_exec)
    shutil.copy(db_path, tmp_path / "facts.db")
    return tmp_path / "facts.db"


def _one_line_error(capsys, args: list[str]) -> str:
    code = main(args)
    captured = capsys.readouterr()
    assert code == 2, captured
    assert captured.err.count("\n") == 1 and captured.err.startswith("error: "), captured.err
    assert captured.out == ""
    return captured.err


@pytest.mark.parametrize("command", ["serve", "export", "package", "publish"])
def test_duplicate_key_in_metadata_stops_serving_and_publishing(command, served_db, tmp_path, capsys):
    from etl.publish import free_port

    metadata = tmp_path / "metadata.yml"
    text = METADATA.read_text(encoding="utf-8")
    metadata.write_text(text.replace("\nlicense: ", '\ntitle: "Another title"\nlicense: ', 1), encoding="utf-8")
    second = line_of(metadata, 'title: "Another title"')
    before = served_db.read_bytes()
    common = ["--db", str(served_db), "--metadata", str(metadata)]
    args = {
        "serve": ["serve", *common, "--port", str(free_port())],
        "export": ["export", *common, "--out", str(tmp_path / "dist")],
        "package": ["package", *common, "--out", str(tmp_path / "package")],
        "publish": ["publish", "cloudrun", *common, "--print"],
    }[command]
    err = _one_line_error(capsys, args)
    assert f"metadata.yml:{second}: duplicate key 'title' (first on line 1)" in err, err
    assert served_db.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["facts.db", "metadata.yml"]


def test_serve_without_the_inspect_file_says_how_to_make_it(served_db, tmp_path, capsys):
    missing = tmp_path / "inspect.json"
    before = served_db.read_bytes()
    err = _one_line_error(capsys, ["serve", "--db", str(served_db), "--inspect", str(missing)])
    assert f"error: {missing}: inspect file not found; make it with `datasette inspect {served_db}" in err, err
    assert served_db.read_bytes() == before


def test_serve_with_a_stale_inspect_file_is_refused(served_db, tmp_path, capsys):
    stale = tmp_path / "inspect.json"
    stale.write_text('{"facts": {"size": 1, "tables": {}}}', encoding="utf-8")
    err = _one_line_error(capsys, ["serve", "--db", str(served_db), "--inspect", str(stale)])
    assert f"error: {stale}: inspect file is not of {served_db} as it is now" in err, err


def test_serve_on_a_taken_port_names_it_and_a_free_one(served_db, capsys):
    import socket

    before = served_db.read_bytes()
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        port = holder.getsockname()[1]
        err = _one_line_error(capsys, ["serve", "--db", str(served_db), "--port", str(port)])
    assert err.startswith(f"error: 127.0.0.1:{port}: port {port} is already in use; stop the server holding it"), err
    assert "make serve PORT=" in err and "(python -m etl serve --port N)" in err
    suggested = int(err.split("make serve PORT=")[1].split()[0])
    assert suggested > port
    assert served_db.read_bytes() == before


def test_make_serve_on_a_taken_port_is_one_error_line(tmp_path, db_path):
    """As a user meets it: `make serve` while another server holds the port (the database and inspect file are
    copies in tmp_path, so the project's own are not touched)."""
    import socket

    shutil.copy(db_path, tmp_path / "facts.db")
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        port = holder.getsockname()[1]
        proc = run_make("serve", f"DB={tmp_path / 'facts.db'}", f"INSPECT={tmp_path / 'inspect.json'}", f"PORT={port}")
    errors = [line for line in proc.stderr.splitlines() if line.startswith("error: ")]
    assert proc.returncode != 0 and "Traceback" not in proc.stderr, proc.stderr
    assert errors == [line for line in errors if f"port {port} is already in use" in line] and len(errors) == 1
    assert "make serve PORT=" in errors[0]


def test_a_broad_alias_marked_intended_is_accepted_and_matched(workdir, capsys):
    from etl.extract.entities import find_mentions
    from etl.facts import load_entities

    marked = THERESA_MAY.replace("}", ", intended_aliases: [May]}")
    edit(workdir / "facts.yml", "  - id: kaja-kallas\n", marked + "  - id: kaja-kallas\n")
    assert main(["check", "--seeds", str(workdir / "seeds"), "--facts", str(workdir / "facts.yml")]) == 0
    capsys.readouterr()
    mentions = find_mentions("Theresa May spoke. May then left.", load_entities(workdir / "facts.yml"))
    assert [(m.surface, m.entity_id) for m in mentions] == [("Theresa May", "theresa-may"), ("May", "theresa-may")]


@pytest.mark.parametrize(
    ("alias", "reason"),
    [
        ("EU", None), ("U.S.", None), ("Michel", None), ("G7", None), ("The Guardian", None),
        ("US", None),  # matched case-sensitively but for the first letter: "US" never matches "us"
        ("E", "is shorter than two letters"), ("A.", "is shorter than two letters"),
        ("5", "is shorter than two letters"),
        ("May", "matches the common English word 'may'"), ("on", "matches the common English word 'on'"),
        ("Of the", "matches the common English words 'of the'"),
    ],
)  # fmt: skip
def test_too_broad_reads_an_alias_as_the_matcher_does(alias, reason):
    from etl.extract.entities import too_broad

    assert too_broad(alias) == reason


# The schema's fast gate (etl.facts._fact_gate) may refuse what the schema allows (jsonschema then checks it), never
# allow what it refuses: facts of the real facts.yml, mutated anywhere into any JSON value or with a key dropped.
_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=6,
)


def _paths(node: object, at: tuple = ()) -> list[tuple]:
    keys = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(node, list) else ()
    return [at] + [p for k, v in keys for p in _paths(v, (*at, k))]


def _mutated(fact: object, path: tuple, value: object, drop: bool) -> object:
    if not path:
        return value
    copy = dict(fact) if isinstance(fact, dict) else list(fact)  # type: ignore[arg-type]
    if drop and len(path) == 1 and isinstance(copy, dict):
        del copy[path[0]]
    else:
        copy[path[0]] = _mutated(copy[path[0]], path[1:], value, drop)
    return copy


@pytest.fixture(scope="module")
def real_facts() -> list:
    from etl.yamlfile import read_yaml

    return read_yaml(Path(__file__).resolve().parent.parent / "facts.yml")[0]["facts"]


def test_the_fast_gate_allows_every_real_fact(real_facts: list) -> None:
    from etl.facts import _fact_gate, _validators

    assert len(real_facts) >= 60
    assert all(_fact_gate()(f) for f in real_facts)  # else it gains nothing: jsonschema checks every fact again
    assert not any(list(_validators()[2].iter_errors(f)) for f in real_facts)


@settings(max_examples=400, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_the_fast_gate_never_allows_what_the_schema_refuses(real_facts: list, data: st.DataObject) -> None:
    from etl.facts import _fact_gate, _validators

    fact = data.draw(st.sampled_from(real_facts))
    path = data.draw(st.sampled_from(_paths(fact)))
    mutated = _mutated(fact, path, data.draw(_JSON), data.draw(st.booleans()))
    refused = list(_validators()[2].iter_errors(mutated))
    assert not (refused and _fact_gate()(mutated)), (mutated, refused[0].message)
