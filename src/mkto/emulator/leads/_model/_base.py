"""The leads model's shared base: constants, the page type, the state and lookups every concern uses, and the
activities a lead write records."""

from __future__ import annotations

import datetime as dt
import functools
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy.engine import Connection

from mkto.emulator._api import ApiError, ApiUser
from mkto.emulator._common import activity as act
from mkto.emulator._common import rows
from mkto.emulator._common.activity import activity_row, record_activity
from mkto.emulator._common.schema import Schema
from mkto.emulator._common.tables import LEAD_MEMBERSHIPS, leads
from mkto.emulator._common.values import INT32_MAX, format_datetime
from mkto.errors.limits import MAX_BATCH_RECORDS, MAX_MERGE_IDS

MAX_MERGE_LOSERS = MAX_MERGE_IDS  # leadIds of Merge Leads; more is 1080
MAX_FIELDS_PER_CREATE = 100  # Create Lead Fields
# Salesforce's lengths for the lead/contact fields a CRM merge writes back (longer is 1077)
SFDC_FIELD_LENGTHS = {"firstName": 40, "lastName": 80, "email": 80, "title": 128, "phone": 40, "mobilePhone": 40,
                      "fax": 40, "city": 40, "state": 80, "postalCode": 20, "country": 80}  # fmt: skip
ACTIONS = ("createOnly", "updateOnly", "createOrUpdate", "createDuplicate")
PARTITION_ACTIONS = ("createOnly", "createOrUpdate")
INTEGER = "Integer"
BOOLEAN = "Boolean"
API_SOURCE = "Web service API"  # Source / Source Type / Reason of an activity a REST call caused

# The Munchkin `_mkto_trk` cookie: id:<munchkin id>&token:_mch-<domain>-<epoch ms>-<random>
COOKIE = re.compile(r"id:[A-Za-z0-9]{3}-[A-Za-z0-9]{3}-[A-Za-z0-9]{3}&token:_mch-[A-Za-z0-9.\-]+-\d{10,13}-\d{1,10}")

Record = dict[str, Any]


@dataclass(frozen=True, slots=True)
class Page:
    result: list[Record]
    next_page_token: str | None
    more_result: bool


def is_cookie(value: str) -> bool:
    return bool(COOKIE.fullmatch(value))


class Base:
    """The lead database as one API user sees it at one instant of the virtual clock: the state every concern
    shares, the lookups and writes they all use, and the activities they record."""

    def __init__(self, db: Connection, user: ApiUser, now: dt.datetime, *, request_id: str = "") -> None:
        self.db = db
        self.user = user
        self._now = now
        self.request_id = request_id  # the call's, for the activities it causes; "" for a bulk job
        self._schema: Schema | None = None
        self._partitions: dict[str, int] | None = None
        self._activities: list[dict[str, Any]] | None = None  # while a batch writes: activities not inserted yet
        self._new_lead_rows: dict[str, dict[str, Any]] = {}  # api method -> its New Lead activity row

    @functools.cached_property
    def stamp(self) -> str:
        """The call's time as the Lead Database writes it (formatted once, when first written)."""
        return format_datetime(self._now)

    @property
    def schema(self) -> Schema:
        if self._schema is None:
            self._schema = Schema.load(self.db)
        return self._schema

    def _lead(self, lead_id: int) -> Any:
        if not 0 < lead_id <= INT32_MAX:
            return None
        return rows.by_key(self.db, leads, "id", lead_id)

    def _check_batch(self, records: Sequence[Any]) -> None:
        if not records:
            raise ApiError("1003", variant="leads_not_specified")
        if len(records) > MAX_BATCH_RECORDS:
            raise ApiError("1003")

    def _set_data(self, lead_id: int, changes: Mapping[str, Any]) -> None:
        row = self._lead(lead_id)
        if row is None:
            return
        data = {k: v for k, v in {**(row.data or {}), **changes}.items() if v is not None}
        values: dict[str, Any] = {"data": data, "updated_at": self.stamp}
        if "email" in changes:
            values["email_key"] = _email_key(data.get("email"))
        self.db.execute(leads.update().where(leads.c.id == lead_id).values(**values))

    def _delete_lead(self, lead_id: int) -> None:
        """Remove a lead and its memberships; its activities stay (Get Deleted Leads, and a merge moved them)."""
        for table, _ in LEAD_MEMBERSHIPS:
            self.db.execute(table.delete().where(table.c.lead_id == lead_id))
        self.db.execute(leads.delete().where(leads.c.id == lead_id))

    # --- activities ------------------------------------------------------------------------------

    def _record(self, lead_id: int, type_id: int, **details: Any) -> None:
        if self._activities is not None:
            self._activities.append(activity_row(lead_id=lead_id, type_id=type_id, when=self.stamp, **details))
        else:
            record_activity(self.db, lead_id=lead_id, type_id=type_id, when=self.stamp, **details)

    def _call_attributes(self, api_method: str) -> dict[str, Any]:
        attributes: dict[str, Any] = {"Reason": API_SOURCE, "Source": API_SOURCE, "API Method Name": api_method}
        if self.request_id:
            attributes["Request Id"] = self.request_id
        return attributes

    def _log_new_lead(self, lead_id: int, api_method: str) -> None:
        row = self._new_lead_rows.get(api_method)
        if row is None:  # alike for every lead this call creates but for the lead: built and serialized once
            attributes = act.shared_attributes({
                "Created Date": self.stamp[:10], "Source Type": API_SOURCE, "API Method Name": api_method,
            })  # fmt: skip
            row = self._new_lead_rows[api_method] = activity_row(
                lead_id=0, type_id=act.NEW_LEAD, when=self.stamp, attributes=attributes
            )
        if self._activities is not None:  # a batch: a copy of the row, not one built field by field
            self._activities.append({**row, "lead_id": lead_id})
        else:
            self._record(lead_id, act.NEW_LEAD, attributes=row["attributes"])

    def _log_changes(self, lead_id: int, before: Mapping[str, Any], after: Mapping[str, Any], api_method: str) -> int:
        """One Change Data Value per field whose value differs, in `after`'s order then removed fields; the count."""
        names = [n for n in (*after, *(n for n in before if n not in after)) if before.get(n) != after.get(n)]
        fields = [f for f in map(self.schema.get, names) if f is not None]
        for field in fields:
            name = field.name
            new, old = _activity_value(after.get(name)), _activity_value(before.get(name))
            self._record(
                lead_id, act.CHANGE_DATA_VALUE, primary_attribute_value=field.display_name,
                primary_attribute_value_id=field.id,
                fields=[{"id": field.id, "name": field.name, "newValue": new, "oldValue": old}],
                attributes={"New Value": new, "Old Value": old, **self._call_attributes(api_method)},
            )  # fmt: skip
        return len(fields)

    def _log_delete(self, row: Any) -> None:
        self._record(row.id, act.DELETE_LEAD, primary_attribute_value=_display_name(row.data or {}),
                     primary_attribute_value_id=row.id,
                     attributes={"Remove from CRM": False, "API Method Name": "deleteLead"})  # fmt: skip

    def _log_form(self, lead_id: int, form_id: int | None, form_fields: Mapping[str, Any], visitor: Any) -> None:
        visit = visitor if isinstance(visitor, dict) else {}
        attributes: dict[str, Any] = {"Form Fields": json.dumps(form_fields, ensure_ascii=False, default=str)}
        for name, key in (("Client IP Address", "leadClientIpAddress"), ("Query Parameters", "queryString"),
                          ("Referrer URL", "pageURL"), ("User Agent", "userAgentString")):  # fmt: skip
            if isinstance(visit.get(key), str):
                attributes[name] = visit[key]
        self._record(lead_id, act.FILL_OUT_FORM, primary_attribute_value=None if form_id is None else str(form_id),
                     primary_attribute_value_id=form_id, attributes=attributes)  # fmt: skip


def _activity_value(value: Any) -> str | None:
    """A field value as Change Data Value shows it: text (booleans `true`/`false`), or null for no value."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _display_name(data: Mapping[str, Any]) -> str | None:
    """How an activity names a lead: "First Last", else its email."""
    name = " ".join(str(data[k]) for k in ("firstName", "lastName") if data.get(k))
    return name or (str(data["email"]) if data.get("email") else None)


def _email_key(email: Any) -> str | None:
    return email.strip().lower()[:255] if isinstance(email, str) and email.strip() else None
