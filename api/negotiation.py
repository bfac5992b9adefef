"""HTTP content negotiation on the Accept header (RFC 9110, section 12.5.1)."""

from __future__ import annotations


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
        fields = [f.strip() for f in part.split(";")]
        media = fields[0].lower()
        if not media or "/" not in media:
            continue
        q = 1.0
        for param in fields[1:]:
            key, _, value = param.partition("=")
            if key.strip().lower() == "q":
                try:
                    q = max(0.0, min(1.0, float(value)))
                except ValueError:
                    q = 0.0
        ranges.append((media, q, i))
    ranges.sort(key=lambda r: (-r[1], r[0].count("*"), r[2]))
    return [(m, q) for m, q, _ in ranges]


def choose(header: str | None, offered: list[str]) -> str | None:
    """The offered media type the client prefers, or None when it accepts none of them.

    Ties go to the order of ``offered``, so put the default first.

    >>> choose("text/turtle, application/json;q=0.9", ["application/json", "text/turtle"])
    'text/turtle'
    >>> choose("*/*", ["application/json", "text/turtle"])
    'application/json'
    >>> choose("image/png", ["application/json"]) is None
    True
    """
    best: tuple[float, int, str] | None = None
    for media, q in parse_accept(header):
        if q <= 0:
            continue
        for order, candidate in enumerate(offered):
            kind, _, _sub = candidate.partition("/")
            if media in ("*/*", candidate, f"{kind}/*"):
                score = (q, -order, candidate)
                if best is None or score[:2] > best[:2]:
                    best = score
    return best[2] if best else None
