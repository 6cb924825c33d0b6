"""The emulator's database: SQLAlchemy Core over SQLite (default, WAL, durable) or PostgreSQL.

Areas define their tables on `metadata` (shared ones in `_common/tables.py`, an area's own in its `_tables.py`),
so importing the areas (`load_endpoints`) registers them all, and `Store.open` creates them at once: an area's
`setup(db)` only seeds. A table whose `info` carries `keep_on_reset=True` survives `POST /_mkto/reset` (API users,
the lead schema); every other table is emptied.

    store = Store.open("sqlite:///./.mkto/emulator.sqlite3")
    with store.transaction() as db: db.execute(...)
    with store.snapshot() as db: db.execute(...)   # a long read that blocks no writer (background work)
    store.read(lambda db: db.execute(...))          # a short read on the request path: no BEGIN/COMMIT of its own
"""

from __future__ import annotations

import contextlib
import re
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import Column, MetaData, String, Table, Text, create_engine, event
from sqlalchemy.engine import Connection, Engine, make_url

from ._checkpoints import Checkpoints, WalFile

metadata = MetaData()

MEMO_VERSION = "memo:v"  # the shared state key a forgetting transaction bumps
SQLITE_BUSY_TIMEOUT_S = 30

api_users = Table(
    "mkto_api_users",
    metadata,
    Column("client_id", String(64), primary_key=True),
    Column("data", Text, nullable=False),  # the ApiUser as JSON
    info={"keep_on_reset": True},
)


def normalize_url(db: str | Path) -> str:
    """`PATH`, `sqlite:///PATH`, `postgresql://...` or `postgresql+psycopg://...` as an SQLAlchemy URL."""
    text = str(db)
    if text.startswith("postgresql://") or text.startswith("postgres://"):
        return "postgresql+psycopg://" + text.split("://", 1)[1]
    if "://" in text:
        return text
    return f"sqlite:///{Path(text).expanduser().resolve()}"


_SCHEMA_NAME = re.compile(r"[a-z_][a-z0-9_]{0,62}")
_SNAPSHOT = "mkto_snapshot"  # execution option of a snapshot connection: its BEGIN takes no write lock
T = TypeVar("T")
# The write lock of a PostgreSQL store: one advisory lock per database and schema (an instance's own schema has
# its own), held until the transaction ends.
_PG_WRITE_LOCK = "SELECT pg_advisory_xact_lock(hashtextextended(current_database() || '.' || current_schema(), 0))"


class WroteInRead(RuntimeError):
    """Work run by `Store.read` changed the database: it belongs in a transaction (a programming error)."""


class Store:
    """One engine and its transactions. SQLite serializes writers itself; we serialize handlers to
    avoid `database is locked` under concurrent writes (a single process owns the file)."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.is_sqlite = engine.dialect.name == "sqlite"
        self._sqlite_lock = threading.RLock()
        self._pg_turn = threading.local()  # PostgreSQL: whether this thread holds the write lock now
        # SQLite: the one connection every transaction uses in turn (they hold the lock above), so a call
        # pays neither a pool checkout nor a return; a nested transaction falls back to the pool.
        self._shared: Connection | None = None
        self._shared_driver: Any = None  # its sqlite3 connection
        self._in_shared = False  # a transaction runs on it now
        self._stale_read = False  # a write on another connection landed since the kept read transaction began
        self._memo: dict[str, Any] = {}  # SQLite only: what areas derive from rarely written tables
        self._memo_dirty = False  # a writer forgot an entry in the transaction now running
        # The shared state backend of several workers on this database (`_state.SharedState`), or None. Bulk
        # work claims its jobs through it, and a transaction that forgot a memo entry tells the other workers
        # there, which drop their memo on their next call (`drop_memo`).
        self.shared: Any = None
        self.wal: WalFile | None = None  # SQLite file: its checkpoints, made in the background (`_checkpoints`)
        engine._mkto_store = self  # type: ignore[attr-defined]  # what `Store.of` finds (an attribute: once per call)

    @classmethod
    def of(cls, engine: Engine) -> Store | None:
        """The open store of an engine (a handler's `call.db.engine`), for work that outlives the call."""
        return getattr(engine, "_mkto_store", None)

    @classmethod
    def open(cls, db: str | Path, *, schema: str | None = None) -> Store:
        """`schema` (PostgreSQL): keep every table in that schema of the database, created if missing (an
        instance of a shared server); the root's tables stay in the default one."""
        url = make_url(normalize_url(db))
        kwargs: dict[str, Any] = {}
        if url.get_backend_name() == "sqlite":
            if url.database and url.database != ":memory:":
                Path(url.database).parent.mkdir(parents=True, exist_ok=True)
            kwargs["connect_args"] = {"timeout": SQLITE_BUSY_TIMEOUT_S, "check_same_thread": False}
        else:
            kwargs["pool_pre_ping"] = True
            if schema is not None:
                if not _SCHEMA_NAME.fullmatch(schema):
                    raise ValueError(f"not a schema name: {schema!r}")
                setup = create_engine(url)
                try:
                    with setup.begin() as conn:
                        conn.exec_driver_sql(f'CREATE SCHEMA IF NOT EXISTS "{schema}"')
                finally:
                    setup.dispose()
                kwargs["connect_args"] = {"options": f"-csearch_path={schema}"}
        engine = create_engine(url, **kwargs)
        sqlite = engine.dialect.name == "sqlite"
        path = str(url.database or "")
        on_file = sqlite and path not in ("", ":memory:") and not path.startswith("file:")
        if sqlite:
            _make_sqlite_durable(engine, checkpoint_in_background=on_file)
        store = cls(engine)  # (no connection is opened before this)
        if on_file:  # its write turn is the lock every transaction of this process takes
            store.wal = Checkpoints.add(path, turn=store._sqlite_lock)
        try:
            metadata.create_all(engine)
        except BaseException:
            store.close()  # a file it cannot write, a database it cannot reach: nothing left open or watched
            raise
        return store

    @property
    def url(self) -> str:
        return self.engine.url.render_as_string(hide_password=True)

    @contextlib.contextmanager
    def transaction(self) -> Iterator[Connection]:
        """One transaction: commits on return, rolls back on exception."""
        if not self.is_sqlite:
            with self._pg_write_transaction() as conn:
                yield conn
            return
        with self._sqlite_lock:
            if self._in_shared:  # a transaction inside another: its own connection
                with self.engine.begin() as nested:
                    yield nested
                self._stale_read = True  # a read transaction kept open on the shared connection cannot see it
                if self.wal is not None:
                    self.wal.dirty = True
                return
            conn, driver = self._shared_connection()
            if driver.in_transaction:  # the read transaction `read` keeps open ends: this one writes
                driver.commit()
            driver.execute("BEGIN IMMEDIATE")
            self._in_shared = True
            try:
                yield conn
            except BaseException:
                if driver.in_transaction:
                    driver.rollback()
                raise
            else:
                driver.commit()
                if self.wal is not None:
                    self.wal.dirty = True  # worth a checkpoint
            finally:
                self._in_shared = False
                if self._memo_dirty:  # committed or rolled back, what was derived meanwhile is doubtful
                    self._memo.clear()
                    self._memo_dirty = False
                    if self.shared is not None:
                        self.shared.redis.incr(self.shared.key(MEMO_VERSION))  # other workers drop theirs

    @contextlib.contextmanager
    def _pg_write_transaction(self) -> Iterator[Connection]:
        """PostgreSQL: a transaction that first takes the schema's write lock (an advisory lock held until it
        ends), so writers take turns as SQLite's BEGIN IMMEDIATE makes them: a handler reads what it will
        change and writes it back (a lead's fields are one JSON value), and two such transactions side by side,
        from two worker threads or processes, would lose one's change or both create the same new lead. A
        transaction opened inside one this thread holds does not ask again (it would wait on itself)."""
        nested = getattr(self._pg_turn, "held", False)
        with self.engine.begin() as conn:
            if not nested:
                conn.exec_driver_sql(_PG_WRITE_LOCK)
                self._pg_turn.held = True
            try:
                yield conn
            finally:
                if not nested:
                    self._pg_turn.held = False

    def read(self, work: Callable[[Connection], T]) -> T:
        """`work(db)` for work that only reads, seeing one state of the database. On SQLite it runs on the shared
        connection under the store's lock, in a read transaction kept open from one read to the next: every
        writer of this process holds that lock and ends that transaction before it begins its own, and the
        process owns the file, so a read always sees the last commit. Opening a read transaction per
        statement costs SQLite two file-lock system calls, a fifth of a short read's store time. A write
        inside it is rolled back and raises `WroteInRead`. Elsewhere (PostgreSQL, or a SQLite file several
        workers share), a transaction."""
        if not self.is_sqlite:
            with self.engine.begin() as db:  # reads take no write turn
                return work(db)
        if self.shared is not None:
            with self.snapshot() as db:
                return work(db)
        with self._sqlite_lock:
            conn, driver = self._shared_connection()
            if self._in_shared:  # inside a transaction on it already (this thread): read in that transaction
                return work(conn)
            if self._stale_read and driver.in_transaction:  # a nested transaction wrote on another connection
                driver.commit()
            self._stale_read = False
            if not driver.in_transaction:
                driver.execute("BEGIN")  # deferred: the snapshot is taken by the first read, kept until a write
            changes = driver.total_changes
            self._in_shared = True
            try:
                result = work(conn)
            finally:
                self._in_shared = False
            if driver.total_changes != changes:
                driver.rollback()
                raise WroteInRead("a read-only call changed the database (rolled back)")
            return result

    def _shared_connection(self) -> tuple[Connection, Any]:
        """The shared connection and its driver connection, opened again if SQLAlchemy gave it up."""
        shared, driver = self._shared, self._shared_driver
        if shared is None or driver is None or shared.invalidated:
            # SQLAlchemy leaves transactions to us on this connection (its own begin and commit cost more than
            # the call they wrap): `transaction` sends BEGIN and COMMIT straight to the driver.
            shared = self._shared = self.engine.connect().execution_options(isolation_level="AUTOCOMMIT")
            driver = self._shared_driver = shared.connection.driver_connection
        return shared, driver

    # -- memo: values derived from rarely written tables, kept across calls ---------------------------------
    # SQLite only, where this process owns the file and serializes every transaction; on PostgreSQL other
    # processes write too, so `recall` always misses there and each call derives afresh.
    def recall(self, key: str) -> Any:
        """The value remembered under `key`, or None."""
        return self._memo.get(key) if self.is_sqlite and not self._memo_dirty else None

    def remember(self, key: str, value: Any) -> None:
        """Keep `value` until a writer forgets `key` (not while a transaction that forgot something runs)."""
        if self.is_sqlite and not self._memo_dirty:
            self._memo[key] = value

    def drop_memo(self) -> None:
        """Another worker changed what the memo is derived from."""
        with self._sqlite_lock:
            self._memo.clear()

    def forget(self, key: str) -> None:
        """A writer changed what `key` is derived from: drop it, and remember nothing until its transaction ends."""
        if self.is_sqlite:
            self._memo.pop(key, None)
            self._memo_dirty = True

    @contextlib.contextmanager
    def snapshot(self) -> Iterator[Connection]:
        """A read-only transaction on its own connection, seeing the database as of its first read, that holds
        no lock writers wait on (SQLite: a deferred BEGIN in WAL mode; PostgreSQL: REPEATABLE READ); always
        rolled back. For long reads off the request path (a bulk extract file)."""
        with self.engine.connect() as conn:
            if self.is_sqlite:
                conn.execution_options(**{_SNAPSHOT: True})
            else:
                conn.execution_options(isolation_level="REPEATABLE READ")
            txn = conn.begin()
            try:
                yield conn
            finally:
                txn.rollback()

    def reset(self) -> None:
        """Empty every table except those marked `keep_on_reset`."""
        with self.transaction() as db:
            for table in reversed(metadata.sorted_tables):
                if not table.info.get("keep_on_reset"):
                    db.execute(table.delete())

    def close(self) -> None:
        if self.wal is not None:
            Checkpoints.remove(self.wal)
        with self._sqlite_lock:
            if self._shared is not None:
                self._shared.close()
                self._shared = self._shared_driver = None
        self.engine.dispose()


def _make_sqlite_durable(engine: Engine, *, checkpoint_in_background: bool) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        # Let SQLAlchemy's BEGIN below own transactions instead of pysqlite's implicit ones.
        dbapi_conn.isolation_level = None
        cursor = dbapi_conn.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")  # WAL: a commit reaches the OS before the answer (survives kill -9)
        cursor.execute("PRAGMA foreign_keys=ON")
        if checkpoint_in_background:  # no commit copies the log into the file: `_checkpoints` does, off the path
            cursor.execute("PRAGMA wal_autocheckpoint=0")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        # Straight to the driver: this runs once per call, and SQLAlchemy's statement machinery costs more
        # than SQLite's own BEGIN.
        driver = conn.connection.driver_connection
        assert driver is not None
        if driver.in_transaction:  # the store's shared connection: `Store.transaction` began it
            return
        driver.execute("BEGIN" if conn.get_execution_options().get(_SNAPSHOT) else "BEGIN IMMEDIATE")
