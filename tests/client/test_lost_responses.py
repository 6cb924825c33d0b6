"""Lost responses resolved, not just reported: after a sync's answer is lost (the call committed, the answer
did not arrive), the client reads the records back, resends only what did not commit and answers per record
as if one call had answered. Real HTTP against the emulator; the verdicts come from the emulator's own
records (its data through the API, its request log), never from the client's word alone."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import logging
from collections import Counter
from typing import Any

import pytest

from mkto.client import AsyncClient, Client, Grant, Limits, RetryPolicy
from mkto.client._core import Core
from mkto.client._operations import Acquire, GetToken, RawResponse, Release, Send, Sleep
from mkto.client._ops.leads import LeadOps
from mkto.client._policy import Action, decide
from mkto.errors import AmbiguousOutcome, Level, MarketoError, NetworkError, RecordState, error_from_code

from .conftest import FAST_RETRY, Emu

LEADS = "/rest/v1/leads.json"
COMPANIES = "/rest/v1/companies.json"
CARS = "/rest/v1/customobjects/car_c.json"


def emails(n: int, tag: str) -> list[str]:
    return [f"{tag}{i}@x.io" for i in range(n)]


def writes(emu: Emu, path: str = LEADS) -> list[dict[str, Any]]:
    """The sync calls the emulator received (a read-back sent as POST carries `_method=GET`), with their bodies."""
    found = []
    for entry in emu.requests():
        if entry["path"] != path or entry["method"] != "POST":
            continue
        detail = emu.admin.get(f"/requests/{entry['id']}").json()
        if "_method=GET" in detail["request"]["query"]:
            continue
        answer = entry["code"] or str(entry["status"])  # "http:502", "604" (in a 200 envelope), "200"
        found.append({"answer": answer, "body": json.loads(detail["request"]["body"])})
    return found


def reads(emu: Emu, path: str = LEADS) -> int:
    """How many read-backs (and other reads) of `path` the emulator received."""

    def overridden(entry: dict[str, Any]) -> bool:
        return "_method=GET" in emu.admin.get(f"/requests/{entry['id']}").json()["request"]["query"]

    entries = [e for e in emu.requests() if e["path"] == path]
    return sum(1 for e in entries if e["method"] == "GET" or overridden(e))


def stored(client: Client, addresses: list[str]) -> Counter[str]:
    """How many leads the emulator holds per email (read through its API)."""
    return Counter(lead["email"] for lead in client.leads.get_by_filter("email", addresses, fields=["email"]))


def test_create_only_through_lost_answers_writes_every_record_once(leads_emu: Emu) -> None:
    leads_emu.fault(code="604", times=1, after_commit=True, method="POST", path=LEADS)
    leads_emu.fault(code="http:502", times=1, after_commit=True, method="POST", path=LEADS)
    addresses = emails(600, "once")
    with Client(**leads_emu.client_kwargs()) as client:
        outcomes = client.leads.sync([{"email": e} for e in addresses], action="createOnly")
        counts = stored(client, addresses)
        found = {lead["email"]: lead["id"] for lead in client.leads.get_by_filter("email", addresses)}
    assert [e["code"] for e in leads_emu.requests() if e["fault"]] == ["604", "http:502"]  # both plans fired
    assert [o.index for o in outcomes] == list(range(600))
    assert all(o.ok and o.status == "created" for o in outcomes), [o for o in outcomes if not o.ok][:3]
    assert [o.id for o in outcomes] == [found[e] for e in addresses]  # real ids, in input order
    assert set(counts.values()) == {1} and len(counts) == 600  # every record written exactly once
    # Both lost calls had committed everything: nothing was sent again.
    assert [(w["answer"], len(w["body"]["input"])) for w in writes(leads_emu)] == [("604", 300), ("http:502", 300)]


def test_only_the_records_a_lost_call_did_not_write_are_resent(leads_emu: Emu) -> None:
    # The two records with an unknown field are skipped by the lost call; the read-back finds the other five.
    leads_emu.fault(code="http:502", times=1, after_commit=True, method="POST", path=LEADS)
    records: list[dict[str, Any]] = [{"email": e} for e in emails(7, "part")]
    records[2]["noSuchField"] = "x"
    records[5]["noSuchField"] = "y"
    with Client(**leads_emu.client_kwargs()) as client:
        outcomes = client.leads.sync(records, action="createOnly")
    assert [o.status for o in outcomes] == ["created", "created", "skipped", "created", "created", "skipped", "created"]
    assert outcomes[2].reasons[0].code == outcomes[5].reasons[0].code == "1006"
    sent = writes(leads_emu)
    assert [w["answer"] for w in sent] == ["http:502", "200"]
    assert [r["email"] for r in sent[1]["body"]["input"]] == [records[2]["email"], records[5]["email"]]


def test_create_or_update_statuses_tell_created_from_updated(leads_emu: Emu) -> None:
    addresses = emails(6, "cou")
    with Client(**leads_emu.client_kwargs()) as earlier:
        before = earlier.leads.sync([{"email": e, "firstName": "Old"} for e in addresses[:3]])
    leads_emu.advance(120)  # those three existed well before the lost call
    with Client(**leads_emu.client_kwargs()) as client:
        leads_emu.fault(code="604", times=1, after_commit=True, method="POST", path=LEADS)
        outcomes = client.leads.sync([{"email": e, "firstName": "New"} for e in addresses])
        names = {lead["email"]: lead["firstName"] for lead in client.leads.get_by_filter("email", addresses)}
    assert [o.status for o in outcomes] == ["updated"] * 3 + ["created"] * 3
    assert [o.id for o in outcomes[:3]] == [o.id for o in before]
    assert set(names.values()) == {"New"} and len(names) == 6
    # createOrUpdate is resent whole (the same values again); the read-back tells which the lost call created
    assert [w["answer"] for w in writes(leads_emu)] == ["200", "604", "200"]


def test_a_lost_update_in_the_second_of_an_earlier_write_is_resent(leads_emu: Emu) -> None:
    """The read-back's timestamps are to the second: a lead this client (or anyone) wrote earlier in the same
    second looks "updated since the lost call was sent" whether the lost call ran or not. Found by the soak:
    a 604 before the commit, then the update was reported done and never landed."""
    addresses = emails(3, "same-second")
    with Client(**leads_emu.client_kwargs()) as client:
        client.leads.sync([{"email": e, "firstName": "First"} for e in addresses])
        leads_emu.fault(code="604", times=1, method="POST", path=LEADS)  # refused before it ran
        outcomes = client.leads.sync([{"email": e, "firstName": "Second"} for e in addresses])
        names = {lead["email"]: lead["firstName"] for lead in client.leads.get_by_filter("email", addresses)}
    assert names == dict.fromkeys(addresses, "Second")
    # created in the same second as the lost call was sent: which call created them cannot be told (to the
    # second), so the status may name the lost call; the values are what counts
    assert {o.status for o in outcomes} <= {"created", "updated"} and all(o.ok for o in outcomes)


def test_update_only_is_resent_whole_and_answers_per_record(leads_emu: Emu) -> None:
    addresses = emails(4, "upd")
    with Client(**leads_emu.client_kwargs()) as earlier:
        before = earlier.leads.sync([{"email": e} for e in addresses[:3]])
    leads_emu.advance(120)
    with Client(**leads_emu.client_kwargs()) as client:
        leads_emu.fault(code="http:502", times=1, after_commit=True, method="POST", path=LEADS)
        outcomes = client.leads.sync([{"email": e, "lastName": "U"} for e in addresses], action="updateOnly")
    assert [o.status for o in outcomes] == ["updated"] * 3 + ["skipped"]
    assert [o.id for o in outcomes[:3]] == [o.id for o in before]
    assert outcomes[3].reasons[0].code == "1004"  # the resend's own answer: no such lead
    sent = writes(leads_emu)
    assert [w["answer"] for w in sent] == ["200", "http:502", "200"]
    assert [r["email"] for r in sent[-1]["body"]["input"]] == addresses  # updateOnly is resent whole


def test_create_only_on_records_that_were_there_gives_their_1005(leads_emu: Emu) -> None:
    addresses = emails(4, "pre")
    with Client(**leads_emu.client_kwargs()) as earlier:
        earlier.leads.sync([{"email": e} for e in addresses[:2]], action="createOnly")
    leads_emu.advance(120)
    with Client(**leads_emu.client_kwargs()) as client:
        leads_emu.fault(code="604", times=1, after_commit=True, method="POST", path=LEADS)
        outcomes = client.leads.sync([{"email": e} for e in addresses], action="createOnly")
        counts = stored(client, addresses)
    assert [o.status for o in outcomes] == ["skipped", "skipped", "created", "created"]
    assert {r.code for o in outcomes[:2] for r in o.reasons} == {"1005"}
    assert set(counts.values()) == {1}
    sent = writes(leads_emu)
    # Only the two that existed before are sent again, and the server itself says so (1005).
    assert [r["email"] for r in sent[-1]["body"]["input"]] == addresses[:2]


def test_a_second_loss_during_resolution_is_resolved_again(leads_emu: Emu, caplog: pytest.LogCaptureFixture) -> None:
    # The first answer is a gateway page before anything ran; the resend commits and its answer is lost too.
    leads_emu.fault(code="http:502", times=1, method="POST", path=LEADS)
    leads_emu.fault(code="604", times=1, after_commit=True, method="POST", path=LEADS)
    addresses = emails(5, "twice")
    with Client(**leads_emu.client_kwargs()) as client, caplog.at_level(logging.INFO, "mkto.client"):
        outcomes = client.leads.sync([{"email": e} for e in addresses], action="createOnly")
        counts = stored(client, addresses)
    assert [o.status for o in outcomes] == ["created"] * 5 and all(o.id for o in outcomes)
    decided = [(r.code, r.decision) for r in caplog.records if getattr(r, "decision", None)]  # type: ignore[attr-defined]
    assert decided == [("502", "read back"), ("604", "read back")]
    assert set(counts.values()) == {1} and len(counts) == 5
    sent = writes(leads_emu)
    assert [(w["answer"], len(w["body"]["input"])) for w in sent] == [("http:502", 5), ("604", 5)]
    assert reads(leads_emu) >= 2  # one read-back after each loss


def test_create_duplicate_is_resolved_by_email_and_stays_ambiguous_without_it(leads_emu: Emu) -> None:
    leads_emu.fault(code="http:502", times=1, after_commit=True, method="POST", path=LEADS)
    with Client(**leads_emu.client_kwargs()) as client:
        outcomes = client.leads.sync([{"email": "dup@x.io"}, {"email": "dup2@x.io"}], action="createDuplicate")
        assert [o.status for o in outcomes] == ["created", "created"]
        assert stored(client, ["dup@x.io", "dup2@x.io"]) == Counter({"dup@x.io": 1, "dup2@x.io": 1})

        # 302 records: the first has nothing to read it back by; the lost call is the first batch of 300.
        leads_emu.fault(code="604", times=1, after_commit=True, method="POST", path=LEADS)
        records = [{"firstName": "Nobody"}] + [{"email": e} for e in emails(301, "amb")]
        with pytest.raises(AmbiguousOutcome) as info:
            client.leads.sync(records, action="createDuplicate")
        found = {lead["email"]: lead["id"] for lead in client.leads.get_by_filter("email", emails(301, "amb"))}
    states = info.value.records
    assert len(states) == 302 and [s.index for s in states] == list(range(302))
    assert states[0] == RecordState(0, "unknown")
    committed = states[1:300]
    assert {s.state for s in committed} == {"committed"} and {s.status for s in committed} == {"created"}
    assert [s.id for s in committed] == [found[e] for e in emails(299, "amb")]
    assert [s.state for s in states[300:]] == ["not_committed", "not_committed"]  # never sent
    assert len(found) == 299  # the second batch was not sent, and nothing was sent twice


def test_company_and_custom_object_syncs_resolve_by_their_dedupe_fields(leads_emu: Emu) -> None:
    with Client(**leads_emu.client_kwargs()) as earlier:
        earlier.companies.sync([{"externalCompanyId": "c0", "company": "Old"}])
    leads_emu.advance(120)
    with Client(**leads_emu.client_kwargs()) as client:
        leads_emu.fault(code="604", times=1, after_commit=True, method="POST", path=COMPANIES)
        companies = client.companies.sync(
            [{"externalCompanyId": f"c{i}", "company": f"Co{i}"} for i in range(4)], action="createOrUpdate"
        )
        stored_companies = list(client.companies.iter("externalCompanyId", [f"c{i}" for i in range(4)]))
        leads_emu.fault(code="http:502", times=1, after_commit=True, method="POST", path=CARS)
        cars = client.custom_objects("car_c").sync([{"vin": f"V{i}"} for i in range(3)], action="createOnly")
        stored_cars = list(client.custom_objects("car_c").iter("vin", [f"V{i}" for i in range(3)]))
    assert [o.status for o in companies] == ["updated", "created", "created", "created"]
    assert sorted(o.id for o in companies) == sorted(c["id"] for c in stored_companies)
    assert len(stored_companies) == 4
    assert [o.status for o in cars] == ["created"] * 3
    assert sorted(o.id for o in cars) == sorted(c["marketoGUID"] for c in stored_cars) and len(stored_cars) == 3
    assert [w["answer"] for w in writes(leads_emu, COMPANIES)] == ["200", "604", "200"]  # createOrUpdate: resent
    assert [w["answer"] for w in writes(leads_emu, CARS)] == ["http:502"]  # createOnly: read back, not resent


def test_a_key_twice_in_a_batch_is_resent_when_absent_and_unknown_when_written(leads_emu: Emu) -> None:
    records = [{"externalCompanyId": k, "company": k} for k in ("k1", "k2", "k1")]
    with Client(**leads_emu.client_kwargs()) as client:
        leads_emu.fault(code="http:502", times=1, method="POST", path=COMPANIES)  # before anything ran
        outcomes = client.companies.sync(records, action="createOnly")
        assert [o.status for o in outcomes] == ["created", "created", "skipped"]
        assert outcomes[2].reasons[0].code == "1036"  # the resend's own answer

        again = [{"externalCompanyId": k, "company": k} for k in ("k3", "k4", "k3")]
        leads_emu.fault(code="http:502", times=1, after_commit=True, method="POST", path=COMPANIES)
        with pytest.raises(AmbiguousOutcome) as info:
            client.companies.sync(again, action="createOnly")
    assert [r.state for r in info.value.records] == ["unknown", "committed", "unknown"]
    assert info.value.records[1].status == "created" and info.value.records[1].id
    assert [w["answer"] for w in writes(leads_emu, COMPANIES)] == ["http:502", "200", "http:502"]


def test_read_backs_go_through_the_limiter(leads_emu: Emu) -> None:
    # Four calls per 2 s on both sides: the syncs and their read-backs share them, and no call gets a 606.
    leads_emu.limits(rate_calls=4, rate_seconds=2)
    leads_emu.fault(code="604", times=3, after_commit=True, method="POST", path=LEADS)  # the first three syncs
    addresses = emails(12, "lim")
    kwargs = leads_emu.client_kwargs(limits=Limits(rate_calls=4, rate_seconds=2, window_margin_s=0.2))
    with Client(**kwargs) as client:
        outcomes = []
        for i in range(0, 12, 2):
            outcomes += client.leads.sync([{"email": e} for e in addresses[i : i + 2]], action="createOnly")
        counts = stored(client, addresses)
    assert all(o.status == "created" for o in outcomes)
    assert set(counts.values()) == {1} and len(counts) == 12
    codes = [entry.get("code") for entry in leads_emu.requests() if entry["path"].startswith("/rest/")]
    assert "606" not in codes
    assert reads(leads_emu) == 3 + 1  # three read-backs, then the test's own count
    assert [w["answer"] for w in writes(leads_emu)] == ["604"] * 3 + ["200"] * 3  # nothing resent


def test_async_client_resolves_the_same_way(leads_emu: Emu) -> None:
    leads_emu.fault(code="http:502", times=1, after_commit=True, method="POST", path=LEADS)
    addresses = emails(350, "async")

    async def run() -> list[Any]:
        async with AsyncClient(**leads_emu.client_kwargs()) as client:
            return await client.leads.sync([{"email": e} for e in addresses], action="createOnly")

    outcomes = asyncio.run(run())
    with Client(**leads_emu.client_kwargs()) as client:
        counts = stored(client, addresses)
    assert [o.index for o in outcomes] == list(range(350))
    assert all(o.status == "created" and o.id for o in outcomes)
    assert set(counts.values()) == {1} and len(counts) == 350
    assert [(w["answer"], len(w["body"]["input"])) for w in writes(leads_emu)] == [("http:502", 300), ("200", 50)]


def test_a_create_only_1005_on_a_record_the_lost_call_wrote_is_its_success() -> None:
    # Sans I/O: Marketo's reads may lag its writes. The first read-back misses the lead the lost call wrote,
    # the resend answers 1005, and a second read-back shows it created after the lost call was sent.
    stamp = "Tue, 01 Dec 2026 12:00:05 GMT"
    envelope = {"Content-Type": "application/json", "Date": stamp}
    lost = b'{"requestId":"a#1","success":false,"errors":[{"code":"604","message":"Request time-out"}]}'
    missing = b'{"requestId":"a#2","success":true,"result":[]}'
    exists = (b'{"requestId":"a#3","success":true,"result":[{"status":"skipped",'
              b'"reasons":[{"code":"1005","message":"Lead already exists"}]}]}')  # fmt: skip
    there = (b'{"requestId":"a#4","success":true,"result":[{"id":7,"email":"lag@x.io",'
             b'"createdAt":"2026-12-01T12:00:05Z","updatedAt":"2026-12-01T12:00:05Z"}]}')  # fmt: skip
    answers = iter([lost, missing, exists, there])
    sent: list[bytes | None] = []
    core = Core(base_url="https://x.mktorest.com", client_id="i", client_secret="s", retry=FAST_RETRY,
                limits=Limits(), logger=logging.getLogger("test.lost"),
                wall_clock=lambda: dt.datetime(2026, 12, 1, 12, 0, 5, tzinfo=dt.UTC))  # fmt: skip
    core.last_server_time = dt.datetime(2026, 12, 1, 12, 0, 5, tzinfo=dt.UTC)
    flow = LeadOps(core).sync([{"email": "lag@x.io"}], "createOnly", "email", None)

    def serve(op: Any) -> Any:
        if isinstance(op, GetToken):
            return "token"
        if isinstance(op, Acquire):
            return Grant("lease", 0.0)
        if isinstance(op, Send):
            sent.append(op.request.content)
            return RawResponse(200, envelope, next(answers))
        assert isinstance(op, Release | Sleep), op
        return None

    op = flow.send(None)
    try:
        while True:
            op = flow.send(serve(op))
    except StopIteration as stop:
        outcomes = stop.value
    assert [(o.status, o.id, o.ok) for o in outcomes] == [("created", 7, True)]
    assert [body is not None for body in sent] == [True, False, True, False]  # sync, read, resend, read


def answered(code: str) -> MarketoError:
    return error_from_code(code, "", level=Level.RESPONSE, request_id="1#1", http_status=200, body=b"", headers={})


def test_a_resolvable_write_reads_back_after_any_transient_failure_that_may_follow_a_commit() -> None:
    def run(error: Any, **kw: Any) -> Any:
        return decide(error, attempt=1, elapsed_s=0.0, idempotent=False, policy=RetryPolicy(),
                      backoff=lambda attempt: 0.0, **kw)  # fmt: skip

    timed_out = answered("604")
    assert run(timed_out).action is Action.RETRY  # 6xx: "not executed", for a call that cannot check
    resolved = run(timed_out, resolvable=True)
    assert resolved.action is Action.RAISE and isinstance(resolved.error, AmbiguousOutcome)
    opted_in = decide(NetworkError("reset", maybe_sent=True), attempt=1, elapsed_s=0.0, idempotent=False,
                      policy=RetryPolicy(retry_ambiguous=True), backoff=lambda a: 0.0, resolvable=True)  # fmt: skip
    assert opted_in.action is Action.RAISE  # reading back beats resending blind, even when opted in
    assert run(NetworkError("refused", maybe_sent=False), resolvable=True).action is Action.RETRY  # never sent
    assert run(answered("606"), resolvable=True).action is Action.RETRY  # refused before it ran
