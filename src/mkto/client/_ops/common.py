"""What every area's builders share: the REST prefix, the pager, and single-call flows."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from mkto.errors import MarketoResponse

from .._core import Core
from .._operations import Flow, RequestSpec

REST = "/rest/v1"

Record = dict[str, Any]


class Pager:
    """Paging state, sans I/O: which filter chunk, which `nextPageToken`; resumable from a token.

    Filter values beyond 300 are sent in chunks, one paging sequence per chunk.
    """

    def __init__(
        self,
        make_spec: Callable[[list[Any] | None, str | None], RequestSpec],
        chunks: list[list[Any]] | None = None,
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


def query_pager(path: str, params: dict[str, Any], next_page_token: str | None = None) -> Pager:
    """GET `path` with `params`, following `nextPageToken`."""

    def make_spec(_: list[Any] | None, token: str | None) -> RequestSpec:
        return RequestSpec.build("GET", path, params={**params, "nextPageToken": token})

    return Pager(make_spec, next_page_token=next_page_token)


def filter_pager(make_spec: Callable[[list[Any] | None, str | None], RequestSpec], chunks: list[list[Any]],
                 next_page_token: str | None) -> Pager:  # fmt: skip
    """A pager over filter-value chunks; no values at all is an empty result, not a call Marketo refuses."""
    pager = Pager(make_spec, chunks or [[]], next_page_token=next_page_token)
    pager.done = not any(chunks)
    return pager


def result_of(core: Core, method: str, path: str, **kw: Any) -> Flow[list[Any]]:
    response = yield from core.call(RequestSpec.build(method, path, **kw))
    return response.result


def first_of(core: Core, method: str, path: str, **kw: Any) -> Flow[Record | None]:
    result = yield from result_of(core, method, path, **kw)
    first: Record | None = result[0] if result else None
    return first


def when(value: dt.datetime | str) -> str:
    return value.isoformat() if isinstance(value, dt.datetime) else value
