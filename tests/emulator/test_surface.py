"""The public surface of mkto.emulator, pinned so nothing leaks or vanishes by accident."""

from __future__ import annotations

import dataclasses
import inspect

import mkto.emulator
from mkto.emulator import Emulator, _api


def test_public_names() -> None:
    assert sorted(mkto.emulator.__all__) == [
        "ApiError", "ApiUser", "Call", "Emulator", "Endpoint", "Instance", "Limits", "Reply", "create_app",
    ]
    for name in mkto.emulator.__all__:
        assert getattr(mkto.emulator, name) is not None


def test_emulator_constructor() -> None:
    parameters = inspect.signature(Emulator).parameters
    assert list(parameters) == [
        "db", "seed", "limits", "allow_query_token", "munchkin_id", "admin_token", "client_id", "client_secret",
        "host", "areas", "request_log_size", "state", "reset_state",
    ]
    assert all(p.kind is inspect.Parameter.KEYWORD_ONLY for p in parameters.values())
    assert parameters["db"].default is None and parameters["seed"].default == 0
    assert parameters["munchkin_id"].default == "123-ABC-456"
    assert parameters["request_log_size"].default is None  # None: the log keeps its default 1,000 entries
    assert parameters["state"].default is None and parameters["reset_state"].default is False  # in-process state


def test_area_contract_keeps_its_fields() -> None:
    # The areas code against these names; fields may be added, never renamed or removed.
    call_fields = [f.name for f in dataclasses.fields(_api.Call)]
    assert call_fields[:11] == ["method", "path", "path_params", "params", "json", "files", "user", "now", "db",
                                "request_id", "settings"]
    endpoint_fields = [f.name for f in dataclasses.fields(_api.Endpoint)]
    assert endpoint_fields[:9] == ["method", "path", "handler", "body", "permission", "large_body", "operation_id",
                                   "summary", "openapi"]
    reply_fields = [f.name for f in dataclasses.fields(_api.Reply)]
    assert reply_fields == ["result", "next_page_token", "more_result", "warnings", "envelope"]
