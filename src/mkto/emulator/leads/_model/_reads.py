"""Reading leads: the fields to render, Get Lead by Id and Get Leads by Filter Type."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

import sqlalchemy as sa

from mkto.emulator._api import ApiError
from mkto.emulator._common import keyset
from mkto.emulator._common.schema import DEFAULT_GET_FIELDS, SEARCHABLE_STANDARD, Field
from mkto.emulator._common.tables import leads
from mkto.emulator._common.values import INT32_MAX, show, storable_text
from mkto.emulator.leads._model._base import INTEGER, Page, Record, is_cookie
from mkto.emulator.leads._model._partitions import Partitions
from mkto.errors.limits import MAX_BATCH_RECORDS, MAX_FILTER_MATCHES

# Fields read from the lead's own columns rather than its data.
_COLUMN_FIELDS = {"id": "id", "createdAt": "created_at", "updatedAt": "updated_at", "leadPartitionId": "partition_id"}


class Reads(Partitions):
    """Reads, filtered by the partitions the user may reach."""

    def field_list(self, fields: Sequence[str] | None, default: Sequence[str] = DEFAULT_GET_FIELDS) -> Sequence[str]:
        """The fields to render, `id` first; response-level 1006 for a field the schema does not have."""
        if not fields:
            return default
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
            column = _COLUMN_FIELDS.get(name)
            if column is not None:
                out[name] = getattr(row, column)
                continue
            value = data.get(name)
            out[name] = value if value is not None and name != "mktoName" else self._derived(data, name)
        return out

    def _derived(self, data: Mapping[str, Any], name: str) -> Any:
        """A field the lead's data holds no value for, or one derived from others."""
        if name == "mktoName":
            parts = [data.get("firstName"), data.get("lastName")]
            return " ".join(p for p in parts if p) or None
        field = self.schema.get(name)
        if field is not None and field.data_type == "boolean":
            return False  # a boolean never set reads back false (recorded)
        return None

    def get_by_id(self, lead_id: int, fields: Sequence[str] | None) -> list[Record]:
        names = self.field_list(fields)
        row = self._lead(lead_id)
        if row is None or (self.user.partitions is not None and not self._can_touch(row.partition_id)):
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
        after = keyset.start(page_token, "leads", scope)
        reachable = self.accessible()
        if reachable is not None:
            condition = sa.and_(condition, leads.c.partition_id.in_(sorted(reachable)))
        matches = self.db.execute(sa.select(sa.func.count()).select_from(leads).where(condition)).scalar_one()
        if matches > MAX_FILTER_MATCHES:
            raise ApiError("1003", variant="too_many_results")
        rows, more = keyset.fetch(self.db, sa.select(leads).where(condition), leads.c.id, after, batch_size)
        token = keyset.next_token("leads", rows, more, scope)
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
