"""Revocation reaches open sockets (issue 17, item 1): a revoked kiosk token, a logged-out
session, a disabled account and a changed password each close the websockets opened with them
at once (close code 4001, reason "revoked"), and nothing more is issued through them."""

from __future__ import annotations

import asyncio

import pytest
from websockets.exceptions import ConnectionClosed

from .server_harness import Client, ServerProc


async def closed_with(client: Client) -> tuple[int, str]:
    """Read until the server closes the socket; its close code and reason."""
    with pytest.raises(ConnectionClosed) as closed:
        for _ in range(100):
            await client.recv(timeout=5)
    assert closed.value.rcvd is not None, "closed without a close frame"
    return closed.value.rcvd.code, closed.value.rcvd.reason


async def admin(server: ServerProc) -> Client:
    c = await Client.connect(server.ws_url)
    await c.hello("admin", server.login())
    return c


async def test_a_revoked_kiosk_is_closed_and_issues_nothing_more(server: ServerProc) -> None:
    kiosk = await Client.connect(server.ws_url)
    await kiosk.hello("kiosk", server.device_tokens()["kiosk-1"])
    assert (await kiosk.command({"type": "issue_ticket", "service": "B"}))["type"] == "ack"
    boss = await admin(server)
    assert (await boss.command({"type": "revoke_device", "device": "kiosk-1"}))["type"] == "ack"
    assert await closed_with(kiosk) == (4001, "revoked")
    again = await Client.connect(server.ws_url)
    await again.send({"type": "hello", "role": "kiosk", "token": server.device_tokens()["kiosk-1"]})
    assert (await again.recv())["code"] == "unauthenticated"
    assert server.get("/api/state")["view"]["waiting"]["B"] == 1  # B001 only
    other = await Client.connect(server.ws_url)  # the other devices are untouched
    await other.hello("tv", server.device_tokens()["tv-tang-1"])


async def test_a_logout_closes_what_that_session_opened_only(server: ServerProc) -> None:
    server.create_staff(server.login(), "quay1", [1])
    first, second = server.login("quay1", "quay1-password"), server.login("quay1", "quay1-password")
    tablet, laptop = await Client.connect(server.ws_url), await Client.connect(server.ws_url)
    await tablet.hello("counter", first, counter=1)
    await laptop.hello("counter", second, counter=1)
    assert server.post("/api/logout", {}, first)[0] == 200
    assert await closed_with(tablet) == (4001, "revoked")
    assert (await laptop.command({"type": "open_counter", "counter": 1}))["type"] == "ack"  # still signed in


@pytest.mark.parametrize("change", ["disable", "password"])
async def test_a_disabled_account_or_a_new_password_ends_every_session(server: ServerProc, change: str) -> None:
    server.create_staff(server.login(), "quay1", [1])
    token = server.login("quay1", "quay1-password")
    counter = await Client.connect(server.ws_url)
    await counter.hello("counter", token, counter=1)
    boss = await admin(server)
    if change == "disable":
        command = {"type": "set_staff_active", "username": "quay1", "active": False}
        assert (await boss.command(command))["type"] == "ack"
    else:  # passwords are set over HTTP only (the policy)
        status, _ = await asyncio.to_thread(
            server.post, "/api/staff/quay1/password", {"password": "a-new-password-1"}, server.login()
        )
        assert status == 200
    assert await closed_with(counter) == (4001, "revoked")
    again = await Client.connect(server.ws_url)
    await again.send({"type": "hello", "role": "counter", "token": token, "counter": 1})
    assert (await again.recv())["code"] == "unauthenticated"  # the old session is gone
    assert (await boss.command({"type": "open_counter", "counter": 2}))["type"] == "ack"  # the admin is not
