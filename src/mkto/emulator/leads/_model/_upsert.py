"""Creating and updating leads: Sync Leads, Push Lead, Submit Form and Associate Lead.

A batch is decided record by record, in order, against what the earlier records of the batch did (a lead an
earlier record created is the one a later record updates), then written at once: one SELECT ... IN for the leads
the batch's emails name, one multi-row INSERT for the new leads, one executemany UPDATE, one multi-row INSERT of the
activities. The rows, ids and activities written are those a record-at-a-time write would leave.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from mkto.emulator._api import ApiError, skipped
from mkto.emulator._common.activity import record_activities
from mkto.emulator._common.rows import decode, encode, insert_rows
from mkto.emulator._common.schema import COMPANY_FIELDS, SEARCHABLE_STANDARD, Field
from mkto.emulator._common.tables import leads, programs
from mkto.emulator._common.values import InvalidValue, coerce, plain_text_limit, show
from mkto.emulator._params import parse_id
from mkto.emulator.leads._model._base import ACTIONS, PARTITION_ACTIONS, Record, _email_key, is_cookie
from mkto.emulator.leads._model._memberships import Memberships
from mkto.emulator.leads._tables import DEFAULT_PARTITION_ID, DEFAULT_PARTITION_NAME


class Upserts(Memberships):
    """The writes that create or update leads."""

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
        return upsert.run(records)

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
        results = upsert.run(records)
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
            result = upsert.one_now(form_fields)
            if "id" in result:
                if cookie is not None:
                    self._set_data(int(result["id"]), {"cookies": cookie})
                if program_exists and program_id is not None:
                    self._join_program(program_id, int(result["id"]))
                self._log_form(int(result["id"]), form_id, form_fields, item.get("visitorData"))
            results.append(result)
        return results

    def associate(self, lead_id: int, cookie: str) -> None:
        if not is_cookie(cookie):
            raise ApiError("1012", show(cookie))
        row = self._lead(lead_id)
        if row is None:
            raise ApiError("1004")
        if not self._can_touch(row.partition_id):
            raise ApiError("1008", self.partition_name(row.partition_id))
        self._set_data(lead_id, {"cookies": cookie})


@dataclass(slots=True)
class _Lead:
    """A lead as a batch sees it: read once, then changed in memory until the batch is written."""

    id: int  # negative: created by this batch and not inserted yet (-1 the first)
    partition_id: int
    data: dict[str, Any]
    email_key: str | None

    def order(self) -> tuple[bool, int]:
        """Id order: the leads that exist, then the batch's new ones in creation order."""
        return (self.id < 0, abs(self.id))


def _lead(row: Any) -> _Lead:
    return _Lead(int(row.id), int(row.partition_id), dict(row.data or {}), row.email_key)


class _Upsert:
    """Create or update input records, under the call's action, lookup field and partition: `run` decides a
    batch record by record and writes it at once; `one_now` writes one record before it returns."""

    def __init__(
        self, model: Upserts, *, action: str, lookup_field: str, partition_name: str | None, api_method: str
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
        # what every record is answered when the lookup field or the partition is refused (the lookup first)
        self.refusal = self.lookup_problem if self.lookup_problem is not None else self.partition_problem
        self._new: list[_Lead] = []  # to insert, in creation order
        self._changed: dict[int, _Lead] = {}  # existing leads to update
        self._results: list[Record] = []  # results that may carry a provisional (negative) id
        self._by_email: dict[str, list[_Lead]] | None = None  # the batch's lookup emails -> leads, in id order
        self._email_keys: dict[str, str | None] = {}  # emails as sent -> their `_email_key`
        # input names seen -> (their field, its `plain_text_limit`), None for a read-only one
        self._fields: dict[str, tuple[Field, int] | None] = {}

    def run(self, records: Sequence[Any]) -> list[Record]:
        """Every record in order, then one write of them all."""
        self._prefetch(records)
        self.m._activities = []
        try:
            results = [self.one(record) for record in records]
            self.flush()
        finally:
            self.m._activities = None
            self._by_email = None
        return results

    def one_now(self, record: Any) -> Record:
        """One record, written before this returns (for callers that act on the lead next)."""
        self.m._activities = []
        try:
            result = self.one(record)
            self.flush()
        finally:
            self.m._activities = None
        return result

    def _prefetch(self, records: Sequence[Any]) -> None:
        """Read once the leads every record's email names, so `_find` needs no query per record."""
        if self.lookup_field != "email" or self.action == "createDuplicate" or self.lookup_problem is not None:
            return
        key_of = self._email_key_of
        keys = {key_of(r.get("email")) for r in records if isinstance(r, dict)}
        found: dict[str, list[_Lead]] = {key: [] for key in keys if key is not None}
        keys_in_order = sorted(found)
        db = self.m.db
        for start in range(0, len(keys_in_order), _IN_CHUNK):
            chunk = keys_in_order[start : start + _IN_CHUNK]
            if db.dialect.name == "sqlite":  # straight from the driver: SQLAlchemy's row processing costs more
                sql = _SQLITE_FIND_BY_EMAILS.format(", ".join("?" * len(chunk)))
                for lead_id, partition_id, email_key, data in db.exec_driver_sql(sql, tuple(chunk)):
                    found[email_key].append(_Lead(lead_id, partition_id, decode(data) or {}, email_key))
            else:
                for row in db.execute(_FIND_BY_EMAILS, {"keys": chunk}):
                    found[row.email_key].append(_lead(row))
        self._by_email = found

    def _email_key_of(self, email: Any) -> str | None:
        """`_email_key(email)`, worked out once per email a batch names (its lookup, then its new lead)."""
        if type(email) is not str:
            return _email_key(email)
        key = self._email_keys.get(email, _UNSEEN)
        if key is _UNSEEN:
            key = self._email_keys[email] = _email_key(email)
        return key  # type: ignore[no-any-return]

    def _track(self, lead: _Lead, old_key: str | None) -> None:
        """Keep the email index true after `lead` changed its email (`_create` files a new lead itself)."""
        if self._by_email is None or lead.email_key == old_key:
            return
        if old_key is not None and old_key in self._by_email:
            self._by_email[old_key] = [x for x in self._by_email[old_key] if x is not lead]
        if lead.email_key is not None and lead.email_key in self._by_email:
            self._by_email[lead.email_key] = sorted([*self._by_email[lead.email_key], lead], key=_Lead.order)

    def flush(self) -> None:
        """Write what the records decided: new leads (ids in creation order), changed leads, then activities."""
        db, stamp = self.m.db, self.m.stamp
        sqlite = db.dialect.name == "sqlite"
        ids: dict[int, int] = {}
        if self._new:
            if sqlite:
                # Multi-row INSERTs, in order; AUTOINCREMENT under the transaction's write lock numbers the rows
                # consecutively after every id ever used, so they are the last len(self._new) ids (RETURNING
                # would go row by row). Straight to the driver, `data` as JSON text: SQLAlchemy's per-row
                # processing costs more than the inserts.
                insert_rows(db, _SQLITE_INSERT_LEAD, 5, [
                    (lead.partition_id, lead.email_key, stamp, stamp, encode(lead.data)) for lead in self._new
                ])  # fmt: skip
                last = int(db.execute(_LAST_LEAD_ID).scalar_one())
                inserted = list(range(last - len(self._new) + 1, last + 1))
            else:
                rows = [
                    {"partition_id": lead.partition_id, "email_key": lead.email_key, "created_at": stamp,
                     "updated_at": stamp, "data": lead.data}
                    for lead in self._new
                ]  # fmt: skip
                inserted = [int(i) for i in db.execute(_INSERT_LEADS, rows).scalars().all()]
            for lead, new_id in zip(self._new, inserted, strict=True):
                ids[lead.id] = lead.id = int(new_id)
        if self._changed and sqlite:
            db.exec_driver_sql(_SQLITE_UPDATE_LEAD, [
                (encode(lead.data), lead.email_key, stamp, lead.id) for lead in self._changed.values()
            ])  # fmt: skip
        elif self._changed:
            db.execute(_UPDATE_LEAD, [
                {"row_id": lead.id, "data": lead.data, "email_key": lead.email_key, "updated_at": stamp}
                for lead in self._changed.values()
            ])  # fmt: skip
        pending = self.m._activities or []
        if ids:
            for activity in pending:
                activity["lead_id"] = ids.get(activity["lead_id"], activity["lead_id"])
            for result in self._results:
                result["id"] = ids.get(result["id"], result["id"])
        record_activities(db, pending)
        pending.clear()
        self._new, self._changed, self._results = [], {}, []

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
        if self.refusal is not None:
            return self.refusal
        if "id" in record and self.action != "updateOnly":
            return skipped("1003")
        values: dict[str, Any] = {}
        fields = self._fields
        for name, raw in record.items():
            spec = fields.get(name, _UNSEEN)
            if spec is _UNSEEN:
                if name == "id":
                    continue
                field = self.m.schema.get(name)
                if field is None:
                    return skipped("1006", show(name))
                spec = fields[name] = (field, plain_text_limit(field)) if field.writable else None
            if spec is None:
                continue
            if type(raw) is str and 0 < len(raw) <= spec[1] and raw.isascii() and "\x00" not in raw:
                values[name] = raw  # what `coerce` would return, without the call (most of a sync's values)
                continue
            try:
                values[name] = coerce(spec[0], raw)
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

    def _find(self, key: Any) -> Sequence[_Lead]:
        if self.lookup_field == "id":
            lead_id = parse_id(key)
            row = self.m._lead(lead_id) if lead_id is not None else None
            return [_lead(row)] if row is not None else []
        if self.lookup_field == "email":
            email_key = self._email_key_of(key)
            if self._by_email is not None:
                return self._by_email.get(email_key, _NONE) if email_key is not None else _NONE
            return [_lead(r) for r in self.m.db.execute(_FIND_BY_EMAIL, {"email_key": email_key}).all()]
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
        found = self.m.db.execute(sa.select(leads).where(condition).order_by(leads.c.id).limit(2)).all()
        return [_lead(r) for r in found]

    def _company_locked(self, values: Mapping[str, Any], current: Mapping[str, Any]) -> bool:
        linked = values["externalCompanyId"] if "externalCompanyId" in values else current.get("externalCompanyId")
        return bool(linked) and any(name in COMPANY_FIELDS for name in values)

    def _create(self, values: dict[str, Any]) -> Record:
        if self.target is None:
            return skipped("1009") if self.several else skipped("1008", DEFAULT_PARTITION_NAME)
        if "externalCompanyId" in values and self._company_locked(values, {}):
            return skipped("1021")
        data = {k: v for k, v in values.items() if v is not None} if None in values.values() else values
        lead = _Lead(-(len(self._new) + 1), self.target, data, self._email_key_of(data.get("email")))
        self._new.append(lead)
        by_email = self._by_email  # the email index: a new lead goes last (in id order)
        if by_email is not None and lead.email_key in by_email:  # the batch's newest lead: last in id order
            by_email[lead.email_key] = [*by_email[lead.email_key], lead]
        self.m._log_new_lead(lead.id, self.api_method)
        result: Record = {"id": lead.id, "status": "created"}
        self._results.append(result)
        return result

    def _update(self, row: _Lead, values: dict[str, Any]) -> Record:
        if not self.m._can_touch(row.partition_id):
            return skipped("1008", self.m.partition_name(row.partition_id))
        if self.named and row.partition_id != self.target:
            return skipped("1010")
        current = row.data or {}
        if self._company_locked(values, current):
            return skipped("1021")
        data = {k: v for k, v in {**current, **values}.items() if v is not None}
        old_key = row.email_key
        row.data, row.email_key = data, _email_key(data.get("email"))
        if row.id > 0:
            self._changed[row.id] = row
        self._track(row, old_key)
        self.m._log_changes(row.id, current, data, self.api_method)
        result: Record = {"id": row.id, "status": "updated"}
        self._results.append(result)
        return result


# Statements built once, with values bound per execute: building one per record costs more than running it.
_UPDATE_LEAD = leads.update().where(leads.c.id == sa.bindparam("row_id"))
_FIND_BY_EMAIL = sa.select(leads).where(leads.c.email_key == sa.bindparam("email_key")).order_by(leads.c.id).limit(2)
_FIND_BY_EMAILS = sa.select(leads).where(leads.c.email_key.in_(sa.bindparam("keys", expanding=True))).order_by(leads.c.id)
_INSERT_LEADS = leads.insert().returning(leads.c.id, sort_by_parameter_order=True)
_SQLITE_INSERT_LEAD = "INSERT INTO leads (partition_id, email_key, created_at, updated_at, data) VALUES "
_SQLITE_UPDATE_LEAD = "UPDATE leads SET data = ?, email_key = ?, updated_at = ? WHERE id = ?"
_LAST_LEAD_ID = sa.select(sa.func.max(leads.c.id))
_SQLITE_FIND_BY_EMAILS = "SELECT id, partition_id, email_key, data FROM leads WHERE email_key IN ({}) ORDER BY id"
_UNSEEN: Any = object()
_NONE: tuple[_Lead, ...] = ()
_IN_CHUNK = 500  # keys per SELECT ... IN: under every backend's parameter limit
