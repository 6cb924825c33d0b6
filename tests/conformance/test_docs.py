"""docs/conformance.md as a user reads it: the commands it shows run (the quick ones verbatim, from the
repository root), and every option it names is one the command takes."""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DOC = (ROOT / "docs" / "conformance.md").read_text(encoding="utf-8")
FIRST_SH = re.search(r"```sh\n(.*?)```", DOC, flags=re.DOTALL)
LINES = [line.split("#", 1)[0].strip() for line in FIRST_SH.group(1).splitlines()] if FIRST_SH else []
COMMANDS = [line.split("&&")[-1].strip() for line in LINES if "mkto conformance" in line]


def _run(command: str) -> subprocess.CompletedProcess[str]:
    argv = shlex.split(command)
    assert argv[:2] == ["mkto", "conformance"]
    return subprocess.run([sys.executable, "-m", "mkto.cli", *argv[1:]], cwd=ROOT, capture_output=True, text=True,
                          env={**os.environ, "COLUMNS": "200"}, timeout=300, check=False)  # fmt: skip


def test_the_page_shows_the_commands() -> None:
    assert len(COMMANDS) >= 6


@pytest.mark.parametrize("command", [c for c in COMMANDS if "--only" in c or "--list" in c])
def test_the_quick_examples_run_as_written(command: str) -> None:
    done = _run(command)
    assert done.returncode == 0, f"{command}\n{done.stdout}\n{done.stderr}"


def test_every_option_shown_is_taken() -> None:
    help_text = _run("mkto conformance --help").stdout
    shown = {opt for c in COMMANDS for opt in re.findall(r"(--[a-z-]+)", c)}
    assert shown, COMMANDS
    assert [opt for opt in sorted(shown) if opt not in help_text] == []
