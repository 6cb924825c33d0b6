"""Parameter parsing shared by the activities, lists and campaigns areas (the leads area's conventions).

A required parameter that is absent is 1002 "Missing value for the required parameter '<p>'"; present but
blank is 701 "<p> cannot be blank"; of the wrong form is 1001 "Invalid value '<v>'. Required of type '<T>'";
a malformed date is 704. Marketo documents the codes, not which parameter gets which.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

from starlette.responses import Response

from mkto import errors
from mkto.emulator._api import ApiError, Call, Reply
from mkto.emulator._render import json_response
from mkto.emulator.leads._values import INT32_MAX, InvalidValue, parse_datetime, show
from mkto.errors.limits import MAX_BATCH_RECORDS

INTEGER = "Integer"
BOOLEAN = "Boolean"
ASSET_DEFAULT_RETURN = 20  # Asset API maxReturn default
ASSET_MAX_RETURN = 200  # Asset API maxReturn maximum
FOLDER_TYPES = ("Folder", "Program")


def digits(text: str) -> bool:
    """ASCII digits only: `str.isdigit` also accepts "¹" and "٣", which `int` refuses."""
    return text.isascii() and text.isdigit()


def parse_id(value: Any) -> int | None:
    """A positive 32-bit id from JSON or a query string (the leads area's rule, ASCII digits only), or None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, str) and digits(value.strip()) and len(value.strip()) <= 12:
        value = int(value.strip())
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int) and 0 < value <= INT32_MAX:
        return value
    return None


@dataclass(frozen=True, slots=True)
class Page:
    result: list[dict[str, Any]]
    next_page_token: str | None
    more_result: bool


@dataclass(frozen=True, slots=True)
class FolderRef:
    id: int
    type: str  # Folder | Program


def body(call: Call) -> dict[str, Any]:
    return call.json if isinstance(call.json, dict) else {}


def required(call: Call, name: str) -> str:
    value = call.param(name)
    if value is None:
        raise ApiError("1002", name)
    if not value.strip():
        raise ApiError("701", name)
    return value


def optional_text(call: Call, name: str) -> str | None:
    value = call.param(name)
    return value if value else None


def batch_size(call: Call, maximum: int = MAX_BATCH_RECORDS) -> int:
    raw = call.param("batchSize")
    if raw is None or raw == "":
        return maximum
    text = raw.strip()
    if not digits(text) or len(text) > 6 or not 1 <= int(text) <= maximum:
        raise ApiError("1001", show(raw), INTEGER)
    return int(text)


def page_token(call: Call) -> str | None:
    return call.param("nextPageToken") or None


def bool_param(call: Call, name: str) -> bool | None:
    raw = call.param(name)
    if raw is None or raw == "":
        return None
    if raw.strip().lower() not in ("true", "false"):
        raise ApiError("1001", show(raw), BOOLEAN)
    return raw.strip().lower() == "true"


def int_param(call: Call, name: str) -> int | None:
    raw = call.param(name)
    if raw is None or raw == "":
        return None
    value = parse_id(raw)
    if value is None:
        raise ApiError("1001", show(raw), INTEGER)
    return value


def ids(values: list[Any]) -> list[int]:
    out: list[int] = []
    for raw in values:
        value = parse_id(raw)
        if value is None:
            raise ApiError("1001", show(raw), INTEGER)
        out.append(value)
    return out


def path_id(call: Call, name: str) -> int:
    """A path id; 0 (matches nothing) for one beyond any stored id, which the database could not even bind."""
    value = call.path_params.get(name)
    return value if isinstance(value, int) and 0 < value <= INT32_MAX else 0


def datetime_param(call: Call, name: str) -> dt.datetime | None:
    raw = call.param(name)
    if raw is None or raw == "":
        return None
    try:
        return parse_datetime(raw)
    except InvalidValue:
        raise ApiError("704") from None


def paged(page: Page, *, always: bool = False) -> Reply:
    """A Lead Database page: `moreResult` only when true, unless the endpoint always sends it (activities)."""
    more: bool | None = page.more_result if (always or page.more_result) else None
    return Reply(result=page.result, next_page_token=page.next_page_token, more_result=more)


def asset_window(call: Call) -> tuple[int, int]:
    """(offset, maxReturn) of an Asset API browse call; maxReturn defaults to 20 and is at most 200."""
    return _count(call, "offset", 0, 0, 10**9), _count(call, "maxReturn", ASSET_DEFAULT_RETURN, 1, ASSET_MAX_RETURN)


def _count(call: Call, name: str, default: int, low: int, high: int) -> int:
    raw = call.param(name)
    if raw is None or raw == "":
        return default
    text = raw.strip()
    if not digits(text) or len(text) > 10 or not low <= int(text) <= high:
        raise ApiError("1001", show(raw), INTEGER)
    return int(text)


def folder_param(call: Call, name: str = "folder", *, needed: bool) -> FolderRef | None:
    """`folder={"id":12,"type":"Folder"}`; 701 when required and absent, 1001 when it is not such an object."""
    raw = call.param(name)
    if raw is None or not raw.strip():
        if needed:
            raise ApiError("701", name)
        return None
    try:
        value = json.loads(raw)
    except ValueError:
        raise ApiError("1001", show(raw), "Folder") from None
    if not isinstance(value, dict):
        raise ApiError("1001", show(raw), "Folder")
    folder_id = parse_id(value.get("id"))
    kind = value.get("type")
    kind = kind.capitalize() if isinstance(kind, str) else kind
    if folder_id is None or kind not in FOLDER_TYPES:
        raise ApiError("1001", show(raw), "Folder")
    return FolderRef(folder_id, str(kind))


def asset_stamp(stamp: str) -> str:
    """The Asset API's rendering of a stored timestamp: `2021-11-23T22:57:24Z+0000`."""
    return f"{stamp}+0000"


def asset_not_found(call: Call) -> Response:
    """An Asset API search that found nothing: success with a warning string and no `result` (recorded:
    `{"success":true,"errors":[],"requestId":"…","warnings":[…]}`); the warning is 702's `no_assets` variant."""
    warning = errors.get("702").format(variant="no_assets")
    body = {"success": True, "errors": [], "requestId": call.request_id, "warnings": [warning]}
    return json_response(body, call.now)
