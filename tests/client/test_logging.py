"""Logging: one structured record per attempt, and no secret in any record, whatever happens."""

from __future__ import annotations

import logging

import pytest

from mkto.client import LOGGER_NAME, Client
from mkto.errors import BadCredentials, MarketoError

from .conftest import Emu

USAGE = "/rest/v1/stats/usage.json"


def record_text(record: logging.LogRecord) -> str:
    return record.getMessage() + " " + repr(record.__dict__)


def test_one_structured_record_per_attempt(emu: Emu, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG, logger=LOGGER_NAME)
    emu.fault(code="604", times=1)
    with Client(**emu.client_kwargs()) as client:
        client.usage.stats()
    rest = [r for r in caplog.records if r.name == LOGGER_NAME and getattr(r, "path", "") == USAGE]
    assert [(r.attempt, r.code) for r in rest] == [(1, "604"), (2, None)]  # type: ignore[attr-defined]
    failed, ok = rest
    assert failed.requestId  # type: ignore[attr-defined]
    assert failed.wait > 0  # type: ignore[attr-defined]
    assert failed.decision == "retry"  # type: ignore[attr-defined]
    assert ok.requestId and ok.status == 200  # type: ignore[attr-defined]


def test_no_secret_reaches_a_log_record(emu: Emu, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)  # every logger, httpx's and httpcore's included
    emu.fault(code="601", times=1)
    with Client(**emu.client_kwargs()) as client:
        client.usage.stats()
        emu.fault(code="http:418", times=1)  # an answer nobody documents: logged in full, redacted
        with pytest.raises(MarketoError):
            client.usage.stats()
        token = client._core.tokens.token
    with Client(**emu.client_kwargs(client_secret="not-the-secret-" + "z" * 8)) as bad, pytest.raises(BadCredentials):
        bad.usage.stats()
    assert token
    unexpected = [r for r in caplog.records if r.name == LOGGER_NAME and r.levelno == logging.ERROR]
    assert unexpected, "the unexpected 418 should have been logged with its request and response"
    assert unexpected[0].request_headers["Authorization"] == "<redacted>"  # type: ignore[attr-defined]
    assert "418" in record_text(unexpected[0])
    secrets = [emu.client_secret, token, token.split(":")[0], "not-the-secret-"]
    for record in caplog.records:
        text = record_text(record)
        for secret in secrets:
            assert secret not in text, f"{record.name} logged a secret: {record.getMessage()}"
