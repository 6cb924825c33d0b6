"""docs/emulator.md tells a user how to produce every code: a row per code outside the transient ones (which
only fault plans produce, and which the guide names), and no row for a code the catalogue does not have."""

from __future__ import annotations

import re
from pathlib import Path

from mkto import errors

GUIDE = (Path(__file__).resolve().parent.parent / "docs" / "emulator.md").read_text(encoding="utf-8")


def producing_section() -> str:
    start = GUIDE.index("\n## Producing each error")
    end = GUIDE.find("\n## ", start + 1)
    return GUIDE[start : end if end != -1 else len(GUIDE)]


def test_every_code_has_its_condition_or_is_named_transient() -> None:
    section = producing_section()
    rows = re.findall(r"^\| (\d{3,4}) \|", section, flags=re.MULTILINE)
    transient = {c for c, s in errors.CATALOGUE.items() if s.disposition is errors.Disposition.BACKOFF}
    assert len(rows) == len(set(rows)), "a code has two rows"
    assert sorted(set(errors.CATALOGUE) - transient - set(rows), key=int) == []
    assert sorted(set(rows) - set(errors.CATALOGUE), key=int) == []
    intro = section.split("| code |", 1)[0]
    assert sorted(transient, key=int) == sorted(re.findall(r"\b\d{3}\b", intro.split("(", 1)[1].split(")", 1)[0]), key=int)
