"""The CRM area's own model: named account list membership, which named accounts a list holds (query, add,
remove). The records of the standard objects themselves are served by the dedupe-object engine (`_common.objects`).

Behaviour chosen where Marketo is silent: a list id (its marketoGUID) no list has is response-level 1013
"Record not found"; a named account no record has is skipped 1013 "Record not found"; adding a member twice is
"added" again (the docs' example does so); removing one that is not a member is skipped 1013; members come back
ordered by account, and a member whose account was deleted is no longer listed.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Row

from mkto.emulator._api import ApiError, skipped
from mkto.emulator._common import keyset
from mkto.emulator._common.objects.types import GUID
from mkto.emulator._common.tables import object_records
from mkto.emulator._common.values import format_datetime, show
from mkto.emulator._params import Page
from mkto.emulator.crm._objects import NAMED_ACCOUNT, NAMED_ACCOUNT_LIST
from mkto.emulator.crm._tables import named_account_list_members
from mkto.errors.limits import MAX_BATCH_RECORDS

DEFAULT_FIELDS = (GUID, "name", "createdAt", "updatedAt")
NOT_FOUND = "record_not_found"
Record = dict[str, Any]


class NamedAccountLists:
    def __init__(self, db: Connection, now: dt.datetime, list_guid: str) -> None:
        self.db = db
        self.stamp = format_datetime(now)
        row = self._record(NAMED_ACCOUNT_LIST.key, list_guid)
        if row is None:
            raise ApiError("1013", variant=NOT_FOUND)
        self.list: Row[Any] = row

    def _record(self, kind: str, guid: Any) -> Row[Any] | None:
        if not isinstance(guid, str) or not guid:
            return None
        t = object_records
        return self.db.execute(t.select().where(t.c.object == kind, t.c.guid == guid)).first()

    def _accounts(self, inputs: Sequence[Any]) -> list[tuple[int, Row[Any] | None]]:
        if not inputs:
            raise ApiError("1002", "input")
        if len(inputs) > MAX_BATCH_RECORDS:
            raise ApiError("1003")
        return [
            (seq, self._record(NAMED_ACCOUNT.key, item.get(GUID) if isinstance(item, dict) else None))
            for seq, item in enumerate(inputs)
        ]

    def add(self, inputs: Sequence[Any]) -> list[Record]:
        t = named_account_list_members
        results: list[Record] = []
        for seq, account in self._accounts(inputs):
            if account is None:
                results.append(skipped("1013", variant=NOT_FOUND, seq=seq))
                continue
            where = (t.c.list_id == self.list.id, t.c.account_id == account.id)
            if self.db.execute(sa.select(t.c.list_id).where(*where)).first() is None:
                self.db.execute(t.insert().values(list_id=self.list.id, account_id=account.id, created_at=self.stamp))
            results.append({"seq": seq, GUID: account.guid, "status": "added"})
        return results

    def remove(self, inputs: Sequence[Any]) -> list[Record]:
        t = named_account_list_members
        results: list[Record] = []
        for seq, account in self._accounts(inputs):
            where = (t.c.list_id == self.list.id, t.c.account_id == (account.id if account is not None else 0))
            if account is None or self.db.execute(sa.select(t.c.list_id).where(*where)).first() is None:
                results.append(skipped("1013", variant=NOT_FOUND, seq=seq))
                continue
            self.db.execute(t.delete().where(*where))
            results.append({"seq": seq, GUID: account.guid, "status": "removed"})
        return results

    def members(self, fields: Sequence[str] | None, batch_size: int, token: str | None) -> Page:
        shown = list(fields) if fields else list(DEFAULT_FIELDS)
        for name in shown:
            if NAMED_ACCOUNT.field(name) is None:
                raise ApiError("1006", show(name))
        scope = json.dumps([self.list.guid, shown])
        after = keyset.start(token, "namedAccountListMembers", scope)
        t, r = named_account_list_members, object_records
        query = sa.select(r).join(t, t.c.account_id == r.c.id).where(t.c.list_id == self.list.id)
        page, more = keyset.fetch(self.db, query, r.c.id, after, batch_size)
        result = [self._render(seq, row, shown) for seq, row in enumerate(page)]
        next_token = keyset.next_token("namedAccountListMembers", page, more, scope)
        return Page(result, next_token, more)

    @staticmethod
    def _render(seq: int, row: Row[Any], shown: Sequence[str]) -> Record:
        view = {**(row.data or {}), GUID: row.guid, "createdAt": row.created_at, "updatedAt": row.updated_at}
        out: Record = {"seq": seq}
        for name in shown:
            spec = NAMED_ACCOUNT.field(name)
            if spec is not None and view.get(spec.name) is not None:
                out[spec.name] = view[spec.name]
        return out
