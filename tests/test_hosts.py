"""The server answers only to its own names (issue 17, item 9): a page of another site whose
name points here (DNS rebinding) can neither read the API nor open the websocket. Against a real
server process, with raw HTTP so that the Host header is exactly what a browser would send."""

from __future__ import annotations

import json
import socket
from pathlib import Path

from server.hosts import host_name, interface_addresses

from .server_harness import ServerProc


def ask(server: ServerProc, host: str, path: str = "/api/state", websocket: bool = False) -> tuple[int, bytes]:
    """The status and body of a GET (or a websocket handshake) sent with ``Host: host``."""
    extra = (
        "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n"
        "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
        f"Origin: http://{host}\r\n"
        if websocket
        else "Connection: close\r\n"
    )
    with socket.create_connection(("127.0.0.1", server.port), timeout=5) as s:
        s.sendall(f"GET {path} HTTP/1.1\r\nHost: {host}\r\n{extra}\r\n".encode())
        data = b""
        while chunk := s.recv(65536):
            data += chunk
            if websocket and b"\r\n\r\n" in data:
                break
    head, _, body = data.partition(b"\r\n\r\n")
    return int(head.split()[1]), body


def test_a_foreign_name_is_refused_and_the_servers_own_are_served(tmp_path: Path) -> None:
    lan = sorted(a for a in interface_addresses() if not a.startswith("127.") and a != "::1")
    server = ServerProc(
        tmp_path / "data",
        QUEUE_SYNC="NORMAL",
        QUEUE_HOST="0.0.0.0",
        QUEUE_PUBLIC_URL="https://hangdoi.benhvien.example:8443/",
        QUEUE_ALLOWED_HOSTS="queue.lan, Quay.Local",
    ).start()
    try:
        port = server.port
        for evil in (f"rebind.attacker.example:{port}", "rebind.attacker.example", f"10.255.255.1:{port}"):
            status, body = ask(server, evil)
            error = json.loads(body)["error"]
            assert status == 421 and error["code"] == "forbidden_host", (evil, status, body[:200])
            assert "QUEUE_ALLOWED_HOSTS" in error["message_vi"] and "QUEUE_ALLOWED_HOSTS" in error["message_en"]
            assert ask(server, evil, "/ws", websocket=True)[0] == 403  # the handshake is refused
            assert ask(server, evil, "/")[0] == 421  # the pages too
        own = [
            f"127.0.0.1:{port}",
            f"localhost:{port}",
            f"[::1]:{port}",
            "hangdoi.benhvien.example:8443",
            f"queue.lan:{port}",
            f"quay.local:{port}",
            f"{socket.gethostname()}:{port}",
        ]
        own += [f"[{a}]:{port}" if ":" in a else f"{a}:{port}" for a in lan]  # the LAN, out of the box
        for name in own:
            assert ask(server, name)[0] == 200, name
            assert ask(server, name, "/ws", websocket=True)[0] == 101, name
    finally:
        server.kill()


def test_a_host_header_names_one_host() -> None:
    assert host_name("[::1]:8000") == "::1" and host_name("::1") == "::1"
    assert host_name("Example.ORG.:443") == "example.org" and host_name("10.0.0.7") == "10.0.0.7"
    assert host_name("") == "" and host_name("[broken") == ""
