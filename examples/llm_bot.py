#!/usr/bin/env python3
"""An FAQ bot that has a language model answer from the glossary's grounded context.

For each question (the arguments, or one a line on standard input) it:

1. asks the service for the question's grounded context (``GET /v1/context``): the
   definitions and relations the graph holds on it, with numbered verbatim quotes;
2. puts that context in a prompt and sends it to a chat model you choose, at any
   OpenAI-compatible chat-completions URL;
3. checks the quotations of the model's answer against the sources with
   ``POST /v1/verify``, when the service has it;
4. prints the answer, the sources it cites, and what the check found.

When the graph holds nothing on a question the model is not asked at all: the bot says
so rather than let the model answer from memory. Only the Python standard library is
used. Configure the model with environment variables (or the flags of the same name):

    LLM_API_URL   the chat-completions URL, e.g. http://127.0.0.1:8080/v1/chat/completions
    LLM_MODEL     the model's name, as that service knows it
    LLM_API_KEY   the key, sent as a bearer token (only from the environment, so that it
                  does not show in the list of running processes); none if unset

    kg serve &
    LLM_API_URL=... LLM_MODEL=... python examples/llm_bot.py "Is evolution a mesa-optimizer?"
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import textwrap
import urllib.error
import urllib.parse
import urllib.request
from typing import Any, TextIO

INSTRUCTIONS = """You answer questions about AI alignment for a FAQ, using only the \
context given with the question: definitions and relations from a glossary, each followed \
by the numbers of the verbatim source quotes that back it, and the quotes themselves.

- Answer in a few sentences, in plain words. Say what the context supports, nothing more.
- Cite the quotes you rely on by their numbers, like [1] or [2][3].
- When you quote a source, copy its words exactly, inside double quotes.
- If the context does not answer the question, or says the glossary has no entry for \
something asked about, say so instead of answering from memory."""


class ServiceError(RuntimeError):
    """The glossary service or the model's service could not answer."""

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


def _call(request: urllib.request.Request, timeout: float) -> Any:
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return json.load(response)
    except urllib.error.HTTPError as e:
        try:
            body = json.loads(e.read() or b"{}")
        except ValueError:
            body = {}
        detail = body.get("detail") or body.get("error") or ""
        if isinstance(detail, dict):
            detail = detail.get("message", "")
        said = f": {detail}" if detail else ""
        raise ServiceError(f"HTTP {e.code} from {request.full_url}{said}", e.code) from None
    except (urllib.error.URLError, OSError, ValueError) as e:
        raise ServiceError(f"{request.full_url}: {e}") from None


def context(base: str, question: str, budget: int, timeout: float) -> dict[str, Any]:
    """GET /v1/context: the grounded context for ``question``."""
    query = urllib.parse.urlencode({"q": question, "budget": budget})
    request = urllib.request.Request(
        f"{base.rstrip('/')}/v1/context?{query}", headers={"Accept": "application/json"}
    )
    return dict(_call(request, timeout))


def prompt(question: str, found: dict[str, Any]) -> list[dict[str, str]]:
    """The chat messages: the instructions, then the context and the question."""
    return [
        {"role": "system", "content": INSTRUCTIONS},
        {"role": "user", "content": f"Context:\n{found['text']}\n\nQuestion: {question}"},
    ]


def complete(
    url: str, model: str, key: str | None, messages: list[dict[str, str]], timeout: float
) -> str:
    """The model's answer, from an OpenAI-compatible chat-completions URL."""
    headers = {"Content-Type": "application/json"}
    if key:
        headers["Authorization"] = f"Bearer {key}"
    body = json.dumps({"model": model, "messages": messages, "temperature": 0}).encode()
    answer = _call(urllib.request.Request(url, data=body, headers=headers), timeout)
    try:
        return str(answer["choices"][0]["message"]["content"]).strip()
    except (KeyError, IndexError, TypeError):
        raise ServiceError(f"{url}: not a chat-completions answer") from None


def verify(base: str, text: str, timeout: float) -> dict[str, Any] | None:
    """POST /v1/verify on the answer; None when the service has no such route."""
    request = urllib.request.Request(
        f"{base.rstrip('/')}/v1/verify",
        data=json.dumps({"text": text}).encode(),
        headers={"Content-Type": "application/json"},
    )
    try:
        return dict(_call(request, timeout))
    except ServiceError as e:
        if e.status in (404, 405):
            return None
        raise


def _wrapped(text: str, out: TextIO) -> None:
    print(textwrap.fill(text, width=88, subsequent_indent="    "), file=out)


def render(found: dict[str, Any], answer: str, check: dict[str, Any] | None, out: TextIO) -> None:
    """Print the answer, the sources it cites (every source given when it cites none),
    and what the quotation check found."""
    print(answer, file=out)
    cited = {int(n) for n in re.findall(r"\[(\d+)\]", answer)}
    quotes = [q for q in found["quotes"] if q["n"] in cited] or found["quotes"]
    if quotes:
        print("\nSources:" if cited else "\nSources given to the model:", file=out)
        for q in quotes:
            text = " ".join(q["text"].split())
            _wrapped(
                f"[{q['n']}] \u201c{text}\u201d \u2014 {q['title']} "
                f"(characters {q['start']}\u2013{q['end']})",
                out,
            )
    if check is None:
        print("\nQuotations: not checked (the service has no /v1/verify).", file=out)
        return
    s = check["summary"]
    print(
        f"\nQuotations checked: {s['quotes']} ({s['exact']} exact, {s['near']} near, "
        f"{s['not_found']} not found in the sources).",
        file=out,
    )
    for q in check["quotes"]:
        if q["status"] != "exact":
            where = f" (closest: {q['match']['title']})" if q.get("match") else ""
            _wrapped(f"- {q['status'].replace('_', ' ')}: \u201c{q['text']}\u201d{where}", out)


def answer_one(args: argparse.Namespace, key: str | None, question: str, out: TextIO) -> None:
    found = context(args.base, question, args.budget, args.timeout)
    if not found["concepts"] and not found["relations"]:
        # nothing to ground an answer in: a model would answer from memory
        print(found["text"], file=out)
        return
    text = complete(args.model_url, args.model, key, prompt(question, found), args.timeout)
    render(found, text, verify(args.base, text, args.timeout), out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("questions", nargs="*", help="questions (default: one a line on stdin)")
    parser.add_argument(
        "--base", default="http://127.0.0.1:8000", help="the glossary service (%(default)s)"
    )
    parser.add_argument(
        "--model-url",
        default=os.environ.get("LLM_API_URL"),
        help="an OpenAI-compatible chat-completions URL (default: $LLM_API_URL)",
    )
    parser.add_argument(
        "--model", default=os.environ.get("LLM_MODEL"), help="the model (default: $LLM_MODEL)"
    )
    parser.add_argument(
        "--budget", type=int, default=1000, help="tokens of context (default: %(default)s)"
    )
    parser.add_argument("--timeout", type=float, default=60.0, help="seconds per request")
    args = parser.parse_args(argv)
    if not args.model_url or not args.model:
        parser.error("set the model's URL and name: LLM_API_URL and LLM_MODEL, or the flags")
    key = os.environ.get("LLM_API_KEY") or None
    questions = args.questions or (line.strip() for line in sys.stdin)
    status = 0
    for question in questions:
        if not question:
            continue
        print(f"Q: {question}")
        try:
            answer_one(args, key, question, sys.stdout)
        except ServiceError as e:
            print(f"(no answer: {e})")
            status = 1
        print()
    return status


if __name__ == "__main__":
    sys.exit(main())
