"""Smart campaigns: browse (Lead Database and Asset API), create, activate/deactivate, Request Campaign and
Schedule Campaign, with their effects logged as activities.

Every instance starts with two programs and five campaigns (`seed`), one per condition a caller must be able
to reach: a requestable active trigger campaign, an inactive one, an active one without the "Campaign is
Requested" trigger, and two batch campaigns. The Asset API creates more (batch, inactive, as Marketo does).

Undocumented choices: an inactive or non-requestable trigger campaign, more than 100 leads or tokens, a token
not named `{{my.…}}` and Schedule Campaign on a trigger campaign are all 1003 "Invalid data" (the code Marketo
documents for Request Campaign on a batch campaign); lead ids Marketo does not know are ignored by Request
Campaign; a batch campaign's audience is its campaign members plus the members of the static lists of its
program, each of whom gets a "Run Campaign" activity dated `runAt` (read back once the clock gets there);
`cloneToProgramName` naming an existing program is 1017; creating one in an Email or other Design Studio folder
is 711 (such a folder holds only its own asset type), in an unknown folder 710; activating or deactivating a
campaign nothing has is 702 (the Asset API's rule for writes; reads of it answer success with 702's warning);
the clone allotment counts clones per day in America/Chicago, resetting at midnight there.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from mkto import errors
from mkto.emulator._api import ApiError
from mkto.emulator._common import activity as types
from mkto.emulator._common import keyset
from mkto.emulator._common.activity import record_activity
from mkto.emulator._common.tables import (
    campaign_members,
    campaigns,
    folders,
    leads,
    list_members,
    programs,
    static_lists,
)
from mkto.emulator._common.values import InvalidValue, format_datetime, parse_datetime, show
from mkto.emulator._params import FolderRef, Page, parse_id
from mkto.emulator._render import asset_stamp
from mkto.emulator.assets import holds_marketing_assets
from mkto.emulator.campaigns._tables import campaign_folders, campaign_runs
from mkto.errors.limits import MAX_TRIGGER_LEADS, MAX_TRIGGER_TOKENS

Record = dict[str, Any]

MAX_REQUEST_LEADS = MAX_TRIGGER_LEADS
MAX_TOKENS = MAX_TRIGGER_TOKENS
MAX_RUN_AT_YEARS = 2  # runAt beyond this is 1042
MIN_DELAY = dt.timedelta(minutes=5)  # "Campaigns scheduled via this API always wait a minimum of five minutes"
MAX_CLONES_PER_DAY = 20  # cloneToProgramName; 1020 beyond
SEED_STAMP = "2020-01-01T00:00:00Z"


SEED_PROGRAMS = (
    {"id": 1001, "name": "Emulator Program", "type": "Default", "channel": "Operational"},
    {"id": 1002, "name": "Emulator Webinar", "type": "Event", "channel": "Webinar"},
)
SEED_CAMPAIGNS = (
    {"id": 1001, "name": "Requested Trigger", "type": "trigger", "program_id": 1001, "is_active": True,
     "is_requestable": True, "description": "Active, Campaign is Requested: Web Service API"},
    {"id": 1002, "name": "Inactive Trigger", "type": "trigger", "program_id": 1001, "is_active": False,
     "is_requestable": True, "description": "Requestable but not active"},
    {"id": 1003, "name": "Unrequestable Trigger", "type": "trigger", "program_id": 1001, "is_active": True,
     "is_requestable": False, "description": "Active, without a Campaign is Requested trigger"},
    {"id": 1004, "name": "Batch Send", "type": "batch", "program_id": 1001, "is_active": False,
     "is_requestable": False, "description": "Batch campaign"},
    {"id": 1005, "name": "Webinar Invite", "type": "batch", "program_id": 1002, "is_active": False,
     "is_requestable": False, "description": "Batch campaign in an event program"},
)  # fmt: skip


def seed(db: Connection) -> None:
    """The programs and campaigns every instance starts with (idempotent: runs at startup and after reset)."""
    for program in SEED_PROGRAMS:
        if db.execute(sa.select(programs.c.id).where(programs.c.id == program["id"])).first() is None:
            db.execute(programs.insert().values(**program, created_at=SEED_STAMP, updated_at=SEED_STAMP))
    for campaign in SEED_CAMPAIGNS:
        if db.execute(sa.select(campaigns.c.id).where(campaigns.c.id == campaign["id"])).first() is None:
            db.execute(campaigns.insert().values(**campaign, created_at=SEED_STAMP, updated_at=SEED_STAMP))


def _add_years(moment: dt.datetime, years: int) -> dt.datetime:
    try:
        return moment.replace(year=moment.year + years)
    except ValueError:  # 29 February
        return moment.replace(year=moment.year + years, day=28)


def chicago_day(moment: dt.datetime) -> str:
    return moment.astimezone(errors.MARKETO_TZ).date().isoformat()


class Campaigns:
    """Smart campaigns at one instant of the virtual clock."""

    def __init__(self, db: Connection, now: dt.datetime) -> None:
        self.db = db
        self.now = now
        self.stamp = format_datetime(now)

    def _program_names(self) -> dict[int, str]:
        return {r.id: r.name for r in self.db.execute(sa.select(programs.c.id, programs.c.name))}

    def _row(self, campaign_id: int) -> Any:
        row = self.db.execute(campaigns.select().where(campaigns.c.id == campaign_id)).first()
        if row is None:
            raise ApiError("1013")
        return row

    # --- Lead Database ---------------------------------------------------------------------------

    def _lead_record(self, row: Any, program_names: Mapping[int, str]) -> Record:
        out: Record = {"id": row.id, "name": row.name}
        if row.description:
            out["description"] = row.description
        out["type"] = row.type
        if row.program_id is not None:
            out["programId"] = row.program_id
            if row.program_id in program_names:
                out["programName"] = program_names[row.program_id]
        out.update(workspaceName=row.workspace_name, createdAt=row.created_at, updatedAt=row.updated_at)
        out["active"] = bool(row.is_active)
        return out

    def browse(
        self,
        *,
        ids: Sequence[int],
        names: Sequence[str],
        program_names: Sequence[str],
        workspace_names: Sequence[str],
        triggerable: bool | None,
        batch_size: int,
        page_token: str | None,
    ) -> Page:
        scope = f"{sorted(ids)}|{sorted(names)}|{sorted(program_names)}|{sorted(workspace_names)}|{triggerable}"
        after = keyset.start(page_token, "campaignlist", scope)
        c = campaigns.c
        query = sa.select(campaigns)
        if ids:
            query = query.where(c.id.in_(ids))
        if names:
            query = query.where(c.name.in_(names))
        if program_names:
            query = query.where(c.program_id.in_(sa.select(programs.c.id).where(programs.c.name.in_(program_names))))
        if workspace_names:
            query = query.where(c.workspace_name.in_(workspace_names))
        if triggerable:
            query = query.where(c.type == "trigger", c.is_active.is_(True), c.is_requestable.is_(True))
        rows, more = keyset.fetch(self.db, query, c.id, after, batch_size)
        token = keyset.next_token("campaignlist", rows, more, scope)
        program = self._program_names()
        return Page([self._lead_record(r, program) for r in rows], token, more)

    def get(self, campaign_id: int) -> list[Record]:
        return [self._lead_record(self._row(campaign_id), self._program_names())]

    # --- Asset API -------------------------------------------------------------------------------

    def _folder(self, row: Any) -> FolderRef | None:
        stored = self.db.execute(campaign_folders.select().where(campaign_folders.c.campaign_id == row.id)).first()
        if stored is not None:
            return FolderRef(stored.folder_id, stored.folder_type)
        return FolderRef(row.program_id, "Program") if row.program_id is not None else None

    def _status(self, row: Any) -> str:
        if row.type == "trigger":
            return "Active" if row.is_active else "Inactive"
        runs = self.db.execute(sa.select(campaign_runs.c.run_at).where(campaign_runs.c.campaign_id == row.id)).all()
        if not runs:
            return "Never Run"
        return "Scheduled" if any(r.run_at > self.stamp for r in runs) else "Completed"

    def _asset_record(self, row: Any) -> Record:
        out: Record = {"id": row.id, "name": row.name, "description": row.description or ""}
        out.update(createdAt=asset_stamp(row.created_at), updatedAt=asset_stamp(row.updated_at))
        folder = self._folder(row)
        if folder is not None:
            out["folder"] = {"id": folder.id, "type": folder.type}
        out.update(
            status=self._status(row), type=row.type, isSystem=False, isActive=bool(row.is_active),
            isRequestable=bool(row.is_requestable), isCommunicationLimitEnabled=False,
            recurrence={"weekdayOnly": False}, qualificationRuleType="once", workspace=row.workspace_name,
            smartListId=row.id, flowId=row.id, computedUrl=f"https://app-emu.marketo.com/#SC{row.id}A1",
        )  # fmt: skip
        return out

    def asset_by_id(self, campaign_id: int) -> list[Record]:
        row = self.db.execute(campaigns.select().where(campaigns.c.id == campaign_id)).first()
        return [self._asset_record(row)] if row is not None else []

    def asset_by_name(self, name: str) -> list[Record]:
        row = self.db.execute(campaigns.select().where(campaigns.c.name == name).order_by(campaigns.c.id)).first()
        return [self._asset_record(row)] if row is not None else []

    def asset_browse(
        self,
        *,
        folder: FolderRef | None,
        active: bool | None,
        offset: int,
        max_return: int,
        since: dt.datetime | None,
        until: dt.datetime | None,
    ) -> list[Record]:
        c = campaigns.c
        rows = self.db.execute(sa.select(campaigns).order_by(c.id)).all()
        out: list[Any] = []
        for row in rows:
            if active is not None and bool(row.is_active) != active:
                continue
            if folder is not None and self._folder(row) != folder:
                continue
            if since is not None and row.updated_at < format_datetime(since):
                continue
            if until is not None and row.updated_at > format_datetime(until):
                continue
            out.append(row)
        return [self._asset_record(r) for r in out[offset : offset + max_return]]

    def create(self, name: str, folder: FolderRef, description: str | None) -> list[Record]:
        program_id: int | None = None
        if folder.type == "Program":
            if self.db.execute(sa.select(programs.c.id).where(programs.c.id == folder.id)).first() is None:
                raise ApiError("710")
            program_id = folder.id
        elif self.db.execute(sa.select(folders.c.id).where(folders.c.id == folder.id)).first() is None:
            raise ApiError("710")
        elif not holds_marketing_assets(self.db, folder.id):
            raise ApiError("711")  # an Email (or other Design Studio) folder holds only its own asset type
        same_place = campaigns.c.program_id.is_(None) if program_id is None else campaigns.c.program_id == program_id
        clash = self.db.execute(sa.select(campaigns.c.id).where(campaigns.c.name == name, same_place)).first()
        if clash is not None:
            raise ApiError("709")
        result = self.db.execute(
            campaigns.insert().values(
                name=name, description=description, type="batch", program_id=program_id, is_active=False,
                is_requestable=False, created_at=self.stamp, updated_at=self.stamp,
            )
        )  # fmt: skip
        key = result.inserted_primary_key
        campaign_id = int(key[0]) if key is not None else 0
        self.db.execute(
            campaign_folders.insert().values(campaign_id=campaign_id, folder_id=folder.id, folder_type=folder.type)
        )
        return self.asset_by_id(campaign_id)

    def set_active(self, campaign_id: int, active: bool) -> list[Record] | None:
        """Activate needs a deactivated trigger campaign, deactivate an active one (709 otherwise)."""
        row = self.db.execute(campaigns.select().where(campaigns.c.id == campaign_id)).first()
        if row is None:
            return None
        if row.type != "trigger" or bool(row.is_active) == active:
            raise ApiError("709")
        self.db.execute(
            campaigns.update().where(campaigns.c.id == campaign_id).values(is_active=active, updated_at=self.stamp)
        )
        return [{"id": campaign_id}]

    # --- Request and Schedule --------------------------------------------------------------------

    @staticmethod
    def _tokens(tokens: Any) -> list[Record]:
        if tokens is None:
            return []
        if not isinstance(tokens, list) or len(tokens) > MAX_TOKENS:
            raise ApiError("1003")
        for token in tokens:
            name = token.get("name") if isinstance(token, Mapping) else None
            if not isinstance(name, str) or not (name.startswith("{{my.") and name.endswith("}}")):
                raise ApiError("1003")
        return [{"name": t["name"], "value": t.get("value")} for t in tokens]

    def request(self, campaign_id: int, data: Any) -> list[Record]:
        row = self._row(campaign_id)
        if row.type != "trigger":
            raise ApiError("1003")
        given = data.get("leads") if isinstance(data, Mapping) else None
        if not isinstance(given, list) or not given:
            raise ApiError("1003", variant="leads_not_specified")
        if len(given) > MAX_REQUEST_LEADS:
            raise ApiError("1003")
        lead_ids: list[int] = []
        for item in given:
            raw = item.get("id") if isinstance(item, Mapping) else item
            lead_id = parse_id(raw)
            if lead_id is None:
                raise ApiError("1001", show(raw), "Integer")
            lead_ids.append(lead_id)
        self._tokens(data.get("tokens"))
        if not row.is_active or not row.is_requestable:
            raise ApiError("1003")
        known = {r.id for r in self.db.execute(sa.select(leads.c.id).where(leads.c.id.in_(sorted(set(lead_ids)))))}
        for lead_id in dict.fromkeys(i for i in lead_ids if i in known):
            self._join(row.id, lead_id)
            record_activity(
                self.db, lead_id=lead_id, type_id=types.REQUEST_CAMPAIGN, when=self.now,
                primary_attribute_value=row.name, primary_attribute_value_id=row.id, campaign_id=row.id,
                attributes={"Source": "Web service API", "API Method Name": "requestCampaign"},
            )  # fmt: skip
        return [{"id": row.id}]

    def _join(self, campaign_id: int, lead_id: int) -> None:
        c = campaign_members.c
        if self.db.execute(sa.select(c.id).where(c.campaign_id == campaign_id, c.lead_id == lead_id)).first() is None:
            self.db.execute(
                campaign_members.insert().values(
                    campaign_id=campaign_id, lead_id=lead_id, created_at=self.stamp, updated_at=self.stamp
                )
            )

    def schedule(self, campaign_id: int, data: Any) -> list[Record]:
        row = self._row(campaign_id)
        data = data if isinstance(data, Mapping) else {}
        if row.type != "batch":
            raise ApiError("1003")
        run_at = self._run_at(data.get("runAt"))
        tokens = self._tokens(data.get("tokens"))
        clone_name = data.get("cloneToProgramName")
        target = row
        clone_day: str | None = None
        if clone_name is not None and clone_name != "":
            if not isinstance(clone_name, str):
                raise ApiError("1001", show(clone_name), "String")
            clone_day = chicago_day(self.now)
            used = self.db.execute(
                sa.select(sa.func.count()).where(campaign_runs.c.clone_day == clone_day)
            ).scalar_one()
            if used >= MAX_CLONES_PER_DAY:
                raise ApiError("1020")
            target = self._clone(row, clone_name)
        self.db.execute(
            campaign_runs.insert().values(
                campaign_id=target.id, run_at=format_datetime(run_at), tokens=tokens, clone_day=clone_day,
                created_at=self.stamp,
            )
        )  # fmt: skip
        for lead_id in self._audience(row):
            record_activity(
                self.db, lead_id=lead_id, type_id=types.RUN_CAMPAIGN, when=run_at,
                primary_attribute_value=target.name, primary_attribute_value_id=target.id, campaign_id=target.id,
                attributes={"Run At": format_datetime(run_at), "Qualified": True},
            )  # fmt: skip
        return [{"id": target.id}]

    def _run_at(self, raw: Any) -> dt.datetime:
        earliest = self.now + MIN_DELAY
        if raw is None or raw == "":
            return earliest
        try:
            run_at = parse_datetime(raw)
        except InvalidValue:
            raise ApiError("704") from None
        if run_at > _add_years(self.now, MAX_RUN_AT_YEARS):
            raise ApiError("1042")
        return max(run_at, earliest)

    def _clone(self, row: Any, program_name: str) -> Any:
        if self.db.execute(sa.select(programs.c.id).where(programs.c.name == program_name)).first() is not None:
            raise ApiError("1017")
        parent = self.db.execute(programs.select().where(programs.c.id == row.program_id)).first()
        result = self.db.execute(
            programs.insert().values(
                name=program_name, type=parent.type if parent is not None else "Default",
                channel=parent.channel if parent is not None else None, created_at=self.stamp, updated_at=self.stamp,
            )
        )  # fmt: skip
        key = result.inserted_primary_key
        program_id = int(key[0]) if key is not None else 0
        result = self.db.execute(
            campaigns.insert().values(
                name=row.name, description=row.description, type=row.type, program_id=program_id,
                workspace_name=row.workspace_name, is_active=False, is_requestable=False,
                created_at=self.stamp, updated_at=self.stamp,
            )
        )  # fmt: skip
        key = result.inserted_primary_key
        return self._row(int(key[0]) if key is not None else 0)

    def _audience(self, row: Any) -> list[int]:
        members = {r.lead_id for r in self.db.execute(
            sa.select(campaign_members.c.lead_id).where(campaign_members.c.campaign_id == row.id))}  # fmt: skip
        program = self.db.execute(sa.select(programs.c.name).where(programs.c.id == row.program_id)).first()
        if program is not None:
            lists = sa.select(static_lists.c.id).where(static_lists.c.program_name == program.name)
            members |= {r.lead_id for r in self.db.execute(
                sa.select(list_members.c.lead_id).where(list_members.c.list_id.in_(lists)))}  # fmt: skip
        return sorted(members)
