"""The library's settings, read from the environment with the ``KG_`` prefix: where the
data is, the base of its IRIs and the curation store. How the HTTP service serves them is
``api.settings.ServerSettings``, which adds its own."""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from kg.rdf import Namespaces, is_safe_base


def bundled_data_dir() -> Path:
    """The shipped data: data/ beside the kg package in a checkout, else the copy a
    plain install carries as the ``kg_data`` package."""
    checkout = Path(__file__).resolve().parent.parent / "data"
    if checkout.is_dir():
        return checkout
    installed = importlib.util.find_spec("kg_data")
    if installed is None or not installed.submodule_search_locations:
        return checkout  # loading it will say what is missing
    return Path(next(iter(installed.submodule_search_locations)))


def default_cache_dir() -> Path:
    """Where snapshots of loaded graphs are kept (:mod:`kg.snapshot`) unless
    ``KG_CACHE_DIR`` says otherwise: ``alignment-kg`` in the XDG cache directory
    (``$XDG_CACHE_HOME``, when set to an absolute path, else ``~/.cache``)."""
    xdg = os.environ.get("XDG_CACHE_HOME", "")
    base = Path(xdg) if os.path.isabs(xdg) else Path.home() / ".cache"
    return base / "alignment-kg"


class Settings(BaseSettings):
    """What the library and the ``kg`` command read; each field has a default."""

    model_config = SettingsConfigDict(env_prefix="KG_", extra="ignore")

    data_dir: Path = Field(
        default_factory=bundled_data_dir, description="Data directory to serve (KG_DATA_DIR)."
    )
    base_iri: str = Field(
        default="https://w3id.org/alignment-kg/",
        description="Base of concept IRIs; ends with / (KG_BASE_IRI).",
    )

    @field_validator("base_iri")
    @classmethod
    def _check_base(cls, value: str) -> str:
        if not is_safe_base(value):
            raise ValueError(f"KG_BASE_IRI {value!r} must be an absolute IRI ending in / or #")
        return value

    store_path: Path | None = Field(
        default=None,
        description="SQLite file of the curation store (KG_STORE_PATH); "
        "created from data_dir on first start. Unset: the data "
        "directory is served read-only.",
    )

    store_url: str | None = Field(
        default=None,
        description="The curation store as a PostgreSQL URL, "
        "postgresql://USER[:PASSWORD]@HOST[:PORT]/DB, for several replicas "
        "(KG_STORE_URL); an SQLite path is taken too. Set, it wins over KG_STORE_PATH.",
    )

    @property
    def store(self) -> str | Path | None:
        """The curation store named: :attr:`store_url`, else :attr:`store_path`, else
        None (the data directory is served read-only)."""
        return self.store_url or self.store_path

    cache_dir: Path = Field(
        default_factory=default_cache_dir,
        description="Directory of the snapshots that let a restart on unchanged data skip "
        "validation (KG_CACHE_DIR); never inside the data directory.",
    )

    def concept_iri(self, cid: str) -> str:
        """The stable IRI of concept ``cid`` (as in the RDF export)."""
        return Namespaces(self.base_iri).concept(cid)
