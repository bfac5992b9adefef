"""``kg release VERSION``: the dumps of one version of the dataset, with checksums.

A release is a folder, ``alignment-kg-{VERSION}/``, holding the export in every format
(``alignment-kg-{VERSION}.ttl``, ``.jsonld``, ``.nt``, ``.rdf``) and ``SHA256SUMS`` in
the form ``sha256sum --check`` reads. Each dump describes the dataset with the version
(``owl:versionInfo``) and its version IRI (``owl:versionIRI``, ``{base}dataset/{VERSION}``,
:meth:`kg.rdf.Namespaces.version`), the data's modification day and each concept's
dates (:mod:`kg.dataset`).

The version released is the one the service reports (health, the dataset's description,
the pages): the package's, which pyproject.toml sets, so a release of any other version
is refused. An existing release folder is never overwritten.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from pathlib import Path

from kg import dataset
from kg.errors import KGError
from kg.graph import KnowledgeGraph
from kg.rdf import FORMATS, export_to

SEMVER = re.compile(r"\d+\.\d+\.\d+(?:[-+][0-9A-Za-z.+-]+)?")
"""A version as Semantic Versioning writes it (``0.2.0``, ``1.0.0-rc.1``)."""

SUMS = "SHA256SUMS"
"""The checksum file of a release, as ``sha256sum`` writes it."""


class ReleaseRefused(KGError):
    """A release that cannot be made as asked (the version, or the folder)."""

    title = "Release refused"


def release(
    graph: KnowledgeGraph,
    version: str,
    base: str,
    out_dir: Path,
    modified: dt.date | None = None,
    dates: dataset.ConceptDates | None = None,
) -> list[Path]:
    """Write the release ``version`` of ``graph`` under ``out_dir``; the files written,
    the checksums last. Raises :class:`ReleaseRefused`."""
    if not SEMVER.fullmatch(version):
        raise ReleaseRefused(f"{version!r} is not a version: write it as 1.2.3.")
    current = dataset.version()
    if version != current:
        raise ReleaseRefused(
            f"The package's version is {current}, not {version}: set version in "
            "pyproject.toml and install the package again, so that the service reports "
            "the version it serves."
        )
    folder = out_dir / f"alignment-kg-{version}"
    try:
        folder.mkdir(parents=True)
    except FileExistsError:
        raise ReleaseRefused(f"{folder} exists already; a release is never rewritten.") from None
    written: list[Path] = []
    for fmt in FORMATS.values():
        path = folder / f"alignment-kg-{version}.{fmt.extension}"
        with open(path, "wb") as out:
            export_to(graph, fmt.name, base, out, modified, dates)
        written.append(path)
    sums = folder / SUMS
    sums.write_text("".join(f"{_sha256(p)}  {p.name}\n" for p in written), "utf-8")
    return [*written, sums]


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        while chunk := f.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()
