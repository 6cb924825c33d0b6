"""Static lists, smart campaigns and activities: written once as flows and pagers, run by both shells.

Campaign trigger/schedule and custom activity add are not idempotent: a lost response raises
`AmbiguousOutcome` (the core recognises their paths) unless the retry policy opts in.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from mkto.errors import MarketoResponse, RecordOutcome
from mkto.errors.limits import MAX_BATCH_RECORDS, MAX_TRIGGER_LEADS

from ._core import Core, Flow, RequestSpec
from ._resources import REST, AsyncPageIterator, PageIterator, Pager

if TYPE_CHECKING:
    from ._client import AsyncClient, Client


def _when(value: dt.datetime | str) -> str:
    return value.isoformat() if isinstance(value, dt.datetime) else value


def _query_pager(path: str, params: dict[str, Any], next_page_token: str | None) -> Pager:
    def make_spec(_: list[str] | None, token: str | None) -> RequestSpec:
        return RequestSpec.build("GET", path, params={**params, "nextPageToken": token})

    return Pager(make_spec, next_page_token=next_page_token)


class ActivityPager(Pager):
    """Activity paging starts from a date: the first call turns `since` into a paging token."""

    def __init__(self, core_path: str, params: dict[str, Any], *, since: str | None, next_page_token: str | None):
        def make_spec(_: list[str] | None, token: str | None) -> RequestSpec:
            return RequestSpec.build("GET", core_path, params={**params, "nextPageToken": token})

        super().__init__(make_spec, next_page_token=next_page_token, stop_on_empty=False)
        if next_page_token is None and since is None:
            raise ValueError("give since= (a datetime or ISO 8601 string) or next_page_token=")
        self._since = since

    def spec(self) -> RequestSpec:
        if self.next_page_token is None:
            return RequestSpec.build(
                "GET", f"{REST}/activities/pagingtoken.json", params={"sinceDatetime": self._since}
            )
        return super().spec()

    def feed(self, response: MarketoResponse) -> list[Any]:
        if self.next_page_token is None:
            self.next_page_token = response.next_page_token
            self.done = self.next_page_token is None
            return []
        return super().feed(response)


class AreaOps:
    def __init__(self, core: Core) -> None:
        self.core = core

    # -- lists --

    def list_members_batch(self, list_id: int, lead_ids: Sequence[int], method: str) -> Flow:
        def make_spec(chunk: list[Any]) -> RequestSpec:
            return RequestSpec.build(method, f"{REST}/lists/{int(list_id)}/leads.json", json={"input": chunk})

        return self.core.batch([{"id": int(i)} for i in lead_ids], make_spec, max_records=MAX_BATCH_RECORDS)

    def is_member(self, list_id: int, lead_ids: Sequence[int]) -> Flow:
        outcomes: list[RecordOutcome] = []
        ids = [int(i) for i in lead_ids]
        for offset in range(0, len(ids), MAX_BATCH_RECORDS):
            chunk = ids[offset : offset + MAX_BATCH_RECORDS]
            path = f"{REST}/lists/{int(list_id)}/leads/ismember.json"
            response: MarketoResponse = yield from self.core.call(RequestSpec.build("GET", path, params={"id": chunk}))
            outcomes.extend(dataclasses.replace(o, index=offset + o.index) for o in response.records)
        return outcomes

    def first(self, path: str) -> Flow:
        response: MarketoResponse = yield from self.core.call(RequestSpec.build("GET", path))
        return response.result[0] if response.result else None

    def result_of(self, method: str, path: str, **kw: Any) -> Flow:
        response: MarketoResponse = yield from self.core.call(RequestSpec.build(method, path, **kw))
        return response.result

    # -- campaigns --

    def trigger(self, campaign_id: int, lead_ids: Sequence[int], tokens: Sequence[dict[str, str]] | None) -> Flow:
        results: list[Any] = []
        ids = [int(i) for i in lead_ids]
        for offset in range(0, max(len(ids), 1), MAX_TRIGGER_LEADS):
            body: dict[str, Any] = {"leads": [{"id": i} for i in ids[offset : offset + MAX_TRIGGER_LEADS]]}
            if tokens:
                body["tokens"] = list(tokens)
            path = f"{REST}/campaigns/{int(campaign_id)}/trigger.json"
            response: MarketoResponse = yield from self.core.call(RequestSpec.build("POST", path, json={"input": body}))
            results.extend(response.result)
        return results

    def schedule(
        self,
        campaign_id: int,
        run_at: dt.datetime | str | None,
        tokens: Sequence[dict[str, str]] | None,
        clone_to_program_name: str | None,
    ) -> Flow:
        body: dict[str, Any] = {}
        if run_at is not None:
            body["runAt"] = _when(run_at)
        if tokens:
            body["tokens"] = list(tokens)
        if clone_to_program_name:
            body["cloneToProgramName"] = clone_to_program_name
        path = f"{REST}/campaigns/{int(campaign_id)}/schedule.json"
        return self.result_of("POST", path, json={"input": body})

    # -- activities --

    def add_custom(self, activities: Sequence[dict[str, Any]]) -> Flow:
        def make_spec(chunk: list[Any]) -> RequestSpec:
            return RequestSpec.build("POST", f"{REST}/activities/external.json", json={"input": chunk})

        return self.core.batch(list(activities), make_spec, max_records=MAX_BATCH_RECORDS)

    def paging_token(self, since: dt.datetime | str) -> Flow:
        path = f"{REST}/activities/pagingtoken.json"
        response: MarketoResponse = yield from self.core.call(
            RequestSpec.build("GET", path, params={"sinceDatetime": _when(since)})
        )
        return response.next_page_token


def _list_params(
    ids: Sequence[int] | None, names: Sequence[str] | None, program_names: Sequence[str] | None, batch_size: int | None
) -> dict[str, Any]:
    return {"id": ids, "name": names, "programName": program_names, "batchSize": batch_size}


def _activity_pager(
    path: str,
    params: dict[str, Any],
    *,
    since: dt.datetime | str | None,
    next_page_token: str | None,
    list_id: int | None,
    lead_ids: Sequence[int] | None,
    batch_size: int | None,
) -> ActivityPager:
    """One pager for activities and lead changes, shared by the sync and async resources."""
    return ActivityPager(
        path,
        {**params, "listId": list_id, "leadIds": lead_ids, "batchSize": batch_size},
        since=_when(since) if since is not None else None,
        next_page_token=next_page_token,
    )


# --- sync -----------------------------------------------------------------------------------------------


class Lists:
    """`client.lists`: static lists and their members.

    client.lists.add(1001, [5, 6])   # one RecordOutcome per lead id, in order
    """

    def __init__(self, client: Client) -> None:
        self._client = client
        self._ops = AreaOps(client._core)

    def iter(
        self,
        *,
        ids: Sequence[int] | None = None,
        names: Sequence[str] | None = None,
        program_names: Sequence[str] | None = None,
        batch_size: int | None = None,
        next_page_token: str | None = None,
    ) -> PageIterator:
        pager = _query_pager(f"{REST}/lists.json", _list_params(ids, names, program_names, batch_size), next_page_token)
        return PageIterator(self._client, self._ops.core, pager)

    def get(self, list_id: int) -> dict[str, Any] | None:
        result: dict[str, Any] | None = self._client.run(self._ops.first(f"{REST}/lists/{int(list_id)}.json"))
        return result

    def add(self, list_id: int, lead_ids: Sequence[int]) -> list[RecordOutcome]:
        result: list[RecordOutcome] = self._client.run(self._ops.list_members_batch(list_id, lead_ids, "POST"))
        return result

    def remove(self, list_id: int, lead_ids: Sequence[int]) -> list[RecordOutcome]:
        result: list[RecordOutcome] = self._client.run(self._ops.list_members_batch(list_id, lead_ids, "DELETE"))
        return result

    def is_member(self, list_id: int, lead_ids: Sequence[int]) -> list[RecordOutcome]:
        result: list[RecordOutcome] = self._client.run(self._ops.is_member(list_id, lead_ids))
        return result

    def iter_leads(
        self,
        list_id: int,
        *,
        fields: Sequence[str] | None = None,
        batch_size: int | None = None,
        next_page_token: str | None = None,
    ) -> PageIterator:
        params = {"fields": list(fields) if fields else None, "batchSize": batch_size}
        pager = _query_pager(f"{REST}/lists/{int(list_id)}/leads.json", params, next_page_token)
        return PageIterator(self._client, self._ops.core, pager)


class Campaigns:
    """`client.campaigns`: find, trigger (Request Campaign) and schedule smart campaigns."""

    def __init__(self, client: Client) -> None:
        self._client = client
        self._ops = AreaOps(client._core)

    def iter(
        self,
        *,
        ids: Sequence[int] | None = None,
        names: Sequence[str] | None = None,
        program_names: Sequence[str] | None = None,
        batch_size: int | None = None,
        next_page_token: str | None = None,
    ) -> PageIterator:
        params = _list_params(ids, names, program_names, batch_size)
        return PageIterator(
            self._client, self._ops.core, _query_pager(f"{REST}/campaigns.json", params, next_page_token)
        )

    def get(self, campaign_id: int) -> dict[str, Any] | None:
        result: dict[str, Any] | None = self._client.run(self._ops.first(f"{REST}/campaigns/{int(campaign_id)}.json"))
        return result

    def trigger(
        self, campaign_id: int, lead_ids: Sequence[int], *, tokens: Sequence[dict[str, str]] | None = None
    ) -> list[Any]:
        """Request Campaign for the leads (100 per call). Not idempotent: a lost answer raises AmbiguousOutcome."""
        result: list[Any] = self._client.run(self._ops.trigger(campaign_id, lead_ids, tokens))
        return result

    def schedule(
        self,
        campaign_id: int,
        *,
        run_at: dt.datetime | str | None = None,
        tokens: Sequence[dict[str, str]] | None = None,
        clone_to_program_name: str | None = None,
    ) -> list[Any]:
        """Schedule a batch campaign. Not idempotent: a lost answer raises AmbiguousOutcome."""
        result: list[Any] = self._client.run(self._ops.schedule(campaign_id, run_at, tokens, clone_to_program_name))
        return result


class Activities:
    """`client.activities`: activity types, activities and lead changes by paging token, custom activities."""

    def __init__(self, client: Client) -> None:
        self._client = client
        self._ops = AreaOps(client._core)

    def types(self) -> list[dict[str, Any]]:
        result: list[dict[str, Any]] = self._client.run(self._ops.result_of("GET", f"{REST}/activities/types.json"))
        return result

    def paging_token(self, since: dt.datetime | str) -> str | None:
        token: str | None = self._client.run(self._ops.paging_token(since))
        return token

    def iter(
        self,
        activity_type_ids: Sequence[int],
        *,
        since: dt.datetime | str | None = None,
        next_page_token: str | None = None,
        list_id: int | None = None,
        lead_ids: Sequence[int] | None = None,
        batch_size: int | None = None,
    ) -> PageIterator:
        """Activities from `since` (or a saved `next_page_token`); `.next_page_token` resumes."""
        pager = _activity_pager(
            f"{REST}/activities.json", {"activityTypeIds": list(activity_type_ids)}, since=since,
            next_page_token=next_page_token, list_id=list_id, lead_ids=lead_ids, batch_size=batch_size,
        )  # fmt: skip
        return PageIterator(self._client, self._ops.core, pager)

    def lead_changes(
        self,
        fields: Sequence[str],
        *,
        since: dt.datetime | str | None = None,
        next_page_token: str | None = None,
        list_id: int | None = None,
        lead_ids: Sequence[int] | None = None,
        batch_size: int | None = None,
    ) -> PageIterator:
        pager = _activity_pager(
            f"{REST}/activities/leadchanges.json", {"fields": list(fields)}, since=since,
            next_page_token=next_page_token, list_id=list_id, lead_ids=lead_ids, batch_size=batch_size,
        )  # fmt: skip
        return PageIterator(self._client, self._ops.core, pager)

    def add_custom(self, activities: Sequence[dict[str, Any]]) -> list[RecordOutcome]:
        """Add custom activities (300 per call). Not idempotent: a lost answer raises AmbiguousOutcome."""
        result: list[RecordOutcome] = self._client.run(self._ops.add_custom(activities))
        return result


# --- async ----------------------------------------------------------------------------------------------


class AsyncLists:
    def __init__(self, client: AsyncClient) -> None:
        self._client = client
        self._ops = AreaOps(client._core)

    def iter(
        self,
        *,
        ids: Sequence[int] | None = None,
        names: Sequence[str] | None = None,
        program_names: Sequence[str] | None = None,
        batch_size: int | None = None,
        next_page_token: str | None = None,
    ) -> AsyncPageIterator:
        pager = _query_pager(f"{REST}/lists.json", _list_params(ids, names, program_names, batch_size), next_page_token)
        return AsyncPageIterator(self._client, self._ops.core, pager)

    async def get(self, list_id: int) -> dict[str, Any] | None:
        result: dict[str, Any] | None = await self._client.run(self._ops.first(f"{REST}/lists/{int(list_id)}.json"))
        return result

    async def add(self, list_id: int, lead_ids: Sequence[int]) -> list[RecordOutcome]:
        result: list[RecordOutcome] = await self._client.run(self._ops.list_members_batch(list_id, lead_ids, "POST"))
        return result

    async def remove(self, list_id: int, lead_ids: Sequence[int]) -> list[RecordOutcome]:
        result: list[RecordOutcome] = await self._client.run(self._ops.list_members_batch(list_id, lead_ids, "DELETE"))
        return result

    async def is_member(self, list_id: int, lead_ids: Sequence[int]) -> list[RecordOutcome]:
        result: list[RecordOutcome] = await self._client.run(self._ops.is_member(list_id, lead_ids))
        return result


class AsyncCampaigns:
    def __init__(self, client: AsyncClient) -> None:
        self._client = client
        self._ops = AreaOps(client._core)

    async def get(self, campaign_id: int) -> dict[str, Any] | None:
        result: dict[str, Any] | None = await self._client.run(
            self._ops.first(f"{REST}/campaigns/{int(campaign_id)}.json")
        )
        return result

    async def trigger(
        self, campaign_id: int, lead_ids: Sequence[int], *, tokens: Sequence[dict[str, str]] | None = None
    ) -> list[Any]:
        result: list[Any] = await self._client.run(self._ops.trigger(campaign_id, lead_ids, tokens))
        return result

    async def schedule(
        self,
        campaign_id: int,
        *,
        run_at: dt.datetime | str | None = None,
        tokens: Sequence[dict[str, str]] | None = None,
        clone_to_program_name: str | None = None,
    ) -> list[Any]:
        result: list[Any] = await self._client.run(
            self._ops.schedule(campaign_id, run_at, tokens, clone_to_program_name)
        )
        return result


class AsyncActivities:
    def __init__(self, client: AsyncClient) -> None:
        self._client = client
        self._ops = AreaOps(client._core)

    async def types(self) -> list[dict[str, Any]]:
        result: list[dict[str, Any]] = await self._client.run(
            self._ops.result_of("GET", f"{REST}/activities/types.json")
        )
        return result

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
        pager = _activity_pager(
            f"{REST}/activities.json", {"activityTypeIds": list(activity_type_ids)}, since=since,
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
        pager = _activity_pager(
            f"{REST}/activities/leadchanges.json", {"fields": list(fields)}, since=since,
            next_page_token=next_page_token, list_id=list_id, lead_ids=lead_ids, batch_size=batch_size,
        )  # fmt: skip
        return AsyncPageIterator(self._client, self._ops.core, pager)

    async def add_custom(self, activities: Sequence[dict[str, Any]]) -> list[RecordOutcome]:
        result: list[RecordOutcome] = await self._client.run(self._ops.add_custom(activities))
        return result
