"""Routing for the API areas: every registered `Endpoint`, plus aliases that let the other ways real
clients reach an operation land on it (Delete Leads as `DELETE /rest/v1/leads.json`)."""

from __future__ import annotations

import dataclasses
import importlib
import re
import types
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from starlette.convertors import Convertor
from starlette.routing import compile_path

from ._api import Endpoint

AREAS: tuple[str, ...] = ("mkto.emulator.leads", "mkto.emulator.stats", "mkto.emulator.bulk")
AREAS += ("mkto.emulator.lists",)
AREAS += ("mkto.emulator.campaigns",)
AREAS += ("mkto.emulator.activities",)
AREAS += ("mkto.emulator.crm", "mkto.emulator.customobjects", "mkto.emulator.programmembers")
AREAS += ("mkto.emulator.assets",)


@dataclasses.dataclass(frozen=True, slots=True)
class Alias:
    """`method path` answers as the endpoint registered at `target_method target_path`."""

    method: str
    path: str
    target_method: str
    target_path: str


ALIASES: tuple[Alias, ...] = (
    # marketorestpython sends DELETE with a JSON body; recorded traffic sends POST ...?_method=DELETE.
    Alias("DELETE", "/rest/v1/leads.json", "POST", "/rest/v1/leads/delete.json"),
)


@dataclasses.dataclass(slots=True)
class _Resource:
    order: int  # registration order: the first resource whose pattern matches wins
    path: str
    regex: re.Pattern[str]
    convertors: dict[str, Convertor[Any]]
    methods: dict[str, Endpoint]


def _shape(path: str) -> tuple[int, tuple[str, ...]] | None:
    """A pattern's segment count and its literal segments before the first parameter; None when a parameter
    may span segments (`{x:path}`), so the pattern is tried for every path."""
    segments = path.split("/")
    if ":path}" in path:
        return None
    literal = 0
    while literal < len(segments) and "{" not in segments[literal]:
        literal += 1
    return len(segments), tuple(segments[:literal])


_NO_PARAMS: Mapping[str, Any] = types.MappingProxyType({})


@dataclasses.dataclass(frozen=True, slots=True)
class Match:
    endpoint: Endpoint | None  # None: the path is known but not for this method (605)
    path_params: Mapping[str, Any]  # read-only: a remembered match is every caller's


def load_endpoints(areas: Iterable[str]) -> list[Endpoint]:
    """Every area's ENDPOINTS; an area that fails to import fails loudly."""
    endpoints: list[Endpoint] = []
    for name in areas:
        module = importlib.import_module(name)
        area_endpoints = getattr(module, "ENDPOINTS", None)
        if area_endpoints is None:
            raise ImportError(f"emulator area {name} exposes no ENDPOINTS")
        endpoints.extend(area_endpoints)
    return endpoints


_MATCHES_KEPT = 4096  # remembered (method, path) answers; all forgotten at once when full


class Router:
    def __init__(self, endpoints: Sequence[Endpoint], aliases: Sequence[Alias] = ALIASES) -> None:
        self.endpoints = list(endpoints)
        self._resources: list[_Resource] = []
        # Patterns by shape, so a match tries the few that can fit instead of all of them in turn.
        self._by_shape: dict[tuple[int, tuple[str, ...]], list[_Resource]] = {}
        self._prefixes: dict[int, set[int]] = {}  # segment count -> literal prefix lengths registered
        self._spanning: list[_Resource] = []
        self._matched: dict[tuple[str, str], Match | None] = {}
        by_key: dict[tuple[str, str], Endpoint] = {}
        for endpoint in self.endpoints:
            key = (endpoint.method.upper(), endpoint.path)
            if key in by_key:
                raise ValueError(f"two endpoints registered for {key[0]} {key[1]}")
            by_key[key] = endpoint
            self._add(endpoint.path, endpoint.method.upper(), endpoint)
        for alias in aliases:
            target = by_key.get((alias.target_method, alias.target_path))
            if target is not None:  # the area may not implement the target (yet)
                self._add(alias.path, alias.method, target)

    def _add(self, path: str, method: str, endpoint: Endpoint) -> None:
        for resource in self._resources:
            if resource.path == path:
                resource.methods.setdefault(method, endpoint)
                return
        regex, _fmt, convertors = compile_path(path)
        resource = _Resource(len(self._resources), path, regex, convertors, {method: endpoint})
        self._resources.append(resource)
        shape = _shape(path)
        if shape is None:
            self._spanning.append(resource)
        else:
            self._by_shape.setdefault(shape, []).append(resource)
            self._prefixes.setdefault(shape[0], set()).add(len(shape[1]))

    def _candidates(self, path: str) -> list[_Resource]:
        segments = path.split("/")
        count = len(segments)
        found = list(self._spanning)
        for length in self._prefixes.get(count, ()):
            found.extend(self._by_shape.get((count, tuple(segments[:length])), ()))
        if len(found) > 1:
            found.sort(key=lambda r: r.order)
        return found

    def match(self, method: str, path: str) -> Match | None:
        """None: no such resource (610). Answers are remembered (a bounded number): most calls repeat a path."""
        key = (method, path)
        try:
            return self._matched[key]
        except KeyError:
            pass
        found = self._match(method, path)
        if len(self._matched) >= _MATCHES_KEPT:
            self._matched.clear()
        self._matched[key] = found
        return found

    def _match(self, method: str, path: str) -> Match | None:
        known = False
        for resource in self._candidates(path):
            m = resource.regex.match(path)
            if m is None:
                continue
            known = True
            endpoint = resource.methods.get(method)
            if endpoint is not None:
                params = {k: resource.convertors[k].convert(v) for k, v in m.groupdict().items()}
                return Match(endpoint, types.MappingProxyType(params))
        return Match(None, _NO_PARAMS) if known else None
