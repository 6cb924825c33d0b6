# GENERATED FILE, do not edit: made from src/mkto/client/_async/leads.py by `python scripts/unasync.py`.
# Change the async source and run the script again (CI fails when this file is stale: --check).
"""`client.leads` and `client.usage`: one line per method over the lead builders (`_ops.leads`)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from mkto.errors import RecordOutcome

from .._ops.leads import LeadOps
from .pages import PageIterator, collect

if TYPE_CHECKING:
    from .client import Client


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
        return self._client.run(self._ops.sync(leads, action, lookup_field, partition_name))

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
        return collect(self.iter_by_filter(filter_type, values, fields=fields, batch_size=batch_size))

    def get(self, lead_id: int, *, fields: Sequence[str] | None = None) -> dict[str, Any] | None:
        return self._client.run(self._ops.get(lead_id, fields))

    def delete(self, ids: Sequence[int]) -> list[RecordOutcome]:
        return self._client.run(self._ops.delete(ids))

    def describe(self) -> list[dict[str, Any]]:
        return self._client.run(self._ops.result_of("/leads/describe.json"))

    def describe2(self) -> list[dict[str, Any]]:
        return self._client.run(self._ops.result_of("/leads/describe2.json"))

    def fields(self) -> list[dict[str, Any]]:
        return collect(PageIterator(self._client, self._ops.core, self._ops.fields_pager()))

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
        return self._client.run(self._ops.push(program_name, leads, lookup_field, source, reason))

    def submit_form(
        self, form_id: int, inputs: Sequence[dict[str, Any]], *, program_id: int | None = None
    ) -> list[RecordOutcome]:
        """Submit Form for each input (`{"leadFormFields": {...}, "visitorData": {...}, "cookie": ...}`).

        Not idempotent: a lost response raises `AmbiguousOutcome` unless the retry policy opts in.
        """
        return self._client.run(self._ops.submit_form(form_id, inputs, program_id))

    def partitions(self) -> list[dict[str, Any]]:
        return self._client.run(self._ops.result_of("/leads/partitions.json"))

    def update_partitions(self, moves: Sequence[dict[str, Any]]) -> list[RecordOutcome]:
        """Move leads between partitions: `[{"id": 5, "partitionName": "Europe"}]`."""
        return self._client.run(self._ops.update_partitions(moves))

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
        return collect(self._memberships(lead_id, "list"))

    def program_memberships(self, lead_id: int) -> list[dict[str, Any]]:
        return collect(self._memberships(lead_id, "program"))

    def campaign_memberships(self, lead_id: int) -> list[dict[str, Any]]:
        return collect(self._memberships(lead_id, "campaign"))

    def _memberships(self, lead_id: int, kind: str) -> PageIterator:
        return PageIterator(self._client, self._ops.core, self._ops.memberships_pager(lead_id, kind))


class Usage:
    """`client.usage`: API call counts per day and user, and error counts (`client.usage.stats()`)."""

    def __init__(self, client: Client) -> None:
        self._client = client
        self._ops = LeadOps(client._core)

    def stats(self) -> list[dict[str, Any]]:
        return self._client.run(self._ops.usage("stats"))

    def last_7_days(self) -> list[dict[str, Any]]:
        return self._client.run(self._ops.usage("last_7_days"))

    def errors(self) -> list[dict[str, Any]]:
        return self._client.run(self._ops.usage("errors"))

    def errors_last_7_days(self) -> list[dict[str, Any]]:
        return self._client.run(self._ops.usage("errors_last_7_days"))
