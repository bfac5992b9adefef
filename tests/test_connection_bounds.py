"""`kg serve` bounds what one connection can take: the size of a request's head, the time
to send the head and the body, and idle time. Raw sockets to 127.0.0.1 only; every
attack is bounded in bytes and seconds. Deadlines are set short here (1-2 s) so the
tests are quick; the assertions allow a busy machine several times over."""

from __future__ import annotations

import json
import os
import socket
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator

import pytest

from bench.http import free_port, server

# every test here talks to a server process this module starts
pytestmark = pytest.mark.slow

HEAD_LIMIT = 4096


@pytest.fixture(scope="module")
def bounded() -> Iterator[tuple[str, int]]:
    port = free_port()
    env = {
        **os.environ,
        "KG_MAX_HEADER_BYTES": str(HEAD_LIMIT),
        "KG_HEADER_TIMEOUT": "1",
        "KG_BODY_TIMEOUT": "1",
        "KG_KEEPALIVE_TIMEOUT": "1",
    }
    with server(
        [sys.executable, "-m", "kg.cli", "serve", "--port", str(port), "--log-level", "warning"],
        port,
        env,
        wait=60,
    ) as base:
        yield base, port


def _connect(port: int, timeout: float = 10) -> socket.socket:
    return socket.create_connection(("127.0.0.1", port), timeout=timeout)


def _read_all(s: socket.socket) -> bytes:
    """Everything the server sends until it closes the connection."""
    out = b""
    while True:
        try:
            chunk = s.recv(65536)
        except ConnectionResetError:
            return out
        if not chunk:
            return out
        out += chunk


def _problem(answer: bytes) -> tuple[int, dict[str, object], bytes]:
    head, _, body = answer.partition(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1])
    return status, json.loads(body), head.lower()


def _health(base: str) -> float:
    start = time.perf_counter()
    with urllib.request.urlopen(base + "/v1/health", timeout=10) as r:
        assert r.status == 200
    return time.perf_counter() - start


def test_an_oversized_head_is_refused_at_once_and_others_are_served(
    bounded: tuple[str, int],
) -> None:
    base, port = bounded
    s = _connect(port)
    s.sendall(b"GET /v1/health HTTP/1.1\r\nHost: x\r\nX-Big: ")
    sent = 0
    start = time.perf_counter()
    try:
        for _ in range(64):  # up to 4 MiB, in 64 KiB pieces, as a slow attacker would
            s.sendall(b"a" * 65536)
            sent += 1
    except OSError:
        pass  # the server closed the connection: what it answered is still readable
    answer = _read_all(s)
    took = time.perf_counter() - start
    s.close()
    status, body, head = _problem(answer)
    assert status == 431 and body["type"] == "/problems/headers-too-large"
    assert b"application/problem+json" in head and b"connection: close" in head
    assert b"x-content-type-options: nosniff" in head  # as every answer of the app
    assert f"{HEAD_LIMIT:,}" in str(body["detail"])
    assert sent < 64, "the server read the whole 4 MiB head instead of stopping"
    assert took < 5
    assert _health(base) < 5


def test_a_head_within_the_bound_is_served(bounded: tuple[str, int]) -> None:
    _, port = bounded
    s = _connect(port)
    filler = "a" * (HEAD_LIMIT - 200)
    s.sendall(
        f"GET /v1/health HTTP/1.1\r\nHost: x\r\nX-Fill: {filler}\r\n"
        "Connection: close\r\n\r\n".encode()
    )
    answer = _read_all(s)
    s.close()
    assert answer.startswith(b"HTTP/1.1 200")


def test_a_slow_head_gets_408_and_the_connection_closes(bounded: tuple[str, int]) -> None:
    base, port = bounded
    s = _connect(port)
    s.sendall(b"GET /v1/health HTTP/1.1\r\nHost: x\r\n")  # and never the blank line
    start = time.perf_counter()
    answer = _read_all(s)
    s.close()
    status, body, _ = _problem(answer)
    assert status == 408 and body["type"] == "/problems/request-timeout"
    assert 0.5 < time.perf_counter() - start < 8
    assert _health(base) < 5


def test_a_head_sent_a_byte_at_a_time_is_cut_off_by_its_deadline(bounded: tuple[str, int]) -> None:
    """Slowloris: each byte comes before any per-read timeout would fire, but the head
    as a whole has a deadline."""
    _, port = bounded
    s = _connect(port)
    start = time.perf_counter()
    closed = False
    try:
        for byte in b"GET /v1/health HTTP/1.1\r\nHost: x\r\nX-Slow: " + b"a" * 60:
            s.sendall(bytes([byte]))
            time.sleep(0.1)
            if time.perf_counter() - start > 8:
                break
    except OSError:
        closed = True
    answer = _read_all(s)
    s.close()
    assert time.perf_counter() - start < 9
    # the 408 arrives while the client is still sending; a reset may swallow it, but
    # the connection is closed either way
    assert answer.startswith(b"HTTP/1.1 408") or closed


def test_a_slow_body_gets_408(bounded: tuple[str, int]) -> None:
    _, port = bounded
    s = _connect(port)
    s.sendall(
        b"POST /v1/annotate HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        b'Content-Length: 100\r\n\r\n{"text": '
    )
    start = time.perf_counter()
    answer = _read_all(s)
    s.close()
    status, body, _ = _problem(answer)
    assert status == 408 and "body" in str(body["detail"])
    assert 0.5 < time.perf_counter() - start < 8


def test_idle_connections_are_closed(bounded: tuple[str, int]) -> None:
    base, port = bounded
    idle = [_connect(port) for _ in range(100)]
    try:
        assert _health(base) < 5  # a hundred idle connections do not keep others out
        start = time.perf_counter()
        for s in idle:
            assert _read_all(s) == b""  # closed without a word: nothing was asked
        assert time.perf_counter() - start < 10
    finally:
        for s in idle:
            s.close()


def test_keep_alive_connections_serve_pipelined_requests_then_time_out(
    bounded: tuple[str, int],
) -> None:
    _, port = bounded
    s = _connect(port)
    s.sendall(
        b"GET /v1/health HTTP/1.1\r\nHost: x\r\n\r\nGET /v1/ready HTTP/1.1\r\nHost: x\r\n\r\n"
    )
    start = time.perf_counter()
    answer = _read_all(s)  # both answers, then the keep-alive timeout closes
    s.close()
    assert answer.count(b"HTTP/1.1 200") == 2
    assert time.perf_counter() - start < 8


def test_a_malformed_request_line_is_a_problem(bounded: tuple[str, int]) -> None:
    _, port = bounded
    s = _connect(port)
    s.sendall(b"GET /v1/health HTTP/9\x00\r\n\r\n")
    status, body, head = _problem(_read_all(s))
    s.close()
    assert status == 400 and b"application/problem+json" in head
    assert body["status"] == 400


def test_many_slow_clients_at_once_do_not_stall_health(bounded: tuple[str, int]) -> None:
    base, port = bounded
    stop = threading.Event()

    def trickle() -> None:
        with _connect(port) as s:
            try:
                s.sendall(b"POST /v1/annotate HTTP/1.1\r\nHost: x\r\nContent-Length: 9\r\n")
                while not stop.wait(0.2):
                    s.sendall(b"X: y\r\n")
            except OSError:
                pass

    threads = [threading.Thread(target=trickle) for _ in range(30)]
    for t in threads:
        t.start()
    try:
        # the trickles are cut off by the 1 s head deadline; health waits on none of
        # them (bounded as the file's other health checks, for a busy machine)
        worst = max(_health(base) for _ in range(20))
        assert worst < 5
    finally:
        stop.set()
        for t in threads:
            t.join(10)
