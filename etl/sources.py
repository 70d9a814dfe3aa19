"""Read the seed articles and their metadata, refusing anything that would break offsets.

Offsets are code points of the decoded file, so a seed must decode exactly as it
was hashed: UTF-8, no byte-order mark, LF line endings. A seed with a BOM or CRLF
is refused with the command that fixes it, rather than silently normalized, so the
published text is always byte-for-byte the file whose sha256 sources.yml records.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

from etl.errors import InputError
from etl.yamlfile import read_yaml

# C0 control characters but tab and newline (CR has its own message): NUL and the like are capture errors,
# invisible in a browser, and would sit inside quotes and offsets.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f]")
REQUIRED = ("id", "file", "sha256", "title", "publisher", "published", "url", "language")


@dataclass(frozen=True)
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


def load_sources(seeds: Path) -> list[Source]:
    """Every entry of ``seeds/sources.yml`` with its verified, decoded text."""
    path = seeds / "sources.yml"
    data, lines = read_yaml(path)
    if not isinstance(data, list):
        raise InputError(path, lines.of(()), "expected a list of sources (each starting with '- id:')")
    sources: list[Source] = []
    seen: dict[str, int] = {}
    for i, entry in enumerate(data):
        line = lines.of((i,))
        if not isinstance(entry, dict):
            raise InputError(path, line, "each source must be a mapping with id, file, sha256, ...")
        for key in REQUIRED:
            if entry.get(key) in (None, ""):
                raise InputError(path, line, f"source is missing '{key}'; add it")
        sid = str(entry["id"])
        if sid in seen:
            raise InputError(path, line, f"duplicate source id '{sid}' (first on line {seen[sid]}); ids must be unique")
        seen[sid] = line
        try:
            published = dt.date.fromisoformat(str(entry["published"]))
        except ValueError:
            raise InputError(path, lines.of((i, "published")), "'published' must be a date like 2023-02-03") from None
        text = _read_seed(
            seeds / str(entry["file"]), str(entry["sha256"]), path, lines.of((i, "file")), lines.of((i, "sha256"))
        )
        sources.append(
            Source(
                id=sid,
                file=str(entry["file"]),
                sha256=str(entry["sha256"]),
                title=str(entry["title"]),
                publisher=str(entry["publisher"]),
                authors=tuple(entry.get("authors") or ()),
                credits=tuple(entry.get("credits") or ()),
                published=published,
                url=str(entry["url"]),
                language=str(entry["language"]),
                text=text,
                line=line,
            )
        )
    listed = {s.file for s in sources}
    for extra in sorted(p.name for p in seeds.glob("*.txt")):
        if extra not in listed:  # named where the entry goes: the end of the listing
            raise InputError(
                path, path.read_text(encoding="utf-8").count("\n") or 1,
                f"seed {seeds / extra} has no entry; add one with its id, file, sha256 and metadata",
            )  # fmt: skip
    return sources


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
            f"sha256 of {file.name} is {digest} but this line says {sha256}; restore the original {file}, "
            "or update sha256 here if the change is deliberate (curated quotes may then need fixing)",
        )
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
