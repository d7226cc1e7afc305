"""The login limits' counts in PostgreSQL (``server/pg_logins.py``), against a real PostgreSQL 15:
two ``SharedLogins`` on one database stand for two processes of a site. The limit holds across
them, a success is seen by both, the table stays bounded under a flood of addresses, a failure of
PostgreSQL refuses the login ("try again"), and a database of the previous schema is upgraded."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator

import msgspec
import psycopg
import pytest

from server import pg_schema
from server.domain import events as ev
from server.domain.errors import DomainError
from server.domain.logins import LoginRules
from server.pg_log import PgLog
from server.pg_logins import OVERFLOW, SharedLogins


@pytest.fixture
async def site(pg_url: str) -> AsyncIterator[str]:
    log = PgLog(pg_url, "bv-a")
    await log.open()  # the schema and the site's row
    await log.close()
    yield pg_url


async def refusal(limits: SharedLogins, address: str, user: str, now: float) -> DomainError:
    with pytest.raises(DomainError) as err:
        await limits.begin(address, user, True, now)
    return err.value


def rows(url: str) -> list[tuple[str, int]]:
    with psycopg.connect(url) as conn:
        found = conn.execute("SELECT key, cardinality(times) FROM login_attempts ORDER BY key").fetchall()
    return [(str(k), int(n)) for k, n in found]


async def test_five_failures_on_two_processes_refuse_the_sixth_on_either(site: str) -> None:
    one, two = SharedLogins(site, "bv-a"), SharedLogins(site, "bv-a")
    try:
        for n in range(5):  # failures, spread over both (none succeeds)
            await (one if n % 2 else two).begin("10.0.0.1", "lan", True, 1000.0 + n)
        for limits in (one, two):
            err = await refusal(limits, "10.0.0.1", "lan", 1004.5)
            assert err.code == "too_many_attempts" and err.params["seconds"] == 2  # 2 s after the last
        await two.begin("10.0.0.1", "binh", True, 1004.5)  # another user from there: not held
        await one.begin("10.0.0.1", "lan", True, 1006.5)  # the wait is over: the right password
        await one.succeeded("10.0.0.1", "lan")
        assert rows(site) == [("10.0.0.1", 6), ("10.0.0.1|binh", 1)]  # the user's failures forgotten
        for n in range(5):  # on the other process too: five tries again before a wait
            await two.begin("10.0.0.1", "lan", True, 1007.0 + n)
        assert (await refusal(one, "10.0.0.1", "lan", 1011.5)).code == "too_many_attempts"
    finally:
        await one.close()
        await two.close()


async def test_parallel_guesses_through_two_processes_are_counted_once_each(site: str) -> None:
    one, two = SharedLogins(site, "bv-a"), SharedLogins(site, "bv-a")
    try:
        tries = [(one if n % 2 else two).begin("10.0.0.2", "lan", True, 2000.0) for n in range(40)]
        outcomes = await asyncio.gather(*tries, return_exceptions=True)
        assert sum(o is None for o in outcomes) == 5, outcomes
        assert all(isinstance(o, DomainError) and o.code == "too_many_attempts" for o in outcomes if o is not None)
    finally:
        await one.close()
        await two.close()


async def test_a_flood_of_addresses_and_names_leaves_the_table_bounded_never_unlimited(site: str) -> None:
    rules = LoginRules(per_user=5, per_address=20)
    one, two = SharedLogins(site, "bv-a", rules, max_rows=50), SharedLogins(site, "bv-a", rules, max_rows=50)
    try:
        await one.begin("10.9.9.9", "lan", True, 3000.0)  # a reception PC, counted before the flood
        refused = 0
        for n in range(400):  # made-up names from ever new addresses, through both processes
            try:
                await (one if n % 2 else two).begin(f"10.1.{n // 250}.{n % 250}", f"name-{n}", False, 3000.0)
            except DomainError as err:
                assert err.code == "too_many_attempts"
                refused += 1
        found = dict(rows(site))
        assert len(found) <= 50 + 2, len(found)  # the cap (two processes may pass it by a row each)
        assert found[OVERFLOW] == 20 and refused > 300  # past the cap: one shared count, with its limit
        await one.begin("10.9.9.9", "lan", True, 3001.0)  # an address with its row keeps its own count
        await one.succeeded("10.9.9.9", "lan")
        assert "10.9.9.9|lan" not in dict(rows(site))
        await two.begin("10.9.9.9", "made-up", False, 3000.0 + 901)  # a window later: stale rows pruned
        assert rows(site) == [("10.9.9.9", 1), ("10.9.9.9|?", 1)]
    finally:
        await one.close()
        await two.close()


async def test_a_process_hung_inside_a_logins_transaction_holds_the_others_for_seconds_only(site: str) -> None:
    hung, other = SharedLogins(site, "bv-a"), SharedLogins(site, "bv-a")
    try:
        await hung.begin("10.0.0.5", "lan", True, 6000.0)
        conn = await hung._ready()  # as if the process stopped inside a login's transaction
        await conn.execute("BEGIN")
        await conn.execute("SELECT * FROM login_attempts WHERE key = '10.0.0.5' FOR UPDATE")
        t0 = time.monotonic()
        await other.begin("10.0.0.5", "lan", True, 6001.0)  # waits for the row, then counts
        assert 1.5 < time.monotonic() - t0 < 4.5
        assert rows(site) == [("10.0.0.5", 2), ("10.0.0.5|lan", 2)]
        await hung.begin("10.0.0.5", "lan", True, 6002.0)  # its session ended: it connects again
        assert rows(site) == [("10.0.0.5", 3), ("10.0.0.5|lan", 3)]
    finally:
        await hung.close()
        await other.close()


async def test_postgresql_down_refuses_the_login_with_try_again_and_it_works_once_back(site: str) -> None:
    limits = SharedLogins(site, "bv-a")
    name = site.rsplit("/", 1)[1]
    admin = site.rsplit("/", 1)[0] + "/postgres"
    try:
        await limits.begin("10.0.0.3", "lan", True, 4000.0)
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS false'.encode())
            conn.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s", (name,))
        for _ in range(2):
            with pytest.raises(DomainError) as err:
                await limits.begin("10.0.0.3", "lan", True, 4001.0)
            assert err.value.key == "storage_error.login" and err.value.status == 503
            assert "thử lại" in err.value.message_vi and "try again" in err.value.message_en
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true'.encode())
        await limits.begin("10.0.0.3", "lan", True, 4002.0)  # connected again
        assert rows(site) == [("10.0.0.3", 2), ("10.0.0.3|lan", 2)]  # the refused ones not counted
    finally:
        await limits.close()


async def test_a_database_of_the_previous_version_is_upgraded_and_keeps_its_log(pg_url: str) -> None:
    e = ev.TicketIssued(ticket=1, service="A", number=1, label="A001", day="2026-12-07")
    record = ev.Record(seq=1, at=1_796_000_000.0, actor="device:kiosk-1", event=e)
    async with await psycopg.AsyncConnection.connect(pg_url, autocommit=True) as conn:
        assert await pg_schema.apply(conn, pg_schema.MIGRATIONS[:2]) == [1, 2]  # the previous version
        await pg_schema.ensure_site(conn, "bv-a")
        await conn.execute(
            "INSERT INTO events (site, seq, at, actor, type, body) VALUES ('bv-a', 1, %s, %s, 'TicketIssued', %s)",
            (record.at, record.actor, msgspec.json.encode(record)),
        )
        await conn.execute("UPDATE sites SET seq = 1 WHERE site = 'bv-a'")
    again = PgLog(pg_url, "bv-a")
    await again.open()  # this version: applies 3
    try:
        assert [r.seq for batch in [b async for b in again.records()] for r in batch] == [1]
    finally:
        await again.close()
    with psycopg.connect(pg_url) as conn:
        versions = [v for (v,) in conn.execute("SELECT version FROM schema_migrations ORDER BY version")]
    assert versions == [1, 2, 3]
    limits = SharedLogins(pg_url, "bv-a")
    try:
        await limits.begin("10.0.0.4", "lan", True, 5000.0)
    finally:
        await limits.close()
