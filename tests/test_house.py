"""Rules of the house: errors depends on nothing; client and emulator never import each other."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parent.parent / "src" / "mkto"


def imported_modules(package: Path) -> list[tuple[Path, str]]:
    found = []
    for source in package.rglob("*.py"):
        for node in ast.walk(ast.parse(source.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                found.append((source, node.module))
            elif isinstance(node, ast.Import):
                found.extend((source, alias.name) for alias in node.names)
    return found


@pytest.mark.parametrize(("package", "forbidden"), [("client", "mkto.emulator"), ("emulator", "mkto.client")])
def test_client_and_emulator_never_import_each_other(package: str, forbidden: str) -> None:
    root = SRC / package
    assert root.is_dir()
    offenders = [f"{p.relative_to(SRC)} imports {m}" for p, m in imported_modules(root) if m.startswith(forbidden)]
    assert offenders == []


def string_literals(source: Path) -> list[str]:
    """Every string constant of a module that is not a docstring."""
    tree = ast.parse(source.read_text(encoding="utf-8"))
    docstrings = {
        id(node.value) for node in ast.walk(tree) if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant)
    }
    return [
        node.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings
    ]


def test_error_messages_live_only_in_the_catalogue() -> None:
    # A handful of distinctive runtime messages: no code outside the catalogue may spell them.
    messages = ["Access token invalid", "Max rate limit", "Concurrent access limit", "Daily quota reached",
                "Lead already exists", "Too many results match the filter", "Requested resource not found"]
    for source in SRC.rglob("*.py"):
        if source.parent.name == "errors":
            continue
        for literal in string_literals(source):
            for message in messages:
                assert message not in literal, f"{source.relative_to(SRC)} spells the catalogue message {message!r}"


def test_top_level_exports_the_clients_lazily() -> None:
    import subprocess
    import sys

    import mkto
    from mkto.client import AsyncClient, Client

    assert mkto.Client is Client
    assert mkto.AsyncClient is AsyncClient
    probe = "import sys, mkto.emulator; print('mkto.client' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60, check=True)
    assert done.stdout.strip() == "False"
