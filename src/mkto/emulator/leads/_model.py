"""Leads: state and business rules. No HTTP here: the routes parse, this decides, raising `ApiError` for a
response-level error and returning one result per input record (in input order) for record-level outcomes.

Behaviour Marketo leaves undocumented, chosen here (each has a test):
- a partitionName that does not exist is "Access denied to partition '<name>'" (1008), like one the user may
  not use; partitions exist once an API user names them (or "Default", seeded);
- a lead owned by a partition the API user cannot reach is invisible to reads and answers 1008 to writes;
- `id` in a record is a key only for updateOnly; with any other action the record is skipped 1003;
  lookupField=id with another action is "Lookup field 'id' not supported" (1011);
- a record with no value for the lookup field is created (createOnly/createOrUpdate) or skipped with 1002
  naming the field (updateOnly);
- read-only fields (createdAt, updatedAt, mktoName, inferred*, ...) and leadPartitionId in a record are
  ignored, not rejected;
- company fields are "Company update not allowed" (1021) only for a lead linked to a company record
  (externalCompanyId set, before or by the same record);
- unknown programs and forms named by Push Lead / Submit Form are not errors: the lead is upserted and program
  membership is recorded only for a program that exists; lookupField=mktToken is keyed by email;
- a string longer than its field, or a text area over 30,000 bytes, is an invalid value (1003), not truncated;
  a datetime without an offset is UTC;
- more than 300 records (sync, delete, filterValues) or 100 new fields is response-level 1003 "Invalid data";
- batchSize outside 1..300, and a nextPageToken this query did not hand out, are 1001;
- filterType naming no field is 1006, a field that cannot be searched 1011; the spec's standard searchable names
  the instance lacks (sfdcLeadId, twitterId, ...) are accepted and match nothing;
- Get Lead by Id, memberships and Get Leads by Program Id for an unknown lead or program answer an empty result;
  an unknown schema field by name is response-level 1006;
- Delete Leads' skipped records keep their id; a deleted lead leaves its list, program and campaign memberships,
  and a merge moves the losers' memberships to the winner;
- the lead schema and partitions survive `POST /_mkto/reset`.

Every lead write records its activity (read back through `/rest/v1/activities...`): a created lead New Lead,
each field an update changes Change Data Value (an unchanged field nothing), Delete Leads Delete Lead, Merge
Leads the losers' activities moved to the winner then Merge Leads (plus Change Data Value for each winner field
a loser filled), Submit Form Fill Out Form. "API Method Name" tells the path apart (syncLead, pushLead,
submitForm, importLead, deleteLead, mergeLeads). Choices: forms are not modelled, so Fill Out Form's primary
value is the form id as text; Delete Lead's primary value is the lead's name (else its email); the Munchkin
cookie a form or Associate Lead stores and a partition change record no activity.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from mkto.emulator._api import ApiError, ApiUser, skipped
from mkto.emulator._common import activity as act
from mkto.emulator._common import paging
from mkto.emulator._common.activity import record_activity
from mkto.emulator._common.schema import (
    COMPANY_FIELDS,
    CREATABLE_TYPES,
    CUSTOM_FIELD_ID_BASE,
    DEFAULT_GET_FIELDS,
    DISPLAY_NAME,
    FIELD_NAME,
    SEARCHABLE_STANDARD,
    Field,
    Schema,
)
from mkto.emulator._common.tables import (
    DEFAULT_PARTITION_ID,
    DEFAULT_PARTITION_NAME,
    LEAD_MEMBERSHIPS,
    activities,
    campaign_members,
    lead_fields,
    lead_partitions,
    leads,
    list_members,
    program_members,
    programs,
)
from mkto.emulator._common.values import (
    INT32_MAX,
    InvalidValue,
    coerce,
    format_datetime,
    show,
    storable_text,
)
from mkto.emulator._params import parse_id
from mkto.errors.limits import MAX_BATCH_RECORDS, MAX_FILTER_MATCHES, MAX_MERGE_IDS

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


class LeadDatabase:
    """The lead database as one API user sees it at one instant of the virtual clock."""

    def __init__(self, db: Connection, user: ApiUser, now: dt.datetime, *, request_id: str = "") -> None:
        self.db = db
        self.user = user
        self.stamp = format_datetime(now)
        self.request_id = request_id  # the call's, for the activities it causes; "" for a bulk job
        self._schema: Schema | None = None
        self._partitions: dict[str, int] | None = None

    # --- schema and partitions -------------------------------------------------------------------

    @property
    def schema(self) -> Schema:
        if self._schema is None:
            self._schema = Schema.load(self.db)
        return self._schema

    def partitions(self) -> dict[str, int]:
        """Partition name -> id; the partitions the user's configuration names are created on first sight."""
        if self._partitions is None:
            rows = self.db.execute(sa.select(lead_partitions.c.name, lead_partitions.c.id)).all()
            by_name = {str(name): int(pid) for name, pid in rows}
            wanted = [DEFAULT_PARTITION_NAME, *sorted(self.user.partitions or ())]
            for name in wanted:
                if name not in by_name and storable_text(name) and len(name) <= 255:
                    pid = max(by_name.values(), default=0) + 1
                    self.db.execute(lead_partitions.insert().values(id=pid, name=name))
                    by_name[name] = pid
            self._partitions = by_name
        return self._partitions

    def partition_name(self, pid: int) -> str:
        return next((name for name, p in self.partitions().items() if p == pid), str(pid))

    def accessible(self) -> set[int] | None:
        """Partition ids the API user may touch; None for every partition."""
        if self.user.partitions is None:
            return None
        parts = self.partitions()
        return {parts[name] for name in self.user.partitions if name in parts}

    def _can_touch(self, pid: int) -> bool:
        reachable = self.accessible()
        return reachable is None or pid in reachable

    def list_partitions(self) -> list[Record]:
        self.partitions()
        rows = self.db.execute(sa.select(lead_partitions).order_by(lead_partitions.c.id)).all()
        reachable = self.accessible()
        return [
            {"id": r.id, "name": r.name, "description": r.description or r.name}
            for r in rows
            if reachable is None or r.id in reachable
        ]

    # --- reading ---------------------------------------------------------------------------------

    def field_list(self, fields: Sequence[str] | None, default: Sequence[str] = DEFAULT_GET_FIELDS) -> list[str]:
        """The fields to render, `id` first; response-level 1006 for a field the schema does not have."""
        if not fields:
            return list(default)
        out = ["id"]
        for name in fields:
            if self.schema.get(name) is None:
                raise ApiError("1006", show(name))
            if name not in out:
                out.append(name)
        return out

    def render(self, row: Any, fields: Sequence[str]) -> Record:
        data: Mapping[str, Any] = row.data or {}
        out: Record = {}
        for name in fields:
            out[name] = self._value(row, data, name)
        return out

    def _value(self, row: Any, data: Mapping[str, Any], name: str) -> Any:
        if name == "id":
            return row.id
        if name == "createdAt":
            return row.created_at
        if name == "updatedAt":
            return row.updated_at
        if name == "leadPartitionId":
            return row.partition_id
        if name == "mktoName":
            parts = [data.get("firstName"), data.get("lastName")]
            return " ".join(p for p in parts if p) or None
        value = data.get(name)
        if value is None:
            field = self.schema.get(name)
            if field is not None and field.data_type == "boolean":
                return False  # a boolean never set reads back false (recorded)
        return value

    def get_by_id(self, lead_id: int, fields: Sequence[str] | None) -> list[Record]:
        names = self.field_list(fields)
        row = self._lead(lead_id)
        if row is None or not self._can_touch(row.partition_id):
            return []
        return [self.render(row, names)]

    def get_by_filter(
        self,
        filter_type: str,
        filter_values: Sequence[str],
        fields: Sequence[str] | None,
        batch_size: int,
        page_token: str | None,
    ) -> Page:
        field = self.schema.get(filter_type)
        if filter_type not in SEARCHABLE_STANDARD and field is None:
            raise ApiError("1006", show(filter_type))
        if not (filter_type in SEARCHABLE_STANDARD or (field is not None and field.searchable)):
            raise ApiError("1011", show(filter_type))
        if len(filter_values) > MAX_BATCH_RECORDS:
            raise ApiError("1003")
        names = self.field_list(fields)
        condition = self._filter_condition(filter_type, field, filter_values)
        scope = f"{filter_type}|{','.join(filter_values)}"
        after = paging.decode(page_token, "leads", scope) if page_token else 0
        reachable = self.accessible()
        if reachable is not None:
            condition = sa.and_(condition, leads.c.partition_id.in_(sorted(reachable)))
        matches = self.db.execute(sa.select(sa.func.count()).select_from(leads).where(condition)).scalar_one()
        if matches > MAX_FILTER_MATCHES:
            raise ApiError("1003", variant="too_many_results")
        rows = self.db.execute(
            sa.select(leads).where(condition, leads.c.id > after).order_by(leads.c.id).limit(batch_size + 1)
        ).all()
        more = len(rows) > batch_size
        rows = rows[:batch_size]
        token = paging.encode("leads", rows[-1].id, scope) if more else None
        return Page([self.render(r, names) for r in rows], token, more)

    def _filter_condition(self, filter_type: str, field: Field | None, values: Sequence[str]) -> Any:
        values = [v for v in values if storable_text(v)]
        if filter_type in ("id", "leadPartitionId"):
            ids = [self._int_value(v) for v in values]
            column = leads.c.id if filter_type == "id" else leads.c.partition_id
            return column.in_([i for i in ids if i is not None])
        if filter_type == "email":
            return leads.c.email_key.in_([v.lower() for v in values])
        if filter_type == "cookies":
            for value in values:
                if not is_cookie(value):
                    raise ApiError("1012", show(value))
            return leads.c.data["cookies"].as_string().in_(values)
        if field is not None and field.data_type in ("integer", "score"):
            ints = [self._int_value(v) for v in values]
            return leads.c.data[filter_type].as_integer().in_([i for i in ints if i is not None])
        if field is not None and field.data_type == "email":
            return sa.func.lower(leads.c.data[filter_type].as_string()).in_([v.lower() for v in values])
        return leads.c.data[filter_type].as_string().in_(values)

    @staticmethod
    def _int_value(value: str) -> int | None:
        text = value.strip()
        if not re.fullmatch(r"[+-]?\d+", text):
            raise ApiError("1001", show(value), INTEGER)
        number = int(text) if len(text) <= 12 else None
        return number if number is not None and abs(number) <= INT32_MAX else None

    def _lead(self, lead_id: int) -> Any:
        if not 0 < lead_id <= INT32_MAX:
            return None
        return self.db.execute(sa.select(leads).where(leads.c.id == lead_id)).first()

    # --- writing ---------------------------------------------------------------------------------

    def sync(
        self,
        records: Sequence[Any],
        *,
        action: str,
        lookup_field: str,
        partition_name: str | None,
        api_method: str = "syncLead",
    ) -> list[Record]:
        """Sync Leads; `api_method` names the caller in the activities recorded ("importLead" for a bulk import)."""
        if action not in ACTIONS:
            raise ApiError("1001", action, "action")
        if partition_name is not None and action not in PARTITION_ACTIONS:
            raise ApiError("1003")
        self._check_batch(records)
        upsert = _Upsert(
            self, action=action, lookup_field=lookup_field, partition_name=partition_name, api_method=api_method
        )
        return [upsert.one(record) for record in records]

    def push(
        self, records: Sequence[Any], *, program_name: str, lookup_field: str, partition_name: str | None
    ) -> list[Record]:
        self._check_batch(records)
        if lookup_field == "mktToken":
            lookup_field = "email"  # an email click token resolves to the clicking lead; the emulator keys by email
        records = [{k: v for k, v in r.items() if k != "mktToken"} if isinstance(r, dict) else r for r in records]
        upsert = _Upsert(
            self, action="createOrUpdate", lookup_field=lookup_field, partition_name=partition_name,
            api_method="pushLead",
        )  # fmt: skip
        results = [upsert.one(record) for record in records]
        program_id = self.db.execute(sa.select(programs.c.id).where(programs.c.name == program_name)).scalar()
        if program_id is not None:
            for result in results:
                if "id" in result:
                    self._join_program(int(program_id), int(result["id"]))
        return results

    def submit_form(self, inputs: Sequence[Any], *, program_id: int | None, form_id: int | None = None) -> list[Record]:
        self._check_batch(inputs)
        upsert = _Upsert(
            self, action="createOrUpdate", lookup_field="email", partition_name=None, api_method="submitForm"
        )
        results: list[Record] = []
        program_exists = (
            program_id is not None
            and self.db.execute(sa.select(programs.c.id).where(programs.c.id == program_id)).first() is not None
        )
        for item in inputs:
            form_fields = item.get("leadFormFields") if isinstance(item, dict) else None
            if not isinstance(form_fields, dict):
                results.append(skipped("1002", "leadFormFields"))
                continue
            if form_fields.get("email") in (None, ""):
                results.append(skipped("1002", "email"))
                continue
            cookie = item.get("cookie")
            if cookie is not None and not (isinstance(cookie, str) and is_cookie(cookie)):
                results.append(skipped("1012", show(cookie)))
                continue
            result = upsert.one(form_fields)
            if "id" in result:
                if cookie is not None:
                    self._set_data(int(result["id"]), {"cookies": cookie})
                if program_exists and program_id is not None:
                    self._join_program(program_id, int(result["id"]))
                self._log_form(int(result["id"]), form_id, form_fields, item.get("visitorData"))
            results.append(result)
        return results

    def _check_batch(self, records: Sequence[Any]) -> None:
        if not records:
            raise ApiError("1003", variant="leads_not_specified")
        if len(records) > MAX_BATCH_RECORDS:
            raise ApiError("1003")

    def delete(self, ids: Sequence[Any]) -> list[Record]:
        if not ids:
            raise ApiError("1003", variant="leads_not_specified")
        if len(ids) > MAX_BATCH_RECORDS:
            raise ApiError("1003")
        results: list[Record] = []
        for raw in ids:
            if raw is None:
                results.append(skipped("1002", "id"))
                continue
            lead_id = parse_id(raw)
            row = self._lead(lead_id) if lead_id is not None else None
            if lead_id is None:
                results.append(skipped("1001", show(raw), INTEGER))
            elif row is None:
                results.append(skipped("1004", id=lead_id))
            elif not self._can_touch(row.partition_id):
                results.append(skipped("1008", self.partition_name(row.partition_id), id=lead_id))
            else:
                self._log_delete(row)
                self._delete_lead(lead_id)
                results.append({"id": lead_id, "status": "deleted"})
        return results

    def _delete_lead(self, lead_id: int) -> None:
        """Remove a lead and its memberships; its activities stay (Get Deleted Leads, and a merge moved them)."""
        for table, _ in LEAD_MEMBERSHIPS:
            self.db.execute(table.delete().where(table.c.lead_id == lead_id))
        self.db.execute(leads.delete().where(leads.c.id == lead_id))

    def _set_data(self, lead_id: int, changes: Mapping[str, Any]) -> None:
        row = self._lead(lead_id)
        if row is None:
            return
        data = {k: v for k, v in {**(row.data or {}), **changes}.items() if v is not None}
        values: dict[str, Any] = {"data": data, "updated_at": self.stamp}
        if "email" in changes:
            values["email_key"] = _email_key(data.get("email"))
        self.db.execute(leads.update().where(leads.c.id == lead_id).values(**values))

    def merge(
        self, winner_id: int, loser_ids: Sequence[int], *, merge_in_crm: bool, settings: Mapping[str, Any] | None = None
    ) -> None:
        if len(loser_ids) > MAX_MERGE_LOSERS:
            raise ApiError("1080", MAX_MERGE_LOSERS)
        if not loser_ids:
            raise ApiError("1002", "leadId")
        if winner_id in loser_ids:
            raise ApiError("1003")
        winner = self._lead(winner_id)
        losers = [self._lead(i) for i in dict.fromkeys(loser_ids)]
        if winner is None or any(loser is None for loser in losers):
            raise ApiError("1004")
        for row in (winner, *losers):
            if not self._can_touch(row.partition_id):
                raise ApiError("1008", self.partition_name(row.partition_id))
        data = dict(winner.data or {})
        for loser in losers:
            for name, value in (loser.data or {}).items():
                if data.get(name) in (None, "") and value not in (None, ""):
                    data[name] = value  # the winner's value stands unless it is empty
        if merge_in_crm and settings is not None and settings.get("native_crm_sync"):
            self._check_crm_merge([winner, *losers], data, settings)
        for loser in losers:
            self._move_memberships(loser.id, winner_id)
            self.db.execute(activities.update().where(activities.c.lead_id == loser.id).values(lead_id=winner_id))
            self._delete_lead(loser.id)
        self.db.execute(
            leads.update()
            .where(leads.c.id == winner_id)
            .values(data=data, email_key=_email_key(data.get("email")), updated_at=self.stamp)
        )
        changed = self._log_changes(winner_id, winner.data or {}, data, "mergeLeads")
        self._record(winner_id, act.MERGE_LEADS, primary_attribute_value=_display_name(data),
                     primary_attribute_value_id=winner_id, attributes={
                         "Merge IDs": ",".join(str(loser.id) for loser in losers), "Merge Source": API_SOURCE,
                         "Merged in Sales": merge_in_crm, "Master Updated": changed > 0,
                     })  # fmt: skip

    # --- activities ------------------------------------------------------------------------------

    def _record(self, lead_id: int, type_id: int, **details: Any) -> None:
        record_activity(self.db, lead_id=lead_id, type_id=type_id, when=self.stamp, **details)

    def _call_attributes(self, api_method: str) -> dict[str, Any]:
        attributes: dict[str, Any] = {"Reason": API_SOURCE, "Source": API_SOURCE, "API Method Name": api_method}
        if self.request_id:
            attributes["Request Id"] = self.request_id
        return attributes

    def _log_new_lead(self, lead_id: int, api_method: str) -> None:
        self._record(lead_id, act.NEW_LEAD, attributes={
            "Created Date": self.stamp[:10], "Source Type": API_SOURCE, "API Method Name": api_method,
        })  # fmt: skip

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

    def _check_crm_merge(self, rows: Sequence[Any], merged: Mapping[str, Any], settings: Mapping[str, Any]) -> None:
        """The CRM side of a merge (mergeInCRM=true with a native CRM sync). A lead's CRM record is described by
        its `sfdcType` ("Lead", "Contact", "Person Account"), `sfdcIsDeleted` and personalized URL `pURL` fields
        (custom lead fields an instance creates to emulate them)."""
        if not settings.get("crm_default_record_type", True):
            raise ApiError("714")
        kinds = [_crm_kind(row.data or {}) for row in rows]
        if "personaccount" in kinds:
            raise ApiError("712")
        deleted = any((row.data or {}).get("sfdcIsDeleted") is True for row in rows)
        if deleted or any(kind not in (None, "lead", "contact") for kind in kinds):
            raise ApiError("1078")
        purls = [str(row.data["pURL"]).lower() for row in rows if (row.data or {}).get("pURL")]
        if len(purls) != len(set(purls)):
            raise ApiError("1079")
        if any(len(str(merged.get(name) or "")) > limit for name, limit in SFDC_FIELD_LENGTHS.items()):
            raise ApiError("1077")
        key = _email_key(merged.get("email"))
        if key is not None:
            merging = [row.id for row in rows]
            others = self.db.execute(leads.select().where(leads.c.email_key == key, leads.c.id.not_in(merging))).all()
            if any(_crm_kind(other.data or {}) in ("lead", "contact") for other in others):
                raise ApiError("1076")  # the CRM's duplicate rule: the merged record duplicates another CRM record

    def _move_memberships(self, from_lead: int, to_lead: int) -> None:
        for table, parent in LEAD_MEMBERSHIPS:
            owned = sa.select(table.c[parent]).where(table.c.lead_id == to_lead)
            self.db.execute(
                table.update()
                .where(table.c.lead_id == from_lead, table.c[parent].not_in(owned))
                .values(lead_id=to_lead)
            )
            self.db.execute(table.delete().where(table.c.lead_id == from_lead))

    def associate(self, lead_id: int, cookie: str) -> None:
        if not is_cookie(cookie):
            raise ApiError("1012", show(cookie))
        row = self._lead(lead_id)
        if row is None:
            raise ApiError("1004")
        if not self._can_touch(row.partition_id):
            raise ApiError("1008", self.partition_name(row.partition_id))
        self._set_data(lead_id, {"cookies": cookie})

    def update_partitions(self, inputs: Sequence[Any]) -> list[Record]:
        self._check_batch(inputs)
        parts = self.partitions()
        results: list[Record] = []
        for item in inputs:
            lead_id = parse_id(item.get("id")) if isinstance(item, dict) else None
            name = item.get("partitionName") if isinstance(item, dict) else None
            row = self._lead(lead_id) if lead_id is not None else None
            if lead_id is None:
                results.append(skipped("1002", "id"))
            elif not isinstance(name, str) or not name:
                results.append(skipped("1002", "partitionName", id=lead_id))
            elif row is None:
                results.append(skipped("1004", id=lead_id))
            elif not self._can_touch(row.partition_id):
                results.append(skipped("1008", self.partition_name(row.partition_id), id=lead_id))
            elif name not in parts or not self._can_touch(parts[name]):
                results.append(skipped("1008", show(name), id=lead_id))
            else:
                self.db.execute(
                    leads.update().where(leads.c.id == lead_id).values(partition_id=parts[name], updated_at=self.stamp)
                )
                results.append({"id": lead_id, "status": "updated"})
        return results

    # --- memberships -----------------------------------------------------------------------------

    def list_memberships(self, lead_id: int, batch_size: int, page_token: str | None) -> Page:
        scope = str(lead_id)
        after = paging.decode(page_token, "lists", scope) if page_token else 0
        rows = self.db.execute(
            sa.select(list_members)
            .where(list_members.c.lead_id == lead_id, list_members.c.id > after)
            .order_by(list_members.c.id)
            .limit(batch_size + 1)
        ).all()
        return _page(
            [{"listId": r.list_id, "createdAt": r.created_at, "updatedAt": r.updated_at} for r in rows],
            rows, batch_size, "lists", scope,
        )  # fmt: skip

    def campaign_memberships(
        self, lead_id: int, batch_size: int, page_token: str | None, *, since: str | None, until: str | None
    ) -> Page:
        scope = f"{lead_id}|{since}|{until}"
        after = paging.decode(page_token, "campaigns", scope) if page_token else 0
        query = sa.select(campaign_members).where(campaign_members.c.lead_id == lead_id, campaign_members.c.id > after)
        query = _updated_between(query, campaign_members.c.updated_at, since, until)
        rows = self.db.execute(query.order_by(campaign_members.c.id).limit(batch_size + 1)).all()
        return _page(
            [{"smartCampaignId": r.campaign_id, "createdAt": r.created_at, "updatedAt": r.updated_at} for r in rows],
            rows, batch_size, "campaigns", scope,
        )  # fmt: skip

    def program_memberships(
        self,
        lead_id: int,
        batch_size: int,
        page_token: str | None,
        *,
        since: str | None,
        until: str | None,
        program_ids: Sequence[int] | None,
    ) -> Page:
        scope = f"{lead_id}|{since}|{until}|{program_ids}"
        after = paging.decode(page_token, "programs", scope) if page_token else 0
        query = sa.select(program_members).where(program_members.c.lead_id == lead_id, program_members.c.id > after)
        if program_ids is not None:
            query = query.where(program_members.c.program_id.in_(program_ids))
        query = _updated_between(query, program_members.c.updated_at, since, until)
        rows = self.db.execute(query.order_by(program_members.c.id).limit(batch_size + 1)).all()
        return _page([{"id": r.program_id, **_membership(r)} for r in rows], rows, batch_size, "programs", scope)

    def program_leads(
        self, program_id: int, fields: Sequence[str] | None, batch_size: int, page_token: str | None
    ) -> Page:
        names = self.field_list(fields)
        scope = str(program_id)
        after = paging.decode(page_token, "programleads", scope) if page_token else 0
        query = (
            sa.select(leads, program_members.c.id.label("member_id"), *_member_columns())
            .join(program_members, program_members.c.lead_id == leads.c.id)
            .where(program_members.c.program_id == program_id, program_members.c.id > after)
        )
        reachable = self.accessible()
        if reachable is not None:
            query = query.where(leads.c.partition_id.in_(sorted(reachable)))
        rows = self.db.execute(query.order_by(program_members.c.id).limit(batch_size + 1)).all()
        result = [{**self.render(r, names), "membership": _membership(r, prefix="m_")} for r in rows]
        more = len(rows) > batch_size
        token = paging.encode("programleads", rows[batch_size - 1].member_id, scope) if more else None
        return Page(result[:batch_size], token, more)

    def _join_program(self, program_id: int, lead_id: int) -> None:
        exists = self.db.execute(
            sa.select(program_members.c.id).where(
                program_members.c.program_id == program_id, program_members.c.lead_id == lead_id
            )
        ).first()
        if exists is None:
            self.db.execute(
                program_members.insert().values(
                    program_id=program_id, lead_id=lead_id, progression_status="Member",
                    acquired_by=False, reached_success=False, is_exhausted=False,
                    membership_date=self.stamp, updated_at=self.stamp,
                )
            )  # fmt: skip

    # --- schema endpoints ------------------------------------------------------------------------

    def describe(self) -> list[Record]:
        out: list[Record] = []
        for f in self.schema:
            item: Record = {"id": f.id, "displayName": f.display_name, "dataType": f.data_type}
            if f.length is not None:
                item["length"] = f.length
            item["rest"] = {"name": f.name, "readOnly": f.read_only}
            if f.soap_name is not None:
                item["soap"] = {"name": f.soap_name, "readOnly": False}
            out.append(item)
        return out

    def describe2(self) -> list[Record]:
        fields: list[Record] = []
        for f in self.schema:
            item: Record = {"name": f.name, "displayName": f.display_name, "dataType": f.data_type}
            if f.length is not None:
                item["length"] = f.length
            item["updateable"] = not f.read_only
            item["crmManaged"] = False
            fields.append(item)
        searchable = [[name] for name in self.schema.searchable_names()]
        return [{"name": "API Lead", "searchableFields": searchable, "fields": fields}]

    @staticmethod
    def field_record(f: Field) -> Record:
        item: Record = {"displayName": f.display_name, "name": f.name, "description": f.description}
        item["dataType"] = f.data_type
        if f.length is not None:
            item["length"] = f.length
        item.update(
            isHidden=f.is_hidden,
            isHtmlEncodingInEmail=f.is_html_encoding_in_email,
            isSensitive=f.is_sensitive,
            isCustom=f.is_custom,
            isApiCreated=f.is_api_created,
        )
        return item

    def schema_fields(self, batch_size: int, page_token: str | None) -> Page:
        after = paging.decode(page_token, "fields") if page_token else 0
        remaining = [f for f in self.schema if f.id > after]
        page = remaining[:batch_size]
        more = len(remaining) > batch_size
        token = paging.encode("fields", page[-1].id) if more else None
        return Page([self.field_record(f) for f in page], token, more)

    def schema_field(self, name: str) -> list[Record]:
        field = self.schema.get(name)
        if field is None:
            raise ApiError("1006", show(name))
        return [self.field_record(field)]

    def create_fields(self, inputs: Sequence[Any]) -> list[Record]:
        if not inputs:
            raise ApiError("1002", "input")
        if len(inputs) > MAX_FIELDS_PER_CREATE:
            raise ApiError("1003")
        return [self._create_field(item) for item in inputs]

    def _create_field(self, item: Any) -> Record:
        if not isinstance(item, dict):
            return skipped("1003")
        name, display, data_type = item.get("name"), item.get("displayName"), item.get("dataType")
        for key, value in (("displayName", display), ("name", name), ("dataType", data_type)):
            if value is None or value == "":
                return skipped("1002", key, **_named(name))
        for key, value, pattern in (("name", name, FIELD_NAME), ("displayName", display, DISPLAY_NAME)):
            if not isinstance(value, str) or len(value) > 255 or not pattern.fullmatch(value):
                return skipped("1003", key, show(value), variant="invalid_field_value", **_named(name))
        assert isinstance(name, str) and isinstance(display, str)
        if not isinstance(data_type, str) or data_type not in CREATABLE_TYPES:
            return skipped("1003", "dataType", show(data_type), variant="invalid_field_value", name=name)
        flags: dict[str, bool] = {}
        for key, column, default in (
            ("isHidden", "is_hidden", False),
            ("isHtmlEncodingInEmail", "is_html_encoding_in_email", True),
            ("isSensitive", "is_sensitive", False),
        ):
            value = item.get(key, default)
            if not isinstance(value, bool):
                return skipped("1001", show(value), BOOLEAN, name=name)
            flags[column] = value
        description = item.get("description")
        if description is not None and not (
            isinstance(description, str) and storable_text(description) and len(description) <= 2000
        ):
            return skipped("1003", "description", show(description), variant="invalid_field_value", name=name)
        if self.schema.get_folded(name) is not None or self.schema.has_display_name(display):
            return skipped("1017", name=name)
        self.db.execute(
            lead_fields.insert().values(
                name=name, display_name=display, data_type=data_type, length=CREATABLE_TYPES[data_type],
                description=description, created_at=self.stamp, updated_at=self.stamp, **flags,
            )
        )  # fmt: skip
        self._schema = None  # the new field is usable by the next record and the next call
        return {"name": name, "status": "created"}

    def update_field(self, name: str, changes: Any) -> list[Record]:
        field = self.schema.get(name)
        if field is None:
            raise ApiError("1006", show(name))
        if not isinstance(changes, dict):
            raise ApiError("1003")
        if not field.is_custom or field.id < CUSTOM_FIELD_ID_BASE:
            return [skipped("1003", name=name)]  # standard fields keep their metadata (recorded ones too)
        values: dict[str, Any] = {}
        for key, column in (
            ("isHidden", "is_hidden"),
            ("isHtmlEncodingInEmail", "is_html_encoding_in_email"),
            ("isSensitive", "is_sensitive"),
        ):
            if key in changes:
                if not isinstance(changes[key], bool):
                    return [skipped("1001", show(changes[key]), BOOLEAN, name=name)]
                values[column] = changes[key]
        if "displayName" in changes:
            display = changes["displayName"]
            if not isinstance(display, str) or len(display) > 255 or not DISPLAY_NAME.fullmatch(display):
                return [skipped("1003", "displayName", show(display), variant="invalid_field_value", name=name)]
            if display.lower() != field.display_name.lower() and self.schema.has_display_name(display):
                return [skipped("1017", name=name)]
            values["display_name"] = display
        if "description" in changes:
            description = changes["description"]
            if description is not None and not (
                isinstance(description, str) and storable_text(description) and len(description) <= 2000
            ):
                return [skipped("1003", "description", show(description), variant="invalid_field_value", name=name)]
            values["description"] = description
        for key in ("dataType", "name", "length", "isCustom"):
            if key in changes and changes[key] != getattr(field, _ATTR[key]):
                return [skipped("1003", key, show(changes[key]), variant="invalid_field_value", name=name)]
        row_id = field.id - CUSTOM_FIELD_ID_BASE
        self.db.execute(lead_fields.update().where(lead_fields.c.id == row_id).values(updated_at=self.stamp, **values))
        self._schema = None
        return [{"name": name, "status": "updated"}]


_ATTR = {"dataType": "data_type", "name": "name", "length": "length", "isCustom": "is_custom"}


class _Upsert:
    """Create or update one input record at a time, under the call's action, lookup field and partition."""

    def __init__(
        self, model: LeadDatabase, *, action: str, lookup_field: str, partition_name: str | None, api_method: str
    ) -> None:
        self.m = model
        self.action = action
        self.api_method = api_method
        self.lookup_field = lookup_field
        self.lookup_problem = self._lookup_problem()
        self.partition_problem: Record | None = None
        self.target: int | None = None  # partition new leads go to
        self.several = False  # the user reaches several partitions and named none
        parts = model.partitions()
        reachable = model.accessible()
        if partition_name is not None:
            pid = parts.get(partition_name)
            if pid is None or (reachable is not None and pid not in reachable):
                self.partition_problem = skipped("1008", partition_name)
            self.target = pid
            self.named = True
        else:
            self.named = False
            if reachable is None:
                self.target = DEFAULT_PARTITION_ID
            elif len(reachable) == 1:
                self.target = next(iter(reachable))
            else:
                self.several = len(reachable) > 1

    def _lookup_problem(self) -> Record | None:
        if self.action == "createDuplicate":
            return None
        field = self.m.schema.get(self.lookup_field)
        if field is None and self.lookup_field not in SEARCHABLE_STANDARD:
            return skipped("1006", self.lookup_field, variant="lookup_field")
        if self.lookup_field == "id" and self.action != "updateOnly":
            return skipped("1011", self.lookup_field, variant="lookup_field")
        if field is not None and not field.lookup:
            return skipped("1011", self.lookup_field, variant="lookup_field")
        return None

    def one(self, record: Any) -> Record:
        if not isinstance(record, dict):
            return skipped("1003")
        if self.lookup_problem is not None:
            return self.lookup_problem
        if self.partition_problem is not None:
            return self.partition_problem
        if "id" in record and self.action != "updateOnly":
            return skipped("1003")
        values: dict[str, Any] = {}
        for name, raw in record.items():
            if name == "id":
                continue
            field = self.m.schema.get(name)
            if field is None:
                return skipped("1006", show(name))
            if not field.writable:
                continue
            try:
                values[name] = coerce(field, raw)
            except InvalidValue:
                return skipped("1003", name, show(raw), variant="invalid_field_value")
        if self.action == "createDuplicate":
            return self._create(values)
        key = record.get(self.lookup_field)
        if key is None or key == "":
            if self.action == "updateOnly":
                return skipped("1002", self.lookup_field)
            return self._create(values)
        matches = self._find(key)
        if self.action == "createOnly":
            return skipped("1005") if matches else self._create(values)
        if len(matches) > 1:
            return skipped("1007")
        if not matches:
            return skipped("1004") if self.action == "updateOnly" else self._create(values)
        return self._update(matches[0], values)

    def _find(self, key: Any) -> list[Any]:
        if self.lookup_field == "id":
            lead_id = parse_id(key)
            row = self.m._lead(lead_id) if lead_id is not None else None
            return [row] if row is not None else []
        if self.lookup_field == "email":
            return list(self.m.db.execute(_FIND_BY_EMAIL, {"email_key": _email_key(key)}).all())
        else:
            field = self.m.schema.get(self.lookup_field)
            if field is None:
                return []  # a supported lookup field this instance does not have: nothing can match
            try:
                value = coerce(field, key)
            except InvalidValue:
                return []
            column = leads.c.data[self.lookup_field]
            if isinstance(value, int) and not isinstance(value, bool):
                condition = column.as_integer() == value
            elif field.data_type == "email":
                condition = sa.func.lower(column.as_string()) == str(value).lower()
            else:
                condition = column.as_string() == str(value)
        return list(self.m.db.execute(sa.select(leads).where(condition).order_by(leads.c.id).limit(2)).all())

    def _company_locked(self, values: Mapping[str, Any], current: Mapping[str, Any]) -> bool:
        linked = values["externalCompanyId"] if "externalCompanyId" in values else current.get("externalCompanyId")
        return bool(linked) and any(name in COMPANY_FIELDS for name in values)

    def _create(self, values: dict[str, Any]) -> Record:
        if self.target is None:
            return skipped("1009") if self.several else skipped("1008", DEFAULT_PARTITION_NAME)
        if self._company_locked(values, {}):
            return skipped("1021")
        data = {k: v for k, v in values.items() if v is not None}
        row = {
            "partition_id": self.target,
            "email_key": _email_key(data.get("email")),
            "created_at": self.m.stamp,
            "updated_at": self.m.stamp,
            "data": data,
        }
        inserted = self.m.db.execute(leads.insert(), row).inserted_primary_key  # one cached statement
        assert inserted is not None
        self.m._log_new_lead(int(inserted[0]), self.api_method)
        return {"id": inserted[0], "status": "created"}

    def _update(self, row: Any, values: dict[str, Any]) -> Record:
        if not self.m._can_touch(row.partition_id):
            return skipped("1008", self.m.partition_name(row.partition_id))
        if self.named and row.partition_id != self.target:
            return skipped("1010")
        current = row.data or {}
        if self._company_locked(values, current):
            return skipped("1021")
        data = {k: v for k, v in {**current, **values}.items() if v is not None}
        self.m.db.execute(
            _UPDATE_LEAD,
            {"row_id": row.id, "data": data, "email_key": _email_key(data.get("email")), "updated_at": self.m.stamp},
        )
        self.m._log_changes(row.id, current, data, self.api_method)
        return {"id": row.id, "status": "updated"}


# Statements built once, with values bound per execute: building one per record costs more than running it.
_UPDATE_LEAD = leads.update().where(leads.c.id == sa.bindparam("row_id"))
_FIND_BY_EMAIL = sa.select(leads).where(leads.c.email_key == sa.bindparam("email_key")).order_by(leads.c.id).limit(2)


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


def _named(name: Any) -> dict[str, Any]:
    return {"name": show(name)} if isinstance(name, str) and name else {}


def _page(result: list[Record], rows: Sequence[Any], batch_size: int, kind: str, scope: str) -> Page:
    more = len(rows) > batch_size
    token = paging.encode(kind, rows[batch_size - 1].id, scope) if more else None
    return Page(result[:batch_size], token, more)


def _updated_between(query: Any, column: Any, since: str | None, until: str | None) -> Any:
    if since is not None:
        query = query.where(column >= since)
    if until is not None:
        query = query.where(column <= until)
    return query


def _member_columns() -> Iterable[Any]:
    pm = program_members.c
    return (
        pm.progression_status.label("m_progression_status"),
        pm.progression_status_type.label("m_progression_status_type"),
        pm.acquired_by.label("m_acquired_by"),
        pm.reached_success.label("m_reached_success"),
        pm.is_exhausted.label("m_is_exhausted"),
        pm.stream.label("m_stream"),
        pm.nurture_cadence.label("m_nurture_cadence"),
        pm.membership_date.label("m_membership_date"),
        pm.updated_at.label("m_updated_at"),
    )


def _membership(row: Any, prefix: str = "") -> Record:
    m = row._mapping
    out: Record = {"progressionStatus": m[f"{prefix}progression_status"]}
    if m[f"{prefix}progression_status_type"] is not None:
        out["progressionStatusType"] = m[f"{prefix}progression_status_type"]
    out.update(
        isExhausted=bool(m[f"{prefix}is_exhausted"]),
        acquiredBy=bool(m[f"{prefix}acquired_by"]),
        reachedSuccess=bool(m[f"{prefix}reached_success"]),
        membershipDate=m[f"{prefix}membership_date"],
        updatedAt=m[f"{prefix}updated_at"],
    )
    if m[f"{prefix}stream"] is not None:
        out["stream"] = m[f"{prefix}stream"]
    if m[f"{prefix}nurture_cadence"] is not None:
        out["nurtureCadence"] = m[f"{prefix}nurture_cadence"]
    return out


def _crm_kind(data: Mapping[str, Any]) -> str | None:
    """A lead's CRM record type, lower-cased without spaces ("lead", "contact", "personaccount"); None: Marketo only."""
    value = data.get("sfdcType")
    return str(value).replace(" ", "").lower() if value not in (None, "") else None
