"""Leads leaving: Delete Leads, and Merge Leads (with the CRM's rules when the instance syncs a native CRM)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from mkto.emulator._api import ApiError, skipped
from mkto.emulator._common import activity as act
from mkto.emulator._common.tables import activities, leads
from mkto.emulator._common.values import show
from mkto.emulator._params import parse_id
from mkto.emulator.leads._model._base import (
    API_SOURCE,
    INTEGER,
    MAX_MERGE_LOSERS,
    SFDC_FIELD_LENGTHS,
    Record,
    _display_name,
    _email_key,
)
from mkto.emulator.leads._model._memberships import Memberships
from mkto.errors.limits import MAX_BATCH_RECORDS


class Merges(Memberships):
    """Delete and merge: memberships follow the winner, activities stay with it."""

    def delete(self, ids: Sequence[Any]) -> list[Record]:
        if not ids:
            raise ApiError("1003", variant="leads_not_specified")
        if len(ids) > MAX_BATCH_RECORDS:
            raise ApiError("1003")
        results: list[Record] = []
        for raw in ids:
            if raw is None:
                results.append(skipped("1002", "id"))
                continue
            lead_id = parse_id(raw)
            row = self._lead(lead_id) if lead_id is not None else None
            if lead_id is None:
                results.append(skipped("1001", show(raw), INTEGER))
            elif row is None:
                results.append(skipped("1004", id=lead_id))
            elif not self._can_touch(row.partition_id):
                results.append(skipped("1008", self.partition_name(row.partition_id), id=lead_id))
            else:
                self._log_delete(row)
                self._delete_lead(lead_id)
                results.append({"id": lead_id, "status": "deleted"})
        return results

    def merge(
        self, winner_id: int, loser_ids: Sequence[int], *, merge_in_crm: bool, settings: Mapping[str, Any] | None = None
    ) -> None:
        if len(loser_ids) > MAX_MERGE_LOSERS:
            raise ApiError("1080", MAX_MERGE_LOSERS)
        if not loser_ids:
            raise ApiError("1002", "leadId")
        if winner_id in loser_ids:
            raise ApiError("1003")
        winner = self._lead(winner_id)
        losers = [self._lead(i) for i in dict.fromkeys(loser_ids)]
        if winner is None or any(loser is None for loser in losers):
            raise ApiError("1004")
        for row in (winner, *losers):
            if not self._can_touch(row.partition_id):
                raise ApiError("1008", self.partition_name(row.partition_id))
        data = dict(winner.data or {})
        for loser in losers:
            for name, value in (loser.data or {}).items():
                if data.get(name) in (None, "") and value not in (None, ""):
                    data[name] = value  # the winner's value stands unless it is empty
        if merge_in_crm and settings is not None and settings.get("native_crm_sync"):
            self._check_crm_merge([winner, *losers], data, settings)
        for loser in losers:
            self._move_memberships(loser.id, winner_id)
            self.db.execute(activities.update().where(activities.c.lead_id == loser.id).values(lead_id=winner_id))
            self._delete_lead(loser.id)
        self.db.execute(
            leads.update()
            .where(leads.c.id == winner_id)
            .values(data=data, email_key=_email_key(data.get("email")), updated_at=self.stamp)
        )
        changed = self._log_changes(winner_id, winner.data or {}, data, "mergeLeads")
        self._record(winner_id, act.MERGE_LEADS, primary_attribute_value=_display_name(data),
                     primary_attribute_value_id=winner_id, attributes={
                         "Merge IDs": ",".join(str(loser.id) for loser in losers), "Merge Source": API_SOURCE,
                         "Merged in Sales": merge_in_crm, "Master Updated": changed > 0,
                     })  # fmt: skip

    def _check_crm_merge(self, rows: Sequence[Any], merged: Mapping[str, Any], settings: Mapping[str, Any]) -> None:
        """The CRM side of a merge (mergeInCRM=true with a native CRM sync). A lead's CRM record is described by
        its `sfdcType` ("Lead", "Contact", "Person Account"), `sfdcIsDeleted` and personalized URL `pURL` fields
        (custom lead fields an instance creates to emulate them)."""
        if not settings.get("crm_default_record_type", True):
            raise ApiError("714")
        kinds = [_crm_kind(row.data or {}) for row in rows]
        if "personaccount" in kinds:
            raise ApiError("712")
        deleted = any((row.data or {}).get("sfdcIsDeleted") is True for row in rows)
        if deleted or any(kind not in (None, "lead", "contact") for kind in kinds):
            raise ApiError("1078")
        purls = [str(row.data["pURL"]).lower() for row in rows if (row.data or {}).get("pURL")]
        if len(purls) != len(set(purls)):
            raise ApiError("1079")
        if any(len(str(merged.get(name) or "")) > limit for name, limit in SFDC_FIELD_LENGTHS.items()):
            raise ApiError("1077")
        key = _email_key(merged.get("email"))
        if key is not None:
            merging = [row.id for row in rows]
            others = self.db.execute(leads.select().where(leads.c.email_key == key, leads.c.id.not_in(merging))).all()
            if any(_crm_kind(other.data or {}) in ("lead", "contact") for other in others):
                raise ApiError("1076")  # the CRM's duplicate rule: the merged record duplicates another CRM record


def _crm_kind(data: Mapping[str, Any]) -> str | None:
    """A lead's CRM record type, lower-cased without spaces ("lead", "contact", "personaccount"); None: Marketo only."""
    value = data.get("sfdcType")
    return str(value).replace(" ", "").lower() if value not in (None, "") else None
