"""The checks a data directory must pass, and the graph it gives when it passes them.

:func:`validate` reads the files through a :class:`~kg.files.Files` (from a directory
or from memory), checks each against the data files' schema (:mod:`kg.schema`) and
the vocabulary (:mod:`kg.ontology`), then makes the checks across files (one file per
id, one concept per name, no look-alike names, relations' targets, duplicates and
cycles), and collects every problem with its file and line. What a concept file adds
to a load is worked out by :func:`_read_concept` as a pure function of the file and
the sources, so a :class:`~kg.loadcache.LoadCache` can keep it.
"""

from __future__ import annotations

import datetime as dt
import gc
import re
import sys
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from itertools import pairwise
from pathlib import PurePosixPath
from typing import Any, NamedTuple, TypeGuard

from kg import pickling
from kg.citations import IndexedText
from kg.errors import DataError, Problem
from kg.files import Files
from kg.graph import KnowledgeGraph
from kg.ids import INVISIBLE, did_you_mean, is_slug, normalize_term, term_keys
from kg.model import Citation, Concept, Mapping, Relation, Source, Tombstone
from kg.ontology import (
    KINDS,
    MODALITIES,
    RELATION_TYPES,
    WORK_KIND,
    in_hierarchy,
)
from kg.schema import (
    ARTICLES,
    CITATION,
    CONCEPT,
    DESCRIPTION_MAX,
    MAPPING,
    MATCHES,
    NOTE_MAX,
    RELATION,
    SOURCE,
    TOMBSTONE,
    TOMBSTONES_FILE,
    Schema,
)
from kg.yamlread import Lines, YamlPath


class _Where(NamedTuple):
    """A place in a data file, its line looked up when needed (a tuple: a load makes one
    for every name and relation)."""

    file: str
    lines: Lines
    path: YamlPath

    @property
    def line(self) -> int:
        return self.lines.of(self.path)


@dataclass
class _Doc:
    """A parsed YAML file."""

    file: str
    data: Any
    lines: Lines

    def line(self, path: YamlPath) -> int:
        """The line of ``path``, or of its nearest ancestor that has one."""
        return self.lines.of(path)

    def where(self, path: YamlPath) -> _Where:
        return _Where(self.file, self.lines, path)


@dataclass
class _Collector:
    problems: list[Problem] = field(default_factory=list)

    def add(self, file: str, line: int, message: str, hint: str = "") -> None:
        self.problems.append(Problem(file, line, message, hint))


def _read_yaml(files: Files, rel: str, out: _Collector) -> _Doc | None:
    shown = files.shown(rel)
    parsed = files.parsed(rel)
    if parsed.error is not None:
        line, message = parsed.error
        out.add(shown, line, message)
        return None
    for dupe_path, line in parsed.dupes:
        out.add(shown, line, f"duplicate key {dupe_path[-1]!r}; YAML keeps only the last one")
    return _Doc(shown, parsed.data, parsed.lines)


def _check_fields(
    doc: _Doc, path: YamlPath, value: dict[str, Any], schema: Schema, out: _Collector
) -> None:
    """Every field of ``value`` must be one ``schema`` declares, and every required one
    there."""
    allowed, required, what = schema.allowed, schema.required, schema.what
    if allowed.issuperset(value) and required.issubset(value):
        return  # as nearly always: every field known, none missing
    for key in value:
        if key not in allowed:
            out.add(
                doc.file,
                doc.line(path + (key,)),
                f"unknown field {key!r} in {what}",
                did_you_mean(str(key), sorted(allowed)),
            )
    for key in sorted(required - set(value)):
        out.add(doc.file, doc.line(path), f"{what} lacks required field {key!r}")


_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
"""Characters no text that the RDF export carries may hold: labels, aliases,
definitions, notes, sources' titles, kinds, authors, dates and texts (whose passages
quotes are). XML 1.0 cannot carry the C0 controls but tab, line feed and carriage return
(the RDF/XML writer escapes CR: :data:`kg.rdf.XML_CR`), nor U+FFFE, U+FFFF or a lone
surrogate, which UTF-8 cannot encode; the C1 controls break YAML."""

_MARKUP = re.compile("[<>&]")
"""Characters no label or alias may hold: clients such as AISafety.info's site write
names into a page as HTML, unescaped (see :mod:`kg.glossary`)."""


_ODD_NAME = re.compile("|".join(p.pattern for p in (_CONTROL, _MARKUP, INVISIBLE)))
"""Any character that :data:`_CONTROL`, :data:`_MARKUP` or :data:`kg.ids.INVISIBLE`
finds: one search, where most names hold none."""


def _char(ch: str) -> str:
    """A character as a reader can find it: ``U+202E RIGHT-TO-LEFT OVERRIDE``."""
    return f"U+{ord(ch):04X} {unicodedata.name(ch, '')}".rstrip()


def _check_text(shown: str, text: str, out: _Collector) -> None:
    """A source text may hold no :data:`_CONTROL` character: the export carries it."""
    bad = _CONTROL.search(text)
    if bad is not None:
        out.add(
            shown,
            text.count("\n", 0, bad.start()) + 1,
            f"source text holds the character U+{ord(bad.group()):04X}, which text may not hold",
            "no control characters but tab and line breaks, lone "
            "surrogates or noncharacters: XML, so the RDF/XML export, cannot carry them",
        )


def _is_str(value: Any) -> TypeGuard[str]:
    return isinstance(value, str) and bool(value.strip())


def _either(names: tuple[str, ...]) -> str:
    """``'', 'the', 'a' or 'an'``: the names quoted, the last after "or"."""
    quoted = [repr(n) for n in names]
    return f"{', '.join(quoted[:-1])} or {quoted[-1]}"


@dataclass
class _Sources:
    sources: dict[str, Source]
    texts: dict[str, IndexedText]
    quoted: dict[tuple[str, str], Citation] = field(default_factory=dict)
    """The citation that a mapping of just ``source`` and ``quote`` gave, for each pair
    that passed every check: data cites the same passage many times over."""


def _load_sources(files: Files, out: _Collector) -> _Sources:
    rel = "sources/sources.yaml"
    shown = files.shown(rel)
    result = _Sources({}, {})
    if not files.is_file(rel):
        out.add(shown, 1, "missing sources file")
        return result
    doc = _read_yaml(files, rel, out)
    if doc is None:
        return result
    if not isinstance(doc.data, list):
        out.add(shown, 1, "sources.yaml must be a list of sources")
        return result
    for i, item in enumerate(doc.data):
        p: YamlPath = (i,)
        if not isinstance(item, dict):
            out.add(shown, doc.line(p), "a source must be a mapping")
            continue
        _check_fields(doc, p, item, SOURCE, out)
        sid = item.get("id")
        if not _is_str(sid) or not is_slug(str(sid)):
            out.add(
                shown,
                doc.line(p + ("id",)),
                f"source id {sid!r} is not a slug",
                "use lowercase words joined by hyphens",
            )
            continue
        if sid in result.sources:
            out.add(shown, doc.line(p + ("id",)), f"duplicate source id {sid!r}")
            continue
        for key in ("title", "kind"):
            if key in item and not _is_str(item[key]):
                out.add(shown, doc.line(p + (key,)), f"source field {key!r} must be a string")
        authors = item.get("authors", [])
        if not isinstance(authors, list) or not all(_is_str(a) for a in authors):
            out.add(shown, doc.line(p + ("authors",)), "authors must be a list of names")
            authors = []
        for path_, value in [
            *(((key,), item[key]) for key in ("title", "kind", "published") if key in item),
            *((("authors", i), a) for i, a in enumerate(authors)),
        ]:
            bad = _CONTROL.search(str(value))
            if bad is not None:
                out.add(
                    shown,
                    doc.line(p + path_),
                    f"source field {path_[0]!r} holds the "
                    f"character U+{ord(bad.group()):04X}, which text may not hold",
                    "no control characters, lone surrogates or noncharacters",
                )
        text_file = item.get("text")
        if text_file is not None:
            if not _is_str(text_file) or "/" in text_file or "\\" in text_file:
                out.add(
                    shown,
                    doc.line(p + ("text",)),
                    f"text {text_file!r} must be a file name in the sources folder",
                )
                text_file = None
            else:
                try:
                    result.texts[sid] = indexed = files.indexed(f"sources/{text_file}")
                except (OSError, UnicodeDecodeError) as e:
                    out.add(shown, doc.line(p + ("text",)), f"cannot read source text: {e}")
                    text_file = None
                else:
                    _check_text(files.shown(f"sources/{text_file}"), indexed.original, out)
        published = item.get("published")
        try:
            source = Source(
                id=sid,
                title=str(item.get("title", "")),
                kind=str(item.get("kind", "")),
                authors=tuple(authors),
                url=item.get("url"),
                published=None if published is None else str(published),
                text_file=text_file,
            )
        except ValueError as e:
            out.add(shown, doc.line(p), f"invalid source: {e}")
            continue
        result.sources[sid] = source
    return result


class _RawRelation(NamedTuple):
    """A relation as a concept file states it, with what the checks across files look at
    worked out once (a cached concept file keeps it); a tuple, since a load makes one for
    every relation."""

    relation: Relation
    where: _Where
    target: str
    symmetric: bool
    hierarchical: bool
    """Whether it puts its source under its target in the published hierarchy
    (:func:`kg.ontology.in_hierarchy`: is_a, part_of and a plain example_of)."""
    settled: bool
    """False when its modality was refused: what it says is not known, so the checks
    of the hierarchy (cycles, related links across it) leave it out."""

    @property
    def file(self) -> str:
        return self.where.file

    @property
    def line(self) -> int:
        return self.where.line


@dataclass
class _State:
    files: Files
    sources: _Sources
    out: _Collector
    normalize: Callable[[str], str]
    cited: dict[tuple[str, tuple[int, int]], Citation]
    folded: dict[str, str] = field(default_factory=dict)
    """What ``normalize`` gives for each term, as far as known (it remembers them)."""
    concepts: dict[str, Concept] = field(default_factory=dict)
    concept_files: dict[str, tuple[str, int]] = field(default_factory=dict)
    raw_relations: list[_RawRelation] = field(default_factory=list)
    term_lines: dict[tuple[str, str], _Where] = field(default_factory=dict)
    terms: dict[str, tuple[str, ...]] = field(default_factory=dict)
    looks: dict[str, tuple[str, ...]] = field(default_factory=dict)
    kinds: dict[str, str] = field(default_factory=dict)


def _citations(
    doc: _Doc,
    path: YamlPath,
    value: Any,
    sources: _Sources,
    cited: dict[tuple[str, tuple[int, int]], Citation],
    out: _Collector,
    required: bool,
) -> tuple[Citation, ...]:
    if value is None or value == []:
        if required:
            out.add(doc.file, doc.line(path), "no citation: at least one is required")
        return ()
    if not isinstance(value, list):
        out.add(doc.file, doc.line(path), "citations must be a list")
        return ()
    found: list[Citation] = []
    quoted = sources.quoted
    for i, item in enumerate(value):
        if type(item) is dict and len(item) == 2:
            pair = item.get("source"), item.get("quote")
            if type(pair[0]) is str and type(pair[1]) is str:
                known = quoted.get(pair)  # type: ignore[arg-type]
                if known is not None:
                    found.append(known)
                    continue
        p = path + (i,)
        if not isinstance(item, dict):
            out.add(doc.file, doc.line(p), "a citation must be a mapping with source and quote")
            continue
        _check_fields(doc, p, item, CITATION, out)
        sid, quote = item.get("source"), item.get("quote")
        if not _is_str(sid) or not _is_str(quote):
            if "source" in item and "quote" in item:
                out.add(doc.file, doc.line(p), "citation source and quote must be strings")
            continue
        source = sources.sources.get(sid)
        if source is None:
            out.add(
                doc.file,
                doc.line(p + ("source",)),
                f"unknown source {sid!r}",
                did_you_mean(sid, sources.sources),
            )
            continue
        text = sources.texts.get(sid)
        if text is None:
            out.add(
                doc.file,
                doc.line(p + ("source",)),
                f"source {sid!r} has no text, so it cannot be quoted",
                "cite a source with text; name the work with introduced_in",
            )
            continue
        where = text.locate(quote)
        if where is None:
            near = text.closest(quote)
            out.add(
                doc.file,
                doc.line(p + ("quote",)),
                f"quote not found in source {sid!r}: {quote.strip()!r}",
                f"closest passage: {near!r}" if near else "",
            )
            continue
        # citations are frozen: one object per passage, however often it is cited
        passage = cited.get((sid, where))
        if passage is None:
            start, end = where
            passage = cited[(sid, where)] = Citation(
                source=sid, quote=text.original[start:end], start=start, end=end
            )
        if len(item) == 2 and type(sid) is str and type(quote) is str:
            quoted[(sid, quote)] = passage
        found.append(passage)
    return tuple(found)


@dataclass(frozen=True, eq=False)
class _ConceptFile:
    """All that one concept file adds to a load, given the sources: a pure function of
    its name, its text, the sources and how files are shown, so a
    :class:`~kg.loadcache.LoadCache` can keep it while none of these changes.

    The only check that depends on other concept files, whether an earlier file (``x.yaml``
    before ``x.yml``) already defined the id, is left to :func:`_add_concept`, between
    the problems found before it (``head``) and the rest.
    """

    cid: str
    shown: str
    head: tuple[Problem, ...]
    checked: bool
    """Whether the file got as far as the duplicate-id check (it is a mapping)."""
    problems: tuple[Problem, ...] = ()
    terms: tuple[str, ...] = ()
    keys: tuple[str, ...] = ()
    """The :func:`kg.ids.normalize_term` of each term (folded here, where the work on one
    file is done, so that a load from disk folds them in two processes)."""
    looks: tuple[str, ...] = ()
    """The :func:`kg.ids.look_alike_key` of each term ("" for one with an invisible
    character, refused as such)."""
    kind: str | None = None
    """The kind, when it is a known one."""
    term_lines: tuple[tuple[tuple[str, str], _Where], ...] = ()
    relations: tuple[_RawRelation, ...] = ()
    concept: Concept | None = None


def _read_concept(
    name: str, files: Files, sources: _Sources, cited: dict[tuple[str, tuple[int, int]], Citation]
) -> _ConceptFile:
    """What the concept file ``name`` adds to a load (see :class:`_ConceptFile`)."""
    out = _Collector()
    rel = f"concepts/{name}"
    shown = files.shown(rel)
    cid = sys.intern(_stem(name))
    doc = _read_yaml(files, rel, out)
    if doc is None:
        return _ConceptFile(cid, shown, tuple(out.problems), False)
    if not is_slug(cid):
        out.add(
            shown,
            1,
            f"file name {name!r} is not a valid id",
            f"rename it to {cid.lower().replace('_', '-').replace(' ', '-')}.yaml",
        )
    data = doc.data
    if not isinstance(data, dict):
        out.add(shown, 1, "a concept file must be a mapping")
        return _ConceptFile(cid, shown, tuple(out.problems), False)
    _check_fields(doc, (), data, CONCEPT, out)
    if "id" in data and data["id"] != cid:
        out.add(
            shown,
            doc.line(("id",)),
            f"id {data['id']!r} differs from the file name {cid!r}",
            "the file name is the id; drop the id field or rename the file",
        )
    head = tuple(out.problems)
    out = _Collector()
    kind: Any = data.get("kind")
    if kind is not None and not isinstance(kind, str):
        out.add(shown, doc.line(("kind",)), f"kind must be a name, not {kind!r}")
        kind = None
    elif kind is not None and kind not in KINDS:
        out.add(
            shown, doc.line(("kind",)), f"unknown kind {kind!r}", did_you_mean(str(kind), KINDS)
        )
    label = data.get("label")
    if "label" in data and not _is_str(label):
        out.add(shown, doc.line(("label",)), "label must be a non-empty string")
    definition = data.get("definition")
    if "definition" in data and not _is_str(definition):
        out.add(shown, doc.line(("definition",)), "definition must be a non-empty string")
    aliases = data.get("aliases") or []
    if not isinstance(aliases, list) or not all(_is_str(a) for a in aliases):
        out.add(shown, doc.line(("aliases",)), "aliases must be a list of strings")
        aliases = []
    for path_, text in [
        (("label",), label),
        (("definition",), definition),
        *((("aliases", i), a) for i, a in enumerate(aliases)),
    ]:
        if not isinstance(text, str):
            continue
        if (_CONTROL if path_[0] == "definition" else _ODD_NAME).search(text) is None:
            continue  # nothing below would be found
        bad = _CONTROL.search(text)
        field_ = "alias" if path_[0] == "aliases" else path_[0]
        if bad is not None:
            out.add(
                shown,
                doc.line(path_),
                f"{field_} {text!r} holds the character "
                f"U+{ord(bad.group()):04X}, which text may not hold",
                "no control characters, lone surrogates or noncharacters",
            )
        if path_[0] == "definition":
            continue
        markup = _MARKUP.search(text)
        if markup is not None:
            out.add(
                shown,
                doc.line(path_),
                f"{field_} {text!r} holds {markup.group()!r}, "
                "which a page that shows names as HTML would read as markup",
                "write the name without <, > and & (for example 'and' for '&')",
            )
        hidden = INVISIBLE.search(text)
        if hidden is not None:
            out.add(
                shown,
                doc.line(path_),
                f"{field_} {text!r} holds {_char(hidden.group())}, an invisible format character",
                "no bidi controls, zero-width characters, soft hyphens or other invisible "
                "characters in a name: they let it pass for another or hide what it says",
            )
    terms = (cid, *([label.strip()] if _is_str(label) else []), *(a.strip() for a in aliases))
    term_lines = [
        ((cid, str(label)), doc.where(("label",))),
        *(((cid, alias.strip()), doc.where(("aliases", i))) for i, alias in enumerate(aliases)),
    ]
    described_as = _described_as(doc, data, terms, out)
    work = _work(doc, data, kind, sources, out)
    mappings = _mappings(doc, data, out)
    article = data.get("article")
    if article is not None and article not in ARTICLES:
        out.add(shown, doc.line(("article",)), f"article {article!r} must be {_either(ARTICLES)}")
        article = None
    plural = data.get("plural", False)
    if not isinstance(plural, bool):
        out.add(shown, doc.line(("plural",)), f"plural must be true or false, not {plural!r}")
        plural = False
    citations = _citations(
        doc, ("citations",), data.get("citations"), sources, cited, out, required=True
    )
    relations = data.get("relations") or []
    if not isinstance(relations, list):
        out.add(shown, doc.line(("relations",)), "relations must be a list")
        relations = []
    raw_relations: list[_RawRelation] = []
    quoted, lines = sources.quoted, doc.lines
    for i, rel_ in enumerate(relations):
        p: YamlPath = ("relations", i)
        if type(rel_) is dict and rel_.keys() == _BARE_RELATION:
            # nearly every relation: a type, a target and citations of passages cited
            # before, each of which passes the checks below; made at once (the same
            # relation, with no problem to find), else checked below
            rtype, target, cits = rel_["type"], rel_["target"], rel_["citations"]
            plain = _PLAIN_TYPES.get(rtype) if type(rtype) is str else None
            if (
                plain is not None
                and type(target) is str
                and target != cid
                and target.strip()
                and type(cits) is list
            ):
                known = _known_citations(cits, quoted)
                if known is not None:
                    target = sys.intern(target)
                    fields: dict[str, Any] = {
                        "source": cid,
                        "type": plain[0],
                        "target": target,
                        "citations": known,
                        "note": None,
                        "modality": None,
                    }
                    raw_relations.append(
                        _new_tuple(
                            _RawRelation,
                            (
                                pickling.model(Relation, fields, _RELATION_FIELDS),
                                _new_tuple(_Where, (shown, lines, p)),
                                target,
                                plain[1],
                                plain[2],
                                True,
                            ),
                        )
                    )
                    continue
        if not isinstance(rel_, dict):
            out.add(shown, doc.line(p), "a relation must be a mapping with type, target, citations")
            continue
        _check_fields(doc, p, rel_, RELATION, out)
        rtype, target = rel_.get("type"), rel_.get("target")
        ok = True
        if "type" in rel_ and not isinstance(rtype, str):
            out.add(shown, doc.line(p + ("type",)), f"relation type must be a name, not {rtype!r}")
            ok = False
        elif "type" in rel_ and rtype not in RELATION_TYPES:
            out.add(
                shown,
                doc.line(p + ("type",)),
                f"unknown relation type {rtype!r}",
                did_you_mean(str(rtype), RELATION_TYPES),
            )
            ok = False
        if "target" in rel_ and not _is_str(target):
            out.add(shown, doc.line(p + ("target",)), "target must be a concept id")
            ok = False
        elif target == cid:
            out.add(shown, doc.line(p + ("target",)), f"relation {rtype!r} from {cid!r} to itself")
            ok = False
        rel_cits = _citations(
            doc, p + ("citations",), rel_.get("citations"), sources, cited, out, required=True
        )
        note = _note(doc, p, rel_, out)
        modality = _modality(doc, p, rel_, rtype if ok else None, out)
        if ok and rtype and target:
            target = sys.intern(target)  # one string per id, however many relations name it
            raw_relations.append(
                _RawRelation(
                    _relation(cid, sys.intern(rtype), target, rel_cits, note, modality),
                    doc.where(p),
                    target,
                    rtype in _SYMMETRIC,
                    in_hierarchy(rtype, modality),
                    modality is not None or rel_.get("modality") is None,
                )
            )
    complete = _is_str(label) and _is_str(definition) and kind in KINDS and citations
    concept = None
    if complete:
        # every field checked above: made as pydantic would, without checking them again
        fields = {
            "id": cid,
            "label": str(label).strip(),
            "kind": str(kind),
            "aliases": tuple(a.strip() for a in aliases),
            "definition": " ".join(str(definition).split()),
            "citations": citations,
            "described_as": described_as,
            "article": article,
            "plural": plural,
            "work": work,
            "mappings": mappings,
        }
        concept = pickling.model(Concept, fields, _CONCEPT_FIELDS)
    return _ConceptFile(
        cid,
        shown,
        head,
        True,
        tuple(out.problems),
        terms,
        *_folded(terms),
        kind if kind in KINDS else None,
        tuple(term_lines),
        tuple(raw_relations),
        concept,
    )


_BARE_RELATION = {"type", "target", "citations"}
"""The fields of a relation with neither note nor modality (as a set, compared with a
mapping's keys)."""

_new_tuple = tuple.__new__
"""Makes a named tuple of its fields without a call of its ``__new__`` (a load makes
two for each of half a million relations)."""


def _known_citations(
    items: list[Any], quoted: dict[tuple[str, str], Citation]
) -> tuple[Citation, ...] | None:
    """The citations of ``items`` when each is a mapping of just a source and a quote
    that :func:`_citations` has already found (it keeps them in ``quoted``), else None."""
    found = []
    for item in items:
        if type(item) is not dict or len(item) != 2:
            return None
        source, quote = item.get("source"), item.get("quote")
        if type(source) is not str or type(quote) is not str:
            return None
        known = quoted.get((source, quote))
        if known is None:
            return None
        found.append(known)
    return tuple(found) if found else None


def _folded(terms: tuple[str, ...]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The :func:`kg.ids.normalize_term` and :func:`kg.ids.look_alike_key` of each term
    ("" for one with an invisible character), each worked out once however often the
    term comes (an alias often spells the id)."""
    keys: dict[str, tuple[str, str]] = {}
    for term in terms:
        if term not in keys:
            if INVISIBLE.search(term):
                keys[term] = (normalize_term(term), "")
            else:
                keys[term] = term_keys(term)
    return tuple(keys[t][0] for t in terms), tuple(keys[t][1] for t in terms)


_RELATION_FIELDS = set(Relation.model_fields)
_CONCEPT_FIELDS = set(Concept.model_fields)


def _relation(
    source: str,
    type_: str,
    target: str,
    citations: tuple[Citation, ...],
    note: str | None,
    modality: Any,
) -> Relation:
    """``Relation(source=..., ...)`` of fields the checks above have checked, made
    without pydantic checking them again; every relation shares one (frozen) set of
    the fields given, where pydantic makes one for each: a load makes hundreds of
    thousands of relations, and both cost seconds and a hundred megabytes there."""
    fields = {
        "source": source,
        "type": type_,
        "target": target,
        "citations": citations,
        "note": note,
        "modality": modality,
    }
    return pickling.model(Relation, fields, _RELATION_FIELDS)


def _work(
    doc: _Doc, data: dict[str, Any], kind: Any, sources: _Sources, out: _Collector
) -> str | None:
    """A concept's ``work``: the id of a known source, on a concept of kind work."""
    work = data.get("work")
    if work is None:
        return None
    where = doc.where(("work",))
    if not _is_str(work) or work not in sources.sources:
        out.add(
            doc.file,
            where.line,
            f"work {work!r} is not a source",
            did_you_mean(str(work), sources.sources),
        )
        return None
    if kind != WORK_KIND:
        out.add(doc.file, where.line, f"only a concept of kind {WORK_KIND!r} is a source's work")
        return None
    return work


_HTTP_IRI = re.compile(r"https?://[^\s<>\"{}|\\^`]+", re.ASCII)
"""An absolute http(s) IRI, with no character an IRI cannot hold unescaped."""


def _mappings(doc: _Doc, data: dict[str, Any], out: _Collector) -> tuple[Mapping, ...]:
    """A concept's ``mappings``: each an exact, close or related match to an absolute
    http(s) IRI, with a note saying how it was established, none twice."""
    items = data.get("mappings")
    if items is None:
        return ()
    if not isinstance(items, list):
        out.add(doc.file, doc.line(("mappings",)), "mappings must be a list")
        return ()
    found: list[Mapping] = []
    for i, item in enumerate(items):
        p: YamlPath = ("mappings", i)
        if not isinstance(item, dict):
            out.add(doc.file, doc.line(p), "a mapping must be a mapping with match, iri, note")
            continue
        _check_fields(doc, p, item, MAPPING, out)
        match, iri, note = item.get("match"), item.get("iri"), item.get("note")
        ok = MAPPING.required.issubset(item)
        if "match" in item and match not in MATCHES:
            out.add(
                doc.file,
                doc.line(p + ("match",)),
                f"match {match!r} must be {_either(MATCHES)}",
                did_you_mean(str(match), MATCHES),
            )
            ok = False
        if "iri" in item and not (isinstance(iri, str) and _HTTP_IRI.fullmatch(iri)):
            out.add(
                doc.file,
                doc.line(p + ("iri",)),
                f"iri {iri!r} is not an absolute http(s) IRI",
                "write the whole address, https://...",
            )
            ok = False
        if "note" in item and (not _is_str(note) or _CONTROL.search(note)):
            out.add(doc.file, doc.line(p + ("note",)), "note must say how the mapping was found")
            ok = False
        if ok and any(m.iri == iri for m in found):
            out.add(doc.file, doc.line(p + ("iri",)), f"{iri} is mapped twice")
            ok = False
        if ok:
            found.append(Mapping(match=match, iri=iri, note=" ".join(str(note).split())))
    return tuple(found)


def _described_as(
    doc: _Doc, data: dict[str, Any], names: tuple[str, ...], out: _Collector
) -> tuple[str, ...]:
    """A concept's ``described_as``: distinct descriptions, each a phrase or a sentence of
    plain text that does not name the concept (its label or an alias, in any form that
    :func:`kg.ids.normalize_term` folds together), white space collapsed."""
    items = data.get("described_as")
    if items is None:
        return ()
    if not isinstance(items, list):
        out.add(
            doc.file,
            doc.line(("described_as",)),
            "described_as must be a list of descriptions",
            "a phrase or a sentence each, in everyday words, without the concept's name",
        )
        return ()
    forms = {f" {normalize_term(n)} ": n for n in names if normalize_term(n)}
    kept: dict[str, None] = {}
    for i, item in enumerate(items):
        where = doc.where(("described_as", i))
        if not _is_str(item):
            out.add(doc.file, where.line, "a description must be a non-empty string")
            continue
        text = " ".join(item.split())
        bad = _CONTROL.search(item)
        said = f" {normalize_term(text)} "
        named = next((name for form, name in forms.items() if form in said), None)
        if bad is not None:
            out.add(
                doc.file,
                where.line,
                f"description holds the character U+{ord(bad.group()):04X}, "
                "which text may not hold",
                "no control characters, lone surrogates or noncharacters",
            )
        elif len(text) > DESCRIPTION_MAX:
            out.add(
                doc.file,
                where.line,
                f"description is {len(text)} characters long, more than {DESCRIPTION_MAX}",
                "a phrase or one sentence",
            )
        elif named is not None:
            out.add(
                doc.file,
                where.line,
                f"description {text!r} names the concept ({named!r})",
                "describe it the way someone who does not know its name would",
            )
        elif text in kept:
            out.add(doc.file, where.line, f"description {text!r} is given twice")
        else:
            kept[text] = None
    return tuple(kept)


def _note(doc: _Doc, p: YamlPath, rel: dict[str, Any], out: _Collector) -> str | None:
    """A relation's note: one or two sentences of plain text, or None."""
    if "note" not in rel or rel["note"] is None:
        return None
    note = rel["note"]
    where = doc.where(p + ("note",))
    if not _is_str(note):
        out.add(
            doc.file,
            where.line,
            "note must be a non-empty string",
            "one or two sentences saying why or how the relation holds",
        )
        return None
    text = " ".join(note.split())
    bad = _CONTROL.search(note)
    if bad is not None:
        out.add(
            doc.file,
            where.line,
            f"note holds the character U+{ord(bad.group()):04X}, which text may not hold",
            "no control characters, lone surrogates or noncharacters",
        )
        return None
    if len(text) > NOTE_MAX:
        out.add(
            doc.file,
            where.line,
            f"note is {len(text)} characters long, more than {NOTE_MAX}",
            "one or two sentences; the cited passage says the rest",
        )
        return None
    return text


def _modality(
    doc: _Doc, p: YamlPath, rel: dict[str, Any], rtype: str | None, out: _Collector
) -> Any:
    """A relation's modality, if it has one that its type allows; else None."""
    modality = rel.get("modality")
    if modality is None:
        return None
    where = doc.where(p + ("modality",))
    if not isinstance(modality, str) or modality not in MODALITIES:
        out.add(
            doc.file,
            where.line,
            f"unknown modality {modality!r}",
            did_you_mean(str(modality), MODALITIES) or f"one of {', '.join(MODALITIES)}",
        )
        return None
    if rtype is None:
        return None
    allowed = RELATION_TYPES[rtype].modal
    if modality not in allowed:
        hint = f"{rtype} allows {', '.join(allowed)}" if allowed else f"{rtype} takes no modality"
        out.add(doc.file, where.line, f"modality {modality!r} is not allowed on {rtype}", hint)
        return None
    return modality


def _add_concept(found: _ConceptFile, state: _State) -> None:
    """Add what one concept file holds to the load, unless an earlier file defined its id."""
    cid = found.cid
    state.out.problems.extend(found.head)
    if not found.checked:
        return
    if cid in state.concepts:
        first = state.concept_files[cid]
        state.out.add(found.shown, 1, f"duplicate id {cid!r}, first defined in {first[0]}")
        return
    state.out.problems.extend(found.problems)
    state.terms[cid] = found.terms
    state.folded.update(zip(found.terms, found.keys, strict=True))
    state.looks[cid] = found.looks
    if found.kind is not None:
        state.kinds[cid] = found.kind
    state.term_lines.update(found.term_lines)
    state.raw_relations.extend(found.relations)
    state.concept_files[cid] = (found.shown, 1)
    if found.concept is not None:
        state.concepts[cid] = found.concept


def _load_concept(name: str, state: _State) -> None:
    rel = f"concepts/{name}"
    found = state.files.concept(
        rel, lambda: _read_concept(name, state.files, state.sources, state.cited)
    )
    _add_concept(found, state)


def _check_terms(state: _State) -> None:
    """Every label and alias must name one concept only, after normalisation, and no
    term may look like another (the same :func:`kg.ids.look_alike_key`) without being
    the same term (the same normalised form)."""
    owner: dict[str, tuple[str, str]] = {}
    first_look: dict[str, tuple[str, str, str]] = {}  # look -> concept, term, normalised
    for cid, terms in state.terms.items():
        shown = state.concept_files[cid][0]
        seen_here: set[str] = set()
        for term, look in zip(terms, state.looks[cid], strict=True):
            key = state.normalize(term)
            if not key:
                state.out.add(
                    shown,
                    _line(state.term_lines.get((cid, term))),
                    f"term {term!r} has no letters or digits",
                )
                continue
            if key in seen_here:
                continue
            seen_here.add(key)
            if look:
                other, other_term, other_key = first_look.setdefault(look, (cid, term, key))
                if other_key != key:
                    _look_alike(state, (cid, term), (other, other_term))
                    continue
            if key in owner and owner[key][0] != cid:
                other, other_term = owner[key]
                state.out.add(
                    shown,
                    _line(state.term_lines.get((cid, term))),
                    f"term {term!r} names both {cid!r} and {other!r} (there as {other_term!r})",
                    "a label or alias must name one concept only",
                )
            else:
                owner.setdefault(key, (cid, term))


def _look_alike(state: _State, one: tuple[str, str], other: tuple[str, str]) -> None:
    """Report that two names (concept, term) look alike, at the one holding characters
    beyond ASCII if only one does (the look-alike of a plain name), else at ``one``."""
    if one[1].isascii() and not other[1].isascii():
        one, other = other, one
    (cid, term), (other_cid, other_term) = one, other
    whose = "another name of the same concept" if other_cid == cid else f"a name of {other_cid!r}"
    state.out.add(
        state.concept_files[cid][0],
        _line(state.term_lines.get(one)),
        f"term {term!r} looks like {other_term!r}, {whose}{_unlike(term, other_term)}",
        "a name may not pass for another through look-alike characters "
        "(Unicode's confusables); use the name there, or one that reads "
        "differently",
    )


def _unlike(term: str, other: str) -> str:
    """The characters beyond ASCII that one of two look-alike names has and the other
    has not, for a reader who cannot see the difference: `` (this one holds U+0435
    CYRILLIC SMALL LETTER IE)``, or ``""``."""
    said = [
        f"{which} holds {', '.join(map(_char, chars))}"
        for which, chars in (
            ("this one", sorted({ch for ch in term if not ch.isascii()} - set(other))),
            ("that one", sorted({ch for ch in other if not ch.isascii()} - set(term))),
        )
        if chars
    ]
    return f" ({'; '.join(said)})" if said else ""


def _line(where: _Where | None) -> int:
    return 1 if where is None else where.line


_SYMMETRIC = frozenset(name for name, t in RELATION_TYPES.items() if t.symmetric)

_PLAIN_TYPES = {
    name: (sys.intern(name), name in _SYMMETRIC, in_hierarchy(name, None))
    for name in RELATION_TYPES
}
"""For each relation type: its name (interned), whether it is symmetric and whether it
puts its source under its target when stated without a modality."""


def _check_relations(state: _State) -> list[Relation]:
    out = state.out
    concepts, kinds = state.concepts, state.kinds
    known = concepts.keys() | state.concept_files.keys()
    relations: list[Relation] = []
    seen: dict[tuple[str, str, str], _RawRelation] = {}
    hier: dict[tuple[str, str], _RawRelation] = {}  # each skos:broader edge, first stated
    related: list[_RawRelation] = []  # each relation the export writes as skos:related
    for raw in state.raw_relations:
        target = raw.target
        if target not in known:
            out.add(
                raw.file,
                raw.line,
                f"dangling target {target!r}: no such concept",
                did_you_mean(target, known),
            )
            continue
        rel = raw.relation
        source, type_ = rel.source, rel.type
        if not raw.settled:
            pass
        elif raw.hierarchical:
            hier.setdefault((source, target), raw)
        elif not rel.negated:
            related.append(raw)
        key = (
            (target, type_, source)
            if raw.symmetric and target < source
            else (source, type_, target)
        )
        first = seen.setdefault(key, raw)
        if first is not raw:
            out.add(
                raw.file,
                raw.line,
                f"duplicate relation {source} {type_} {target}, already stated in {first.file}",
            )
            continue
        if type_ == "introduced_in":
            target_kind = kinds.get(target)
            if target_kind not in (None, WORK_KIND):
                out.add(
                    raw.file,
                    raw.line,
                    f"introduced_in must point at a work, but {target!r} is a {target_kind}",
                )
        if target in concepts and source in concepts and rel.citations:
            relations.append(rel)
    cycles = _cycles(hier, CYCLES_SHOWN + 1)
    for cycle in cycles[:CYCLES_SHOWN]:
        steps = [hier[(a, cycle[(i + 1) % len(cycle)])] for i, a in enumerate(cycle)]
        out.add(
            steps[0].file,
            steps[0].line,
            f"cycle in the broader hierarchy: {_path(steps)}",
            f"the links are stated at {_places(steps)}; take out the one that is not so",
        )
    if len(cycles) > CYCLES_SHOWN:
        first = hier[(cycles[0][0], cycles[0][1])]
        out.add(
            first.file,
            first.line,
            f"more cycles in the broader hierarchy than the {CYCLES_SHOWN} listed",
            "mend those and validate again",
        )
    if not cycles:  # where there is a cycle, what is above what is not yet settled
        _check_clashes(hier, related, out)
    return relations


def _path(steps: list[_RawRelation]) -> str:
    """``a is_a b example_of c``: a chain of relations, each from where the last ended."""
    return " ".join([steps[0].relation.source, *(f"{r.relation.type} {r.target}" for r in steps)])


def _places(steps: list[_RawRelation]) -> str:
    return ", ".join(f"{r.file}:{r.line}" for r in steps)


def _check_clashes(
    hier: dict[tuple[str, str], _RawRelation], related: list[_RawRelation], out: _Collector
) -> None:
    """qSKOS S27 ("relation clashes"): a relation the export writes as ``skos:related``
    between two concepts one of which is above the other in the broader hierarchy,
    directly or through others; SKOS makes ``skos:related`` disjoint with
    ``skos:broaderTransitive``.

    Only relations whose two concepts are in one tree of the hierarchy (a connected part,
    found by union-find) are searched for a path, so the check stays linear where
    related links join different trees, as they mostly do."""
    if not hier or not related:
        return
    tree: dict[str, str] = {}

    def root(node: str) -> str:
        while (up := tree.setdefault(node, node)) != node:
            tree[node] = node = tree.setdefault(up, up)
        return node

    above: dict[str, list[str]] = {}
    for a, b in hier:
        above.setdefault(a, []).append(b)
        tree[root(a)] = root(b)
    # the tree of each concept in the hierarchy, looked up once per related link below
    # (half a million of them in a large graph); a concept outside it has none
    trees = {node: root(node) for node in list(tree)}
    for raw in related:
        one, other = raw.relation.source, raw.target
        tree_one = trees.get(one)
        if tree_one is None or tree_one != trees.get(other):
            continue
        path = _up_path(above, one, other) or _up_path(above, other, one)
        if path:
            steps = [hier[(a, b)] for a, b in pairwise(path)]
            out.add(
                raw.file,
                raw.line,
                f"{one} {raw.relation.type} {other} links two concepts one of which is "
                f"under the other: {_path(steps)} (SKOS S27: related is disjoint with broader)",
                f"the broader links are stated at {_places(steps)}; keep the relation only "
                "if the hierarchy is wrong, or drop it",
            )


def _up_path(above: dict[str, list[str]], start: str, goal: str) -> list[str] | None:
    """The shortest chain of broader links from ``start`` up to ``goal`` (its nodes), or
    None: a breadth-first search, visiting each concept once."""
    came: dict[str, str] = {start: start}
    frontier = [start]
    while frontier:
        following = []
        for node in frontier:
            for up in above.get(node, ()):
                if up in came:
                    continue
                came[up] = node
                if up == goal:
                    path = [up]
                    while path[-1] != start:
                        path.append(came[path[-1]])
                    return path[::-1]
                following.append(up)
        frontier = following
    return None


CYCLES_SHOWN = 20
"""How many cycles of the hierarchy validation lists at most: a graph can have
exponentially many, and a few are enough to start mending it."""


def _cycles(edges: Iterable[tuple[str, str]], limit: int | None = None) -> list[list[str]]:
    """Every elementary cycle of the directed graph of ``edges`` (the first ``limit``
    found, when given), each once, starting at its smallest node.

    Nodes that no edge enters are taken off, and the edges that leave them, until none
    is left: what remains holds every cycle (a node on one always keeps the edge from
    the one before it), and is empty when there is none, as in valid data, so the
    cycles are only searched for (by :func:`networkx.simple_cycles`) when there are some.
    """
    following: dict[str, list[str]] = {}
    entering: dict[str, int] = {}
    for a, b in edges:
        following.setdefault(a, []).append(b)
        entering.setdefault(a, 0)
        entering[b] = entering.get(b, 0) + 1
    free = [node for node, count in entering.items() if count == 0]
    while free:
        for b in following.get(free.pop(), ()):
            entering[b] -= 1
            if not entering[b]:
                free.append(b)
    left = {node for node, count in entering.items() if count}
    if not left:
        return []
    import networkx as nx  # here: only invalid data needs it, and a start skips its import

    graph = nx.DiGraph()
    graph.add_edges_from((a, b) for a in left for b in following.get(a, ()) if b in left)
    cycles: dict[tuple[str, ...], None] = {}  # each once, in the order found
    bound = 2  # with a limit, the shortest first: doubling the length searched for
    while limit is None or len(cycles) < limit:
        whole = limit is None or bound >= graph.number_of_nodes()
        for found in nx.simple_cycles(graph, length_bound=None if whole else bound):
            at = found.index(min(found))  # report each cycle from the same place every time
            cycles.setdefault((*found[at:], *found[:at]))
            if limit is not None and len(cycles) == limit:
                break
        if whole:
            break
        bound *= 2
    return [list(cycle) for cycle in cycles]


def _suffix(name: str) -> str:
    """``PurePosixPath(name).suffix``, without making a path of a plain name."""
    if "/" in name:
        return PurePosixPath(name).suffix
    dot = name.rfind(".")
    return name[dot:] if 0 < dot < len(name) - 1 else ""


def _stem(name: str) -> str:
    """``PurePosixPath(name).stem``, without making a path of a plain name (a load
    takes the id of each of its 50,000 concept files' names)."""
    suffix = _suffix(name)
    if "/" in name or name in ("", ".") or not suffix:
        return PurePosixPath(name).stem
    return name[: -len(suffix)]


def _iter_concept_files(files: Files, out: _Collector) -> Iterator[str]:
    """The names of the concept files, in order; anything else in concepts/ is a problem."""
    names = files.listing("concepts")
    if names is None:
        out.add(files.shown("concepts"), 1, "missing concepts folder")
        return
    for name in names:
        rel = f"concepts/{name}"
        if _suffix(name) in (".yaml", ".yml") and files.is_file(rel):
            yield name
        elif not name.startswith("."):
            out.add(
                files.shown(rel),
                1,
                "unexpected file in concepts/",
                "each concept is a .yaml file named after its id",
            )


_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _load_tombstones(files: Files, live: Iterable[str], out: _Collector) -> list[Tombstone]:
    """The tombstones of deleted concepts (:data:`kg.schema.TOMBSTONES_FILE`, optional):
    each names a concept that no file defines any more, by a slug, with a label and an
    ISO date, and what it was merged into is a concept or another tombstone."""
    if not files.is_file(TOMBSTONES_FILE):
        return []
    doc = _read_yaml(files, TOMBSTONES_FILE, out)
    if doc is None:
        return []
    if not isinstance(doc.data, list):
        out.add(doc.file, 1, f"{TOMBSTONES_FILE} must be a list of deleted concepts")
        return []
    concepts = set(live)
    found: dict[str, tuple[Tombstone, int]] = {}
    for i, item in enumerate(doc.data):
        p: YamlPath = (i,)
        if not isinstance(item, dict):
            out.add(doc.file, doc.line(p), "a tombstone must be a mapping")
            continue
        _check_fields(doc, p, item, TOMBSTONE, out)
        if not TOMBSTONE.required.issubset(item):
            continue
        cid, label, deleted = item["id"], item["label"], item["deleted"]
        replaced = item.get("replaced_by")
        if isinstance(deleted, dt.date):  # unquoted, YAML 1.1 reads a date
            deleted = deleted.isoformat()
        if not _is_str(cid) or not is_slug(cid):
            out.add(doc.file, doc.line(p + ("id",)), f"tombstone id {cid!r} is not a slug")
            continue
        if cid in concepts:
            out.add(
                doc.file,
                doc.line(p + ("id",)),
                f"concept {cid!r} exists, yet a tombstone says it was deleted",
                "remove the tombstone of a concept brought back",
            )
        if cid in found:
            out.add(doc.file, doc.line(p + ("id",)), f"duplicate tombstone {cid!r}")
        if not _is_str(label) or _ODD_NAME.search(label):
            out.add(doc.file, doc.line(p + ("label",)), f"tombstone label {label!r} is not a name")
        if not isinstance(deleted, str) or not _ISO_DATE.fullmatch(deleted):
            out.add(
                doc.file,
                doc.line(p + ("deleted",)),
                f"deleted {deleted!r} is not a date",
                "write it YYYY-MM-DD, quoted",
            )
        if replaced is not None and not (_is_str(replaced) and is_slug(replaced)):
            out.add(doc.file, doc.line(p + ("replaced_by",)), f"{replaced!r} is not a concept id")
            replaced = None
        if _is_str(label) and isinstance(deleted, str):
            found[cid] = (Tombstone(id=cid, label=label, deleted=deleted, replaced_by=replaced), i)
    for tomb, i in found.values():
        target = tomb.replaced_by
        if target is not None and target not in concepts and target not in found:
            out.add(
                doc.file,
                doc.line((i, "replaced_by")),
                f"{tomb.id!r} is replaced by {target!r}, which is no concept",
                did_you_mean(target, sorted(concepts)),
            )
        elif target == tomb.id:
            out.add(doc.file, doc.line((i, "replaced_by")), f"{target!r} cannot replace itself")
    return [tomb for tomb, _ in found.values()]


@contextmanager
def collector_paused() -> Iterator[None]:
    """Keep the cyclic garbage collector from running inside the block, and from
    scanning what it made after it.

    A load makes millions of objects that all live on (the graph), none of them garbage;
    each collection the allocations set off would scan them all again, a third of a
    large load's time, and the first one after the block would scan them all once more
    (a second and a half for 50,000 concepts). So the block ends with
    :func:`gc.freeze`: every object is kept out of the collector's scans, as a server
    does with its graph anyway, and is still freed when no longer referenced (only a
    reference cycle among them would stay until :func:`gc.unfreeze`).
    """
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if was_on:
            gc.enable()


def _remembered(normalize: Callable[[str], str], folded: dict[str, str]) -> Callable[[str], str]:
    """``normalize``, remembering what it gave for each term in ``folded`` (where what
    is known already may be put)."""

    def fold(term: str) -> str:
        key = folded.get(term)
        if key is None:
            key = folded[term] = normalize(term)
        return key

    return fold


def validate(
    files: Files,
    normalize: Callable[[str], str] = normalize_term,
    cited: dict[tuple[str, tuple[int, int]], Citation] | None = None,
) -> KnowledgeGraph:
    """Every check, on files read through ``files``; terms folded by ``normalize``;
    ``cited`` holds the citation of every passage cited so far, when the sources are
    those of an earlier call."""
    with collector_paused():
        out = _Collector()
        sources = _load_sources(files, out)
        folded: dict[str, str] = {}
        normalize = _remembered(normalize, folded)  # the checks and the graph fold alike
        state = _State(files, sources, out, normalize, {} if cited is None else cited, folded)
        for name in _iter_concept_files(files, out):
            _load_concept(name, state)
        _check_terms(state)
        relations = _check_relations(state)
        tombstones = _load_tombstones(files, state.concept_files.keys(), out)
        if out.problems:
            raise DataError(out.problems)
        texts = {sid: t.original for sid, t in sources.texts.items()}
        return KnowledgeGraph(
            sources.sources, texts, state.concepts, relations, normalize, tombstones
        )
