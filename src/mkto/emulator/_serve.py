"""`mkto serve`: the emulator on uvicorn, printing where it is and how to log in."""

from __future__ import annotations

import contextlib
from pathlib import Path

import click
import uvicorn

from ._app import create_app, default_db_path
from ._instance import DEFAULT_MUNCHKIN_ID
from ._server import uvicorn_config


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8080, show_default=True, type=int, help="Port to listen on.")
@click.option(
    "--db",
    default=None,
    help="PATH, sqlite:///PATH or postgresql://... (default: ./.mkto/emulator.sqlite3).",
)
@click.option("--munchkin-id", default=DEFAULT_MUNCHKIN_ID, show_default=True)
@click.option("--client-id", default=None, help="Client id of the default API user (default: derived from --seed).")
@click.option("--client-secret", default=None, help="Client secret of the default API user.")
@click.option("--seed", default=0, show_default=True, type=int, help="Seed of the one random generator.")
@click.option("--allow-query-token", is_flag=True, help="Accept the deprecated access_token query parameter.")
@click.option("--admin-token", default=None, help="Require this bearer token on /_mkto/* (and allow remote admin).")
@click.option("--log-level", default="info", show_default=True, type=click.Choice(["debug", "info", "warning", "error"]))
def serve_command(
    *,
    host: str,
    port: int,
    db: str | None,
    munchkin_id: str,
    client_id: str | None,
    client_secret: str | None,
    seed: int,
    allow_query_token: bool,
    admin_token: str | None,
    log_level: str,
) -> None:
    """Run the Marketo emulator."""
    app = create_app(
        db=db if db is not None else default_db_path(),
        seed=seed,
        allow_query_token=allow_query_token,
        admin_token=admin_token,
        munchkin_id=munchkin_id,
        client_id=client_id,
        client_secret=client_secret,
    )
    user = app.state.default_user
    base = f"http://{host}:{port}"
    database = app.state.emulation.store.url
    if database.startswith("sqlite:///"):
        database = str(Path(database.removeprefix("sqlite:///")))
    lines = [
        f"mkto emulator for Munchkin {munchkin_id}",
        f"  REST base URL   {base}/rest",
        f"  Bulk base URL   {base}/bulk",
        f"  Identity URL    {base}/identity",
        f"  Dashboard       {base}/_mkto/",
        f"  client_id       {user.client_id}",
        f"  client_secret   {user.client_secret}",
        f"  database        {database}",
        "",
        "  token: curl "
        f"'{base}/identity/oauth/token?grant_type=client_credentials&client_id={user.client_id}"
        f"&client_secret={user.client_secret}'",
    ]
    click.echo("\n".join(lines), nl=True)
    server = uvicorn.Server(uvicorn_config(app, host=host, port=port, log_level=log_level, access_log=True))
    with contextlib.suppress(KeyboardInterrupt):  # uvicorn re-raises the Ctrl+C it already handled
        server.run()
