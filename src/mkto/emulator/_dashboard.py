"""The dashboard at `GET /_mkto/`: a static page shipped in the package (`_static/`: one HTML page, one script,
one style sheet; no build step, nothing fetched from the network) that reads everything through the admin
API's JSON endpoints, by URLs relative to the page, and polls them for live updates. So it shows whatever
state those endpoints read, and works unchanged wherever the admin API is mounted.
"""

from __future__ import annotations

import importlib.resources
from collections.abc import Mapping

PAGE = "dashboard.html"
# The files the page loads from `static/` beside it, and their content types.
ASSETS: Mapping[str, str] = {
    "dashboard.js": "text/javascript; charset=utf-8",
    "dashboard.css": "text/css; charset=utf-8",
}
_STATIC = importlib.resources.files(__package__) / "_static"


def page() -> bytes:
    """The dashboard's HTML."""
    return (_STATIC / PAGE).read_bytes()


def asset(name: str) -> tuple[bytes, str] | None:
    """A file the page loads and its content type, or None for a name that is not one of them."""
    media = ASSETS.get(name)
    return None if media is None else ((_STATIC / name).read_bytes(), media)


__all__ = ["ASSETS", "PAGE", "asset", "page"]
