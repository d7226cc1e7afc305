"""The insurance check at work: when a ticket is issued with an ID or BHYT number and the check is
on (``insurance.check``), the lookup runs outside the hub's writer; the kiosk waits for it at most
``insurance.budget_seconds`` from its command's arrival. Whenever it ends (in time or later), its
answer is submitted to the hub as a ``RecordInsuranceCheck`` by the system actor, so that it is
in the log and the counter sees it live. Answers about a card are kept for the local day (one
lookup per card a day); concurrent lookups of one card are one."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from typing import Any

from ..domain import commands as cmd
from ..domain.access import SYSTEM
from ..domain.identity import Identity
from ..domain.insurance import Answer, cacheable, card_number, read
from ..his.links import Link
from ..hub import Hub
from . import Checker, Unavailable
from .account import Account
from .bhxh import BhxhChecker
from .his import HisCoverageChecker

log = logging.getLogger("server.insurance")


def checker_for(mode: str, account: Account | None, links: list[Link]) -> Checker:
    """Who answers in ``mode``: the gateway (with its account), the HIS's FHIR link, or a
    checker that says why not."""
    if mode == "bhxh":
        return BhxhChecker(account) if account is not None else Unavailable("no BHXH account (insurance.toml)")
    fhir = next((link for link in links if link.form == "fhir" and link.url), None)
    return HisCoverageChecker(fhir) if fhir is not None else Unavailable("no FHIR link to the HIS (his.toml)")


class InsuranceChecks:
    def __init__(
        self,
        hub: Hub,
        account: Account | None,
        links: list[Link] | None = None,
        checkers: dict[str, Checker] | None = None,
    ) -> None:
        self.hub = hub
        self.account = account
        self.links = links or []
        self.checkers: dict[str, Checker] = dict(checkers or {})
        self.day = ""
        self.cache: dict[str, Answer] = {}  # card number -> today's answer
        self.running: dict[str, asyncio.Task[Answer]] = {}
        self.tasks: set[asyncio.Task[Any]] = set()

    def _checker(self, mode: str) -> Checker:
        if mode not in self.checkers:
            self.checkers[mode] = checker_for(mode, self.account, self.links)
        return self.checkers[mode]

    def resume(self) -> int:
        """After a restart: ask again about today's tickets whose check had not answered (their
        lookups died with the process); how many."""
        mode = self.hub.state.config.insurance.check
        if mode == "none":
            return 0
        pending = [(t, t.identity) for t in self.hub.state.tickets.values() if t.insurance_pending]
        for t, identity in pending:
            if identity is not None:
                self._start(t.label, self._lookup(mode, identity, t.day))
        return len(pending)

    def _start(self, label: str, lookup: asyncio.Future[Answer]) -> asyncio.Task[None]:
        record = asyncio.create_task(self._record(label, lookup))
        self.tasks.add(record)
        record.add_done_callback(self.tasks.discard)
        return record

    async def stop(self) -> None:
        for t in [*self.tasks, *self.running.values()]:
            t.cancel()
        for t in [*self.tasks, *self.running.values()]:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await t
        for c in self.checkers.values():
            with contextlib.suppress(Exception):
                await c.close()

    async def after_issue(self, command: cmd.AnyCommand, result: Any, started: float) -> dict[str, Any] | None:
        """The ticket's insurance line for the kiosk (``result`` is the issue's ack), within the
        budget counted from ``started`` (``time.monotonic``); None when there is nothing to check."""
        policy = self.hub.state.config.insurance
        if not isinstance(command, cmd.IssueTicket) or policy.check == "none" or not isinstance(result, dict):
            return None
        t = self.hub.state.by_label(str(result.get("ticket", "")))
        if t is None or not t.insurance_pending or t.identity is None:
            return None
        task = self._lookup(policy.check, t.identity, t.day)
        record = self._start(t.label, task)
        left = policy.budget_seconds - (time.monotonic() - started)
        try:
            await asyncio.wait_for(asyncio.shield(record), max(0.0, left))
        except TimeoutError:
            return {"pending": True, **_line(read(Answer(error="pending")))}
        return {"pending": False, **_line(read(task.result()))}

    def _lookup(self, mode: str, identity: Identity, day: str) -> asyncio.Future[Answer]:
        if day != self.day:
            self.day, self.cache = day, {}
        card = card_number(identity)
        if card in self.running:
            return self.running[card]
        if card in self.cache:
            done: asyncio.Future[Answer] = asyncio.get_running_loop().create_future()
            done.set_result(self.cache[card])
            return done
        dob = identity.dob.strftime("%d/%m/%Y") if identity.dob is not None else ""
        task = asyncio.create_task(self._checker(mode).check(card, identity.name, dob))
        self.running[card] = task

        def finished(t: asyncio.Task[Answer]) -> None:
            self.running.pop(card, None)
            if not t.cancelled() and t.exception() is None and cacheable(t.result()) and day == self.day:
                self.cache[card] = t.result()

        task.add_done_callback(finished)
        return task

    async def _record(self, label: str, task: asyncio.Future[Answer]) -> None:
        try:
            answer = await task
        except Exception as exc:  # a checker must not raise; if one does, the ticket is still to be checked
            log.exception("insurance check of %s failed", label)
            answer = Answer(error=type(exc).__name__)
        outcome = await self.hub.submit(cmd.RecordInsuranceCheck(label=label, answer=answer), SYSTEM)
        if outcome.error is not None:
            log.warning("insurance check of %s not recorded: %s", label, outcome.error.key)


def _line(lines: Any) -> dict[str, Any]:
    return {"outcome": lines.outcome, "vi": lines.patient_vi, "en": lines.patient_en}
