"""Errors of the card reader, each with a stable code and messages in Vietnamese and English.

Codes: ``wrong_can`` (PACE or BAC refused the key), ``card_removed`` (the card left during a
read), ``unsupported_card`` (not an eMRTD we can read), ``authenticity_failed`` (a data group
does not match the signed hashes, or the signature is bad), ``reader_missing``,
``secure_messaging_failed`` (a protected response did not verify), ``card_error`` (the card
answered an unexpected status word)."""

from __future__ import annotations


class BridgeError(Exception):
    """A device error the bridge reports with its stable code (docs/bridge-protocol.md)."""

    def __init__(self, code: str, message_vi: str, message_en: str, detail: str = "") -> None:
        super().__init__(f"{code}: {message_en}" + (f" ({detail})" if detail else ""))
        self.code = code
        self.message_vi = message_vi
        self.message_en = message_en
        self.detail = detail


class CardError(BridgeError):
    """An error of the card reader or of an identity input."""


def reader_missing(detail: str = "") -> CardError:
    return CardError(
        "reader_missing",
        "Không tìm thấy đầu đọc thẻ. Kiểm tra cáp và dịch vụ pcscd.",
        "No card reader found. Check the cable and the pcscd service.",
        detail,
    )


def wrong_can(detail: str = "") -> CardError:
    return CardError(
        "wrong_can",
        "Mã truy cập thẻ (6 số cuối CCCD) không đúng với thẻ này.",
        "The card access number (last 6 digits of the ID) does not match this card.",
        detail,
    )


def card_removed(detail: str = "") -> CardError:
    return CardError(
        "card_removed",
        "Thẻ đã bị rút ra trong khi đọc. Vui lòng đặt lại thẻ và giữ yên.",
        "The card was removed during the read. Please place it again and hold it still.",
        detail,
    )


def unsupported_card(detail: str = "") -> CardError:
    return CardError(
        "unsupported_card",
        "Thẻ này không phải thẻ căn cước gắn chip đọc được.",
        "This is not a chip ID card that can be read.",
        detail,
    )


def authenticity_failed(detail: str = "") -> CardError:
    return CardError(
        "authenticity_failed",
        "Dữ liệu trên chip không khớp chữ ký số: thẻ có thể bị làm giả hoặc hỏng.",
        "The chip data does not match its digital signature: the card may be forged or damaged.",
        detail,
    )


def secure_messaging_failed(detail: str = "") -> CardError:
    return CardError(
        "secure_messaging_failed",
        "Kết nối bảo mật với thẻ bị lỗi. Vui lòng đặt lại thẻ.",
        "The secure channel to the card failed. Please place the card again.",
        detail,
    )


def card_error(sw: int, detail: str = "") -> CardError:
    return CardError(
        "card_error",
        f"Thẻ trả lời lỗi {sw:04X}.",
        f"The card answered with error {sw:04X}.",
        detail,
    )
