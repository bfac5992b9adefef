"""Pickling the library's objects fast, for the snapshots of :mod:`kg.snapshot`; and
making a pydantic model of fields already checked (:func:`model`).

Pydantic's own pickling sets each model up again through Python code several calls
deep; :class:`Pickler` writes a model as its class, its fields and pydantic's own
attributes, which unpickling puts back with one call and no validation (the fields were
valid when written). Read-only mappings (:class:`types.MappingProxyType`) are written
as the dictionaries they show. Models whose field sets are equal share one set (a frozen
model never changes its own).

Many models of one class (a graph's hundreds of thousands of relations) can be written
as one :class:`Table` instead: a column for each field, which unpickling turns back into
the models in one loop (about a third faster to load than a call for each, and half the
bytes). Every other place the pickle holds one of them refers to its row of the table,
so that it is the same object there. A pickle may hold several tables (the citations,
then the concepts and relations that hold them): a table's columns may hold rows of the
tables written before it, each then a reference to its row.

One :class:`Pickler` may write several pickles one after the other into one stream, and
one :class:`pickle.Unpickler` read them back one at a time: a later pickle refers to
what an earlier one holds instead of holding it again (the memo is kept), so a reader
can take the first part now and the rest later.

Unpickling runs code named in the data: only ever unpickle what this library wrote
itself, never data from elsewhere.
"""

from __future__ import annotations

import io
import operator
import pickle
from collections import deque
from collections.abc import Sequence
from itertools import repeat
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


class Table:
    """Models of one class, pickled as a column for each field (see the module's
    docstring); ``rows`` are models of class ``cls``. Unpickled, it is the tuple of the
    models again; if one is of another class, or has extra fields or private attributes,
    they are pickled one by one."""

    def __init__(self, cls: type[BaseModel], rows: Sequence[BaseModel]) -> None:
        self.cls = cls
        self.rows = rows


def _unpack(
    cls: type[M],
    names: tuple[str, ...],
    field_sets: tuple[set[str], ...],
    columns: tuple[tuple[Any, ...], ...],
) -> tuple[M, ...]:
    """The models of a :class:`Table`, made and filled in by C loops (:func:`map`):
    a quarter faster than a Python loop over half a million rows."""
    count = len(field_sets)
    put = object.__setattr__
    made = list(map(object.__new__, repeat(cls, count)))
    values = map(dict, map(zip, repeat(names), zip(*columns, strict=True)))
    for name, column in (
        ("__dict__", values),
        ("__pydantic_fields_set__", field_sets),
        ("__pydantic_extra__", repeat(None, count)),
        ("__pydantic_private__", repeat(None, count)),
    ):
        deque(map(put, made, repeat(name, count), column), maxlen=0)
    return tuple(made)


class Pickler(pickle.Pickler):
    """A pickler that writes pydantic models as their fields and read-only mappings as
    dictionaries, and a :class:`Table`'s models by their row number (see the module's
    docstring). A table must come before any of its models, and a model can be in one
    table only."""

    def __init__(self, file: _Writable) -> None:
        super().__init__(file, protocol=pickle.HIGHEST_PROTOCOL)
        self._models: dict[type, bool] = {}
        self._field_sets: dict[frozenset[str], set[str]] = {}
        self._rows: dict[int, tuple[Table, int]] = {}
        self._tables: list[Table] = []  # kept, so that no id below is reused by another object

    def _pack(self, table: Table) -> Any:
        names = tuple(table.cls.model_fields)
        field_sets: list[set[str]] = []
        for row in table.rows:
            if (
                type(row) is not table.cls
                or row.__pydantic_extra__ is not None
                or row.__pydantic_private__ is not None
            ):  # not for a table: the models one by one
                return tuple, (list(table.rows),)
            if id(row) in self._rows:
                raise ValueError("a model can be in one table only")
            fields_set = row.__pydantic_fields_set__
            field_sets.append(self._field_sets.setdefault(frozenset(fields_set), fields_set))
        # a column may hold rows of the tables before this one (written as references to
        # them), never of this one, which is not made until its columns are read
        columns = tuple(tuple(row.__dict__[name] for row in table.rows) for name in names)
        self._tables.append(table)
        self._rows.update({id(row): (table, i) for i, row in enumerate(table.rows)})
        return _unpack, (table.cls, names, tuple(field_sets), columns)

    def reducer_override(self, obj: Any) -> Any:
        kind = type(obj)
        if kind is MappingProxyType:
            return _proxy, (dict(obj),)
        if kind is Table:
            return self._pack(obj)
        if self._rows:
            row = self._rows.get(id(obj))
            if row is not None:  # the table's tuple (remembered by the pickle), at row
                return operator.getitem, row
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
