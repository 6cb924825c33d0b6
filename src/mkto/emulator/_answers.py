"""What a request is answered with: the `Answer` record (a response and the Marketo code it carries) and
`Responder`, the builders the REST gates (`_gates.py`) and the identity endpoint (`_identity.py`) share:
the catalogue's error envelope, nginx's HTML page, a fault plan's answer, all dated on the virtual clock.
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING

from starlette.requests import Request
from starlette.responses import Response

from mkto import errors

from ._api import Endpoint, Envelope
from ._faults import FaultPlan, fault_message
from ._render import error_body, json_response, nginx_page

if TYPE_CHECKING:
    from ._instance import Emulation


@dataclasses.dataclass(slots=True)
class Answer:
    """A response and the Marketo code it carries (None: success)."""

    response: Response
    code: str | None = None


class Responder:
    """Builds the answers of one emulated instance."""

    def __init__(self, emulation: Emulation) -> None:
        self.emu = emulation

    def _error(self, code: str, request_id: str, *args: object, endpoint: Endpoint | None = None) -> Answer:
        message = errors.get(code).format(*args)
        body = error_body(code, message, request_id, envelope_of(endpoint))
        return Answer(json_response(body, self.emu.clock.now()), code)

    def _page(self, status: int) -> Answer:
        return Answer(nginx_page(status, self.emu.clock.now()), str(status))

    def _uri_too_long(self, request: Request) -> bool:
        scope = request.scope
        size = len(scope.get("raw_path") or scope["path"].encode()) + 1 + len(scope.get("query_string", b""))
        return size > self.emu.limits.max_uri_bytes

    def _fault_answer(self, plan: FaultPlan, method: str, request_id: str, endpoint: Endpoint | None) -> Answer:
        status = plan.http_status
        if status is not None:
            return Answer(nginx_page(status, self.emu.clock.now()), f"http:{status}")
        assert plan.code is not None
        message = fault_message(plan.code, method, self.emu.limits, plan.args, plan.variant)
        body = error_body(plan.code, message, request_id, envelope_of(endpoint))
        return Answer(json_response(body, self.emu.clock.now()), plan.code)


def envelope_of(endpoint: Endpoint | None) -> Envelope:
    """The envelope an error answer takes: the endpoint's own, or the Lead Database one outside any endpoint."""
    return endpoint.envelope if endpoint is not None else "leaddb"


__all__ = ["Answer", "Responder", "envelope_of"]
