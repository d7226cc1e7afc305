"""HTTP side of the server: login, admin endpoints, public state, static pages and headers."""

from __future__ import annotations

import json
import urllib.error
import urllib.request

from .server_harness import ADMIN_PASSWORD, ServerProc


def test_health_and_static_pages(server: ServerProc) -> None:
    health = server.get("/api/health")
    assert health["status"] == "ok" and health["seq"] > 0
    with urllib.request.urlopen(server.http + "/") as r:
        body = r.read().decode()
        assert "Hệ thống xếp hàng" in body
        assert "script-src 'self'" in r.headers["content-security-policy"]
        assert r.headers["x-content-type-options"] == "nosniff"
    for page in ("kiosk", "counter", "tv"):
        with urllib.request.urlopen(f"{server.http}/{page}/") as r:
            assert r.status == 200


def test_login_and_rate_limit(server: ServerProc) -> None:
    status, body = server.post("/api/login", {"username": "admin", "password": "wrong"})
    assert status == 401 and body["error"]["code"] == "bad_credentials"
    assert body["error"]["message_vi"] == "Sai tên đăng nhập hoặc mật khẩu."
    status, body = server.post("/api/login", {"username": "nobody", "password": "wrong"})
    assert status == 401
    for _ in range(4):
        server.post("/api/login", {"username": "admin", "password": "wrong"})
    status, body = server.post("/api/login", {"username": "admin", "password": ADMIN_PASSWORD})
    assert status == 429 and body["error"]["code"] == "too_many_attempts", body
    assert "giây" in body["error"]["message_vi"]


def test_login_gives_a_session_that_logout_ends(server: ServerProc) -> None:
    status, body = server.post("/api/login", {"username": "admin", "password": ADMIN_PASSWORD})
    assert status == 200 and body["role"] == "admin" and len(body["token"]) > 30
    status, _ = server.post(
        "/api/staff",
        {"username": "x1", "full_name": "X", "role": "counter", "counters": [1], "password": "12345678"},
        body["token"],
    )
    assert status == 201
    server.post("/api/logout", {}, body["token"])
    status, err = server.post(
        "/api/staff", {"username": "x2", "full_name": "X", "role": "counter", "password": "12345678"}, body["token"]
    )
    assert status == 401 and err["error"]["code"] == "unauthenticated"


def test_sessions_survive_a_restart(server: ServerProc) -> None:
    token = server.login()
    server.kill()
    server.start()
    status, _ = server.post(
        "/api/staff",
        {"username": "after", "full_name": "A", "role": "counter", "counters": [2], "password": "12345678"},
        token,
    )
    assert status == 201


def test_admin_endpoints_refuse_others_and_bad_input(server: ServerProc) -> None:
    admin = server.login()
    lan = server.create_staff(admin, "lan", [1])
    status, body = server.post("/api/devices", {"device": "tv-9", "kind": "tv", "name": "TV"}, lan)
    assert status == 403 and body["error"]["code"] == "forbidden"
    status, body = server.post("/api/devices", {"device": "tv-9", "kind": "tv", "name": "TV"})
    assert status == 401
    status, body = server.post(
        "/api/staff", {"username": "weak", "full_name": "W", "role": "counter", "password": "123"}, admin
    )
    assert status == 400 and body["error"]["code"] == "weak_password"
    status, body = server.post(
        "/api/staff", {"username": "lan", "full_name": "L", "role": "counter", "password": "12345678"}, admin
    )
    assert status == 400 and body["error"]["code"] == "staff_exists"
    status, body = server.post(
        "/api/staff", {"username": "r", "full_name": "R", "role": "root", "password": "12345678"}, admin
    )
    assert status == 400 and body["error"]["code"] == "invalid_message"
    status, body = server.post("/api/devices", {"device": "tv-9", "kind": "tv", "name": "TV", "zone": "tang-9"}, admin)
    assert status == 400 and body["error"]["code"] == "unknown_zone"
    status, body = server.post("/api/devices", {"device": "tv-9", "kind": "tv", "name": "TV", "zone": "tang-2"}, admin)
    assert status == 201 and len(body["token"]) > 30
    req = urllib.request.Request(server.http + "/api/login", data=b"{not json", method="POST")
    try:
        urllib.request.urlopen(req).close()
        raise AssertionError("accepted bad JSON")
    except urllib.error.HTTPError as e:
        with e:
            assert e.code == 400 and json.loads(e.read())["error"]["code"] == "bad_json"


def test_public_state_and_ticket_status_hide_identity(server: ServerProc) -> None:
    import asyncio

    from .server_harness import Client

    async def issue() -> None:
        k = await Client.connect(server.ws_url)
        await k.hello("kiosk", server.device_tokens()["kiosk-1"])
        ident = {"source": "typed", "id_number": "079300000001", "name": "Trần Thị Bình"}
        ack = await k.command({"type": "issue_ticket", "service": "A", "identity": ident})
        assert ack["result"]["ticket"] == "A001"
        await k.close()

    asyncio.run(issue())
    state = server.get("/api/state")
    assert state["view"]["waiting"]["A"] == 1 and "tickets" not in state["view"]
    ticket = server.get("/api/tickets/A001")
    assert ticket["status"] == "waiting" and ticket["ahead"] == 0 and ticket["wait_minutes"] is None
    assert "079300000001" not in json.dumps(state) + json.dumps(ticket)
    assert server.get_status("/api/tickets/Z999") == 404
