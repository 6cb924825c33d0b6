"""docs/architecture.md stays true: every module it names exists, every core module and area is on the map,
and the gate order it draws is the order the pipeline documents and runs."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOC = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
SRC = ROOT / "src" / "mkto"


def section(title: str) -> str:
    start = DOC.index(f"\n## {title}")
    end = DOC.find("\n## ", start + 1)
    return DOC[start : end if end != -1 else len(DOC)]


def test_every_module_the_map_names_exists() -> None:
    named = set(re.findall(r"`([\w/]*_?\w+\.py)`", DOC))
    existing = {p.relative_to(SRC).as_posix() for p in SRC.rglob("*.py")} | {
        p.relative_to(ROOT).as_posix() for folder in ("scripts", "tests", "src") for p in (ROOT / folder).rglob("*.py")
    }
    missing = [n for n in named if not any(e == n or e.endswith("/" + n) for e in existing)]
    assert missing == []


def test_every_core_module_of_the_emulator_is_on_the_map() -> None:
    core = section("The emulator (`mkto.emulator`)")
    modules = sorted(p.name for p in (SRC / "emulator").glob("_*.py") if not p.name.startswith("__"))
    assert [m for m in modules if f"`{m}`" not in core] == []


def test_every_area_and_common_module_is_on_the_map() -> None:
    from mkto.emulator._router import AREAS

    core = section("The emulator (`mkto.emulator`)")
    areas = [a.rsplit(".", 1)[1] for a in AREAS]
    assert [a for a in areas if f"`{a}`" not in core] == []
    common = sorted(p.name for p in (SRC / "emulator" / "_common").iterdir() if not p.name.startswith("__"))
    assert [c for c in common if f"`{c}" not in core] == []


def gate_codes(text: str) -> list[str]:
    return re.findall(r"\b(41[34]|6\d\d|703)\b", text)


def test_the_gate_order_is_the_pipelines() -> None:
    drawn = section("The emulator (`mkto.emulator`)")
    drawn = drawn[drawn.index("### What a REST call goes through") : drawn.index("Calls answered")]
    from mkto.emulator import _gates

    documented = (_gates.__doc__ or "").split("\n\n")[1]
    assert gate_codes(drawn) == gate_codes(documented)
    assert gate_codes(drawn)[:4] == ["414", "413", "610", "605"]


def test_the_generated_code_table_names_each_generator_and_its_check() -> None:
    table = section("Generated code")
    for script in sorted((ROOT / "scripts").glob("*.py")):
        assert f"python scripts/{script.name}" in table
        assert f"python scripts/{script.name} --check" in (ROOT / ".ci" / "run").read_text(encoding="utf-8")
