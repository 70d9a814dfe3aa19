"""Read YAML keeping the line of every value, so errors can say where to look."""

from __future__ import annotations

import copy
import functools
from collections.abc import Callable
from pathlib import Path
from typing import Any, BinaryIO

import yaml

from etl.errors import InputError

# libyaml (bundled in the PyYAML wheel) parses ~10x faster than the pure-Python loader; same nodes, same data.
_Base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Loader(_Base):
    """SafeLoader that keeps dates as the strings written, so EDTF values and ISO days read alike, and each
    distinct string once: the ids, topics, units and source names that recur in every fact are one object each
    (the parser makes a new one per occurrence: 12 MB of the 10,000-article bench's facts.yml)."""

    def __init__(self, stream: Any):
        super().__init__(stream)
        self.strings: dict[str, str] = {}


_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


class Lines(dict):
    """Maps a path into the document (a tuple of keys and indexes) to its 1-based line."""

    def of(self, path: tuple) -> int | None:
        while path and path not in self:
            path = path[:-1]
        return self.get(path)


class _ItemLines(Lines):
    """The lines of a document read with ``each``: only the line of each item of those sequences is kept, not of
    what is inside one; those are found by reading the file again, when an error needs one."""

    def __init__(self, lines: Lines, items: tuple[tuple, ...], reread: Callable[[], Lines]):
        super().__init__(lines)
        self._items, self._reread = items, reread

    def of(self, path: tuple) -> int | None:
        return self._whole.of(path) if self._inside_item(path) else super().of(path)

    def get(self, path: tuple, default: int | None = None) -> int | None:
        return self._whole.get(path, default) if self._inside_item(path) else super().get(path, default)

    def _inside_item(self, path: tuple) -> bool:
        return any(len(path) > len(at) + 1 and path[: len(at)] == at for at in self._items)

    @functools.cached_property
    def _whole(self) -> Lines:
        return self._reread()


# A callback for each item of a sequence (read_yaml's ``each``): its index, its value and the lines of everything
# in it (paths from the top of the document); what it returns takes the item's place in the data.
Each = dict[tuple, Callable[[int, Any, Lines], Any]]


def read_yaml(path: Path, each: Each | None = None) -> tuple[Any, Lines]:
    """Parse ``path``; return the data and the line of every node in it.

    ``each``: for the sequences at these paths (``("facts",)``: the value of the top-level key ``facts``; ``()``:
    the document itself), a callback turning each item into what the data holds instead, as the parser reaches
    it: the item's mapping and the lines inside it live only while it is turned (10,000 facts as mappings with
    the line of every value: 100 MB at once)."""
    data, lines = _parse_file(path, each)
    if each:
        lines = _ItemLines(lines, tuple(each), lambda: _parse_file(path, None)[1])
    return data, lines


def _parse_file(path: Path, each: Each | None) -> tuple[Any, Lines]:
    """``parse_yaml`` of the file as the parser reads it, piece by piece: the text of a large file is never held
    whole, nor the UTF-8 copy libyaml makes of a str (17 MB at once for 10,000 articles' facts.yml). A file that
    starts with a byte-order mark (which libyaml reads past, and Python's UTF-8 not), or that the parser's reader
    refuses, or that is not found, is read as text for parse_yaml's (or ``_text``'s) own error."""
    try:
        with path.open("rb") as f:
            if not f.read(4).startswith(_BOMS):
                f.seek(0)
                return parse_yaml(f, path, each)
    except (FileNotFoundError, _Reread):
        pass
    return parse_yaml(_text(path), path, each)


_BOMS = (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")


class _Reread(Exception):
    """The reader refused a file read piece by piece: the text names the problem."""


def _text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError(path, None, "file not found") from None
    except UnicodeDecodeError as e:
        raise InputError(path, None, f"not valid UTF-8 (byte {e.start}); save the file as UTF-8") from None


def parse_yaml(text: str | BinaryIO, path: Path, each: Each | None = None) -> tuple[Any, Lines]:
    """``read_yaml`` of a text read from ``path`` (named in errors), or of the file itself, open; ``each``'s items
    keep their inner lines."""
    try:
        try:  # straight from the parser's events: no node tree (a node per value with its marks: 10x the data)
            lines = Lines()
            return _from_events(_Loader(text), lines, each or {}), lines
        except _Unusual:
            if not isinstance(text, str):
                text.seek(0)
        loader = _Loader(text)
        lines = Lines()
        try:  # one parse: the data is built from the very nodes that give the line numbers
            node = loader.get_single_node()
            if node is None:  # nothing but comments: what is missing is missing from the top
                lines[()] = 1
                return None, lines
            try:
                data = _build(node, (), lines, loader)
            except _Unusual:
                _walk(node, (), lines, loader)  # first: constructing merges the ``<<`` mappings into the nodes
                data = loader.construct_document(node)
            _each_after(data, lines, each or {})
        finally:
            loader.dispose()
    except _Duplicate as d:
        raise InputError(
            path,
            d.line,
            f"duplicate key '{d.key}' (first on line {d.first}); YAML keeps only the last value, "
            "so remove or rename one",
        ) from None
    except yaml.reader.ReaderError as e:  # a character YAML does not allow anywhere, such as NUL
        if not isinstance(text, str):
            raise _Reread from None
        line = text.count("\n", 0, text.find(chr(e.character))) + 1  # its first (libyaml counts bytes, not these)
        raise InputError(
            path, line, f"character U+{e.character:04X} is not allowed in YAML ({e.reason}); remove it"
        ) from None
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        line = mark.line + 1 if mark else None
        raise InputError(path, line, f"YAML syntax error: {e.problem or e.context}; fix the YAML there") from None
    return data, lines


def _each_after(data: Any, lines: Lines, each: Each) -> None:
    """``each`` applied to a document built whole (the unusual ones: anchors, merge keys)."""
    for at, turn in each.items():
        items = data
        for key in at:
            items = items.get(key) if isinstance(items, dict) else None
        if isinstance(items, list):
            items[:] = [turn(i, item, lines) for i, item in enumerate(items)]


def _from_events(loader: _Loader, lines: Lines, each: Each) -> Any:
    """One plain document (no anchors, aliases, merge keys, tags on collections or non-scalar keys: those raise
    _Unusual) built from parser events, recording lines as ``_build`` does."""
    try:
        loader.get_event()  # stream start
        if loader.check_event(yaml.StreamEndEvent):  # nothing but comments: what is missing is missing from the top
            lines[()] = 1
            return None
        loader.get_event()  # document start
        data = _event_value(loader, (), lines, {}, each=each)
        loader.get_event()  # document end
        if not loader.check_event(yaml.StreamEndEvent):
            raise _Unusual  # a second document: the node path reports it
        return data
    finally:
        loader.dispose()


def _event_value(
    loader: _Loader, path: tuple, lines: Lines, anchors: dict, event: yaml.Event | None = None, each: Each | None = None
) -> Any:
    """The next value; an anchored one is kept with its lines (relative to it), which each alias of it repeats
    at its own place, as ``_build`` does walking a shared node again. ``each``: as read_yaml's, at the top level
    of the document (an anchored value is built whole)."""
    event = event or loader.get_event()
    if each and path in each and (isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None) is not None):
        raise _Unusual  # a sequence shared whole: built whole, then turned (_each_after)
    if isinstance(event, yaml.AliasEvent):
        if event.anchor not in anchors:
            raise _Unusual  # the node path reports it
        value, relative = anchors[event.anchor]
        for rel, line in relative.items():
            lines[(*path, *rel)] = line
        return copy.deepcopy(value)
    if getattr(event, "anchor", None) is not None:
        relative = Lines()
        name, event.anchor = event.anchor, None
        value = _event_value(loader, (), relative, anchors, event)
        anchors[name] = (value, relative)
        for rel, line in relative.items():
            lines[(*path, *rel)] = line
        return copy.deepcopy(value)
    lines[path] = event.start_mark.line + 1
    if isinstance(event, yaml.ScalarEvent):
        return _scalar(loader, event)
    if isinstance(event, yaml.SequenceStartEvent | yaml.MappingStartEvent) and event.tag not in (None, "!"):
        raise _Unusual
    if isinstance(event, yaml.SequenceStartEvent):
        out_list = []
        turn = each.get(path) if each else None
        while not loader.check_event(yaml.SequenceEndEvent):
            at = (*path, len(out_list))
            if turn is None:
                out_list.append(_event_value(loader, at, lines, anchors))
            else:
                mine = Lines()
                item = _event_value(loader, at, mine, anchors)
                lines[at] = mine[at]
                out_list.append(turn(len(out_list), item, mine))
        loader.get_event()
        return out_list
    out = {}
    seen: dict[object, int] = {}
    while not loader.check_event(yaml.MappingEndEvent):
        key = loader.get_event()
        if not isinstance(key, yaml.ScalarEvent) or key.anchor is not None or _tag(loader, key) == _MERGE:
            raise _Unusual
        k = _scalar(loader, key)
        if k in seen:  # as _pairs refuses it
            raise _Duplicate(key.value, seen[k], key.start_mark.line + 1)
        seen[k] = key.start_mark.line + 1
        lines[(*path, key.value)] = key.start_mark.line + 1
        out[k] = _event_value(loader, (*path, key.value), lines, anchors, each=None if path else each)
        lines[(*path, key.value)] = key.start_mark.line + 1
    loader.get_event()
    return out


def _tag(loader: _Loader, event: yaml.ScalarEvent) -> str:
    """The tag the composer would give the scalar."""
    if event.tag is None or event.tag == "!":
        return loader.resolve(yaml.ScalarNode, event.value, event.implicit)
    return event.tag


def _scalar(loader: _Loader, event: yaml.ScalarEvent) -> Any:
    tag = _tag(loader, event)
    if tag == _STR:
        return loader.strings.setdefault(event.value, event.value)
    return loader.construct_object(yaml.ScalarNode(tag, event.value, event.start_mark, event.end_mark, event.style))


class _Duplicate(Exception):
    """A key written twice in one mapping: PyYAML keeps the last value without a word, so the first would be lost."""

    def __init__(self, key: str, first: int, line: int):
        super().__init__(key)
        self.key, self.first, self.line = key, first, line


def _pairs(node: yaml.MappingNode, loader: _Loader) -> list[tuple[yaml.Node, yaml.Node]]:
    """The (key, value) node pairs of a mapping, refusing a key written twice; every reader goes through here.
    Keys compare as the values they construct (``1`` and ``01`` are one key); merge keys (``<<``) and non-scalar
    keys are left out: overriding a merged value is what merging is for."""
    seen: dict[object, int] = {}
    for key, _ in node.value:
        if not isinstance(key, yaml.ScalarNode) or key.tag == _MERGE:
            continue
        k = key.value if key.tag == _STR else loader.construct_object(key)
        line = key.start_mark.line + 1
        if k in seen:
            raise _Duplicate(key.value, seen[k], line)
        seen[k] = line
    return node.value


class _Unusual(Exception):
    """A document _build leaves to PyYAML's own constructor: merge keys (``<<``) or non-scalar keys."""


_STR = "tag:yaml.org,2002:str"
_MERGE = "tag:yaml.org,2002:merge"


def _build(node: yaml.Node, path: tuple, lines: Lines, loader: _Loader) -> Any:
    """The value of ``node`` (what the loader would construct) while recording lines as ``_walk`` does, in one pass:
    plain strings, lists and mappings without PyYAML's generic constructor machinery."""
    lines[path] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        out = {}
        for key, value in _pairs(node, loader):
            if not isinstance(key, yaml.ScalarNode) or key.tag == _MERGE:
                raise _Unusual
            k = key.value if key.tag == _STR else loader.construct_object(key)
            lines[(*path, key.value)] = key.start_mark.line + 1
            out[k] = _build(value, (*path, key.value), lines, loader)
            lines[(*path, key.value)] = key.start_mark.line + 1
        return out
    if isinstance(node, yaml.SequenceNode):
        return [_build(item, (*path, i), lines, loader) for i, item in enumerate(node.value)]
    return node.value if node.tag == _STR else loader.construct_object(node)


def _walk(node: yaml.Node, path: tuple, lines: Lines, loader: _Loader) -> None:
    lines[path] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        for key, value in _pairs(node, loader):
            lines[(*path, key.value)] = key.start_mark.line + 1
            _walk(value, (*path, key.value), lines, loader)
            lines[(*path, key.value)] = key.start_mark.line + 1
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            _walk(item, (*path, i), lines, loader)
