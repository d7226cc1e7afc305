"""The entries of the one catalogue of error codes (``domain/catalogue.py``), held by area.

Each module holds the entries of one area, as dicts in the order the catalogue lists them;
``catalogue.CATALOGUE`` merges them into the one dict that the errors, the API's documents, the
bridge and ``clients/shared/protocol.js`` read. A new code goes into its area's dict; a new area
is a module here and a line of the merge.
"""

from __future__ import annotations

from typing import NamedTuple


class Entry(NamedTuple):
    """One key's message in Vietnamese and English, and the HTTP status an API answers with."""

    vi: str
    en: str
    status: int = 400
