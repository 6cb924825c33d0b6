"""`mkto serve`, loaded only when asked for: `mkto errors` never imports the emulator's server stack, and no
other command of the CLI imports the emulator at all."""

from __future__ import annotations

import click


class LazyServeGroup(click.Group):
    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), "serve"})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name == "serve":
            from mkto.emulator._serve import serve_command

            return serve_command
        return super().get_command(ctx, cmd_name)
