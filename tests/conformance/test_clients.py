"""The suite over real HTTP against a real emulator: mkto passes it, marketorestpython fails it where its
known defects lie (the evidence names them), and clients behind `--command` are judged the same way."""

from __future__ import annotations

import shutil
import sys
from collections.abc import Mapping
from typing import Any

import httpx
import pytest

from mkto.conformance import SCENARIOS, CommandAdapter, Op, OpResult, Session, Target, Verdict, adapter_for, run

from .conftest import BROKEN_ADAPTER, NODE_ADAPTER


def _one(target: Target, client: str, scenario_id: str) -> Verdict:
    adapter = CommandAdapter(client) if " " in client else adapter_for(client)
    (verdict,) = run(target, adapter, [SCENARIOS[scenario_id]])
    return verdict


@pytest.mark.parametrize("scenario_id", list(SCENARIOS))
def test_mkto_passes_every_scenario(target: Target, scenario_id: str) -> None:
    verdict = _one(target, "mkto", scenario_id)
    assert verdict.passed, verdict.evidence


@pytest.mark.slow
@pytest.mark.parametrize("scenario_id", list(SCENARIOS))
def test_mkto_async_passes_every_scenario(target: Target, scenario_id: str) -> None:
    verdict = _one(target, "mkto-async", scenario_id)
    assert verdict.passed, verdict.evidence


@pytest.mark.parametrize(
    "scenario_id",
    ["601-revoked", "html-502-transient", "lost-create-duplicate", "record-mix", "702-empty", "1029-queue-full"],
)
def test_mkto_async_passes_a_sample(target: Target, scenario_id: str) -> None:
    verdict = _one(target, "mkto-async", scenario_id)
    assert verdict.passed, verdict.evidence


@pytest.mark.parametrize(
    ("scenario_id", "passes", "evidence"),
    [
        ("609-caller-error", True, "raised to the caller"),
        ("604-transient", False, "without a token"),  # the retry loses its Authorization header
        ("html-502-transient", False, "JSONDecodeError"),  # the HTML page parsed as JSON
        ("611-transient", False, "raised Exception 611"),  # 611 is not retried
        ("601-revoked", False, "resent the same token"),  # authenticate() is a no-op while the token looks valid
        ("702-empty", False, "raised 702"),
    ],
)
def test_marketorestpython_is_judged_on_the_evidence(
    target: Target, scenario_id: str, passes: bool, evidence: str
) -> None:
    pytest.importorskip("marketorestpython")
    verdict = _one(target, "marketorestpython", scenario_id)
    assert verdict.passed is passes, verdict.evidence
    assert evidence in verdict.evidence


@pytest.mark.parametrize(
    ("scenario_id", "evidence"),
    [
        ("604-transient", "sent without a token"),
        ("606-neighbour", "sent without a token"),
        ("601-revoked", "sent without a token"),
        ("609-caller-error", "at most 1 expected"),
        ("blind:lost-create-duplicate", "written twice"),
        ("blind:606-own-burst", "606 answered"),
        ("blind:1003-caller-error", "answered 3 times"),
    ],
)
def test_a_broken_client_fails_where_a_retry_matters(target: Target, scenario_id: str, evidence: str) -> None:
    mode, _, scenario_id = scenario_id.rpartition(":")
    command = f"env BROKEN_ADAPTER_MODE={mode or 'drop-token'} {sys.executable} {BROKEN_ADAPTER}"
    verdict = _one(target, command, scenario_id)
    assert not verdict.passed
    assert evidence in verdict.evidence


def test_a_broken_client_still_passes_what_it_does_right(target: Target) -> None:
    verdict = _one(target, f"{sys.executable} {BROKEN_ADAPTER}", "record-mix")
    assert verdict.passed, verdict.evidence


NODE_SCENARIOS = ["601-revoked", "604-transient", "html-502-transient", "606-neighbour", "609-caller-error",
                  "record-mix", "702-empty", "401-identity"]  # fmt: skip


@pytest.mark.parametrize("scenario_id", NODE_SCENARIOS)
def test_a_node_client_runs_through_the_protocol(target: Target, scenario_id: str) -> None:
    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed")
    verdict = _one(target, f"{node} {NODE_ADAPTER}", scenario_id)
    assert verdict.passed, verdict.evidence


def test_an_operation_a_command_does_not_know_is_its_failure(target: Target) -> None:
    node = shutil.which("node") or pytest.skip("node is not installed")
    verdict = _one(target, f"{node} {NODE_ADAPTER}", "1029-queue-full")
    assert not verdict.passed
    assert "unknown operation extract_leads" in verdict.evidence


def test_an_instance_given_by_url_is_reset_for_each_scenario(target: Target) -> None:
    made = httpx.post(f"{target.admin_url}/instances", json={}).json()  # instances cannot make instances
    try:
        with Target.remote(made["base_url"], made["admin_url"]) as instance:
            verdicts = list(run(instance, adapter_for("mkto"), [SCENARIOS["604-transient"], SCENARIOS["record-mix"]]))
        assert [v.passed for v in verdicts] == [True, True], [v.evidence for v in verdicts]
    finally:
        httpx.delete(f"{target.admin_url}/instances/{made['munchkin_id']}")


class _TokenKeeper:
    """A broken in-process client: one token per session, kept whatever the emulator says about it."""

    name = "token-keeper"

    def open(self, env: Mapping[str, str], limits: Mapping[str, Any]) -> Session:
        return _KeeperSession(env)


class _KeeperSession:
    def __init__(self, env: Mapping[str, str]) -> None:
        self.http = httpx.Client(base_url=env["MKTO_BASE_URL"], timeout=30)
        form = {"grant_type": "client_credentials", "client_id": env["MKTO_CLIENT_ID"],
                "client_secret": env["MKTO_CLIENT_SECRET"]}  # fmt: skip
        self.headers = {
            "Authorization": f"Bearer {self.http.post('/identity/oauth/token', data=form).json()['access_token']}"
        }

    def run(self, op: Op, *, timeout_s: float) -> OpResult:
        body = {"action": op.options.get("action", "createOrUpdate"), "input": [dict(r) for r in op.records]}
        envelope = self.http.post("/rest/v1/leads.json", json=body, headers=self.headers).json()
        if not envelope.get("success"):
            return OpResult(op, error={"code": envelope["errors"][0]["code"], "message": "gave up"})
        return OpResult(op, items=tuple({"index": i, **r} for i, r in enumerate(envelope["result"])))

    def close(self) -> None:
        self.http.close()


@pytest.mark.parametrize(("scenario_id", "evidence"), [("token-1s-left", "dead token"), ("602-expired", "not written")])
def test_a_client_that_keeps_its_token_fails_the_token_scenarios(
    target: Target, scenario_id: str, evidence: str
) -> None:
    (verdict,) = run(target, _TokenKeeper(), [SCENARIOS[scenario_id]])
    assert not verdict.passed
    assert evidence in verdict.evidence
