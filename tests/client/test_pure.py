"""Pure parts: batch sizing, the token state machine, redaction, the public surface."""

from __future__ import annotations

import itertools
import json

import mkto.client
from mkto.client import redact_text
from mkto.client._auth import TokenAnswer, TokenState
from mkto.client._operations import RequestSpec, guess_idempotent, override_get
from mkto.client._sizing import chunk_values, dumps, split_batch


def envelope(chunk: list[dict[str, str]]) -> bytes:
    return dumps({"action": "createOrUpdate", "lookupField": "email", "input": chunk})


def test_split_batch_respects_records_and_bytes_exactly() -> None:
    records = [{"email": f"lead{i}@example.com", "note": "x" * (i % 700)} for i in range(2000)]
    chunks = split_batch(records, max_records=300, max_bytes=50_000, envelope=envelope)
    assert [r for _, chunk in chunks for r in chunk] == records
    offsets = [offset for offset, _ in chunks]
    assert offsets == sorted(offsets)
    assert offsets[0] == 0
    for offset, chunk in chunks:
        assert records[offset] == chunk[0]
        assert len(chunk) <= 300
        body = envelope(chunk)
        assert len(body) <= 50_000
        assert json.loads(body)["input"] == chunk
    # greedy: no chunk could have taken its successor's first record
    for (_, chunk), (_, following) in itertools.pairwise(chunks):
        assert len(chunk) == 300 or len(envelope([*chunk, following[0]])) > 50_000


def test_split_batch_by_count() -> None:
    chunks = split_batch([{"email": str(i)} for i in range(601)], max_records=300, max_bytes=10**9, envelope=envelope)
    assert [len(c) for _, c in chunks] == [300, 300, 1]
    assert [o for o, _ in chunks] == [0, 300, 600]


def test_chunk_values() -> None:
    assert [len(c) for c in chunk_values(list(range(500)), 300)] == [300, 200]
    assert chunk_values([], 300) == [[]]


def test_token_state_refreshes_early_and_waits_out_a_dying_token() -> None:
    now = [1000.0]
    state = TokenState(lambda: now[0], refresh_margin_s=60, min_life_s=10)
    assert state.usable() is None
    assert state.accept(TokenAnswer("a:int", 3600)) == 0
    assert state.usable() == "a:int"
    now[0] += 3600 - 61
    assert state.usable() == "a:int"
    now[0] += 2  # inside the margin: ask again
    assert state.usable() is None
    assert state.accept(TokenAnswer("a:int", 58)) == 0  # same token, 58 s left: use it until 10 s remain
    assert state.usable() == "a:int"
    now[0] += 49
    assert state.usable() is None
    wait = state.accept(TokenAnswer("a:int", 3))  # seconds to live: wait it out, do not use it
    assert 3 <= wait <= 4
    assert state.usable() is None
    now[0] += wait
    assert state.accept(TokenAnswer("b:int", 3600)) == 0
    assert state.usable() == "b:int"


def test_token_state_forced_refresh_ignores_cached_expiry() -> None:
    state = TokenState(lambda: 0.0)
    state.accept(TokenAnswer("a:int", 3600))
    state.invalidate("old:int")  # a token already replaced by another thread: keep the new one
    assert state.usable() == "a:int"
    state.invalidate("a:int")
    assert state.usable() is None


def test_idempotency_guess() -> None:
    assert guess_idempotent("POST", "/rest/v1/leads.json", {"action": "createOrUpdate"})
    assert not guess_idempotent("POST", "/rest/v1/leads.json", {"action": "createDuplicate"})
    assert not guess_idempotent("POST", "/rest/v1/activities/external.json", {"input": []})
    assert not guess_idempotent("POST", "/rest/v1/campaigns/12/trigger.json", None)
    assert not guess_idempotent("POST", "/rest/v1/campaigns/12/schedule.json", None)
    assert guess_idempotent("GET", "/rest/v1/leads.json", None)


def test_request_spec_is_immutable_and_override_moves_the_query() -> None:
    spec = RequestSpec.build("get", "rest/v1/leads.json", params={"filterType": "email", "filterValues": ["a", "b"]})
    assert spec.method == "GET"
    assert spec.path == "/rest/v1/leads.json"
    posted = override_get(spec)
    assert posted.method == "POST"
    assert posted.params == (("_method", "GET"),)
    assert posted.form == (("filterType", "email"), ("filterValues", "a,b"))
    assert spec.method == "GET"  # the original is untouched


def test_redaction() -> None:
    text = (
        'Authorization: Bearer 0f1e2d3c-aaaa:ab client_secret=s3cr3t&x=1 {"access_token": "tok:ab", '
        '"client_secret":"s3cr3t"} access_token=tok:ab'
    )
    out = redact_text(text)
    for secret in ("s3cr3t", "tok:ab", "0f1e2d3c"):
        assert secret not in out


def test_public_surface_is_pinned() -> None:
    assert sorted(mkto.client.__all__) == sorted(
        [
            "LOGGER_NAME", "MAX_BATCH_RECORDS", "MAX_BODY_BYTES", "MAX_FILTER_VALUES", "MAX_IMPORT_BYTES",
            "MAX_URI_BYTES", "Action", "AsyncClient", "AsyncLeads", "AsyncPageIterator", "AsyncUsage", "Client",
            "Decision", "Denied", "Grant", "InProcessLimiterBackend", "Leads", "LimiterBackend", "Limits",
            "NetworkError", "PageIterator", "Quota", "RedisLimiterBackend", "RetryPolicy", "SqliteLimiterBackend",
            "Timeouts", "Usage", "decide", "full_jitter", "is_ambiguous", "redact_text",
            # bulk, dedupe objects, program members, assets
            "Assets", "AsyncAssets", "AsyncBulk", "AsyncDedupeObjects", "AsyncProgramMembers", "Bulk",
            "BulkJobFailed", "BulkTimeout", "BulkWait", "ChecksumMismatch", "DedupeObjects", "ExtractResult",
            "FileNotAvailable", "ImportResult", "ProgramMembers",
        ]
    )  # fmt: skip
    for name in mkto.client.__all__:
        assert hasattr(mkto.client, name)
