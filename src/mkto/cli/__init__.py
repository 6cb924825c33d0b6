"""The `mkto` command: look up `errors`, `explain` a saved answer, `serve` the emulator, and do real work
against an instance through the client: `leads import|export|sync|get`, `usage`, `call`.

    mkto errors 606
    mkto leads export --since 2026-11-30 -o leads.csv --profile prod

Each command lives in its own module; this one only assembles the group. `serve` is loaded only when asked
for: no other command imports the emulator, and those that call an instance do it through `mkto.Client`.
"""

from __future__ import annotations

import click

from ._call import call_command
from ._catalogue import errors_command, explain_command
from ._conformance import conformance_command
from ._leads import leads_group
from ._serve import LazyServeGroup
from ._usage import usage_command

__all__ = ["main"]


@click.group(cls=LazyServeGroup)
@click.version_option(package_name="mkto")
def main() -> None:
    """mkto: Marketo's REST API errors, on both sides of the wire."""


main.add_command(errors_command)
main.add_command(explain_command)
main.add_command(leads_group)
main.add_command(usage_command)
main.add_command(call_command)
main.add_command(conformance_command)
