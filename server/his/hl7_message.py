"""HL7 v2.5 messages for the HIS link, without I/O: the ADT message of a
:class:`~server.domain.his.HisMessage`, the escaping of text, and the reading of the HIS's ACK.
The MLLP shell that sends them is ``server/his/hl7.py``; the fields are documented in docs/his.md.

One message per event, built only from the message, so a retry sends the same bytes (MSH-7 is
the event's time, MSH-10 its id). Where each value goes:

- MSH: ``|^~\\&``, MSH-3/4 our application and the facility code (MA_CSKCB), MSH-5/6 the HIS's
  application and facility, MSH-7 the event's time, MSH-9 the trigger with its structure, MSH-10
  the control id (``control_id``: the facility and the event's sequence number, as v2.5 allows 20
  characters), MSH-11 P, MSH-12 2.5, MSH-17 VNM, MSH-18 ``UNICODE UTF-8`` (the frame is UTF-8).
  MSH-15/16 are empty: original acknowledgement mode, one ACK per message (AA/AE/AR).
- EVN-1 the trigger, EVN-2 and EVN-6 the event's time, EVN-7 the facility.
- PID-3 repeats: the CCCD ``<number>^^^CCCD^NI`` (NI: national unique individual identifier,
  HL7 table 0203), the BHYT card ``<number>^^^BHYT^HC`` (HC: health card number), a passport
  ``<number>^^^<its nationality, ICAO code>^PPN`` (PPN: passport number), the HIS's
  patient code MA_BN ``<code>^^^<HIS app>^PI`` once known; a ticket taken without an identity
  carries its key ``<key>^^^<our app>^VN`` instead. PID-5 the name split the Vietnamese way
  (family = the first word, given = the last, the words between as middle names; name type L),
  PID-7 the birth date (YYYYMMDD), PID-8 M/F/U.
- PV1-2 O (outpatient), PV1-3 the counter or room ``<counter>^^^<facility>^^^^^<its name>``,
  PV1-10 the service code, PV1-18 the kind of care MA_LOAI_KCB, PV1-19 the visit number
  ``<ticket key>^^^<our app>^VN`` (one registration per ticket), PV1-44 issued at, PV1-45 the end
  (A03), PV1-50 the HIS's episode MA_LK once known.
- PV2-3 the service as a coded reason for the visit ``<code>^<name>^L``.
- ZQU (a local segment; receivers ignore what they do not know): ZQU-1 the ticket's number as
  the patient holds it (e.g. A012), ZQU-2 the queue's event, ZQU-3 the ticket's status after it,
  ZQU-4 the reason (transfer, cancel, miss), ZQU-5 the legal priority groups (repeated),
  ZQU-6 the booking id, ZQU-7 the documents staff checked the identity on (repeated:
  ``vneid_identity``, ``vneid_health_book``, ``card``, ``passport``), ZQU-8 who did it
  (``staff:<username>``, ``his:<link>``...).
"""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo

import msgspec

from ..domain.his import HisMessage, HisTicket, Kind

VERSION = "2.5"
ENCODING_CHARS = "^~\\&"
TRIGGERS: dict[Kind, tuple[str, str]] = {  # the queue's event -> (trigger event, message structure)
    "issued": ("A04", "ADT_A01"),  # register a patient
    "called": ("A08", "ADT_A01"),  # update patient information
    "started": ("A08", "ADT_A01"),
    "transferred": ("A08", "ADT_A01"),
    "changed": ("A08", "ADT_A01"),
    "missed": ("A08", "ADT_A01"),
    "moved": ("A08", "ADT_A01"),  # a step of the visit ended, the patient goes on (not discharged)
    "steps": ("A08", "ADT_A01"),  # the visit's steps changed (an order, a result)
    "cancelled": ("A11", "ADT_A09"),  # cancel admit / visit notification
    "finished": ("A03", "ADT_A03"),  # discharge / end visit
}
SEX = {"male": "M", "female": "F"}
RESENT = re.compile(r"-r(\d+)$")
DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
# the delimiters and the escape character, as the escape sequences that stand for them
_ESCAPES = {"|": "\\F\\", "^": "\\S\\", "~": "\\R\\", "&": "\\T\\", "\\": "\\E\\"}
_CONTROL = re.compile(r"[\x00-\x1f\x7f]+")


class Envelope(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """What the header says besides the message: the applications, the HIS's facility (""
    means the ticket's own facility code) and the zone of the timestamps."""

    sending_app: str = "QUEUE"
    receiving_app: str = "HIS"
    receiving_facility: str = ""
    processing: str = "P"  # HL7 table 0103: P production, T training, D debugging
    timezone: str = "Asia/Ho_Chi_Minh"


class Ack(msgspec.Struct, frozen=True):
    code: str  # MSA-1: AA, AE, AR (original mode) or CA, CE, CR (enhanced mode)
    control_id: str  # MSA-2: the MSH-10 it answers
    text: str  # MSA-3, else ERR-8 (user message), else the text of ERR-3 or ERR-1


class AckError(ValueError):
    """The HIS answered something that is not an ACK."""


def control_id(message: HisMessage) -> str:
    """MSH-10: at most 20 characters in v2.5 (the message id is longer), stable for every retry and
    unique per sending facility: the facility code and the event's sequence number."""
    resent = RESENT.search(message.id)  # a staff resend ("<id>-r2") is a new message to the HIS
    return f"{message.ticket.site}-{message.seq}{'R' + resent[1] if resent else ''}"[-20:]


def escape(text: str) -> str:
    """Text as it may stand in a field: the delimiters written as HL7 escape sequences, control
    characters (which MLLP and the segment ends use) as one space."""
    text = _CONTROL.sub(" ", text)
    return "".join(_ESCAPES.get(c, c) for c in text)


def unescape(text: str, delimiters: str = "|" + ENCODING_CHARS) -> str:
    """The reverse of :func:`escape` for a message with these delimiters (field, component,
    repetition, escape, subcomponent), plus ``\\Xhh..\\`` (hex bytes, UTF-8) and ``\\.br\\``;
    other sequences (highlighting, character sets) are dropped."""
    field, component, repetition, esc, sub = (delimiters[i] for i in range(5))
    plain = {"F": field, "S": component, "R": repetition, "E": esc, "T": sub, ".br": "\n"}

    def one(match: re.Match[str]) -> str:
        seq = match.group(1)
        if seq in plain:
            return plain[seq]
        if seq[:1] == "X" and len(seq) % 2 == 1:
            try:
                return bytes.fromhex(seq[1:]).decode("utf-8", "replace")
            except ValueError:
                return ""
        return ""

    return re.sub(f"{re.escape(esc)}([^{re.escape(esc)}]*){re.escape(esc)}", one, text)


def timestamp(at: float, timezone: str) -> str:
    """HL7 DTM with the zone's offset: 20261206083015+0700."""
    return dt.datetime.fromtimestamp(at, zoneinfo.ZoneInfo(timezone)).strftime("%Y%m%d%H%M%S%z")


def trigger(kind: Kind) -> tuple[str, str] | None:
    """The trigger event and structure for a queue event; None when HL7 ADT has none (a rating)."""
    return TRIGGERS.get(kind)


DEFAULT = Envelope()


def build(message: HisMessage, envelope: Envelope = DEFAULT) -> str:
    """The message in ER7 encoding: segments each ended by a carriage return."""
    event_structure = trigger(message.kind)
    if event_structure is None:
        raise ValueError(f"HL7 v2 ADT has no message for {message.kind!r}")
    event, structure = event_structure
    t = message.ticket
    at = timestamp(message.at, envelope.timezone)
    msh = _segment(  # MSH-1 is the field separator after "MSH" itself; MSH-2 the encoding characters
        "MSH",
        ENCODING_CHARS,
        escape(envelope.sending_app),
        escape(t.site),
        escape(envelope.receiving_app),
        escape(envelope.receiving_facility or t.site),
        at,
        "",
        f"ADT^{event}^{structure}",
        escape(control_id(message)),
        escape(envelope.processing),
        VERSION,
        *[""] * 4,
        "VNM",
        "UNICODE UTF-8",
    )
    evn = _segment("EVN", event, at, "", "", "", at, escape(t.site))
    segments = [msh, evn, _pid(t, envelope), _pv1(message, envelope), _pv2(t), _zqu(message)]
    return "".join(s + "\r" for s in segments)


def _segment(name: str, *fields: str) -> str:
    values = list(fields)
    while values and not values[-1]:
        values.pop()
    return "|".join([name, *values])


def _components(*values: str) -> str:
    """Components already escaped, joined; trailing empty ones left out."""
    parts = list(values)
    while parts and not parts[-1]:
        parts.pop()
    return "^".join(parts)


def _cx(value: str, authority: str, kind: str) -> str:
    return _components(escape(value), "", "", escape(authority), kind)


def _pid(t: HisTicket, envelope: Envelope) -> str:
    p = t.patient
    ids: list[str] = []
    if p is not None and p.id_number:
        ids.append(_cx(p.id_number, "CCCD", "NI"))
    if p is not None and p.bhyt_number:
        ids.append(_cx(p.bhyt_number, "BHYT", "HC"))
    if p is not None and p.passport_number:
        ids.append(_cx(p.passport_number, p.nationality, "PPN"))
    if t.patient_code:
        ids.append(_cx(t.patient_code, envelope.receiving_app, "PI"))
    if not ids:
        ids.append(_cx(t.key, envelope.sending_app, "VN"))
    name = sex = dob = ""
    if p is not None:
        name = _name(p.name)
        sex = SEX.get(p.sex, "U")
        dob = _date(p.dob)
    return _segment("PID", "1", "", "~".join(ids), "", name, "", dob, sex)


def _name(name: str) -> str:
    """XPN of a Vietnamese name: "Nguyễn Thị Minh Khai" -> Nguyễn^Khai^Thị Minh^^^^L."""
    words = name.split()
    if not words:
        return ""
    given = words[-1] if len(words) > 1 else ""
    return _components(escape(words[0]), escape(given), escape(" ".join(words[1:-1])), "", "", "", "L")


def _date(value: str) -> str:
    m = DATE.match(value)
    return "".join(m.groups()) if m else ""


def _pv1(message: HisMessage, envelope: Envelope) -> str:
    t = message.ticket
    location = ""
    if t.counter is not None:
        location = _components(str(t.counter), "", "", escape(t.site), "", "", "", "", escape(t.counter_name))
    fields = [""] * 50
    fields[0] = "1"
    fields[1] = "O"  # outpatient
    fields[2] = location
    fields[9] = escape(t.service)
    fields[17] = escape(t.care_kind)
    fields[18] = _cx(t.key, envelope.sending_app, "VN")
    fields[43] = timestamp(t.issued_at, envelope.timezone)
    if message.kind == "finished":
        fields[44] = timestamp(message.at, envelope.timezone)
    if t.episode:
        fields[49] = _cx(t.episode, envelope.receiving_app, "VN")
    return _segment("PV1", *fields)


def _pv2(t: HisTicket) -> str:
    return _segment("PV2", "", "", _components(escape(t.service), escape(t.service_name), "L"))


def _zqu(message: HisMessage) -> str:
    t = message.ticket
    priority = "~".join(escape(g) for g in t.priority)
    checks = "~".join(escape(d) for d in t.identity_checks)
    return _segment(
        "ZQU",
        escape(t.label),
        message.kind,
        escape(t.status),
        escape(message.reason),
        priority,
        escape(t.booking),
        checks,
        escape(message.actor),
    )


def parse_ack(text: str) -> Ack:
    """The MSA (and ERR) of an ACK, read with the delimiters its own MSH declares."""
    segments = [s for s in re.split(r"[\r\n]+", text) if s]
    if not segments or not segments[0].startswith("MSH") or len(segments[0]) < 8:
        raise AckError("the answer has no MSH segment")
    delimiters = segments[0][3:8]
    field, component = delimiters[0], delimiters[1]
    by_name: dict[str, list[str]] = {}
    for s in segments:
        by_name.setdefault(s[:3], s.split(field))
    msa = by_name.get("MSA")
    if msa is None or len(msa) < 3 or not msa[1]:
        raise AckError("the answer has no MSA segment with a code and a message id")
    reason = msa[3] if len(msa) > 3 else ""
    err = by_name.get("ERR", [])
    if not reason and len(err) > 8:
        reason = err[8]  # ERR-8 user message
    if not reason and len(err) > 3:
        reason = (err[3].split(component) + [""])[1] or err[3]  # ERR-3 HL7 error code (CWE)
    if not reason and len(err) > 1:
        reason = err[1]  # ERR-1 error code and location (before v2.5)
    return Ack(code=msa[1].strip(), control_id=unescape(msa[2], delimiters), text=unescape(reason, delimiters))
