"""Request body limit, enforced before any handler reads the body."""

from __future__ import annotations

from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.errors import problem


class BodyLimit:
    """Refuse request bodies over ``limit`` bytes with a 413 problem.

    A declared Content-Length over the limit is refused before reading; a body that
    grows past it while streaming stops the read with the same answer.
    """

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app = app
        self.limit = limit

    def _detail(self) -> str:
        return f"The request body is larger than {self.limit:,} bytes."

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        for name, value in scope.get("headers", []):
            if name == b"content-length":
                declared = value.decode("latin-1").strip()
                if not declared.isdigit():
                    response = problem(400, "Bad request", "Content-Length is not a number.")
                elif int(declared) > self.limit:
                    response = problem(413, "Payload too large", self._detail(),
                                       "payload-too-large")
                else:
                    break
                await response(scope, receive, send)
                return
        received = 0

        async def limited() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.limit:
                    # FastAPI re-raises HTTPException from body reading; the app's handler
                    # turns it into problem+json
                    raise HTTPException(413, self._detail())
            return message

        await self.app(scope, limited, send)
