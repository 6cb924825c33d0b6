"""The SQLite store's write-ahead log is copied back into the file in the background, never inside a commit."""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path

import pytest
import sqlalchemy as sa

from mkto.emulator._checkpoints import Checkpoints
from mkto.emulator._store import Store

_own = sa.MetaData()
_blobs = sa.Table("wal_test_blobs", _own, sa.Column("id", sa.Integer, primary_key=True), sa.Column("data", sa.Text))

PAGE = 4096
ROW_BYTES = 100_000  # a transaction of about 25 pages
ROUNDS = 400  # 10,000 pages in all: ten times SQLite's 1,000-page checkpoint point


def _wal_pages(db: Path) -> int:
    wal = db.with_name(db.name + "-wal")
    return wal.stat().st_size // PAGE if wal.exists() else 0


def test_commits_without_pause_leave_the_log_to_the_background_thread_which_keeps_it_short(tmp_path: Path) -> None:
    db = tmp_path / "wal.sqlite3"
    store = Store.open(db)
    try:
        assert store.wal is not None and store.wal.turn is not None
        with store.engine.connect() as conn:  # no commit of the store's connections checkpoints
            assert conn.exec_driver_sql("PRAGMA wal_autocheckpoint").scalar() == 0
        _own.create_all(store.engine)
        largest = 0
        for i in range(ROUNDS):  # calls back to back: a PASSIVE checkpoint alone would never reach the log's end
            with store.transaction() as tx:
                tx.execute(_blobs.insert().values(id=i, data="x" * ROW_BYTES))
            largest = max(largest, _wal_pages(db))
            time.sleep(0.002)  # a client's turnaround: the thread looks every 0.1 s, a few dozen commits apart
        written = ROUNDS * ROW_BYTES // PAGE
        # Unchecked, the log would hold every page written; the thread finishes it under the write turn once it
        # is past RESTART_PAGES, and the next writer starts it over.
        assert largest < written / 2, (largest, written)
        with store.transaction() as tx:
            assert tx.execute(sa.select(sa.func.count()).select_from(_blobs)).scalar_one() == ROUNDS
    finally:
        store.close()
    assert not db.with_name(db.name + "-wal").exists()  # the last connection closed: the log is in the file
    with sqlite3.connect(db) as raw:
        assert raw.execute("SELECT count(*), min(length(data)) FROM wal_test_blobs").fetchone() == (ROUNDS, ROW_BYTES)


def test_a_closed_store_leaves_the_checkpoint_thread(tmp_path: Path) -> None:
    store = Store.open(tmp_path / "closed.sqlite3")
    wal = store.wal
    assert wal is not None
    store.close()
    assert wal.checkpoint() is None  # closed: the thread does nothing with it any more
    assert wal.connection is None


def test_a_checkpoint_that_fails_says_so_once_and_tries_again(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    missing = tmp_path / "no-such-dir" / "gone.sqlite3"
    wal = Checkpoints.add(str(missing))
    try:
        assert wal.checkpoint() is None and wal.failed
        assert wal.checkpoint() is None
        warnings = [r for r in caplog.records if "checkpoint of" in r.getMessage()]
        assert len(warnings) == 1
        missing.parent.mkdir()
        assert wal.checkpoint() is not None and not wal.failed  # the file can be opened now: no log, nothing to do
    finally:
        Checkpoints.remove(wal)
