"""`parse_response` fed what a broken gateway, a proxy or a changed API could send: any status, any content
type, any bytes, and JSON envelopes whose fields have the wrong types. Only the catalogue's exceptions may
escape (a `MarketoError`, whose class tells the caller what to do), never a `TypeError` or `KeyError` from
inside the parser, and a parsed answer's per-record outcomes can always be read.

`MKTO_FUZZ_EXAMPLES` raises the budget (the soak run); CI runs the default."""

from __future__ import annotations

import json
import os
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mkto.errors import MarketoError, MarketoResponse, parse_response

# 300 examples a property; a soak run (MKTO_SOAK_SCALE=N) N times as many; MKTO_FUZZ_EXAMPLES sets them outright.
EXAMPLES = int(os.environ.get("MKTO_FUZZ_EXAMPLES") or 300 * int(os.environ.get("MKTO_SOAK_SCALE", "1")))
FUZZ = settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])

CONTENT_TYPES = st.one_of(
    st.sampled_from([
        "application/json", "application/json;charset=UTF-8", "application/JSON; charset=utf-8", "text/html",
        "text/plain", "", "application/octet-stream", "application/problem+json", "text/json",
    ]),
    st.text(max_size=40),
)
STATUSES = st.one_of(st.sampled_from([200, 201, 204, 400, 401, 403, 404, 413, 414, 429, 500, 502, 503, 504]),
                     st.integers(min_value=100, max_value=599))
SCALARS = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), st.text(max_size=20))
JSON_VALUES = st.recursive(
    SCALARS, lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=8), inner, max_size=4)),
    max_leaves=12,
)
CODES = st.one_of(st.sampled_from(["601", "602", "606", "607", "611", "615", "1003", "1029", "702", "413"]), SCALARS)


def _reason() -> st.SearchStrategy[Any]:
    return st.one_of(st.fixed_dictionaries({"code": CODES, "message": SCALARS}), JSON_VALUES)


RECORDS = st.one_of(
    st.fixed_dictionaries(
        {"status": st.one_of(st.sampled_from(["created", "updated", "skipped", "deleted"]), SCALARS)},
        optional={
            "id": SCALARS, "seq": st.one_of(st.integers(), SCALARS, JSON_VALUES), "marketoGUID": SCALARS,
            "reasons": st.one_of(st.lists(_reason(), max_size=3), JSON_VALUES), "errors": JSON_VALUES,
        },
    ),
    JSON_VALUES,
)
ENVELOPES = st.fixed_dictionaries(
    {},
    optional={
        "requestId": SCALARS,
        "success": st.one_of(st.booleans(), SCALARS),
        "errors": st.one_of(st.lists(_reason(), max_size=3), JSON_VALUES),
        "warnings": JSON_VALUES,
        "result": st.one_of(st.lists(RECORDS, max_size=4), JSON_VALUES),
        "nextPageToken": SCALARS,
        "moreResult": SCALARS,
        "error": SCALARS,
        "error_description": SCALARS,
    },
)
HEADERS = st.fixed_dictionaries({"content-type": CONTENT_TYPES}, optional={"retry-after": st.text(max_size=12)})


def _outcome(status: int, headers: dict[str, str], body: bytes) -> MarketoResponse | MarketoError:
    try:
        response = parse_response(status, headers, body)
    except MarketoError as exc:
        raised = exc
    else:
        raised = None
    if raised is not None:
        assert str(raised)  # the log line a caller writes must not fail either
        assert raised.disposition is not None
        return raised
    for record in response.records:  # what a caller reads next
        assert isinstance(record.index, int) and isinstance(record.status, str)
        for reason in record.reasons:
            assert isinstance(reason.code, str)
    assert isinstance(response.result, list) and isinstance(response.warnings, list)
    return response


@FUZZ
@given(status=STATUSES, headers=HEADERS, body=st.binary(max_size=300))
def test_any_bytes_raise_only_catalogue_exceptions(status: int, headers: dict[str, str], body: bytes) -> None:
    _outcome(status, headers, body)


@FUZZ
@given(status=STATUSES, envelope=ENVELOPES, content_type=st.sampled_from(["application/json;charset=UTF-8", "application/json"]))
def test_envelopes_with_wrong_types_raise_only_catalogue_exceptions(
    status: int, envelope: dict[str, Any], content_type: str
) -> None:
    _outcome(status, {"content-type": content_type}, json.dumps(envelope).encode())


@FUZZ
@given(envelope=ENVELOPES, cut=st.integers(min_value=0, max_value=400))
def test_a_cut_short_json_answer_is_a_transient_error_or_parses(envelope: dict[str, Any], cut: int) -> None:
    body = json.dumps(envelope).encode()[:cut]
    _outcome(200, {"content-type": "application/json;charset=UTF-8"}, body)


def test_a_success_envelope_with_a_record_of_a_non_numeric_seq_keeps_its_position() -> None:
    body = json.dumps({"requestId": "a#b", "success": True, "result": [{"status": "created", "seq": "x", "id": 5}]})
    response = parse_response(200, {"content-type": "application/json"}, body.encode())
    assert [(r.index, r.status, r.id) for r in response.records] == [(0, "created", 5)]


@FUZZ
@given(result=st.lists(RECORDS, max_size=5), warnings=JSON_VALUES, token=SCALARS, more=SCALARS)
def test_a_success_with_odd_records_parses_and_reads(result: list[Any], warnings: Any, token: Any, more: Any) -> None:
    body = {"requestId": "1#2", "success": True, "result": result, "warnings": warnings, "nextPageToken": token,
            "moreResult": more}
    outcome = _outcome(200, {"content-type": "application/json;charset=UTF-8"}, json.dumps(body).encode())
    assert isinstance(outcome, MarketoResponse)


@FUZZ
@given(errors=st.one_of(st.lists(_reason(), max_size=3), JSON_VALUES), status=STATUSES)
def test_a_failure_with_odd_errors_is_a_catalogue_exception_or_an_empty_search(errors: Any, status: int) -> None:
    body = {"requestId": "1#2", "success": False, "errors": errors}
    outcome = _outcome(status, {"content-type": "application/json"}, json.dumps(body).encode())
    # an exception, or (702 "No data found" and its kind) an empty search
    assert isinstance(outcome, MarketoError) or (outcome.empty_search and outcome.result == []), outcome
