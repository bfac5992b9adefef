"""A bare ASGI app that answers recorded URLs with recorded bytes: the ceiling for
``bench.http``. Run: ``python -m bench.bare RESPONSES.json --port N``."""

from __future__ import annotations

import argparse
import base64
import json
import os
from typing import Any

import uvicorn

Headers = list[tuple[bytes, bytes]]


def make_app(responses: dict[str, dict[str, Any]]) -> Any:
    """An ASGI app serving ``{url: {"headers": [[k, v]...], "body": base64}}``."""
    table: dict[bytes, tuple[Headers, bytes]] = {}
    for url, r in responses.items():
        headers = [(k.encode("latin-1"), v.encode("latin-1")) for k, v in r["headers"]]
        table[url.encode()] = (headers, base64.b64decode(r["body"]))
    missing: tuple[Headers, bytes] = ([(b"content-type", b"text/plain")], b"not recorded")

    async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            return
        url = scope["path"].encode()
        if scope["query_string"]:
            url += b"?" + scope["query_string"]
        headers, body = table.get(url, missing)
        await send(
            {
                "type": "http.response.start",
                "status": 200 if url in table else 404,
                "headers": headers,
            }
        )
        await send({"type": "http.response.body", "body": body})

    return app


def app_from_env() -> Any:
    """App factory for uvicorn workers: the recordings named by BENCH_RESPONSES."""
    with open(os.environ["BENCH_RESPONSES"], encoding="utf-8") as f:
        return make_app(json.load(f))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("responses")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--workers", type=int, default=1)
    args = parser.parse_args()
    os.environ["BENCH_RESPONSES"] = os.path.abspath(args.responses)
    uvicorn.run(
        "bench.bare:app_from_env",
        factory=True,
        host="127.0.0.1",
        port=args.port,
        workers=args.workers,
        log_level="warning",
        access_log=False,
    )


if __name__ == "__main__":
    main()
