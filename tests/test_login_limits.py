"""The login limit holds against a real server (issue 17, items 2, 3, 6): parallel guesses,
changing X-Forwarded-For headers, oversized and deeply nested bodies."""

from __future__ import annotations

import json
import socket
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor

from .server_harness import ADMIN_PASSWORD, ServerProc


def login(server: ServerProc, password: str, headers: dict[str, str] | None = None) -> int:
    body = json.dumps({"username": "admin", "password": password}).encode()
    req = urllib.request.Request(server.http + "/api/login", data=body, method="POST", headers=headers or {})
    try:
        with urllib.request.urlopen(req, timeout=60) as r:
            return int(r.status)
    except urllib.error.HTTPError as e:
        with e:
            return e.code


def test_parallel_guesses_are_counted_before_the_hash(server: ServerProc) -> None:
    with ThreadPoolExecutor(40) as pool:
        codes = list(pool.map(lambda _: login(server, "wrong-guess"), range(80)))
    assert codes.count(401) == 5, codes  # checked: the per-user limit, whatever the parallelism
    assert codes.count(429) == 75
    # the real user is kept out for seconds, not a quarter of an hour
    time.sleep(2.5)
    assert login(server, ADMIN_PASSWORD) == 200


def test_forwarded_for_headers_are_not_believed_by_default(server: ServerProc) -> None:
    codes = [login(server, "wrong", {"X-Forwarded-For": f"203.0.113.{i}"}) for i in range(12)]
    assert codes.count(401) == 5 and codes.count(429) == 7, codes


def test_a_large_body_is_refused_from_its_length_without_reading_it(server: ServerProc) -> None:
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as s:
        s.sendall(
            b"POST /api/login HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
            b"Content-Length: 67108864\r\n\r\n{"
        )
        answer = ""
        while '"too_large"' not in answer:  # the status line and the body may come apart
            chunk = s.recv(4096)
            if not chunk:
                break
            answer += chunk.decode()
    assert answer.startswith("HTTP/1.1 413"), answer
    assert '"too_large"' in answer


def test_deeply_nested_json_is_a_bad_request_not_a_crash(server: ServerProc) -> None:
    body = b'{"username":' + b"[" * 1500 + b"]" * 1500 + b"}"  # under the 4 KiB bound, past the depth
    req = urllib.request.Request(server.http + "/api/login", data=body, method="POST")
    try:
        urllib.request.urlopen(req, timeout=30)
        raise AssertionError("accepted")
    except urllib.error.HTTPError as e:
        with e:
            assert e.code == 400 and json.loads(e.read())["error"]["code"] == "bad_json"
    assert server.get("/api/health")["status"] == "ok"
