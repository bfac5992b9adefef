#!/usr/bin/env python3
"""A minimal FAQ bot on top of the glossary service, using only its HTTP API.

Reads one question per line on standard input and prints, for each, the answer the
service composed from the graph, then the passages it cites with their sources. It
needs nothing but the Python standard library and a running service:

    kg serve &                      # or any deployment of the API
    echo "What is a mesa-optimizer?" | python examples/faq_bot.py --base http://127.0.0.1:8000

Each answer is returned as markdown with [^n] footnotes; this client prints the text
with the footnote markers kept, and lists the numbered sources below it. When the graph
cannot answer, the service says what is missing and suggests questions it can answer.
"""

from __future__ import annotations

import argparse
import json
import sys
import textwrap
import urllib.error
import urllib.parse
import urllib.request
from typing import Any, TextIO


def ask(base: str, question: str, timeout: float = 10.0) -> dict[str, Any]:
    """GET /v1/ask; returns the JSON body, or raises with the problem's detail."""
    url = f"{base.rstrip('/')}/v1/ask?{urllib.parse.urlencode({'q': question})}"
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return dict(json.load(response))
    except urllib.error.HTTPError as e:
        problem = json.loads(e.read() or b"{}")
        raise RuntimeError(problem.get("detail") or f"HTTP {e.code}") from None


def render(answer: dict[str, Any], out: TextIO) -> None:
    """Print an answer: its text without the footnote block, then the numbered sources."""
    body = "\n".join(line for line in answer["answer"].splitlines() if not line.startswith("[^"))
    print(body.rstrip(), file=out)
    if answer["citations"]:
        print("\nSources:", file=out)
        for c in answer["citations"]:
            quote = " ".join(c["quote"].split())
            print(
                textwrap.fill(
                    f"[{c['n']}] \u201c{quote}\u201d \u2014 {c['title']} "
                    f"(characters {c['start']}\u2013{c['end']})",
                    width=88,
                    subsequent_indent="    ",
                ),
                file=out,
            )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--base",
        default="http://127.0.0.1:8000",
        help="where the service runs (default: %(default)s)",
    )
    args = parser.parse_args(argv)
    status = 0
    for line in sys.stdin:
        question = line.strip()
        if not question:
            continue
        print(f"Q: {question}")
        try:
            answer = ask(args.base, question)
        except (RuntimeError, OSError) as e:
            print(f"(the service could not answer: {e})\n")
            status = 1
            continue
        print(f"[{answer['intent']}]")
        render(answer, sys.stdout)
        print()
    return status


if __name__ == "__main__":
    sys.exit(main())
