"""The deploy files beyond one box: the unit of several processes (deploy/hospital-queue@.service)
is accepted by systemd, rated OK, and never stops restarting (a former writer waits out a
PostgreSQL outage); it and the single box's unit are watched (``WatchdogSec=``); the province view's front (deploy/nginx-queue-province.conf, run by Debian's
nginx with its ports and paths replaced) passes each browser's own address on, so failed
sign-ins from one address do not lock the others out."""

from __future__ import annotations

import configparser
import http.client
import json
import re
import socket
import ssl
import subprocess
import sys
from pathlib import Path
from typing import Any

from server.writer_role import HUNG_SECONDS

from .cluster_harness import missing_front
from .province_harness import PROVINCE_ADMIN, PROVINCE_PASSWORD, ProvinceProc
from .server_harness import ROOT
from .test_deploy import UNIT, analyze
from .tls_harness import make_ca, nginx_path, running_nginx

CLUSTER_UNIT = ROOT / "deploy" / "hospital-queue@.service"
PROVINCE_SITE = ROOT / "deploy" / "nginx-queue-province.conf"


def section(unit: Path, name: str) -> dict[str, str]:
    parser = configparser.ConfigParser(strict=False, interpolation=None, delimiters=("=",))
    parser.optionxform = str  # type: ignore[assignment,method-assign]  # keys keep their case
    parser.read_string(unit.read_text())
    return dict(parser[name])


def test_the_cluster_unit_is_accepted_and_never_gives_up(tmp_path: Path) -> None:
    assert section(CLUSTER_UNIT, "Unit")["StartLimitIntervalSec"] == "0"
    assert section(CLUSTER_UNIT, "Service")["Restart"] == "always"
    tool = analyze()
    text = CLUSTER_UNIT.read_text().replace("/opt/hospital-queue/.venv/bin/python", sys.executable)
    (tmp_path / CLUSTER_UNIT.name).write_text(text.replace("/opt/hospital-queue", str(ROOT)))
    instance = tmp_path / "hospital-queue@8001.service"
    done = subprocess.run([tool, "verify", str(instance)], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0 and not done.stderr.strip() and not done.stdout.strip(), done
    done = subprocess.run(
        [tool, "security", "--offline=true", "--no-pager", str(instance)], capture_output=True, text=True, timeout=60
    )
    m = re.search(r"Overall exposure level for [\w@.-]+: ([\d.]+) (\w+)", done.stdout + done.stderr)
    assert m is not None, done
    assert float(m.group(1)) <= 3.0 and m.group(2) == "OK", m.group(0)


def test_both_units_are_watched_by_systemd() -> None:
    """``Type=notify`` with a watchdog (the server's side: tests/test_supervised.py and
    tests/test_cluster_sdnotify.py), longer than the wait after which the followers take a hung
    writer's role, and no longer than the pages wait for an answer."""
    for unit in (UNIT, CLUSTER_UNIT):
        s = section(unit, "Service")
        assert (s["Type"], s["NotifyAccess"]) == ("notify", "main"), unit.name
        assert HUNG_SECONDS < float(s["WatchdogSec"]) <= 10.0, unit.name
        assert float(s["TimeoutAbortSec"]) <= 5.0, unit.name  # then SIGKILL, which a stopped process takes
        assert "\nEnvironment=PYTHONFAULTHANDLER=1\n" in unit.read_text(), unit.name


def province_site(tls: Path, http_port: int, https_port: int, upstream: int) -> str:
    text = PROVINCE_SITE.read_text()
    for old, new in [
        ("    listen [::]:80;\n", ""),
        ("    listen [::]:443 ssl;\n", ""),
        ("listen 80;", f"listen 127.0.0.1:{http_port};"),
        ("listen 443 ssl;", f"listen 127.0.0.1:{https_port} ssl;"),
        ("/etc/queue-tls/", f"{tls}/"),
        ("http://127.0.0.1:8100;", f"http://127.0.0.1:{upstream};"),
    ]:
        assert old in text, f"{PROVINCE_SITE.name} no longer has {old!r}"
        text = text.replace(old, new)
    return text


def sign_in(port: int, context: ssl.SSLContext, source: str, password: str, claim: str = "") -> tuple[int, Any]:
    """A province sign-in through the front, from ``source`` (an address of the loopback),
    with an ``X-Forwarded-For`` of the client's own when ``claim`` is given."""
    sock = socket.create_connection(("127.0.0.1", port), timeout=20, source_address=(source, 0))
    conn = http.client.HTTPSConnection("localhost", port, context=context, timeout=20)
    conn.sock = context.wrap_socket(sock, server_hostname="localhost")
    body = json.dumps({"site": "", "username": PROVINCE_ADMIN, "password": password})
    headers = {"content-type": "application/json", **({"x-forwarded-for": claim} if claim else {})}
    conn.request("POST", "/api/province/login", body=body, headers=headers)
    r = conn.getresponse()
    answer = r.status, json.loads(r.read())
    conn.close()
    return answer


def test_the_province_front_throttles_each_address_alone(tmp_path: Path) -> None:
    if nginx_path() is None:
        missing_front("nginx not installed (apt-get install nginx)")
        return
    view = ProvinceProc(tmp_path / "province", {"tyt-thu": str(tmp_path / "no-facility-yet")}).start()
    try:
        tls = make_ca(tmp_path / "tls", "localhost", "127.0.0.1")
        context = ssl.create_default_context(cafile=str(tls / "ca.crt"))
        site = lambda h, s: province_site(tls, h, s, view.port)  # noqa: E731
        with running_nginx(tmp_path / "nginx", tls, 0, site) as front:
            guesses = [sign_in(front.https_port, context, "127.0.0.2", f"guess-{i}")[0] for i in range(7)]
            assert guesses[:5] == [401] * 5 and guesses[5:] == [429, 429], guesses
            # the department's own browser, at another address, is not held up by the guesser
            status, body = sign_in(front.https_port, context, "127.0.0.1", PROVINCE_PASSWORD)
            assert status == 200 and body["username"] == PROVINCE_ADMIN, body
            # nor can the guesser pass for another address with a header of its own
            assert sign_in(front.https_port, context, "127.0.0.2", "guess-8", "10.9.9.9")[0] == 429
    finally:
        view.kill()
