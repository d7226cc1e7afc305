"""Screenshots of what patients and staff see, for reviewers: ``scripts/screenshots [DIR]``
(default ``docs/screenshots/``). Starts demo servers (open at any hour; one with 32 counters on
the ground floor), fills them with a morning's worth of synthetic tickets and calls, and saves
the kiosk (portrait and landscape), the counter (also with a kiosk printer out of paper), the
TV boards (few counters, 4 x 8, 4K), the rating screen, a room's door screen (landscape and
portrait), the administration pages and the province view of two facilities."""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path

from playwright.sync_api import Browser, Page, expect
from websockets.sync.client import connect

from ..server_harness import ServerProc
from .pages import ROOT, admin_socket, chromium, command, write_config


def seed(site: ServerProc, calls: list[int], pause: int | None = None) -> None:
    """Tickets for most services, counters opened and called, one counter paused."""
    with admin_socket(site) as ws:
        services = (
            ["A"] * 9 + ["B"] * 4 + ["N"] * 5 + ["NG", "S", "NH", "T", "R"] * 2 + ["X"] * 6 + ["H", "TN", "TH"] * 2
        )
        for i, code in enumerate(services):
            declared = ["pregnant"] if i % 7 == 3 else []
            command(ws, {"type": "issue_ticket", "service": code, "declared": declared})
        for n in calls:
            command(ws, {"type": "open_counter", "counter": n})
            command(ws, {"type": "call_next", "counter": n})
        if pause is not None:
            command(ws, {"type": "open_counter", "counter": pause})
            command(ws, {"type": "pause_counter", "counter": pause, "reason": "Nghỉ giải lao"})


def page(browser: Browser, url: str, width: int, height: int) -> Page:
    p = browser.new_page(viewport={"width": width, "height": height})
    p.goto(url)
    expect(p.locator(".conn-badge")).to_have_attribute("data-state", "online")
    return p


def shoot(p: Page, out: Path, name: str) -> None:
    p.wait_for_timeout(400)  # fonts and the first animation frame
    p.screenshot(path=str(out / f"{name}.png"))
    print(f"saved {out / name}.png")


def printer_alert(site: ServerProc, counter: Page, out: Path) -> None:
    """The counter page when the kiosk's printer runs out of paper (the staff guide shows it):
    the kiosk reports the fault as it does after a failed print, then that it works again."""
    with connect(site.ws_url) as kiosk:
        kiosk.send(json.dumps({"type": "hello", "role": "kiosk", "token": site.device_tokens()["kiosk-1"]}))
        fault = {"type": "report", "id": "p1", "what": "device_fault", "part": "printer", "detail": "paper_out"}
        kiosk.send(json.dumps({**fault, "label": "A009"}))
        expect(counter.locator("#alerts")).to_contain_text("A009")
        shoot(counter, out, "counter-printer-alert")
        kiosk.send(json.dumps({"type": "report", "id": "p2", "what": "device_ok", "part": "printer"}))
        expect(counter.locator("#alerts")).to_be_hidden()


def door_shots(site: ServerProc, browser: Browser, out: Path) -> None:
    """Room 4's door screen: its first patient sent to the lab and imaging and back, the next
    one being seen, the returning patient among the next numbers."""
    with admin_socket(site) as ws:

        def ok(body: dict[str, object]) -> dict[str, object]:
            reply = command(ws, body)
            assert reply["type"] == "ack", reply
            return dict(reply["result"] or {})

        command(ws, {"type": "open_counter", "counter": 10})
        for n in (4, 9):
            ok({"type": "finish_service", "counter": n})
        label = ok({"type": "call_next", "counter": 4})["ticket"]
        first = {"type": "send_on", "counter": 4, "steps": [{"service": "X"}, {"service": "H"}], "come_back": True}
        ok({**first, "reason": "Xem kết quả"})
        for n in (9, 10):
            ok({"type": "call_number", "counter": n, "label": label})
            ok({"type": "finish_service", "counter": n})
        late = ok({"type": "issue_ticket", "service": "N"})["ticket"]
        ok({"type": "call_number", "counter": 4, "label": late})  # the returning patient is next
        ok({"type": "start_service", "counter": 4})
    d = page(browser, f"{site.http}/door/#token={site.device_tokens()['door-4']}", 1280, 800)
    expect(d.locator("#next .returning")).to_have_count(1)
    shoot(d, out, "door-landscape")
    d.set_viewport_size({"width": 800, "height": 1280})
    shoot(d, out, "door-portrait")
    d.close()


def demo_site(work: Path, out: Path, browser: Browser) -> None:
    site = ServerProc(work / "demo", QUEUE_SYNC="NORMAL", QUEUE_CONFIG=str(write_config(work / "demo-config"))).start()
    try:
        seed(site, calls=[1, 2, 4, 5, 9, 11], pause=6)
        tokens = site.device_tokens()
        kiosk_url = f"{site.http}/kiosk/#token={tokens['kiosk-1']}"
        k = page(browser, kiosk_url, 1080, 1920)
        shoot(k, out, "kiosk-portrait")
        k.click('[data-service="N"]')
        k.locator("#id-input").fill("07918800012")
        k.click("[data-action=next]")
        shoot(k, out, "kiosk-portrait-wrong-id")
        k.locator("#id-input").fill("079188000123")
        k.click("[data-action=next]")
        k.click('[data-group="elderly_75"]')
        shoot(k, out, "kiosk-portrait-priority")
        k.click("[data-action=take]")
        expect(k.locator("#ticket-number")).to_be_visible()
        shoot(k, out, "kiosk-portrait-ticket")
        k.close()
        k = page(browser, kiosk_url, 1920, 1080)
        shoot(k, out, "kiosk-landscape")
        k.click("#lang")
        shoot(k, out, "kiosk-landscape-english")
        k.close()

        c = browser.new_page(viewport={"width": 1280, "height": 800})
        c.goto(f"{site.http}/counter/")
        shoot(c, out, "counter-login")
        c.fill("#username", "admin")
        c.fill("#password", site.env["QUEUE_ADMIN_PASSWORD"])
        c.click("button[type=submit]")
        c.click('[data-counter="1"]')
        expect(c.locator("#current-number")).not_to_have_text("—")
        expect(c.locator("#waiting-list")).to_be_visible()
        shoot(c, out, "counter")
        printer_alert(site, c, out)
        c.close()

        tv = page(browser, f"{site.http}/tv/#token={tokens['tv-tang-1']}", 1920, 1080)
        shoot(tv, out, "tv-ground-floor")
        tv.close()
        tv = page(browser, f"{site.http}/tv/?theme=mono#token={tokens['tv-tang-2']}", 1920, 1080)
        shoot(tv, out, "tv-few-counters-mono")
        tv.close()

        r = page(browser, f"{site.http}/rating/#token={tokens['rating-1']}", 1280, 800)
        with admin_socket(site) as ws:
            for n in (1, 2, 4, 5):
                command(ws, {"type": "finish_service", "counter": n})
                command(ws, {"type": "call_next", "counter": n})
            command(ws, {"type": "request_rating", "counter": 1})
        r.click('[data-score="4"]')
        r.click('[data-reason="wait"]')
        shoot(r, out, "rating")
        r.click("[data-action=send]")
        expect(r.locator("#thanks")).to_be_visible()
        r.close()
        door_shots(site, browser, out)

        a = browser.new_page(viewport={"width": 1440, "height": 900})
        a.goto(f"{site.http}/admin/")
        a.fill("#username", "admin")
        a.fill("#password", site.env["QUEUE_ADMIN_PASSWORD"])
        a.click("button[type=submit]")
        expect(a.locator("#fig-served .n")).not_to_have_text("0")  # the morning's services and the door's visit
        shoot(a, out, "admin-dashboard")
        a.click('[data-tab="reports"]')
        a.click("#show")
        expect(a.locator("#r-rating .n")).to_have_text("4/5")
        shoot(a, out, "admin-reports")
        a.click('[data-tab="settings"]')
        expect(a.locator("#s-services")).to_be_visible()
        shoot(a, out, "admin-settings")
        a.click('[data-tab="devices"]')
        expect(a.locator('#fleet tr[data-device="kiosk-1"]')).to_be_visible()
        shoot(a, out, "admin-devices")
        a.close()
    finally:
        site.kill()


def big_site(work: Path, out: Path, browser: Browser) -> None:
    config = write_config(work / "big-config", extra_counters=24, extra_services=28)
    text = config.read_text().replace(
        "[privacy]",
        '[display]\nmarquee = "Vui lòng giữ trật tự và theo dõi số thứ tự trên màn hình."\n'
        'marquee_en = "Please keep quiet and watch for your number."\nmarquee_position = "top"\n\n[privacy]',
    )
    config.write_text(text)
    site = ServerProc(work / "big", QUEUE_SYNC="NORMAL", QUEUE_CONFIG=str(config)).start()
    try:
        seed(site, calls=[1, 2, 3, 4, 5, 6, 7, 8, 13, 14, 15, 16, 17, 18], pause=19)
        kiosk = page(browser, f"{site.http}/kiosk/#token={site.device_tokens()['kiosk-1']}", 1080, 1920)
        shoot(kiosk, out, "kiosk-portrait-40-services")
        kiosk.close()
        kiosk = page(browser, f"{site.http}/kiosk/#token={site.device_tokens()['kiosk-1']}", 1920, 1080)
        shoot(kiosk, out, "kiosk-landscape-40-services")
        kiosk.close()
        token = site.device_tokens()["tv-tang-1"]
        tv = page(browser, f"{site.http}/tv/#token={token}", 1920, 1080)
        shoot(tv, out, "tv-4x8")
        tv.close()
        tv = page(browser, f"{site.http}/tv/#token={token}", 3840, 2160)
        shoot(tv, out, "tv-4x8-3840x2160")
        tv.close()
    finally:
        site.kill()


def province(work: Path, out: Path, browser: Browser) -> None:
    """The health department's view of two facilities: the live dashboard and the six-monthly report."""
    from ..province_harness import PROVINCE_ADMIN, PROVINCE_PASSWORD, ProvinceProc, facility

    a = facility(work / "tinh-a", "tyt-an-binh", "Trạm Y tế xã An Bình")
    b = facility(work / "tinh-b", "ttyt-hoa-an", "Trung tâm Y tế huyện Hòa An")
    p = ProvinceProc(work / "tinh", {"tyt-an-binh": str(a.data_dir), "ttyt-hoa-an": str(b.data_dir)})
    try:
        seed(a, calls=[1, 4], pause=6)
        seed(b, calls=[1, 2, 4, 5, 9], pause=11)
        p.start()
        view = browser.new_page(viewport={"width": 1440, "height": 900})
        view.goto(f"{p.http}/province/")
        view.fill("#username", PROVINCE_ADMIN)
        view.fill("#password", PROVINCE_PASSWORD)
        view.click("#sign-in")
        expect(view.locator("#sites-table tbody tr[data-site]")).to_have_count(2)
        shoot(view, out, "province-dashboard")
        view.click('[data-tab="reports"]')
        view.click("#show")
        expect(view.locator("#report-six")).to_be_visible()
        shoot(view, out, "province-reports")
    finally:
        p.kill()
        a.kill()
        b.kill()


def main(argv: list[str]) -> int:
    out = Path(argv[1]) if len(argv) > 1 else ROOT / "docs" / "screenshots"
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp, chromium() as browser:
        demo_site(Path(tmp), out, browser)
        big_site(Path(tmp), out, browser)
        province(Path(tmp), out, browser)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
