"""Several processes, one instance: clients sharing a SQLite or Redis limiter never draw 606 or 615."""

from __future__ import annotations

import multiprocessing
import os
import uuid
from pathlib import Path

from mkto.client import RedisLimiterBackend
from tests.conftest import skip_or_fail

from ._limit_workers import client_worker
from .conftest import Emu

PROCESSES, CALLS = 3, 12


def run_clients(emu: Emu, kind: str, where: str, prefix: str = "") -> None:
    emu.limits(rate_calls=10, rate_seconds=1, concurrency=3)
    emu.fault(latency_ms=30)
    ctx = multiprocessing.get_context("spawn")
    job = (emu.base_url, emu.client_id, emu.client_secret, kind, where, prefix, CALLS)
    with ctx.Pool(PROCESSES) as pool:
        assert sum(pool.map(client_worker, [job] * PROCESSES)) == PROCESSES * CALLS
    codes = [r["code"] for r in emu.requests() if r["path"].startswith("/rest/")]
    assert len(codes) == PROCESSES * CALLS, codes
    assert "606" not in codes
    assert "615" not in codes


def test_processes_sharing_sqlite_limits(emu: Emu, tmp_path: Path) -> None:
    run_clients(emu, "sqlite", str(tmp_path / "limits.db"))


def test_processes_sharing_redis_limits(emu: Emu) -> None:
    url = os.environ.get("MKTO_TEST_REDIS_URL")
    if not url:
        skip_or_fail("MKTO_TEST_REDIS_URL is not set (e.g. redis://127.0.0.1:6379/15)")
    assert url is not None
    prefix = f"mkto-test:{uuid.uuid4().hex}:"
    try:
        run_clients(emu, "redis", url, prefix)
    finally:
        RedisLimiterBackend(url, prefix=prefix).clear()
