"""Schemathesis over every leads operation, from the same OpenAPI fragments the emulator serves at
/_mkto/openapi.json: whatever the input, the answer is a Marketo envelope, never a 5xx and never 611 (an
unhandled exception)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, settings

from mkto.emulator import Emulator
from mkto.emulator._openapi import openapi_document
from mkto.emulator.leads import ENDPOINTS

schema = schemathesis.openapi.from_dict(openapi_document(ENDPOINTS)).include(path_regex=r"^/rest/v1/lead")


@pytest.fixture
def fuzzed(emulator: Emulator) -> Iterator[tuple[str, str]]:
    emulator.reset()
    httpx.put(f"{emulator.admin_url}/limits", json={"rate_calls": 10_000_000, "daily_quota": 100_000_000})
    yield emulator.base_url, emulator.token()
    emulator.reset()


@schema.parametrize()
@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
def test_every_leads_operation_answers_an_envelope(case: Any, fuzzed: tuple[str, str]) -> None:
    base_url, token = fuzzed
    if case.method.upper() != case.operation.method.upper():
        return  # schemathesis also probes other methods (TRACE...): the pipeline's 605 gate, not this area
    response = case.call(base_url=base_url, headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200, (case.method, case.path, response.request.url, response.text)
    body = response.json()
    assert isinstance(body, dict) and isinstance(body.get("success"), bool), body
    assert "611" not in [e.get("code") for e in body.get("errors", [])], body
