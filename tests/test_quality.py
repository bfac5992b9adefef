"""ruff and mypy are part of the test command, so CI keeps the code clean."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", *args], cwd=ROOT, capture_output=True, text=True, timeout=600
    )


def test_ruff() -> None:
    done = _run("ruff", "check", ".")
    assert done.returncode == 0, done.stdout + done.stderr


def test_mypy() -> None:
    done = _run("mypy")
    assert done.returncode == 0, done.stdout + done.stderr


def test_kg_never_imports_fastapi() -> None:
    for path in (ROOT / "kg").rglob("*.py"):
        text = path.read_text("utf-8")
        assert "import fastapi" not in text and "from fastapi" not in text, path
        assert "from api" not in text and "import api" not in text, path
