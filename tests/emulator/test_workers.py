"""`mkto serve --workers 4` on PostgreSQL + Redis is one emulator: one rate window, one in-flight gate, fault
plans that fire once across workers, tokens good on every worker, instances isolated; a dead worker is replaced
and SIGTERM stops them all. Calls are fired at once over many connections (one httpx client per thread, a
barrier), so the kernel hands them to different workers."""

from __future__ import annotations

import collections
import os
import signal
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from mkto.client import Client
from mkto.emulator._server import Instance
from tests._served import Served, free_port, mkto_command, redis_url, served

LEAD = "/rest/v1/lead/1.json"
PROCESS_DEADLINE_S = 60.0


@pytest.fixture(scope="module")
def server() -> Iterator[Served]:
    with served(workers=4) as running:
        yield running


@pytest.fixture
def emu(server: Served) -> Served:
    server.reset()
    return server


def admin(emu: Served | Instance, method: str, path: str, body: Any = None) -> Any:
    response = httpx.request(method, f"{emu.admin_url}{path}", json=body, timeout=30)
    response.raise_for_status()
    return response.json()


def token_of(instance: Served | Instance) -> str:
    answer = httpx.get(f"{instance.identity_url}/oauth/token", params={
        "grant_type": "client_credentials", "client_id": instance.client_id,
        "client_secret": instance.client_secret})  # fmt: skip
    assert answer.status_code == 200, answer.text
    return str(answer.json()["access_token"])


def code_of(response: httpx.Response) -> str:
    """"ok" for a successful envelope, else the first error's code."""
    body = response.json()
    return "ok" if body.get("success") else str(body["errors"][0]["code"])


def at_once(base_url: str, count: int, call: Callable[[httpx.Client], httpx.Response]) -> list[httpx.Response]:
    """`call` on `count` clients of their own, each connected first (a health check), released together."""
    barrier = threading.Barrier(count)
    answers: list[httpx.Response | BaseException] = [RuntimeError("not run")] * count

    def one(i: int) -> None:
        with httpx.Client(base_url=base_url, timeout=60) as http:
            try:
                http.get("/_mkto/health").raise_for_status()  # the connection is made before the barrier
                barrier.wait(timeout=60)
                answers[i] = call(http)
            except BaseException as exc:
                answers[i] = exc

    threads = [threading.Thread(target=one, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    failed = [a for a in answers if isinstance(a, BaseException)]
    assert not failed, failed
    return [a for a in answers if isinstance(a, httpx.Response)]


def get_lead(token: str) -> Callable[[httpx.Client], httpx.Response]:
    """GET lead by id (under an instance's base URL too: httpx appends the path to the base URL's)."""
    return lambda http: http.get(LEAD, headers={"Authorization": f"Bearer {token}"})


def test_sixty_calls_at_once_get_exactly_thirty_answers_and_thirty_606s(emu: Served) -> None:
    admin(emu, "PUT", "/limits", {"rate_calls": 30, "rate_seconds": 20, "concurrency": 100})
    answers = at_once(emu.base_url, 60, get_lead(emu.token()))
    assert collections.Counter(code_of(a) for a in answers) == {"ok": 30, "606": 30}
    assert admin(emu, "GET", "/usage")["rate_window"]["calls"] == 30


def test_concurrency_three_with_slow_calls_holds_exactly_three_in_flight(emu: Served) -> None:
    admin(emu, "PUT", "/limits", {"concurrency": 3})
    admin(emu, "POST", "/faults", {"latency_ms": 3000, "path": LEAD})
    answers = at_once(emu.base_url, 12, get_lead(emu.token()))
    assert collections.Counter(code_of(a) for a in answers) == {"ok": 3, "615": 9}
    assert admin(emu, "GET", "/usage")["in_flight"]["calls"] == 0


def test_a_times_one_fault_fires_once_across_workers(emu: Served) -> None:
    admin(emu, "PUT", "/limits", {"concurrency": 100})
    admin(emu, "POST", "/faults", {"code": "611", "times": 1, "path": LEAD})
    answers = at_once(emu.base_url, 20, get_lead(emu.token()))
    assert collections.Counter(code_of(a) for a in answers) == {"ok": 19, "611": 1}
    assert admin(emu, "GET", "/faults") == {"faults": []}  # spent, on every worker


def test_a_token_from_one_connection_is_good_on_every_worker(emu: Served) -> None:
    admin(emu, "PUT", "/limits", {"concurrency": 100})
    token = emu.token()
    answers = at_once(emu.base_url, 40, get_lead(token))
    assert {code_of(a) for a in answers} == {"ok"}
    entries = admin(emu, "GET", "/requests?limit=1000")["requests"]
    workers = {e["worker"] for e in entries if e["path"] == LEAD}
    assert len(workers) > 1, workers


def test_the_admin_api_answers_the_same_from_every_worker(emu: Served) -> None:
    admin(emu, "PUT", "/limits", {"rate_calls": 77, "concurrency": 100})
    admin(emu, "POST", "/clock", {"advance": 3600})
    admin(emu, "POST", "/faults", {"code": "611", "path": "/rest/v1/nothing*"})
    answers = at_once(emu.base_url, 16, lambda http: http.get("/_mkto/limits"))
    assert {a.json()["rate_calls"] for a in answers} == {77}
    faults = at_once(emu.base_url, 16, lambda http: http.get("/_mkto/faults"))
    assert {len(a.json()["faults"]) for a in faults} == {1}
    clocks = at_once(emu.base_url, 16, lambda http: http.get("/_mkto/clock"))
    now = [dt_of(a.json()["now"]) for a in clocks]
    assert max(now) - min(now) < 60  # one clock, an hour ahead on every worker, read within a minute
    assert min(now) > time.time() + 3000


def dt_of(text: str) -> float:
    import datetime as dt

    return dt.datetime.fromisoformat(text).timestamp()


def emails(instance: Instance) -> list[str]:
    found = httpx.get(
        f"{instance.base_url}/rest/v1/leads.json",
        params={"filterType": "email", "filterValues": "a@example.com,b@example.com"},
        headers={"Authorization": f"Bearer {token_of(instance)}"},
    ).json()
    return sorted(lead["email"] for lead in found["result"])


def test_two_instances_on_the_workers_share_nothing(emu: Served) -> None:
    a = emu.create_instance(limits={"rate_calls": 5, "concurrency": 100})
    b = emu.create_instance(limits={"concurrency": 100})
    try:
        for instance, email in ((a, "a@example.com"), (b, "b@example.com")):
            with Client(base_url=instance.base_url, client_id=instance.client_id,
                        client_secret=instance.client_secret) as mkto:  # fmt: skip
                mkto.leads.sync([{"email": email}])
        assert emails(a) == ["a@example.com"]
        assert emails(b) == ["b@example.com"]
        # Tokens and API users: a's mean nothing to b, whichever worker answers.
        a_token = token_of(a)
        wrong = at_once(b.base_url, 8, get_lead(a_token))
        assert {code_of(w) for w in wrong} == {"601"}
        refused = httpx.get(f"{b.identity_url}/oauth/token", params={
            "grant_type": "client_credentials", "client_id": a.client_id, "client_secret": a.client_secret})  # fmt: skip
        assert refused.status_code == 401
        # Limits: a's window of 5 fills on a only.
        assert admin(a, "GET", "/limits")["rate_calls"] == 5
        assert admin(b, "GET", "/limits")["rate_calls"] == 100
        assert "606" in {code_of(r) for r in at_once(a.base_url, 8, get_lead(a_token))}
        b_token = token_of(b)
        assert {code_of(r) for r in at_once(b.base_url, 8, get_lead(b_token))} == {"ok"}
        # Faults: armed on b, felt on b only.
        admin(b, "POST", "/faults", {"code": "611"})
        assert {code_of(r) for r in at_once(b.base_url, 8, get_lead(b_token))} == {"611"}
        root = at_once(emu.base_url, 8, get_lead(emu.token()))
        assert {code_of(r) for r in root} == {"ok"}
        assert admin(a, "GET", "/faults") == {"faults": []}
    finally:
        admin(emu, "DELETE", f"/instances/{a.munchkin_id}")
        admin(emu, "DELETE", f"/instances/{b.munchkin_id}")


# -- the processes ----------------------------------------------------------------------------------------------
def workers_of(parent: int) -> set[int]:
    """The worker processes of `mkto serve` (uvicorn spawns them with multiprocessing)."""
    children = Path(f"/proc/{parent}/task/{parent}/children").read_text().split()
    return {int(pid) for pid in children if b"spawn_main" in Path(f"/proc/{pid}/cmdline").read_bytes()}


def wait_for(condition: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + PROCESS_DEADLINE_S
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"gave up waiting: {what}")
        time.sleep(0.1)


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    stat = Path(f"/proc/{pid}/stat").read_text() if Path(f"/proc/{pid}/stat").exists() else ""
    return " Z " not in stat  # a zombie has exited


def test_a_dead_worker_is_replaced_and_sigterm_stops_them_all(tmp_path: Path) -> None:
    port = free_port()
    env = {**os.environ, "MKTO_DB_URL": str(tmp_path / "e.sqlite3"), "MKTO_STATE_URL": redis_url()}
    process = subprocess.Popen(
        [*mkto_command(), "serve", "--workers", "2", "--port", str(port), "--log-level", "warning"],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for(lambda: health(base), "the server answers")
        wait_for(lambda: len(workers_of(process.pid)) == 2, "two workers")
        first = workers_of(process.pid)
        victim = min(first)
        os.kill(victim, signal.SIGKILL)
        wait_for(lambda: len(workers_of(process.pid) - first) == 1 and len(workers_of(process.pid)) == 2,
                 "a new worker in place of the killed one")  # fmt: skip
        assert health(base)
        survivors = workers_of(process.pid)
        process.send_signal(signal.SIGTERM)  # the parent only: it stops its workers
        output = process.communicate(timeout=PROCESS_DEADLINE_S)[0].decode()
        assert process.returncode == 0, output
        wait_for(lambda: not any(alive(pid) for pid in survivors), "every worker gone")
        # The variables stand in for --db and --state, and the banner says so, once.
        assert output.count("mkto emulator for Munchkin") == 1, output
        assert f"database        {tmp_path / 'e.sqlite3'}" in output, output
        assert "workers         2" in output and "state           redis://" in output, output
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def health(base: str) -> bool:
    try:
        return httpx.get(f"{base}/_mkto/health", timeout=1).status_code == 200
    except httpx.TransportError:
        return False


def test_an_option_beats_its_variable(tmp_path: Path) -> None:
    port = free_port()
    env = {**os.environ, "MKTO_DB_URL": str(tmp_path / "from-variable.sqlite3"), "MKTO_STATE_URL": "redis://127.0.0.1:1"}
    process = subprocess.Popen(
        [*mkto_command(), "serve", "--port", str(port), "--db", str(tmp_path / "from-option.sqlite3"),
         "--state", redis_url(), "--log-level", "warning"],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True,
    )  # fmt: skip
    try:
        wait_for(lambda: health(f"http://127.0.0.1:{port}") or process.poll() is not None, "the server answers")
        assert process.poll() is None, process.stdout.read() if process.stdout else ""
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        output = process.communicate(timeout=PROCESS_DEADLINE_S)[0].decode()
    assert (tmp_path / "from-option.sqlite3").exists() and not (tmp_path / "from-variable.sqlite3").exists()
    assert "workers         1" in output and "redis://127.0.0.1:1" not in output, output
