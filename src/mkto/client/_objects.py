"""Dedupe objects (companies, opportunities, roles, sales persons, named accounts, custom objects), program
members and assets: each operation written once as a flow or pager over the core, run by both shells.

One `DedupeObjects` serves every dedupe object: only its path differs. Asset API answers "not found" with a
warning and no result: those calls give None or nothing, never an exception.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from mkto.errors import MarketoResponse, RecordOutcome
from mkto.errors.limits import MAX_BATCH_RECORDS, MAX_FILTER_VALUES

from ._core import Core, Flow, RequestSpec
from ._resources import REST, AsyncPageIterator, PageIterator, Pager
from ._sizing import chunk_values

if TYPE_CHECKING:
    from ._client import AsyncClient, Client

ASSET = "/rest/asset/v1"
MAX_ASSET_PAGE = 200

# The dedupe objects by the name `client.<name>` gives them, and their paths under /rest/v1.
DEDUPE_OBJECTS = {
    "companies": "companies",
    "opportunities": "opportunities",
    "opportunity_roles": "opportunities/roles",
    "sales_persons": "salespersons",
    "named_accounts": "namedaccounts",
}


def _result(core: Core, method: str, path: str, **kw: Any) -> Flow:
    response: MarketoResponse = yield from core.call(RequestSpec.build(method, path, **kw))
    return response.result


def _first(core: Core, method: str, path: str, **kw: Any) -> Flow:
    result: list[Any] = yield from _result(core, method, path, **kw)
    return result[0] if result else None


def _pager(make_spec: Any, chunks: list[list[Any]], next_page_token: str | None) -> Pager:
    """A pager over filter-value chunks; no values at all is an empty result, not a call Marketo refuses."""
    pager = Pager(make_spec, chunks or [[]], next_page_token=next_page_token)
    pager.done = not any(chunks)
    return pager


class DedupeOps:
    """One dedupe object's calls: `DedupeOps(core, "/rest/v1/companies")`."""

    def __init__(self, core: Core, base: str) -> None:
        self.core = core
        self.base = base

    def describe(self) -> Flow:
        return _first(self.core, "GET", f"{self.base}/describe.json")

    def sync(self, records: Sequence[Mapping[str, Any]], action: str | None, dedupe_by: str | None) -> Flow:
        def make_spec(chunk: list[Any]) -> RequestSpec:
            body: dict[str, Any] = {k: v for k, v in (("action", action), ("dedupeBy", dedupe_by)) if v}
            body["input"] = chunk
            return RequestSpec.build("POST", f"{self.base}.json", json=body)

        return self.core.batch([dict(r) for r in records], make_spec, max_records=MAX_BATCH_RECORDS)

    def delete(self, records: Sequence[Mapping[str, Any]], delete_by: str | None) -> Flow:
        def make_spec(chunk: list[Any]) -> RequestSpec:
            body: dict[str, Any] = {"deleteBy": delete_by} if delete_by else {}
            body["input"] = chunk
            return RequestSpec.build("POST", f"{self.base}/delete.json", json=body)

        return self.core.batch([dict(r) for r in records], make_spec, max_records=MAX_BATCH_RECORDS)

    def pager(
        self,
        filter_type: str,
        values: Sequence[Any],
        fields: Sequence[str] | None,
        batch_size: int | None,
        next_page_token: str | None,
    ) -> Pager:
        """Simple values as GET filterValues; dicts (compound keys) as `POST ?_method=GET` with a JSON input."""
        compound = any(isinstance(v, Mapping) for v in values)

        def make_spec(chunk: list[Any] | None, token: str | None) -> RequestSpec:
            if compound:
                body: dict[str, Any] = {"filterType": filter_type, "input": [dict(v) for v in chunk or []]}
                if fields:
                    body["fields"] = list(fields)
                if token:
                    body["nextPageToken"] = token
                override = {"_method": "GET", "batchSize": batch_size}
                return RequestSpec.build("POST", f"{self.base}.json", params=override, json=body)
            params: list[tuple[str, Any]] = [("filterType", filter_type), ("filterValues", chunk or [])]
            params += [(k, v) for k, v in (("fields", fields and list(fields)), ("batchSize", batch_size)) if v]
            if token:
                params.append(("nextPageToken", token))
            return RequestSpec.build("GET", f"{self.base}.json", params=params)

        items = list(values)
        if compound:
            chunks: list[list[Any]] = [
                items[i : i + MAX_FILTER_VALUES] for i in range(0, len(items), MAX_FILTER_VALUES)
            ]
        else:
            chunks = list(chunk_values([str(v) for v in items], MAX_FILTER_VALUES))
        return _pager(make_spec, chunks, next_page_token)


class ProgramMemberOps:
    def __init__(self, core: Core) -> None:
        self.core = core

    def describe(self) -> Flow:
        return _first(self.core, "GET", f"{REST}/programs/members/describe.json")

    def status(self, program_id: int, lead_ids: Sequence[int], status_name: str) -> Flow:
        def make_spec(chunk: list[Any]) -> RequestSpec:
            path = f"{REST}/programs/{int(program_id)}/members/status.json"
            return RequestSpec.build("POST", path, json={"statusName": status_name, "input": chunk})

        return self.core.batch([{"leadId": int(i)} for i in lead_ids], make_spec, max_records=MAX_BATCH_RECORDS)

    def update(self, program_id: int, records: Sequence[Mapping[str, Any]]) -> Flow:
        def make_spec(chunk: list[Any]) -> RequestSpec:
            return RequestSpec.build("POST", f"{REST}/programs/{int(program_id)}/members.json", json={"input": chunk})

        return self.core.batch([dict(r) for r in records], make_spec, max_records=MAX_BATCH_RECORDS)

    def delete(self, program_id: int, lead_ids: Sequence[int]) -> Flow:
        def make_spec(chunk: list[Any]) -> RequestSpec:
            path = f"{REST}/programs/{int(program_id)}/members/delete.json"
            return RequestSpec.build("POST", path, json={"input": chunk})

        return self.core.batch([{"leadId": int(i)} for i in lead_ids], make_spec, max_records=MAX_BATCH_RECORDS)

    def pager(
        self,
        program_id: int,
        filter_type: str,
        values: Sequence[Any],
        *,
        fields: Sequence[str] | None,
        batch_size: int | None,
        next_page_token: str | None,
    ) -> Pager:
        def make_spec(chunk: list[Any] | None, token: str | None) -> RequestSpec:
            params: list[tuple[str, Any]] = [("filterType", filter_type), ("filterValues", chunk or [])]
            params += [(k, v) for k, v in (("fields", fields and list(fields)), ("batchSize", batch_size)) if v]
            if token:
                params.append(("nextPageToken", token))
            return RequestSpec.build("GET", f"{REST}/programs/{int(program_id)}/members.json", params=params)

        chunks = chunk_values([str(v) for v in values], MAX_FILTER_VALUES)
        return _pager(make_spec, chunks, next_page_token)


class OffsetPager(Pager):
    """Asset API paging: offset and maxReturn, until a short or empty page."""

    def __init__(self, path: str, params: Mapping[str, Any], max_return: int = MAX_ASSET_PAGE) -> None:
        super().__init__(lambda _c, _t: RequestSpec.build("GET", path))
        self._path, self._params, self._max = path, dict(params), max_return
        self.offset = 0

    def spec(self) -> RequestSpec:
        params = {**self._params, "offset": self.offset, "maxReturn": self._max}
        return RequestSpec.build("GET", self._path, params=params)

    def feed(self, response: MarketoResponse) -> list[Any]:
        page = list(response.result or [])
        self.offset += len(page)
        self.done = len(page) < self._max
        return page


def _ref(folder: int | Mapping[str, Any]) -> str:
    """A folder reference as the Asset API's form fields take it: {"id": 5, "type": "Folder"} in JSON."""
    value = {"id": int(folder), "type": "Folder"} if isinstance(folder, int) else dict(folder)
    return json.dumps(value, separators=(",", ":"))


def _form(**fields: Any) -> dict[str, Any]:
    return {k: v for k, v in fields.items() if v is not None}


class AssetOps:
    def __init__(self, core: Core) -> None:
        self.core = core

    def first(self, path: str, **params: Any) -> Flow:
        return _first(self.core, "GET", f"{ASSET}{path}", params=_form(**params))

    def post(self, path: str, **fields: Any) -> Flow:
        return _first(self.core, "POST", f"{ASSET}{path}", data=_form(**fields))

    def pager(self, path: str, **params: Any) -> OffsetPager:
        return OffsetPager(f"{ASSET}{path}", _form(**params))


# --- sync -----------------------------------------------------------------------------------------------


class DedupeObjects:
    """`client.companies`, `client.opportunities`, ..., `client.custom_objects("car_c")`: one contract.

    outcomes = client.companies.sync([{"externalCompanyId": "c1", "company": "Acme"}])  # in input order
    for company in client.companies.iter("externalCompanyId", ["c1", "c2"]): ...
    """

    def __init__(self, client: Client, path: str) -> None:
        self._client = client
        self._ops = DedupeOps(client._core, f"{REST}/{path}")

    def describe(self) -> dict[str, Any] | None:
        result: dict[str, Any] | None = self._client.run(self._ops.describe())
        return result

    def sync(
        self, records: Sequence[Mapping[str, Any]], *, action: str | None = None, dedupe_by: str | None = None
    ) -> list[RecordOutcome]:
        """createOrUpdate (or `action`) by dedupe fields (or dedupe_by="idField"); one outcome per record."""
        result: list[RecordOutcome] = self._client.run(self._ops.sync(records, action, dedupe_by))
        return result

    def delete(self, records: Sequence[Mapping[str, Any]], *, delete_by: str | None = None) -> list[RecordOutcome]:
        result: list[RecordOutcome] = self._client.run(self._ops.delete(records, delete_by))
        return result

    def iter(
        self,
        filter_type: str,
        values: Sequence[Any],
        *,
        fields: Sequence[str] | None = None,
        batch_size: int | None = None,
        next_page_token: str | None = None,
    ) -> PageIterator:
        """Records by a searchable field; give dicts as values for a compound key (sent as a JSON body)."""
        pager = self._ops.pager(filter_type, values, fields, batch_size, next_page_token)
        return PageIterator(self._client, self._ops.core, pager)


class ProgramMembers:
    """`client.program_members`: status changes, member data, queries, deletes."""

    def __init__(self, client: Client) -> None:
        self._client = client
        self._ops = ProgramMemberOps(client._core)

    def describe(self) -> dict[str, Any] | None:
        result: dict[str, Any] | None = self._client.run(self._ops.describe())
        return result

    def set_status(self, program_id: int, lead_ids: Sequence[int], status_name: str) -> list[RecordOutcome]:
        result: list[RecordOutcome] = self._client.run(self._ops.status(program_id, lead_ids, status_name))
        return result

    def update(self, program_id: int, records: Sequence[Mapping[str, Any]]) -> list[RecordOutcome]:
        result: list[RecordOutcome] = self._client.run(self._ops.update(program_id, records))
        return result

    def delete(self, program_id: int, lead_ids: Sequence[int]) -> list[RecordOutcome]:
        result: list[RecordOutcome] = self._client.run(self._ops.delete(program_id, lead_ids))
        return result

    def iter(
        self,
        program_id: int,
        filter_type: str,
        values: Sequence[Any],
        *,
        fields: Sequence[str] | None = None,
        batch_size: int | None = None,
        next_page_token: str | None = None,
    ) -> PageIterator:
        pager = self._ops.pager(
            program_id, filter_type, values, fields=fields, batch_size=batch_size, next_page_token=next_page_token
        )
        return PageIterator(self._client, self._ops.core, pager)


class Assets:
    """`client.assets`: folders, programs and static lists. Not found is None (or nothing), never an error.

    folder = client.assets.folder_by_name("Marketing")
    program = client.assets.create_program("Q3", folder=folder["id"], type="Default", channel="Email Send")
    """

    def __init__(self, client: Client) -> None:
        self._client = client
        self._ops = AssetOps(client._core)

    def _one(self, flow: Flow) -> dict[str, Any] | None:
        result: dict[str, Any] | None = self._client.run(flow)
        return result

    # folders
    def folder(self, folder_id: int, *, type: str = "Folder") -> dict[str, Any] | None:
        return self._one(self._ops.first(f"/folder/{int(folder_id)}.json", type=type))

    def folder_by_name(
        self, name: str, *, type: str | None = None, work_space: str | None = None
    ) -> dict[str, Any] | None:
        return self._one(self._ops.first("/folder/byName.json", name=name, type=type, workSpace=work_space))

    def iter_folders(
        self, *, root: int | Mapping[str, Any] | None = None, max_depth: int | None = None
    ) -> PageIterator:
        pager = self._ops.pager("/folders.json", root=_ref(root) if root is not None else None, maxDepth=max_depth)
        return PageIterator(self._client, self._ops.core, pager)

    def create_folder(
        self, name: str, *, parent: int | Mapping[str, Any], description: str | None = None
    ) -> dict[str, Any] | None:
        return self._one(self._ops.post("/folders.json", name=name, parent=_ref(parent), description=description))

    def delete_folder(self, folder_id: int) -> dict[str, Any] | None:
        return self._one(self._ops.post(f"/folder/{int(folder_id)}/delete.json", type="Folder"))

    # programs
    def program(self, program_id: int) -> dict[str, Any] | None:
        return self._one(self._ops.first(f"/program/{int(program_id)}.json"))

    def program_by_name(self, name: str) -> dict[str, Any] | None:
        return self._one(self._ops.first("/program/byName.json", name=name))

    def iter_programs(self) -> PageIterator:
        return PageIterator(self._client, self._ops.core, self._ops.pager("/programs.json"))

    def create_program(
        self,
        name: str,
        *,
        folder: int | Mapping[str, Any],
        type: str = "Default",
        channel: str = "Email Send",
        description: str | None = None,
    ) -> dict[str, Any] | None:
        return self._one(
            self._ops.post(
                "/programs.json", name=name, folder=_ref(folder), type=type, channel=channel, description=description
            )
        )

    def clone_program(self, program_id: int, name: str, *, folder: int | Mapping[str, Any]) -> dict[str, Any] | None:
        return self._one(self._ops.post(f"/program/{int(program_id)}/clone.json", name=name, folder=_ref(folder)))

    def delete_program(self, program_id: int) -> dict[str, Any] | None:
        return self._one(self._ops.post(f"/program/{int(program_id)}/delete.json"))

    def approve_program(self, program_id: int) -> dict[str, Any] | None:
        return self._one(self._ops.post(f"/program/{int(program_id)}/approve.json"))

    # static lists
    def static_list(self, list_id: int) -> dict[str, Any] | None:
        return self._one(self._ops.first(f"/staticList/{int(list_id)}.json"))

    def static_list_by_name(self, name: str) -> dict[str, Any] | None:
        return self._one(self._ops.first("/staticList/byName.json", name=name))

    def create_static_list(
        self, name: str, *, folder: int | Mapping[str, Any], description: str | None = None
    ) -> dict[str, Any] | None:
        return self._one(self._ops.post("/staticLists.json", name=name, folder=_ref(folder), description=description))

    def delete_static_list(self, list_id: int) -> dict[str, Any] | None:
        return self._one(self._ops.post(f"/staticList/{int(list_id)}/delete.json"))


# --- async ----------------------------------------------------------------------------------------------


class AsyncDedupeObjects:
    def __init__(self, client: AsyncClient, path: str) -> None:
        self._client = client
        self._ops = DedupeOps(client._core, f"{REST}/{path}")

    async def describe(self) -> dict[str, Any] | None:
        result: dict[str, Any] | None = await self._client.run(self._ops.describe())
        return result

    async def sync(
        self, records: Sequence[Mapping[str, Any]], *, action: str | None = None, dedupe_by: str | None = None
    ) -> list[RecordOutcome]:
        result: list[RecordOutcome] = await self._client.run(self._ops.sync(records, action, dedupe_by))
        return result

    async def delete(
        self, records: Sequence[Mapping[str, Any]], *, delete_by: str | None = None
    ) -> list[RecordOutcome]:
        result: list[RecordOutcome] = await self._client.run(self._ops.delete(records, delete_by))
        return result

    def iter(
        self,
        filter_type: str,
        values: Sequence[Any],
        *,
        fields: Sequence[str] | None = None,
        batch_size: int | None = None,
        next_page_token: str | None = None,
    ) -> AsyncPageIterator:
        pager = self._ops.pager(filter_type, values, fields, batch_size, next_page_token)
        return AsyncPageIterator(self._client, self._ops.core, pager)


class AsyncProgramMembers:
    def __init__(self, client: AsyncClient) -> None:
        self._client = client
        self._ops = ProgramMemberOps(client._core)

    async def describe(self) -> dict[str, Any] | None:
        result: dict[str, Any] | None = await self._client.run(self._ops.describe())
        return result

    async def set_status(self, program_id: int, lead_ids: Sequence[int], status_name: str) -> list[RecordOutcome]:
        result: list[RecordOutcome] = await self._client.run(self._ops.status(program_id, lead_ids, status_name))
        return result

    async def update(self, program_id: int, records: Sequence[Mapping[str, Any]]) -> list[RecordOutcome]:
        result: list[RecordOutcome] = await self._client.run(self._ops.update(program_id, records))
        return result

    async def delete(self, program_id: int, lead_ids: Sequence[int]) -> list[RecordOutcome]:
        result: list[RecordOutcome] = await self._client.run(self._ops.delete(program_id, lead_ids))
        return result

    def iter(
        self,
        program_id: int,
        filter_type: str,
        values: Sequence[Any],
        *,
        fields: Sequence[str] | None = None,
        batch_size: int | None = None,
        next_page_token: str | None = None,
    ) -> AsyncPageIterator:
        pager = self._ops.pager(
            program_id, filter_type, values, fields=fields, batch_size=batch_size, next_page_token=next_page_token
        )
        return AsyncPageIterator(self._client, self._ops.core, pager)


class AsyncAssets:
    def __init__(self, client: AsyncClient) -> None:
        self._client = client
        self._ops = AssetOps(client._core)

    async def _one(self, flow: Flow) -> dict[str, Any] | None:
        result: dict[str, Any] | None = await self._client.run(flow)
        return result

    async def folder(self, folder_id: int, *, type: str = "Folder") -> dict[str, Any] | None:
        return await self._one(self._ops.first(f"/folder/{int(folder_id)}.json", type=type))

    async def folder_by_name(
        self, name: str, *, type: str | None = None, work_space: str | None = None
    ) -> dict[str, Any] | None:
        return await self._one(self._ops.first("/folder/byName.json", name=name, type=type, workSpace=work_space))

    def iter_folders(
        self, *, root: int | Mapping[str, Any] | None = None, max_depth: int | None = None
    ) -> AsyncPageIterator:
        pager = self._ops.pager("/folders.json", root=_ref(root) if root is not None else None, maxDepth=max_depth)
        return AsyncPageIterator(self._client, self._ops.core, pager)

    async def create_folder(
        self, name: str, *, parent: int | Mapping[str, Any], description: str | None = None
    ) -> dict[str, Any] | None:
        return await self._one(self._ops.post("/folders.json", name=name, parent=_ref(parent), description=description))

    async def delete_folder(self, folder_id: int) -> dict[str, Any] | None:
        return await self._one(self._ops.post(f"/folder/{int(folder_id)}/delete.json", type="Folder"))

    async def program(self, program_id: int) -> dict[str, Any] | None:
        return await self._one(self._ops.first(f"/program/{int(program_id)}.json"))

    async def program_by_name(self, name: str) -> dict[str, Any] | None:
        return await self._one(self._ops.first("/program/byName.json", name=name))

    def iter_programs(self) -> AsyncPageIterator:
        return AsyncPageIterator(self._client, self._ops.core, self._ops.pager("/programs.json"))

    async def create_program(
        self,
        name: str,
        *,
        folder: int | Mapping[str, Any],
        type: str = "Default",
        channel: str = "Email Send",
        description: str | None = None,
    ) -> dict[str, Any] | None:
        return await self._one(
            self._ops.post(
                "/programs.json", name=name, folder=_ref(folder), type=type, channel=channel, description=description
            )
        )

    async def clone_program(
        self, program_id: int, name: str, *, folder: int | Mapping[str, Any]
    ) -> dict[str, Any] | None:
        return await self._one(self._ops.post(f"/program/{int(program_id)}/clone.json", name=name, folder=_ref(folder)))

    async def delete_program(self, program_id: int) -> dict[str, Any] | None:
        return await self._one(self._ops.post(f"/program/{int(program_id)}/delete.json"))

    async def approve_program(self, program_id: int) -> dict[str, Any] | None:
        return await self._one(self._ops.post(f"/program/{int(program_id)}/approve.json"))

    async def static_list(self, list_id: int) -> dict[str, Any] | None:
        return await self._one(self._ops.first(f"/staticList/{int(list_id)}.json"))

    async def static_list_by_name(self, name: str) -> dict[str, Any] | None:
        return await self._one(self._ops.first("/staticList/byName.json", name=name))

    async def create_static_list(
        self, name: str, *, folder: int | Mapping[str, Any], description: str | None = None
    ) -> dict[str, Any] | None:
        return await self._one(
            self._ops.post("/staticLists.json", name=name, folder=_ref(folder), description=description)
        )

    async def delete_static_list(self, list_id: int) -> dict[str, Any] | None:
        return await self._one(self._ops.post(f"/staticList/{int(list_id)}/delete.json"))
