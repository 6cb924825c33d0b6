"""The CLI's place in the house: it calls instances only through the client (never httpx itself), imports
the emulator only to serve it, and every module of it is on the architecture map."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CLI = ROOT / "src" / "mkto" / "cli"


def imported(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def test_only_serve_imports_the_emulator_and_no_module_speaks_http() -> None:
    for path in sorted(CLI.glob("*.py")):
        names = imported(path)
        assert not any(n == "httpx" or n.startswith("httpx.") for n in names), path.name
        if path.name != "_serve.py":
            assert not any(n.startswith("mkto.emulator") for n in names), path.name


def test_the_command_does_not_load_the_emulator_unless_serve_is_asked_for() -> None:
    probe = "import sys; from mkto.cli import main; main.list_commands(None); print('mkto.emulator' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert done.stdout.split() == ["False"]


def test_every_cli_module_is_on_the_architecture_map() -> None:
    doc = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    section = doc[doc.index("## The command (`mkto.cli`)") :]
    section = section[: section.index("\n## ", 1)]
    missing = [p.name for p in sorted(CLI.glob("*.py")) if p.name != "__main__.py" and f"cli/{p.name}" not in section
               and f"`{p.name}`" not in section]  # fmt: skip
    assert missing == []
