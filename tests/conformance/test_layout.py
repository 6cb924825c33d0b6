"""The conformance package's place in the house, its data, and the report card's completeness."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from mkto import errors
from mkto.conformance import OPERATIONS, SCENARIOS

ROOT = Path(__file__).resolve().parents[2]
SRC = ROOT / "src" / "mkto"
DOC = (ROOT / "docs" / "conformance.md").read_text(encoding="utf-8")


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            names.update(f"{node.module}.{a.name}" for a in node.names)  # `from mkto import conformance`
    return names


def test_only_the_command_imports_the_conformance_package() -> None:
    importers = sorted(
        str(p.relative_to(SRC))
        for p in SRC.rglob("*.py")
        if "conformance" not in p.relative_to(SRC).parts[:1]
        and any(n == "mkto.conformance" or n.startswith("mkto.conformance.") for n in _imports(p))
    )
    assert importers == ["cli/_conformance.py"]


def test_the_conformance_package_imports_only_client_emulator_and_errors_of_mkto() -> None:
    allowed = ("mkto.client", "mkto.emulator", "mkto.errors")
    for path in (SRC / "conformance").glob("*.py"):
        ours = {n for n in _imports(path) if n.startswith("mkto.") and not n.startswith("mkto.conformance")}
        assert all(n.startswith(allowed) for n in ours), (path.name, ours)


def test_every_scenario_names_catalogue_codes_and_has_checks() -> None:
    assert len(SCENARIOS) >= 25
    for scenario in SCENARIOS.values():
        assert scenario.checks, scenario.id
        assert all(code in errors.CATALOGUE for code in scenario.codes), scenario.id


def test_the_issue_list_is_covered() -> None:
    covered = {code for s in SCENARIOS.values() for code in s.codes}
    wanted = {"601", "602", "606", "615", "607", "604", "608", "611", "614", "713", "719", "502", "413", "414",
              "1029", "1016", "609", "610", "612", "1003", "1004", "1005", "1006", "1007", "702", "401"}  # fmt: skip
    assert wanted <= covered


def test_the_protocol_documents_every_operation() -> None:
    for operation in OPERATIONS:
        assert f"`{operation}`" in DOC, operation


def test_the_report_card_shows_every_scenario_for_each_client() -> None:
    for client in ("mkto", "mkto-async", "marketorestpython"):
        heading = re.search(rf"^### `{re.escape(client)}`: (\d+) of (\d+) scenarios pass$", DOC, re.MULTILINE)
        assert heading, client
        section = DOC[heading.end() :].split("\n### ", 1)[0]
        assert int(heading.group(2)) == len(SCENARIOS), client
        for scenario_id in SCENARIOS:
            assert f"| `{scenario_id}`" in section, (client, scenario_id)
    assert "python scripts/gen_conformance.py" in DOC
