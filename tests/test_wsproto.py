"""The trimmed parts of uvicorn's websocket protocol behave as the asyncio parts they replace."""

from __future__ import annotations

import asyncio

import pytest

from server.wsproto import Gate, Inbox


async def test_inbox_gives_messages_in_order_and_waits_for_the_next() -> None:
    inbox = Inbox()
    assert inbox.empty() and inbox.qsize() == 0
    inbox.put_nowait(1)
    inbox.put_nowait(2)
    assert not inbox.empty() and inbox.qsize() == 2
    assert [await inbox.get(), await inbox.get()] == [1, 2]
    assert inbox.empty()
    reader = asyncio.ensure_future(inbox.get())
    await asyncio.sleep(0)
    assert not reader.done()
    inbox.put_nowait(3)
    inbox.put_nowait(4)
    assert await reader == 3
    assert await inbox.get() == 4


async def test_a_reader_cancelled_while_waiting_loses_nothing() -> None:
    inbox = Inbox()
    reader = asyncio.ensure_future(inbox.get())
    await asyncio.sleep(0)
    reader.cancel()
    with pytest.raises(asyncio.CancelledError):
        await reader
    inbox.put_nowait("hello")
    assert await asyncio.wait_for(inbox.get(), 1) == "hello"


async def test_a_message_put_as_the_reader_is_cancelled_stays_for_the_next_read() -> None:
    inbox = Inbox()
    reader = asyncio.ensure_future(inbox.get())
    await asyncio.sleep(0)
    inbox.put_nowait("x")  # the waiter is resolved ...
    reader.cancel()  # ... and the reader cancelled before it ran
    with pytest.raises(asyncio.CancelledError):
        await reader
    assert await asyncio.wait_for(inbox.get(), 1) == "x"


async def test_gate_open_passes_closed_holds_every_writer_until_opened() -> None:
    gate = Gate()
    assert gate.is_set() and await gate.wait()
    gate.clear()
    assert not gate.is_set()
    writers = [asyncio.ensure_future(gate.wait()) for _ in range(3)]
    await asyncio.sleep(0.01)
    assert not any(w.done() for w in writers)
    gate.set()
    assert await asyncio.gather(*writers) == [True, True, True]
    assert gate.is_set()


async def test_a_writer_cancelled_at_a_closed_gate_is_forgotten() -> None:
    gate = Gate()
    gate.clear()
    gone = asyncio.ensure_future(gate.wait())
    stays = asyncio.ensure_future(gate.wait())
    await asyncio.sleep(0)
    gone.cancel()
    with pytest.raises(asyncio.CancelledError):
        await gone
    assert gate._waiters is not None and len(gate._waiters) == 1
    gate.set()
    assert await stays
    assert gate._waiters is None
