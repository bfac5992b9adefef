"""The access log is written off the request path, in batches, and loses nothing."""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
import time
from pathlib import Path

from api.observe import AccessLog

ROOT = Path(__file__).resolve().parent.parent.parent


class _Kept(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def _logger(name: str) -> tuple[logging.Logger, _Kept]:
    logger = logging.getLogger(name)
    logger.propagate = False
    logger.setLevel(logging.INFO)
    kept = _Kept()
    logger.addHandler(kept)
    return logger, kept


def _entry(i: int) -> tuple[float, str, str, str, bytes, str, int, int, float, str | None]:
    return (
        1_700_000_000.0 + i,
        f"id{i}",
        "GET",
        f"/v1/x/{i}",
        b"q=1",
        "/v1/x/{i}",
        200,
        i,
        0.002,
        None,
    )


def test_a_batch_is_one_record_of_one_json_line_per_request_in_order() -> None:
    logger, kept = _logger("test.access.batch")
    log = AccessLog(logger, interval=3600)  # the thread never wakes during the test
    for i in range(100):
        log.add(_entry(i))
    assert kept.messages == []  # queued, not written on the request path
    log.flush()
    (message,) = kept.messages
    lines = [json.loads(line) for line in message.splitlines()]
    assert [line["request_id"] for line in lines] == [f"id{i}" for i in range(100)]
    assert lines[3] == {
        "time": "2023-11-14T22:13:23Z",
        "request_id": "id3",
        "method": "GET",
        "path": "/v1/x/3",
        "query": "q=1",
        "route": "/v1/x/{i}",
        "status": 200,
        "bytes": 3,
        "duration_ms": 2.0,
        "client": None,
    }
    log.flush()
    assert len(kept.messages) == 1  # nothing queued, nothing written


def test_the_writer_thread_writes_without_being_asked() -> None:
    logger, kept = _logger("test.access.thread")
    log = AccessLog(logger, interval=0.01)
    log.add(_entry(1))
    deadline = time.monotonic() + 30  # generous: a busy machine may starve the thread
    while not kept.messages and time.monotonic() < deadline:
        time.sleep(0.01)
    assert kept.messages and '"request_id":"id1"' in kept.messages[0]


def test_a_logger_below_info_queues_nothing() -> None:
    logger, _ = _logger("test.access.off")
    logger.setLevel(logging.CRITICAL)  # what kg serve --no-access-log configures
    assert not AccessLog(logger).enabled()


def test_what_is_queued_at_exit_is_written() -> None:
    script = (
        "import logging, sys\n"
        "from api.observe import AccessLog\n"
        "logging.basicConfig(stream=sys.stdout, level=logging.INFO, format='%(message)s')\n"
        "log = AccessLog(logging.getLogger('kg.access'), interval=3600)\n"
        f"entries = [{_entry(0)!r}, {_entry(1)!r}]\n"
        "for e in entries:\n"
        "    log.add(e)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    ids = [json.loads(line)["request_id"] for line in done.stdout.splitlines()]
    assert ids == ["id0", "id1"]


def test_a_forked_child_writes_its_own_lines_with_a_thread_of_its_own(tmp_path: Path) -> None:
    logger = logging.getLogger("test.access.fork")
    logger.propagate = False
    logger.setLevel(logging.INFO)
    logger.addHandler(logging.FileHandler(tmp_path / "child.log"))
    log = AccessLog(logger, interval=0.01)
    log.add(_entry(0))  # the parent's thread runs, and its line is queued or written
    log.flush()
    pid = os.fork()
    if pid == 0:  # the child: its first request must start a writer of its own
        code = 1
        try:
            log.add(_entry(1))
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline:
                if '"request_id":"id1"' in (tmp_path / "child.log").read_text():
                    code = 0
                    break
                time.sleep(0.01)
        finally:
            os._exit(code)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    lines = (tmp_path / "child.log").read_text().splitlines()
    assert [json.loads(line)["request_id"] for line in lines] == ["id0", "id1"]
