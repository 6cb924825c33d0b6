"""Dedupe objects (companies, opportunities, roles, sales persons, named accounts, custom objects) and
program members: what each call sends, sans I/O.

One `DedupeOps` serves every dedupe object: only its path differs.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from mkto.errors import RecordOutcome
from mkto.errors.limits import MAX_BATCH_RECORDS, MAX_FILTER_VALUES

from .._core import Core
from .._operations import Flow, RequestSpec
from .._resolve import ReadBack, Stored, parse_time
from .._sizing import chunk_values
from .common import REST, Pager, Record, filter_pager, first_of
from .leads import lookup_key

# The dedupe objects by the name `client.<name>` gives them, and their paths under /rest/v1.
DEDUPE_OBJECTS = {
    "companies": "companies",
    "opportunities": "opportunities",
    "opportunity_roles": "opportunities/roles",
    "sales_persons": "salespersons",
    "named_accounts": "namedaccounts",
}


def _query(filter_type: str, chunk: list[Any] | None, fields: Sequence[str] | None, batch_size: int | None,
           token: str | None) -> list[tuple[str, Any]]:  # fmt: skip
    params: list[tuple[str, Any]] = [("filterType", filter_type), ("filterValues", chunk or [])]
    params += [(k, v) for k, v in (("fields", fields and list(fields)), ("batchSize", batch_size)) if v]
    if token:
        params.append(("nextPageToken", token))
    return params


class DedupeOps:
    """One dedupe object's calls: `DedupeOps(core, "/rest/v1/companies")`."""

    def __init__(self, core: Core, base: str) -> None:
        self.core = core
        self.base = base
        self.identity: Record | None = None  # idField and dedupeFields, described once when a read-back needs them

    def describe(self) -> Flow[Record | None]:
        return first_of(self.core, "GET", f"{self.base}/describe.json")

    def sync(
        self, records: Sequence[Mapping[str, Any]], action: str | None, dedupe_by: str | None
    ) -> Flow[list[RecordOutcome]]:
        def make_spec(chunk: list[Any]) -> RequestSpec:
            body: dict[str, Any] = {k: v for k, v in (("action", action), ("dedupeBy", dedupe_by)) if v}
            body["input"] = chunk
            # Not idempotent: a lost answer comes back to be resolved by reading back, never resent blindly.
            return RequestSpec.build("POST", f"{self.base}.json", json=body, idempotent=False)

        resolver = ObjectResolver(self, action or "createOrUpdate", dedupe_by or "dedupeFields")
        return self.core.batch([dict(r) for r in records], make_spec, max_records=MAX_BATCH_RECORDS, resolver=resolver)

    def delete(self, records: Sequence[Mapping[str, Any]], delete_by: str | None) -> Flow[list[RecordOutcome]]:
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
            return RequestSpec.build(
                "GET", f"{self.base}.json", params=_query(filter_type, chunk, fields, batch_size, token)
            )

        items = list(values)
        if compound:
            chunks: list[list[Any]] = [
                items[i : i + MAX_FILTER_VALUES] for i in range(0, len(items), MAX_FILTER_VALUES)
            ]
        else:
            chunks = list(chunk_values([str(v) for v in items], MAX_FILTER_VALUES))
        return filter_pager(make_spec, chunks, next_page_token)


class ProgramMemberOps:
    def __init__(self, core: Core) -> None:
        self.core = core

    def describe(self) -> Flow[Record | None]:
        return first_of(self.core, "GET", f"{REST}/programs/members/describe.json")

    def status(self, program_id: int, lead_ids: Sequence[int], status_name: str) -> Flow[list[RecordOutcome]]:
        def make_spec(chunk: list[Any]) -> RequestSpec:
            path = f"{REST}/programs/{int(program_id)}/members/status.json"
            return RequestSpec.build("POST", path, json={"statusName": status_name, "input": chunk})

        return self.core.batch([{"leadId": int(i)} for i in lead_ids], make_spec, max_records=MAX_BATCH_RECORDS)

    def update(self, program_id: int, records: Sequence[Mapping[str, Any]]) -> Flow[list[RecordOutcome]]:
        def make_spec(chunk: list[Any]) -> RequestSpec:
            return RequestSpec.build("POST", f"{REST}/programs/{int(program_id)}/members.json", json={"input": chunk})

        return self.core.batch([dict(r) for r in records], make_spec, max_records=MAX_BATCH_RECORDS)

    def delete(self, program_id: int, lead_ids: Sequence[int]) -> Flow[list[RecordOutcome]]:
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
            path = f"{REST}/programs/{int(program_id)}/members.json"
            return RequestSpec.build("GET", path, params=_query(filter_type, chunk, fields, batch_size, token))

        chunks = chunk_values([str(v) for v in values], MAX_FILTER_VALUES)
        return filter_pager(make_spec, list(chunks), next_page_token)


class ObjectResolver:
    """Reads a lost sync's records back by the key the sync used: the dedupe fields (a JSON search, so
    compound keys work too) or the id field; the object's describe says which fields those are."""

    def __init__(self, ops: DedupeOps, action: str, dedupe_by: str) -> None:
        self.ops, self.action, self.dedupe_by = ops, action, dedupe_by

    def read_back(self, records: Sequence[tuple[int, Mapping[str, Any]]]) -> Flow[ReadBack]:
        if self.ops.identity is None:
            self.ops.identity = (yield from self.ops.describe()) or {}
        id_field = str(self.ops.identity.get("idField") or "marketoGUID")
        names = [id_field] if self.dedupe_by == "idField" else list(self.ops.identity.get("dedupeFields") or [])
        seen = ReadBack()
        searched: list[int] = []
        for position, record in records:
            key = tuple(lookup_key(record.get(name)) for name in names)
            if names and None not in key:
                seen.key_of[position] = key
                searched.append(position)
        by_seq, given = dict(enumerate(searched)), dict(records)
        if self.dedupe_by == "idField":
            values: list[Any] = [given[p][id_field] for p in searched]
        else:
            values = [{name: given[p][name] for name in names} for p in searched]
        pager = self.ops.pager(self.dedupe_by, values, [id_field, "createdAt", "updatedAt"], None, None)
        while not pager.done:
            response, server_time = yield from self.ops.core.call_dated(pager.spec())
            seen.note_answer(server_time, self.ops.core.clock())
            offset = pager.chunk_index * MAX_FILTER_VALUES
            for found in pager.feed(response):
                searched_at = by_seq.get(offset + int(found.get("seq", -1)))
                if searched_at is not None and found.get(id_field) is not None:
                    created, updated = parse_time(found.get("createdAt")), parse_time(found.get("updatedAt"))
                    seen.add(seen.key_of[searched_at], Stored({id_field: found[id_field]}, created, updated))
        return seen
