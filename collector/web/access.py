"""Who may read the pages, and what a browser may do with them.

The pages, the feed and the API show what owabi collected about partners and vendors:
on loopback they are open (or need credentials, when some are set); on any other address
they need `OWABI_WEB_TOKEN` or a user of `OWABI_WEB_USERS_FILE`, and without either they
refuse with a message saying so, while /healthz and /readyz stay open for probes (and
/metrics, unless OWABI_WEB_METRICS_OPEN is false). The token comes as `Authorization:
Bearer …`, as the password of Basic auth (a browser asks for it), or as `?token=` (feed
readers cannot set headers); a user signs in with Basic auth. Both are compared in
constant time.

Every response carries a strict Content-Security-Policy: scraped titles and names are
hostile, and while templates escape them, a page that allows no script at all cannot
run one even if something slipped through.
"""

from __future__ import annotations

import base64
import binascii
import hmac
import ipaddress
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from starlette.datastructures import Headers, QueryParams
from starlette.responses import PlainTextResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from collector.web.users import Users, read_users

if TYPE_CHECKING:
    from collector.config.settings import Settings

OPEN_PATHS = frozenset({"/healthz", "/readyz"})
SECURITY_HEADERS = {
    "content-security-policy": (
        "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; "
        "base-uri 'none'; frame-ancestors 'none'"
    ),
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    "x-frame-options": "DENY",
}


def access_of(settings: Settings) -> Access:
    """Who may read the pages of a server bound to `settings.http_host`."""
    token = settings.web_token.get_secret_value() if settings.web_token else None
    users = read_users(Path(settings.web_users_file)) if settings.web_users_file else None
    return Access(
        token=token or None,
        loopback=is_loopback(settings.http_host),
        metrics_open=settings.web_metrics_open,
        users=users,
    )


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


@dataclass(frozen=True)
class Access:
    token: str | None
    loopback: bool
    metrics_open: bool = True
    users: Users | None = None

    def refusal(self, scope: Scope) -> PlainTextResponse | None:
        """None when the request may go on, else the response that refuses it."""
        path = scope["path"]
        if path in OPEN_PATHS or (path == "/metrics" and self.metrics_open):
            return None
        if self.token is None and self.users is None:
            if self.loopback:
                return None
            return PlainTextResponse(
                "this server listens beyond loopback: set OWABI_WEB_TOKEN or "
                "OWABI_WEB_USERS_FILE to open its pages\n",
                status_code=403,
            )
        if self._presented(scope):
            return None
        return PlainTextResponse(
            "credentials are needed: a user of the users file, or the token (Bearer, or as "
            "the password)\n",
            status_code=401,
            headers={"www-authenticate": 'Basic realm="owabi", charset="UTF-8"'},
        )

    def _presented(self, scope: Scope) -> bool:
        user, secret = _credentials(Headers(scope=scope).get("authorization", ""))
        if secret is None:
            secret = QueryParams(scope.get("query_string", b"")).get("token", "")
        if not secret:
            return False
        if self.token is not None and hmac.compare_digest(secret.encode(), self.token.encode()):
            return True
        return self.users is not None and user is not None and self.users.allows(user, secret)


def _credentials(header: str) -> tuple[str | None, str | None]:
    """(user, secret) of an Authorization header: Bearer has no user."""
    scheme, _, value = header.partition(" ")
    if scheme.lower() == "bearer":
        return None, value.strip()
    if scheme.lower() == "basic":
        try:
            decoded = base64.b64decode(value.strip(), validate=True).decode()
        except (binascii.Error, ValueError):
            return None, ""
        user, _, secret = decoded.partition(":")
        return user, secret
    return None, None


class AccessMiddleware:
    """Refuses what `access` refuses and adds the security headers to every response."""

    def __init__(self, app: ASGIApp, access: Access) -> None:
        self.app = app
        self.access = access

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def secured(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [
                    (k, v)
                    for k, v in message.get("headers", [])
                    if k.decode("latin-1").lower() not in SECURITY_HEADERS
                ]
                headers += [(k.encode(), v.encode()) for k, v in SECURITY_HEADERS.items()]
                message = {**message, "headers": headers}
            await send(message)

        refused = self.access.refusal(scope)
        if refused is not None:
            await refused(scope, receive, secured)
            return
        await self.app(scope, receive, secured)
