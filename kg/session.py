"""Curators in the browser: a token's expiry from a duration, and the session a token
becomes once pasted into the sign-in page.

The session cookie holds the token itself (HttpOnly, so no script reads it), so a
revoked or expired token ends its sessions at once, on every replica, with no session
table. Each write a session makes carries a CSRF token: an HMAC of the fixed label
below keyed by the token's secret, which the server can recompute from the cookie and
another site can neither read nor derive.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import re

from kg.store import stamp

COOKIE = "kg_session"
"""The session cookie's name."""

CSRF_HEADER = "X-CSRF-Token"
"""The header a script's write carries the CSRF token in (a form sends it as the field
``csrf``)."""

DURATION = re.compile(r"([1-9][0-9]{0,4})([hdw])")
"""A token's lifetime as ``kg token create --expires`` takes it: hours, days or weeks."""

_UNITS = {"h": dt.timedelta(hours=1), "d": dt.timedelta(days=1), "w": dt.timedelta(weeks=1)}


def expiry(duration: str, now: dt.datetime | None = None) -> str:
    """When a token made ``now`` for ``duration`` (``90d``, ``12h``, ``2w``) expires, as
    the store writes times. Raises ValueError for anything else."""
    found = DURATION.fullmatch(duration.strip())
    if found is None:
        raise ValueError(
            f"{duration!r} is not a duration: give a number and h, d or w, such as 90d"
        )
    moment = (now or dt.datetime.now(dt.UTC)) + int(found[1]) * _UNITS[found[2]]
    return stamp(moment)


def csrf_token(secret: str) -> str:
    """The CSRF token of the session whose cookie holds ``secret``."""
    return hmac.new(secret.encode(), b"alignment-kg csrf", hashlib.sha256).hexdigest()


def csrf_matches(secret: str, given: str) -> bool:
    """Whether ``given`` is the CSRF token of the session of ``secret`` (compared in
    constant time)."""
    return hmac.compare_digest(csrf_token(secret), given.strip())
