"""Staff sessions shared by the processes of one site (``server/auth.py``'s ``Sessions``): two
instances on one log stand for two processes. A login on one is found at once on the other, a
logout there is told to its sockets, and the lookups a client's tokens cause are bounded."""

from __future__ import annotations

from typing import Any

from server.auth import Session, Sessions, new_token, token_hash
from server.eventlog import EventLog, SessionRow

from .logs import LogStore


async def test_one_session_is_read_by_its_hash(logs: LogStore) -> None:
    log = logs.make()
    await log.open()
    try:
        await log.save_session(SessionRow(token_hash="h1", username="an", created=1.0, expires=10.0))
        assert await log.session("h1") == SessionRow(token_hash="h1", username="an", created=1.0, expires=10.0)
        assert await log.session("h2") is None
    finally:
        await log.close()


async def test_a_login_on_one_process_is_found_at_once_on_the_other(logs: LogStore) -> None:
    log = logs.make()
    await log.open()
    try:
        here, there = Sessions(log), Sessions(log)
        await here.load(100.0)
        await there.load(100.0)  # read a moment before the login
        token, _ = await there.create("an", 100.2)
        assert here.get(token, 100.3) is None
        found = await here.find(token, 100.3)
        assert found is not None and found.username == "an"
        assert here.get(token, 100.4) == found  # kept: the next request reads no database
        assert await here.find(new_token(), 100.5) is None  # an unknown token: unknown
        assert await here.find("", 100.5) is None
        assert await here.find(token, found.expires + 1) is None  # expired
    finally:
        await log.close()


async def test_unknown_tokens_are_looked_up_a_bounded_number_of_times_a_second(logs: LogStore) -> None:
    log = logs.make()
    await log.open()
    try:
        here, there = Sessions(log), Sessions(log)
        for n in range(Sessions.LOOKUPS_PER_SECOND):
            assert await here.find(new_token(), 200.1, f"10.0.{n // 200}.{n % 200}") is None
        token, _ = await there.create("an", 200.2)
        assert await here.find(token, 200.9, "10.1.0.1") is None  # the second's lookups spent: not looked up
        assert await here.find(token, 201.0, "10.1.0.1") is not None  # the next second
    finally:
        await log.close()


async def test_a_flood_of_made_up_tokens_from_one_address_leaves_the_others_their_lookups(logs: LogStore) -> None:
    """A flood of random bearer tokens (about 84 a second in the review) from one address spent
    the whole process's lookups, and one fresh login in nine, made on another process, was
    refused here. Now one address spends its own share only."""
    log = logs.make()
    await log.open()
    try:
        here, there = Sessions(log), Sessions(log)
        found = 0
        for second in range(300, 305):
            for i in range(100):  # 100 made-up tokens a second from the flooding address ...
                assert await here.find(new_token(), second + i / 100, "203.0.113.9") is None
                if i % 10 == 5:  # ... and, among them, ten fresh logins a second from the wards
                    token, _ = await there.create("an", second + i / 100)
                    found += await here.find(token, second + i / 100, f"10.0.5.{i}") is not None
        assert found == 50
        spent = here.lookups_by["203.0.113.9"]
        assert spent == Sessions.LOOKUPS_PER_ADDRESS  # the flood got its share of the last second, no more
    finally:
        await log.close()


class Interleaved:
    """A log whose ``sessions`` read lets something happen while it is under way."""

    def __init__(self, log: EventLog) -> None:
        self.log = log
        self.meanwhile: Any = None

    async def sessions(self, now: float) -> list[SessionRow]:
        rows = await self.log.sessions(now)
        if self.meanwhile is not None:
            await self.meanwhile()
        return rows

    def __getattr__(self, name: str) -> Any:
        return getattr(self.log, name)


async def test_reading_every_session_tells_those_ended_elsewhere_and_keeps_what_changed_here(logs: LogStore) -> None:
    log = logs.make()
    await log.open()
    try:
        wrapped = Interleaved(log)
        here, there = Sessions(wrapped), Sessions(log)  # type: ignore[arg-type]
        gone: list[set[str]] = []
        here.on_gone = gone.append
        stays, _ = await there.create("an", 300.0)
        logged_out, _ = await there.create("binh", 300.0)
        ended_here, _ = await there.create("chi", 300.0)
        await here.load(300.1)
        await there.revoke(logged_out)  # a logout on the other process
        opened: list[str] = []

        async def meanwhile() -> None:  # while this process reads: a login here, a logout here
            opened.append((await here.create("dung", 300.3))[0])
            await here.revoke(ended_here)

        wrapped.meanwhile = meanwhile
        await here.load(300.2)
        assert gone == [{token_hash(logged_out)}]
        assert set(here.by_hash) == {token_hash(stays), token_hash(opened[0])}
        assert isinstance(here.get(opened[0], 300.4), Session)
        wrapped.meanwhile = None
        await here.load(300.5)
        assert gone == [{token_hash(logged_out)}]  # nothing more ended
    finally:
        await log.close()
