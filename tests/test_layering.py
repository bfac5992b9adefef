"""The layering rule: the library never reaches into the web layer.

(ruff, ruff format and mypy are steps of .ci/run and hooks of .pre-commit-config.yaml,
not tests.)"""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_kg_never_imports_fastapi() -> None:
    for path in (ROOT / "kg").rglob("*.py"):
        text = path.read_text("utf-8")
        assert "import fastapi" not in text and "from fastapi" not in text, path
        assert "from api" not in text and "import api" not in text, path
