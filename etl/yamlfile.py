"""Read YAML keeping the line of every value, so errors can say where to look."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from etl.errors import InputError

# libyaml (bundled in the PyYAML wheel) parses ~10x faster than the pure-Python loader; same nodes, same data.
_Base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Loader(_Base):
    """SafeLoader that keeps dates as the strings written, so EDTF values and ISO days read alike."""


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


def read_yaml(path: Path) -> tuple[Any, Lines]:
    """Parse ``path``; return the data and the line of every node in it."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError(path, None, "file not found") from None
    except UnicodeDecodeError as e:
        raise InputError(path, None, f"not valid UTF-8 (byte {e.start}); save the file as UTF-8") from None
    loader = _Loader(text)
    try:  # one parse: the data is constructed from the very nodes that give the line numbers
        node = loader.get_single_node()
        data = None if node is None else loader.construct_document(node)
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        line = mark.line + 1 if mark else None
        raise InputError(path, line, f"YAML syntax error: {e.problem or e.context}; fix the YAML there") from None
    finally:
        loader.dispose()
    lines = Lines()
    if node is not None:
        _walk(node, (), lines)
    return data, lines


def _walk(node: yaml.Node, path: tuple, lines: Lines) -> None:
    lines[path] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            lines[(*path, key.value)] = key.start_mark.line + 1
            _walk(value, (*path, key.value), lines)
            lines[(*path, key.value)] = key.start_mark.line + 1
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            _walk(item, (*path, i), lines)
