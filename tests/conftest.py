"""Shared test settings: where the seed document lives, and how missing services are treated."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"


def pytest_configure(config: pytest.Config) -> None:
    """Run-time code coverage (tests/_code_proof.py) over the table of tests/test_every_code_is_tested.py."""
    from tests._code_proof import CodeProof
    from tests.test_every_code_is_tested import CODE_TESTS, ENGLISH, FAULT_ONLY, PARSE_ONLY

    plugin = CodeProof(CODE_TESTS, set(FAULT_ONLY), set(PARSE_ONLY), ENGLISH)
    if config.pluginmanager.register(plugin, "mkto-code-proof") is not None:
        plugin.pytest_configure(config)


def services_required() -> bool:
    """In CI (`MKTO_REQUIRE_SERVICES=1`) a missing service fails instead of skipping."""
    return os.environ.get("MKTO_REQUIRE_SERVICES") == "1"


def skip_or_fail(reason: str) -> None:
    if services_required():
        pytest.fail(f"{reason} (MKTO_REQUIRE_SERVICES=1, so this is a failure, not a skip)")
    pytest.skip(reason)


def seed_path() -> Path | None:
    """The seed document: $MKTO_SEED, or ../shared/seed/ next to the project root."""
    candidates = [os.environ.get("MKTO_SEED", ""), str(ROOT.parent / "shared" / "seed" / "error-codes.zh-hans.md")]
    for candidate in candidates:
        if candidate and Path(candidate).is_file():
            return Path(candidate)
    return None
