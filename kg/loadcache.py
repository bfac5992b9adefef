"""What :func:`kg.load.load_files` can keep from one call to the next: the parse of
every file, the index of every source text and all a concept file adds to the load,
each reused while the file's bytes stay the same (see :class:`LoadCache`)."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, TypeVar

from kg.citations import IndexedText
from kg.files import Files, MemoryFiles, Parsed
from kg.ids import normalize_term
from kg.model import Citation

T = TypeVar("T")


class LoadCache:
    """What :func:`~kg.load.load_files` can reuse from one call to the next.

    For every file it read, by path, the cache keeps the file's bytes and what was
    made of them: the parse of a YAML file (its data, duplicate keys, or why it is
    invalid, and the line of every key once a problem needed one) and the
    :class:`~kg.citations.IndexedText` of a source text (with the quotes located in
    it so far). A call that gets the same bytes for a path reuses that work; a
    changed file replaces its entry, and the entries of paths a call was not given
    are dropped, so the cache holds at most one version of each file of the last
    call. It also keeps the normalised form (:func:`kg.ids.normalize_term`) of every
    label and alias of the last call.

    For a concept file it also keeps all the file adds to the load (its concept,
    relations, terms and problems, checked against the sources), as long as the name
    of the data and every file in ``sources/`` stay byte for byte as they were: a call
    replays that instead of checking the file again. Only the checks across files (a
    second file for one id, terms naming two concepts, relations' targets, duplicates
    and cycles) run again on every call. Results are the same with and without a
    cache.

    A cache is not thread-safe: use it from one caller at a time (a lock around the
    :func:`~kg.load.load_files` call, or one cache per thread).

    Attributes
    ----------
    hits, misses : int
        Files whose work was reused, and files read afresh, over the cache's life.

    Examples
    --------
    >>> from kg.load import load_files
    >>> from kg.store import data_files
    >>> from pathlib import Path
    >>> files = dict(data_files(Path(__file__).parent.parent / "tests" / "data" / "good"))
    >>> cache = LoadCache()
    >>> _ = load_files(files, cache=cache)
    >>> cache.hits, cache.misses
    (0, 13)
    >>> _ = load_files(files, cache=cache)
    >>> cache.hits, cache.misses
    (13, 13)
    """

    def __init__(self) -> None:
        self._parsed: dict[str, tuple[bytes, Parsed]] = {}
        self._indexed: dict[str, tuple[bytes, IndexedText]] = {}
        self._concepts: dict[str, tuple[bytes, Any]] = {}  # what kg.rules made of each
        self._cited: dict[tuple[str, tuple[int, int]], Citation] = {}
        self._context: tuple[str, dict[str, bytes]] | None = None
        self._terms: dict[str, str] = {}
        self._next_terms: dict[str, str] = {}
        self.hits = 0
        self.misses = 0

    @contextmanager
    def call(self, files: Mapping[str, bytes], name: str) -> Iterator[Call]:
        """One :func:`~kg.load.load_files` call on ``files`` named ``name``: what it
        reads through, reusing this cache's work; on leaving, the cache forgets the
        files and terms the call did not use."""
        reading = _CachedFiles(files, name, self)
        self._begin(name, reading.files)
        try:
            yield Call(reading, self._normalized, self._cited)
        finally:
            self._finish(reading.files)

    def _reuse(
        self,
        table: dict[str, tuple[bytes, T]],
        rel: str,
        content: bytes,
        make: Callable[[], T],
        count: bool = True,
    ) -> T:
        """What ``table`` holds for ``rel`` if its bytes are still ``content``, else
        ``make()``, kept for next time (counted as a miss if ``count``). A ``make`` that
        raises keeps nothing (a text that cannot be decoded)."""
        entry = table.get(rel)
        if entry is not None and entry[0] == content:
            self.hits += 1
            return entry[1]
        if count:
            self.misses += 1
        result = make()
        table[rel] = (bytes(content), result)
        return result

    def _begin(self, name: str, files: Mapping[str, bytes]) -> None:
        """Start a call on ``files`` named ``name``: forget what was made of the concept
        files unless the name and every file of the sources folder are as they were."""
        context = (
            name,
            {
                rel: content
                for rel, content in files.items()
                if rel.startswith("sources/") or rel == "sources"
            },
        )
        if context != self._context:
            self._concepts.clear()
            self._cited.clear()
            self._context = context

    def _normalized(self, term: str) -> str:
        """:func:`kg.ids.normalize_term` of ``term``, remembered."""
        key = self._terms.get(term)
        if key is None:
            key = normalize_term(term)
        self._next_terms[term] = key
        return key

    def _finish(self, paths: Mapping[str, object]) -> None:
        """End a call: forget every file whose path is not in ``paths``, and every term
        the call did not normalise."""
        tables: tuple[dict[str, Any], ...] = (self._parsed, self._indexed, self._concepts)
        for table in tables:
            for rel in [rel for rel in table if rel not in paths]:
                del table[rel]
        self._terms, self._next_terms = self._next_terms, {}


@dataclass(frozen=True)
class Call:
    """What a :func:`~kg.load.load_files` call through a :class:`LoadCache` reads through:
    the files, how terms are folded (:func:`kg.ids.normalize_term`, remembered), and
    the citation of every passage cited so far, when the sources are those of an
    earlier call."""

    files: Files
    normalize: Callable[[str], str]
    cited: dict[tuple[str, tuple[int, int]], Citation]


class _CachedFiles(MemoryFiles):
    """Files held in memory, whose parses, indexed texts and concept files are kept in
    a :class:`LoadCache` by their bytes."""

    def __init__(self, files: Mapping[str, bytes], name: str, cache: LoadCache) -> None:
        super().__init__(files, name)
        self.cache = cache

    def parsed(self, rel: str) -> Parsed:
        content = self.files.get(rel)
        if content is None:
            return super().parsed(rel)
        read = super().parsed
        return self.cache._reuse(self.cache._parsed, rel, content, lambda: read(rel))

    def indexed(self, rel: str) -> IndexedText:
        key = self._key(rel)
        content = self.files.get(key)
        if content is None:
            return super().indexed(rel)
        build = super().indexed
        return self.cache._reuse(self.cache._indexed, key, content, lambda: build(rel))

    def concept(self, rel: str, read: Callable[[], T]) -> T:
        content = self.files.get(rel)
        if content is None:
            return read()
        # read() counts its parse as a hit or a miss
        made: T = self.cache._reuse(self.cache._concepts, rel, content, read, count=False)
        return made
