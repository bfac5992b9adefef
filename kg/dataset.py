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
from pathlib import Path

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
