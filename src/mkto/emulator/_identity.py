"""Who is calling. The identity endpoint (`/identity/oauth/token`: client id and secret in, an access token
out, or the OAuth-shaped 401) and the other half, reading that token back off a REST call (the bearer
header, or `access_token` in the query when the instance allows it) and resolving it to its API user or
601/602. The users and tokens themselves, and what each user may do, live in `_users.py`.
"""

from __future__ import annotations

import asyncio
import time
import urllib.parse

from starlette.requests import Request
from starlette.responses import Response

from mkto import errors

from ._answers import Answer, Responder
from ._api import ApiUser
from ._body import FORM_TYPES, header_fields, media_type, multi, parse_form, read_body
from ._faults import FaultPlan
from ._instance import SCOPE_BODY, SCOPE_SCENARIO, SCOPE_USER, Emulation
from ._render import json_response

IDENTITY_PATH = "/identity/oauth/token"
IDENTITY_HEADERS = {
    "Cache-Control": "no-store",
    "Pragma": "no-cache",
    "X-XSS-Protection": "1; mode=block",
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
}


_last_bearer: tuple[bytes, str | None] = (b"", None)  # the header value read last and its token


def bearer(authorization: bytes | None) -> str | None:
    """The token of an `Authorization: Bearer ...` header's value (None: no such header), or None. A client sends
    the same header call after call: the last one read is remembered."""
    global _last_bearer  # noqa: PLW0603  (a one-entry cache: a tuple swap is atomic)
    if authorization is None:
        return None
    last = _last_bearer
    if authorization == last[0]:
        return last[1]
    scheme, _, token = authorization.decode("latin-1").partition(" ")
    token = token.strip()
    found = token if scheme.lower() == "bearer" and token else None
    _last_bearer = (authorization, found)
    return found


def authenticate(
    emu: Emulation, authorization: bytes | None, params: dict[str, list[str]], now: float
) -> ApiUser | str:
    """The REST caller's API user, or "601" (no or unknown token) / "602" (expired at `now`, epoch s on the
    virtual clock); pops `access_token`. `authorization`: the Authorization header's raw value, None without one."""
    token = bearer(authorization)
    query_token = params.pop("access_token", None)
    if token is None and query_token:
        if not emu.allow_query_token:
            return "601"
        token = query_token[-1]
    if token is None:
        return "601"
    return emu.users.authenticate(token, now)


def scripted_step(
    emu: Emulation, request: Request, method: str, path: str, params: dict[str, list[str]]
) -> FaultPlan | None:
    """Show a REST call to the scenarios before its token is checked: each matching scenario records whether
    it had a token and whether that token was valid, and the call's API user is the one the token was issued
    to, expired or not. The plan of the step that takes the call, or None (no step takes it)."""
    token = header_token = bearer(header_fields(request.scope).get(b"authorization"))
    if token is None and params.get("access_token"):
        token = params["access_token"][-1]
    client_id = emu.users.owner(token) if token is not None else None
    valid = client_id is not None and not isinstance(emu.users.authenticate(token or "", emu.clock.timestamp()), str)
    if header_token is None and not emu.allow_query_token:
        valid = False  # the 601 gate refuses a query token here
    taken = emu.scenarios.take(
        time=emu.clock.now().isoformat(), method=method, path=path, client_id=client_id,
        had_token=token is not None, token_valid=valid,
    )  # fmt: skip
    if taken is None:
        return None
    request.scope[SCOPE_SCENARIO] = taken
    if taken.plan is not None and client_id is not None:
        request.scope[SCOPE_USER] = client_id  # a step may answer before the token gate names the user
    return taken.plan


class Identity(Responder):
    """The identity endpoint."""

    async def endpoint(self, request: Request) -> Response:
        emu = self.emu
        started = time.perf_counter()
        answer = await self._identity(request)
        emu.log_request(
            request.method, request.url.path, answer, None, started, query=request.url.query, scope=request.scope
        )
        return answer.response

    async def _identity(self, request: Request) -> Answer:
        emu = self.emu
        if self._uri_too_long(request):
            return self._page(414)
        fields = header_fields(request.scope)
        body = await read_body(request, emu.limits.max_body_bytes, fields)
        if body is None:
            return self._page(413)
        request.scope[SCOPE_BODY] = body  # the request log keeps (a cut of) it
        method = request.method.upper()
        params = multi(urllib.parse.parse_qsl(request.url.query, keep_blank_values=True))
        if request.method == "POST" and media_type(fields) in FORM_TYPES:
            for key, values in parse_form(body).items():
                params.setdefault(key, []).extend(values)
        client_id = (params.get("client_id") or [""])[-1]
        # Scenarios first, then fault plans; only those aimed at the identity path apply to it (a bare
        # {"code": "606"} is meant for REST calls). A call a scenario's step takes never reaches a fault plan.
        plan: FaultPlan | None = None
        if emu.scenarios.active:
            taken = emu.scenarios.take(
                time=emu.clock.now().isoformat(), method=method, path=request.url.path, client_id=client_id,
                had_token=False, token_valid=None, targeted_only=True,
            )  # fmt: skip
            if taken is not None:
                request.scope[SCOPE_SCENARIO] = taken
                plan = taken.plan
        if plan is None:
            plan = emu.faults.draw(method, request.url.path, targeted_only=True)
        if plan is not None and plan.latency_ms:
            await asyncio.sleep(plan.latency_ms / 1000)
        if plan is not None and plan.code and not plan.after_commit:
            return self._identity_fault(plan, method, client_id)
        answer = self._credentials(request, params, client_id)
        if plan is not None and plan.code:  # after_commit: the token is issued, its answer lost
            return self._identity_fault(plan, method, client_id)
        return answer

    def _identity_fault(self, plan: FaultPlan, method: str, client_id: str) -> Answer:
        """A fault plan's or a scenario's answer; a 401 takes the OAuth shape the identity endpoint sends."""
        if plan.code != "401":
            return self._fault_answer(plan, method, self.emu.request_ids.next(self.emu.clock.timestamp()), None)
        if plan.variant == "unknown_client":
            description = errors.get("401").format(*(plan.args or (client_id,)), variant="unknown_client")
            body_401 = {"error": "unauthorized", "error_description": description}
        else:
            body_401 = {"error": "invalid_client", "error_description": errors.get("401").format(variant="bad_secret")}
        return Answer(json_response(body_401, self.emu.clock.now(), 401, IDENTITY_HEADERS), "401")

    def _credentials(self, request: Request, params: dict[str, list[str]], client_id: str) -> Answer:
        emu = self.emu
        secret = (params.get("client_secret") or [""])[-1]
        spec = errors.get("401")
        now = emu.clock.now()
        user = emu.users.get(client_id)
        request.scope[SCOPE_USER] = client_id if user is not None else None
        if user is None:
            description = spec.format(client_id, variant="unknown_client")
            body_401 = {"error": "unauthorized", "error_description": description}
            return Answer(json_response(body_401, now, 401, IDENTITY_HEADERS), "401")
        if secret != user.client_secret:
            description = spec.format(variant="bad_secret")
            body_401 = {"error": "invalid_client", "error_description": description}
            return Answer(json_response(body_401, now, 401, IDENTITY_HEADERS), "401")
        epoch = now.timestamp()
        token = emu.users.issue(user, epoch, emu.limits.token_ttl)
        answer = {
            "access_token": token.value,
            "token_type": "bearer",
            "expires_in": int(token.expires_at - epoch),
            "scope": user.email,
        }
        return Answer(json_response(answer, now, 200, IDENTITY_HEADERS))


__all__ = ["IDENTITY_HEADERS", "IDENTITY_PATH", "Identity", "authenticate", "bearer", "scripted_step"]
