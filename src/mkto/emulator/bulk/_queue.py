"""A bulk job queue replayed lazily on the virtual clock: no threads, no timers.

Every bulk call first replays the queue up to `now`: jobs whose processing ended finish (in time order), and
waiting jobs start, first in first out, as soon as they are ready and a slot is free. Because each start and
finish time is derived from the earlier ones, polling at any moment sees exactly what a real queue would have
done by then, however rarely it is polled.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection


@dataclass(frozen=True, slots=True)
class Queue:
    table: sa.Table
    order: str  # the column that orders the queue (creation order)
    waiting: str  # status of a job waiting for a slot
    running: str  # status of a job holding a slot
    slots: int  # jobs that may run at once
    start_delay_s: float  # a waiting job is picked up no sooner than this after it was queued
    duration: Callable[[Connection, Any], float]  # virtual seconds a job runs, decided when it starts
    finish: Callable[[Connection, Any, float], None]  # ends a job at that epoch (writes its outcome)

    def advance(self, db: Connection, now: float, *, freed_at: float | None = None) -> None:
        """Apply every start and finish due by `now`; `freed_at`: a slot was just freed then (a cancel)."""
        t = self.table
        cursor = -math.inf if freed_at is None else freed_at
        while True:
            running = db.execute(
                sa.select(t)
                .where(t.c.status == self.running)
                .order_by(t.c.finish_at, t.c[self.order])
                .with_for_update()  # PostgreSQL: one transaction replays a finish; SQLite serializes anyway
            ).all()
            head = db.execute(
                sa.select(t).where(t.c.status == self.waiting).order_by(t.c[self.order]).limit(1).with_for_update()
            ).first()
            next_finish = float(running[0].finish_at) if running else math.inf
            next_start = math.inf
            if head is not None and len(running) < self.slots:
                next_start = max(float(head.queued_at) + self.start_delay_s, cursor)
            if next_finish <= now and next_finish <= next_start:
                self.finish(db, running[0], next_finish)
                cursor = next_finish
            elif next_start <= now and head is not None:
                ends = next_start + self.duration(db, head)
                key = t.c[self.order] == head._mapping[self.order]
                db.execute(t.update().where(key).values(status=self.running, started_at=next_start, finish_at=ends))
                cursor = next_start
            else:
                return

    def occupied(self, db: Connection) -> int:
        """Jobs waiting or running: what the queue limit counts."""
        t = self.table
        count = sa.select(sa.func.count()).select_from(t).where(t.c.status.in_((self.waiting, self.running)))
        return int(db.execute(count).scalar_one())
