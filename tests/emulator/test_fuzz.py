"""Schemathesis fuzzes every operation of the emulator's own OpenAPI document over real HTTP: no answer may be
a 5xx, an unhandled error (611) or anything but a Marketo envelope, an identity body or a documented nginx page."""

from __future__ import annotations

import dataclasses
import json
import os
import re
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode

from mkto.emulator import Emulator
from mkto.emulator._openapi import openapi_document
from mkto.emulator._router import AREAS, load_endpoints

REQUEST_ID = re.compile(r"^[0-9a-f]+#[0-9a-f]+$")
NGINX_STATUSES = {413, 414}
# Generated calls per run over every operation and both modes: near a minute; a soak run (MKTO_SOAK_SCALE=N)
# generates N times as many, and MKTO_FUZZ_EXAMPLES sets the examples per operation and mode outright.
FUZZ_BUDGET = 3000 * int(os.environ.get("MKTO_SOAK_SCALE", "1"))
MIN_EXAMPLES = 5
RAISED_LIMITS = {"rate_calls": 1_000_000, "daily_quota": 100_000_000, "concurrency": 1_000}


@dataclasses.dataclass(frozen=True)
class Target:
    emulator: Emulator
    token: str
    schema: Any  # the OpenAPI document as served at /_mkto/openapi.json, loaded by schemathesis


@pytest.fixture(scope="module")
def target() -> Iterator[Target]:
    with Emulator(areas=AREAS, limits=RAISED_LIMITS) as emu:
        yield Target(emu, emu.token(), schemathesis.openapi.from_url(f"{emu.admin_url}/openapi.json"))


# Collected from the same document the server serves (built in-process, so collection needs no server).
DOCUMENT = openapi_document(load_endpoints(AREAS))
OPERATIONS = [
    (path, method.upper())
    for path, operations in DOCUMENT["paths"].items()
    for method in operations
]
EXAMPLES_PER_OPERATION = int(
    os.environ.get("MKTO_FUZZ_EXAMPLES") or max(MIN_EXAMPLES, FUZZ_BUDGET // (2 * len(OPERATIONS)))
)


def assert_marketo_answer(path: str, status: int, headers: httpx.Headers | Any, body: bytes) -> None:
    assert status < 500, f"{status} from {path}: {body[:500]!r}"
    raw = headers.get("content-type") or headers.get("Content-Type") or ""
    content_type = raw[0] if isinstance(raw, list) else raw
    if status in NGINX_STATUSES:
        assert content_type.startswith("text/html") and b"<center>nginx</center>" in body
        return
    assert content_type == "application/json;charset=UTF-8", content_type
    data = json.loads(body)
    if path == "/identity/oauth/token":
        if status == 200:
            assert set(data) == {"access_token", "token_type", "expires_in", "scope"}
        else:
            assert status == 401 and set(data) == {"error", "error_description"}
        return
    assert status == 200
    assert REQUEST_ID.match(data["requestId"]), data
    assert isinstance(data["success"], bool)
    if data["success"]:
        assert "errors" not in data or data["errors"] == [], data
        return
    codes = [e["code"] for e in data["errors"]]
    assert all(isinstance(c, str) for c in codes), data
    assert "611" not in codes, f"unhandled exception for {path}: {data}"


def documented_file_answer(path: str, method: str, status: int, headers: httpx.Headers | Any) -> bool:
    """A non-JSON answer the operation declares for this status (bulk files: CSV, 404 plain text, 416)."""
    declared = DOCUMENT["paths"][path][method.lower()].get("responses", {}).get(str(status))
    if declared is None or status >= 500:
        return False
    content = declared.get("content", {})
    raw = headers.get("content-type") or headers.get("Content-Type") or ""
    media = (raw[0] if isinstance(raw, list) else raw).split(";")[0].strip()
    return not content or (media in content and not media.startswith("application/json"))


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE], ids=["positive", "negative"])
@pytest.mark.parametrize(("path", "method"), OPERATIONS, ids=[f"{m} {p}" for p, m in OPERATIONS])
def test_every_operation_answers_like_marketo(target: Target, path: str, method: str, mode: GenerationMode) -> None:
    operation = target.schema[path][method]
    headers = {"Authorization": f"Bearer {target.token}"} if path != "/identity/oauth/token" else {}

    @given(case=operation.as_strategy(mode))
    @settings(max_examples=EXAMPLES_PER_OPERATION, deadline=None, suppress_health_check=list(HealthCheck),
              database=None, derandomize=os.environ.get("MKTO_FUZZ_RANDOM") != "1")
    def fuzz(case: Any) -> None:
        response = case.call(base_url=target.emulator.base_url, headers=headers)
        if documented_file_answer(path, method, response.status_code, response.headers):
            return
        try:
            assert_marketo_answer(path, response.status_code, response.headers, response.content)
        except AssertionError as exc:
            raise AssertionError(f"{exc}\nreproduce: {case.as_curl_command()}\nbody: {response.content[:300]!r}") from None

    fuzz()
