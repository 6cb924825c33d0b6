"""`record_activity`: how every area logs what it did to a lead, and the ids of the standard activity types the
areas record (the activities area serves their descriptions at `/rest/v1/activities/types.json`).

    from mkto.emulator._common.activity import ADD_TO_LIST, record_activity
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy.engine import Connection

from mkto.emulator._common.rows import encode, insert_rows
from mkto.emulator._common.tables import activities

VISIT_WEBPAGE = 1
FILL_OUT_FORM = 2
NEW_LEAD = 12
CHANGE_DATA_VALUE = 13
ADD_TO_LIST = 24
REMOVE_FROM_LIST = 25
MERGE_LEADS = 32
DELETE_LEAD = 37
REQUEST_CAMPAIGN = 47
RUN_CAMPAIGN = 48
CUSTOM_TYPE_FIRST_ID = 100001  # custom activity types are numbered from here (docs: 100001)


def stamp(when: dt.datetime | str) -> str:
    """Marketo's Lead Database timestamp (`2021-11-23T22:57:18Z`) of an aware datetime; a string is kept."""
    if isinstance(when, str):
        return when
    m = when.astimezone(dt.UTC)
    return f"{m.year:04d}-{m.month:02d}-{m.day:02d}T{m.hour:02d}:{m.minute:02d}:{m.second:02d}Z"


def record_activity(
    db: Connection,
    *,
    lead_id: int,
    type_id: int,
    when: dt.datetime | str,
    primary_attribute_value: str | None = None,
    primary_attribute_value_id: int | None = None,
    attributes: Sequence[Mapping[str, Any]] | Mapping[str, Any] = (),
    fields: Sequence[Mapping[str, Any]] | None = None,
    campaign_id: int | None = None,
) -> int:
    """Record one activity on a lead and return its id.

        record_activity(db, lead_id=7, type_id=ADD_TO_LIST, when=call.now,
                        primary_attribute_value="My List", primary_attribute_value_id=1001,
                        attributes={"Source": "Web service API"})

    `attributes` is `{name: value}` or `[{"name": ..., "value": ...}]`; `fields` (Change Data Value, New Lead)
    is `[{"id": 48, "name": "firstName", "newValue": "B", "oldValue": "A"}]`.
    """
    result = db.execute(
        _INSERT,
        activity_row(
            lead_id=lead_id, type_id=type_id, when=when, primary_attribute_value=primary_attribute_value,
            primary_attribute_value_id=primary_attribute_value_id, attributes=attributes, fields=fields,
            campaign_id=campaign_id,
        ),
    )  # fmt: skip
    key = result.inserted_primary_key
    return int(key[0]) if key is not None else 0


def activity_row(
    *,
    lead_id: int,
    type_id: int,
    when: dt.datetime | str,
    primary_attribute_value: str | None = None,
    primary_attribute_value_id: int | None = None,
    attributes: Sequence[Mapping[str, Any]] | Mapping[str, Any] = (),
    fields: Sequence[Mapping[str, Any]] | None = None,
    campaign_id: int | None = None,
) -> dict[str, Any]:
    """The parameters `record_activity` inserts, for `record_activities` to insert many at once.

    `attributes` given as a tuple (see `shared_attributes`) is kept as it is, so rows built from one tuple share
    it and `record_activities` serializes it once; a mapping or a list is copied."""
    if isinstance(attributes, tuple):
        attrs: Sequence[Mapping[str, Any]] = attributes
    elif isinstance(attributes, Mapping):
        attrs = [{"name": k, "value": v} for k, v in attributes.items()]
    else:
        attrs = [dict(a) for a in attributes]
    return {
        "lead_id": lead_id,
        "type_id": type_id,
        "activity_date": stamp(when),
        "primary_attribute_value": primary_attribute_value,
        "primary_attribute_value_id": primary_attribute_value_id,
        "campaign_id": campaign_id,
        "attributes": attrs,
        "fields": [dict(f) for f in fields] if fields is not None else None,
    }


def shared_attributes(attributes: Mapping[str, Any]) -> tuple[Mapping[str, Any], ...]:
    """Attributes that many activities of one call carry alike (every New Lead of a sync): build them once and
    pass the tuple to each `activity_row`; nothing may change it afterwards."""
    return tuple({"name": k, "value": v} for k, v in attributes.items())


def record_activities(db: Connection, rows: Sequence[Mapping[str, Any]]) -> None:
    """Insert the `activity_row`s in order (ids ascending in that order).

    On SQLite the rows go straight to the driver in multi-row INSERTs (`rows.insert_rows`), their JSON serialized
    as `rows.encode` does (None as `null`, as SQLAlchemy's JSON type stores it): SQLAlchemy's per-row parameter
    processing costs more than the inserts. Elsewhere, one executemany."""
    if not rows:
        return
    if db.dialect.name == "sqlite":
        shared: dict[int, str] = {}  # id of a shared attributes tuple -> its JSON (the rows keep the tuples alive)

        def attributes_json(attrs: Any) -> str:
            if not isinstance(attrs, tuple):
                return encode(attrs)
            text = shared.get(id(attrs))
            if text is None:
                text = shared[id(attrs)] = encode(attrs)
            return text

        insert_rows(db, _SQLITE_INSERT, 8, [
            (r["lead_id"], r["type_id"], r["activity_date"], r["primary_attribute_value_id"],
             r["primary_attribute_value"], r["campaign_id"], attributes_json(r["attributes"]),
             "null" if r["fields"] is None else encode(r["fields"]))
            for r in rows
        ])  # fmt: skip
    else:
        db.execute(_INSERT, list(rows))


# Values go as parameters of one cached statement: building `insert().values(...)` per row costs more than the
# insert itself.
_INSERT = activities.insert()
_SQLITE_INSERT = (
    "INSERT INTO activities (lead_id, type_id, activity_date, primary_attribute_value_id, primary_attribute_value,"
    " campaign_id, attributes, fields) VALUES "
)
