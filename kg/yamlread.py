"""The YAML reader of the data files: one parse gives a file's data, its duplicate keys
(which YAML would silently drop) and, when asked, the line of every key and list item.

Problems in a data file are reported at their line, so the loader needs lines; most
files have no problem, so :class:`Lines` finds them only when first asked for, by
parsing the text again. :mod:`kg.edit` reads concept files with the same parser, so an
edited file reads as the loader reads it.

Examples
--------
>>> lines: dict[YamlPath, int] = {}
>>> parse_yaml("a: 1\\nb: [x, y]\\na: 2\\n", lines)
({'a': 2, 'b': ['x', 'y']}, [(('a',), 3)])
>>> lines[("b", 1)]
2
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import yaml

YamlPath = tuple[str | int, ...]
"""Where a value is in a file's data: the keys and list indexes that lead to it."""


class Lines:
    """The line of every key and list item of one file, found only when first asked
    for (a file without problems never needs them) by reading and parsing it again.

    ``read`` reads the file's text again: from the disk, or from the bytes it was
    given in memory.
    """

    def __init__(self, read: Callable[[], str]) -> None:
        self.read = read
        self._lines: dict[YamlPath, int] | None = None

    def of(self, path: YamlPath) -> int:
        """The line of ``path``, or of its nearest ancestor that has one."""
        if self._lines is None:
            self._lines = {}
            try:
                parse_yaml(self.read(), self._lines)
            except (OSError, UnicodeDecodeError, yaml.YAMLError):
                pass  # changed since it was read: every line becomes 1
        while path and path not in self._lines:
            path = path[:-1]
        return self._lines.get(path, 1)


def _walk(
    node: yaml.Node,
    path: YamlPath,
    lines: dict[YamlPath, int],
    dupes: list[tuple[YamlPath, int]],
    inside: frozenset[int] = frozenset(),
) -> None:
    lines[path] = node.start_mark.line + 1
    if id(node) in inside:  # an alias of a node that holds it: one round is enough
        return
    inside = inside | {id(node)}
    if isinstance(node, yaml.MappingNode):
        seen: set[str] = set()
        for key_node, value_node in node.value:
            key = str(key_node.value)
            if key in seen:
                dupes.append((path + (key,), key_node.start_mark.line + 1))
            seen.add(key)
            _walk(value_node, path + (key,), lines, dupes, inside)
            lines[path + (key,)] = key_node.start_mark.line + 1
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            _walk(item, path + (i,), lines, dupes, inside)


_STR, _MAP, _SEQ = (f"tag:yaml.org,2002:{t}" for t in ("str", "map", "seq"))


class _Loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """libyaml's parser when PyYAML was built with it (far faster: bench/README.md has
    the figure), else PyYAML's, with the tag resolution the parser calls for every node
    cut to what safe loading needs (no path resolvers)."""

    def descend_resolver(self, current_node: Any, current_index: Any) -> None:
        pass

    def ascend_resolver(self) -> None:
        pass

    def resolve(self, kind: type, value: Any, implicit: tuple[bool, bool]) -> str:
        if kind is yaml.ScalarNode:
            if implicit[0]:  # a plain scalar may be a number, a boolean, null, a date...
                for tag, regexp in self.yaml_implicit_resolvers.get(value[:1], ()):
                    if regexp.match(value):
                        return str(tag)
                for tag, regexp in self.yaml_implicit_resolvers.get(None, ()):
                    if regexp.match(value):  # pragma: no cover - none registered by default
                        return str(tag)
            return _STR
        return _MAP if kind is yaml.MappingNode else _SEQ


class _Unusual(Exception):
    """A node the fast construction leaves to PyYAML (tags, merge keys, odd keys)."""


def _build(
    node: yaml.Node,
    path: YamlPath,
    lines: dict[YamlPath, int] | None,
    dupes: list[tuple[YamlPath, int]],
    loader: Any,
) -> Any:
    """The value of ``node``; the line of every key and item goes in ``lines`` if given.

    Plain strings, mappings and lists, which is all a data file normally holds, are
    built here; other scalars (numbers, booleans, dates) by PyYAML's safe constructor.
    """
    if lines is not None:
        lines[path] = node.start_mark.line + 1
    if isinstance(node, yaml.ScalarNode):
        return node.value if node.tag == _STR else loader.construct_object(node, deep=True)
    if isinstance(node, yaml.MappingNode) and node.tag == _MAP:
        out: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            if key_node.tag == _STR:
                key = key_node.value
            elif isinstance(key_node, yaml.ScalarNode) and key_node.tag in _KEY_TAGS:
                key = loader.construct_object(key_node, deep=True)
            else:
                raise _Unusual
            at = path + (key if isinstance(key, str | int) else str(key),)
            if key in out:
                dupes.append((at, key_node.start_mark.line + 1))
            out[key] = _build(value_node, at, lines, dupes, loader)
            if lines is not None:
                lines[at] = key_node.start_mark.line + 1
        return out
    if isinstance(node, yaml.SequenceNode) and node.tag == _SEQ:
        return [
            _build(item, path + (i,), lines, dupes, loader) for i, item in enumerate(node.value)
        ]
    raise _Unusual


_KEY_TAGS = frozenset(f"tag:yaml.org,2002:{t}" for t in ("int", "null", "bool", "float"))


def parse_yaml(
    text: str,
    lines: dict[YamlPath, int] | None = None,
) -> tuple[Any, list[tuple[YamlPath, int]]]:
    """The data of ``text`` (as :func:`yaml.safe_load` reads it) and its duplicate keys,
    each with its line; the line of every key and item goes in ``lines`` if given.

    One parse; the data is built from the node tree, by PyYAML's own constructor when
    the tree holds something unusual. Raises :class:`yaml.YAMLError` on invalid YAML.
    """
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        dupes: list[tuple[YamlPath, int]] = []
        if node is None:
            return None, dupes
        try:
            data = _build(node, (), lines, dupes, loader)
        except (_Unusual, RecursionError):
            dupes = []
            found: dict[YamlPath, int] = {}
            _walk(node, (), found, dupes)
            if lines is not None:
                lines.update(found)
            data = loader.construct_document(node)
        return data, dupes
    finally:
        loader.dispose()
