"""mkto: Marketo's REST API error contract, made real on both sides of the wire.

    import mkto
    with mkto.Client.from_env() as client:
        outcomes = client.leads.sync([{"email": "ada@example.com"}])

`mkto.errors` is the catalogue; `mkto.emulator` the local server; `mkto.Client` / `mkto.AsyncClient`
the client. The client is imported on first use, so `import mkto.emulator` never loads it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"
__all__ = ["AsyncClient", "Client", "__version__"]

if TYPE_CHECKING:
    from mkto.client import AsyncClient, Client


def __getattr__(name: str) -> Any:
    if name in {"Client", "AsyncClient"}:
        from mkto import client

        return getattr(client, name)
    raise AttributeError(f"module 'mkto' has no attribute {name!r}")
