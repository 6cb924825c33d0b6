"""pytest plugin (entry point `mkto`): the `mkto_emulator` and `mkto_instance` fixtures.

    def test_sync(mkto_emulator):
        httpx.post(f"{mkto_emulator.base_url}/rest/v1/leads.json", ...)

    def test_alone(mkto_instance):         # an instance of its own on the session's server
        Client(base_url=mkto_instance.base_url, client_id=mkto_instance.client_id,
               client_secret=mkto_instance.client_secret)

One server per test session; every test gets it freshly reset (data, counters, faults, limits, clock), or an
isolated instance of its own on it, removed with its data afterwards (tests that run side by side, in threads
or against one shared server, cannot see each other's leads, limits or clock).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from ._server import Emulator, Instance


@pytest.fixture(scope="session")
def mkto_emulator_session() -> Iterator[Emulator]:
    with Emulator() as emu:
        yield emu


@pytest.fixture
def mkto_emulator(mkto_emulator_session: Emulator) -> Emulator:
    mkto_emulator_session.reset()
    return mkto_emulator_session


@pytest.fixture
def mkto_instance(mkto_emulator_session: Emulator) -> Iterator[Instance]:
    instance = mkto_emulator_session.create_instance()
    yield instance
    mkto_emulator_session.drop_instance(instance.munchkin_id)
