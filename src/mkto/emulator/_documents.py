"""What the fault plans and the scripted scenarios share: a book of entries that, with a shared state
backend, lives as one JSON document there, read and written back under its lock by every operation (so counts
go down across all workers), and whose copy here `follow` refreshes when another worker changed it."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ._state import SharedState


class DocumentBook:
    """A subclass names its `DOCUMENT` and says how its entries are read from (`_load`) and written to
    (`_dump`) the document; its operations run inside `_held()`."""

    DOCUMENT = ""

    def __init__(self, shared: SharedState | None) -> None:
        self._lock = threading.Lock()
        self._shared = shared
        self._next_id = 1

    def _load(self, doc: Mapping[str, Any]) -> None:
        raise NotImplementedError

    def _dump(self, doc: dict[str, Any]) -> None:
        raise NotImplementedError

    @contextlib.contextmanager
    def _held(self) -> Iterator[None]:
        with self._lock:
            if self._shared is None:
                yield
                return
            with self._shared.document(self.DOCUMENT) as doc:
                self._load(doc)
                try:
                    yield
                finally:
                    self._dump(doc)
                    doc["next_id"] = self._next_id

    def follow(self) -> None:
        """Take what another worker changed (shared state only)."""
        if self._shared is not None:
            doc = self._shared.read(self.DOCUMENT)
            with self._lock:
                self._load(doc)
