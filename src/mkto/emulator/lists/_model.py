"""Static lists: the Lead Database view (browse, membership, leads in a list) and the Asset API view (folders,
create, delete). Every add and remove is logged as an "Add to List" / "Remove from List" activity.

Undocumented choices: ids beyond 300 in one membership call are 1003 "Invalid data" and none at all 1003
"Leads not specified" (the leads area's batch rule); a lead the API user's partitions cannot reach is 1004;
adding a lead already in the list answers "added" again without a second activity; a duplicate static list
name is 709 (the Asset API's business-rule code, whose catalogue note names duplicate names); a name Marketo
could not store (over 255 characters) is 1014; an unknown folder is 710, an Email or other Design Studio folder
711 (such a folder holds only its own asset type); updating or deleting a list nothing has is 702
(the Asset API's rule for writes), reading one is a success with a warning.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from mkto.emulator._api import ApiError, ApiUser, skipped
from mkto.emulator._common import activity as types
from mkto.emulator._common import keyset
from mkto.emulator._common.activity import record_activity
from mkto.emulator._common.tables import folders, leads, list_members, programs, static_list_folders, static_lists
from mkto.emulator._common.values import format_datetime, show
from mkto.emulator._params import FolderRef, Page
from mkto.emulator._render import asset_stamp
from mkto.emulator.assets import holds_marketing_assets
from mkto.emulator.leads import LeadDatabase
from mkto.emulator.lists._tables import list_in_use
from mkto.errors.limits import MAX_BATCH_RECORDS

__all__ = ["ListStore", "list_in_use"]

Record = dict[str, Any]
MAX_NAME_CHARS = 255
DEFAULT_FOLDERS = ((12, "Group Lists"), (13, "Seed Lists"))  # recorded: lists created in folder 12


def seed_folders(db: Connection, now: dt.datetime) -> None:
    stamp = format_datetime(now)
    for folder_id, name in DEFAULT_FOLDERS:
        if db.execute(sa.select(folders.c.id).where(folders.c.id == folder_id)).first() is None:
            db.execute(folders.insert().values(id=folder_id, name=name, created_at=stamp, updated_at=stamp))


class ListStore:
    """Static lists as one API user sees them at one instant of the virtual clock."""

    def __init__(self, db: Connection, user: ApiUser, now: dt.datetime, request_id: str = "") -> None:
        self.db = db
        self.now = now
        self.stamp = format_datetime(now)
        self.request_id = request_id
        self.leads = LeadDatabase(db, user, now)

    # --- Lead Database ---------------------------------------------------------------------------

    def _lead_record(self, row: Any) -> Record:
        out: Record = {"id": row.id, "name": row.name}
        if row.description:
            out["description"] = row.description
        if row.program_name:
            out["programName"] = row.program_name
        out.update(workspaceName=row.workspace_name, createdAt=row.created_at, updatedAt=row.updated_at)
        return out

    def browse(
        self,
        *,
        ids: Sequence[int],
        names: Sequence[str],
        program_names: Sequence[str],
        workspace_names: Sequence[str],
        batch_size: int,
        page_token: str | None,
    ) -> Page:
        scope = f"{sorted(ids)}|{sorted(names)}|{sorted(program_names)}|{sorted(workspace_names)}"
        after = keyset.start(page_token, "staticlists", scope)
        c = static_lists.c
        query = sa.select(static_lists)
        if ids:
            query = query.where(c.id.in_(ids))
        if names:
            query = query.where(c.name.in_(names))
        if program_names:
            query = query.where(c.program_name.in_(program_names))
        if workspace_names:
            query = query.where(c.workspace_name.in_(workspace_names))
        rows, more = keyset.fetch(self.db, query, c.id, after, batch_size)
        token = keyset.next_token("staticlists", rows, more, scope)
        return Page([self._lead_record(r) for r in rows], token, more)

    def _list(self, list_id: int) -> Any:
        row = self.db.execute(static_lists.select().where(static_lists.c.id == list_id)).first()
        if row is None:
            raise ApiError("1013")
        return row

    def get(self, list_id: int) -> list[Record]:
        return [self._lead_record(self._list(list_id))]

    def _reachable(self, lead_ids: Sequence[int]) -> set[int]:
        if not lead_ids:
            return set()
        query = sa.select(leads.c.id).where(leads.c.id.in_(sorted(set(lead_ids))))
        allowed = self.leads.accessible()
        if allowed is not None:
            query = query.where(leads.c.partition_id.in_(sorted(allowed)))
        return {r.id for r in self.db.execute(query)}

    def _members(self, list_id: int, lead_ids: Sequence[int]) -> set[int]:
        if not lead_ids:
            return set()
        rows = self.db.execute(
            sa.select(list_members.c.lead_id).where(
                list_members.c.list_id == list_id, list_members.c.lead_id.in_(sorted(set(lead_ids)))
            )
        )
        return {r.lead_id for r in rows}

    @staticmethod
    def _check_batch(lead_ids: Sequence[int]) -> None:
        if not lead_ids:
            raise ApiError("1003", variant="leads_not_specified")
        if len(lead_ids) > MAX_BATCH_RECORDS:
            raise ApiError("1003")

    def _log(self, row: Any, lead_id: int, type_id: int, method: str) -> None:
        record_activity(
            self.db, lead_id=lead_id, type_id=type_id, when=self.now, primary_attribute_value=row.name,
            primary_attribute_value_id=row.id,
            attributes={"Source": "Web service API", "API Method Name": method, "Request Id": self.request_id},
        )  # fmt: skip

    def add(self, list_id: int, lead_ids: Sequence[int]) -> list[Record]:
        row = self._list(list_id)
        self._check_batch(lead_ids)
        reachable = self._reachable(lead_ids)
        members = self._members(list_id, lead_ids)
        out: list[Record] = []
        for lead_id in lead_ids:
            if lead_id not in reachable:
                out.append(skipped("1004", id=lead_id))
                continue
            if lead_id not in members:
                self.db.execute(
                    list_members.insert().values(
                        list_id=list_id, lead_id=lead_id, created_at=self.stamp, updated_at=self.stamp
                    )
                )
                members.add(lead_id)
                self._log(row, lead_id, types.ADD_TO_LIST, "addLeadsToList")
            out.append({"id": lead_id, "status": "added"})
        return out

    def remove(self, list_id: int, lead_ids: Sequence[int]) -> list[Record]:
        row = self._list(list_id)
        self._check_batch(lead_ids)
        reachable = self._reachable(lead_ids)
        members = self._members(list_id, lead_ids)
        out: list[Record] = []
        for lead_id in lead_ids:
            if lead_id not in reachable:
                out.append(skipped("1004", id=lead_id))
            elif lead_id not in members:
                out.append(skipped("1015", id=lead_id))
            else:
                self.db.execute(
                    list_members.delete().where(list_members.c.list_id == list_id, list_members.c.lead_id == lead_id)
                )
                members.discard(lead_id)
                self._log(row, lead_id, types.REMOVE_FROM_LIST, "removeLeadsFromList")
                out.append({"id": lead_id, "status": "removed"})
        return out

    def is_member(self, list_id: int, lead_ids: Sequence[int]) -> list[Record]:
        self._list(list_id)
        self._check_batch(lead_ids)
        reachable = self._reachable(lead_ids)
        members = self._members(list_id, lead_ids)
        return [
            skipped("1004", id=i) if i not in reachable
            else {"id": i, "status": "memberof" if i in members else "notmemberof"}
            for i in lead_ids
        ]  # fmt: skip

    def leads_in_list(
        self, list_id: int, fields: Sequence[str] | None, batch_size: int, page_token: str | None
    ) -> Page:
        self._list(list_id)
        names = self.leads.field_list(fields)
        scope = f"{list_id}|{','.join(names)}"
        after = keyset.start(page_token, "listleads", scope)
        query = (
            sa.select(leads, list_members.c.id.label("member_id"))
            .join(list_members, list_members.c.lead_id == leads.c.id)
            .where(list_members.c.list_id == list_id)
        )
        allowed = self.leads.accessible()
        if allowed is not None:
            query = query.where(leads.c.partition_id.in_(sorted(allowed)))
        rows, more = keyset.fetch(self.db, query, list_members.c.id, after, batch_size)
        token = keyset.next_token("listleads", rows, more, scope, key="member_id")
        return Page([self.leads.render(r, names) for r in rows], token, more)

    # --- Asset API -------------------------------------------------------------------------------

    def _folder_of(self, list_id: int) -> FolderRef | None:
        row = self.db.execute(static_list_folders.select().where(static_list_folders.c.list_id == list_id)).first()
        return FolderRef(row.folder_id, row.folder_type) if row is not None else None

    def _asset_record(self, row: Any) -> Record:
        out: Record = {"id": row.id, "name": row.name}
        if row.description:
            out["description"] = row.description
        out.update(createdAt=asset_stamp(row.created_at), updatedAt=asset_stamp(row.updated_at))
        folder = self._folder_of(row.id)
        if folder is not None:
            out["folder"] = {"id": folder.id, "type": folder.type}
        out.update(computedUrl=f"https://app-emu.marketo.com/#ST{row.id}A1", workspace=row.workspace_name)
        return out

    def asset_by_id(self, list_id: int) -> list[Record]:
        row = self.db.execute(static_lists.select().where(static_lists.c.id == list_id)).first()
        return [self._asset_record(row)] if row is not None else []

    def asset_by_name(self, name: str) -> list[Record]:
        row = self.db.execute(static_lists.select().where(static_lists.c.name == name)).first()
        return [self._asset_record(row)] if row is not None else []

    def asset_browse(
        self,
        *,
        folder: FolderRef | None,
        offset: int,
        max_return: int,
        since: dt.datetime | None,
        until: dt.datetime | None,
    ) -> list[Record]:
        c = static_lists.c
        query = sa.select(static_lists)
        if folder is not None:
            query = query.join(static_list_folders, static_list_folders.c.list_id == c.id).where(
                static_list_folders.c.folder_id == folder.id, static_list_folders.c.folder_type == folder.type
            )
        if since is not None:
            query = query.where(c.updated_at >= format_datetime(since))
        if until is not None:
            query = query.where(c.updated_at <= format_datetime(until))
        rows = self.db.execute(query.order_by(c.id).offset(offset).limit(max_return)).all()
        return [self._asset_record(r) for r in rows]

    def _folder_exists(self, folder: FolderRef) -> str | None:
        """The program name when the folder is a program, "" for a plain folder; None when there is none."""
        if folder.type == "Program":
            row = self.db.execute(sa.select(programs.c.name).where(programs.c.id == folder.id)).first()
            return row.name if row is not None else None
        found = self.db.execute(sa.select(folders.c.id).where(folders.c.id == folder.id)).first()
        return "" if found is not None else None

    def create(self, name: str, folder: FolderRef, description: str | None) -> list[Record]:
        program_name = self._folder_exists(folder)
        if program_name is None:
            raise ApiError("710")
        if folder.type != "Program" and not holds_marketing_assets(self.db, folder.id):
            raise ApiError("711")  # an Email (or other Design Studio) folder holds only its own asset type
        if len(name) > MAX_NAME_CHARS:
            raise ApiError("1014")
        if self.db.execute(sa.select(static_lists.c.id).where(static_lists.c.name == name)).first() is not None:
            raise ApiError("709")
        result = self.db.execute(
            static_lists.insert().values(
                name=name, description=description, program_name=program_name or None, workspace_name="Default",
                created_at=self.stamp, updated_at=self.stamp,
            )
        )  # fmt: skip
        key = result.inserted_primary_key
        list_id = int(key[0]) if key is not None else 0
        self.db.execute(
            static_list_folders.insert().values(list_id=list_id, folder_id=folder.id, folder_type=folder.type)
        )
        return self.asset_by_id(list_id)

    def update(self, list_id: int, name: str | None, description: str | None) -> list[Record] | None:
        """The updated list, or None when there is no such list (the route answers 702 for an update)."""
        if self.db.execute(sa.select(static_lists.c.id).where(static_lists.c.id == list_id)).first() is None:
            return None
        values: dict[str, Any] = {"updated_at": self.stamp}
        if name is not None:
            if len(name) > MAX_NAME_CHARS:
                raise ApiError("1001", show(name), "String")
            clash = sa.select(static_lists.c.id).where(static_lists.c.name == name, static_lists.c.id != list_id)
            if self.db.execute(clash).first() is not None:
                raise ApiError("709")
            values["name"] = name
        if description is not None:
            values["description"] = description
        self.db.execute(static_lists.update().where(static_lists.c.id == list_id).values(**values))
        return self.asset_by_id(list_id)

    def delete(self, list_id: int) -> list[Record] | None:
        """The deleted id, or None when there is no such list."""
        if self.db.execute(sa.select(static_lists.c.id).where(static_lists.c.id == list_id)).first() is None:
            return None
        if list_in_use(self.db, list_id):
            raise ApiError("1022")
        self.db.execute(list_members.delete().where(list_members.c.list_id == list_id))
        self.db.execute(static_list_folders.delete().where(static_list_folders.c.list_id == list_id))
        self.db.execute(static_lists.delete().where(static_lists.c.id == list_id))
        return [{"id": list_id}]
