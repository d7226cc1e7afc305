"""The social-insurance gateway as its documentation describes it (research vn-health.md
§2.2-2.3), for the tests: a real HTTP server in a thread. The real gateway cannot be reached
from here; this is its contract, written independently of the client:

- ``POST /api/token/take`` with ``username`` and ``password`` (MD5, upper-case hex), as JSON or
  form-urlencoded: ``{"maKetQua": "200", "APIKey": {"access_token", "id_token", "token_type":
  "Bearer", "username", "expires_in": "<UTC ISO>"}}``; a wrong account: HTTP 401, ``maKetQua`` 401.
- ``POST /api/egw/KQNhanLichSuKCB2024?token=&id_token=&username=&password=`` with the JSON body
  ``{maThe, hoTen, ngaySinh, hoTenCb, cccdCb}``: a token unknown or expired is HTTP 401; a staff
  ID number not registered is ``054``, a staff name that does not match it ``055``; otherwise the
  card's answer set by the test (``cards``), ``050`` for a card it does not know.

``delay`` (seconds) holds every lookup's answer (a slow portal); ``expire()`` drops every token
it gave (a session dropped early, or the IP check)."""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import secrets
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from .server_harness import free_port

USERNAME, PASSWORD = "70001_BV", "mat-khau-thu"
STAFF = {"001090000001": "Trần Thị Thu"}  # the facility's registered staff: ID number -> name


def md5_upper(text: str) -> str:
    return hashlib.md5(text.encode()).hexdigest().upper()


class Gateway:
    def __init__(self, token_seconds: float = 600.0) -> None:
        self.port = free_port()
        self.token_seconds = token_seconds
        self.tokens: dict[str, float] = {}  # access token -> expiry (epoch seconds)
        self.cards: dict[str, dict[str, Any]] = {}  # maThe -> the answer's fields
        self.logins: list[str] = []  # the content type of each /api/token/take
        self.lookups: list[dict[str, Any]] = []  # each lookup's body, in order
        self.delay = 0.0
        self.lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def expire(self) -> None:
        with self.lock:
            self.tokens.clear()

    def _login(self, content_type: str, body: bytes) -> tuple[int, dict[str, Any]]:
        if content_type.startswith("application/json"):
            fields = json.loads(body)
        else:
            fields = {k: v[0] for k, v in urllib.parse.parse_qs(body.decode()).items()}
        self.logins.append(content_type.split(";")[0])
        if fields.get("username") != USERNAME or fields.get("password") != md5_upper(PASSWORD):
            return 401, {"maKetQua": "401"}
        token, expires = secrets.token_hex(16), time.time() + self.token_seconds
        self.tokens[token] = expires
        at = dt.datetime.fromtimestamp(expires, dt.UTC).strftime("%Y-%m-%dT%H:%M:%S")
        key = {"access_token": token, "id_token": "id-" + token, "token_type": "Bearer", "username": USERNAME}
        return 200, {"maKetQua": "200", "APIKey": key | {"expires_in": at}}

    def _lookup(self, query: dict[str, str], body: bytes) -> tuple[int, dict[str, Any]]:
        token = query.get("token", "")
        account = (query.get("username"), query.get("password"), query.get("id_token"))
        if self.tokens.get(token, 0) < time.time() or account != (USERNAME, md5_upper(PASSWORD), "id-" + token):
            return 401, {"maKetQua": "401", "ghiChu": "Token không hợp lệ"}
        fields = json.loads(body)
        self.lookups.append(fields)
        if set(fields) != {"maThe", "hoTen", "ngaySinh", "hoTenCb", "cccdCb"}:
            return 200, {"maKetQua": "205"}
        if fields["cccdCb"] not in STAFF:
            return 200, {"maKetQua": "054"}
        if STAFF[fields["cccdCb"]] != fields["hoTenCb"]:
            return 200, {"maKetQua": "055"}
        card = self.cards.get(fields["maThe"], {"maKetQua": "050"})
        return 200, {"maThe": fields["maThe"], "hoTen": fields["hoTen"], "dsLichSuKCB2018": None, **card}

    def start(self) -> Gateway:
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                return None

            def do_POST(self) -> None:
                url = urllib.parse.urlsplit(self.path)
                body = self.rfile.read(int(self.headers.get("content-length", "0")))
                if url.path == "/api/token/take":
                    with gateway.lock:
                        status, answer = gateway._login(self.headers.get("content-type", ""), body)
                elif url.path == "/api/egw/KQNhanLichSuKCB2024":
                    query = {k: v[0] for k, v in urllib.parse.parse_qs(url.query).items()}
                    with gateway.lock:
                        status, answer = gateway._lookup(query, body)
                    time.sleep(gateway.delay)
                else:
                    status, answer = 404, {}
                data = json.dumps(answer).encode()
                with contextlib.suppress(OSError):  # the client gave up waiting
                    self.send_response(status)
                    self.send_header("content-type", "application/json")
                    self.send_header("content-length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)

        self._server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
