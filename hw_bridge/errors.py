"""Errors of the hardware bridge, each with a stable code; the messages in Vietnamese and
English come from the product's one catalogue (``server/domain/catalogue.py``), shared with the
server, so a code the kiosk shows means the same from either side.

Tree::

    BridgeError(key, detail)        a device error the bridge reports (docs/bridge-protocol.md)
    └── CardError                   the card reader or an identity input: ``no_card``,
                                    ``reader_missing``, ``wrong_can`` (PACE refused the CAN),
                                    ``wrong_mrz`` (BAC or PACE refused the MRZ data: document
                                    number, birth and expiry dates), ``card_removed`` (the card left during a read),
                                    ``unsupported_card`` (not an eMRTD we can read),
                                    ``authenticity_failed`` (a data group does not match the
                                    signed hashes, or the signature is bad),
                                    ``secure_messaging_failed`` (a protected response did not
                                    verify), ``card_file_not_found`` (6A82: a file the
                                    read needs is not on the chip), ``card_access_denied``
                                    (6982: the chip refuses to let us read it),
                                    ``card_error`` (any other unexpected status word)

Camera and face (``face_unavailable``, ``bad_image``, ``camera_missing``, ``no_usable_face``) and
speaker (``forbidden_url``, ``audio_unavailable``, ``playback_failed``) errors are ``BridgeError``.
Printer faults (``paper_out``, ``cover_open``, ``printer_offline``, ``printer_no_answer``) are
``printing.errors.PrinterError``, shared with the server, which prints for kiosks without a
bridge.
"""

from __future__ import annotations

from typing import Any

from server.domain.catalogue import CATALOGUE, code_of, messages


class BridgeError(Exception):
    """A device error: ``key`` names its catalogue entry, ``detail`` says more for the logs,
    ``params`` fill in its message."""

    def __init__(self, key: str, detail: str = "", **params: Any) -> None:
        if key not in CATALOGUE:
            raise KeyError(f"no catalogue entry {key!r}")
        self.key = key
        self.code = code_of(key)
        self.detail = detail
        self.params = params
        self.message_vi, self.message_en = messages(key, params)
        super().__init__(f"{self.code}: {self.message_en}" + (f" ({detail})" if detail else ""))


class CardError(BridgeError):
    """An error of the card reader or of an identity input."""


def reader_missing(detail: str = "") -> CardError:
    return CardError("reader_missing", detail)


def wrong_can(detail: str = "") -> CardError:
    return CardError("wrong_can", detail)


def card_removed(detail: str = "") -> CardError:
    return CardError("card_removed", detail)


def unsupported_card(detail: str = "") -> CardError:
    return CardError("unsupported_card", detail)


def authenticity_failed(detail: str = "") -> CardError:
    return CardError("authenticity_failed", detail)


def secure_messaging_failed(detail: str = "") -> CardError:
    return CardError("secure_messaging_failed", detail)


def card_error(sw: int, detail: str = "") -> CardError:
    return CardError("card_error", detail, sw=sw)


def wrong_mrz(detail: str = "") -> CardError:
    return CardError("wrong_mrz", detail)


def status_error(sw: int, file: str, detail: str = "") -> CardError:
    """What a status word in answer to reading ``file`` means: its own code where it has one."""
    if sw == 0x6A82:
        return CardError("card_file_not_found", detail or f"{file} {sw:04X}", file=file)
    if sw == 0x6982:
        return CardError("card_access_denied", detail or f"{file} {sw:04X}", file=file)
    return CardError("card_error", detail or file, sw=sw)
