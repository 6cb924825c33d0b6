"""Leads and usage: what each call sends, sans I/O."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from mkto.errors import RecordOutcome
from mkto.errors.limits import MAX_BATCH_RECORDS, MAX_FILTER_VALUES

from .._core import Core
from .._operations import Flow, RequestSpec
from .._resolve import ReadBack, Stored, parse_time
from .._sizing import chunk_values
from .common import REST, Pager, Record, first_of, query_pager, result_of

USAGE_PATHS = {
    "stats": f"{REST}/stats/usage.json",
    "last_7_days": f"{REST}/stats/usage/last7days.json",
    "errors": f"{REST}/stats/errors.json",
    "errors_last_7_days": f"{REST}/stats/errors/last7days.json",
}
# Sync actions whose lost answers are resolved by reading the records back by their lookup field.
RESOLVED_ACTIONS = frozenset({"createOnly", "createOrUpdate", "updateOnly", "createDuplicate"})
MEMBERSHIP_PATHS = {
    "list": "listMembership.json",
    "program": "programMembership.json",
    "campaign": "smartCampaignMembership.json",
}


class LeadOps:
    """Every lead operation as a flow or a pager, shared by `Leads` and `AsyncLeads`."""

    def __init__(self, core: Core) -> None:
        self.core = core

    def _batch(
        self,
        path: str,
        records: Sequence[Any],
        head: dict[str, Any] | None = None,
        resolver: LeadResolver | None = None,
    ) -> Flow[list[RecordOutcome]]:
        # A resolved sync is sent as not idempotent: its lost answer comes back here instead of a blind resend.
        idempotent = None if resolver is None else False

        def make_spec(chunk: list[Any]) -> RequestSpec:
            body = {**(head or {}), "input": chunk}
            return RequestSpec.build("POST", f"{REST}{path}", json=body, idempotent=idempotent)

        return self.core.batch(list(records), make_spec, max_records=MAX_BATCH_RECORDS, resolver=resolver)

    def sync(
        self, leads: Sequence[Record], action: str, lookup_field: str, partition_name: str | None
    ) -> Flow[list[RecordOutcome]]:
        head: dict[str, Any] = {"action": action, "lookupField": lookup_field}
        if partition_name is not None:
            head["partitionName"] = partition_name
        resolver = LeadResolver(self, action, lookup_field) if action in RESOLVED_ACTIONS else None
        return self._batch("/leads.json", leads, head, resolver)

    def filter_pager(
        self,
        filter_type: str,
        values: Sequence[Any],
        fields: Sequence[str] | None,
        batch_size: int | None,
        next_page_token: str | None,
    ) -> Pager:
        def make_spec(chunk: list[Any] | None, token: str | None) -> RequestSpec:
            params: list[tuple[str, Any]] = [("filterType", filter_type), ("filterValues", chunk or [])]
            if fields:
                params.append(("fields", list(fields)))
            if batch_size:
                params.append(("batchSize", batch_size))
            if token:
                params.append(("nextPageToken", token))
            return RequestSpec.build("GET", f"{REST}/leads.json", params=params)

        chunks = chunk_values([str(v) for v in values], MAX_FILTER_VALUES)
        return Pager(make_spec, list(chunks), next_page_token=next_page_token)

    def get(self, lead_id: int, fields: Sequence[str] | None) -> Flow[Record | None]:
        params = {"fields": list(fields)} if fields else None
        return first_of(self.core, "GET", f"{REST}/lead/{int(lead_id)}.json", params=params)

    def delete(self, ids: Sequence[int]) -> Flow[list[RecordOutcome]]:
        return self._batch("/leads/delete.json", [{"id": int(i)} for i in ids])

    def result_of(self, path: str) -> Flow[list[Record]]:
        """GET under /rest/v1 and its `result`: describe, describe2, partitions, usage."""
        return result_of(self.core, "GET", f"{REST}{path}")

    def usage(self, name: str) -> Flow[list[Record]]:
        return result_of(self.core, "GET", USAGE_PATHS[name])

    def fields_pager(self) -> Pager:
        return query_pager(f"{REST}/leads/schema/fields.json", {})

    def memberships_pager(self, lead_id: int, kind: str) -> Pager:
        return query_pager(f"{REST}/leads/{int(lead_id)}/{MEMBERSHIP_PATHS[kind]}", {})

    def merge(self, winner_id: int, loser_ids: Sequence[int], merge_in_crm: bool | None) -> Flow[None]:
        params: dict[str, Any] = {"leadIds": [int(i) for i in loser_ids], "mergeInCRM": merge_in_crm}
        yield from self.core.call(RequestSpec.build("POST", f"{REST}/leads/{int(winner_id)}/merge.json", params=params))

    def associate(self, lead_id: int, cookie: str) -> Flow[None]:
        path = f"{REST}/leads/{int(lead_id)}/associate.json"
        yield from self.core.call(RequestSpec.build("POST", path, params={"cookie": cookie}))

    def push(
        self,
        program_name: str,
        leads: Sequence[Record],
        lookup_field: str | None,
        source: str | None,
        reason: str | None,
    ) -> Flow[list[RecordOutcome]]:
        head: dict[str, Any] = {"programName": program_name}
        head.update({k: v for k, v in (("lookupField", lookup_field), ("source", source), ("reason", reason)) if v})
        return self._batch("/leads/push.json", leads, head)

    def submit_form(self, form_id: int, inputs: Sequence[Record], program_id: int | None) -> Flow[list[RecordOutcome]]:
        head: dict[str, Any] = {"formId": int(form_id)}
        if program_id is not None:
            head["programId"] = int(program_id)
        return self._batch("/leads/submitForm.json", inputs, head)

    def update_partitions(self, moves: Sequence[Record]) -> Flow[list[RecordOutcome]]:
        return self._batch("/leads/partitions.json", moves)

    def program_pager(
        self, program_id: int, fields: Sequence[str] | None, batch_size: int | None, next_page_token: str | None
    ) -> Pager:
        def make_spec(_: list[Any] | None, token: str | None) -> RequestSpec:
            params = {"fields": list(fields) if fields else None, "batchSize": batch_size, "nextPageToken": token}
            return RequestSpec.build("GET", f"{REST}/leads/programs/{int(program_id)}.json", params=params)

        return Pager(make_spec, next_page_token=next_page_token)


def lookup_key(value: Any) -> str | None:
    """A lookup value as Marketo compares it (emails and other strings without regard to case)."""
    if value is None or isinstance(value, Mapping | list):
        return None
    text = str(value).strip().lower()
    return text or None


class LeadResolver:
    """Reads a lost sync's leads back with Get Leads by Filter Type on the lookup field (300 values a call,
    sent as POST when the URL would be too long), with their ids and timestamps."""

    def __init__(self, ops: LeadOps, action: str, lookup_field: str) -> None:
        self.ops, self.action, self.lookup_field = ops, action, lookup_field

    def read_back(self, records: Sequence[tuple[int, Mapping[str, Any]]]) -> Flow[ReadBack]:
        seen = ReadBack()
        values: dict[str, Any] = {}
        for position, record in records:
            key = lookup_key(record.get(self.lookup_field))
            if key is not None:
                seen.key_of[position] = key
                values.setdefault(key, record[self.lookup_field])
        fields = sorted({"id", self.lookup_field, "createdAt", "updatedAt"})
        pager = self.ops.filter_pager(self.lookup_field, list(values.values()), fields, None, None)
        pager.done = not values
        while not pager.done:
            response, server_time = yield from self.ops.core.call_dated(pager.spec())
            seen.note_answer(server_time, self.ops.core.clock())
            for lead in pager.feed(response):
                key = lookup_key(lead.get(self.lookup_field))
                if key is not None:
                    created, updated = parse_time(lead.get("createdAt")), parse_time(lead.get("updatedAt"))
                    seen.add(key, Stored({"id": lead.get("id")}, created, updated))
        return seen
