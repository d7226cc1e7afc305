"""``/api/openapi.json`` against the routes: every HTTP route the app serves is described with
its methods and nothing described is missing from the app; the document is valid OpenAPI 3.1 and
every ``$ref`` resolves; the server serves it, and its real answers have the described shapes."""

from __future__ import annotations

import copy
import json
import re
import urllib.request
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from openapi_spec_validator import OpenAPIV31SpecValidator
from starlette.applications import Starlette
from starlette.routing import BaseRoute, Mount, Route

from server.app import create_app
from server.domain.catalogue import CATALOGUE
from server.domain.config_check import config_from_toml
from server.routes.describe import Doc, describe
from server.routes.openapi import WEBSOCKET, document, undescribed
from server.settings import Settings

from .server_harness import ROOT, Client, ServerProc


def starlette_app(tmp_path: Path) -> Starlette:
    """The application the server runs (no lifespan: nothing is opened)."""
    settings = Settings.from_env({"QUEUE_DATA": str(tmp_path)})
    config = config_from_toml((ROOT / "config" / "demo.toml").read_bytes())
    return create_app(settings, config).app


def served(routes: list[BaseRoute], prefix: str = "") -> set[tuple[str, str]]:
    """(method, OpenAPI path) of every HTTP route, walked here apart from the server's own walk."""
    out: set[tuple[str, str]] = set()
    for route in routes:
        if isinstance(route, Mount) and route.routes:
            out |= served(route.routes, prefix + route.path)
        elif isinstance(route, Mount):
            out.add(("get", f"{prefix}{route.path}/{{path}}"))
        else:
            assert isinstance(route, Route), f"{route!r}: a kind of route the description does not know"
            path = re.sub(r"{(\w+):\w+}", r"{\1}", prefix + route.path)
            out |= {(m.lower(), path) for m in route.methods or () if m != "HEAD"}
    return out


def described(doc: dict[str, Any]) -> set[tuple[str, str]]:
    return {(method, path) for path, item in doc["paths"].items() for method in item}


def how_to_describe(line: str) -> str:
    method, path, where = line.split(" ", 2)
    endpoint = where.strip("()").rpartition(".")[2]
    return (
        f"  {line}: in its module's ROUTES, write\n"
        f'    describe(Route("{path}", {endpoint}, methods=["{method}"]),\n'
        f'             Doc(summary="<one English line>", auth="none|staff|admin|metrics|his",\n'
        f'                 body=<request Struct or None>, ok=<answer Struct>, errors=("<catalogue key>", ...))),\n'
    )


def test_every_route_the_app_serves_is_described(tmp_path: Path) -> None:
    missing = undescribed(starlette_app(tmp_path).routes)
    assert not missing, (
        "HTTP routes without a description in /api/openapi.json:\n"
        + "".join(how_to_describe(line) for line in missing)
        + "with describe, Doc from server/routes/describe.py (what each field means is there; decision 0012)."
    )


def test_the_document_names_exactly_the_routes_served_and_the_websocket(tmp_path: Path) -> None:
    app = starlette_app(tmp_path)
    doc = document(app.routes)
    routes = served(app.routes)
    assert described(doc) - routes == {("get", WEBSOCKET)}, "described but not served"
    assert routes - described(doc) == set(), "served but not described"
    assert doc["paths"][WEBSOCKET]["get"]["externalDocs"]["url"] == "docs/protocol.md"
    ids = [op["operationId"] for item in doc["paths"].values() for op in item.values()]
    assert len(ids) == len(set(ids))


def test_an_undescribed_route_is_named_with_the_fix() -> None:
    async def record(request: Any) -> Any: ...

    routes: list[BaseRoute] = [
        describe(Route("/api/x", record), Doc(summary="x", auth="none")),
        Route("/api/his/patients", record, methods=["POST"]),
        Mount("/sub", routes=[Route("/y", record)]),
    ]
    missing = undescribed(routes)
    assert missing == [
        "POST /api/his/patients (tests.test_openapi.test_an_undescribed_route_is_named_with_the_fix.<locals>.record)",
        "GET /sub/y (tests.test_openapi.test_an_undescribed_route_is_named_with_the_fix.<locals>.record)",
    ]
    assert 'describe(Route("/api/his/patients", record, methods=["POST"])' in how_to_describe(missing[0])
    assert [p for p in document(routes)["paths"]] == ["/api/x", WEBSOCKET]


def test_a_doc_with_an_error_code_not_in_the_catalogue_is_refused() -> None:
    with pytest.raises(KeyError, match="no_such_code"):
        Doc(summary="x", auth="none", errors=("no_such_code",))


def refs(node: Any) -> list[str]:
    if isinstance(node, dict):
        return [v for k, v in node.items() if k == "$ref"] + [r for v in node.values() for r in refs(v)]
    if isinstance(node, list):
        return [r for v in node for r in refs(v)]
    return []


def test_the_document_is_valid_openapi_3_1_and_every_ref_resolves(tmp_path: Path) -> None:
    doc = document(starlette_app(tmp_path).routes)
    assert doc["openapi"].startswith("3.1.")
    OpenAPIV31SpecValidator(doc).validate()
    found = refs(doc)
    assert "#/components/schemas/ErrorAnswer" in found
    for ref in set(found):
        assert ref.startswith("#/"), ref
        node: Any = doc
        for part in ref[2:].split("/"):
            assert isinstance(node, dict) and part in node, f"{ref} does not resolve"
            node = node[part]
    for path, item in doc["paths"].items():  # every error code named is the catalogue's
        for op in item.values():
            for status, answer in op["responses"].items():
                for key in answer.get("content", {}).get("application/json", {}).get("examples", {}):
                    assert key in CATALOGUE and str(CATALOGUE[key].status) == status, (path, key)


def strict(doc: dict[str, Any]) -> dict[str, Any]:
    """The document's schemas, where an object with named properties admits no other: an answer
    that grew a field its shape does not name fails."""
    doc = copy.deepcopy(doc)

    def close(node: Any) -> None:
        if isinstance(node, dict):
            if node.get("type") == "object" and "properties" in node:
                node.setdefault("additionalProperties", False)
            for v in node.values():
                close(v)
        elif isinstance(node, list):
            for v in node:
                close(v)

    close(doc["components"])
    return doc


def check(doc: dict[str, Any], method: str, path: str, status: int, body: Any) -> None:
    """``body`` has the shape the document gives that operation's answer of ``status``."""
    answer = doc["paths"][path][method]["responses"][str(status)]
    schema = answer["content"]["application/json"]["schema"]
    jsonschema.validate(body, {**schema, "components": doc["components"]})


def call(server: ServerProc, method: str, path: str, token: str = "", body: Any = None) -> tuple[int, Any]:
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(server.http + path, data=data, method=method)
    if token:
        req.add_header("authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(req) as r:
            return r.status, json.loads(r.read())
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read())


def served_document(server: ServerProc) -> tuple[str, dict[str, Any]]:
    with urllib.request.urlopen(server.http + "/api/openapi.json") as r:
        return r.headers["content-type"], json.loads(r.read())


async def test_the_server_serves_it_and_answers_as_it_says(server: ServerProc) -> None:
    media, doc = served_document(server)
    assert media == "application/json"
    assert doc == json.loads(json.dumps(document(starlette_app(server.data_dir / "x").routes)))
    doc = strict(doc)
    admin = server.login()
    wrong = {"username": "admin", "password": "wrong"}
    right = {"username": "admin", "password": server.env["QUEUE_ADMIN_PASSWORD"]}
    tv = {"device": "tv-x", "kind": "tv", "name": "TV"}
    lan = {"username": "lan", "full_name": "Lan", "role": "counter", "counters": [1], "password": "12345678"}
    for method, path, token, body, status in [
        ("GET", "/api/health", "", None, 200),
        ("GET", "/api/state", "", None, 200),
        ("GET", "/api/openapi.json", "", None, 200),
        ("GET", "/api/tickets/A999", "", None, 404),
        ("POST", "/api/login", "", wrong, 401),
        ("POST", "/api/login", "", right, 200),
        ("GET", "/api/fleet", admin, None, 200),
        ("GET", "/api/fleet", "", None, 401),
        ("GET", "/api/audit?limit=5", admin, None, 200),
        ("GET", "/api/backups", admin, None, 200),
        ("POST", "/api/backups", admin, {}, 201),
        ("GET", "/api/media", admin, None, 200),
        ("GET", "/api/voice-packs", admin, None, 200),
        ("POST", "/api/devices", admin, tv, 201),
        ("POST", "/api/devices", admin, tv, 400),
        ("POST", "/api/staff", admin, {**lan, "password": "short"}, 400),
        ("POST", "/api/staff", admin, lan, 201),
        ("POST", "/api/logout", admin, {}, 200),
    ]:
        got, answer = call(server, method, path, token, body)
        assert got == status, (method, path, answer)
        described_path = path.partition("?")[0].replace("A999", "{label}")
        check(doc, method.lower(), described_path, status, answer)
    kiosk = next(token for name, token in server.device_tokens().items() if "kiosk" in name)
    client = await Client.connect(f"ws://127.0.0.1:{server.port}{WEBSOCKET}")  # the described websocket
    await client.hello("kiosk", kiosk)
    ack = await client.command({"type": "issue_ticket", "service": "N"})
    assert ack["type"] == "ack", ack
    got, answer = call(server, "GET", f"/api/tickets/{ack['result']['ticket']}")
    assert got == 200 and answer["status"] == "waiting"
    check(doc, "get", "/api/tickets/{label}", 200, answer)
