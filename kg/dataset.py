"""What the dataset says about itself: the facts of its VoID and DCAT description.

Each fact is stated here once: the title, description, publisher, licence and rights
statement, where its version and modification date come from, and the paths of the
service's SPARQL endpoint and dump downloads. :func:`kg.rdf.dataset_triples` writes them
as RDF; the README's Linked Data section says the same in prose.

The graph's own text (labels, definitions, notes, the statements) is licensed CC BY 4.0:
an open licence that vocabularies commonly use and that allows any reuse with
attribution. The source texts the export carries and quotes are not ours: they remain
their authors', quoted for citation (:data:`RIGHTS`).
"""

from __future__ import annotations

import datetime as dt
import importlib.metadata
import os
import subprocess
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import NamedTuple

from kg.edit import concept_id

TITLE = "AI-alignment glossary"
DESCRIPTION = (
    "A cited glossary and knowledge graph of AI-alignment concepts: SKOS concepts with "
    "definitions and typed relations, each backed by verbatim quotes from its sources."
)
PUBLISHER = "The alignment-kg maintainers"
LICENSE = "https://creativecommons.org/licenses/by/4.0/"
"""CC BY 4.0, for the graph's own text."""
RIGHTS = (
    "The graph's own text is licensed CC BY 4.0. The source texts carried in the export "
    "and the passages quoted from them remain their authors'; they are reproduced to "
    "cite them, not relicensed."
)
SPARQL_PATH = "/v1/sparql"
"""Where the service answers SPARQL, under the base IRI (:meth:`kg.rdf.Namespaces.service`)."""
EXPORT_PATH = "/v1/export"
"""Where the service answers the dumps (``{EXPORT_PATH}.{extension}``)."""
VOID_PATH = "/.well-known/void"
"""Where the service answers this description (RFC 8615; VoID, section 7)."""


def version() -> str:
    """The package's version, as pyproject.toml names it."""
    try:
        return importlib.metadata.version("alignment-kg")
    except importlib.metadata.PackageNotFoundError:
        return "unknown"


def modified_from_files(root: Path) -> dt.date | None:
    """The day (UTC) the newest file under ``root`` was last changed; None without any."""
    times = [p.stat().st_mtime for p in root.rglob("*") if p.is_file()]
    return dt.datetime.fromtimestamp(max(times), dt.UTC).date() if times else None


def modified_from_revision(at: str) -> dt.date:
    """The day of a store revision's time (ISO 8601, as the revision log writes it)."""
    return dt.date.fromisoformat(at[:10])


class Dates(NamedTuple):
    """When a concept was first written and last changed (``dct:created``,
    ``dct:modified``); ``created`` is None where the history does not go back to it."""

    created: dt.date | None
    modified: dt.date


def dates_from_revisions(spans: Iterable[tuple[str, str, str]]) -> dict[str, Dates]:
    """Each concept's dates from its file's revisions: ``(path, first, last)`` with the
    times (ISO 8601) of the file's first and last revision, as
    :meth:`kg.store.SqlStore.file_spans` gives them; other files are left out."""
    dates: dict[str, Dates] = {}
    for path, first, last in spans:
        cid = concept_id(path)
        if cid is not None:
            dates[cid] = Dates(modified_from_revision(first), modified_from_revision(last))
    return dates


GIT_TIMEOUT = 30.0
"""How long reading a data directory's git history may take, in seconds."""


def git_days(root: Path) -> dict[str, tuple[dt.date, dt.date]]:
    """The day of the first and of the last commit that touched each file of
    ``concepts/`` in the git history of the data directory ``root``, by path (relative
    to ``root``); empty where git has none (``root`` is no checkout, or git is not
    installed). Files since deleted or renamed are included."""
    try:
        log = subprocess.run(
            ["git", "log", "--format=%x00%cs", "--name-only", "--relative", "--", "concepts"],
            cwd=root,
            capture_output=True,
            text=True,
            timeout=GIT_TIMEOUT,
            check=True,
            env={**os.environ, "GIT_OPTIONAL_LOCKS": "0", "LC_ALL": "C"},
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return {}
    days: dict[str, tuple[dt.date, dt.date]] = {}
    for commit in log.split("\0")[1:]:  # newest first
        day, *paths = commit.strip().splitlines()
        when = dt.date.fromisoformat(day)
        for path in filter(None, paths):
            known = days.get(path)
            days[path] = (when, known[1] if known else when)
    return days


def dates_from_git(root: Path) -> dict[str, Dates]:
    """Each concept's dates from the git history of the data directory ``root``
    (:func:`git_days`). A concept file git has no commit of (not committed yet, or
    ``root`` is no git checkout at all, such as an unpacked tarball, or git is not
    installed) falls back to its file's modification day, without a creation day
    (:func:`dates_from_files`)."""
    dates = dates_from_files(root)
    seen: dict[str, Dates] = {}
    for path, (first, last) in git_days(root).items():
        cid = concept_id(path)
        if cid is not None and cid in dates:  # not a file since deleted or renamed
            seen[cid] = Dates(first, last)
    return {**dates, **seen}


def dates_from_files(root: Path) -> dict[str, Dates]:
    """Each concept's modification day from its file's time (UTC); no creation day."""
    dates: dict[str, Dates] = {}
    folder = root / "concepts"
    for path in sorted(folder.glob("*.y*ml")) if folder.is_dir() else ():
        cid = concept_id(f"concepts/{path.name}")
        if cid is not None:
            when = dt.datetime.fromtimestamp(path.stat().st_mtime, dt.UTC).date()
            dates[cid] = Dates(None, when)
    return dates


ConceptDates = Mapping[str, Dates]
"""Each concept's :class:`Dates`, by id."""
