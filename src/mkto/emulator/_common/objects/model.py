"""The dedupe objects' state and rules, one model for every object type (`ObjectType` says which).

Behaviour Marketo leaves undocumented, chosen here:
- within one sync or delete input, the second and later records with the same key (dedupe fields, or the id
  field) are skipped 1036; the first is processed;
- createOnly for a record that exists is 1017 "Object already exists"; updateOnly (or delete) for a missing one
  is 1013 ("Record not found" for the CRM objects, "Object not found" for custom objects);
- a record missing a key field is skipped 1002 naming it; a field the object does not have, 1006; a value that
  does not fit its field, 1003 "Invalid value for field ..."; read-only fields and the key fields of an update
  are ignored;
- dedupeBy=idField is only for updateOnly (any other action is response-level 1003); an unknown action or
  dedupeBy is 1001;
- Sync Opportunities naming an externalSalesPersonId no sales person has fails whole (718, response level);
  an opportunity role needs its opportunity (1013 "Object not found") and lead (1004), a custom object its
  linked lead (1004);
- query results carry `seq`, the index of the filter value (or input record) they matched, ordered by record.
"""

from __future__ import annotations

import datetime as dt
import json
import random
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Row

from mkto import errors
from mkto.emulator._api import ApiError, skipped
from mkto.emulator._common import paging
from mkto.emulator._common.objects.types import GUID, ID, SYSTEM_FIELDS, ObjectType, ObjField
from mkto.emulator._common.schema import Field
from mkto.emulator._common.tables import leads, object_records
from mkto.emulator._common.values import InvalidValue, coerce, format_datetime, show
from mkto.emulator._params import Page, parse_id
from mkto.errors.limits import MAX_BATCH_RECORDS

ACTIONS = ("createOnly", "updateOnly", "createOrUpdate")
DEDUPE_BY = ("dedupeFields", "idField")
LEAD = "lead"  # a reference target: the lead database

Record = dict[str, Any]


@dataclass(frozen=True, slots=True)
class Reference:
    """`field` must name an existing `target` record (by `target_field`, the target's one dedupe field, or a lead
    id), else `code`."""

    field: str
    target: str  # an ObjectType key, or LEAD
    target_field: str
    code: str
    variant: str | None = None


class _Skip(Exception):
    def __init__(self, code: str, *args: object, variant: str | None = None) -> None:
        super().__init__(code)
        self.code, self.args_, self.variant = code, args, variant


class Objects:
    """One object type's records: `Objects(db, now, rng, COMPANY).sync(records, action=..., dedupe_by=...)`."""

    def __init__(
        self,
        db: Connection,
        now: dt.datetime,
        rng: random.Random,
        obj: ObjectType,
        *,
        settings: Mapping[str, Any] | None = None,
        references: Sequence[Reference] = (),
    ) -> None:
        self.db, self.obj, self.rng = db, obj, rng
        self.stamp = format_datetime(now)
        self.settings = settings or {}
        self.references = references

    # --- describe ---------------------------------------------------------------------------------
    def describe(self, created_at: str, updated_at: str) -> list[Record]:
        return [self.obj.describe(created_at, updated_at)]

    # --- schema fields (the field metadata endpoints) -----------------------------------------------
    def schema_fields(self, batch_size: int, token: str | None) -> Page:
        fields = [f for f in self.obj.fields if f.name not in SYSTEM_FIELDS or f.name == self.obj.id_field]
        start = paging.decode(token, f"{self.obj.key}Fields") if token else 0
        page = fields[start : start + batch_size]
        more = start + batch_size < len(fields)
        next_token = paging.encode(f"{self.obj.key}Fields", start + batch_size) if more else None
        return Page([_field_metadata(f) for f in page], next_token, more)

    def schema_field(self, name: str) -> list[Record]:
        spec = self.obj.field(name)
        if spec is None:
            raise ApiError("1006", show(name))
        return [_field_metadata(spec)]

    # --- sync -------------------------------------------------------------------------------------
    def _writable(self) -> None:
        if self.obj.crm_managed and self.settings.get("native_crm_sync"):
            raise ApiError("1018")

    def sync(self, records: Sequence[Any], *, action: str, dedupe_by: str) -> list[Record]:
        self._writable()
        if action not in ACTIONS:
            raise ApiError("1001", show(action), "action")
        if dedupe_by not in DEDUPE_BY:
            raise ApiError("1001", show(dedupe_by), "dedupeBy")
        if dedupe_by == "idField" and action != "updateOnly":
            raise ApiError("1003")
        _check_batch(records)
        self._check_response_references(records)
        seen: set[str] = set()
        results: list[Record] = []
        for seq, record in enumerate(records):
            try:
                results.append({"seq": seq, **self._sync_one(record, action, dedupe_by, seen)})
            except _Skip as skip:
                results.append(skipped(skip.code, *skip.args_, variant=skip.variant, seq=seq))
        return results

    def _sync_one(self, record: Any, action: str, dedupe_by: str, seen: set[str]) -> Record:
        if not isinstance(record, dict):
            raise _Skip("1003")
        values = self._values(record)
        key_fields = (self.obj.id_field,) if dedupe_by == "idField" else self.obj.dedupe_fields
        key = self._key(values, key_fields)
        if key in seen:
            raise _Skip("1036")
        seen.add(key)
        self._check_record_references(values)
        row = self._find(key_fields, values)
        if row is None and action == "updateOnly":
            raise _Skip("1013", variant=self.obj.not_found_variant)
        if row is not None and action == "createOnly":
            raise _Skip("1017")
        changes = {k: v for k, v in values.items() if self._updateable(k, key_fields)}
        if row is None:
            for name in self.obj.required_on_create:
                if values.get(name) is None:
                    raise _Skip("1002", name)
            return {"status": "created", **self._insert(values)}
        data = {k: v for k, v in {**(row.data or {}), **changes}.items() if v is not None}
        key = self._key(data, self.obj.dedupe_fields, required=False)  # an update by id may rename the record
        self.db.execute(object_records.update().where(object_records.c.id == row.id).values(
            data=data, dedupe_key=key, updated_at=self.stamp))  # fmt: skip
        return {"status": "updated", self.obj.id_field: self._id_of(row)}

    def _updateable(self, name: str, key_fields: Sequence[str]) -> bool:
        spec = self.obj.field(name)
        return spec is not None and spec.updateable and name not in key_fields and name not in SYSTEM_FIELDS

    def _insert(self, values: Mapping[str, Any]) -> Record:
        data = {
            k: v for k, v in values.items()
            if v is not None and k not in SYSTEM_FIELDS and self.obj.field(k) is not None
        }  # fmt: skip
        data.update(self.obj.defaults)  # system-managed values (a named account list's type)
        guid = str(uuid.UUID(int=self.rng.getrandbits(128), version=4))
        key = self._key(data, self.obj.dedupe_fields, required=False)
        inserted = self.db.execute(object_records.insert().values(
            object=self.obj.key, guid=guid, dedupe_key=key, created_at=self.stamp, updated_at=self.stamp, data=data,
        )).inserted_primary_key  # fmt: skip
        assert inserted is not None
        return {self.obj.id_field: int(inserted[0]) if self.obj.id_field == ID else guid}

    def _values(self, record: Mapping[str, Any]) -> Record:
        out: Record = {}
        for name, value in record.items():
            spec = self.obj.field(str(name))
            if spec is None:
                raise _Skip("1006", show(name))
            if spec.name in (ID, GUID):
                out[spec.name] = value
                continue
            try:
                out[spec.name] = coerce(_as_field(spec.name, spec.data_type, spec.length), value)
            except InvalidValue:
                raise _Skip("1003", spec.name, show(value), variant="invalid_field_value") from None
        return out

    def _key(self, values: Mapping[str, Any], fields: Sequence[str], *, required: bool = True) -> str:
        parts: list[Any] = []
        for name in fields:
            value = values.get(name)
            if value is None and required:
                raise _Skip("1002", name)
            parts.append(value)
        return json.dumps(parts, separators=(",", ":"), ensure_ascii=False)

    def _id_of(self, row: Row[Any]) -> Any:
        return int(row.id) if self.obj.id_field == ID else row.guid

    def _find(self, fields: Sequence[str], values: Mapping[str, Any]) -> Row[Any] | None:
        t = object_records
        if tuple(fields) == (self.obj.id_field,):
            return self._by_id(values.get(self.obj.id_field))
        key = self._key(values, fields)
        return self.db.execute(t.select().where(t.c.object == self.obj.key, t.c.dedupe_key == key)).first()

    def _by_id(self, value: Any) -> Row[Any] | None:
        t = object_records
        if self.obj.id_field == ID:
            number = _int_id(value)
            if number is None:
                return None
            clause = t.c.id == number
        else:
            if not isinstance(value, str):
                return None
            clause = t.c.guid == value
        return self.db.execute(t.select().where(t.c.object == self.obj.key, clause)).first()

    # --- references -------------------------------------------------------------------------------
    def _check_response_references(self, records: Sequence[Any]) -> None:
        for ref in self.references:
            if errors.Level.RECORD in errors.get(ref.code).levels:
                continue
            for record in records:
                value = record.get(ref.field) if isinstance(record, dict) else None
                if value not in (None, "") and not self._exists(ref, value):
                    raise ApiError(ref.code, variant=ref.variant)

    def _check_record_references(self, values: Mapping[str, Any]) -> None:
        for ref in self.references:
            value = values.get(ref.field)
            if value is not None and not self._exists(ref, value):
                raise _Skip(ref.code, variant=ref.variant)

    def _exists(self, ref: Reference, value: Any) -> bool:
        if ref.target == LEAD:
            lead_id = _int_id(value)
            return lead_id is not None and self.db.execute(
                sa.select(leads.c.id).where(leads.c.id == lead_id)).first() is not None  # fmt: skip
        t = object_records
        key = json.dumps([value], separators=(",", ":"), ensure_ascii=False)  # target_field is the target's key
        found = self.db.execute(sa.select(t.c.id).where(t.c.object == ref.target, t.c.dedupe_key == key).limit(1))
        return found.first() is not None

    # --- query ------------------------------------------------------------------------------------
    def query(
        self,
        filter_type: str,
        searches: Sequence[Mapping[str, Any]],
        fields: Sequence[str] | None,
        batch_size: int,
        token: str | None,
    ) -> Page:
        keys = self._filter_fields(filter_type)
        if len(searches) > MAX_BATCH_RECORDS:
            raise ApiError("1003")
        shown = self._shown_fields(fields)
        scope = json.dumps([filter_type, list(searches), shown], sort_keys=True, default=str)
        after = paging.decode(token, self.obj.key, scope) if token else 0
        wanted: list[tuple[int, Record]] = []
        for seq, search in enumerate(searches):
            try:
                wanted.append((seq, self._values({k: v for k, v in search.items() if k in keys})))
            except _Skip:
                continue  # a value that cannot be stored matches nothing
        t = object_records
        query = t.select().where(t.c.object == self.obj.key, t.c.id > after).order_by(t.c.id)
        if keys == self.obj.dedupe_fields:  # an indexed lookup instead of a scan
            query = query.where(t.c.dedupe_key.in_([self._key(v, keys, required=False) for _, v in wanted]))
        rows = self.db.execute(query).all()
        matches: list[tuple[int, Row[Any]]] = []
        for row in rows:
            view = self._view(row)
            for seq, values in wanted:
                if all(k in values and _same(view.get(k), values[k]) for k in keys):
                    matches.append((seq, row))
                    break
            if len(matches) > batch_size:
                break
        page, more = matches[:batch_size], len(matches) > batch_size
        result = [self._render(seq, row, shown) for seq, row in page]
        next_token = paging.encode(self.obj.key, page[-1][1].id, scope) if more else None
        return Page(result, next_token, more)

    def _filter_fields(self, filter_type: str) -> tuple[str, ...]:
        if filter_type == "dedupeFields":
            return self.obj.dedupe_fields
        if filter_type == "idField":
            return (self.obj.id_field,)
        for searchable in self.obj.searchable:
            if len(searchable) == 1 and searchable[0].lower() == filter_type.lower():
                return searchable
        if self.obj.field(filter_type) is None:
            raise ApiError("1006", show(filter_type))
        raise ApiError("1011", show(filter_type))

    def _shown_fields(self, fields: Sequence[str] | None) -> list[str]:
        if not fields:
            return [self.obj.id_field, *self.obj.dedupe_fields, "updatedAt", "createdAt"]
        out: list[str] = []
        for name in fields:
            spec = self.obj.field(name)
            if spec is None:
                raise ApiError("1006", show(name))
            out.append(spec.name)
        return out

    def _view(self, row: Row[Any]) -> Record:
        return {
            **(row.data or {}), ID: int(row.id) if self.obj.id_field == ID else None, GUID: row.guid,
            "createdAt": row.created_at, "updatedAt": row.updated_at,
        }  # fmt: skip

    def _render(self, seq: int, row: Row[Any], shown: Sequence[str]) -> Record:
        view = self._view(row)
        out: Record = {"seq": seq, self.obj.id_field: self._id_of(row)}
        for name in shown:
            if name not in out and view.get(name) is not None:
                out[name] = view[name]
        return out

    # --- delete -----------------------------------------------------------------------------------
    def delete(self, records: Sequence[Any], *, delete_by: str) -> list[Record]:
        self._writable()
        if delete_by not in DEDUPE_BY:
            raise ApiError("1001", show(delete_by), "deleteBy")
        _check_batch(records)
        key_fields = (self.obj.id_field,) if delete_by == "idField" else self.obj.dedupe_fields
        seen: set[str] = set()
        results: list[Record] = []
        for seq, record in enumerate(records):
            try:
                if not isinstance(record, dict):
                    raise _Skip("1003")
                values = self._values({k: v for k, v in record.items() if k in key_fields})
                key = self._key(values, key_fields)
                if key in seen:
                    raise _Skip("1036")
                seen.add(key)
                row = self._find(key_fields, values)
                if row is None:
                    raise _Skip("1013", variant=self.obj.not_found_variant)
                self.db.execute(object_records.delete().where(object_records.c.id == row.id))
                results.append({"seq": seq, self.obj.id_field: self._id_of(row), "status": "deleted"})
            except _Skip as skip:
                results.append(skipped(skip.code, *skip.args_, variant=skip.variant, seq=seq))
        return results


def _field_metadata(spec: ObjField) -> Record:
    out: Record = {"displayName": spec.display_name, "name": spec.name, "description": None,
                   "dataType": spec.data_type}  # fmt: skip
    if spec.length is not None:
        out["length"] = spec.length
    text = spec.data_type in ("string", "text", "url", "email")
    out.update({"isHidden": False, "isHtmlEncodingInEmail": text, "isSensitive": False, "isCustom": False,
                "isApiCreated": False})  # fmt: skip
    return out


def _check_batch(records: Sequence[Any]) -> None:
    if not records:
        raise ApiError("1002", "input")
    if len(records) > MAX_BATCH_RECORDS:
        raise ApiError("1003")


def _int_id(value: Any) -> int | None:
    """`parse_id` without its float reading: a JSON `3.0` is not a reference to record 3 here."""
    return None if isinstance(value, float) else parse_id(value)


def _same(stored: Any, wanted: Any) -> bool:
    if isinstance(stored, str) and isinstance(wanted, str):
        return stored.lower() == wanted.lower() if "@" in stored else stored == wanted
    if isinstance(stored, int | float) and not isinstance(stored, bool):
        return _int_id(wanted) == stored if isinstance(wanted, str) else stored == wanted
    return bool(stored == wanted)


def _as_field(name: str, data_type: str, length: int | None) -> Field:
    kind = {"url": "string", "link": "integer"}.get(data_type, data_type)
    return Field(0, name, name, kind, length, False, None)
