"""Bad input: a one-line error naming file and line, exit status 2, and the previous database untouched."""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from etl.cli import main


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
    return "rferl-2023-02-03.txt", None, "sha256 is "


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
    return "extra-2023-02-04.txt", None, "seed has no entry in"


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


CASES: dict[str, Callable[[Path], tuple[str, int | None, str]]] = {
    f.__name__.lstrip("_"): f
    for f in [
        _yaml_syntax, _unknown_key, _misspelt_field, _missing_required, _wrong_type, _duplicate_fact,
        _duplicate_entity, _quote_not_found, _quote_twice, _unknown_source, _unknown_subject, _unknown_claimant,
        _supersedes_nowhere, _supersedes_cycle, _bad_date, _bad_unit, _bad_topic, _value_typo, _date_typo,
        _seed_missing, _seed_changed, _seed_not_utf8, _seed_bom, _seed_crlf, _seed_empty, _seed_without_entry,
        _entry_without_file, _sources_missing_field,
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


def test_error_from_the_command_line_has_no_traceback(workdir):
    _quote_not_found(workdir)
    args = ["check", "--seeds", str(workdir / "seeds"), "--facts", str(workdir / "facts.yml")]
    proc = subprocess.run([sys.executable, "-m", "etl", *args], capture_output=True, text=True, check=False)
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr and proc.stderr.count("\n") == 1
    assert "facts.yml:" in proc.stderr and "quote not found in rferl-2023-02-03" in proc.stderr
