"""The face rules: descriptor shape, the verdict by distance, and what an issue with a face does."""

from __future__ import annotations

import math

import msgspec
import pytest

from server.domain import commands as cmd
from server.domain import events as ev
from server.domain.config import Face
from server.domain.config_check import config_from_builtins
from server.domain.errors import ConfigError, DomainError
from server.domain.faces import DESCRIPTOR_SIZE, FaceMatch, validate_descriptor, verdict
from server.domain.lifecycle import Status

from .sim import Sim, small_config, small_config_data
from .test_decide import refused

FACE = [0.01 * (i % 7) for i in range(DESCRIPTOR_SIZE)]


@pytest.fixture
def sim() -> Sim:
    s = Sim()
    s.open(1, 2, 3)
    return s


def test_a_descriptor_is_128_small_finite_numbers() -> None:
    assert validate_descriptor(FACE) == tuple(FACE)
    assert validate_descriptor([0] * DESCRIPTOR_SIZE) == (0.0,) * DESCRIPTOR_SIZE
    for bad in ([0.1] * 127, [0.1] * 129, [*FACE[:-1], math.nan], [*FACE[:-1], math.inf], [*FACE[:-1], 2.5], []):
        with pytest.raises(DomainError) as err:
            validate_descriptor(bad)
        assert err.value.code == "invalid_face" and err.value.field == "face"


def test_the_verdict_by_distance_at_its_edges() -> None:
    policy = Face(same_distance=0.45, review_distance=0.55)
    assert verdict(0.0, policy) == "same"
    assert verdict(0.45, policy) == "same"
    assert verdict(0.4501, policy) == "review"
    assert verdict(0.55, policy) == "review"
    assert verdict(0.5501, policy) == "different"
    assert verdict(0.45, Face(same_distance=0.3, review_distance=0.3)) == "different"


@pytest.mark.parametrize(("same", "review"), [(0.0, 0.5), (0.6, 0.5), (0.4, 1.2), (-0.1, 0.2)])
def test_thresholds_must_be_ordered_and_in_range(same: float, review: float) -> None:
    with pytest.raises(ConfigError) as err:
        config_from_builtins(small_config_data(face={"same_distance": same, "review_distance": review}))
    assert err.value.field == "face.same_distance"


def test_a_face_is_kept_with_the_consent_version(sim: Sim) -> None:
    t = sim.issue("A", face=FACE)
    assert t.face and not t.face_review
    issued = sim.records[-1].event
    assert isinstance(issued, ev.TicketIssued) and issued.face and issued.face_consent == "2026-11"
    t2 = sim.issue("A", face=FACE, face_consent="2027-01")
    issued = sim.records[-1].event
    assert isinstance(issued, ev.TicketIssued) and issued.face_consent == "2027-01" and t2.face


def test_a_declined_face_is_recorded_as_declined(sim: Sim) -> None:
    t = sim.issue("A", face_consent="declined")
    issued = sim.records[-1].event
    assert isinstance(issued, ev.TicketIssued) and not issued.face and issued.face_consent == "declined"
    assert not t.face


def test_the_same_face_is_refused_and_told_the_ticket_it_holds(sim: Sim) -> None:
    first = sim.issue("A", face=FACE)
    with pytest.raises(DomainError) as exc:
        sim.do(cmd.IssueTicket(service="A", face=FACE), match=FaceMatch(ticket=first.id, distance=0.3))
    assert exc.value.code == "duplicate_face" and exc.value.field == first.label
    assert first.label in exc.value.message_vi and first.label in exc.value.message_en


def test_refusal_leaves_the_state_unchanged(sim: Sim) -> None:
    first = sim.issue("A", face=FACE)
    before = msgspec.json.encode(sim.state)
    with pytest.raises(DomainError):
        sim.do(cmd.IssueTicket(service="A", face=FACE), match=FaceMatch(ticket=first.id, distance=0.45))
    assert msgspec.json.encode(sim.state) == before


def test_a_doubtful_face_gets_a_ticket_marked_for_staff(sim: Sim) -> None:
    first = sim.issue("A", face=FACE)
    second = sim.issue("A", face=FACE, match=FaceMatch(ticket=first.id, distance=0.512345))
    assert second.face_review == first.label and second.face_distance == 0.512
    third = sim.issue("A", face=FACE, match=FaceMatch(ticket=first.id, distance=0.7))
    assert not third.face_review and third.face_distance is None


def test_a_match_that_no_longer_counts_is_ignored(sim: Sim) -> None:
    other_service = sim.issue("B", face=FACE)
    t = sim.issue("A", face=FACE, match=FaceMatch(ticket=other_service.id, distance=0.1))
    assert t.face and not t.face_review
    sim.do(cmd.CancelTicket(label=t.label))
    again = sim.issue("A", face=FACE, match=FaceMatch(ticket=t.id, distance=0.1))
    assert again.face
    ghost = sim.issue("A", face=FACE, match=FaceMatch(ticket=999, distance=0.1))
    assert ghost.face


def test_a_bad_descriptor_is_refused(sim: Sim) -> None:
    refused(sim, cmd.IssueTicket(service="A", face=[0.1] * 3), "invalid_face")


def test_with_the_check_off_no_face_is_kept() -> None:
    sim = Sim(small_config(face={"enabled": False}))
    sim.open(1)
    first = sim.issue("A", face=FACE)
    assert not first.face
    second = sim.issue("A", face=[0.1] * 3, face_consent="declined", match=FaceMatch(ticket=first.id, distance=0.0))
    issued = sim.records[-1].event
    assert isinstance(issued, ev.TicketIssued) and not issued.face and issued.face_consent == ""
    assert second.status is Status.WAITING


def test_staff_review_clears_the_mark_or_cancels_the_second_ticket(sim: Sim) -> None:
    first = sim.issue("A", face=FACE)
    second = sim.issue("A", face=FACE, match=FaceMatch(ticket=first.id, distance=0.5))
    third = sim.issue("A", face=FACE, match=FaceMatch(ticket=first.id, distance=0.5))
    events = sim.do(cmd.ReviewFace(label=second.label, same=False))
    assert [type(e) for e in events] == [ev.FaceReviewed]
    assert not second.face_review and second.face_distance is None and second.status is Status.WAITING
    refused(sim, cmd.ReviewFace(label=second.label, same=True), "no_face_review")
    events = sim.do(cmd.ReviewFace(label=third.label, same=True))
    assert [type(e) for e in events] == [ev.FaceReviewed, ev.TicketCancelled]
    assert third.status is Status.CANCELLED
    cancelled = events[-1]
    assert isinstance(cancelled, ev.TicketCancelled) and first.label in cancelled.reason
    refused(sim, cmd.ReviewFace(label="Z999", same=True), "unknown_ticket")


def test_counter_staff_may_review_faces(sim: Sim) -> None:
    from server.domain.access import Actor

    first = sim.issue("A", face=FACE)
    second = sim.issue("A", face=FACE, match=FaceMatch(ticket=first.id, distance=0.5))
    staff = Actor(name="staff:lan", role="counter", counters=[1])
    sim.do(cmd.ReviewFace(label=second.label, same=False), staff)
    assert not second.face_review
    tv = Actor(name="device:tv", role="tv")
    refused(sim, cmd.ReviewFace(label=first.label, same=False), "no_face_review", staff)
    refused(sim, cmd.ReviewFace(label=first.label, same=False), "forbidden", tv)
