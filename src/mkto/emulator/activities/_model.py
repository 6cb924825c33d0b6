"""Activities: what happened to each lead, read back by date-based paging tokens, plus custom activity types.

Other areas record through `record_activity(db, lead_id=..., type_id=..., when=...)` (list add/remove,
campaign requests and runs, and the lead writes). Reads never return an activity dated after the virtual
clock, so a scheduled campaign's run shows up once the clock reaches its `runAt`.

Undocumented choices: a bad `nextPageToken` is 1001 (the leads area's rule); more than 10 activityTypeIds or
30 leadIds is 1003 "Invalid data"; an unknown `listId` is 1013; a duplicate custom type apiName or attribute
apiName is 1017; approving a type with no draft is 709; an unknown custom type is 1013 and an unknown
attribute 1006; a custom activity whose type is unknown or was never approved is skipped with 1013.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from mkto.emulator._api import ApiError, reason
from mkto.emulator._common.activity import record_activity
from mkto.emulator._common.tables import activities, leads, list_members, static_lists
from mkto.emulator._common.values import InvalidValue, format_datetime, parse_datetime, show
from mkto.emulator._params import Page, parse_id
from mkto.emulator.activities import _types as t
from mkto.emulator.activities._tables import custom_activity_types
from mkto.errors.limits import MAX_BATCH_RECORDS

Record = dict[str, Any]

MAX_TYPE_IDS = 10  # activityTypeIds per call
MAX_LEAD_IDS = 30  # leadIds per call
MAX_CUSTOM_TYPES = 10  # 1027 beyond
MAX_CUSTOM_ATTRIBUTES = 20  # secondary attributes per custom type; 1028 beyond
MAX_ATTRIBUTES_BYTES = 65_536  # attributes array of one custom activity; 1049 beyond
LIST_SCOPE_LIMIT = 10_000  # from 2026-12-30 a listId with this many members is 1003
LIST_SCOPE_LIMIT_FROM = dt.datetime(2026, 12, 30, tzinfo=dt.UTC)
ATTRIBUTE_TYPES = ("string", "boolean", "integer", "float", "link", "email", "currency", "date", "datetime",
                   "phone", "text")  # fmt: skip
API_NAME = re.compile(r"[A-Za-z0-9_]*[A-Za-z][A-Za-z0-9_]*")
TOKEN_TYPE = "nextPageToken"


# --- paging tokens ------------------------------------------------------------------------------------
# A token is a position in (activity_date, id) order: base32 of "A:<YYYYmmddHHMMSS>:<id>". Marketo's date
# tokens work across Get Lead Activities, Lead Changes and Deleted Leads, and so do these.


def token_for(date: str, after_id: int = 0) -> str:
    compact = re.sub(r"[^0-9]", "", date)[:14]
    return base64.b32encode(f"A:{compact}:{after_id}".encode("ascii")).decode("ascii")


def paging_token(since: dt.datetime) -> str:
    return token_for(format_datetime(since))


def _position(token: str) -> tuple[str, int]:
    try:
        text = token.strip()
        raw = base64.b32decode((text + "=" * (-len(text) % 8)).upper()).decode("ascii")
        tag, compact, after = raw.split(":")
        if (
            tag != "A"
            or len(compact) != 14
            or not compact.isdigit()
            or not after.isascii()
            or not after.isdigit()
            or len(after) > 12
        ):
            raise ValueError(token)
        moment = dt.datetime.strptime(compact, "%Y%m%d%H%M%S").replace(tzinfo=dt.UTC)
        return format_datetime(moment), int(after)
    except (ValueError, binascii.Error, UnicodeError):
        raise ApiError("1001", show(token), TOKEN_TYPE) from None


def _after(query: Any, date: str, after_id: int) -> Any:
    c = activities.c
    return query.where(sa.or_(c.activity_date > date, sa.and_(c.activity_date == date, c.id > after_id)))


def _read(
    db: Connection, now: dt.datetime, token: str, type_ids: Iterable[int], batch_size: int, *, extra: Any = None
) -> tuple[list[Any], str, bool]:
    date, after_id = _position(token)
    c = activities.c
    query = _after(sa.select(activities), date, after_id).where(
        c.type_id.in_(sorted(set(type_ids))), c.activity_date <= format_datetime(now)
    )
    if extra is not None:
        query = query.where(extra)
    rows = db.execute(query.order_by(c.activity_date, c.id).limit(batch_size + 1)).all()
    more = len(rows) > batch_size
    rows = rows[:batch_size]
    next_token = token_for(rows[-1].activity_date, rows[-1].id) if rows else token
    return list(rows), next_token, more


def render(row: Any) -> Record:
    out: Record = {
        "id": row.id,
        "marketoGUID": str(row.id),
        "leadId": row.lead_id,
        "activityDate": row.activity_date,
        "activityTypeId": row.type_id,
    }
    if row.campaign_id is not None:
        out["campaignId"] = row.campaign_id
    if row.primary_attribute_value_id is not None:
        out["primaryAttributeValueId"] = row.primary_attribute_value_id
    if row.primary_attribute_value is not None:
        out["primaryAttributeValue"] = row.primary_attribute_value
    out["attributes"] = list(row.attributes or [])
    return out


# --- reading ------------------------------------------------------------------------------------------


def activity_types(db: Connection) -> list[Record]:
    """The standard types, then every approved custom type in the same shape."""
    out = [dict(x) for x in t.STANDARD_TYPES]
    rows = db.execute(sa.select(custom_activity_types).order_by(custom_activity_types.c.id)).all()
    for row in rows:
        if row.approved is None:
            continue
        version = row.approved
        primary = version["primaryAttribute"]
        out.append({
            "id": row.id, "apiName": row.api_name, "name": version["name"],
            "description": version.get("description", ""),
            "primaryAttribute": {"name": primary["name"], "dataType": primary["dataType"]},
            "attributes": [{"name": a["name"], "dataType": a["dataType"]} for a in version["attributes"]],
        })  # fmt: skip
    return out


def lead_activities(
    db: Connection,
    now: dt.datetime,
    *,
    token: str,
    type_ids: Sequence[int],
    lead_ids: Sequence[int] | None,
    list_id: int | None,
    batch_size: int,
) -> Page:
    if not type_ids or len(type_ids) > MAX_TYPE_IDS:
        raise ApiError("1003")
    if lead_ids is not None and len(lead_ids) > MAX_LEAD_IDS:
        raise ApiError("1003")
    rows, next_token, more = _read(db, now, token, type_ids, batch_size, extra=_lead_scope(db, now, lead_ids, list_id))
    return Page([render(r) for r in rows], next_token, more)


def _lead_scope(db: Connection, now: dt.datetime, lead_ids: Sequence[int] | None, list_id: int | None) -> Any:
    if list_id is not None:
        if db.execute(sa.select(static_lists.c.id).where(static_lists.c.id == list_id)).first() is None:
            raise ApiError("1013")
        size = db.execute(sa.select(sa.func.count()).where(list_members.c.list_id == list_id)).scalar_one()
        if now >= LIST_SCOPE_LIMIT_FROM and size >= LIST_SCOPE_LIMIT:
            raise ApiError("1003")
        members = sa.select(list_members.c.lead_id).where(list_members.c.list_id == list_id)
        return activities.c.lead_id.in_(members)
    if lead_ids is not None:
        return activities.c.lead_id.in_(sorted(set(lead_ids)))
    return None


def lead_changes(
    db: Connection,
    now: dt.datetime,
    *,
    token: str,
    fields: Sequence[str],
    lead_ids: Sequence[int] | None,
    list_id: int | None,
    batch_size: int,
) -> Page:
    """New Lead and Change Data Value activities touching `fields`; a page may hold fewer than batchSize
    while moreResult is true (as documented), because the filter on fields runs after the page is read."""
    if lead_ids is not None and len(lead_ids) > MAX_LEAD_IDS:
        raise ApiError("1003")
    wanted = set(fields)
    scope = _lead_scope(db, now, lead_ids, list_id)
    rows, next_token, more = _read(db, now, token, (t.NEW_LEAD, t.CHANGE_DATA_VALUE), batch_size, extra=scope)
    result: list[Record] = []
    for row in rows:
        changed = [f for f in (row.fields or []) if f.get("name") in wanted]
        if row.type_id == t.CHANGE_DATA_VALUE and not changed:
            continue
        result.append({
            "id": row.id, "marketoGUID": str(row.id), "leadId": row.lead_id, "activityDate": row.activity_date,
            "activityTypeId": row.type_id, "fields": changed, "attributes": list(row.attributes or []),
        })  # fmt: skip
    return Page(result, next_token, more)


def deleted_leads(db: Connection, now: dt.datetime, *, token: str, batch_size: int) -> Page:
    rows, next_token, more = _read(db, now, token, (t.DELETE_LEAD,), batch_size)
    return Page([render(r) for r in rows], next_token, more)


# --- custom activity types ----------------------------------------------------------------------------


def _status(row: Any) -> str:
    if row.approved is None:
        return "draft"
    return "approved" if row.draft is None else "approved with draft"


def _render_type(row: Any, *, draft: bool = False) -> Record:
    version = row.draft if (draft and row.draft is not None) or row.approved is None else row.approved
    out: Record = {"id": row.id, "apiName": row.api_name, "name": version["name"]}
    if version.get("description") is not None:
        out["description"] = version["description"]
    out.update(
        triggerName=version["triggerName"],
        filterName=version["filterName"],
        createdAt=row.created_at,
        updatedAt=row.updated_at,
        status=_status(row),
        primaryAttribute=dict(version["primaryAttribute"]),
        attributes=[dict(a) for a in version["attributes"]],
    )
    return out


def custom_types(db: Connection) -> list[Record]:
    rows = db.execute(sa.select(custom_activity_types).order_by(custom_activity_types.c.id)).all()
    return [_render_type(r) for r in rows]


def _type_row(db: Connection, api_name: str) -> Any:
    row = db.execute(custom_activity_types.select().where(custom_activity_types.c.api_name == api_name)).first()
    if row is None:
        raise ApiError("1013")
    return row


def describe_type(db: Connection, api_name: str, *, draft: bool) -> list[Record]:
    return [_render_type(_type_row(db, api_name), draft=draft)]


def _text(spec: Mapping[str, Any], name: str, *, needed: bool) -> str | None:
    value = spec.get(name)
    if value is None:
        if needed:
            raise ApiError("1002", name)
        return None
    if not isinstance(value, str):
        raise ApiError("1001", show(value), "String")
    if needed and not value.strip():
        raise ApiError("701", name)
    return value


def _attribute(spec: Any, *, needed_type: bool = False) -> Record:
    if not isinstance(spec, Mapping):
        raise ApiError("1001", show(spec), "Attribute")
    api_name = _text(spec, "apiName", needed=True)
    assert api_name is not None
    if not API_NAME.fullmatch(api_name) or len(api_name) > 255:
        raise ApiError("1001", show(api_name), "apiName")
    name = _text(spec, "name", needed=True)
    data_type = _text(spec, "dataType", needed=needed_type) or "string"
    if data_type not in ATTRIBUTE_TYPES:
        raise ApiError("1001", show(data_type), "dataType")
    out: Record = {"apiName": api_name, "name": name}
    description = _text(spec, "description", needed=False)
    if description is not None:
        out["description"] = description
    out["dataType"] = data_type
    return out


def _version(spec: Mapping[str, Any], base: Mapping[str, Any] | None) -> Record:
    """A type version from a create/update body, over `base` (None: creating, every member required)."""
    creating = base is None
    out: Record = dict(base) if base is not None else {"attributes": []}
    for name in ("name", "triggerName", "filterName"):
        value = _text(spec, name, needed=creating)
        if value is not None:
            out[name] = value
    description = _text(spec, "description", needed=False)
    if description is not None:
        out["description"] = description
    if "primaryAttribute" in spec or creating:
        if spec.get("primaryAttribute") is None:
            raise ApiError("1002", "primaryAttribute")
        out["primaryAttribute"] = _attribute(spec["primaryAttribute"])
    return out


def create_type(db: Connection, now: dt.datetime, spec: Mapping[str, Any]) -> list[Record]:
    api_name = _text(spec, "apiName", needed=True)
    assert api_name is not None
    if not API_NAME.fullmatch(api_name) or len(api_name) > 255:
        raise ApiError("1001", show(api_name), "apiName")
    version = _version(spec, None)
    count = db.execute(sa.select(sa.func.count()).select_from(custom_activity_types)).scalar_one()
    if count >= MAX_CUSTOM_TYPES:
        raise ApiError("1027")
    existing = db.execute(
        sa.select(custom_activity_types.c.id).where(custom_activity_types.c.api_name == api_name)
    ).first()
    if existing is not None:
        raise ApiError("1017")
    last = db.execute(sa.select(sa.func.max(custom_activity_types.c.id))).scalar_one()
    new_id = max(int(last or 0) + 1, t.CUSTOM_TYPE_FIRST_ID)
    created = format_datetime(now)
    db.execute(
        custom_activity_types.insert().values(
            id=new_id, api_name=api_name, approved=None, draft=version, created_at=created, updated_at=created
        )
    )
    return describe_type(db, api_name, draft=True)


def _save_draft(db: Connection, now: dt.datetime, row: Any, draft: Record | None, approved: Any) -> None:
    db.execute(
        custom_activity_types.update()
        .where(custom_activity_types.c.id == row.id)
        .values(draft=draft, approved=approved, updated_at=format_datetime(now))
    )


def _working_copy(row: Any) -> Record:
    source = row.draft if row.draft is not None else row.approved
    return json.loads(json.dumps(source))  # type: ignore[no-any-return]


def update_type(db: Connection, now: dt.datetime, api_name: str, spec: Mapping[str, Any]) -> list[Record]:
    row = _type_row(db, api_name)
    _save_draft(db, now, row, _version(spec, _working_copy(row)), row.approved)
    return describe_type(db, api_name, draft=True)


def approve_type(db: Connection, now: dt.datetime, api_name: str) -> list[Record]:
    row = _type_row(db, api_name)
    if row.draft is None:
        raise ApiError("709")
    _save_draft(db, now, row, None, row.draft)
    return describe_type(db, api_name, draft=False)


def discard_draft(db: Connection, now: dt.datetime, api_name: str) -> list[Record]:
    row = _type_row(db, api_name)
    if row.draft is None or row.approved is None:  # nothing to discard, or nothing would be left
        raise ApiError("1048")
    _save_draft(db, now, row, None, row.approved)
    return describe_type(db, api_name, draft=False)


def delete_type(db: Connection, api_name: str) -> list[Record]:
    row = _type_row(db, api_name)
    db.execute(custom_activity_types.delete().where(custom_activity_types.c.id == row.id))
    return [{"id": row.id, "apiName": row.api_name}]


def _attribute_specs(specs: Any) -> list[Any]:
    if specs is None:
        raise ApiError("1002", "attributes")
    if not isinstance(specs, list) or not specs:
        raise ApiError("701", "attributes")
    return specs


def create_attributes(db: Connection, now: dt.datetime, api_name: str, specs: Any) -> list[Record]:
    row = _type_row(db, api_name)
    draft = _working_copy(row)
    names = {a["apiName"] for a in draft["attributes"]} | {draft["primaryAttribute"]["apiName"]}
    for spec in _attribute_specs(specs):
        attribute = _attribute(spec, needed_type=True)
        if attribute["apiName"] in names:
            raise ApiError("1017")
        names.add(attribute["apiName"])
        draft["attributes"].append(attribute)
    if len(draft["attributes"]) > MAX_CUSTOM_ATTRIBUTES:
        raise ApiError("1028")
    _save_draft(db, now, row, draft, row.approved)
    return describe_type(db, api_name, draft=True)


def update_attributes(db: Connection, now: dt.datetime, api_name: str, specs: Any) -> list[Record]:
    row = _type_row(db, api_name)
    draft = _working_copy(row)
    by_name = {a["apiName"]: a for a in draft["attributes"]}
    for spec in _attribute_specs(specs):
        attribute = _attribute(spec)
        current = by_name.get(attribute["apiName"])
        if current is None:
            raise ApiError("1006", show(attribute["apiName"]))
        current.update(attribute if isinstance(spec, Mapping) and "dataType" in spec else
                       {k: v for k, v in attribute.items() if k != "dataType"})  # fmt: skip
    _save_draft(db, now, row, draft, row.approved)
    return describe_type(db, api_name, draft=True)


def delete_attributes(db: Connection, now: dt.datetime, api_name: str, specs: Any) -> list[Record]:
    row = _type_row(db, api_name)
    draft = _working_copy(row)
    drop: set[str] = set()
    present = {a["apiName"] for a in draft["attributes"]}
    for spec in _attribute_specs(specs):
        name = _text(spec, "apiName", needed=True) if isinstance(spec, Mapping) else None
        if name is None:
            raise ApiError("1001", show(spec), "Attribute")
        if name not in present:
            raise ApiError("1006", show(name))
        drop.add(name)
    draft["attributes"] = [a for a in draft["attributes"] if a["apiName"] not in drop]
    _save_draft(db, now, row, draft, row.approved)
    return describe_type(db, api_name, draft=True)


# --- custom activities ----------------------------------------------------------------------------------


def _skipped(code: str, *args: object) -> Record:
    # Add Custom Activities reports a skipped record under "errors", not "reasons" (activities.md).
    return {"status": "skipped", "errors": [reason(code, *args)]}


def add_custom_activities(db: Connection, records: Sequence[Any]) -> list[Record]:
    if not records:
        raise ApiError("1003")
    if len(records) > MAX_BATCH_RECORDS:  # Add Custom Activities
        raise ApiError("1003")
    types = {r.id: r.approved for r in db.execute(sa.select(custom_activity_types)).all() if r.approved is not None}
    lead_ids = {parse_id(r.get("leadId")) for r in records if isinstance(r, Mapping)} - {None}
    known = (
        {r.id for r in db.execute(sa.select(leads.c.id).where(leads.c.id.in_(sorted(lead_ids))))} if lead_ids else set()
    )
    return [_add_one(db, record, types, known) for record in records]


def _add_one(db: Connection, record: Any, types: Mapping[int, Any], known: set[int]) -> Record:
    if not isinstance(record, Mapping):
        return _skipped("1003")
    for member in ("leadId", "activityDate", "activityTypeId", "primaryAttributeValue"):
        if record.get(member) is None or record.get(member) == "":
            return _skipped("1002", member)
    type_id = parse_id(record["activityTypeId"])
    version = types.get(type_id) if type_id is not None else None
    if type_id is None or version is None:
        return _skipped("1013")
    try:
        when = parse_datetime(record["activityDate"])
    except InvalidValue:
        return _skipped("1001", show(record["activityDate"]), "Datetime")
    attributes = record.get("attributes", [])
    if not isinstance(attributes, list):
        return _skipped("1001", show(attributes), "Array")
    if len(json.dumps(attributes, ensure_ascii=False).encode()) > MAX_ATTRIBUTES_BYTES:
        return _skipped("1049")
    lead_id = parse_id(record["leadId"])
    if lead_id is None or lead_id not in known:
        return _skipped("1004")
    by_api = {a["apiName"]: a["name"] for a in version["attributes"]}
    by_name = {a["name"]: a["name"] for a in version["attributes"]}
    stored: list[Record] = []
    for item in attributes:
        key = item.get("apiName") if isinstance(item, Mapping) else None
        name = by_api.get(key) if isinstance(key, str) else None
        if name is None and isinstance(item, Mapping) and isinstance(item.get("name"), str):
            name = by_name.get(item["name"])
        if name is None or not isinstance(item, Mapping):
            return _skipped("1006", show(key if key is not None else item))
        stored.append({"name": name, "value": item.get("value")})
    primary = record["primaryAttributeValue"]
    activity_id = record_activity(
        db, lead_id=lead_id, type_id=type_id, when=when,
        primary_attribute_value=primary if isinstance(primary, str) else show(primary), attributes=stored,
    )  # fmt: skip
    return {"id": activity_id, "marketoGUID": str(activity_id), "status": "added"}


def parse_since(value: str) -> dt.datetime:
    try:
        return parse_datetime(value)
    except InvalidValue:
        raise ApiError("704") from None
