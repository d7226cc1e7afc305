"""Bookings over the websocket against a real server: the administrator loads them, a kiosk
check-in by ID number honours one, and only the administrators ever see who is booked."""

from __future__ import annotations

import datetime as dt
import json
import zoneinfo

from .server_harness import Client, ServerProc

ID = "001099012345"
IDENT = {"source": "typed", "id_number": ID}


def today() -> str:
    return dt.datetime.now(zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")).date().isoformat()


async def test_the_admin_loads_bookings_and_a_kiosk_check_in_honours_one(server: ServerProc) -> None:
    admin = await Client.connect(server.ws_url)
    await admin.hello("admin", server.login())
    kiosk = await Client.connect(server.ws_url)
    await kiosk.hello("kiosk", server.device_tokens()["kiosk-1"])
    tv = await Client.connect(server.ws_url)
    await tv.hello("tv", server.device_tokens()["tv-tang-1"])
    counter = await Client.connect(server.ws_url)
    await counter.hello("counter", server.login(), counter=4)

    # the whole day is the slot: the walk-in below comes after its start, whenever the test runs
    booking = {"id": "BK-1", "service": "N", "slot_start": "00:00", "slot_end": "24:00", "id_number": ID}
    bad = await admin.command({"type": "load_bookings", "day": today(), "bookings": [{**booking, "service": "ZZ"}]})
    assert (bad["type"], bad["code"], bad["field"]) == ("error", "unknown_service", "bookings[0].service")
    refused = await kiosk.command({"type": "load_bookings", "day": today(), "bookings": [booking]})
    assert refused["code"] == "forbidden"
    loaded = await admin.command({"type": "load_bookings", "day": today(), "bookings": [booking]})
    assert loaded["type"] == "ack" and loaded["result"] == {"day": today(), "bookings": 1}

    walk_in = await kiosk.command({"type": "issue_ticket", "service": "N"})
    booked = await kiosk.command({"type": "issue_ticket", "service": "N", "identity": IDENT})
    assert walk_in["result"]["slot"] == "" and walk_in["result"]["booking"] == ""
    r = booked["result"]
    assert (r["slot"], r["booking"], r["booking_late"], r["ahead"]) == ("00:00-24:00", "BK-1", False, 0)

    seen_by_tv = [(await tv.next_event())["event"] for _ in range(2)]
    assert [e["type"] for e in seen_by_tv] == ["ticket_issued", "ticket_issued"]  # never bookings_loaded
    assert seen_by_tv[1]["slot"] == "00:00-24:00" and seen_by_tv[1]["booking"] == ""
    assert ID not in json.dumps(seen_by_tv) and "BK-1" not in json.dumps(seen_by_tv)
    for_counter = [(await counter.next_event())["event"] for _ in range(2)]
    assert [e["type"] for e in for_counter] == ["ticket_issued", "ticket_issued"]
    assert for_counter[1]["booking"] == "BK-1"
    first = admin.events[0]  # (it came before the load's ack)
    assert first["event"]["type"] == "bookings_loaded" and first["actor"] == "staff:admin"
    assert first["event"]["bookings"][0]["id_number"] == ID

    assert (await counter.command({"type": "open_counter", "counter": 4}))["type"] == "ack"
    call = await counter.command({"type": "call_next", "counter": 4})
    assert call["result"]["ticket"] == r["ticket"]  # the booked place: ahead of the walk-in
    for c in (admin, kiosk, tv, counter):
        await c.close()
