"""The admin API under `/_mkto/` (loopback only unless an admin token is set; never counted).

    curl -X PUT localhost:8080/_mkto/limits -d '{"rate_calls": 5}'
    curl -X POST localhost:8080/_mkto/faults -d '{"code": "611", "times": 1}'
    curl -X PUT localhost:8080/_mkto/neighbours -d '{"calls_per_window": 90}'
    curl -X POST localhost:8080/_mkto/scenarios -d '{"steps": [{"answer": "606"}, {"answer": "pass"}]}'
"""

from __future__ import annotations

import datetime as dt
import hmac
import ipaddress
import json
from collections.abc import Awaitable, Callable, Sequence
from typing import TYPE_CHECKING, Any

from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from . import _browse, _dashboard
from ._limits import Neighbours
from ._openapi import openapi_document
from ._users import user_from_dict, user_to_dict

if TYPE_CHECKING:
    from ._instance import Emulation

AdminHandler = Callable[[Request], Awaitable[Response]]
REQUEST_LOG_DEFAULT = 50
_NO_STORE = {"Cache-Control": "no-store"}  # a browser keeps no stale copy of the page after an upgrade


def _problem(status: int, detail: str) -> JSONResponse:
    return JSONResponse({"error": detail}, status)


async def _json(request: Request) -> Any:
    raw = await request.body()
    if not raw.strip():
        return {}
    try:
        return json.loads(raw)
    except ValueError as exc:
        raise _BadRequest(f"body is not JSON: {exc}") from exc


class _BadRequest(Exception):
    pass


def _is_loopback(request: Request) -> bool:
    host = request.client.host if request.client else ""
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def routes(emu: Emulation, extra: Sequence[tuple[str, AdminHandler, list[str]]] = ()) -> list[BaseRoute]:
    """The admin API of one instance; `extra`: more handlers under the same guard (the root's instances)."""
    def guard(handler: AdminHandler, *, static: bool = False) -> AdminHandler:
        """Admin token or loopback. The dashboard's own files hold no state: with an admin token they are
        served to anyone, and the page sends the token (given as `#token=...`) with every read."""

        async def guarded(request: Request) -> Response:
            if emu.admin_token is not None:
                scheme, _, token = request.headers.get("authorization", "").partition(" ")
                allowed = scheme.lower() == "bearer" and hmac.compare_digest(token.strip(), emu.admin_token)
                if not allowed and not static:
                    return _problem(401, "the admin API needs Authorization: Bearer <admin token>")
            elif not _is_loopback(request):
                return _problem(403, "the admin API answers loopback clients only (start with --admin-token)")
            emu.sync()  # with several workers: what the others changed
            try:
                return await handler(request)
            except _BadRequest as exc:
                return _problem(400, str(exc))
            except ValueError as exc:
                return _problem(400, str(exc))

        return guarded

    async def health(_: Request) -> Response:
        return JSONResponse({"status": "ok"})

    async def reset(_: Request) -> Response:
        emu.reset()
        return JSONResponse({"status": "reset"})

    async def clock(request: Request) -> Response:
        if request.method == "POST":
            body = await _json(request)
            if not isinstance(body, dict) or len(body) != 1:
                raise ValueError('send {"advance": SECONDS}, {"set": ISO8601} or {"reset": true}')
            if "advance" in body:
                if isinstance(body["advance"], bool) or not isinstance(body["advance"], int | float):
                    raise ValueError("advance must be a number of seconds")
                emu.clock.advance(float(body["advance"]))
            elif "set" in body:
                emu.clock.set(dt.datetime.fromisoformat(str(body["set"]).replace("Z", "+00:00")))
            elif body.get("reset"):
                emu.clock.reset()
            else:
                raise ValueError('send {"advance": SECONDS}, {"set": ISO8601} or {"reset": true}')
        return JSONResponse({"now": emu.clock.now().isoformat()})

    async def usage(_: Request) -> Response:
        return JSONResponse(emu.counters.snapshot(emu.clock.now(), emu.limits))

    async def neighbours(request: Request) -> Response:
        if request.method == "PUT":
            body = await _json(request)
            if not isinstance(body, dict):
                raise ValueError('send {"calls_per_window": N, "in_flight": N, "daily_calls": N}')
            emu.counters.neighbours = Neighbours.parse(body)
        elif request.method == "DELETE":
            emu.counters.neighbours = Neighbours()
        return JSONResponse(emu.counters.neighbours.as_dict())

    async def limits(request: Request) -> Response:
        if request.method == "PUT":
            body = await _json(request)
            if not isinstance(body, dict):
                raise ValueError("send a JSON object of limits")
            emu.change_limits(body)
        return JSONResponse(emu.limits.as_dict())

    async def settings(request: Request) -> Response:
        if request.method == "PUT":
            body = await _json(request)
            if not isinstance(body, dict):
                raise ValueError("send a JSON object of settings")
            emu.change_settings(body)
        return JSONResponse(emu.settings)

    async def faults(request: Request) -> Response:
        if request.method == "POST":
            body = await _json(request)
            if not isinstance(body, dict):
                raise ValueError("send a JSON object describing the fault")
            plan = emu.faults.add(body)
            return JSONResponse({"id": plan.id, **plan.as_dict()}, 201)
        if request.method == "DELETE":
            emu.faults.clear()
            return JSONResponse({"faults": []})
        return JSONResponse({"faults": [p.as_dict() for p in emu.faults.list()]})

    async def fault(request: Request) -> Response:
        if emu.faults.remove(request.path_params["fault_id"]):
            return JSONResponse({"deleted": request.path_params["fault_id"]})
        return _problem(404, "no such fault")

    async def scenarios(request: Request) -> Response:
        if request.method == "POST":
            body = await _json(request)
            if not isinstance(body, dict):
                raise ValueError("send a JSON object describing the scenario")
            return JSONResponse({"id": emu.scenarios.add(body).id}, 201)
        if request.method == "DELETE":
            emu.scenarios.clear()
            return JSONResponse({"scenarios": []})
        return JSONResponse({"scenarios": emu.scenarios.list()})

    async def scenario(request: Request) -> Response:
        scenario_id = request.path_params["scenario_id"]
        if request.method == "DELETE":
            if emu.scenarios.remove(scenario_id):
                return JSONResponse({"deleted": scenario_id})
            return _problem(404, "no such scenario")
        found = emu.scenarios.get(scenario_id)
        return JSONResponse(found) if found is not None else _problem(404, "no such scenario")

    async def users(request: Request) -> Response:
        if request.method == "POST":
            body = await _json(request)
            if not isinstance(body, dict):
                raise ValueError("send a JSON object describing the API user")
            user = emu.users.add(user_from_dict(body, emu.rng))
            return JSONResponse(user_to_dict(user), 201)
        return JSONResponse({"users": [user_to_dict(u) for u in emu.users.all()]})

    async def user(request: Request) -> Response:
        if emu.users.remove(request.path_params["client_id"]):
            return JSONResponse({"deleted": request.path_params["client_id"]})
        return _problem(404, "no such user")

    async def requests(request: Request) -> Response:
        raw = request.query_params.get("limit", str(REQUEST_LOG_DEFAULT))
        if not raw.isdigit():
            raise ValueError("limit must be a non-negative integer")
        code, client_id = request.query_params.get("code", ""), request.query_params.get("user", "")
        return JSONResponse({"requests": _browse.log_page(list(emu.request_log), int(raw), code, client_id)})

    async def openapi(_: Request) -> Response:
        return JSONResponse(openapi_document(emu.router.endpoints))

    async def dashboard(_: Request) -> Response:
        return Response(_dashboard.page(), media_type="text/html; charset=utf-8", headers=_NO_STORE)

    async def to_dashboard(_: Request) -> Response:
        # Relative, so that `.../i/{munchkin_id}/_mkto` lands on its own instance's page too.
        return RedirectResponse("_mkto/", 308)

    async def dashboard_asset(request: Request) -> Response:
        found = _dashboard.asset(request.path_params["name"])
        if found is None:
            return _problem(404, "no such dashboard file")
        content, media = found
        return Response(content, media_type=media, headers=_NO_STORE)

    table: list[tuple[str, AdminHandler, list[str]]] = [
        ("/_mkto/health", health, ["GET"]),
        ("/_mkto/reset", reset, ["POST"]),
        ("/_mkto/clock", clock, ["GET", "POST"]),
        ("/_mkto/usage", usage, ["GET"]),
        ("/_mkto/limits", limits, ["GET", "PUT"]),
        ("/_mkto/neighbours", neighbours, ["GET", "PUT", "DELETE"]),
        ("/_mkto/settings", settings, ["GET", "PUT"]),
        ("/_mkto/faults", faults, ["GET", "POST", "DELETE"]),
        ("/_mkto/faults/{fault_id:int}", fault, ["DELETE"]),
        ("/_mkto/scenarios", scenarios, ["GET", "POST", "DELETE"]),
        ("/_mkto/scenarios/{scenario_id:int}", scenario, ["GET", "DELETE"]),
        ("/_mkto/users", users, ["GET", "POST"]),
        ("/_mkto/users/{client_id}", user, ["DELETE"]),
        ("/_mkto/requests", requests, ["GET"]),
        ("/_mkto/openapi.json", openapi, ["GET"]),
        *_browse.handlers(emu),
        *extra,
    ]
    pages: list[tuple[str, AdminHandler, list[str]]] = [
        ("/_mkto/", dashboard, ["GET"]),
        ("/_mkto", to_dashboard, ["GET"]),
        ("/_mkto/static/{name}", dashboard_asset, ["GET"]),
    ]
    served: list[BaseRoute] = [Route(path, guard(handler), methods=methods) for path, handler, methods in table]
    served += [Route(path, guard(handler, static=True), methods=methods) for path, handler, methods in pages]
    return served
