"""A writer that hangs instead of dying (decision 0014, "a hung writer"): ``kill -STOP`` keeps
its sockets, hence its PostgreSQL session and the site's lock. The followers see its beat stop,
end its session, one of them takes the role within seconds, and the stale writer, woken, commits
nothing and steps down. A follower that cannot reach a writer answers before the pages give up."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import time
from pathlib import Path

import psycopg
import pytest
import websockets

from server.domain import events as ev

from .cluster_harness import Processes
from .pg_harness import PgCluster
from .server_harness import Client
from .test_cluster import read_log

PAGE_TIMEOUT = 10.0  # clients/shared: a page gives up a command after this long


async def test_a_stopped_writer_loses_the_role_and_commits_nothing_when_woken(
    tmp_path: Path, pg_cluster: PgCluster
) -> None:
    database = pg_cluster.create_db()
    site_procs = Processes(tmp_path, database, n=3)
    writer, follower, third = site_procs.procs
    try:
        writer.start()
        follower.start()
        third.start()
        assert site_procs.writer_url() == (writer.http, 1)
        token = writer.device_tokens()["kiosk-1"]
        kiosk = await Client.connect(follower.ws_url)
        await kiosk.hello("kiosk", token)
        assert (await kiosk.command({"type": "issue_ticket", "service": "N"}, key="before"))["type"] == "ack"
        stale = await Client.connect(writer.ws_url)
        await stale.hello("kiosk", token)

        os.kill(writer.pid, signal.SIGSTOP)
        stopped = time.monotonic()
        # a command sent to the stopped writer itself: it lies in its socket until it wakes
        command = {"type": "issue_ticket", "service": "N"}
        await stale.send({"type": "cmd", "id": "s1", "key": "to-the-stale-writer", "command": command})
        replies, n = [], 0
        while True:  # as a page does: the same key again after a storage_error (answered in time)
            sent = time.monotonic()
            reply = await kiosk.command({"type": "issue_ticket", "service": "N"}, key="during", timeout=PAGE_TIMEOUT)
            replies.append((round(time.monotonic() - sent, 2), reply["type"], reply.get("code")))
            if reply["type"] == "ack":
                break
            assert reply["code"] == "storage_error", reply
            n += 1
            assert n < 5, replies
        failover = time.monotonic() - stopped
        new_writer, epoch = site_procs.writer_url()
        assert new_writer in (follower.http, third.http) and epoch == 2, (new_writer, epoch)
        print(f"\nSIGSTOPped writer -> next ack through a follower: {failover:.2f} s; replies {replies}")
        assert failover < 12.0, replies

        os.kill(writer.pid, signal.SIGCONT)
        assert writer.proc is not None and await asyncio.to_thread(writer.proc.wait, 15) == 75
        writer.proc = None
        with pytest.raises((websockets.ConnectionClosed, TimeoutError)):
            for _ in range(100):
                msg = await stale.recv(timeout=5)
                assert msg["type"] != "ack", msg
        with psycopg.connect(database, autocommit=True) as conn:
            keys = [str(k) for (k,) in conn.execute("SELECT key FROM commands WHERE site = 'main'").fetchall()]
        assert not [k for k in keys if k.endswith("|to-the-stale-writer")], keys
        issued = [r.event.label for r in read_log(database) if isinstance(r.event, ev.TicketIssued)]
        assert issued == ["N001", "N002"], issued
        assert "gave no sign of life" in (follower.log_path.read_text() + third.log_path.read_text())
    finally:
        if writer.proc is not None:
            os.kill(writer.pid, signal.SIGCONT)
        site_procs.stop()
        pg_cluster.drop_db(database)


async def test_a_follower_answers_before_the_page_gives_up(tmp_path: Path, pg_cluster: PgCluster) -> None:
    """The site's row names a writer that takes connections and never answers (a machine
    stopped): the follower answers storage_error ("try again") before the page's 10 s."""
    database = pg_cluster.create_db()
    site_procs = Processes(tmp_path, database, n=2)
    writer, follower = site_procs.procs
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(64)  # the kernel completes the handshakes; nobody reads
    try:
        writer.start()
        follower.start()
        with psycopg.connect(database, autocommit=True) as conn:
            silent_url = f"http://127.0.0.1:{silent.getsockname()[1]}"
            conn.execute("UPDATE sites SET writer = %s WHERE site = 'main'", (silent_url,))
        kiosk = await Client.connect(follower.ws_url)
        await kiosk.hello("kiosk", writer.device_tokens()["kiosk-1"])
        sent = time.monotonic()
        reply = await kiosk.command({"type": "issue_ticket", "service": "N"}, key="k1", timeout=30)
        took = time.monotonic() - sent
        assert reply["type"] == "error" and reply["code"] == "storage_error", reply
        assert "thử lại" in reply["message_vi"] and "try again" in reply["message_en"], reply
        assert took < PAGE_TIMEOUT - 1.0, took
    finally:
        silent.close()
        site_procs.stop()
        pg_cluster.drop_db(database)
