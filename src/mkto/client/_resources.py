"""Resources: typed calls over the core. Each operation is written once, as a flow; the sync and async
classes only run it (`client.run(flow)` / `await client.run(flow)`)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator, Sequence
from typing import TYPE_CHECKING, Any

from mkto.errors import MarketoResponse, RecordOutcome
from mkto.errors.limits import MAX_BATCH_RECORDS, MAX_FILTER_VALUES

from ._core import Core, Flow, RequestSpec
from ._sizing import chunk_values

if TYPE_CHECKING:
    from ._client import AsyncClient, Client

REST = "/rest/v1"


class Pager:
    """Paging state, sans I/O: which filter chunk, which `nextPageToken`; resumable from a token.

    Filter values beyond 300 are sent in chunks, one paging sequence per chunk.
    """

    def __init__(
        self,
        make_spec: Callable[[list[str] | None, str | None], RequestSpec],
        chunks: list[list[str]] | None = None,
        *,
        next_page_token: str | None = None,
        chunk_index: int = 0,
        stop_on_empty: bool = True,
    ) -> None:
        self._make_spec = make_spec
        self._chunks = chunks
        self.chunk_index = chunk_index
        self.next_page_token = next_page_token
        # Activities may answer an empty page with moreResult=true: keep going. Elsewhere an empty page ends.
        self.stop_on_empty = stop_on_empty
        self.done = False

    def spec(self) -> RequestSpec:
        chunk = self._chunks[self.chunk_index] if self._chunks is not None else None
        return self._make_spec(chunk, self.next_page_token)

    def feed(self, response: MarketoResponse) -> list[Any]:
        more = response.more_result and bool(response.next_page_token)
        more = more and (bool(response.result) or not self.stop_on_empty)
        if more:
            self.next_page_token = response.next_page_token
        else:
            self.next_page_token = None
            self.chunk_index += 1
            self.done = self._chunks is None or self.chunk_index >= len(self._chunks)
        return list(response.result)


class PageIterator(Iterator[dict[str, Any]]):
    """Records one by one, fetching pages as needed. `.next_page_token` is where a resumed run starts."""

    def __init__(self, client: Client, core: Core, pager: Pager) -> None:
        self._client, self._core, self._pager = client, core, pager
        self._buffer: list[Any] = []

    @property
    def next_page_token(self) -> str | None:
        return self._pager.next_page_token

    @property
    def chunk_index(self) -> int:
        return self._pager.chunk_index

    def __iter__(self) -> PageIterator:
        return self

    def __next__(self) -> dict[str, Any]:
        while not self._buffer:
            if self._pager.done:
                raise StopIteration
            response = self._client.run(self._core.call(self._pager.spec()))
            self._buffer = self._pager.feed(response)
        item: dict[str, Any] = self._buffer.pop(0)
        return item


class AsyncPageIterator(AsyncIterator[dict[str, Any]]):
    def __init__(self, client: AsyncClient, core: Core, pager: Pager) -> None:
        self._client, self._core, self._pager = client, core, pager
        self._buffer: list[Any] = []

    @property
    def next_page_token(self) -> str | None:
        return self._pager.next_page_token

    @property
    def chunk_index(self) -> int:
        return self._pager.chunk_index

    def __aiter__(self) -> AsyncPageIterator:
        return self

    async def __anext__(self) -> dict[str, Any]:
        while not self._buffer:
            if self._pager.done:
                raise StopAsyncIteration
            response = await self._client.run(self._core.call(self._pager.spec()))
            self._buffer = self._pager.feed(response)
        item: dict[str, Any] = self._buffer.pop(0)
        return item


# --- leads ----------------------------------------------------------------------------------------------


class LeadOps:
    """Every lead operation as a flow or a pager, shared by `Leads` and `AsyncLeads`."""

    def __init__(self, core: Core) -> None:
        self.core = core

    def sync(self, leads: Sequence[dict[str, Any]], action: str, lookup_field: str, partition_name: str | None) -> Flow:
        def make_spec(chunk: list[Any]) -> RequestSpec:
            body: dict[str, Any] = {"action": action, "lookupField": lookup_field}
            if partition_name is not None:
                body["partitionName"] = partition_name
            body["input"] = chunk
            return RequestSpec.build("POST", f"{REST}/leads.json", json=body)

        return self.core.batch(list(leads), make_spec, max_records=MAX_BATCH_RECORDS)

    def filter_pager(
        self,
        filter_type: str,
        values: Sequence[Any],
        fields: Sequence[str] | None,
        batch_size: int | None,
        next_page_token: str | None,
    ) -> Pager:
        def make_spec(chunk: list[str] | None, token: str | None) -> RequestSpec:
            params: list[tuple[str, Any]] = [("filterType", filter_type), ("filterValues", chunk or [])]
            if fields:
                params.append(("fields", list(fields)))
            if batch_size:
                params.append(("batchSize", batch_size))
            if token:
                params.append(("nextPageToken", token))
            return RequestSpec.build("GET", f"{REST}/leads.json", params=params)

        chunks = chunk_values([str(v) for v in values], MAX_FILTER_VALUES)
        return Pager(make_spec, chunks, next_page_token=next_page_token)

    def get(self, lead_id: int, fields: Sequence[str] | None) -> Flow:
        params = {"fields": list(fields)} if fields else None
        response: MarketoResponse = yield from self.core.call(
            RequestSpec.build("GET", f"{REST}/lead/{int(lead_id)}.json", params=params)
        )
        return response.result[0] if response.result else None

    def delete(self, ids: Sequence[int]) -> Flow:
        def make_spec(chunk: list[Any]) -> RequestSpec:
            return RequestSpec.build("POST", f"{REST}/leads/delete.json", json={"input": chunk})

        return self.core.batch([{"id": int(i)} for i in ids], make_spec, max_records=MAX_BATCH_RECORDS)

    def result_of(self, method: str, path: str, **kw: Any) -> Flow:
        response: MarketoResponse = yield from self.core.call(RequestSpec.build(method, path, **kw))
        return response.result

    def paged(self, path: str, params: dict[str, Any] | None = None) -> Pager:
        def make_spec(_: list[str] | None, token: str | None) -> RequestSpec:
            return RequestSpec.build("GET", path, params={**(params or {}), "nextPageToken": token})

        return Pager(make_spec)

    def merge(self, winner_id: int, loser_ids: Sequence[int], merge_in_crm: bool | None) -> Flow:
        params: dict[str, Any] = {"leadIds": [int(i) for i in loser_ids], "mergeInCRM": merge_in_crm}
        return self.core.call(RequestSpec.build("POST", f"{REST}/leads/{int(winner_id)}/merge.json", params=params))

    def associate(self, lead_id: int, cookie: str) -> Flow:
        return self.core.call(
            RequestSpec.build("POST", f"{REST}/leads/{int(lead_id)}/associate.json", params={"cookie": cookie})
        )

    def push(
        self,
        program_name: str,
        leads: Sequence[dict[str, Any]],
        lookup_field: str | None,
        source: str | None,
        reason: str | None,
    ) -> Flow:
        def make_spec(chunk: list[Any]) -> RequestSpec:
            body: dict[str, Any] = {"programName": program_name}
            body.update({k: v for k, v in (("lookupField", lookup_field), ("source", source), ("reason", reason)) if v})
            body["input"] = chunk
            return RequestSpec.build("POST", f"{REST}/leads/push.json", json=body)

        return self.core.batch(list(leads), make_spec, max_records=MAX_BATCH_RECORDS)

    def submit_form(self, form_id: int, inputs: Sequence[dict[str, Any]], program_id: int | None) -> Flow:
        def make_spec(chunk: list[Any]) -> RequestSpec:
            body: dict[str, Any] = {"formId": int(form_id)}
            if program_id is not None:
                body["programId"] = int(program_id)
            body["input"] = chunk
            return RequestSpec.build("POST", f"{REST}/leads/submitForm.json", json=body)

        return self.core.batch(list(inputs), make_spec, max_records=MAX_BATCH_RECORDS)

    def update_partitions(self, moves: Sequence[dict[str, Any]]) -> Flow:
        def make_spec(chunk: list[Any]) -> RequestSpec:
            return RequestSpec.build("POST", f"{REST}/leads/partitions.json", json={"input": chunk})

        return self.core.batch(list(moves), make_spec, max_records=MAX_BATCH_RECORDS)

    def program_pager(
        self, program_id: int, fields: Sequence[str] | None, batch_size: int | None, next_page_token: str | None
    ) -> Pager:
        def make_spec(_: list[str] | None, token: str | None) -> RequestSpec:
            params = {"fields": list(fields) if fields else None, "batchSize": batch_size, "nextPageToken": token}
            return RequestSpec.build("GET", f"{REST}/leads/programs/{int(program_id)}.json", params=params)

        return Pager(make_spec, next_page_token=next_page_token)


class Leads:
    """`client.leads`: sync, find, describe, delete, merge, associate, push, memberships.

    outcomes = client.leads.sync([{"email": "a@example.com"}])   # one RecordOutcome per input, in order
    leads = client.leads.get_by_filter("email", ["a@example.com"])
    """

    def __init__(self, client: Client) -> None:
        self._client = client
        self._ops = LeadOps(client._core)

    def sync(
        self,
        leads: Sequence[dict[str, Any]],
        *,
        action: str = "createOrUpdate",
        lookup_field: str = "email",
        partition_name: str | None = None,
    ) -> list[RecordOutcome]:
        """Create or update leads in batches of at most 300 records and 1 MB; one outcome per input, in order."""
        result: list[RecordOutcome] = self._client.run(self._ops.sync(leads, action, lookup_field, partition_name))
        return result

    def iter_by_filter(
        self,
        filter_type: str,
        values: Sequence[Any],
        *,
        fields: Sequence[str] | None = None,
        batch_size: int | None = None,
        next_page_token: str | None = None,
    ) -> PageIterator:
        """Every lead matching any of `values` (chunked by 300), page by page; resumable from a token."""
        pager = self._ops.filter_pager(filter_type, values, fields, batch_size, next_page_token)
        return PageIterator(self._client, self._ops.core, pager)

    def get_by_filter(
        self,
        filter_type: str,
        values: Sequence[Any],
        *,
        fields: Sequence[str] | None = None,
        batch_size: int | None = None,
    ) -> list[dict[str, Any]]:
        return list(self.iter_by_filter(filter_type, values, fields=fields, batch_size=batch_size))

    def get(self, lead_id: int, *, fields: Sequence[str] | None = None) -> dict[str, Any] | None:
        result: dict[str, Any] | None = self._client.run(self._ops.get(lead_id, fields))
        return result

    def delete(self, ids: Sequence[int]) -> list[RecordOutcome]:
        result: list[RecordOutcome] = self._client.run(self._ops.delete(ids))
        return result

    def describe(self) -> list[dict[str, Any]]:
        result: list[dict[str, Any]] = self._client.run(self._ops.result_of("GET", f"{REST}/leads/describe.json"))
        return result

    def describe2(self) -> list[dict[str, Any]]:
        result: list[dict[str, Any]] = self._client.run(self._ops.result_of("GET", f"{REST}/leads/describe2.json"))
        return result

    def fields(self) -> list[dict[str, Any]]:
        return list(PageIterator(self._client, self._ops.core, self._ops.paged(f"{REST}/leads/schema/fields.json")))

    def merge(self, winner_id: int, loser_ids: Sequence[int], *, merge_in_crm: bool | None = None) -> None:
        self._client.run(self._ops.merge(winner_id, loser_ids, merge_in_crm))

    def associate(self, lead_id: int, cookie: str) -> None:
        self._client.run(self._ops.associate(lead_id, cookie))

    def push(
        self,
        program_name: str,
        leads: Sequence[dict[str, Any]],
        *,
        lookup_field: str | None = None,
        source: str | None = None,
        reason: str | None = None,
    ) -> list[RecordOutcome]:
        result: list[RecordOutcome] = self._client.run(
            self._ops.push(program_name, leads, lookup_field, source, reason)
        )
        return result

    def submit_form(
        self, form_id: int, inputs: Sequence[dict[str, Any]], *, program_id: int | None = None
    ) -> list[RecordOutcome]:
        """Submit Form for each input (`{"leadFormFields": {...}, "visitorData": {...}, "cookie": ...}`).

        Not idempotent: a lost response raises `AmbiguousOutcome` unless the retry policy opts in.
        """
        result: list[RecordOutcome] = self._client.run(self._ops.submit_form(form_id, inputs, program_id))
        return result

    def partitions(self) -> list[dict[str, Any]]:
        result: list[dict[str, Any]] = self._client.run(self._ops.result_of("GET", f"{REST}/leads/partitions.json"))
        return result

    def update_partitions(self, moves: Sequence[dict[str, Any]]) -> list[RecordOutcome]:
        """Move leads between partitions: `[{"id": 5, "partitionName": "Europe"}]`."""
        result: list[RecordOutcome] = self._client.run(self._ops.update_partitions(moves))
        return result

    def iter_by_program(
        self,
        program_id: int,
        *,
        fields: Sequence[str] | None = None,
        batch_size: int | None = None,
        next_page_token: str | None = None,
    ) -> PageIterator:
        """The members of a program, each with its `membership`; resumable from a token."""
        pager = self._ops.program_pager(program_id, fields, batch_size, next_page_token)
        return PageIterator(self._client, self._ops.core, pager)

    def list_memberships(self, lead_id: int) -> list[dict[str, Any]]:
        path = f"{REST}/leads/{int(lead_id)}/listMembership.json"
        return list(PageIterator(self._client, self._ops.core, self._ops.paged(path)))

    def program_memberships(self, lead_id: int) -> list[dict[str, Any]]:
        path = f"{REST}/leads/{int(lead_id)}/programMembership.json"
        return list(PageIterator(self._client, self._ops.core, self._ops.paged(path)))

    def campaign_memberships(self, lead_id: int) -> list[dict[str, Any]]:
        path = f"{REST}/leads/{int(lead_id)}/smartCampaignMembership.json"
        return list(PageIterator(self._client, self._ops.core, self._ops.paged(path)))


class AsyncLeads:
    """`client.leads` on `AsyncClient`: the same operations, awaited."""

    def __init__(self, client: AsyncClient) -> None:
        self._client = client
        self._ops = LeadOps(client._core)

    async def sync(
        self,
        leads: Sequence[dict[str, Any]],
        *,
        action: str = "createOrUpdate",
        lookup_field: str = "email",
        partition_name: str | None = None,
    ) -> list[RecordOutcome]:
        result: list[RecordOutcome] = await self._client.run(
            self._ops.sync(leads, action, lookup_field, partition_name)
        )
        return result

    def iter_by_filter(
        self,
        filter_type: str,
        values: Sequence[Any],
        *,
        fields: Sequence[str] | None = None,
        batch_size: int | None = None,
        next_page_token: str | None = None,
    ) -> AsyncPageIterator:
        pager = self._ops.filter_pager(filter_type, values, fields, batch_size, next_page_token)
        return AsyncPageIterator(self._client, self._ops.core, pager)

    async def get_by_filter(
        self,
        filter_type: str,
        values: Sequence[Any],
        *,
        fields: Sequence[str] | None = None,
        batch_size: int | None = None,
    ) -> list[dict[str, Any]]:
        return [lead async for lead in self.iter_by_filter(filter_type, values, fields=fields, batch_size=batch_size)]

    async def get(self, lead_id: int, *, fields: Sequence[str] | None = None) -> dict[str, Any] | None:
        result: dict[str, Any] | None = await self._client.run(self._ops.get(lead_id, fields))
        return result

    async def delete(self, ids: Sequence[int]) -> list[RecordOutcome]:
        result: list[RecordOutcome] = await self._client.run(self._ops.delete(ids))
        return result

    async def describe(self) -> list[dict[str, Any]]:
        result: list[dict[str, Any]] = await self._client.run(self._ops.result_of("GET", f"{REST}/leads/describe.json"))
        return result

    async def merge(self, winner_id: int, loser_ids: Sequence[int], *, merge_in_crm: bool | None = None) -> None:
        await self._client.run(self._ops.merge(winner_id, loser_ids, merge_in_crm))

    async def associate(self, lead_id: int, cookie: str) -> None:
        await self._client.run(self._ops.associate(lead_id, cookie))

    async def describe2(self) -> list[dict[str, Any]]:
        result: list[dict[str, Any]] = await self._client.run(
            self._ops.result_of("GET", f"{REST}/leads/describe2.json")
        )
        return result

    async def fields(self) -> list[dict[str, Any]]:
        pages = AsyncPageIterator(self._client, self._ops.core, self._ops.paged(f"{REST}/leads/schema/fields.json"))
        return [field async for field in pages]

    async def push(
        self,
        program_name: str,
        leads: Sequence[dict[str, Any]],
        *,
        lookup_field: str | None = None,
        source: str | None = None,
        reason: str | None = None,
    ) -> list[RecordOutcome]:
        result: list[RecordOutcome] = await self._client.run(
            self._ops.push(program_name, leads, lookup_field, source, reason)
        )
        return result

    async def submit_form(
        self, form_id: int, inputs: Sequence[dict[str, Any]], *, program_id: int | None = None
    ) -> list[RecordOutcome]:
        result: list[RecordOutcome] = await self._client.run(self._ops.submit_form(form_id, inputs, program_id))
        return result

    async def partitions(self) -> list[dict[str, Any]]:
        result: list[dict[str, Any]] = await self._client.run(
            self._ops.result_of("GET", f"{REST}/leads/partitions.json")
        )
        return result

    async def update_partitions(self, moves: Sequence[dict[str, Any]]) -> list[RecordOutcome]:
        result: list[RecordOutcome] = await self._client.run(self._ops.update_partitions(moves))
        return result

    def iter_by_program(
        self,
        program_id: int,
        *,
        fields: Sequence[str] | None = None,
        batch_size: int | None = None,
        next_page_token: str | None = None,
    ) -> AsyncPageIterator:
        pager = self._ops.program_pager(program_id, fields, batch_size, next_page_token)
        return AsyncPageIterator(self._client, self._ops.core, pager)

    async def list_memberships(self, lead_id: int) -> list[dict[str, Any]]:
        path = f"{REST}/leads/{int(lead_id)}/listMembership.json"
        return [m async for m in AsyncPageIterator(self._client, self._ops.core, self._ops.paged(path))]

    async def program_memberships(self, lead_id: int) -> list[dict[str, Any]]:
        path = f"{REST}/leads/{int(lead_id)}/programMembership.json"
        return [m async for m in AsyncPageIterator(self._client, self._ops.core, self._ops.paged(path))]

    async def campaign_memberships(self, lead_id: int) -> list[dict[str, Any]]:
        path = f"{REST}/leads/{int(lead_id)}/smartCampaignMembership.json"
        return [m async for m in AsyncPageIterator(self._client, self._ops.core, self._ops.paged(path))]


# --- usage ----------------------------------------------------------------------------------------------

_USAGE_PATHS = {
    "stats": f"{REST}/stats/usage.json",
    "last_7_days": f"{REST}/stats/usage/last7days.json",
    "errors": f"{REST}/stats/errors.json",
    "errors_last_7_days": f"{REST}/stats/errors/last7days.json",
}


class Usage:
    """`client.usage`: API call counts per day and user, and error counts (`client.usage.stats()`)."""

    def __init__(self, client: Client) -> None:
        self._client = client
        self._ops = LeadOps(client._core)

    def _get(self, name: str) -> list[dict[str, Any]]:
        result: list[dict[str, Any]] = self._client.run(self._ops.result_of("GET", _USAGE_PATHS[name]))
        return result

    def stats(self) -> list[dict[str, Any]]:
        return self._get("stats")

    def last_7_days(self) -> list[dict[str, Any]]:
        return self._get("last_7_days")

    def errors(self) -> list[dict[str, Any]]:
        return self._get("errors")

    def errors_last_7_days(self) -> list[dict[str, Any]]:
        return self._get("errors_last_7_days")


class AsyncUsage:
    def __init__(self, client: AsyncClient) -> None:
        self._client = client
        self._ops = LeadOps(client._core)

    async def _get(self, name: str) -> list[dict[str, Any]]:
        result: list[dict[str, Any]] = await self._client.run(self._ops.result_of("GET", _USAGE_PATHS[name]))
        return result

    async def stats(self) -> list[dict[str, Any]]:
        return await self._get("stats")

    async def last_7_days(self) -> list[dict[str, Any]]:
        return await self._get("last_7_days")

    async def errors(self) -> list[dict[str, Any]]:
        return await self._get("errors")

    async def errors_last_7_days(self) -> list[dict[str, Any]]:
        return await self._get("errors_last_7_days")
