"""Request parameters as every API area reads them, and the OpenAPI fragments that describe them.

    from mkto.emulator import _params as p
    lead_ids = p.ids(call.param_list("id"))      # 1001 "Invalid value '¹'. Required of type 'Integer'"

Conventions (the leads area's; Marketo documents the codes, not which parameter gets which): a required
parameter that is absent is 1002 "Missing value for the required parameter '<p>'"; present but blank is 701
"<p> cannot be blank"; of the wrong form is 1001 "Invalid value '<v>'. Required of type '<T>'"; a malformed
date is 704. A number is ASCII digits only: `str.isdigit` also accepts "¹" and "٣", which `int` refuses, and
an uncaught refusal would answer 611 instead of 1001.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from mkto.emulator._api import ApiError, Call, Reply
from mkto.emulator._common.values import InvalidValue, format_datetime, parse_datetime
from mkto.emulator._common.values import show as show_value
from mkto.errors.limits import ASSET_DEFAULT_RETURN, ASSET_MAX_RETURN, MAX_BATCH_RECORDS

INTEGER = "Integer"
BOOLEAN = "Boolean"
STRING = "String"
INT32_MAX = 2**31 - 1  # ids are Java ints on Marketo's side
ID_DIGITS = 12  # longest digit string read as an id; longer is not an id (and `int` of it stays cheap)
COUNT_DIGITS = 10  # longest digit string read as a count (offset, maxReturn, maxDepth)
BATCH_DIGITS = 6
FOLDER_TYPES = ("Folder", "Program")


def show(value: Any) -> str:
    """A value as Marketo prints it inside an error message (`_common.values.show`)."""
    return show_value(value)


def digits(text: str) -> bool:
    """ASCII digits only: `str.isdigit` also accepts "¹" and "٣", which `int` refuses."""
    return text.isascii() and text.isdigit()


def parse_id(value: Any) -> int | None:
    """A positive 32-bit id from JSON (int, integral float) or a query string (ASCII digits), or None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, str) and digits(value.strip()) and len(value.strip()) <= ID_DIGITS:
        value = int(value.strip())
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int) and 0 < value <= INT32_MAX:
        return value
    return None


def parse_int(text: str, *, minimum: int, maximum: int, max_digits: int = COUNT_DIGITS) -> int | None:
    """ASCII digits within [minimum, maximum] and at most `max_digits` long, else None."""
    text = text.strip()
    if not digits(text) or len(text) > max_digits:
        return None
    value = int(text)
    return value if minimum <= value <= maximum else None


def ids(values: Iterable[Any]) -> list[int]:
    """Ids from repeated or comma-separated parameters (`call.param_list("id")`) or JSON; 1001 on the first bad one."""
    out: list[int] = []
    for raw in values:
        value = parse_id(raw)
        if value is None:
            raise ApiError("1001", show(raw), INTEGER)
        out.append(value)
    return out


# --- one parameter of a call ------------------------------------------------------------------------


def body(call: Call) -> dict[str, Any]:
    return call.json if isinstance(call.json, dict) else {}


def records(data: dict[str, Any]) -> list[Any]:
    """The `input` array of a JSON body, or []."""
    value = data.get("input")
    return value if isinstance(value, list) else []


def required(call: Call, name: str) -> str:
    value = call.param(name)
    if value is None:
        raise ApiError("1002", name)
    if not value.strip():
        raise ApiError("701", name)
    return value


def optional_text(call: Call, name: str) -> str | None:
    return call.param(name) or None


def page_token(call: Call) -> str | None:
    return call.param("nextPageToken") or None


def bool_param(call: Call, name: str) -> bool | None:
    raw = call.param(name)
    if raw is None or raw == "":
        return None
    if raw.strip().lower() not in ("true", "false"):
        raise ApiError("1001", show(raw), BOOLEAN)
    return raw.strip().lower() == "true"


def int_param(call: Call, name: str, default: int, *, minimum: int = 0, maximum: int = INT32_MAX) -> int:
    """An optional count such as `offset` or `maxReturn`: `default` when absent, 1001 outside the range."""
    raw = call.param(name)
    if raw is None or raw == "":
        return default
    value = parse_int(raw, minimum=minimum, maximum=maximum)
    if value is None:
        raise ApiError("1001", show(raw), INTEGER)
    return value


def batch_size(call: Call, maximum: int = MAX_BATCH_RECORDS) -> int:
    """`batchSize`: 1 to `maximum` (300), `maximum` when absent."""
    raw = call.param("batchSize")
    if raw is None or raw == "":
        return maximum
    value = parse_int(raw, minimum=1, maximum=maximum, max_digits=BATCH_DIGITS)
    if value is None:
        raise ApiError("1001", show(raw), INTEGER)
    return value


def asset_window(call: Call) -> tuple[int, int]:
    """(offset, maxReturn) of an Asset API browse call: offset from 0, maxReturn 1 to 200, 20 when absent."""
    return int_param(call, "offset", 0), int_param(call, "maxReturn", ASSET_DEFAULT_RETURN, minimum=1, maximum=ASSET_MAX_RETURN)


def id_param(call: Call, name: str) -> int | None:
    """An optional id in the query (`listId`): None when absent, 1001 when not a positive 32-bit id."""
    raw = call.param(name)
    if raw is None or raw == "":
        return None
    return ids([raw])[0]


def path_id(call: Call, name: str) -> int:
    """A path id; 0 (matches nothing) for one beyond any stored id, which the database could not even bind."""
    value = call.path_params.get(name)
    return value if isinstance(value, int) and 0 < value <= INT32_MAX else 0


def datetime_param(call: Call, name: str) -> dt.datetime | None:
    """An optional ISO-8601 datetime as aware UTC; 704 when malformed."""
    raw = call.param(name)
    if raw is None or raw == "":
        return None
    try:
        return parse_datetime(raw)
    except InvalidValue:
        raise ApiError("704") from None


def stamp_param(call: Call, name: str) -> str | None:
    """`datetime_param` as a stored timestamp (`2021-11-23T22:57:18Z`)."""
    moment = datetime_param(call, name)
    return None if moment is None else format_datetime(moment)


# --- folders (Asset API) ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class FolderRef:
    id: int
    type: str  # Folder | Program


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


# --- pages --------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Page:
    """One page of a Lead Database read, as a model hands it to its routes."""

    result: list[dict[str, Any]]
    next_page_token: str | None
    more_result: bool


class PageLike(Protocol):
    @property
    def result(self) -> Sequence[Any]: ...
    @property
    def next_page_token(self) -> str | None: ...
    @property
    def more_result(self) -> bool: ...


def paged(page: PageLike, *, always: bool = False) -> Reply:
    """A Lead Database page: `moreResult` only when true, unless the endpoint always sends it (activities)."""
    more: bool | None = page.more_result if (always or page.more_result) else None
    return Reply(result=list(page.result), next_page_token=page.next_page_token, more_result=more)


# --- OpenAPI fragments ---------------------------------------------------------------------------------
STR: dict[str, Any] = {"type": "string"}
INT: dict[str, Any] = {"type": "integer"}
BOOL: dict[str, Any] = {"type": "boolean"}
OBJ: dict[str, Any] = {"type": "object", "additionalProperties": True}
ID: dict[str, Any] = {"type": "integer", "minimum": 1}
API_NAME: dict[str, Any] = {"type": "string", "pattern": "^[A-Za-z][A-Za-z0-9_]*$"}  # objects' and fields' names


def query(name: str, schema: dict[str, Any], *, required: bool = False, description: str = "") -> dict[str, Any]:
    out = {"name": name, "in": "query", "required": required, "schema": schema}
    return {**out, "description": description} if description else out


def path(name: str, schema: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"name": name, "in": "path", "required": True, "schema": schema or ID}


def json_body(schema: dict[str, Any], *, required: bool = True) -> dict[str, Any]:
    return {"requestBody": {"required": required, "content": {"application/json": {"schema": schema}}}}


def form_body(schema: dict[str, Any], *, required: bool = True) -> dict[str, Any]:
    return {"requestBody": {"required": required, "content": {"application/x-www-form-urlencoded": {"schema": schema}}}}


BATCH = query("batchSize", {"type": "integer", "minimum": 1, "maximum": MAX_BATCH_RECORDS})
TOKEN = query("nextPageToken", STR)
FIELDS = query("fields", STR)
ASSET_WINDOW = [query("offset", {"type": "integer", "minimum": 0}),
                query("maxReturn", {"type": "integer", "minimum": 1, "maximum": ASSET_MAX_RETURN})]  # fmt: skip
UPDATED_RANGE = [query("earliestUpdatedAt", STR), query("latestUpdatedAt", STR)]
ASSET_CREATE_FORM = form_body({  # a static list or smart campaign: name, folder (`{"id":12,"type":"Folder"}`)
    "type": "object", "required": ["name", "folder"],
    "properties": {"name": STR, "folder": STR, "description": STR},
})  # fmt: skip
