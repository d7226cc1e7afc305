"""The adapter of a link, by its form. FHIR and HL7 are imported only when a link uses them
(``server/his/fhir.py``, ``server/his/hl7.py``); a form whose module is missing gets an adapter
that keeps every message pending (and says why on the admin page) rather than losing any."""

from __future__ import annotations

import importlib
import logging

from ..domain.his import HisMessage
from . import Adapter, Retryable
from .links import Link

log = logging.getLogger("server.his")

MODULES = {"fhir": ("fhir", "FhirAdapter"), "hl7": ("hl7", "Hl7Adapter")}


class Unavailable:
    """A link whose form this server cannot speak: nothing is sent, nothing is lost."""

    def __init__(self, reason: str) -> None:
        self.reason = reason

    async def send(self, message: HisMessage) -> str:
        raise Retryable(self.reason)

    async def close(self) -> None:
        return None


def adapter_for(link: Link) -> Adapter:
    if link.form == "webhook":
        from .webhook import WebhookAdapter

        return WebhookAdapter(link)
    if link.form not in MODULES:
        raise ValueError(f"HIS link {link.name}: form {link.form} sends nothing")
    module, name = MODULES[link.form]
    try:
        found: type[Adapter] = getattr(importlib.import_module(f"{__package__}.{module}"), name)
    except (ImportError, AttributeError) as exc:
        log.error("HIS link %s: no %s adapter (%s)", link.name, link.form, exc)
        return Unavailable(f"no {link.form} adapter in this server")
    return found(link)  # type: ignore[call-arg]
