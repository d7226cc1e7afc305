"""What ``/metrics`` says, in the Prometheus text format (``prometheus_client``).

Two kinds of numbers. Those the server already counts are read from their objects when
Prometheus scrapes (a collector, nothing added to the hot paths): connections by audience and
phones (``server/fanout.py``, ``server/phones.py``), clients dropped for being too slow, commits
and the last seq (``server/hub.py``), open device faults and what screens reported
(``server/fleet.py``), backups (``server/backup.py``). Two durations are measured where they
happen, into histograms: a command's acknowledgement latency, from the moment the hub is handed
the command to its answer (after the commit: what a kiosk waits for, less the network), in
``MeteredHub.submit``; and each commit's transaction (``SqliteLog.on_commit``), which is the
time the writer waits on the disk and, during a backup, on the backup.

The registry is the app's own (not the library's global one), with the process collector
(memory, CPU, open files). See docs/operations.md, "Monitoring".
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

from prometheus_client import (
    CollectorRegistry,
    Counter,
    Histogram,
    ProcessCollector,
    disable_created_metrics,
    generate_latest,
)
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from .backup import Backups
from .domain import commands as cmd
from .domain.access import Actor
from .his.service import HisLinks
from .hub import Hub
from .hub_items import Outcome
from .protocol import AUDIENCES

disable_created_metrics()  # type: ignore[no-untyped-call]  # no *_created series: noise beside each counter
CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
# seconds: a commit with synchronous=FULL is one fsync (1-20 ms on a disk, more on a busy one)
LATENCY_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0)


class Metrics:
    """The registry and the histograms measured as things happen."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        self.ack_seconds = Histogram(
            "queue_command_ack_seconds",
            "Time from a command handed to the hub to its answer (decided, committed, broadcast)",
            buckets=LATENCY_BUCKETS,
            registry=self.registry,
        )
        self.commands = Counter("queue_commands", "Commands answered, by outcome", ["outcome"], registry=self.registry)
        self.commit_seconds = Histogram(
            "queue_commit_seconds",
            "Time of one commit (one transaction of the event log: the writer's wait on the disk)",
            buckets=LATENCY_BUCKETS,
            registry=self.registry,
        )
        self.committed_events = Counter("queue_committed_events", "Events written to the log", registry=self.registry)
        ProcessCollector(registry=self.registry)

    def watch(self, hub: Hub, backups: Backups, his: HisLinks | None = None) -> None:
        self.registry.register(ServerCollector(hub, backups, his))

    def on_commit(self, seconds: float, events: int) -> None:
        self.commit_seconds.observe(seconds)
        self.committed_events.inc(events)

    def render(self) -> bytes:
        return generate_latest(self.registry)


class MeteredHub(Hub):
    """The hub, with each command's time to its answer measured."""

    def __init__(self, metrics: Metrics, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.metrics = metrics

    async def submit(self, command: cmd.AnyCommand, actor: Actor, key: str = "") -> Outcome:
        t0 = time.perf_counter()
        outcome = await super().submit(command, actor, key)
        self.metrics.ack_seconds.observe(time.perf_counter() - t0)
        kind = "duplicate" if outcome.duplicate else "refused" if outcome.error is not None else "ok"
        self.metrics.commands.labels(kind).inc()
        return outcome


class ServerCollector(Collector):
    """The counts the server keeps anyway, read at each scrape."""

    def __init__(self, hub: Hub, backups: Backups, his: HisLinks | None = None) -> None:
        self.hub = hub
        self.backups = backups
        self.his = his

    def collect(self) -> Iterator[Metric]:
        hub, fanout = self.hub, self.hub.fanout
        conns = GaugeMetricFamily("queue_connections", "Open websocket connections, by audience", labels=["audience"])
        for audience in AUDIENCES:
            conns.add_metric([audience], len(fanout.by_audience[audience]))
        yield conns
        yield GaugeMetricFamily("queue_phones", "Patients' phones following a ticket", value=len(hub.phones))
        yield CounterMetricFamily(
            "queue_dropped_clients", "Clients dropped for being too slow or gone", value=fanout.dropped_total
        )
        yield CounterMetricFamily("queue_commits", "Group commits of the event log", value=hub.commits)
        yield GaugeMetricFamily("queue_seq", "The last event's sequence number", value=hub.state.seq)
        yield GaugeMetricFamily(
            "queue_replay_seconds", "Time the last start took to rebuild the state", value=hub.replay_seconds
        )
        faults = GaugeMetricFamily("queue_device_faults", "Open device faults, by part", labels=["part"])
        by_part: dict[str, int] = {}
        for alert in hub.fleet.faults.values():
            by_part[alert.part] = by_part.get(alert.part, 0) + 1
        for part, n in sorted(by_part.items()):
            faults.add_metric([part], n)
        yield faults
        reports = CounterMetricFamily("queue_device_reports", "What screens reported, by kind", labels=["what"])
        for what, n in sorted(hub.fleet.reports.items()):
            reports.add_metric([what], n)
        yield reports
        yield from self._his()
        b = self.backups
        yield CounterMetricFamily("queue_backups", "Backups taken since start", value=b.taken)
        yield CounterMetricFamily("queue_backup_failures", "Backups that failed since start", value=b.failures)
        if b.last is not None:
            yield GaugeMetricFamily("queue_backup_last_timestamp_seconds", "When the last backup was taken", b.last.at)
            yield GaugeMetricFamily("queue_backup_last_seconds", "How long the last backup took", b.last.seconds)
            yield GaugeMetricFamily("queue_backup_last_seq", "The last event in the last backup", b.last.seq)

    def _his(self) -> Iterator[Metric]:
        """Per outbound HIS link: its outbox's depth (kept by the deliverer's last pass: a scrape
        reads no database), and the messages delivered, failed and refused since start."""
        deliverers = self.his.deliverers if self.his is not None else {}
        if not deliverers:
            return
        depth = GaugeMetricFamily("queue_his_outbox_depth", "Messages waiting for a HIS link", labels=["link"])
        done = CounterMetricFamily("queue_his_delivered", "Messages a HIS link took", labels=["link"])
        failed = CounterMetricFamily("queue_his_failed", "Tries of a message that failed", labels=["link"])
        refused = CounterMetricFamily("queue_his_refused", "Messages refused (dead letters)", labels=["link"])
        breaker = GaugeMetricFamily(
            "queue_his_breaker_open", "1 while a link's circuit breaker is open", labels=["link"]
        )
        for name, d in sorted(deliverers.items()):
            depth.add_metric([name], d.depth)
            done.add_metric([name], d.delivered)
            failed.add_metric([name], d.failed)
            refused.add_metric([name], d.refused)
            breaker.add_metric([name], 0 if d.open_until is None else 1)
        yield from (depth, done, failed, refused, breaker)
