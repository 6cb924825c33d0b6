"""The README's Python examples run as printed: each block is executed, then what it promised is checked."""

from __future__ import annotations

import contextlib
import io
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from mkto.emulator import Emulator

README = Path(__file__).resolve().parent.parent / "README.md"


def python_blocks() -> list[str]:
    return re.findall(r"```python\n(.*?)```", README.read_text(encoding="utf-8"), flags=re.DOTALL)


def block(first_line: str) -> str:
    found = [b for b in python_blocks() if b.startswith(first_line)]
    assert len(found) == 1, f"the README has {len(found)} python blocks starting {first_line!r}"
    return found[0]


def run(source: str) -> tuple[dict[str, Any], str]:
    namespace: dict[str, Any] = {}
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(source, str(README), "exec"), namespace)
    return namespace, out.getvalue()


def test_every_python_block_is_covered_here() -> None:
    firsts = sorted(b.splitlines()[0] for b in python_blocks())
    assert firsts == ["from mkto import errors", "import mkto"]


def test_the_catalogue_example_runs_and_prints_what_it_says() -> None:
    namespace, printed = run(block("from mkto import errors"))
    assert [o.status for o in namespace["resp"].records] == ["created", "skipped"]
    lines = printed.splitlines()
    assert lines[0] == "1 ['1005 Lead already exists']"
    code, resets_at = lines[1].split(" ", 1)
    assert code == "1029"
    assert resets_at.endswith(("-05:00", "-06:00"))  # midnight in US Central, standard or daylight time
    assert " 00:00:00" in resets_at


@pytest.fixture
def emulator(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[Emulator]:
    with Emulator(db=tmp_path / "readme.sqlite3") as emu:
        monkeypatch.delenv("MKTO_MUNCHKIN_ID", raising=False)
        monkeypatch.setenv("MKTO_BASE_URL", emu.base_url)
        monkeypatch.setenv("MKTO_CLIENT_ID", emu.client_id)
        monkeypatch.setenv("MKTO_CLIENT_SECRET", emu.client_secret)
        yield emu


def test_the_client_example_syncs_a_lead_into_the_emulator(emulator: Emulator) -> None:
    _, printed = run(block("import mkto"))
    assert printed == ""  # the one record was created, so nothing was reported as skipped
    import mkto

    with mkto.Client(base_url=emulator.base_url, client_id=emulator.client_id,
                     client_secret=emulator.client_secret) as client:  # fmt: skip
        found = client.leads.get_by_filter("email", ["ada@example.com"], fields=["email", "firstName"])
    assert [(lead["email"], lead["firstName"]) for lead in found] == [("ada@example.com", "Ada")]
