"""Every registered endpoint the docs' endpoint → permission table lists carries that permission (the pipeline
answers 603 to a role without it). The table has typos; DOC_TYPOS maps our path to the row it means."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from mkto.emulator._router import AREAS, load_endpoints

TABLE = Path(__file__).parent / "data" / "endpoint-permissions.tsv"  # from the docs' endpoint-reference.md
# (method, our path) -> the path the docs' row spells
DOC_TYPOS = {
    ("POST", "/rest/v1/leads/delete.json"): "/rest/v1/leads.json",  # "Delete Leads" row
    ("GET", "/rest/v1/leads/{}/programMembership.json"): "/rest/v1/leads/{}programMembership.json",
    ("GET", "/rest/v1/leads/{}/listMembership.json"): "/rest/v1/leads/{}.json",  # "Get Lists by Lead ID" row
    ("GET", "/rest/asset/v1/staticList/{}.json"): "/asset/v1/staticList/{}.json",
    ("GET", "/rest/asset/v1/staticList/byName.json"): "/asset/v1/staticList/byName.json",
    ("GET", "/rest/asset/v1/staticLists.json"): "/asset/v1/staticLists.json",
    ("POST", "/rest/asset/v1/staticLists.json"): "/asset/v1/staticLists.json",
    ("POST", "/rest/asset/v1/staticList/{}/delete.json"): "/asset/v1/staticList/{}/delete.json",
    ("POST", "/rest/asset/v1/staticList/{}.json"): "/asset/v1/staticList/{}.json",
}


def shape(path: str) -> str:
    return re.sub(r"\{[^}]*\}", "{}", path)


def documented() -> dict[tuple[str, str], set[str]]:
    table: dict[tuple[str, str], set[str]] = {}
    for line in TABLE.read_text().splitlines():
        if line and not line.startswith("#"):
            _name, _group, method, uri, permission = line.split("\t")
            table.setdefault((method, shape(uri)), set()).add(permission)
    return table


# Endpoints the docs' table has no row for at all (we give them the permission of their neighbours).
NOT_IN_TABLE = {
    ("GET", "/rest/v1/stats/usage.json"),
    ("GET", "/rest/v1/stats/usage/last7days.json"),
    ("GET", "/rest/v1/stats/errors.json"),
    ("GET", "/rest/v1/stats/errors/last7days.json"),
    ("POST", "/rest/v1/leads/push.json"),  # its row points at partitions.json
    ("GET", "/rest/v1/list/{}/leads.json"),  # the legacy singular path
}

ENDPOINTS = [(e.method.upper(), shape(e.path), e.permission) for e in load_endpoints(AREAS)]


def table_key(method: str, path: str, table: dict[tuple[str, str], set[str]]) -> tuple[str, str] | None:
    key = (method, DOC_TYPOS.get((method, path), path))
    if key not in table and path.startswith("/bulk/v1/customobjects/{}/"):
        key = (method, path.replace("/customobjects/{}/", "/customobjects/", 1))  # the table drops the apiName
    return key if key in table else None


def test_exactly_the_known_endpoints_are_missing_from_the_docs_table() -> None:
    table = documented()
    missing = {(m, p) for m, p, _ in ENDPOINTS if table_key(m, p, table) is None}
    assert missing == NOT_IN_TABLE


DOCUMENTED = [(m, p, perm) for m, p, perm in ENDPOINTS if (m, p) not in NOT_IN_TABLE]


@pytest.mark.parametrize(("method", "path", "permission"), DOCUMENTED, ids=[f"{m} {p}" for m, p, _ in DOCUMENTED])
def test_permission_matches_the_docs_table(method: str, path: str, permission: str | None) -> None:
    table = documented()
    key = table_key(method, path, table)
    assert key is not None
    assert permission in table[key]
