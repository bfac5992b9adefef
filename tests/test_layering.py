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


def _bound_twice(path: Path) -> list[str]:
    """The module-level names of ``path`` given a value by more than one statement."""
    import ast

    seen: dict[str, int] = {}
    twice = []
    for node in ast.parse(path.read_text("utf-8")).body:
        if isinstance(node, ast.Assign):
            targets = [t for t in node.targets if isinstance(t, ast.Name)]
        elif isinstance(node, ast.AnnAssign) and node.value is not None:
            targets = [node.target] if isinstance(node.target, ast.Name) else []
        elif isinstance(node, ast.FunctionDef | ast.ClassDef):
            targets = [ast.Name(node.name)]
        else:
            continue
        for t in targets:
            if t.id in seen:
                twice.append(f"{t.id} (lines {seen[t.id]} and {node.lineno})")
            seen[t.id] = node.lineno
    return twice


def test_no_module_level_name_is_bound_twice() -> None:
    """A second ``_INSTEAD = re.compile(...)`` further down a module silently replaces
    the first for every function that uses it (ruff flags this only for functions and
    imports); it once changed three answers that had nothing to do with the new code."""
    for path in [*(ROOT / "kg").rglob("*.py"), *(ROOT / "api").rglob("*.py")]:
        assert _bound_twice(path) == [], path


def test_a_name_bound_twice_is_found(tmp_path: Path) -> None:
    module = tmp_path / "m.py"
    module.write_text('import re\nA = re.compile("x")\n\n\ndef f():\n    pass\n\n\nA = 1\n')
    assert _bound_twice(module) == ["A (lines 2 and 9)"]
