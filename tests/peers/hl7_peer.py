"""The HIS of the HL7 v2 tests: hl7apy's MLLPServer (the real package, parsing every message with
hl7apy) that keeps one registration per visit number (PV1-19) and answers each message with an
ACK, and journals what it holds to a file the tests read (JSON lines: :func:`fold` reads it).

    python tests/peers/hl7_peer.py --port 0 --store /tmp/his.jsonl

prints ``listening 127.0.0.1:<port>`` once it accepts connections. ADT^A04 registers the visit,
A08 updates it, A11 cancels it, A03 discharges it (an A08/A11/A03 for an unknown visit is
answered AE); a message whose MSH-10 it has seen is answered AA and changes nothing, across a
restart too (the store is read back at start).

Answers other than AA are asked for with a control file (``--control``, default ``<store>.control``),
read at every message, JSON::

    {"answer": "AE" | "AR" | "stall" | "wrong-id" | "close" | "junk" | "unframed" | "flood",
     "text": "why", "seconds": 30}

AE/AR: that code with ``text`` in MSA-3 and ERR-8, nothing stored; ``stall``: wait ``seconds``
before handling the message; ``wrong-id``: AA with an MSA-2 that is not the message's MSH-10;
``close``: close the connection without answering; ``junk``, ``unframed``, ``flood``: a frame
that holds no ACK, an ACK without the MLLP start byte, 80 kB without a frame end. Remove the file
to answer AA again.

hl7apy's own request handler closes the connection after each answer; by default the peer keeps it
open for the next message as interface engines do (``--close-each`` for hl7apy's behaviour), and
closes a connection idle for ``--idle`` seconds.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import re
import sys
import threading
import time
from pathlib import Path
from typing import Any

from hl7apy.core import Message
from hl7apy.mllp import AbstractErrorHandler, AbstractHandler, MLLPRequestHandler, MLLPServer
from hl7apy.parser import parse_message

TRIGGERS = {"A04": "ADT_A01", "A08": "ADT_A01", "A11": "ADT_A09", "A03": "ADT_A03"}
STATUS = {"A04": "registered", "A11": "cancelled", "A03": "discharged"}
FS_CR = b"\x1c\r"
BROKEN = {  # answers that are not an ACK
    "junk": "\x0bthis is not HL7\r\x1c\r",  # a frame without MSH and MSA
    "unframed": "MSH|^~\\&|HIS\rMSA|AA|x\r\x1c\r",  # no start byte
    "flood": "\x0b" + "x" * 80_000,  # longer than any ACK, and no end
}


def unescape(text: str) -> str:
    """The HIS's own reading of HL7 escape sequences (hl7apy keeps them in values)."""
    plain = {"F": "|", "S": "^", "R": "~", "E": "\\", "T": "&"}
    return re.sub(r"\\([FSRET])\\", lambda m: plain[m.group(1)], text)


def fold(lines: list[str]) -> dict[str, Any]:
    """The store from its journal: one JSON line per message taken (the registration as it stands
    after it) or per count; a torn last line is ignored."""
    data: dict[str, Any] = {"registrations": {}, "seen": {}, "received": 0, "duplicates": 0, "connections": 0}
    for line in lines:
        try:
            entry = json.loads(line)
        except json.JSONDecodeError:
            continue
        if "count" in entry:
            data[entry["count"]] += 1
        else:
            data["seen"][entry["seen"]] = entry["trigger"]
            data["registrations"][entry["registration"]["visit"]] = entry["registration"]
    return data


class Store:
    """What the HIS holds, in memory and in an append-only journal (one line per change, so a
    message costs the same however many are stored), read back at a restart."""

    def __init__(self, path: Path, control: Path) -> None:
        self.path = path
        self.control_path = control
        self.lock = threading.Lock()
        self.data = fold(path.read_text(encoding="utf-8").splitlines() if path.exists() else [])
        self.file = path.open("a", encoding="utf-8")

    def control(self) -> dict[str, Any]:
        try:
            value = json.loads(self.control_path.read_text(encoding="utf-8"))
        except (FileNotFoundError, json.JSONDecodeError):
            return {}
        return value if isinstance(value, dict) else {}

    def count(self, key: str) -> None:
        """Under the lock."""
        self.data[key] += 1
        self.write({"count": key})

    def taken(self, control_id: str, trigger: str, registration: dict[str, Any]) -> None:
        """Under the lock."""
        self.data["seen"][control_id] = trigger
        self.data["registrations"][registration["visit"]] = registration
        self.write({"seen": control_id, "trigger": trigger, "registration": registration})

    def write(self, entry: dict[str, Any]) -> None:
        self.file.write(json.dumps(entry, ensure_ascii=False) + "\n")
        self.file.flush()  # before the ACK: what is acknowledged is on file


def ack(incoming: Message | None, code: str, control_id: str, text: str = "") -> str:
    """An ACK built with hl7apy (which escapes the text)."""
    a = Message("ACK", version="2.5")
    a.msh.msh_3 = "HIS"
    if incoming is not None:
        a.msh.msh_4 = incoming.msh.msh_6.value or ""
        a.msh.msh_5 = incoming.msh.msh_3.value or ""
        a.msh.msh_6 = incoming.msh.msh_4.value or ""
    trigger = incoming.msh.msh_9.msg_2.value if incoming is not None else ""
    a.msh.msh_9 = f"ACK^{trigger}^ACK"
    a.msh.msh_10 = f"HIS{time.monotonic_ns()}"
    a.msh.msh_11 = "P"
    a.msh.msh_18 = "UNICODE UTF-8"
    a.msa.msa_1 = code
    a.msa.msa_2 = control_id
    if text:
        a.msa.msa_3 = text
        a.err.err_3 = "207^Application internal error^HL70357"
        a.err.err_4 = "E"
        a.err.err_8 = text
    return str(a.to_mllp())


class Registration(AbstractHandler):
    def __init__(self, message: str, store: Store) -> None:
        super().__init__(message)
        self.store = store

    def reply(self) -> str:
        store = self.store
        control = store.control()
        answer = control.get("answer", "AA")
        if answer == "stall":
            time.sleep(float(control.get("seconds", 30)))
            control, answer = {}, "AA"
        msg = parse_message(self.incoming_message, find_groups=False)
        control_id = unescape(msg.msh.msh_10.value)
        if answer in ("AE", "AR"):
            return ack(msg, answer, control_id, str(control.get("text", "refused by the test")))
        if answer == "wrong-id":
            return ack(msg, "AA", control_id + "-other")
        if answer in BROKEN:
            return BROKEN[answer]
        with store.lock:
            store.count("received")
            if control_id in store.data["seen"]:
                store.count("duplicates")
                return ack(msg, "AA", control_id)
            trigger = msg.msh.msh_9.msg_2.value
            visit = unescape(msg.pv1.pv1_19.cx_1.value)
            reg = store.data["registrations"].get(visit)
            if reg is None and trigger != "A04":
                return ack(msg, "AE", control_id, f"unknown visit {visit}")
            reg = dict(reg or {"visit": visit, "events": [], "message_ids": []})
            self.apply(msg, control_id, trigger, reg)
            store.taken(control_id, trigger, reg)
        return ack(msg, "AA", control_id)

    def apply(self, msg: Message, control_id: str, trigger: str, reg: dict[str, Any]) -> None:
        reg["events"] = [*reg["events"], trigger]
        reg["message_ids"] = [*reg["message_ids"], control_id]
        if trigger in STATUS:
            reg["status"] = STATUS[trigger]
        pid, pv1 = msg.pid, msg.pv1
        reg["identifiers"] = [
            {"id": unescape(r.cx_1.value), "authority": unescape(r.cx_4.value), "type": r.cx_5.value} for r in pid.pid_3
        ]
        xpn = pid.pid_5
        words = [unescape(xpn.xpn_1.value), unescape(xpn.xpn_3.value), unescape(xpn.xpn_2.value)]
        reg["name"] = " ".join(w for w in words if w)  # family, middle, given: the Vietnamese order
        reg["dob"], reg["sex"] = pid.pid_7.value, pid.pid_8.value
        reg["location"], reg["location_name"] = pv1.pv1_3.pl_1.value, unescape(pv1.pv1_3.pl_9.value)
        reg["service"], reg["care_kind"] = unescape(pv1.pv1_10.value), unescape(pv1.pv1_18.value)
        reg["service_name"] = unescape(msg.pv2.pv2_3.ce_2.value)
        reg["admitted"], reg["discharged"] = pv1.pv1_44.value, pv1.pv1_45.value
        fields = msg.zqu.to_er7().split("|") + [""] * 7
        reg["label"], reg["queue_event"], reg["reason"] = unescape(fields[1]), fields[2], unescape(fields[4])
        reg["facility"] = unescape(msg.msh.msh_4.value)


class BadMessage(AbstractErrorHandler):
    def __init__(self, exc: Exception, message: str, store: Store) -> None:
        super().__init__(exc, message)

    def reply(self) -> str:
        try:
            msg = parse_message(self.incoming_message, find_groups=False)
            control_id = msg.msh.msh_10.value
        except Exception:
            msg, control_id = None, ""
        return ack(msg, "AR", control_id, f"cannot take this message: {self.exc}")


class Connection(MLLPRequestHandler):
    """hl7apy's handler, counting connections; unless --close-each, one connection carries
    message after message."""

    def setup(self) -> None:
        super().setup()
        with self.server.store.lock:
            self.server.store.count("connections")

    def handle(self) -> None:
        if self.server.close_each:
            super().handle()
            return
        with contextlib.suppress(OSError):
            while (frame := self.read_frame()) is not None:
                message = self._extract_hl7_message(frame.decode(self.encoding))
                if message is None:
                    break
                try:
                    response = self._route_message(message)
                except Exception:
                    break
                self.wfile.write(response.encode(self.encoding))
        self.request.close()

    def _route_message(self, msg: str) -> str:
        if self.server.store.control().get("answer") == "close":
            raise ConnectionAbortedError("told to close without answering")  # hl7apy closes the connection
        return str(super()._route_message(msg))

    def read_frame(self) -> bytes | None:
        frame = b""
        while not frame.endswith(FS_CR):
            try:
                byte = self.rfile.read(1)
            except TimeoutError:
                return None
            if not byte:
                return None
            frame += byte
        return frame[frame.find(b"\x0b") :]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--store", type=Path, required=True)
    ap.add_argument("--control", type=Path)
    ap.add_argument("--idle", type=float, default=30.0, help="close a connection idle this long (s)")
    ap.add_argument("--close-each", action="store_true", help="close after each answer (hl7apy's way)")
    args = ap.parse_args()
    store = Store(args.store, args.control or Path(f"{args.store}.control"))
    handlers: dict[str, tuple[Any, ...]] = {"ERR": (BadMessage, store)}
    for trigger, structure in TRIGGERS.items():
        handlers[f"ADT^{trigger}^{structure}"] = handlers[f"ADT^{trigger}"] = (Registration, store)
    server = MLLPServer(args.host, args.port, handlers, timeout=args.idle, request_handler_class=Connection)
    server.daemon_threads = True
    server.store, server.close_each = store, args.close_each
    print(f"listening {args.host}:{server.server_address[1]}", flush=True)
    try:
        server.serve_forever(poll_interval=0.1)
    except KeyboardInterrupt:
        sys.exit(0)


if __name__ == "__main__":
    main()
