"""The kiosk over HTTPS through the front end, everything real: a local authority and a server
certificate made by ``scripts/tls-ca``, Debian's nginx running ``deploy/nginx-queue.conf``, the
server behind it believing X-Forwarded-For from 127.0.0.1 only, the hardware bridge with dlib's
models, and headless Chromium with a fake camera.

Chromium trusts the authority the way a Debian kiosk does (docs/operations.md): ``ca.crt`` is
added with ``certutil`` to the NSS database in the browser user's home. No certificate check is
switched off (no ``--ignore-certificate-errors-spki-list``), so the test also proves that the
certificate the command makes is one Chromium accepts (its name constraint, its names); a
browser whose home does not trust the authority is refused."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import ssl
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Error, WebSocket, expect, sync_playwright
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import connect

from ..bridge_harness import running_bridge
from ..face_photos import kiosk_frame, photos
from ..server_harness import ServerProc
from ..tls_harness import Front, make_ca, nginx_path, running_nginx, trust_in_nss
from .pages import CHROMIUM_ARGS, chromium_path, watch, write_config
from .test_kiosk_face import tickets, to_consent, write_y4m

pytestmark = pytest.mark.browser
TOKEN = "kiosk-tls-pairing-token"


def required(what: str, found: object) -> None:
    if found is None:
        if os.environ.get("CI") == "true":
            pytest.fail(f"{what} is required under CI=true (scripts/install test installs it as root)")
        pytest.skip(f"{what} not installed")


@pytest.fixture
def front(tmp_path: Path) -> Iterator[tuple[ServerProc, Front]]:
    """The server behind nginx with a certificate for 127.0.0.1 from a new local authority; one
    phone per network address, so the address the server believes is seen."""
    required("nginx", nginx_path())
    required("certutil (libnss3-tools)", shutil.which("certutil"))
    required("openssl", shutil.which("openssl"))
    make_ca(tmp_path / "tls", "localhost", "127.0.0.1")
    site = ServerProc(
        tmp_path / "data",
        QUEUE_SYNC="NORMAL",
        QUEUE_CONFIG=str(write_config(tmp_path / "config")),
        QUEUE_TRUSTED_PROXIES="127.0.0.1",
        QUEUE_PHONES_PER_ADDRESS="1",
    )
    try:
        site.start(timeout=60)
        with running_nginx(tmp_path / "nginx", tmp_path / "tls", site.port) as nginx:
            yield site, nginx
    finally:
        site.kill()


@contextlib.contextmanager
def trusting_browser(home: Path, *args: str) -> Iterator[Browser]:
    """Debian's Chromium run with ``home`` as its user's home (whose NSS database it reads)."""
    path = chromium_path()
    required("chromium", path)
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=path, args=[*CHROMIUM_ARGS, *args], env={**os.environ, "HOME": str(home)}
        )
        try:
            yield browser
        finally:
            browser.close()


def phone(held: contextlib.ExitStack, url: str, label: str, source: str, ca: Path | None, **headers: str) -> str:
    """A phone following ``label`` from the address ``source`` (kept open in ``held``) at
    ``url``, over TLS checked against the authority ``ca`` by Python's own TLS when given:
    "following", or the error code it was refused with."""
    tls = ssl.create_default_context(cafile=str(ca)) if ca else None
    ws = held.enter_context(
        connect(url, ssl=tls, source_address=(source, 0), additional_headers=headers, open_timeout=5)
    )
    ws.send(json.dumps({"type": "hello", "role": "phone", "label": label}))
    first: dict[str, Any] = json.loads(ws.recv(timeout=5))
    if first["type"] == "welcome":
        return "following"
    with contextlib.suppress(ConnectionClosed):
        ws.recv(timeout=5)
    return str(first["code"])


def test_kiosk_over_https_takes_a_face_and_the_server_sees_the_real_addresses(
    front: tuple[ServerProc, Front], tmp_path: Path
) -> None:
    site, nginx = front
    ca = tmp_path / "tls" / "ca.crt"
    home = trust_in_nss(tmp_path / "home", ca)
    video = write_y4m(tmp_path / "me.y4m", kiosk_frame(photos()["obama2.jpg"]))
    sockets: list[str] = []
    errors: list[str] = []
    fake_camera = (
        "--use-fake-ui-for-media-stream",
        "--use-fake-device-for-media-stream",
        f"--use-file-for-fake-video-capture={video}",
    )
    with running_bridge(tmp_path / "bridge", TOKEN, nginx.origin) as bridge, trusting_browser(home, *fake_camera) as b:
        kiosk = watch(b.new_page(viewport={"width": 1080, "height": 1920}), errors)

        def opened(ws: WebSocket) -> None:
            sockets.append(ws.url)

        kiosk.on("websocket", opened)
        token = site.device_tokens()["kiosk-1"]
        kiosk.goto(f"{nginx.origin}/kiosk/?bridge={bridge}#token={token}&bridge={TOKEN}")
        assert kiosk.evaluate("window.isSecureContext"), "https through the front is a secure context"
        assert kiosk.evaluate("typeof navigator.mediaDevices?.getUserMedia === 'function'")
        deadline = time.monotonic() + 20
        while not kiosk.evaluate("window.kiosk.bridge.available && window.kiosk.bridge.devices.face?.ok"):
            assert time.monotonic() < deadline, "the kiosk did not find its bridge with faces"
            time.sleep(0.1)

        to_consent(kiosk)
        kiosk.click("[data-action=face-yes]")
        expect(kiosk.locator("section.camera video")).to_be_attached()  # the fake camera opened
        expect(kiosk.locator("#ticket-number")).to_have_text("A001", timeout=20_000)

        # the QR's page on the patient's phone, over plain HTTP: every file it needs is served
        # there (none sent to https), and its live status comes through nginx's port 80
        phone_page = watch(b.new_page(viewport={"width": 390, "height": 844}), errors)
        statuses: list[tuple[int, str]] = []
        phone_page.on("response", lambda r: statuses.append((r.status, r.url)))
        phone_page.goto(f"http://127.0.0.1:{nginx.http_port}/t/A001")
        expect(phone_page.locator(".label")).to_have_text("A001")
        expect(phone_page.locator(".status")).to_have_attribute("data-status", "waiting")
        assert statuses and all(status == 200 for status, _ in statuses), statuses
    assert f"wss://127.0.0.1:{nginx.https_port}/ws" in sockets, sockets
    assert tickets(site)["A001"]["face"], "the face taken through https went with the ticket"
    assert '"GET /ws HTTP/1.1" 101' in nginx.access_log.read_text(), "the websocket went through nginx"
    assert not errors, errors

    # One phone per address (QUEUE_PHONES_PER_ADDRESS=1). Through the front, two patients at
    # 127.0.0.2 and 127.0.0.3 are told apart although both reach the server from nginx's
    # 127.0.0.1: the server takes their address from X-Forwarded-For, which nginx sets.
    wss = f"wss://127.0.0.1:{nginx.https_port}/ws"
    with contextlib.ExitStack() as held:
        assert phone(held, wss, "A001", "127.0.0.2", ca) == "following"
        assert phone(held, wss, "A001", "127.0.0.3", ca) == "following"
        # a header a client sends is replaced by nginx, not believed: still 127.0.0.2
        assert phone(held, wss, "A001", "127.0.0.2", ca, **{"X-Forwarded-For": "10.9.9.9"}) == "too_many_phones"
        # straight to the server the header is not believed either (127.0.0.4 is no trusted
        # proxy): the phone counts as 127.0.0.4, not as the full 127.0.0.2
        assert phone(held, site.ws_url, "A001", "127.0.0.4", None, **{"X-Forwarded-For": "127.0.0.2"}) == "following"
        # the patient's own phone, which does not trust the authority, follows over plain HTTP
        assert phone(held, f"ws://127.0.0.1:{nginx.http_port}/ws", "A001", "127.0.0.5", None) == "following"
        assert phone(held, f"ws://127.0.0.1:{nginx.http_port}/ws", "A001", "127.0.0.5", None) == "too_many_phones"


def test_an_untrusted_browser_is_refused_and_plain_http_serves_the_phone_page_only(
    front: tuple[ServerProc, Front], tmp_path: Path
) -> None:
    _, nginx = front
    (tmp_path / "stranger").mkdir()
    with trusting_browser(tmp_path / "stranger") as b:
        page = b.new_page()
        with pytest.raises(Error, match="ERR_CERT_AUTHORITY_INVALID"):
            page.goto(f"{nginx.origin}/kiosk/")

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args: Any) -> None:
            return None

    plain = urllib.request.build_opener(NoRedirect)
    for path in ("/kiosk/?x=1", "/admin/", "/counter/", "/tv/", "/api/health", "/phone/../kiosk/"):
        with pytest.raises(urllib.error.HTTPError) as answer:
            plain.open(f"http://127.0.0.1:{nginx.http_port}{path}", timeout=5)
        assert answer.value.code == 301, path
        assert answer.value.headers["location"] == f"https://127.0.0.1{path}", path
        answer.value.close()
    # the phone page and what it loads stay on plain HTTP (a patient's phone has no trust)
    for path in ("/t/A001", "/phone/app.js", "/shared/socket.js", "/static/logo.svg", "/api/state"):
        with plain.open(f"http://127.0.0.1:{nginx.http_port}{path}", timeout=5) as r:
            assert r.status == 200, path
