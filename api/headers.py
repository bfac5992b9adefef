"""Reading HTTP headers: media types (Content-Type, Accept) and entity tags (ETag,
If-Match, If-None-Match), for every part of the API that reads them.

- :func:`media_type` is the media type of a Content-Type value (:func:`content_type`
  of a request's headers), :func:`is_json` says whether it is JSON, and
  :func:`parse_accept` and :func:`choose` negotiate on Accept (RFC 9110, 12.5.1);
- :func:`entity_tags` lists the tags of an If-Match or If-None-Match value,
  :func:`none_match` compares them as a GET's If-None-Match does (weakly, ``*`` matching
  anything; RFC 9110, 13.1.2), and :func:`check_condition` judges a write's If-Match or
  If-None-Match against what it would change (strongly).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import AnyStr

from api.errors import PreconditionFailed, PreconditionRequired
from kg.errors import InvalidQuery

# -- media types ---------------------------------------------------------------------


def media_range(value: str) -> tuple[str, list[tuple[str, str]]]:
    """The media type (or range) of a Content-Type value or of one element of an Accept
    header, lower-cased, and its parameters as (name lower-cased, value) pairs.

    >>> media_range("Text/Turtle; q=0.5 ;charset=UTF-8")
    ('text/turtle', [('q', '0.5'), ('charset', 'UTF-8')])
    """
    media, *params = (field.strip() for field in value.split(";"))
    pairs = []
    for param in params:
        name, _, val = param.partition("=")
        pairs.append((name.strip().lower(), val.strip()))
    return media.lower(), pairs


def media_type(content_type: str | None) -> str:
    """The media type of a Content-Type header, lower-cased, without its parameters
    ("" when there is none).

    >>> media_type("Application/JSON; charset=utf-8")
    'application/json'
    >>> media_type(None)
    ''
    """
    return media_range(content_type or "")[0]


def content_type(headers: Mapping[str, str]) -> str:
    """The media type of a request's body, as its Content-Type says (see
    :func:`media_type`)."""
    return media_type(headers.get("content-type"))


def is_json(media: str) -> bool:
    """Whether ``media`` (see :func:`content_type`) is JSON: application/json or a
    ``+json`` type such as application/merge-patch+json."""
    return media == "application/json" or media.endswith("+json")


def parse_accept(header: str | None) -> list[tuple[str, float]]:
    """Media ranges of an Accept header with their weights, best first.

    >>> parse_accept("text/turtle;q=0.5, application/ld+json")
    [('application/ld+json', 1.0), ('text/turtle', 0.5)]
    >>> parse_accept(None)
    [('*/*', 1.0)]
    """
    if not header or not header.strip():
        return [("*/*", 1.0)]
    ranges: list[tuple[str, float, int]] = []
    for i, part in enumerate(header.split(",")):
        media, params = media_range(part)
        if not media or "/" not in media:
            continue
        q = 1.0
        for name, value in params:
            if name == "q":
                try:
                    q = max(0.0, min(1.0, float(value)))
                except ValueError:
                    q = 0.0
        ranges.append((media, q, i))
    ranges.sort(key=lambda r: (-r[1], r[0].count("*"), r[2]))
    return [(m, q) for m, q, _ in ranges]


def choose(header: str | None, offered: list[str]) -> str | None:
    """The offered media type the client prefers, or None when it accepts none of them.

    Each offered type takes the weight of the most specific range of the header that
    matches it (``text/turtle`` before ``text/*`` before ``*/*``), so a range with
    ``q=0`` excludes its types even when a wider range admits everything (RFC 9110,
    12.5.1). Ties go to the order of ``offered``, so put the default first.

    >>> choose("text/turtle, application/json;q=0.9", ["application/json", "text/turtle"])
    'text/turtle'
    >>> choose("*/*", ["application/json", "text/turtle"])
    'application/json'
    >>> choose("text/turtle;q=0, */*", ["text/turtle", "application/json"])
    'application/json'
    >>> choose("image/png", ["application/json"]) is None
    True
    """
    ranges = parse_accept(header)
    best: tuple[float, int, str] | None = None
    for order, candidate in enumerate(offered):
        kind = candidate.partition("/")[0]
        matches = [
            (specificity, q)
            for media, q in ranges
            for specificity, pattern in ((3, candidate), (2, f"{kind}/*"), (1, "*/*"))
            if media == pattern
        ]
        if not matches:
            continue
        q = max(matches, key=lambda m: m[0])[1]  # of several alike, parse_accept's first
        if q > 0 and (best is None or (q, -order) > best[:2]):
            best = (q, -order, candidate)
    return best[2] if best else None


# -- entity tags ---------------------------------------------------------------------


def _like(value: AnyStr, text: str) -> AnyStr:
    """``text`` in the type of ``value``: a header as Starlette gives it (str) or as it
    arrives in an ASGI scope (bytes), read without decoding it."""
    if isinstance(value, bytes):
        return text.encode("latin-1")
    return text


def entity_tags(header: AnyStr) -> list[AnyStr]:
    """The entity tags (or ``*``) an If-Match or If-None-Match value lists, as sent.

    >>> entity_tags('"a", W/"b" ,')
    ['"a"', 'W/"b"']
    """
    return [t.strip() for t in header.split(_like(header, ",")) if t.strip()]


def none_match(header: AnyStr, etag: AnyStr) -> bool:
    """Whether an If-None-Match header names ``etag`` (weak comparison, RFC 9110 13.1.2).

    >>> none_match(b'"a", W/"b"', b'"b"'), none_match('"a"', '"b"'), none_match("*", '"x"')
    (True, False, True)
    """
    if header.strip() == _like(header, "*"):
        return True
    weak = _like(header, "W/")
    return etag in (t.removeprefix(weak) for t in entity_tags(header))


def check_condition(headers: Mapping[str, str], current: str | None) -> None:
    """Check a write's If-Match / If-None-Match against ``current``, the ETag of what the
    write would change (None: it does not exist). Raises 428 when it exists and no
    condition was sent, 412 when the condition does not hold (strong comparison)."""
    if_match = headers.get("if-match")
    if_none = headers.get("if-none-match")
    if if_none is not None:
        if entity_tags(if_none) != ["*"]:
            raise InvalidQuery("If-None-Match on a write may only be *.")
        if current is not None:
            raise PreconditionFailed("It exists already (If-None-Match: *).", current)
        return
    if if_match is None:
        if current is not None:
            raise PreconditionRequired()
        return
    tags = entity_tags(if_match)
    if current is None:
        raise PreconditionFailed("It does not exist (If-Match).", None)
    if tags != ["*"] and current not in tags:
        raise PreconditionFailed("It has changed since that ETag was issued.", current)
