"""The crowd of tests/test_load.py, in a process of its own so that it does not slow the clients
being measured: N idle boards (a hello, then never a read), N slow ones (a read of 2 KiB every
0.5-2 s, answering the server's pings as a browser would), and threads sending wrong logins as
fast as the server answers.

``python -m tests.load_crowd PORT TV_TOKEN IDLE SLOW FLOOD_THREADS``: prints ``ready`` once every
board has sent its hello, runs until its standard input closes, then prints its counts as JSON."""

from __future__ import annotations

import asyncio
import base64
import json
import os
import random
import resource
import struct
import sys
import threading
import urllib.error
import urllib.request
from collections import Counter


def frame(opcode: int, data: bytes) -> bytes:
    """A masked frame, as a client sends it."""
    mask = os.urandom(4)
    head = bytes([0x80 | opcode])
    if len(data) < 126:
        head += bytes([0x80 | len(data)])
    else:
        head += bytes([0x80 | 126]) + struct.pack("!H", len(data))
    return head + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(data))


async def board(port: int, hello: bytes, gate: asyncio.Semaphore) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
    """A websocket client as cheap as it gets: the handshake and a hello."""
    async with gate:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        key = base64.b64encode(os.urandom(16)).decode()
        writer.write(
            f"GET /ws HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n".encode()
        )
        head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 60)
        if not head.startswith(b"HTTP/1.1 101"):
            raise RuntimeError(head.decode(errors="replace"))
        writer.write(frame(0x1, hello))
        return reader, writer


async def read_slowly(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, rng: random.Random) -> None:
    buf = b""
    while True:
        await asyncio.sleep(rng.uniform(0.5, 2.0))
        chunk = await reader.read(2048)
        if not chunk:
            return
        buf += chunk
        while len(buf) >= 2:  # whole frames: answer pings, pass the rest over
            opcode, size, at = buf[0] & 0x0F, buf[1] & 0x7F, 2
            if size == 126:
                if len(buf) < 4:
                    break
                size, at = struct.unpack("!H", buf[2:4])[0], 4
            elif size == 127:
                if len(buf) < 10:
                    break
                size, at = struct.unpack("!Q", buf[2:10])[0], 10
            if len(buf) < at + size:
                break
            if opcode == 0x9:
                writer.write(frame(0xA, buf[at : at + size]))
            buf = buf[at + size :]


def flood(port: int, stop: threading.Event, statuses: Counter[int]) -> None:
    body = json.dumps({"username": "admin", "password": "not-the-password"}).encode()
    while not stop.is_set():
        req = urllib.request.Request(f"http://127.0.0.1:{port}/api/login", data=body, method="POST")
        req.add_header("content-type", "application/json")
        try:
            with urllib.request.urlopen(req, timeout=30) as r:
                statuses[r.status] += 1
        except urllib.error.HTTPError as e:
            with e:
                statuses[e.code] += 1
        except OSError as e:
            statuses[-1] += 1
            print(f"login flood: {e}", file=sys.stderr)


async def main(port: int, token: str, idle: int, slow: int, threads: int) -> None:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (max(soft, min(hard, idle + slow + 100)), hard))
    hello = json.dumps({"type": "hello", "role": "tv", "token": token}).encode()
    gate = asyncio.Semaphore(64)
    boards = await asyncio.gather(*(board(port, hello, gate) for _ in range(idle + slow)))
    rng = random.Random(17)
    readers = [asyncio.create_task(read_slowly(r, w, rng)) for r, w in boards[idle:]]
    stop, statuses = threading.Event(), Counter[int]()
    flooders = [threading.Thread(target=flood, args=(port, stop, statuses)) for _ in range(threads)]
    for t in flooders:
        t.start()
    print("ready", flush=True)
    await asyncio.get_running_loop().run_in_executor(None, sys.stdin.read)  # until the test is done
    stop.set()
    for t in flooders:
        t.join()
    closed = sum(1 for task in readers if task.done())
    for task in readers:
        task.cancel()
    for _, writer in boards:
        writer.close()
    print(json.dumps({"logins": statuses, "slow_closed": closed}), flush=True)


if __name__ == "__main__":
    port, token, idle, slow, threads = sys.argv[1:6]
    asyncio.run(main(int(port), token, int(idle), int(slow), int(threads)))
