"""Static lists and their members: what each call sends, sans I/O."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import Any

from mkto.errors import RecordOutcome
from mkto.errors.limits import MAX_BATCH_RECORDS

from .._core import Core
from .._operations import Flow, RequestSpec
from .common import REST, Pager, Record, first_of, query_pager


def list_params(
    ids: Sequence[int] | None, names: Sequence[str] | None, program_names: Sequence[str] | None, batch_size: int | None
) -> dict[str, Any]:
    """The query of `lists.iter` and `campaigns.iter`."""
    return {"id": ids, "name": names, "programName": program_names, "batchSize": batch_size}


class ListOps:
    def __init__(self, core: Core) -> None:
        self.core = core

    def pager(
        self,
        ids: Sequence[int] | None,
        names: Sequence[str] | None,
        program_names: Sequence[str] | None,
        batch_size: int | None,
        next_page_token: str | None,
    ) -> Pager:
        return query_pager(f"{REST}/lists.json", list_params(ids, names, program_names, batch_size), next_page_token)

    def get(self, list_id: int) -> Flow[Record | None]:
        return first_of(self.core, "GET", f"{REST}/lists/{int(list_id)}.json")

    def members(self, list_id: int, lead_ids: Sequence[int], method: str) -> Flow[list[RecordOutcome]]:
        """Add (POST) or remove (DELETE) leads, 300 per call."""

        def make_spec(chunk: list[Any]) -> RequestSpec:
            return RequestSpec.build(method, f"{REST}/lists/{int(list_id)}/leads.json", json={"input": chunk})

        return self.core.batch([{"id": int(i)} for i in lead_ids], make_spec, max_records=MAX_BATCH_RECORDS)

    def is_member(self, list_id: int, lead_ids: Sequence[int]) -> Flow[list[RecordOutcome]]:
        outcomes: list[RecordOutcome] = []
        ids = [int(i) for i in lead_ids]
        for offset in range(0, len(ids), MAX_BATCH_RECORDS):
            chunk = ids[offset : offset + MAX_BATCH_RECORDS]
            path = f"{REST}/lists/{int(list_id)}/leads/ismember.json"
            response = yield from self.core.call(RequestSpec.build("GET", path, params={"id": chunk}))
            outcomes.extend(dataclasses.replace(o, index=offset + o.index) for o in response.records)
        return outcomes

    def leads_pager(
        self, list_id: int, fields: Sequence[str] | None, batch_size: int | None, next_page_token: str | None
    ) -> Pager:
        params = {"fields": list(fields) if fields else None, "batchSize": batch_size}
        return query_pager(f"{REST}/lists/{int(list_id)}/leads.json", params, next_page_token)
