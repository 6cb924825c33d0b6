"""Creating and updating leads: Sync Leads, Push Lead, Submit Form and Associate Lead, one record at a time."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import sqlalchemy as sa

from mkto.emulator._api import ApiError, skipped
from mkto.emulator._common.schema import COMPANY_FIELDS, SEARCHABLE_STANDARD
from mkto.emulator._common.tables import leads, programs
from mkto.emulator._common.values import InvalidValue, coerce, show
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

    def associate(self, lead_id: int, cookie: str) -> None:
        if not is_cookie(cookie):
            raise ApiError("1012", show(cookie))
        row = self._lead(lead_id)
        if row is None:
            raise ApiError("1004")
        if not self._can_touch(row.partition_id):
            raise ApiError("1008", self.partition_name(row.partition_id))
        self._set_data(lead_id, {"cookies": cookie})


class _Upsert:
    """Create or update one input record at a time, under the call's action, lookup field and partition."""

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
