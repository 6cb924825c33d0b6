"""The suite against `mkto serve --workers 4` on PostgreSQL + Redis, driven by URL like any remote emulator: the
built-in mkto client passes every scenario there too, so one emulator behaves the same on one worker or four."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from mkto.conformance import SCENARIOS, Target, adapter_for, run
from tests._served import served


@pytest.fixture(scope="module")
def workers_target() -> Iterator[Target]:
    with served(workers=4) as server, Target.remote(server.base_url, server.admin_url) as target:
        yield target


@pytest.mark.parametrize("scenario_id", list(SCENARIOS))
def test_mkto_passes_every_scenario_on_four_workers(workers_target: Target, scenario_id: str) -> None:
    (verdict,) = run(workers_target, adapter_for("mkto"), [SCENARIOS[scenario_id]])
    assert verdict.passed, verdict.evidence
