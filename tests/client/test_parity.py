"""The sync and async clients have the same public classes and methods with the same signatures: `Async`
in a class name and `async def` are the only differences (and `aclose` for `close`)."""

from __future__ import annotations

import asyncio
import inspect
import time
from typing import Any

import mkto.client
from mkto.client._async import areas as async_areas
from mkto.client._async import bulk as async_bulk
from mkto.client._async import client as async_client
from mkto.client._async import leads as async_leads
from mkto.client._async import objects as async_objects
from mkto.client._async import pages as async_pages
from mkto.client._sync import areas as sync_areas
from mkto.client._sync import bulk as sync_bulk
from mkto.client._sync import client as sync_client
from mkto.client._sync import leads as sync_leads
from mkto.client._sync import objects as sync_objects
from mkto.client._sync import pages as sync_pages

MODULES = [
    (sync_client, async_client),
    (sync_pages, async_pages),
    (sync_leads, async_leads),
    (sync_areas, async_areas),
    (sync_objects, async_objects),
    (sync_bulk, async_bulk),
]
SAME_DEFAULTS = {(time.sleep, asyncio.sleep)}
RENAMED = {"aclose": "close"}
DUNDERS = (
    "__init__",
    "__iter__",
    "__next__",
    "__enter__",
    "__exit__",
    "__aiter__",
    "__anext__",
    "__aenter__",
    "__aexit__",
)


def own_classes(module: Any) -> dict[str, type]:
    return {
        name: obj
        for name, obj in vars(module).items()
        if inspect.isclass(obj) and obj.__module__ == module.__name__ and not name.startswith("_")
    }


def public_members(cls: type) -> dict[str, Any]:
    members = {}
    for klass in cls.__mro__:
        if klass.__module__.startswith("mkto.client"):
            for name, value in vars(klass).items():
                if not name.startswith("_") or name in DUNDERS:
                    members.setdefault(name, value)
    return members


def sync_name(name: str) -> str:
    return RENAMED.get(name, name.removeprefix("Async"))


def same_default(a: Any, b: Any) -> bool:
    return a == b or (a, b) in SAME_DEFAULTS


def assert_same_signature(where: str, sync_fn: Any, async_fn: Any) -> None:
    s, a = inspect.signature(sync_fn), inspect.signature(async_fn)
    assert [(p.name, p.kind) for p in s.parameters.values()] == [(p.name, p.kind) for p in a.parameters.values()], where
    for p in s.parameters.values():
        assert same_default(p.default, a.parameters[p.name].default), f"{where}: default of {p.name}"


def test_every_public_class_has_its_twin() -> None:
    for sync_module, async_module in MODULES:
        sync_classes, async_classes = own_classes(sync_module), own_classes(async_module)
        assert sorted(sync_classes) == sorted(sync_name(n) for n in async_classes), sync_module.__name__
        assert all(name.startswith("Async") for name in async_classes)


def test_every_public_method_has_the_same_signature_on_both_sides() -> None:
    for sync_module, async_module in MODULES:
        for async_cls_name, async_cls in own_classes(async_module).items():
            sync_cls = getattr(sync_module, sync_name(async_cls_name))
            async_members, sync_members = public_members(async_cls), public_members(sync_cls)
            expected = {sync_name(n).replace("__a", "__") for n in async_members}
            assert set(sync_members) == expected, async_cls_name
            for name, async_member in async_members.items():
                sync_member = sync_members[sync_name(name).replace("__a", "__")]
                where = f"{async_cls_name}.{name}"
                if isinstance(async_member, property):
                    assert isinstance(sync_member, property), where
                    continue
                async_fn = getattr(async_member, "__func__", async_member)
                sync_fn = getattr(sync_member, "__func__", sync_member)
                assert_same_signature(where, sync_fn, async_fn)
                if inspect.iscoroutinefunction(async_fn) or inspect.isasyncgenfunction(async_fn):
                    assert not inspect.iscoroutinefunction(sync_fn) and not inspect.isasyncgenfunction(sync_fn), where
                else:  # a plain def on the async side (an iterator factory) stays a plain def
                    assert inspect.isfunction(sync_fn) and not inspect.isgeneratorfunction(sync_fn), where
                    assert not inspect.isgeneratorfunction(async_fn), where


def test_both_clients_carry_the_same_resources() -> None:
    config = {"base_url": "https://x.mktorest.com", "client_id": "id", "client_secret": "secret"}
    sync, aio = mkto.client.Client(**config), mkto.client.AsyncClient(**config)
    try:
        sync_resources = {k: type(v).__name__ for k, v in vars(sync).items() if not k.startswith("_")}
        async_resources = {k: sync_name(type(v).__name__) for k, v in vars(aio).items() if not k.startswith("_")}
        assert sync_resources == async_resources
        assert {"lists", "campaigns", "activities", "bulk", "assets"} <= set(sync_resources)
        # what the async side once lacked
        for resource, method in (("lists", "iter_leads"), ("campaigns", "iter"), ("activities", "paging_token")):
            assert callable(getattr(getattr(aio, resource), method))
    finally:
        sync.close()
        asyncio.run(aio.aclose())


def test_the_public_names_come_in_pairs() -> None:
    names = set(mkto.client.__all__)
    for name in names:
        if name.startswith("Async"):
            assert name.removeprefix("Async") in names
