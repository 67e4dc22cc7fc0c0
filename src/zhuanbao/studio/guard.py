"""What keeps other people and other web pages from driving the studio.

The studio listens on the editor's own PC, but a port on 127.0.0.1 is open to
every local user and to any web page the editor visits (a form posted to
http://127.0.0.1:port, or a DNS name rebound to 127.0.0.1). So, as Jupyter
does, every request needs the session: the random token in the address
printed at start sets a cookie once, and later requests carry the cookie.
A request whose Host is not the studio's (DNS rebinding) or whose Origin is
another site is refused before anything else; every change also needs a
CSRF token tied to the session (see :func:`csrf_ok`); request bodies are
capped while they stream in, whatever Content-Length claims.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import secrets
from dataclasses import dataclass, field
from urllib.parse import urlencode, urlsplit

from starlette.datastructures import URL
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

MAX_BODY = 20 * 1024 * 1024  # uploads of submissions and tables: 20 MB is several times a photo-heavy .docx
LOOPBACK_NAMES = ("127.0.0.1", "localhost", "[::1]")


def is_loopback(host: str) -> bool:
    """Whether ``host`` (as given to --host) only listens on this PC."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


@dataclass(frozen=True)
class Session:
    """The one session of a studio run: the token in the printed address, the cookie it sets, the CSRF token."""

    port: int
    host: str = "127.0.0.1"
    token: str = field(default_factory=lambda: secrets.token_urlsafe(24))
    secret: str = field(default_factory=lambda: secrets.token_urlsafe(32))

    @property
    def cookie_name(self) -> str:
        # cookies are shared by every port of a host: two studios must not read each other's
        return f"zhuanbao_studio_{self.port}"

    @property
    def csrf(self) -> str:
        """Derived from the session's secret, so a page of another run or another studio cannot post here."""
        return self.csrf_for(1)

    def csrf_for(self, opened: int) -> str:
        """The token of the ``opened``-th series the run serves (the first, and the home page, share the
        session's): a page left open on a series the studio has since switched away from cannot post into
        the next one, whose folders often have the same names (2025-09)."""
        scope = b"csrf" if opened <= 1 else f"csrf:{opened}".encode()
        return hmac.new(self.secret.encode(), scope, hashlib.sha256).hexdigest()

    def address(self, shown_host: str | None = None) -> str:
        """The address to open: with the token, which sets the cookie on the first request."""
        host = shown_host or ("127.0.0.1" if self.host in ("0.0.0.0", "::") else self.host)
        if ":" in host and not host.startswith("["):
            host = f"[{host}]"
        return f"http://{host}:{self.port}/?{urlencode({'token': self.token})}"

    def allowed_hosts(self) -> set[str] | None:
        """The Host headers accepted; None when listening on every interface (any name may reach it)."""
        if self.host in ("0.0.0.0", "::"):
            return None
        names = set(LOOPBACK_NAMES) | {self.host if ":" not in self.host else f"[{self.host}]"}
        return {f"{name}:{self.port}" for name in names}


def csrf_ok(expected: str, sent: object) -> bool:
    return isinstance(sent, str) and hmac.compare_digest(sent.encode(), expected.encode())


class BodyTooLarge(Exception):
    """A request body past :data:`MAX_BODY`; shown as 413 in Chinese."""


class Refused(Exception):
    """A request the guard turns away (403), with the reason shown to the person."""

    def __init__(self, reason: str, status: int = 403) -> None:
        super().__init__(reason)
        self.reason = reason
        self.status = status


class Guard:
    """ASGI middleware in front of every route: Host, Origin, session, body size.

    ``refuse`` renders the Chinese page for a refused request (the app's page
    renderer, so the guard need not know templates)."""

    def __init__(self, app, session: Session, refuse, max_body: int = MAX_BODY) -> None:
        self.app = app
        self.session = session
        self.refuse = refuse
        self.max_body = max_body

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request = Request(scope)
        try:
            response = self.check(request)
        except Refused as exc:
            response = self.refuse(request, exc.reason, exc.status)
        if response is not None:
            await response(scope, receive, send)
            return
        await self.app(scope, self.capped(receive), send)

    def check(self, request: Request) -> Response | None:
        """None to let the request through, or the response to send instead."""
        host = request.headers.get("host", "")
        allowed = self.session.allowed_hosts()
        if allowed is not None and host.lower() not in allowed:
            raise Refused("请求的主机名不是本机的编辑器地址，已拒绝（这可以防止其他网站借用本机地址操作文件）。")
        origin = request.headers.get("origin")
        if origin is not None and (origin == "null" or urlsplit(origin).netloc.lower() != host.lower()):
            raise Refused("请求来自其他网站，已拒绝。请直接在编辑器的页面中操作。")
        site = request.headers.get("sec-fetch-site")
        if site == "cross-site":
            raise Refused("请求来自其他网站，已拒绝。请直接在编辑器的页面中操作。")
        if site == "same-site" and not (request.method == "GET" and request.headers.get("sec-fetch-mode") == "navigate"):
            # another program's page on 127.0.0.1 (another port is the same site): it may link here, no more —
            # no images, scripts or fetches that would read what exists or set off a build
            raise Refused("请求来自本机的其他网页，已拒绝。请直接在编辑器的页面中操作。")
        length = request.headers.get("content-length")
        if length is not None and (not length.isdigit() or int(length) > self.max_body):
            raise Refused(f"上传的内容超过 {self.max_body // 1024 // 1024} MB 的上限，已拒绝。", 413)
        if request.url.path.startswith("/static/"):
            return None  # the package's own CSS and JS: nothing private, and the refusal page needs them
        token = request.query_params.get("token")
        if token is not None:
            if not hmac.compare_digest(token.encode(), self.session.token.encode()):
                raise Refused("地址中的令牌不对。请使用启动编辑器时命令窗口中显示的完整地址。")
            rest = [(k, v) for k, v in request.query_params.multi_items() if k != "token"]
            target = URL(path=request.url.path, query=urlencode(rest))  # the token leaves the address bar and history
            response = RedirectResponse(str(target), status_code=303)
            response.set_cookie(self.session.cookie_name, self.session.secret, httponly=True, samesite="strict",
                                path="/")  # fmt: skip
            return response
        cookie = request.cookies.get(self.session.cookie_name, "")
        if not hmac.compare_digest(cookie.encode(), self.session.secret.encode()):
            raise Refused("需要先从启动编辑器时显示的地址打开（地址中带有令牌）。请回到命令窗口复制完整地址。")
        return None

    def capped(self, receive):
        """``receive`` that stops a body growing past the cap (a chunked upload states no length)."""
        seen = 0

        async def wrapped():
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_body:
                    raise BodyTooLarge()
            return message

        return wrapped
