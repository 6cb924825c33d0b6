"""A lead's list, smart campaign and program memberships, a program's members, and what a merge moves."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import sqlalchemy as sa

from mkto.emulator._common import keyset
from mkto.emulator._common.tables import LEAD_MEMBERSHIPS, campaign_members, leads, list_members, program_members
from mkto.emulator.leads._model._base import Page, Record
from mkto.emulator.leads._model._reads import Reads


class Memberships(Reads):
    """Memberships, paged by membership id."""

    def list_memberships(self, lead_id: int, batch_size: int, page_token: str | None) -> Page:
        scope = str(lead_id)
        after = keyset.start(page_token, "lists", scope)
        query = sa.select(list_members).where(list_members.c.lead_id == lead_id)
        rows, more = keyset.fetch(self.db, query, list_members.c.id, after, batch_size)
        result = [{"listId": r.list_id, "createdAt": r.created_at, "updatedAt": r.updated_at} for r in rows]
        return Page(result, keyset.next_token("lists", rows, more, scope), more)

    def campaign_memberships(
        self, lead_id: int, batch_size: int, page_token: str | None, *, since: str | None, until: str | None
    ) -> Page:
        scope = f"{lead_id}|{since}|{until}"
        after = keyset.start(page_token, "campaigns", scope)
        query = sa.select(campaign_members).where(campaign_members.c.lead_id == lead_id)
        query = _updated_between(query, campaign_members.c.updated_at, since, until)
        rows, more = keyset.fetch(self.db, query, campaign_members.c.id, after, batch_size)
        result = [{"smartCampaignId": r.campaign_id, "createdAt": r.created_at, "updatedAt": r.updated_at} for r in rows]
        return Page(result, keyset.next_token("campaigns", rows, more, scope), more)

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
        after = keyset.start(page_token, "programs", scope)
        query = sa.select(program_members).where(program_members.c.lead_id == lead_id)
        if program_ids is not None:
            query = query.where(program_members.c.program_id.in_(program_ids))
        query = _updated_between(query, program_members.c.updated_at, since, until)
        rows, more = keyset.fetch(self.db, query, program_members.c.id, after, batch_size)
        result = [{"id": r.program_id, **_membership(r)} for r in rows]
        return Page(result, keyset.next_token("programs", rows, more, scope), more)

    def program_leads(
        self, program_id: int, fields: Sequence[str] | None, batch_size: int, page_token: str | None
    ) -> Page:
        names = self.field_list(fields)
        scope = str(program_id)
        after = keyset.start(page_token, "programleads", scope)
        query = (
            sa.select(leads, program_members.c.id.label("member_id"), *_member_columns())
            .join(program_members, program_members.c.lead_id == leads.c.id)
            .where(program_members.c.program_id == program_id)
        )
        reachable = self.accessible()
        if reachable is not None:
            query = query.where(leads.c.partition_id.in_(sorted(reachable)))
        rows, more = keyset.fetch(self.db, query, program_members.c.id, after, batch_size)
        result = [{**self.render(r, names), "membership": _membership(r, prefix="m_")} for r in rows]
        return Page(result, keyset.next_token("programleads", rows, more, scope, key="member_id"), more)

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

    def _move_memberships(self, from_lead: int, to_lead: int) -> None:
        for table, parent in LEAD_MEMBERSHIPS:
            owned = sa.select(table.c[parent]).where(table.c.lead_id == to_lead)
            self.db.execute(
                table.update()
                .where(table.c.lead_id == from_lead, table.c[parent].not_in(owned))
                .values(lead_id=to_lead)
            )
            self.db.execute(table.delete().where(table.c.lead_id == from_lead))


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
