"""Every error code of the product, with its message in Vietnamese and English: the queue's
domain, the server's HTTP and websocket API, and the hardware bridge (card reader, camera,
printer, speaker) all take their messages from here, so a code means one thing everywhere and
``clients/shared/protocol.js`` is generated from it (``python -m server.protocol``).

A key is a code (``unknown_counter``), or a code and a variant (``unknown_counter.choose``)
where one code is worded for the place it comes from; the wire carries the code alone.
Messages are ``str.format`` templates with named parameters (``{counter}``, ``{label}``); the
exception that carries them keeps the parameters as its data (``errors.DomainError.params``).
``status`` is the HTTP status an API answers with.

The entries are held by area in ``domain/error_codes/`` (the queue, the HIS, identity, the
insurance check, staff and access, the server, the bridge); ``CATALOGUE`` is their one merge, in
the order below, and the only name the rest of the code reads.
"""

from __future__ import annotations

from .error_codes import Entry, api, bridge, his, identity, insurance, queue, staff

CATALOGUE: dict[str, Entry] = {
    **queue.COUNTERS,
    **queue.TICKETS,
    **queue.BOOKINGS,
    **his.HIS,
    **identity.IDENTITY,
    **insurance.INSURANCE,
    **identity.QR_SEX,
    **staff.CONFIGURATION,
    **staff.ACCESS,
    **api.API,
    **api.PROVINCE,
    **his.HIS_LINKS,
    **api.STORAGE,
    **api.MEDIA,
    **bridge.BRIDGE,
    **bridge.CARD_READER,
    **bridge.CAMERA,
    **bridge.PRINTER,
    **bridge.SPEAKER,
}


def code_of(key: str) -> str:
    """The code a key stands for on the wire: ``unknown_counter.choose`` -> ``unknown_counter``."""
    return key.partition(".")[0]


def codes() -> list[str]:
    """Every code, each once, sorted."""
    return sorted({code_of(k) for k in CATALOGUE})


def messages(key: str, params: dict[str, object]) -> tuple[str, str]:
    """The Vietnamese and English messages of ``key`` with its parameters filled in."""
    entry = CATALOGUE[key]
    return entry.vi.format(**params), entry.en.format(**params)
