"""Read the seed articles and their metadata, refusing anything that would break offsets.

Offsets are code points of the decoded file, so a seed must decode exactly as it
was hashed: UTF-8, no byte-order mark, LF line endings. A seed with a BOM or CRLF
is refused with the command that fixes it, rather than silently normalized, so the
published text is always byte-for-byte the file whose sha256 sources.yml records.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import hashlib
import json
import os
import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from etl.errors import InputError
from etl.yamlfile import Lines, parse_yaml, read_yaml

# C0 control characters but tab and newline (CR has its own message): NUL and the like are capture errors,
# invisible in a browser, and would sit inside quotes and offsets.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f]")
REQUIRED = ("id", "file", "sha256", "title", "publisher", "published", "url", "language")
# Archived copies the build links to (never fetches): the Wayback Machine, with its 14-digit capture time, or
# archive.today under any of its domains, by short id or capture time.
ARCHIVES = (
    re.compile(r"https://web\.archive\.org/web/(?P<stamp>\d{14})(?:id_|if_)?/https?://\S+"),
    re.compile(
        r"https://archive\.(?:today|ph|is|li|md|vn|fo)/(?:(?P<day>\d{4}\.\d\d\.\d\d)-(?P<time>\d{6})/https?://\S+"
        r"|[A-Za-z0-9]{4,10})"
    ),
)
SHA256 = re.compile(r"[0-9a-f]{64}")


@dataclass(frozen=True, slots=True)
class Archive:
    """An archived copy of the page the text was captured from, and when the archive captured it (UTC)."""

    url: str
    captured: str  # ISO 8601, e.g. 2023-02-03T19:40:12Z


@dataclass(frozen=True, slots=True)
class Revision:
    """An earlier text of the source, replaced by ``python -m etl reanchor`` on ``date``."""

    sha256: str
    date: str
    archive: Archive | None = None


@dataclass(frozen=True, slots=True)
class Source:
    id: str
    file: str
    sha256: str
    title: str
    publisher: str
    authors: tuple[str, ...]
    credits: tuple[str, ...]
    published: dt.date
    url: str
    language: str
    text: str
    line: int  # of the entry in sources.yml
    archive: Archive | None = None
    revisions: tuple[Revision, ...] = ()
    country: str | None = None  # ISO 3166-1 alpha-2 of the outlet, where given
    chars: int | None = None  # of the text, when the text itself is not kept (load_sources(keep_text=False))

    @property
    def day_first(self) -> bool:
        """Numeric dates read 3/2/2023 as 3 February, except in US copy (2 March)."""
        return self.country != "US"

    @property
    def length(self) -> int:
        """Code points in the text, whether or not it is kept."""
        return len(self.text) if self.chars is None else self.chars

    def with_text(self, seeds: Path) -> Source:
        """This source with its text, read again and verified against the same sha256 (a build that does not keep
        every text in memory reads each one when it needs it)."""
        if self.chars is None:
            return self
        text = _read_seed(seeds / self.file, self.sha256, seeds / "sources.yml", self.line, self.line)
        return dataclasses.replace(self, text=text, chars=None)

    def revisions_json(self) -> str:
        """The revisions as the sources table stores them: a JSON list, oldest first."""
        return json.dumps([
            {"sha256": r.sha256, "date": r.date}
            | ({"archive_url": r.archive.url, "archived_at": r.archive.captured} if r.archive else {})
            for r in self.revisions
        ])  # fmt: skip


def load_sources(seeds: Path, keep_text: bool = True) -> list[Source]:
    """Every entry of ``seeds/sources.yml`` with its verified, decoded text (or, without ``keep_text``, only its
    length: ``Source.with_text`` reads it again when needed, so 10,000 texts need not be in memory at once)."""
    return verify(seeds, keep_text).sources


@dataclass(frozen=True)
class Verified:
    """The sources as a build verified them: sources.yml's sha256, each entry (texts not kept), the lines naming
    each entry's file and sha256, each seed file as verified (``signature`` before it was read, sha256, length)
    and each top-level item of sources.yml parsed (``_items``), so that an edited entry is all a build parses."""

    listing: str
    sources: list[Source]
    lines: dict[str, tuple[int | None, int | None]]
    files: dict[str, tuple]
    items: dict[bytes, Item]


# One item of sources.yml as parsed and checked: its source, the line the item starts on, the lines of its file and
# sha256 (the same item further down the file: every line shifted alike).
Item = tuple["Source", int, int | None, int | None]


def verify(seeds: Path, keep_text: bool = True, known: Verified | None = None) -> Verified:
    """``load_sources``; with ``known`` (a previous verification) a listing with the same sha256 is not parsed
    again (else only its items that changed), and a seed file whose signature and sha256 are as verified before
    is not read and hashed again (texts not kept only)."""
    path = seeds / "sources.yml"
    try:
        raw = path.read_bytes()
    except OSError:
        raw = b""  # read_yaml names the problem
    digest = hashlib.sha256(raw).hexdigest()
    if known is not None and known.listing == digest and raw:
        entries, lines, items = known.sources, known.lines, known.items
    else:
        entries, lines, items = _entries(path, raw, known.items if known else {})
    sources, files = [], {}
    folder = str(seeds)
    for src in entries:
        file = os.path.join(folder, src.file)  # not Path: 10,000 of them
        with contextlib.suppress(OSError):  # _read_seed names the problem
            files[src.file] = (*signature(file), src.sha256)
        was = known.files.get(src.file) if known is not None and not keep_text else None
        if was is not None and was[:-1] == files.get(src.file):
            sources.append(src if src.chars == was[-1] else dataclasses.replace(src, chars=was[-1]))
            files[src.file] = was
            continue
        text = _read_seed(seeds / src.file, src.sha256, path, *lines[src.id])
        sources.append(dataclasses.replace(src, text=text if keep_text else "", chars=None if keep_text else len(text)))
        files[src.file] = (*files[src.file], len(text))
    _no_extra_seeds(seeds, path, {s.file for s in sources})
    if known is not None and known.listing == digest and files == known.files:
        return known  # as the last build verified it (no need to save it again)
    final = {s.id: s for s in sources}  # the items hold the very sources (with lengths): pickled once, not twice
    items = {key: (final[item[0].id], *item[1:]) for key, item in items.items()}
    return Verified(digest, sources, lines, files, items)


def signature(file: str | Path) -> tuple[int, ...]:
    """What changes when a file is written or replaced (as git's index tells a changed file without reading it)."""
    st = os.stat(file)
    return (st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns)


def _entries(
    path: Path, raw: bytes, known: dict[bytes, Item]
) -> tuple[list[Source], dict[str, tuple[int | None, int | None]], dict[bytes, Item]]:
    """sources.yml's entries, checked, without their texts; per source the lines of its file and sha256; and its
    items parsed. Items parsed before (``known``) are not parsed again, when the file is a plain list of items;
    anything unusual, or any problem, and the whole file is parsed as one (which names the problem)."""
    pieces = _items(raw)
    if pieces is not None and known and sum(p.key not in known for p in pieces) <= _FEW:
        try:
            return _from_items(path, pieces, known)
        except (InputError, yaml.YAMLError, ValueError, TypeError, KeyError, IndexError):
            pass
    sources, at = _parse(path)
    items: dict[bytes, Item] = {}
    if pieces is not None and len(pieces) == len(sources):
        for piece, src in zip(pieces, sources, strict=True):
            items[piece.key] = (src, piece.first, *at[src.id])
    return sources, at, items


_FEW = 50  # items parsed one by one at most (each at its own lines, after as many newlines); more: the whole file
# In b"\n" + raw: a line at column 0 that is neither an item, a comment nor blank.
_OTHER = re.compile(rb"\n(?:[^- #\n]|-(?! ))")
_ANCHOR = re.compile(rb"([&*])([^\s,\[\]{}]+)")  # &name defines, *name refers to (YAML's dumper shares dates so)


@dataclass(frozen=True)
class _Piece:
    """A top-level item of sources.yml: its first line, its text, the pieces defining the anchors it refers to
    (indexes, transitively), and a key for its parse: its text and theirs."""

    first: int
    text: bytes
    needs: tuple[int, ...]
    key: bytes


def _items(raw: bytes) -> list[_Piece] | None:
    """sources.yml cut at its top-level items (a line starting "- "); None unless every other line at column 0 is
    blank or a comment (a YAML list of mappings as people and tools write it), or if an alias has no anchor.

    Byte searches, not a regex per item: this runs on every build whose listing changed (10,000 items: 130 ms that
    way, 70 ms this way)."""
    starts = ([0] if raw.startswith(b"- ") else []) + [at + 1 for at in _positions(raw, b"\n- ", 0)]
    if not starts or _OTHER.search(b"\n" + raw) or b"\n " in b"\n" + raw[: starts[0]]:
        return None
    ends = [*starts[1:], len(raw)]
    marks: dict[int, list[tuple[bytes, bytes]]] = {}  # item index -> its anchors and aliases, in order
    item, done = 0, 0
    for pos in sorted(_positions(raw, b"&", starts[0]) + _positions(raw, b"*", starts[0])):
        m = _ANCHOR.match(raw, pos) if pos >= done else None  # as finditer would: none inside another's name
        if m:
            done = m.end()
            while pos >= ends[item]:
                item += 1
            marks.setdefault(item, []).append(m.groups())
    pieces: list[_Piece] = []
    defined: dict[bytes, int] = {}  # anchor -> the last piece defining it
    line = 1 + raw.count(b"\n", 0, starts[0])
    for k, (a, b) in enumerate(zip(starts, ends, strict=True)):
        text = raw[a:b]
        needs: set[int] = set()
        mine = marks.get(k, ())
        for kind, name in mine:
            if kind == b"*":
                if name not in defined:
                    return None
                needs |= {defined[name], *pieces[defined[name]].needs}
        for kind, name in mine:
            if kind == b"&":
                defined[name] = k
        order = tuple(sorted(needs))
        key = hashlib.sha256(b"\0".join([text, *(pieces[i].key for i in order)])).digest()
        pieces.append(_Piece(line, text, order, key))
        line += text.count(b"\n")
    return pieces


def _positions(raw: bytes, byte: bytes, start: int) -> list[int]:
    out, at = [], raw.find(byte, start)
    while at != -1:
        out.append(at)
        at = raw.find(byte, at + 1)
    return out


def _shift(line: int | None, by: int) -> int | None:
    return None if line is None else line + by


def _from_items(
    path: Path, pieces: list[_Piece], known: dict[bytes, Item]
) -> tuple[list[Source], dict[str, tuple[int | None, int | None]], dict[bytes, Item]]:
    sources, at, items = [], {}, {}
    for piece in pieces:
        item = known.get(piece.key)
        if item is None:
            item = _parse_item(path, pieces, piece)
        elif item[1] != piece.first:  # moved up or down: the same entry on other lines
            by = piece.first - item[1]
            moved = dataclasses.replace(item[0], line=item[0].line + by)
            item = (moved, piece.first, _shift(item[2], by), _shift(item[3], by))
        src = item[0]
        if src.id in at:
            raise ValueError("duplicate id")  # the whole file's parse says where
        items[piece.key] = item
        sources.append(src)
        at[src.id] = item[2], item[3]
    return sources, at, items


def _parse_item(path: Path, pieces: list[_Piece], piece: _Piece) -> Item:
    """One item parsed after the items defining its anchors, each at its own lines (blank lines between)."""
    text, line = [], 1
    for p in [*(pieces[i] for i in piece.needs), piece]:
        text += ["\n" * (p.first - line), p.text.decode("utf-8")]
        line = p.first + p.text.count(b"\n")
    data, lines = parse_yaml("".join(text), path)
    i = len(piece.needs)
    if not isinstance(data, list) or len(data) != i + 1:
        raise ValueError("not one item")
    return (_entry(data[i], i, lines, path), piece.first, lines.of((i, "file")), lines.of((i, "sha256")))


def _parse(path: Path) -> tuple[list[Source], dict[str, tuple[int | None, int | None]]]:
    """sources.yml parsed whole and checked, each entry as the parser reaches it (its mapping and lines then
    dropped); the first entry's problem is reported once the whole file has parsed (a YAML error anywhere first)."""
    sources: list[Source] = []
    seen: dict[str, int | None] = {}
    at: dict[str, tuple[int | None, int | None]] = {}
    problem: list[InputError] = []

    def turn(i: int, entry: object, lines: Lines) -> None:
        if problem:
            return
        try:
            src = _entry(entry, i, lines, path)
        except InputError as e:
            problem.append(e)
            return
        if src.id in seen:
            problem.append(InputError(
                path, src.line, f"duplicate source id '{src.id}' (first on line {seen[src.id]}); ids must be unique"
            ))  # fmt: skip
            return
        seen[src.id] = src.line
        at[src.id] = (lines.of((i, "file")), lines.of((i, "sha256")))
        sources.append(src)

    data, lines = read_yaml(path, each={(): turn})
    if not isinstance(data, list):
        raise InputError(path, lines.of(()), "expected a list of sources (each starting with '- id:')")
    if problem:
        raise problem[0]
    return sources, at


def _entry(entry: object, i: int, lines: Lines, path: Path) -> Source:
    """One entry of sources.yml, checked, without its text."""
    line = lines.of((i,))
    if not isinstance(entry, dict):
        raise InputError(path, line, "each source must be a mapping with id, file, sha256, ...")
    for key in REQUIRED:
        if entry.get(key) in (None, ""):
            raise InputError(path, line, f"source is missing '{key}'; add it")
    try:
        published = dt.date.fromisoformat(str(entry["published"]))
    except ValueError:
        raise InputError(path, lines.of((i, "published")), "'published' must be a date like 2023-02-03") from None
    return Source(
        id=str(entry["id"]),
        file=str(entry["file"]),
        sha256=str(entry["sha256"]),
        title=str(entry["title"]),
        publisher=str(entry["publisher"]),
        authors=tuple(entry.get("authors") or ()),
        credits=tuple(entry.get("credits") or ()),
        published=published,
        url=str(entry["url"]),
        language=str(entry["language"]),
        country=_country(entry, path, lines, i),
        text="",
        line=line,
        archive=_archive(entry, published, path, lines, (i,)),
        revisions=_revisions(entry, published, path, lines, i),
    )


def _no_extra_seeds(seeds: Path, path: Path, listed: set[str]) -> None:
    for extra in sorted(e.name for e in os.scandir(seeds) if e.name.endswith(".txt")):  # not glob: 10,000 Paths
        if extra not in listed:  # named where the entry goes: the end of the listing
            raise InputError(
                path, path.read_text(encoding="utf-8").count("\n") or 1,
                f"seed {seeds / extra} has no entry; add one with its id, file, sha256 and metadata",
            )  # fmt: skip


def _country(entry: dict, path: Path, lines: Lines, i: int) -> str | None:
    country = entry.get("country")
    if country is not None and not re.fullmatch(r"[A-Z]{2}", str(country)):
        raise InputError(path, lines.of((i, "country")), f"country {country!r} must be an ISO 3166 code like US or GB")
    return None if country is None else str(country)


def _archive(entry: dict, published: dt.date, path: Path, lines: Lines, at: tuple) -> Archive | None:
    """``archive_url`` and ``archived_at``, both or neither: a known archive's address, a UTC capture time no
    earlier than publication, and the same time as the address states where it states one."""
    url, when = entry.get("archive_url"), entry.get("archived_at")
    if url is None and when is None:
        return None
    if url is None or when is None:
        missing = "archive_url" if url is None else "archived_at"
        raise InputError(path, lines.of(at), f"archive_url and archived_at go together; add '{missing}'")
    match = next((m for p in ARCHIVES if (m := p.fullmatch(str(url)))), None)
    if match is None:
        raise InputError(path, lines.of((*at, "archive_url")), f"archive_url {url!r} is not a Wayback Machine "
                         "(https://web.archive.org/web/<14-digit time>/<url>) or archive.today address")  # fmt: skip
    where = lines.of((*at, "archived_at"))
    try:
        captured = dt.datetime.fromisoformat(str(when))
    except ValueError:
        captured = None
    if captured is None or captured.utcoffset() != dt.timedelta(0):
        raise InputError(path, where, f"archived_at {when!r} must be a UTC time like 2023-02-03T19:40:12Z")
    if captured.date() < published:
        raise InputError(path, where, f"archived_at {when} is before publication ({published}); check both")
    stamp = match.groupdict().get("stamp") or "".join(v for k, v in match.groupdict().items() if k != "stamp" and v)
    if stamp and stamp.replace(".", "") != captured.strftime("%Y%m%d%H%M%S"):
        raise InputError(path, where, f"archived_at {when} differs from the capture time in archive_url ({stamp})")
    return Archive(str(url), captured.strftime("%Y-%m-%dT%H:%M:%SZ"))


def _revisions(entry: dict, published: dt.date, path: Path, lines: Lines, i: int) -> tuple[Revision, ...]:
    """Earlier texts: each a mapping with the old sha256 and the day it was replaced (and its archived copy)."""
    out = []
    for j, rev in enumerate(entry.get("revisions") or []):
        at = (i, "revisions", j)
        if not isinstance(rev, dict) or not SHA256.fullmatch(str(rev.get("sha256", ""))):
            raise InputError(path, lines.of(at), "each revision needs 'sha256' (64 hex digits) and 'date'")
        try:
            day = dt.date.fromisoformat(str(rev.get("date")))
        except ValueError:
            raise InputError(path, lines.of((*at, "date")), "revision 'date' must be a day like 2023-02-04") from None
        out.append(Revision(str(rev["sha256"]), day.isoformat(), _archive(rev, published, path, lines, at)))
    return tuple(out)


def _read_seed(file: Path, sha256: str, listing: Path, line: int | None, sha_line: int | None) -> str:
    try:
        raw = file.read_bytes()
    except FileNotFoundError:
        raise InputError(listing, line, f"seed file {file} not found; add it or remove its entry") from None
    except OSError as e:  # a folder, or unreadable
        raise InputError(listing, line, f"seed file {file} cannot be read ({e.strerror}); name a text file") from None
    digest = hashlib.sha256(raw).hexdigest()
    if digest != sha256:  # named at the line that records it: either side may be the one changed
        raise InputError(
            listing,
            sha_line,
            f"sha256 of {file.name} is {digest} but this line says {sha256}; restore the original {file}, and give "
            "the corrected text to `python -m etl reanchor <source-id> NEW_FILE`, which carries every curated quote "
            "over to it",
        )
    return decode_seed(raw, file)


def decode_seed(raw: bytes, file: Path) -> str:
    """A seed's text, refused unless offsets into it can be exact: UTF-8, no byte-order mark, LF line endings."""
    if not raw.strip():
        raise InputError(file, None, "seed is empty; capture the article text into it")
    if raw.startswith(b"\xef\xbb\xbf"):
        raise InputError(file, 1, "seed starts with a UTF-8 byte-order mark; remove it (offsets count code points)")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        line_no = raw.count(b"\n", 0, e.start) + 1
        raise InputError(file, line_no, f"not valid UTF-8 at byte {e.start}; re-save the capture as UTF-8") from None
    if "\r" in text:
        line_no = text.count("\n", 0, text.index("\r")) + 1
        raise InputError(file, line_no, "seed has CR line endings; convert to LF (e.g. sed -i 's/\\r$//' FILE)")
    control = _CONTROL.search(text)
    if control:
        at = control.start()
        line_no = text.count("\n", 0, at) + 1
        column = at - text.rfind("\n", 0, at)
        raise InputError(
            file,
            line_no,
            f"seed has control character U+{ord(control[0]):04X} at column {column} (a capture error: "
            f"no text holds one); `grep -naP '{_CONTROL.pattern}' {file} | cat -A` shows every one; remove them",
        )
    return text
