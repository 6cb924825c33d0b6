"""Write-ahead log checkpoints of the SQLite stores, in one background thread per process.

In WAL mode a commit appends the changed pages to the `-wal` file; a checkpoint copies them back into the
database file and syncs it to disk. SQLite's default runs that checkpoint inside the commit that takes the log
past 1,000 pages: that call, and every call waiting behind it on the store, then waits for two fsyncs and a few
megabytes of copying (a sync of 300 new leads writes about 70 pages, so one call in fifteen did it). Here
the stores' connections turn that off (`PRAGMA wal_autocheckpoint=0`) and this thread checkpoints each store
that committed since it last looked, every `INTERVAL_S`, on its own connection: a PASSIVE checkpoint, which
never waits on a reader or a writer and copies what no open read still needs. The next writer after a
complete checkpoint starts the log from its beginning again, if nothing was committed since. Under writes
that never pause that never happens (commits add frames while it copies), so once the log is past
`RESTART_PAGES` the thread copies the rest holding the store's write turn: only what was committed during its
first pass, so the writers wait for a short copy and its fsyncs, not for the whole log. Durability does not
change: a commit is in the log before its call answers, as before.

    wal = Checkpoints.add("/path/to/emulator.sqlite3", turn=store_lock)   # connections: wal_autocheckpoint=0
    wal.dirty = True                                     # after each commit: worth a checkpoint
    Checkpoints.remove(wal)                              # before the store closes its own connections
"""

from __future__ import annotations

import logging
import os
import sqlite3
import threading
from typing import Protocol

log = logging.getLogger("mkto.emulator")

INTERVAL_S = 0.1  # between looks: the log grows by at most what the stores commit in this time
RESTART_PAGES = 1_000  # a log longer than this is copied to the end under the write turn (SQLite's own point)
TURN_WAIT_S = 1.0  # how long the thread waits for the write turn before it leaves the log for its next look


class Turn(Protocol):
    """The store's write turn: its lock."""

    def acquire(self, blocking: bool = ..., timeout: float = ...) -> bool: ...
    def release(self) -> None: ...


class WalFile:
    """One store's database file as the checkpoint thread sees it."""

    def __init__(self, path: str, turn: Turn | None = None) -> None:
        self.path = path
        self.turn = turn  # the store's write turn (its lock), taken to finish a long log; None: never taken
        self.dirty = False  # committed since the last checkpoint
        self.lock = threading.Lock()  # held while checkpointing; `remove` takes it to stop for good
        self.connection: sqlite3.Connection | None = None  # the thread's own, opened on first use
        self.closed = False
        self.failed = False  # a checkpoint failed; said once, tried again on the next commit

    def checkpoint(self) -> tuple[int, int, int] | None:
        """A PASSIVE checkpoint now: (busy, frames in the log, frames copied), or None when closed or failed."""
        with self.lock:
            if self.closed:
                return None
            self.dirty = False
            try:
                if self.connection is None:
                    self.connection = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
                    self.connection.execute("PRAGMA synchronous=NORMAL")  # as the store's: a checkpoint syncs
                busy, frames, copied = self.connection.execute(_PASSIVE).fetchone()
                # Past RESTART_PAGES: commits went on while it copied; what they added is copied now, with no
                # commit adding more, so the copy reaches the log's end and the next writer starts the log over.
                # (Never waiting long for the turn: a store closed by a thread inside a transaction must not wait
                # on this one.)
                turn = self.turn
                if frames > RESTART_PAGES and turn is not None and turn.acquire(timeout=TURN_WAIT_S):
                    try:
                        busy, frames, copied = self.connection.execute(_PASSIVE).fetchone()
                    finally:
                        turn.release()
            except sqlite3.Error as exc:
                if not self.failed:
                    log.warning("checkpoint of %s failed (%s); its write-ahead log grows until one succeeds",
                                self.path, exc)  # fmt: skip
                self.failed = True
                return None
            self.failed = False
            return int(busy), int(frames), int(copied)

    def close(self) -> None:
        with self.lock:
            self.closed = True
            if self.connection is not None:
                self.connection.close()
                self.connection = None


class _Checkpoints:
    """The registry of WAL files and the thread that checkpoints them."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._files: list[WalFile] = []
        self._pid: int | None = None  # the process the thread runs in (a forked child starts its own)

    def add(self, path: str, *, turn: Turn | None = None) -> WalFile:
        wal = WalFile(path, turn)
        with self._lock:
            if self._pid != os.getpid():
                self._files = []
                self._pid = os.getpid()
                threading.Thread(target=self._run, name="mkto-wal-checkpoint", daemon=True).start()
            self._files.append(wal)
        return wal

    def remove(self, wal: WalFile) -> None:
        with self._lock:
            if wal in self._files:
                self._files.remove(wal)
        wal.close()

    def _run(self) -> None:
        stop = threading.Event()  # never set: the thread lives as long as the process
        looks = 0
        while not stop.wait(INTERVAL_S):
            looks += 1
            every = looks % _ALL_EVERY == 0  # now and then every file: a write that did not say so is copied too
            with self._lock:
                due = [wal for wal in self._files if wal.dirty or every]
            for wal in due:
                wal.checkpoint()


_PASSIVE = "PRAGMA wal_checkpoint(PASSIVE)"
_ALL_EVERY = 50  # looks between checkpoints of every file, written or not (five seconds)


Checkpoints = _Checkpoints()

__all__ = ["INTERVAL_S", "RESTART_PAGES", "Checkpoints", "Turn", "WalFile"]
