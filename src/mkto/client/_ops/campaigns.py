"""Smart campaigns: what each call sends, sans I/O.

Trigger and schedule are not idempotent: a lost response raises `AmbiguousOutcome` (the core recognises
their paths) unless the retry policy opts in.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from mkto.errors.limits import MAX_TRIGGER_LEADS

from .._core import Core
from .._operations import Flow, RequestSpec
from .common import REST, Pager, Record, first_of, query_pager, result_of, when
from .lists import list_params


class CampaignOps:
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
        params = list_params(ids, names, program_names, batch_size)
        return query_pager(f"{REST}/campaigns.json", params, next_page_token)

    def get(self, campaign_id: int) -> Flow[Record | None]:
        return first_of(self.core, "GET", f"{REST}/campaigns/{int(campaign_id)}.json")

    def trigger(
        self, campaign_id: int, lead_ids: Sequence[int], tokens: Sequence[dict[str, str]] | None
    ) -> Flow[list[Any]]:
        results: list[Any] = []
        ids = [int(i) for i in lead_ids]
        for offset in range(0, max(len(ids), 1), MAX_TRIGGER_LEADS):
            body: dict[str, Any] = {"leads": [{"id": i} for i in ids[offset : offset + MAX_TRIGGER_LEADS]]}
            if tokens:
                body["tokens"] = list(tokens)
            path = f"{REST}/campaigns/{int(campaign_id)}/trigger.json"
            response = yield from self.core.call(RequestSpec.build("POST", path, json={"input": body}))
            results.extend(response.result)
        return results

    def schedule(
        self,
        campaign_id: int,
        run_at: dt.datetime | str | None,
        tokens: Sequence[dict[str, str]] | None,
        clone_to_program_name: str | None,
    ) -> Flow[list[Any]]:
        body: dict[str, Any] = {}
        if run_at is not None:
            body["runAt"] = when(run_at)
        if tokens:
            body["tokens"] = list(tokens)
        if clone_to_program_name:
            body["cloneToProgramName"] = clone_to_program_name
        path = f"{REST}/campaigns/{int(campaign_id)}/schedule.json"
        return result_of(self.core, "POST", path, json={"input": body})
