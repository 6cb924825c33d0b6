"""The fast request path keeps every answer: orjson renders what json rendered, stored JSON reads back exactly,
reads without a transaction round see one state and refuse to write, and header fields read as before."""

from __future__ import annotations

import gc
import json
import math
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from mkto.emulator._common import rows
from mkto.emulator._render import encode_json
from mkto.emulator._server import GC_GEN0_OBJECTS, share_interpreter_fairly
from mkto.emulator._store import Store, WroteInRead

from .conftest import Api, assert_marketo_error, assert_success


def _json_bytes(value: Any) -> bytes:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode()


@pytest.mark.parametrize(
    "value",
    [
        {"requestId": "d92d#1a234d2fa01", "result": [{"id": 1, "firstName": "Zoë", "lastName": None}], "success": True},
        {"z": 1, "a": [True, False, None], "m": {"k": "v"}},  # key order kept, not sorted
        {"text": "中文 \u2028 \"quoted\" \\ </script> \t\n"},
        {"floats": [0.1, 1.5, -2.25, 123456789.123, 1e16, 1e300]},
        {"big": 2**63 - 1, "negative": -(2**63)},
        {"huge": 2**64 + 1},  # past orjson's integers: json renders it
        {1: "an integer key"},  # orjson refuses a non-string key: json renders it as "1"
        [],
    ],
)
def test_encode_json_renders_what_json_rendered(value: Any) -> None:
    assert encode_json(value) == _json_bytes(value)


def test_encode_json_refuses_what_json_refused() -> None:
    with pytest.raises(TypeError):
        encode_json({"when": object()})


@pytest.fixture
def store(tmp_path: Path) -> Any:
    opened = Store.open(tmp_path / "fast.sqlite3")
    yield opened
    opened.close()


_own = sa.MetaData()
_things = sa.Table(
    "fast_path_things", _own, sa.Column("id", sa.Integer, primary_key=True), sa.Column("data", sa.JSON)
)


@pytest.mark.parametrize(
    "data",
    [
        {"n": 123456789012345678901234567890, "s": "x"},  # orjson would read this as a float
        {"phone": "+1 555 0100", "score": 12.5, "flags": [True, None]},
        {"name": "Zoë 中文"},
    ],
)
def test_by_key_reads_stored_json_back_exactly(store: Store, data: dict[str, Any]) -> None:
    _own.create_all(store.engine)
    with store.transaction() as db:
        db.execute(_things.insert().values(id=1, data=data))
    found = store.read(lambda db: rows.by_key(db, _things, "id", 1))
    assert found.data == data
    assert [type(v) for v in found.data.values()] == [type(v) for v in data.values()]


def test_by_key_reads_nan_as_json_did(store: Store) -> None:
    _own.create_all(store.engine)
    with store.transaction() as db:
        db.exec_driver_sql("INSERT INTO fast_path_things (id, data) VALUES (1, '{\"x\": NaN}')")
    found = store.read(lambda db: rows.by_key(db, _things, "id", 1))
    assert math.isnan(found.data["x"])


def test_read_sees_committed_data_and_refuses_a_write(store: Store) -> None:
    _own.create_all(store.engine)
    with store.transaction() as db:
        db.execute(_things.insert().values(id=1, data={"v": 1}))
    assert store.read(lambda db: db.execute(sa.select(sa.func.count()).select_from(_things)).scalar_one()) == 1
    with pytest.raises(WroteInRead):
        store.read(lambda db: db.execute(_things.insert().values(id=2, data={})))
    with store.transaction() as db:  # the refused write was rolled back, not left for the next commit
        assert db.execute(sa.select(_things.c.id)).scalars().all() == [1]


def test_read_inside_a_transaction_sees_its_uncommitted_writes(store: Store) -> None:
    _own.create_all(store.engine)
    with store.transaction() as db:
        db.execute(_things.insert().values(id=7, data={"v": 7}))
        inner = store.read(lambda read_db: rows.by_key(read_db, _things, "id", 7))
        assert inner is not None and inner.data == {"v": 7}


_numbered = sa.Table(
    "fast_path_numbered", _own, sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("label", sa.String), sa.Column("data", sa.JSON), sqlite_autoincrement=True,
)  # fmt: skip


def test_insert_rows_keeps_order_and_numbering_across_statements(store: Store) -> None:
    _own.create_all(store.engine)
    count = 1_234  # more rows than one statement takes (rows.insert_rows sends at most 500 a statement)
    with store.transaction() as db:
        db.execute(_numbered.insert().values(label="before", data={}))  # ids go on after the ones used
        rows.insert_rows(db, "INSERT INTO fast_path_numbered (label, data) VALUES ", 2, [
            (f"row {i}", rows.encode({"i": i, "name": "Zoë"})) for i in range(count)
        ])  # fmt: skip
        rows.insert_rows(db, "INSERT INTO fast_path_numbered (label, data) VALUES ", 2, [])  # nothing, no error
    with store.transaction() as db:
        found = db.execute(sa.select(_numbered).order_by(_numbered.c.id)).all()
    assert [r.id for r in found] == list(range(1, count + 2))
    assert [r.label for r in found] == ["before", *(f"row {i}" for i in range(count))]
    assert [r.data for r in found[1:4]] == [{"i": 0, "name": "Zoë"}, {"i": 1, "name": "Zoë"}, {"i": 2, "name": "Zoë"}]


@pytest.mark.parametrize(
    "body",
    [
        b'{"input": [{"email": "a@example.com", "n": 12345678901234567890123}]}',  # orjson would make it a float
        b'{"a": 1, "a": 2}',  # the last of repeated keys, as json
        b"\xef\xbb\xbf{\"bom\": true}",  # a byte order mark: orjson refuses it, json reads it
        b'{"x": NaN, "y": 1e400}',
        '{"name": "Zoë 中文"}'.encode(),
        '{"name": "Zoë"}'.encode("utf-16"),
    ],
)
def test_decode_reads_a_body_as_json_loads_does(body: bytes) -> None:
    assert repr(rows.decode(body)) == repr(json.loads(body))


@pytest.mark.parametrize("body", [b"{bad", b'{"a": 1', b"\xff\xfe\xfd", b""])
def test_decode_refuses_a_body_as_json_loads_does(body: bytes) -> None:
    refused: type[ValueError] | None = None
    try:
        json.loads(body)
    except ValueError as exc:  # JSONDecodeError, or UnicodeDecodeError for bytes that are no text
        refused = type(exc)
    assert refused is not None
    with pytest.raises(refused):
        rows.decode(body)


def _lead_id(api: Api) -> int:
    body = assert_success(api.call("POST", "/rest/v1/leads.json", json={"input": [{"email": "fast@example.com"}]}))
    return int(body["result"][0]["id"])


def test_get_lead_by_id_reads_without_writing(api: Api) -> None:
    lead_id = _lead_id(api)
    body = assert_success(api.call("GET", f"/rest/v1/lead/{lead_id}.json"))
    assert body["result"][0]["email"] == "fast@example.com"
    assert list(body["result"][0]) == ["id", "firstName", "lastName", "email", "updatedAt", "createdAt"]


def test_the_first_of_repeated_authorization_headers_counts(api: Api) -> None:
    lead_id = _lead_id(api)
    good, bad = f"Bearer {api.token()}", "Bearer not-a-token"
    path = f"/rest/v1/lead/{lead_id}.json"
    first_good = api.http.send(api.http.build_request("GET", path, headers=[("Authorization", good), ("Authorization", bad)]))
    assert_success(first_good)
    first_bad = api.http.send(api.http.build_request("GET", path, headers=[("Authorization", bad), ("Authorization", good)]))
    assert_marketo_error(first_bad, "601")


def test_a_get_with_a_body_still_parses_its_query(api: Api) -> None:
    lead_id = _lead_id(api)
    response = api.call("GET", f"/rest/v1/lead/{lead_id}.json", params={"fields": "email"}, content=b"ignored")
    assert assert_success(response)["result"] == [{"id": lead_id, "email": "fast@example.com"}]


def test_serving_freezes_the_startup_heap_and_collects_young_objects_less_often() -> None:
    share_interpreter_fairly()
    assert gc.get_freeze_count() > 0
    assert gc.get_threshold()[0] == GC_GEN0_OBJECTS


def test_a_json_answer_is_byte_for_byte_json(api: Api) -> None:
    lead_id = _lead_id(api)
    response = api.call("GET", f"/rest/v1/lead/{lead_id}.json")
    assert response.content == _json_bytes(response.json())
