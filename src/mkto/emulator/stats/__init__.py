"""Usage area: what the emulator counted, as `/rest/v1/stats/*` reports it (API-NOTES §6.17)."""

from ._routes import ENDPOINTS

__all__ = ["ENDPOINTS"]
