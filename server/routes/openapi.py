"""``GET /api/openapi.json``: the OpenAPI 3.1 description of the whole HTTP API, built from the
routes the application serves and the ``Doc`` each carries (``describe.py``), at the first
request, then kept. Public, like the source it is built from: it names paths, shapes and error
codes, never a secret or a datum (decision 0012). The websocket ``/ws`` is a path of its own
whose messages only docs/protocol.md describes."""

from __future__ import annotations

import importlib.metadata
import inspect
import re
from collections.abc import Iterator
from http import HTTPStatus
from typing import Any

import msgspec
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Mount, Route

from ..domain.catalogue import CATALOGUE, code_of
from .describe import JSON, Auth, Doc, describe, doc_of
from .shapes import ErrorAnswer

WEBSOCKET = "/ws"  # server/app.py hands it to server/ws.py before the routes
HTTP_METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")
SCHEMES = {
    "staffSession": {
        "type": "http",
        "scheme": "bearer",
        "description": "A staff session: the `token` of `POST /api/login`, valid 14 hours.",
    },
    "hisLink": {
        "type": "http",
        "scheme": "bearer",
        "description": "A HIS link's `inbound_token` (its links file, QUEUE_HIS), scoped to the link's site.",
    },
}
SECURITY: dict[Auth, list[dict[str, list[str]]]] = {
    "none": [],
    "staff": [{"staffSession": []}],
    "admin": [{"staffSession": []}],
    "metrics": [{}, {"staffSession": []}],
    "his": [{"hisLink": []}],
}
IMPLIED: dict[Auth, tuple[str, ...]] = {
    "none": (),
    "staff": ("unauthenticated",),
    "admin": ("unauthenticated", "forbidden.admin_only"),
    "metrics": ("forbidden.metrics", "unauthenticated", "forbidden.admin_only"),
    "his": ("unauthenticated",),
}
JSON_BODY = ("too_large", "bad_json.body", "bad_json.object")
AUTH_WORDS: dict[Auth, str] = {
    "none": "Open to anyone.",
    "staff": "A staff session (`Authorization: Bearer <token>`).",
    "admin": "An administrator's session (`Authorization: Bearer <token>`).",
    "metrics": "An address of `QUEUE_METRICS_ALLOW` (never through a proxy), or an administrator's session.",
    "his": "A HIS link's token (`Authorization: Bearer <inbound_token>`).",
}
INFO = """The HTTP API of the patient-flow queue server: sign-in, staff and devices, the public \
state and a ticket's status, reports, media, call audio, operations, the HIS link. Generated \
from the routes (server/routes/); the live queue is the websocket `/ws` (docs/protocol.md).

Every refusal is `{"error": {"code", "message_vi", "message_en", "field"}}` with the status its \
code's entry in server/domain/catalogue.py names. Any request whose `Host` is not one of the \
server's names is refused first with 421 `forbidden_host`."""


def methods_of(route: BaseRoute) -> set[str]:
    """The methods a route answers, less the HEAD that Starlette adds to a GET."""
    if isinstance(route, Route):
        declared = route.methods or {m for m in HTTP_METHODS if hasattr(route.endpoint, m.lower())}
        return set(declared) - {"HEAD"} if "GET" in declared else set(declared)
    return {"GET"}  # a mounted app (the static files)


def endpoints(routes: list[BaseRoute], prefix: str = "") -> Iterator[tuple[str, BaseRoute]]:
    """Every HTTP route of the app as (its Starlette path, the route), mounts walked; a mounted
    app (not a router) is one route ``<mount>/{path}``."""
    for route in routes:
        if isinstance(route, Mount) and route.routes:
            yield from endpoints(route.routes, prefix + route.path)
        elif isinstance(route, Mount):
            yield f"{prefix}{route.path}/{{path}}", route
        elif isinstance(route, Route):
            yield prefix + route.path, route
        else:  # a websocket or host route: not described, so the test names it
            yield prefix + getattr(route, "path", repr(route)), route


def openapi_path(path: str) -> str:
    """``/audio/{key:str}.wav`` -> ``/audio/{key}.wav``."""
    return re.sub(r"{(\w+):\w+}", r"{\1}", path)


def undescribed(routes: list[BaseRoute]) -> list[str]:
    """``METHOD path (endpoint)`` of each route that carries no ``Doc``."""
    out = []
    for path, route in endpoints(routes):
        if doc_of(route) is None:
            name = getattr(getattr(route, "endpoint", None), "__qualname__", type(route).__name__)
            module = getattr(getattr(route, "endpoint", None), "__module__", "?")
            out += [f"{m} {path} ({module}.{name})" for m in sorted(methods_of(route))]
    return out


def _error_responses(keys: list[str | int]) -> dict[str, Any]:
    by_status: dict[int, list[str]] = {}
    bare: set[int] = set()
    for key in keys:
        if isinstance(key, int):
            bare.add(key)
        elif key not in by_status.get(CATALOGUE[key].status, []):
            by_status.setdefault(CATALOGUE[key].status, []).append(key)
    out: dict[str, Any] = {str(s): {"description": HTTPStatus(s).phrase} for s in sorted(bare)}
    for status, found in sorted(by_status.items()):
        examples = {
            k: {
                "summary": f"{code_of(k)}: {CATALOGUE[k].en}",
                "value": {
                    "error": {
                        "code": code_of(k),
                        "message_vi": CATALOGUE[k].vi,
                        "message_en": CATALOGUE[k].en,
                        "field": None,
                    }
                },
            }
            for k in found
        }
        out[str(status)] = {
            "description": "\n".join(f"- `{code_of(k)}`: {CATALOGUE[k].en}" for k in found),
            "content": {JSON: {"schema": {"$ref": "#/components/schemas/ErrorAnswer"}, "examples": examples}},
        }
    return out


def _operation(path: str, route: BaseRoute, doc: Doc, name: str, schema: dict[Any, Any]) -> dict[str, Any]:
    endpoint = getattr(route, "endpoint", None)
    text = inspect.getdoc(endpoint) if endpoint is not None and inspect.isfunction(endpoint) else None
    module = getattr(endpoint, "__module__", "")
    op: dict[str, Any] = {
        "operationId": name,
        "summary": doc.summary,
        "description": " ".join(filter(None, [AUTH_WORDS[doc.auth], (text or "").replace("``", "`")])),
        "tags": [doc.tag or module.rpartition(".")[2] or "pages"],
        "x-auth": doc.auth,
    }
    if doc.auth != "none":
        op["security"] = SECURITY[doc.auth]
    convertors = getattr(route, "param_convertors", {})
    params = [
        {
            "name": p,
            "in": "path",
            "required": True,
            "schema": {"type": "integer" if type(convertors.get(p)).__name__ == "IntegerConvertor" else "string"},
            **({"description": doc.params[p]} if p in doc.params else {}),
        }
        for p in re.findall(r"{(\w+)", path)
    ]
    params += [
        {
            "name": q.name,
            "in": "query",
            "required": q.required,
            "description": q.description,
            "schema": {"type": q.type},
        }
        for q in doc.query
    ]
    if params:
        op["parameters"] = params
    if doc.body is not None:
        op["requestBody"] = {"required": True, "content": {JSON: {"schema": schema[doc.body]}}}
    elif doc.raw:
        op["requestBody"] = {"required": True, "content": {doc.raw: {}}}
    ok: dict[str, Any] = {"description": HTTPStatus(doc.status).phrase}
    if 300 <= doc.status < 400:
        ok["headers"] = {"Location": {"description": "where the answer is", "schema": {"type": "string"}}}
    else:
        ok["content"] = {m: {"schema": schema[doc.ok]} if m == JSON and doc.ok is not None else {} for m in doc.media}
    errors = [*doc.errors, *IMPLIED[doc.auth], *(JSON_BODY if doc.body is not None else ())]
    op["responses"] = {str(doc.status): ok, **_error_responses(errors)}
    return op


def _websocket() -> dict[str, Any]:
    return {
        "get": {
            "operationId": "websocket",
            "summary": "The websocket of every screen (an upgrade); its messages are in docs/protocol.md.",
            "description": "OpenAPI cannot describe websocket messages: the first is `hello`, then commands, "
            "queries and the server's events, as docs/protocol.md says.",
            "tags": ["websocket"],
            "externalDocs": {"description": "The websocket protocol", "url": "docs/protocol.md"},
            "responses": {
                "101": {"description": "Switching Protocols: the websocket is open"},
                "403": {"description": "Origin not allowed"},
            },
        }
    }


def document(routes: list[BaseRoute]) -> dict[str, Any]:
    """The OpenAPI 3.1 document of the described routes (an undescribed one is left out)."""
    found = [(path, route, doc) for path, route in endpoints(routes) if (doc := doc_of(route)) is not None]
    types = list(dict.fromkeys(t for _, _, d in found for t in (d.body, d.ok) if t is not None))
    schemas, components = msgspec.json.schema_components(
        [ErrorAnswer, *types], ref_template="#/components/schemas/{name}"
    )
    schema = dict(zip(types, schemas[1:], strict=True))
    paths: dict[str, dict[str, Any]] = {}
    names: set[str] = set()
    for path, route, doc in found:
        for method in sorted(methods_of(route)):
            name = getattr(route, "name", None) or "static"
            name = name if name not in names else f"{name}_{method.lower()}"
            names.add(name)
            paths.setdefault(openapi_path(path), {})[method.lower()] = _operation(path, route, doc, name, schema)
    paths[WEBSOCKET] = _websocket()
    try:
        version = importlib.metadata.version("hospital-queue")
    except importlib.metadata.PackageNotFoundError:  # pragma: no cover - run from a bare checkout
        version = "0"
    return {
        "openapi": "3.1.0",
        "info": {"title": "Hospital queue", "version": version, "description": INFO},
        "paths": paths,
        "components": {"schemas": components, "securitySchemes": SCHEMES},
    }


async def openapi(request: Request) -> Response:
    """Built once from the app's routes, at the first request."""
    state = request.app.state
    body = getattr(state, "openapi", None)
    if not isinstance(body, bytes):
        body = state.openapi = msgspec.json.encode(document(request.app.routes))
    return Response(body, media_type=JSON, headers={"cache-control": "no-cache"})


ROUTES = [
    describe(
        Route("/api/openapi.json", openapi),
        Doc(summary="This description of the HTTP API (OpenAPI 3.1).", auth="none", ok=dict[str, Any]),
    )
]
