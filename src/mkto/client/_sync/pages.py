# GENERATED FILE, do not edit: made from src/mkto/client/_async/pages.py by `python scripts/unasync.py`.
# Change the async source and run the script again (CI fails when this file is stale: --check).
"""`PageIterator`: records one by one from a pager (`_ops.common.Pager`), fetching pages as needed."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, TypeVar

from .._core import Core
from .._ops.common import Pager

if TYPE_CHECKING:
    from .client import Client

T = TypeVar("T")


class PageIterator(Iterator[dict[str, Any]]):
    """Records one by one, fetching pages as needed. `.next_page_token` is where a resumed run starts."""

    def __init__(self, client: Client, core: Core, pager: Pager) -> None:
        self._client, self._core, self._pager = client, core, pager
        self._buffer: list[dict[str, Any]] = []

    @property
    def next_page_token(self) -> str | None:
        return self._pager.next_page_token

    @property
    def chunk_index(self) -> int:
        return self._pager.chunk_index

    def __iter__(self) -> PageIterator:
        return self

    def __next__(self) -> dict[str, Any]:
        while not self._buffer:
            if self._pager.done:
                raise StopIteration
            response = self._client.run(self._core.call(self._pager.spec()))
            self._buffer = self._pager.feed(response)
        return self._buffer.pop(0)


def collect(items: Iterator[T]) -> list[T]:
    """Every item, in a list."""
    found: list[T] = []
    for item in items:
        found.append(item)
    return found
