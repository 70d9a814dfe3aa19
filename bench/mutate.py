"""Mutation fuzz of the curated inputs: random line-level slips in facts.yml and seeds/sources.yml, each built.

The edits a person makes by hand in a YAML file: a line deleted, duplicated or swapped with another, an
indentation changed, the file cut short, a character typed into a quote or an id, a number changed. Each
mutated input must end in a successful build or in exit status 2 with one ``error:`` line naming a file
and a line: never a traceback, never a partial or changed facts.db on failure, never a temporary file
left behind. tests/test_fuzz.py runs a few dozen mutations; ``make bench-adversarial`` runs many and
reports the counts.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import random
import re
import shutil
import sqlite3
import traceback
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from etl.cli import main

FILES = ("facts.yml", "seeds/sources.yml")
KINDS = ("delete", "duplicate", "swap", "indent", "truncate", "insert", "number")
# Characters a slip types into a value: letters, YAML's own punctuation, blanks, a control character, a non-ASCII one.
TYPED = "xX0-_:#'\"{}[],&*!|> \té\x00\x7f"
# Values that name something: ids and references, quotes, file names.
_VALUE = re.compile(r"\b(?:id|quote|source|subject|claimant|supersedes|speaker|fact|file|topic|unit): *([^,}\n]+)")
_NUMBER = re.compile(r"\d+")
_ERROR = re.compile(r"error: (?P<file>.+?):(?P<line>\d+): (?P<message>.+)\n")
# What a build leaves beside the database on purpose: its incremental state, the checked facts.yml and sources.yml.
STATE = {".facts.db.state.json", ".facts.db.facts.pickle", ".facts.db.sources.pickle"}


@dataclass(frozen=True)
class Mutation:
    file: str  # relative to the work folder
    kind: str
    line: int  # 1-based line of the edit
    text: str  # the whole mutated file

    def __str__(self) -> str:
        return f"{self.kind} at {self.file}:{self.line}"


def mutate(original: str, file: str, rng: random.Random, kind: str | None = None) -> Mutation:
    """One random edit of ``original`` (the text of ``file``) of the given or a random kind; never a no-op."""
    kind = kind or rng.choice(KINDS)
    lines = original.splitlines(keepends=True)
    i = rng.randrange(len(lines))
    if kind == "delete":
        del lines[i]
    elif kind == "duplicate":
        lines.insert(i, lines[i])
    elif kind == "swap":
        j = min(max(i + rng.choice((-1, 1)), 0), len(lines) - 1) if rng.random() < 0.7 else rng.randrange(len(lines))
        if lines[j] == lines[i]:  # the nearest line that differs: a swap of equal lines is no edit
            j = next((k for k in sorted(range(len(lines)), key=lambda k: abs(k - i)) if lines[k] != lines[i]), i)
        lines[i], lines[j] = lines[j], lines[i]
    elif kind == "indent":
        body = lines[i].lstrip(" ")
        indent = len(lines[i]) - len(body)
        new_indent = max(0, indent + rng.choice((-2, -1, 1, 2)))
        lines[i] = " " * (new_indent if new_indent != indent else indent + 2) + body
    elif kind == "truncate":
        cut = rng.randrange(len(original))
        return Mutation(file, kind, original.count("\n", 0, cut) + 1, original[:cut])
    elif kind in ("insert", "number"):
        spans = [m.span(1) for m in _VALUE.finditer(original)] if kind == "insert" else []
        spans = spans or [m.span() for m in _NUMBER.finditer(original)]
        start, end = rng.choice(spans)
        if kind == "insert":
            at = rng.randint(start, end)
            text = original[:at] + rng.choice(TYPED) + original[at:]
        else:
            text = original[:start] + _other_number(original[start:end], rng) + original[end:]
        return Mutation(file, kind, original.count("\n", 0, start) + 1, text)
    text = "".join(lines)
    if text == original:  # only a file of one repeated line swaps to itself: delete one instead
        text = "".join(lines[:i] + lines[i + 1 :])
    return Mutation(file, kind, i + 1, text)


def _other_number(digits: str, rng: random.Random) -> str:
    n = int(digits)
    options = {str(n + 1), str(max(n - 1, 0)), str(n * 10), digits[:-1] or "0", digits + "0", str(rng.randrange(100))}
    options.discard(digits)
    return rng.choice(sorted(options))


@dataclass
class Tally:
    """Counts of a fuzz run: per mutation kind how many built and were refused, and the refusals by message."""

    tried: int = 0
    built: int = 0
    refused: int = 0
    by_kind: dict[str, Counter] = field(default_factory=dict)
    by_message: Counter = field(default_factory=Counter)
    violations: list[str] = field(default_factory=list)

    def add(self, mutation: Mutation, outcome: str, message: str | None = None) -> None:
        self.tried += 1
        self.by_kind.setdefault(mutation.kind, Counter())[outcome] += 1
        if outcome == "built":
            self.built += 1
        elif outcome == "refused":
            self.refused += 1
            self.by_message[message] += 1

    def to_json(self) -> dict:
        return {
            "tried": self.tried, "built": self.built, "refused": self.refused, "violations": self.violations,
            "by_kind": {k: dict(sorted(c.items())) for k, c in sorted(self.by_kind.items())},
            "by_message": dict(self.by_message.most_common()),
        }  # fmt: skip


class Violation(AssertionError):
    """A mutated input that did not end in a clean build or a clean one-line refusal."""


def message_kind(message: str) -> str:
    """What an error says, without its particulars: quoted values, paths, hashes and numbers blanked, no fix."""
    text = message.split("; ")[0]
    text = re.sub(r"'[^']*'|\"[^\"]*\"", "'…'", text)
    text = re.sub(r"\S*/\S*", "<file>", text)
    text = re.sub(r"\b(?=\w*\d)(?=\w*[a-z])\w{16,}\b", "<sha256>", text)
    return re.sub(r"(?<!U\+)\b\d+(?:\.\d+)?(?:e[+-]\d+)?\b", "N", text)  # code points kept: U+0000


def prepare(work: Path, seeds: Path, facts: Path, db: Path) -> None:
    """A work folder holding copies of the inputs and of a database built from them."""
    shutil.copytree(seeds, work / "seeds")
    shutil.copy(facts, work / "facts.yml")
    shutil.copy(db, work / "facts.db")


def run(work: Path, mutation: Mutation) -> tuple[str, str | None]:
    """Build ``work`` with ``mutation`` applied; ("built", None) or ("refused", message kind). Raises Violation."""
    path, db = work / mutation.file, work / "facts.db"
    original, before, names = path.read_bytes(), db.read_bytes(), _names(work)
    path.write_text(mutation.text, encoding="utf-8")
    out, err = io.StringIO(), io.StringIO()
    args = ["build", "--seeds", str(work / "seeds"), "--facts", str(work / "facts.yml"), "--db", str(db)]
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = main(args)
    except Exception as e:  # the fuzz harness, not the product: a traceback is what it looks for
        raise Violation(f"{mutation}: traceback\n{''.join(traceback.format_exception(e))}") from e
    finally:
        path.write_bytes(original)
    left = sorted(_names(work) - names - STATE)
    if left:
        raise Violation(f"{mutation}: files left behind: {left}")
    if code == 0:
        _check_built(db, mutation, work)
        return "built", None
    error = err.getvalue()
    m = _ERROR.fullmatch(error)
    if code != 2 or not m or out.getvalue():
        raise Violation(f"{mutation}: exit {code}, stdout {out.getvalue()!r}, stderr {error!r}")
    if not Path(m["file"]).is_file() or int(m["line"]) < 1:
        raise Violation(f"{mutation}: the error names no file and line: {error!r}")
    if db.read_bytes() != before:
        raise Violation(f"{mutation}: refused ({error.strip()}) but facts.db changed")
    return "refused", message_kind(m["message"])


def _check_built(db: Path, mutation: Mutation, work: Path) -> None:
    """A complete database of the mutated input: intact, built from it, every evidence span its exact words."""
    facts = hashlib.sha256(
        (work / "facts.yml").read_bytes() if mutation.file != "facts.yml" else mutation.text.encode()
    )
    with contextlib.closing(sqlite3.connect(f"file:{db}?mode=ro", uri=True)) as con:
        ok = con.execute("pragma integrity_check").fetchone()[0] == "ok"
        info = dict(con.execute("select key, value from build_info"))
        wrong = con.execute(
            "select count(*) from fact_evidence e join sources s on s.id = e.source_id"
            " where substr(s.text, e.start + 1, e.end - e.start) != e.exact"
        ).fetchone()[0]
    if not ok or info.get("sha256:facts.yml") != facts.hexdigest() or wrong:
        raise Violation(f"{mutation}: built, but facts.db is not the build of it (integrity {ok}, {wrong} bad spans)")


def _names(work: Path) -> set[str]:
    return {str(p.relative_to(work)) for p in work.rglob("*")}


def fuzz(work: Path, count: int, seed: int, tally: Tally | None = None, stop: bool = True) -> Tally:
    """``count`` random mutations of the inputs in ``work`` (see ``prepare``), built one after the other."""
    tally = tally or Tally()
    rng = random.Random(seed)
    originals = {f: (work / f).read_text(encoding="utf-8") for f in FILES}
    for _ in range(count):
        file = rng.choice(FILES)
        mutation = mutate(originals[file], file, rng)
        try:
            tally.add(mutation, *run(work, mutation))
        except Violation as v:
            if stop:
                raise
            tally.add(mutation, "violation")
            tally.violations.append(str(v))
    return tally
