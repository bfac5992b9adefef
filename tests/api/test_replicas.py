"""Two replicas (two apps in this process) on one PostgreSQL store: a write on one is
served by the other, told by PostgreSQL's notifications; while the database cannot be
reached, reads go on and writes are refused with 503 and Retry-After; once it is back
both take writes again and hear them, with no restart."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Protocol, TypeVar

import psycopg
from fastapi.testclient import TestClient

from api.app import create_app
from api.settings import ServerSettings
from bench.postgres import Cluster
from kg.curate import open_store
from tests.api.test_curate import DATA, toy

WAIT = 60.0
"""Seconds to wait for what must come soon (generous: the machine may be busy)."""


class Answer(Protocol):
    @property
    def status_code(self) -> int: ...


R = TypeVar("R", bound=Answer)


def eventually(get: Callable[[], R], status: int) -> R:
    """``get()`` until it answers ``status``, for up to :data:`WAIT` seconds."""
    deadline = time.monotonic() + WAIT
    while True:
        r = get()
        if r.status_code == status or time.monotonic() > deadline:
            return r
        time.sleep(0.05)


def test_replicas_hear_writes_and_ride_out_an_outage(postgres: Cluster, pg_url: str) -> None:
    store = open_store(pg_url, DATA)
    _, secret = store.create_token("ed", ("concepts:write", "relations:write"))
    store.close()
    auth = {"Authorization": f"Bearer {secret}"}
    # no periodic check to speak of: only the notifications can tell a replica in time
    settings = ServerSettings(store_url=pg_url, data_dir=DATA, store_check_interval=3600)
    database = pg_url.rsplit("/", 1)[1]

    def connections(allow: bool) -> None:
        with psycopg.connect(postgres.url(), autocommit=True) as admin:
            admin.execute(f'ALTER DATABASE "{database}" ALLOW_CONNECTIONS {str(allow).lower()}')
            if not allow:
                admin.execute(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s",
                    (database,),
                )

    with (
        TestClient(create_app(settings)) as one,
        TestClient(create_app(settings)) as two,
    ):
        r = one.post("/v1/concepts", json=toy(), headers=auth)
        assert r.status_code == 201, r.text
        assert eventually(lambda: two.get("/v1/concepts/toy-optimizer"), 200).status_code == 200

        connections(False)
        try:
            assert one.get("/v1/concepts/toy-optimizer").status_code == 200
            assert two.get("/v1/relate?x=evolution&y=mesa-optimizer").status_code == 200
            assert one.get("/v1/ready").status_code == 200
            r = one.post("/v1/concepts", json=toy(id="toy-two", label="toy two"), headers=auth)
            assert r.status_code == 503, r.text
            assert r.headers["content-type"] == "application/problem+json"
            assert r.json()["type"] == "http://testserver/problems/store-unavailable"
            assert int(r.headers["retry-after"]) >= 1
        finally:
            connections(True)

        # back: the other replica takes a write again, and the first hears of it
        r = eventually(
            lambda: two.post(
                "/v1/concepts",
                json=toy(id="toy-two", label="toy two", aliases=[]),
                headers=auth,
            ),
            201,
        )
        assert r.status_code == 201, r.text
        assert eventually(lambda: one.get("/v1/concepts/toy-two"), 200).status_code == 200
        assert one.get("/v1/health").json()["revision"] == two.get("/v1/health").json()["revision"]
