"""The example bot client works against a running server, over HTTP only."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BOT = ROOT / "examples" / "faq_bot.py"


def test_bot_answers_questions_with_sources(live_server: str) -> None:
    questions = (
        "What is a mesa-optimizer?\n\nwhats the difference between inner and outer "
        "alignment\nwhat is reward hacking\n"
    )
    run = subprocess.run(
        [sys.executable, str(BOT), "--base", live_server],
        input=questions,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    answers = run.stdout.split("Q: ")[1:]
    assert len(answers) == 3
    assert answers[0].startswith("What is a mesa-optimizer?\n[define]\n**Mesa-optimizer**")
    assert "\nSources:\n[1] \u201c" in answers[0]
    assert "[difference]" in answers[1] and "Sources:" in answers[1]
    assert "[unknown]" in answers[2] and "What is gradient hacking?" in answers[2]
    assert "[^1]: " not in run.stdout  # footnote definitions become the Sources list


def test_bot_reports_an_unreachable_service() -> None:
    run = subprocess.run(
        [sys.executable, str(BOT), "--base", "http://127.0.0.1:9"],
        input="What is a mesa-optimizer?\n",
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert run.returncode == 1
    assert "the service could not answer" in run.stdout


def test_bot_uses_only_the_standard_library() -> None:
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
