"""`client.lists`, `client.campaigns`, `client.activities`: one line per method over their builders.

Campaign trigger/schedule and custom activity add are not idempotent: a lost response raises
`AmbiguousOutcome` unless the retry policy opts in.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from mkto.errors import RecordOutcome

from .._ops.activities import ActivityOps
from .._ops.campaigns import CampaignOps
from .._ops.lists import ListOps
from .pages import AsyncPageIterator

if TYPE_CHECKING:
    from .client import AsyncClient


class AsyncLists:
    """`client.lists`: static lists and their members.

    await client.lists.add(1001, [5, 6])   # one RecordOutcome per lead id, in order
    """

    def __init__(self, client: AsyncClient) -> None:
        self._client = client
        self._ops = ListOps(client._core)

    def iter(
        self,
        *,
        ids: Sequence[int] | None = None,
        names: Sequence[str] | None = None,
        program_names: Sequence[str] | None = None,
        batch_size: int | None = None,
        next_page_token: str | None = None,
    ) -> AsyncPageIterator:
        pager = self._ops.pager(ids, names, program_names, batch_size, next_page_token)
        return AsyncPageIterator(self._client, self._ops.core, pager)

    async def get(self, list_id: int) -> dict[str, Any] | None:
        return await self._client.run(self._ops.get(list_id))

    async def add(self, list_id: int, lead_ids: Sequence[int]) -> list[RecordOutcome]:
        return await self._client.run(self._ops.members(list_id, lead_ids, "POST"))

    async def remove(self, list_id: int, lead_ids: Sequence[int]) -> list[RecordOutcome]:
        return await self._client.run(self._ops.members(list_id, lead_ids, "DELETE"))

    async def is_member(self, list_id: int, lead_ids: Sequence[int]) -> list[RecordOutcome]:
        return await self._client.run(self._ops.is_member(list_id, lead_ids))

    def iter_leads(
        self,
        list_id: int,
        *,
        fields: Sequence[str] | None = None,
        batch_size: int | None = None,
        next_page_token: str | None = None,
    ) -> AsyncPageIterator:
        pager = self._ops.leads_pager(list_id, fields, batch_size, next_page_token)
        return AsyncPageIterator(self._client, self._ops.core, pager)


class AsyncCampaigns:
    """`client.campaigns`: find, trigger (Request Campaign) and schedule smart campaigns."""

    def __init__(self, client: AsyncClient) -> None:
        self._client = client
        self._ops = CampaignOps(client._core)

    def iter(
        self,
        *,
        ids: Sequence[int] | None = None,
        names: Sequence[str] | None = None,
        program_names: Sequence[str] | None = None,
        batch_size: int | None = None,
        next_page_token: str | None = None,
    ) -> AsyncPageIterator:
        pager = self._ops.pager(ids, names, program_names, batch_size, next_page_token)
        return AsyncPageIterator(self._client, self._ops.core, pager)

    async def get(self, campaign_id: int) -> dict[str, Any] | None:
        return await self._client.run(self._ops.get(campaign_id))

    async def trigger(
        self, campaign_id: int, lead_ids: Sequence[int], *, tokens: Sequence[dict[str, str]] | None = None
    ) -> list[Any]:
        """Request Campaign for the leads (100 per call). Not idempotent: a lost answer raises AmbiguousOutcome."""
        return await self._client.run(self._ops.trigger(campaign_id, lead_ids, tokens))

    async def schedule(
        self,
        campaign_id: int,
        *,
        run_at: dt.datetime | str | None = None,
        tokens: Sequence[dict[str, str]] | None = None,
        clone_to_program_name: str | None = None,
    ) -> list[Any]:
        """Schedule a batch campaign. Not idempotent: a lost answer raises AmbiguousOutcome."""
        return await self._client.run(self._ops.schedule(campaign_id, run_at, tokens, clone_to_program_name))


class AsyncActivities:
    """`client.activities`: activity types, activities and lead changes by paging token, custom activities."""

    def __init__(self, client: AsyncClient) -> None:
        self._client = client
        self._ops = ActivityOps(client._core)

    async def types(self) -> list[dict[str, Any]]:
        return await self._client.run(self._ops.types())

    async def paging_token(self, since: dt.datetime | str) -> str | None:
        return await self._client.run(self._ops.paging_token(since))

    def iter(
        self,
        activity_type_ids: Sequence[int],
        *,
        since: dt.datetime | str | None = None,
        next_page_token: str | None = None,
        list_id: int | None = None,
        lead_ids: Sequence[int] | None = None,
        batch_size: int | None = None,
    ) -> AsyncPageIterator:
        """Activities from `since` (or a saved `next_page_token`); `.next_page_token` resumes."""
        pager = self._ops.pager(
            "activities.json", {"activityTypeIds": list(activity_type_ids)}, since=since,
            next_page_token=next_page_token, list_id=list_id, lead_ids=lead_ids, batch_size=batch_size,
        )  # fmt: skip
        return AsyncPageIterator(self._client, self._ops.core, pager)

    def lead_changes(
        self,
        fields: Sequence[str],
        *,
        since: dt.datetime | str | None = None,
        next_page_token: str | None = None,
        list_id: int | None = None,
        lead_ids: Sequence[int] | None = None,
        batch_size: int | None = None,
    ) -> AsyncPageIterator:
        """Changes to `fields` from `since` (or a saved `next_page_token`); empty pages that say more are followed."""
        pager = self._ops.pager(
            "activities/leadchanges.json", {"fields": list(fields)}, since=since,
            next_page_token=next_page_token, list_id=list_id, lead_ids=lead_ids, batch_size=batch_size,
        )  # fmt: skip
        return AsyncPageIterator(self._client, self._ops.core, pager)

    async def add_custom(self, activities: Sequence[dict[str, Any]]) -> list[RecordOutcome]:
        """Add custom activities (300 per call). Not idempotent: a lost answer raises AmbiguousOutcome."""
        return await self._client.run(self._ops.add_custom(activities))
