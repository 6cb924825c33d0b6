"""Write the report card of docs/conformance.md: the scenario list, then each client's table.

    python scripts/gen_conformance.py                        # mkto, mkto-async, marketorestpython (about 90 s)
    python scripts/gen_conformance.py --client mkto          # rewrite one client's table, keep the others

Each client runs the whole suite against a fresh in-process emulator (`mkto conformance --client X --markdown`
prints the same table). The text between `<!-- card:begin -->` and `<!-- card:end -->` is replaced; the rest
of the page is prose kept by hand. The card reports what was observed at generation time, failures included.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from mkto.conformance import CLIENTS, SCENARIOS, Target, adapter_for, as_markdown, run

DOC = Path(__file__).resolve().parent.parent / "docs" / "conformance.md"
BEGIN, END = "<!-- card:begin -->", "<!-- card:end -->"


def scenario_list() -> str:
    lines = ["| scenario | codes | the situation | checks |", "| --- | --- | --- | --- |"]
    for s in SCENARIOS.values():
        checks = ", ".join(dict.fromkeys(type(c).__name__ for c in s.checks))
        lines.append(f"| `{s.id}` | {', '.join(s.codes)} | {s.situation} | {checks} |")
    return "\n".join(lines) + "\n"


def card(client: str) -> str:
    with Target.start() as target:
        return as_markdown(client, list(run(target, adapter_for(client), SCENARIOS.values())))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--client", choices=CLIENTS, action="append", help="only these clients' tables")
    args = parser.parse_args()
    text = DOC.read_text(encoding="utf-8")
    head, rest = text.split(BEGIN, 1)
    body, tail = rest.split(END, 1)
    tables = _tables(body)
    for client in args.client or CLIENTS:
        tables[client] = card(client)
        print(tables[client].splitlines()[0])
    parts = ["## The scenarios\n\n" + scenario_list()]
    parts += [tables[c] for c in CLIENTS if c in tables]
    DOC.write_text(f"{head}{BEGIN}\n\n" + "\n".join(parts) + f"\n{END}{tail}", encoding="utf-8")


def _tables(body: str) -> dict[str, str]:
    """The client tables already in the card, by client."""
    found: dict[str, str] = {}
    for chunk in body.split("\n### ")[1:]:
        name = chunk.split("`", 2)[1]
        found[name] = "### " + chunk.strip() + "\n"
    return found


if __name__ == "__main__":
    main()
