"""`mkto conformance`: run a Marketo client through the conformance suite and print its report card.

    mkto conformance --client mkto
    mkto conformance --command "node adapter.mjs" --only 606-neighbour --json

The suite (`mkto.conformance`) starts its own emulator unless `--base-url` names one; it is loaded only when
the command runs, so no other command loads the emulator.
"""

from __future__ import annotations

import sys
from typing import Any

import click
from rich.table import Table

from ._output import BAD_INPUT, FAILED, CliError, print_json, stdout_console

CLIENT_NAMES = ("mkto", "mkto-async", "marketorestpython")


@click.command("conformance")
@click.option("--client", "client", type=click.Choice(CLIENT_NAMES), help="A built-in adapter (default: mkto).")
@click.option(
    "--command", "command", metavar="CMD", help="An external client speaking the protocol of docs/conformance.md."
)
@click.option("--only", "only", multiple=True, metavar="ID", help="Run only this scenario (repeatable).")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@click.option("--markdown", is_flag=True, help="The report card's Markdown table (docs/conformance.md).")
@click.option("--base-url", help="An emulator's host root to use instead of starting one.")
@click.option("--admin-url", help="Its admin API (default: BASE_URL/_mkto).")
@click.option("--list", "list_only", is_flag=True, help="List the scenarios and exit.")
def conformance_command(
    *,
    client: str | None,
    command: str | None,
    only: tuple[str, ...],
    as_json: bool,
    markdown: bool,
    base_url: str | None,
    admin_url: str | None,
    list_only: bool,
) -> None:
    """Run a client through the conformance suite; exit 0 only if every scenario passes."""
    from mkto import conformance

    if client and command:
        raise CliError("give --client or --command, not both", BAD_INPUT)
    unknown = [s for s in only if s not in conformance.SCENARIOS]
    if unknown:
        raise CliError(f"unknown scenario {unknown[0]!r}; `mkto conformance --list` names them", BAD_INPUT)
    scenarios = [conformance.SCENARIOS[s] for s in only] if only else list(conformance.SCENARIOS.values())
    if list_only:
        for s in scenarios:
            click.echo(f"{s.id}\t{','.join(s.codes)}\t{s.situation}")
        return
    if admin_url and not base_url:
        raise CliError("--admin-url needs --base-url", BAD_INPUT)
    name = command or client or "mkto"
    adapter = conformance.CommandAdapter(command) if command else conformance.adapter_for(name)
    if name == "marketorestpython":
        _require_marketorestpython()
    target = conformance.Target.remote(base_url, admin_url) if base_url else conformance.Target.start()
    verdicts = []
    with target:
        for verdict in conformance.run(target, adapter, scenarios):
            verdicts.append(verdict)
            if not (as_json or markdown):
                mark = "pass" if verdict.passed else "FAIL"
                click.echo(f"{mark} {verdict.scenario.id} ({verdict.seconds:.1f} s)", err=True)
    if as_json:
        print_json(conformance.as_json(name, verdicts))
    elif markdown:
        click.echo(conformance.as_markdown(name, verdicts), nl=False)
    else:
        _table(name, verdicts)
    if not all(v.passed for v in verdicts):
        sys.exit(FAILED)


def _require_marketorestpython() -> None:
    try:
        import marketorestpython  # type: ignore[import-untyped]  # noqa: F401
    except ImportError:
        raise CliError('marketorestpython is not installed: pip install "mkto[conformance]"', BAD_INPUT) from None


def _table(name: str, verdicts: list[Any]) -> None:
    passed = sum(v.passed for v in verdicts)
    table = Table("scenario", "codes", "verdict", "evidence", title=f"{name}: {passed} of {len(verdicts)} pass")
    for v in verdicts:
        verdict = "[green]pass[/]" if v.passed else "[bold red]FAIL[/]"
        table.add_row(v.scenario.id, ", ".join(v.scenario.codes), verdict, v.evidence)
    stdout_console().print(table)
