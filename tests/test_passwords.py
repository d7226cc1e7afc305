"""Passwords are set only where the policy is checked (issue 17, item 8): the websocket refuses
the commands that carry a password hash; a user changes their own password and an administrator
resets another's over HTTP, with the policy, the login limits and the sessions ended; the first
run's generated administrator password is flagged until it is changed."""

from __future__ import annotations

import asyncio
from pathlib import Path

from server import auth

from .server_harness import ADMIN_PASSWORD, Client, ServerProc


def login(server: ServerProc, username: str, password: str) -> tuple[int, dict]:
    return server.post("/api/login", {"username": username, "password": password})


def change(server: ServerProc, token: str, current: str, new: str) -> tuple[int, dict]:
    return server.post("/api/password", {"current_password": current, "new_password": new}, token)


async def test_the_websocket_refuses_commands_that_carry_a_password_hash(server: ServerProc) -> None:
    server.create_staff(server.login(), "quay1", [1])
    boss = await Client.connect(server.ws_url)
    await boss.hello("admin", server.login())
    one_char = await asyncio.to_thread(auth.hash_password, "a")
    create = {"type": "create_staff", "username": "eve", "full_name": "Eve", "role": "admin", "password_hash": one_char}
    for command in (create, {"type": "set_staff_password", "username": "quay1", "password_hash": one_char}):
        answer = await boss.command(command)
        assert (answer["type"], answer["code"]) == ("error", "forbidden"), answer
        assert "HTTP" in answer["message_en"]
    assert login(server, "eve", "a")[0] == 401
    assert login(server, "quay1", "a")[0] == 401
    assert login(server, "quay1", "quay1-password")[0] == 200


def test_an_admin_resets_a_password_under_the_policy_and_the_user_s_sessions_end(server: ServerProc) -> None:
    boss = server.login()
    old_session = server.create_staff(boss, "quay1", [1])
    url = "/api/staff/quay1/password"
    for password, code in (("short", "weak_password"), ("x" * 257, "weak_password")):
        status, body = server.post(url, {"password": password}, boss)
        assert (status, body["error"]["code"]) == (400, code)
    assert server.post("/api/staff/nobody/password", {"password": "long-enough-1"}, boss)[1]["error"]["code"] == (
        "unknown_staff"
    )
    assert server.post(url, {"password": "long-enough-1"}, old_session)[0] == 403  # not an admin
    assert server.post(url, {"password": "long-enough-1"})[0] == 401
    assert login(server, "quay1", "quay1-password")[0] == 200  # nothing changed yet
    status, body = server.post(url, {"password": "long-enough-1"}, boss)
    assert (status, body) == (200, {"username": "quay1"})
    assert change(server, old_session, "quay1-password", "whatever-123")[0] == 401  # the session ended
    assert login(server, "quay1", "quay1-password")[0] == 401
    assert login(server, "quay1", "long-enough-1")[0] == 200


async def test_a_user_changes_their_own_password_and_keeps_only_the_fresh_session(server: ServerProc) -> None:
    server.create_staff(server.login(), "quay1", [1])
    this, other = server.login("quay1", "quay1-password"), server.login("quay1", "quay1-password")
    tablet = await Client.connect(server.ws_url)
    await tablet.hello("counter", other, counter=1)
    refusals = [
        (("wrong-password", "new-password-1"), 403, "bad_credentials"),
        (("quay1-password", "short"), 400, "weak_password"),
        (("quay1-password", "quay1-password"), 400, "weak_password"),
    ]
    for (current, new), status, code in refusals:
        got, body = await asyncio.to_thread(change, server, this, current, new)
        assert (got, body["error"]["code"]) == (status, code)
    status, body = await asyncio.to_thread(change, server, this, "quay1-password", "new-password-1")
    assert status == 200, body
    assert body["username"] == "quay1" and body["token"] not in (this, other)
    assert body["must_change_password"] is False
    with_old = await Client.connect(server.ws_url)  # both old sessions ended
    for token in (this, other):
        await with_old.send({"type": "hello", "role": "counter", "token": token, "counter": 1})
        assert (await with_old.recv())["code"] == "unauthenticated"
        with_old = await Client.connect(server.ws_url)
    await with_old.hello("counter", body["token"], counter=1)  # the fresh one works
    assert login(server, "quay1", "quay1-password")[0] == 401
    assert login(server, "quay1", "new-password-1")[0] == 200


def test_the_fresh_session_outlives_a_restart(tmp_path: Path) -> None:
    server = ServerProc(tmp_path / "data").start()
    try:
        status, body = change(server, server.login(), ADMIN_PASSWORD, "a-new-admin-password")
        assert status == 200
        server.kill()
        server.start()
        assert "devices" in server.get_json_auth("/api/fleet", body["token"])
    finally:
        server.kill()


def test_changing_a_password_is_limited_like_a_login(server: ServerProc) -> None:
    token = server.login()
    codes = [change(server, token, f"guess-{i}", "new-password-1")[0] for i in range(7)]
    assert codes == [403] * 5 + [429] * 2, codes
    status, body = change(server, token, ADMIN_PASSWORD, "new-password-1")
    assert (status, body["error"]["code"]) == (429, "too_many_attempts")
    assert server.post("/api/password", {"current_password": "x", "new_password": "y" * 9})[0] == 401


def test_the_generated_first_password_must_be_changed(tmp_path: Path) -> None:
    server = ServerProc(tmp_path / "data", QUEUE_ADMIN_PASSWORD="").start()
    try:
        generated = (tmp_path / "data" / "admin-password.txt").read_text().strip()
        status, body = login(server, "admin", generated)
        assert (status, body["must_change_password"]) == (200, True)
        status, body = change(server, body["token"], generated, "the-admin-s-own-1")
        assert (status, body["must_change_password"]) == (200, False)
        assert not (tmp_path / "data" / "admin-password.txt").exists()  # no stale password left on disk
        assert login(server, "admin", "the-admin-s-own-1")[1]["must_change_password"] is False
    finally:
        server.kill()
    given = ServerProc(tmp_path / "given").start()  # QUEUE_ADMIN_PASSWORD: chosen, not generated
    try:
        assert login(given, "admin", ADMIN_PASSWORD)[1]["must_change_password"] is False
    finally:
        given.kill()
