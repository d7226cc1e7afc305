"""The requests the processes of a site send each other (decision 0014): signed with the cluster's
secret, never carrying it; a bad signature, an old timestamp, a replay and an actor no follower
could produce are refused; a follower with another secret is told, on both sides, in the logs."""

from __future__ import annotations

import json
import socket
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import psycopg

from server.auth import hash_password
from server.cluster_sign import Verifier, sign

from .cluster_harness import Processes
from .pg_harness import PgCluster
from .server_harness import ADMIN_PASSWORD, Client

SECRET = "s" * 40


def test_a_signature_holds_for_its_body_its_secret_its_time_and_once() -> None:
    verifier, now = Verifier(SECRET), 1_000_000.0
    body = b'{"command": 1}'
    good = sign(SECRET, body, now)
    assert SECRET not in good
    assert verifier.check(good, body, now + 1) == ""
    assert verifier.check(good, body, now + 2) == "replay"
    assert verifier.check(sign(SECRET, body, now), body + b" ", now) == "signature"
    assert verifier.check(sign("t" * 40, body, now), body, now) == "signature"
    assert verifier.check(sign(SECRET, body, now - 31), body, now) == "clock"
    assert verifier.check(sign(SECRET, body, now + 31), body, now) == "clock"
    assert verifier.check(sign(SECRET, body, now - 29), body, now) == ""
    assert verifier.check("", body, now) == verifier.check("t=1,n=2", body, now) == "unsigned"


def provisioned(proc: Any) -> str:
    """An admin's token once the process took the role and provisioned the site (a moment after
    it answers HTTP)."""
    deadline = time.monotonic() + 30
    while True:
        status, body = proc.post("/api/login", {"username": "admin", "password": ADMIN_PASSWORD})
        if status == 200:
            return str(body["token"])
        assert time.monotonic() < deadline, body
        time.sleep(0.2)


def post(url: str, body: bytes, headers: dict[str, str]) -> tuple[int, str]:
    request = urllib.request.Request(url + "/internal/command", body, headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=10) as r:
            return int(r.status), r.read().decode()
    except urllib.error.HTTPError as e:
        with e:
            return e.code, e.read().decode()


def test_the_writer_takes_signed_requests_only_and_actors_a_follower_could_send(
    tmp_path: Path, pg_cluster: PgCluster
) -> None:
    database = pg_cluster.create_db()
    site_procs = Processes(tmp_path, database, n=1)
    (writer,) = site_procs.procs
    secret = (tmp_path / "cluster.secret").read_text().strip()
    try:
        writer.start()
        token = provisioned(writer)
        fleet = writer.get_json_auth("/api/fleet", token)["devices"]
        assert "kiosk-1" in json.dumps(fleet), fleet

        def forwarded(actor: dict[str, Any], command: dict[str, Any], key: str) -> bytes:
            return json.dumps({"actor": actor, "command": command, "key": key}).encode()

        ticket = {"type": "issue_ticket", "service": "N"}
        body = forwarded({"name": "device:kiosk-1", "role": "kiosk"}, ticket, "k1")
        assert post(writer.http, body, {"x-queue-cluster": secret})[0] == 404  # the secret itself: no more
        deadline = time.monotonic() + 20
        while True:  # (the process takes the role a moment after it answers HTTP)
            signed = {"x-queue-cluster-signature": sign(secret, body)}
            status, answer = post(writer.http, body, signed)
            if not json.loads(answer).get("not_writer") or time.monotonic() > deadline:
                break
            time.sleep(0.1)
        assert status == 200 and json.loads(answer)["seq"] > 0, answer
        assert post(writer.http, body, signed)[0] == 403  # the same request again: a replay
        assert post(writer.http, body, {"x-queue-cluster-signature": sign(secret, body, time.time() - 60)}) == (
            403,
            "clock",
        )
        other = forwarded({"name": "device:kiosk-1", "role": "kiosk"}, ticket, "k2")
        assert post(writer.http, other, {"x-queue-cluster-signature": sign("x" * 40, other)}) == (403, "signature")
        assert "not signed with this process's secret" in writer.log_path.read_text()

        admin = {
            "type": "create_staff",
            "username": "intruder",
            "full_name": "Intruder",
            "role": "admin",
            "password_hash": hash_password("intruder-password"),
        }
        for actor in (
            {"name": "system", "role": "system"},  # the system, but not recording an insurance check
            {"name": "staff:nobody", "role": "admin"},  # no such account
            {"name": "device:kiosk-1", "role": "admin"},
            {"name": "device:kiosk-1", "role": "tv"},  # a kiosk, not a TV
        ):
            body = forwarded(actor, admin, "")
            status, answer = post(writer.http, body, {"x-queue-cluster-signature": sign(secret, body)})
            assert status == 200 and json.loads(answer)["error"]["key"] == "forbidden", (actor, answer)
        with psycopg.connect(database, autocommit=True) as conn:
            (n,) = conn.execute(
                "SELECT count(*) FROM events WHERE position('intruder' in encode(body, 'escape')) > 0"
            ).fetchone() or (0,)
        assert n == 0
    finally:
        site_procs.stop()
        pg_cluster.drop_db(database)


async def test_the_secret_never_travels(tmp_path: Path, pg_cluster: PgCluster) -> None:
    """What a follower sends to the writer, read off the wire: a signature, not the secret."""
    database = pg_cluster.create_db()
    site_procs = Processes(tmp_path, database, n=2)
    writer, follower = site_procs.procs
    secret = (tmp_path / "cluster.secret").read_text().strip()
    seen: list[bytes] = []
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)

    def record() -> None:
        conn, _ = listener.accept()
        with conn:
            conn.settimeout(2)
            data = b""
            try:
                while chunk := conn.recv(65536):
                    data += chunk
            except OSError:
                pass
            seen.append(data)

    thread = threading.Thread(target=record, daemon=True)
    try:
        writer.start()
        follower.start()
        with psycopg.connect(database, autocommit=True) as conn:
            conn.execute("UPDATE sites SET writer = %s", (f"http://127.0.0.1:{listener.getsockname()[1]}",))
        thread.start()
        kiosk = await Client.connect(follower.ws_url)
        await kiosk.hello("kiosk", writer.device_tokens()["kiosk-1"])
        reply = await kiosk.command({"type": "issue_ticket", "service": "N"}, key="k1", timeout=15)
        assert reply["type"] == "error", reply
        thread.join(5)
        assert seen and b"POST /internal/command" in seen[0], seen
        head, _, body = seen[0].partition(b"\r\n\r\n")
        assert secret.encode() not in seen[0]
        header = next(line for line in head.decode().split("\r\n") if line.lower().startswith("x-queue-cluster"))
        assert Verifier(secret).check(header.split(":", 1)[1].strip(), body) == ""
    finally:
        listener.close()
        site_procs.stop()
        pg_cluster.drop_db(database)


async def test_a_follower_with_another_secret_is_told_on_both_sides(tmp_path: Path, pg_cluster: PgCluster) -> None:
    database = pg_cluster.create_db()
    site_procs = Processes(tmp_path, database, n=2)
    writer, follower = site_procs.procs
    other = tmp_path / "other.secret"
    other.write_text("o" * 40)
    follower.env["QUEUE_CLUSTER_SECRET_FILE"] = str(other)
    try:
        writer.start()
        follower.start()
        kiosk = await Client.connect(follower.ws_url)
        await kiosk.hello("kiosk", writer.device_tokens()["kiosk-1"])
        for key in ("k1", "k2"):
            reply = await kiosk.command({"type": "issue_ticket", "service": "N"}, key=key, timeout=15)
            assert reply["type"] == "error" and reply["code"] == "storage_error", reply
        writer_log, follower_log = writer.log_path.read_text(), follower.log_path.read_text()
        assert writer_log.count("not signed with this process's secret") == 1, writer_log  # once a minute at most
        assert follower_log.count("holds another secret than the writer's") == 1, follower_log
    finally:
        site_procs.stop()
        pg_cluster.drop_db(database)
