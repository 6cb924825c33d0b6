"""mkto.emulator: a local, stateful Marketo REST server that answers every documented error.

    from mkto.emulator import Emulator
    with Emulator() as emu:
        emu.base_url, emu.identity_url, emu.client_id, emu.client_secret
"""

from ._api import ApiError, ApiUser, Call, Endpoint, Reply
from ._app import create_app
from ._limits import Limits
from ._server import Emulator

__all__ = ["ApiError", "ApiUser", "Call", "Emulator", "Endpoint", "Limits", "Reply", "create_app"]
