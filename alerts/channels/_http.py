"""One JSON POST, its outcome classified the way every HTTP channel needs it.

2xx is success; 429 and 5xx are retryable (with Retry-After when the server sends one),
so are timeouts and network errors; anything else is permanent. The target URL is a secret (a Slack
webhook URL is a credential), so it is scrubbed from every message and httpx's own
exception (whose text may contain it) is not chained.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import httpx

from alerts.errors import DeliveryError
from parsers.httpheaders import retry_after_seconds

_BODY_SNIPPET = 200


# Path segments at least this long are treated as credentials (a Slack webhook's token).
_SECRET_SEGMENT = 8


def _scrub(text: str, secret: str) -> str:
    """The URL, its path and every long path segment out of a response body or message."""
    text = text.replace(secret, "<redacted>")
    path = httpx.URL(secret).raw_path.decode("ascii", "replace")
    pieces = [path] if len(path) > 1 else []
    pieces += [seg for seg in path.split("?")[0].split("/") if len(seg) >= _SECRET_SEGMENT]
    for piece in sorted(pieces, key=len, reverse=True):
        text = text.replace(piece, "<redacted>")
    return text


async def post_json(
    client: httpx.AsyncClient, url: str, payload: Any, *, channel: str, kind: str
) -> None:
    """POST `payload` as JSON to `url`; return on 2xx, raise DeliveryError otherwise."""
    try:
        response = await client.post(url, json=payload)
    except httpx.TimeoutException as exc:
        raise DeliveryError(
            f"{kind}: request timed out ({type(exc).__name__})",
            reason="timeout",
            retryable=True,
            channel=channel,
        ) from None
    except httpx.TransportError as exc:
        raise DeliveryError(
            f"{kind}: network error ({type(exc).__name__})",
            reason="network",
            retryable=True,
            channel=channel,
        ) from None
    except httpx.InvalidURL:
        raise DeliveryError(
            f"{kind}: the configured URL is invalid",
            reason="config",
            retryable=False,
            channel=channel,
        ) from None
    status = response.status_code
    if 200 <= status < 300:
        return
    body = _scrub(response.text[:_BODY_SNIPPET], url)
    detail = f"{kind}: HTTP {status}" + (f": {body}" if body.strip() else "")
    if status == 429 or status >= 500:
        now = dt.datetime.now(dt.UTC)
        retry_after = retry_after_seconds(response.headers.get("Retry-After"), now)
        reason = "http_429" if status == 429 else "http_5xx"
        raise DeliveryError(
            detail, reason=reason, retryable=True, retry_after=retry_after, channel=channel
        )
    reason = "http_4xx" if status >= 400 else "http_3xx"
    raise DeliveryError(detail, reason=reason, retryable=False, channel=channel)


def client_timeout(client: httpx.AsyncClient) -> float:
    """The longest single wait of the shared client (connect, read, write or pool)."""
    t = client.timeout
    return max((p for p in (t.connect, t.read, t.write, t.pool) if p is not None), default=0.0)


def pretty_json(payload: Any) -> str:
    """A payload as `owabi alerts test` shows it."""
    return json.dumps(payload, ensure_ascii=False, indent=2)
