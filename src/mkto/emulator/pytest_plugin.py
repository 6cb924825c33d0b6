"""pytest plugin (entry point `mkto`): the `mkto_emulator` fixture.

    def test_sync(mkto_emulator):
        httpx.post(f"{mkto_emulator.base_url}/rest/v1/leads.json", ...)

One server per test session; every test gets it freshly reset (data, counters, faults, limits, clock).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from ._server import Emulator


@pytest.fixture(scope="session")
def mkto_emulator_session() -> Iterator[Emulator]:
    with Emulator() as emu:
        yield emu


@pytest.fixture
def mkto_emulator(mkto_emulator_session: Emulator) -> Emulator:
    mkto_emulator_session.reset()
    return mkto_emulator_session
