"""A province in one PostgreSQL (issue 21, item 3): two facilities' servers on one database,
each with ``QUEUE_SITE``, and the province view reading both sites from it. Nothing crosses: a
session or device token of one facility is refused by the other's API and socket, one
facility's events never reach the other's screens nor its sequence, and the reports stay apart;
the province's figures and report are the sum of theirs. PostgreSQL 15 is started by the tests
(tests/pg_harness.py); under CI=true its absence fails."""

from __future__ import annotations

import asyncio
import datetime as dt
import urllib.error
import zoneinfo
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from websockets.exceptions import ConnectionClosed

from .province_harness import ProvinceProc, a_morning, facility
from .server_harness import Client, ServerProc

VN = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")


@pytest.fixture
def two(tmp_path: Path, pg_url: str) -> Iterator[tuple[ServerProc, ServerProc]]:
    a = facility(tmp_path / "a", "tyt-an-binh", "Trạm Y tế xã An Bình", QUEUE_DATABASE=pg_url)
    b = facility(tmp_path / "b", "ttyt-hoa-an", "Trung tâm Y tế huyện Hòa An", QUEUE_DATABASE=pg_url)
    yield a, b
    a.kill()
    b.kill()


async def refused_hello(site: ServerProc, **hello: object) -> str:
    c = await Client.connect(site.ws_url)
    await c.send({"type": "hello", **hello})
    msg = await c.recv()
    with pytest.raises(ConnectionClosed) as closed:
        await c.recv()
    assert closed.value.rcvd is not None and closed.value.rcvd.code == 4001
    return str(msg["code"])


async def test_two_facilities_in_one_postgresql_see_nothing_of_each_other(
    two: tuple[ServerProc, ServerProc], pg_url: str, tmp_path: Path
) -> None:
    a, b = two
    admin_a, admin_b = a.login(), b.login()
    assert admin_a != admin_b
    board_b = await Client.connect(b.ws_url)
    await board_b.hello("admin", admin_b)

    await a_morning(a, ["A", "A", "N"], served=1)  # facility A's morning ...
    with pytest.raises(asyncio.TimeoutError):  # ... never reaches facility B's screens
        await board_b.next_event(timeout=1.0)

    # a token of A at B: its API and its socket refuse it (sessions and devices are per site)
    try:
        b.get_json_auth("/api/reports?from=2026-12-01", admin_a)
        raise AssertionError("B accepted A's session")
    except urllib.error.HTTPError as e:
        assert e.code == 401
    assert await refused_hello(b, role="admin", token=admin_a) == "unauthenticated"
    assert await refused_hello(b, role="kiosk", token=a.device_tokens()["kiosk-1"]) == "unauthenticated"
    assert await refused_hello(a, role="counter", token=admin_b, counter=1) == "unauthenticated"

    await a_morning(b, ["A", "A", "S"], served=2)
    seq_a, seq_b = a.get("/api/health")["seq"], b.get("/api/health")["seq"]
    with psycopg.connect(pg_url) as conn:  # each site its own gapless sequence, its own rows
        for code, last in (("tyt-an-binh", seq_a), ("ttyt-hoa-an", seq_b)):
            seqs = [s for (s,) in conn.execute("SELECT seq FROM events WHERE site = %s ORDER BY seq", (code,))]
            assert seqs == list(range(1, last + 1)), code
        sites = {s for (s,) in conn.execute("SELECT DISTINCT site FROM sessions")}
        assert sites == {"tyt-an-binh", "ttyt-hoa-an"}

    today = dt.datetime.now(VN).date().isoformat()
    own_a = a.get_json_auth(f"/api/reports?from={today}", a.login())
    own_b = b.get_json_auth(f"/api/reports?from={today}", b.login())
    assert (own_a["total"]["issued"], own_b["total"]["issued"]) == (3, 3)
    assert (own_a["unit"], own_b["unit"]) == ("Trạm Y tế xã An Bình", "Trung tâm Y tế huyện Hòa An")

    role = f"reader_{pg_url.rsplit('/', 1)[1]}"  # roles are the cluster's: one per test database
    with psycopg.connect(pg_url, autocommit=True) as conn:  # the province's role may only read
        conn.execute(f'CREATE ROLE "{role}" LOGIN'.encode())
        conn.execute(f'GRANT SELECT ON ALL TABLES IN SCHEMA public TO "{role}"'.encode())
    reader = pg_url.replace("postgresql://postgres@", f"postgresql://{role}@")
    listed = {"tyt-an-binh": "", "ttyt-hoa-an": "", "tyt-chua-chay": ""}  # the third has no server yet
    province = ProvinceProc(tmp_path / "province", listed, QUEUE_DATABASE=reader)
    province.start()
    try:
        token = province.login()
        board = province.wait_for(token, {"tyt-an-binh": seq_a, "ttyt-hoa-an": seq_b})
        by_code = {s["code"]: s for s in board["sites"]}
        assert (by_code["tyt-an-binh"]["issued"], by_code["ttyt-hoa-an"]["issued"]) == (3, 3)
        assert board["total"]["issued"] == 6 and board["total"]["served"] == 3
        assert by_code["tyt-chua-chay"] == {"code": "tyt-chua-chay", "name": "tyt-chua-chay", "available": False}
        status, none = province.call("GET", f"/api/province/reports?from={today}&site=tyt-chua-chay", token=token)
        assert status == 503 and none["error"]["code"] == "site_unavailable", none
        with psycopg.connect(pg_url) as conn:  # every site read through one read-only connection
            held = conn.execute("SELECT count(*) FROM pg_stat_activity WHERE usename = %s", (role,)).fetchone()
            assert held == (1,)
        status, whole = province.call("GET", f"/api/province/reports?from={today}", token=token)
        assert status == 200, whole
        for figure in ("issued", "served", "missed"):
            assert whole["total"][figure] == own_a["total"][figure] + own_b["total"][figure]
        assert {r["key"]: r["issued"] for r in whole["by_site"]} == {"tyt-an-binh": 3, "ttyt-hoa-an": 3}

        await a_morning(a, ["B"], served=0)  # the province follows the facility's log as it grows
        board = province.wait_for(token, {"tyt-an-binh": a.get("/api/health")["seq"]})
        assert board["total"]["issued"] == 7
    finally:
        province.kill()
