"""Asset API folders and programs: the tree, its business rules and approval states. No HTTP here.

Behaviour Marketo leaves undocumented, chosen here:
- every instance has the system folders "Marketing Activities" (1), "Design Studio" (2) with "Emails" (3),
  and "Lead Database" (4) with "Default" (5) holding the lists area's "Group Lists" (12) and "Seed Lists"
  (13), plus the program "Mobile Push Program" in Marketing Activities, which holds a push notification and so
  cannot be cloned (709); a cloned program lands in the source's workspace (another one is 709);
- folders live in the lists area's `folders` table (so static lists and smart campaigns can be created in
  them), with their type and flags in `folder_details`; a folder created inside another keeps its type;
- a program lives in a "Marketing Folder" folder; any other folder type (or a program as its parent) is 711;
  a Design Studio folder (Email, Landing Page, Snippet, ...) holds only its own asset type, so a static list or
  smart campaign created in one is 711 too (`holds_marketing_assets`);
  a folder lives in a folder or a program; a parent no one has (or in a workspace the API user cannot see) is
  710;
- names: a program's is unique across the instance, a folder's among its siblings (709 otherwise);
- a program's channel must exist and fit its type (Default/Email: program channels, Event and Event with
  Webinar: event channels, Engagement: Nurture), else 709; only Email programs have approval states: one is
  created as a draft ("unlocked"), approving it locks it, approving it again (no draft) is 709, as is
  unapproving an unapproved one and approving any other program type;
- a folder can be deleted only when it is empty and not a system folder (709); Delete Folder on a program is
  709 (programs are deleted through Delete Program);
- updating or deleting an id nothing has is 702; reads of it are a success with a warning;
- folders and programs outside the API user's workspaces are invisible.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Row

from mkto import errors
from mkto.emulator._api import ApiError, ApiUser
from mkto.emulator._common.tables import folders, program_members, programs, static_list_folders
from mkto.emulator._common.values import format_datetime
from mkto.emulator._params import digits
from mkto.emulator._render import asset_stamp
from mkto.emulator.assets._tables import folder_details, program_details
from mkto.emulator.programmembers import CHANNELS, Channel

FOLDER = "Folder"
PROGRAM = "Program"
MARKETING_FOLDER = "Marketing Folder"
NOT_FOUND = errors.get("702").format(variant="no_assets")  # the warning of a read that finds nothing
DEFAULT_WORKSPACE = "Default"
SEED_STAMP = "2020-08-14T20:43:13Z"
MARKETING_ACTIVITIES = 1
PROGRAM_TYPES: Mapping[str, str] = {
    "Default": "program", "Email": "program", "Event": "event", "Event with Webinar": "event",
    "Engagement": "nurture",
}  # fmt: skip
FOLDER_TYPES = ("Marketing Folder", "Email", "Email Template", "Landing Page", "Landing Page Template", "Snippet",
                "Image", "Zone", "File", "List")  # fmt: skip

# (id, name, folder type, parent id)
SEED_FOLDERS: tuple[tuple[int, str, str, int | None], ...] = (
    (1, "Marketing Activities", MARKETING_FOLDER, None),
    (2, "Design Studio", MARKETING_FOLDER, None),
    (3, "Emails", "Email", 2),
    (4, "Lead Database", MARKETING_FOLDER, None),
    (5, "Default", MARKETING_FOLDER, 4),
    (12, "Group Lists", "List", 5),  # created by the lists area's seed; typed and placed here
    (13, "Seed Lists", "List", 5),
)
UNCLONABLE_PROGRAM = "Mobile Push Program"
# "The other folder types contain only the corresponding asset type, subfolders, and the template version of that
# asset type" (folders): these hold no program, static list or smart campaign.
DESIGN_STUDIO_TYPES = frozenset({"Email", "Email Template", "Landing Page", "Landing Page Template", "Snippet",
                                 "Image", "File"})  # fmt: skip

Record = dict[str, Any]

_PARENT_KIND = sa.cast(sa.func.coalesce(folder_details.c.parent_kind, FOLDER), sa.String)
_FOLDER: sa.Select[Any] = sa.select(
    folders.c.id,
    folders.c.name,
    folders.c.parent_id,
    folders.c.workspace,
    folders.c.created_at,
    folders.c.updated_at,
    folder_details.c.description,
    sa.func.coalesce(folder_details.c.folder_type, MARKETING_FOLDER).label("folder_type"),
    _PARENT_KIND.label("parent_kind"),
    sa.func.coalesce(folder_details.c.is_system, False).label("is_system"),
    sa.func.coalesce(folder_details.c.is_archive, False).label("is_archive"),
).select_from(folders.outerjoin(folder_details, folder_details.c.folder_id == folders.c.id))


def holds_marketing_assets(db: Connection, folder_id: int) -> bool:
    """False for a Design Studio folder (an Email folder holds only emails and their subfolders): a static list or
    a smart campaign placed there is 711. A folder id nothing has is True (the caller answers 710)."""
    row = db.execute(sa.select(folder_details.c.folder_type).where(folder_details.c.folder_id == folder_id)).first()
    return row is None or row.folder_type not in DESIGN_STUDIO_TYPES


def seed(db: Connection) -> None:
    for folder_id, name, kind, parent in SEED_FOLDERS:
        if db.execute(sa.select(folders.c.id).where(folders.c.id == folder_id)).first() is None:
            db.execute(folders.insert().values(
                id=folder_id, name=name, parent_id=parent, workspace=DEFAULT_WORKSPACE, created_at=SEED_STAMP,
                updated_at=SEED_STAMP,
            ))  # fmt: skip
        elif parent is not None:  # the lists area seeds its list folders as roots: hang them in the tree
            db.execute(folders.update().where(folders.c.id == folder_id).values(parent_id=parent))
        if (
            db.execute(sa.select(folder_details.c.folder_id).where(folder_details.c.folder_id == folder_id)).first()
            is None
        ):
            db.execute(folder_details.insert().values(
                folder_id=folder_id, folder_type=kind, parent_kind=FOLDER if parent else None, is_system=True,
                is_archive=False,
            ))  # fmt: skip
    if db.execute(programs.select().where(programs.c.name == UNCLONABLE_PROGRAM)).first() is None:
        key = db.execute(programs.insert().values(
            name=UNCLONABLE_PROGRAM, description="Holds a push notification", type="Default",
            channel="Operational", workspace=DEFAULT_WORKSPACE, created_at=SEED_STAMP, updated_at=SEED_STAMP,
        )).inserted_primary_key  # fmt: skip
        assert key is not None
        db.execute(program_details.insert().values(
            program_id=int(key[0]), folder_id=MARKETING_ACTIVITIES, status="", clonable=False, tags=[], costs=[]))  # fmt: skip


def advance_sequences(db: Connection) -> None:
    """On PostgreSQL, move the id sequences past rows seeded with explicit ids (folders 1-5, the lists area's 12
    and 13, seeded programs), or the next folder or program created would collide with them."""
    if db.dialect.name != "postgresql":
        return
    for table in (folders, programs):
        db.execute(sa.text(
            f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), (SELECT COALESCE(MAX(id), 0) + 1 FROM "
            f"{table.name}), false)"
        ))  # fmt: skip


@dataclass(frozen=True, slots=True)
class Ref:
    id: int
    type: str  # Folder | Program


def parse_ref(raw: Any, name: str) -> Ref:
    """`{"id": 14, "type": "Folder"}` as JSON text or an object; 701 when blank, 1001 when malformed."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        raise ApiError("701", name)
    value = raw
    if isinstance(raw, str):
        try:
            value = json.loads(raw)
        except ValueError:
            raise ApiError("1001", raw, "FolderId") from None
    if not isinstance(value, dict):
        raise ApiError("1001", str(raw), "FolderId")
    folder_id, kind = value.get("id"), value.get("type")
    if isinstance(folder_id, str) and digits(folder_id) and len(folder_id) < 10:
        folder_id = int(folder_id)
    if not isinstance(folder_id, int) or isinstance(folder_id, bool) or not isinstance(kind, str):
        raise ApiError("1001", str(raw), "FolderId")
    if kind.lower() not in ("folder", "program"):
        raise ApiError("1001", str(raw), "FolderId")
    return Ref(folder_id, FOLDER if kind.lower() == "folder" else PROGRAM)


def render_channel(channel: Channel) -> Record:
    return {
        "id": channel.id, "name": channel.name, "applicableProgramType": channel.program_type,
        "progressionStatuses": [
            {"name": s.name, "step": s.step, "description": None, "hidden": False, "success": s.success}
            for s in channel.statuses
        ],
        "createdAt": asset_stamp(SEED_STAMP), "updatedAt": asset_stamp(SEED_STAMP),
    }  # fmt: skip


def channels(offset: int, max_return: int) -> list[Record]:
    ordered = sorted(CHANNELS.values(), key=lambda c: c.id)
    return [render_channel(c) for c in ordered[offset : offset + max_return]]


def channel_by_name(name: str) -> list[Record]:
    return [render_channel(c) for c in CHANNELS.values() if c.name == name]


class Assets:
    def __init__(self, db: Connection, now: dt.datetime, user: ApiUser) -> None:
        self.db, self.user = db, user
        self.stamp = format_datetime(now)

    def _visible(self, workspace: str) -> bool:
        return self.user.workspaces is None or workspace in self.user.workspaces

    # --- lookups ----------------------------------------------------------------------------------
    def folder_row(self, folder_id: int) -> Row[Any] | None:
        row = self.db.execute(_FOLDER.where(folders.c.id == folder_id)).first()
        return row if row is not None and self._visible(row.workspace) else None

    def program_row(self, program_id: int) -> Row[Any] | None:
        row = self.db.execute(programs.select().where(programs.c.id == program_id)).first()
        return row if row is not None and self._visible(row.workspace) else None

    def details(self, program_id: int) -> Mapping[str, Any]:
        row = self.db.execute(program_details.select().where(program_details.c.program_id == program_id)).first()
        if row is None:
            return {"folder_id": MARKETING_ACTIVITIES, "status": "", "clonable": True, "tags": [], "costs": []}
        return dict(row._mapping)

    def node(self, ref: Ref) -> Row[Any] | None:
        return self.folder_row(ref.id) if ref.type == FOLDER else self.program_row(ref.id)

    # --- rendering --------------------------------------------------------------------------------
    def _path(self, ref: Ref) -> str:
        names: list[str] = []
        seen: set[tuple[int, str]] = set()
        current: Ref | None = ref
        while current is not None and (current.id, current.type) not in seen:
            seen.add((current.id, current.type))
            parent = self._parent(current)
            table = folders if current.type == FOLDER else programs
            row = self.db.execute(sa.select(table.c.name).where(table.c.id == current.id)).first()
            if row is None:
                break
            names.append(row.name)
            current = parent
        return "/" + "/".join(reversed(names))

    def _parent(self, ref: Ref) -> Ref | None:
        if ref.type == PROGRAM:
            return Ref(int(self.details(ref.id)["folder_id"]), FOLDER)
        row = self.db.execute(_FOLDER.where(folders.c.id == ref.id)).first()
        if row is None or row.parent_id is None:
            return None
        return Ref(int(row.parent_id), row.parent_kind or FOLDER)

    def render_folder(self, row: Row[Any]) -> Record:
        parent = {"id": row.parent_id, "type": row.parent_kind} if row.parent_id is not None else None
        return {
            "name": row.name, "description": row.description, "createdAt": asset_stamp(row.created_at),
            "updatedAt": asset_stamp(row.updated_at), "url": None, "folderId": {"id": row.id, "type": FOLDER},
            "folderType": row.folder_type, "parent": parent, "path": self._path(Ref(row.id, FOLDER)),
            "isArchive": row.is_archive, "isSystem": row.is_system, "accessZoneId": 1, "workspace": row.workspace,
            "id": row.id,
        }  # fmt: skip

    def render_program_folder(self, row: Row[Any]) -> Record:
        folder_id = int(self.details(row.id)["folder_id"])
        return {
            "name": row.name, "description": row.description, "createdAt": asset_stamp(row.created_at),
            "updatedAt": asset_stamp(row.updated_at), "url": None, "folderId": {"id": row.id, "type": PROGRAM},
            "folderType": PROGRAM, "parent": {"id": folder_id, "type": FOLDER},
            "path": self._path(Ref(row.id, PROGRAM)), "isArchive": False, "isSystem": False, "accessZoneId": 1,
            "workspace": row.workspace, "id": row.id,
        }  # fmt: skip

    def render_program(self, row: Row[Any]) -> Record:
        details = self.details(row.id)
        folder = self.folder_row(int(details["folder_id"]))
        return {
            "id": row.id, "name": row.name, "description": row.description or "",
            "createdAt": asset_stamp(row.created_at), "updatedAt": asset_stamp(row.updated_at),
            "url": f"https://app-emulator.marketo.com/#PG{row.id}A1", "type": row.type, "channel": row.channel,
            "folder": {"type": FOLDER, "value": int(details["folder_id"]),
                       "folderName": folder.name if folder is not None else ""},
            "status": details["status"], "workspace": row.workspace, "tags": list(details["tags"]),
            "costs": list(details["costs"]),
        }  # fmt: skip

    # --- folders ----------------------------------------------------------------------------------
    def get_folder(self, ref: Ref) -> list[Record]:
        if ref.type == PROGRAM:
            row = self.program_row(ref.id)
            return [self.render_program_folder(row)] if row is not None else []
        folder = self.folder_row(ref.id)
        return [self.render_folder(folder)] if folder is not None else []

    def folders_by_name(self, name: str, kind: str | None, root: Ref | None, workspace: str | None) -> list[Record]:
        out = [r for r in self.browse(root, max_depth=None, workspace=workspace) if r["name"] == name]
        return [r for r in out if kind is None or r["folderId"]["type"] == kind]

    def browse(self, root: Ref | None, *, max_depth: int | None, workspace: str | None) -> list[Record]:
        """Depth-first from `root` (every root folder when None), `root` itself first."""
        out: list[Record] = []
        starts: list[tuple[Ref, int]] = []
        if root is not None:
            if self.node(root) is None:
                return []
            starts.append((root, 1))
        else:
            tops = self.db.execute(_FOLDER.where(folders.c.parent_id.is_(None)).order_by(folders.c.id)).all()
            starts.extend((Ref(t.id, FOLDER), 1) for t in tops)
        stack = list(reversed(starts))
        while stack:
            ref, depth = stack.pop()
            row = self.node(ref)
            if row is None or (workspace is not None and row.workspace != workspace):
                continue
            out.extend(self.get_folder(ref))
            if max_depth is None or depth < max_depth:
                stack.extend(reversed([(child, depth + 1) for child in self._children(ref)]))
        return out

    def _children(self, ref: Ref) -> list[Ref]:
        rows = self.db.execute(
            _FOLDER.where(folders.c.parent_id == ref.id, _PARENT_KIND.in_([ref.type])).order_by(folders.c.id)).all()  # fmt: skip
        kids = [Ref(r.id, FOLDER) for r in rows]
        if ref.type == FOLDER:
            kids += [Ref(p, PROGRAM) for p in self._programs_in(ref.id)]
        return kids

    def _programs_in(self, folder_id: int) -> list[int]:
        ids: list[int] = []
        for row in self.db.execute(sa.select(programs.c.id).order_by(programs.c.id)).all():
            if int(self.details(row.id)["folder_id"]) == folder_id:
                ids.append(row.id)
        return ids

    def content(self, ref: Ref) -> list[Record] | None:
        """Get Folder Contents: the folders, programs and static lists directly inside; None: no such folder."""
        if self.node(ref) is None:
            return None
        items = [{"id": child.id, "type": child.type} for child in self._children(ref)]
        t = static_list_folders
        lists = self.db.execute(
            sa.select(t.c.list_id).where(t.c.folder_id == ref.id, t.c.folder_type == ref.type).order_by(t.c.list_id)
        ).all()  # fmt: skip
        return items + [{"id": row.list_id, "type": "StaticList"} for row in lists]

    def create_folder(self, name: str, parent: Ref, description: str | None) -> list[Record]:
        holder = self.node(parent)
        if holder is None:
            raise ApiError("710")
        siblings = self.db.execute(_FOLDER.where(
            folders.c.parent_id == parent.id, _PARENT_KIND.in_([parent.type]), folders.c.name == name)).first()  # fmt: skip
        if siblings is not None:
            raise ApiError("709")
        kind = holder.folder_type if parent.type == FOLDER else MARKETING_FOLDER  # a subfolder keeps its type
        key = self.db.execute(folders.insert().values(
            name=name, parent_id=parent.id, workspace=holder.workspace, created_at=self.stamp, updated_at=self.stamp,
        )).inserted_primary_key  # fmt: skip
        assert key is not None
        self.db.execute(folder_details.insert().values(
            folder_id=int(key[0]), folder_type=kind, description=description, parent_kind=parent.type,
            is_system=False, is_archive=False,
        ))  # fmt: skip
        return self.get_folder(Ref(int(key[0]), FOLDER))

    def update_folder(self, ref: Ref, changes: Mapping[str, Any]) -> list[Record]:
        if ref.type == PROGRAM:
            return self.update_program(ref.id, {k: v for k, v in changes.items() if k in ("name", "description")})
        row = self.folder_row(ref.id)
        if row is None:
            raise ApiError("702")
        if row.is_system:
            raise ApiError("709")
        values = dict(changes)
        if "name" in values and values["name"] != row.name:
            clash = self.db.execute(_FOLDER.where(
                folders.c.parent_id == row.parent_id, _PARENT_KIND.in_([row.parent_kind]),
                folders.c.name == values["name"], folders.c.id != row.id)).first()  # fmt: skip
            if clash is not None:
                raise ApiError("709")
        if "name" in values:
            self.db.execute(folders.update().where(folders.c.id == row.id).values(name=values["name"]))
        self.db.execute(folders.update().where(folders.c.id == row.id).values(updated_at=self.stamp))
        self.db.execute(folder_details.delete().where(folder_details.c.folder_id == row.id))
        self.db.execute(folder_details.insert().values(
            folder_id=row.id, folder_type=row.folder_type, parent_kind=row.parent_kind if row.parent_id else None,
            description=values.get("description", row.description), is_system=row.is_system,
            is_archive=values.get("is_archive", row.is_archive),
        ))  # fmt: skip
        return self.get_folder(ref)

    def delete_folder(self, ref: Ref) -> list[Record]:
        if ref.type == PROGRAM:
            raise ApiError("709")
        row = self.folder_row(ref.id)
        if row is None:
            raise ApiError("702")
        if row.is_system or self._children(ref):
            raise ApiError("709")
        self.db.execute(folder_details.delete().where(folder_details.c.folder_id == row.id))
        self.db.execute(folders.delete().where(folders.c.id == row.id))
        return [{"id": row.id}]

    # --- programs ---------------------------------------------------------------------------------
    def _program_folder(self, ref: Ref) -> Row[Any]:
        holder = self.node(ref)
        if holder is None:
            raise ApiError("710")
        if ref.type == PROGRAM or holder.folder_type != MARKETING_FOLDER:
            raise ApiError("711")
        return holder

    def _unique_program_name(self, name: str, except_id: int | None = None) -> None:
        query = programs.select().where(programs.c.name == name)
        if except_id is not None:
            query = query.where(programs.c.id != except_id)
        if self.db.execute(query).first() is not None:
            raise ApiError("709")

    def create_program(
        self, *, name: str, folder: Ref, program_type: str, channel: str, description: str | None,
        costs: list[Any], tags: list[Any],
    ) -> list[Record]:  # fmt: skip
        holder = self._program_folder(folder)
        kind = PROGRAM_TYPES.get(program_type)
        found = CHANNELS.get(channel)
        if kind is None or found is None or found.program_type != kind:
            raise ApiError("709")
        self._unique_program_name(name)
        key = self.db.execute(programs.insert().values(
            name=name, description=description, type=program_type, channel=found.name, workspace=holder.workspace,
            created_at=self.stamp, updated_at=self.stamp,
        )).inserted_primary_key  # fmt: skip
        assert key is not None
        program_id = int(key[0])
        self.db.execute(program_details.insert().values(
            program_id=program_id, folder_id=folder.id, status="unlocked" if program_type == "Email" else "",
            clonable=True, tags=tags, costs=costs,
        ))  # fmt: skip
        return self.get_program(program_id)

    def get_program(self, program_id: int) -> list[Record]:
        row = self.program_row(program_id)
        return [self.render_program(row)] if row is not None else []

    def program_by_name(self, name: str) -> list[Record]:
        rows = self.db.execute(programs.select().where(programs.c.name == name)).all()
        return [self.render_program(r) for r in rows if self._visible(r.workspace)]

    def programs_by_tag(self, tag_type: str, tag_value: str, *, offset: int, max_return: int) -> list[Record]:
        rows = [
            r for r in self.db.execute(programs.select().order_by(programs.c.id)).all() if self._visible(r.workspace)
        ]
        tagged = [
            r for r in rows
            if any(isinstance(t, dict) and t.get("tagType") == tag_type and t.get("tagValue") == tag_value
                   for t in self.details(r.id)["tags"])
        ]  # fmt: skip
        return [self.render_program(r) for r in tagged[offset : offset + max_return]]

    def browse_programs(
        self, *, offset: int, max_return: int, since: str | None, until: str | None,
        filter_type: str | None, values: Sequence[str],
    ) -> list[Record]:  # fmt: skip
        rows = [
            r for r in self.db.execute(programs.select().order_by(programs.c.id)).all() if self._visible(r.workspace)
        ]
        if since is not None:
            rows = [r for r in rows if r.updated_at >= since]
        if until is not None:
            rows = [r for r in rows if r.updated_at <= until]
        if filter_type is not None:
            rows = [r for r in rows if self._filter_value(r, filter_type) in values]
        return [self.render_program(r) for r in rows[offset : offset + max_return]]

    def _filter_value(self, row: Row[Any], filter_type: str) -> str:
        if filter_type in ("id", "programId"):
            return str(row.id)
        if filter_type == "folderId":
            return str(self.details(row.id)["folder_id"])
        return str(row.workspace)

    def _program_or_702(self, program_id: int) -> Row[Any]:
        row = self.program_row(program_id)
        if row is None:
            raise ApiError("702")
        return row

    def update_program(self, program_id: int, changes: Mapping[str, Any]) -> list[Record]:
        row = self._program_or_702(program_id)
        values = {k: v for k, v in changes.items() if k in ("name", "description")}
        if "name" in values:
            self._unique_program_name(str(values["name"]), except_id=row.id)
        self.db.execute(programs.update().where(programs.c.id == row.id).values(**values, updated_at=self.stamp))
        detail_changes: dict[str, Any] = {}
        details = self.details(row.id)
        if "costs" in changes:
            destructive = bool(changes.get("costsDestructiveUpdate"))
            detail_changes["costs"] = list(changes["costs"]) if destructive else [*details["costs"], *changes["costs"]]
        if "tags" in changes:
            detail_changes["tags"] = list(changes["tags"])
        if detail_changes:
            self._save_details(row.id, {**details, **detail_changes})
        return self.get_program(row.id)

    def _save_details(self, program_id: int, details: Mapping[str, Any]) -> None:
        self.db.execute(program_details.delete().where(program_details.c.program_id == program_id))
        self.db.execute(program_details.insert().values(
            program_id=program_id, folder_id=details["folder_id"], status=details["status"],
            clonable=details["clonable"], tags=details["tags"], costs=details["costs"],
        ))  # fmt: skip

    def clone_program(self, program_id: int, *, name: str, folder: Ref, description: str | None) -> list[Record]:
        row = self._program_or_702(program_id)
        details = self.details(row.id)
        if not details["clonable"]:
            raise ApiError("709")
        holder = self._program_folder(folder)
        if holder.workspace != row.workspace:
            raise ApiError("709")
        self._unique_program_name(name)
        key = self.db.execute(programs.insert().values(
            name=name, description=description if description is not None else row.description, type=row.type,
            channel=row.channel, workspace=row.workspace, created_at=self.stamp, updated_at=self.stamp,
        )).inserted_primary_key  # fmt: skip
        assert key is not None
        status = "unlocked" if row.type == "Email" else ""
        self._save_details(int(key[0]), {**details, "folder_id": folder.id, "status": status, "clonable": True})
        return self.get_program(int(key[0]))

    def delete_program(self, program_id: int) -> list[Record]:
        row = self._program_or_702(program_id)
        self.db.execute(program_members.delete().where(program_members.c.program_id == row.id))
        self.db.execute(program_details.delete().where(program_details.c.program_id == row.id))
        self.db.execute(programs.delete().where(programs.c.id == row.id))
        return [{"id": row.id}]

    def approve(self, program_id: int, *, approve: bool) -> list[Record]:
        row = self._program_or_702(program_id)
        details = self.details(row.id)
        wanted_before = "unlocked" if approve else "locked"
        if row.type != "Email" or details["status"] != wanted_before:
            raise ApiError("709")
        self._save_details(row.id, {**details, "status": "locked" if approve else "unlocked"})
        self.db.execute(programs.update().where(programs.c.id == row.id).values(updated_at=self.stamp))
        return [{"id": row.id}]
