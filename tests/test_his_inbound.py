"""The HIS's inbound API (server/routes/his.py) against a real server: the token per link, its
site, bounded bodies, tickets by key, and each HIS message applied once."""

from __future__ import annotations

import datetime as dt
import json
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from server.domain import events as ev
from server.domain.config_check import config_from_builtins
from server.redaction import redact

from .domain.sim import small_config_data
from .server_harness import Client, ServerProc

TOKEN = "his-token-0123456789abcdefghij"
OTHER_TOKEN = "lab-token-0123456789abcdefghij"
HIS_TOML = f"""
[[link]]
name = "his"
form = "none"
site = "70001"
inbound_token = "{TOKEN}"

[[link]]
name = "other"
form = "none"
site = "79999"
inbound_token = "{OTHER_TOKEN}"
"""
SITE = "/api/his/v1/sites/70001"


def write_links(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "his.toml"
    path.write_text(HIS_TOML, encoding="utf-8")
    return path


@pytest.fixture
def his_server(tmp_path: Path) -> Iterator[ServerProc]:
    proc = ServerProc(tmp_path / "data", QUEUE_SYNC="NORMAL", QUEUE_HIS=str(write_links(tmp_path / "etc"))).start()
    yield proc
    proc.kill()


def call(
    server: ServerProc, method: str, path: str, body: Any = None, token: str = TOKEN, raw: bytes | None = None
) -> tuple[int, dict[str, str], Any]:
    data = raw if raw is not None else json.dumps(body).encode()
    req = urllib.request.Request(server.http + path, data=data, method=method)
    req.add_header("content-type", "application/json")
    if token:
        req.add_header("authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(req, timeout=10) as r:
            return r.status, dict(r.headers), json.loads(r.read())
    except urllib.error.HTTPError as e:
        with e:
            return e.code, dict(e.headers), json.loads(e.read() or b"null")


async def issue(server: ServerProc, service: str = "N") -> tuple[str, str]:
    """A ticket from the demo kiosk: its label, and its key at the HIS (its id from an admin's snapshot)."""
    kiosk = await Client.connect(server.ws_url)
    await kiosk.hello("kiosk", server.device_tokens()["kiosk-1"])
    ack = await kiosk.command({"type": "issue_ticket", "service": service})
    assert ack["type"] == "ack", ack
    label, day = ack["result"]["ticket"], ack["result"]["day"]
    admin = await Client.connect(server.ws_url)
    _, snap = await admin.hello("admin", server.login())
    assert snap is not None
    ticket = next(t for t in snap["view"]["tickets"] if t["label"] == label)
    return label, f"70001-{day.replace('-', '')}-{ticket['id']}"


def seq(server: ServerProc) -> int:
    return int(server.get("/api/health")["seq"])


async def test_a_token_is_needed_and_acts_for_its_own_site_only(his_server: ServerProc) -> None:
    _, key = await issue(his_server)
    body = {"message_id": "m1", "patient_code": "BN0001"}
    for token in ("", "wrong-token-0123456789abcdefghij"):
        status, headers, err = call(his_server, "PUT", f"{SITE}/tickets/{key}/registration", body, token)
        assert status == 401 and err["error"]["code"] == "unauthenticated", err
        assert headers["www-authenticate"].startswith("Bearer")
    # the other link's token on this site's path; this link's token on the other site's path
    status, _, err = call(his_server, "PUT", f"{SITE}/tickets/{key}/registration", body, OTHER_TOKEN)
    assert status == 403 and err["error"]["code"] == "forbidden" and err["error"]["field"] == "site"
    other = key.replace("70001", "79999")
    status, _, err = call(his_server, "PUT", f"/api/his/v1/sites/79999/tickets/{other}/registration", body)
    assert status == 403


async def test_a_link_set_up_for_another_facility_reaches_no_ticket_of_this_unit(tmp_path: Path) -> None:
    """The unit's facility code is 70001; the link "other" says 79999. On its own site's path,
    with a key of its own site, it must not reach this unit's tickets (they have one id space)."""
    demo = (Path(__file__).parent.parent / "config" / "demo.toml").read_text(encoding="utf-8")
    config = tmp_path / "etc" / "config.toml"
    config.parent.mkdir(parents=True)
    config.write_text(demo.replace("\n[unit]\n", '\n[unit]\nfacility_code = "70001"\n', 1), encoding="utf-8")
    assert 'facility_code = "70001"' in config.read_text(encoding="utf-8")
    server = ServerProc(
        tmp_path / "data", QUEUE_SYNC="NORMAL", QUEUE_CONFIG=str(config), QUEUE_HIS=str(write_links(tmp_path / "etc"))
    ).start()
    try:
        _, key = await issue(server)
        before = seq(server)
        other = key.replace("70001", "79999")
        body = {"message_id": "m1", "patient_code": "EVIL"}
        status, _, err = call(server, "PUT", f"/api/his/v1/sites/79999/tickets/{other}/registration", body, OTHER_TOKEN)
        assert status == 403 and err["error"]["code"] == "forbidden" and err["error"]["field"] == "site", err
        assert seq(server) == before
        status, _, answer = call(server, "PUT", f"{SITE}/tickets/{key}/registration", body)  # the unit's own link
        assert status == 200 and answer["patient_code"] == "EVIL"
    finally:
        server.kill()


async def test_malformed_bodies_name_the_field_and_write_nothing(his_server: ServerProc) -> None:
    _, key = await issue(his_server)
    path = f"{SITE}/tickets/{key}/registration"
    before = seq(his_server)
    cases: list[tuple[Any, str]] = [
        ({"patient_code": "BN1"}, "message_id"),
        ({"message_id": "m1", "room": "3"}, "room"),
        ({"message_id": "m1", "room": 0}, "room"),
        ({"message_id": "m1", "patient_code": "x" * 101}, "patient_code"),
        ({"message_id": "m1", "patient_code": "BN\x001"}, "patient_code"),
        ({"message_id": "m1", "colour": "red"}, "colour"),
    ]
    for body, field in cases:
        status, _, err = call(his_server, "PUT", path, body)
        assert status == 400 and err["error"]["field"] == field, (body, err)
        assert err["error"]["code"] == "invalid_message" and err["error"]["message_vi"].startswith("Dữ liệu sai")
    status, _, err = call(his_server, "POST", f"{SITE}/tickets/{key}/end", {"message_id": "m2", "outcome": "gone"})
    assert status == 400 and err["error"]["field"] == "outcome"
    status, _, err = call(his_server, "PUT", f"{SITE}/mapping", {"message_id": "m3", "rooms": [{"his_room": "P1"}]})
    assert status == 400 and err["error"]["field"] == "rooms[0].counter", err
    status, _, err = call(
        his_server, "PUT", f"{SITE}/mapping", {"message_id": "m4", "rooms": [{"his_room": "P1", "counter": 99}]}
    )
    assert (
        status == 400 and err["error"]["code"] == "his_mapping_invalid" and err["error"]["field"] == "rooms[0].counter"
    )
    status, _, err = call(his_server, "PUT", path, raw=b"{not json")
    assert status == 400 and err["error"]["code"] == "bad_json"
    status, _, err = call(his_server, "PUT", path, raw=b'{"message_id": "' + b"x" * (300 * 1024) + b'"}')
    assert status == 413 and err["error"]["code"] == "too_large"
    assert seq(his_server) == before, "nothing is written on a refusal"


async def test_unknown_other_day_and_other_site_tickets_are_404(his_server: ServerProc) -> None:
    _, key = await issue(his_server)
    site, day, ticket = key.split("-")
    yesterday = (dt.date(int(day[:4]), int(day[4:6]), int(day[6:])) - dt.timedelta(days=1)).strftime("%Y%m%d")
    for bad in (f"{site}-{day}-{int(ticket) + 100}", f"{site}-{yesterday}-{ticket}", f"79999-{day}-{ticket}", "A001"):
        status, _, err = call(
            his_server, "PUT", f"{SITE}/tickets/{bad}/registration", {"message_id": "m", "patient_code": "BN"}
        )
        assert status == 404 and err["error"]["code"] == "unknown_ticket" and err["error"]["field"] == "key", bad


async def test_the_same_message_twice_is_one_change(his_server: ServerProc) -> None:
    label, key = await issue(his_server)
    body = {"message_id": "reg-1", "patient_code": "BN0001", "episode": "LK-20261207-1", "his_room": "P.105", "room": 4}
    status, headers, first = call(his_server, "PUT", f"{SITE}/tickets/{key}/registration", body)
    assert status == 200 and "idempotent-replayed" not in headers
    assert first["key"] == key and first["label"] == label and first["patient_code"] == "BN0001"
    assert (first["room"], first["his_room"], first["status"], first["service"]) == (4, "P.105", "waiting", "N")
    after_first = seq(his_server)
    status, headers, again = call(
        his_server, "PUT", f"{SITE}/tickets/{key}/registration", {**body, "patient_code": "BN0002"}
    )
    assert status == 200 and again == first and headers["idempotent-replayed"] == "true"
    assert seq(his_server) == after_first, "the same message id writes nothing more"
    audit = his_server.get_json_auth("/api/audit?limit=5", his_server.login())["events"]
    recorded = [e for e in audit if e["event"]["type"] == "his_registration_recorded"]
    assert len(recorded) == 1 and recorded[0]["actor"] == "his:his", audit


async def test_a_message_id_reused_on_another_ticket_or_route_is_a_new_command(his_server: ServerProc) -> None:
    _, first = await issue(his_server)
    label, second = await issue(his_server)
    body = {"message_id": "m-1", "patient_code": "BN0001", "episode": "LK-1"}
    status, _, one = call(his_server, "PUT", f"{SITE}/tickets/{first}/registration", body)
    assert status == 200 and one["key"] == first
    status, headers, two = call(his_server, "PUT", f"{SITE}/tickets/{second}/registration", body)
    assert status == 200 and "idempotent-replayed" not in headers and two["key"] == second
    status, headers, ended = call(
        his_server, "POST", f"{SITE}/tickets/{second}/end", {"message_id": "m-1", "outcome": "finished"}
    )
    assert status == 200 and "idempotent-replayed" not in headers and ended["key"] == second
    assert his_server.get(f"/api/tickets/{label}")["status"] == "cancelled"


async def test_send_with_the_his_codes_then_end(his_server: ServerProc) -> None:
    label, key = await issue(his_server)
    mapping = {
        "message_id": "map-1",
        "rooms": [{"his_room": "XN-01", "counter": 9}],
        "services": [{"his_code": "DV.XN", "service": "X"}],
        "departments": [{"his_code": "K.CLS", "department": "can-lam-sang"}],
    }
    status, _, answer = call(his_server, "PUT", f"{SITE}/mapping", mapping)
    assert status == 200 and answer["rooms"] == 1 and answer["services"] == 1 and answer["departments"] == 1
    status, _, sent = call(
        his_server,
        "POST",
        f"{SITE}/tickets/{key}/send",
        {"message_id": "s1", "service": "DV.XN", "reason": "Xét nghiệm máu"},
    )
    assert status == 200 and (sent["label"], sent["service"], sent["status"]) == (label, "X", "waiting"), sent
    assert his_server.get(f"/api/tickets/{label}")["service"] == "X"
    status, _, sent = call(his_server, "POST", f"{SITE}/tickets/{key}/send", {"message_id": "s2", "his_room": "XN-01"})
    assert status == 200 and sent["target_counter"] == 9
    status, _, err = call(his_server, "POST", f"{SITE}/tickets/{key}/send", {"message_id": "s3", "reason": "?"})
    assert status == 400 and err["error"]["code"] == "his_send_target"
    status, _, ended = call(
        his_server, "POST", f"{SITE}/tickets/{key}/end", {"message_id": "e1", "outcome": "finished"}
    )
    assert status == 200 and ended["status"] == "cancelled", ended  # it was waiting: it leaves the queue
    assert his_server.get(f"/api/tickets/{label}")["status"] == "cancelled"


async def test_the_his_loads_todays_bookings_and_a_booked_check_in_is_queued_by_its_slot(
    his_server: ServerProc,
) -> None:
    today = dt.datetime.now(dt.timezone(dt.timedelta(hours=7))).date().isoformat()
    booking = {"id": "BK-7", "service": "N", "slot_start": "00:00", "slot_end": "24:00", "id_number": "001099012345"}
    body = {"message_id": "bk-1", "day": today, "bookings": [booking]}
    status, _, err = call(
        his_server, "PUT", f"{SITE}/bookings", {**body, "bookings": [{**booking, "slot_end": "25:00"}]}
    )
    assert status == 400 and err["error"]["field"] == "bookings[0].slot_end", err
    status, _, loaded = call(his_server, "PUT", f"{SITE}/bookings", body)
    assert status == 200 and (loaded["day"], loaded["bookings"]) == (today, 1), loaded
    status, headers, again = call(his_server, "PUT", f"{SITE}/bookings", body)
    assert status == 200 and again == loaded and headers["idempotent-replayed"] == "true"
    audit = his_server.get_json_auth("/api/audit?limit=5", his_server.login())["events"]
    assert [e["actor"] for e in audit if e["event"]["type"] == "bookings_loaded"] == ["his:his"]

    kiosk = await Client.connect(his_server.ws_url)
    await kiosk.hello("kiosk", his_server.device_tokens()["kiosk-1"])
    walk_in = await kiosk.command({"type": "issue_ticket", "service": "N"})
    booked = await kiosk.command(
        {"type": "issue_ticket", "service": "N", "identity": {"source": "typed", "id_number": "001099012345"}}
    )
    assert (booked["result"]["booking"], booked["result"]["slot"], booked["result"]["ahead"]) == (
        "BK-7",
        "00:00-24:00",
        0,
    )
    assert walk_in["result"]["booking"] == ""
    await kiosk.close()


def test_what_each_audience_sees_of_a_registration() -> None:
    event = ev.HisRegistrationRecorded(
        ticket=1, label="A001", patient_code="BN1", episode="LK1", room=2, his_room="P.2"
    )
    hidden = config_from_builtins(small_config_data())
    shown = config_from_builtins(small_config_data(display={"his_room": True}))
    assert redact(event, "staff", hidden) == event and redact(event, "admin", hidden) == event
    assert redact(event, "public", hidden) is None  # the boards show no HIS room unless asked
    public = redact(event, "public", shown)
    assert isinstance(public, ev.HisRegistrationRecorded)
    assert (public.patient_code, public.episode, public.room, public.his_room) == ("", "", 2, "P.2")
