"""A plain, non-editable install serves the shipped data, with no checkout around it.

Run by .ci/run with the project's .venv: builds a new virtual environment in a temporary
directory, runs ``pip install <repo>`` into it (a normal install, not ``-e``), then, from
a directory outside the checkout so that nothing is imported from it, runs ``kg
validate`` and ``kg serve`` of that environment and checks that the server answers with
every concept of ``data/concepts`` and renders a page. Exits non-zero on any failure.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import urllib.request
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.http import free_port, server  # noqa: E402


def main() -> int:
    shipped = len(list((ROOT / "data" / "concepts").glob("*.yaml")))
    with tempfile.TemporaryDirectory(prefix="kg-install-") as tmp:
        env_dir, elsewhere = Path(tmp) / "venv", Path(tmp) / "elsewhere"
        elsewhere.mkdir()
        venv.create(env_dir, with_pip=True)
        bin_dir = env_dir / "bin"
        subprocess.run([bin_dir / "pip", "install", "-q", str(ROOT)], check=True)
        checked = subprocess.run(
            [bin_dir / "kg", "validate"], cwd=elsewhere, capture_output=True, text=True
        )
        print(checked.stdout.strip())
        if checked.returncode != 0 or f"ok: {shipped} concepts" not in checked.stdout:
            print(f"kg validate of the install failed: {checked.stderr}", file=sys.stderr)
            return 1
        port = free_port()
        command = [str(bin_dir / "kg"), "serve", "--port", str(port)]
        env = {"PATH": str(bin_dir), "HOME": tmp}
        with server(command, port, env, wait=60) as base:
            with urllib.request.urlopen(base + "/v1/health", timeout=10) as answer:
                health = json.load(answer)
            with urllib.request.urlopen(base + "/v1/concepts/mesa-optimizer", timeout=10) as c:
                label = json.load(c)["label"]
            with urllib.request.urlopen(base + "/concepts/mesa-optimizer", timeout=10) as page:
                html = page.read().decode()
        if health.get("concepts") != shipped or f"<h1>{label}</h1>" not in html:
            print(f"the installed server serves {health}", file=sys.stderr)
            return 1
        print(f"installed kg serve answers with {shipped} concepts and renders pages")
    return 0


if __name__ == "__main__":
    sys.exit(main())
