"""`AsyncPageIterator`: records one by one from a pager (`_ops.common.Pager`), fetching pages as needed."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import TYPE_CHECKING, Any, TypeVar

from .._core import Core
from .._ops.common import Pager

if TYPE_CHECKING:
    from .client import AsyncClient

T = TypeVar("T")


class AsyncPageIterator(AsyncIterator[dict[str, Any]]):
    """Records one by one, fetching pages as needed. `.next_page_token` is where a resumed run starts."""

    def __init__(self, client: AsyncClient, core: Core, pager: Pager) -> None:
        self._client, self._core, self._pager = client, core, pager
        self._buffer: list[dict[str, Any]] = []

    @property
    def next_page_token(self) -> str | None:
        return self._pager.next_page_token

    @property
    def chunk_index(self) -> int:
        return self._pager.chunk_index

    def __aiter__(self) -> AsyncPageIterator:
        return self

    async def __anext__(self) -> dict[str, Any]:
        while not self._buffer:
            if self._pager.done:
                raise StopAsyncIteration
            response = await self._client.run(self._core.call(self._pager.spec()))
            self._buffer = self._pager.feed(response)
        return self._buffer.pop(0)


async def collect(items: AsyncIterator[T]) -> list[T]:
    """Every item, in a list."""
    found: list[T] = []
    async for item in items:
        found.append(item)
    return found
