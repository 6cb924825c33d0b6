"""One emulator for the conformance tests, driven through its admin API like any `--base-url` target; each
scenario resets it and makes its own API users, so tests share it safely."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from mkto.conformance import Target

ROOT = Path(__file__).resolve().parents[2]
NODE_ADAPTER = ROOT / "docs" / "examples" / "conformance-adapter.mjs"
BROKEN_ADAPTER = Path(__file__).with_name("broken_adapter.py")


@pytest.fixture(scope="module")
def target() -> Iterator[Target]:
    with Target.start() as started:
        yield started
