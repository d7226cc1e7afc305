"""What the issue tells staff about an identity read from a card, and staff's record that they
checked an identity on a document (VNeID, the card, a passport)."""

from __future__ import annotations

import datetime as dt

import pytest

from server.domain import commands as cmd
from server.domain import events as ev
from server.domain.access import Actor
from server.domain.identity import Identity

from .sim import Sim
from .test_decide import refused

STAFF = Actor(name="staff:lan", role="counter", counters=[1])


@pytest.fixture
def sim() -> Sim:
    s = Sim()
    s.open(1)
    return s


def test_a_card_that_disagrees_with_itself_is_issued_with_warnings(sim: Sim) -> None:
    card = Identity(source="qr", id_number="001099012345", name="Nguyễn Văn A", dob=dt.date(1998, 1, 2), sex="female")
    t = sim.issue("A", identity=card)
    assert t.id_warnings == ["id_birth_year_mismatch", "id_sex_mismatch"]
    issued = sim.issue("A", identity=Identity(source="vneid", id_number="001099012346", dob=dt.date(1999, 1, 2)))
    assert issued.id_warnings == []


def test_a_typed_number_that_breaks_a_rule_is_refused_naming_the_part(sim: Sim) -> None:
    err = refused(
        sim,
        cmd.IssueTicket(service="A", identity=Identity(source="typed", id_number="000000000000")),
        "invalid_id_number",
    )
    assert "000000000000" in err.message_vi
    err = refused(
        sim,
        cmd.IssueTicket(service="A", identity=Identity(source="typed", id_number="003099012345")),
        "invalid_id_number",
    )
    assert "3 chữ số đầu" in err.message_vi and "first 3 digits" in err.message_en


def test_staff_record_an_identity_check(sim: Sim) -> None:
    t = sim.issue("A", identity=Identity(source="vneid", id_number="001099012345"))
    events = sim.do(cmd.RecordIdentityCheck(label=t.label, document="vneid_health_book"), STAFF)
    assert events == [ev.IdentityChecked(ticket=t.id, label=t.label, document="vneid_health_book")]
    sim.do(cmd.RecordIdentityCheck(label=t.label, document="vneid_identity"), STAFF)
    sim.do(cmd.RecordIdentityCheck(label=t.label, document="vneid_health_book"), STAFF)
    assert t.identity_checks == ["vneid_health_book", "vneid_identity"]
    refused(sim, cmd.RecordIdentityCheck(label="Z999", document="card"), "unknown_ticket", STAFF)
    refused(
        sim, cmd.RecordIdentityCheck(label=t.label, document="card"), "forbidden", Actor(name="device:k", role="kiosk")
    )


@pytest.mark.parametrize(
    "section",
    [
        'vneid_verifier = "ftp://x/y"',
        'vneid_verifier = "https://a b"',
        "vneid_timeout_seconds = 30",
        "vneid_timeout_seconds = 0.1",
    ],
)
def test_the_vneid_verifier_setting_is_bounded(section: str) -> None:
    from pathlib import Path

    from server.domain.config_check import config_from_toml
    from server.domain.errors import ConfigError

    demo = (Path(__file__).resolve().parents[2] / "config" / "demo.toml").read_text()
    good = demo.replace('vneid_verifier = ""', 'vneid_verifier = "https://xac-thuc.benhvien.lan/vneid"')
    assert config_from_toml(good).identity.vneid_verifier == "https://xac-thuc.benhvien.lan/vneid"
    bad = demo.replace('vneid_verifier = ""\nvneid_timeout_seconds = 4.0', section)
    with pytest.raises(ConfigError) as err:
        config_from_toml(bad)
    assert "identity" in str(err.value.params)
