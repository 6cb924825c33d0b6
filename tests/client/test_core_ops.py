"""The core only decides: limiter slots and file writes are operations it yields, its clocks are injected.

Each flow is driven by a script that answers its operations, as a shell would, with nothing on the wire.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import math
from typing import Any

import pytest

from mkto.client import Denied, Grant, Limits, Quota
from mkto.client._core import Core
from mkto.client._operations import (
    Acquire,
    GetToken,
    OpenStream,
    RawResponse,
    ReadChunk,
    Release,
    RequestSpec,
    Send,
    Sink,
    Sleep,
    StreamHead,
    WriteChunk,
)
from mkto.errors import NetworkError, QuotaExhausted, next_reset

from .conftest import FAST_RETRY

OK = RawResponse(200, {"Content-Type": "application/json"}, b'{"requestId":"r#1","success":true,"result":[]}')
NOON = dt.datetime(2026, 3, 1, 12, 0, tzinfo=dt.UTC)


class Untouchable:
    """A limiter backend the core must never call: the shells perform Acquire and Release."""

    def try_acquire(self, quota: Quota) -> Grant | Denied:
        raise AssertionError("the core called the limiter backend")

    def release(self, lease_id: str) -> None:
        raise AssertionError("the core called the limiter backend")


def core(**limits: Any) -> Core:
    return Core(
        base_url="https://x.mktorest.com",
        client_id="id",
        client_secret="secret",
        retry=FAST_RETRY,
        limits=Limits(backend=Untouchable(), **limits),
        logger=logging.getLogger("test.core"),
        wall_clock=lambda: NOON,
    )


def drive(flow: Any, answers: dict[type, list[Any]]) -> tuple[Any, list[Any]]:
    """Run a flow, answering each operation with the next answer given for its type (None when none)."""
    seen: list[Any] = []
    op = flow.send(None)
    try:
        while True:
            seen.append(op)
            queue = answers.get(type(op), [])
            answer = queue.pop(0) if queue else None
            op = flow.throw(answer) if isinstance(answer, BaseException) else flow.send(answer)
    except StopIteration as stop:
        return stop.value, seen


def run_with(flow: Any, serve: Any) -> Any:
    op = flow.send(None)
    try:
        while True:
            op = flow.send(serve(op))
    except StopIteration as stop:
        return stop.value


def test_a_call_yields_its_limiter_slot_and_gives_it_back() -> None:
    grant = Grant("lease-1", 0.0)
    answers = {GetToken: ["t"], Acquire: [Denied(0.25, "rate"), grant], Send: [OK]}
    response, seen = drive(core().call(RequestSpec.build("GET", "/rest/v1/leads.json")), answers)
    assert response.result == []
    kinds = [type(op) for op in seen]
    assert kinds == [GetToken, Acquire, Sleep, Acquire, Send, Release]
    assert seen[2] == Sleep(0.25)
    assert seen[-1] == Release(grant)
    assert seen[1].quota == Quota(rate_calls=100, window_s=20.0, concurrency=10, daily_budget=None, lease_ttl_s=300.0)


def test_the_daily_budget_resets_by_the_injected_wall_clock() -> None:
    answers = {GetToken: ["t"], Acquire: [Denied(math.inf, "daily")]}
    with pytest.raises(QuotaExhausted) as caught:
        drive(core(daily_budget=5).call(RequestSpec.build("GET", "/rest/v1/leads.json")), answers)
    assert caught.value.resets_at == next_reset(NOON)


def test_an_interrupted_send_still_yields_its_release() -> None:
    grant = Grant("lease-2", 0.0)
    flow = core().call(RequestSpec.build("GET", "/rest/v1/leads.json"))
    assert isinstance(flow.send(None), GetToken)
    assert isinstance(flow.send("t"), Acquire)
    assert isinstance(flow.send(grant), Send)
    assert flow.throw(KeyboardInterrupt()) == Release(grant)  # the shell performs it, then the flow re-raises
    with pytest.raises(KeyboardInterrupt):
        flow.send(None)


def test_a_flow_closed_mid_call_leaves_its_grant_to_the_shell() -> None:
    c = core()
    grant = Grant("lease-3", 0.0)
    flow = c.call(RequestSpec.build("GET", "/rest/v1/leads.json"))
    flow.send(None)
    flow.send("t")
    flow.send(grant)  # now at Send
    flow.close()  # a closed generator may not yield: its Release waits in `orphaned` for the shell
    assert c.orphaned == [grant]


def test_a_download_is_written_by_operations_and_hashed_as_it_goes() -> None:
    spec = RequestSpec.build("GET", "/bulk/v1/leads/export/x/file.json")
    handle = object()  # the shell's file: the core never touches it
    sink = Sink(handle, size=2, digest=hashlib.sha256(b"ab"))
    drop = NetworkError("reset", maybe_sent=True)
    heads = [StreamHead(206, {"Content-Type": "text/csv"}, iter([b"cd", drop])),
             StreamHead(206, {"Content-Type": "text/csv"}, iter([b"ef"]))]  # fmt: skip
    written: list[bytes] = []

    def serve(op: Any) -> Any:
        if isinstance(op, GetToken):
            return "t"
        if isinstance(op, Acquire):
            return Grant("lease", 0.0)
        if isinstance(op, OpenStream):
            return heads.pop(0)
        if isinstance(op, ReadChunk):
            return next(op.handle, b"")
        if isinstance(op, WriteChunk):
            assert op.handle is handle
            written.append(op.data)
        return None

    size = run_with(core().download(spec, sink, size=6), serve)
    assert size == 6
    assert written == [b"cd", b"ef"]
    assert sink.size == 6
    assert sink.checksum() == "sha256:" + hashlib.sha256(b"abcdef").hexdigest()


def test_a_memory_sink_needs_no_operation() -> None:
    spec = RequestSpec.build("GET", "/bulk/v1/leads/batch/1/failures.json")
    head = StreamHead(200, {"Content-Type": "text/csv"}, None)
    answers = {GetToken: ["t"], Acquire: [Grant("g", 0.0)], OpenStream: [head], ReadChunk: [b"a,b\n", b"1,2\n", b""]}
    sink = Sink()
    size, seen = drive(core().download(spec, sink), answers)
    assert (size, bytes(sink.data)) == (8, b"a,b\n1,2\n")
    assert not any(isinstance(op, WriteChunk) for op in seen)
