"""Helpers for the browser tests and the screenshot script: Debian's Chromium driven by
Playwright, and demo configurations that are open at any hour (or closed today)."""

from __future__ import annotations

import datetime as dt
import itertools
import json
import os
import shutil
import zoneinfo
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from playwright.sync_api import Browser, ConsoleMessage, Page, sync_playwright
from websockets.sync.client import ClientConnection, connect

from ..server_harness import DEMO, ServerProc, open_all_day

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--autoplay-policy=no-user-gesture-required",
]


def chromium_path() -> str | None:
    return os.environ.get("CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")


@contextmanager
def chromium(*extra_args: str) -> Iterator[Browser]:
    path = chromium_path()
    if path is None:
        raise FileNotFoundError("chromium not found (apt-get install chromium, or set CHROMIUM)")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=path, args=[*CHROMIUM_ARGS, *extra_args])
        try:
            yield browser
        finally:
            browser.close()


EXPECTED_CONSOLE = ("Failed to load resource", "WebSocket connection to")  # the browser's own network notes


def watch(page: Page, errors: list[str]) -> Page:
    """Collect the page's script errors (a test fails on any)."""

    def console(message: ConsoleMessage) -> None:
        if message.type == "error" and not any(x in message.text for x in EXPECTED_CONSOLE):
            errors.append(message.text)

    page.on("pageerror", lambda e: errors.append(f"{page.url}: {e}"))
    page.on("console", console)
    return page


def config_text(*, extra_counters: int = 0, extra_services: int = 0, closed_today: bool = False) -> str:
    """The demo configuration, open all day every day (or closed by a holiday today), with
    optional extra counters on the ground floor (for a full 4 x 8 board) and extra services
    (the kiosk shows up to 40)."""
    text = open_all_day(DEMO.read_text())
    if closed_today:
        today = dt.datetime.now(zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")).date()
        days = [today, today + dt.timedelta(days=1)]  # and tomorrow, in case midnight passes
        holidays = "holidays = [" + ", ".join(f'{{ date = {d.isoformat()}, name = "Ngày thử" }}' for d in days) + "]\n"
        end = text.index("[[zones]]")
        text = text[:end].rstrip("\n") + "\n" + holidays + "\n" + text[end:]
    for i in range(extra_counters):
        n = 13 + i
        services = ["A", "B", "N", "NG", "S", "NH", "T", "R"][i % 8]
        text += (
            f'\n[[counters]]\nnumber = {n}\nname = "Quầy {n}"\nname_en = "Counter {n}"\nzone = "tang-1"\n'
            f'services = [{{ code = "{services}" }}]\n'
        )
    departments = ["tiep-don", "kham-benh", "can-lam-sang", "thanh-toan"]
    for i in range(extra_services):
        code = "K" + chr(65 + i // 26) + chr(65 + i % 26)
        text += (
            f'\n[[services]]\ncode = "{code}"\nname = "Phòng khám chuyên khoa {i + 1}"\n'
            f'name_en = "Specialist clinic {i + 1}"\ndepartment = "{departments[i % 4]}"\n'
            f'colour = "#{(0x1565C0 + i * 0x0A1F07) % 0xFFFFFF:06x}"\norder = {20 + i}\n'
        )
    return text


def write_config(directory: Path, **kw: Any) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / "config.toml"
    path.write_text(config_text(**kw))
    return path


_ids = itertools.count(1)


@contextmanager
def admin_socket(site: ServerProc) -> Iterator[ClientConnection]:
    """A websocket signed in as the administrator (to prepare a scene quickly)."""
    with connect(site.ws_url) as ws:
        ws.send(json.dumps({"type": "hello", "role": "admin", "token": site.login()}))
        while json.loads(ws.recv(timeout=10))["type"] != "snapshot":
            pass
        yield ws


def command(ws: ClientConnection, body: dict[str, Any]) -> dict[str, Any]:
    """Send one command and return its ack (or error)."""
    n = next(_ids)
    ws.send(json.dumps({"type": "cmd", "id": f"s{n}", "key": f"prep-{n}", "command": body}))
    while True:
        msg = json.loads(ws.recv(timeout=10))
        if msg.get("id") == f"s{n}":
            return dict(msg)


def screen_qr(page: Page) -> str:
    """The text of the QR code the page shows (#ticket-qr), read from a screenshot of it by
    OpenCV's detector, as a phone's camera would read the screen."""
    import cv2
    import numpy as np

    png = page.locator("#ticket-qr").screenshot()
    image = cv2.imdecode(np.frombuffer(png, dtype=np.uint8), cv2.IMREAD_COLOR)
    text, _, _ = cv2.QRCodeDetector().detectAndDecode(image)
    return str(text)
