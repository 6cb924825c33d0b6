"""Activities and lead changes: paging from a date, custom activities, sans I/O.

Custom activity add is not idempotent: a lost response raises `AmbiguousOutcome` unless the retry policy
opts in.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from mkto.errors import MarketoResponse, RecordOutcome
from mkto.errors.limits import MAX_BATCH_RECORDS

from .._core import Core
from .._operations import Flow, RequestSpec
from .common import REST, Pager, Record, result_of, when

PAGING_TOKEN_PATH = f"{REST}/activities/pagingtoken.json"


class ActivityPager(Pager):
    """Activity paging starts from a date: the first call turns `since` into a paging token."""

    def __init__(self, core_path: str, params: dict[str, Any], *, since: str | None, next_page_token: str | None):
        def make_spec(_: list[Any] | None, token: str | None) -> RequestSpec:
            return RequestSpec.build("GET", core_path, params={**params, "nextPageToken": token})

        super().__init__(make_spec, next_page_token=next_page_token, stop_on_empty=False)
        if next_page_token is None and since is None:
            raise ValueError("give since= (a datetime or ISO 8601 string) or next_page_token=")
        self._since = since

    def spec(self) -> RequestSpec:
        if self.next_page_token is None:
            return RequestSpec.build("GET", PAGING_TOKEN_PATH, params={"sinceDatetime": self._since})
        return super().spec()

    def feed(self, response: MarketoResponse) -> list[Any]:
        if self.next_page_token is None:
            self.next_page_token = response.next_page_token
            self.done = self.next_page_token is None
            return []
        return super().feed(response)


class ActivityOps:
    def __init__(self, core: Core) -> None:
        self.core = core

    def types(self) -> Flow[list[Record]]:
        return result_of(self.core, "GET", f"{REST}/activities/types.json")

    def paging_token(self, since: dt.datetime | str) -> Flow[str | None]:
        response = yield from self.core.call(
            RequestSpec.build("GET", PAGING_TOKEN_PATH, params={"sinceDatetime": when(since)})
        )
        return response.next_page_token

    def pager(
        self,
        path: str,
        params: dict[str, Any],
        *,
        since: dt.datetime | str | None,
        next_page_token: str | None,
        list_id: int | None,
        lead_ids: Sequence[int] | None,
        batch_size: int | None,
    ) -> ActivityPager:
        """One pager for activities (`path` "activities.json") and lead changes ("activities/leadchanges.json")."""
        return ActivityPager(
            f"{REST}/{path}",
            {**params, "listId": list_id, "leadIds": lead_ids, "batchSize": batch_size},
            since=when(since) if since is not None else None,
            next_page_token=next_page_token,
        )

    def add_custom(self, activities: Sequence[Record]) -> Flow[list[RecordOutcome]]:
        def make_spec(chunk: list[Any]) -> RequestSpec:
            return RequestSpec.build("POST", f"{REST}/activities/external.json", json={"input": chunk})

        return self.core.batch(list(activities), make_spec, max_records=MAX_BATCH_RECORDS)
