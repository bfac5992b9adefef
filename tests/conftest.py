from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from kg.graph import KnowledgeGraph
from kg.load import load_graph

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "data"


@pytest.fixture(scope="session")
def good_dir() -> Path:
    return FIXTURES / "good"


@pytest.fixture(scope="session")
def good(good_dir: Path) -> KnowledgeGraph:
    return load_graph(good_dir)


@pytest.fixture(scope="session")
def shipped() -> KnowledgeGraph:
    return load_graph(ROOT / "data")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="session")
def live_server() -> Iterator[str]:
    port = free_port()
    env = {**os.environ, "KG_SPARQL_TIMEOUT": "2"}
    proc = subprocess.Popen([sys.executable, "-m", "kg.cli", "serve", "--port", str(port),
                             "--log-level", "warning"], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                urllib.request.urlopen(base + "/v1/health", timeout=1)
                break
            except OSError as e:
                if proc.poll() is not None or time.monotonic() > deadline:
                    output = proc.stdout.read() if proc.stdout else ""
                    raise RuntimeError(f"server did not start: {output}") from e
                time.sleep(0.2)
        yield base
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
