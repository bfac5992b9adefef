"""The HTTP service's settings: the library's (:class:`kg.settings.Settings`: the data,
the IRIs, the store) and how ``kg serve`` and the app serve them, all read from the
environment with the ``KG_`` prefix."""

from __future__ import annotations

from pydantic import Field

from kg.settings import Settings


class ServerSettings(Settings):
    """Everything the service can be configured with; each field has a default."""

    # -- the server process (kg serve)
    host: str = Field(default="127.0.0.1", description="Interface `kg serve` binds to.")
    port: int = Field(default=8000, ge=0, le=65535, description="Port `kg serve` binds to.")
    workers: int = Field(default=1, ge=1, le=64, description="Server processes for `kg serve`.")

    # -- a connection (api.protocol)
    max_header_bytes: int = Field(
        default=16_384,
        ge=1024,
        le=1024 * 1024,
        description="Longest request line plus headers; longer is "
        "answered 431 and the connection closed.",
    )
    header_timeout: float = Field(
        default=10.0,
        gt=0,
        le=600,
        description="Seconds a client has to send a request's line "
        "and headers, counted from its first byte or "
        "from the connection's opening.",
    )
    body_timeout: float = Field(
        default=30.0,
        gt=0,
        le=3600,
        description="Seconds a client has to send a request body once the headers are in.",
    )
    keepalive_timeout: int = Field(
        default=5, ge=1, le=600, description="Seconds an idle keep-alive connection is kept open."
    )

    # -- a request (api.limits, api.routers.faq)
    max_body_bytes: int = Field(
        default=8 * 1024 * 1024,
        ge=1024,
        description="Largest request body accepted; larger is a 413.",
    )
    annotate_max_chars: int = Field(
        default=2_000_000, ge=1, description="Longest text /v1/annotate reads; longer is a 413."
    )
    max_url_bytes: int = Field(
        default=32_768,
        ge=256,
        description="Longest path or query string accepted; longer is a 414.",
    )
    rate_limit: int = Field(
        default=0,
        ge=0,
        description="Requests a minute one client address may make; "
        "over it, a 429 with Retry-After. 0 turns it off.",
    )
    rate_burst: int = Field(
        default=60,
        ge=1,
        description="Requests one client may make at once before the rate limit applies.",
    )

    # -- SPARQL queries (one engine per server process, api.routers.sparql)
    sparql_timeout: float = Field(
        default=5.0, gt=0, le=300, description="Seconds a SPARQL query may run before it stops."
    )
    sparql_max_rows: int = Field(
        default=10_000,
        ge=1,
        le=1_000_000,
        description="Most rows (or triples) a SPARQL result may hold.",
    )
    sparql_max_bytes: int = Field(
        default=4 * 1024 * 1024,
        ge=1024,
        le=1024**3,
        description="Largest serialised SPARQL result; larger is refused with 413.",
    )
    sparql_max_memory: int = Field(
        default=1024 * 1024 * 1024,
        ge=64 * 1024 * 1024,
        description="Bytes of address space the SPARQL worker "
        "may add, once it holds the graph, to run a "
        "query; a query that needs more is stopped "
        "and the worker replaced.",
    )
    sparql_queue: int = Field(
        default=4,
        ge=1,
        le=1000,
        description="SPARQL queries one server process holds at once, "
        "running or waiting; more get 503 with "
        "Retry-After.",
    )

    # -- what is served (api.reload, api.cache)
    reload_interval: float = Field(
        default=0.0,
        ge=0,
        description="Seconds between checks of the data directory "
        "for changes, reloaded when valid; 0 turns "
        "it off (SIGHUP still reloads).",
    )
    store_poll_interval: float = Field(
        default=1.0,
        gt=0,
        le=3600,
        description="Seconds between checks of the store for "
        "revisions committed by other processes.",
    )
    store_check_interval: float = Field(
        default=5.0,
        gt=0,
        le=3600,
        description="With a PostgreSQL store, seconds between checks of its head "
        "besides the notifications of commits, should one be lost.",
    )
    cache_max_bytes: int = Field(
        default=128 * 1024 * 1024,
        ge=0,
        description="Memory for read answers served with ETags; 0 turns the cache off.",
    )
