"""The catalogue: every error Marketo documents, as data.

One `ErrorSpec` per code. The emulator takes its codes and messages from here; the client takes its
retry decisions from here; the CLI prints it. Nothing else in mkto states an error fact.

The record types live in `_spec.py`, the entries in `_entries.py`; this module indexes them by code.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from ._entries import SPECS
from ._spec import ADVICE_EN, ADVICE_ZH, Disposition, ErrorSpec, Level, Variant

CATALOGUE: Mapping[str, ErrorSpec] = {spec.code: spec for spec in SPECS}


def lookup(code: str | int) -> ErrorSpec | None:
    """The catalogue entry for `code`, or None for a code Marketo does not document."""
    return CATALOGUE.get(str(code).strip())


def get(code: str | int) -> ErrorSpec:
    """The catalogue entry for `code`; KeyError for an unknown code (use in code that names a known one)."""
    return CATALOGUE[str(code)]


def all_specs() -> Iterator[ErrorSpec]:
    return iter(SPECS)


__all__ = [
    "ADVICE_EN",
    "ADVICE_ZH",
    "CATALOGUE",
    "Disposition",
    "ErrorSpec",
    "Level",
    "Variant",
    "all_specs",
    "get",
    "lookup",
]
