import copy
import datetime as dt

import msgspec
import pytest

from server.domain import commands as cmd
from server.domain import events as ev
from server.domain.access import Actor
from server.domain.errors import DomainError
from server.domain.handle import handle
from server.domain.identity import Identity, PriorityGroup
from server.domain.lifecycle import Status
from server.domain.printers import parse_printer

from .sim import ADMIN, VN, Sim, small_config

ID1 = Identity(source="typed", id_number="001099012345")
ID2 = Identity(source="qr", id_number="079300000001", name="Trần Thị Bình", dob=dt.date(2000, 3, 4), sex="female")


def refused(sim: Sim, command: cmd.AnyCommand, code: str, actor: Actor | None = None) -> DomainError:
    before = msgspec.json.encode(sim.state)
    with pytest.raises(DomainError) as err:
        sim.do(command, actor) if actor else sim.do(command)
    assert err.value.code == code, err.value
    assert err.value.message_vi and err.value.message_en
    assert msgspec.json.encode(sim.state) == before, "a refused command must not change the state"
    return err.value


@pytest.fixture
def sim() -> Sim:
    s = Sim()
    s.open(1, 2, 3)
    return s


# ---- numbering ---------------------------------------------------------------------------


def test_numbers_are_per_service_with_prefix_and_digits(sim: Sim) -> None:
    assert [sim.issue("A").label for _ in range(3)] == ["A001", "A002", "A003"]
    assert sim.issue("B").label == "B1"


def test_daily_reset_at_local_midnight_expires_open_tickets() -> None:
    sim = Sim(start=dt.datetime(2026, 11, 23, 23, 50, tzinfo=VN))
    sim.open(1)
    a1 = sim.issue("A")
    sim.issue("A")
    sim.call(1)
    sim.advance(9)  # 23:59 still the same day
    assert sim.issue("A").label == "A003"
    sim.advance(2)  # 00:01 local (17:01 UTC): a new day
    t = sim.issue("A")
    assert t.label == "A001" and t.day == "2026-11-24"
    started = [r.event for r in sim.records if isinstance(r.event, ev.DayStarted)]
    assert started[-1].day == "2026-11-24" and a1.id in started[-1].expired
    assert a1.status is Status.EXPIRED
    assert sim.state.counters[1].current is None


def test_no_daily_reset_keeps_counting_and_wraps_only_when_free() -> None:
    services = [
        {"code": "A", "name": "A", "department": "d1"},
        {"code": "B", "name": "B", "department": "d1", "daily_reset": False, "number_end": 3, "digits": 1},
    ]
    sim = Sim(small_config(services=services))
    sim.open(3)
    assert [sim.issue("B").label for _ in range(2)] == ["B1", "B2"]
    sim.advance(24 * 60)
    assert sim.issue("B").label == "B3"
    assert sim.issue("B").label == "B1"  # wrapped: yesterday's B1 is gone
    assert sim.issue("B").label == "B2"
    refused(sim, cmd.IssueTicket(service="B"), "number_range_exhausted")


def test_number_range_exhausted_same_day(sim: Sim) -> None:
    for _ in range(5):
        sim.issue("B")
    err = refused(sim, cmd.IssueTicket(service="B"), "number_range_exhausted")
    assert err.field == "service"


def test_unknown_or_unserved_service() -> None:
    sim = Sim(small_config(counters=[{"number": 1, "name": "Q", "zone": "z1", "services": [{"code": "A"}]}]))
    refused(sim, cmd.IssueTicket(service="Z"), "unknown_service")
    refused(sim, cmd.IssueTicket(service="B"), "service_unavailable")


# ---- identity and priority ----------------------------------------------------------------


def test_one_active_ticket_per_person_per_service(sim: Sim) -> None:
    first = sim.issue("A", identity=ID1)
    # a typed number proves nobody is here: refused without telling the number held (issue 17)
    err = refused(sim, cmd.IssueTicket(service="A", identity=ID1), "duplicate_ticket")
    assert not err.field and first.label not in err.message_vi and first.label not in err.message_en
    assert "quầy tiếp đón" in err.message_vi
    # read from the chip, the person is here: told the number they hold
    chip = Identity(source="chip", id_number=ID1.id_number, name="Nguyễn Văn An")
    err = refused(sim, cmd.IssueTicket(service="A", identity=chip), "duplicate_ticket")
    assert err.field == first.label and first.label in err.message_vi
    assert sim.issue("B", identity=ID1).label == "B1"  # another service is fine
    sim.call(1)
    sim.do(cmd.FinishService(counter=1))
    assert sim.issue("A", identity=ID1).label == "A002"  # finished: a new ticket is fine


def test_duplicates_allowed_when_policy_off() -> None:
    sim = Sim(small_config(queue={"one_ticket_per_person": False}))
    sim.issue("A", identity=ID1)
    assert sim.issue("A", identity=ID1).label == "A002"


def test_invalid_identity_is_refused(sim: Sim) -> None:
    refused(sim, cmd.IssueTicket(service="A", identity=Identity(source="typed", id_number="123")), "invalid_id_number")


def test_identity_and_declared_priority_recorded(sim: Sim) -> None:
    t = sim.issue(
        "A",
        identity=ID2,
        declared=[PriorityGroup.PREGNANT, PriorityGroup.PREGNANT, PriorityGroup.DISABILITY_SEVERE],
        channel="online",
    )
    assert t.identity == ID2 and t.channel == "online"
    assert t.priority == [PriorityGroup.PREGNANT, PriorityGroup.DISABILITY_SEVERE] and t.priority_pending


def test_child_priority_is_derived_not_pending(sim: Sim) -> None:
    child = Identity(source="chip", id_number="001222012345", dob=dt.date(2022, 1, 1))
    t = sim.issue("A", identity=child, declared=[PriorityGroup.CHILD_UNDER_6])
    assert t.priority == [PriorityGroup.CHILD_UNDER_6] and not t.priority_pending


def test_review_priority(sim: Sim) -> None:
    t = sim.issue("A", declared=[PriorityGroup.PREGNANT])
    sim.do(cmd.ReviewPriority(label=t.label, confirmed=True))
    assert not t.priority_pending and not t.priority_rejected
    sim.do(cmd.ReviewPriority(label=t.label, confirmed=True, groups=[PriorityGroup.REVOLUTIONARY_MERIT]))
    assert t.priority == [PriorityGroup.REVOLUTIONARY_MERIT]
    sim.do(cmd.ReviewPriority(label=t.label, confirmed=False))
    assert t.priority_rejected
    n = sim.issue("A")
    refused(sim, cmd.ReviewPriority(label=n.label, confirmed=True), "priority_group_missing")
    sim.do(cmd.CancelTicket(label=n.label))
    refused(sim, cmd.ReviewPriority(label=n.label, confirmed=False), "illegal_transition")


# ---- counters -----------------------------------------------------------------------------


def test_open_close_pause_resume() -> None:
    sim = Sim()
    refused(sim, cmd.OpenCounter(counter=9), "unknown_counter")
    refused(sim, cmd.CallNext(counter=1), "counter_closed")
    refused(sim, cmd.CloseCounter(counter=1), "counter_closed")
    sim.do(cmd.OpenCounter(counter=1), Actor(name="staff:lan", role="counter", counters=[1]))
    assert sim.state.counters[1].staff == "staff:lan"
    refused(sim, cmd.OpenCounter(counter=1), "counter_already_open")
    refused(sim, cmd.ResumeCounter(counter=1), "counter_not_paused")
    sim.do(cmd.PauseCounter(counter=1, reason="  Nghỉ trưa  "))
    c = sim.state.counters[1]
    assert (c.status, c.pause_reason) == ("paused", "Nghỉ trưa")
    refused(sim, cmd.PauseCounter(counter=1), "counter_paused")
    sim.issue("A")
    refused(sim, cmd.CallNext(counter=1), "counter_paused")
    sim.do(cmd.ResumeCounter(counter=1))
    assert (c.status, c.pause_reason) == ("open", "")
    sim.call(1)
    refused(sim, cmd.CloseCounter(counter=1), "counter_busy")
    sim.do(cmd.FinishService(counter=1))
    sim.do(cmd.CloseCounter(counter=1))
    assert (c.status, c.staff) == ("closed", "")


def test_call_next_start_finish(sim: Sim) -> None:
    refused(sim, cmd.CallNext(counter=1), "queue_empty")
    refused(sim, cmd.StartService(counter=1), "counter_idle")
    t = sim.issue("A")
    called = sim.call(1)
    assert called.ticket == t.id and t.status is Status.CALLED and t.counter == 1
    refused(sim, cmd.CallNext(counter=1), "counter_busy")
    sim.advance(1)
    sim.do(cmd.StartService(counter=1))
    assert t.status is Status.SERVING
    refused(sim, cmd.StartService(counter=1), "illegal_transition")
    refused(sim, cmd.Recall(counter=1), "illegal_transition")
    sim.advance(4)
    sim.do(cmd.FinishService(counter=1))
    assert t.status is Status.DONE and sim.state.counters[1].current is None
    assert sim.state.service_times["A"] == [240.0]
    assert sim.state.counters[1].served == 1


def test_finish_straight_from_called(sim: Sim) -> None:
    t = sim.issue("A")
    sim.call(1)
    sim.advance(2)
    sim.do(cmd.FinishService(counter=1))
    assert t.status is Status.DONE and sim.state.service_times["A"] == [120.0]


def test_finish_and_call_next_is_one_command(sim: Sim) -> None:
    a, b = sim.issue("A"), sim.issue("A")
    sim.call(1)
    events = sim.do(cmd.FinishAndCallNext(counter=1))
    assert [type(e) for e in events] == [ev.ServiceFinished, ev.TicketCalled]
    assert a.status is Status.DONE and b.status is Status.CALLED
    events = sim.do(cmd.FinishAndCallNext(counter=1))
    assert [type(e) for e in events] == [ev.ServiceFinished]  # nobody left: finish only
    refused(sim, cmd.FinishAndCallNext(counter=1), "counter_idle")


def test_call_specific_number(sim: Sim) -> None:
    sim.issue("A")
    second = sim.issue("A")
    b = sim.issue("B")
    refused(sim, cmd.CallNumber(counter=1, label="A999"), "unknown_ticket")
    refused(sim, cmd.CallNumber(counter=1, label=b.label), "wrong_counter")
    e = sim.do(cmd.CallNumber(counter=1, label=" a002 "))[0]
    assert isinstance(e, ev.TicketCalled) and e.ticket == second.id and e.rule == "specific_number"
    sim.do(cmd.FinishService(counter=1))
    refused(sim, cmd.CallNumber(counter=1, label=second.label), "illegal_transition")


def test_recall_up_to_the_limit_then_missed() -> None:
    sim = Sim(small_config(queue={"max_recalls": 2}))
    sim.open(1)
    t = sim.issue("A")
    sim.call(1)
    assert isinstance(sim.do(cmd.Recall(counter=1))[0], ev.TicketRecalled) and t.recalls == 1
    sim.do(cmd.Recall(counter=1))
    assert t.recalls == 2
    missed = sim.do(cmd.Recall(counter=1))[0]
    assert isinstance(missed, ev.TicketMissed) and missed.reason == "recall_limit"
    assert t.status is Status.MISSED and sim.state.counters[1].current is None


def test_mark_missed_and_reactivate(sim: Sim) -> None:
    a = sim.issue("A")
    sim.advance(1)
    b = sim.issue("A")
    sim.advance(1)
    c = sim.issue("A")
    sim.call(1)
    sim.do(cmd.MarkMissed(counter=1))
    assert a.status is Status.MISSED and sim.state.counters[1].current is None
    sim.advance(5)
    sim.do(cmd.Reactivate(label=a.label))  # default: the back of the queue
    assert a.status is Status.WAITING and a.queue_key == sim.now
    assert sim.call(1).ticket == b.id
    sim.do(cmd.MarkMissed(counter=1))
    sim.do(cmd.Reactivate(label=b.label, position="front"))
    assert sim.call(1).ticket == b.id  # ahead of c, which arrived later but waited longer
    assert c.status is Status.WAITING
    refused(sim, cmd.Reactivate(label=b.label), "illegal_transition")


def test_reactivate_by_arrival_time(sim: Sim) -> None:
    a = sim.issue("A")
    sim.advance(1)
    b = sim.issue("A")
    sim.call(1)
    sim.do(cmd.MarkMissed(counter=1))
    sim.advance(10)
    sim.do(cmd.Reactivate(label=a.label, position="arrival"))
    assert a.queue_key == a.issued_at
    assert sim.call(2).ticket == a.id and b.status is Status.WAITING


def test_transfer_keeps_the_number(sim: Sim) -> None:
    a = sim.issue("A", identity=ID1)
    sim.advance(1)
    b1 = sim.issue("B")
    sim.call(1)
    sim.do(cmd.StartService(counter=1))
    refused(sim, cmd.Transfer(counter=1), "transfer_to_same")
    refused(sim, cmd.Transfer(counter=1, to_service="Z"), "unknown_service")
    refused(sim, cmd.Transfer(counter=1, to_service="B", to_counter=9), "unknown_counter")
    refused(sim, cmd.Transfer(counter=1, to_service="B", to_counter=1), "wrong_counter")
    sim.do(cmd.Transfer(counter=1, to_service="B", position="front"))
    assert (a.label, a.service, a.status, a.transfers) == ("A001", "B", Status.WAITING, 1)
    assert sim.state.counters[1].current is None
    assert sim.call(3).ticket == a.id  # front of B, before B1
    assert b1.status is Status.WAITING
    # the person now holds a B ticket, and may take a new A ticket
    assert sim.issue("A", identity=ID1).label == "A002"


def test_transfer_to_a_specific_counter(sim: Sim) -> None:
    a = sim.issue("A")
    sim.call(1)
    sim.do(cmd.Transfer(counter=1, to_counter=2))
    assert a.target_counter == 2
    with pytest.raises(DomainError):
        sim.do(cmd.CallNext(counter=1))  # only counter 2 may call it
    assert sim.call(2).ticket == a.id and a.target_counter is None


def test_transfer_to_unserved_service() -> None:
    services = [
        {"code": "A", "name": "A", "department": "d1"},
        {"code": "B", "name": "B", "department": "d1"},
    ]
    sim = Sim(
        small_config(
            services=services, counters=[{"number": 1, "name": "Q", "zone": "z1", "services": [{"code": "A"}]}]
        )
    )
    sim.open(1)
    sim.issue("A")
    sim.call(1)
    refused(sim, cmd.Transfer(counter=1, to_service="B"), "service_unavailable")


def test_transfer_by_arrival_and_back(sim: Sim) -> None:
    a = sim.issue("A")
    sim.advance(3)
    sim.call(1)
    sim.do(cmd.Transfer(counter=1, to_service="B", position="arrival"))
    assert a.queue_key == a.issued_at
    sim.call(3)
    sim.advance(1)
    sim.do(cmd.Transfer(counter=3, to_service="A", position="back"))
    assert a.queue_key == sim.now


def test_park_and_unpark(sim: Sim) -> None:
    a, b = sim.issue("A"), sim.issue("A")
    sim.call(1)
    sim.do(cmd.StartService(counter=1))
    sim.do(cmd.ParkTicket(counter=1))
    assert a.status is Status.PARKED and sim.state.counters[1].parked == [a.id]
    sim.call(1)  # the counter is free for the next patient
    refused(sim, cmd.UnparkTicket(counter=1, label=a.label), "counter_busy")
    sim.do(cmd.FinishService(counter=1))
    refused(sim, cmd.UnparkTicket(counter=2, label=a.label), "not_parked_here")
    sim.do(cmd.UnparkTicket(counter=1, label=a.label))
    assert a.status is Status.CALLED and sim.state.counters[1].current == a.id
    assert sim.state.last_calls[0].ticket == a.id
    assert b.status is Status.DONE


def test_cancel(sim: Sim) -> None:
    a = sim.issue("A", identity=ID1)
    sim.do(cmd.CancelTicket(label=a.label, reason=" patient left "))
    assert a.status is Status.CANCELLED
    assert sim.issue("A", identity=ID1).label == "A002"
    refused(sim, cmd.CancelTicket(label=a.label), "illegal_transition")
    b = sim.state.by_label("A002")
    assert b is not None
    sim.call(1)
    sim.do(cmd.ParkTicket(counter=1))
    sim.do(cmd.CancelTicket(label=b.label))
    assert sim.state.counters[1].parked == []


def test_last_calls_are_bounded(sim: Sim) -> None:
    for _ in range(12):
        sim.issue("A")
        sim.call(1)
        sim.do(cmd.FinishService(counter=1))
    assert len(sim.state.last_calls) == 10
    assert sim.state.last_calls[0].label == "A012"


# ---- configuration, staff and devices ------------------------------------------------------


def test_replace_config_adds_and_removes_counters(sim: Sim) -> None:
    only_one = small_config(
        counters=[{"number": 1, "name": "Q1", "zone": "z1", "services": [{"code": "A"}, {"code": "B"}]}]
    )
    a = sim.issue("A")
    sim.call(2)
    err = refused(sim, cmd.ReplaceConfig(config=only_one), "counter_in_use")
    assert err.field == "counters"
    sim.do(cmd.Transfer(counter=2, to_counter=2))
    refused(sim, cmd.ReplaceConfig(config=only_one), "counter_in_use")  # a ticket waits for counter 2
    sim.call(2)
    sim.do(cmd.FinishService(counter=2))
    held = sim.issue("A")
    sim.call(1)  # a ticket at a counter that stays is no obstacle
    sim.do(cmd.ReplaceConfig(config=only_one))
    assert sim.state.config == only_one and set(sim.state.counters) == {1}
    sim.do(cmd.FinishService(counter=1))
    assert held.status is Status.DONE
    sim.do(cmd.ReplaceConfig(config=small_config()))
    assert set(sim.state.counters) == {1, 2, 3} and sim.state.counters[2].status == "closed"
    assert a.status is Status.DONE
    sim.issue("B")
    no_b = small_config(
        services=[{"code": "A", "name": "A", "department": "d1"}],
        counters=[{"number": 1, "name": "Q1", "zone": "z1", "services": [{"code": "A"}]}],
    )
    refused(sim, cmd.ReplaceConfig(config=no_b), "service_in_use")
    bad = msgspec.structs.replace(only_one, zones=[])
    refused(sim, cmd.ReplaceConfig(config=bad), "config_invalid")


def test_staff_accounts(sim: Sim) -> None:
    sim.do(cmd.CreateStaff(username="lan", full_name=" Lê Thị Lan ", role="counter", counters=[1], password_hash="h1"))
    assert sim.state.staff["lan"].full_name == "Lê Thị Lan"
    refused(sim, cmd.CreateStaff(username="lan", full_name="x", role="counter", password_hash="h"), "staff_exists")
    refused(sim, cmd.CreateStaff(username="lê", full_name="x", role="counter", password_hash="h"), "invalid_username")
    refused(sim, cmd.CreateStaff(username="a b", full_name="x", role="counter", password_hash="h"), "invalid_username")
    refused(
        sim,
        cmd.CreateStaff(username="x", full_name="x", role="counter", counters=[42], password_hash="h"),
        "unknown_counter",
    )
    sim.do(cmd.SetStaffPassword(username="lan", password_hash="h2"))
    sim.do(cmd.SetStaffActive(username="lan", active=False))
    assert (sim.state.staff["lan"].password_hash, sim.state.staff["lan"].active) == ("h2", False)
    refused(sim, cmd.SetStaffPassword(username="nobody", password_hash="h"), "unknown_staff")
    refused(sim, cmd.SetStaffActive(username="nobody", active=True), "unknown_staff")


def test_nobody_locks_their_own_account_or_the_last_administrator(sim: Sim) -> None:
    """One click on "Khóa" in one's own row locked every administrator out (issue 17 trial)."""
    sim.do(cmd.CreateStaff(username="admin", full_name="Quản trị", role="admin", password_hash="h"))
    err = refused(sim, cmd.SetStaffActive(username="admin", active=False), "last_admin")  # ADMIN is staff:admin
    assert "tự khóa" in err.message_vi
    sim.do(cmd.CreateStaff(username="tuan", full_name="Tuấn", role="admin", password_hash="h"))
    tuan = Actor(name="staff:tuan", role="admin")
    sim.do(cmd.SetStaffActive(username="admin", active=False), tuan)  # another admin remains: tuan
    err = refused(
        sim, cmd.SetStaffActive(username="tuan", active=False), "last_admin", Actor(name="system", role="system")
    )
    assert "cuối cùng" in err.message_vi
    sim.do(cmd.SetStaffActive(username="admin", active=True), tuan)  # unlocking is always fine


def test_a_generated_password_must_be_changed_and_only_the_system_marks_it(sim: Sim) -> None:
    """The first run's administrator (system) is asked to change its generated password; an
    administrator cannot mark an account so; any new password clears the mark."""
    system = Actor(name="system", role="system")
    sim.do(
        cmd.CreateStaff(username="admin", full_name="A", role="admin", password_hash="g", must_change_password=True),
        system,
    )
    sim.do(cmd.CreateStaff(username="lan", full_name="L", role="counter", password_hash="h", must_change_password=True))
    assert (sim.state.staff["admin"].must_change_password, sim.state.staff["lan"].must_change_password) == (True, False)
    sim.do(cmd.SetStaffPassword(username="admin", password_hash="new"))
    assert sim.state.staff["admin"].must_change_password is False


def test_staff_change_their_own_password_only(sim: Sim) -> None:
    sim.do(cmd.CreateStaff(username="lan", full_name="L", role="counter", counters=[1], password_hash="h"))
    sim.do(cmd.CreateStaff(username="tuan", full_name="T", role="counter", counters=[2], password_hash="h"))
    lan = Actor(name="staff:lan", role="counter", counters=[1])
    sim.do(cmd.SetStaffPassword(username="lan", password_hash="mine"), lan)
    assert sim.state.staff["lan"].password_hash == "mine"
    refused(sim, cmd.SetStaffPassword(username="tuan", password_hash="x"), "forbidden", lan)
    refused(sim, cmd.SetStaffActive(username="lan", active=False), "forbidden", lan)
    assert sim.state.staff["tuan"].password_hash == "h"


def test_devices(sim: Sim) -> None:
    sim.do(cmd.RegisterDevice(device="tv-1", kind="tv", name="TV sảnh", zone="z1", token_hash="t"))
    refused(sim, cmd.RegisterDevice(device="tv-1", kind="tv", name="x", token_hash="t"), "device_exists")
    refused(sim, cmd.RegisterDevice(device="tv-2", kind="tv", name="x", zone="zz", token_hash="t"), "unknown_zone")
    sim.do(cmd.RevokeDevice(device="tv-1"))
    assert not sim.state.devices["tv-1"].active
    refused(sim, cmd.RevokeDevice(device="tv-9"), "unknown_device")


def test_a_kiosk_printer_is_set_checked_and_kept_canonical(sim: Sim) -> None:
    sim.do(cmd.RegisterDevice(device="kiosk-9", kind="kiosk", name="Ki-ốt sảnh", token_hash="t"))
    sim.do(cmd.RegisterDevice(device="tv-9", kind="tv", name="TV", token_hash="t"))
    assert sim.state.devices["kiosk-9"].printer == "bridge"  # what kiosks did before: their bridge prints
    for given, kept in [
        (" escpos:10.0.0.5 ", "escpos:10.0.0.5:9100"),
        ("escpos:in-ve.benhvien.lan:9101", "escpos:in-ve.benhvien.lan:9101"),
        ("cups:Quay_Tiep-Don.1", "cups:Quay_Tiep-Don.1"),
        ("none", "none"),
        ("bridge", "bridge"),
    ]:
        sim.do(cmd.SetDevicePrinter(device="kiosk-9", printer=given))
        assert sim.state.devices["kiosk-9"].printer == kept
        assert str(parse_printer(kept)) == kept
    assert parse_printer("cups:q").server_side and not parse_printer("bridge").server_side
    for bad in (
        "",
        "lpt1",
        "none:x",
        "escpos:",
        "escpos:-host",
        "escpos:10.0.0.5:0",
        "escpos:10.0.0.5:65536",
        "escpos:10.0.0.5:٩١٠٠",  # Arabic-Indic digits are digits to str.isdigit, not to a port
        "escpos:10.0.0.5:91x",
        "cups:",
        "cups:a b",
        "cups:a/b",
        "cups:" + "q" * 128,
        "escpos:" + "a" * 300,
    ):
        error = refused(sim, cmd.SetDevicePrinter(device="kiosk-9", printer=bad), "invalid_printer")
        assert error.field == "printer" and "escpos:" in error.message_vi
    refused(sim, cmd.SetDevicePrinter(device="tv-9", printer="none"), "printer_not_kiosk")
    refused(sim, cmd.SetDevicePrinter(device="kiosk-0", printer="none"), "unknown_device")
    assert sim.state.devices["kiosk-9"].printer == "bridge"


# ---- roles --------------------------------------------------------------------------------

LAN = Actor(name="staff:lan", role="counter", counters=[1])
KIOSK = Actor(name="device:kiosk-1", role="kiosk")
TV = Actor(name="device:tv-1", role="tv")


def test_counter_staff_act_only_on_their_counter(sim: Sim) -> None:
    a = sim.issue("A")
    err = refused(sim, cmd.CallNext(counter=2), "forbidden_counter", LAN)
    assert err.field == "counter"
    sim.do(cmd.CallNext(counter=1), LAN)
    sim.do(cmd.Transfer(counter=1, to_counter=2), LAN)
    assert a.target_counter == 2
    sim.do(cmd.CancelTicket(label=a.label), LAN)
    sim.do(cmd.IssueTicket(service="A", channel="staff"), LAN)
    refused(sim, cmd.ReplaceConfig(config=small_config()), "forbidden", LAN)
    refused(sim, cmd.CreateStaff(username="x", full_name="x", role="admin", password_hash="h"), "forbidden", LAN)


def test_devices_roles(sim: Sim) -> None:
    sim.do(cmd.IssueTicket(service="A"), KIOSK)
    refused(sim, cmd.CallNext(counter=1), "forbidden", KIOSK)
    refused(sim, cmd.IssueTicket(service="A"), "forbidden", TV)
    refused(sim, cmd.CancelTicket(label="A001"), "forbidden", TV)


def test_decide_never_mutates_state(sim: Sim) -> None:
    from server.domain.decide import decide

    sim.issue("A", identity=ID2)
    sim.issue("A", declared=[PriorityGroup.PREGNANT])
    sim.call(1)
    snapshot = copy.deepcopy(msgspec.json.encode(sim.state))
    for command in [
        cmd.FinishAndCallNext(counter=1),
        cmd.Transfer(counter=1, to_service="B"),
        cmd.IssueTicket(service="A"),
        cmd.Recall(counter=1),
        cmd.ParkTicket(counter=1),
    ]:
        decide(sim.state, command, sim.now, Actor(name="staff:admin", role="admin"))
    assert msgspec.json.encode(sim.state) == snapshot


def test_transfer_a_waiting_ticket_by_label(sim: Sim) -> None:
    a = sim.issue("A")
    sim.advance(1)
    b = sim.issue("B")
    sim.advance(1)
    e = sim.do(cmd.Transfer(counter=1, label=a.label, to_service="B", position="back"))[0]
    assert isinstance(e, ev.TicketTransferred) and e.from_counter is None
    assert a.service == "B" and a.status is Status.WAITING
    assert [t.id for t in sim.state.waiting_in("A")] == [] and [t.id for t in sim.state.waiting_in("B")] == [b.id, a.id]
    assert sim.call(3).ticket == b.id  # a went to the back of B
    refused(sim, cmd.Transfer(counter=1, label="B9"), "unknown_ticket")


def test_review_priority_of_a_ticket_already_called(sim: Sim) -> None:
    """Staff often confirm a declared priority once the patient stands at the counter."""
    t = sim.issue("A", declared=[PriorityGroup.PREGNANT])
    sim.call(1)
    assert t.status is Status.CALLED
    sim.do(cmd.ReviewPriority(label=t.label, confirmed=True))
    assert not t.priority_pending and t.priority == [PriorityGroup.PREGNANT]
    assert all(n >= 0 for kinds in sim.state.kinds.values() for n in kinds)


def test_only_the_system_records_the_configuration_file(sim: Sim) -> None:
    from server.domain.access import SYSTEM

    cfg = sim.state.config
    sim.do(cmd.ReplaceConfig(config=cfg, from_file=True))  # an admin: not the file
    assert sim.state.file_config is None
    sim.do(cmd.ReplaceConfig(config=cfg, from_file=True), SYSTEM)
    assert sim.state.file_config == cfg


def test_a_recall_moves_the_call_to_the_front_once(sim: Sim) -> None:
    a = sim.issue("A")
    sim.call(1)
    sim.issue("A")
    sim.call(2)
    sim.do(cmd.Recall(counter=1))
    assert [lc.label for lc in sim.state.last_calls] == [a.label, "A002"]


def test_transfer_to_the_front_of_an_empty_queue_has_not_waited_forever(sim: Sim) -> None:
    a = sim.issue("A")
    sim.call(1)
    sim.do(cmd.Transfer(counter=1, to_service="B", position="front"))
    assert sim.state.tickets[a.id].queue_key == sim.now
    sim.advance(7)
    sim.issue("B")
    e = sim.call(3)
    assert (e.ticket, e.rule) == (a.id, "only_normal")  # not "max_wait"


def test_usernames_may_have_dots_and_hyphens_but_are_bounded(sim: Sim) -> None:
    for name in ("dd.lan", "bs-tuan_2", "Lan", "a" * 32):
        sim.do(cmd.CreateStaff(username=name, full_name="x", role="counter", password_hash="h"))
        assert name in sim.state.staff
    for bad in (".lan", "lan.", "-lan", "a" * 33, "", "lan@bv", "lê.lan"):
        refused(
            sim, cmd.CreateStaff(username=bad, full_name="x", role="counter", password_hash="h"), "invalid_username"
        )


def test_a_walk_in_ticket_names_no_online_counter() -> None:
    counters = [
        {"number": 1, "name": "Quầy 1", "zone": "z1", "services": [{"code": "A"}]},
        {"number": 2, "name": "Quầy 2", "zone": "z1", "services": [{"code": "A"}, {"code": "B"}]},
        {"number": 3, "name": "Trực tuyến", "zone": "z2", "services": [{"code": "A"}, {"code": "B"}], "online": True},
    ]
    sim = Sim(small_config(counters=counters))
    result = handle(sim.state, cmd.IssueTicket(service="A"), sim.now, ADMIN, None).result
    assert result["counters"] == [1, 2]
    online = handle(sim.state, cmd.IssueTicket(service="A", channel="online"), sim.now, ADMIN, None).result
    assert online["counters"] == [1, 2, 3]
    only_online = [{**counters[2], "services": [{"code": "B"}]}, counters[0]]
    sim = Sim(small_config(counters=only_online))
    assert sim.state.config.counters_offered("B", "kiosk") == [3]  # nobody else serves B: still named
    walk_ins = [counters[0], {**counters[2], "walk_ins": True}]
    assert Sim(small_config(counters=walk_ins)).state.config.counters_offered("A", "kiosk") == [1, 3]


def test_a_second_nurse_at_an_open_counter_takes_it_over(sim: Sim) -> None:
    lan = Actor(name="staff:lan", role="counter", counters=[1])
    tuan = Actor(name="staff:tuan", role="counter", counters=[1])
    if sim.state.counters[1].status != "closed":
        sim.do(cmd.CloseCounter(counter=1))
    sim.do(cmd.OpenCounter(counter=1), actor=lan)
    sim.issue("A")
    assert [type(e) for e in sim.do(cmd.CallNext(counter=1), actor=lan)] == [ev.TicketCalled]
    events = sim.do(cmd.StartService(counter=1), actor=tuan)
    assert [type(e) for e in events] == [ev.CounterTakenOver, ev.ServiceStarted]
    assert sim.state.counters[1].staff == "staff:tuan"
    assert [type(e) for e in sim.do(cmd.FinishService(counter=1), actor=tuan)] == [ev.ServiceFinished]
    sim.do(cmd.PauseCounter(counter=1, reason="x"))  # an admin does not take the counter over
    assert sim.state.counters[1].staff == "staff:tuan"
