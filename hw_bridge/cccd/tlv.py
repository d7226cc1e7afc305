"""BER-TLV, as the eMRTD files and protocol messages use it (tags of one to three bytes,
lengths in short or long form)."""

from __future__ import annotations

from collections.abc import Iterator


def encode_length(n: int) -> bytes:
    if n < 0x80:
        return bytes([n])
    body = n.to_bytes((n.bit_length() + 7) // 8, "big")
    return bytes([0x80 | len(body)]) + body


def tlv(tag: int, value: bytes) -> bytes:
    tag_bytes = tag.to_bytes((tag.bit_length() + 7) // 8 or 1, "big")
    return tag_bytes + encode_length(len(value)) + value


def read_tag(data: bytes, i: int) -> tuple[int, int]:
    """The tag at ``i`` and the index after it."""
    first = data[i]
    tag, i = first, i + 1
    if first & 0x1F == 0x1F:
        while True:
            b = data[i]
            tag, i = (tag << 8) | b, i + 1
            if not b & 0x80:
                break
    return tag, i


def read_length(data: bytes, i: int) -> tuple[int, int]:
    first = data[i]
    if first < 0x80:
        return first, i + 1
    count = first & 0x7F
    if count == 0 or count > 4 or i + 1 + count > len(data):
        raise ValueError("bad BER length")
    return int.from_bytes(data[i + 1 : i + 1 + count], "big"), i + 1 + count


def parse(data: bytes) -> Iterator[tuple[int, bytes]]:
    """The (tag, value) pairs at the top level of ``data``."""
    i = 0
    while i < len(data):
        if data[i] in (0x00, 0xFF):  # padding between objects
            i += 1
            continue
        tag, i = read_tag(data, i)
        length, i = read_length(data, i)
        if i + length > len(data):
            raise ValueError("TLV value runs past the end")
        yield tag, data[i : i + length]
        i += length


def find(data: bytes, tag: int) -> bytes | None:
    """The value of the first top-level object with ``tag``."""
    for t, v in parse(data):
        if t == tag:
            return v
    return None


def total_length(header: bytes) -> int:
    """The length of a whole TLV object from its first bytes (tag and length)."""
    _tag, i = read_tag(header, 0)
    length, j = read_length(header, i)
    return j + length
