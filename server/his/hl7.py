"""The HL7 v2.5 link: one ADT message per event over MLLP (docs/his.md), on one persistent TCP
connection. The messages are built in ``hl7_message.py``; this is the I/O around them.

MLLP frames a message as ``0x0B <message> 0x1C 0x0D``; the HIS answers each with an ACK frame on
the same connection, so messages go one at a time (a lock), each within ``link.timeout`` seconds
(connecting, writing and reading its ACK). MSA-1 decides: AA/CA -> delivered (the receipt is the
code), AE/CE -> :class:`Retryable`, AR/CR -> :class:`Refused` with MSA-3 or the ERR text. An ACK
for another MSH-10, a malformed answer, no answer in time or a broken connection -> Retryable,
and the connection is dropped, so that a late ACK never answers the next message. A HIS that
closed the connection while it was idle (a restart, an idle timeout of its interface engine) costs
nothing: the message is sent once more on a new connection within the same timeout, which the HIS
dedupes by MSH-10 like any retry.

The link's url is ``mllp://host:port``; its query may set the header's receiving side and the
zone of timestamps: ``mllp://his.local:2575?receiving_app=HIS&receiving_facility=BV01``
(``sending_app``, ``processing`` and ``timezone`` too; see :class:`Envelope`).
"""

from __future__ import annotations

import asyncio
import contextlib
import urllib.parse
import zoneinfo

from ..domain.his import HisMessage
from . import Refused, Retryable
from .hl7_message import Ack, AckError, Envelope, build, control_id, parse_ack, trigger
from .links import Link

START, END = b"\x0b", b"\x1c\x0d"
MAX_ACK = 64 * 1024  # bytes; an answer longer than this is not an ACK
_BROKEN = (OSError, asyncio.IncompleteReadError)  # reset, broken pipe, EOF mid-answer


class Hl7Error(ValueError):
    """A link whose url is not ``mllp://host:port[?...]``."""


def frame(message: str) -> bytes:
    """The MLLP frame of a message, UTF-8 (MSH-18 says so)."""
    return START + message.encode("utf-8") + END


def unframe(data: bytes) -> str:
    """The message inside one frame read up to its end bytes (anything before the start byte is
    line noise and skipped)."""
    start = data.find(START)
    if start < 0 or not data.endswith(END):
        raise AckError("the answer is not an MLLP frame")
    return data[start + 1 : -len(END)].decode("utf-8", "replace")


def endpoint(url: str) -> tuple[str, int, Envelope]:
    """Host, port and header settings of an ``mllp://`` url."""
    parts = urllib.parse.urlsplit(url)
    try:
        port = parts.port
    except ValueError:
        port = None
    if parts.scheme != "mllp" or not parts.hostname or port is None:
        raise Hl7Error(f"an HL7 link's url must be mllp://host:port, not {url!r}")
    query = dict(urllib.parse.parse_qsl(parts.query))
    known = set(Envelope.__struct_fields__)
    unknown = sorted(set(query) - known)
    if unknown:
        raise Hl7Error(
            f"unknown setting(s) in the HL7 link's url: {', '.join(unknown)} (known: {', '.join(sorted(known))})"
        )
    envelope = Envelope(**query)
    try:
        zoneinfo.ZoneInfo(envelope.timezone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise Hl7Error(f"unknown timezone in the HL7 link's url: {envelope.timezone!r}") from None
    return parts.hostname, port, envelope


class Hl7Adapter:
    """The :class:`~server.his.Adapter` of a link whose form is ``hl7``."""

    def __init__(self, link: Link, *, envelope: Envelope | None = None) -> None:
        self.host, self.port, from_url = endpoint(link.url)
        self.envelope = envelope or from_url
        self.timeout = link.timeout
        self.connections = 0  # opened so far (a measure of how persistent the link is)
        self._reader: asyncio.StreamReader | None = None
        self._writer: asyncio.StreamWriter | None = None
        self._lock = asyncio.Lock()

    async def send(self, message: HisMessage) -> str:
        if trigger(message.kind) is None:
            return f"not sent: HL7 v2 has no message for {message.kind}"
        data = frame(build(message, self.envelope))
        async with self._lock:
            try:
                async with asyncio.timeout(self.timeout):
                    answer = await self._exchange(data)
            except TimeoutError:
                self._drop()
                raise Retryable(f"HL7: no ACK from {self.host}:{self.port} within {self.timeout:g} s") from None
            try:
                ack = parse_ack(answer)
            except AckError as exc:
                self._drop()
                raise Retryable(f"HL7: {exc}") from None
            if ack.control_id != control_id(message):
                self._drop()
                raise Retryable(f"HL7: the ACK answers message {ack.control_id!r}, not {control_id(message)!r}")
        return judge(ack)

    async def close(self) -> None:
        writer, self._reader, self._writer = self._writer, None, None
        if writer is not None:
            writer.close()
            with contextlib.suppress(OSError, TimeoutError):
                async with asyncio.timeout(1.0):
                    await writer.wait_closed()

    async def _exchange(self, data: bytes) -> str:
        """Write one frame and read the answer's; once more on a new connection when a
        connection that had been idle turns out to be closed."""
        reused = self._writer is not None and self._reader is not None and not self._reader.at_eof()
        if not reused:
            self._drop()
            await self._connect()
        try:
            return await self._roundtrip(data)
        except _BROKEN as exc:
            self._drop()
            if not reused:
                raise Retryable(f"HL7: the connection to {self.host}:{self.port} broke: {exc!r}") from None
        await self._connect()
        try:
            return await self._roundtrip(data)
        except _BROKEN as exc:
            self._drop()
            raise Retryable(f"HL7: the connection to {self.host}:{self.port} broke: {exc!r}") from None

    async def _connect(self) -> None:
        try:
            self._reader, self._writer = await asyncio.open_connection(self.host, self.port, limit=MAX_ACK)
        except OSError as exc:
            raise Retryable(f"HL7: cannot connect to {self.host}:{self.port}: {exc}") from None
        self.connections += 1

    async def _roundtrip(self, data: bytes) -> str:
        assert self._reader is not None and self._writer is not None
        self._writer.write(data)
        await self._writer.drain()
        try:
            answer = await self._reader.readuntil(END)
        except asyncio.LimitOverrunError:
            self._drop()
            raise Retryable(f"HL7: an answer longer than {MAX_ACK} bytes is not an ACK") from None
        try:
            return unframe(answer)
        except AckError as exc:
            self._drop()
            raise Retryable(f"HL7: {exc}") from None

    def _drop(self) -> None:
        """Forget the connection at once (no flush): whatever it carries now is stale."""
        writer, self._reader, self._writer = self._writer, None, None
        if writer is not None:
            writer.transport.abort()


def judge(ack: Ack) -> str:
    """The receipt of an acknowledged message, or the exception its code means."""
    reason = f"HL7 {ack.code}: {ack.text}" if ack.text else f"HL7 {ack.code}"
    if ack.code in ("AA", "CA"):
        return ack.code
    if ack.code in ("AR", "CR"):
        raise Refused(reason)
    raise Retryable(reason)  # AE, CE and anything unknown: the HIS may take it later
