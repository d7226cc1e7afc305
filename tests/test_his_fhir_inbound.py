"""What a polled FHIR change means to the queue (server/his/fhir_inbound.py): pure translations."""

from __future__ import annotations

from typing import Any

import msgspec

from server.domain import commands as cmd
from server.his import fhir_inbound as fi
from server.his import fhir_map as fm

KEY = "70001-20261207-3"
CTX = fi.Context(
    day="2026-12-07", timezone="Asia/Ho_Chi_Minh", services={"XN": "X", "KB": "N"}, known=frozenset({"A", "N", "X"})
)
TICKET = fi.Ticket(key=KEY, service="A")
PATIENT = {
    "resourceType": "Patient",
    "id": "p-1",
    "identifier": [{"system": fm.CCCD, "value": "001099000101"}, {"system": "urn:his:ma-bn", "value": "BN0042"}],
    "name": [{"family": "Nguyễn", "given": ["Văn", "An"]}],
}
OUR_COUNTER = {"resourceType": "Location", "identifier": [{"system": fm.COUNTER, "value": "70001-1"}], "name": "Quầy 1"}
HIS_ROOM = {"resourceType": "Location", "identifier": [{"system": "urn:his:room", "value": "105"}], "name": "P.105"}


def encounter(*identifiers: dict[str, str], **kw: Any) -> dict[str, Any]:
    return {
        "resourceType": "Encounter",
        "identifier": [{"system": fm.TICKET, "value": KEY}, *identifiers],
        "status": "arrived",
        **kw,
    }


MA_LK = {"system": fm.MA_LK, "value": "LK-1"}


def test_an_episode_key_records_the_registration_with_the_patients_code() -> None:
    [reg] = fi.encounter(encounter(MA_LK), TICKET, PATIENT, {}, CTX)
    assert reg == cmd.RecordRegistration(key=KEY, patient_code="p-1", episode="LK-1", his_room="")
    named = fi.Context(day=CTX.day, timezone=CTX.timezone, patient_code_system="urn:his:ma-bn")
    [reg] = fi.encounter(encounter(MA_LK), TICKET, PATIENT, {}, named)
    assert reg == cmd.RecordRegistration(key=KEY, patient_code="BN0042", episode="LK-1")
    registered = fi.Ticket(key=KEY, service="A", patient_code="p-1", episode="LK-1")
    assert fi.encounter(encounter(MA_LK), registered, PATIENT, {}, CTX) == []  # as the ticket has it already
    assert fi.encounter(encounter(), TICKET, PATIENT, {}, CTX) == []  # a patient alone records nothing


def test_only_our_encounters_of_a_live_ticket_count() -> None:
    his_own = {"resourceType": "Encounter", "identifier": [MA_LK], "status": "finished"}
    assert fi.encounter(his_own, TICKET, PATIENT, {}, CTX) == []
    assert fi.encounter(encounter(MA_LK), None, PATIENT, {}, CTX) == []  # another day's, or over


def test_a_room_of_the_his_set_active_is_recorded_and_our_counters_are_not() -> None:
    places = [
        {"location": {"reference": "Location/1", "display": "Quầy 1"}, "status": "active"},
        {"location": {"reference": "Location/9"}, "status": "active"},
        {"location": {"reference": "Location/8", "display": "P.200"}, "status": "planned"},
    ]
    found = {
        "Location/1": OUR_COUNTER,
        "Location/9": HIS_ROOM,
        "Location/8": {"resourceType": "Location", "name": "P.200"},
    }
    [reg] = fi.encounter(encounter(location=places), TICKET, None, found, CTX)
    assert reg == cmd.RecordRegistration(key=KEY, his_room="P.105")
    nameless = {"Location/9": {"resourceType": "Location"}}  # and Location/1 could not be read
    assert fi.encounter(encounter(location=places[:2]), TICKET, None, nameless, CTX) == []
    assert fi.encounter(encounter(location=places[:1]), TICKET, None, {"Location/1": OUR_COUNTER}, CTX) == []
    kept = fi.Ticket(key=KEY, service="A", patient_code="p-1", episode="LK-1", his_room="P.105")
    [reg] = fi.encounter(encounter({"system": fm.MA_LK, "value": "LK-2"}), kept, None, {}, CTX)
    assert reg == cmd.RecordRegistration(key=KEY, patient_code="p-1", episode="LK-2", his_room="P.105")


def test_the_his_ending_the_encounter_ends_the_episode() -> None:
    assert fi.encounter(encounter(status="finished"), TICKET, None, {}, CTX) == [
        cmd.EndEpisode(key=KEY, outcome="finished", reason="HIS: Encounter finished")
    ]
    [end] = fi.encounter(encounter(status="entered-in-error"), TICKET, None, {}, CTX)
    assert isinstance(end, cmd.EndEpisode) and end.outcome == "cancelled"
    both = fi.encounter(encounter(MA_LK, status="cancelled"), TICKET, PATIENT, {}, CTX)
    assert [type(c) for c in both] == [cmd.RecordRegistration, cmd.EndEpisode]
    assert [fi.command_key("Encounter/e/_history/2", i, 2) for i in range(2)] == [
        "fhir:Encounter/e/_history/2#0",
        "fhir:Encounter/e/_history/2#1",
    ]
    assert fi.command_key("Encounter/e/_history/2", 0, 1) == "fhir:Encounter/e/_history/2"


def order(status: str = "active", rid: str = "sr-1", **code: Any) -> dict[str, Any]:
    return {
        "resourceType": "ServiceRequest",
        "id": rid,
        "status": status,
        "code": code or {"coding": [{"code": "XN", "display": "Xét nghiệm máu"}]},
    }


def test_an_active_order_adds_a_step_to_the_visit() -> None:
    assert fi.service_request(order(), TICKET, CTX) == [
        cmd.OrderStep(key=KEY, order="sr-1", service="XN", reason="Xét nghiệm máu", come_back=True)
    ]
    [sent] = fi.service_request(order(coding=[{"code": "H"}], text=" Siêu âm\n bụng "), TICKET, CTX)
    assert isinstance(sent, cmd.OrderStep)
    assert (sent.service, sent.reason) == ("H", "Siêu âm bụng")  # our code, taken as it is (the domain checks it)
    no_return = msgspec.structs.replace(CTX, come_back=False)
    assert fi.service_request(order(), TICKET, no_return)[0].come_back is False  # type: ignore[union-attr]
    has_it = fi.Ticket(key=KEY, service="X", orders=frozenset({"sr-1"}))
    assert fi.service_request(order(), has_it, CTX) == []  # the visit has this order already
    for status in ("completed", "revoked", "draft"):
        assert fi.service_request(order(status), TICKET, CTX) == []  # a result for an order it never had
    assert fi.service_request(order(), None, CTX) == []
    assert fi.service_request(order(rid=""), TICKET, CTX) == []
    assert fi.service_request(order(rid="x" * 65), TICKET, CTX) == []
    assert fi.service_request(order(text="no code"), TICKET, CTX) == []
    assert fi.service_request(order(coding=[{"code": "X" * 51}]), TICKET, CTX) == []


def test_an_orders_result_or_withdrawal_ends_its_step() -> None:
    has_it = fi.Ticket(key=KEY, service="X", orders=frozenset({"sr-1"}))
    assert fi.service_request(order("completed"), has_it, CTX) == [
        cmd.OrderResult(key=KEY, order="sr-1", outcome="done")
    ]
    for status in ("revoked", "entered-in-error"):
        assert fi.service_request(order(status), has_it, CTX) == [
            cmd.OrderResult(key=KEY, order="sr-1", outcome="cancelled")
        ]
    assert fi.service_request(order("draft"), has_it, CTX) == []


def appointment(**kw: Any) -> dict[str, Any]:
    return {
        "resourceType": "Appointment",
        "id": "apt-1",
        "status": "booked",
        "start": "2026-12-07T09:00:00+07:00",
        "end": "2026-12-07T09:30:00+07:00",
        "serviceType": [{"coding": [{"system": "urn:his:dv", "code": "KB"}]}],
        "participant": [{"actor": {"reference": "Practitioner/d"}}, {"actor": {"reference": "Patient/p-1"}}],
        **kw,
    }


def test_an_appointment_of_today_is_a_booking() -> None:
    assert fi.participant_patient(appointment()) == "Patient/p-1"
    assert fi.participant_patient(appointment(participant=[])) == ""
    assert fi.booking(appointment(), PATIENT, CTX) == cmd.BookingIn(
        id="apt-1", service="N", slot_start="09:00", slot_end="09:30", id_number="001099000101", name="Nguyễn Văn An"
    )
    utc = fi.booking(appointment(start="2026-12-07T02:00:00Z", end="2026-12-07T02:15:00Z"), PATIENT, CTX)
    assert utc is not None and (utc.slot_start, utc.slot_end) == ("09:00", "09:15")  # the unit's time
    bhyt = {"resourceType": "Patient", "id": "p-2", "identifier": [{"system": fm.BHYT, "value": "DN4797912345678"}]}
    made = fi.booking(appointment(serviceType=[{"coding": [{"code": "A"}]}], end=None, minutesDuration=20), bhyt, CTX)
    assert made is not None and (made.service, made.slot_end, made.bhyt_number, made.id_number) == (
        "A",
        "09:20",
        "DN4797912345678",
        "",
    )
    late = fi.booking(appointment(start="2026-12-07T23:45:00+07:00", end=None), PATIENT, CTX)
    assert late is not None and late.slot_end == "24:00"  # 30 minutes run past midnight


def test_what_is_no_booking_of_today() -> None:
    assert fi.booking(appointment(status="cancelled"), PATIENT, CTX) is None
    assert fi.booking(appointment(start="2026-12-08T09:00:00+07:00"), PATIENT, CTX) is None
    assert fi.booking(appointment(start="2026-12-06T23:00:00Z"), PATIENT, CTX) is not None  # 06:00 on the 7th here
    assert fi.booking(appointment(start="soon"), PATIENT, CTX) is None
    assert fi.booking(appointment(serviceType=[{"coding": [{"code": "ZZ"}]}]), PATIENT, CTX) is None
    assert fi.booking(appointment(), None, CTX) is None
    assert fi.booking(appointment(), {"resourceType": "Patient", "id": "p-3"}, CTX) is None  # neither CCCD nor BHYT
    assert fi.booking(appointment(id="x" * 65), PATIENT, CTX) is None


def test_the_days_bookings_load_is_keyed_by_the_change_and_the_set() -> None:
    one = fi.booking(appointment(), PATIENT, CTX)
    assert one is not None
    load, key = fi.bookings_command("2026-12-07", {"apt-1": one}, "Appointment/apt-1/_history/1")
    assert load == cmd.LoadBookings(day="2026-12-07", bookings=[one])
    assert key.startswith("fhir:Appointment/apt-1/_history/1:bookings:")
    _, again = fi.bookings_command("2026-12-07", {"apt-1": one}, "Appointment/apt-1/_history/1")
    _, later = fi.bookings_command("2026-12-07", {"apt-1": one}, "Appointment/apt-2/_history/3")
    _, emptied = fi.bookings_command("2026-12-07", {}, "Appointment/apt-1/_history/1")
    assert again == key and len({key, later, emptied}) == 3
