"""`mkto call METHOD PATH`: any REST call through the client, with every protection (token, limits, retries).

mkto call GET /rest/v1/leads/describe.json
mkto call POST /rest/v1/leads.json --data '{"input": [{"email": "ada@example.com"}]}'
mkto call GET /rest/v1/leads.json --param filterType=email --param filterValues=ada@example.com
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

from ._output import BAD_INPUT, FAILED, CliError, Reporter, print_json, reported
from ._profiles import Source, credential_options, open_client

METHODS = ("GET", "POST", "PUT", "DELETE")


def parse_data(data: str | None) -> Any:
    """`--data JSON` or `--data @FILE`."""
    if data is None:
        return None
    text, where = data, "--data"
    if data.startswith("@"):
        where = data[1:]
        try:
            text = Path(where).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise CliError(f"cannot read {where}: {getattr(exc, 'strerror', None) or exc}", BAD_INPUT) from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise CliError(f"{where} is not JSON: {exc}", BAD_INPUT) from None


def parse_params(params: tuple[str, ...]) -> list[tuple[str, str]]:
    pairs = []
    for param in params:
        name, sep, value = param.partition("=")
        if not sep or not name:
            raise CliError(f"--param {param!r}: expected NAME=VALUE", BAD_INPUT)
        pairs.append((name, value))
    return pairs


@click.command("call")
@click.argument("method", type=click.Choice(METHODS, case_sensitive=False))
@click.argument("path")
@click.option("--data", help="A JSON body, or @FILE to read one.")
@click.option("--param", "params", multiple=True, metavar="NAME=VALUE", help="A query parameter (repeatable).")
@credential_options
@reported
def call_command(source: Source, method: str, path: str, data: str | None, params: tuple[str, ...]) -> None:
    """Make one REST call and print Marketo's answer as JSON.

    Exit status: 0 for a success with no skipped record, 1 for an error or a skipped record, 2 for bad input.
    """
    body = parse_data(data)
    pairs = parse_params(params)
    with open_client(source, Reporter()) as client:
        response = client.request(method.upper(), path, params=pairs or None, json=body)
    print_json(dict(response.body))
    if response.skipped:
        raise SystemExit(FAILED)
