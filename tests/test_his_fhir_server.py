"""The FHIR link in a real server process (``python -m server``) against the FHIR peer: what the
server's own log says while it delivers."""

from __future__ import annotations

import asyncio
import importlib.abc
import sys
import time
from pathlib import Path

from server.his import fhir_map as fm

from .fhir_harness import running_fhir_peer
from .server_harness import Client, ServerProc


async def test_delivering_to_a_fhir_his_writes_no_log_line_per_request(tmp_path: Path) -> None:
    # httpx logs every request at INFO: three or four lines per message, some 100,000 a day in a
    # large hospital, written by the one process that also answers the kiosks
    with running_fhir_peer() as peer:
        data = tmp_path / "data"
        data.mkdir()
        (data / "his.toml").write_text(f'[[link]]\nname = "his"\nform = "fhir"\nsite = "70001"\nurl = "{peer.base}"\n')
        server = ServerProc(data, QUEUE_SYNC="NORMAL").start()
        try:
            kiosk = await Client.connect(server.ws_url)
            await kiosk.hello("kiosk", server.device_tokens()["kiosk-1"])
            identity = {"source": "typed", "id_number": "001099000001", "name": "Người Thử"}
            ack = await kiosk.command({"type": "issue_ticket", "service": "A", "identity": identity})
            assert ack["type"] == "ack", ack
            deadline = time.monotonic() + 10
            while not (encounters := peer.search("Encounter")):
                assert time.monotonic() < deadline, "the Encounter never reached the peer"
                await asyncio.sleep(0.1)
            [ticket] = [i["value"] for i in encounters[0]["identifier"] if i["system"] == fm.TICKET]
            assert ticket.startswith("70001-") and ticket.endswith("-1")
            await kiosk.close()
        finally:
            server.kill()
    log = server.log_path.read_text(encoding="utf-8")
    assert "HIS links delivering: his" in log
    assert "HTTP Request:" not in log


async def test_httpcore_finds_its_async_library_without_searching_the_path() -> None:
    # httpcore imports sniffio for every request's lock: without sniffio installed (pyproject.toml)
    # each of those is a failed import that searches every path entry
    from httpcore._synchronization import current_async_library

    assert current_async_library() == "asyncio"  # the first time may import
    asked: list[str] = []

    class Spy(importlib.abc.MetaPathFinder):
        def find_spec(self, name: str, path: object = None, target: object = None) -> None:
            asked.append(name)

    spy = Spy()
    sys.meta_path.insert(0, spy)
    try:
        for _ in range(3):
            assert current_async_library() == "asyncio"
    finally:
        sys.meta_path.remove(spy)
    assert asked == []
