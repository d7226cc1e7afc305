"""Several processes of one site under their service manager (deploy/hospital-queue@.service,
``Type=notify`` with ``WatchdogSec=``), with the real PostgreSQL: each says READY=1 once it
listens and has joined the site, as the writer or as a follower, with its role in STATUS; each
pings while it runs, a stopped follower does not (the writer goes on) and pings again when
continued; a follower that takes the role says so in a new STATUS; STOPPING=1 on SIGTERM."""

from __future__ import annotations

import signal
import time
from pathlib import Path

from .cluster_harness import Processes
from .notify_harness import Manager, answers, spawn
from .pg_harness import PgCluster
from .test_supervised import TERMINATED, WATCHDOG_USEC


def test_writer_and_follower_tell_their_manager(tmp_path: Path, pg_cluster: PgCluster) -> None:
    database = pg_cluster.create_db()
    site_procs = Processes(tmp_path, database, n=2)
    writer, follower = site_procs.procs
    writer_manager, follower_manager = Manager(tmp_path / "notify-1"), Manager()  # a path, an abstract name
    try:
        spawn(writer, writer_manager, WATCHDOG_USEC)
        ready = writer_manager.wait_for("READY", 30)
        assert answers(writer), "READY=1 before the port answers"
        # the first process may have read the log as a follower a moment before it took the lock
        if not ready["STATUS"].startswith("writer of site main (epoch 1), seq "):
            assert ready["STATUS"].startswith("follower of site main, seq "), ready
            writer_manager.wait_for("STATUS", 10, contains="writer of site main (epoch 1), seq ")
        assert site_procs.writer_url() == (writer.http, 1)

        spawn(follower, follower_manager, WATCHDOG_USEC)
        ready = follower_manager.wait_for("READY", 30)
        assert answers(follower), "READY=1 before the port answers"
        assert ready["STATUS"].startswith("follower of site main, seq "), ready
        assert len(follower_manager.pings(1.5)) >= 2 and len(writer_manager.pings(0.6)) >= 1

        follower.proc.send_signal(signal.SIGSTOP)  # type: ignore[union-attr]
        time.sleep(0.2)
        follower_manager.drain()
        writer_manager.drain()
        assert follower_manager.pings(2.5) == [], "a stopped follower pinged"
        assert len(writer_manager.pings(1.0)) >= 1, "the writer stopped pinging meanwhile"
        follower.proc.send_signal(signal.SIGCONT)  # type: ignore[union-attr]
        assert len(follower_manager.pings(2.0)) >= 2, "no ping after SIGCONT"

        killed = time.monotonic()
        writer.kill()  # SIGKILL: the follower takes the role and says so
        promoted = follower_manager.wait_for("STATUS", 30, contains="writer of site main (epoch 2)")
        print(f"\nwriter killed -> the follower's STATUS says writer: {time.monotonic() - killed:.2f} s")
        assert "READY" not in promoted, promoted  # ready once, the role told again
        assert len(follower_manager.pings(1.5)) >= 2, "the new writer does not ping"

        follower.proc.send_signal(signal.SIGTERM)  # type: ignore[union-attr]
        assert follower_manager.wait_for("STOPPING", 10)["STOPPING"] == "1"
        assert follower.proc.wait(15) == TERMINATED  # type: ignore[union-attr]
    finally:
        site_procs.stop()
        writer_manager.close()
        follower_manager.close()
        pg_cluster.drop_db(database)
