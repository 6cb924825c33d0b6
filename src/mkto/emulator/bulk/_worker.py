"""One background thread per store for the bulk work no call should wait behind: extract files (`_writer.py`)
and import rows (`_importer.py`).

A call that sees the virtual queue finish a large job marks it pending in its own transaction and submits the
work here under a key ("export:<id>", "import:<id>"); a key already queued or running is not queued twice. The
thread runs the work first in, first out, taking the name the work gives (so a log line or a profile says what
it is doing), and ends when the queue is empty: an idle store holds no thread. Work that raises is logged and
dropped; its job stays pending in the database, so the next bulk call that looks for pending jobs submits it
again, as it does for work whose thread died with its process.

With several workers on one database (a shared state backend, `store.shared`), each piece of work is claimed
there first: a worker that finds it claimed by another leaves it (the claim lapses after CLAIM_S if its holder
died, and the next bulk call hands the work over again).
"""

from __future__ import annotations

import collections
import logging
import threading
import weakref
from collections.abc import Callable
from dataclasses import dataclass

from mkto.emulator._store import Store

log = logging.getLogger("mkto.emulator.bulk")

IDLE_NAME = "mkto-bulk-worker"
CLAIM_S = 600

Work = Callable[[Store], None]


@dataclass(frozen=True, slots=True)
class _Task:
    key: str
    name: str  # the thread's name while it runs this
    work: Work


class BulkWorker:
    """The background worker of one store."""

    def __init__(self, store: Store) -> None:
        self._store = weakref.ref(store)
        self._lock = threading.Lock()
        self._queue: collections.deque[_Task] = collections.deque()
        self._busy: set[str] = set()
        self._thread: threading.Thread | None = None
        self._idle = threading.Event()
        self._idle.set()

    def submit(self, key: str, name: str, work: Work) -> None:
        """Run `work(store)` soon, once: a key already queued or running is left as it is."""
        with self._lock:
            if key in self._busy:
                return
            self._busy.add(key)
            self._queue.append(_Task(key, name, work))
            self._idle.clear()
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name=IDLE_NAME, daemon=True)
                self._thread.start()

    def wait_idle(self, timeout: float) -> bool:
        """True once every submitted piece of work is done (or dropped); False if that takes over `timeout` s."""
        return self._idle.wait(timeout)

    def _run(self) -> None:
        thread = threading.current_thread()
        while True:
            with self._lock:
                if not self._queue:
                    self._thread = None
                    self._idle.set()
                    return
                task = self._queue.popleft()
            thread.name = task.name
            try:
                store = self._store()
                if store is not None:
                    _claimed_run(store, task)
            except Exception:
                log.exception("bulk background work %s failed; the next bulk call hands it over again", task.key)
            finally:
                thread.name = IDLE_NAME
                with self._lock:
                    self._busy.discard(task.key)


def _claimed_run(store: Store, task: _Task) -> None:
    shared = store.shared
    if shared is None:
        task.work(store)
    elif shared.claim(task.key, CLAIM_S):
        try:
            task.work(store)
        finally:
            shared.release(task.key)


_WORKERS: weakref.WeakKeyDictionary[Store, BulkWorker] = weakref.WeakKeyDictionary()
_WORKERS_LOCK = threading.Lock()


def worker_for(store: Store) -> BulkWorker:
    with _WORKERS_LOCK:
        worker = _WORKERS.get(store)
        if worker is None:
            worker = _WORKERS[store] = BulkWorker(store)
        return worker
