"""Revocation reaches open sockets. A device revoked, a staff account disabled or its password
changed, a session logged out: the websocket clients opened with that token or session are
closed at once with close code 4001 (``unauthenticated``) and reason ``revoked``, and a user's
sessions all end (docs/protocol.md, "Closing"). Told by the hub after each durable batch."""

from __future__ import annotations

import asyncio
import logging

from .auth import Sessions
from .domain import events as ev
from .domain.handle import Step
from .domain.state import QueueState
from .fanout import Fanout
from .protocol import CLOSE_UNAUTHENTICATED

log = logging.getLogger("server")

REVOKED = "revoked"


class Revocations:
    def __init__(self, fanout: Fanout, sessions: Sessions) -> None:
        self.fanout, self.sessions = fanout, sessions
        self.tasks: set[asyncio.Task[None]] = set()
        sessions.on_gone = self.end_sessions  # several processes: a logout on another one

    def committed(self, state: QueueState, steps: list[Step]) -> None:
        for step in steps:
            for record in step.records:
                e = record.event
                if isinstance(e, ev.DeviceRevoked):
                    self.end_actor(f"device:{e.device}")
                elif isinstance(e, ev.StaffPasswordSet) or (isinstance(e, ev.StaffActiveSet) and not e.active):
                    self.end_user(e.username)

    def end_actor(self, actor: str) -> int:
        ended = self.fanout.end_where(lambda c: c.actor == actor, CLOSE_UNAUTHENTICATED, REVOKED)
        if ended:
            log.info("%s revoked: %d connections closed", actor, ended)
        return ended

    def end_user(self, username: str) -> None:
        """Every session of the user ends (at once in memory, then on disk) and their clients close."""
        self.sessions.forget_user(username)
        task = asyncio.get_running_loop().create_task(self.sessions.log.delete_user_sessions(username))
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)
        self.end_actor(f"staff:{username}")

    def end_session(self, token_hash: str) -> int:
        """A logout: the clients opened with that session close."""
        return self.fanout.end_where(lambda c: c.session == token_hash, CLOSE_UNAUTHENTICATED, REVOKED)

    def end_sessions(self, token_hashes: set[str]) -> int:
        """Sessions ended elsewhere (a logout on another process of the site): their clients close."""
        ended = self.fanout.end_where(lambda c: c.session in token_hashes, CLOSE_UNAUTHENTICATED, REVOKED)
        if ended:
            log.info("%d sessions ended on another process: %d connections closed", len(token_hashes), ended)
        return ended
