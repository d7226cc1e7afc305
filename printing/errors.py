"""The printers' faults, each with a stable code and its Vietnamese and English messages from
the product's one catalogue (``server/domain/catalogue.py``): the bridge and the server report
the same code for the same fault."""

from __future__ import annotations

from server.domain.catalogue import CATALOGUE, code_of, messages


class PrinterError(Exception):
    """``paper_out``, ``cover_open``, ``printer_offline`` or ``printer_no_answer``; ``detail``
    says more for the logs."""

    def __init__(self, key: str, detail: str = "") -> None:
        if key not in CATALOGUE:
            raise KeyError(f"no catalogue entry {key!r}")
        self.key = key
        self.code = code_of(key)
        self.detail = detail
        self.message_vi, self.message_en = messages(key, {})
        super().__init__(f"{self.code}: {self.message_en}" + (f" ({detail})" if detail else ""))
