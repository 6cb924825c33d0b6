"""Adapters: how the runner asks a client to perform an operation of the protocol (docs/conformance.md).

    session = adapter_for("mkto").open(env, limits)   # env: MKTO_BASE_URL, MKTO_CLIENT_ID, MKTO_CLIENT_SECRET
    result = session.run(Op("sync_leads", leads, {"action": "createOnly"}), timeout_s=30)

A session lives for one scenario, so a client keeps its token and its limiter between the operations of a
scenario. `limits` are the instance's limits for the scenario (`rate_calls`, `rate_seconds`, `concurrency`):
a client that can be told them is told, as its user would configure it for that instance.
"""

from __future__ import annotations

import asyncio
import csv
import io
import json
import logging
import os
import shlex
import subprocess
import threading
import time
from collections.abc import Callable, Mapping
from typing import Any, Protocol

from ._spec import EXTRACT_LEADS, GET_LEADS, IMPORT_LEADS, SYNC_LEADS, Op, OpResult

CLIENTS = ("mkto", "mkto-async", "marketorestpython")
Items = list[Mapping[str, Any]]


class Session(Protocol):
    def run(self, op: Op, *, timeout_s: float) -> OpResult: ...

    def close(self) -> None: ...


class Adapter(Protocol):
    name: str

    def open(self, env: Mapping[str, str], limits: Mapping[str, Any]) -> Session: ...


def _error_of(exc: BaseException) -> dict[str, Any]:
    code = getattr(exc, "code", None)
    if code is None and exc.args and isinstance(exc.args[0], Mapping):  # marketorestpython's Exception({...})
        code = exc.args[0].get("code")
    error: dict[str, Any] = {
        "code": None if code is None else str(code),
        "kind": type(exc).__name__,
        "message": str(exc)[:300],
    }
    resets_at = getattr(exc, "resets_at", None)
    if resets_at is not None:
        error["resets_at"] = resets_at.isoformat()
    return error


def _in_thread(op: Op, timeout_s: float, work: Callable[[], Items]) -> OpResult:
    """Run `work` with a deadline; a client that never returns is reported as timed out (its thread is left)."""
    box: dict[str, Any] = {}

    def target() -> None:
        try:
            box["items"] = work()
        except BaseException as exc:  # whatever the client raised is the evidence
            box["error"] = _error_of(exc)

    started = time.monotonic()
    thread = threading.Thread(target=target, daemon=True, name="mkto-conformance-op")
    thread.start()
    thread.join(timeout_s)
    seconds = time.monotonic() - started
    if thread.is_alive():
        return OpResult(
            op, error={"code": None, "kind": "timeout", "message": f"no answer in {timeout_s:.0f} s"}, seconds=seconds
        )
    if "error" in box:
        return OpResult(op, error=box["error"], seconds=seconds)
    return OpResult(op, items=tuple(box.get("items") or ()), seconds=seconds)


def _outcomes(outcomes: Any) -> Items:
    return [
        {
            "index": o.index,
            "status": o.status,
            "id": o.id,
            "reasons": [{"code": r.code, "message": r.message} for r in o.reasons],
        }
        for o in outcomes
    ]


# -- mkto ---------------------------------------------------------------------------------------------------
def _mkto_kwargs(env: Mapping[str, str], limits: Mapping[str, Any]) -> dict[str, Any]:
    from mkto.client import Limits

    return {
        "base_url": env["MKTO_BASE_URL"],
        "client_id": env["MKTO_CLIENT_ID"],
        "client_secret": env["MKTO_CLIENT_SECRET"],
        "limits": Limits(
            rate_calls=int(limits["rate_calls"]),
            rate_seconds=float(limits["rate_seconds"]),
            concurrency=int(limits["concurrency"]),
        ),
    }


def _bulk_wait() -> Any:
    from mkto.client import BulkWait

    # The emulator's clock runs fast during bulk scenarios; the client polls and waits in real seconds.
    return BulkWait(poll_first_s=0.2, poll_max_s=0.5, queue_wait_s=0.5, queue_deadline_s=30)


def _extract_rows(path: str) -> Items:
    with open(path, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _quiet_client_log() -> None:
    """The client logs a WARNING for each error it raises; the verdicts say what happened instead."""
    logger = logging.getLogger("mkto.client")
    if not logger.handlers:
        logger.addHandler(logging.NullHandler())


class _MktoSession:
    def __init__(self, env: Mapping[str, str], limits: Mapping[str, Any]) -> None:
        from mkto.client import Client

        _quiet_client_log()
        self.client = Client(**_mkto_kwargs(env, limits))
        self.client.bulk.wait = _bulk_wait()

    def _work(self, op: Op) -> Items:
        o, records = op.options, [dict(r) for r in op.records]
        if op.name == SYNC_LEADS:
            return _outcomes(
                self.client.leads.sync(
                    records, action=o.get("action", "createOrUpdate"), lookup_field=o.get("lookupField", "email")
                )
            )
        if op.name == GET_LEADS:
            values = [r["filterValue"] for r in records]
            return list(self.client.leads.get_by_filter(o["filterType"], values, fields=o.get("fields")))
        if op.name == IMPORT_LEADS:
            result = self.client.bulk.import_leads(records)
            return [dict(batch) for batch in result.batches]
        if op.name == EXTRACT_LEADS:
            return list(self.client.bulk.iter_extract("leads", dict(o)))
        raise ValueError(f"unknown operation {op.name}")

    def run(self, op: Op, *, timeout_s: float) -> OpResult:
        return _in_thread(op, timeout_s, lambda: self._work(op))

    def close(self) -> None:
        self.client.close()


class _MktoAsyncSession:
    """`AsyncClient` on a loop of its own, kept for the whole scenario."""

    def __init__(self, env: Mapping[str, str], limits: Mapping[str, Any]) -> None:
        from mkto.client import AsyncClient

        _quiet_client_log()
        self.loop = asyncio.new_event_loop()
        self.client = AsyncClient(**_mkto_kwargs(env, limits))
        self.client.bulk.wait = _bulk_wait()
        self.lock = threading.Lock()

    async def _work(self, op: Op) -> Items:
        o, records = op.options, [dict(r) for r in op.records]
        if op.name == SYNC_LEADS:
            return _outcomes(
                await self.client.leads.sync(
                    records, action=o.get("action", "createOrUpdate"), lookup_field=o.get("lookupField", "email")
                )
            )
        if op.name == GET_LEADS:
            values = [r["filterValue"] for r in records]
            return list(await self.client.leads.get_by_filter(o["filterType"], values, fields=o.get("fields")))
        if op.name == IMPORT_LEADS:
            result = await self.client.bulk.import_leads(records)
            return [dict(batch) for batch in result.batches]
        if op.name == EXTRACT_LEADS:
            return [row async for row in self.client.bulk.iter_extract("leads", dict(o))]
        raise ValueError(f"unknown operation {op.name}")

    def run(self, op: Op, *, timeout_s: float) -> OpResult:
        def work() -> Items:
            with self.lock:
                return self.loop.run_until_complete(self._work(op))

        return _in_thread(op, timeout_s, work)

    def close(self) -> None:
        with self.lock:
            self.loop.run_until_complete(self.client.aclose())
        self.loop.close()


# -- marketorestpython --------------------------------------------------------------------------------------
class _MarketoRestPythonSession:
    """jepcastelein/marketo-rest-python (`pip install "mkto[conformance]"`), as its README shows it used."""

    def __init__(self, env: Mapping[str, str], limits: Mapping[str, Any]) -> None:
        from marketorestpython.client import MarketoClient  # type: ignore[import-untyped]

        # It builds https://<munchkin>.mktorest.com from the Munchkin id; the host it calls is an attribute.
        self.client = MarketoClient("000-AAA-000", env["MKTO_CLIENT_ID"], env["MKTO_CLIENT_SECRET"], None, None)
        self.client.host = env["MKTO_BASE_URL"]

    def _work(self, op: Op) -> Items:
        o, records, mc = op.options, [dict(r) for r in op.records], self.client
        if op.name == SYNC_LEADS:
            answer = mc.execute(
                method="create_update_leads", leads=records, action=o.get("action"), lookupField=o.get("lookupField")
            )
            return [{"index": i, **r} for i, r in enumerate(answer or [])]
        if op.name == GET_LEADS:
            values = [r["filterValue"] for r in records]
            return list(
                mc.execute(
                    method="get_multiple_leads_by_filter_type",
                    filterType=o["filterType"],
                    filterValues=values,
                    fields=o.get("fields"),
                )
                or []
            )
        if op.name == IMPORT_LEADS:
            return self._import(records)
        if op.name == EXTRACT_LEADS:
            return self._extract(o)
        raise ValueError(f"unknown operation {op.name}")

    def _import(self, records: list[dict[str, Any]]) -> Items:
        import tempfile

        columns = list(records[0])
        with tempfile.NamedTemporaryFile("w", suffix=".csv", delete=False, newline="") as handle:
            writer = csv.DictWriter(handle, columns)
            writer.writeheader()
            writer.writerows(records)
        try:
            batch = self.client.execute(method="import_lead", file=handle.name, format="csv", lookupField="email")
        finally:
            os.unlink(handle.name)
        batch_id = batch[0]["batchId"]
        while True:
            status = self.client.execute(method="get_import_lead_status", id=batch_id)[0]
            if status["status"] in ("Complete", "Failed"):
                return [status]
            time.sleep(0.5)

    def _extract(self, options: Mapping[str, Any]) -> Items:
        mc = self.client
        job = mc.execute(method="create_leads_export_job", fields=options["fields"], filters=options["filter"])
        export_id = job[0]["exportId"]
        mc.execute(method="enqueue_leads_export_job", job_id=export_id)
        while mc.execute(method="get_leads_export_job_status", job_id=export_id)[0]["status"] != "Completed":
            time.sleep(0.5)
        text = mc.execute(method="get_leads_export_job_file", job_id=export_id)
        data = text.decode() if isinstance(text, bytes) else str(text)
        return list(csv.DictReader(io.StringIO(data)))

    def run(self, op: Op, *, timeout_s: float) -> OpResult:
        return _in_thread(op, timeout_s, lambda: self._work(op))

    def close(self) -> None:
        pass


# -- any command --------------------------------------------------------------------------------------------
class _CommandSession:
    """`CMD OPERATION OPTIONS_JSON`, records as JSON lines on stdin, results (or one error) as JSON lines on stdout."""

    def __init__(self, command: str, env: Mapping[str, str], limits: Mapping[str, Any]) -> None:
        self.argv = shlex.split(command)
        self.env = {
            **os.environ,
            **env,
            "MKTO_CONFORMANCE_RATE_CALLS": str(limits["rate_calls"]),
            "MKTO_CONFORMANCE_RATE_SECONDS": str(limits["rate_seconds"]),
            "MKTO_CONFORMANCE_CONCURRENCY": str(limits["concurrency"]),
        }

    def run(self, op: Op, *, timeout_s: float) -> OpResult:
        stdin = "".join(json.dumps(r) + "\n" for r in op.records)
        started = time.monotonic()
        try:
            done = subprocess.run(
                [*self.argv, op.name, json.dumps(dict(op.options))],
                input=stdin,
                capture_output=True,
                text=True,
                env=self.env,
                timeout=timeout_s,
                check=False,
            )
        except subprocess.TimeoutExpired:
            return OpResult(
                op,
                error={"code": None, "kind": "timeout", "message": f"no answer in {timeout_s:.0f} s"},
                seconds=timeout_s,
            )
        seconds = time.monotonic() - started
        items: Items = []
        error: dict[str, Any] | None = None
        for line in done.stdout.splitlines():
            if not line.strip():
                continue
            try:
                value = json.loads(line)
            except ValueError:
                error = {"code": None, "kind": "protocol", "message": f"not a JSON line: {line[:100]}"}
                break
            if isinstance(value, Mapping) and "error" in value:
                error = {"kind": "error", **value["error"]}
                error["code"] = None if error.get("code") is None else str(error["code"])
            else:
                items.append(value)
        if error is None and done.returncode != 0:
            error = {"code": None, "kind": f"exit {done.returncode}", "message": done.stderr.strip()[-300:]}
        return OpResult(op, items=tuple(items), error=error, seconds=seconds)

    def close(self) -> None:
        pass


class _Builtin:
    def __init__(self, name: str, make: Callable[[Mapping[str, str], Mapping[str, Any]], Session]) -> None:
        self.name, self._make = name, make

    def open(self, env: Mapping[str, str], limits: Mapping[str, Any]) -> Session:
        return self._make(env, limits)


class CommandAdapter:
    def __init__(self, command: str) -> None:
        self.name = command
        self.command = command

    def open(self, env: Mapping[str, str], limits: Mapping[str, Any]) -> Session:
        return _CommandSession(self.command, env, limits)


def adapter_for(client: str) -> Adapter:
    """The built-in adapter named `client` (one of CLIENTS)."""
    makers: dict[str, Callable[[Mapping[str, str], Mapping[str, Any]], Session]] = {
        "mkto": _MktoSession,
        "mkto-async": _MktoAsyncSession,
        "marketorestpython": _MarketoRestPythonSession,
    }
    if client not in makers:
        raise ValueError(f"unknown client {client!r}: one of {', '.join(CLIENTS)}")
    return _Builtin(client, makers[client])
