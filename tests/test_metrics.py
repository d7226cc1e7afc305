"""``/metrics`` from a real server, in the Prometheus text format: the numbers move with what
happens (commands, commits, connections, phones, device faults, backups), and only the allowed
addresses or an administrator may read them."""

from __future__ import annotations

import urllib.error
import urllib.request
from pathlib import Path

from prometheus_client.parser import text_string_to_metric_families

from .server_harness import Client, ServerProc


def scrape(server: ServerProc, token: str = "") -> dict[str, float]:
    """Every sample of ``/metrics``, by name and labels (``name{label="value"}``)."""
    req = urllib.request.Request(server.http + "/metrics")
    if token:
        req.add_header("authorization", f"Bearer {token}")
    with urllib.request.urlopen(req, timeout=5) as r:
        assert r.headers["content-type"].startswith("text/plain; version=0.0.4")
        text = r.read().decode()
    samples: dict[str, float] = {}
    for family in text_string_to_metric_families(text):
        for s in family.samples:
            labels = ",".join(f'{k}="{v}"' for k, v in sorted(s.labels.items()) if k != "le")
            key = s.name + (f"{{{labels}}}" if labels else "")
            if "le" in s.labels:
                key += f"[le={s.labels['le']}]"
            samples[key] = s.value
    return samples


def status_of(server: ServerProc, token: str = "", **headers: str) -> tuple[int, str]:
    req = urllib.request.Request(server.http + "/metrics", headers=headers)
    if token:
        req.add_header("authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(req, timeout=5) as r:
            return r.status, ""
    except urllib.error.HTTPError as e:
        with e:
            return e.code, e.read().decode()


async def test_the_metrics_move_with_what_happens(server: ServerProc) -> None:
    before = scrape(server)
    assert before['queue_connections{audience="public"}'] == 0 and before["queue_phones"] == 0
    assert before["queue_dropped_clients_total"] == 0 and "queue_device_faults" not in str(before.keys())
    assert before["process_resident_memory_bytes"] > 0
    # through a proxy on this machine (it connects from 127.0.0.1): not without an admin's token
    assert status_of(server, **{"X-Forwarded-For": "203.0.113.9"})[0] == 403
    assert status_of(server, **{"X-Real-IP": "203.0.113.9"})[0] == 403

    kiosk = await Client.connect(server.ws_url)
    await kiosk.hello("kiosk", server.device_tokens()["kiosk-1"])
    tv = await Client.connect(server.ws_url)
    await tv.hello("tv", server.device_tokens()["tv-tang-1"])
    labels = []
    for _ in range(5):
        ack = await kiosk.command({"type": "issue_ticket", "service": "A"})
        assert ack["type"] == "ack", ack
        labels.append(ack["result"]["ticket"])
    refused = await kiosk.command({"type": "issue_ticket", "service": "nope"})
    assert refused["type"] == "error"
    phone = await Client.connect(server.ws_url)
    await phone.send({"type": "hello", "role": "phone", "label": labels[0]})
    assert (await phone.recv())["type"] == "welcome"
    await kiosk.send({"type": "report", "id": "r1", "what": "device_fault", "part": "printer", "detail": "paper_out"})
    assert (await kiosk.recv())["type"] in ("reply", "alert")
    token = server.login()
    status, info = server.post("/api/backups", {}, token)
    assert status == 201, info

    after = scrape(server)
    assert after['queue_connections{audience="public"}'] == 2  # the kiosk and the TV
    assert after["queue_phones"] == 1
    assert after['queue_commands_total{outcome="ok"}'] - before['queue_commands_total{outcome="ok"}'] == 5
    assert after['queue_commands_total{outcome="refused"}'] == 1
    assert after["queue_command_ack_seconds_count"] - before["queue_command_ack_seconds_count"] == 6
    assert after["queue_command_ack_seconds_sum"] > before["queue_command_ack_seconds_sum"]
    assert after["queue_commits_total"] - before["queue_commits_total"] == 5
    assert after["queue_commit_seconds_count"] - before["queue_commit_seconds_count"] == 5
    assert after["queue_committed_events_total"] - before["queue_committed_events_total"] == 5
    assert after["queue_seq"] == before["queue_seq"] + 5 == info["seq"]
    assert after['queue_device_faults{part="printer"}'] == 1
    assert after['queue_device_reports_total{what="device_fault"}'] == 1
    assert after["queue_backups_total"] == 1 and after["queue_backup_failures_total"] == 0
    assert after["queue_backup_last_seq"] == info["seq"]

    await tv.close()
    await phone.close()
    await kiosk.send({"type": "report", "id": "r2", "what": "device_ok", "part": "printer"})
    await kiosk.recv()
    last = scrape(server)
    assert last['queue_connections{audience="public"}'] == 1 and last["queue_phones"] == 0
    assert 'queue_device_faults{part="printer"}' not in last


async def test_metrics_only_for_allowed_addresses_or_an_administrator(tmp_path: Path) -> None:
    server = ServerProc(tmp_path / "data", QUEUE_SYNC="NORMAL", QUEUE_METRICS_ALLOW="10.9.9.0/24").start()
    try:
        status, body = status_of(server)
        assert status == 403 and '"code":"forbidden"' in body.replace(" ", "") and "QUEUE_METRICS_ALLOW" in body
        admin = server.login()
        clerk = server.create_staff(admin, "clerk", [1])
        assert status_of(server, clerk)[0] == 403
        assert status_of(server, "not-a-token")[0] == 401
        assert status_of(server, admin) == (200, "")
        assert "queue_commits_total" in scrape(server, admin)
    finally:
        server.kill()
