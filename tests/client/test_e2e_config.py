"""Configuration, lifecycle and the network itself failing."""

from __future__ import annotations

import logging
import socket
import time

import pytest

from mkto.client import LOGGER_NAME, Client, NetworkError, RetryPolicy, Timeouts
from mkto.errors import AmbiguousOutcome

from .conftest import Emu

USAGE = "/rest/v1/stats/usage.json"


def test_from_env_and_munchkin_id(emu: Emu, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MKTO_BASE_URL", emu.base_url + "/rest")
    monkeypatch.setenv("MKTO_CLIENT_ID", emu.client_id)
    monkeypatch.setenv("MKTO_CLIENT_SECRET", emu.client_secret)
    with Client.from_env() as client:
        assert client.base_url == emu.base_url
        assert client.usage.stats()
        assert emu.client_secret not in repr(client)
    monkeypatch.delenv("MKTO_BASE_URL")
    monkeypatch.setenv("MKTO_MUNCHKIN_ID", "123-ABC-456")
    with Client.from_env() as client:
        assert client.base_url == "https://123-ABC-456.mktorest.com"
    monkeypatch.delenv("MKTO_CLIENT_SECRET")
    with pytest.raises(ValueError, match="MKTO_CLIENT_SECRET"):
        Client.from_env()


def test_connection_refused_is_retried_then_raised(caplog: pytest.LogCaptureFixture) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # nothing listens here once the socket closes
    retry = RetryPolicy(max_attempts=3, base_delay_s=0.001)
    slept: list[float] = []
    caplog.set_level(logging.DEBUG, logger=LOGGER_NAME)
    client = Client(base_url=f"http://127.0.0.1:{port}", client_id="x", client_secret="y", retry=retry,
                    sleep=slept.append)  # fmt: skip
    with client, pytest.raises(NetworkError) as info:
        client.usage.stats()
    assert info.value.maybe_sent is False
    attempts = [r for r in caplog.records if r.name == LOGGER_NAME and hasattr(r, "attempt")]
    logged = [(r.path, r.attempt, r.status, r.code, r.decision) for r in attempts]  # type: ignore[attr-defined]
    assert logged == [(USAGE, 1, None, None, "retry"), (USAGE, 2, None, None, "retry"), (USAGE, 3, None, None, "raise")]
    assert slept == [r.wait for r in attempts[:2]]  # type: ignore[attr-defined]  # each retry slept its logged wait
    assert all(wait > 0 for wait in slept)


def test_read_timeout_retries_idempotent_calls_and_refuses_the_others(emu: Emu) -> None:
    kwargs = emu.client_kwargs(timeouts=Timeouts(read=0.2))
    with Client(**kwargs) as client:
        client.usage.stats()  # token first, so the slow plan hits the REST call
        emu.fault(latency_ms=600, times=1)
        client.usage.stats()
        emu.fault(latency_ms=600, times=1)
        with pytest.raises(AmbiguousOutcome) as info:
            client.request("GET", USAGE, idempotent=False)
    assert isinstance(info.value.__cause__, NetworkError)
    assert info.value.__cause__.maybe_sent
    # The two abandoned calls still finish server-side; let them land before the next test's reset.
    deadline = time.monotonic() + 5
    while len([r for r in emu.requests() if r["path"] == USAGE]) < 4 and time.monotonic() < deadline:
        time.sleep(0.05)
