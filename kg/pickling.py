"""Pickling the library's objects fast, for the snapshots of :mod:`kg.snapshot`; and
making a pydantic model of fields already checked (:func:`model`).

Pydantic's own pickling sets each model up again through Python code several calls
deep; :class:`Pickler` writes a model as its class, its fields and pydantic's own
attributes, which unpickling puts back with one call and no validation (the fields were
valid when written). Read-only mappings (:class:`types.MappingProxyType`) are written
as the dictionaries they show. Models whose field sets are equal share one set (a frozen
model never changes its own).

Unpickling runs code named in the data: only ever unpickle what this library wrote
itself, never data from elsewhere.
"""

from __future__ import annotations

import io
import pickle
from types import MappingProxyType
from typing import Any, Protocol, TypeVar

from pydantic import BaseModel

M = TypeVar("M", bound=BaseModel)


class _Writable(Protocol):
    def write(self, data: bytes, /) -> int: ...


def model(
    cls: type[M],
    fields: dict[str, Any],
    fields_set: set[str],
    extra: Any = None,
    private: Any = None,
) -> M:
    """The model ``cls`` holding ``fields``, as they are: pydantic does not check them
    (only for fields that were valid models' fields, or that have been checked as
    pydantic would). ``fields_set`` is the set of fields given, which may be shared
    by models of a frozen class."""
    made = object.__new__(cls)
    object.__setattr__(made, "__dict__", fields)
    object.__setattr__(made, "__pydantic_fields_set__", fields_set)
    object.__setattr__(made, "__pydantic_extra__", extra)
    object.__setattr__(made, "__pydantic_private__", private)
    return made


def _model(cls: type[BaseModel], fields: dict[str, Any], state: tuple[Any, Any, Any]) -> Any:
    """A pydantic model as :class:`Pickler` wrote it."""
    return model(cls, fields, *state)


def _proxy(mapping: dict[Any, Any]) -> MappingProxyType[Any, Any]:
    return MappingProxyType(mapping)


class Pickler(pickle.Pickler):
    """A pickler that writes pydantic models as their fields and read-only mappings as
    dictionaries (see the module's docstring)."""

    def __init__(self, file: _Writable) -> None:
        super().__init__(file, protocol=pickle.HIGHEST_PROTOCOL)
        self._models: dict[type, bool] = {}
        self._field_sets: dict[frozenset[str], set[str]] = {}

    def reducer_override(self, obj: Any) -> Any:
        kind = type(obj)
        if kind is MappingProxyType:
            return _proxy, (dict(obj),)
        is_model = self._models.get(kind)
        if is_model is None:
            is_model = self._models[kind] = isinstance(kind, type) and issubclass(kind, BaseModel)
        if not is_model:
            return NotImplemented
        fields_set = obj.__pydantic_fields_set__
        shared = self._field_sets.setdefault(frozenset(fields_set), fields_set)
        state = (shared, obj.__pydantic_extra__, obj.__pydantic_private__)
        return _model, (kind, obj.__dict__, state)


def dumps(obj: object) -> bytes:
    """``obj`` pickled by :class:`Pickler`."""
    out = io.BytesIO()
    Pickler(out).dump(obj)
    return out.getvalue()
