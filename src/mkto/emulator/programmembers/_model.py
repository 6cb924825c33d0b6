"""Program members: status progression, member data, query and delete. No HTTP here.

Behaviour Marketo leaves undocumented, chosen here:
- a statusName the program's channel lacks is response-level 1025 (Sync Program Member Status and the legacy
  Change Lead Program Status alike), checked before any record;
- "already in or past this status" (1037) is a current step greater than or equal to the requested one; a
  member never moves back;
- an unknown program, or one in a workspace the API user cannot use, is response-level 1013 "Object not
  found"; a leadId no lead has is skipped 1004, a lead in a partition the API user cannot use 1008 (status
  changes);
- Sync Program Member Data for a lead that is not a member is skipped 1013 "Membership not found"; a field that
  is not updateable or does not exist is skipped 1006;
- Delete Program Members for a lead that is not a member (or does not exist) is skipped 1037 "Lead not in
  program";
- Get Program Members searches leadId, statusName, reachedSuccess and the updateable text fields, or
  updatedAt between startAt and endAt: either missing is 1002, a bad datetime 704, endAt before startAt or a
  range over 7 days 1003; results are ordered by lead id.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping, Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Row

from mkto.emulator._api import ApiError, ApiUser, skipped
from mkto.emulator._common import paging
from mkto.emulator._common.tables import leads, program_member_data, program_members, programs
from mkto.emulator._common.values import format_datetime, show, storable_text
from mkto.emulator._params import Page, parse_id
from mkto.emulator.leads import LeadDatabase
from mkto.emulator.programmembers._channels import Channel, Status, channel_of
from mkto.errors.limits import MAX_BATCH_RECORDS

MAX_TEXT = 255
Record = dict[str, Any]

# (name, dataType, updateable, length)
FIELDS: tuple[tuple[str, str, bool, int | None], ...] = (
    ("acquiredBy", "boolean", False, None),
    ("attendanceLikelihood", "integer", False, None),
    ("createdAt", "datetime", False, None),
    ("isExhausted", "boolean", False, None),
    ("leadId", "integer", False, None),
    ("membershipDate", "datetime", False, None),
    ("nurtureCadence", "string", False, 4),
    ("program", "string", False, 255),
    ("programId", "integer", False, None),
    ("reachedSuccess", "boolean", False, None),
    ("reachedSuccessDate", "datetime", False, None),
    ("registrationCode", "string", True, 255),
    ("registrationLikelihood", "integer", False, None),
    ("statusName", "string", False, 255),
    ("statusReason", "string", True, 255),
    ("stream", "string", False, 255),
    ("trackName", "string", False, 255),
    ("updatedAt", "datetime", False, None),
    ("webinarUrl", "string", True, 255),
)
UPDATEABLE = frozenset(name for name, _, updateable, _ in FIELDS if updateable)
FIELD_NAMES = {name.lower(): name for name, *_ in FIELDS}
SEARCHABLE = ("leadId", "statusName", "reachedSuccess", "registrationCode", "statusReason", "webinarUrl")
DEFAULT_FIELDS = ("acquiredBy", "leadId", "membershipDate", "programId", "reachedSuccess")
DESCRIBE_SINCE = "2021-03-20T01:30:05Z"


def describe() -> list[Record]:
    return [{
        "name": "API Program Membership",
        "description": "Map for API program membership fields",
        "createdAt": DESCRIBE_SINCE,
        "updatedAt": DESCRIBE_SINCE,
        "dedupeFields": ["leadId", "programId"],
        "searchableFields": [[name] for name in SEARCHABLE],
        "fields": [
            {"name": name, "displayName": name, "dataType": kind, **({"length": length} if length else {}),
             "updateable": updateable, "crmManaged": False}
            for name, kind, updateable, length in FIELDS
        ],
    }]  # fmt: skip


def field_metadata(name: str) -> list[Record]:
    """Get Program Member Field by Name; response-level 1006 for a field the program member has not."""
    canonical = FIELD_NAMES.get(name.lower())
    if canonical is None:
        raise ApiError("1006", show(name))
    return [_metadata(f) for f in FIELDS if f[0] == canonical]


def fields_page(batch_size: int, token: str | None) -> Page:
    start = paging.decode(token, "programMemberFields") if token else 0
    more = start + batch_size < len(FIELDS)
    next_token = paging.encode("programMemberFields", start + batch_size) if more else None
    return Page([_metadata(f) for f in FIELDS[start : start + batch_size]], next_token, more)


def _metadata(spec: tuple[str, str, bool, int | None]) -> Record:
    name, kind, _updateable, length = spec
    out: Record = {"displayName": name, "name": name, "description": None, "dataType": kind}
    if length is not None:
        out["length"] = length
    out.update({"isHidden": False, "isHtmlEncodingInEmail": kind == "string", "isSensitive": False,
                "isCustom": False, "isApiCreated": False})  # fmt: skip
    return out


class ProgramMembers:
    def __init__(self, db: Connection, now: dt.datetime, program_id: int, user: ApiUser) -> None:
        self.db = db
        self.stamp = format_datetime(now)
        row = db.execute(programs.select().where(programs.c.id == program_id)).first() if program_id else None
        if row is None or (user.workspaces is not None and row.workspace not in user.workspaces):
            raise ApiError("1013")
        self.program: Row[Any] = row
        self.lead_db = LeadDatabase(db, user, now)
        self.channel: Channel = channel_of(row.channel)

    # --- status -----------------------------------------------------------------------------------
    def status_of(self, name: Any) -> Status:
        status = self.channel.status(name) if isinstance(name, str) else None
        if status is None:
            raise ApiError("1025")
        return status

    def sync_status(self, status_name: Any, inputs: Sequence[Any], *, id_key: str = "leadId") -> list[Record]:
        status = self.status_of(status_name)
        _check_batch(inputs)
        results: list[Record] = []
        for seq, item in enumerate(inputs):
            lead_id = parse_id(item.get(id_key)) if isinstance(item, dict) else None
            head: Record = {"seq": seq} if id_key == "leadId" else {}
            if lead_id is None:
                results.append(skipped("1002", id_key, **head))
            elif (partition := self._lead_partition(lead_id)) is None:
                results.append(skipped("1004", **head))
            elif partition:
                results.append(skipped("1008", partition, **head))
            else:
                results.append(self._set_status(lead_id, status, head, id_key))
        return results

    def _set_status(self, lead_id: int, status: Status, head: Record, id_key: str) -> Record:
        member = self._member(lead_id)
        if member is None:
            self.db.execute(program_members.insert().values(
                program_id=self.program.id, lead_id=lead_id, progression_status=status.name,
                progression_status_type=self.channel.program_type, reached_success=status.success,
                membership_date=self.stamp, updated_at=self.stamp,
            ))  # fmt: skip
            return {**head, "status": "created", id_key: lead_id}
        current = self.channel.status(member.progression_status)
        if current is not None and current.step >= status.step:
            return skipped("1037", variant="already_in_status", **head)
        self.db.execute(program_members.update().where(program_members.c.id == member.id).values(
            progression_status=status.name, reached_success=member.reached_success or status.success,
            updated_at=self.stamp,
        ))  # fmt: skip
        return {**head, "status": "updated", id_key: lead_id}

    # --- data -------------------------------------------------------------------------------------
    def sync_data(self, inputs: Sequence[Any]) -> list[Record]:
        _check_batch(inputs)
        results: list[Record] = []
        for seq, item in enumerate(inputs):
            lead_id = parse_id(item.get("leadId")) if isinstance(item, dict) else None
            if lead_id is None or not isinstance(item, dict):
                results.append(skipped("1002", "leadId", seq=seq))
                continue
            bad = next((k for k in item if k != "leadId" and FIELD_NAMES.get(k.lower()) not in UPDATEABLE), None)
            if bad is not None:
                results.append(skipped("1006", show(bad), seq=seq))
                continue
            changes = {FIELD_NAMES[k.lower()]: v for k, v in item.items() if k != "leadId"}
            invalid = next(((k, v) for k, v in changes.items() if not _text_ok(v)), None)
            if invalid is not None:
                results.append(skipped("1003", invalid[0], show(invalid[1]), variant="invalid_field_value", seq=seq))
            elif self._member(lead_id) is None:
                results.append(skipped("1013", variant="membership_not_found", seq=seq))
            else:
                self._write_data(lead_id, changes)
                results.append({"seq": seq, "status": "updated", "leadId": lead_id})
        return results

    def _write_data(self, lead_id: int, changes: Mapping[str, Any]) -> None:
        t = program_member_data
        where = (t.c.program_id == self.program.id, t.c.lead_id == lead_id)
        row = self.db.execute(t.select().where(*where)).first()
        data = {k: v for k, v in {**(row.data if row else {}), **changes}.items() if v not in (None, "")}
        if row is None:
            self.db.execute(t.insert().values(program_id=self.program.id, lead_id=lead_id, data=data))
        else:
            self.db.execute(t.update().where(*where).values(data=data))
        self.db.execute(program_members.update().where(
            program_members.c.program_id == self.program.id, program_members.c.lead_id == lead_id,
        ).values(updated_at=self.stamp))  # fmt: skip

    # --- delete -----------------------------------------------------------------------------------
    def delete(self, inputs: Sequence[Any]) -> list[Record]:
        _check_batch(inputs)
        results: list[Record] = []
        for seq, item in enumerate(inputs):
            lead_id = parse_id(item.get("leadId")) if isinstance(item, dict) else None
            member = self._member(lead_id) if lead_id is not None else None
            if lead_id is None:
                results.append(skipped("1002", "leadId", seq=seq))
            elif member is None:
                results.append(skipped("1037", variant="not_in_program", seq=seq))
            else:
                self.db.execute(program_members.delete().where(program_members.c.id == member.id))
                self.db.execute(program_member_data.delete().where(
                    program_member_data.c.program_id == self.program.id, program_member_data.c.lead_id == lead_id))  # fmt: skip
                results.append({"seq": seq, "status": "deleted", "leadId": lead_id})
        return results

    # --- query ------------------------------------------------------------------------------------
    def query(
        self, filter_type: str, values: Sequence[str], fields: Sequence[str] | None, batch_size: int,
        token: str | None, *, window: tuple[str, str] | None = None,
    ) -> Page:  # fmt: skip
        """`window` (startAt, endAt as stored timestamps) is the range of filterType=updatedAt."""
        name = FIELD_NAMES.get(filter_type.lower())
        if name is None:
            raise ApiError("1006", show(filter_type))
        if name not in SEARCHABLE and not (name == "updatedAt" and window is not None):
            raise ApiError("1011", show(filter_type))
        if len(values) > MAX_BATCH_RECORDS:
            raise ApiError("1003")
        shown = [FIELD_NAMES.get(f.lower()) or _unknown(f) for f in fields] if fields else list(DEFAULT_FIELDS)
        scope = json.dumps([self.program.id, name, list(values), shown, window])
        after = paging.decode(token, "programMembers", scope) if token else 0
        t = program_members
        rows = self.db.execute(
            t.select().where(t.c.program_id == self.program.id, t.c.lead_id > after).order_by(t.c.lead_id)
        ).all()
        wanted = [v.lower() for v in values]
        matches: list[tuple[int, Record]] = []
        for row in rows:
            view = self._view(row)
            found = _render_value(view.get(name))
            if window is not None:
                if window[0] <= view["updatedAt"] <= window[1]:
                    matches.append((0, view))
            elif found is not None and found.lower() in wanted:
                matches.append((wanted.index(found.lower()), view))
            if len(matches) > batch_size:
                break
        page, more = matches[:batch_size], len(matches) > batch_size
        result = [{"seq": seq, **{k: view[k] for k in shown if view.get(k) is not None}} for seq, view in page]
        next_token = paging.encode("programMembers", page[-1][1]["leadId"], scope) if more else None
        return Page(result, next_token, more)

    def _view(self, row: Row[Any]) -> Record:
        extra = self.db.execute(program_member_data.select().where(
            program_member_data.c.program_id == row.program_id, program_member_data.c.lead_id == row.lead_id,
        )).first()  # fmt: skip
        return {
            **(extra.data if extra is not None else {}),
            "leadId": row.lead_id, "programId": row.program_id, "program": self.program.name,
            "acquiredBy": row.acquired_by, "reachedSuccess": row.reached_success, "isExhausted": row.is_exhausted,
            "membershipDate": row.membership_date, "createdAt": row.membership_date, "updatedAt": row.updated_at,
            "statusName": row.progression_status, "stream": row.stream, "nurtureCadence": row.nurture_cadence,
        }  # fmt: skip

    # --- helpers ----------------------------------------------------------------------------------
    def _member(self, lead_id: int) -> Row[Any] | None:
        t = program_members
        return self.db.execute(t.select().where(t.c.program_id == self.program.id, t.c.lead_id == lead_id)).first()

    def _lead_partition(self, lead_id: int) -> str | None:
        """None: no such lead; the partition's name when the API user may not touch it; "" when it may."""
        row = self.db.execute(sa.select(leads.c.partition_id).where(leads.c.id == lead_id)).first()
        if row is None:
            return None
        reachable = self.lead_db.accessible()
        return (
            "" if reachable is None or row.partition_id in reachable else self.lead_db.partition_name(row.partition_id)
        )


def _check_batch(inputs: Sequence[Any]) -> None:
    if not inputs:
        raise ApiError("1002", "input")
    if len(inputs) > MAX_BATCH_RECORDS:
        raise ApiError("1003")


def _text_ok(value: Any) -> bool:
    if value is None:
        return True
    return isinstance(value, str) and storable_text(value) and len(value) <= MAX_TEXT


def _render_value(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _unknown(name: str) -> str:
    raise ApiError("1006", show(name))
