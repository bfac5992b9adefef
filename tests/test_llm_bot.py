"""examples/llm_bot.py against the live service and a scripted stand-in for the model: a
small HTTP server in the test that speaks the chat-completions shape and answers by
quoting the context it was sent (once faithfully, once not)."""

from __future__ import annotations

import ast
import json
import re
import subprocess
import sys
import threading
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
BOT = ROOT / "examples" / "llm_bot.py"
INVENTED = "evolution secretly wants every organism to maximise its happiness"


@dataclass
class Model:
    """What the stand-in was sent, and how it answers."""

    url: str
    status: int = 200
    requests: list[tuple[dict[str, str], dict[str, Any]]] = field(default_factory=list)


def answer_from(prompt: str) -> str:
    """An answer that quotes the context's first quote as given, and one passage no
    source holds."""
    first = re.search(r'^\[1\] "(.+)" \([A-Z]+, chars \d+-\d+\)$', prompt, re.M)
    assert first, prompt
    return (
        f'The sources say: "{first.group(1)}" [1]. Some claim that "{INVENTED}", '
        "but the context does not say so."
    )


@contextmanager
def scripted_model() -> Iterator[Model]:
    model = Model(url="")

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            model.requests.append((dict(self.headers), body))
            reply: dict[str, Any]
            if model.status != 200:
                reply = {"error": {"message": "the model is overloaded"}}
            else:
                content = answer_from(body["messages"][-1]["content"])
                reply = {"choices": [{"message": {"role": "assistant", "content": content}}]}
            data = json.dumps(reply).encode()
            self.send_response(model.status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    model.url = f"http://127.0.0.1:{server.server_address[1]}/v1/chat/completions"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield model
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


def run_bot(base: str, model: Model, *questions: str) -> subprocess.CompletedProcess[str]:
    env = {
        "PATH": "/usr/bin:/bin",
        "LLM_API_URL": model.url,
        "LLM_MODEL": "scripted",
        "LLM_API_KEY": "test-key",
    }
    return subprocess.run(
        [sys.executable, str(BOT), "--base", base, *questions],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env=env,
    )


def get_json(url: str) -> Any:
    with urllib.request.urlopen(url, timeout=30) as response:
        return json.load(response)


def test_the_bot_grounds_the_model_and_lists_its_sources(live_server: str) -> None:
    q = "Is evolution a mesa-optimizer?"
    with scripted_model() as model:
        run = run_bot(live_server, model, q)
    assert run.returncode == 0, run.stderr + run.stdout
    # the prompt carries the service's context for the question, whole
    found = get_json(f"{live_server}/v1/context?{urllib.parse.urlencode({'q': q})}")
    assert len(model.requests) == 1
    headers, body = model.requests[0]
    assert headers["Authorization"] == "Bearer test-key"
    assert body["model"] == "scripted"
    system, user = body["messages"]
    assert system["role"] == "system" and "only the context" in system["content"]
    assert user["content"] == f"Context:\n{found['text']}\n\nQuestion: {q}"
    # the answer, then the source it cites, with title and offsets
    out = run.stdout
    assert out.startswith(f"Q: {q}\nThe sources say: ")
    first = found["quotes"][0]
    assert "\nSources:\n[1] \u201c" in out
    assert f"{first['title']} (characters {first['start']}\u2013{first['end']})" in " ".join(
        out.split()
    )
    # the quotations are checked when the service can: one holds, one is invented
    paths = get_json(f"{live_server}/openapi.json")["paths"]
    if "/v1/verify" in paths:
        assert "Quotations checked: 2 (1 exact, 0 near, 1 not found" in out
        assert f"- not found: \u201c{INVENTED}\u201d" in out
    else:
        assert "Quotations: not checked" in out


def test_the_model_is_not_asked_what_the_graph_holds_nothing_on(live_server: str) -> None:
    with scripted_model() as model:
        run = run_bot(live_server, model, "What is the capital of France?")
    assert run.returncode == 0, run.stderr
    assert model.requests == []
    assert "The glossary has no entry for \u201ccapital\u201d" in run.stdout
    assert "names nothing else it holds" in run.stdout


def test_a_failing_model_is_reported(live_server: str) -> None:
    with scripted_model() as model:
        model.status = 503
        run = run_bot(live_server, model, "What is a mesa-optimizer?")
    assert run.returncode == 1
    assert "(no answer: HTTP 503 from " in run.stdout
    assert "the model is overloaded" in run.stdout


def test_the_bot_needs_a_model_to_ask() -> None:
    run = subprocess.run(
        [sys.executable, str(BOT), "What is a mesa-optimizer?"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        env={"PATH": "/usr/bin:/bin"},
    )
    assert run.returncode == 2
    assert "LLM_API_URL and LLM_MODEL" in run.stderr


def test_the_bot_uses_only_the_standard_library() -> None:
    tree = ast.parse(BOT.read_text("utf-8"))
    imported = {
        alias.name.split(".")[0]
        for node in ast.walk(tree)
        if isinstance(node, ast.Import)
        for alias in node.names
    }
    imported |= {
        node.module.split(".")[0]
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and node.module
    }
    assert imported <= set(sys.stdlib_module_names) | {"__future__"}
