# GENERATED FILE, do not edit: made from src/mkto/client/_async/objects.py by `python scripts/unasync.py`.
# Change the async source and run the script again (CI fails when this file is stale: --check).
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
from .pages import PageIterator

if TYPE_CHECKING:
    from .client import Client


class DedupeObjects:
    """`client.companies`, `client.opportunities`, ..., `client.custom_objects("car_c")`: one contract.

    outcomes = client.companies.sync([{"externalCompanyId": "c1", "company": "Acme"}])  # in input order
    for company in client.companies.iter("externalCompanyId", ["c1", "c2"]): ...
    """

    def __init__(self, client: Client, path: str) -> None:
        self._client = client
        self._ops = DedupeOps(client._core, f"{REST}/{path}")

    def describe(self) -> dict[str, Any] | None:
        return self._client.run(self._ops.describe())

    def sync(
        self, records: Sequence[Mapping[str, Any]], *, action: str | None = None, dedupe_by: str | None = None
    ) -> list[RecordOutcome]:
        """createOrUpdate (or `action`) by dedupe fields (or dedupe_by="idField"); one outcome per record."""
        return self._client.run(self._ops.sync(records, action, dedupe_by))

    def delete(self, records: Sequence[Mapping[str, Any]], *, delete_by: str | None = None) -> list[RecordOutcome]:
        return self._client.run(self._ops.delete(records, delete_by))

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
        return self._client.run(self._ops.describe())

    def set_status(self, program_id: int, lead_ids: Sequence[int], status_name: str) -> list[RecordOutcome]:
        return self._client.run(self._ops.status(program_id, lead_ids, status_name))

    def update(self, program_id: int, records: Sequence[Mapping[str, Any]]) -> list[RecordOutcome]:
        return self._client.run(self._ops.update(program_id, records))

    def delete(self, program_id: int, lead_ids: Sequence[int]) -> list[RecordOutcome]:
        return self._client.run(self._ops.delete(program_id, lead_ids))

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

    # folders
    def folder(self, folder_id: int, *, type: str = "Folder") -> dict[str, Any] | None:
        return self._client.run(self._ops.first(f"/folder/{int(folder_id)}.json", type=type))

    def folder_by_name(
        self, name: str, *, type: str | None = None, work_space: str | None = None
    ) -> dict[str, Any] | None:
        return self._client.run(self._ops.first("/folder/byName.json", name=name, type=type, workSpace=work_space))

    def iter_folders(
        self, *, root: int | Mapping[str, Any] | None = None, max_depth: int | None = None
    ) -> PageIterator:
        return PageIterator(self._client, self._ops.core, self._ops.folders_pager(root, max_depth))

    def create_folder(
        self, name: str, *, parent: int | Mapping[str, Any], description: str | None = None
    ) -> dict[str, Any] | None:
        fields = {"name": name, "parent": ref(parent), "description": description}
        return self._client.run(self._ops.post("/folders.json", **fields))

    def delete_folder(self, folder_id: int) -> dict[str, Any] | None:
        return self._client.run(self._ops.post(f"/folder/{int(folder_id)}/delete.json", type="Folder"))

    # programs
    def program(self, program_id: int) -> dict[str, Any] | None:
        return self._client.run(self._ops.first(f"/program/{int(program_id)}.json"))

    def program_by_name(self, name: str) -> dict[str, Any] | None:
        return self._client.run(self._ops.first("/program/byName.json", name=name))

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
        fields = {"name": name, "folder": ref(folder), "type": type, "channel": channel, "description": description}
        return self._client.run(self._ops.post("/programs.json", **fields))

    def clone_program(self, program_id: int, name: str, *, folder: int | Mapping[str, Any]) -> dict[str, Any] | None:
        path = f"/program/{int(program_id)}/clone.json"
        return self._client.run(self._ops.post(path, name=name, folder=ref(folder)))

    def delete_program(self, program_id: int) -> dict[str, Any] | None:
        return self._client.run(self._ops.post(f"/program/{int(program_id)}/delete.json"))

    def approve_program(self, program_id: int) -> dict[str, Any] | None:
        return self._client.run(self._ops.post(f"/program/{int(program_id)}/approve.json"))

    # static lists
    def static_list(self, list_id: int) -> dict[str, Any] | None:
        return self._client.run(self._ops.first(f"/staticList/{int(list_id)}.json"))

    def static_list_by_name(self, name: str) -> dict[str, Any] | None:
        return self._client.run(self._ops.first("/staticList/byName.json", name=name))

    def create_static_list(
        self, name: str, *, folder: int | Mapping[str, Any], description: str | None = None
    ) -> dict[str, Any] | None:
        fields = {"name": name, "folder": ref(folder), "description": description}
        return self._client.run(self._ops.post("/staticLists.json", **fields))

    def delete_static_list(self, list_id: int) -> dict[str, Any] | None:
        return self._client.run(self._ops.post(f"/staticList/{int(list_id)}/delete.json"))
