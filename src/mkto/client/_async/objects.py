"""`client.companies` and the other dedupe objects, `client.program_members`, `client.assets`: one line per
method over their builders (`_ops.objects`, `_ops.assets`).

Asset API answers "not found" with a warning and no result: those calls give None or nothing, never an error.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from mkto.errors import RecordOutcome

from .._ops.assets import AssetOps, ref
from .._ops.common import REST
from .._ops.objects import DedupeOps, ProgramMemberOps
from .pages import AsyncPageIterator

if TYPE_CHECKING:
    from .client import AsyncClient


class AsyncDedupeObjects:
    """`client.companies`, `client.opportunities`, ..., `client.custom_objects("car_c")`: one contract.

    outcomes = await client.companies.sync([{"externalCompanyId": "c1", "company": "Acme"}])  # in input order
    async for company in client.companies.iter("externalCompanyId", ["c1", "c2"]): ...
    """

    def __init__(self, client: AsyncClient, path: str) -> None:
        self._client = client
        self._ops = DedupeOps(client._core, f"{REST}/{path}")

    async def describe(self) -> dict[str, Any] | None:
        return await self._client.run(self._ops.describe())

    async def sync(
        self, records: Sequence[Mapping[str, Any]], *, action: str | None = None, dedupe_by: str | None = None
    ) -> list[RecordOutcome]:
        """createOrUpdate (or `action`) by dedupe fields (or dedupe_by="idField"); one outcome per record."""
        return await self._client.run(self._ops.sync(records, action, dedupe_by))

    async def delete(
        self, records: Sequence[Mapping[str, Any]], *, delete_by: str | None = None
    ) -> list[RecordOutcome]:
        return await self._client.run(self._ops.delete(records, delete_by))

    def iter(
        self,
        filter_type: str,
        values: Sequence[Any],
        *,
        fields: Sequence[str] | None = None,
        batch_size: int | None = None,
        next_page_token: str | None = None,
    ) -> AsyncPageIterator:
        """Records by a searchable field; give dicts as values for a compound key (sent as a JSON body)."""
        pager = self._ops.pager(filter_type, values, fields, batch_size, next_page_token)
        return AsyncPageIterator(self._client, self._ops.core, pager)


class AsyncProgramMembers:
    """`client.program_members`: status changes, member data, queries, deletes."""

    def __init__(self, client: AsyncClient) -> None:
        self._client = client
        self._ops = ProgramMemberOps(client._core)

    async def describe(self) -> dict[str, Any] | None:
        return await self._client.run(self._ops.describe())

    async def set_status(self, program_id: int, lead_ids: Sequence[int], status_name: str) -> list[RecordOutcome]:
        return await self._client.run(self._ops.status(program_id, lead_ids, status_name))

    async def update(self, program_id: int, records: Sequence[Mapping[str, Any]]) -> list[RecordOutcome]:
        return await self._client.run(self._ops.update(program_id, records))

    async def delete(self, program_id: int, lead_ids: Sequence[int]) -> list[RecordOutcome]:
        return await self._client.run(self._ops.delete(program_id, lead_ids))

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
    """`client.assets`: folders, programs and static lists. Not found is None (or nothing), never an error.

    folder = await client.assets.folder_by_name("Marketing")
    program = await client.assets.create_program("Q3", folder=folder["id"], type="Default", channel="Email Send")
    """

    def __init__(self, client: AsyncClient) -> None:
        self._client = client
        self._ops = AssetOps(client._core)

    # folders
    async def folder(self, folder_id: int, *, type: str = "Folder") -> dict[str, Any] | None:
        return await self._client.run(self._ops.first(f"/folder/{int(folder_id)}.json", type=type))

    async def folder_by_name(
        self, name: str, *, type: str | None = None, work_space: str | None = None
    ) -> dict[str, Any] | None:
        return await self._client.run(
            self._ops.first("/folder/byName.json", name=name, type=type, workSpace=work_space)
        )

    def iter_folders(
        self, *, root: int | Mapping[str, Any] | None = None, max_depth: int | None = None
    ) -> AsyncPageIterator:
        return AsyncPageIterator(self._client, self._ops.core, self._ops.folders_pager(root, max_depth))

    async def create_folder(
        self, name: str, *, parent: int | Mapping[str, Any], description: str | None = None
    ) -> dict[str, Any] | None:
        fields = {"name": name, "parent": ref(parent), "description": description}
        return await self._client.run(self._ops.post("/folders.json", **fields))

    async def delete_folder(self, folder_id: int) -> dict[str, Any] | None:
        return await self._client.run(self._ops.post(f"/folder/{int(folder_id)}/delete.json", type="Folder"))

    # programs
    async def program(self, program_id: int) -> dict[str, Any] | None:
        return await self._client.run(self._ops.first(f"/program/{int(program_id)}.json"))

    async def program_by_name(self, name: str) -> dict[str, Any] | None:
        return await self._client.run(self._ops.first("/program/byName.json", name=name))

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
        fields = {"name": name, "folder": ref(folder), "type": type, "channel": channel, "description": description}
        return await self._client.run(self._ops.post("/programs.json", **fields))

    async def clone_program(
        self, program_id: int, name: str, *, folder: int | Mapping[str, Any]
    ) -> dict[str, Any] | None:
        path = f"/program/{int(program_id)}/clone.json"
        return await self._client.run(self._ops.post(path, name=name, folder=ref(folder)))

    async def delete_program(self, program_id: int) -> dict[str, Any] | None:
        return await self._client.run(self._ops.post(f"/program/{int(program_id)}/delete.json"))

    async def approve_program(self, program_id: int) -> dict[str, Any] | None:
        return await self._client.run(self._ops.post(f"/program/{int(program_id)}/approve.json"))

    # static lists
    async def static_list(self, list_id: int) -> dict[str, Any] | None:
        return await self._client.run(self._ops.first(f"/staticList/{int(list_id)}.json"))

    async def static_list_by_name(self, name: str) -> dict[str, Any] | None:
        return await self._client.run(self._ops.first("/staticList/byName.json", name=name))

    async def create_static_list(
        self, name: str, *, folder: int | Mapping[str, Any], description: str | None = None
    ) -> dict[str, Any] | None:
        fields = {"name": name, "folder": ref(folder), "description": description}
        return await self._client.run(self._ops.post("/staticLists.json", **fields))

    async def delete_static_list(self, list_id: int) -> dict[str, Any] | None:
        return await self._client.run(self._ops.post(f"/staticList/{int(list_id)}/delete.json"))
