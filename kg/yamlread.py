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

Without ``lines``, a file is first read by a faster parser, yaml-rs (in Rust), whenever
it holds nothing on which YAML 1.2, which yaml-rs reads, and PyYAML's safe loading
(YAML 1.1, which the data has always been read as) could differ: see :func:`fast_load`.
The result is the same either way; only the time differs.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import yaml
import yaml_rs

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

    Without ``lines``, :func:`fast_load` is tried first. Otherwise one parse by PyYAML;
    the data is built from the node tree, by PyYAML's own constructor when the tree
    holds something unusual. Raises :class:`yaml.YAMLError` on invalid YAML.
    """
    if lines is None:
        fast = fast_load(text)
        if fast is not None:
            return fast[0], []
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


# -- the fast path -------------------------------------------------------------------

_SPECIAL = "!&*\\<@`%\t\r"
"""Characters on which the fast path gives up at once: tags, anchors, aliases, escapes
(double-quoted strings), merge keys, reserved indicators, directives, tabs and carriage
returns. Each could mean something else to YAML 1.1 than to 1.2, and a data file
rarely holds one."""

_KEPT_BYTES = bytes(
    [0x0A, *(b for b in range(0x20, 0x7F) if chr(b) not in _SPECIAL), *range(0x80, 0x100)]
)
"""The bytes :meth:`bytes.translate` deletes to leave what :data:`_SPECIAL` and the
control characters are made of: line feeds, printable ASCII and every byte of a
multi-byte UTF-8 sequence (those characters are checked by :data:`_ODD`)."""

_ODD = re.compile("[\x80-\x9f\u2028\u2029\ufeff\ufffe\uffff\ud800-\udfff]")
"""Characters beyond ASCII that YAML 1.1 reads otherwise than 1.2: C1 controls, of which
PyYAML refuses all but NEL (U+0085), which it reads as a line break, as it does the line
and paragraph separators; a byte order mark; noncharacters; lone surrogates."""

_BOOLISH = frozenset("yes Yes YES no No NO on On ON off Off OFF = <<".split())
"""Plain scalars that YAML 1.1 reads as booleans, PyYAML's value key or a merge key,
and YAML 1.2 as strings. ``y`` and ``n`` are strings to PyYAML too."""

_NUMBERISH = frozenset("0123456789+-.:?")
"""First characters of a string the fast path leaves to PyYAML: numbers, dates and
times (which YAML 1.1 and 1.2 read differently: ``012``, ``1e3``, ``1_000``, ``1:20``,
``2019-06-05``), and plain scalars that YAML 1.1 does not allow in a flow collection
(``[:x]``, ``[?x]``)."""

KEY_MAX = 500
"""Longest key the fast path takes: PyYAML refuses an implicit key of over 1,024
characters, which YAML 1.2 allows."""

_HEADER = re.compile(r"( *(?:- )*)(?:([A-Za-z_][A-Za-z0-9_]*): )?[|>]-?")
"""A block scalar's header line as the data files write it (``definition: >-``): a
key, or a list item, then a folded or literal indicator, with or without ``-``; no
indentation indicator, no ``+``, no comment."""


def _plain_blocks(text: str) -> bool:
    """Whether every block scalar of ``text`` (and every ``|`` or ``>`` in it) is of the
    plain kind on which YAML 1.1 and 1.2, PyYAML and yaml-rs, agree.

    Each ``|`` or ``>`` must end a :data:`_HEADER` line, followed by lines of text all
    indented alike, deeper than the key (or list item) it belongs to; lines between
    them may be empty, but not the first one or the last. Anything else (a ``>`` in a
    quoted string too) is left to PyYAML.
    """
    lines = text.split("\n")
    count = len(lines)
    i = 0
    while i < count:
        line = lines[i]
        if "|" not in line and ">" not in line:
            i += 1
            continue
        header = _HEADER.fullmatch(line)
        if header is None:
            return False
        lead, key = header.group(1), header.group(2)
        if key is None and not lead.endswith("- "):
            return False
        # the column of the key, or of the list item's dash
        parent = len(lead) if key is not None else len(lead) - 2
        first = lines[i + 1] if i + 1 < count else ""
        indent = len(first) - len(first.lstrip(" "))
        if indent == len(first) or indent <= parent:
            return False
        j = i + 2
        while j < count:
            here = lines[j]
            if here:
                spaces = len(here) - len(here.lstrip(" "))
                if spaces == len(here) or spaces > indent:
                    return False  # a line of spaces, or a deeper line: folded otherwise
                if spaces < indent:
                    if spaces > parent or not lines[j - 1] or here[spaces] == "#":
                        return False  # the block ends oddly, after an empty line or a comment
                    break
            j += 1
        if j == count and count >= 2 and not lines[-1] and not lines[-2]:
            return False  # empty lines at the end of the file
        i = j
    return True


def _flows_without_question(text: str) -> bool:
    """Whether every flow collection of ``text`` (``[...]``, ``{...}``) is on one line and
    holds no ``?`` outside its quoted strings: YAML 1.1 ends a plain scalar at a ``?``
    in a flow collection, YAML 1.2 does not. A line whose ``[`` or ``{`` follows a
    quote, or that does not close every one it opens, is left to PyYAML too."""
    for line in text.split("\n"):
        starts = [at for at in (line.find("["), line.find("{")) if at >= 0]
        if not starts:
            continue
        start = min(starts)
        if "'" in line[:start] or '"' in line[:start]:
            return False
        depth, quote = 0, ""
        for ch in line[start:]:
            if quote:
                if ch == quote:  # the first of two quotes ('it''s') reopens at once
                    quote = ""
            elif ch == "'" or ch == '"':
                quote = ch
            elif ch == "[" or ch == "{":
                depth += 1
            elif ch == "]" or ch == "}":
                depth -= 1
                if depth < 0:
                    return False
            elif ch == "?":
                return False
        if depth or quote:
            return False
    return True


def _plain(value: Any) -> bool:
    """Whether yaml-rs's ``value`` is what PyYAML makes of the same text: mappings with
    string keys, lists, strings that no plain scalar of YAML 1.1 would be read as
    something else (:data:`_BOOLISH`, :data:`_NUMBERISH`), and booleans (YAML 1.2's
    spellings of them are YAML 1.1's too). Numbers are left to PyYAML, and so are
    nulls: a key without a value in a flow collection (``[a:, b]``) is one, and YAML
    1.1 refuses it.

    It looks at seven million values of 50,000 concept files, so the strings in a
    mapping or list (nearly all values) are checked where they are met, not by a call
    each, and long strings are not hashed (no word of :data:`_BOOLISH` is longer than
    :data:`_BOOLISH_MAX`); a key already found plain is known by a set lookup."""
    kind = type(value)
    if kind is dict:
        keys = _PLAIN_KEYS
        for key, item in value.items():
            if key not in keys:
                if type(key) is not str or len(key) > KEY_MAX or not _plain(key):
                    return False
                if len(keys) < _PLAIN_KEYS_MAX:
                    keys.add(key)
            if type(item) is str:
                if (len(item) <= _BOOLISH_MAX and item in _BOOLISH) or item[:1] in _NUMBERISH:
                    return False
            elif not _plain(item):
                return False
        return True
    if kind is list:
        for item in value:
            if type(item) is str:
                if (len(item) <= _BOOLISH_MAX and item in _BOOLISH) or item[:1] in _NUMBERISH:
                    return False
            elif not _plain(item):
                return False
        return True
    if kind is str:
        return (len(value) > _BOOLISH_MAX or value not in _BOOLISH) and value[:1] not in _NUMBERISH
    return kind is bool


_BOOLISH_MAX = max(map(len, _BOOLISH))
"""The length of the longest word of :data:`_BOOLISH`."""

_PLAIN_KEYS: set[str] = set()
"""Keys :func:`_plain` found plain (the data files' few field names, in practice)."""

_PLAIN_KEYS_MAX = 1000
"""Keys :data:`_PLAIN_KEYS` holds at most (data with endless distinct keys is refused by
the schema anyway, but is not to grow this set)."""


def fast_load(text: str) -> tuple[dict[str, Any]] | None:
    """The data of ``text`` as :func:`parse_yaml` reads it, read by yaml-rs, when ``text``
    is a mapping that holds no duplicate key and nothing that YAML 1.1 (PyYAML) and
    YAML 1.2 (yaml-rs) read differently; else None, and the caller parses it with
    PyYAML.

    What is left to PyYAML: any character of :data:`_SPECIAL` (tags, anchors, aliases,
    escapes, merge keys, directives, tabs) or of :data:`_ODD`, or any other control
    character; a ``?`` outside the quoted strings of a flow collection, or a flow
    collection over several lines, in a file that holds a ``?``
    (:func:`_flows_without_question`); block scalars other than the
    plain kind (:func:`_plain_blocks`); a top level that is not a mapping; any value
    that a plain scalar could have been read as otherwise (:func:`_plain`); a leading
    document marker (``---``, ``...``); block scalars in a file that does not end with
    a line break. Duplicate keys make yaml-rs fail, as does anything it
    cannot parse, and PyYAML then reports them with their lines.

    The rules are checked against PyYAML on every shipped and generated file, and on
    texts made to probe them (tests/kg/test_load.py).

    >>> fast_load("label: 'inner alignment'\\naliases: [inner, 'aligned']\\n")
    ({'label': 'inner alignment', 'aliases': ['inner', 'aligned']},)
    >>> fast_load("plural: yes\\n") is None, fast_load("a: 1\\na: 2\\n") is None
    (True, True)
    """
    if text.isascii():
        raw = text.encode("ascii")
    elif _ODD.search(text):
        return None
    else:
        raw = text.encode("utf-8")
    if raw.translate(None, _KEPT_BYTES):
        return None  # a control character or one of _SPECIAL
    if b"?" in raw and (b"[" in raw or b"{" in raw) and not _flows_without_question(text):
        return None
    if raw.startswith((b"---", b"...")):
        return None  # a document marker; one further on makes yaml-rs fail or give a list
    if (b"|" in raw or b">" in raw) and (not raw.endswith(b"\n") or not _plain_blocks(text)):
        return None
    try:
        data = yaml_rs.loads(
            text, parse_datetime=False, duplicate_key_policy=yaml_rs.DuplicateKeyPolicy.Error
        )
    except Exception:  # yaml-rs's errors, duplicate keys among them: PyYAML says why
        return None
    if type(data) is not dict or not _plain(data):
        return None
    return (data,)
