"""(Copied as conftest.py.) A small project for tests/test_code_proof.py: five codes, their named tests, and the run-time check.

`CODE_PROOF_BROKEN=1` breaks three of them the ways the static check cannot see: a named test skipped (601),
a code the emulator no longer produces while its weak test still passes (606), a code injected through a
helper function instead of set up by its condition (609); and pins for 610 an English text the emulator does
not answer (as if its message had drifted from Adobe's).
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import httpx
import pytest
from tests._code_proof import CodeProof

from mkto.emulator import Emulator

TABLE = {
    "601": ("test_codes.py::test_601_without_a_token",),
    "606": ("test_codes.py::test_606_over_the_rate_window",),
    "609": ("test_codes.py::test_609_invalid_json",),
    "610": ("test_codes.py::test_610_unknown_resource", "test_codes.py::test_610_again"),
    "611": ("test_codes.py::test_611_transient_from_a_fault_plan",),
}


BROKEN = os.environ.get("CODE_PROOF_BROKEN") == "1"
ENGLISH = {"610": ("Resource not found",) if BROKEN else ("Requested resource not found",), "611": ("System error",)}


def pytest_configure(config: pytest.Config) -> None:
    plugin = CodeProof(TABLE, {"611"}, english=ENGLISH)
    config.pluginmanager.register(plugin, "mkto-code-proof")
    plugin.pytest_configure(config)


@pytest.fixture(scope="session")
def emu() -> Iterator[Emulator]:
    with Emulator() as server:
        yield server


@pytest.fixture
def http(emu: Emulator) -> Iterator[httpx.Client]:
    emu.reset()
    with httpx.Client(base_url=emu.base_url, headers={"Authorization": f"Bearer {emu.token()}"}) as client:
        yield client
