"""The security boundary: every request crosses this ASGI middleware before any route.

- The Host header must name this server (a DNS-rebinding page cannot borrow the browser's access).
- With an access token (any bind beyond loopback), every request must carry it: the
  `Authorization: Bearer` header, or the cookie set when the printed URL's `?token=` is opened.
- A request that changes something (anything but GET and HEAD, except the read-only
  `POST /api/assess`) needs an `Origin` of this server and the page's CSRF token in `X-CSRF-Token`;
  a cross-site `Origin` is refused on every request.
- A body larger than the cap is refused before it is read (Content-Length) or as soon as it passes
  the cap (chunked).
- Every response carries a Content-Security-Policy without inline script, and no CORS header.
"""
from __future__ import annotations

import hmac
import json
from http.cookies import SimpleCookie
from urllib.parse import parse_qs, urlencode

from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .settings import MAX_UPLOAD_BYTES, Settings

TOKEN_COOKIE = "assess_token"
CSRF_HEADER = "x-csrf-token"
#: POSTs that only compute an answer: an API client may call them without Origin and CSRF token.
READ_ONLY_POSTS = frozenset({"/api/assess"})
SAFE_METHODS = frozenset({"GET", "HEAD"})
PAGE_CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
#: Gap reports carry their own stylesheet in a <style> element and run no script at all.
REPORT_CSP = ("default-src 'none'; style-src 'unsafe-inline'; img-src data:; form-action 'none'; "
              "frame-ancestors 'none'; base-uri 'none'")


def body_limit(path: str) -> int:
    """The largest body a route accepts."""
    from .settings import MAX_BODY_BYTES

    return MAX_UPLOAD_BYTES if path == "/api/upload" else MAX_BODY_BYTES


class Guard:
    """ASGI middleware applying the checks in the module's docstring."""

    def __init__(self, app: ASGIApp, settings: Settings) -> None:
        self.app, self.settings = app, settings
        self.names = settings.host_names()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Refuse the request, or pass it on with its body capped and security headers added."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        refusal = self.refuse(scope, headers)
        if refusal is not None:
            await _answer(send, *refusal)
            return
        if self.settings.token and scope["method"] == "GET" and _query_token(scope) is not None:
            # the printed URL: keep the token in a cookie and drop it from the address bar
            await _redirect_with_cookie(send, scope, self.settings.token)
            return
        limit = body_limit(scope["path"])
        seen = 0

        async def bounded_receive() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:  # answered 413 by the application's handler of HTTPException
                    raise HTTPException(413, _too_large(limit))
            return message

        async def secured_send(message: Message) -> None:
            if message["type"] == "http.response.start":
                message = {**message, "headers": _with_security_headers(message.get("headers", []),
                                                                       scope["path"])}
            await send(message)

        await self.app(scope, bounded_receive, secured_send)

    def refuse(self, scope: Scope, headers: dict[str, str]) -> tuple[int, str] | None:
        """(status, message) for a request refused before any route sees it, else None."""
        host = headers.get("host", "")
        if not self._host_ok(host):
            return 421 if host else 400, "this server answers only to its own address (Host header refused)"
        if self.settings.token and not self._token_ok(scope, headers):
            return 403, "an access token is required: open the URL printed when the server started"
        method = scope["method"]
        origin = headers.get("origin")
        same_origin = origin is not None and origin == f"{scope.get('scheme', 'http')}://{host}"
        if origin is not None and not same_origin:
            return 403, "cross-origin request refused"
        if method not in SAFE_METHODS and headers.get("sec-fetch-site") == "cross-site":
            return 403, "cross-site request refused"
        if method not in SAFE_METHODS and scope["path"] not in READ_ONLY_POSTS:
            if not same_origin:
                return 403, f"a request that changes something needs an Origin header of this server ({host})"
            if not hmac.compare_digest(headers.get(CSRF_HEADER, ""), self.settings.csrf):
                return 403, "missing or wrong CSRF token (X-CSRF-Token): reload the page"
        length = headers.get("content-length")
        limit = body_limit(scope["path"])
        if length is not None and (not length.isdigit() or int(length) > limit):
            return 413, _too_large(limit)
        return None

    def _host_ok(self, host: str) -> bool:
        name, _, port = host.rpartition(":") if not host.endswith("]") else (host, "", "")
        if not name:  # no port given
            name, port = host, ""
        return name.lower() in self.names and port in ("", str(self.settings.port))

    def _token_ok(self, scope: Scope, headers: dict[str, str]) -> bool:
        token = self.settings.token or ""
        given = [headers.get("authorization", "").removeprefix("Bearer ").strip(), _query_token(scope) or ""]
        cookie = SimpleCookie()
        try:
            cookie.load(headers.get("cookie", ""))
        except Exception:  # a malformed cookie header is no token
            pass
        if TOKEN_COOKIE in cookie:
            given.append(cookie[TOKEN_COOKIE].value)
        return any(g and hmac.compare_digest(g, token) for g in given)


def _query_token(scope: Scope) -> str | None:
    values = parse_qs(scope.get("query_string", b"").decode("latin-1")).get("token")
    return values[0] if values else None


def _too_large(limit: int) -> str:
    return f"request body larger than {limit // (1024 * 1024)} MiB; a submission is much smaller"


def _with_security_headers(headers: list[tuple[bytes, bytes]], path: str) -> list[tuple[bytes, bytes]]:
    csp = REPORT_CSP if path.endswith("/report") else PAGE_CSP
    extra = [(b"content-security-policy", csp.encode()), (b"x-content-type-options", b"nosniff"),
             (b"referrer-policy", b"no-referrer"), (b"x-frame-options", b"DENY"),
             (b"cross-origin-opener-policy", b"same-origin"), (b"cache-control", b"no-store")]
    names = {name for name, _ in extra}
    return [h for h in headers if h[0].lower() not in names] + extra


async def _answer(send: Send, status: int, message: str) -> None:
    body = json.dumps({"error": message}).encode()
    await send({"type": "http.response.start", "status": status,
                "headers": _with_security_headers([(b"content-type", b"application/json"),
                                                   (b"content-length", str(len(body)).encode()),
                                                   (b"connection", b"close")], "")})
    await send({"type": "http.response.body", "body": body})


async def _redirect_with_cookie(send: Send, scope: Scope, token: str) -> None:
    query = {k: v for k, v in parse_qs(scope.get("query_string", b"").decode("latin-1")).items() if k != "token"}
    location = scope["path"] + ("?" + urlencode(query, doseq=True) if query else "")
    cookie = f"{TOKEN_COOKIE}={token}; Path=/; HttpOnly; SameSite=Strict"
    await send({"type": "http.response.start", "status": 303,
                "headers": _with_security_headers([(b"location", location.encode()),
                                                   (b"set-cookie", cookie.encode()),
                                                   (b"content-length", b"0")], "")})
    await send({"type": "http.response.body", "body": b""})
