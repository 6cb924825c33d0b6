"""docs/emulator.md tells a user how to produce every code: its section "Producing each error" sends them to the
generated guide, whose recipes (`mkto.emulator.recipes`) cover every catalogue code, and only the transient codes
(those the run-time code proof accepts from fault plans) need a fault plan. That each recipe really produces its
code is tests/test_guides.py's job."""

from __future__ import annotations

from pathlib import Path

from mkto import errors
from mkto.emulator.recipes import RECIPES
from tests.test_every_code_is_tested import FAULT_ONLY

GUIDE = (Path(__file__).resolve().parent.parent / "docs" / "emulator.md").read_text(encoding="utf-8")


def producing_section() -> str:
    start = GUIDE.index("\n## Producing each error")
    end = GUIDE.find("\n## ", start + 1)
    return GUIDE[start : end if end != -1 else len(GUIDE)]


def test_the_section_links_both_generated_guides_and_keeps_no_table_of_its_own() -> None:
    section = producing_section()
    assert "(errors.md)" in section and "(errors.zh-hans.md)" in section
    assert "| code |" not in section  # the recipes are one fact in one place: the recipes module


def test_every_code_has_a_recipe_and_every_code_outside_the_transient_ones_without_a_fault_plan() -> None:
    assert sorted(RECIPES, key=int) == sorted(errors.CATALOGUE, key=int)
    transient = {c for c, s in errors.CATALOGUE.items() if s.disposition is errors.Disposition.BACKOFF}
    assert transient == FAULT_ONLY
    assert sorted((c for c, r in RECIPES.items() if not r.fault_plan), key=int) == sorted(
        set(errors.CATALOGUE) - FAULT_ONLY, key=int
    )
