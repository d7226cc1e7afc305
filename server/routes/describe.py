"""How a route says what it is, for ``/api/openapi.json`` (decision 0012): each route of
``ROUTES`` is wrapped as ``describe(Route(...), Doc(...))``, so the description sits beside the
path and the endpoint it describes and the document is built from the routes themselves
(``server/routes/openapi.py``). ``tests/test_openapi.py`` fails for a route without one.

A ``Doc`` says, for every method of its route:

- ``summary``: one English line; the endpoint's docstring, when it has one, becomes the
  operation's description.
- ``auth``: what the route checks. ``none``; ``staff`` (a staff session:
  ``Authorization: Bearer <token>`` from ``POST /api/login``); ``admin`` (the same, of an
  administrator); ``metrics`` (an address of ``QUEUE_METRICS_ALLOW``, or an administrator's
  session); ``his`` (a HIS link's ``inbound_token`` from its links file, as a bearer token).
- ``body``: the type of the JSON body (a msgspec Struct), or ``raw``: the media type of a raw
  body (an upload).
- ``ok``: the type of the JSON answer (a Struct, or ``dict[str, Any]`` for a free-form object),
  ``status`` its HTTP status, ``media`` its media types when it is not JSON (then ``ok`` is
  ``None``); a 3xx status is a redirect with ``Location``.
- ``errors``: the catalogue keys (``server/domain/catalogue.py``) it can answer with, each under
  the status its entry names, as ``{"error": {...}}``. What ``auth`` and a JSON ``body`` imply
  (``unauthenticated``, ``forbidden.admin_only``, ``too_large``, ``bad_json``) is added; a bare
  int is a status answered without that body (a static file's 404).
- ``query``: the query parameters (``Query``); ``params``: words for the path parameters (their
  names and types come from the path).
- ``tag``: the group it is listed under, when not the name of its routes module.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from http import HTTPStatus
from typing import Any, Literal, NamedTuple

from starlette.routing import BaseRoute

from ..domain.catalogue import CATALOGUE

Auth = Literal["none", "staff", "admin", "metrics", "his"]
JSON = "application/json"


class Query(NamedTuple):
    name: str
    description: str
    type: Literal["string", "integer"] = "string"
    required: bool = False


@dataclass(frozen=True, kw_only=True)
class Doc:
    summary: str
    auth: Auth
    body: Any = None
    raw: str = ""
    ok: Any = None
    status: int = 200
    media: tuple[str, ...] = (JSON,)
    errors: tuple[str | int, ...] = ()
    query: tuple[Query, ...] = ()
    params: Mapping[str, str] = field(default_factory=dict)
    tag: str = ""

    def __post_init__(self) -> None:
        """A key missing from the catalogue, or a status that is none, stops the server at start
        (as ``DomainError`` does for a key), not the document at its first request."""
        for key in self.errors:
            if isinstance(key, str) and key not in CATALOGUE:
                raise KeyError(f"no catalogue entry {key!r}")
            if isinstance(key, int):
                HTTPStatus(key)
        HTTPStatus(self.status)


_ATTRIBUTE = "openapi_doc"


def describe(route: BaseRoute, doc: Doc) -> BaseRoute:
    """The route, carrying its description."""
    setattr(route, _ATTRIBUTE, doc)
    return route


def doc_of(route: BaseRoute) -> Doc | None:
    found = getattr(route, _ATTRIBUTE, None)
    return found if isinstance(found, Doc) else None
