"""Domain errors of the knowledge graph.

Each error carries its context as attributes so that callers (the CLI, the HTTP layer)
can render it without parsing messages. HTTP status codes are *not* decided here.
"""

from __future__ import annotations

from dataclasses import dataclass, field


class KGError(Exception):
    """Base class of every error the library raises on purpose."""

    title = "Knowledge graph error"

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


class ConceptNotFound(KGError):
    """A term or id that resolves to no concept.

    ``suggestions`` holds the ids of the nearest concepts, best first.
    """

    title = "Concept not found"

    def __init__(
        self, term: str, suggestions: list[str] | None = None, param: str | None = None
    ) -> None:
        where = f" (parameter {param!r})" if param else ""
        super().__init__(f"No concept matches {term!r}{where}.")
        self.term = term
        self.param = param
        self.suggestions = suggestions or []


class ConceptGone(ConceptNotFound):
    """An id that named a concept which has since been deleted (a tombstone keeps it).

    ``replaced_by`` is the concept it was merged into, when it was; ``deleted`` the day
    (ISO 8601) it was deleted.
    """

    title = "Concept deleted"

    def __init__(self, cid: str, label: str, deleted: str, replaced_by: str | None) -> None:
        KGError.__init__(
            self,
            f"Concept {cid!r} ({label}) was deleted on {deleted}"
            + (f"; it was merged into {replaced_by!r}." if replaced_by else "."),
        )
        self.term = cid
        self.param = None
        self.suggestions = [replaced_by] if replaced_by else []
        self.label = label
        self.deleted = deleted
        self.replaced_by = replaced_by


class AmbiguousTerm(KGError):
    """A term that matches several concepts equally well."""

    title = "Ambiguous term"

    def __init__(self, term: str, candidates: list[str], param: str | None = None) -> None:
        where = f" (parameter {param!r})" if param else ""
        super().__init__(
            f"{term!r}{where} matches several concepts equally well: {', '.join(candidates)}."
        )
        self.term = term
        self.param = param
        self.suggestions = candidates


class SourceNotFound(KGError):
    """A source id that is not in sources.yaml."""

    title = "Source not found"

    def __init__(self, source_id: str, suggestions: list[str] | None = None) -> None:
        super().__init__(f"No source with id {source_id!r}.")
        self.source_id = source_id
        self.suggestions = suggestions or []


class NoSourceText(KGError):
    """A source that is known but whose text is not held (e.g. the 2019 paper)."""

    title = "Source has no text"

    def __init__(self, source_id: str) -> None:
        super().__init__(f"Source {source_id!r} is known, but its text is not held here.")
        self.source_id = source_id


class InvalidQuery(KGError):
    """A request that is well-formed but asks for something that cannot be answered."""

    title = "Invalid query"


class QueryRejected(KGError):
    """A query refused for safety or resource reasons."""

    title = "Query rejected"


@dataclass(frozen=True, order=True)
class Problem:
    """One problem found in the data: where it is, what is wrong, and a hint."""

    file: str
    line: int
    message: str
    hint: str = field(default="", compare=False)

    def __str__(self) -> str:
        text = f"{self.file}:{self.line}: {self.message}"
        return f"{text} ({self.hint})" if self.hint else text


class DataError(KGError):
    """The data directory is invalid; ``problems`` lists every problem found."""

    title = "Invalid data"

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = sorted(problems)
        count = len(self.problems)
        lines = "\n".join(str(p) for p in self.problems)
        super().__init__(f"{count} problem{'s' if count != 1 else ''} in the data:\n{lines}")


class NotFound(KGError):
    """An edit names a concept or relation that the store does not hold."""

    title = "Not found"


class PageNotFound(NotFound):
    """A page of a listing past its last one (``kg.browse.page_of``)."""


class Conflict(KGError):
    """An edit that cannot apply to the current state: creating what exists, reverting
    a concept to a revision of another file."""

    title = "Conflict"


class EditRefused(DataError):
    """An edit that would leave problems in the data; nothing was committed.

    ``file`` is the edited file as the problems name it and ``content`` the bytes the
    edit would have written there (None for a deletion), so that a problem in it can be
    traced back to the field of the request that caused it.
    """

    def __init__(self, problems: list[Problem], file: str, content: bytes | None) -> None:
        super().__init__(problems)
        self.file = file
        self.content = content


class Busy(KGError):
    """Work that cannot be taken on now (an edit that kept losing the race to other
    writers' commits, a query queue that is full); try again in ``retry_after`` seconds."""

    title = "Busy"

    def __init__(
        self,
        detail: str = "Other edits kept landing first; try again in a moment.",
        retry_after: int = 1,
    ) -> None:
        super().__init__(detail)
        self.retry_after = retry_after


class StoreUnavailable(Busy):
    """The store cannot be reached (its database is stopped or the network is down);
    nothing was changed. What was loaded before keeps being served."""

    title = "Store unavailable"


class NotReady(Busy):
    """Work that needs something still being built (the description index of a large
    graph, built in the background after the server starts); try again later."""

    title = "Not ready"


class QueryTimeout(KGError):
    """A query that ran past its time limit and was stopped."""

    title = "Query timeout"


class QueryTooExpensive(KGError):
    """A query that needed more memory than the engine may use; it was stopped."""

    title = "Query too expensive"


class ResultTooLarge(KGError):
    """A query whose answer would be larger than the byte limit."""

    title = "Result too large"
