"""A webhook receiver as a HIS vendor would write one (docs/his.md), for the tests: a real HTTP
server in a thread that checks every signature (HMAC-SHA256 over ``<timestamp>.<body>``),
refuses timestamps outside a 5-minute window, and takes each event id once (a repeat is
answered 200 and not counted again). ``answer`` makes it refuse (e.g. 400) or fail (503);
``stop``/``start`` take it down and bring it back on the same port."""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from .server_harness import free_port

WINDOW = 300


class _Server(ThreadingHTTPServer):
    # socketserver's default backlog is 5: the deliverer's 8 connections at once overflowed it,
    # and a dropped SYN is sent again only after a second (the benchmark saw 30 messages/s)
    request_queue_size = 128


class Receiver:
    def __init__(self, secret: str) -> None:
        self.secret = secret.encode()
        self.port = free_port()
        self.taken: list[dict[str, Any]] = []  # each event once, in the order they came
        self.ids: set[str] = set()
        self.posts = 0  # every POST, repeats and refusals too
        self.bad_signatures = 0
        self.answer = 200
        self.delay = 0.0  # seconds before each answer
        self.lock = threading.Lock()
        self._server: _Server | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/his/events"

    def check(self, headers: Any, body: bytes) -> str:
        """Why the request is not genuine, or "" when it is."""
        ts = headers.get("x-queue-timestamp", "")
        sig = headers.get("x-queue-signature", "")
        if not ts.isdigit() or abs(time.time() - int(ts)) > WINDOW:
            return "stale"
        mac = hmac.new(self.secret, ts.encode() + b"." + body, hashlib.sha256).hexdigest()
        if not hmac.compare_digest(sig, f"v1={mac}"):
            return "signature"
        return ""

    def start(self) -> Receiver:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                return None

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("content-length", "0")))
                time.sleep(receiver.delay)
                with receiver.lock:
                    receiver.posts += 1
                    why = receiver.check(self.headers, body)
                    status = 401 if why else receiver.answer
                    if why:
                        receiver.bad_signatures += 1
                    elif status == 200:
                        event = json.loads(body)
                        event_id = self.headers.get("x-queue-event-id", "")
                        assert event_id == event["id"]
                        if event_id not in receiver.ids:
                            receiver.ids.add(event_id)
                            receiver.taken.append(event)
                with contextlib.suppress(OSError):  # the server went away (a test kills it)
                    self.send_response(status)
                    self.send_header("content-length", "2")
                    self.end_headers()
                    self.wfile.write(b"{}")

        self._server = _Server(("127.0.0.1", self.port), Handler)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def by_ticket(self) -> dict[str, list[dict[str, Any]]]:
        with self.lock:
            out: dict[str, list[dict[str, Any]]] = {}
            for e in self.taken:
                out.setdefault(e["ticket"]["key"], []).append(e)
            return out
