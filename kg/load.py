"""Read a data directory into a validated :class:`~kg.graph.KnowledgeGraph`.

Loading is strict and total: every problem in every file is collected (file, line,
what is wrong, the nearest valid value) and raised at once as a
:class:`~kg.errors.DataError`. A graph is only returned when there is no problem.

The files are read from a directory (:func:`load_graph`) or from a mapping of their
paths to their bytes (:func:`load_files`, for a server that keeps them in a database,
:mod:`kg.store`); both run the same checks through the same code, which reads files
only through a :class:`~kg.files.Files`. :class:`LoadCache` lets :func:`load_files`
reuse the parse of every file that did not change since the last call.

This module is the loader's front: the parts are :mod:`kg.yamlread` (YAML with the line
of every key), :mod:`kg.files` (reading a directory or a mapping), :mod:`kg.loadcache`
(work kept between calls), :mod:`kg.schema` (the fields each file may hold) and
:mod:`kg.rules` (the checks).

Layout::

    DIR/sources/sources.yaml     list of sources (id, title, kind, authors, url,
                                 published, text)
    DIR/sources/*.txt            source texts
    DIR/concepts/<id>.yaml       one concept per file, relations stated on it
    DIR/tombstones.yaml          deleted concepts (id, label, deleted, replaced_by);
                                 optional
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from kg.errors import DataError, Problem
from kg.files import DiskFiles, MemoryFiles
from kg.graph import KnowledgeGraph
from kg.loadcache import LoadCache
from kg.rules import validate

__all__ = ["LoadCache", "load_files", "load_graph"]


def load_graph(data_dir: str | Path) -> KnowledgeGraph:
    """Load and validate ``data_dir``; raise :class:`DataError` listing every problem.

    >>> from pathlib import Path
    >>> g = load_graph(Path(__file__).parent.parent / "tests" / "data" / "good")
    >>> g.concept("mesa-optimizer").label
    'mesa-optimizer'
    """
    root = Path(data_dir)
    if not root.is_dir():
        raise DataError([Problem(str(root), 1, "data directory does not exist")])
    return validate(DiskFiles(root))


def load_files(
    files: Mapping[str, bytes], name: str = "data", cache: LoadCache | None = None
) -> KnowledgeGraph:
    """Load and validate data files held in memory, exactly as :func:`load_graph`
    validates a directory holding them; raise :class:`DataError` listing every problem.

    Parameters
    ----------
    files
        Every file of the data directory: its path relative to the directory, with
        ``/`` (``sources/sources.yaml``, ``sources/primer.txt``, ``concepts/x.yaml``),
        to its bytes, as :func:`kg.store.data_files` yields them. A folder exists when
        a path is in it: without any ``concepts/...`` path, the concepts folder is
        missing.
    name
        The name of the data directory: problems name files ``name/path``, as
        :func:`load_graph` names the files of a directory called ``name`` (an empty
        name shows the bare path).
    cache
        Work kept from earlier calls, reused for files whose bytes did not change (see
        :class:`LoadCache`); the result is the same without it. One caller at a time.

    Returns
    -------
    KnowledgeGraph
        The graph, when there is no problem.

    Raises
    ------
    DataError
        With the same problems :func:`load_graph` finds in a directory of these files;
        a message that names a file that cannot be opened names ``name/path``.

    Examples
    --------
    >>> files = {"sources/sources.yaml": b"- {id: s, title: S, kind: note, text: s.txt}\\n",
    ...          "sources/s.txt": b"An optimizer searches.",
    ...          "concepts/optimizer.yaml": b"label: optimizer\\nkind: optimizer\\n"
    ...              b"definition: A searcher.\\n"
    ...              b"citations: [{source: s, quote: An optimizer searches}]\\n"}
    >>> load_files(files).concept("optimizer").citations[0].end
    21
    >>> bad = files["concepts/optimizer.yaml"].replace(b"kind: optimizer", b"kind: optimiser")
    >>> load_files({**files, "concepts/optimizer.yaml": bad}, name="store")
    Traceback (most recent call last):
    ...
    kg.errors.DataError: 1 problem in the data:
    store/concepts/optimizer.yaml:2: unknown kind 'optimiser' (did you mean 'optimizer'?)
    """
    if cache is None:
        return validate(MemoryFiles(files, name))
    with cache.call(files, name) as call:
        return validate(call.files, call.normalize, call.cited)
