"""Asset API folders, programs and static lists: what each call sends, sans I/O.

The Asset API answers "not found" with a warning and no result: those calls give None or nothing, never an
exception. Its paging is offset/maxReturn (200 a page).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from mkto.errors import MarketoResponse

from .._core import Core
from .._operations import Flow, RequestSpec
from .common import Pager, Record, first_of

ASSET = "/rest/asset/v1"
MAX_ASSET_PAGE = 200


class OffsetPager(Pager):
    """Asset API paging: offset and maxReturn, until a short or empty page."""

    def __init__(self, path: str, params: Mapping[str, Any], max_return: int = MAX_ASSET_PAGE) -> None:
        super().__init__(lambda _c, _t: RequestSpec.build("GET", path))
        self._path, self._params, self._max = path, dict(params), max_return
        self.offset = 0

    def spec(self) -> RequestSpec:
        params = {**self._params, "offset": self.offset, "maxReturn": self._max}
        return RequestSpec.build("GET", self._path, params=params)

    def feed(self, response: MarketoResponse) -> list[Any]:
        page = list(response.result or [])
        self.offset += len(page)
        self.done = len(page) < self._max
        return page


def ref(folder: int | Mapping[str, Any]) -> str:
    """A folder reference as the Asset API's form fields take it: {"id": 5, "type": "Folder"} in JSON."""
    value = {"id": int(folder), "type": "Folder"} if isinstance(folder, int) else dict(folder)
    return json.dumps(value, separators=(",", ":"))


def _form(**fields: Any) -> dict[str, Any]:
    return {k: v for k, v in fields.items() if v is not None}


class AssetOps:
    def __init__(self, core: Core) -> None:
        self.core = core

    def first(self, path: str, **params: Any) -> Flow[Record | None]:
        return first_of(self.core, "GET", f"{ASSET}{path}", params=_form(**params))

    def post(self, path: str, **fields: Any) -> Flow[Record | None]:
        return first_of(self.core, "POST", f"{ASSET}{path}", data=_form(**fields))

    def pager(self, path: str, **params: Any) -> OffsetPager:
        return OffsetPager(f"{ASSET}{path}", _form(**params))

    def folders_pager(self, root: int | Mapping[str, Any] | None, max_depth: int | None) -> OffsetPager:
        return self.pager("/folders.json", root=ref(root) if root is not None else None, maxDepth=max_depth)
