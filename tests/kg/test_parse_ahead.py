"""Parsing ahead (kg.files.DiskFiles.parse_ahead): a cold load on two processors has a
forked copy parse the concept files while it checks them, and gets exactly the graph, or
exactly the problems, that parsing them itself gives, whatever the copy does.

Forking is only safe in a process with one thread, so each case runs in a Python of its
own (pytest's workers have several)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from bench.generate import generate

GOOD = Path(__file__).resolve().parent.parent / "data" / "good"

_COMPARE = """
import json, os, sys, time
from pathlib import Path
import kg.files as kf
import kg.snapshot as snapshot
from kg.errors import DataError
from kg.rules import validate

root, how = Path(sys.argv[1]), sys.argv[2]
kf._ParseAhead.BATCH = 7  # many messages, some files left in the pipe at any moment

send = kf._send_parses
if how == "copy fails":  # the copy dies in its second batch: the rest is parsed here
    def send_one(fd, read, rels, batch, claims):
        parse, count = kf.parse_file, []
        def limited(read_text):
            count.append(1)
            if len(count) > batch:
                raise SystemExit(3)
            return parse(read_text)
        kf.parse_file = limited  # in the copy only
        send(fd, read, rels, batch, claims)
    kf._send_parses = send_one
elif how == "copy sends nothing":
    def send_nothing(fd, read, rels, batch, claims):
        os._exit(1)
    kf._send_parses = send_nothing
elif how == "copy starts late":  # it waits until this process has parsed a batch itself
    def send_late(fd, read, rels, batch, claims):
        while claims.get()[1] == len(rels):
            time.sleep(0.01)
        send(fd, read, rels, batch, claims)
    kf._send_parses = send_late

stolen = []
steal = kf._ParseAhead._steal
def counted_steal(self):
    done = steal(self)
    stolen.extend([1] if done else [])
    return done
kf._ParseAhead._steal = counted_steal

def outcome(files):
    try:
        graph = validate(files)
    except DataError as e:
        return {"problems": [[p.file, p.line, p.message, p.hint] for p in e.problems]}
    return {"content": graph.content(), "stats": graph.stats()}

taken = []
take = kf._ParseAhead.take
def counted(self, rel):
    got = take(self, rel)
    taken.append(got is not None)
    return got
kf._ParseAhead.take = counted

plain = outcome(kf.DiskFiles.scan(root))
files = kf.DiskFiles.scan(root)
files.parse_ahead("concepts")
try:
    ahead = outcome(files)
finally:
    files.end_ahead()
left = []
try:
    left = [os.waitpid(-1, os.WNOHANG)]
except ChildProcessError:
    pass  # no child left behind
print(json.dumps({"same": plain == ahead, "from_copy": sum(taken), "asked": len(taken),
                  "left": left, "problems": len(plain.get("problems", [])),
                  "stolen": len(stolen)}))
"""


def _compare(root: Path, how: str = "normal") -> dict[str, Any]:
    done = subprocess.run(
        [sys.executable, "-c", _COMPARE, str(root), how],
        capture_output=True,
        text=True,
        timeout=180,
        check=True,
    )
    result: dict[str, Any] = json.loads(done.stdout)
    return result


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return generate(tmp_path_factory.mktemp("gen") / "data", 120, 600, seed=11)


def test_the_graph_is_the_one_parsing_here_gives(generated: Path) -> None:
    result = _compare(generated)
    assert result["same"] is True
    assert result["left"] == []
    # every concept file came from the copy; sources/sources.yaml was parsed here
    assert (result["from_copy"], result["asked"]) == (120, 121)


@pytest.mark.parametrize("how", ["copy fails", "copy sends nothing"])
def test_a_copy_that_fails_changes_nothing_but_who_parses(generated: Path, how: str) -> None:
    result = _compare(generated, how)
    assert result["same"] is True
    assert result["left"] == []
    assert result["asked"] == 121
    # what the copy sent before it failed (its first batch of 7, or nothing) and the
    # batches this process parsed while waiting for it came through the channel; the
    # loader parsed the rest itself
    sent = 7 if how == "copy fails" else 0
    assert result["from_copy"] == sent + 7 * result["stolen"] < 120


def test_this_process_parses_from_the_end_while_the_copy_is_behind(generated: Path) -> None:
    result = _compare(generated, "copy starts late")
    assert result["same"] is True
    assert result["left"] == []
    assert result["stolen"] >= 1
    # each file parsed once, by one of the two: all of them came through the copy's
    # channel, sent or parsed here in its stead
    assert (result["from_copy"], result["asked"]) == (120, 121)


def test_the_problems_are_the_ones_parsing_here_gives(tmp_path: Path) -> None:
    root = tmp_path / "data"
    shutil.copytree(GOOD, root)
    concepts = root / "concepts"
    # what only PyYAML reads, what yaml-rs reads, and what neither does
    (concepts / "anchored.yaml").write_text(
        "label: &l anchored\nkind: optimizer\naliases: [*l]\ndefinition: x\n"
    )
    (concepts / "dated.yaml").write_text(  # a date: the copy sends that batch by pickle
        "label: dated\nkind: optimizer\ndefinition: 2019-06-05\n"
    )
    (concepts / "broken.yaml").write_text("label: [unclosed\nkind: optimizer\n")
    (concepts / "twice.yaml").write_text("label: twice\nlabel: again\nkind: optimizer\n")
    (concepts / "latin1.yaml").write_bytes(b"label: caf\xe9\n")
    (concepts / "folder.yaml").mkdir()
    evolution = concepts / "evolution.yaml"
    evolution.write_text(evolution.read_text().replace("kind: optimizer", "kind: optimiser"))
    result = _compare(root)
    assert result["same"] is True
    assert result["left"] == []
    assert isinstance(result["problems"], int) and result["problems"] >= 7
    # every concept file but the folder named like one (never read, never asked for)
    # came from the copy; sources/sources.yaml was parsed here
    assert result["from_copy"] == result["asked"] - 1


_COLD_AND_WARM = """
import json, sys
from pathlib import Path
import kg.files as kf
import kg.snapshot as snapshot
snapshot.MIN_BYTES = snapshot.AHEAD_MIN_BYTES = 0
data, cache = Path(sys.argv[1]), Path(sys.argv[2])
started = []
parse_ahead = kf.DiskFiles.parse_ahead
def counted(self, folder="concepts"):
    started.append(folder)
    parse_ahead(self, folder)
kf.DiskFiles.parse_ahead = counted
out = []
for _ in range(2):
    snapshot._LOADED.clear()
    graph, used = snapshot.load_graph(data, cache)
    out.append([used, len(graph.concepts), list(started)])
print(json.dumps(out))
"""


def test_a_cold_load_parses_ahead_and_a_warm_one_does_not(generated: Path, tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-c", _COLD_AND_WARM, str(generated), str(tmp_path / "cache")],
        capture_output=True,
        text=True,
        timeout=180,
        check=True,
    )
    cold, warm = json.loads(done.stdout)
    assert cold == [False, 120, ["concepts"]]
    assert warm == [True, 120, ["concepts"]]  # read from the snapshot: no parsing at all
